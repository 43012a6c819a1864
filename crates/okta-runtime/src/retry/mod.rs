//! Retry and backoff policies.
//!
//! After each attempt the pipeline asks a [`RetryPolicy`] whether to try again and after how
//! long. [`DefaultRetryPolicy`] does what Okta documents:
//!
//! - 429: wait until `X-Rate-Limit-Reset` (the smallest, if repeated) measured against the
//!   answer's `Date`, plus one second; `Retry-After` wins when present; the wait is capped.
//!   Any method: Okta answers 429 before doing anything.
//! - 503, 504 and transport failures: exponential backoff with jitter ([`Backoff`]), for
//!   idempotent methods only (GET, HEAD, PUT, DELETE, OPTIONS).
//! - At most `rateLimit.maxRetries` retries (default 2; 0 disables), and never past the call's
//!   time budget (the pipeline checks that).
//!
//! Replace it for a client with `Runtime::with_retry_policy`, or for one call with
//! [`crate::RequestOptions::retry_policy`].

mod backoff;
mod rate_limit;

pub use backoff::{Backoff, ExponentialBackoff};
pub use rate_limit::{retry_after, server_wait};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// How an attempt ended.
#[derive(Debug, Clone, Copy)]
pub enum AttemptOutcome<'a> {
    /// An answer arrived (any status).
    Response {
        /// Its status.
        status: StatusCode,
        /// Its headers.
        headers: &'a HeaderMap,
    },
    /// No answer: the connection failed, was reset or timed out.
    Transport {
        /// Whether it failed while connecting (the request never reached the server).
        connect: bool,
    },
}

/// What a [`RetryPolicy`] is shown after each attempt.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// The operationId (`raw` for raw requests).
    pub operation: &'static str,
    /// The HTTP method.
    pub method: &'a Method,
    /// Which attempt just ended (1 for the first).
    pub number: u32,
    /// How it ended.
    pub outcome: AttemptOutcome<'a>,
}

impl<'a> Attempt<'a> {
    /// Describes an attempt (for testing policies).
    pub fn new(operation: &'static str, method: &'a Method, number: u32, outcome: AttemptOutcome<'a>) -> Self {
        Self {
            operation,
            method,
            number,
            outcome,
        }
    }
}

/// A policy's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Hand the last outcome to the caller.
    Stop,
    /// Try again after this long.
    RetryAfter(Duration),
}

/// Decides whether an attempt is retried. Implement it to change what is retried or when.
pub trait RetryPolicy: Send + Sync + std::fmt::Debug {
    /// Called after every attempt, success or not.
    fn decide(&self, attempt: &Attempt<'_>) -> RetryDecision;
}

/// Whether retrying `method` cannot repeat a side effect.
pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// Okta's documented behaviour (see the module docs).
#[derive(Debug, Clone)]
pub struct DefaultRetryPolicy {
    max_retries: u32,
    max_wait: Duration,
    backoff: Arc<dyn Backoff>,
}

impl Default for DefaultRetryPolicy {
    fn default() -> Self {
        Self::new(2)
    }
}

impl DefaultRetryPolicy {
    /// At most `max_retries` retries, waits capped at 60 s, [`ExponentialBackoff`] defaults.
    pub fn new(max_retries: u32) -> Self {
        Self {
            max_retries,
            max_wait: Duration::from_secs(60),
            backoff: Arc::new(ExponentialBackoff::default()),
        }
    }

    /// Caps any single wait (rate-limit resets included).
    pub fn max_wait(mut self, cap: Duration) -> Self {
        self.max_wait = cap;
        self
    }

    /// The backoff for 503, 504 and transport failures.
    pub fn backoff(mut self, backoff: Arc<dyn Backoff>) -> Self {
        self.backoff = backoff;
        self
    }

    /// The retry limit.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }
}

impl RetryPolicy for DefaultRetryPolicy {
    fn decide(&self, attempt: &Attempt<'_>) -> RetryDecision {
        if attempt.number > self.max_retries {
            return RetryDecision::Stop;
        }
        let idempotent = is_idempotent(attempt.method);
        let wait = match attempt.outcome {
            AttemptOutcome::Response { status, headers } => match status.as_u16() {
                429 => server_wait(headers, SystemTime::now()).unwrap_or_else(|| self.backoff.delay(attempt.number)),
                503 | 504 if idempotent => {
                    retry_after(headers, SystemTime::now()).unwrap_or_else(|| self.backoff.delay(attempt.number))
                }
                _ => return RetryDecision::Stop,
            },
            AttemptOutcome::Transport { .. } if idempotent => self.backoff.delay(attempt.number),
            AttemptOutcome::Transport { .. } => return RetryDecision::Stop,
        };
        RetryDecision::RetryAfter(wait.min(self.max_wait))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(policy: &DefaultRetryPolicy, method: Method, n: u32, status: u16, headers: &HeaderMap) -> RetryDecision {
        let status = StatusCode::from_u16(status).unwrap();
        policy.decide(&Attempt::new(
            "op",
            &method,
            n,
            AttemptOutcome::Response { status, headers },
        ))
    }

    #[test]
    fn what_is_retried() {
        let p = DefaultRetryPolicy::new(2).backoff(Arc::new(ExponentialBackoff::fixed(Duration::from_millis(5))));
        let h = HeaderMap::new();
        assert_eq!(
            decide(&p, Method::GET, 1, 503, &h),
            RetryDecision::RetryAfter(Duration::from_millis(5))
        );
        assert_eq!(
            decide(&p, Method::PUT, 2, 504, &h),
            RetryDecision::RetryAfter(Duration::from_millis(5))
        );
        assert_eq!(decide(&p, Method::POST, 1, 503, &h), RetryDecision::Stop);
        assert!(matches!(
            decide(&p, Method::POST, 1, 429, &h),
            RetryDecision::RetryAfter(_)
        ));
        assert_eq!(
            decide(&p, Method::GET, 3, 503, &h),
            RetryDecision::Stop,
            "two retries only"
        );
        assert_eq!(decide(&p, Method::GET, 1, 500, &h), RetryDecision::Stop);
        assert_eq!(decide(&p, Method::GET, 1, 200, &h), RetryDecision::Stop);
        let none = DefaultRetryPolicy::new(0);
        assert_eq!(
            decide(&none, Method::GET, 1, 429, &h),
            RetryDecision::Stop,
            "0 disables"
        );
        let transport = |m: &Method| p.decide(&Attempt::new("op", m, 1, AttemptOutcome::Transport { connect: true }));
        assert!(matches!(transport(&Method::DELETE), RetryDecision::RetryAfter(_)));
        assert_eq!(transport(&Method::POST), RetryDecision::Stop);
    }

    #[test]
    fn a_503_ignores_the_rate_limit_window_but_honours_retry_after() {
        let p = DefaultRetryPolicy::new(2).backoff(Arc::new(ExponentialBackoff::fixed(Duration::from_millis(5))));
        // Okta sends X-Rate-Limit-* on every answer; a 503's reset is the window's end.
        let far = SystemTime::now() + Duration::from_secs(50);
        let secs = far.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
        let mut h = HeaderMap::new();
        h.insert("x-rate-limit-reset", secs.to_string().parse().unwrap());
        assert_eq!(
            decide(&p, Method::GET, 1, 503, &h),
            RetryDecision::RetryAfter(Duration::from_millis(5))
        );
        assert!(
            matches!(decide(&p, Method::GET, 1, 429, &h), RetryDecision::RetryAfter(d) if d > Duration::from_secs(40))
        );
        h.insert("retry-after", "2".parse().unwrap());
        assert_eq!(
            decide(&p, Method::GET, 1, 503, &h),
            RetryDecision::RetryAfter(Duration::from_secs(2))
        );
    }

    #[test]
    fn rate_limit_waits_are_capped() {
        let p = DefaultRetryPolicy::new(2).max_wait(Duration::from_secs(3));
        let mut h = HeaderMap::new();
        h.insert("retry-after", "120".parse().unwrap());
        assert_eq!(
            decide(&p, Method::GET, 1, 429, &h),
            RetryDecision::RetryAfter(Duration::from_secs(3))
        );
    }
}
