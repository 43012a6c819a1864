//! The org's rate limits: a fixed-window limit per bucket (configured buckets first, most
//! specific first, then the endpoint families every org has), the concurrent-request limit,
//! the added latency, and the counters tests read.

use crate::bucket::{Bucket, Specificity};
use crate::window::{FixedWindow, Quota};
use std::cmp::Reverse;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

/// The window of the org-wide limit of the endpoint families.
pub(crate) const GENERAL_WINDOW: Duration = Duration::from_secs(60);
/// Okta's default for the System Log: 60 requests a minute.
const LOGS_LIMIT: u32 = 60;
const LOGS_WINDOW: Duration = Duration::from_secs(60);
/// The endpoint families under the org-wide limit, after `/api/v1/logs` and before the
/// catch-all `*`.
const FAMILIES: [&str; 4] = [
    "/api/v1/users*",
    "/api/v1/groups*",
    "/api/v1/apps*",
    "/oauth2/v1/token*",
];

/// The bucket of `/api/v1/logs`, which has a limit of its own by default.
pub(crate) fn logs_bucket() -> Bucket {
    Bucket::any("/api/v1/logs*")
}

/// The counters of one rate-limit bucket, from [`MockOrg::bucket_stats`](crate::MockOrg::bucket_stats).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketStats {
    /// The bucket as it prints (`GET /api/v1/users`, `/api/v1/groups*`, `*`).
    pub bucket: String,
    /// Requests admitted per window.
    pub limit: u32,
    /// The length of a window.
    pub window: Duration,
    /// Every request the bucket matched, whatever its answer (refused ones included).
    pub requests: u64,
    /// The `429`s given because this bucket's window was used up (not those of the
    /// concurrent-request limit, nor injected ones).
    pub rate_limited: u64,
    /// The most requests the bucket admitted in any one window.
    pub most_in_window: usize,
}

/// A bucket with its limit and counters.
#[derive(Debug)]
struct Rule {
    bucket: Bucket,
    /// Set by the builder or at run time (not one of the families every org has).
    configured: bool,
    window: FixedWindow,
    requests: u64,
    rate_limited: u64,
}

impl Rule {
    fn new(bucket: Bucket, configured: bool, limit: u32, window: Duration) -> Self {
        Self {
            bucket,
            configured,
            window: FixedWindow::new(limit, window),
            requests: 0,
            rate_limited: 0,
        }
    }

    /// Which rule counts a request that several match: greater first. The families keep
    /// their order (the catch-all `*` last).
    fn rank(&self) -> (bool, Option<Specificity>) {
        (self.configured, self.configured.then(|| self.bucket.specificity()))
    }

    fn stats(&self) -> BucketStats {
        BucketStats {
            bucket: self.bucket.to_string(),
            limit: self.window.limit(),
            window: self.window.length(),
            requests: self.requests,
            rate_limited: self.rate_limited,
            most_in_window: usize::try_from(self.window.most()).unwrap_or(usize::MAX),
        }
    }
}

/// Requests being served, against the concurrent-request limit.
#[derive(Debug)]
struct Flight {
    now: AtomicUsize,
    /// `usize::MAX` when there is no limit.
    max: AtomicUsize,
    most: AtomicUsize,
}

/// A request being served; it leaves the count when dropped (answered, failed or abandoned).
#[derive(Debug)]
pub(crate) struct InFlight<'a> {
    now: &'a AtomicUsize,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let _ = self
            .now
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
    }
}

/// All the limits of an org.
#[derive(Debug)]
pub(crate) struct Limits {
    /// In the order requests are matched.
    rules: Mutex<Vec<Rule>>,
    flight: Flight,
    /// Every `429` of a limit (buckets and concurrency).
    rate_limited: AtomicU64,
    concurrency_rate_limited: AtomicU64,
    /// The least time an `/api` request takes, in nanoseconds.
    latency_nanos: AtomicU64,
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

fn max_in_flight(limit: Option<usize>) -> usize {
    limit.map_or(usize::MAX, |n| n.max(1))
}

impl Limits {
    /// The families every org has (`/api/v1/logs` at 60 a minute, the others and the
    /// catch-all at `general` a minute), then the configured buckets in order.
    pub(crate) fn new<'a>(
        general: u32,
        configured: impl IntoIterator<Item = &'a (Bucket, u32, Duration)>,
        concurrency: Option<usize>,
        latency: Duration,
    ) -> Self {
        let mut rules = vec![Rule::new(logs_bucket(), false, LOGS_LIMIT, LOGS_WINDOW)];
        rules.extend(
            FAMILIES
                .iter()
                .chain(&["*"])
                .map(|family| Rule::new(Bucket::any(family), false, general, GENERAL_WINDOW)),
        );
        let limits = Self {
            rules: Mutex::new(rules),
            flight: Flight {
                now: AtomicUsize::new(0),
                max: AtomicUsize::new(max_in_flight(concurrency)),
                most: AtomicUsize::new(0),
            },
            rate_limited: AtomicU64::new(0),
            concurrency_rate_limited: AtomicU64::new(0),
            latency_nanos: AtomicU64::new(nanos(latency)),
        };
        for (bucket, limit, window) in configured {
            limits.set(bucket.clone(), *limit, *window);
        }
        limits
    }

    fn rules(&self) -> MutexGuard<'_, Vec<Rule>> {
        self.rules.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sets a bucket's limit (adding the bucket if it is new); it counts before the families.
    pub(crate) fn set(&self, bucket: Bucket, limit: u32, window: Duration) {
        let mut rules = self.rules();
        match rules.iter_mut().find(|r| r.bucket == bucket) {
            Some(rule) => {
                rule.window.set(limit, window);
                rule.configured = true;
            }
            None => rules.push(Rule::new(bucket, true, limit, window)),
        }
        // Stable: among equals, the first configured stays first.
        rules.sort_by_key(|r| Reverse(r.rank()));
    }

    /// Counts a request that the concurrent-request limit refused: in its bucket's requests
    /// (not its window) and among the 429s.
    pub(crate) fn refuse_concurrent(&self, method: &str, path: &str) {
        if let Some(rule) = self.rules().iter_mut().find(|r| r.bucket.matches(method, path)) {
            rule.requests = rule.requests.saturating_add(1);
        }
        self.concurrency_rate_limited.fetch_add(1, Ordering::Relaxed);
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a request in its bucket's window. A refusal counts among the 429s when
    /// `answered` (the request gets the bucket's 429 rather than an injected fault).
    pub(crate) fn take(&self, method: &str, path: &str, answered: bool) -> Quota {
        let (now, now_at) = (Instant::now(), SystemTime::now());
        let mut rules = self.rules();
        let Some(rule) = rules.iter_mut().find(|r| r.bucket.matches(method, path)) else {
            // The catch-all `*` matches every path; this is only a safe answer.
            return FixedWindow::new(u32::MAX, GENERAL_WINDOW).take(now, now_at);
        };
        rule.requests = rule.requests.saturating_add(1);
        let quota = rule.window.take(now, now_at);
        if !quota.allowed && answered {
            rule.rate_limited = rule.rate_limited.saturating_add(1);
            self.rate_limited.fetch_add(1, Ordering::Relaxed);
        }
        quota
    }

    /// Every bucket's counters, in the order requests are matched.
    pub(crate) fn stats(&self) -> Vec<BucketStats> {
        self.rules().iter().map(Rule::stats).collect()
    }

    /// Admits a request under the concurrent-request limit, or `None` when as many as the
    /// limit are being served.
    pub(crate) fn admit(&self) -> Option<InFlight<'_>> {
        let max = self.flight.max.load(Ordering::SeqCst);
        let before = self
            .flight
            .now
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then(|| n.saturating_add(1))
            })
            .ok()?;
        self.flight.most.fetch_max(before.saturating_add(1), Ordering::SeqCst);
        Some(InFlight { now: &self.flight.now })
    }

    pub(crate) fn set_concurrency(&self, limit: Option<usize>) {
        self.flight.max.store(max_in_flight(limit), Ordering::SeqCst);
    }

    pub(crate) fn in_flight(&self) -> usize {
        self.flight.now.load(Ordering::SeqCst)
    }

    pub(crate) fn most_in_flight(&self) -> usize {
        self.flight.most.load(Ordering::SeqCst)
    }

    pub(crate) fn rate_limited(&self) -> u64 {
        self.rate_limited.load(Ordering::Relaxed)
    }

    pub(crate) fn concurrency_rate_limited(&self) -> u64 {
        self.concurrency_rate_limited.load(Ordering::Relaxed)
    }

    pub(crate) fn latency(&self) -> Duration {
        Duration::from_nanos(self.latency_nanos.load(Ordering::Relaxed))
    }

    /// When a request that arrived at `arrived` may be answered: `None` without added latency.
    /// A zero latency must not reach a timer: tokio rounds every deadline up to its next
    /// millisecond tick, so `sleep_until(now)` held each answer up to a millisecond.
    pub(crate) fn answer_at(&self, arrived: tokio::time::Instant) -> Option<tokio::time::Instant> {
        let latency = self.latency();
        if latency.is_zero() {
            return None;
        }
        arrived.checked_add(latency)
    }

    pub(crate) fn set_latency(&self, latency: Duration) {
        self.latency_nanos.store(nanos(latency), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(configured: &[(Bucket, u32, Duration)]) -> Limits {
        Limits::new(1_000, configured, None, Duration::ZERO)
    }

    fn names(limits: &Limits) -> Vec<String> {
        limits.stats().into_iter().map(|s| s.bucket).collect()
    }

    #[test]
    fn only_an_added_latency_holds_an_answer() {
        let limits = limits(&[]);
        let now = tokio::time::Instant::now();
        assert_eq!(limits.answer_at(now), None);
        limits.set_latency(Duration::from_millis(5));
        assert_eq!(limits.answer_at(now), Some(now + Duration::from_millis(5)));
        limits.set_latency(Duration::MAX);
        // The largest latency overflows no instant: no deadline, or one after now.
        assert!(limits.answer_at(now).is_none_or(|at| at > now));
    }

    #[test]
    fn every_org_has_the_families() {
        let names = names(&limits(&[]));
        assert_eq!(
            names,
            [
                "/api/v1/logs*",
                "/api/v1/users*",
                "/api/v1/groups*",
                "/api/v1/apps*",
                "/oauth2/v1/token*",
                "*"
            ]
        );
    }

    #[test]
    fn configured_buckets_come_first_most_specific_first() {
        let minute = Duration::from_secs(60);
        let limits = limits(&[
            (Bucket::any("/api/v1*"), 5, minute),
            (Bucket::any("/api/v1/users/{id}"), 5, minute),
            (Bucket::new(Some("GET"), "/api/v1/users/{id}"), 5, minute),
            (Bucket::any("/api/v1/users/me"), 5, minute),
        ]);
        let names = names(&limits);
        assert_eq!(
            names.get(..4),
            Some(
                &[
                    "GET /api/v1/users/{id}",
                    "/api/v1/users/me",
                    "/api/v1/users/{id}",
                    "/api/v1*",
                ]
                .map(String::from)[..]
            )
        );
        limits.take("GET", "/api/v1/users/00u1", true);
        limits.take("GET", "/api/v1/users/me", true);
        limits.take("DELETE", "/api/v1/users/00u1", true);
        limits.take("GET", "/api/v1/groups", true);
        let requests: Vec<u64> = limits.stats().iter().map(|s| s.requests).take(4).collect();
        assert_eq!(requests, [2, 0, 1, 1]);
    }

    #[test]
    fn setting_a_family_changes_it_in_place() {
        let limits = limits(&[]);
        limits.set(Bucket::any("/api/v1/groups*"), 1, Duration::from_secs(60));
        assert_eq!(names(&limits).len(), 6);
        assert!(limits.take("GET", "/api/v1/groups", true).allowed);
        assert!(!limits.take("GET", "/api/v1/groups/00g1", true).allowed);
        assert!(!limits.take("GET", "/api/v1/groups/00g1", false).allowed);
        let groups = limits.stats().into_iter().find(|s| s.bucket == "/api/v1/groups*");
        let groups = groups.map(|s| (s.requests, s.rate_limited, s.most_in_window, s.limit));
        assert_eq!(groups, Some((3, 1, 1, 1)));
        assert_eq!(limits.rate_limited(), 1);
    }

    #[test]
    fn the_concurrency_limit_counts_requests_in_flight() {
        let limits = limits(&[]);
        limits.set_concurrency(Some(2));
        let first = limits.admit();
        let second = limits.admit();
        assert!(first.is_some() && second.is_some());
        assert!(limits.admit().is_none());
        drop(first);
        assert_eq!(limits.in_flight(), 1);
        assert!(limits.admit().is_some());
        limits.set_concurrency(None);
        let many: Vec<_> = (0..10).filter_map(|_| limits.admit()).collect();
        assert_eq!((many.len(), limits.most_in_flight()), (10, 11));
        drop(many);
        drop(second);
        assert_eq!(limits.in_flight(), 0);
    }

    #[test]
    fn a_request_that_panics_leaves_the_count() {
        let limits = limits(&[]);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _in_flight = limits.admit();
            panic!("a handler panics");
        }));
        assert!(caught.is_err());
        assert_eq!((limits.in_flight(), limits.most_in_flight()), (0, 1));
    }
}
