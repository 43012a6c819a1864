//! The token-provider extension point: [`TokenProvider`] gives the runtime access tokens, and
//! [`Token`] is what it gives. The runtime's private-key OAuth client is one implementation;
//! a vault, a sidecar or an OAuth flow of your own can be another.

use super::AuthError;
use crate::Secret;
use futures::future::BoxFuture;
use std::time::Duration;

/// A failure reported by a [`TokenProvider`]. Must not carry the token.
#[derive(Debug, Clone, thiserror::Error)]
#[error(transparent)]
pub struct ProviderError(Reason);

#[derive(Debug, Clone, thiserror::Error)]
enum Reason {
    #[error("{0}")]
    Message(String),
    /// The runtime's own provider (private-key OAuth) keeps its typed error.
    #[error(transparent)]
    Auth(Box<AuthError>),
}

impl ProviderError {
    /// A failure with a message (never a credential).
    pub fn new(message: impl Into<String>) -> Self {
        Self(Reason::Message(message.into()))
    }

    /// A failure of the runtime's own provider, which reaches the caller as that
    /// [`AuthError`] rather than as [`AuthError::Provider`].
    pub(crate) fn auth(error: AuthError) -> Self {
        Self(Reason::Auth(Box::new(error)))
    }

    /// The error a call reports.
    pub(crate) fn into_auth(self) -> AuthError {
        match self.0 {
            Reason::Auth(error) => *error,
            Reason::Message(_) => AuthError::Provider(self),
        }
    }
}

/// An access token from a [`TokenProvider`]: its value, whether it is bound to a DPoP key,
/// and how long it lives.
///
/// ```
/// use okta_sdk::Token;
/// use std::time::Duration;
/// let token = Token::bearer("eyJ...").expires_in(Duration::from_secs(3600));
/// assert_eq!(format!("{token:?}"), r#"Token { value: ***, dpop: false, expires_in: Some(3600s) }"#);
/// ```
#[derive(Clone)]
pub struct Token {
    value: Secret,
    dpop: bool,
    expires_in: Option<Duration>,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("value", &self.value)
            .field("dpop", &self.dpop)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

impl Token {
    /// A bearer token, sent as `Authorization: Bearer <token>`.
    pub fn bearer(value: impl Into<Secret>) -> Self {
        Self {
            value: value.into(),
            dpop: false,
            expires_in: None,
        }
    }

    /// A DPoP-bound token, sent as `Authorization: DPoP <token>`; the provider's
    /// [`TokenProvider::prepare_request`] adds the proof each request needs.
    pub fn dpop(value: impl Into<Secret>) -> Self {
        Self {
            dpop: true,
            ..Self::bearer(value)
        }
    }

    /// How long the token lives from when the provider was asked. The runtime renews it
    /// ahead of that (five minutes ahead, or half its lifetime if that is shorter); without
    /// it, the runtime uses the token for [`TokenProvider::max_age`].
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.expires_in = Some(lifetime);
        self
    }

    /// The token itself.
    pub fn value(&self) -> &Secret {
        &self.value
    }

    /// Whether the token is DPoP-bound.
    pub fn is_dpop(&self) -> bool {
        self.dpop
    }

    /// The lifetime given by [`Token::expires_in`].
    pub fn lifetime(&self) -> Option<Duration> {
        self.expires_in
    }
}

impl From<Secret> for Token {
    fn from(value: Secret) -> Self {
        Self::bearer(value)
    }
}

/// Gives the runtime access tokens refreshed elsewhere, without rebuilding the client.
///
/// The runtime keeps the token it was given until it is due for renewal (see
/// [`Token::expires_in`] and [`TokenProvider::max_age`]), then asks again; when the org
/// refuses a token with 401 it asks again at once, passing the refused token, and retries the
/// request once. However many calls run at once, one of them asks; the others wait for its
/// answer, a failure included. After a failure the provider is not asked again for a while
/// (half a second, doubling with each failure in a row, up to 30 seconds); calls in between
/// fail with [`AuthError::BackingOff`].
///
/// The runtime's private-key OAuth client (`authorizationMode: PrivateKey`) is an
/// implementation of this trait.
pub trait TokenProvider: Send + Sync + std::fmt::Debug {
    /// A token to send. `refused` is the token the org just answered 401 to, if that is why
    /// the runtime asks: answer a newer one.
    fn token<'a>(&'a self, refused: Option<&'a Secret>) -> BoxFuture<'a, Result<Token, ProviderError>>;

    /// How long the runtime uses a token that has no [`Token::expires_in`] before asking
    /// again (default: five minutes). At least half a second and at most a day, whatever
    /// this says.
    fn max_age(&self) -> Duration {
        Duration::from_secs(300)
    }

    /// Adds what else a request must carry for `token`, after the runtime has set its
    /// `Authorization` header: a DPoP proof for a DPoP-bound token. Called before each
    /// attempt. The default adds nothing.
    fn prepare_request(&self, request: &mut reqwest::Request, token: &Token) -> Result<(), ProviderError> {
        let _ = (request, token);
        Ok(())
    }

    /// Whether a 401 `answer` to a request carrying `token` asks for the same token once
    /// more, prepared afresh (a resource server's `use_dpop_nonce`), rather than for a new
    /// token. The runtime follows this at most twice in a row. The default says no.
    fn retry_same_token(&self, token: &Token, answer: &reqwest::header::HeaderMap) -> bool {
        let _ = (token, answer);
        false
    }
}
