//! The one error type every call returns, and the one building a client returns.
//!
//! [`Error`] is non-generic and holds only what a call can produce: match on its variants (or
//! on [`Error::kind`]) to tell a token-endpoint refusal from a transport failure, a spent time
//! budget, an API error answer from Okta or a body that did not decode. What only building a
//! client can produce (a bad configuration, an HTTP client that cannot be built, a credential
//! that cannot be a header) is a [`BuildError`].

use crate::auth::AuthError;
use crate::config::ConfigError;
use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::fmt;
use std::time::Duration;

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The configuration is invalid (names the key and where it came from).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The HTTP client could not be built from the configuration.
    #[error("the HTTP client could not be built: {0}")]
    HttpClient(#[source] reqwest::Error),
    /// A credential cannot be used (it cannot be sent in an HTTP header).
    #[error("the credentials cannot be used: {0}")]
    Auth(#[from] AuthError),
}

/// Everything that can go wrong in a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Authentication failed before the request was sent (token endpoint, signer, DPoP).
    #[error("authentication failed: {0}")]
    Auth(#[from] AuthError),
    /// The request could not be sent or its answer could not be read (connect, TLS, reset).
    #[error("{operation}: transport error: {source}")]
    Transport {
        /// The operationId.
        operation: &'static str,
        /// Whether the failure was in connecting (nothing reached the server).
        connect: bool,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The call's time budget (`requestTimeout` or the per-request timeout) ran out.
    #[error("{operation}: request timeout of {budget:?} exceeded after {attempts} attempt(s)")]
    Timeout {
        /// The operationId.
        operation: &'static str,
        /// The budget for the whole call, retries and waits included.
        budget: Duration,
        /// How many attempts were started.
        attempts: u32,
    },
    /// Okta answered with an error status (after any retries).
    #[error(transparent)]
    Api(Box<ApiError>),
    /// A success answer whose body did not match the operation's type.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The request could not be built (an argument failed to convert, a required one is
    /// missing, a path parameter would change the endpoint): nothing was sent.
    #[error("{operation}: invalid request: {message}")]
    InvalidRequest {
        /// The operationId.
        operation: &'static str,
        /// What was wrong.
        message: String,
    },
    /// The answer was a redirect that is not followed (to another origin, from the token
    /// endpoint, or past the limit), or it came from another origin than the request went to
    /// (a caller's own HTTP client followed a redirect). Its body is never decoded.
    #[error("{operation}: {}", redirect_message(*status, to.as_deref()))]
    Redirect {
        /// The operationId.
        operation: &'static str,
        /// The redirect's status (3xx), or the status of an answer from another origin.
        status: StatusCode,
        /// The origin (scheme, host, port) the redirect points to or the answer came from,
        /// never its path or query.
        to: Option<String>,
    },
    /// The server sent nothing for longer than the read timeout (`okta.client.readTimeout`),
    /// on every attempt the retry policy allowed.
    #[error("{operation}: the server sent nothing for longer than the read timeout, after {attempts} attempt(s)")]
    Stalled {
        /// The operationId.
        operation: &'static str,
        /// How many attempts were started.
        attempts: u32,
    },
    /// The answer's body was larger than the client allows (`okta.client.maxResponseBytes`,
    /// default 64 MiB): declared so in `Content-Length`, or counted while it arrived. It was
    /// not read further, and the call is not retried.
    #[error("{operation}: the HTTP {status} answer's body is larger than the limit of {limit} bytes (okta.client.maxResponseBytes){}", declared.map(|n| format!("; it declared {n} bytes")).unwrap_or_default())]
    TooLarge {
        /// The operationId.
        operation: &'static str,
        /// The answer's status.
        status: StatusCode,
        /// The limit in bytes.
        limit: u64,
        /// The answer's `Content-Length`, if it declared one.
        declared: Option<u64>,
    },
    /// A page stream could not go on: a `next` link leads back to a page it already fetched.
    #[error("{operation}: pagination stopped: {message}")]
    Pagination {
        /// The operationId.
        operation: &'static str,
        /// What was wrong.
        message: String,
    },
}

fn redirect_message(status: StatusCode, to: Option<&str>) -> String {
    let to = to.unwrap_or("an unknown origin");
    if status.is_redirection() {
        format!("HTTP {status} redirects to {to}; not followed (credentials stay on the org's origin)")
    } else {
        format!("the HTTP {status} answer came from {to}, not from the org; refused")
    }
}

impl Error {
    /// A transport failure of `operation`: a reqwest timeout (the read timeout, or a caller's
    /// client's own) is [`Error::Stalled`].
    pub(crate) fn transport(operation: &'static str, source: reqwest::Error, attempts: u32) -> Self {
        if source.is_timeout() {
            return Self::Stalled { operation, attempts };
        }
        Self::Transport {
            operation,
            connect: source.is_connect(),
            source,
        }
    }
}

/// The kind of an [`Error`], for matching without destructuring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::Auth`].
    Auth,
    /// [`Error::Transport`].
    Transport,
    /// [`Error::Timeout`].
    Timeout,
    /// [`Error::Api`].
    Api,
    /// [`Error::Decode`].
    Decode,
    /// [`Error::InvalidRequest`].
    InvalidRequest,
    /// [`Error::Redirect`].
    Redirect,
    /// [`Error::Pagination`].
    Pagination,
    /// [`Error::TooLarge`].
    TooLarge,
}

impl Error {
    /// The kind of error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Auth(_) => ErrorKind::Auth,
            Self::Transport { .. } => ErrorKind::Transport,
            Self::Timeout { .. } | Self::Stalled { .. } => ErrorKind::Timeout,
            Self::Redirect { .. } => ErrorKind::Redirect,
            Self::Pagination { .. } => ErrorKind::Pagination,
            Self::TooLarge { .. } => ErrorKind::TooLarge,
            Self::Api(_) => ErrorKind::Api,
            Self::Decode(_) => ErrorKind::Decode,
            Self::InvalidRequest { .. } => ErrorKind::InvalidRequest,
        }
    }

    /// The API error, if Okta answered with an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status of the answer this error came from, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(e) => Some(e.status),
            Self::Decode(e) => Some(e.status),
            Self::Redirect { status, .. } | Self::TooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Okta's `errorCode` (e.g. `E0000007` for "not found"), if Okta sent one.
    pub fn error_code(&self) -> Option<&str> {
        self.api().and_then(|e| e.error_code.as_deref())
    }
}

/// Okta's rate-limit headers on an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateLimit {
    /// `X-Rate-Limit-Limit`.
    pub limit: Option<u64>,
    /// `X-Rate-Limit-Remaining`.
    pub remaining: Option<u64>,
    /// `X-Rate-Limit-Reset` (epoch seconds; the smallest if repeated).
    pub reset: Option<u64>,
}

impl RateLimit {
    /// Reads the rate-limit headers (`None` when there are none).
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let min = |name: &str| {
            headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|v| v.trim().parse::<u64>().ok())
                .min()
        };
        let rl = Self {
            limit: min("x-rate-limit-limit"),
            remaining: min("x-rate-limit-remaining"),
            reset: min("x-rate-limit-reset"),
        };
        (rl != Self::default()).then_some(rl)
    }
}

/// An error answer from Okta, after any retries: the status, Okta's error fields, the
/// request id and rate-limit headers, and the whole answer for anything else.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The operationId.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// `errorCode` (or OAuth's `error`).
    pub error_code: Option<String>,
    /// `errorSummary` (or OAuth's `error_description`).
    pub error_summary: Option<String>,
    /// `errorLink`.
    pub error_link: Option<String>,
    /// `errorId`.
    pub error_id: Option<String>,
    /// The `errorSummary` of each of `errorCauses`.
    pub error_causes: Vec<String>,
    /// `X-Okta-Request-Id`.
    pub request_id: Option<String>,
    /// The rate-limit headers, if any.
    pub rate_limit: Option<RateLimit>,
    /// How many attempts were made.
    pub attempts: u32,
    /// For a 403 under OAuth: the scopes the operation accepts (any one of them), from the spec.
    pub required_scopes: Vec<&'static str>,
    /// For a 403 under OAuth: the scopes the client asked for.
    pub requested_scopes: Vec<String>,
    /// The answer's headers.
    pub headers: HeaderMap,
    /// The answer's body, as sent.
    pub body: Bytes,
}

impl ApiError {
    /// Reads an error answer. The body is parsed leniently: whatever fields are there are kept.
    pub fn new(operation: &'static str, status: StatusCode, mut headers: HeaderMap, body: Bytes) -> Self {
        // Session cookies never show in `Debug`.
        if let reqwest::header::Entry::Occupied(mut cookies) = headers.entry(reqwest::header::SET_COOKIE) {
            cookies.iter_mut().for_each(|v| v.set_sensitive(true));
        }
        let json: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
        let field = |names: &[&str]| {
            names.iter().find_map(|n| {
                json.as_ref()
                    .and_then(|j| j.get(*n))
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_string)
            })
        };
        let error_causes = json
            .as_ref()
            .and_then(|j| j.get("errorCauses"))
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| c.get("errorSummary").and_then(serde_json::Value::as_str))
            .map(str::to_string)
            .collect();
        Self {
            operation,
            status,
            error_code: field(&["errorCode", "error"]),
            error_summary: field(&["errorSummary", "error_description"]),
            error_link: field(&["errorLink"]),
            error_id: field(&["errorId"]),
            error_causes,
            request_id: headers
                .get(&crate::headers::REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            rate_limit: RateLimit::from_headers(&headers),
            attempts: 1,
            required_scopes: Vec::new(),
            requested_scopes: Vec::new(),
            headers,
            body,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
        if let Some(code) = &self.error_code {
            write!(f, " {code}")?;
        }
        if let Some(summary) = &self.error_summary {
            write!(f, ": {summary}")?;
        }
        if !self.error_causes.is_empty() {
            write!(f, " (causes: {})", self.error_causes.join("; "))?;
        }
        if !self.required_scopes.is_empty() {
            write!(
                f,
                "; the operation needs one of the scopes [{}], the client asked for [{}]",
                self.required_scopes.join(", "),
                self.requested_scopes.join(", ")
            )?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A success answer whose body did not decode into the operation's type.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// The operationId.
    pub operation: &'static str,
    /// The HTTP status of the answer.
    pub status: StatusCode,
    /// The JSON path that failed (`[3].profile.login`; `.` for the root).
    pub path: String,
    /// What serde said.
    pub message: String,
    /// The start of the body, with the values of secret-looking keys masked.
    pub excerpt: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the HTTP {} body did not decode at `{}`: {} (body starts: {})",
            self.operation, self.status, self.path, self.message, self.excerpt
        )
    }
}

impl std::error::Error for DecodeError {}

/// How many characters of a body a [`DecodeError`] keeps.
pub const EXCERPT_CHARS: usize = 200;

/// Keys whose values never go into an excerpt.
const SECRET_KEYS: &[&str] = &[
    "secret",
    "password",
    "token",
    "private",
    "assertion",
    "credential",
    "key",
    "hash",
    "value",
];

impl DecodeError {
    /// A decode error with a known path and message.
    pub fn new(operation: &'static str, status: StatusCode, path: String, message: String, body: &[u8]) -> Self {
        Self {
            operation,
            status,
            path,
            message,
            excerpt: excerpt(body),
        }
    }
}

/// The first [`EXCERPT_CHARS`] characters of a body; in JSON, secret-looking values are masked.
pub fn excerpt(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut json) => {
            mask(&mut json);
            json.to_string()
        }
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().nth(EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
}

fn mask(json: &mut serde_json::Value) {
    match json {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                let lower = k.to_ascii_lowercase();
                if SECRET_KEYS.iter().any(|s| lower.contains(s)) && !v.is_object() && !v.is_array() {
                    *v = serde_json::Value::String("***".into());
                } else {
                    mask(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_error_reads_okta_and_oauth_bodies() {
        let body = br#"{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oae1","errorCauses":[{"errorSummary":"login: required"}]}"#;
        let mut headers = HeaderMap::new();
        headers.insert("x-okta-request-id", "req-1".parse().unwrap());
        headers.append("x-rate-limit-reset", "1700000100".parse().unwrap());
        headers.append("x-rate-limit-reset", "1700000050".parse().unwrap());
        let e = ApiError::new("listUsers", StatusCode::UNAUTHORIZED, headers, Bytes::from_static(body));
        assert_eq!(e.error_code.as_deref(), Some("E0000011"));
        assert_eq!(e.error_causes, vec!["login: required"]);
        assert_eq!(e.rate_limit.unwrap().reset, Some(1_700_000_050));
        assert_eq!(
            e.to_string(),
            "listUsers: HTTP 401 Unauthorized E0000011: Invalid token provided (causes: login: required) [request id req-1]"
        );
        let oauth = br#"{"error":"insufficient_scope","error_description":"The access token provided does not contain the required scopes."}"#;
        let e = ApiError::new(
            "listUsers",
            StatusCode::FORBIDDEN,
            HeaderMap::new(),
            Bytes::from_static(oauth),
        );
        assert_eq!(e.error_code.as_deref(), Some("insufficient_scope"));
        let e = ApiError::new(
            "listUsers",
            StatusCode::BAD_GATEWAY,
            HeaderMap::new(),
            Bytes::from_static(b"<html>"),
        );
        assert_eq!(e.error_code, None);
    }

    #[test]
    fn decode_errors_name_the_path_and_mask_secrets() {
        // An object where a list is expected: the top-level shape, which nothing can mend.
        let body = br#"{"id":"0oa1","client_secret":"s3cr3t","settings":{"count":"many"}}"#;
        let failure = okta_lenient::from_slice::<Vec<u32>>(body).expect_err("an object is not a list");
        let e = DecodeError::new("getApplication", StatusCode::OK, failure.path, failure.message, body);
        assert_eq!(e.path, ".");
        assert!(!e.excerpt.contains("s3cr3t"), "{}", e.excerpt);
        assert!(e.to_string().contains("at `.`"), "{e}");
        assert!(!e.excerpt.contains("s3cr3t"), "{}", e.excerpt);
        let long = vec![b'x'; 1000];
        assert_eq!(excerpt(&long).chars().count(), EXCERPT_CHARS + 1);
    }
}
