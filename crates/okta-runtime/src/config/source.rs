//! Where a configuration value came from, and the keys Okta's SDKs document.

use std::fmt;
use std::path::PathBuf;

/// The source of one configuration value, named in every configuration error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// The built-in default.
    Default,
    /// A YAML file (`~/.okta/okta.yaml` or `./okta.yaml`).
    File(PathBuf),
    /// An environment variable.
    Env(&'static str),
    /// A value set in code through [`crate::ConfigBuilder`].
    Code,
}

impl fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Default => f.write_str("the built-in default"),
            Self::File(p) => write!(f, "file {}", p.display()),
            Self::Env(v) => write!(f, "environment variable {v}"),
            Self::Code => f.write_str("code (ConfigBuilder)"),
        }
    }
}

/// A documented configuration key: its YAML path and its environment variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// Dotted YAML path, e.g. `okta.client.orgUrl`.
    pub path: &'static str,
    /// Environment variable, e.g. `OKTA_CLIENT_ORGURL`.
    pub env: &'static str,
    /// Whether the value is a secret (never echoed).
    pub secret: bool,
}

macro_rules! keys {
    ($($name:ident = $path:literal, $env:literal, $secret:literal;)*) => {
        $(
            #[doc = concat!("`", $path, "` (`", $env, "`)")]
            pub const $name: Key = Key { path: $path, env: $env, secret: $secret };
        )*
        /// Every documented key.
        pub const ALL: &[Key] = &[$($name),*];
    };
}

keys! {
    ORG_URL = "okta.client.orgUrl", "OKTA_CLIENT_ORGURL", false;
    TOKEN = "okta.client.token", "OKTA_CLIENT_TOKEN", true;
    AUTHORIZATION_MODE = "okta.client.authorizationMode", "OKTA_CLIENT_AUTHORIZATIONMODE", false;
    CLIENT_ID = "okta.client.clientId", "OKTA_CLIENT_CLIENTID", false;
    SCOPES = "okta.client.scopes", "OKTA_CLIENT_SCOPES", false;
    PRIVATE_KEY = "okta.client.privateKey", "OKTA_CLIENT_PRIVATEKEY", true;
    KID = "okta.client.kid", "OKTA_CLIENT_KID", false;
    DPOP = "okta.client.dpop", "OKTA_CLIENT_DPOP", false;
    USER_AGENT = "okta.client.userAgent", "OKTA_CLIENT_USERAGENT", false;
    CONNECTION_TIMEOUT = "okta.client.connectionTimeout", "OKTA_CLIENT_CONNECTIONTIMEOUT", false;
    REQUEST_TIMEOUT = "okta.client.requestTimeout", "OKTA_CLIENT_REQUESTTIMEOUT", false;
    READ_TIMEOUT = "okta.client.readTimeout", "OKTA_CLIENT_READTIMEOUT", false;
    MAX_RESPONSE_BYTES = "okta.client.maxResponseBytes", "OKTA_CLIENT_MAXRESPONSEBYTES", false;
    CACHE_ENABLED = "okta.client.cache.enabled", "OKTA_CLIENT_CACHE_ENABLED", false;
    CACHE_TTL = "okta.client.cache.defaultTtl", "OKTA_CLIENT_CACHE_DEFAULTTTL", false;
    CACHE_TTI = "okta.client.cache.defaultTti", "OKTA_CLIENT_CACHE_DEFAULTTTI", false;
    PROXY_HOST = "okta.client.proxy.host", "OKTA_CLIENT_PROXY_HOST", false;
    PROXY_PORT = "okta.client.proxy.port", "OKTA_CLIENT_PROXY_PORT", false;
    PROXY_USERNAME = "okta.client.proxy.username", "OKTA_CLIENT_PROXY_USERNAME", false;
    PROXY_PASSWORD = "okta.client.proxy.password", "OKTA_CLIENT_PROXY_PASSWORD", true;
    MAX_RETRIES = "okta.client.rateLimit.maxRetries", "OKTA_CLIENT_RATELIMIT_MAXRETRIES", false;
    SHARE_PERCENT = "okta.client.rateLimit.sharePercent", "OKTA_CLIENT_RATELIMIT_SHAREPERCENT", false;
    MAX_CONCURRENT = "okta.client.rateLimit.maxConcurrent", "OKTA_CLIENT_RATELIMIT_MAXCONCURRENT", false;
    LOGGING_ENABLED = "okta.client.logging.enabled", "OKTA_CLIENT_LOGGING_ENABLED", false;
    LOG_LEVEL = "okta.client.logging.logLevel", "OKTA_CLIENT_LOGGING_LOGLEVEL", false;
    DISABLE_HTTPS_CHECK = "okta.testing.disableHttpsCheck", "OKTA_TESTING_TESTINGDISABLEHTTPSCHECK", false;
}

/// The key with this YAML path or environment variable name (case-insensitive for variables).
pub fn find(path_or_env: &str) -> Option<Key> {
    ALL.iter()
        .copied()
        .find(|k| k.path == path_or_env || k.env.eq_ignore_ascii_case(path_or_env))
}
