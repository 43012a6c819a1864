//! The group schema: `GET` and `POST /api/v1/meta/schemas/group/default`. Custom attributes
//! are added or changed under `definitions.custom.properties`, and removed by sending `null`.

use crate::error::OktaError;
use crate::extract::{Ctx, json_body};
use crate::state::now;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use serde_json::{Value, json};

pub(crate) async fn get(State(ctx): State<Ctx>) -> Result<Json<Value>, OktaError> {
    Ok(Json(ctx.read()?.group_schema.clone()))
}

pub(crate) async fn update(State(ctx): State<Ctx>, body: Bytes) -> Result<Json<Value>, OktaError> {
    let body = json_body(&body)?;
    let changes = body
        .pointer("/definitions/custom/properties")
        .and_then(Value::as_object)
        .ok_or_else(|| OktaError::validation("definitions.custom.properties", "The field cannot be left blank"))?;
    for (name, attribute) in changes {
        if attribute.is_null() {
            continue;
        }
        for field in ["title", "type"] {
            if attribute.get(field).and_then(Value::as_str).is_none_or(str::is_empty) {
                return Err(OktaError::validation(
                    &format!("{name}.{field}"),
                    "The field cannot be left blank",
                ));
            }
        }
    }
    let mut store = ctx.write()?;
    let schema = &mut store.group_schema;
    if let Some(props) = schema
        .pointer_mut("/definitions/custom/properties")
        .and_then(Value::as_object_mut)
    {
        for (name, attribute) in changes {
            if attribute.is_null() {
                props.remove(name);
            } else {
                let mut attribute = attribute.clone();
                if let Some(a) = attribute.as_object_mut() {
                    a.entry("scope").or_insert_with(|| json!("NONE"));
                    a.entry("mutability").or_insert_with(|| json!("READ_WRITE"));
                }
                props.insert(name.clone(), attribute);
            }
        }
    }
    schema["lastUpdated"] = json!(now());
    Ok(Json(schema.clone()))
}
