//! Paged lists the way Okta pages them: `limit` and an opaque `after` cursor (here the last
//! id of the page), and `Link` headers `rel="self"` and `rel="next"`, one header each.

use crate::error::OktaError;
use crate::filter::{self, Expr};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::collections::BTreeMap;
use std::ops::Bound;

/// The query of a list request, in order, as sent.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListQuery {
    pub(crate) pairs: Vec<(String, String)>,
}

impl ListQuery {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// `limit`, defaulting to and capped at `max`.
    pub(crate) fn limit(&self, max: usize) -> Result<usize, OktaError> {
        match self.get("limit") {
            None => Ok(max),
            Some(l) => match l.parse::<usize>() {
                Ok(0) | Err(_) => Err(OktaError::validation(
                    "limit",
                    format!("'{l}' is not a positive number"),
                )),
                Ok(n) => Ok(n.min(max)),
            },
        }
    }

    /// `filter` and `search` (both may be given), parsed.
    pub(crate) fn expressions(&self) -> Result<Vec<Expr>, OktaError> {
        ["filter", "search"]
            .iter()
            .filter_map(|name| self.get(name).map(|v| (name, v)))
            .map(|(name, v)| {
                filter::parse(v).map_err(|why| OktaError::validation(name, format!("invalid {name} expression: {why}")))
            })
            .collect()
    }
}

/// One page of `items` after the cursor, keeping those `keep` accepts.
pub(crate) fn page<'a>(
    items: &'a BTreeMap<String, Value>,
    query: &ListQuery,
    max_limit: usize,
    keep: impl Fn(&Value) -> bool,
) -> Result<(Vec<&'a Value>, Option<String>), OktaError> {
    let limit = query.limit(max_limit)?;
    let exprs = query.expressions()?;
    let start = match query.get("after") {
        Some(after) => Bound::Excluded(after.to_string()),
        None => Bound::Unbounded,
    };
    let mut found = items
        .range((start, Bound::Unbounded))
        .map(|(_, v)| v)
        .filter(|v| keep(v) && exprs.iter().all(|e| filter::matches(e, v)));
    let page: Vec<&Value> = found.by_ref().take(limit).collect();
    let more = found.next().is_some();
    let next = if more {
        page.last()
            .and_then(|v| v.get("id"))
            .and_then(Value::as_str)
            .map(str::to_string)
    } else {
        None
    };
    Ok((page, next))
}

fn encode(pairs: &[(String, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// One `Link` header value: `<{base}{path}?{pairs}>; rel="{rel}"`.
pub(crate) fn link(base: &str, path: &str, pairs: &[(String, String)], rel: &str) -> Option<HeaderValue> {
    let value = if pairs.is_empty() {
        format!("<{base}{path}>; rel=\"{rel}\"")
    } else {
        format!("<{base}{path}?{}>; rel=\"{rel}\"", encode(pairs))
    };
    HeaderValue::from_str(&value).ok()
}

/// The query of a next page: `after` first, then the request's other parameters.
pub(crate) fn with_after(query: &ListQuery, after: &str) -> Vec<(String, String)> {
    let mut pairs = vec![("after".to_string(), after.to_string())];
    pairs.extend(query.pairs.iter().filter(|(k, _)| k != "after").cloned());
    pairs
}

/// The `Link` headers of a page: `self` with the request's query, `next` with `after` first.
pub(crate) fn links(base: &str, path: &str, query: &ListQuery, next: Option<&str>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(v) = link(base, path, &query.pairs, "self") {
        headers.append(header::LINK, v);
    }
    if let Some(v) = next.and_then(|after| link(base, path, &with_after(query, after), "next")) {
        headers.append(header::LINK, v);
    }
    headers
}

/// A page as a response: the JSON array and its `Link` headers.
pub(crate) fn respond(base: &str, path: &str, query: &ListQuery, page: (Vec<&Value>, Option<String>)) -> Response {
    let (items, next) = page;
    (links(base, path, query, next.as_deref()), axum::Json(items)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn items(n: usize) -> BTreeMap<String, Value> {
        (0..n)
            .map(|i| {
                let id = format!("00u{i:04}");
                (id.clone(), json!({"id": id, "n": i}))
            })
            .collect()
    }

    fn query(pairs: &[(&str, &str)]) -> ListQuery {
        ListQuery {
            pairs: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    #[test]
    fn pages_follow_the_cursor_and_stop_without_a_next_link() {
        let all = items(5);
        let (p1, next) = page(&all, &query(&[("limit", "2")]), 200, |_| true).expect("page");
        assert_eq!(p1.len(), 2);
        assert_eq!(next.as_deref(), Some("00u0001"));
        let (p3, next) = page(&all, &query(&[("limit", "2"), ("after", "00u0003")]), 200, |_| true).expect("page");
        assert_eq!((p3.len(), next), (1, None));
        let err = page(&all, &query(&[("limit", "x")]), 200, |_| true).unwrap_err();
        assert_eq!(err.status(), 400);
    }

    #[test]
    fn links_carry_the_query_with_after_first() {
        let q = query(&[("limit", "2"), ("search", "status eq \"ACTIVE\"")]);
        let h = links("http://127.0.0.1:1", "/api/v1/users", &q, Some("00u9"));
        let all: Vec<_> = h
            .get_all(header::LINK)
            .iter()
            .map(|v| v.to_str().unwrap_or(""))
            .collect();
        assert_eq!(
            all,
            [
                "<http://127.0.0.1:1/api/v1/users?limit=2&search=status+eq+%22ACTIVE%22>; rel=\"self\"",
                "<http://127.0.0.1:1/api/v1/users?after=00u9&limit=2&search=status+eq+%22ACTIVE%22>; rel=\"next\"",
            ]
        );
    }
}
