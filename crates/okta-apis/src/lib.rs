//! Generated operations of the Okta Management API, and the seam to the runtime.
//!
//! `src/generated.rs` is written by `cargo xtask generate` (progenitor, builder style, one
//! extension trait per Okta API tag). Every builder's `send()` runs inside
//! `okta_runtime::call::send_operation` with the operation's row of [`OPERATIONS`] and its
//! [`okta_runtime::RequestOptions`], and returns [`okta_runtime::Error`]; list builders also
//! have `.pages()`, `.stream()` and `.max_pages(n)`. This file is the hand-written seam: the
//! one `ClientHooks` impl that hands every request to [`okta_runtime::Runtime::execute`], and
//! the client-level headers and raw requests.

// Generated code follows the spec, not clippy's taste: names, argument counts and
// impl shapes come from progenitor/typify. Lints are allowed here, in one place.
#[allow(clippy::all, clippy::pedantic, clippy::nursery, rustdoc::all)]
#[rustfmt::skip]
mod generated;

pub use generated::*;

mod client_builder;
pub use client_builder::ClientBuilder;

#[cfg(feature = "conformance")]
pub mod conformance;

use okta_runtime::RawRequest;
use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// Looks up an operation's facts by generated method name (`list_users`) or by the spec's
/// operationId (`listUsers`).
pub fn operation(name: &str) -> Option<&'static okta_runtime::OperationMeta> {
    match OPERATIONS.binary_search_by(|op| op.method_name.cmp(name)) {
        Ok(i) => Some(&OPERATIONS[i]),
        Err(_) => OPERATIONS.iter().find(|op| op.id == name),
    }
}

impl ClientHooks<okta_runtime::Runtime> for Client {
    /// The runtime's future itself, not an `async fn` around it (which would keep the request
    /// in a slot of its own).
    #[allow(clippy::manual_async_fn)]
    fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> {
        let id = info.operation_id;
        self.inner.execute(&self.client, request, move || operation(id))
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
        self.inner.raw(&self.client, &self.baseurl, method, path)
    }
}
