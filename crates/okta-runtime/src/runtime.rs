//! [`Runtime`]: the settings and state a client carries into the pipeline.

use crate::auth::{Authenticator, PrivateKeyJwt, ProvidedTokens};
use crate::cache::{MemoryCache, ResponseCache};
use crate::config::{AuthConfig, Config};
use crate::error::BuildError;
use crate::headers;
use crate::interceptor::Interceptor;
use crate::limits::{BucketRule, LimitSettings, Limits, MetricsSnapshot, PacingStore};
use crate::retry::{DefaultRetryPolicy, RetryPolicy};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::sync::Arc;
use std::time::Duration;

/// What every generated operation runs through: authentication, custom headers, the response
/// cache, retries within a time budget, and error decoding (the `call` module is its entry).
///
/// Cloning is one reference count: clone it into every task that calls. The HTTP client, the
/// credentials and the token cache are shared by every clone; the settings (headers, retry
/// policy, cache, timeout) belong to the clone, so changing them on one client never changes
/// another (a change copies the settings first).
#[derive(Clone)]
pub struct Runtime {
    pub(crate) parts: Arc<Parts>,
}

/// A runtime's settings and shared state, behind the one `Arc` a clone increments.
#[derive(Clone)]
pub(crate) struct Parts {
    pub(crate) shared: Arc<Shared>,
    pub(crate) headers: HeaderMap,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: Arc<dyn RetryPolicy>,
    pub(crate) cache: Option<Arc<dyn ResponseCache>>,
    pub(crate) request_timeout: Option<Duration>,
    /// How long the server may send nothing before an attempt fails (`okta.client.readTimeout`).
    pub(crate) read_timeout: Option<Duration>,
    /// The largest answer body a call reads (`okta.client.maxResponseBytes`).
    pub(crate) max_response_bytes: u64,
    pub(crate) limits: Arc<Limits>,
    pub(crate) interceptors: Vec<Arc<dyn Interceptor>>,
}

/// Custom header values may be credentials of the caller's own: only names are shown.
impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("auth", &self.parts.shared.auth)
            .field("custom_headers", &headers::names(&self.parts.headers))
            .field("user_agent", &self.parts.user_agent)
            .field("retry", &self.parts.retry)
            .field("cache", &self.parts.cache)
            .field("request_timeout", &self.parts.request_timeout)
            .field("read_timeout", &self.parts.read_timeout)
            .field("max_response_bytes", &self.parts.max_response_bytes)
            .field("limits", &self.parts.limits.settings)
            .field("interceptors", &self.parts.interceptors)
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) auth: Authenticator,
    /// The credentials' fingerprint (`Authenticator::principal`), part of every cache key.
    pub(crate) principal: u64,
    pub(crate) http: reqwest::Client,
}

impl Default for Runtime {
    fn default() -> Self {
        Self::new()
    }
}

/// Installs rustls' ring provider as the process default if none is installed yet (reqwest is
/// built without a provider of its own; see the workspace Cargo.toml). Idempotent. A program
/// that wants post-quantum key exchange installs aws-lc-rs' provider before building a client;
/// it is kept.
pub fn ensure_tls_provider() {
    // rustls 0.23.48 deprecates ring's provider for its lack of post-quantum key exchange. The
    // SDK keeps ring (no C toolchain or cmake to build, a shorter build) until rustls offers a
    // replacement that is not aws-lc-rs; callers can choose aws-lc-rs as above.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Runtime {
    fn assemble(auth: Authenticator, http: reqwest::Client, user_agent: Option<&str>) -> Self {
        Self::from_parts(Parts {
            shared: Arc::new(Shared {
                principal: auth.principal(),
                auth,
                http,
            }),
            headers: HeaderMap::new(),
            user_agent: headers::user_agent(user_agent),
            retry: Arc::new(DefaultRetryPolicy::default()),
            cache: None,
            request_timeout: None,
            read_timeout: Some(crate::config::DEFAULT_READ_TIMEOUT),
            max_response_bytes: crate::body::DEFAULT_MAX_RESPONSE_BYTES,
            limits: Arc::new(Limits::new(LimitSettings::default())),
            interceptors: Vec::new(),
        })
    }

    fn from_parts(parts: Parts) -> Self {
        Self { parts: Arc::new(parts) }
    }

    /// The settings to change: this clone's own copy of them (copied if another clone shares them).
    fn parts_mut(&mut self) -> &mut Parts {
        Arc::make_mut(&mut self.parts)
    }

    /// A runtime that sends requests without credentials (tests, or headers set by hand),
    /// with the default HTTP client settings (see [`Runtime::from_config`]).
    pub fn new() -> Self {
        ensure_tls_provider();
        Self::assemble(Authenticator::None, default_http_client(), None)
    }

    /// A runtime that authenticates with an Okta API token (`Authorization: SSWS <token>`),
    /// with the default HTTP client settings (see [`Runtime::from_config`]).
    pub fn with_api_token(token: &str) -> Result<Self, BuildError> {
        ensure_tls_provider();
        Ok(Self::assemble(
            Authenticator::fixed("SSWS", token)?,
            default_http_client(),
            None,
        ))
    }

    /// A runtime for a validated configuration, with an HTTP client built from it
    /// (connection timeout, proxy and credentials, rustls, and the redirect policy
    /// of [`crate::redirect_policy`]: nothing follows a redirect to another origin, and the
    /// token endpoint follows none).
    pub fn from_config(config: &Config) -> Result<Self, BuildError> {
        ensure_tls_provider();
        Self::from_config_with_client(config, http_client(config)?)
    }

    /// A runtime for a validated configuration that sends through the caller's HTTP client
    /// (custom TLS roots, proxies, middleware-free pools).
    ///
    /// The runtime applies the configuration's read timeout itself, but cannot change that
    /// client's redirect policy or connect timeout. Build it with
    /// `.redirect(okta_sdk::runtime::redirect_policy())` (or `Policy::none()`) and a
    /// `.connect_timeout(..)`: reqwest's default policy follows redirects to other origins with
    /// the request's custom headers and body (it drops only `Authorization` and cookies). An
    /// answer that arrives from another origin is still refused ([`Error::Redirect`](crate::Error::Redirect)), but
    /// the request has reached that origin by then.
    pub fn from_config_with_client(config: &Config, http: reqwest::Client) -> Result<Self, BuildError> {
        ensure_tls_provider();
        let auth = match &config.auth {
            AuthConfig::Ssws { token } => Authenticator::fixed("SSWS", token.expose())?,
            AuthConfig::Bearer { token } => Authenticator::fixed("Bearer", token.expose())?,
            AuthConfig::TokenProvider { provider } => {
                Authenticator::Tokens(Arc::new(ProvidedTokens::new(provider.clone())))
            }
            AuthConfig::PrivateKey {
                client_id,
                scopes,
                signer,
            } => Authenticator::Tokens(Arc::new(ProvidedTokens::private_key(PrivateKeyJwt::new(
                http.clone(),
                &config.org_url,
                client_id.clone(),
                scopes,
                signer.clone(),
                config.dpop,
                config.read_timeout,
            )?))),
        };
        let mut runtime = Self::assemble(auth, http, config.user_agent.as_deref());
        let parts = runtime.parts_mut();
        parts.retry = Arc::new(DefaultRetryPolicy::new(config.max_retries));
        parts.request_timeout = config.request_timeout;
        parts.read_timeout = config.read_timeout;
        parts.max_response_bytes = config.max_response_bytes;
        if config.cache.enabled {
            parts.cache = Some(Arc::new(MemoryCache::new(config.cache.ttl, config.cache.tti)));
        }
        Ok(runtime
            .with_rate_limit_share(config.rate_limit_share)
            .with_max_concurrent(config.max_concurrent))
    }

    /// Uses `policy` for every call of this client (a call's own options still win).
    pub fn with_retry_policy(mut self, policy: Arc<dyn RetryPolicy>) -> Self {
        self.parts_mut().retry = policy;
        self
    }

    /// Caches GET answers in `cache` (see [`crate::cache`]).
    pub fn with_cache(mut self, cache: Arc<dyn ResponseCache>) -> Self {
        self.parts_mut().cache = Some(cache);
        self
    }

    /// Adds an interceptor, called around every attempt of every call of this client, after
    /// those added before it (see [`crate::interceptor`]).
    pub fn with_interceptor(mut self, interceptor: Arc<dyn Interceptor>) -> Self {
        self.parts_mut().interceptors.push(interceptor);
        self
    }

    /// Turns the response cache off.
    pub fn without_cache(mut self) -> Self {
        self.parts_mut().cache = None;
        self
    }

    /// A time budget for each whole call, retries and waits included (`None`: no budget).
    pub fn with_request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.parts_mut().request_timeout = timeout;
        self
    }

    /// The longest wait for the next part of an answer, its head or a chunk of its body
    /// (default [`DEFAULT_READ_TIMEOUT`](crate::config::DEFAULT_READ_TIMEOUT)); a longer
    /// silence ends the attempt with [`Error::Stalled`](crate::Error::Stalled). `None` or zero:
    /// no limit. It holds with a caller's own HTTP client too.
    pub fn with_read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.parts_mut().read_timeout = timeout.filter(|t| !t.is_zero());
        self
    }

    /// The largest answer body a call reads, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES)); a larger one fails the
    /// call with [`Error::TooLarge`](crate::Error::TooLarge). Values below
    /// [`MIN_MAX_RESPONSE_BYTES`](crate::MIN_MAX_RESPONSE_BYTES) are raised to it.
    pub fn with_max_response_bytes(mut self, limit: u64) -> Self {
        self.parts_mut().max_response_bytes = limit.max(crate::body::MIN_MAX_RESPONSE_BYTES);
        self
    }

    /// Pacing (off by default): `true` uses up to the whole of each bucket's limit without a
    /// 429 (see [`crate::limits`]); `false` turns pacing off. Same as
    /// `with_rate_limit_share(Some(1.0))` / `(None)`.
    pub fn with_rate_limit_pacing(self, on: bool) -> Self {
        self.with_rate_limit_share(on.then_some(1.0))
    }

    /// Pacing: uses at most `share` (0.0 to 1.0) of each rate-limit bucket, leaving the rest
    /// to the org's other integrations; `None` turns pacing off (see [`crate::limits`]).
    pub fn with_rate_limit_share(self, share: Option<f64>) -> Self {
        self.with_limit_settings(|s| s.share = share.map(|x| if x.is_finite() { x.clamp(0.0, 1.0) } else { 1.0 }))
    }

    /// At most `max` attempts in flight across this client's clones (`None`: no limit; default
    /// [`crate::limits::DEFAULT_MAX_CONCURRENT`]).
    pub fn with_max_concurrent(self, max: Option<usize>) -> Self {
        self.with_limit_settings(|s| s.max_concurrent = max)
    }

    /// Keeps the pacing state in `store` (one shared by every process of a deployment).
    pub fn with_pacing_store(self, store: Arc<dyn PacingStore>) -> Self {
        self.with_limit_settings(|s| s.store = store)
    }

    /// Decides requests' buckets with `rule` instead of [`crate::limits::DefaultBuckets`].
    pub fn with_bucket_rule(self, rule: Arc<dyn BucketRule>) -> Self {
        self.with_limit_settings(|s| s.rule = rule)
    }

    /// Counts calls, waits and 429s per bucket even without pacing ([`Runtime::metrics`]).
    pub fn with_metrics(self, on: bool) -> Self {
        self.with_limit_settings(|s| s.metrics = on)
    }

    /// New limits from changed settings: the counts, the concurrency permits and the pacing
    /// state of a memory store start afresh for this runtime and the clones made from it.
    fn with_limit_settings(mut self, change: impl FnOnce(&mut LimitSettings)) -> Self {
        let mut settings = self.parts.limits.settings.clone();
        change(&mut settings);
        self.parts_mut().limits = Arc::new(Limits::new(settings));
        self
    }

    /// How this runtime treats rate limits.
    pub fn limit_settings(&self) -> &LimitSettings {
        &self.parts.limits.settings
    }

    /// What this runtime counted (see [`MetricsSnapshot`]).
    pub fn metrics(&self) -> MetricsSnapshot {
        self.parts
            .limits
            .metrics
            .snapshot(self.token_requests(), self.parts.limits.in_flight())
    }

    /// The pacing state of every bucket, as the store knows it.
    pub fn pacing_state(&self) -> Vec<crate::limits::BucketState> {
        self.parts.limits.settings.store.buckets()
    }

    /// The HTTP client the runtime built (or was given).
    pub fn http_client(&self) -> &reqwest::Client {
        &self.parts.shared.http
    }

    /// How many token requests this runtime has sent (0 unless it uses private-key auth).
    pub fn token_requests(&self) -> u64 {
        self.parts.shared.auth.token_requests()
    }

    /// Sets a custom header sent with every call of this client. The default headers
    /// (`User-Agent`, `Accept`, `Content-Type`) win over a custom header of the same name.
    pub fn set_header(&mut self, name: HeaderName, value: HeaderValue) {
        self.parts_mut().headers.insert(name, value);
    }

    /// A custom header's value.
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.parts.headers.get(name)
    }

    /// Removes a custom header; returns its value.
    pub fn remove_header(&mut self, name: &str) -> Option<HeaderValue> {
        self.parts_mut().headers.remove(name)
    }

    /// Removes every custom header.
    pub fn clear_headers(&mut self) {
        self.parts_mut().headers = HeaderMap::new();
    }

    /// The custom headers.
    pub fn custom_headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    /// The default headers: `User-Agent`, `Accept` and `Content-Type`.
    pub fn default_headers(&self) -> HeaderMap {
        headers::defaults(&self.parts.user_agent)
    }
}

/// The HTTP client the configuration asks for.
fn http_client(config: &Config) -> Result<reqwest::Client, BuildError> {
    let mut builder = client_builder(config.connection_timeout);
    if let Some(proxy) = &config.proxy {
        let mut p =
            reqwest::Proxy::all(format!("http://{}:{}", proxy.host, proxy.port)).map_err(BuildError::HttpClient)?;
        if let Some((user, password)) = &proxy.credentials {
            p = p.basic_auth(user, password.expose());
        }
        builder = builder.proxy(p);
    }
    builder.build().map_err(BuildError::HttpClient)
}

/// The HTTP client of a runtime built without a configuration: the configuration's defaults.
fn default_http_client() -> reqwest::Client {
    client_builder(Duration::from_secs(30))
        .build()
        // Building fails only for settings this builder does not use (TLS roots, proxies);
        // `reqwest::Client::default()` is what `Runtime::new` always used.
        .unwrap_or_default()
}

/// What every HTTP client the runtime builds has. No read timeout: the runtime applies its
/// own (`stall`), whatever client it sends through.
fn client_builder(connect: Duration) -> reqwest::ClientBuilder {
    // reqwest's own retry layer is off: the runtime's retry policy decides every retry, so
    // attempts are counted once (`X-Okta-Retry-Count`, the time budget, the policy's limits)
    // and no request is copied for a second retry layer.
    reqwest::Client::builder()
        .connect_timeout(connect)
        .redirect(crate::guard::redirect_policy())
        .retry(reqwest::retry::never().max_retries_per_request(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clone_is_one_count_and_a_change_copies_only_the_settings() {
        let mut changed = Runtime::with_api_token("00aBcD-example")
            .expect("token")
            .with_metrics(true);
        let other = changed.clone();
        assert!(Arc::ptr_eq(&changed.parts, &other.parts), "a clone shares everything");
        changed.set_header(HeaderName::from_static("x-tenant"), HeaderValue::from_static("a"));
        changed = changed.with_request_timeout(Some(Duration::from_secs(5)));
        assert_eq!(changed.header("x-tenant").map(|v| v.as_bytes()), Some(&b"a"[..]));
        assert!(
            other.header("x-tenant").is_none(),
            "the other clone keeps its own headers"
        );
        assert_eq!(other.parts.request_timeout, None, "and its own time budget");
        assert!(!Arc::ptr_eq(&changed.parts, &other.parts));
        // What clones must share stays shared: credentials, token cache and HTTP client; the
        // concurrency permits and counters.
        assert!(Arc::ptr_eq(&changed.parts.shared, &other.parts.shared));
        assert!(Arc::ptr_eq(&changed.parts.limits, &other.parts.limits));
    }
}
