//! Where a tail resumes: serializable, and checked before it is trusted.

use crate::guard;
use reqwest::Url;
use serde::{Deserialize, Serialize};

/// The version of the checkpoint format this crate writes and reads.
const VERSION: u32 = 1;

/// Where a [`super::Tail`] resumes after a restart: the page to fetch next and the ids of
/// the events it had handed on (see [`super::Tail::checkpoint`]). Serialize it with serde
/// (JSON in a file is the usual place) and pass it to [`super::TailOptions::resume`].
///
/// A checkpoint comes back from storage, so it is not trusted: its link must be a page of
/// the System Log on the org the client talks to, else the tail refuses it (its credentials
/// never go where a changed file points).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    version: u32,
    /// The page to fetch next; `None` once a bounded query has ended (after a failure that
    /// ended the tail, the page that failed).
    next: Option<String>,
    /// The ids handed on, oldest first (at most the tail's `remember` setting).
    seen: Vec<String>,
}

/// The link and the number of ids (not the ids themselves).
impl std::fmt::Debug for Checkpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checkpoint")
            .field("version", &self.version)
            .field("next", &self.next)
            .field("seen", &self.seen.len())
            .finish()
    }
}

impl Checkpoint {
    pub(crate) fn new<'a>(next: Option<String>, seen: impl Iterator<Item = &'a str>) -> Self {
        Self {
            version: VERSION,
            next,
            seen: seen.map(str::to_owned).collect(),
        }
    }

    /// The page a resumed tail fetches first; `None` when the tail had ended.
    pub fn next_link(&self) -> Option<&str> {
        self.next.as_deref()
    }

    /// The ids of the events handed on, oldest first.
    pub fn seen(&self) -> impl Iterator<Item = &str> {
        self.seen.iter().map(String::as_str)
    }

    /// The next page as a URL on `org` whose path is `path`, or why not.
    pub(crate) fn next_url(&self, org: &Url, path: &str) -> Result<Option<Url>, String> {
        if self.version != VERSION {
            return Err(format!(
                "the checkpoint has format version {}; this version reads {VERSION}",
                self.version
            ));
        }
        let Some(next) = &self.next else {
            return Ok(None);
        };
        let url = org
            .join(next)
            .map_err(|e| format!("the checkpoint's next link is not a URL: {e}"))?;
        if !guard::same_origin(&url, org) {
            return Err(format!(
                "the checkpoint's next link is not on {}; not sending credentials there",
                org.origin().ascii_serialization()
            ));
        }
        if !guard::path_matches(path, url.path()) {
            return Err(format!("the checkpoint's next link is not a page of `{path}`"));
        }
        Ok(Some(url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org() -> Url {
        Url::parse("https://dev.okta.com").unwrap()
    }

    #[test]
    fn a_checkpoint_round_trips_through_json() {
        let c = Checkpoint::new(
            Some("https://dev.okta.com/api/v1/logs?after=abc".into()),
            ["a", "b"].into_iter(),
        );
        let text = serde_json::to_string(&c).unwrap();
        assert_eq!(
            text,
            r#"{"version":1,"next":"https://dev.okta.com/api/v1/logs?after=abc","seen":["a","b"]}"#
        );
        let back: Checkpoint = serde_json::from_str(&text).unwrap();
        assert_eq!(back, c);
        assert_eq!(
            back.next_url(&org(), "/api/v1/logs").unwrap().unwrap().as_str(),
            "https://dev.okta.com/api/v1/logs?after=abc"
        );
    }

    #[test]
    fn a_changed_checkpoint_is_refused_and_names_why() {
        for (next, why) in [
            ("https://evil.example/api/v1/logs", "not on https://dev.okta.com"),
            ("http://dev.okta.com/api/v1/logs", "not on"),
            ("https://dev.okta.com/api/v1/users", "not a page of"),
            ("https://dev.okta.com/api/v1/logs/../users", "not a page of"),
            ("https://[::1", "not a URL"),
        ] {
            let c = Checkpoint::new(Some(next.into()), std::iter::empty());
            let e = c.next_url(&org(), "/api/v1/logs").unwrap_err();
            assert!(e.contains(why), "{next}: {e}");
            assert!(!e.contains("evil"), "only the org is named: {e}");
        }
        let mut c = Checkpoint::new(None, std::iter::empty());
        assert_eq!(c.next_url(&org(), "/api/v1/logs"), Ok(None));
        c.version = 7;
        assert!(c.next_url(&org(), "/api/v1/logs").unwrap_err().contains("version 7"));
    }
}
