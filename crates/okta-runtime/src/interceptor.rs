//! Interceptors: code of the caller's that sees every attempt of every call.
//!
//! An [`Interceptor`] registered on a client (`ClientBuilder::interceptor`, or
//! [`crate::Runtime::with_interceptor`]) is called
//! - before each send, with the operation's facts and the attempt number, and may change the
//!   request's headers (a trace id, a tenant header). It runs before credentials are added,
//!   so it never sees them, and an `Authorization` it sets is replaced. It cannot change the
//!   method, the URL or the body: the endpoint named is the endpoint reached;
//! - after each attempt, with the status and headers (none for a transport failure), the
//!   attempt number and how long the attempt took;
//! - once when a call fails, with the error.
//!
//! Several interceptors run in the order they were added. They are called inline on the
//! call's task: keep them quick, and hand slow work (shipping metrics) to a channel.

use crate::error::Error;
use crate::operation::OperationMeta;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use std::time::Duration;

/// What an interceptor is shown before an attempt is sent.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct BeforeAttempt<'a> {
    /// The operation's facts (`raw` for a raw request).
    pub operation: &'static OperationMeta,
    /// The HTTP method.
    pub method: &'a Method,
    /// Which attempt this is (1 for the first).
    pub number: u32,
}

/// What an interceptor is shown after an attempt.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct AfterAttempt<'a> {
    /// The operation's facts.
    pub operation: &'static OperationMeta,
    /// Which attempt just ended (1 for the first).
    pub number: u32,
    /// How long the attempt took, authentication included.
    pub elapsed: Duration,
    /// The answer's status; `None` when no answer arrived (a transport failure).
    pub status: Option<StatusCode>,
    /// The answer's headers; `None` when no answer arrived.
    pub headers: Option<&'a HeaderMap>,
}

/// Hooks around every attempt of every call (see the module docs). Every method has a
/// default that does nothing; implement the ones you need.
pub trait Interceptor: Send + Sync + std::fmt::Debug {
    /// Before an attempt is sent: may change the request's headers.
    fn before_attempt(&self, attempt: &BeforeAttempt<'_>, headers: &mut HeaderMap) {
        let _ = (attempt, headers);
    }

    /// After an attempt, whatever its outcome.
    fn after_attempt(&self, attempt: &AfterAttempt<'_>) {
        let _ = attempt;
    }

    /// When a call fails, once, with the error it returns.
    fn on_error(&self, operation: &'static OperationMeta, error: &Error) {
        let _ = (operation, error);
    }
}
