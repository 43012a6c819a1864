//! How long a tail waits before its next request: after a page that caught up with the log,
//! and to keep a share of the logs endpoint's rate limit free for the org's other
//! integrations.

use crate::error::RateLimit;
use reqwest::header::HeaderMap;
use std::time::{Duration, SystemTime};
use tokio::time::Instant;

/// The longest a tail waits for a rate-limit window to end, whatever the server says (Okta's
/// windows are one minute).
pub(crate) const MAX_WINDOW_WAIT: Duration = Duration::from_secs(300);

/// What the last answer said about the logs endpoint's rate limit.
#[derive(Debug, Clone, Copy)]
struct Budget {
    limit: u64,
    remaining: u64,
    /// When the answer arrived.
    at: Instant,
    /// When its window ends (by the answer's `Date`, not this machine's clock).
    window_end: Instant,
}

/// The pacing state of one tail.
#[derive(Debug, Clone)]
pub(crate) struct Pace {
    /// The share of the limit left for others, in `0.0..1.0`.
    reserve: f64,
    /// The wait after a page that caught up (empty, short, or only events already seen).
    poll: Duration,
    budget: Option<Budget>,
    /// When the last answer (or failure) arrived, and whether it caught up.
    last: Option<(Instant, bool)>,
}

/// Why a tail waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    /// Nothing to wait for.
    None,
    /// The last page caught up with the log.
    Poll,
    /// Spreading requests over the rate-limit window.
    Spread,
    /// The share left for others is reached: waiting for the window to end.
    Reserve,
}

impl Pace {
    pub(crate) fn new(reserve: f64, poll: Duration) -> Self {
        Self {
            reserve,
            poll,
            budget: None,
            last: None,
        }
    }

    /// Notes an answer that arrived `now`: its rate-limit headers, and whether its page caught
    /// up with the log.
    pub(crate) fn answered(&mut self, headers: &HeaderMap, caught_up: bool, now: Instant, clock: SystemTime) {
        self.last = Some((now, caught_up));
        let Some(RateLimit {
            limit: Some(limit),
            remaining: Some(remaining),
            ..
        }) = RateLimit::from_headers(headers)
        else {
            self.budget = None;
            return;
        };
        let left = crate::retry::server_wait(headers, clock)
            .unwrap_or_default()
            .min(MAX_WINDOW_WAIT);
        self.budget = now.checked_add(left).map(|window_end| Budget {
            limit,
            remaining: remaining.min(limit),
            at: now,
            window_end,
        });
    }

    /// Notes a failed request at `now` (its answer's headers, if it had one): the next request
    /// waits at least a poll interval, and the window's end if the failure says the limit is
    /// spent.
    pub(crate) fn failed(&mut self, headers: Option<&HeaderMap>, now: Instant, clock: SystemTime) {
        match headers {
            Some(headers) => self.answered(headers, true, now, clock),
            None => self.last = Some((now, true)),
        }
    }

    /// How long to wait at `now` before the next request, and why.
    pub(crate) fn wait(&self, now: Instant) -> (Duration, Reason) {
        let mut wait = (Duration::ZERO, Reason::None);
        if let Some((at, true)) = self.last {
            let until = at.checked_add(self.poll).unwrap_or(at);
            wait = (until.saturating_duration_since(now), Reason::Poll);
        }
        if let Some(b) = self.budget
            && b.window_end > now
        {
            // What may still be used while leaving `reserve` of the limit to others.
            let keep = (b.limit as f64 * self.reserve).ceil() as u64;
            let usable = b.remaining.saturating_sub(keep);
            let (until, reason) = if usable == 0 {
                (b.window_end, Reason::Reserve)
            } else {
                // Spread what is usable evenly over what is left of the window.
                let left = b.window_end.saturating_duration_since(b.at);
                let gap = left / u32::try_from(usable).unwrap_or(u32::MAX);
                (b.at.checked_add(gap).unwrap_or(b.window_end), Reason::Spread)
            };
            let spread = until.saturating_duration_since(now);
            if spread > wait.0 {
                wait = (spread, reason);
            }
        }
        wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(limit: u64, remaining: u64, reset_in: u64, clock: SystemTime) -> HeaderMap {
        let mut h = HeaderMap::new();
        let now = clock.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
        h.insert("x-rate-limit-limit", HeaderValue::from(limit));
        h.insert("x-rate-limit-remaining", HeaderValue::from(remaining));
        h.insert("x-rate-limit-reset", HeaderValue::from(now + reset_in));
        h.insert(
            reqwest::header::DATE,
            HeaderValue::from_str(&httpdate::fmt_http_date(clock)).unwrap(),
        );
        h
    }

    /// The clock at a whole second, as `Date` headers are.
    fn clock() -> SystemTime {
        let secs = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn a_page_that_caught_up_waits_the_poll_interval_and_a_full_one_does_not() {
        let (now, clock) = (Instant::now(), clock());
        let mut pace = Pace::new(0.5, Duration::from_secs(10));
        assert_eq!(pace.wait(now), (Duration::ZERO, Reason::None));
        pace.answered(&HeaderMap::new(), true, now, clock);
        assert_eq!(pace.wait(now), (Duration::from_secs(10), Reason::Poll));
        assert_eq!(pace.wait(now + Duration::from_secs(4)).0, Duration::from_secs(6));
        pace.answered(&HeaderMap::new(), false, now, clock);
        assert_eq!(pace.wait(now).0, Duration::ZERO);
    }

    #[test]
    fn requests_spread_over_the_window_and_leave_the_reserve() {
        let (now, clock) = (Instant::now(), clock());
        let mut pace = Pace::new(0.5, Duration::ZERO);
        // 60 a minute, 59 left, 59 s (+1 s margin) to the reset: 29 usable -> one each 2.07 s.
        pace.answered(&headers(60, 59, 59, clock), false, now, clock);
        let (wait, reason) = pace.wait(now);
        assert_eq!(reason, Reason::Spread);
        assert_eq!(wait, Duration::from_secs(60) / 29);
        // Down to the reserve: wait for the window to end.
        pace.answered(&headers(60, 30, 20, clock), false, now, clock);
        assert_eq!(pace.wait(now), (Duration::from_secs(21), Reason::Reserve));
        // Past the window's end there is nothing to wait for.
        assert_eq!(pace.wait(now + Duration::from_secs(22)).0, Duration::ZERO);
    }

    #[test]
    fn a_hostile_reset_is_capped_and_odd_numbers_do_not_panic() {
        let (now, clock) = (Instant::now(), clock());
        let mut pace = Pace::new(0.5, Duration::ZERO);
        pace.answered(&headers(10, 0, u64::MAX / 2, clock), false, now, clock);
        assert_eq!(pace.wait(now), (MAX_WINDOW_WAIT, Reason::Reserve));
        for (limit, remaining) in [(0, 0), (u64::MAX, u64::MAX), (1, u64::MAX), (u64::MAX, 0)] {
            pace.answered(&headers(limit, remaining, 30, clock), false, now, clock);
            assert!(pace.wait(now).0 <= MAX_WINDOW_WAIT);
        }
        let mut all = Pace::new(0.0, Duration::ZERO);
        all.answered(&headers(100, 1, 30, clock), false, now, clock);
        assert_eq!(all.wait(now), (Duration::from_secs(31), Reason::Spread));
    }

    #[test]
    fn a_failure_waits_at_least_the_poll_interval() {
        let (now, clock) = (Instant::now(), clock());
        let mut pace = Pace::new(0.5, Duration::from_secs(3));
        pace.failed(None, now, clock);
        assert_eq!(pace.wait(now), (Duration::from_secs(3), Reason::Poll));
        pace.failed(Some(&headers(60, 0, 40, clock)), now, clock);
        assert_eq!(pace.wait(now), (Duration::from_secs(41), Reason::Reserve));
    }
}
