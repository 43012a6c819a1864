//! Authentication: SSWS and bearer headers, OAuth 2.0 client credentials with a
//! `private_key_jwt` client assertion, DPoP, and the access-token cache.
//!
//! Modules: [`key`] parses private keys; `jwt` builds client assertions; `dpop` builds DPoP
//! proofs; `provider` is the [`TokenProvider`] extension point; `private_key` is the
//! runtime's own provider (the token endpoint, with a private-key assertion); `tokens` is the
//! token cache in front of any provider (renewal ahead of expiry, single flight, back-off).

mod dpop;
mod error;
mod jwt;
pub mod key;
mod private_key;
mod provider;
mod tokens;

pub use dpop::{DpopError, DpopKey};
pub use error::AuthError;
pub use key::{KeyError, KeySigner};
pub(crate) use private_key::{MAX_NONCE_ROUNDS, PrivateKeyJwt};
pub use provider::{ProviderError, Token, TokenProvider};
pub(crate) use tokens::{ProvidedTokens, TokenId};

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
    /// Access tokens from a [`TokenProvider`] (the caller's, or the runtime's private-key
    /// OAuth client), renewed ahead of expiry.
    Tokens(Arc<ProvidedTokens>),
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Static(_) => f.write_str("Static(***)"),
            Self::Tokens(t) => f.debug_tuple("Tokens").field(t).finish(),
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
            Self::Tokens(tokens) => tokens.principal(keys),
        }
    }

    /// How many token requests this authenticator has sent (private key), or how many times
    /// it asked its provider; 0 for fixed credentials.
    pub(crate) fn token_requests(&self) -> u64 {
        match self {
            Self::Tokens(t) => t.requests(),
            Self::None | Self::Static(_) => 0,
        }
    }

    /// Puts credentials on the request. With tokens, `stale` is the token the server refused:
    /// the cache renews it (once, however many callers report it). Says which token was put
    /// on, if any.
    pub(crate) async fn authorize(
        &self,
        request: &mut reqwest::Request,
        stale: Option<TokenId>,
    ) -> Result<Option<TokenId>, AuthError> {
        match self {
            Self::None => Ok(None),
            Self::Static(value) => {
                request
                    .headers_mut()
                    .insert(reqwest::header::AUTHORIZATION, value.clone());
                Ok(None)
            }
            Self::Tokens(tokens) => {
                // The usual case, a cached token, needs no future; renewing is boxed, so its
                // state is not part of every call's future.
                if let Some(applied) = tokens.apply_cached(request, stale) {
                    return applied.map(Some);
                }
                let token = Box::pin(tokens.token(stale)).await?;
                tokens.apply(request, &token)?;
                Ok(Some(token.id()))
            }
        }
    }
}
