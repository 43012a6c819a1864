//! Rust SDK for the Okta Management API.
//!
//! This crate is the facade users depend on. It re-exports the generated operations
//! ([`Client`], one extension trait per Okta API area in [`prelude`]), the generated models
//! ([`models`]) and the runtime ([`runtime`]).
//!
//! ```no_run
//! use okta::prelude::*;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // ~/.okta/okta.yaml, ./okta.yaml and OKTA_CLIENT_* variables, validated.
//! let client = okta::Client::from_env()?;
//! let users = client.list_users().limit(20).send().await?;
//! for user in users.iter() {
//!     println!("{:?} {:?}", user.id, user.status);
//! }
//!
//! // Every user of the org, page after page (one page in memory at a time).
//! use futures::TryStreamExt;
//! let mut all = client.list_users().limit(200).stream();
//! while let Some(user) = all.try_next().await? {
//!     println!("{:?}", user.id);
//! }
//! # Ok(()) }
//! ```
//!
//! API areas are Cargo features (Okta's API groups: `users`, `groups`, `applications`,
//! `access-controls`, ...; all on by default). A program that needs only users and groups
//! compiles far less with `default-features = false, features = ["users", "groups"]`.

/// Operation builders (one per operation).
pub use okta_apis::builder;
/// The extension traits that put every operation on [`Client`].
pub use okta_apis::prelude;
pub use okta_apis::{Client, ClientBuilder, OPERATIONS, operation};
/// The data types of the API.
pub use okta_models as models;
/// The runtime every operation runs through.
pub use okta_runtime as runtime;
/// The one error type of every operation, and its parts.
pub use okta_runtime::{ApiError, DecodeError, Error, ErrorKind};
/// Pagination, options and policies.
pub use okta_runtime::{
    DefaultRetryPolicy, ExponentialBackoff, ItemStream, Page, PageStream, RequestOptions, ResponseValue, RetryPolicy,
};
