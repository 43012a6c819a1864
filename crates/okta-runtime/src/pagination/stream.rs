//! Page and item streams over any list operation.

use crate::error::Error;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::future::Future;

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

/// Pages of a list. `fetch(None)` fetches the first page; `fetch(Some(url))` the page at a
/// `rel="next"` URL. At most `max_pages` pages are fetched.
pub fn pages<'a, T, F, Fut>(max_pages: Option<usize>, fetch: F) -> PageStream<'a, T>
where
    T: Send + 'a,
    F: FnMut(Option<String>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    struct State<F> {
        fetch: F,
        /// `None`: done; `Some(None)`: the first page; `Some(Some(url))`: a next page.
        cursor: Option<Option<String>>,
        fetched: usize,
    }
    let start = State {
        fetch,
        cursor: Some(None),
        fetched: 0,
    };
    stream::unfold(start, move |mut state| async move {
        let cursor = state.cursor.take()?;
        if max_pages.is_some_and(|max| state.fetched >= max) {
            return None;
        }
        state.fetched += 1;
        match (state.fetch)(cursor).await {
            Ok(page) => {
                state.cursor = page.next_link().map(Some);
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
        let fetch = |cursor: Option<String>| async move {
            Ok(match cursor.as_deref() {
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
    fn an_error_is_yielded_then_the_stream_ends() {
        let fetch = |cursor: Option<String>| async move {
            match cursor {
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
