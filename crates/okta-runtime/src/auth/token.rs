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
/// How many times in a row a `use_dpop_nonce` answer is followed before giving up.
pub(crate) const MAX_NONCE_ROUNDS: u32 = 2;

/// An access token and when to stop using it.
pub(crate) struct AccessToken {
    pub(crate) value: Secret,
    pub(crate) dpop: bool,
    renew_at: Instant,
    /// `Authorization: <Bearer|DPoP> <token>`, built once (marked sensitive); `None` when the
    /// token cannot be a header value.
    authorization: Option<reqwest::header::HeaderValue>,
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
    fn new(value: String, dpop: bool, renew_at: Instant) -> Self {
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

    fn fresh(&self) -> bool {
        Instant::now() < self.renew_at
    }
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
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
    renewal: tokio::sync::Mutex<()>,
    token_requests: AtomicU64,
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
            renewal: tokio::sync::Mutex::new(()),
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
    /// another caller already replaced it. Concurrent callers share one renewal.
    pub(crate) async fn token(&self, stale: Option<&Arc<AccessToken>>) -> Result<Arc<AccessToken>, AuthError> {
        if let Some(t) = self.usable(stale) {
            return Ok(t);
        }
        let _guard = self.renewal.lock().await;
        if let Some(t) = self.usable(stale) {
            return Ok(t);
        }
        // Boxed: fetching is rare, and its state (signing, the token request) would otherwise
        // sit inside every call's future.
        let token = Arc::new(Box::pin(self.fetch()).await?);
        if let Ok(mut slot) = self.current.write() {
            *slot = Some(token.clone());
        }
        Ok(token)
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
                .map_err(|e| AuthError::Transport(e.without_url()))?;
            let status = response.status();
            let nonce = response
                .headers()
                .get("dpop-nonce")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let body = response
                .bytes()
                .await
                .map_err(|e| AuthError::Transport(e.without_url()))?;
            if status.is_success() {
                let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|_| AuthError::BadTokenResponse {
                    status: status.as_u16(),
                })?;
                let lifetime = Duration::from_secs(parsed.expires_in.unwrap_or(3600));
                let ahead = RENEW_BEFORE.min(lifetime / 2);
                let dpop_bound = parsed
                    .token_type
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case("dpop"));
                return Ok(AccessToken::new(
                    parsed.access_token,
                    dpop_bound,
                    started + lifetime.saturating_sub(ahead),
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
