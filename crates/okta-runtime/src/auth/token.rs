//! The token endpoint and the access-token cache (renewed ahead of expiry, single-flight).

use super::dpop::DpopKey;
use super::jwt::client_assertion;
use super::{AssertionSigner, AuthError};
use crate::secret::Secret;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Renew this long before `expires_in` runs out (capped at half the token's lifetime).
const RENEW_BEFORE: Duration = Duration::from_secs(300);
/// The longest lifetime a token is taken to have, whatever `expires_in` says (Okta's access
/// tokens live an hour).
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// A token is used for at least this long, whatever `expires_in` says (`0` would otherwise
/// make every call a token request); if it has really expired, the 401 renewal takes over.
const MIN_REUSE: Duration = Duration::from_millis(500);
/// After a failed token request, the next waits this long, doubling with each failure in a
/// row up to [`BACKOFF_MAX`]; callers in between get the failure without a request.
const BACKOFF_FIRST: Duration = Duration::from_millis(500);
/// The longest back-off between failed token requests.
const BACKOFF_MAX: Duration = Duration::from_secs(30);

/// The renewal in progress (its lock makes callers share it) and how the last one ended.
#[derive(Default)]
struct Renewal {
    /// Renewal attempts finished so far.
    attempts: u64,
    /// The last attempt's failure, and when the next attempt may start.
    failure: Option<(AuthError, Instant)>,
    /// Failed attempts in a row.
    failures_in_a_row: u32,
}
/// How many times in a row a `use_dpop_nonce` answer is followed before giving up.
pub(crate) const MAX_NONCE_ROUNDS: u32 = 2;

/// An access token and when to stop using it.
pub(crate) struct AccessToken {
    pub(crate) value: Secret,
    pub(crate) dpop: bool,
    renew_at: Instant,
    /// `Authorization: <Bearer|DPoP> <token>`, built once (marked sensitive); `None` when the
    /// token cannot be a header value.
    pub(crate) authorization: Option<reqwest::header::HeaderValue>,
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken")
            .field("value", &self.value)
            .field("dpop", &self.dpop)
            .finish()
    }
}

impl AccessToken {
    pub(crate) fn new(value: String, dpop: bool, renew_at: Instant) -> Self {
        let scheme = if dpop { "DPoP" } else { "Bearer" };
        let authorization = reqwest::header::HeaderValue::from_str(&format!("{scheme} {value}"))
            .ok()
            .map(|mut v| {
                v.set_sensitive(true);
                v
            });
        Self {
            value: Secret::new(value),
            dpop,
            renew_at,
            authorization,
        }
    }

    pub(crate) fn fresh(&self) -> bool {
        Instant::now() < self.renew_at
    }
}

/// When a token fetched at `started` with `expires_in` seconds is renewed: [`RENEW_BEFORE`]
/// ahead of its expiry (at most half its lifetime ahead), the lifetime taken as at most
/// [`MAX_LIFETIME`] (an hour when the answer has none), and never sooner than [`MIN_REUSE`]
/// after it was fetched. No number the server sends can overflow this.
fn renew_at(started: Instant, expires_in: Option<u64>) -> Instant {
    let lifetime = expires_in
        .map_or(Duration::from_secs(3600), Duration::from_secs)
        .min(MAX_LIFETIME);
    let ahead = RENEW_BEFORE.min(lifetime / 2);
    let use_for = lifetime.saturating_sub(ahead).max(MIN_REUSE);
    started.checked_add(use_for).unwrap_or(started)
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default, deserialize_with = "seconds")]
    expires_in: Option<u64>,
}

/// `expires_in` as any JSON number: a negative one is 0, a fraction is cut, anything else is
/// absent (an hour).
fn seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let value = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
    Ok(match value {
        serde_json::Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_i64().map(|i| u64::try_from(i).unwrap_or(0)))
            .or_else(|| {
                n.as_f64().map(|f| {
                    if f.is_finite() && f > 0.0 {
                        f.min(u64::MAX as f64) as u64
                    } else {
                        0
                    }
                })
            }),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

#[derive(serde::Deserialize, Default)]
struct TokenError {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
}

/// OAuth 2.0 client credentials with `private_key_jwt`, optionally DPoP-bound.
pub(crate) struct OAuthClient {
    http: reqwest::Client,
    token_url: reqwest::Url,
    client_id: String,
    scope: String,
    signer: Arc<dyn AssertionSigner>,
    dpop: Mutex<Option<Arc<DpopKey>>>,
    token_nonce: Mutex<Option<String>>,
    resource_nonce: Mutex<Option<String>>,
    current: RwLock<Option<Arc<AccessToken>>>,
    renewal: tokio::sync::Mutex<Renewal>,
    /// `Renewal::attempts`, readable without waiting for the lock.
    renewals: AtomicU64,
    token_requests: AtomicU64,
}

impl OAuthClient {
    /// Who this client is to the org: its token endpoint, client id and scopes (what an access
    /// token it gets may read).
    pub(crate) fn identity(&self) -> (&str, &str, &str) {
        (self.token_url.as_str(), &self.client_id, &self.scope)
    }
}

impl std::fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthClient")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .field("scope", &self.scope)
            .field("algorithm", &self.signer.algorithm())
            .field("dpop", &self.dpop_key().is_some())
            .finish()
    }
}

impl OAuthClient {
    pub(crate) fn new(
        http: reqwest::Client,
        org_url: &reqwest::Url,
        client_id: String,
        scopes: &[String],
        signer: Arc<dyn AssertionSigner>,
        dpop: bool,
    ) -> Result<Self, AuthError> {
        let base = org_url.as_str().trim_end_matches('/');
        let token_url =
            reqwest::Url::parse(&format!("{base}/oauth2/v1/token")).map_err(|_| AuthError::InvalidCredential)?;
        Ok(Self {
            http,
            token_url,
            client_id,
            scope: scopes.join(" "),
            signer,
            dpop: Mutex::new(if dpop {
                Some(Arc::new(DpopKey::generate()?))
            } else {
                None
            }),
            token_nonce: Mutex::new(None),
            resource_nonce: Mutex::new(None),
            current: RwLock::new(None),
            renewal: tokio::sync::Mutex::new(Renewal::default()),
            renewals: AtomicU64::new(0),
            token_requests: AtomicU64::new(0),
        })
    }

    /// The scopes this client asks for.
    pub(crate) fn scopes(&self) -> Vec<String> {
        self.scope.split_whitespace().map(str::to_string).collect()
    }

    /// How many token requests this client has sent.
    pub(crate) fn token_requests(&self) -> u64 {
        self.token_requests.load(Ordering::Relaxed)
    }

    fn dpop_key(&self) -> Option<Arc<DpopKey>> {
        self.dpop.lock().ok().and_then(|g| g.clone())
    }

    fn cached(&self) -> Option<Arc<AccessToken>> {
        self.current.read().ok().and_then(|g| g.clone())
    }

    /// The cached token, if it is fresh and not `stale` (a token the resource server refused).
    pub(crate) fn usable(&self, stale: Option<&Arc<AccessToken>>) -> Option<Arc<AccessToken>> {
        self.cached()
            .filter(|t| t.fresh() && stale.is_none_or(|s| !Arc::ptr_eq(s, t)))
    }

    /// A usable token. `stale` is a token the resource server refused; it is renewed unless
    /// another caller already replaced it. Concurrent callers share one renewal and its
    /// outcome, failure included: a caller that waited while another's renewal failed gets
    /// that failure, and so does every caller until the back-off after it ends.
    pub(crate) async fn token(&self, stale: Option<&Arc<AccessToken>>) -> Result<Arc<AccessToken>, AuthError> {
        if let Some(t) = self.usable(stale) {
            return Ok(t);
        }
        let seen = self.renewals.load(Ordering::Acquire);
        let mut renewal = self.renewal.lock().await;
        if let Some(t) = self.usable(stale) {
            return Ok(t);
        }
        if let Some((failure, retry_at)) = &renewal.failure {
            let now = Instant::now();
            // A renewal failed while this caller waited: its outcome is this caller's too.
            if renewal.attempts != seen {
                return Err(failure.clone());
            }
            if let Some(retry_in) = retry_at.checked_duration_since(now).filter(|d| !d.is_zero()) {
                return Err(AuthError::BackingOff {
                    last: Box::new(failure.clone()),
                    retry_in,
                });
            }
        }
        // Boxed: fetching is rare, and its state (signing, the token request) would otherwise
        // sit inside every call's future.
        let outcome = Box::pin(self.fetch()).await;
        renewal.attempts = renewal.attempts.wrapping_add(1);
        self.renewals.store(renewal.attempts, Ordering::Release);
        match outcome {
            Ok(token) => {
                renewal.failure = None;
                renewal.failures_in_a_row = 0;
                let token = Arc::new(token);
                if let Ok(mut slot) = self.current.write() {
                    *slot = Some(token.clone());
                }
                Ok(token)
            }
            Err(e) => {
                renewal.failures_in_a_row = renewal.failures_in_a_row.saturating_add(1);
                let doublings = renewal.failures_in_a_row.saturating_sub(1).min(16);
                let backoff = BACKOFF_FIRST.saturating_mul(1 << doublings).min(BACKOFF_MAX);
                tracing::warn!(
                    error = %e,
                    backoff_ms = backoff.as_millis() as u64,
                    "token request failed; callers waiting on it share the failure"
                );
                renewal.failure = Some((e.clone(), Instant::now() + backoff));
                Err(e)
            }
        }
    }

    /// Requests a token, following `use_dpop_nonce` and switching DPoP on when Okta demands it.
    async fn fetch(&self) -> Result<AccessToken, AuthError> {
        let mut rounds = 0;
        loop {
            let assertion = client_assertion(self.signer.as_ref(), &self.client_id, self.token_url.as_str()).await?;
            let mut request = self.http.post(self.token_url.clone()).form(&[
                ("grant_type", "client_credentials"),
                ("scope", self.scope.as_str()),
                ("client_assertion_type", ASSERTION_TYPE),
                ("client_assertion", assertion.as_str()),
            ]);
            request = request.header(reqwest::header::ACCEPT, "application/json");
            let dpop = self.dpop_key();
            if let Some(key) = &dpop {
                let nonce = self.token_nonce.lock().ok().and_then(|n| n.clone());
                let mut proof = reqwest::header::HeaderValue::from_str(&key.proof(
                    "POST",
                    &self.token_url,
                    nonce.as_deref(),
                    None,
                )?)
                .map_err(|_| AuthError::InvalidCredential)?;
                proof.set_sensitive(true);
                request = request.header("DPoP", proof);
            }
            self.token_requests.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(token_url = %self.token_url, dpop = dpop.is_some(), "requesting an access token");
            let started = Instant::now();
            let response = request
                .send()
                .await
                .map_err(|e| AuthError::Transport(Arc::new(e.without_url())))?;
            let status = response.status();
            // The runtime's clients follow no redirect from the token endpoint; a caller's own
            // client may have, and then this answer is not the org's.
            if status.is_redirection() || response.url() != &self.token_url {
                return Err(AuthError::Redirected {
                    status: status.as_u16(),
                });
            }
            let nonce = response
                .headers()
                .get("dpop-nonce")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let body = response
                .bytes()
                .await
                .map_err(|e| AuthError::Transport(Arc::new(e.without_url())))?;
            if status.is_success() {
                let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|_| AuthError::BadTokenResponse {
                    status: status.as_u16(),
                })?;
                let dpop_bound = parsed
                    .token_type
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case("dpop"));
                return Ok(AccessToken::new(
                    parsed.access_token,
                    dpop_bound,
                    renew_at(started, parsed.expires_in),
                ));
            }
            let err: TokenError = serde_json::from_slice(&body).unwrap_or_default();
            let code = err.error.unwrap_or_else(|| "unknown_error".into());
            match code.as_str() {
                "use_dpop_nonce" if nonce.is_some() && rounds < MAX_NONCE_ROUNDS => {
                    if let Ok(mut n) = self.token_nonce.lock() {
                        *n = nonce;
                    }
                    if dpop.is_none() {
                        self.enable_dpop()?;
                    }
                    rounds += 1;
                    tracing::debug!(round = rounds, "token endpoint asked for a DPoP nonce");
                }
                "invalid_dpop_proof" if dpop.is_none() && rounds < MAX_NONCE_ROUNDS => {
                    // The app requires DPoP; switch it on for this client.
                    self.enable_dpop()?;
                    rounds += 1;
                    tracing::info!("the service app requires DPoP; switching it on");
                }
                "use_dpop_nonce" if rounds >= MAX_NONCE_ROUNDS => return Err(AuthError::DpopNonceLoop(rounds)),
                _ => {
                    return Err(AuthError::TokenEndpoint {
                        status: status.as_u16(),
                        error: code,
                        description: err.error_description,
                    });
                }
            }
        }
    }

    fn enable_dpop(&self) -> Result<(), AuthError> {
        if let Ok(mut k) = self.dpop.lock()
            && k.is_none()
        {
            *k = Some(Arc::new(DpopKey::generate()?));
        }
        Ok(())
    }

    /// Puts the token (and a DPoP proof, for DPoP-bound tokens) on a resource request.
    pub(crate) fn apply(&self, request: &mut reqwest::Request, token: &AccessToken) -> Result<(), AuthError> {
        let value = token.authorization.clone().ok_or(AuthError::InvalidCredential)?;
        request.headers_mut().insert(reqwest::header::AUTHORIZATION, value);
        if token.dpop
            && let Some(key) = self.dpop_key()
        {
            let nonce = self.resource_nonce.lock().ok().and_then(|n| n.clone());
            let proof = key.proof(
                request.method().as_str(),
                request.url(),
                nonce.as_deref(),
                Some(token.value.expose()),
            )?;
            let mut proof = reqwest::header::HeaderValue::from_str(&proof).map_err(|_| AuthError::InvalidCredential)?;
            proof.set_sensitive(true);
            request.headers_mut().insert("DPoP", proof);
        }
        Ok(())
    }

    /// Records a nonce the resource server demanded (`WWW-Authenticate: DPoP error="use_dpop_nonce"`).
    /// Returns whether the request should be retried with it.
    pub(crate) fn resource_nonce_demanded(&self, headers: &reqwest::header::HeaderMap) -> bool {
        let demanded = headers
            .get_all(reqwest::header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.contains("use_dpop_nonce"));
        let nonce = headers
            .get("dpop-nonce")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        match (demanded, nonce) {
            (true, Some(n)) => {
                if let Ok(mut slot) = self.resource_nonce.lock() {
                    *slot = Some(n);
                }
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_expires_in_gives_a_bounded_renewal_time() {
        let now = Instant::now();
        assert_eq!(renew_at(now, Some(3600)), now + Duration::from_secs(3300));
        assert_eq!(renew_at(now, None), now + Duration::from_secs(3300));
        assert_eq!(renew_at(now, Some(0)), now + MIN_REUSE);
        assert_eq!(renew_at(now, Some(1)), now + Duration::from_millis(500));
        assert_eq!(renew_at(now, Some(4)), now + Duration::from_secs(2));
        assert_eq!(renew_at(now, Some(u64::MAX)), now + MAX_LIFETIME - RENEW_BEFORE);
        for body in [
            r#"{"expires_in":-5}"#,
            r#"{"expires_in":1e300}"#,
            r#"{"expires_in":"x"}"#,
            r#"{"expires_in":null}"#,
        ] {
            let parsed: TokenResponse =
                serde_json::from_str(&body.replace('{', r#"{"access_token":"t","#)).expect(body);
            let _ = renew_at(now, parsed.expires_in);
        }
    }
}
