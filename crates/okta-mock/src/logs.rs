//! `GET /api/v1/logs`: the System Log, queried as Okta documents it.
//!
//! `since` (default seven days ago) and `until` match `published`; `filter` (Okta's
//! expressions, e.g. `eventType eq "user.session.start" and severity eq "WARN"`) and `q`
//! (space-separated keywords, each somewhere in the event) narrow; `limit` is 1 to 1000
//! (default 100). Pages follow the ingest order and an opaque `after` cursor.
//!
//! Without `until` the query polls: every page, even an empty one, links `next`, so a client
//! that keeps following it sees the events that arrive later. With `until` it is bounded: the
//! last page has no `next`, and `sortOrder=DESCENDING` is allowed.

use crate::error::OktaError;
use crate::extract::{Ctx, query};
use crate::filter::{self, Expr};
use crate::listing::{self, ListQuery};
use crate::syslog::{LogEntry, SystemLog};
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;

const PATH: &str = "/api/v1/logs";
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;

/// The cursor naming an event: its `published` in epoch milliseconds and its ingest number.
pub(crate) fn cursor(entry: &LogEntry) -> String {
    format!("{}_{}", entry.published.timestamp_millis(), entry.seq)
}

/// The index of the event a cursor names; `400` for a cursor this org did not give.
fn resolve(log: &SystemLog, after: &str) -> Result<usize, OktaError> {
    let bad = || OktaError::validation("after", format!("'{after}' is not a cursor this org gave"));
    let (millis, seq) = after.split_once('_').ok_or_else(bad)?;
    let millis: i64 = millis.parse().map_err(|_| bad())?;
    let index = log.index_of(seq.parse().map_err(|_| bad())?).ok_or_else(bad)?;
    match log.entries().get(index) {
        Some(entry) if entry.published.timestamp_millis() == millis => Ok(index),
        _ => Err(bad()),
    }
}

/// A parsed `/api/v1/logs` request.
#[derive(Debug)]
struct LogQuery {
    since: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
    after: Option<String>,
    filter: Option<Expr>,
    /// Lower-case keywords of `q`.
    keywords: Vec<String>,
    limit: usize,
    descending: bool,
}

fn time(q: &ListQuery, name: &str) -> Result<Option<DateTime<Utc>>, OktaError> {
    q.get(name)
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| OktaError::validation(name, format!("'{v}' is not a valid RFC 3339 date-time")))
        })
        .transpose()
}

impl LogQuery {
    fn parse(q: &ListQuery, now: DateTime<Utc>) -> Result<Self, OktaError> {
        let until = time(q, "until")?;
        // Okta's default: seven days before `until` (before now for a polling query).
        let end = until.unwrap_or(now);
        let since = time(q, "since")?.unwrap_or_else(|| end.checked_sub_signed(TimeDelta::days(7)).unwrap_or(end));
        if until.is_some_and(|u| u < since) {
            return Err(OktaError::validation("until", "'until' must not be before 'since'"));
        }
        let limit = match q.get("limit") {
            None => DEFAULT_LIMIT,
            Some(l) => l
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| OktaError::validation("limit", format!("'{l}' is not between 1 and {MAX_LIMIT}")))?,
        };
        let descending = match q.get("sortOrder") {
            None => false,
            Some(s) if s.eq_ignore_ascii_case("ASCENDING") => false,
            Some(s) if s.eq_ignore_ascii_case("DESCENDING") => {
                if until.is_none() {
                    return Err(OktaError::validation(
                        "sortOrder",
                        "DESCENDING needs 'until': polling queries are ASCENDING",
                    ));
                }
                true
            }
            Some(s) => {
                return Err(OktaError::validation(
                    "sortOrder",
                    format!("'{s}' is neither ASCENDING nor DESCENDING"),
                ));
            }
        };
        let filter = q
            .get("filter")
            .map(|f| filter::parse(f).map_err(|why| OktaError::validation("filter", format!("invalid filter: {why}"))))
            .transpose()?;
        let keywords = q
            .get("q")
            .map(|text| text.split_whitespace().map(str::to_lowercase).collect())
            .unwrap_or_default();
        Ok(Self {
            since,
            until,
            after: q.get("after").map(str::to_string),
            filter,
            keywords,
            limit,
            descending,
        })
    }

    fn matches(&self, entry: &LogEntry) -> bool {
        entry.published >= self.since
            && self.until.is_none_or(|u| entry.published < u)
            && self.filter.as_ref().is_none_or(|f| filter::matches(f, &entry.event))
            && (self.keywords.is_empty() || {
                let text = entry.event.to_string().to_lowercase();
                self.keywords.iter().all(|k| text.contains(k.as_str()))
            })
    }
}

/// What the `next` link of a page carries.
#[derive(Debug, PartialEq)]
enum Next {
    /// No `next` link: the last page of a bounded query.
    None,
    /// The request's query with this `after`.
    After(String),
    /// The request's query as it was (an empty polling page and no cursor yet).
    Same,
}

/// The page a query asks for, and its `next`. `overlap` moves a polling page's cursor back
/// that many events (never behind the page's first), so the next page repeats them.
fn page<'a>(log: &'a SystemLog, query: &LogQuery, overlap: usize) -> Result<(Vec<&'a LogEntry>, Next), OktaError> {
    let entries = log.entries();
    let at = query.after.as_deref().map(|a| resolve(log, a)).transpose()?;
    let scan: Box<dyn Iterator<Item = &LogEntry>> = if query.descending {
        let end = at.unwrap_or(entries.len());
        Box::new(entries.get(..end).unwrap_or_default().iter().rev())
    } else {
        let start = at.map_or(0, |i| i.saturating_add(1));
        Box::new(entries.get(start..).unwrap_or_default().iter())
    };
    let mut found = scan.filter(|e| query.matches(e));
    let page: Vec<&LogEntry> = found.by_ref().take(query.limit).collect();
    let next = if query.until.is_some() {
        match (found.next(), page.last()) {
            (Some(_), Some(last)) => Next::After(cursor(last)),
            _ => Next::None,
        }
    } else {
        let back = overlap.min(page.len().saturating_sub(1));
        let last = page.len().checked_sub(1).and_then(|i| i.checked_sub(back));
        match (last.and_then(|i| page.get(i)), &query.after) {
            (Some(entry), _) => Next::After(cursor(entry)),
            (None, Some(after)) => Next::After(after.clone()),
            (None, None) => Next::Same,
        }
    };
    Ok((page, next))
}

/// The page as an answer: the events and the `Link` headers (`self`, and `next` as decided).
fn respond(base: &str, q: &ListQuery, events: &[&LogEntry], next: Next) -> Response {
    let mut headers = HeaderMap::new();
    if let Some(v) = listing::link(base, PATH, &q.pairs, "self") {
        headers.append(header::LINK, v);
    }
    let next = match next {
        Next::None => None,
        Next::After(after) => listing::link(base, PATH, &listing::with_after(q, &after), "next"),
        Next::Same => listing::link(base, PATH, &q.pairs, "next"),
    };
    if let Some(v) = next {
        headers.append(header::LINK, v);
    }
    let body: Vec<&Value> = events.iter().map(|e| &e.event).collect();
    (headers, Json(body)).into_response()
}

/// `GET /api/v1/logs`
pub(crate) async fn list(State(ctx): State<Ctx>, RawQuery(raw): RawQuery) -> Result<Response, OktaError> {
    let q = query(raw);
    let request = LogQuery::parse(&q, Utc::now())?;
    let store = ctx.read()?;
    let (events, next) = page(&store.log, &request, ctx.log_page_overlap)?;
    Ok(respond(&ctx.base, &q, &events, next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(pairs: &[(&str, &str)]) -> ListQuery {
        ListQuery {
            pairs: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    fn parse(pairs: &[(&str, &str)]) -> Result<LogQuery, OktaError> {
        LogQuery::parse(&q(pairs), Utc::now())
    }

    /// Ten sign-ins published a second apart, an hour ago.
    fn log() -> SystemLog {
        let mut log = SystemLog::new();
        let start = Utc::now() - TimeDelta::hours(1);
        for i in 0..10 {
            log.sign_in(start + TimeDelta::seconds(i));
        }
        log
    }

    fn seqs(page: &[&LogEntry]) -> Vec<u64> {
        page.iter().map(|e| e.seq).collect()
    }

    #[test]
    fn polling_pages_always_link_next() {
        let log = log();
        let (first, next) = page(&log, &parse(&[("limit", "4")]).expect("query"), 0).expect("page");
        assert_eq!(seqs(&first), [1, 2, 3, 4]);
        let Next::After(after) = next else { panic!("{next:?}") };
        assert_eq!(after, cursor(first[3]));
        let (last, next) = page(&log, &parse(&[("limit", "10"), ("after", &after)]).expect("q"), 0).expect("page");
        assert_eq!(seqs(&last), [5, 6, 7, 8, 9, 10]);
        let Next::After(end) = next else { panic!("{next:?}") };
        let (empty, next) = page(&log, &parse(&[("after", &end)]).expect("q"), 0).expect("page");
        assert!(empty.is_empty());
        assert_eq!(next, Next::After(end));
        let (none, next) = page(&log, &parse(&[("filter", "eventType eq \"x\"")]).expect("q"), 0).expect("page");
        assert_eq!((none.len(), next), (0, Next::Same));
    }

    #[test]
    fn bounded_pages_end_and_may_descend() {
        let log = log();
        let until = crate::syslog::timestamp(log.entries()[6].published);
        let bounded = parse(&[("limit", "4"), ("until", &until)]).expect("q");
        let (first, next) = page(&log, &bounded, 0).expect("page");
        assert_eq!(seqs(&first), [1, 2, 3, 4]);
        let Next::After(after) = next else { panic!("{next:?}") };
        let rest = parse(&[("limit", "4"), ("until", &until), ("after", &after)]).expect("q");
        let (second, next) = page(&log, &rest, 0).expect("page");
        assert_eq!((seqs(&second), next), (vec![5, 6], Next::None));
        let down = parse(&[("limit", "4"), ("until", &until), ("sortOrder", "DESCENDING")]).expect("q");
        let (first, next) = page(&log, &down, 0).expect("page");
        assert_eq!(seqs(&first), [6, 5, 4, 3]);
        let Next::After(after) = next else { panic!("{next:?}") };
        let down = parse(&[("until", &until), ("sortOrder", "DESCENDING"), ("after", &after)]).expect("q");
        let (rest, next) = page(&log, &down, 0).expect("page");
        assert_eq!((seqs(&rest), next), (vec![2, 1], Next::None));
        assert_eq!(parse(&[("sortOrder", "DESCENDING")]).unwrap_err().status(), 400);
        assert_eq!(parse(&[("sortOrder", "SIDEWAYS")]).unwrap_err().status(), 400);
    }

    #[test]
    fn overlap_repeats_the_end_of_a_page_but_always_advances() {
        let log = log();
        let (first, next) = page(&log, &parse(&[("limit", "4")]).expect("q"), 2).expect("page");
        assert_eq!(next, Next::After(cursor(first[1])));
        let (one, next) = page(&log, &parse(&[("limit", "1")]).expect("q"), 2).expect("page");
        assert_eq!(next, Next::After(cursor(one[0])));
    }

    #[test]
    fn since_filter_and_keywords_narrow() {
        let mut log = log();
        log.push(json!({"eventType": "user.lifecycle.create", "severity": "WARN", "displayMessage": "Hello Zebra"}));
        let since = crate::syslog::timestamp(log.entries()[8].published);
        let (recent, _) = page(&log, &parse(&[("since", &since)]).expect("q"), 0).expect("page");
        assert_eq!(seqs(&recent), [9, 10, 11]);
        let warn = parse(&[("filter", "severity eq \"WARN\" or eventType eq \"nothing\"")]).expect("q");
        assert_eq!(seqs(&page(&log, &warn, 0).expect("page").0), [11]);
        let words = parse(&[("q", "zebra  HELLO")]).expect("q");
        assert_eq!(seqs(&page(&log, &words, 0).expect("page").0), [11]);
        let miss = parse(&[("q", "zebra giraffe")]).expect("q");
        assert!(page(&log, &miss, 0).expect("page").0.is_empty());
    }

    #[test]
    fn bad_parameters_answer_400() {
        for pairs in [
            [("since", "yesterday")],
            [("until", "2026-13-01T00:00:00Z")],
            [("limit", "0")],
            [("limit", "1001")],
            [("limit", "-1")],
            [("limit", "99999999999999999999999")],
            [("filter", "eventType eq")],
        ] {
            assert_eq!(parse(&pairs).map(|_| ()).unwrap_err().status(), 400, "{pairs:?}");
        }
        let reversed = parse(&[("since", "2026-01-02T00:00:00Z"), ("until", "2026-01-01T00:00:00Z")]);
        assert_eq!(reversed.unwrap_err().status(), 400);
        let log = log();
        for after in ["", "x", "1_x", "0_0", "1_99", "18446744073709551616_1", "1_1"] {
            let query = parse(&[("after", after)]).expect("q");
            assert_eq!(page(&log, &query, 0).map(|_| ()).unwrap_err().status(), 400, "{after}");
        }
        assert_eq!(parse(&[("limit", "1000")]).expect("q").limit, 1000);
    }
}
