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
//! - every object keeps keys the spec does not list in an `extra` map, and sends them back;
//! - fields Okta always sends are plain values (`id`, `status`, `created`, `lastUpdated`, a
//!   resource's `profile`, a user profile's `login` and `email`, a group profile's `name`): absent,
//!   one reads its type's default and is not written back; other fields are `Option`s, as a
//!   field the spec calls required may be missing in an answer;
//! - structs are `#[non_exhaustive]`, built from `Default` (or `new`) with chained setters
//!   (`UserProfile::default().set_login("a@example.com")`); a union's subtype writes its own
//!   discriminator; every model derives `PartialEq`;
//! - the first unknown enum value or discriminator a process decodes is logged once (`tracing`,
//!   target `okta_sdk::drift`);
//! - `null` where a list or map is expected decodes as empty; `null` map entries (which remove a
//!   custom attribute in a schema update) are kept as `None`;
//! - date-times are [`Timestamp`]s, which accept the offset-less form some endpoints send;
//! - decoded as the SDK decodes every answer (`okta_lenient::from_slice`), a field in a shape its
//!   type does not accept is absent, kept in its object's `extra` map (see
//!   `okta_lenient::set_aside`) and written back unchanged, instead of failing the whole value;
//!   the subtype of a union is always decoded that way;
//! - `_links` is a [`HalLinks`] map: any relation, one link or a list.
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
mod timestamp;

pub use generated::*;
pub use timestamp::{Timestamp, TimestampError};
