//! Page and item streams over any list operation.

use crate::error::Error;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::collections::HashSet;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

/// One page of a list: its items, and the answer's status and headers.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The answer's status.
    pub status: StatusCode,
    /// The answer's headers (`Link`, rate limits, request id).
    pub headers: HeaderMap,
}

impl<T> Page<T> {
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
}

impl<T> From<ResponseValue<Vec<T>>> for Page<T> {
    fn from(value: ResponseValue<Vec<T>>) -> Self {
        let status = value.status();
        let headers = value.headers().clone();
        Self {
            items: value.into_inner(),
            status,
            headers,
        }
    }
}

/// A stream of pages.
pub type PageStream<'a, T> = BoxStream<'a, Result<Page<T>, Error>>;

/// A stream of items, page after page.
pub type ItemStream<'a, T> = BoxStream<'a, Result<T, Error>>;

/// Which page of a stream a call fetches: the first (`link` is `None`) or the one a
/// `rel="next"` link points to, and the pages the stream has fetched so far (shared by its
/// calls). The pipeline resolves the link, refuses one that leaves the org's origin or the
/// operation's path, and one that leads back to a page already fetched
/// ([`Error::Pagination`]), so a stream always ends.
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct NextPage {
    pub(crate) link: Option<String>,
    pub(crate) history: PageHistory,
}

impl NextPage {
    /// The link to follow, if this is not the first page.
    pub fn link(&self) -> Option<&str> {
        self.link.as_deref()
    }
}

/// Hashes of the URLs a page stream has fetched: 8 bytes a page, so a stream of a million
/// pages keeps about 16 MB.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageHistory(Arc<Mutex<HashSet<u64>>>);

impl PageHistory {
    /// Records `url`; `false` when the stream already fetched it.
    pub(crate) fn first_visit(&self, url: &str) -> bool {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        url.hash(&mut hasher);
        let key = hasher.finish();
        // A poisoned lock means a fetch panicked; no page is refused for it.
        self.0.lock().map_or(true, |mut seen| seen.insert(key))
    }
}

/// Pages of a list. `fetch` gets the first page's [`NextPage`], then each next page's. The
/// stream ends after a page without a `rel="next"` link, after a page with no items (Okta's
/// polling queries, such as the System Log's without `until`, link to a next page forever;
/// following them would poll an empty page again and again), after `max_pages` pages, or
/// right after yielding an error, such as a link back to a page it already fetched.
pub fn pages<'a, T, F, Fut>(max_pages: Option<usize>, fetch: F) -> PageStream<'a, T>
where
    T: Send + 'a,
    F: FnMut(NextPage) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    struct State<F> {
        fetch: F,
        /// `None`: done; `Some(None)`: the first page; `Some(Some(url))`: a next page.
        cursor: Option<Option<String>>,
        history: PageHistory,
        fetched: usize,
    }
    let start = State {
        fetch,
        cursor: Some(None),
        history: PageHistory::default(),
        fetched: 0,
    };
    stream::unfold(start, move |mut state| async move {
        let cursor = state.cursor.take()?;
        if max_pages.is_some_and(|max| state.fetched >= max) {
            return None;
        }
        state.fetched = state.fetched.saturating_add(1);
        let next = NextPage {
            link: cursor,
            history: state.history.clone(),
        };
        match (state.fetch)(next).await {
            Ok(page) => {
                state.cursor = if page.items.is_empty() {
                    None
                } else {
                    page.next_link().map(Some)
                };
                Some((Ok(page), state))
            }
            // Yielded, then the stream ends: there is no next link to follow.
            Err(e) => Some((Err(e), state)),
        }
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
    use futures::executor::block_on;

    fn page(items: Vec<u32>, next: Option<&str>) -> Page<u32> {
        let mut headers = HeaderMap::new();
        if let Some(n) = next {
            headers.insert(reqwest::header::LINK, format!("<{n}>; rel=\"next\"").parse().unwrap());
        }
        Page {
            items,
            status: StatusCode::OK,
            headers,
        }
    }

    #[test]
    fn follows_links_until_none_and_respects_max_pages() {
        let fetch = |next: NextPage| async move {
            Ok(match next.link() {
                None => page(vec![1, 2], Some("http://x/p2")),
                Some("http://x/p2") => page(vec![3], Some("http://x/p3")),
                _ => page(vec![4], None),
            })
        };
        let all: Vec<u32> = block_on(items(pages(None, fetch)).try_collect()).unwrap();
        assert_eq!(all, vec![1, 2, 3, 4]);
        let two: Vec<u32> = block_on(items(pages(Some(2), fetch)).try_collect()).unwrap();
        assert_eq!(two, vec![1, 2, 3]);
    }

    #[test]
    fn an_empty_page_ends_the_stream_whatever_its_links_say() {
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let fetch = |next: NextPage| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            async move {
                Ok(match next.link() {
                    None => page(vec![1], Some("http://x/logs?after=1")),
                    Some(_) => page(vec![], Some("http://x/logs?after=1")),
                })
            }
        };
        let all: Vec<u32> = block_on(items(pages(None, fetch)).try_collect()).unwrap();
        assert_eq!(all, vec![1]);
        assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 2);
    }

    #[test]
    fn an_error_is_yielded_then_the_stream_ends() {
        let fetch = |next: NextPage| async move {
            match next.link() {
                None => Ok(page(vec![1], Some("http://x/p2"))),
                Some(_) => Err(Error::InvalidRequest {
                    operation: "listUsers",
                    message: "boom".into(),
                }),
            }
        };
        let got: Vec<Result<u32, Error>> = block_on(items(pages(None, fetch)).collect());
        assert_eq!(got.len(), 2);
        assert!(matches!(got[0], Ok(1)));
        assert!(matches!(got[1], Err(Error::InvalidRequest { .. })));
    }
}
