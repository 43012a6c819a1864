//! RFC 8288 `Link` header parsing.
//!
//! Hand-written because the crate that exists for it (`parse_link_header` 0.4) strips every
//! quote and space before splitting on commas, so it loses `rel` lists (`rel="next last"`) and
//! breaks on a comma or semicolon inside a quoted parameter. This parser tokenizes instead:
//! several links per header, several headers, quoted and unquoted parameters, any whitespace,
//! backslash escapes in quoted strings, and garbage skipped up to the next `<`.

/// One link: its target and its parameters (names lower-cased, values unquoted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The URI reference between `<` and `>`.
    pub target: String,
    /// Parameters in order, e.g. `("rel", "next")`.
    pub params: Vec<(String, String)>,
}

impl Link {
    /// The first value of a parameter (names are case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The relation types of `rel` (a space-separated list), lower-cased.
    pub fn rels(&self) -> impl Iterator<Item = String> + '_ {
        self.param("rel")
            .into_iter()
            .flat_map(str::split_ascii_whitespace)
            .map(str::to_ascii_lowercase)
    }

    /// Whether `rel` lists `rel` (case-insensitive).
    pub fn has_rel(&self, rel: &str) -> bool {
        self.rels().any(|r| r.eq_ignore_ascii_case(rel))
    }
}

/// Parses every link in one header value.
pub fn parse(value: &str) -> Vec<Link> {
    let mut links = Vec::new();
    let mut p = Parser {
        s: value.as_bytes(),
        i: 0,
    };
    while p.skip_to(b'<') {
        p.i += 1;
        let start = p.i;
        while p.i < p.s.len() && p.s[p.i] != b'>' {
            p.i += 1;
        }
        if p.i >= p.s.len() {
            break; // unterminated target
        }
        let target = String::from_utf8_lossy(&p.s[start..p.i]).trim().to_string();
        p.i += 1;
        let mut params = Vec::new();
        loop {
            p.skip_ws();
            match p.peek() {
                Some(b';') => {
                    p.i += 1;
                    if let Some(param) = p.param() {
                        params.push(param);
                    }
                }
                Some(b',') | None => break,
                Some(_) => {
                    // Not a parameter: skip to the next link.
                    while p.peek().is_some_and(|c| c != b',') {
                        p.i += 1;
                    }
                    break;
                }
            }
        }
        links.push(Link { target, params });
    }
    links
}

/// Parses every link in every `Link` header of a response.
pub fn parse_all(headers: &http::HeaderMap) -> Vec<Link> {
    headers
        .get_all(http::header::LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(parse)
        .collect()
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn skip_to(&mut self, c: u8) -> bool {
        while let Some(x) = self.peek() {
            if x == c {
                return true;
            }
            self.i += 1;
        }
        false
    }

    fn token(&mut self) -> String {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|c| !c.is_ascii_whitespace() && !matches!(c, b'=' | b';' | b','))
        {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).to_string()
    }

    fn param(&mut self) -> Option<(String, String)> {
        self.skip_ws();
        let name = self.token().to_ascii_lowercase();
        self.skip_ws();
        if self.peek() != Some(b'=') {
            return (!name.is_empty()).then(|| (name, String::new()));
        }
        self.i += 1;
        self.skip_ws();
        let value = if self.peek() == Some(b'"') {
            self.i += 1;
            let mut out = Vec::new();
            while let Some(c) = self.peek() {
                self.i += 1;
                match c {
                    b'\\' => {
                        if let Some(n) = self.peek() {
                            out.push(n);
                            self.i += 1;
                        }
                    }
                    b'"' => break,
                    _ => out.push(c),
                }
            }
            String::from_utf8_lossy(&out).to_string()
        } else {
            self.token()
        };
        (!name.is_empty()).then_some((name, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn okta_style_links() {
        let v = r#"<https://dev.okta.com/api/v1/users?limit=2>; rel="self", <https://dev.okta.com/api/v1/users?after=00u2&limit=2>; rel="next""#;
        let links = parse(v);
        assert_eq!(links.len(), 2);
        assert!(links[1].has_rel("next"));
        assert_eq!(links[1].target, "https://dev.okta.com/api/v1/users?after=00u2&limit=2");
    }

    #[test]
    fn rel_lists_unquoted_values_whitespace_and_escapes() {
        let v = "  < /a?x=1 >;REL = \"Next  Last\" ; title=\"a, b; c \\\"q\\\"\" ,</b>;rel=prev;hreflang=en";
        let links = parse(v);
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].target, "/a?x=1");
        assert_eq!(links[0].rels().collect::<Vec<_>>(), ["next", "last"]);
        assert_eq!(links[0].param("title"), Some("a, b; c \"q\""));
        assert!(links[1].has_rel("PREV"));
        assert_eq!(links[1].param("hreflang"), Some("en"));
    }

    #[test]
    fn garbage_and_truncation_do_not_panic() {
        assert!(parse("").is_empty());
        assert!(parse("no links here").is_empty());
        assert!(parse("<unterminated").is_empty());
        let links = parse("junk <a>; rel=next junk, <b>; rel=\"unterminated");
        assert_eq!(links.len(), 2);
        assert_eq!(links[1].param("rel"), Some("unterminated"));
    }

    #[test]
    fn several_headers() {
        let mut h = http::HeaderMap::new();
        h.append(http::header::LINK, http::HeaderValue::from_static("<a>; rel=\"self\""));
        h.append(http::header::LINK, http::HeaderValue::from_static("<b>; rel=\"next\""));
        let links = parse_all(&h);
        assert_eq!(links.iter().map(|l| l.target.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    }
}
