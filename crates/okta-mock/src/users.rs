//! Users: create (with a password, `activate`, `nextLogin`), get by id or login, list with
//! `limit`/`after`/`filter`/`search`/`q`, partial and full update, lifecycle, delete, and the
//! groups a user is in.

use crate::error::OktaError;
use crate::extract::{Ctx, flag, json_body, query};
use crate::listing::{self, ListQuery};
use crate::state::{Store, now};
use crate::syslog::user_target;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// Page size cap of `GET /api/v1/users` (Okta's).
const MAX_USERS_PAGE: usize = 200;

/// The `type` id every user gets (the default user type).
const DEFAULT_TYPE: &str = "oty1defaultusertype0";

fn required_string<'a>(profile: &'a Map<String, Value>, field: &str) -> Result<&'a str, OktaError> {
    profile
        .get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| OktaError::validation(field, "The field cannot be left blank"))
}

/// The body's `profile` object, which Okta requires.
fn required_profile(body: &Value) -> Result<Map<String, Value>, OktaError> {
    body.get("profile")
        .and_then(Value::as_object)
        .cloned()
        .ok_or_else(|| OktaError::validation("profile", "The field cannot be left blank"))
}

/// Checks the fields Okta requires of a profile.
fn check_profile(profile: &Map<String, Value>) -> Result<String, OktaError> {
    let login = required_string(profile, "login")?;
    let email = required_string(profile, "email")?;
    if !email.contains('@') {
        return Err(OktaError::validation("email", "Does not match required pattern"));
    }
    Ok(login.to_lowercase())
}

fn credentials(password: bool, question: Option<&str>) -> Value {
    let mut c = json!({"provider": {"type": "OKTA", "name": "OKTA"}});
    if password {
        c["password"] = json!({});
    }
    if let Some(q) = question {
        c["recovery_question"] = json!({"question": q});
    }
    c
}

fn links(base: &str, id: &str) -> Value {
    json!({"self": {"href": format!("{base}/api/v1/users/{id}")}})
}

fn set_status(user: &mut Value, status: &str) {
    let at = now();
    user["status"] = json!(status);
    user["statusChanged"] = json!(at);
    user["lastUpdated"] = json!(at);
    let active = matches!(status, "ACTIVE" | "PROVISIONED" | "PASSWORD_EXPIRED");
    if active && user.get("activated").is_none_or(Value::is_null) {
        user["activated"] = json!(at);
    }
}

/// Inserts a user (validated by the caller) into the store.
pub(crate) fn insert(
    store: &mut Store,
    base: &str,
    profile: Map<String, Value>,
    password: Option<String>,
    status: &str,
    groups: &[String],
) -> Value {
    let id = store.ids.next("00u");
    let at = now();
    let login = profile
        .get("login")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_lowercase();
    let activated = if status == "STAGED" { Value::Null } else { json!(at) };
    let user = json!({
        "id": id,
        "status": status,
        "created": at,
        "activated": activated,
        "statusChanged": if status == "STAGED" { Value::Null } else { json!(at) },
        "lastLogin": null,
        "lastUpdated": at,
        "passwordChanged": if password.is_some() { json!(at) } else { Value::Null },
        "type": {"id": DEFAULT_TYPE},
        "profile": profile,
        "credentials": credentials(password.is_some(), None),
        "_links": links(base, &id),
    });
    if let Some(p) = password {
        store.passwords.insert(id.clone(), p);
    }
    store.logins.insert(login, id.clone());
    let everyone = store.everyone.clone();
    for group in std::iter::once(&everyone).chain(groups) {
        store.members.entry(group.clone()).or_default().insert(id.clone());
    }
    store.users.insert(id, user.clone());
    user
}

/// `POST /api/v1/users`
pub(crate) async fn create(
    State(ctx): State<Ctx>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, OktaError> {
    let q = query(raw);
    let body = json_body(&body)?;
    let profile = required_profile(&body)?;
    let login = check_profile(&profile)?;
    let password = body
        .pointer("/credentials/password/value")
        .and_then(Value::as_str)
        .map(str::to_string);
    let question = body
        .pointer("/credentials/recovery_question/question")
        .and_then(Value::as_str);
    let activate = flag(&q, "activate", true);
    let change_password = q.get("nextLogin") == Some("changePassword");
    if change_password && !activate {
        return Err(OktaError::validation(
            "nextLogin",
            "nextLogin=changePassword requires activate=true",
        ));
    }
    let groups: Vec<String> = body
        .get("groupIds")
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    let mut store = ctx.write()?;
    if store.logins.contains_key(&login) {
        return Err(OktaError::validation(
            "login",
            "An object with this field already exists in the current organization",
        ));
    }
    if let Some(missing) = groups.iter().find(|g| !store.groups.contains_key(*g)) {
        return Err(OktaError::not_found(missing, "UserGroup"));
    }
    let status = match (activate, password.is_some(), change_password) {
        (false, _, _) => "STAGED",
        (true, true, true) => "PASSWORD_EXPIRED",
        (true, true, false) => "ACTIVE",
        (true, false, _) => "PROVISIONED",
    };
    let mut user = insert(&mut store, &ctx.base, profile, password, status, &groups);
    store.log.record("user.lifecycle.create", vec![user_target(&user)]);
    if let Some(q) = question {
        user["credentials"]["recovery_question"] = json!({"question": q});
        if let Some(id) = user["id"].as_str()
            && let Some(stored) = store.users.get_mut(id)
        {
            stored["credentials"] = user["credentials"].clone();
        }
    }
    Ok((StatusCode::OK, Json(user)).into_response())
}

fn lookup(store: &Store, id_or_login: &str) -> Result<String, OktaError> {
    store
        .user_id(id_or_login)
        .ok_or_else(|| OktaError::not_found(id_or_login, "User"))
}

/// `GET /api/v1/users/{idOrLogin}`
pub(crate) async fn get(State(ctx): State<Ctx>, Path(id): Path<String>) -> Result<Json<Value>, OktaError> {
    let store = ctx.read()?;
    let id = lookup(&store, &id)?;
    Ok(Json(store.users[&id].clone()))
}

/// `q`: a prefix of the first name, last name, email or login.
fn q_matches(user: &Value, q: &str) -> bool {
    let q = q.to_lowercase();
    ["firstName", "lastName", "email", "login"].iter().any(|f| {
        user["profile"][f]
            .as_str()
            .is_some_and(|v| v.to_lowercase().starts_with(&q))
    })
}

/// `GET /api/v1/users`: without `filter`/`search`, deprovisioned users are left out, as Okta does.
pub(crate) async fn list(State(ctx): State<Ctx>, RawQuery(raw): RawQuery) -> Result<Response, OktaError> {
    let q = query(raw);
    let store = ctx.read()?;
    let all_statuses = q.get("filter").is_some() || q.get("search").is_some();
    let text = q.get("q").map(str::to_string);
    let page = listing::page(&store.users, &q, MAX_USERS_PAGE, |u| {
        (all_statuses || u["status"] != "DEPROVISIONED") && text.as_deref().is_none_or(|t| q_matches(u, t))
    })?;
    Ok(listing::respond(&ctx.base, "/api/v1/users", &q, page))
}

fn apply_password(store: &mut Store, id: &str, body: &Value) {
    if let Some(p) = body.pointer("/credentials/password/value").and_then(Value::as_str) {
        store.passwords.insert(id.to_string(), p.to_string());
        if let Some(user) = store.users.get_mut(id) {
            user["passwordChanged"] = json!(now());
            user["credentials"]["password"] = json!({});
        }
    }
}

/// Replaces the login index entry when the login changes; refuses a taken login.
fn reindex_login(store: &mut Store, id: &str, new_login: &str) -> Result<(), OktaError> {
    let old = store.users[id]["profile"]["login"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    let new = new_login.to_lowercase();
    if old == new {
        return Ok(());
    }
    if store.logins.contains_key(&new) {
        return Err(OktaError::validation(
            "login",
            "An object with this field already exists in the current organization",
        ));
    }
    store.logins.remove(&old);
    store.logins.insert(new, id.to_string());
    Ok(())
}

/// `POST /api/v1/users/{id}`: a partial update (only the given profile keys change).
pub(crate) async fn update(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, OktaError> {
    let body = json_body(&body)?;
    let mut store = ctx.write()?;
    let id = lookup(&store, &id)?;
    let mut profile = store.users[&id]["profile"].as_object().cloned().unwrap_or_default();
    if let Some(changes) = body.get("profile").and_then(Value::as_object) {
        for (k, v) in changes {
            profile.insert(k.clone(), v.clone());
        }
    }
    save(&mut store, &id, profile, &body).map(Json)
}

/// Stores a user's new profile (checked, login re-indexed) and password; gives the user.
fn save(store: &mut Store, id: &str, profile: Map<String, Value>, body: &Value) -> Result<Value, OktaError> {
    let login = check_profile(&profile)?;
    reindex_login(store, id, &login)?;
    if let Some(user) = store.users.get_mut(id) {
        user["profile"] = Value::Object(profile);
        user["lastUpdated"] = json!(now());
    }
    apply_password(store, id, body);
    store
        .users
        .get(id)
        .cloned()
        .ok_or_else(|| OktaError::not_found(id, "User"))
}

/// `PUT /api/v1/users/{id}`: a full update (the profile is replaced; missing keys are removed).
pub(crate) async fn replace(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, OktaError> {
    let body = json_body(&body)?;
    let profile = required_profile(&body)?;
    let mut store = ctx.write()?;
    let id = lookup(&store, &id)?;
    save(&mut store, &id, profile, &body).map(Json)
}

fn lifecycle_error(summary: &str) -> OktaError {
    OktaError::new(StatusCode::FORBIDDEN, "E0000016", summary)
}

/// `POST /api/v1/users/{id}/lifecycle/{activate|deactivate|suspend|unsuspend|unlock}`
pub(crate) async fn lifecycle(
    State(ctx): State<Ctx>,
    Path((id, action)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, OktaError> {
    let q = query(raw);
    let mut store = ctx.write()?;
    let id = lookup(&store, &id)?;
    let has_password = store.passwords.contains_key(&id);
    let base = ctx.base.clone();
    let user = store
        .users
        .get_mut(&id)
        .ok_or_else(|| OktaError::not_found(&id, "User"))?;
    let status = user["status"].as_str().unwrap_or_default().to_string();
    let target = user_target(user);
    let (response, event) = match action.as_str() {
        "activate" => {
            if !matches!(status.as_str(), "STAGED" | "DEPROVISIONED" | "PROVISIONED") {
                return Err(lifecycle_error("Activation failed because the user is already active"));
            }
            set_status(user, if has_password { "ACTIVE" } else { "PROVISIONED" });
            let response = if flag(&q, "sendEmail", true) {
                Json(json!({})).into_response()
            } else {
                let token = crate::ids::random_chars(20);
                Json(json!({
                    "activationUrl": format!("{base}/welcome/{token}"),
                    "activationToken": token,
                }))
                .into_response()
            };
            (response, Some("user.lifecycle.activate"))
        }
        "deactivate" => {
            let changed = status != "DEPROVISIONED";
            if changed {
                set_status(user, "DEPROVISIONED");
            }
            (
                Json(json!({})).into_response(),
                changed.then_some("user.lifecycle.deactivate"),
            )
        }
        transition => {
            let (from, to, refusal, event) = match transition {
                "suspend" => (
                    "ACTIVE",
                    "SUSPENDED",
                    "Cannot suspend a user that is not active",
                    "user.lifecycle.suspend",
                ),
                "unsuspend" => (
                    "SUSPENDED",
                    "ACTIVE",
                    "Cannot unsuspend a user that is not suspended",
                    "user.lifecycle.unsuspend",
                ),
                "unlock" => (
                    "LOCKED_OUT",
                    "ACTIVE",
                    "Cannot unlock a user that is not locked out",
                    "user.account.unlock",
                ),
                _ => return Err(OktaError::no_endpoint()),
            };
            if status != from {
                return Err(OktaError::validation("status", refusal));
            }
            set_status(user, to);
            (Json(json!({})).into_response(), Some(event))
        }
    };
    if let Some(event) = event {
        store.log.record(event, vec![target]);
    }
    Ok(response)
}

/// `DELETE /api/v1/users/{id}`: the first delete of a user that is not deprovisioned
/// deactivates it; deleting a deprovisioned user removes it, as Okta does.
pub(crate) async fn delete(State(ctx): State<Ctx>, Path(id): Path<String>) -> Result<StatusCode, OktaError> {
    let mut store = ctx.write()?;
    let id = lookup(&store, &id)?;
    let user = store
        .users
        .get_mut(&id)
        .ok_or_else(|| OktaError::not_found(&id, "User"))?;
    let target = user_target(user);
    if user["status"] != "DEPROVISIONED" {
        set_status(user, "DEPROVISIONED");
        store.log.record("user.lifecycle.deactivate", vec![target]);
        return Ok(StatusCode::NO_CONTENT);
    }
    let login = user["profile"]["login"].as_str().unwrap_or_default().to_lowercase();
    store.log.record("user.lifecycle.delete.initiated", vec![target]);
    store.users.remove(&id);
    store.logins.remove(&login);
    store.passwords.remove(&id);
    store.factors.remove(&id);
    for members in store.members.values_mut() {
        members.remove(&id);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/users/{id}/groups`
pub(crate) async fn groups(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, OktaError> {
    let q: ListQuery = query(raw);
    let store = ctx.read()?;
    let id = lookup(&store, &id)?;
    let page = listing::page(&store.groups, &q, 10_000, |g| {
        g["id"]
            .as_str()
            .and_then(|gid| store.members.get(gid))
            .is_some_and(|m| m.contains(&id))
    })?;
    Ok(listing::respond(
        &ctx.base,
        &format!("/api/v1/users/{id}/groups"),
        &q,
        page,
    ))
}
