//! Following the System Log: a stream of events that runs for months.
//!
//! A [`Tail`] polls `GET /api/v1/logs` the way Okta documents it: a polling query (`since`,
//! no `until`, ascending) always answers with a `next` link, which the tail follows (it never
//! builds cursors of its own); a bounded query (`until` set) ends. Between requests it waits:
//!
//! - a poll interval after a page that caught up with the log (empty, shorter than the limit,
//!   or only events already handed on), so it never polls in a busy loop;
//! - as the logs endpoint's own rate limit asks, read from each answer's `X-Rate-Limit-*`
//!   headers: the requests still allowed in the window are spread over what is left of it,
//!   leaving a share of the limit (half by default) to the org's other integrations.
//!
//! Events can arrive slightly out of order, and a page boundary or a restart can repeat
//! some: the tail hands each event on once, by its `uuid`, remembering the last ids it saw
//! ([`SeenEvents`], bounded). After any event, [`Tail::checkpoint`] is what resuming needs (the
//! page to fetch next and the ids already handed on); it serializes with serde, and
//! [`TailOptions::resume`] picks up from it after a restart without loss or duplication.
//!
//! 429s, 5xx answers and dropped connections are retried by the client's retry policy; a
//! failure that remains is yielded as an error, and the tail goes on from the same place at
//! the next poll if it is polled again (it never ends silently). What asking again cannot mend
//! ends it after the error: a 4xx other than 429 (a bad `since`, a missing `okta.logs.read`
//! scope, an expired cursor), a `next` link that leaves the org's origin or the logs path
//! ([`Error::Pagination`]), or a checkpoint that points elsewhere ([`Error::InvalidRequest`]).
//! A checkpoint taken then still points at the page that failed, so a restart reports the
//! failure again.
//!
//! A [`Tail`] borrows its client; to run one on a task of its own, move a clone of the
//! client (cheap: it shares its connections and tokens) into the task and tail from there.

mod checkpoint;
mod pace;
mod seen;

pub use checkpoint::Checkpoint;
pub use seen::SeenEvents;

use crate::call::decode;
use crate::error::Error;
use crate::guard;
use crate::operation::OperationMeta;
use crate::options::RequestOptions;
use crate::pipeline::Target;
use crate::runtime::Runtime;
use futures::Stream;
use futures::future::BoxFuture;
use pace::{Pace, Reason};
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};
use tokio::time::Instant;

/// The shortest poll interval a tail accepts: a shorter one would poll an idle log in a loop.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(200);

/// The most events a page of the System Log holds (Okta's maximum `limit`).
pub const MAX_PAGE: u32 = 1000;

/// What to follow, and how.
///
/// ```
/// use okta_sdk::system_log::TailOptions;
/// use std::time::Duration;
/// let options = TailOptions::since("2026-12-01T00:00:00Z")
///     .filter(r#"eventType eq "user.session.start""#)
///     .poll_interval(Duration::from_secs(30))
///     .reserve(0.6); // leave 60% of the logs rate limit to the org's other integrations
/// # let _ = options;
/// ```
#[derive(Debug, Clone)]
pub struct TailOptions {
    since: Option<String>,
    until: Option<String>,
    filter: Option<String>,
    q: Option<String>,
    limit: u32,
    poll_interval: Duration,
    reserve: f64,
    remember: usize,
    resume: Option<Checkpoint>,
    request: RequestOptions,
}

impl Default for TailOptions {
    /// Events from Okta's default start (seven days back), 1,000 a page, polling every 10 s
    /// once caught up, leaving half the logs rate limit to others, remembering 10,000 ids.
    fn default() -> Self {
        Self {
            since: None,
            until: None,
            filter: None,
            q: None,
            limit: MAX_PAGE,
            poll_interval: Duration::from_secs(10),
            reserve: 0.5,
            remember: 10_000,
            resume: None,
            request: RequestOptions::default(),
        }
    }
}

impl TailOptions {
    /// Events published at or after `since` (RFC 3339, such as `2026-12-01T00:00:00Z`).
    pub fn since(since: impl Into<String>) -> Self {
        Self {
            since: Some(since.into()),
            ..Self::default()
        }
    }

    /// Events published at or after `time`.
    pub fn since_time(time: SystemTime) -> Self {
        Self::since(rfc3339(time))
    }

    /// Events published from now on.
    pub fn now() -> Self {
        Self::since_time(SystemTime::now())
    }

    /// Goes on from `checkpoint` (a previous run's [`Tail::checkpoint`]): its next page and the
    /// ids it had handed on. The query is the checkpoint's (its link carries `since`, `until`,
    /// `filter`, `q` and `limit`); the pacing settings are these options'.
    pub fn resume(checkpoint: Checkpoint) -> Self {
        Self::default().resume_from(Some(checkpoint))
    }

    /// Goes on from `checkpoint` if there is one (a file read at start-up), else runs this
    /// query.
    pub fn resume_from(mut self, checkpoint: Option<Checkpoint>) -> Self {
        self.resume = checkpoint;
        self
    }

    /// Ends at `until` (RFC 3339, exclusive): a bounded query, which ends after its last page.
    pub fn until(mut self, until: impl Into<String>) -> Self {
        self.until = Some(until.into());
        self
    }

    /// Only events matching Okta's filter expression (`eventType eq "user.session.start"`).
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.filter = Some(filter.into());
        self
    }

    /// Only events containing these keywords.
    pub fn q(mut self, q: impl Into<String>) -> Self {
        self.q = Some(q.into());
        self
    }

    /// Events a page (1 to [`MAX_PAGE`]; default 1,000: fewer requests for the same events).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = limit;
        self
    }

    /// The wait after a page that caught up with the log (default 10 s; at least
    /// [`MIN_POLL_INTERVAL`]).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// The share of the logs endpoint's rate limit left to the org's other integrations, from
    /// 0.0 (use all of it) to below 1.0 (default 0.5).
    pub fn reserve(mut self, share: f64) -> Self {
        self.reserve = share;
        self
    }

    /// How many event ids are remembered to drop repeats (default 10,000; at least a page).
    pub fn remember(mut self, ids: usize) -> Self {
        self.remember = ids;
        self
    }

    /// Options for each request (headers, retry policy, time budget).
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.request = options;
        self
    }

    fn check(&self) -> Result<(), String> {
        if !(1..=MAX_PAGE).contains(&self.limit) {
            return Err(format!("limit {} is not within 1..={MAX_PAGE}", self.limit));
        }
        if !(self.reserve.is_finite() && (0.0..1.0).contains(&self.reserve)) {
            return Err(format!("reserve {} is not within 0.0..1.0", self.reserve));
        }
        Ok(())
    }

    /// The first page's URL on `org`, or the checkpoint's next page.
    fn first_url(&self, org: &Url, op: &OperationMeta) -> Result<Option<Url>, String> {
        if let Some(checkpoint) = &self.resume {
            return checkpoint.next_url(org, op.path);
        }
        let mut url = org
            .join(op.path)
            .map_err(|e| format!("the org URL cannot hold `{}`: {e}", op.path))?;
        {
            let mut query = url.query_pairs_mut();
            for (name, value) in [
                ("since", &self.since),
                ("until", &self.until),
                ("filter", &self.filter),
                ("q", &self.q),
            ] {
                if let Some(value) = value {
                    query.append_pair(name, value);
                }
            }
            query.append_pair("limit", &self.limit.to_string());
            query.append_pair("sortOrder", "ASCENDING");
        }
        Ok(Some(url))
    }
}

/// RFC 3339 in UTC with milliseconds, as Okta writes times.
fn rfc3339(time: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The `limit` a page URL asks for, when it is a valid one.
fn page_limit(url: &Url) -> Option<usize> {
    url.query_pairs()
        .find(|(k, _)| k == "limit")
        .and_then(|(_, v)| v.parse::<u32>().ok())
        .filter(|l| (1..=MAX_PAGE).contains(l))
        .map(|l| l as usize)
}

/// What a tail has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TailStats {
    /// Pages requested (answered or not).
    pub requests: u64,
    /// Events handed on.
    pub events: u64,
    /// Events dropped as repeats of ones handed on.
    pub duplicates: u64,
    /// Waits to keep the rate limit's reserve (the window's end) or to spread requests.
    pub rate_waits: u64,
    /// Failures yielded.
    pub errors: u64,
}

/// One page as fetched.
struct Fetched<T> {
    url: Url,
    items: Vec<T>,
    headers: HeaderMap,
}

type Fetch<'a, T> = BoxFuture<'a, Result<Fetched<T>, Error>>;

/// A stream of System Log events (see the [module docs](self)). Built by the client
/// (`client.system_log().tail(options)`).
pub struct Tail<'a, T> {
    runtime: &'a Runtime,
    op: &'static OperationMeta,
    /// The org's URL (`None` if the one given was not a URL: the tail yields that and ends).
    org: Option<Url>,
    key: fn(&T) -> Option<&str>,
    request: RequestOptions,
    limit: usize,
    /// The page to fetch next; `None` once the tail has ended.
    next: Option<Url>,
    /// The page whose events are still being handed on.
    current: Option<Url>,
    buffer: VecDeque<T>,
    seen: SeenEvents,
    /// Full pages in a row with no event not seen before (a resumed page is one; more in a
    /// row mean the server is serving the same events again: treated as caught up).
    stale: u32,
    /// The last page fetched (or asked for): where a checkpoint points once a failure has
    /// ended the tail, so that a restart meets the failure again instead of ending silently.
    last: Option<Url>,
    /// Whether a failure ended the tail.
    failed: bool,
    pace: Pace,
    fetch: Option<Fetch<'a, T>>,
    /// Yielded after the buffer: what ended the tail.
    ending: Option<Error>,
    stats: TailStats,
}

impl<T> std::fmt::Debug for Tail<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tail")
            .field("operation", &self.op.id)
            .field("next", &self.next.as_ref().map(Url::as_str))
            .field("buffered", &self.buffer.len())
            .field("remembered", &self.seen.len())
            .field("stats", &self.stats)
            .finish()
    }
}

impl<'a, T: DeserializeOwned + Send + 'a> Tail<'a, T> {
    /// A tail of `op` (`listLogEvents`) on the org at `org`; `key` reads an event's id.
    #[doc(hidden)]
    pub fn start(
        runtime: &'a Runtime,
        org: &str,
        op: &'static OperationMeta,
        options: TailOptions,
        key: fn(&T) -> Option<&str>,
    ) -> Self {
        let limit = options.limit.clamp(1, MAX_PAGE) as usize;
        let mut seen = SeenEvents::new(options.remember.max(limit));
        if let Some(checkpoint) = &options.resume {
            seen.extend(checkpoint.seen());
        }
        let mut tail = Self {
            runtime,
            op,
            org: None,
            key,
            request: options.request.clone(),
            limit,
            next: None,
            current: None,
            buffer: VecDeque::new(),
            seen,
            stale: 0,
            last: None,
            failed: false,
            pace: Pace::new(options.reserve, options.poll_interval.max(MIN_POLL_INTERVAL)),
            fetch: None,
            ending: None,
            stats: TailStats::default(),
        };
        let invalid = |message: String| Error::InvalidRequest {
            operation: op.id,
            message,
        };
        let org = match Url::parse(org) {
            Ok(org) => org,
            Err(e) => {
                tail.ending = Some(invalid(format!("the org URL is not a URL: {e}")));
                return tail;
            }
        };
        let first = options.check().and_then(|()| options.first_url(&org, op));
        tail.org = Some(org);
        match first {
            Ok(next) => {
                // A resumed query pages as its link says, whatever these options' limit.
                if let Some(limit) = next.as_ref().and_then(page_limit) {
                    tail.limit = limit;
                    let mut seen = SeenEvents::new(options.remember.max(limit));
                    seen.extend(tail.seen.ids());
                    tail.seen = seen;
                }
                tail.next = next;
            }
            Err(message) => tail.ending = Some(invalid(message)),
        }
        tail
    }
}

impl<'a, T: DeserializeOwned + Send + 'a> Tail<'a, T> {
    /// A tail that yields one error saying `operation` is not in this build, then ends.
    #[doc(hidden)]
    pub fn unavailable(runtime: &'a Runtime, operation: &'static str, key: fn(&T) -> Option<&str>) -> Self {
        let mut tail = Self::start(runtime, "", &crate::pipeline::RAW, TailOptions::default(), key);
        tail.ending = Some(Error::InvalidRequest {
            operation,
            message: format!("`{operation}` is not in this build's operation table"),
        });
        tail
    }
}

impl<T> Tail<'_, T> {
    /// Where to resume after the events handed on so far: the page to fetch next (the
    /// current one again while some of its events are not handed on yet) and the ids
    /// remembered. Store it after an event or a batch (serde: JSON, a file).
    ///
    /// It holds the ids remembered (up to `remember`, 10,000 by default), so it is worth
    /// saving after a batch or a page rather than after every event of a busy log. After a
    /// failure that ended the tail it points at the page that failed, so a restart meets the
    /// failure again; it says the tail has ended only when a bounded query has.
    pub fn checkpoint(&self) -> Checkpoint {
        let next = self
            .current
            .as_ref()
            .or(self.next.as_ref())
            .or(if self.ended_cleanly() { None } else { self.last.as_ref() });
        Checkpoint::new(next.map(|u| u.as_str().to_owned()), self.seen.ids())
    }

    /// Whether a failure ended (or is about to end) the tail.
    fn ended_cleanly(&self) -> bool {
        !self.failed && self.ending.is_none()
    }

    /// What the tail has done so far.
    pub fn stats(&self) -> TailStats {
        self.stats
    }

    /// Whether the tail has ended (a bounded query's last page was handed on, or a failure
    /// that cannot be retried ended it).
    pub fn is_finished(&self) -> bool {
        self.next.is_none() && self.buffer.is_empty() && self.ending.is_none() && self.fetch.is_none()
    }
}

impl<'a, T: DeserializeOwned + Send + 'a> Tail<'a, T> {
    /// The request for the page at `url`, after the pacing wait.
    fn fetch(&mut self, url: Url) -> Fetch<'a, T> {
        let (wait, reason) = self.pace.wait(Instant::now());
        if matches!(reason, Reason::Reserve | Reason::Spread) && !wait.is_zero() {
            self.stats.rate_waits = self.stats.rate_waits.saturating_add(1);
            if reason == Reason::Reserve {
                tracing::info!(
                    wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    "System Log tail: the logs rate limit is down to the share left for others; waiting for its window to end"
                );
            }
        }
        self.stats.requests = self.stats.requests.saturating_add(1);
        self.last = Some(url.clone());
        let (runtime, op, options) = (self.runtime, self.op, self.request.clone());
        Box::pin(async move {
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            let mut request = reqwest::Request::new(Method::GET, url.clone());
            request
                .headers_mut()
                .insert(ACCEPT, HeaderValue::from_static("application/json"));
            let answer = runtime.call(op, options, request, Target::NextPage).await?;
            let (items, _, headers) = decode::<Vec<T>>(op, answer)?.into_parts();
            Ok(Fetched { url, items, headers })
        })
    }

    /// Takes in a page: its events to hand on, and what comes after it.
    fn take(&mut self, page: Fetched<T>) {
        let link = crate::pagination::next_link(&page.headers);
        let bounded = page.url.query_pairs().any(|(k, _)| k == "until");
        let full = page.items.len() >= self.limit;
        let fresh = page
            .items
            .iter()
            .any(|item| (self.key)(item).is_some_and(|id| !self.seen.contains(id)));
        self.stale = if full && !fresh {
            self.stale.saturating_add(1)
        } else {
            0
        };
        let next = match link {
            // A bounded query ends with its last page, the one without a next link.
            None if bounded => None,
            Some(link) => match self.follow(&page.url, &link) {
                Ok(url) => Some(url),
                Err(e) => {
                    self.ending = Some(e);
                    None
                }
            },
            None => {
                self.ending = Some(Error::Pagination {
                    operation: self.op.id,
                    message: "a polling page of the System Log came without a next link; the tail cannot go on".into(),
                });
                None
            }
        };
        // Caught up: a short page, a page that links to itself (nothing after it yet), or
        // the same events served again (more than the one page a resume fetches twice).
        let caught_up = !full || next.as_ref() == Some(&page.url) || self.stale > 1;
        self.pace
            .answered(&page.headers, caught_up, Instant::now(), SystemTime::now());
        self.next = next;
        self.current = (!page.items.is_empty()).then_some(page.url);
        self.buffer = page.items.into();
    }

    /// The next page `link` points to, resolved against `base`, on the org's origin and the
    /// logs path only.
    fn follow(&self, base: &Url, link: &str) -> Result<Url, Error> {
        let stop = |message: String| Error::Pagination {
            operation: self.op.id,
            message,
        };
        let url = base
            .join(link)
            .map_err(|e| stop(format!("the next link `{}` is not a URL: {e}", link.escape_debug())))?;
        let Some(org) = &self.org else {
            return Err(stop("the tail has no org URL".into()));
        };
        if !guard::same_origin(&url, org) {
            return Err(stop(format!(
                "the next link leaves {}; not sending credentials there",
                org.origin().ascii_serialization()
            )));
        }
        if !guard::path_matches(self.op.path, url.path()) {
            return Err(stop(format!("the next link is not a page of `{}`", self.op.path)));
        }
        Ok(url)
    }
}

impl<'a, T: DeserializeOwned + Send + Unpin + 'a> Stream for Tail<'a, T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            while let Some(item) = this.buffer.pop_front() {
                let fresh = match (this.key)(&item) {
                    Some(id) => this.seen.insert(id),
                    None => true,
                };
                if fresh {
                    this.stats.events = this.stats.events.saturating_add(1);
                    return Poll::Ready(Some(Ok(item)));
                }
                this.stats.duplicates = this.stats.duplicates.saturating_add(1);
            }
            // Every event of the current page is handed on.
            this.current = None;
            if let Some(e) = this.ending.take() {
                this.next = None;
                this.failed = true;
                this.stats.errors = this.stats.errors.saturating_add(1);
                return Poll::Ready(Some(Err(e)));
            }
            if this.fetch.is_none() {
                let Some(url) = this.next.clone() else {
                    return Poll::Ready(None);
                };
                let fetch = this.fetch(url);
                this.fetch = Some(fetch);
            }
            let Some(fetch) = this.fetch.as_mut() else {
                return Poll::Ready(None);
            };
            let outcome = match fetch.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(outcome) => outcome,
            };
            this.fetch = None;
            match outcome {
                Ok(page) => this.take(page),
                Err(e) => {
                    // The same page again at the next poll; a spent rate limit waits its window.
                    let headers = e.api().map(|a| &a.headers);
                    this.pace.failed(headers, Instant::now(), SystemTime::now());
                    // What asking again cannot mend ends the tail (its checkpoint still points
                    // at the page that failed): a link or request refused before sending, or a
                    // 4xx other than 429 (a bad `since`, a missing scope, an expired cursor).
                    let permanent = matches!(e, Error::Pagination { .. } | Error::InvalidRequest { .. })
                        || e.status()
                            .is_some_and(|s| s.is_client_error() && s != reqwest::StatusCode::TOO_MANY_REQUESTS);
                    if permanent {
                        this.next = None;
                        this.failed = true;
                    }
                    this.stats.errors = this.stats.errors.saturating_add(1);
                    return Poll::Ready(Some(Err(e)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_as_okta_writes_them() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_796_415_720_123);
        assert_eq!(rfc3339(t), "2026-12-04T20:22:00.123Z");
    }

    #[test]
    fn the_first_url_carries_the_query_and_bad_options_are_named() {
        let org = Url::parse("https://dev.okta.com").unwrap();
        let op = &crate::pipeline::RAW;
        let op = Box::leak(Box::new(OperationMeta {
            path: "/api/v1/logs",
            ..*op
        }));
        let url = TailOptions::since("2026-12-01T00:00:00Z")
            .filter("eventType eq \"a b\"")
            .limit(50)
            .first_url(&org, op)
            .unwrap()
            .unwrap();
        assert_eq!(
            url.as_str(),
            "https://dev.okta.com/api/v1/logs?since=2026-12-01T00%3A00%3A00Z&filter=eventType+eq+%22a+b%22&limit=50&sortOrder=ASCENDING"
        );
        assert!(TailOptions::default().limit(0).check().unwrap_err().contains("limit 0"));
        assert!(TailOptions::default().limit(5000).check().is_err());
        for bad in [f64::NAN, -0.1, 1.0, f64::INFINITY] {
            assert!(
                TailOptions::default()
                    .reserve(bad)
                    .check()
                    .unwrap_err()
                    .contains("reserve")
            );
        }
    }
}
