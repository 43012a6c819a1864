//! The access-token cache in front of a [`TokenProvider`]: the token it gave, renewed ahead
//! of expiry, one renewal at a time (single flight); a failed renewal is shared by everyone
//! who waited for it and held back for a growing back-off.

use super::private_key::PrivateKeyJwt;
use super::{AuthError, Token, TokenProvider};
use arc_swap::ArcSwapOption;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::time::Instant;

/// Renew this long before a token expires (capped at half the token's lifetime).
const RENEW_BEFORE: Duration = Duration::from_secs(300);
/// The longest a token is used, whatever its lifetime or the provider's `max_age` says.
pub(crate) const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// A token is used for at least this long, whatever its lifetime says (`0` would otherwise
/// make every call a token request); if it has really expired, the 401 renewal takes over.
const MIN_REUSE: Duration = Duration::from_millis(500);
/// After a failed renewal, the next waits this long, doubling with each failure in a row up
/// to [`BACKOFF_MAX`]; callers in between get the failure without the provider being asked.
const BACKOFF_FIRST: Duration = Duration::from_millis(500);
/// The longest back-off between failed renewals.
const BACKOFF_MAX: Duration = Duration::from_secs(30);

/// Which token an attempt was sent with, to tell the cache which one the org refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TokenId(u64);

/// A token in the cache and when to stop using it.
pub(crate) struct AccessToken {
    pub(crate) token: Token,
    /// The renewal that got it (each renewal has its own number).
    id: TokenId,
    renew_at: Instant,
    /// `Authorization: <Bearer|DPoP> <token>`, built once (marked sensitive); `None` when the
    /// token cannot be a header value.
    authorization: Option<reqwest::header::HeaderValue>,
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken").field("token", &self.token).finish()
    }
}

impl AccessToken {
    fn new(token: Token, id: TokenId, renew_at: Instant) -> Self {
        let scheme = if token.is_dpop() { "DPoP" } else { "Bearer" };
        let authorization = reqwest::header::HeaderValue::from_str(&format!("{scheme} {}", token.value().expose()))
            .ok()
            .map(|mut v| {
                v.set_sensitive(true);
                v
            });
        Self {
            token,
            id,
            renew_at,
            authorization,
        }
    }

    /// Which token this is.
    pub(crate) fn id(&self) -> TokenId {
        self.id
    }

    fn fresh(&self) -> bool {
        Instant::now() < self.renew_at
    }
}

/// How long a token is used: with a lifetime, until [`RENEW_BEFORE`] ahead of its expiry (at
/// most half its lifetime ahead); without one, for `max_age`. Never less than [`MIN_REUSE`],
/// never more than [`MAX_LIFETIME`], so no number a server or provider gives can overflow the
/// renewal time.
fn use_for(lifetime: Option<Duration>, max_age: Duration) -> Duration {
    let span = match lifetime {
        Some(lifetime) => {
            let lifetime = lifetime.min(MAX_LIFETIME);
            lifetime.saturating_sub(RENEW_BEFORE.min(lifetime / 2))
        }
        None => max_age,
    };
    span.clamp(MIN_REUSE, MAX_LIFETIME)
}

/// The renewal in progress (its lock makes callers share it) and how the last one ended.
#[derive(Default)]
struct Renewal {
    /// Renewals finished so far.
    attempts: u64,
    /// The last renewal's failure, and when the next may start.
    failure: Option<(AuthError, Instant)>,
    /// Failed renewals in a row.
    failures_in_a_row: u32,
}

/// The runtime's side of a token provider: the current token, single-flight renewal, and
/// the back-off after failures.
pub(crate) struct ProvidedTokens {
    provider: Arc<dyn TokenProvider>,
    /// The runtime's private-key client, when it is the provider: its scopes say what a 403
    /// asked for, and it counts its own token requests.
    private_key: Option<Arc<PrivateKeyJwt>>,
    /// Read by every call: a load writes nothing the runtime's threads share (no lock, no
    /// reference count), where a lock and an `Arc` clone were four contended writes per call.
    current: ArcSwapOption<AccessToken>,
    renewal: tokio::sync::Mutex<Renewal>,
    /// `Renewal::attempts`, readable without waiting for the lock.
    renewals: AtomicU64,
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
    /// Tokens from the caller's provider.
    pub(crate) fn new(provider: Arc<dyn TokenProvider>) -> Self {
        Self {
            provider,
            private_key: None,
            current: ArcSwapOption::empty(),
            renewal: tokio::sync::Mutex::new(Renewal::default()),
            renewals: AtomicU64::new(0),
            asked: AtomicU64::new(0),
        }
    }

    /// Tokens from the runtime's private-key OAuth client.
    pub(crate) fn private_key(client: PrivateKeyJwt) -> Self {
        let client = Arc::new(client);
        Self {
            private_key: Some(client.clone()),
            ..Self::new(client)
        }
    }

    /// Who the tokens speak for, for cache keys: a private-key client's token endpoint,
    /// client id and scopes (equal credentials share a principal); otherwise the provider
    /// itself (clients sharing one provider share a principal).
    pub(crate) fn principal(&self, keys: &std::collections::hash_map::RandomState) -> u64 {
        use std::hash::BuildHasher;
        match &self.private_key {
            Some(client) => keys.hash_one(("private key", client.identity())),
            None => keys.hash_one(("provider", Arc::as_ptr(&self.provider).cast::<()>() as usize)),
        }
    }

    /// The scopes tokens are asked for (known for the private-key client only).
    pub(crate) fn scopes(&self) -> Option<Vec<String>> {
        self.private_key.as_ref().map(|c| c.scopes())
    }

    /// Token requests sent (private key), or times the provider was asked.
    pub(crate) fn requests(&self) -> u64 {
        match &self.private_key {
            Some(client) => client.token_requests(),
            None => self.asked.load(Ordering::Relaxed),
        }
    }

    /// Puts the cached token on `request` when it is fresh and not `stale` (the token the org
    /// refused); `None` when there is no such token. The usual case of every call: no future,
    /// no lock, no reference count.
    pub(crate) fn apply_cached(
        &self,
        request: &mut reqwest::Request,
        stale: Option<TokenId>,
    ) -> Option<Result<TokenId, AuthError>> {
        let current = self.current.load();
        let token = current.as_deref().filter(|t| usable(t, stale))?;
        Some(self.apply(request, token).map(|()| token.id))
    }

    /// The cached token if it is the one `id` names.
    fn cached(&self, id: TokenId) -> Option<Arc<AccessToken>> {
        self.current.load_full().filter(|t| t.id == id)
    }

    /// A usable token. `stale` is a token the org refused; it is renewed unless another
    /// caller already replaced it. Concurrent callers share one renewal and its outcome,
    /// failure included: a caller that waited while another's renewal failed gets that
    /// failure, and so does every caller until the back-off after it ends.
    pub(crate) async fn token(&self, stale: Option<TokenId>) -> Result<Arc<AccessToken>, AuthError> {
        let fresh = || self.current.load_full().filter(|t| usable(t, stale));
        if let Some(t) = fresh() {
            return Ok(t);
        }
        let seen = self.renewals.load(Ordering::Acquire);
        let mut renewal = self.renewal.lock().await;
        if let Some(t) = fresh() {
            return Ok(t);
        }
        if let Some((failure, retry_at)) = &renewal.failure {
            // A renewal failed while this caller waited: its outcome is this caller's too.
            if renewal.attempts != seen {
                return Err(failure.clone());
            }
            if let Some(retry_in) = retry_at.checked_duration_since(Instant::now()).filter(|d| !d.is_zero()) {
                return Err(AuthError::BackingOff {
                    last: Box::new(failure.clone()),
                    retry_in,
                });
            }
        }
        self.asked.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        // The refused token, while it is still the cached one (a later one was not refused).
        let refused = stale.and_then(|id| self.cached(id));
        let outcome = self
            .provider
            .token(refused.as_ref().map(|t| t.token.value()))
            .await
            .map_err(super::ProviderError::into_auth);
        renewal.attempts = renewal.attempts.wrapping_add(1);
        self.renewals.store(renewal.attempts, Ordering::Release);
        match outcome {
            Ok(token) => {
                renewal.failure = None;
                renewal.failures_in_a_row = 0;
                let use_for = use_for(token.lifetime(), self.provider.max_age());
                let id = TokenId(renewal.attempts);
                let token = Arc::new(AccessToken::new(token, id, started + use_for));
                self.current.store(Some(token.clone()));
                Ok(token)
            }
            Err(e) => {
                renewal.failures_in_a_row = renewal.failures_in_a_row.saturating_add(1);
                let doublings = renewal.failures_in_a_row.saturating_sub(1).min(16);
                let backoff = BACKOFF_FIRST.saturating_mul(1 << doublings).min(BACKOFF_MAX);
                tracing::warn!(
                    error = %e,
                    backoff_ms = backoff.as_millis() as u64,
                    "token renewal failed; callers waiting on it share the failure"
                );
                renewal.failure = Some((e.clone(), Instant::now() + backoff));
                Err(e)
            }
        }
    }

    /// Puts the token on a request: its `Authorization` header, then whatever the provider
    /// adds (a DPoP proof).
    pub(crate) fn apply(&self, request: &mut reqwest::Request, token: &AccessToken) -> Result<(), AuthError> {
        let value = token.authorization.clone().ok_or(AuthError::InvalidCredential)?;
        request.headers_mut().insert(reqwest::header::AUTHORIZATION, value);
        self.provider
            .prepare_request(request, &token.token)
            .map_err(super::ProviderError::into_auth)
    }

    /// Whether a 401 answer to a request sent with token `id` asks for the same token again (a
    /// DPoP nonce); never once the token was replaced.
    pub(crate) fn retry_same_token(&self, id: TokenId, answer: &reqwest::header::HeaderMap) -> bool {
        self.cached(id)
            .is_some_and(|t| self.provider.retry_same_token(&t.token, answer))
    }
}

/// Whether `token` may be used: fresh, and not the one the org refused.
fn usable(token: &AccessToken, stale: Option<TokenId>) -> bool {
    token.fresh() && stale != Some(token.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_lifetime_or_max_age_gives_a_bounded_use() {
        let hour = Duration::from_secs(3600);
        assert_eq!(use_for(Some(hour), hour), Duration::from_secs(3300));
        assert_eq!(use_for(Some(Duration::ZERO), hour), MIN_REUSE);
        assert_eq!(use_for(Some(Duration::from_secs(1)), hour), MIN_REUSE);
        assert_eq!(use_for(Some(Duration::from_secs(4)), hour), Duration::from_secs(2));
        assert_eq!(use_for(Some(Duration::MAX), hour), MAX_LIFETIME - RENEW_BEFORE);
        assert_eq!(use_for(None, Duration::MAX), MAX_LIFETIME);
        assert_eq!(use_for(None, Duration::ZERO), MIN_REUSE);
        assert_eq!(use_for(None, hour), hour);
        // Added to any instant the runtime can see, the longest use does not overflow.
        let _ = Instant::now() + use_for(Some(Duration::MAX), Duration::MAX);
    }

    /// Numbers its tokens, says which one was refused, and asks for the same token again
    /// (a DPoP nonce) whenever the answer says `again`.
    #[derive(Debug, Default)]
    struct Counter {
        issued: std::sync::atomic::AtomicU32,
        refused: std::sync::Mutex<Vec<String>>,
    }

    impl TokenProvider for Counter {
        fn token<'a>(
            &'a self,
            refused: Option<&'a crate::Secret>,
        ) -> futures::future::BoxFuture<'a, Result<Token, crate::auth::ProviderError>> {
            if let Some(r) = refused {
                self.refused.lock().unwrap().push(r.expose().to_string());
            }
            let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
            Box::pin(async move { Ok(Token::bearer(format!("token-{n}"))) })
        }

        fn retry_same_token(&self, _: &Token, answer: &reqwest::header::HeaderMap) -> bool {
            answer.contains_key("again")
        }
    }

    fn request() -> reqwest::Request {
        reqwest::Request::new(
            reqwest::Method::GET,
            "https://example.okta.com/api/v1/users".parse().unwrap(),
        )
    }

    fn authorization(request: &reqwest::Request) -> &str {
        request.headers()["authorization"].to_str().unwrap()
    }

    #[tokio::test]
    async fn a_refused_token_is_renewed_once_and_never_used_again() {
        let provider = Arc::new(Counter::default());
        let tokens = ProvidedTokens::new(provider.clone());
        let mut req = request();
        assert!(tokens.apply_cached(&mut req, None).is_none(), "nothing cached yet");
        let first = tokens.token(None).await.unwrap();
        let first_id = tokens.apply_cached(&mut req, None).unwrap().unwrap();
        assert_eq!(first_id, first.id());
        assert_eq!(authorization(&req), "Bearer token-1");
        let again: reqwest::header::HeaderMap = [(
            reqwest::header::HeaderName::from_static("again"),
            reqwest::header::HeaderValue::from_static("1"),
        )]
        .into_iter()
        .collect();
        assert!(
            tokens.retry_same_token(first_id, &again),
            "the cached token, asked for again"
        );

        // The org refused it: it is not put on a request again, and the renewal passes it on.
        assert!(tokens.apply_cached(&mut request(), Some(first_id)).is_none());
        let second = tokens.token(Some(first_id)).await.unwrap();
        assert_ne!(second.id(), first_id);
        assert_eq!(*provider.refused.lock().unwrap(), ["token-1"]);
        // A second caller that reports the same refused token gets the new one, no renewal.
        assert_eq!(tokens.token(Some(first_id)).await.unwrap().id(), second.id());
        assert_eq!(provider.issued.load(Ordering::SeqCst), 2);
        let mut req = request();
        assert_eq!(
            tokens.apply_cached(&mut req, Some(first_id)).unwrap().unwrap(),
            second.id()
        );
        assert_eq!(authorization(&req), "Bearer token-2");
        // The replaced token is not "the same token" any more.
        assert!(!tokens.retry_same_token(first_id, &again));
        assert!(tokens.retry_same_token(second.id(), &again));
    }
}
