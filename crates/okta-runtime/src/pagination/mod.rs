//! Link-header pagination: where the next page is, page and item streams, and paging by hand.
//!
//! Every generated list operation has `.pages()` (a [`PageStream`]: items plus each page's
//! status and headers), `.stream()` (an [`ItemStream`]) and `.max_pages(n)`; each [`Page`] also
//! knows how to fetch the one after it: `.first_page()`, then `client.next_page(&page)` until it
//! answers `None` (as octocrab's `get_page`).
//! The runtime follows the full `rel="next"` URL of each page (keeping the caller's query
//! parameters the link lacks) with the first request's method and headers. A stream holds one
//! page at a time and ends when a page has no next link, when a page has no items (a polling
//! query, such as the System Log's without `until`, always links to a next page), after
//! `max_pages` pages, or right after yielding an error: it never ends silently on one, and
//! never loops. A next link that leaves the org's origin or the operation's path, or that
//! leads back to a page already fetched (`<>` is the page itself), is an
//! [`crate::Error::Pagination`].

pub mod link;
mod stream;

pub use link::Link;
pub use stream::{ItemStream, Page, PageStream, first_page, items, stream};

/// The full URL of the next page (`rel="next"`), if the response has one.
pub fn next_link(headers: &http::HeaderMap) -> Option<String> {
    link::parse_all(headers)
        .into_iter()
        .find(|l| l.has_rel("next"))
        .map(|l| l.target)
}

/// Whether the response links to a next page.
pub fn has_next_page(headers: &http::HeaderMap) -> bool {
    next_link(headers).is_some()
}

/// The `after` cursor of the next page, for callers who page by hand
/// (`client.list_users().after(cursor)`).
///
/// ```
/// use okta_sdk::header::{HeaderMap, LINK};
/// let mut headers = HeaderMap::new();
/// headers.insert(
///     LINK,
///     r#"<https://dev.okta.com/api/v1/users?after=00u9&limit=200>; rel="next""#.parse().unwrap(),
/// );
/// assert_eq!(okta_sdk::runtime::pagination::next_cursor(&headers).as_deref(), Some("00u9"));
/// ```
pub fn next_cursor(headers: &http::HeaderMap) -> Option<String> {
    let next = next_link(headers)?;
    let url = reqwest::Url::parse(&next)
        .or_else(|_| reqwest::Url::parse("http://relative.invalid").and_then(|b| b.join(&next)))
        .ok()?;
    url.query_pairs()
        .find(|(k, _)| k == "after")
        .map(|(_, v)| v.into_owned())
}
