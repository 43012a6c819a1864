//! Configuration errors: what is wrong, with which key, and where the value came from.

use super::source::{ConfigSource, Key};

/// A configuration value is missing or invalid.
///
/// The message names the key (`okta.client.orgUrl`) and its source (a file path, an
/// environment variable, code, or the default). It never contains a secret value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe(self))]
pub struct ConfigError {
    /// The key at fault; `None` when a configuration file as a whole does not parse.
    pub key: Option<Key>,
    /// Where its value came from.
    pub source_: ConfigSource,
    /// What is wrong.
    pub problem: ConfigProblem,
}

fn describe(e: &ConfigError) -> String {
    match e.key {
        Some(key) => format!("configuration key `{}` (from {}): {}", key.path, e.source_, e.problem),
        None => format!("configuration {}: {}", e.source_, e.problem),
    }
}

/// What is wrong with a configuration value. Match on it instead of parsing messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigProblem {
    /// Required and not set by any source.
    #[error("is required but not set (set it in okta.yaml, the environment variable `{0}`, or in code)")]
    Missing(&'static str),
    /// Still holds the placeholder from Okta's documentation.
    #[error("still holds the placeholder `{0}`; replace it with your own value")]
    Placeholder(&'static str),
    /// The org URL does not use https.
    #[error("`{0}` must start with https:// (set okta.testing.disableHttpsCheck only for local testing)")]
    NotHttps(String),
    /// The org URL is an admin domain.
    #[error("`{0}` is an admin domain; use the org URL without `-admin`")]
    AdminDomain(String),
    /// The org URL ends in `.com.com`.
    #[error("`{0}` contains `.com.com`")]
    DoubleCom(String),
    /// The org URL contains more than one `://`.
    #[error("`{0}` contains `://` more than once")]
    MultipleSchemes(String),
    /// The org URL does not parse.
    #[error("`{0}` is not a valid URL")]
    InvalidUrl(String),
    /// Unknown authorization mode.
    #[error("`{0}` is not an authorization mode (expected SSWS, Bearer or PrivateKey)")]
    UnknownMode(String),
    /// PrivateKey mode without scopes.
    #[error("is empty; private-key authentication needs at least one scope, e.g. okta.users.read")]
    NoScopes,
    /// The private key does not parse (the reason never includes key material).
    #[error("does not hold a usable private key: {0}")]
    BadKey(String),
    /// A number out of range.
    #[error("{0} is out of range ({1})")]
    OutOfRange(i128, &'static str),
    /// One proxy credential without the other.
    #[error("is set without `{0}`; a proxy needs both username and password, or neither")]
    HalfProxyCredentials(&'static str),
    /// A value of the wrong type (the value itself is only shown for non-secret keys).
    #[error("has the wrong type: {0}")]
    WrongType(String),
    /// A value that cannot go into an HTTP header.
    #[error("contains characters that cannot be sent in an HTTP header")]
    NotAHeaderValue,
    /// A configuration file that could not be read or parsed.
    #[error("{0}")]
    BadFile(String),
    /// A configuration file is not valid YAML: where, and what the parser said.
    #[error("is not valid YAML at line {line}, column {column}: {message}")]
    Syntax {
        /// The line (from 1).
        line: usize,
        /// The column (from 1).
        column: usize,
        /// The parser's message (it never quotes the file's values).
        message: String,
    },
    /// The org URL has more than an origin (scheme, host and port); any user name and
    /// password in it are shown as `***`.
    #[error("`{0}` must be an origin only (scheme, host and optional port), but it has a {1}")]
    NotAnOrigin(String, &'static str),
    /// A duration that is not a number of seconds, or out of range.
    #[error("`{0}` is not a usable duration: {1}")]
    BadDuration(String, &'static str),
}
