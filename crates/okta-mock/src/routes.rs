//! The router, and what every request passes through first: counting, injected faults, the
//! rate limit (`/api/v1/logs` has a bucket of its own), authentication, and the
//! `X-Okta-Request-Id` and `X-Rate-Limit-*` headers.

use crate::error::OktaError;
use crate::extract::Ctx;
use crate::faults::{Fault, FaultKind};
use crate::state::{Org, Window};
use crate::{apps, auth, factors, groups, logs, schema, users};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::{Value, json};
use std::sync::atomic::Ordering;

/// The rate-limit bucket of a path (Okta limits per endpoint family).
fn bucket(path: &str) -> &'static str {
    for family in ["/api/v1/users", "/api/v1/groups", "/api/v1/apps", "/oauth2/v1/token"] {
        if path.starts_with(family) {
            return family;
        }
    }
    "/api/v1"
}

/// Counts the request in its window: (limit, remaining, reset epoch seconds, allowed).
fn count(org: &Org, path: &str) -> (u32, u32, i64, bool) {
    let now = chrono::Utc::now().timestamp();
    let start = now - now.rem_euclid(60);
    let Ok(mut windows) = org.windows.lock() else {
        return (org.rate_limit, org.rate_limit, start + 60, true);
    };
    let window = windows.entry(bucket(path)).or_insert(Window {
        started: start,
        used: 0,
    });
    if window.started != start {
        *window = Window {
            started: start,
            used: 0,
        };
    }
    let allowed = window.used < org.rate_limit;
    if allowed {
        window.used += 1;
    }
    (org.rate_limit, org.rate_limit - window.used, start + 60, allowed)
}

fn set(response: &mut Response, name: &'static str, value: impl ToString) {
    if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
        response.headers_mut().insert(name, v);
    }
}

async fn gate(State(org): State<Ctx>, request: Request, next: Next) -> Response {
    org.counters.requests.fetch_add(1, Ordering::Relaxed);
    let path = request.uri().path().to_string();
    if path.starts_with("/__mock/") {
        return next.run(request).await;
    }
    let method = request.method().clone();
    let is_logs = path == "/api/v1/logs" || path.starts_with("/api/v1/logs/");
    let (limit, mut remaining, mut reset, allowed) = if is_logs {
        let quota = org.logs.take();
        (quota.limit, quota.remaining, quota.reset, quota.allowed)
    } else {
        count(&org, &path)
    };
    let mut response = match org.faults.take(method.as_str(), &path) {
        Some(FaultKind::Status(429)) => {
            remaining = 0;
            reset = chrono::Utc::now().timestamp() + 1;
            OktaError::rate_limited().into_response()
        }
        Some(FaultKind::Status(status)) => {
            OktaError::server(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)).into_response()
        }
        fault => {
            if let Some(FaultKind::Delay(d)) = fault {
                tokio::time::sleep(d).await;
            }
            if !allowed {
                OktaError::rate_limited().into_response()
            } else if path.starts_with("/api/") {
                match auth::authorize(&org, &method, &path, request.headers()) {
                    Ok(()) => next.run(request).await,
                    Err(e) => e.into_response(),
                }
            } else {
                next.run(request).await
            }
        }
    };
    if is_logs && response.status() == StatusCode::TOO_MANY_REQUESTS {
        org.logs.count_rate_limited();
    }
    set(&mut response, "x-okta-request-id", crate::ids::random_chars(27));
    set(&mut response, "x-rate-limit-limit", limit);
    set(&mut response, "x-rate-limit-remaining", remaining);
    set(&mut response, "x-rate-limit-reset", reset);
    response
}

async fn fallback() -> OktaError {
    OktaError::no_endpoint()
}

/// `POST /__mock/faults`: inject a fault from another process (the CLI server).
async fn inject(State(org): State<Ctx>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<Fault>(&body) {
        Ok(fault) => {
            org.faults.push(fault);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, axum::Json(json!({"error": e.to_string()}))).into_response(),
    }
}

/// `GET /__mock/stats`: request counters and sizes.
async fn stats(State(org): State<Ctx>) -> Result<axum::Json<Value>, OktaError> {
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
    })))
}

/// Every route of the fake org.
pub(crate) fn router(org: Ctx) -> Router {
    Router::new()
        .route("/oauth2/v1/token", post(auth::token))
        .route("/api/v1/users", get(users::list).post(users::create))
        .route(
            "/api/v1/users/{id}",
            get(users::get)
                .post(users::update)
                .put(users::replace)
                .delete(users::delete),
        )
        .route("/api/v1/users/{id}/lifecycle/{action}", post(users::lifecycle))
        .route("/api/v1/users/{id}/groups", get(users::groups))
        .route("/api/v1/users/{id}/factors", get(factors::list).post(factors::enroll))
        .route(
            "/api/v1/users/{id}/factors/{factor}",
            get(factors::get).delete(factors::delete),
        )
        .route(
            "/api/v1/users/{id}/factors/{factor}/lifecycle/activate",
            post(factors::activate),
        )
        .route("/api/v1/users/{id}/factors/{factor}/verify", post(factors::verify))
        .route("/api/v1/groups", get(groups::list).post(groups::create))
        .route(
            "/api/v1/groups/{id}",
            get(groups::get).put(groups::replace).delete(groups::delete),
        )
        .route("/api/v1/groups/{id}/users", get(groups::members))
        .route(
            "/api/v1/groups/{id}/users/{user}",
            put(groups::add_member).delete(groups::remove_member),
        )
        .route("/api/v1/apps", get(apps::list).post(apps::create))
        .route(
            "/api/v1/apps/{id}",
            get(apps::get).put(apps::replace).delete(apps::delete),
        )
        .route("/api/v1/apps/{id}/lifecycle/{action}", post(apps::lifecycle))
        .route(
            "/api/v1/meta/schemas/group/default",
            get(schema::get).post(schema::update),
        )
        .route("/api/v1/logs", get(logs::list))
        .route("/__mock/faults", post(inject))
        .route("/__mock/stats", get(stats))
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(org.clone(), gate))
        .with_state(org)
}
