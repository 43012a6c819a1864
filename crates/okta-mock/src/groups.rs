//! Groups: create, list (`q`, `filter`, `search`, paging), get, replace, delete, and
//! membership (list members, add, remove). Every user is in the built-in `Everyone` group.

use crate::error::OktaError;
use crate::extract::{Ctx, json_body, query};
use crate::listing;
use crate::state::now;
use crate::syslog::{group_target, user_target};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

fn profile_of(body: &Value) -> Result<Map<String, Value>, OktaError> {
    let profile = body
        .get("profile")
        .and_then(Value::as_object)
        .ok_or_else(|| OktaError::validation("profile", "The field cannot be left blank"))?;
    if profile
        .get("name")
        .and_then(Value::as_str)
        .is_none_or(|n| n.trim().is_empty())
    {
        return Err(OktaError::validation("name", "The field cannot be left blank"));
    }
    Ok(profile.clone())
}

fn name_taken(groups: &std::collections::BTreeMap<String, Value>, name: &str, except: Option<&str>) -> bool {
    groups.values().any(|g| {
        g["profile"]["name"]
            .as_str()
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && g["id"].as_str() != except
    })
}

/// `POST /api/v1/groups`
pub(crate) async fn create(State(ctx): State<Ctx>, body: Bytes) -> Result<Json<Value>, OktaError> {
    let profile = profile_of(&json_body(&body)?)?;
    let name = profile["name"].as_str().unwrap_or_default().to_string();
    let mut store = ctx.write()?;
    if name_taken(&store.groups, &name, None) {
        return Err(OktaError::validation(
            "name",
            "An object with this field already exists in the current organization",
        ));
    }
    let id = store.ids.next("00g");
    let at = now();
    let group = json!({
        "id": id, "created": at, "lastUpdated": at, "lastMembershipUpdated": at,
        "objectClass": ["okta:user_group"], "type": "OKTA_GROUP", "profile": profile,
        "_links": {
            "self": {"href": format!("{}/api/v1/groups/{id}", ctx.base)},
            "users": {"href": format!("{}/api/v1/groups/{id}/users", ctx.base)},
        },
    });
    store.members.insert(id.clone(), Default::default());
    store.groups.insert(id, group.clone());
    store.log.record("group.lifecycle.create", vec![group_target(&group)]);
    Ok(Json(group))
}

/// `GET /api/v1/groups`: `q` is a prefix of the name.
pub(crate) async fn list(State(ctx): State<Ctx>, RawQuery(raw): RawQuery) -> Result<Response, OktaError> {
    let q = query(raw);
    let store = ctx.read()?;
    let text = q.get("q").map(str::to_lowercase);
    let page = listing::page(&store.groups, &q, 10_000, |g| {
        text.as_deref().is_none_or(|t| {
            g["profile"]["name"]
                .as_str()
                .is_some_and(|n| n.to_lowercase().starts_with(t))
        })
    })?;
    Ok(listing::respond(&ctx.base, "/api/v1/groups", &q, page))
}

/// `GET /api/v1/groups/{id}`
pub(crate) async fn get(State(ctx): State<Ctx>, Path(id): Path<String>) -> Result<Json<Value>, OktaError> {
    let store = ctx.read()?;
    store
        .groups
        .get(&id)
        .cloned()
        .map(Json)
        .ok_or_else(|| OktaError::not_found(&id, "UserGroup"))
}

/// `PUT /api/v1/groups/{id}`: replaces the profile of an Okta group.
pub(crate) async fn replace(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, OktaError> {
    let profile = profile_of(&json_body(&body)?)?;
    let name = profile["name"].as_str().unwrap_or_default().to_string();
    let mut store = ctx.write()?;
    if name_taken(&store.groups, &name, Some(&id)) {
        return Err(OktaError::validation(
            "name",
            "An object with this field already exists in the current organization",
        ));
    }
    let group = store
        .groups
        .get_mut(&id)
        .ok_or_else(|| OktaError::not_found(&id, "UserGroup"))?;
    if group["type"] != "OKTA_GROUP" {
        return Err(OktaError::validation("type", "Only Okta groups can be modified"));
    }
    group["profile"] = Value::Object(profile);
    group["lastUpdated"] = json!(now());
    Ok(Json(group.clone()))
}

/// `DELETE /api/v1/groups/{id}`
pub(crate) async fn delete(State(ctx): State<Ctx>, Path(id): Path<String>) -> Result<StatusCode, OktaError> {
    let mut store = ctx.write()?;
    let group = store
        .groups
        .get(&id)
        .ok_or_else(|| OktaError::not_found(&id, "UserGroup"))?;
    if group["type"] != "OKTA_GROUP" {
        return Err(OktaError::validation("type", "Only Okta groups can be deleted"));
    }
    let target = group_target(group);
    store.groups.remove(&id);
    store.members.remove(&id);
    store.log.record("group.lifecycle.delete", vec![target]);
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/groups/{id}/users`
pub(crate) async fn members(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, OktaError> {
    let q = query(raw);
    let store = ctx.read()?;
    let members = store
        .members
        .get(&id)
        .ok_or_else(|| OktaError::not_found(&id, "UserGroup"))?;
    let page = listing::page(&store.users, &q, 1000, |u| {
        u["id"].as_str().is_some_and(|uid| members.contains(uid))
    })?;
    Ok(listing::respond(
        &ctx.base,
        &format!("/api/v1/groups/{id}/users"),
        &q,
        page,
    ))
}

fn membership(ctx: &Ctx, group: &str, user: &str, add: bool) -> Result<StatusCode, OktaError> {
    let mut store = ctx.write()?;
    let user = store.user_id(user).ok_or_else(|| OktaError::not_found(user, "User"))?;
    let is_okta_group = store
        .groups
        .get(group)
        .ok_or_else(|| OktaError::not_found(group, "UserGroup"))?["type"]
        == "OKTA_GROUP";
    if !is_okta_group {
        return Err(OktaError::validation(
            "groupId",
            "Membership of this group cannot be changed",
        ));
    }
    let targets = [
        store.users.get(&user).map(user_target),
        store.groups.get(group).map(group_target),
    ];
    let members = store.members.entry(group.to_string()).or_default();
    let changed = if add {
        members.insert(user)
    } else {
        members.remove(&user)
    };
    if changed && let Some(g) = store.groups.get_mut(group) {
        g["lastMembershipUpdated"] = json!(now());
        let event = if add {
            "group.user_membership.add"
        } else {
            "group.user_membership.remove"
        };
        store.log.record(event, targets.into_iter().flatten().collect());
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/v1/groups/{id}/users/{userId}`
pub(crate) async fn add_member(
    State(ctx): State<Ctx>,
    Path((group, user)): Path<(String, String)>,
) -> Result<StatusCode, OktaError> {
    membership(&ctx, &group, &user, true)
}

/// `DELETE /api/v1/groups/{id}/users/{userId}`
pub(crate) async fn remove_member(
    State(ctx): State<Ctx>,
    Path((group, user)): Path<(String, String)>,
) -> Result<StatusCode, OktaError> {
    membership(&ctx, &group, &user, false)
}
