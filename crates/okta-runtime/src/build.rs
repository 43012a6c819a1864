//! Helpers the generated request builders call while they build a request (rules
//! `path_segments_in_place`, `path_parameters_checked`, `urls_from_parsed_base` and
//! `unset_queries_skipped` of `cargo xtask generate`).
//!
//! A path parameter reaches the server as exactly one segment in its place, or the call fails
//! before anything is sent: [`check_segment`] refuses the values a URL parser would rewrite
//! (empty, `.` and `..`, which WHATWG URL parsing resolves as dot segments, also when they are
//! percent-encoded), and [`PathSegment`] percent-encodes everything else that could end the
//! segment or the path (`/`, `\`, which http(s) URLs treat as `/`, `?`, `#`, `%`, controls,
//! which URL parsing would strip, and every byte past ASCII).

use std::fmt::{self, Display, Write};

/// The characters besides controls that are percent-encoded in a path segment: those
/// progenitor's `encode_path` encodes, and `\` (an http(s) URL parser reads it as `/`, so
/// `..\x` would climb out of its segment). One list for both [`PATH_SET`] and the one-pass
/// check [`encoded`].
const PATH_BYTES: [u8; 12] = [b' ', b'"', b'#', b'<', b'>', b'?', b'`', b'{', b'}', b'/', b'%', b'\\'];

/// Controls plus [`PATH_BYTES`], as `percent_encoding` takes them.
const PATH_SET: &percent_encoding::AsciiSet = &{
    let mut set = percent_encoding::CONTROLS.add(PATH_BYTES[0]);
    let mut i = 1;
    while i < PATH_BYTES.len() {
        set = set.add(PATH_BYTES[i]);
        i += 1;
    }
    set
};

/// Why a generated builder could not build its request: an argument that did not convert or
/// is missing (the builder's message), or a header value that is not a valid header. The
/// generated builders' `Error` (the module imports this type under progenitor's name, so its
/// `Error::InvalidRequest(..)` and `?` apply unchanged).
#[doc(hidden)]
#[derive(Debug)]
pub enum RequestError {
    /// An argument is missing or did not convert.
    InvalidRequest(String),
    /// reqwest could not build the request (an invalid URL or header).
    Build(reqwest::Error),
}

impl From<reqwest::Error> for RequestError {
    fn from(e: reqwest::Error) -> Self {
        Self::Build(e)
    }
}

impl From<reqwest::header::InvalidHeaderValue> for RequestError {
    fn from(_: reqwest::header::InvalidHeaderValue) -> Self {
        // The value itself is never echoed: it may be a secret.
        Self::InvalidRequest("a header argument is not a valid header value".into())
    }
}

impl RequestError {
    /// The call's error.
    pub(crate) fn into_error(self, operation: &'static str) -> crate::Error {
        let message = match self {
            Self::InvalidRequest(message) => message,
            Self::Build(e) => format!("the request could not be built: {e}"),
        };
        crate::Error::InvalidRequest { operation, message }
    }
}

/// A request a generated builder built, with the call's options: what it hands the runtime.
#[doc(hidden)]
#[derive(Debug)]
pub struct Built {
    /// The request (path and query written, body serialized; no authentication yet).
    pub request: reqwest::Request,
    /// The call's options.
    pub options: crate::RequestOptions,
}

/// A client's base URL, parsed once: each request's URL is a copy of it with the operation's
/// path set (rule `urls_from_parsed_base`), instead of a string that reqwest parses whole,
/// scheme, host (with IDNA processing) and path, on every call.
///
/// The URL is the one a parse of the base text followed by the path gives: the base's path
/// (without a trailing `/`) and then the operation's path, parsed as a URL path (the same
/// percent-encoding and dot-segment rules; the generator admits only path templates where the
/// two agree). Where the base is parsed alone, two things differ from a parse of the whole
/// text, both for the better: a trailing `/` (or `\`) of the base is not doubled, and spaces
/// or controls around the base are trimmed as a URL parser trims them (before, a trailing
/// space ended up inside the URL). A base that does not parse, or has a query or a fragment,
/// goes the old way, and a base that does not parse fails each call with
/// [`RequestError::InvalidRequest`] without echoing it (it may hold a password).
///
/// ```
/// use okta_runtime::build::{Base, PathSegment};
/// let base = Base::new("https://example.okta.com");
/// let url = base.url(format_args!("/api/v1/users/{}", PathSegment(&"a b"))).unwrap();
/// assert_eq!(url.as_str(), "https://example.okta.com/api/v1/users/a%20b");
/// ```
#[doc(hidden)]
#[derive(Clone)]
pub struct Base {
    text: String,
    /// The parsed base, when each URL can be a copy of it with a path set.
    parsed: Option<reqwest::Url>,
}

impl Base {
    /// Parses `base` (e.g. `https://example.okta.com`, or one with a path stem).
    pub fn new(base: &str) -> Self {
        let parsed = reqwest::Url::parse(base)
            .ok()
            .filter(|u| !u.cannot_be_a_base() && u.query().is_none() && u.fragment().is_none());
        Self {
            text: base.to_string(),
            parsed,
        }
    }

    /// The base URL as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The URL of `path` (an operation's path, from `/`, its parameters percent-encoded) under
    /// the base.
    pub fn url(&self, path: fmt::Arguments<'_>) -> Result<reqwest::Url, RequestError> {
        let Some(base) = &self.parsed else {
            return self.parse_whole(path);
        };
        let stem = base.path().strip_suffix('/').unwrap_or(base.path());
        let mut full = String::with_capacity(stem.len().saturating_add(96));
        full.push_str(stem);
        append(&mut full, path)?;
        let mut url = base.clone();
        url.set_path(&full);
        Ok(url)
    }

    /// The base text and the path, parsed whole.
    #[cold]
    fn parse_whole(&self, path: fmt::Arguments<'_>) -> Result<reqwest::Url, RequestError> {
        let mut full = self.text.clone();
        append(&mut full, path)?;
        reqwest::Url::parse(&full)
            .map_err(|e| RequestError::InvalidRequest(format!("the client's base URL is not a valid URL base ({e})")))
    }
}

/// Writes `path` after `buf`. Writing to a `String` fails only when a `Display` impl does
/// (`format!` panicked then); the call fails instead.
fn append(buf: &mut String, path: fmt::Arguments<'_>) -> Result<(), RequestError> {
    buf.write_fmt(path)
        .map_err(|_| RequestError::InvalidRequest("a path parameter could not be written".into()))
}

impl fmt::Debug for Base {
    /// The base's origin and path: never its user name or password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match reqwest::Url::parse(&self.text) {
            Ok(url) => write!(f, "Base({}{})", url.origin().ascii_serialization(), url.path()),
            Err(_) => f.write_str("Base(<not a URL>)"),
        }
    }
}

/// A path parameter, percent-encoded as it is written into the URL (no copy of its own).
///
/// ```
/// use okta_runtime::build::PathSegment;
/// assert_eq!(format!("/api/v1/users/{}", PathSegment(&"a b/c")), "/api/v1/users/a%20b%2Fc");
/// ```
pub struct PathSegment<'a, T: ?Sized>(pub &'a T);

impl<T: Display + ?Sized> Display for PathSegment<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(Encoding(f), "{}", self.0)
    }
}

/// Percent-encodes what is written through it.
struct Encoding<'a, 'b>(&'a mut fmt::Formatter<'b>);

/// Whether `byte` is percent-encoded: a control, a byte past ASCII (UTF-8 is encoded byte by
/// byte) or one of [`PATH_BYTES`]. The same test as [`PATH_SET`]'s, so that a segment with
/// nothing to encode is checked in one pass over its bytes.
fn encoded(byte: u8) -> bool {
    ENCODED[usize::from(byte)]
}

/// [`encoded`] as a table, built at compile time: one load per byte on every call's path
/// (`PATH_BYTES.contains` calls `memchr` for each byte).
const ENCODED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b < 0x20 || b >= 0x7f;
        b += 1;
    }
    let mut i = 0;
    while i < PATH_BYTES.len() {
        table[PATH_BYTES[i] as usize] = true;
        i += 1;
    }
    table
};

impl Write for Encoding<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // Ids and names almost never need encoding: written as they are.
        if !s.bytes().any(encoded) {
            return self.0.write_str(s);
        }
        for chunk in percent_encoding::utf8_percent_encode(s, PATH_SET) {
            self.0.write_str(chunk)?;
        }
        Ok(())
    }
}

/// Checks that a path parameter stays one segment in its place: `Err` (naming the parameter)
/// for a value that renders empty, `.` or `..`. A URL parser removes or resolves those
/// (`/groups/../users/X` is `/users/X`), so the request would reach another endpoint; nothing
/// else needs refusing, since [`PathSegment`] encodes every other character that could leave
/// the segment. Renders the value without allocating.
///
/// ```
/// use okta_runtime::build::check_segment;
/// assert!(check_segment("id", &"00u1").is_ok());
/// assert!(check_segment("id", &"a..b").is_ok());
/// assert!(check_segment("groupId", &"..").unwrap_err().contains("`groupId`"));
/// assert!(check_segment("id", &"").is_err());
/// ```
pub fn check_segment<T: Display + ?Sized>(name: &'static str, value: &T) -> Result<(), String> {
    /// The first three bytes and the length of what is written.
    struct Probe {
        head: [u8; 3],
        len: usize,
    }
    impl Write for Probe {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            for &b in s.as_bytes() {
                if let Some(slot) = self.head.get_mut(self.len) {
                    *slot = b;
                }
                self.len = self.len.saturating_add(1);
            }
            Ok(())
        }
    }
    let mut probe = Probe { head: [0; 3], len: 0 };
    // A Display impl that fails leaves what it wrote so far; that is what progenitor would send.
    let _ = write!(probe, "{value}");
    let problem = match (probe.len, &probe.head) {
        (0, _) => "is empty",
        (1, [b'.', ..]) => "is `.`",
        (2, [b'.', b'.', _]) => "is `..`",
        _ => return Ok(()),
    };
    Err(format!(
        "path parameter `{name}` {problem}, which would change the endpoint the request reaches; nothing was sent"
    ))
}

/// Adds a query parameter (progenitor's `QueryParam`) to the request being built, unless it
/// serializes to nothing (an unset optional parameter): reqwest's `query` would still take the
/// URL apart and put it back together.
pub fn query<T: serde::Serialize + ?Sized>(builder: reqwest::RequestBuilder, param: &T) -> reqwest::RequestBuilder {
    match serde_urlencoded::to_string(param) {
        Ok(encoded) if encoded.is_empty() => builder,
        _ => builder.query(param),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The URL a base gives is the one reqwest parsed from the whole string before.
    #[test]
    fn a_url_from_the_parsed_base_is_the_url_parsed_whole() {
        let bases = [
            "https://example.okta.com",
            "http://127.0.0.1:40955",
            "https://example.okta.com:8443",
            "http://[::1]:8080",
            "https://proxy.example.com/okta",
            "https://proxy.example.com/a%20b/okta",
            "https://EXAMPLE.okta.com",
            "https://bücher.example",
            "https://proxy.example.com/a/..",
            "https://proxy.example.com/a/./b",
            "HTTPS://Proxy.Example.com:443/okta",
            "http://127.0.0.1:80",
        ];
        let ids = [
            "00u1",
            "a b",
            "a/b",
            "50%",
            "x?y#z",
            "ü",
            "a..b",
            "...",
            "tab\there",
            "%2e%2e",
        ];
        for base_text in bases {
            let base = Base::new(base_text);
            assert!(base.parsed.is_some(), "{base_text} is parsed once");
            let whole = reqwest::Url::parse(&format!("{base_text}/api/v1/org")).unwrap();
            assert_eq!(base.url(format_args!("/api/v1/org")).unwrap(), whole, "{base_text}");
            for id in ids {
                let url = base
                    .url(format_args!("/api/v1/users/{}/factors", PathSegment(&id)))
                    .unwrap();
                let whole =
                    reqwest::Url::parse(&format!("{base_text}/api/v1/users/{}/factors", PathSegment(&id))).unwrap();
                assert_eq!(url, whole, "{base_text} + {id:?}");
            }
        }
    }

    /// Where the base parsed alone differs from the whole text, on purpose: a trailing `/` or
    /// `\` is not doubled, and spaces are trimmed as a URL parser trims them.
    #[test]
    fn a_base_is_trimmed_as_a_url_parser_trims_it() {
        for (base, want) in [
            ("https://example.okta.com/", "https://example.okta.com/api/v1/org"),
            ("https://example.okta.com\\", "https://example.okta.com/api/v1/org"),
            (
                "https://example.okta.com/okta ",
                "https://example.okta.com/okta/api/v1/org",
            ),
        ] {
            let url = Base::new(base).url(format_args!("/api/v1/org")).unwrap();
            assert_eq!(url.as_str(), want, "{base:?}");
        }
    }

    #[test]
    fn a_base_with_a_query_goes_the_old_way() {
        let base = Base::new("https://example.okta.com/?x=1");
        assert!(base.parsed.is_none());
        let url = base.url(format_args!("/api/v1/users")).unwrap();
        assert_eq!(
            url,
            reqwest::Url::parse("https://example.okta.com/?x=1/api/v1/users").unwrap()
        );
    }

    #[test]
    fn a_base_that_is_not_a_url_fails_each_call_without_echoing_it() {
        let base = Base::new("not a url with s3cret");
        let Err(RequestError::InvalidRequest(message)) = base.url(format_args!("/api/v1/users")) else {
            panic!("an invalid base must fail the call");
        };
        assert!(message.contains("base URL"), "{message}");
        assert!(!message.contains("s3cret"), "{message}");
        assert_eq!(format!("{base:?}"), "Base(<not a URL>)");
    }

    #[test]
    fn a_base_never_shows_its_password() {
        let base = Base::new("https://admin:s3cret@example.okta.com/okta");
        assert_eq!(format!("{base:?}"), "Base(https://example.okta.com/okta)");
        assert!(!format!("{base:?}").contains("s3cret"));
    }

    #[test]
    fn path_segments_encode_as_progenitor_does() {
        for raw in [
            "00u1",
            "a b",
            "a/b",
            "50%",
            "x?y#z",
            "{id}",
            "ü",
            "tab\there",
            "a.b-c_d~e",
        ] {
            assert_eq!(
                PathSegment(&raw).to_string(),
                progenitor_client::encode_path(raw),
                "{raw}"
            );
        }
        assert_eq!(PathSegment(&42u64).to_string(), "42");
    }

    #[test]
    fn the_fast_path_agrees_with_the_ascii_set_for_every_byte() {
        for byte in 0u8..=0x7f {
            let one = (byte as char).to_string();
            let by_set = percent_encoding::utf8_percent_encode(&one, PATH_SET).to_string() != one;
            assert_eq!(encoded(byte), by_set, "byte {byte:#04x}");
            if byte == b'\\' {
                // progenitor leaves it as is; an http(s) URL parser would read it as `/`.
                assert_eq!(PathSegment(&one).to_string(), "%5C");
                continue;
            }
            assert_eq!(
                PathSegment(&one).to_string(),
                progenitor_client::encode_path(&one),
                "byte {byte:#04x}"
            );
        }
        for c in ['é', 'ü', '€', '😀'] {
            let one = c.to_string();
            assert!(one.bytes().all(encoded), "{c}");
            assert_eq!(
                PathSegment(&one).to_string(),
                progenitor_client::encode_path(&one),
                "{c}"
            );
        }
    }

    #[test]
    fn only_values_a_url_parser_rewrites_are_refused() {
        for bad in ["", ".", ".."] {
            let e = check_segment("userId", &bad).unwrap_err();
            assert!(e.contains("`userId`") && e.contains("nothing was sent"), "{e}");
        }
        for good in ["...", ".a", "a.", "%2e", "%2E%2E", "..\\", " ", "0"] {
            assert!(check_segment("id", &good).is_ok(), "{good:?}");
        }
        assert!(check_segment("n", &0u8).is_ok());
        // Encoded, every one of these stays a single segment that is not a dot segment.
        let base = reqwest::Url::parse("https://x.okta.com/api/v1/users/").unwrap();
        for value in ["%2e%2e", "..\\a", "a/../..", "\t..", "?x", "#y", "..%2f"] {
            let url = base.join(&PathSegment(&value).to_string()).unwrap();
            let segments: Vec<&str> = url.path_segments().unwrap().collect();
            assert_eq!(segments.len(), 4, "{value:?} -> {url}");
            assert_eq!(&segments[..3], ["api", "v1", "users"], "{value:?} -> {url}");
        }
    }

    #[test]
    fn unset_query_parameters_leave_the_url_alone() {
        crate::ensure_tls_provider();
        let client = reqwest::Client::new();
        let unset: Option<String> = None;
        let set = Some("blocks".to_string());
        let many = vec!["a b".to_string(), "c".to_string()];
        let request = query(
            query(
                query(
                    client.get("http://x/api/v1/users/1"),
                    &progenitor_client::QueryParam::new("expand", &unset),
                ),
                &progenitor_client::QueryParam::new("x", &set),
            ),
            &progenitor_client::QueryParam::new("ids", &many),
        )
        .build()
        .unwrap();
        assert_eq!(request.url().as_str(), "http://x/api/v1/users/1?x=blocks&ids=a+b&ids=c");
        let bare = query(
            client.get("http://x/a"),
            &progenitor_client::QueryParam::new("expand", &unset),
        )
        .build()
        .unwrap();
        assert_eq!(bare.url().as_str(), "http://x/a");
    }
}
