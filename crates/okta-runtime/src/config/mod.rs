//! Configuration: the sources Okta's SDKs document, merged with figment, then validated.
//!
//! Sources, later ones winning:
//! 1. built-in defaults;
//! 2. `~/.okta/okta.yaml` (`%USERPROFILE%\.okta\okta.yaml` on Windows);
//! 3. `okta.yaml` in the working directory;
//! 4. environment variables (`OKTA_CLIENT_ORGURL`, `OKTA_CLIENT_TOKEN`, ..., see [`keys`]);
//! 5. values set in code with [`ConfigBuilder`].
//!
//! ```yaml
//! okta:
//!   client:
//!     orgUrl: https://dev-123456.okta.com
//!     authorizationMode: SSWS          # or Bearer, or PrivateKey
//!     token: 00aBcD...                 # SSWS API token (or the access token for Bearer)
//!     clientId: 0oa1b2c3d4             # PrivateKey only
//!     scopes: [okta.users.read, okta.groups.read]
//!     privateKey: /path/to/key.pem     # PEM (PKCS#1/PKCS#8/SEC1), JWK JSON, or a path to either
//!     kid: my-key-id
//!     dpop: false                      # also switched on when Okta demands DPoP
//!     connectionTimeout: 30            # seconds (fractions too: 0.5); more than 0
//!     requestTimeout: 0                # seconds for the whole call, retries included; 0 = none
//!     readTimeout: 60                  # seconds the server may send nothing; 0 = no limit
//!     maxResponseBytes: 67108864       # the largest answer body read (64 MiB); at least 1024
//!     rateLimit: { maxRetries: 2 }
//!     cache: { enabled: false, defaultTtl: 300, defaultTti: 300 }
//!     proxy: { host: proxy.local, port: 3128, username: u, password: p }
//! ```
//!
//! ```
//! use okta_sdk::runtime::{Config, ConfigProblem, ConfigSource};
//!
//! let err = Config::builder()
//!     .code_only()
//!     .org_url("http://dev-1.okta.com")
//!     .api_token("00abc")
//!     .build()
//!     .unwrap_err();
//! assert_eq!(err.key.unwrap().path, "okta.client.orgUrl");
//! assert_eq!(err.source_, ConfigSource::Code);
//! assert!(matches!(err.problem, ConfigProblem::NotHttps(_)));
//! ```

mod error;
mod raw;
mod source;
mod validate;

pub use error::{ConfigError, ConfigProblem};
pub use source::{ConfigSource, Key};
pub use validate::DEFAULT_READ_TIMEOUT;

/// Every documented configuration key, with its YAML path and environment variable.
pub mod keys {
    pub use super::source::*;
}

use crate::auth::AssertionSigner;
use crate::secret::Secret;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Yaml};
use raw::Raw;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How the client authenticates.
#[derive(Clone)]
#[non_exhaustive]
pub enum AuthConfig {
    /// `Authorization: SSWS <token>` with an API token.
    Ssws {
        /// The API token.
        token: Secret,
    },
    /// `Authorization: Bearer <token>` with an access token the caller already has.
    Bearer {
        /// The access token.
        token: Secret,
    },
    /// OAuth 2.0 client credentials with a `private_key_jwt` client assertion.
    PrivateKey {
        /// The service app's client id.
        client_id: String,
        /// The scopes to request.
        scopes: Vec<String>,
        /// Signs client assertions (a parsed private key, or a custom signer).
        signer: Arc<dyn AssertionSigner>,
    },
    /// `Authorization: Bearer <token>` with tokens from the caller's provider (set in code
    /// only, with [`ConfigBuilder::token_provider`]).
    TokenProvider {
        /// The provider.
        provider: Arc<dyn crate::auth::TokenProvider>,
    },
}

impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Ssws { token } => f.debug_struct("Ssws").field("token", token).finish(),
            Self::Bearer { token } => f.debug_struct("Bearer").field("token", token).finish(),
            Self::PrivateKey {
                client_id,
                scopes,
                signer,
            } => f
                .debug_struct("PrivateKey")
                .field("client_id", client_id)
                .field("scopes", scopes)
                .field("signer", signer)
                .finish(),
            Self::TokenProvider { provider } => f.debug_struct("TokenProvider").field("provider", provider).finish(),
        }
    }
}

/// Response cache settings (off by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheConfig {
    /// Whether GET responses are cached.
    pub enabled: bool,
    /// Time to live of an entry.
    pub ttl: Duration,
    /// Time to idle: an entry not read for this long is dropped.
    pub tti: Duration,
}

/// An HTTP proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyConfig {
    /// Host name or address.
    pub host: String,
    /// Port (1..=65535).
    pub port: u16,
    /// Username and password, both or neither.
    pub credentials: Option<(String, Secret)>,
}

/// Logging settings as Okta's YAML carries them (the SDK logs through `tracing`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoggingConfig {
    /// Whether logging was asked for.
    pub enabled: bool,
    /// The level asked for, if any.
    pub level: Option<String>,
}

/// A validated configuration. Build one with [`Config::from_env`] or [`Config::builder`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The org URL, e.g. `https://dev-123456.okta.com` (no trailing slash).
    pub org_url: reqwest::Url,
    /// How requests are authenticated.
    pub auth: AuthConfig,
    /// Whether DPoP is on from the start (it is also switched on when Okta demands it).
    pub dpop: bool,
    /// Extra text appended to the `User-Agent` header.
    pub user_agent: Option<String>,
    /// Connection timeout.
    pub connection_timeout: Duration,
    /// Budget for a whole call, retries and waits included; `None` means no limit.
    pub request_timeout: Option<Duration>,
    /// How long the server may send nothing while a request or its answer is under way
    /// (default 60 s, [`DEFAULT_READ_TIMEOUT`]); `None` means no limit.
    pub read_timeout: Option<Duration>,
    /// The largest answer body a call reads, in bytes (`maxResponseBytes`, default 64 MiB,
    /// [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES)): a server cannot make a
    /// call hold more memory than this. A larger answer is [`Error::TooLarge`](crate::Error::TooLarge).
    pub max_response_bytes: u64,
    /// How many times a rate-limited or failed request is retried (0 disables retries).
    pub max_retries: u32,
    /// The share of each rate-limit bucket this client uses (pacing), from
    /// `rateLimit.sharePercent` (1 to 100); `None`: no pacing (see [`crate::limits`]).
    pub rate_limit_share: Option<f64>,
    /// Attempts in flight at most, from `rateLimit.maxConcurrent` (0: no limit; default
    /// [`crate::limits::DEFAULT_MAX_CONCURRENT`]).
    pub max_concurrent: Option<usize>,
    /// Response cache.
    pub cache: CacheConfig,
    /// HTTP proxy.
    pub proxy: Option<ProxyConfig>,
    /// Logging settings.
    pub logging: LoggingConfig,
    /// `okta.testing.disableHttpsCheck`: allow `http://` org URLs (local testing only).
    pub disable_https_check: bool,
}

impl Config {
    /// Loads the configuration from every source: defaults, `~/.okta/okta.yaml`,
    /// `./okta.yaml` and the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        ConfigBuilder::new().build()
    }

    /// The org URL without a trailing slash: the base URL generated clients take.
    pub fn base_url(&self) -> &str {
        self.org_url.as_str().trim_end_matches('/')
    }

    /// A builder whose values win over every other source.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::new()
    }
}

/// Sets configuration values in code (the last, winning source) and builds a [`Config`].
#[derive(Clone)]
pub struct ConfigBuilder {
    raw: Raw,
    files: bool,
    env: bool,
    home_dir: Option<PathBuf>,
    working_dir: Option<PathBuf>,
    signer: Option<Arc<dyn AssertionSigner>>,
    provider: Option<Arc<dyn crate::auth::TokenProvider>>,
}

impl std::fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = &self.raw.okta.client;
        f.debug_struct("ConfigBuilder")
            .field("org_url", &c.org_url.as_deref().map(validate::redact_url))
            .field("authorization_mode", &c.authorization_mode)
            .field("client_id", &c.client_id)
            .field("token", &c.token.as_ref().map(|_| "***"))
            .field("private_key", &c.private_key.as_ref().map(|_| "***"))
            .field("proxy_password", &c.proxy.password.as_ref().map(|_| "***"))
            .field("signer", &self.signer)
            .field("token_provider", &self.provider)
            .field("files", &self.files)
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

impl Default for ConfigBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ConfigBuilder {
    /// A builder over all sources (files and environment included).
    pub fn new() -> Self {
        Self {
            raw: Raw::default(),
            files: true,
            env: true,
            home_dir: None,
            working_dir: None,
            signer: None,
            provider: None,
        }
    }

    /// Ignore `okta.yaml` files and the environment: only defaults and values set in code.
    pub fn code_only(mut self) -> Self {
        self.files = false;
        self.env = false;
        self
    }

    /// Read `.okta/okta.yaml` under this directory instead of the user's home directory.
    pub fn home_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.home_dir = Some(dir.into());
        self
    }

    /// Read `okta.yaml` from this directory instead of the current working directory.
    pub fn working_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.working_dir = Some(dir.into());
        self
    }

    /// The org URL, e.g. `https://dev-123456.okta.com`.
    pub fn org_url(mut self, url: impl Into<String>) -> Self {
        self.raw.okta.client.org_url = Some(url.into());
        self
    }

    /// Authenticate with an API token (`SSWS` mode).
    pub fn api_token(mut self, token: impl Into<String>) -> Self {
        self.raw.okta.client.token = Some(token.into());
        self.raw.okta.client.authorization_mode = Some("SSWS".into());
        self
    }

    /// Authenticate with an access token you already have (`Bearer` mode).
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.raw.okta.client.token = Some(token.into());
        self.raw.okta.client.authorization_mode = Some("Bearer".into());
        self
    }

    /// Authenticate as a service app with a private key (`PrivateKey` mode): PEM (PKCS#1,
    /// PKCS#8 or SEC1; RSA of 2048 bits or more, or EC on P-256 / P-384), a JWK as JSON, or a
    /// path to a file holding either.
    pub fn private_key(mut self, client_id: impl Into<String>, key: impl Into<String>) -> Self {
        self.raw.okta.client.client_id = Some(client_id.into());
        self.raw.okta.client.private_key = Some(key.into());
        self.raw.okta.client.authorization_mode = Some("PrivateKey".into());
        self
    }

    /// Authenticate as a service app whose assertions a custom signer (KMS, HSM) signs.
    pub fn signer(mut self, client_id: impl Into<String>, signer: Arc<dyn AssertionSigner>) -> Self {
        self.raw.okta.client.client_id = Some(client_id.into());
        self.raw.okta.client.authorization_mode = Some("PrivateKey".into());
        self.signer = Some(signer);
        self
    }

    /// Authenticate with bearer tokens from `provider` (a vault, a sidecar), asked again when
    /// a token is older than its `max_age` or the org refuses it. Wins over the
    /// `authorizationMode` of every source: no token or key is needed in files or variables.
    pub fn token_provider(mut self, provider: Arc<dyn crate::auth::TokenProvider>) -> Self {
        self.provider = Some(provider);
        self
    }

    /// The scopes to request in `PrivateKey` mode.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.raw.okta.client.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// The key id (`kid`) to put in client assertions.
    pub fn kid(mut self, kid: impl Into<String>) -> Self {
        self.raw.okta.client.kid = Some(kid.into());
        self
    }

    /// Turn DPoP on from the start.
    pub fn dpop(mut self, on: bool) -> Self {
        self.raw.okta.client.dpop = Some(on);
        self
    }

    /// Extra text appended to the `User-Agent` header.
    pub fn user_agent(mut self, extra: impl Into<String>) -> Self {
        self.raw.okta.client.user_agent = Some(extra.into());
        self
    }

    /// Connection timeout (exact; more than zero, at most a year).
    pub fn connection_timeout(mut self, timeout: Duration) -> Self {
        self.raw.okta.client.connection_timeout = Some(validate::exact_seconds(timeout));
        self
    }

    /// Budget for a whole call including retries (exact; zero means none; at most a year).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.raw.okta.client.request_timeout = Some(validate::exact_seconds(timeout));
        self
    }

    /// How long the server may send nothing before the attempt fails (exact; zero means no
    /// limit; default [`DEFAULT_READ_TIMEOUT`]).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.raw.okta.client.read_timeout = Some(validate::exact_seconds(timeout));
        self
    }

    /// The largest answer body a call reads, in bytes (at least 1024; default 64 MiB).
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.raw.okta.client.max_response_bytes = Some(limit.into());
        self
    }

    /// How many times to retry a rate-limited or failed request.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.raw.okta.client.rate_limit.max_retries = Some(retries.into());
        self
    }

    /// Pacing: use at most `percent` (1 to 100) of each rate-limit bucket
    /// (`rateLimit.sharePercent`; see [`crate::limits`]).
    pub fn rate_limit_share_percent(mut self, percent: u8) -> Self {
        self.raw.okta.client.rate_limit.share_percent = Some(percent.into());
        self
    }

    /// Forgets a share set in code before (files and variables still apply).
    pub fn without_rate_limit_share(mut self) -> Self {
        self.raw.okta.client.rate_limit.share_percent = None;
        self
    }

    /// At most `max` attempts in flight (`rateLimit.maxConcurrent`; 0: no limit).
    pub fn max_concurrent(mut self, max: usize) -> Self {
        self.raw.okta.client.rate_limit.max_concurrent = Some(max as i128);
        self
    }

    /// Turn the response cache on or off, with its TTL and TTI.
    pub fn cache(mut self, enabled: bool, ttl: Duration, tti: Duration) -> Self {
        self.raw.okta.client.cache.enabled = Some(enabled);
        self.raw.okta.client.cache.default_ttl = Some(validate::exact_seconds(ttl));
        self.raw.okta.client.cache.default_tti = Some(validate::exact_seconds(tti));
        self
    }

    /// An HTTP proxy, with optional credentials.
    pub fn proxy(mut self, host: impl Into<String>, port: u16, credentials: Option<(String, String)>) -> Self {
        let proxy = &mut self.raw.okta.client.proxy;
        proxy.host = Some(host.into());
        proxy.port = Some(port.into());
        if let Some((u, p)) = credentials {
            proxy.username = Some(u);
            proxy.password = Some(p);
        }
        self
    }

    /// Allow `http://` org URLs (for local fakes and tests only).
    pub fn disable_https_check(mut self, disable: bool) -> Self {
        self.raw.okta.testing.disable_https_check = Some(disable);
        self
    }

    /// Merges the sources and validates the result.
    pub fn build(self) -> Result<Config, ConfigError> {
        let figment = self.figment()?;
        let raw: Raw = figment.extract().map_err(|e| validate::extract_error(&figment, e))?;
        validate::validate(raw, &figment, self.signer, self.provider)
    }

    fn figment(&self) -> Result<Figment, ConfigError> {
        let mut figment = Figment::new();
        if self.files {
            let home = self.home_dir.clone().or_else(std::env::home_dir);
            let cwd = self.working_dir.clone().or_else(|| std::env::current_dir().ok());
            let files = [
                home.map(|h| h.join(".okta").join("okta.yaml")),
                cwd.map(|c| c.join("okta.yaml")),
            ];
            for file in files.into_iter().flatten() {
                // A missing file is simply not a source; an unreadable or invalid one is an error.
                if file.exists() {
                    check_yaml(&file)?;
                    figment = figment.merge(Yaml::file_exact(file));
                }
            }
        }
        if self.env {
            let env = Env::raw()
                .filter_map(|name| {
                    keys::ALL
                        .iter()
                        .find(|k| k.env.eq_ignore_ascii_case(name.as_str()))
                        .map(|k| k.path.into())
                })
                .lowercase(false);
            figment = figment.merge(env);
        }
        Ok(figment.merge(Serialized::globals(&self.raw)))
    }
}

/// Fails with the file, line and column when `file` is not YAML at all (figment would report
/// it without a position, against no key). The parser's message never quotes a value.
fn check_yaml(file: &std::path::Path) -> Result<(), ConfigError> {
    let fail = |problem| ConfigError {
        key: None,
        source_: ConfigSource::File(file.to_path_buf()),
        problem,
    };
    let text =
        std::fs::read_to_string(file).map_err(|e| fail(ConfigProblem::BadFile(format!("cannot be read: {e}"))))?;
    match serde_yaml::from_str::<serde_yaml::Value>(&text) {
        Ok(_) => Ok(()),
        Err(e) => {
            let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            // serde_yaml appends " at line L column C" itself; the position is in the fields.
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message).to_string();
            Err(fail(ConfigProblem::Syntax { line, column, message }))
        }
    }
}
