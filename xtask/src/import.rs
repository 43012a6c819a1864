//! `cargo xtask import <upstream.yaml> [--report FILE]`: keep the API's facts, drop prose and
//! samples, then generate (which prints the API change report).
//!
//! Keywords are only dropped where they are OpenAPI/JSON-Schema keywords. Inside maps whose keys
//! are names (`properties`, `paths`, `responses`, `content`, ...) a key called `description` or
//! `example` is a name, not prose, and is kept.

use crate::spec;
use anyhow::Context;
use serde_json::{Map, Value};
use std::path::Path;
use std::process::ExitCode;

/// Keywords holding prose or sample payloads.
const DROPPED: &[&str] = &[
    "description",
    "summary",
    "example",
    "examples",
    "externalDocs",
    "x-enumDescriptions",
    "x-enumDescription",
    "termsOfService",
    "contact",
    "x-logo",
];

/// Keywords whose value is a map from names to objects of the same kind.
const NAME_MAPS: &[&str] = &[
    "properties",
    "paths",
    "responses",
    "content",
    "headers",
    "encoding",
    "callbacks",
    "links",
    "schemas",
    "requestBodies",
    "securitySchemes",
    "variables",
    "x-webhooks",
    "patternProperties",
];

/// Keywords whose value is kept verbatim (facts that are data, not schemas).
const VERBATIM: &[&str] = &["enum", "default", "required", "mapping", "x-okta-lifecycle", "security"];

/// Writes the facts-only copy of `upstream` to `openapi/management.yaml`, then generates
/// (`generate::run`), which prints the API change report (and writes it to `report`).
pub fn run(upstream: &Path, root: &Path, report: Option<&Path>) -> anyhow::Result<ExitCode> {
    let doc = spec::read(upstream)?;
    let facts = facts_only(&doc);
    let yaml = spec::to_yaml(&facts)?;
    let out = root.join(spec::SPEC_PATH);
    std::fs::write(&out, &yaml)?;
    let ops = crate::normalize::count_operations(&facts);
    let schemas = facts
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map_or(0, Map::len);
    println!(
        "wrote {} ({} bytes, {} operations, {} schemas) from {}",
        spec::SPEC_PATH,
        yaml.len(),
        ops,
        schemas,
        upstream.display()
    );
    crate::generate::run(root, false, report)
        .context("the spec was written but generating from it failed; fix the cause and run `cargo xtask generate`")
}

/// Returns the facts-only copy of an upstream document.
pub fn facts_only(doc: &Value) -> Value {
    let Value::Object(top) = doc else { return doc.clone() };
    let mut out = Map::new();
    for (k, v) in top {
        match k.as_str() {
            "components" => {
                let mut comps = Map::new();
                if let Value::Object(c) = v {
                    for (ck, cv) in c {
                        if ck == "examples" {
                            continue;
                        }
                        // Every components section is a name map.
                        comps.insert(ck.clone(), name_map(cv));
                    }
                }
                out.insert(k.clone(), Value::Object(comps));
            }
            "tags" => {
                // Keep tag names and display names, not their descriptions.
                out.insert(k.clone(), strip(v));
            }
            _ if DROPPED.contains(&k.as_str()) => {}
            _ => {
                out.insert(k.clone(), strip(v));
            }
        }
    }
    let mut out = Value::Object(out);
    keep_required_descriptions(&mut out);
    out
}

/// OpenAPI 3.0 requires `description` on Response objects; keep it valid with an empty one.
fn keep_required_descriptions(doc: &mut Value) {
    fn fill(responses: Option<&mut Value>) {
        let Some(Value::Object(r)) = responses else { return };
        for m in r.values_mut().filter_map(Value::as_object_mut) {
            if !m.contains_key("$ref") && !m.contains_key("description") {
                m.insert("description".into(), Value::String(String::new()));
            }
        }
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for (method, op) in item.iter_mut() {
                if crate::normalize::HTTP_METHODS.contains(&method.as_str()) {
                    fill(op.get_mut("responses"));
                }
            }
        }
    }
    fill(doc.pointer_mut("/components/responses"));
}

fn name_map(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), strip(v))).collect()),
        other => strip(other),
    }
}

/// Strips prose from an object whose keys are keywords.
fn strip(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = k.as_str();
                if DROPPED.contains(&key) {
                    continue;
                }
                let nv = if VERBATIM.contains(&key) {
                    v.clone()
                } else if key == "scopes" && v.is_object() {
                    // OAuth scope tables map a scope to prose: keep the scope names only.
                    Value::Object(
                        v.as_object()
                            .into_iter()
                            .flatten()
                            .map(|(s, _)| (s.clone(), Value::String(String::new())))
                            .collect(),
                    )
                } else if NAME_MAPS.contains(&key) && v.is_object() {
                    name_map(v)
                } else {
                    strip(v)
                };
                out.insert(k.clone(), nv);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(strip).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn drops_prose_but_keeps_properties_named_like_keywords() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1", "description": "prose", "contact": {"name": "x"}},
            "externalDocs": {"url": "u"},
            "tags": [{"name": "User", "description": "prose", "x-displayName": "Users"}],
            "paths": {"/api/v1/users": {"get": {
                "operationId": "listUsers", "summary": "prose", "description": "prose",
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/User"},
                    "examples": {"a": {"value": 1}}}}}}
            }}},
            "components": {
                "examples": {"A": {"value": {"secret": 1}}},
                "schemas": {
                    "description": {"type": "string", "description": "prose"},
                    "User": {"type": "object", "example": {"id": 1}, "properties": {
                        "description": {"type": "string", "description": "prose", "default": "d"},
                        "example": {"type": "integer"},
                        "status": {"type": "string", "enum": ["A"], "x-enumDescriptions": {"A": "p"}}
                    }}
                },
                "securitySchemes": {"oauth2": {"type": "oauth2", "description": "prose",
                    "flows": {"clientCredentials": {"tokenUrl": "/t", "scopes": {"okta.users.read": "prose"}}}}}
            }
        });
        let out = facts_only(&doc);
        let expected = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "tags": [{"name": "User", "x-displayName": "Users"}],
            "paths": {"/api/v1/users": {"get": {
                "operationId": "listUsers",
                "responses": {"200": {"description": "", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/User"}}}}}
            }}},
            "components": {
                "schemas": {
                    "description": {"type": "string"},
                    "User": {"type": "object", "properties": {
                        "description": {"type": "string", "default": "d"},
                        "example": {"type": "integer"},
                        "status": {"type": "string", "enum": ["A"]}
                    }}
                },
                "securitySchemes": {"oauth2": {"type": "oauth2",
                    "flows": {"clientCredentials": {"tokenUrl": "/t", "scopes": {"okta.users.read": ""}}}}}
            }
        });
        assert_eq!(out, expected);
    }

    #[test]
    fn output_is_deterministic() {
        let doc = json!({"b": {"description": "x", "z": 1, "a": 2}, "a": [1, {"summary": "s", "k": "v"}]});
        let a = spec::to_yaml(&facts_only(&doc)).unwrap();
        let b = spec::to_yaml(&facts_only(&doc)).unwrap();
        assert_eq!(a, b);
        assert!(a.find("b:").unwrap() < a.find("a:").unwrap(), "key order is kept");
    }
}
