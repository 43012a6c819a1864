//! The record of requests to `/api/v1/logs` (when each arrived, and how many got a 429), for
//! tests to check that a tail stays under the logs rate limit. The limit itself is a bucket
//! like any other (see `limits`).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// Whether a path is one of `/api/v1/logs`.
pub(crate) fn is_logs(path: &str) -> bool {
    path == "/api/v1/logs" || path.starts_with("/api/v1/logs/")
}

/// Every request to `/api/v1/logs`, and every 429 it answered.
#[derive(Debug, Default)]
pub(crate) struct LogRecord {
    requests: Mutex<Vec<SystemTime>>,
    rate_limited: AtomicU64,
}

impl LogRecord {
    /// Records a request arriving now.
    pub(crate) fn arrived(&self) {
        if let Ok(mut requests) = self.requests.lock() {
            requests.push(SystemTime::now());
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
            first = first.saturating_add(1);
        }
        most = most.max((last + 1).saturating_sub(first));
    }
    most
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn most_in_window_slides() {
        let at = |ms| UNIX_EPOCH + Duration::from_millis(ms);
        let times = [at(0), at(500), at(999), at(1000), at(1500), at(3000)];
        assert_eq!(most_in_window(&times, Duration::from_secs(1)), 3);
        assert_eq!(most_in_window(&times, Duration::from_secs(10)), 6);
        assert_eq!(most_in_window(&[], Duration::from_secs(1)), 0);
    }

    #[test]
    fn logs_paths() {
        assert!(is_logs("/api/v1/logs"));
        assert!(is_logs("/api/v1/logs/x"));
        assert!(!is_logs("/api/v1/logsx"));
    }

    #[test]
    fn the_record_keeps_every_request() {
        let record = LogRecord::default();
        record.arrived();
        record.arrived();
        record.count_rate_limited();
        assert_eq!((record.requests().len(), record.rate_limited()), (2, 1));
    }
}
