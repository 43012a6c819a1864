//! The hand-written runtime of okta-rs.
//!
//! Every generated operation (crate `okta-apis`) hands its `reqwest::Request` to
//! [`Runtime::execute`] together with the [`OperationMeta`] the generator wrote for it. The
//! runtime owns everything that is not a fact of one operation: the wire fix-ups the normalizer
//! asked for ([`wire`]), and (in later modules) authentication, retries, caching and tracing.

pub mod operation;
pub mod wire;

pub use operation::OperationMeta;

use std::sync::Arc;

/// The runtime state shared by every clone of a client.
#[derive(Clone, Default)]
pub struct Runtime {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    authorization: Option<reqwest::header::HeaderValue>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("authorization", &self.inner.authorization.as_ref().map(|_| "***"))
            .finish()
    }
}

impl Runtime {
    /// A runtime that sends requests as they are (no authentication).
    pub fn new() -> Self {
        Self::default()
    }

    /// A runtime that authenticates with an Okta API token (`Authorization: SSWS <token>`).
    pub fn with_api_token(token: &str) -> Result<Self, InvalidToken> {
        let mut value = reqwest::header::HeaderValue::from_str(&format!("SSWS {token}")).map_err(|_| InvalidToken)?;
        value.set_sensitive(true);
        Ok(Self {
            inner: Arc::new(Inner {
                authorization: Some(value),
            }),
        })
    }

    /// Sends one request of operation `op` and returns the response as the generated code expects it.
    pub async fn execute(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
        op: Option<&'static OperationMeta>,
    ) -> reqwest::Result<reqwest::Response> {
        if let Some(auth) = &self.inner.authorization {
            request
                .headers_mut()
                .insert(reqwest::header::AUTHORIZATION, auth.clone());
        }
        if let Some(op) = op {
            wire::prepare_request(&mut request, op);
        }
        let response = client.execute(request).await?;
        match op {
            Some(op) => wire::adapt_response(response, op).await,
            None => Ok(response),
        }
    }
}

/// The API token cannot be sent as an HTTP header value (it contains control characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidToken;

impl std::fmt::Display for InvalidToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the API token contains characters that cannot be sent in an HTTP header")
    }
}

impl std::error::Error for InvalidToken {}
