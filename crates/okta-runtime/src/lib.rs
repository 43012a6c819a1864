//! The hand-written runtime of okta-rs.
//!
//! Every generated operation (crate `okta-apis`) hands its `reqwest::Request` to
//! [`Runtime::execute`] together with the [`OperationMeta`] the generator wrote for it. The
//! runtime owns everything that is not a fact of one operation:
//!
//! - [`config`]: the configuration sources Okta's SDKs document, merged and validated;
//! - [`auth`]: SSWS, bearer, private-key JWT client credentials, DPoP, the token cache;
//! - [`call`]: the call context (operation facts, [`RequestOptions`]) and the `okta.call` span;
//! - the pipeline ([`Runtime::execute`]): next-page link, wire fix-ups, headers, [`cache`],
//!   [`retry`] within the time budget, authentication, send, error decoding;
//! - [`pagination`]: `Link` parsing, page and item streams;
//! - [`wire`]: the wire fix-ups the normalizer asked for (media types, empty bodies);
//! - [`build`]: helpers the generated builders call while they build a request;
//! - [`raw`]: requests to endpoints the spec lacks, through the same pipeline;
//! - [`error`]: the one error type, and how it travels through progenitor's hook.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = okta_runtime::Config::from_env()?; // okta.yaml files + OKTA_CLIENT_* variables
//! let runtime = okta_runtime::Runtime::from_config(&config)?;
//! # Ok(()) }
//! ```

pub mod auth;
pub mod build;
pub mod cache;
pub mod call;
pub mod config;
pub mod error;
mod guard;
mod headers;
pub mod operation;
mod options;
pub mod pagination;
mod pipeline;
pub mod raw;
pub mod retry;
mod runtime;
mod secret;
pub mod wire;

pub use auth::{AssertionSigner, AuthError, KeySigner, SignerError};
pub use cache::{MemoryCache, ResponseCache};
pub use config::{AuthConfig, Config, ConfigBuilder, ConfigError, ConfigProblem, ConfigSource};
pub use error::{ApiError, DecodeError, Error, ErrorKind, RateLimit};
pub use guard::{MAX_REDIRECTS, redirect_policy};
pub use operation::OperationMeta;
pub use options::RequestOptions;
pub use pagination::{ItemStream, Page, PageStream};
pub use progenitor_client::ResponseValue;
pub use raw::RawRequest;
/// HTTP types of the public API (methods for raw requests, header names and values, statuses).
pub use reqwest::{Method, StatusCode, header};
pub use retry::{Backoff, DefaultRetryPolicy, ExponentialBackoff, RetryDecision, RetryPolicy};
pub use runtime::{Runtime, ensure_tls_provider};
pub use secret::Secret;
