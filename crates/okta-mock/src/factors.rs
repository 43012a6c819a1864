//! A user's factors: list, enroll (`sms`, `call`, `email`, `question`), get, delete, activate
//! with a pass code, and verify. No message is sent: the pass code is always
//! [`crate::PASS_CODE`].

use crate::PASS_CODE;
use crate::error::OktaError;
use crate::extract::{Ctx, json_body};
use crate::state::now;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

fn user_id(ctx: &Ctx, id: &str) -> Result<String, OktaError> {
    ctx.read()?.user_id(id).ok_or_else(|| OktaError::not_found(id, "User"))
}

fn bad_pass_code() -> OktaError {
    OktaError::new(StatusCode::FORBIDDEN, "E0000068", "Invalid Passcode/Answer")
}

fn links(base: &str, user: &str, factor: &str, status: &str) -> Value {
    let href = format!("{base}/api/v1/users/{user}/factors/{factor}");
    let mut links = json!({"self": {"href": href}, "user": {"href": format!("{base}/api/v1/users/{user}")}});
    if status == "PENDING_ACTIVATION" {
        links["activate"] = json!({"href": format!("{href}/lifecycle/activate")});
    } else {
        links["verify"] = json!({"href": format!("{href}/verify")});
    }
    links
}

/// `GET /api/v1/users/{id}/factors`
pub(crate) async fn list(State(ctx): State<Ctx>, Path(id): Path<String>) -> Result<Json<Value>, OktaError> {
    let id = user_id(&ctx, &id)?;
    let store = ctx.read()?;
    let factors: Vec<Value> = store
        .factors
        .get(&id)
        .map(|f| f.values().cloned().collect())
        .unwrap_or_default();
    Ok(Json(Value::Array(factors)))
}

/// `POST /api/v1/users/{id}/factors`
pub(crate) async fn enroll(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, OktaError> {
    let id = user_id(&ctx, &id)?;
    let body = json_body(&body)?;
    let factor_type = body
        .get("factorType")
        .and_then(Value::as_str)
        .ok_or_else(|| OktaError::validation("factorType", "The field cannot be left blank"))?
        .to_string();
    let profile = body.get("profile").cloned().unwrap_or_else(|| json!({}));
    let (needed, status) = match factor_type.as_str() {
        "sms" | "call" => ("phoneNumber", "PENDING_ACTIVATION"),
        "email" => ("email", "PENDING_ACTIVATION"),
        "question" => ("question", "ACTIVE"),
        other => {
            return Err(OktaError::new(
                StatusCode::BAD_REQUEST,
                "E0000001",
                format!("Api validation failed: factorType '{other}' is not supported by this fake org"),
            ));
        }
    };
    if profile.get(needed).and_then(Value::as_str).is_none_or(str::is_empty) {
        return Err(OktaError::validation(
            &format!("profile.{needed}"),
            "The field cannot be left blank",
        ));
    }
    let mut store = ctx.write()?;
    let taken = store
        .factors
        .get(&id)
        .is_some_and(|f| f.values().any(|x| x["factorType"] == factor_type.as_str()));
    if taken {
        return Err(OktaError::new(
            StatusCode::BAD_REQUEST,
            "E0000001",
            "Api validation failed: factorEnrollRequest. A factor of this type is already set up.",
        ));
    }
    let factor_id = store.ids.next("mbl");
    let at = now();
    let mut profile = profile;
    if factor_type == "question" {
        // The answer is never sent back.
        if let Some(p) = profile.as_object_mut() {
            p.remove("answer");
        }
    }
    let factor = json!({
        "id": factor_id, "factorType": factor_type, "provider": "OKTA", "vendorName": "OKTA",
        "status": status, "created": at, "lastUpdated": at, "profile": profile,
        "_links": links(&ctx.base, &id, &factor_id, status),
    });
    store.factors.entry(id).or_default().insert(factor_id, factor.clone());
    Ok(Json(factor))
}

fn with_factor<T>(
    ctx: &Ctx,
    user: &str,
    factor: &str,
    f: impl FnOnce(&mut Value) -> Result<T, OktaError>,
) -> Result<T, OktaError> {
    let user = user_id(ctx, user)?;
    let mut store = ctx.write()?;
    let found = store
        .factors
        .get_mut(&user)
        .and_then(|all| all.get_mut(factor))
        .ok_or_else(|| OktaError::not_found(factor, "UserFactor"))?;
    f(found)
}

/// `GET /api/v1/users/{id}/factors/{factorId}`
pub(crate) async fn get(
    State(ctx): State<Ctx>,
    Path((user, factor)): Path<(String, String)>,
) -> Result<Json<Value>, OktaError> {
    with_factor(&ctx, &user, &factor, |f| Ok(Json(f.clone())))
}

/// `DELETE /api/v1/users/{id}/factors/{factorId}`
pub(crate) async fn delete(
    State(ctx): State<Ctx>,
    Path((user, factor)): Path<(String, String)>,
) -> Result<StatusCode, OktaError> {
    let user = user_id(&ctx, &user)?;
    let mut store = ctx.write()?;
    store
        .factors
        .get_mut(&user)
        .and_then(|all| all.remove(&factor))
        .map(|_| StatusCode::NO_CONTENT)
        .ok_or_else(|| OktaError::not_found(&factor, "UserFactor"))
}

fn pass_code(body: &Bytes) -> Option<String> {
    serde_json::from_slice::<Value>(body)
        .ok()?
        .get("passCode")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// `POST /api/v1/users/{id}/factors/{factorId}/lifecycle/activate` with `{"passCode": ...}`
pub(crate) async fn activate(
    State(ctx): State<Ctx>,
    Path((user, factor)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, OktaError> {
    let code = pass_code(&body);
    let base = ctx.base.clone();
    let user_id = user_id(&ctx, &user)?;
    with_factor(&ctx, &user, &factor, |f| {
        if f["status"] != "PENDING_ACTIVATION" {
            return Err(OktaError::validation("factor", "The factor is already active"));
        }
        if code.as_deref() != Some(PASS_CODE) {
            return Err(bad_pass_code());
        }
        f["status"] = json!("ACTIVE");
        f["lastUpdated"] = json!(now());
        f["_links"] = links(&base, &user_id, &factor, "ACTIVE");
        Ok(Json(f.clone()))
    })
}

/// `POST /api/v1/users/{id}/factors/{factorId}/verify`: without a pass code an SMS, call or
/// email factor is challenged (`201`, `CHALLENGE`); with the right one it succeeds.
pub(crate) async fn verify(
    State(ctx): State<Ctx>,
    Path((user, factor)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, OktaError> {
    let code = pass_code(&body);
    with_factor(&ctx, &user, &factor, |f| {
        if f["status"] != "ACTIVE" {
            return Err(OktaError::validation("factor", "The factor is not active"));
        }
        match code.as_deref() {
            None if f["factorType"] != "question" => Ok((
                StatusCode::CREATED,
                Json(json!({"factorResult": "CHALLENGE", "expiresAt": (chrono::Utc::now() + chrono::Duration::minutes(5)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)})),
            )
                .into_response()),
            Some(PASS_CODE) => Ok(Json(json!({"factorResult": "SUCCESS"})).into_response()),
            _ => Err(bad_pass_code()),
        }
    })
}
