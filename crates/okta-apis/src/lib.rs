//! Generated operations of the Okta Management API.
//!
//! `src/generated.rs` is written by `cargo xtask generate` (progenitor, builder style, one
//! extension trait per Okta API tag). Every builder checks its arguments and builds its
//! `reqwest::Request`, then hands it with the operation's row of [`OPERATIONS`] and its
//! [`okta_runtime::RequestOptions`] to the runtime (`okta_runtime::call`), which sends it and
//! decodes the answer into an [`okta_runtime::Response`] or an [`okta_runtime::Error`]. List
//! builders also have `.pages()`, `.stream()` and `.max_pages(n)`, and [`Client::next_page`]
//! fetches the page after a page. This file adds the client-level headers, raw requests and
//! the lookup of an operation's facts.

// Generated code follows the spec, not clippy's taste: names, argument counts and
// impl shapes come from progenitor/typify. Lints are allowed here, in one place.
#[allow(clippy::all, clippy::pedantic, clippy::nursery, rustdoc::all)]
#[rustfmt::skip]
mod generated;

pub use generated::*;

mod client_builder;
pub use client_builder::ClientBuilder;

#[cfg(feature = "system-log")]
mod system_log;
#[cfg(feature = "system-log")]
pub use system_log::{LogTail, SystemLog};

#[cfg(feature = "conformance")]
pub mod conformance;

use okta_runtime::{Page, RawRequest};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;

/// Looks up an operation's facts by generated method name (`list_users`) or by the spec's
/// operationId (`listUsers`).
pub fn operation(name: &str) -> Option<&'static okta_runtime::OperationMeta> {
    match OPERATIONS.binary_search_by(|op| op.method_name.cmp(name)) {
        Ok(i) => Some(&OPERATIONS[i]),
        Err(_) => OPERATIONS.iter().find(|op| op.id == name),
    }
}

impl Client {
    /// A client for the org at `base_url` that sends through the runtime's HTTP client.
    pub fn with_runtime(base_url: &str, runtime: okta_runtime::Runtime) -> Self {
        let http = runtime.http_client().clone();
        Self::new_with_client(base_url, http, runtime)
    }

    /// The runtime this client sends through.
    pub fn runtime(&self) -> &okta_runtime::Runtime {
        &self.inner
    }

    /// The URL of an operation's path under this client's base URL (rule
    /// `urls_from_parsed_base`: each builder's request starts here).
    #[allow(dead_code, reason = "a build without any API area has no builder")]
    pub(crate) fn url(&self, path: std::fmt::Arguments<'_>) -> Result<reqwest::Url, okta_runtime::build::RequestError> {
        self.baseurl.url(path)
    }

    /// Sets a custom header sent with every call of this client (not of earlier clones). The
    /// default headers (`User-Agent`, `Accept`, `Content-Type`) win over one of the same name.
    pub fn set_header(&mut self, name: HeaderName, value: HeaderValue) {
        self.inner.set_header(name, value);
    }

    /// A custom header's value.
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.inner.header(name)
    }

    /// Removes a custom header; returns its value.
    pub fn remove_header(&mut self, name: &str) -> Option<HeaderValue> {
        self.inner.remove_header(name)
    }

    /// Removes every custom header.
    pub fn clear_headers(&mut self) {
        self.inner.clear_headers();
    }

    /// The custom headers.
    pub fn custom_headers(&self) -> &HeaderMap {
        self.inner.custom_headers()
    }

    /// The default headers (`User-Agent`, `Accept`, `Content-Type`).
    pub fn default_headers(&self) -> HeaderMap {
        self.inner.default_headers()
    }

    /// A request to an endpoint the spec lacks, through the same pipeline (auth, headers,
    /// retries, errors). `path` starts with `/`, e.g. `/api/v1/users/me`.
    pub fn raw(&self, method: reqwest::Method, path: impl Into<String>) -> RawRequest<'_> {
        self.inner.raw(self.baseurl.as_str(), method, path)
    }

    /// The page after `page` (a page of `.pages()` or of an earlier `next_page`), following
    /// its `rel="next"` link with the first request's query and headers; `None` when `page`
    /// is the last (no next link, or no items) or was built by hand. A link that leaves the
    /// org's origin or the operation's path, or leads back to a page already fetched, is an
    /// [`okta_runtime::Error::Pagination`], as in a stream.
    ///
    /// ```no_run
    /// # async fn run(client: &okta_sdk::Client) -> Result<(), okta_sdk::Error> {
    /// use okta_sdk::prelude::*;
    /// let mut page = client.list_users().limit(200).first_page().await?;
    /// loop {
    ///     for user in &page.items {
    ///         println!("{:?}", user.id);
    ///     }
    ///     match client.next_page(&page).await? {
    ///         Some(next) => page = next,
    ///         None => break,
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn next_page<T: DeserializeOwned>(&self, page: &Page<T>) -> Result<Option<Page<T>>, okta_runtime::Error> {
        self.inner.next_page(self.baseurl.as_str(), page).await
    }

    /// What this client counted: per rate-limit bucket (with pacing or metrics on), retries,
    /// cache hits, token requests, the concurrency limit ([`okta_runtime::limits`]).
    pub fn metrics(&self) -> okta_runtime::limits::MetricsSnapshot {
        self.inner.metrics()
    }

    /// The bulk job: `call` on each input, as many at a time as the client's concurrency limit
    /// allows (or [`okta_runtime::limits::DEFAULT_MAX_CONCURRENT`] without one), each result
    /// with its input's position, as they finish; an error is that input's alone. Pacing and
    /// retries apply to every request.
    ///
    /// ```no_run
    /// # async fn run(client: &okta_apis::Client) {
    /// use futures::StreamExt;
    /// use okta_apis::ClientUserExt;
    /// let ids = futures::stream::iter(["00u1", "00u2", "00u3"]);
    /// let mut results = client.fan_out(ids, |id| async move {
    ///     client.get_user().id(id).send().await.map(|user| user.into_inner())
    /// });
    /// while let Some((i, result)) = results.next().await {
    ///     match result {
    ///         Ok(user) => println!("{i}: {:?}", user.id),
    ///         Err(e) => println!("{i}: {e}"),
    ///     }
    /// }
    /// # }
    /// ```
    pub fn fan_out<'a, I, O, F, Fut>(
        &self,
        inputs: impl futures::Stream<Item = I> + Send + 'a,
        call: F,
    ) -> futures::stream::BoxStream<'a, (usize, Result<O, okta_runtime::Error>)>
    where
        I: Send + 'a,
        O: Send + 'a,
        F: Fn(I) -> Fut + Send + 'a,
        Fut: std::future::Future<Output = Result<O, okta_runtime::Error>> + Send + 'a,
    {
        let limit = self
            .inner
            .limit_settings()
            .max_concurrent
            .unwrap_or(okta_runtime::limits::DEFAULT_MAX_CONCURRENT);
        okta_runtime::limits::fan_out(inputs, limit, call)
    }
}
