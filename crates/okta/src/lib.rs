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
//! let runtime = okta::runtime::Runtime::with_api_token("00a...")?;
//! let client = okta::Client::new("https://example.okta.com", runtime);
//! let users = client.list_users().limit(20).send().await?;
//! for user in users.iter() {
//!     println!("{:?} {:?}", user.id, user.status);
//! }
//! # Ok(()) }
//! ```

/// Errors of generated operations.
pub use okta_apis::Error;
/// Operation builders (one per operation).
pub use okta_apis::builder;
/// The extension traits that put every operation on [`Client`].
pub use okta_apis::prelude;
pub use okta_apis::{Client, OPERATIONS, operation};
/// The data types of the API.
pub use okta_models as models;
/// The runtime every operation runs through.
pub use okta_runtime as runtime;
