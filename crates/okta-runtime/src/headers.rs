//! Default and custom headers.
//!
//! Default headers: `User-Agent: okta-sdk-rust/<version> rust/<rustc version> <os>/<arch>`
//! (plus the configured extra), `Accept: application/json` and, with a body,
//! `Content-Type: application/json` (or the operation's real media type). Custom headers come
//! from the client and from the call's options (the call's win); a default header wins over a
//! custom header of the same name, and credentials are set after both.

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};

/// `X-Okta-Request-Id`, Okta's id for an answer. A `HeaderName` rather than a `&str`: a
/// lookup by `&str` parses and lowercases the name first.
pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-okta-request-id");

/// The names custom headers cannot override.
const DEFAULT_NAMES: [HeaderName; 3] = [USER_AGENT, ACCEPT, CONTENT_TYPE];

/// The `User-Agent` value.
pub(crate) fn user_agent(extra: Option<&str>) -> HeaderValue {
    let base = format!(
        "okta-sdk-rust/{} rust/{} {}/{}",
        env!("CARGO_PKG_VERSION"),
        env!("OKTA_RUSTC_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    let full = match extra {
        Some(e) if !e.trim().is_empty() => format!("{base} {}", e.trim()),
        _ => base.clone(),
    };
    HeaderValue::from_str(&full)
        .or_else(|_| HeaderValue::from_str(&base))
        .unwrap_or_else(|_| HeaderValue::from_static("okta-sdk-rust"))
}

/// The names of a header map (for `Debug`, where values may be secrets).
pub(crate) fn names(headers: &HeaderMap) -> Vec<&str> {
    headers.keys().map(HeaderName::as_str).collect()
}

/// The default headers with the given `User-Agent`.
pub(crate) fn defaults(user_agent: &HeaderValue) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(USER_AGENT, user_agent.clone());
    h.insert(ACCEPT, HeaderValue::from_static("application/json"));
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h
}

/// Puts the call's and the client's custom headers, then the defaults, on a request.
pub(crate) fn apply(request: &mut reqwest::Request, call: &HeaderMap, client: &HeaderMap, user_agent: &HeaderValue) {
    let has_body = request.body().is_some();
    let h = request.headers_mut();
    for (name, value) in call.iter().chain(client.iter()) {
        if DEFAULT_NAMES.contains(name) {
            tracing::trace!(header = %name, "custom header ignored: a default header has that name");
            continue;
        }
        if !h.contains_key(name) {
            h.insert(name.clone(), value.clone());
        }
    }
    h.insert(USER_AGENT, user_agent.clone());
    if !h.contains_key(ACCEPT) {
        h.insert(ACCEPT, HeaderValue::from_static("application/json"));
    }
    if has_body && !h.contains_key(CONTENT_TYPE) {
        h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_names_sdk_rust_and_platform() {
        let ua = user_agent(Some("my-app/1.2"));
        let ua = ua.to_str().unwrap();
        assert!(
            ua.starts_with(&format!("okta-sdk-rust/{} rust/", env!("CARGO_PKG_VERSION"))),
            "{ua}"
        );
        assert!(ua.contains(&format!("{}/{}", std::env::consts::OS, std::env::consts::ARCH)));
        assert!(ua.ends_with(" my-app/1.2"));
        // A value that cannot be a header falls back to the base.
        assert!(!user_agent(Some("bad\nvalue")).to_str().unwrap().contains("bad"));
    }
}
