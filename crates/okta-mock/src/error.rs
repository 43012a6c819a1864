//! Okta-shaped error answers: `errorCode`, `errorSummary`, `errorLink`, `errorId`, `errorCauses`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answer as Okta sends it.
#[derive(Debug, Clone)]
pub(crate) struct OktaError {
    status: StatusCode,
    code: &'static str,
    summary: String,
    causes: Vec<String>,
    www_authenticate: Option<String>,
}

impl OktaError {
    pub(crate) fn new(status: StatusCode, code: &'static str, summary: impl Into<String>) -> Self {
        Self {
            status,
            code,
            summary: summary.into(),
            causes: Vec::new(),
            www_authenticate: None,
        }
    }

    /// `E0000007`: the resource does not exist.
    pub(crate) fn not_found(id: &str, kind: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "E0000007",
            format!("Not found: Resource not found: {id} ({kind})"),
        )
    }

    /// `E0000001`: validation failed on `field`, with one cause.
    pub(crate) fn validation(field: &str, cause: impl Into<String>) -> Self {
        let mut e = Self::new(
            StatusCode::BAD_REQUEST,
            "E0000001",
            format!("Api validation failed: {field}"),
        );
        e.causes.push(format!("{field}: {}", cause.into()));
        e
    }

    /// `E0000003`: the body is not JSON of the expected shape.
    pub(crate) fn malformed() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "E0000003",
            "The request body was not well-formed.",
        )
    }

    /// `E0000011`: no or a bad credential.
    pub(crate) fn invalid_token() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "E0000011", "Invalid token provided")
    }

    /// `E0000006`: the token lacks the scope the endpoint needs.
    pub(crate) fn insufficient_scope(resource: &str) -> Self {
        let mut e = Self::new(
            StatusCode::FORBIDDEN,
            "E0000006",
            "You do not have permission to perform the requested action",
        );
        e.www_authenticate = Some(format!(
            "Bearer realm=\"IdpError\", error=\"insufficient_scope\", error_description=\"The access token provided does not contain the required scopes.\", resource=\"{resource}\""
        ));
        e
    }

    /// `E0000047`: rate limited.
    pub(crate) fn rate_limited() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "E0000047",
            "API call exceeded rate limit due to too many requests.",
        )
    }

    /// `E0000009` (or a 5xx of choice): a server failure.
    pub(crate) fn server(status: StatusCode) -> Self {
        Self::new(status, "E0000009", "Internal Server Error")
    }

    /// `E0000022`: no such endpoint or method.
    pub(crate) fn no_endpoint() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "E0000022",
            "The endpoint does not support the provided HTTP method",
        )
    }

    #[cfg(test)]
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }
}

/// An `errorId` like Okta's (`oae` and 19 random characters).
pub(crate) fn error_id() -> String {
    format!("oae{}", crate::ids::random_chars(19))
}

impl IntoResponse for OktaError {
    fn into_response(self) -> Response {
        let causes: Vec<_> = self.causes.iter().map(|c| json!({ "errorSummary": c })).collect();
        let body = json!({
            "errorCode": self.code,
            "errorSummary": self.summary,
            "errorLink": self.code,
            "errorId": error_id(),
            "errorCauses": causes,
        });
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(value) = self.www_authenticate.and_then(|v| HeaderValue::from_str(&v).ok()) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

/// An OAuth error from the token endpoint (`error`, `error_description`).
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}
