//! Retry and backoff policies, composable in the google-cloud-rust way.
//!
//! After each attempt the pipeline asks a [`RetryPolicy`] whether to try again and after how
//! long, showing it the [`Attempt`]: the operation's facts, the method, whether the call may be
//! repeated (the operation's `idempotent` fact, or the call's
//! [`crate::RequestOptions::idempotent`]), the outcome (status and headers, or a transport
//! failure), Okta's `errorCode`, the attempt number, the time spent, and the wait the server
//! asked for. How long to wait between attempts is a [`Backoff`] of its own; decorators
//! ([`RetryPolicyExt::with_attempt_limit`], [`RetryPolicyExt::with_time_limit`]) bound any
//! policy. Waits go through `tokio::time`, so tests can run them with paused time.
//!
//! [`DefaultRetryPolicy`] does what Okta documents:
//!
//! - 429: wait until `X-Rate-Limit-Reset` (the smallest, if repeated) measured against the
//!   answer's `Date`, plus one second; `Retry-After` wins when present; the wait is capped.
//!   Any method: Okta answers 429 before doing anything.
//! - 503, 504 and transport failures: exponential backoff with jitter ([`Backoff`]), for
//!   idempotent calls only (by default the operations whose method is GET, HEAD, PUT, DELETE
//!   or OPTIONS).
//! - At most `rateLimit.maxRetries` retries (default 2; 0 disables), and never past the call's
//!   time budget (the pipeline checks that).
//!
//! Replace it for a client with `Runtime::with_retry_policy`, or for one call with
//! [`crate::RequestOptions::retry_policy`].

mod backoff;
mod rate_limit;

pub use backoff::{Backoff, ExponentialBackoff};
pub use rate_limit::{retry_after, server_wait};

use crate::operation::OperationMeta;
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
    /// The operation's facts (`operation.id` is the operationId; `raw` for raw requests).
    pub operation: &'static OperationMeta,
    /// The HTTP method.
    pub method: &'a Method,
    /// Whether repeating the call cannot repeat a side effect: the operation's fact, unless
    /// the call said otherwise ([`crate::RequestOptions::idempotent`]).
    pub idempotent: bool,
    /// Which attempt just ended (1 for the first).
    pub number: u32,
    /// How it ended.
    pub outcome: AttemptOutcome<'a>,
    /// Okta's `errorCode` (or OAuth's `error`) of a failure answer, e.g. `E0000047`.
    pub error_code: Option<&'a str>,
    /// Time since the call's first attempt started.
    pub elapsed: Duration,
    /// The wait the server asked for: `Retry-After`, or for a 429 the `X-Rate-Limit-Reset`
    /// measured against the answer's `Date`.
    pub server_wait: Option<Duration>,
}

impl<'a> Attempt<'a> {
    /// Describes an attempt of `operation` (for testing policies): idempotent as the
    /// operation is, no error code, no time spent, no server-given wait.
    pub fn new(
        operation: &'static OperationMeta,
        method: &'a Method,
        number: u32,
        outcome: AttemptOutcome<'a>,
    ) -> Self {
        Self {
            operation,
            method,
            idempotent: operation.idempotent,
            number,
            outcome,
            error_code: None,
            elapsed: Duration::ZERO,
            server_wait: None,
        }
    }

    /// The same attempt, idempotent or not.
    pub fn with_idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// The same attempt with Okta's `errorCode`.
    pub fn with_error_code(mut self, code: Option<&'a str>) -> Self {
        self.error_code = code;
        self
    }

    /// The same attempt after `elapsed`.
    pub fn with_elapsed(mut self, elapsed: Duration) -> Self {
        self.elapsed = elapsed;
        self
    }

    /// The same attempt with the wait the server asked for.
    pub fn with_server_wait(mut self, wait: Option<Duration>) -> Self {
        self.server_wait = wait;
        self
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

/// Decorators for any [`RetryPolicy`].
pub trait RetryPolicyExt: RetryPolicy + Sized {
    /// Stops once `attempts` attempts have been made, whatever the inner policy says.
    fn with_attempt_limit(self, attempts: u32) -> AttemptLimit<Self> {
        AttemptLimit { inner: self, attempts }
    }

    /// Stops when another try would start after `limit` (the wait included).
    fn with_time_limit(self, limit: Duration) -> TimeLimit<Self> {
        TimeLimit { inner: self, limit }
    }
}

impl<P: RetryPolicy> RetryPolicyExt for P {}

/// A policy that stops after a number of attempts ([`RetryPolicyExt::with_attempt_limit`]).
#[derive(Debug, Clone)]
pub struct AttemptLimit<P> {
    inner: P,
    attempts: u32,
}

impl<P: RetryPolicy> RetryPolicy for AttemptLimit<P> {
    fn decide(&self, attempt: &Attempt<'_>) -> RetryDecision {
        if attempt.number >= self.attempts {
            return RetryDecision::Stop;
        }
        self.inner.decide(attempt)
    }
}

/// A policy that stops when the next try would start past a time limit
/// ([`RetryPolicyExt::with_time_limit`]).
#[derive(Debug, Clone)]
pub struct TimeLimit<P> {
    inner: P,
    limit: Duration,
}

impl<P: RetryPolicy> RetryPolicy for TimeLimit<P> {
    fn decide(&self, attempt: &Attempt<'_>) -> RetryDecision {
        match self.inner.decide(attempt) {
            RetryDecision::RetryAfter(wait) if attempt.elapsed.saturating_add(wait) > self.limit => RetryDecision::Stop,
            decision => decision,
        }
    }
}

/// The pause before retrying a 429 for the org's concurrent-request limit: requests finish in
/// milliseconds, so a slot frees soon; the reset such an answer carries is only an estimate.
pub const CONCURRENT_LIMIT_WAIT: Duration = Duration::from_millis(250);

/// The wait an answer asks for: for a 429, `Retry-After` or the `X-Rate-Limit-Reset` measured
/// against `Date` ([`server_wait`]); for any other status `Retry-After` only (Okta sends its
/// rate-limit headers on every answer, and a 503's reset is just the window's end).
///
/// A 429 for the org's concurrent-request limit (`X-Rate-Limit-Limit: 0`) carries only an
/// estimated reset: without `Retry-After` it asks for [`CONCURRENT_LIMIT_WAIT`].
pub fn asked_wait(status: StatusCode, headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if crate::limits::is_concurrency_limit(status, headers) {
        retry_after(headers, now).or(Some(CONCURRENT_LIMIT_WAIT))
    } else if status == StatusCode::TOO_MANY_REQUESTS {
        server_wait(headers, now)
    } else {
        retry_after(headers, now)
    }
}

/// Whether retrying `method` cannot repeat a side effect (what the generator writes as each
/// operation's `idempotent` fact).
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
        let idempotent = attempt.idempotent;
        let wait = match attempt.outcome {
            AttemptOutcome::Response { status, .. } => match (status.as_u16(), idempotent) {
                // Okta answers 429 before doing anything: any call may be repeated.
                (429, _) | (503 | 504, true) => attempt
                    .server_wait
                    .unwrap_or_else(|| self.backoff.delay(attempt.number)),
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

    /// An operation whose method is `method`, idempotent as the generator would write it.
    fn op(method: &Method) -> &'static OperationMeta {
        let idempotent = is_idempotent(method);
        Box::leak(Box::new(OperationMeta {
            id: "op",
            method_name: "op",
            method: if idempotent { "GET" } else { "POST" },
            path: "/api/v1/x",
            scopes: &[],
            lifecycle: None,
            lists: false,
            idempotent,
            request_media_type: None,
            multipart_field: None,
            empty_success: &[],
            response_media_type: None,
        }))
    }

    fn decide(policy: &DefaultRetryPolicy, method: Method, n: u32, status: u16, headers: &HeaderMap) -> RetryDecision {
        let status = StatusCode::from_u16(status).unwrap();
        let attempt = Attempt::new(op(&method), &method, n, AttemptOutcome::Response { status, headers })
            .with_server_wait(asked_wait(status, headers, SystemTime::now()));
        policy.decide(&attempt)
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
        let transport = |m: &Method| p.decide(&Attempt::new(op(m), m, 1, AttemptOutcome::Transport { connect: true }));
        assert!(matches!(transport(&Method::DELETE), RetryDecision::RetryAfter(_)));
        assert_eq!(transport(&Method::POST), RetryDecision::Stop);
        // The call's word wins over the operation's fact.
        let post = Method::POST;
        let idempotent_post =
            Attempt::new(op(&post), &post, 1, AttemptOutcome::Transport { connect: false }).with_idempotent(true);
        assert!(matches!(p.decide(&idempotent_post), RetryDecision::RetryAfter(_)));
    }

    #[test]
    fn decorators_bound_any_policy() {
        let p = DefaultRetryPolicy::new(10).backoff(Arc::new(ExponentialBackoff::fixed(Duration::from_secs(1))));
        let get = Method::GET;
        let h = HeaderMap::new();
        let unavailable = |n: u32, elapsed: Duration| {
            Attempt::new(
                op(&get),
                &get,
                n,
                AttemptOutcome::Response {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    headers: &h,
                },
            )
            .with_elapsed(elapsed)
        };
        let limited = p.clone().with_attempt_limit(3);
        assert!(matches!(
            limited.decide(&unavailable(2, Duration::ZERO)),
            RetryDecision::RetryAfter(_)
        ));
        assert_eq!(limited.decide(&unavailable(3, Duration::ZERO)), RetryDecision::Stop);
        let timed = p.with_time_limit(Duration::from_secs(10));
        assert!(matches!(
            timed.decide(&unavailable(1, Duration::from_secs(8))),
            RetryDecision::RetryAfter(_)
        ));
        assert_eq!(
            timed.decide(&unavailable(1, Duration::from_millis(9500))),
            RetryDecision::Stop,
            "the 1 s wait would end past the limit"
        );
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
