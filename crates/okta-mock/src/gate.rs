//! What every request passes through before its handler: counting, the concurrent-request
//! limit, injected faults, its bucket's rate limit, authentication, the added latency, and
//! the `X-Okta-Request-Id` and `X-Rate-Limit-*` headers.

use crate::error::OktaError;
use crate::extract::Ctx;
use crate::faults::FaultKind;
use crate::log_record;
use crate::state::Org;
use crate::window::Quota;
use crate::{auth, window};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::atomic::Ordering;

fn set(response: &mut Response, name: &'static str, value: impl ToString) {
    if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
        response.headers_mut().insert(name, v);
    }
}

/// The `X-Rate-Limit-*` headers of a quota.
fn set_quota(response: &mut Response, quota: &Quota) {
    set(response, "x-rate-limit-limit", quota.limit);
    set(response, "x-rate-limit-remaining", quota.remaining);
    set(response, "x-rate-limit-reset", quota.reset);
}

/// The middleware of every route.
pub(crate) async fn gate(State(org): State<Ctx>, request: Request, next: Next) -> Response {
    org.counters.requests.fetch_add(1, Ordering::Relaxed);
    let path = request.uri().path().to_string();
    if path.starts_with("/__mock/") {
        return next.run(request).await;
    }
    let is_logs = log_record::is_logs(&path);
    if is_logs {
        org.logs.arrived();
    }
    let mut response = match org.limits.admit() {
        Some(_in_flight) => serve(&org, &path, request, next).await,
        None => {
            org.limits.refuse_concurrent(request.method().as_str(), &path);
            let mut refused = OktaError::rate_limited().into_response();
            set_quota(&mut refused, &Quota::concurrency_refusal());
            refused
        }
    };
    if is_logs && response.status() == StatusCode::TOO_MANY_REQUESTS {
        org.logs.count_rate_limited();
    }
    set(&mut response, "x-okta-request-id", crate::ids::random_chars(27));
    response
}

/// A request admitted under the concurrent-request limit.
async fn serve(org: &Org, path: &str, request: Request, next: Next) -> Response {
    let is_api = path.starts_with("/api/");
    let deadline = org.limits.answer_at(tokio::time::Instant::now());
    let method = request.method().clone();
    let fault = org.faults.take(method.as_str(), path);
    let faulted = matches!(fault, Some(FaultKind::Status(_)));
    let mut quota = org.limits.take(method.as_str(), path, !faulted);
    let mut response = match fault {
        Some(FaultKind::Status(429)) => {
            quota.remaining = 0;
            quota.reset = window::soon();
            OktaError::rate_limited().into_response()
        }
        Some(FaultKind::Status(status)) => {
            OktaError::server(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)).into_response()
        }
        fault => {
            if let Some(FaultKind::Delay(d)) = fault {
                tokio::time::sleep(d).await;
            }
            if !quota.allowed {
                OktaError::rate_limited().into_response()
            } else if is_api {
                match auth::authorize(org, &method, path, request.headers()) {
                    Ok(()) => next.run(request).await,
                    Err(e) => e.into_response(),
                }
            } else {
                next.run(request).await
            }
        }
    };
    if is_api && let Some(deadline) = deadline {
        tokio::time::sleep_until(deadline).await;
    }
    set_quota(&mut response, &quota);
    response
}
