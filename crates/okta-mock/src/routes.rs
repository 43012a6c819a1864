//! The router: every route of the fake org, behind the gate (`gate.rs`) every request passes
//! first.

use crate::error::OktaError;
use crate::extract::Ctx;
use crate::{apps, auth, control, factors, gate, groups, logs, schema, users};
use axum::Router;
use axum::middleware;
use axum::routing::{get, post, put};

async fn fallback() -> OktaError {
    OktaError::no_endpoint()
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
        .route("/__mock/faults", post(control::inject))
        .route("/__mock/limits", post(control::limits))
        .route("/__mock/stats", get(control::stats))
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(org.clone(), gate::gate))
        .with_state(org)
}
