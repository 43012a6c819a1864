//! Authentication errors.

/// Authentication failed. Never carries a token, an assertion, a key or a proof.
///
/// `Clone`, because callers waiting on one token renewal all get its outcome.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The token endpoint refused: Okta's `error` and `error_description`.
    #[error("token endpoint answered {status}: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    TokenEndpoint {
        /// HTTP status.
        status: u16,
        /// OAuth `error` code, e.g. `invalid_client`.
        error: String,
        /// OAuth `error_description`.
        description: Option<String>,
    },
    /// The token endpoint could not be reached (or a caller's own HTTP client timed out).
    #[error("token endpoint unreachable: {0}")]
    Transport(#[source] std::sync::Arc<reqwest::Error>),
    /// The token endpoint sent nothing for the read timeout (`okta.client.readTimeout`).
    #[error("token endpoint sent nothing for {limit:?} (the read timeout); gave up")]
    Stalled {
        /// The read timeout.
        limit: std::time::Duration,
    },
    /// The token endpoint answered with a redirect (which is never followed), or its answer
    /// came from another origin (a caller's own HTTP client followed one). Nothing of it is used.
    #[error("token endpoint answered {status} from or towards another place than the org's token endpoint; refused")]
    Redirected {
        /// HTTP status.
        status: u16,
    },
    /// The last token request failed moments ago; the next is not sent before the back-off
    /// ends. Holds that failure.
    #[error("{last} (the next token request is held back for {retry_in:?})")]
    BackingOff {
        /// The failure of the last token request.
        last: Box<AuthError>,
        /// How long until the next token request may be sent.
        retry_in: std::time::Duration,
    },
    /// The token endpoint's answer was larger than a token response can be (64 KiB); it was
    /// not read further.
    #[error("token endpoint answered {status} with a body larger than {limit} bytes; refused")]
    TooLarge {
        /// HTTP status.
        status: u16,
        /// The limit in bytes.
        limit: u64,
    },
    /// The token endpoint answered 2xx with a body that is not a token response.
    #[error("token endpoint answered {status} with a body that is not a token response")]
    BadTokenResponse {
        /// HTTP status.
        status: u16,
    },
    /// The assertion signer failed.
    #[error("signing the client assertion failed: {0}")]
    Signer(#[from] super::SignerError),
    /// The caller's token provider failed.
    #[error("the token provider failed: {0}")]
    Provider(#[source] super::ProviderError),
    /// A credential contains characters that cannot be sent in an HTTP header.
    #[error("a credential contains characters that cannot be sent in an HTTP header")]
    InvalidCredential,
    /// A DPoP key or proof could not be made.
    #[error(transparent)]
    Dpop(#[from] super::DpopError),
    /// The server kept demanding a new DPoP nonce.
    #[error("the server asked for a new DPoP nonce {0} times in a row; giving up")]
    DpopNonceLoop(u32),
}
