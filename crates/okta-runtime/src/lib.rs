//! The hand-written runtime of okta-rs.
//!
//! Every generated operation (crate `okta-apis`) hands its `reqwest::Request` to
//! [`Runtime::execute`] together with the [`OperationMeta`] the generator wrote for it. The
//! runtime owns everything that is not a fact of one operation:
//!
//! - [`config`]: the configuration sources Okta's SDKs document, merged and validated;
//! - [`auth`]: SSWS, bearer, private-key JWT client credentials, DPoP, the token cache;
//! - [`wire`]: the wire fix-ups the normalizer asked for (media types, empty bodies);
//! - [`error`]: the runtime's error type and how it travels through progenitor's hook.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = okta_runtime::Config::from_env()?; // okta.yaml files + OKTA_CLIENT_* variables
//! let runtime = okta_runtime::Runtime::from_config(&config)?;
//! # Ok(()) }
//! ```

pub mod auth;
pub mod config;
pub mod error;
pub mod operation;
pub mod pagination;
mod runtime;
mod secret;
pub mod wire;

pub use auth::{AssertionSigner, AuthError, KeySigner, SignerError};
pub use config::{AuthConfig, Config, ConfigBuilder, ConfigError, ConfigProblem, ConfigSource};
pub use error::Error;
pub use operation::OperationMeta;
pub use runtime::{Runtime, ensure_tls_provider};
pub use secret::Secret;
