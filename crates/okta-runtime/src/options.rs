//! Per-request options: a time budget, a retry policy, cache bypass, extra headers, a page bound.

use crate::retry::RetryPolicy;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::sync::Arc;
use std::time::Duration;

/// Options for one call, set on any generated builder with `.options(...)`.
///
/// ```
/// use okta_sdk::RequestOptions;
/// use okta_sdk::header::{HeaderName, HeaderValue};
/// use std::time::Duration;
///
/// let options = RequestOptions::new()
///     .timeout(Duration::from_secs(5))
///     .bypass_cache()
///     .header(
///         HeaderName::from_static("x-trace"),
///         HeaderValue::from_static("abc"),
///     );
/// assert_eq!(options.headers()["x-trace"], "abc");
/// ```
#[derive(Clone, Default)]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: Option<Arc<dyn RetryPolicy>>,
    pub(crate) bypass_cache: bool,
    pub(crate) headers: HeaderMap,
    pub(crate) max_pages: Option<usize>,
    pub(crate) idempotent: Option<bool>,
}

/// Header values may be credentials of the caller's own: only names are shown.
impl std::fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("bypass_cache", &self.bypass_cache)
            .field("headers", &crate::headers::names(&self.headers))
            .field("max_pages", &self.max_pages)
            .field("idempotent", &self.idempotent)
            .finish()
    }
}

impl RequestOptions {
    /// No options: the client's settings apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// A time budget for the whole call, retries and waits included (overrides `requestTimeout`).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The retry policy for this call (overrides the client's).
    pub fn retry_policy(mut self, policy: Arc<dyn RetryPolicy>) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Neither read nor fill the response cache for this call.
    pub fn bypass_cache(mut self) -> Self {
        self.bypass_cache = true;
        self
    }

    /// An extra header for this call. It wins over the client's custom headers; the default
    /// headers (`User-Agent`, `Accept`, `Content-Type`) and `Authorization` win over it.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// At most this many pages (list operations' `.pages()` and `.stream()`).
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.max_pages = Some(pages);
        self
    }

    /// The extra headers set for this call.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Says whether this call may be repeated after a 503, a 504 or a transport failure,
    /// whatever the operation's `idempotent` fact says (a POST whose body carries its own
    /// idempotency, or a GET with a side effect of its own).
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// The page bound, if one was set.
    pub fn page_limit(&self) -> Option<usize> {
        self.max_pages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_header_names_not_values() {
        let options = RequestOptions::new().header(
            HeaderName::from_static("x-api-key"),
            HeaderValue::from_static("caller-secret-value"),
        );
        let mut runtime = crate::Runtime::new();
        runtime.set_header(
            HeaderName::from_static("x-other-key"),
            HeaderValue::from_static("another-secret-value"),
        );
        let text = format!("{options:?} {runtime:?}");
        assert!(text.contains("x-api-key") && text.contains("x-other-key"), "{text}");
        assert!(!text.contains("secret-value"), "{text}");
    }
}
