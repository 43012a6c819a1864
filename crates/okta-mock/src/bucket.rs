//! Rate-limit buckets: which requests share a limit, named by a method (or any) and a path
//! pattern, as Okta's rate-limit tables name them (`GET /api/v1/users/{id}`,
//! `/api/v1/groups*`).

use std::fmt;
use std::str::FromStr;

/// The requests that share a rate limit: a method (or any) and a path pattern.
///
/// A pattern is a path template or, ending in `*`, a prefix:
///
/// - a **template** such as `/api/v1/users/{id}` matches paths with exactly its segments, each
///   `{name}` standing for any one non-empty segment (`/api/v1/users/00u1`, not
///   `/api/v1/users` nor `/api/v1/users/00u1/groups`);
/// - a **prefix** such as `/api/v1/groups*` matches every path that starts with the text before
///   the `*` (`/api/v1/groups`, `/api/v1/groups/00g1/users`), a `{name}` in it again standing
///   for one segment (`/api/v1/users/{id}/factors*`); `*` alone matches every path.
///
/// Paths are compared case-sensitively and without their query. Methods are compared
/// case-insensitively; `None` (or `"*"`) means any method.
///
/// When several configured buckets match a request, the most specific one counts it: a
/// template before a prefix, then a bucket with a method before one without, then the one with
/// more literal characters (`/api/v1/users/me` before `/api/v1/users/{id}`), then the one
/// configured first. Requests that match no configured bucket fall back to the org's endpoint
/// families (see [`MockOrgBuilder::bucket_limit`](crate::MockOrgBuilder::bucket_limit)).
///
/// A bucket reads and prints as `METHOD PATTERN`, or `PATTERN` for any method:
///
/// ```
/// use okta_mock::Bucket;
/// let one_user = Bucket::new(Some("get"), "/api/v1/users/{id}");
/// assert_eq!(one_user.to_string(), "GET /api/v1/users/{id}");
/// assert!(one_user.matches("GET", "/api/v1/users/00u1"));
/// assert!(!one_user.matches("GET", "/api/v1/users"));
/// assert!(!one_user.matches("DELETE", "/api/v1/users/00u1"));
///
/// let groups: Bucket = "/api/v1/groups*".parse().unwrap_or_else(|never| match never {});
/// assert_eq!(groups, Bucket::any("/api/v1/groups*"));
/// assert!(groups.matches("PUT", "/api/v1/groups/00g1/users/00u1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Bucket {
    method: Option<String>,
    pattern: String,
}

/// How specific a bucket is; greater wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Specificity {
    template: bool,
    method: bool,
    literal: usize,
}

/// One `/`-separated piece of a pattern.
enum Segment<'a> {
    Param,
    Literal(&'a str),
}

fn segment(text: &str) -> Segment<'_> {
    if text.len() >= 2 && text.starts_with('{') && text.ends_with('}') {
        Segment::Param
    } else {
        Segment::Literal(text)
    }
}

impl Bucket {
    /// The requests with this method (any when `None` or `"*"`) whose path matches `pattern`.
    pub fn new(method: Option<&str>, pattern: &str) -> Self {
        let method = method
            .map(str::trim)
            .filter(|m| !m.is_empty() && *m != "*")
            .map(str::to_ascii_uppercase);
        Self {
            method,
            pattern: pattern.trim().to_string(),
        }
    }

    /// The requests of any method whose path matches `pattern`.
    pub fn any(pattern: &str) -> Self {
        Self::new(None, pattern)
    }

    /// The method, upper-case; `None` for any.
    pub fn method(&self) -> Option<&str> {
        self.method.as_deref()
    }

    /// The path pattern, as given.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Whether a request with this method and path (no query) falls in the bucket.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method)) && self.matches_path(path)
    }

    fn matches_path(&self, path: &str) -> bool {
        let (body, prefix) = match self.pattern.strip_suffix('*') {
            Some(body) => (body, true),
            None => (self.pattern.as_str(), false),
        };
        let mut wanted = body.split('/').peekable();
        let mut given = path.split('/');
        while let Some(want) = wanted.next() {
            let Some(got) = given.next() else { return false };
            let last = wanted.peek().is_none();
            let fits = match segment(want) {
                Segment::Param => !got.is_empty(),
                Segment::Literal(text) if last && prefix => got.starts_with(text),
                Segment::Literal(text) => got == text,
            };
            if !fits {
                return false;
            }
        }
        prefix || given.next().is_none()
    }

    /// How specific the bucket is, to choose among buckets that match one request.
    pub(crate) fn specificity(&self) -> Specificity {
        let body = self.pattern.strip_suffix('*');
        let literal = body
            .unwrap_or(&self.pattern)
            .split('/')
            .map(|s| match segment(s) {
                Segment::Param => 0,
                Segment::Literal(text) => text.len(),
            })
            .fold(0usize, usize::saturating_add);
        Specificity {
            template: body.is_none(),
            method: self.method.is_some(),
            literal,
        }
    }
}

impl fmt::Display for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.method {
            Some(method) => write!(f, "{method} {}", self.pattern),
            None => f.write_str(&self.pattern),
        }
    }
}

/// Reads `METHOD PATTERN` or `PATTERN` (any method), as a bucket prints.
impl FromStr for Bucket {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(match text.trim().split_once(char::is_whitespace) {
            Some((method, pattern)) => Bucket::new(Some(method), pattern),
            None => Bucket::any(text),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(text: &str) -> Bucket {
        text.parse().unwrap_or_else(|never| match never {})
    }

    #[test]
    fn templates_match_whole_paths_segment_by_segment() {
        let b = bucket("GET /api/v1/users/{id}");
        assert!(b.matches("get", "/api/v1/users/00u1"));
        assert!(!b.matches("GET", "/api/v1/users"));
        assert!(!b.matches("GET", "/api/v1/users/"));
        assert!(!b.matches("GET", "/api/v1/users/00u1/groups"));
        assert!(!b.matches("POST", "/api/v1/users/00u1"));
        let list = bucket("/api/v1/users");
        assert!(list.matches("POST", "/api/v1/users"));
        assert!(!list.matches("GET", "/api/v1/users/00u1"));
    }

    #[test]
    fn prefixes_match_the_start_of_paths() {
        let groups = bucket("/api/v1/groups*");
        assert!(groups.matches("GET", "/api/v1/groups"));
        assert!(groups.matches("DELETE", "/api/v1/groups/00g1/users/00u1"));
        assert!(!groups.matches("GET", "/api/v1/apps"));
        let factors = bucket("POST /api/v1/users/{id}/factors*");
        assert!(factors.matches("POST", "/api/v1/users/00u1/factors/f1/verify"));
        assert!(!factors.matches("POST", "/api/v1/users/00u1/groups"));
        let slash = bucket("/api/v1/users/*");
        assert!(slash.matches("GET", "/api/v1/users/00u1"));
        assert!(!slash.matches("GET", "/api/v1/users"));
        assert!(bucket("*").matches("GET", "/anything/at/all"));
    }

    #[test]
    fn buckets_print_and_read_alike() {
        for text in ["GET /api/v1/users/{id}", "/api/v1/groups*", "*"] {
            assert_eq!(bucket(text).to_string(), text);
        }
        assert_eq!(bucket("* /api/v1/apps"), Bucket::any("/api/v1/apps"));
        assert_eq!(bucket("post  /api/v1/users").to_string(), "POST /api/v1/users");
    }

    #[test]
    fn specificity_orders_template_then_method_then_literal_text() {
        let rank = |text: &str| bucket(text).specificity();
        assert!(rank("GET /api/v1/users/{id}") > rank("/api/v1/users/{id}"));
        assert!(rank("/api/v1/users/{id}") > rank("GET /api/v1/users*"));
        assert!(rank("GET /api/v1/users*") > rank("/api/v1/users/00u*"));
        assert!(rank("/api/v1/users/me") > rank("/api/v1/users/{id}"));
        assert!(rank("/api/v1/users/00u*") > rank("/api/v1/users*"));
        assert!(rank("/api/v1/users*") > rank("*"));
    }
}
