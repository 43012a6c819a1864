#![doc = include_str!("../../../README.md")]

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
/// The one error type of every call, and its parts; what building a client can fail with.
pub use okta_runtime::{ApiError, BuildError, DecodeError, Error, ErrorKind};
/// Answers, pagination, options and policies.
pub use okta_runtime::{
    Bytes, DefaultRetryPolicy, ExponentialBackoff, Interceptor, ItemStream, Page, PageStream, RequestOptions, Response,
    RetryDecision, RetryPolicy, RetryPolicyExt, Token, TokenProvider,
};
/// HTTP types used by the API: methods for raw requests, header names and values, statuses.
pub use okta_runtime::{Method, StatusCode, header};
