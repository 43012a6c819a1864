//! Applications: list (`q`, `filter`, paging), get, create (bookmark, SWA and any other sign-on
//! mode with a label), replace, activate/deactivate, and delete (inactive apps only).

use crate::error::OktaError;
use crate::extract::{Ctx, flag, json_body, query};
use crate::listing;
use crate::state::now;
use crate::syslog::app_target;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

fn text<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn require(v: &Value, pointer: &str, field: &str) -> Result<(), OktaError> {
    text(v, pointer)
        .map(|_| ())
        .ok_or_else(|| OktaError::validation(field, "The field cannot be left blank"))
}

/// Checks what Okta checks for the app's template.
fn check(app: &Value) -> Result<(), OktaError> {
    require(app, "/label", "label")?;
    let mode = text(app, "/signOnMode")
        .ok_or_else(|| OktaError::validation("signOnMode", "The field cannot be left blank"))?;
    let name = text(app, "/name").unwrap_or_default();
    match (mode, name) {
        ("BOOKMARK", "bookmark") => require(app, "/settings/app/url", "settings.app.url"),
        ("BOOKMARK", other) => Err(OktaError::validation(
            "name",
            format!("'{other}' is not a bookmark app"),
        )),
        ("BROWSER_PLUGIN", "template_swa") => {
            for field in ["buttonField", "passwordField", "usernameField", "url"] {
                require(app, &format!("/settings/app/{field}"), &format!("settings.app.{field}"))?;
            }
            Ok(())
        }
        ("BROWSER_PLUGIN", "template_swa3field") => {
            for field in ["buttonSelector", "passwordSelector", "userNameSelector", "targetURL"] {
                require(app, &format!("/settings/app/{field}"), &format!("settings.app.{field}"))?;
            }
            Ok(())
        }
        ("BROWSER_PLUGIN", other) => Err(OktaError::validation("name", format!("'{other}' is not an SWA app"))),
        _ => Ok(()),
    }
}

fn links(base: &str, id: &str, status: &str) -> Value {
    let next = if status == "ACTIVE" { "deactivate" } else { "activate" };
    json!({
        "self": {"href": format!("{base}/api/v1/apps/{id}")},
        next: {"href": format!("{base}/api/v1/apps/{id}/lifecycle/{next}")},
        "users": {"href": format!("{base}/api/v1/apps/{id}/users")},
        "groups": {"href": format!("{base}/api/v1/apps/{id}/groups")},
    })
}

/// The fields Okta fills in on every app.
fn fill(app: &mut Value, id: &str, base: &str, status: &str) {
    let at = now();
    let defaults = json!({
        "features": [],
        "accessibility": {"selfService": false, "errorRedirectUrl": null, "loginRedirectUrl": null},
        "visibility": {"autoSubmitToolbar": false, "hide": {"iOS": false, "web": false}, "appLinks": {"login": true}},
        "credentials": {
            "userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"},
            "signing": {},
        },
    });
    if let (Some(app), Some(defaults)) = (app.as_object_mut(), defaults.as_object()) {
        for (k, v) in defaults {
            app.entry(k.clone()).or_insert_with(|| v.clone());
        }
        app.insert("id".into(), json!(id));
        app.insert("status".into(), json!(status));
        app.entry("created").or_insert_with(|| json!(at));
        app.insert("lastUpdated".into(), json!(at));
        app.insert("_links".into(), links(base, id, status));
    }
    if app["signOnMode"] == "BROWSER_PLUGIN" {
        app["credentials"]
            .as_object_mut()
            .map(|c| c.entry("scheme").or_insert_with(|| json!("EDIT_USERNAME_AND_PASSWORD")));
    }
}

/// `POST /api/v1/apps?activate=`
pub(crate) async fn create(
    State(ctx): State<Ctx>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Json<Value>, OktaError> {
    let q = query(raw);
    let mut app = json_body(&body)?;
    check(&app)?;
    let status = if flag(&q, "activate", true) {
        "ACTIVE"
    } else {
        "INACTIVE"
    };
    let mut store = ctx.write()?;
    let id = store.ids.next("0oa");
    fill(&mut app, &id, &ctx.base, status);
    store.apps.insert(id, app.clone());
    store.log.record("application.lifecycle.create", vec![app_target(&app)]);
    Ok(Json(app))
}

/// `GET /api/v1/apps`: `q` is a prefix of the label or name.
pub(crate) async fn list(State(ctx): State<Ctx>, RawQuery(raw): RawQuery) -> Result<Response, OktaError> {
    let q = query(raw);
    let store = ctx.read()?;
    let text = q.get("q").map(str::to_lowercase);
    let page = listing::page(&store.apps, &q, 200, |a| {
        text.as_deref().is_none_or(|t| {
            ["label", "name"]
                .iter()
                .any(|f| a[f].as_str().is_some_and(|v| v.to_lowercase().starts_with(t)))
        })
    })?;
    Ok(listing::respond(&ctx.base, "/api/v1/apps", &q, page))
}

/// `GET /api/v1/apps/{id}`
pub(crate) async fn get(State(ctx): State<Ctx>, Path(id): Path<String>) -> Result<Json<Value>, OktaError> {
    let store = ctx.read()?;
    store
        .apps
        .get(&id)
        .cloned()
        .map(Json)
        .ok_or_else(|| OktaError::not_found(&id, "AppInstance"))
}

/// `PUT /api/v1/apps/{id}`
pub(crate) async fn replace(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, OktaError> {
    let mut app = json_body(&body)?;
    check(&app)?;
    let mut store = ctx.write()?;
    let current = store
        .apps
        .get(&id)
        .ok_or_else(|| OktaError::not_found(&id, "AppInstance"))?;
    let status = current["status"].as_str().unwrap_or("ACTIVE").to_string();
    app["created"] = current["created"].clone();
    fill(&mut app, &id, &ctx.base, &status);
    store.apps.insert(id, app.clone());
    Ok(Json(app))
}

/// `POST /api/v1/apps/{id}/lifecycle/{activate|deactivate}`
pub(crate) async fn lifecycle(
    State(ctx): State<Ctx>,
    Path((id, action)): Path<(String, String)>,
) -> Result<Response, OktaError> {
    let status = match action.as_str() {
        "activate" => "ACTIVE",
        "deactivate" => "INACTIVE",
        _ => return Err(OktaError::no_endpoint()),
    };
    let mut store = ctx.write()?;
    let app = store
        .apps
        .get_mut(&id)
        .ok_or_else(|| OktaError::not_found(&id, "AppInstance"))?;
    app["status"] = json!(status);
    app["lastUpdated"] = json!(now());
    app["_links"] = links(&ctx.base, &id, status);
    let target = app_target(app);
    store
        .log
        .record(&format!("application.lifecycle.{action}"), vec![target]);
    Ok(Json(json!({})).into_response())
}

/// `DELETE /api/v1/apps/{id}`: only after deactivation, as Okta requires.
pub(crate) async fn delete(State(ctx): State<Ctx>, Path(id): Path<String>) -> Result<StatusCode, OktaError> {
    let mut store = ctx.write()?;
    let app = store
        .apps
        .get(&id)
        .ok_or_else(|| OktaError::not_found(&id, "AppInstance"))?;
    if app["status"] == "ACTIVE" {
        return Err(OktaError::new(
            StatusCode::BAD_REQUEST,
            "E0000056",
            "Delete application forbidden.",
        ));
    }
    let target = app_target(app);
    store.apps.remove(&id);
    store.log.record("application.lifecycle.delete", vec![target]);
    Ok(StatusCode::NO_CONTENT)
}
