//! The rate limit of `/api/v1/logs`, a bucket of its own beside the org's general one: fixed
//! windows (the first request starts one; it ends `window` later; the next request after that
//! starts a new one), and a record of every request and every 429, for tests to count.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Okta's default for the System Log: 60 requests a minute.
pub(crate) const DEFAULT_LIMIT: u32 = 60;
pub(crate) const DEFAULT_WINDOW: Duration = Duration::from_secs(60);

/// What one request gets from the bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quota {
    pub(crate) limit: u32,
    pub(crate) remaining: u32,
    /// Epoch seconds of the window's end, rounded up.
    pub(crate) reset: i64,
    pub(crate) allowed: bool,
}

#[derive(Debug)]
struct Window {
    started: Instant,
    started_at: SystemTime,
    used: u32,
}

/// The bucket and the record of requests.
#[derive(Debug)]
pub(crate) struct LogLimit {
    limit: u32,
    window: Duration,
    current: Mutex<Option<Window>>,
    requests: Mutex<Vec<SystemTime>>,
    rate_limited: AtomicU64,
}

/// Epoch seconds of `at`, rounded up.
fn epoch_seconds_up(at: SystemTime) -> i64 {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since.as_secs().saturating_add(u64::from(since.subsec_nanos() > 0));
    i64::try_from(seconds).unwrap_or(i64::MAX)
}

/// Epoch seconds, rounded up, of the end of a window that started at `start`.
fn end_of(start: SystemTime, window: Duration) -> i64 {
    start.checked_add(window).map_or(i64::MAX, epoch_seconds_up)
}

impl LogLimit {
    pub(crate) fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit: limit.max(1),
            window: window.max(Duration::from_millis(1)),
            current: Mutex::default(),
            requests: Mutex::default(),
            rate_limited: AtomicU64::new(0),
        }
    }

    /// Records a request and counts it in the current window.
    pub(crate) fn take(&self) -> Quota {
        let (now, now_at) = (Instant::now(), SystemTime::now());
        if let Ok(mut requests) = self.requests.lock() {
            requests.push(now_at);
        }
        let fallback = Quota {
            limit: self.limit,
            remaining: self.limit,
            reset: end_of(now_at, self.window),
            allowed: true,
        };
        let Ok(mut current) = self.current.lock() else {
            return fallback;
        };
        let window = match current.take() {
            Some(w) if now.duration_since(w.started) < self.window => w,
            _ => Window {
                started: now,
                started_at: now_at,
                used: 0,
            },
        };
        let window = current.insert(window);
        let allowed = window.used < self.limit;
        if allowed {
            window.used = window.used.saturating_add(1);
        }
        Quota {
            limit: self.limit,
            remaining: self.limit.saturating_sub(window.used),
            reset: end_of(window.started_at, self.window),
            allowed,
        }
    }

    /// Counts a 429 answered on `/api/v1/logs`.
    pub(crate) fn count_rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn rate_limited(&self) -> u64 {
        self.rate_limited.load(Ordering::Relaxed)
    }

    pub(crate) fn requests(&self) -> Vec<SystemTime> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// The most requests among `times` that fall in any span of `window` (`[t, t + window)`).
pub(crate) fn most_in_window(times: &[SystemTime], window: Duration) -> usize {
    if window.is_zero() {
        return 0;
    }
    let mut sorted = times.to_vec();
    sorted.sort();
    let mut most = 0;
    let mut first = 0;
    for (last, &t) in sorted.iter().enumerate() {
        while first < last
            && sorted
                .get(first)
                .is_some_and(|&f| t.duration_since(f).unwrap_or_default() >= window)
        {
            first += 1;
        }
        most = most.max((last + 1).saturating_sub(first));
    }
    most
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_allows_the_limit_then_refuses_until_it_ends() {
        let bucket = LogLimit::new(2, Duration::from_millis(200));
        let first = bucket.take();
        assert_eq!((first.limit, first.remaining, first.allowed), (2, 1, true));
        assert_eq!(bucket.take().remaining, 0);
        let refused = bucket.take();
        assert_eq!(
            (refused.remaining, refused.allowed, refused.reset),
            (0, false, first.reset)
        );
        std::thread::sleep(Duration::from_millis(250));
        let fresh = bucket.take();
        assert_eq!((fresh.remaining, fresh.allowed), (1, true));
        assert_eq!(bucket.requests().len(), 4);
    }

    #[test]
    fn reset_rounds_up() {
        assert_eq!(epoch_seconds_up(UNIX_EPOCH + Duration::from_millis(10_001)), 11);
        assert_eq!(epoch_seconds_up(UNIX_EPOCH + Duration::from_secs(10)), 10);
    }

    #[test]
    fn most_in_window_slides() {
        let at = |ms| UNIX_EPOCH + Duration::from_millis(ms);
        let times = [at(0), at(500), at(999), at(1000), at(1500), at(3000)];
        assert_eq!(most_in_window(&times, Duration::from_secs(1)), 3);
        assert_eq!(most_in_window(&times, Duration::from_secs(10)), 6);
        assert_eq!(most_in_window(&[], Duration::from_secs(1)), 0);
    }
}
