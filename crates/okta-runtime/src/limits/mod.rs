//! Rate limits as Okta defines them: per bucket, learned from the answers, with opt-in pacing
//! that keeps a share of each bucket free; a client-wide concurrency limit; and the counts a
//! user can read ([`MetricsSnapshot`]).
//!
//! - **Buckets.** Each request counts against a bucket, decided from its operation (path
//!   template and method) by a [`BucketRule`] ([`DefaultBuckets`] unless the client is given
//!   another). Limits are never taken from a table: each answer's `X-Rate-Limit-Limit`,
//!   `-Remaining` and `-Reset` (against its `Date`) say what the bucket has, so DynamicScale
//!   and per-token shares are followed as they are.
//! - **Pacing** (off by default; `okta.client.rateLimit.sharePercent`, or
//!   `ClientBuilder::rate_limit_share`). A request goes only while what its bucket has used in
//!   the current window, with the requests in flight, is under the share; otherwise it waits
//!   for the window's end. A bucket whose limit is not known yet lets one request out to learn
//!   it. The state lives in a [`PacingStore`]: [`MemoryStore`] for one process, or a store
//!   every process of a deployment shares. A `tracing` warning names a bucket the first time
//!   in a window that its use passes [`WARN_AT`] of its limit.
//! - **Concurrency** (`okta.client.rateLimit.maxConcurrent`, default
//!   [`DEFAULT_MAX_CONCURRENT`]). At most that many attempts are in flight per client; the
//!   rest wait their turn, page streams and [`fan_out`] included. A 429 for the org's
//!   concurrent-request limit (`X-Rate-Limit-Limit: 0`) is retried after a short pause
//!   ([`crate::retry::CONCURRENT_LIMIT_WAIT`]), not at the estimated reset.

mod bucket;
mod fan_out;
mod metrics;
#[cfg(feature = "redis")]
mod redis;
mod store;

pub use bucket::{Bucket, BucketRule, DefaultBuckets};
pub use fan_out::fan_out;
pub use metrics::{BucketMetrics, MetricsSnapshot};
#[cfg(feature = "redis")]
pub use redis::{DEFAULT_IN_FLIGHT_LEASE, DEFAULT_REDIS_TIMEOUT, REDIS_RETRY_AFTER, RedisStore};
pub use store::{
    Admission, BucketState, MemoryStore, Observed, PROBE_WAIT, PacingStore, SAME_WINDOW_MS, Window, epoch_ms,
};

use crate::error::RateLimit;
use crate::operation::OperationMeta;
use futures::future::{self, Either};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};
use tokio::sync::{Semaphore, SemaphorePermit};

/// How many attempts a client has in flight at most, unless configured: Okta says even large
/// bulk loads rarely need more than 10 simultaneous requests, and its smallest org limits for
/// API traffic are 15 (older developer orgs) and 35 (Integrator Free), so one client leaves the
/// org room for its other integrations.
pub const DEFAULT_MAX_CONCURRENT: usize = 10;

/// The share of a bucket's limit whose passing is warned about (once per window): below the
/// thresholds of Okta's own rate-limit warnings.
pub const WARN_AT: f64 = 0.6;

/// The longest a request waits for its bucket's window to end, whatever an answer said.
pub const MAX_WINDOW_WAIT: Duration = Duration::from_secs(300);

/// How a client treats rate limits (see the [module docs](self)).
#[derive(Debug, Clone)]
pub struct LimitSettings {
    /// The share of each bucket's limit this client uses (0.0 to 1.0); `None`: no pacing.
    pub share: Option<f64>,
    /// Where the pacing state lives.
    pub store: Arc<dyn PacingStore>,
    /// Which bucket a request counts against.
    pub rule: Arc<dyn BucketRule>,
    /// Attempts in flight at most; `None`: no limit.
    pub max_concurrent: Option<usize>,
    /// Counts per bucket even without pacing.
    pub metrics: bool,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            share: None,
            store: Arc::new(MemoryStore::new()),
            rule: Arc::new(DefaultBuckets),
            max_concurrent: Some(DEFAULT_MAX_CONCURRENT),
            metrics: false,
        }
    }
}

/// The limits of one client (shared by its clones).
#[derive(Debug)]
pub(crate) struct Limits {
    pub(crate) settings: LimitSettings,
    /// The concurrency permits, and how many there are. Attempts that hold one are counted
    /// by it; `in_flight` counts attempts only when there are no permits.
    concurrency: Option<(Semaphore, usize)>,
    in_flight: AtomicU64,
    pub(crate) metrics: metrics::Metrics,
    /// Per bucket, the window whose use was warned about (so once per window).
    warned: std::sync::Mutex<std::collections::HashMap<Bucket, u64>>,
}

/// An admitted attempt: its bucket (when tracked) and its concurrency permit. Dropped
/// without [`Limits::leave`] (the call was cancelled, or gave up on its time budget), it still
/// gives back its place, so a bucket never stays full of attempts that ended.
#[derive(Debug)]
pub(crate) struct Ticket<'a> {
    limits: &'a Limits,
    bucket: Option<Bucket>,
    paced: bool,
    _permit: Option<SemaphorePermit<'a>>,
    counted: bool,
    settled: bool,
}

impl<'a> Ticket<'a> {
    /// A ticket not yet counted, with no permit.
    fn new(limits: &'a Limits, bucket: Option<Bucket>, paced: bool) -> Self {
        Self {
            limits,
            bucket,
            paced,
            _permit: None,
            counted: false,
            settled: false,
        }
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        if self.counted {
            self.limits.in_flight.fetch_sub(1, Ordering::Relaxed);
        }
        if let (true, Some(bucket)) = (self.paced, self.bucket.take()) {
            let store = self.limits.settings.store.clone();
            let mut settle: futures::future::BoxFuture<'static, ()> =
                Box::pin(async move { store.settle(&bucket, None, SystemTime::now()).await });
            // The memory store settles at once; another store finishes on the runtime.
            let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
            if settle.as_mut().poll(&mut cx).is_pending()
                && let Ok(runtime) = tokio::runtime::Handle::try_current()
            {
                runtime.spawn(settle);
            }
        }
    }
}

/// Why an attempt was not admitted in time.
pub(crate) struct OverBudget;

impl Limits {
    pub(crate) fn new(settings: LimitSettings) -> Self {
        let concurrency = settings.max_concurrent.map(|n| {
            let n = n.clamp(1, Semaphore::MAX_PERMITS);
            (Semaphore::new(n), n)
        });
        Self {
            settings,
            concurrency,
            in_flight: AtomicU64::new(0),
            metrics: metrics::Metrics::default(),
            warned: Default::default(),
        }
    }

    /// Whether per-bucket state is kept.
    fn tracks(&self) -> bool {
        self.settings.share.is_some() || self.settings.metrics
    }

    /// Waits until an attempt of `op` may go: its bucket's share (pacing) and a concurrency
    /// permit; `deadline` bounds the waits (the call's time budget). Without pacing and with a
    /// permit free, the ticket is ready at once; only a wait is a future of its own (boxed, so
    /// that its state is not part of every call's).
    pub(crate) fn enter<'s: 'a, 'a>(
        &'s self,
        op: &'a OperationMeta,
        method: &'a Method,
        path: &'a str,
        deadline: Option<tokio::time::Instant>,
    ) -> impl Future<Output = Result<Ticket<'s>, OverBudget>> + Send + 'a {
        if self.settings.share.is_none() {
            let permit = match &self.concurrency {
                None => Some(None),
                Some((semaphore, _)) => semaphore.try_acquire().ok().map(Some),
            };
            if let Some(permit) = permit {
                let bucket = self.tracks().then(|| self.settings.rule.bucket(op, method, path));
                let mut ticket = Ticket::new(self, bucket, false);
                ticket._permit = permit;
                self.count(&mut ticket);
                return Either::Left(future::ready(Ok(ticket)));
            }
        }
        Either::Right(Box::pin(self.wait_to_enter(op, method, path, deadline)))
    }

    /// Counts an admitted attempt as in flight when it holds a bucket's place and no permit
    /// (a permit counts itself: one shared counter fewer to update on every attempt).
    fn count(&self, ticket: &mut Ticket<'_>) {
        if ticket._permit.is_none() && ticket.bucket.is_some() {
            self.in_flight.fetch_add(1, Ordering::Relaxed);
            ticket.counted = true;
        }
    }

    /// [`Limits::enter`] when it may have to wait: for the bucket's window, or for a permit.
    async fn wait_to_enter(
        &self,
        op: &OperationMeta,
        method: &Method,
        path: &str,
        deadline: Option<tokio::time::Instant>,
    ) -> Result<Ticket<'_>, OverBudget> {
        let bucket = self.tracks().then(|| self.settings.rule.bucket(op, method, path));
        let mut paced = false;
        if let (Some(share), Some(bucket)) = (self.settings.share, &bucket) {
            // The time asked about: the clock, or the time already waited for, whichever is
            // later (waits run on `tokio::time`, which tests can pause).
            let mut now = SystemTime::now();
            loop {
                match self.settings.store.admit(bucket, share, now).await {
                    Admission::Go => break,
                    Admission::Wait(wait) => {
                        let wait = wait.min(MAX_WINDOW_WAIT);
                        if deadline.is_some_and(|d| tokio::time::Instant::now() + wait >= d) {
                            return Err(OverBudget);
                        }
                        if wait > PROBE_WAIT {
                            self.metrics.waited(bucket);
                            tracing::debug!(%bucket, wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX), "pacing: waiting for the bucket's window");
                        }
                        Box::pin(tokio::time::sleep(wait)).await;
                        let waited = now.checked_add(wait).unwrap_or(now);
                        now = SystemTime::now().max(waited);
                    }
                }
            }
            paced = true;
        }
        // From here the attempt holds its bucket's place: a ticket dropped on the way (the
        // deadline passes while waiting for a permit, the call is cancelled) gives it back.
        let mut ticket = Ticket::new(self, bucket, paced);
        if let Some((semaphore, _)) = &self.concurrency {
            let permit = match semaphore.try_acquire() {
                Ok(permit) => permit,
                Err(_) => {
                    self.metrics.concurrency_wait();
                    let acquire = Box::pin(semaphore.acquire());
                    let acquired = match deadline {
                        Some(d) => tokio::time::timeout_at(d, acquire).await.map_err(|_| OverBudget)?,
                        None => acquire.await,
                    };
                    // The semaphore is never closed.
                    acquired.map_err(|_| OverBudget)?
                }
            };
            ticket._permit = Some(permit);
        }
        self.count(&mut ticket);
        Ok(ticket)
    }

    /// Settles an attempt: its answer's status and headers, or `None` for a failure without an
    /// answer. The counts go to the metrics at once; a paced bucket learns from the answer in
    /// the future returned, which the caller awaits (the store may be across the network).
    pub(crate) fn leave(
        &self,
        mut ticket: Ticket<'_>,
        answer: Option<(StatusCode, &HeaderMap)>,
    ) -> Option<impl Future<Output = ()> + Send + '_> {
        ticket.settled = true;
        if ticket.counted {
            self.in_flight.fetch_sub(1, Ordering::Relaxed);
        }
        let concurrent_429 = answer.is_some_and(|(s, h)| is_concurrency_limit(s, h));
        if concurrent_429 {
            self.metrics.concurrency_rate_limited();
        }
        let bucket = ticket.bucket.take()?;
        let seen = answer
            .filter(|_| !concurrent_429)
            .and_then(|(_, h)| observed(h, SystemTime::now()));
        let rate_limited = answer.is_some_and(|(s, _)| s == StatusCode::TOO_MANY_REQUESTS) && !concurrent_429;
        self.metrics.call(&bucket, seen, rate_limited);
        if let Some(seen) = seen {
            self.warn_if_high(&bucket, seen);
        }
        let store = &self.settings.store;
        ticket.paced.then(|| {
            let now = SystemTime::now();
            async move { store.settle(&bucket, seen, now).await }
        })
    }

    fn warn_if_high(&self, bucket: &Bucket, seen: Observed) {
        let used = seen.limit.saturating_sub(seen.remaining);
        if (used as f64) < seen.limit as f64 * WARN_AT {
            return;
        }
        let window = epoch_ms(seen.window_end);
        let mut warned = self.warned.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // One window whatever second its answers imply (see `SAME_WINDOW_MS`).
        let same = warned.get(bucket).is_some_and(|w| w.abs_diff(window) <= SAME_WINDOW_MS);
        if same || (!warned.contains_key(bucket) && warned.len() >= store::MAX_BUCKETS) {
            return;
        }
        warned.insert(bucket.clone(), window);
        tracing::warn!(
            %bucket,
            limit = seen.limit,
            remaining = seen.remaining,
            "rate limit: more than {:.0}% of the bucket's limit is used in this window",
            WARN_AT * 100.0
        );
    }

    /// Attempts in flight: the permits taken, or without permits, the attempts counted.
    pub(crate) fn in_flight(&self) -> u64 {
        match &self.concurrency {
            Some((semaphore, permits)) => {
                u64::try_from(permits.saturating_sub(semaphore.available_permits())).unwrap_or(u64::MAX)
            }
            None => self.in_flight.load(Ordering::Relaxed),
        }
    }
}

/// Whether an answer is a 429 for the org's concurrent-request limit (Okta sends
/// `X-Rate-Limit-Limit: 0` with it).
pub fn is_concurrency_limit(status: StatusCode, headers: &HeaderMap) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS && RateLimit::from_headers(headers).is_some_and(|r| r.limit == Some(0))
}

/// What an answer's headers say about its bucket, with the window's end moved onto this
/// machine's clock by the answer's `Date` (none for a concurrent-limit answer, whose limit is 0).
pub fn observed(headers: &HeaderMap, now: SystemTime) -> Option<Observed> {
    let RateLimit {
        limit: Some(limit),
        remaining: Some(remaining),
        reset: Some(reset),
    } = RateLimit::from_headers(headers)?
    else {
        return None;
    };
    if limit == 0 {
        return None;
    }
    let date = headers
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .unwrap_or(now);
    // `Date` is the server's clock cut to the second, so the server's time was at least `date`
    // when it answered, and at most `reset - date` of the window was left: waiting that long
    // from now is never early.
    let left = SystemTime::UNIX_EPOCH
        .checked_add(Duration::from_secs(reset))
        .and_then(|reset| reset.duration_since(date).ok())
        .unwrap_or_default()
        .min(MAX_WINDOW_WAIT);
    Some(Observed {
        limit,
        remaining: remaining.min(limit),
        window_end: now.checked_add(left).unwrap_or(now),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn an_attempt_dropped_on_the_way_gives_its_place_back() {
        let limits = Limits::new(LimitSettings {
            share: Some(1.0),
            max_concurrent: Some(1),
            ..LimitSettings::default()
        });
        let op = crate::pipeline::RAW;
        futures::executor::block_on(async {
            let ticket = limits
                .enter(&op, &Method::GET, "/api/v1/users", None)
                .await
                .ok()
                .unwrap();
            assert_eq!(
                (limits.in_flight(), limits.settings.store.buckets()[0].in_flight),
                (1, 1)
            );
            // Cancelled before its answer: nothing stays counted.
            drop(ticket);
            assert_eq!(
                (limits.in_flight(), limits.settings.store.buckets()[0].in_flight),
                (0, 0)
            );
            // The bucket's limit is still unknown, so the next attempt is its probe again.
            let again = limits.enter(&op, &Method::GET, "/api/v1/users", None).await;
            assert!(again.is_ok());
        });
    }

    #[test]
    fn an_answer_says_its_window_by_its_own_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000);
        // The server's clock is 100 s behind ours; its window ends 30 s after its `Date`.
        let date = httpdate::fmt_http_date(now - Duration::from_secs(100));
        let reset = (2_000_000_000u64 - 100 + 30).to_string();
        let h = headers(&[
            ("x-rate-limit-limit", "600"),
            ("x-rate-limit-remaining", "599"),
            ("x-rate-limit-reset", &reset),
            ("date", &date),
        ]);
        let o = observed(&h, now).unwrap();
        assert_eq!((o.limit, o.remaining), (600, 599));
        assert_eq!(o.window_end, now + Duration::from_secs(30));
        // A hostile reset is capped; a concurrent-limit answer says nothing about a bucket.
        let far = headers(&[
            ("x-rate-limit-limit", "5"),
            ("x-rate-limit-remaining", "9"),
            ("x-rate-limit-reset", "99999999999999"),
        ]);
        let o = observed(&far, now).unwrap();
        assert_eq!((o.remaining, o.window_end), (5, now + MAX_WINDOW_WAIT));
        let concurrent = headers(&[
            ("x-rate-limit-limit", "0"),
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", "1"),
        ]);
        assert_eq!(observed(&concurrent, now), None);
        assert!(is_concurrency_limit(StatusCode::TOO_MANY_REQUESTS, &concurrent));
        assert!(!is_concurrency_limit(StatusCode::TOO_MANY_REQUESTS, &far));
    }
}
