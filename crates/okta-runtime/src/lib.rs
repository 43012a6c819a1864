//! The hand-written runtime of okta-rs: it owns every call.
//!
//! A generated operation (crate `okta-apis`) builds its `reqwest::Request` and hands it,
//! with the [`OperationMeta`] the generator wrote for it and the call's [`RequestOptions`],
//! to the runtime's `call` entry points; the runtime sends it, decodes the answer and returns a [`Response`] or an
//! [`Error`]. It owns everything that is not a fact of one operation:
//!
//! - [`config`]: the configuration sources Okta's SDKs document, merged and validated;
//! - [`auth`]: SSWS, bearer, private-key JWT client credentials, DPoP, the token cache;
//! - `call`: the entry points the generated builders call, and the `okta.call` span;
//! - the pipeline: path check, wire fix-ups, headers, [`cache`], [`retry`] within the time
//!   budget, authentication, send, error decoding;
//! - [`interceptor`]: the caller's hooks around every attempt;
//! - [`limits`]: rate-limit buckets, pacing, the concurrency limit, metrics, fan-out;
//! - [`pagination`]: `Link` parsing, page and item streams, next pages by hand;
//! - [`wire`]: the wire fix-ups the normalizer asked for (media types, empty bodies);
//! - `build`: helpers the generated builders call while they build a request;
//! - [`raw`]: requests to endpoints the spec lacks, through the same pipeline;
//! - [`tail`]: following the System Log for as long as a process runs, with checkpoints;
//! - [`error`]: the one error type.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // What `okta_sdk::Client::from_env()` does underneath:
//! let config = okta_sdk::runtime::Config::from_env()?; // okta.yaml files + OKTA_CLIENT_* variables
//! let runtime = okta_sdk::runtime::Runtime::from_config(&config)?;
//! # Ok(()) }
//! ```

pub mod auth;
mod body;
#[doc(hidden)]
pub mod build;
pub mod cache;
#[doc(hidden)]
pub mod call;
pub mod config;
pub mod error;
mod guard;
mod headers;
pub mod interceptor;
pub mod limits;
pub mod operation;
mod options;
pub mod pagination;
mod pipeline;
pub mod raw;
mod response;
pub mod retry;
mod runtime;
mod secret;
mod stall;
pub mod tail;
pub mod wire;

pub use auth::{AssertionSigner, AuthError, KeySigner, ProviderError, SignerError, Token, TokenProvider};
/// The body of an answer that is not JSON (an XML document, an image).
pub use body::{DEFAULT_MAX_RESPONSE_BYTES, MIN_MAX_RESPONSE_BYTES};
pub use bytes::Bytes;
pub use cache::{CacheKey, MemoryCache, ResponseCache};
pub use config::{AuthConfig, Config, ConfigBuilder, ConfigError, ConfigProblem, ConfigSource};
pub use error::{ApiError, BuildError, DecodeError, Error, ErrorKind, RateLimit};
pub use guard::{MAX_REDIRECTS, redirect_policy};
pub use interceptor::Interceptor;
pub use operation::OperationMeta;
pub use options::RequestOptions;
pub use pagination::{ItemStream, Page, PageStream};
pub use raw::RawRequest;
/// HTTP types of the public API (methods for raw requests, header names and values, statuses).
pub use reqwest::{Method, StatusCode, header};
pub use response::Response;
pub use retry::{Backoff, DefaultRetryPolicy, ExponentialBackoff, RetryDecision, RetryPolicy, RetryPolicyExt};
pub use runtime::{Runtime, ensure_tls_provider};
pub use secret::Secret;
