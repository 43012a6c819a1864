//! The control routes under `/__mock/`, for driving an org from another process (the CLI
//! server): inject faults, change limits, read counters. They pass no limit and need no
//! credential.

use crate::bucket::Bucket;
use crate::error::OktaError;
use crate::extract::Ctx;
use crate::faults::Fault;
use crate::limits::GENERAL_WINDOW;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};
use std::sync::atomic::Ordering;
use std::time::Duration;

fn bad_request(message: impl ToString) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({"error": message.to_string()})),
    )
        .into_response()
}

/// `POST /__mock/faults`: inject a fault (see [`Fault`]'s JSON form).
pub(crate) async fn inject(State(org): State<Ctx>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<Fault>(&body) {
        Ok(fault) => {
            org.faults.push(fault);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => bad_request(e),
    }
}

/// One bucket's limit in `POST /__mock/limits`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BucketSpec {
    /// `METHOD PATTERN` or `PATTERN`, as a [`Bucket`] prints.
    bucket: String,
    limit: u32,
    /// Default: a minute.
    window_ms: Option<u64>,
}

/// The body of `POST /__mock/limits`; every field is optional:
/// `{"buckets": [{"bucket": "GET /api/v1/users", "limit": 100, "windowMs": 60000}],
/// "concurrencyLimit": 10, "latencyMs": 50}`. A `concurrencyLimit` of `null` lifts the limit.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LimitsSpec {
    #[serde(default)]
    buckets: Vec<BucketSpec>,
    #[serde(default, deserialize_with = "present")]
    concurrency_limit: Option<Option<usize>>,
    latency_ms: Option<u64>,
}

/// A field that is present (`Some`), possibly `null` (`Some(None)`); absent is the default.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// `POST /__mock/limits`: set bucket limits, the concurrent-request limit, the latency.
pub(crate) async fn limits(State(org): State<Ctx>, body: axum::body::Bytes) -> Response {
    let spec = match serde_json::from_slice::<LimitsSpec>(&body) {
        Ok(spec) => spec,
        Err(e) => return bad_request(e),
    };
    for b in spec.buckets {
        let window = b.window_ms.map_or(GENERAL_WINDOW, Duration::from_millis);
        let bucket: Bucket = match b.bucket.parse() {
            Ok(bucket) => bucket,
            Err(never) => match never {},
        };
        org.limits.set(bucket, b.limit, window);
    }
    if let Some(limit) = spec.concurrency_limit {
        org.limits.set_concurrency(limit);
    }
    if let Some(ms) = spec.latency_ms {
        org.limits.set_latency(Duration::from_millis(ms));
    }
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /__mock/stats`: request counters, sizes, and every bucket's counters.
pub(crate) async fn stats(State(org): State<Ctx>) -> Result<axum::Json<Value>, OktaError> {
    let buckets: Vec<Value> = org
        .limits
        .stats()
        .into_iter()
        .map(|s| {
            json!({
                "bucket": s.bucket,
                "limit": s.limit,
                "windowMs": u64::try_from(s.window.as_millis()).unwrap_or(u64::MAX),
                "requests": s.requests,
                "rateLimited": s.rate_limited,
                "mostInWindow": s.most_in_window,
            })
        })
        .collect();
    let store = org.read()?;
    Ok(axum::Json(json!({
        "requests": org.counters.requests.load(Ordering::Relaxed),
        "tokenRequests": org.counters.token_requests.load(Ordering::Relaxed),
        "users": store.users.len(),
        "groups": store.groups.len(),
        "apps": store.apps.len(),
        "logEvents": store.log.len(),
        "logsRequests": org.logs.requests().len(),
        "logsRateLimited": org.logs.rate_limited(),
        "rateLimited": org.limits.rate_limited(),
        "concurrencyRateLimited": org.limits.concurrency_rate_limited(),
        "inFlight": org.limits.in_flight(),
        "mostInFlight": org.limits.most_in_flight(),
        "buckets": buckets,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_from_json() {
        let spec: LimitsSpec = serde_json::from_str(
            r#"{"buckets": [{"bucket": "GET /api/v1/users", "limit": 5}], "concurrencyLimit": null}"#,
        )
        .expect("valid");
        assert_eq!(spec.buckets.len(), 1);
        assert_eq!((spec.concurrency_limit, spec.latency_ms), (Some(None), None));
        let spec: LimitsSpec = serde_json::from_str(r#"{"concurrencyLimit": 3, "latencyMs": 20}"#).expect("valid");
        assert_eq!((spec.concurrency_limit, spec.latency_ms), (Some(Some(3)), Some(20)));
        let spec: LimitsSpec = serde_json::from_str("{}").expect("valid");
        assert_eq!(spec.concurrency_limit, None);
        assert!(serde_json::from_str::<LimitsSpec>(r#"{"concurency": 3}"#).is_err());
    }
}
