//! What the runtime knows about each operation (the generator writes one table of these).

/// Facts about one operation of the Okta Management API, written by `cargo xtask generate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationMeta {
    /// The spec's operationId, e.g. `listUsers`.
    pub id: &'static str,
    /// The generated method's name (snake case): `OPERATIONS` is sorted by it.
    pub method_name: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template, e.g. `/api/v1/users/{id}`.
    pub path: &'static str,
    /// OAuth 2.0 scopes that allow this operation (any one of them).
    pub scopes: &'static [&'static str],
    /// Lifecycle stage from `x-okta-lifecycle` (`GA`, `BETA`, ...), if the spec gives one.
    pub lifecycle: Option<&'static str>,
    /// Whether the success body is a JSON array (a list operation that pages with `Link`).
    pub lists: bool,
    /// Whether repeating the call cannot repeat a side effect, so a 503, a 504 or a transport
    /// failure may be retried (GET, HEAD, PUT, DELETE and OPTIONS operations; a call can say
    /// otherwise with `RequestOptions::idempotent`).
    pub idempotent: bool,
    /// The request media type the spec gives, when it is not the one the generated code sends.
    pub request_media_type: Option<&'static str>,
    /// For a multipart upload: the form field that carries the file.
    pub multipart_field: Option<&'static str>,
    /// Success statuses that carry no body while another success status does.
    pub empty_success: &'static [u16],
    /// The success media type to ask for (`Accept`) when the operation answers no JSON
    /// (`text/xml` SAML metadata); `None` asks for `application/json`.
    pub response_media_type: Option<&'static str>,
}
