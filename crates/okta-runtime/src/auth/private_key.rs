//! The runtime's private-key OAuth client: client credentials with a `private_key_jwt`
//! assertion, optionally DPoP-bound. It is a [`TokenProvider`]; the token cache in front of
//! it (`tokens`) renews ahead of expiry, one renewal at a time.

use super::dpop::DpopKey;
use super::jwt::client_assertion;
use super::{AssertionSigner, AuthError, ProviderError, Token, TokenProvider};
use crate::secret::Secret;
use futures::future::BoxFuture;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The largest token endpoint answer read: a token response (or an OAuth error) is well under
/// 8 KiB even with a DPoP-bound JWT; a server sending more is not the org's token endpoint.
pub(crate) const MAX_TOKEN_ANSWER: u64 = 64 * 1024;

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// How many times in a row a `use_dpop_nonce` answer is followed before giving up.
pub(crate) const MAX_NONCE_ROUNDS: u32 = 2;
/// The lifetime of a token whose answer gives none (Okta's access tokens live an hour).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

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
pub(crate) struct PrivateKeyJwt {
    http: reqwest::Client,
    /// The runtime's read timeout (`crate::stall`).
    read_timeout: Option<Duration>,
    token_url: reqwest::Url,
    client_id: String,
    scope: String,
    signer: Arc<dyn AssertionSigner>,
    dpop: Mutex<Option<Arc<DpopKey>>>,
    token_nonce: Mutex<Option<String>>,
    resource_nonce: Mutex<Option<String>>,
    token_requests: AtomicU64,
}

impl PrivateKeyJwt {
    /// Who this client is to the org: its token endpoint, client id and scopes (what an access
    /// token it gets may read).
    pub(crate) fn identity(&self) -> (&str, &str, &str) {
        (self.token_url.as_str(), &self.client_id, &self.scope)
    }
}

impl std::fmt::Debug for PrivateKeyJwt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivateKeyJwt")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .field("scope", &self.scope)
            .field("algorithm", &self.signer.algorithm())
            .field("dpop", &self.dpop_key().is_some())
            .finish()
    }
}

impl PrivateKeyJwt {
    pub(crate) fn new(
        http: reqwest::Client,
        org_url: &reqwest::Url,
        client_id: String,
        scopes: &[String],
        signer: Arc<dyn AssertionSigner>,
        dpop: bool,
        read_timeout: Option<Duration>,
    ) -> Result<Self, AuthError> {
        let base = org_url.as_str().trim_end_matches('/');
        let token_url =
            reqwest::Url::parse(&format!("{base}/oauth2/v1/token")).map_err(|_| AuthError::InvalidCredential)?;
        Ok(Self {
            http,
            read_timeout,
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

    /// Requests a token, following `use_dpop_nonce` and switching DPoP on when Okta demands it.
    async fn fetch(&self) -> Result<Token, AuthError> {
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
            // A token endpoint that stalls fails the renewal instead of holding every caller.
            let stalled = AuthError::Stalled {
                limit: self.read_timeout.unwrap_or_default(),
            };
            let mut response = crate::stall::within(self.read_timeout, request.send())
                .await
                .map_err(|_| stalled.clone())?
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
            let body = crate::body::read(&mut response, MAX_TOKEN_ANSWER, self.read_timeout)
                .await
                .map_err(|e| match e {
                    crate::body::ReadError::Transport(e) => AuthError::Transport(Arc::new(e.without_url())),
                    crate::body::ReadError::Stalled => stalled,
                    crate::body::ReadError::TooLarge { .. } => AuthError::TooLarge {
                        status: status.as_u16(),
                        limit: MAX_TOKEN_ANSWER,
                    },
                })?;
            if status.is_success() {
                let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|_| AuthError::BadTokenResponse {
                    status: status.as_u16(),
                })?;
                let dpop_bound = parsed
                    .token_type
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case("dpop"));
                let lifetime = parsed.expires_in.map_or(DEFAULT_LIFETIME, Duration::from_secs);
                let token = if dpop_bound {
                    Token::dpop(parsed.access_token)
                } else {
                    Token::bearer(parsed.access_token)
                };
                return Ok(token.expires_in(lifetime));
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

    /// A DPoP proof for a resource request carrying a DPoP-bound token.
    fn proof(
        &self,
        request: &reqwest::Request,
        token: &Token,
    ) -> Result<Option<reqwest::header::HeaderValue>, AuthError> {
        if !token.is_dpop() {
            return Ok(None);
        }
        let Some(key) = self.dpop_key() else {
            return Ok(None);
        };
        let nonce = self.resource_nonce.lock().ok().and_then(|n| n.clone());
        let proof = key.proof(
            request.method().as_str(),
            request.url(),
            nonce.as_deref(),
            Some(token.value().expose()),
        )?;
        let mut proof = reqwest::header::HeaderValue::from_str(&proof).map_err(|_| AuthError::InvalidCredential)?;
        proof.set_sensitive(true);
        Ok(Some(proof))
    }

    /// Records a nonce the resource server demanded (`WWW-Authenticate: DPoP error="use_dpop_nonce"`).
    /// Returns whether the request should be retried with it.
    fn resource_nonce_demanded(&self, headers: &reqwest::header::HeaderMap) -> bool {
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

impl TokenProvider for PrivateKeyJwt {
    fn token<'a>(&'a self, _refused: Option<&'a Secret>) -> BoxFuture<'a, Result<Token, ProviderError>> {
        Box::pin(async move { self.fetch().await.map_err(ProviderError::auth) })
    }

    fn max_age(&self) -> Duration {
        DEFAULT_LIFETIME
    }

    fn prepare_request(&self, request: &mut reqwest::Request, token: &Token) -> Result<(), ProviderError> {
        if let Some(proof) = self.proof(request, token).map_err(ProviderError::auth)? {
            request.headers_mut().insert("DPoP", proof);
        }
        Ok(())
    }

    fn retry_same_token(&self, token: &Token, answer: &reqwest::header::HeaderMap) -> bool {
        token.is_dpop() && self.resource_nonce_demanded(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_expires_in_is_read_without_failing() {
        for (body, expected) in [
            (r#"{"expires_in":3600}"#, Some(3600)),
            (r#"{"expires_in":-5}"#, Some(0)),
            (r#"{"expires_in":1e300}"#, Some(u64::MAX)),
            (r#"{"expires_in":"60"}"#, Some(60)),
            (r#"{"expires_in":"x"}"#, None),
            (r#"{"expires_in":null}"#, None),
            (r#"{"scope":"x"}"#, None),
        ] {
            let parsed: TokenResponse =
                serde_json::from_str(&body.replace('{', r#"{"access_token":"t","#)).expect(body);
            assert_eq!(parsed.expires_in, expected, "{body}");
        }
    }
}
