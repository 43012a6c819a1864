//! Data types of the Okta Management API, generated from Okta's published OpenAPI spec.
//!
//! Every type here is generated (see `src/generated.rs`, written by `cargo xtask generate`).
//! They are built to survive the real API:
//!
//! - string enums keep values this SDK does not know in an `Unknown(String)` variant and send
//!   them back unchanged;
//! - discriminated unions ([`Application`], [`Policy`], [`UserFactor`], ...) decode to the
//!   subtype their discriminator names, or to `Unknown(serde_json::Value)`;
//! - objects that allow extra keys ([`UserProfile`], ...) keep them in an `extra` map;
//! - unknown fields are ignored; nothing uses `deny_unknown_fields`.
//!
//! ```
//! use okta_models::{Application, ApplicationSignOnMode};
//!
//! let app: Application = serde_json::from_str(
//!     r#"{"signOnMode": "BOOKMARK", "label": "Docs", "name": "bookmark",
//!         "settings": {"app": {"url": "https://example.com"}}}"#,
//! ).unwrap();
//! assert!(matches!(app, Application::Bookmark(_)));
//! assert_eq!(ApplicationSignOnMode::from("SOMETHING_NEW").as_str(), "SOMETHING_NEW");
//! ```

// Generated code follows the spec, not clippy's taste: names, argument counts and
// impl shapes come from progenitor/typify. Lints are allowed here, in one place.
#[allow(clippy::all, clippy::pedantic, clippy::nursery, rustdoc::all)]
#[rustfmt::skip]
mod generated;
#[doc(hidden)]
pub mod support;

pub use generated::*;
