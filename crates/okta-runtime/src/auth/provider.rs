//! Bearer tokens from the caller's own source: a [`TokenProvider`] (a vault, a sidecar, an
//! OAuth flow of your own), asked when the runtime has no usable token, with single-flight
//! renewal and the 401 retry as for private-key OAuth.

use super::AuthError;
use super::token::AccessToken;
use crate::Secret;
use futures::future::BoxFuture;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// A failure reported by a [`TokenProvider`]. Must not carry the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ProviderError(String);

impl ProviderError {
    /// A failure with a message (never a credential).
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// Gives the runtime bearer tokens (`Authorization: Bearer <token>`) refreshed elsewhere,
/// without rebuilding the client.
///
/// The runtime keeps the token it was given for [`TokenProvider::max_age`], then asks again;
/// when the org refuses a token with 401 it asks again at once, passing the refused token, and
/// retries the request once. However many calls run at once, one of them asks; the others wait
/// for its answer.
pub trait TokenProvider: Send + Sync + std::fmt::Debug {
    /// A token to send. `refused` is the token the org just answered 401 to, if that is why
    /// the runtime asks: answer a newer one.
    fn token<'a>(&'a self, refused: Option<&'a Secret>) -> BoxFuture<'a, Result<Secret, ProviderError>>;

    /// How long the runtime uses a token before asking again (default: five minutes).
    fn max_age(&self) -> Duration {
        Duration::from_secs(300)
    }
}

/// The runtime's side of a provider: the current token and single-flight renewal.
pub(crate) struct ProvidedTokens {
    provider: Arc<dyn TokenProvider>,
    current: RwLock<Option<Arc<AccessToken>>>,
    renewal: tokio::sync::Mutex<()>,
    asked: AtomicU64,
}

impl std::fmt::Debug for ProvidedTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProvidedTokens")
            .field("provider", &self.provider)
            .field("asked", &self.asked.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl ProvidedTokens {
    pub(crate) fn new(provider: Arc<dyn TokenProvider>) -> Self {
        Self {
            provider,
            current: RwLock::new(None),
            renewal: tokio::sync::Mutex::new(()),
            asked: AtomicU64::new(0),
        }
    }

    /// The provider's identity, for cache keys: clients sharing one provider share a principal.
    pub(crate) fn identity(&self) -> usize {
        Arc::as_ptr(&self.provider).cast::<()>() as usize
    }

    /// How many times the provider was asked.
    pub(crate) fn asked(&self) -> u64 {
        self.asked.load(Ordering::Relaxed)
    }

    /// The current token, unless it is too old or is the one the org refused.
    pub(crate) fn usable(&self, refused: Option<&Arc<AccessToken>>) -> Option<Arc<AccessToken>> {
        let current = self.current.read().ok()?.clone()?;
        let was_refused = refused.is_some_and(|r| Arc::ptr_eq(r, &current));
        (current.fresh() && !was_refused).then_some(current)
    }

    /// A usable token, asking the provider (one caller at a time) when there is none.
    pub(crate) async fn token(&self, refused: Option<&Arc<AccessToken>>) -> Result<Arc<AccessToken>, AuthError> {
        let _turn = self.renewal.lock().await;
        // Another caller may have asked while this one waited.
        if let Some(token) = self.usable(refused) {
            return Ok(token);
        }
        self.asked.fetch_add(1, Ordering::Relaxed);
        let value = self
            .provider
            .token(refused.map(|t| &t.value))
            .await
            .map_err(AuthError::Provider)?;
        let renew_at = Instant::now()
            .checked_add(self.provider.max_age())
            .unwrap_or_else(Instant::now);
        let token = Arc::new(AccessToken::new(value.expose().to_string(), false, renew_at));
        if let Ok(mut slot) = self.current.write() {
            *slot = Some(token.clone());
        }
        Ok(token)
    }
}
