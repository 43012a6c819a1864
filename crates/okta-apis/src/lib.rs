//! Generated operations of the Okta Management API, and the seam to the runtime.
//!
//! `src/generated.rs` is written by `cargo xtask generate` (progenitor, builder style, one
//! extension trait per Okta API tag). This file is the hand-written seam: the one
//! `ClientHooks` impl that hands every request to [`okta_runtime::Runtime`], with the
//! [`okta_runtime::OperationMeta`] the generator wrote for the operation.

// Generated code follows the spec, not clippy's taste: names, argument counts and
// impl shapes come from progenitor/typify. Lints are allowed here, in one place.
#[allow(clippy::all, clippy::pedantic, clippy::nursery, rustdoc::all)]
#[rustfmt::skip]
mod generated;

pub use generated::*;

use progenitor_client::{ClientHooks, OperationInfo};

/// Looks up an operation's facts by generated method name (`list_users`) or by the spec's
/// operationId (`listUsers`).
pub fn operation(name: &str) -> Option<&'static okta_runtime::OperationMeta> {
    match OPERATIONS.binary_search_by(|op| op.method_name.cmp(name)) {
        Ok(i) => Some(&OPERATIONS[i]),
        Err(_) => OPERATIONS.iter().find(|op| op.id == name),
    }
}

impl ClientHooks<okta_runtime::Runtime> for Client {
    async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        self.inner
            .execute(&self.client, request, operation(info.operation_id))
            .await
    }
}
