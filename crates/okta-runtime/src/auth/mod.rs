//! Authentication: SSWS and bearer headers, OAuth 2.0 client credentials with a
//! `private_key_jwt` client assertion, DPoP, and the access-token cache.
//!
//! Modules: [`key`] parses private keys; `jwt` builds client assertions; `dpop` builds DPoP
//! proofs; `token` talks to the token endpoint and caches the token (single-flight renewal).

mod dpop;
mod error;
mod jwt;
pub mod key;
mod provider;
mod token;

pub use dpop::{DpopError, DpopKey};
pub use error::AuthError;
pub use key::{KeyError, KeySigner};
pub(crate) use provider::ProvidedTokens;
pub use provider::{ProviderError, TokenProvider};
pub(crate) use token::{AccessToken, MAX_NONCE_ROUNDS, OAuthClient};

use futures::future::BoxFuture;
use std::sync::Arc;

pub use jsonwebtoken::Algorithm;

/// A signing failure reported by an [`AssertionSigner`]. Must not carry key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SignerError(String);

impl SignerError {
    /// A signing failure with a message (never key material).
    pub fn new(msg: impl Into<String>) -> Self {
        Self(msg.into())
    }
}

/// Signs client assertions. Implement it to keep the private key in a KMS or HSM.
///
/// `sign` receives the JWS signing input (`base64url(header).base64url(claims)`) and returns
/// the raw signature bytes as JWS wants them: PKCS#1 v1.5 for RS256, and the fixed-size
/// `r || s` form (not DER) for ES256 / ES384.
pub trait AssertionSigner: Send + Sync + 'static {
    /// The JWS algorithm (`RS256`, `ES256`, `ES384`).
    fn algorithm(&self) -> Algorithm;
    /// The key id (`kid`) to put in the header, if any.
    fn key_id(&self) -> Option<String>;
    /// Signs the JWS signing input.
    fn sign<'a>(&'a self, signing_input: &'a [u8]) -> BoxFuture<'a, Result<Vec<u8>, SignerError>>;
}

/// Shows the algorithm and key id only; the key never leaves the signer.
impl std::fmt::Debug for dyn AssertionSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssertionSigner")
            .field("algorithm", &self.algorithm())
            .field("kid", &self.key_id())
            .field("key", &"***")
            .finish()
    }
}

/// What the runtime puts on each request.
#[derive(Clone)]
pub(crate) enum Authenticator {
    /// No credentials (tests, or a caller who sets headers by hand).
    None,
    /// A fixed `Authorization` value (SSWS or bearer), marked sensitive.
    Static(reqwest::header::HeaderValue),
    /// OAuth 2.0 access tokens, renewed ahead of expiry.
    OAuth(Arc<OAuthClient>),
    /// Bearer tokens from the caller's [`TokenProvider`].
    Provider(Arc<ProvidedTokens>),
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Static(_) => f.write_str("Static(***)"),
            Self::OAuth(c) => f.debug_tuple("OAuth").field(c).finish(),
            Self::Provider(p) => f.debug_tuple("Provider").field(p).finish(),
        }
    }
}

impl Authenticator {
    /// A fixed header value `<scheme> <token>`, marked sensitive so it never shows in logs.
    pub(crate) fn fixed(scheme: &str, token: &str) -> Result<Self, AuthError> {
        let mut value = reqwest::header::HeaderValue::from_str(&format!("{scheme} {token}"))
            .map_err(|_| AuthError::InvalidCredential)?;
        value.set_sensitive(true);
        Ok(Self::Static(value))
    }

    /// A fingerprint of the credentials, for the response cache's keys: a hash keyed afresh in
    /// each process (so it says nothing about the credentials outside it), equal for equal
    /// credentials; `0` for none.
    pub(crate) fn principal(&self) -> u64 {
        use std::hash::BuildHasher;
        static KEYS: std::sync::OnceLock<std::collections::hash_map::RandomState> = std::sync::OnceLock::new();
        let keys = KEYS.get_or_init(std::collections::hash_map::RandomState::new);
        match self {
            Self::None => 0,
            Self::Static(value) => keys.hash_one(("static", value.as_bytes())),
            Self::OAuth(client) => keys.hash_one(("oauth", client.identity())),
            Self::Provider(tokens) => keys.hash_one(("provider", tokens.identity())),
        }
    }

    /// How many token requests this authenticator has sent (0 unless it uses OAuth).
    pub(crate) fn token_requests(&self) -> u64 {
        match self {
            Self::OAuth(c) => c.token_requests(),
            Self::Provider(p) => p.asked(),
            Self::None | Self::Static(_) => 0,
        }
    }

    /// Puts credentials on the request. With OAuth, `stale` is a token the server refused:
    /// the cache renews it (once, however many callers report it).
    pub(crate) async fn authorize(
        &self,
        request: &mut reqwest::Request,
        stale: Option<&Arc<AccessToken>>,
    ) -> Result<Option<Arc<AccessToken>>, AuthError> {
        match self {
            Self::None => Ok(None),
            Self::Static(value) => {
                request
                    .headers_mut()
                    .insert(reqwest::header::AUTHORIZATION, value.clone());
                Ok(None)
            }
            Self::OAuth(client) => {
                // The usual case, a cached token, needs no future; renewing is boxed, so its
                // state is not part of every call's future.
                let token = match client.usable(stale) {
                    Some(token) => token,
                    None => Box::pin(client.token(stale)).await?,
                };
                client.apply(request, &token)?;
                Ok(Some(token))
            }
            Self::Provider(tokens) => {
                let token = match tokens.usable(stale) {
                    Some(token) => token,
                    None => Box::pin(tokens.token(stale)).await?,
                };
                let value = token.authorization.clone().ok_or(AuthError::InvalidCredential)?;
                request.headers_mut().insert(reqwest::header::AUTHORIZATION, value);
                Ok(Some(token))
            }
        }
    }
}
