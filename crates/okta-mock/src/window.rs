//! One bucket's fixed windows: the first request starts a window, which ends `length` later;
//! the next request after that starts a new one. Each window admits `limit` requests.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The shortest window (a zero-length one would never admit anything).
const SHORTEST: Duration = Duration::from_millis(1);

/// What one request gets from a bucket: the `X-Rate-Limit-*` values and the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quota {
    pub(crate) limit: u32,
    pub(crate) remaining: u32,
    /// Epoch seconds of the window's end, rounded up.
    pub(crate) reset: i64,
    pub(crate) allowed: bool,
}

impl Quota {
    /// The answer to a request refused by the concurrent-request limit: `Limit` and
    /// `Remaining` 0, and a reset that is only an estimate ([`soon`]).
    pub(crate) fn concurrency_refusal() -> Self {
        Self {
            limit: 0,
            remaining: 0,
            reset: soon(),
            allowed: false,
        }
    }
}

/// Epoch seconds, rounded up, a second from now: the reset of a 429 that no window explains.
pub(crate) fn soon() -> i64 {
    end_of(SystemTime::now(), Duration::from_secs(1))
}

#[derive(Debug)]
struct Current {
    started: Instant,
    started_at: SystemTime,
    used: u32,
}

/// A bucket's limit and its current window.
#[derive(Debug)]
pub(crate) struct FixedWindow {
    limit: u32,
    length: Duration,
    current: Option<Current>,
    /// The most requests admitted in one window so far.
    most: u32,
}

/// Epoch seconds of `at`, rounded up.
pub(crate) fn epoch_seconds_up(at: SystemTime) -> i64 {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since.as_secs().saturating_add(u64::from(since.subsec_nanos() > 0));
    i64::try_from(seconds).unwrap_or(i64::MAX)
}

/// Epoch seconds, rounded up, of the end of a window that started at `start`.
fn end_of(start: SystemTime, window: Duration) -> i64 {
    start.checked_add(window).map_or(i64::MAX, epoch_seconds_up)
}

impl FixedWindow {
    /// `limit` requests (at least one) per `length` (at least a millisecond).
    pub(crate) fn new(limit: u32, length: Duration) -> Self {
        Self {
            limit: limit.max(1),
            length: length.max(SHORTEST),
            current: None,
            most: 0,
        }
    }

    /// Changes the limit and the length at once; the current window keeps its start and its
    /// count, and now ends `length` after its start.
    pub(crate) fn set(&mut self, limit: u32, length: Duration) {
        self.limit = limit.max(1);
        self.length = length.max(SHORTEST);
    }

    pub(crate) fn limit(&self) -> u32 {
        self.limit
    }

    pub(crate) fn length(&self) -> Duration {
        self.length
    }

    /// The most requests admitted in any one window so far.
    pub(crate) fn most(&self) -> u32 {
        self.most
    }

    /// Counts a request arriving now in the current window (starting one if none is open).
    pub(crate) fn take(&mut self, now: Instant, now_at: SystemTime) -> Quota {
        let open = self
            .current
            .as_ref()
            .is_some_and(|w| now.saturating_duration_since(w.started) < self.length);
        if !open {
            self.current = None;
        }
        let window = self.current.get_or_insert(Current {
            started: now,
            started_at: now_at,
            used: 0,
        });
        let allowed = window.used < self.limit;
        if allowed {
            window.used = window.used.saturating_add(1);
            self.most = self.most.max(window.used);
        }
        Quota {
            limit: self.limit,
            remaining: self.limit.saturating_sub(window.used),
            reset: end_of(window.started_at, self.length),
            allowed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn take(window: &mut FixedWindow) -> Quota {
        window.take(Instant::now(), SystemTime::now())
    }

    #[test]
    fn a_window_allows_the_limit_then_refuses_until_it_ends() {
        let mut bucket = FixedWindow::new(2, Duration::from_millis(200));
        let first = take(&mut bucket);
        assert_eq!((first.limit, first.remaining, first.allowed), (2, 1, true));
        assert_eq!(take(&mut bucket).remaining, 0);
        let refused = take(&mut bucket);
        assert_eq!(
            (refused.remaining, refused.allowed, refused.reset),
            (0, false, first.reset)
        );
        std::thread::sleep(Duration::from_millis(250));
        let fresh = take(&mut bucket);
        assert_eq!((fresh.remaining, fresh.allowed), (1, true));
        assert_eq!(bucket.most(), 2);
    }

    #[test]
    fn a_new_limit_applies_to_the_open_window() {
        let mut bucket = FixedWindow::new(5, Duration::from_secs(60));
        take(&mut bucket);
        take(&mut bucket);
        bucket.set(2, Duration::from_secs(60));
        assert!(!take(&mut bucket).allowed);
        bucket.set(0, Duration::ZERO);
        assert_eq!((bucket.limit(), bucket.length()), (1, SHORTEST));
    }

    #[test]
    fn reset_rounds_up() {
        assert_eq!(epoch_seconds_up(UNIX_EPOCH + Duration::from_millis(10_001)), 11);
        assert_eq!(epoch_seconds_up(UNIX_EPOCH + Duration::from_secs(10)), 10);
    }

    #[test]
    fn the_concurrency_refusal_has_no_quota_and_resets_soon() {
        let refusal = Quota::concurrency_refusal();
        let now = chrono::Utc::now().timestamp();
        assert_eq!((refusal.limit, refusal.remaining, refusal.allowed), (0, 0, false));
        assert!(
            refusal.reset > now && refusal.reset <= now + 2,
            "{} vs {now}",
            refusal.reset
        );
    }
}
