//! Pages of a list operation: the stream that fetches them, and the next-page step a page
//! remembers for fetching the next one by hand.

use crate::build::{Built, RequestError};
use crate::call::decode;
use crate::error::Error;
use crate::guard;
use crate::operation::OperationMeta;
use crate::options::RequestOptions;
use crate::pipeline::Target;
use crate::runtime::Runtime;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

/// One page of a list: its items, and the answer's status and headers. A page that came from
/// the SDK also knows how to fetch the next one (`client.next_page(&page)`).
#[derive(Clone)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The answer's status.
    pub status: StatusCode,
    /// The answer's headers (`Link`, rate limits, request id).
    pub headers: HeaderMap,
    /// How to fetch the next page; `None` for a page built by hand.
    pub(crate) step: Option<Arc<Step>>,
}

impl<T: fmt::Debug> fmt::Debug for Page<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Page")
            .field("items", &self.items)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("operation", &self.step.as_ref().map(|s| s.op.id))
            .finish()
    }
}

impl<T> Page<T> {
    /// A page built by hand (a test's fake answer): it has no operation to fetch a next
    /// page with, so `client.next_page` answers `None` for it.
    pub fn new(items: Vec<T>, status: StatusCode, headers: HeaderMap) -> Self {
        Self {
            items,
            status,
            headers,
            step: None,
        }
    }

    /// The full URL of the next page, if there is one.
    pub fn next_link(&self) -> Option<String> {
        super::next_link(&self.headers)
    }

    /// Whether there is a next page.
    pub fn has_next_page(&self) -> bool {
        super::has_next_page(&self.headers)
    }

    /// The next page's `after` cursor, for paging by hand.
    pub fn next_cursor(&self) -> Option<String> {
        super::next_cursor(&self.headers)
    }

    /// The next page's link, unless this page ends the list: it has none, or it has no items
    /// (Okta's polling queries, such as the System Log's without `until`, link to a next
    /// page forever).
    fn continues(&self) -> Option<String> {
        if self.items.is_empty() { None } else { self.next_link() }
    }
}

/// What fetching the page after a page takes: the operation, the builder's request (without
/// credentials: they are added on each attempt), the page's URL, the call's options, and the
/// pages fetched so far.
pub(crate) struct Step {
    op: &'static OperationMeta,
    /// The first page's request, as the builder built it: its query parameters are the
    /// caller's, its origin the org's.
    request: Arc<reqwest::Request>,
    /// The URL this page was fetched from (a relative next link is resolved against it).
    url: reqwest::Url,
    options: RequestOptions,
    history: History,
    /// How many pages came before this one.
    depth: u32,
}

/// The URLs a chain of pages has fetched (hashed: 8 bytes and a depth a page, so a stream of
/// a million pages keeps about 24 MB), each with the depth of the page it fetched.
///
/// A next link is refused when it leads to a page fetched before the page it would be: that
/// is a loop, whatever the server meant. Fetching the same next page again (a retry of
/// `client.next_page(&page)`) is not one.
#[derive(Clone, Default)]
struct History(Arc<Mutex<HashMap<u64, u32>>>);

impl History {
    /// Records that the page at `depth` is `url`; `false` if a page before `depth` already
    /// was (the same page at the same depth again is a repeat, not a loop).
    fn visit(&self, url: &reqwest::Url, depth: u32) -> bool {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        url.as_str().hash(&mut hasher);
        let key = hasher.finish();
        // A poisoned lock means a fetch panicked; no page is refused for it.
        let Ok(mut seen) = self.0.lock() else { return true };
        match seen.get(&key) {
            Some(&earlier) if earlier < depth => false,
            _ => {
                seen.insert(key, depth);
                true
            }
        }
    }
}

/// The chain a page belongs to: the builder's request (`None` when it cannot be repeated,
/// a streamed body), the call's options and the pages fetched so far.
struct Chain {
    first: Option<Arc<reqwest::Request>>,
    options: RequestOptions,
    history: History,
}

impl Step {
    /// The chain this page belongs to, for the next page.
    fn chain(&self) -> Chain {
        Chain {
            first: Some(self.request.clone()),
            options: self.options.clone(),
            history: self.history.clone(),
        }
    }

    /// The request for the page `link` points to: resolved against this page's URL, on the
    /// org's origin only (credentials never go elsewhere), with the first request's method
    /// and headers, keeping the caller's query parameters the link lacks, and never back to
    /// a page the chain already fetched.
    fn follow(&self, link: &str) -> Result<reqwest::Request, Error> {
        let stop = |message: String| Error::Pagination {
            operation: self.op.id,
            message,
        };
        let first = self.request.url();
        let mut url = self.url.join(link).map_err(|e| {
            stop(format!(
                "the next-page link `{}` is not a URL: {e}",
                link.escape_debug()
            ))
        })?;
        if !guard::same_origin(&url, first) {
            return Err(stop(format!(
                "the next-page link leaves {}; not sending credentials there",
                first.origin().ascii_serialization()
            )));
        }
        let present: std::collections::HashSet<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
        let missing: Vec<(String, String)> = first
            .query_pairs()
            .filter(|(k, _)| !present.contains(k.as_ref()))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if !missing.is_empty() {
            url.query_pairs_mut().extend_pairs(missing);
        }
        if !self.history.visit(&url, self.depth.saturating_add(1)) {
            return Err(stop(format!(
                "the next-page link `{}` leads back to a page already fetched",
                link.escape_debug()
            )));
        }
        let mut request = self
            .request
            .try_clone()
            .ok_or_else(|| stop("the list request has a streamed body and cannot be repeated".into()))?;
        *request.url_mut() = url;
        Ok(request)
    }
}

/// One page at `depth`: sends `request` and decodes its items; the page keeps what fetching
/// the next one takes.
async fn fetch<T: DeserializeOwned>(
    runtime: &Runtime,
    op: &'static OperationMeta,
    chain: Chain,
    request: reqwest::Request,
    target: Target,
    depth: u32,
) -> Result<Page<T>, Error> {
    let url = request.url().clone();
    let answer = runtime.call(op, chain.options.clone(), request, target).await?;
    let (items, status, headers) = decode::<Vec<T>>(op, answer)?.into_parts();
    let step = chain.first.map(|request| {
        Arc::new(Step {
            op,
            request,
            url,
            options: chain.options,
            history: chain.history,
            depth,
        })
    });
    Ok(Page {
        items,
        status,
        headers,
        step,
    })
}

/// The page after the one `step` belongs to.
async fn fetch_after<T: DeserializeOwned>(runtime: &Runtime, step: &Step, link: &str) -> Result<Page<T>, Error> {
    let request = step.follow(link)?;
    let depth = step.depth.saturating_add(1);
    fetch(runtime, step.op, step.chain(), request, Target::NextPage, depth).await
}

impl Runtime {
    /// The page after `page`, or `None` when `page` ends the list (no `rel="next"` link, or
    /// no items) or was built by hand. `org` is the org's URL: a page fetched through another
    /// org's client is refused, so this runtime's credentials stay on its own org. A next link
    /// that leaves the page's origin or leads back to a page already fetched is an
    /// [`Error::Pagination`].
    #[doc(hidden)]
    pub async fn next_page<T: DeserializeOwned>(&self, org: &str, page: &Page<T>) -> Result<Option<Page<T>>, Error> {
        let (Some(step), Some(link)) = (&page.step, page.continues()) else {
            return Ok(None);
        };
        let same_org = reqwest::Url::parse(org).is_ok_and(|org| guard::same_origin(&org, step.request.url()));
        if !same_org {
            return Err(Error::Pagination {
                operation: step.op.id,
                message: format!(
                    "the page came from {}, not from this client's org; not sending its credentials there",
                    step.request.url().origin().ascii_serialization()
                ),
            });
        }
        fetch_after(self, step, &link).await.map(Some)
    }
}

/// The first page of a generated list operation, for paging by hand with
/// `client.next_page(&page)`.
#[doc(hidden)]
pub async fn first_page<T: DeserializeOwned>(
    runtime: &Runtime,
    op: &'static OperationMeta,
    built: Result<Built, RequestError>,
) -> Result<Page<T>, Error> {
    let Built { request, options } = built.map_err(|e| e.into_error(op.id))?;
    let history = History::default();
    history.visit(request.url(), 0);
    // The builder's request, before the pipeline adds headers and credentials to it.
    let chain = Chain {
        first: request.try_clone().map(Arc::new),
        options,
        history,
    };
    fetch(runtime, op, chain, request, Target::Built, 0).await
}

/// A stream of pages.
pub type PageStream<'a, T> = BoxStream<'a, Result<Page<T>, Error>>;

/// A stream of items, page after page.
pub type ItemStream<'a, T> = BoxStream<'a, Result<T, Error>>;

/// The pages of a generated list operation: the builder's request, then each page's
/// `rel="next"` link. The stream ends after a page without one, after a page with no items,
/// after the call's `max_pages` pages, or right after yielding an error, such as a link that
/// leaves the org's origin or leads back to a page already fetched.
#[doc(hidden)]
pub fn stream<'a, T>(
    runtime: &'a Runtime,
    op: &'static OperationMeta,
    built: Result<Built, RequestError>,
) -> PageStream<'a, T>
where
    T: DeserializeOwned + Send + 'a,
{
    enum Next {
        First(Box<Result<Built, RequestError>>),
        After(Arc<Step>, String),
    }
    struct State<'a> {
        runtime: &'a Runtime,
        next: Option<Next>,
        fetched: usize,
        max: Option<usize>,
    }
    let max = built.as_ref().ok().and_then(|b| b.options.page_limit());
    let start = State {
        runtime,
        next: Some(Next::First(Box::new(built))),
        fetched: 0,
        max,
    };
    stream::unfold(start, move |mut state| async move {
        let next = state.next.take()?;
        if state.max.is_some_and(|max| state.fetched >= max) {
            return None;
        }
        state.fetched = state.fetched.saturating_add(1);
        let page = match next {
            Next::First(built) => first_page::<T>(state.runtime, op, *built).await,
            Next::After(step, link) => fetch_after::<T>(state.runtime, &step, &link).await,
        };
        // After an error the stream ends: there is no next link to follow.
        if let Ok(page) = &page
            && let (Some(step), Some(link)) = (&page.step, page.continues())
        {
            state.next = Some(Next::After(step.clone(), link));
        }
        Some((page, state))
    })
    .boxed()
}

/// The items of a page stream, one page in memory at a time.
pub fn items<'a, T: Send + 'a>(pages: PageStream<'a, T>) -> ItemStream<'a, T> {
    pages
        .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::RAW;

    fn step(first: &str, this: &str, depth: u32, history: &History) -> Step {
        Step {
            op: &RAW,
            request: Arc::new(reqwest::Request::new(reqwest::Method::GET, first.parse().unwrap())),
            url: this.parse().unwrap(),
            options: RequestOptions::default(),
            history: history.clone(),
            depth,
        }
    }

    fn first(url: &str) -> Step {
        step(url, url, 0, &History::default())
    }

    #[test]
    fn a_next_link_keeps_the_callers_query_and_the_origin() {
        let s = first("https://x.okta.com/api/v1/users?limit=2&search=profile.a%20eq%20%22b%22");
        let r = s.follow("https://x.okta.com/api/v1/users?after=00u2&limit=2").unwrap();
        let pairs: Vec<(String, String)> = r.url().query_pairs().map(|(k, v)| (k.into(), v.into())).collect();
        assert_eq!(
            pairs,
            vec![
                ("after".into(), "00u2".into()),
                ("limit".into(), "2".into()),
                ("search".into(), "profile.a eq \"b\"".into())
            ]
        );
        let r = first("https://x.okta.com/api/v1/users")
            .follow("/api/v1/users?after=3")
            .unwrap();
        assert_eq!(r.url().as_str(), "https://x.okta.com/api/v1/users?after=3");
        let e = first("https://x.okta.com/api/v1/users")
            .follow("https://evil.example/api/v1/users")
            .unwrap_err();
        assert!(matches!(e, Error::Pagination { .. }), "{e}");
        assert!(e.to_string().contains("not sending credentials"), "{e}");
        assert!(!e.to_string().contains("evil"), "only the org's origin is named: {e}");
    }

    #[test]
    fn a_link_back_to_a_fetched_page_is_refused_and_a_repeat_is_not() {
        let s = first("https://x.okta.com/api/v1/users?limit=2");
        s.history.visit(s.request.url(), 0);
        for back in ["", "?limit=2", "https://x.okta.com/api/v1/users?limit=2"] {
            let e = s.follow(back).unwrap_err();
            assert!(
                matches!(e, Error::Pagination { .. }) && e.to_string().contains("already fetched"),
                "{e}"
            );
        }
        // The same next page twice from the same page (a retry) is one page, not a loop.
        s.follow("?after=2").unwrap();
        s.follow("?after=2").unwrap();
        // From the next page, a link back to the first is a loop; the caller's query is the
        // first request's, not the page's (`after` is not carried on).
        let second = step(
            "https://x.okta.com/api/v1/users?limit=2",
            "https://x.okta.com/api/v1/users?after=2&limit=2",
            1,
            &s.history,
        );
        assert!(second.follow("?limit=2").is_err());
        assert!(second.follow("?after=2&limit=2").is_err(), "the page itself");
        assert_eq!(
            second.follow("?after=4").unwrap().url().as_str(),
            "https://x.okta.com/api/v1/users?after=4&limit=2"
        );
    }

    #[test]
    fn a_page_without_items_or_a_link_ends_the_list() {
        let mut headers = HeaderMap::new();
        headers.insert(reqwest::header::LINK, "</logs?after=1>; rel=\"next\"".parse().unwrap());
        assert_eq!(
            Page::new(vec![1], StatusCode::OK, headers.clone())
                .continues()
                .as_deref(),
            Some("/logs?after=1")
        );
        assert_eq!(Page::<u8>::new(vec![], StatusCode::OK, headers).continues(), None);
        assert_eq!(Page::new(vec![1], StatusCode::OK, HeaderMap::new()).continues(), None);
    }
}
