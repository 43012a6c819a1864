//! `Client::from_env()` and `Client::builder()`: a client from configuration in one call.

use crate::Client;
use okta_runtime::limits::{BucketRule, PacingStore};
use okta_runtime::{
    AssertionSigner, BuildError, Config, ConfigBuilder, Interceptor, ResponseCache, RetryPolicy, Runtime, TokenProvider,
};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

impl Client {
    /// A client from every configuration source Okta's SDKs read: `~/.okta/okta.yaml`,
    /// `./okta.yaml` and the `OKTA_CLIENT_*` variables. Bad input is a [`BuildError::Config`] that
    /// names the key and where its value came from.
    ///
    /// ```no_run
    /// # fn run() -> Result<(), okta_sdk::BuildError> {
    /// let client = okta_sdk::Client::from_env()?;
    /// # Ok(()) }
    /// ```
    pub fn from_env() -> Result<Self, BuildError> {
        Self::builder().build()
    }

    /// A client configured in code. Values set here win over the files and the environment,
    /// which are still read unless [`ClientBuilder::code_only`] is called.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let client = okta_sdk::Client::builder()
    ///     .code_only()
    ///     .org_url("https://dev-123456.okta.com")
    ///     .api_token("00aBcD-example")
    ///     .request_timeout(Duration::from_secs(30))
    ///     .user_agent("my-app/1.0")
    ///     .build()
    ///     .expect("valid configuration");
    /// assert!(client.default_headers()["user-agent"].to_str().unwrap().ends_with("my-app/1.0"));
    ///
    /// let err = okta_sdk::Client::builder()
    ///     .code_only()
    ///     .org_url("http://dev-123456.okta.com")
    ///     .api_token("00aBcD-example")
    ///     .build()
    ///     .unwrap_err();
    /// let okta_sdk::BuildError::Config(config) = err else { panic!("a config error") };
    /// assert_eq!(config.key.unwrap().path, "okta.client.orgUrl");
    /// ```
    pub fn builder() -> ClientBuilder {
        // Before any `reqwest::Client` the caller builds for `http_client`: reqwest is built
        // without a TLS provider of its own (see the workspace Cargo.toml).
        okta_runtime::ensure_tls_provider();
        ClientBuilder::default()
    }
}

/// Builds a [`Client`]: the configuration keys, plus what only code can give (a retry
/// policy, a cache implementation, your own `reqwest::Client`).
#[derive(Debug, Default)]
pub struct ClientBuilder {
    config: ConfigBuilder,
    retry: Option<Arc<dyn RetryPolicy>>,
    cache: Option<Arc<dyn ResponseCache>>,
    http: Option<reqwest::Client>,
    pacing_store: Option<Arc<dyn PacingStore>>,
    bucket_rule: Option<Arc<dyn BucketRule>>,
    metrics: bool,
    interceptors: Vec<Arc<dyn Interceptor>>,
}

/// Setters that hand their value to [`ConfigBuilder`] unchanged.
macro_rules! config_setters {
    ($( $(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*); )*) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, $($arg: $ty),*) -> Self {
                self.config = self.config.$name($($arg),*);
                self
            }
        )*
    };
}

impl ClientBuilder {
    config_setters! {
        /// Ignore `okta.yaml` files and the environment: only defaults and values set here.
        code_only();
        /// Read `.okta/okta.yaml` under this directory instead of the home directory.
        home_dir(dir: impl Into<PathBuf>);
        /// Read `okta.yaml` in this directory instead of the working directory.
        working_dir(dir: impl Into<PathBuf>);
        /// The org URL, e.g. `https://dev-123456.okta.com`.
        org_url(url: impl Into<String>);
        /// Authenticate with an API token (`SSWS`).
        api_token(token: impl Into<String>);
        /// Authenticate with an access token you already have (`Bearer`).
        bearer_token(token: impl Into<String>);
        /// Authenticate as a service app with a private key (PEM, JWK, or a path to either).
        private_key(client_id: impl Into<String>, key: impl Into<String>);
        /// Authenticate as a service app whose assertions a custom signer (KMS, HSM) signs.
        signer(client_id: impl Into<String>, signer: Arc<dyn AssertionSigner>);
        /// The key id (`kid`) of the private key.
        kid(kid: impl Into<String>);
        /// DPoP from the start (it also switches on when Okta demands it).
        dpop(on: bool);
        /// Extra text after the SDK's `User-Agent`.
        user_agent(extra: impl Into<String>);
        /// Connection timeout.
        connection_timeout(timeout: Duration);
        /// Budget for a whole call, retries and waits included.
        request_timeout(timeout: Duration);
        /// How long the server may send nothing before an attempt fails (default 60 s; zero: no limit).
        read_timeout(timeout: Duration);
        /// The largest answer body a call reads, in bytes (at least 1024; default 64 MiB); a
        /// larger answer fails the call with `Error::TooLarge` instead of filling memory.
        max_response_bytes(limit: u64);
        /// Retries of rate-limited or failed requests (0 disables).
        max_retries(retries: u32);
        /// Pacing: use at most this percent (1 to 100) of each rate-limit bucket, leaving the
        /// rest to the org's other integrations ([`okta_sdk::limits`](okta_runtime::limits)).
        rate_limit_share_percent(percent: u8);
        /// At most this many requests in flight at once (0: no limit; default 10).
        max_concurrent(max: usize);
        /// The in-memory response cache, with its TTL and TTI.
        cache(enabled: bool, ttl: Duration, tti: Duration);
        /// An HTTP proxy, with optional credentials.
        proxy(host: impl Into<String>, port: u16, credentials: Option<(String, String)>);
        /// Allow `http://` org URLs (local test servers only).
        disable_https_check(disable: bool);
    }

    /// The scopes to request with a private key.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.config = self.config.scopes(scopes);
        self
    }

    /// The retry policy for every call (default: Okta's, with `max_retries`).
    pub fn retry_policy(mut self, policy: Arc<dyn RetryPolicy>) -> Self {
        self.retry = Some(policy);
        self
    }

    /// A response cache implementation (turns caching on).
    pub fn response_cache(mut self, cache: Arc<dyn ResponseCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Send through this `reqwest::Client` (custom TLS roots, proxies) instead of one built
    /// from the configuration. `Client::builder()` installs rustls' ring provider first, so a
    /// `reqwest::Client` built after it works even when reqwest has no provider of its own
    /// (elsewhere, call `okta_sdk::runtime::ensure_tls_provider()` before building one).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Pacing with the whole of each bucket's limit (`true`; the same as
    /// `rate_limit_share_percent(100)`); `false` forgets a share set in code before (a
    /// `rateLimit.sharePercent` in files or variables still applies).
    pub fn rate_limit_pacing(mut self, on: bool) -> Self {
        self.config = match on {
            true => self.config.rate_limit_share_percent(100),
            false => self.config.without_rate_limit_share(),
        };
        self
    }

    /// Keeps the pacing state in `store`, one every process of a deployment can share
    /// ([`okta_sdk::limits::PacingStore`](okta_runtime::limits::PacingStore)).
    pub fn pacing_store(mut self, store: Arc<dyn PacingStore>) -> Self {
        self.pacing_store = Some(store);
        self
    }

    /// Decides each request's rate-limit bucket with `rule`.
    pub fn bucket_rule(mut self, rule: Arc<dyn BucketRule>) -> Self {
        self.bucket_rule = Some(rule);
        self
    }

    /// Counts calls, waits and 429s per bucket even without pacing (`client.metrics()`).
    pub fn metrics(mut self, on: bool) -> Self {
        self.metrics = on;
        self
    }

    /// Authenticate with bearer tokens from `provider` (a vault, a sidecar), renewed without
    /// rebuilding the client; no token or key is needed in files or variables.
    pub fn token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.config = self.config.token_provider(provider);
        self
    }

    /// Adds an interceptor, called around every attempt of every call
    /// ([`okta_sdk::runtime::interceptor`](okta_runtime::interceptor)).
    pub fn interceptor(mut self, interceptor: Arc<dyn Interceptor>) -> Self {
        self.interceptors.push(interceptor);
        self
    }

    /// Validates the configuration and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let config: Config = self.config.build()?;
        let mut runtime = match self.http {
            Some(http) => Runtime::from_config_with_client(&config, http)?,
            None => Runtime::from_config(&config)?,
        };
        if let Some(policy) = self.retry {
            runtime = runtime.with_retry_policy(policy);
        }
        if let Some(cache) = self.cache {
            runtime = runtime.with_cache(cache);
        }
        if let Some(store) = self.pacing_store {
            runtime = runtime.with_pacing_store(store);
        }
        if let Some(rule) = self.bucket_rule {
            runtime = runtime.with_bucket_rule(rule);
        }
        if self.metrics {
            runtime = runtime.with_metrics(true);
        }
        for interceptor in self.interceptors {
            runtime = runtime.with_interceptor(interceptor);
        }
        Ok(Client::with_runtime(config.base_url(), runtime))
    }
}
