//! The runtime's error type, and how it travels through progenitor's hook.
//!
//! Progenitor's `exec` hook must answer with a `reqwest::Result<reqwest::Response>`, which
//! cannot carry our errors. A runtime failure (bad configuration, token endpoint refusal) is
//! therefore answered with a synthetic response of status [`FAILURE_STATUS`] (599, which no
//! Okta operation declares, so generated code returns it as `Error::UnexpectedResponse`) whose
//! extensions hold the error; [`Error::from_response`] takes it back out.

use crate::auth::AuthError;
use crate::config::ConfigError;
use std::sync::Arc;

/// The status of the synthetic response that carries a runtime failure.
pub const FAILURE_STATUS: u16 = 599;

/// A failure inside the runtime (before or instead of an API answer).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Authentication failed (token endpoint, signer, DPoP).
    #[error("authentication failed: {0}")]
    Auth(#[from] AuthError),
    /// The HTTP client could not be built or the request could not be sent.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
}

#[derive(Clone)]
struct Carried(Arc<Error>);

impl Error {
    /// The runtime failure a synthetic response carries, if it is one.
    pub fn from_response(response: &reqwest::Response) -> Option<Arc<Error>> {
        if response.status().as_u16() != FAILURE_STATUS {
            return None;
        }
        response.extensions().get::<Carried>().map(|c| c.0.clone())
    }

    /// Wraps the failure in a synthetic response for progenitor's hook.
    pub(crate) fn into_response(self) -> reqwest::Response {
        let mut response = http::Response::new(Vec::<u8>::new());
        if let Ok(status) = http::StatusCode::from_u16(FAILURE_STATUS) {
            *response.status_mut() = status;
        }
        response.extensions_mut().insert(Carried(Arc::new(self)));
        reqwest::Response::from(response)
    }
}
