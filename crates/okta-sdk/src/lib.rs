#![doc = include_str!("../README.md")]

/// Every operation, by API area: an index with links to each method's documentation.
#[path = "generated_operations.rs"]
pub mod operations;

/// Operation builders (one per operation).
pub use okta_apis::builder;
/// The extension traits that put every operation on [`Client`].
pub use okta_apis::prelude;
pub use okta_apis::{Client, ClientBuilder, OPERATIONS, operation};
/// Lenient decoding: a field Okta sends in a shape its type does not accept is set aside (and
/// written back unchanged), not fatal to the answer. Every call decodes this way.
pub use okta_lenient as lenient;
/// The data types of the API.
pub use okta_models as models;
/// The runtime every operation runs through.
pub use okta_runtime as runtime;
/// Rate limits: buckets, pacing, the concurrency limit, metrics, fan-out.
pub use okta_runtime::limits;
pub use okta_runtime::limits::MetricsSnapshot;
/// The one error type of every call, and its parts; what building a client can fail with.
pub use okta_runtime::{ApiError, BuildError, DecodeError, Error, ErrorKind};
/// Answers, pagination, options and policies.
pub use okta_runtime::{
    Bytes, DefaultRetryPolicy, ExponentialBackoff, Interceptor, ItemStream, Page, PageStream, RequestOptions, Response,
    RetryDecision, RetryPolicy, RetryPolicyExt, Token, TokenProvider,
};
/// HTTP types used by the API: methods for raw requests, header names and values, statuses.
pub use okta_runtime::{Method, StatusCode, header};

/// Following the System Log for as long as a process runs: `client.system_log().tail(..)`, a
/// stream of `models::LogEvent`s handed on once each, paced to the logs rate limit, with a
/// [`Checkpoint`](system_log::Checkpoint) to resume from (see [`runtime::tail`]). The tail and
/// `LogEvent` need the `system-log` feature (or `full`).
pub mod system_log {
    #[cfg(feature = "system-log")]
    pub use okta_apis::{LogTail, SystemLog};
    pub use okta_runtime::tail::{Checkpoint, MAX_PAGE, MIN_POLL_INTERVAL, SeenEvents, TailOptions, TailStats};
}

#[cfg(feature = "event-hooks")]
pub mod event_hooks;
