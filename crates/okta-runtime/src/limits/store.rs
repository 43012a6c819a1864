//! Where the pacing state of the buckets lives: this process's memory by default, or a store
//! that every process of a deployment shares (Okta counts limits per org, not per process).

use super::bucket::Bucket;
use futures::future::BoxFuture;
use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// How long a request waits before asking again while its bucket's limit is not known yet
/// and another request is out learning it.
pub const PROBE_WAIT: Duration = Duration::from_millis(25);

/// Window ends closer than this are one window: `X-Rate-Limit-Reset` and `Date` are whole
/// seconds, so the end worked out from two answers of one window can differ by a second.
pub const SAME_WINDOW_MS: u64 = 1500;

/// The most buckets a [`MemoryStore`] keeps apart; requests of any further bucket share one.
pub const MAX_BUCKETS: usize = 1024;

/// What an answer said about its bucket (`X-Rate-Limit-*`, the window's end by its `Date`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {
    /// `X-Rate-Limit-Limit` (never 0: a concurrent-limit 429's headers are not a bucket's).
    pub limit: u64,
    /// `X-Rate-Limit-Remaining`.
    pub remaining: u64,
    /// When the window ends, on this machine's clock.
    pub window_end: SystemTime,
}

/// Whether a request may go now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Send it; settle it with [`PacingStore::settle`] when its answer (or failure) is in.
    Go,
    /// Ask again after this long.
    Wait(Duration),
}

/// A bucket as a store knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BucketState {
    /// The bucket.
    pub bucket: Bucket,
    /// Its limit, once an answer said it.
    pub limit: Option<u64>,
    /// What is left of it in the current window (the smallest any answer of the window said).
    pub remaining: Option<u64>,
    /// When the current window ends.
    pub window_end: Option<SystemTime>,
    /// Requests admitted and not settled yet.
    pub in_flight: u64,
}

/// The pacing state of every bucket. Admitting a request counts it as in flight until it is
/// settled, so requests running at once never overspend a window between them.
///
/// An implementation shared by several processes ([`MemoryStore`] is per process) lets a
/// fleet of workers pace against one budget; one that cannot reach its storage should admit
/// (and log why) rather than stop every call.
pub trait PacingStore: Send + Sync + fmt::Debug {
    /// Whether one more request of `bucket` may go at `now`, using at most `share` (0.0 to
    /// 1.0) of the bucket's limit; `Go` counts it as in flight.
    fn admit<'a>(&'a self, bucket: &'a Bucket, share: f64, now: SystemTime) -> BoxFuture<'a, Admission>;

    /// Settles a request admitted before: what its answer said about the bucket (`None` for a
    /// failure without rate-limit headers).
    fn settle<'a>(&'a self, bucket: &'a Bucket, seen: Option<Observed>, now: SystemTime) -> BoxFuture<'a, ()>;

    /// The buckets as this store knows them.
    fn buckets(&self) -> Vec<BucketState>;
}

/// One bucket's state, and the decision rule every store can share.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    /// The limit, once known.
    pub limit: Option<u64>,
    /// The smallest remaining count an answer of this window said.
    pub remaining: u64,
    /// The window's end, as milliseconds since the epoch.
    pub end_ms: Option<u64>,
    /// Requests admitted and not settled.
    pub in_flight: u64,
}

/// Milliseconds since the epoch (0 before it).
pub fn epoch_ms(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

impl Window {
    /// Admits a request at `now_ms` using at most `share` of the limit, or says how long to
    /// wait. A window that has ended starts over at its limit; a bucket whose limit is not
    /// known yet lets one request out at a time to learn it.
    pub fn admit(&mut self, share: f64, now_ms: u64) -> Admission {
        if let (Some(limit), Some(end)) = (self.limit, self.end_ms)
            && now_ms >= end
        {
            self.remaining = limit;
            self.end_ms = None;
        }
        let Some(limit) = self.limit else {
            return self.probe();
        };
        // At least one request a window, whatever the share, so a small limit never starves.
        let allowed = ((limit as f64 * share.clamp(0.0, 1.0)).floor() as u64).max(1);
        let used = limit.saturating_sub(self.remaining).saturating_add(self.in_flight);
        if used < allowed {
            self.in_flight = self.in_flight.saturating_add(1);
            return Admission::Go;
        }
        match self.end_ms {
            Some(end) => Admission::Wait(Duration::from_millis(end.saturating_sub(now_ms).max(1))),
            // The window's end is not known (it started over): learn it with one request.
            None => self.probe(),
        }
    }

    fn probe(&mut self) -> Admission {
        if self.in_flight == 0 {
            self.in_flight = 1;
            Admission::Go
        } else {
            Admission::Wait(PROBE_WAIT)
        }
    }

    /// Settles a request: one less in flight, and what its answer said.
    pub fn settle(&mut self, seen: Option<Observed>) {
        self.in_flight = self.in_flight.saturating_sub(1);
        let Some(seen) = seen else { return };
        let end = epoch_ms(seen.window_end);
        self.limit = Some(seen.limit);
        match self.end_ms {
            // The same window (its end, worked out from whole-second headers, moves by up to a
            // second between answers): they can arrive out of order, the smallest count is the
            // latest, and the latest end is kept.
            Some(current) if end.abs_diff(current) <= SAME_WINDOW_MS => {
                self.remaining = self.remaining.min(seen.remaining);
                self.end_ms = Some(current.max(end));
            }
            // An answer of a window already over says nothing about this one.
            Some(current) if end < current => {}
            _ => {
                self.end_ms = Some(end);
                self.remaining = seen.remaining.min(seen.limit);
            }
        }
    }
}

/// The pacing state of this process (the default store).
#[derive(Debug, Default)]
pub struct MemoryStore {
    windows: Mutex<HashMap<Bucket, Window>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn with<R>(&self, bucket: &Bucket, f: impl FnOnce(&mut Window) -> R) -> Option<R> {
        // A poisoned lock means a panic elsewhere while it was held; the counts are still
        // usable.
        let mut windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = if windows.contains_key(bucket) || windows.len() < MAX_BUCKETS {
            bucket.clone()
        } else {
            Bucket::new("other")
        };
        Some(f(windows.entry(key).or_default()))
    }
}

impl PacingStore for MemoryStore {
    fn admit<'a>(&'a self, bucket: &'a Bucket, share: f64, now: SystemTime) -> BoxFuture<'a, Admission> {
        let admission = self
            .with(bucket, |w| w.admit(share, epoch_ms(now)))
            .unwrap_or(Admission::Go);
        Box::pin(std::future::ready(admission))
    }

    fn settle<'a>(&'a self, bucket: &'a Bucket, seen: Option<Observed>, _now: SystemTime) -> BoxFuture<'a, ()> {
        self.with(bucket, |w| w.settle(seen));
        Box::pin(std::future::ready(()))
    }

    fn buckets(&self) -> Vec<BucketState> {
        let windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut all: Vec<BucketState> = windows
            .iter()
            .map(|(bucket, w)| BucketState {
                bucket: bucket.clone(),
                limit: w.limit,
                remaining: w.limit.map(|_| w.remaining),
                window_end: w
                    .end_ms
                    .and_then(|ms| SystemTime::UNIX_EPOCH.checked_add(Duration::from_millis(ms))),
                in_flight: w.in_flight,
            })
            .collect();
        all.sort_by(|a, b| a.bucket.cmp(&b.bucket));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(limit: u64, remaining: u64, end_ms: u64) -> Option<Observed> {
        Some(Observed {
            limit,
            remaining,
            window_end: SystemTime::UNIX_EPOCH + Duration::from_millis(end_ms),
        })
    }

    #[test]
    fn an_unknown_limit_is_learned_by_one_request() {
        let mut w = Window::default();
        assert_eq!(w.admit(0.5, 0), Admission::Go);
        assert_eq!(w.admit(0.5, 0), Admission::Wait(PROBE_WAIT));
        w.settle(seen(10, 9, 60_000));
        assert_eq!(w.admit(0.5, 10), Admission::Go);
    }

    #[test]
    fn requests_in_flight_count_and_the_share_is_kept() {
        let mut w = Window::default();
        w.admit(0.5, 0);
        w.settle(seen(10, 9, 60_000));
        // 1 used; a share of 5: four more go at once, the fifth waits for the window's end.
        for _ in 0..4 {
            assert_eq!(w.admit(0.5, 1_000), Admission::Go);
        }
        assert_eq!(w.admit(0.5, 1_000), Admission::Wait(Duration::from_millis(59_000)));
        // Answers out of order: the smallest remaining wins.
        w.settle(seen(10, 5, 60_000));
        w.settle(seen(10, 7, 60_000));
        assert_eq!(w.remaining, 5);
        assert_eq!(w.in_flight, 2);
        // The window ends: the limit is whole again.
        w.settle(None);
        w.settle(None);
        assert_eq!(w.admit(0.5, 60_000), Admission::Go);
        assert_eq!(w.remaining, 10);
    }

    #[test]
    fn odd_values_never_starve_or_overflow() {
        let mut w = Window::default();
        w.admit(0.0, 0);
        w.settle(seen(1, 0, 1_000));
        assert_eq!(w.admit(0.0, 2_000), Admission::Go, "one a window, whatever the share");
        w.settle(seen(u64::MAX, u64::MAX, u64::MAX));
        assert_eq!(w.admit(f64::NAN, 3_000), Admission::Go);
        // One window, its end a second apart in two answers: still the smallest count.
        let mut jitter = Window::default();
        jitter.admit(1.0, 0);
        jitter.settle(seen(100, 90, 60_000));
        jitter.settle(seen(100, 95, 59_000));
        jitter.settle(seen(100, 97, 61_000));
        assert_eq!((jitter.remaining, jitter.end_ms), (90, Some(61_000)));
        let mut late = Window::default();
        late.admit(1.0, 0);
        late.settle(seen(5, 4, 10_000));
        late.settle(seen(5, 0, 5_000));
        assert_eq!(late.remaining, 4, "an older window's answer is ignored");
    }

    #[test]
    fn buckets_beyond_the_cap_share_one() {
        let store = MemoryStore::new();
        for i in 0..MAX_BUCKETS + 10 {
            let b = Bucket::new(format!("GET /b{i}"));
            futures::executor::block_on(store.admit(&b, 1.0, SystemTime::now()));
        }
        let buckets = store.buckets();
        assert_eq!(buckets.len(), MAX_BUCKETS + 1);
        assert!(buckets.iter().any(|b| b.bucket.as_str() == "other"));
    }
}
