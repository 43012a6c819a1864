//! What handlers take from a request, beside the router that mounts them: the org (`Ctx`),
//! its store under lock, a JSON object body, the query pairs and boolean flags.

use crate::error::OktaError;
use crate::listing::ListQuery;
use crate::state::{Org, Store};
use axum::http::StatusCode;
use serde_json::Value;
use std::sync::{Arc, RwLockReadGuard, RwLockWriteGuard};

/// What handlers get: the org.
pub(crate) type Ctx = Arc<Org>;

impl Org {
    pub(crate) fn read(&self) -> Result<RwLockReadGuard<'_, Store>, OktaError> {
        self.store
            .read()
            .map_err(|_| OktaError::server(StatusCode::INTERNAL_SERVER_ERROR))
    }

    pub(crate) fn write(&self) -> Result<RwLockWriteGuard<'_, Store>, OktaError> {
        self.store
            .write()
            .map_err(|_| OktaError::server(StatusCode::INTERNAL_SERVER_ERROR))
    }
}

/// A JSON object body, or Okta's `E0000003`.
pub(crate) fn json_body(bytes: &[u8]) -> Result<Value, OktaError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(v) if v.is_object() => Ok(v),
        _ => Err(OktaError::malformed()),
    }
}

/// The query pairs of a request, in order.
pub(crate) fn query(raw: Option<String>) -> ListQuery {
    ListQuery {
        pairs: raw
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default(),
    }
}

/// Whether a boolean query parameter is set (`default` when absent).
pub(crate) fn flag(query: &ListQuery, name: &str, default: bool) -> bool {
    query.get(name).map_or(default, |v| v.eq_ignore_ascii_case("true"))
}
