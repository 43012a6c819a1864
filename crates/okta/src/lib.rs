#![doc = include_str!("../../../README.md")]

/// Operation builders (one per operation).
pub use okta_apis::builder;
/// The extension traits that put every operation on [`Client`].
pub use okta_apis::prelude;
pub use okta_apis::{Client, ClientBuilder, OPERATIONS, operation};
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
