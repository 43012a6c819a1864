//! Where a request may go: the endpoint it names, on the org's origin, and nowhere else.
//!
//! - [`path_matches`]: the path a request is about to reach has the operation's template in
//!   its place (same literal segments, one non-dot segment per parameter). The generated
//!   builders already refuse path parameters that would change the endpoint
//!   (`build::check_segment`); this check runs in the pipeline for every request of a spec
//!   operation, next pages included, so that no other route can get a request elsewhere.
//! - [`raw_path_problem`]: what is wrong with a raw request's path, if anything.
//! - [`redirect_policy`]: the redirect policy of every HTTP client the runtime builds.
//! - [`same_origin`]: whether an answer came from where its request was sent (a caller's own
//!   HTTP client may follow redirects the runtime's would not).

use reqwest::Url;
use reqwest::redirect::{Attempt, Policy};

/// How many redirects within the org's origin are followed for one request.
pub const MAX_REDIRECTS: usize = 5;

/// Whether `path` (a URL's path, percent-encoded) ends with `template`'s segments: each
/// literal segment equal, each `{parameter}` segment non-empty and not a dot segment. What
/// comes before them is the base URL's own path (empty for an org URL).
pub fn path_matches(template: &str, path: &str) -> bool {
    // Compared segment by segment from the end, on bytes, without collecting or splitting
    // (this runs on every call). A literal segment is compared in place, so only a
    // parameter's segment of the path is searched for its `/`.
    let (want, got) = (
        template.trim_start_matches('/').as_bytes(),
        path.trim_start_matches('/').as_bytes(),
    );
    let (mut w_end, mut g_end) = (want.len(), got.len());
    loop {
        let w_start = want[..w_end].iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
        let w = &want[w_start..w_end];
        let g_start = if w.first() == Some(&b'{') && w.last() == Some(&b'}') {
            // A parameter: one segment that a URL parser leaves where it is.
            let g_start = got[..g_end].iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
            let g = &got[g_start..g_end];
            if g.is_empty() || is_dot_segment(g) {
                return false;
            }
            g_start
        } else {
            // A literal: the path ends with it, right after a `/` (or at the path's start).
            let Some(g_start) = g_end.checked_sub(w.len()) else {
                return false;
            };
            if &got[g_start..g_end] != w || (g_start > 0 && got[g_start - 1] != b'/') {
                return false;
            }
            g_start
        };
        // Done when the template's first segment fits; the path must not run out first.
        if w_start == 0 || g_start == 0 {
            return w_start == 0;
        }
        (w_end, g_end) = (w_start - 1, g_start - 1);
    }
}

/// `.` or `..`, also percent-encoded (`%2e`, `%2E%2e`, `.%2E`), as the WHATWG URL standard
/// reads them.
fn is_dot_segment(segment: &[u8]) -> bool {
    let bytes = segment;
    let (mut i, mut dots) = (0, 0);
    while i < bytes.len() {
        if bytes[i] == b'.' {
            i += 1;
        } else if bytes[i] == b'%' && bytes.get(i + 1) == Some(&b'2') && matches!(bytes.get(i + 2), Some(b'e' | b'E')) {
            i += 3;
        } else {
            return false;
        }
        dots += 1;
        if dots > 2 {
            return false;
        }
    }
    dots > 0
}

/// What is wrong with the path of a raw request, if anything: it must start with `/`, and a
/// URL parser must not be able to rewrite it into another path (no dot segments, encoded or
/// not, no empty segment inside it, no `\`, which http(s) URLs read as `/`, no controls,
/// which URL parsing strips, and no `#`). A query belongs in `.query(..)`, but one in the
/// path is sent as written.
pub fn raw_path_problem(path: &str) -> Option<&'static str> {
    if !path.starts_with('/') {
        return Some("must start with `/` (requests stay on the org)");
    }
    let path_only = path.split('?').next().unwrap_or(path);
    if path.contains('#') {
        return Some("contains `#`; a fragment is never sent");
    }
    if path.contains('\\') {
        return Some("contains `\\`, which a URL parser reads as `/`; percent-encode it as %5C");
    }
    if path.chars().any(char::is_control) {
        return Some("contains control characters, which a URL parser strips");
    }
    let segments: Vec<&str> = path_only[1..].split('/').collect();
    if segments.iter().any(|s| is_dot_segment(s.as_bytes())) {
        return Some("contains a `.` or `..` segment, which a URL parser resolves into another path");
    }
    // An empty last segment is a trailing slash, which some endpoints take.
    if segments.len() > 1 && segments[..segments.len() - 1].iter().any(|s| s.is_empty()) {
        return Some("contains an empty segment (`//`)");
    }
    None
}

/// Whether `a` and `b` have the same origin (scheme, host, port).
pub fn same_origin(a: &Url, b: &Url) -> bool {
    // For http(s), an origin is the scheme, host and port: compared in place, since building
    // an `Origin` copies the host (this runs on every answer). Other schemes' origins are
    // opaque, and `Url::origin` says so.
    match (a.scheme(), b.scheme()) {
        ("http" | "https", _) | (_, "http" | "https") => {
            a.scheme() == b.scheme() && a.host() == b.host() && a.port_or_known_default() == b.port_or_known_default()
        }
        _ => a.origin() == b.origin(),
    }
}

/// The path of the org's token endpoint, which follows no redirect.
pub(crate) const TOKEN_PATH: &str = "/oauth2/v1/token";

/// The redirect policy of the HTTP clients the runtime builds, for the API, raw requests and
/// the token endpoint alike:
///
/// - a redirect away from the origin the request was sent to (the org's) is never followed:
///   its answer (the 3xx) is handed back, so no header, body, token, client assertion or DPoP
///   proof reaches another origin;
/// - a token request (to the org's `/oauth2/v1/token`) follows no redirect at all;
/// - within the origin at most [`MAX_REDIRECTS`] are followed (reqwest keeps the headers;
///   301/302/303 turn into a GET without a body, 307/308 resend it).
///
/// For a `reqwest::Client` of your own, build it with this policy (or `Policy::none()`).
pub fn redirect_policy() -> Policy {
    Policy::custom(|attempt: Attempt<'_>| {
        let Some(first) = attempt.previous().first() else {
            return attempt.stop();
        };
        if attempt.url().origin() != first.origin() {
            tracing::warn!(
                status = attempt.status().as_u16(),
                "a redirect to another origin was not followed (credentials stay on the org)"
            );
            attempt.stop()
        } else if first.path().ends_with(TOKEN_PATH) || attempt.previous().len() > MAX_REDIRECTS {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_matches_its_template_only_in_place() {
        let t = "/api/v1/groups/{groupId}/users/{userId}";
        assert!(path_matches(t, "/api/v1/groups/00g1/users/00u1"));
        assert!(path_matches(t, "/base/api/v1/groups/00g1/users/00u1"));
        assert!(path_matches(t, "/api/v1/groups/a%2F..%5C/users/%2525"));
        assert!(!path_matches(t, "/api/v1/users/00u1"));
        assert!(!path_matches(t, "/api/v1/groups//users/00u1"));
        assert!(!path_matches(t, "/api/v1/groups/%2e%2E/users/00u1"));
        assert!(!path_matches(t, "/api/v1/groups/00g1/users/"));
        assert!(!path_matches("/api/v1/users/{id}", "/api/v1/"));
        assert!(path_matches("/api/v1/users", "/api/v1/users"));
        assert!(!path_matches("/api/v1/users", "/api/v1/groups"));
        for dots in [".", "..", "%2e", "%2E%2e", ".%2E", "%2e."] {
            assert!(is_dot_segment(dots.as_bytes()), "{dots}");
        }
        for not in ["", "...", "a.", "%2", "%2f", ".%2", "%2e%2e%2e", "x%2e"] {
            assert!(!is_dot_segment(not.as_bytes()), "{not}");
        }
    }

    /// The segment-splitting form `path_matches` replaced, as the reference.
    fn path_matches_by_splitting(template: &str, path: &str) -> bool {
        let (want, got) = (template.trim_start_matches('/'), path.trim_start_matches('/'));
        if got.split('/').count() < want.split('/').count() {
            return false;
        }
        want.rsplit('/').zip(got.rsplit('/')).all(|(w, g)| {
            if w.starts_with('{') && w.ends_with('}') {
                !g.is_empty() && !is_dot_segment(g.as_bytes())
            } else {
                w == g
            }
        })
    }

    #[test]
    fn path_matches_agrees_with_splitting_on_every_short_path() {
        let templates = [
            "/api/v1/users/{id}",
            "/api/v1/users",
            "/{a}/{b}",
            "/",
            "/a/{x}/b",
            "{x}",
        ];
        let parts = ["", "a", "b", "api", "v1", "users", "x", ".", "..", "%2e", "{x}", "é"];
        let mut paths = vec![String::new()];
        for _ in 0..4 {
            let mut longer = Vec::new();
            for p in &paths {
                for part in parts {
                    longer.push(format!("{p}/{part}"));
                }
            }
            paths.extend(longer);
        }
        for t in templates {
            for p in &paths {
                assert_eq!(path_matches(t, p), path_matches_by_splitting(t, p), "{t} {p}");
            }
        }
    }

    #[test]
    fn origins_are_scheme_host_and_port() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(same_origin(
            &u("https://x.okta.com/a?b"),
            &u("https://x.okta.com:443/c")
        ));
        assert!(same_origin(
            &u("http://127.0.0.1:8080/a"),
            &u("http://127.0.0.1:8080/b")
        ));
        assert!(!same_origin(&u("https://x.okta.com/"), &u("http://x.okta.com/")));
        assert!(!same_origin(&u("https://x.okta.com/"), &u("https://x.okta.com:8443/")));
        assert!(!same_origin(&u("https://x.okta.com/"), &u("https://evil.example/")));
        assert!(!same_origin(
            &u("https://x.okta.com/"),
            &u("https://x.okta.com.evil.example/")
        ));
        assert!(
            !same_origin(&u("file:///a"), &u("file:///a")),
            "opaque origins are never the same"
        );
        assert!(!same_origin(&u("https://x.okta.com/"), &u("data:text/plain,x")));
    }

    #[test]
    fn raw_paths_that_a_parser_would_rewrite_are_named() {
        for good in [
            "/api/v1/users/me",
            "/api/v1/users?limit=2",
            "/api/v1/users/",
            "/api/v1/a.b/...",
        ] {
            assert_eq!(raw_path_problem(good), None, "{good}");
        }
        for bad in [
            "api/v1/users",
            "/api/v1/users/../groups",
            "/api/v1/users/%2E%2e/groups",
            "/api/v1/users/./x",
            "/api/v1/users\\..\\groups",
            "/api//v1",
            "/api/v1/users#x",
            "/api/v1/\tusers",
        ] {
            assert!(raw_path_problem(bad).is_some(), "{bad}");
        }
    }
}
