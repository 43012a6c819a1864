//! Schema- and operation-level normalizer rules.

use super::walk::{escape, for_each_ref, for_each_schema, operations};
use super::{Facts, Rule};
use serde_json::{Map, Value, json};

pub fn rules() -> Vec<Rule> {
    vec![
        Rule {
            name: "schema_defaults",
            reason: "typify rejects the many `default`s that do not conform to their schemas, and a client that fills \
                     in server-side defaults while decoding would re-encode fields the server never sent",
            apply: schema_defaults,
        },
        Rule {
            name: "string_constraints",
            reason: "`pattern`/`minLength`/`maxLength` make typify emit validating newtypes whose decoders reject real \
                     data (and some patterns use inline flags like `(?i)` that regress cannot compile); the server \
                     validates input, the client must accept what it is sent",
            apply: string_constraints,
        },
        Rule {
            name: "duplicate_enum_values",
            reason: "typify panics on enums that list the same value twice",
            apply: duplicate_enum_values,
        },
        Rule {
            name: "optional_path_parameters",
            reason: "a path parameter is always required (OpenAPI 3.0 says so; progenitor rejects the spec otherwise)",
            apply: optional_path_parameters,
        },
        Rule {
            name: "request_media_types",
            reason: "progenitor accepts one request media type among JSON, form, text/plain and octet-stream; the \
                     spec offers several or others (multipart, certificates, merge-patch, secevent+jwt). We keep one, \
                     map it to a kind progenitor can send, and record the real media type for the runtime",
            apply: request_media_types,
        },
        Rule {
            name: "mixed_success_bodies",
            reason: "progenitor needs one success type per operation; some operations answer one status with a body \
                     and another without (or with a different body). The body becomes nullable (or a union) and the \
                     runtime hands empty success bodies to the decoder as `null`, so the caller gets `None` and the \
                     status",
            apply: mixed_success_bodies,
        },
        Rule {
            name: "error_bodies",
            reason: "progenitor needs one error type per operation; Okta's error responses all carry the `Error` \
                     shape, which the spec sometimes omits or spells as another schema",
            apply: error_bodies,
        },
        Rule {
            name: "case_clash",
            reason: "two component schemas whose names differ only in case (`TempPassword`/`tempPassword`) become the \
                     same Rust type name; identical schemas are merged into the first",
            apply: case_clash,
        },
        Rule {
            name: "inline_name_clash",
            reason: "typify names an inline object `<Parent><Property>`, which can equal a component's name \
                     (`User.type` and `UserType`) and define the type twice; such inline objects become components \
                     named `<Parent><Property>Property`",
            apply: inline_name_clash,
        },
        Rule {
            name: "additional_properties_kept",
            reason: "typify drops unknown keys when `additionalProperties: true` sits beside `properties`; the \
                     equivalent `{}` makes it keep them in a flattened map (custom profile attributes)",
            apply: additional_properties_kept,
        },
        Rule {
            name: "closed_objects",
            reason: "`additionalProperties: false` makes typify emit `deny_unknown_fields`, which breaks decoding as \
                     soon as Okta adds a field",
            apply: closed_objects,
        },
        Rule {
            name: "hal_links",
            reason: "Okta's `_links` carry more relations than the spec's per-resource link objects list (`keys`, \
                     `policies`, `enroll`, `captcha`, `helpDoc`, ...), and a relation the spec gives as one link can \
                     come as an array (factor `verify`), and several link schemas allow any value; every `_links` \
                     becomes `HalLinks`, a map from relation to one link, a list of links or (last) any other \
                     JSON value, so nothing Okta sends is refused or dropped",
            apply: hal_links,
        },
        Rule {
            name: "embedded_values_any",
            reason: "Okta embeds lists (`blocks` on a user) and plain values (`resourceType` on an access \
                     policy) under `_embedded`, not only objects; where the spec makes `_embedded` a map of \
                     objects, typify's `allOf` merge intersects a subtype's named `_embedded` properties with it, \
                     which gives an enum with no variants (`AccessPolicyEmbeddedResourceType`) or a map that \
                     refuses a list. Such maps hold any JSON value",
            apply: embedded_values_any,
        },
        Rule {
            name: "open_objects",
            reason: "real answers carry fields the spec does not list (`credentials.emails` on users, \
                     `resourceDisplayName` on policies, `message` on errors); every object with properties keeps \
                     unknown keys in a flattened `extra` map, so re-encoding what Okta sent loses nothing",
            apply: open_objects,
        },
        Rule {
            name: "required_not_trusted",
            reason: "the spec's `required` lists are not what Okta sends or needs: recorded answers omit required \
                     fields (OIDC app `credentials`, SAML `allowMultipleAcsEndpoints`, SWA `buttonField`, \
                     provisioning `profile`) and Okta accepts requests without them (brand `name`), and a required \
                     field that is absent fails the whole decode. Only discriminator properties stay required; the \
                     server validates requests and names a missing field in its error. Required lists and maps \
                     stay required, so a request always carries them (an empty `representation: {}` is a valid \
                     well-known-URI body that an optional field would leave out); post-processing rule \
                     `null_collections` decodes them absent or `null` as empty",
            apply: required_not_trusted,
        },
        Rule {
            name: "okta_support_answers",
            reason: "the spec gives the Okta-support grant, extend and revoke operations only a bodiless 301; Okta \
                     answers 200 with the support settings object, which the caller should get typed",
            apply: okta_support_answers,
        },
    ]
}

fn schema_defaults(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    let mut n = 0;
    for_each_schema(doc, &mut |_, s| {
        if s.remove("default").is_some() {
            n += 1;
        }
    });
    Ok(n)
}

fn string_constraints(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    let mut n = 0;
    for_each_schema(doc, &mut |_, s| {
        for key in ["pattern", "minLength", "maxLength"] {
            if s.remove(key).is_some() {
                n += 1;
            }
        }
    });
    Ok(n)
}

fn duplicate_enum_values(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    let mut n = 0;
    for_each_schema(doc, &mut |_, s| {
        if let Some(Value::Array(values)) = s.get_mut("enum") {
            let before = values.len();
            let mut seen = Vec::new();
            values.retain(|v| {
                if seen.contains(v) {
                    false
                } else {
                    seen.push(v.clone());
                    true
                }
            });
            if values.len() != before {
                n += 1;
            }
        }
    });
    Ok(n)
}

fn optional_path_parameters(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    /// Marks one parameter object required if it is a path parameter that is not; returns whether it did.
    fn require(p: &mut Value) -> bool {
        let Some(p) = p.as_object_mut() else { return false };
        let fix = p.get("in") == Some(&json!("path")) && p.get("required") != Some(&json!(true));
        if fix {
            p.insert("required".into(), json!(true));
        }
        fix
    }
    fn require_all(params: Option<&mut Value>) -> usize {
        let Some(Value::Array(ps)) = params else { return 0 };
        ps.iter_mut().map(require).filter(|&fixed| fixed).count()
    }
    let mut n = 0;
    if let Some(Value::Object(ps)) = doc.pointer_mut("/components/parameters") {
        n += ps.values_mut().map(require).filter(|&fixed| fixed).count();
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for (k, v) in item.iter_mut() {
                if k == "parameters" {
                    n += require_all(Some(v));
                } else if super::HTTP_METHODS.contains(&k.as_str()) {
                    n += require_all(v.get_mut("parameters"));
                }
            }
        }
    }
    Ok(n)
}

/// The media type progenitor should see for a request media type, if it is not one it takes.
fn progenitor_media_type(media: &str) -> Option<&'static str> {
    match media {
        "application/json" | "application/x-www-form-urlencoded" | "text/plain" | "application/octet-stream" => None,
        m if m.ends_with("+json") => Some("application/json"),
        m if m.ends_with("+jwt") => Some("text/plain"),
        _ => Some("application/octet-stream"),
    }
}

fn request_media_types(doc: &mut Value, facts: &mut Facts) -> anyhow::Result<usize> {
    let request_bodies = doc.pointer("/components/requestBodies").cloned().unwrap_or(Value::Null);
    let mut n = 0;
    for op in operations(doc) {
        let id = op_id(op.op)?;
        let Some(body) = op.op.get_mut("requestBody") else {
            continue;
        };
        if let Some(r) = body.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap_or_default();
            *body = request_bodies
                .get(name)
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("unresolved {r}"))?;
        }
        let Some(Value::Object(content)) = body.get_mut("content") else {
            continue;
        };
        let chosen = if content.contains_key("application/json") {
            "application/json".to_string()
        } else {
            content.keys().next().cloned().unwrap_or_default()
        };
        let several = content.len() > 1;
        let target = progenitor_media_type(&chosen);
        if !several && target.is_none() {
            continue;
        }
        let Some(mut media) = content.remove(&chosen) else {
            continue;
        };
        content.clear();
        let target = target.unwrap_or(match chosen.as_str() {
            "application/json" => "application/json",
            "application/x-www-form-urlencoded" => "application/x-www-form-urlencoded",
            "text/plain" => "text/plain",
            _ => "application/octet-stream",
        });
        match target {
            "application/octet-stream" => {
                if chosen == "multipart/form-data" {
                    let field = media
                        .pointer("/schema/properties")
                        .and_then(Value::as_object)
                        .and_then(|p| {
                            p.iter()
                                .find(|(_, s)| s.get("format") == Some(&json!("binary")))
                                .map(|(k, _)| k.clone())
                        })
                        .ok_or_else(|| anyhow::anyhow!("{id}: multipart body without a binary field"))?;
                    facts.multipart_field.insert(id.clone(), field);
                }
                media = json!({"schema": {"type": "string", "format": "binary"}});
            }
            "text/plain" => media = json!({"schema": {"type": "string"}}),
            _ => {}
        }
        content.insert(target.to_string(), media);
        if chosen != target {
            facts.request_media_type.insert(id, chosen);
        }
        n += 1;
    }
    Ok(n)
}

fn op_id(op: &Map<String, Value>) -> anyhow::Result<String> {
    op.get("operationId")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("an operation has no operationId"))
}

/// A response object with a `$ref` to `components/responses` resolved.
fn resolve_response(r: &Value, responses: &Value) -> anyhow::Result<Value> {
    match r.get("$ref").and_then(Value::as_str) {
        Some(reference) => responses
            .get(reference.rsplit('/').next().unwrap_or_default())
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("unresolved {reference}")),
        None => Ok(r.clone()),
    }
}

/// Error statuses: 4xx, 5xx and `default`.
fn is_error_status(status: &str) -> bool {
    !matches!(status.as_bytes().first(), Some(b'1' | b'2' | b'3'))
}

/// Gives every response of `op` whose status matches `which` the JSON body `schema`, resolving
/// shared responses first so the edit stays local to this operation.
fn set_json_body(
    op: &mut Map<String, Value>,
    responses: &Value,
    which: impl Fn(&str) -> bool,
    schema: &Value,
) -> anyhow::Result<()> {
    if let Some(Value::Object(rs)) = op.get_mut("responses") {
        for (_, r) in rs.iter_mut().filter(|(status, _)| which(status)) {
            let mut resolved = resolve_response(r, responses)?;
            if let Value::Object(m) = &mut resolved {
                m.insert("content".into(), json!({"application/json": {"schema": schema}}));
            }
            *r = resolved;
        }
    }
    Ok(())
}

fn json_schema(response: &Value) -> Option<&Value> {
    response.get("content")?.get("application/json")?.get("schema")
}

fn has_content(response: &Value) -> bool {
    response
        .get("content")
        .and_then(Value::as_object)
        .is_some_and(|c| !c.is_empty())
}

fn mixed_success_bodies(doc: &mut Value, facts: &mut Facts) -> anyhow::Result<usize> {
    let responses = doc.pointer("/components/responses").cloned().unwrap_or(Value::Null);
    let mut n = 0;
    for op in operations(doc) {
        let id = op_id(op.op)?;
        let Some(Value::Object(rs)) = op.op.get("responses") else {
            continue;
        };
        let success: Vec<String> = rs.keys().filter(|s| s.starts_with('2')).cloned().collect();
        let resolved = success
            .iter()
            .map(|st| resolve_response(&rs[st], &responses))
            .collect::<anyhow::Result<Vec<Value>>>()?;
        let mut bodies: Vec<Value> = Vec::new();
        for r in &resolved {
            if let Some(s) = json_schema(r)
                && !bodies.contains(s)
            {
                bodies.push(s.clone());
            }
        }
        let empty: Vec<u16> = success
            .iter()
            .zip(&resolved)
            .filter(|(_, r)| !has_content(r))
            .filter_map(|(s, _)| s.parse().ok())
            .collect();
        if bodies.is_empty() || (bodies.len() == 1 && empty.is_empty()) {
            continue;
        }
        let mut schema = if bodies.len() == 1 {
            bodies.remove(0)
        } else {
            json!({"oneOf": bodies})
        };
        if !empty.is_empty() {
            schema = match schema {
                Value::Object(mut m) if !m.contains_key("$ref") && !m.contains_key("oneOf") => {
                    m.insert("nullable".into(), json!(true));
                    Value::Object(m)
                }
                other => json!({"nullable": true, "allOf": [other]}),
            };
            facts.empty_success.insert(id, empty);
        }
        set_json_body(op.op, &responses, |st| success.iter().any(|x| x == st), &schema)?;
        n += 1;
    }
    Ok(n)
}

fn error_bodies(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    let responses = doc.pointer("/components/responses").cloned().unwrap_or(Value::Null);
    let error = json!({"$ref": "#/components/schemas/Error"});
    let mut n = 0;
    for op in operations(doc) {
        let Some(Value::Object(rs)) = op.op.get("responses") else {
            continue;
        };
        let mut kinds: Vec<Option<Value>> = Vec::new();
        for r in rs.iter().filter(|(status, _)| is_error_status(status)).map(|(_, r)| r) {
            let k = json_schema(&resolve_response(r, &responses)?).cloned();
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
        if kinds.len() <= 1 {
            continue;
        }
        set_json_body(op.op, &responses, is_error_status, &error)?;
        n += 1;
    }
    Ok(n)
}

fn case_clash(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return Ok(0);
    };
    let names: Vec<String> = schemas.keys().cloned().collect();
    let mut renames: Vec<(String, String)> = Vec::new();
    for (i, a) in names.iter().enumerate() {
        for b in &names[i + 1..] {
            if a.to_lowercase() == b.to_lowercase() {
                let (keep, drop) = if a.chars().next().is_some_and(char::is_uppercase) {
                    (a, b)
                } else {
                    (b, a)
                };
                if schemas.get(keep) != schemas.get(drop) {
                    anyhow::bail!("`{keep}` and `{drop}` differ only in case but are different schemas");
                }
                renames.push((drop.clone(), keep.clone()));
            }
        }
    }
    for (drop, _) in &renames {
        schemas.remove(drop);
    }
    for (drop, keep) in &renames {
        let from = format!("#/components/schemas/{}", escape(drop));
        let to = format!("#/components/schemas/{}", escape(keep));
        for_each_ref(doc, &mut |r| {
            if *r == from {
                *r = to.clone();
            }
        });
    }
    Ok(renames.len())
}

fn inline_name_clash(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    use heck::{ToSnakeCase, ToUpperCamelCase};
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return Ok(0);
    };
    let taken: std::collections::BTreeSet<String> = schemas.keys().map(|k| k.to_upper_camel_case()).collect();
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    for (parent, schema) in schemas.iter_mut() {
        let mut holders: Vec<&mut Value> = vec![];
        if schema.get("properties").is_some() {
            holders.push(schema);
        } else if let Some(Value::Array(all)) = schema.get_mut("allOf") {
            holders.extend(all.iter_mut());
        }
        for holder in holders {
            let Some(Value::Object(props)) = holder.get_mut("properties") else {
                continue;
            };
            for (prop, p) in props.iter_mut() {
                let inline_object = p.get("$ref").is_none() && p.get("properties").is_some();
                let generated = format!("{parent}_{}", prop.to_snake_case()).to_upper_camel_case();
                if inline_object && taken.contains(&generated) {
                    let name = format!("{generated}Property");
                    if taken.contains(&name) {
                        anyhow::bail!("cannot hoist {parent}.{prop}: `{name}` is taken");
                    }
                    let body = std::mem::replace(p, json!({"$ref": format!("#/components/schemas/{name}")}));
                    hoisted.push((name, body));
                }
            }
        }
    }
    let n = hoisted.len();
    schemas.extend(hoisted);
    Ok(n)
}

fn additional_properties_kept(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    let mut n = 0;
    for_each_schema(doc, &mut |_, s| {
        if s.get("additionalProperties") == Some(&json!(true)) && s.contains_key("properties") {
            s.insert("additionalProperties".into(), json!({}));
            n += 1;
        }
    });
    Ok(n)
}

fn closed_objects(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    let mut n = 0;
    for_each_schema(doc, &mut |_, s| {
        if s.get("additionalProperties") == Some(&json!(false)) {
            s.remove("additionalProperties");
            n += 1;
        }
    });
    Ok(n)
}

/// The component every `_links` property points at after rule `hal_links`.
const HAL_LINKS: &str = "HalLinks";

fn embedded_values_any(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    let mut n = 0;
    for_each_schema(doc, &mut |_, s| {
        if let Some(Value::Object(props)) = s.get_mut("properties")
            && let Some(Value::Object(embedded)) = props.get_mut("_embedded")
            && let Some(values) = embedded.get_mut("additionalProperties")
            && values.get("type").and_then(Value::as_str) == Some("object")
        {
            *values = json!({});
            n += 1;
        }
    });
    Ok(n)
}

fn hal_links(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    let mut n = 0;
    let target = json!({ "$ref": format!("#/components/schemas/{HAL_LINKS}") });
    for_each_schema(doc, &mut |_, s| {
        if let Some(Value::Object(props)) = s.get_mut("properties")
            && let Some(links) = props.get_mut("_links")
            && *links != target
        {
            *links = target.clone();
            n += 1;
        }
    });
    if n > 0 {
        let schemas = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .ok_or_else(|| anyhow::anyhow!("the document has no components.schemas"))?;
        if !schemas.contains_key("HrefObject") {
            anyhow::bail!("`HrefObject` (one link) is no longer a component");
        }
        for name in [HAL_LINKS, "HalLink"] {
            if schemas.contains_key(name) {
                anyhow::bail!("the spec now has a component named `{name}`; rule `hal_links` needs another name");
            }
        }
        schemas.insert(
            HAL_LINKS.into(),
            json!({"type": "object", "additionalProperties": {"$ref": "#/components/schemas/HalLink"}}),
        );
        schemas.insert(
            "HalLink".into(),
            json!({"oneOf": [
                {"title": "List", "type": "array", "items": {"$ref": "#/components/schemas/HrefObject"}},
                {"title": "One", "allOf": [{"$ref": "#/components/schemas/HrefObject"}]},
                {"title": "Other"}
            ]}),
        );
    }
    Ok(n)
}

fn open_objects(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    let mut n = 0;
    for_each_schema(doc, &mut |path, s| {
        // Inline `oneOf`/`anyOf` members become enum struct variants, where an `extra` field would
        // have to be spelled out in every literal; they stay as they are.
        let union_member = matches!(path.rsplit('/').nth(1), Some("oneOf" | "anyOf"));
        if s.contains_key("properties") && !s.contains_key("additionalProperties") && !union_member {
            s.insert("additionalProperties".into(), json!({}));
            n += 1;
        }
    });
    Ok(n)
}

fn required_not_trusted(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    // Component name -> the discriminator properties it takes part in (as base or as subtype).
    let mut tags: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = Default::default();
    for_each_schema(doc, &mut |path, s| {
        let Some(d) = s.get("discriminator") else { return };
        let Some(property) = d.get("propertyName").and_then(Value::as_str) else {
            return;
        };
        let mut members: Vec<String> = component_of(path).into_iter().collect();
        if let Some(Value::Object(mapping)) = d.get("mapping") {
            members.extend(
                mapping
                    .values()
                    .filter_map(|v| v.as_str()?.strip_prefix("#/components/schemas/"))
                    .map(String::from),
            );
        }
        for m in members {
            tags.entry(m).or_default().insert(property.to_string());
        }
    });
    // Schema pointer -> its required properties that are lists or maps (kept required).
    let mut collections: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for_each_schema(doc, &mut |path, s| {
        let (Some(Value::Array(required)), Some(Value::Object(props))) = (s.get("required"), s.get("properties"))
        else {
            return;
        };
        let kept: Vec<String> = required
            .iter()
            .filter_map(Value::as_str)
            .filter(|r| props.get(*r).is_some_and(is_collection))
            .map(String::from)
            .collect();
        if !kept.is_empty() {
            collections.insert(path.to_string(), kept);
        }
    });
    let mut n = 0;
    for_each_schema(doc, &mut |path, s| {
        let keep = component_of(path).and_then(|c| tags.get(&c));
        let lists = collections.get(path);
        if let Some(Value::Array(required)) = s.get_mut("required") {
            let before = required.len();
            required.retain(|r| {
                r.as_str().is_some_and(|r| {
                    keep.is_some_and(|k| k.contains(r)) || lists.is_some_and(|l| l.iter().any(|x| x == r))
                })
            });
            n += before - required.len();
            if required.is_empty() {
                s.remove("required");
            }
        }
    });
    Ok(n)
}

/// An inline list, or an inline map without named properties: what typify makes a plain `Vec` or
/// map field, whose empty value is a fine default. A `$ref` to a list becomes a newtype without
/// `Default`, so it is not counted.
fn is_collection(schema: &Value) -> bool {
    if schema.get("$ref").is_some() {
        return false;
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => true,
        Some("object") => {
            schema.get("properties").is_none() && ["allOf", "oneOf", "anyOf"].iter().all(|k| schema.get(*k).is_none())
        }
        _ => false,
    }
}

/// The component a schema pointer lies in (`/components/schemas/User/properties/x` -> `User`).
fn component_of(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/components/schemas/")?;
    let name = rest.split('/').next()?;
    Some(name.replace("~1", "/").replace("~0", "~"))
}

fn okta_support_answers(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    const OPS: &[&str] = &["grantOktaSupport", "extendOktaSupport", "revokeOktaSupport"];
    let mut n = 0;
    for op in operations(doc) {
        let id = op_id(op.op)?;
        if !OPS.contains(&id.as_str()) {
            continue;
        }
        let Some(Value::Object(responses)) = op.op.get_mut("responses") else {
            continue;
        };
        if responses.keys().any(|k| k.starts_with('2')) {
            continue;
        }
        responses.insert(
            "200".into(),
            json!({"description": "", "content": {"application/json": {"schema":
                {"$ref": "#/components/schemas/OrgOktaSupportSettingsObj"}}}}),
        );
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc_with_schema(name: &str, schema: Value) -> Value {
        json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {name: schema}}})
    }

    fn run(rule: &str, doc: &mut Value) -> (usize, Facts) {
        let mut facts = Facts::default();
        let r = rules().into_iter().find(|r| r.name == rule).expect("rule exists");
        let n = (r.apply)(doc, &mut facts).expect("rule runs");
        (n, facts)
    }

    fn op_doc(op: Value) -> Value {
        json!({"openapi": "3.0.3", "paths": {"/x/{id}": {"post": op}}, "components": {
            "schemas": {"Error": {"type": "object"}},
            "responses": {"E404": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
        }})
    }

    #[test]
    fn schema_defaults_are_dropped_only_in_schemas() {
        let mut doc = doc_with_schema(
            "S",
            json!({"type": "object", "properties": {
            "a": {"type": "string", "default": 3}, "default": {"type": "boolean"}}}),
        );
        doc["paths"] = json!({"/p": {"get": {"operationId": "g", "responses": {"default": {"description": ""}}}}});
        let (n, _) = run("schema_defaults", &mut doc);
        assert_eq!(n, 1);
        assert!(doc.pointer("/components/schemas/S/properties/a/default").is_none());
        assert!(
            doc.pointer("/components/schemas/S/properties/default").is_some(),
            "a property named default stays"
        );
        assert!(
            doc.pointer("/paths/~1p/get/responses/default").is_some(),
            "a default response stays"
        );
    }

    #[test]
    fn string_constraints_are_dropped() {
        let mut doc = doc_with_schema(
            "S",
            json!({"type": "string", "pattern": "(?i)^[a-f]$", "minLength": 1, "maxLength": 2}),
        );
        let (n, _) = run("string_constraints", &mut doc);
        assert_eq!(n, 3);
        assert_eq!(
            doc.pointer("/components/schemas/S").unwrap(),
            &json!({"type": "string"})
        );
    }

    #[test]
    fn duplicate_enum_values_are_removed() {
        let mut doc = doc_with_schema("S", json!({"type": "string", "enum": ["A", "B", "A"]}));
        let (n, _) = run("duplicate_enum_values", &mut doc);
        assert_eq!(n, 1);
        assert_eq!(doc.pointer("/components/schemas/S/enum").unwrap(), &json!(["A", "B"]));
    }

    #[test]
    fn optional_path_parameters_become_required() {
        let mut doc = op_doc(json!({"operationId": "o", "parameters": [
            {"name": "id", "in": "path", "schema": {"type": "string"}},
            {"name": "q", "in": "query", "schema": {"type": "string"}}], "responses": {}}));
        let (n, _) = run("optional_path_parameters", &mut doc);
        assert_eq!(n, 1);
        assert_eq!(
            doc.pointer("/paths/~1x~1{id}/post/parameters/0/required").unwrap(),
            &json!(true)
        );
        assert!(doc.pointer("/paths/~1x~1{id}/post/parameters/1/required").is_none());
    }

    #[test]
    fn request_media_types_keep_json_and_record_the_real_type() {
        let mut doc = op_doc(
            json!({"operationId": "upload", "requestBody": {"content": {"multipart/form-data": {
            "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": {}}),
        );
        let (n, facts) = run("request_media_types", &mut doc);
        assert_eq!(n, 1);
        assert_eq!(
            doc.pointer("/paths/~1x~1{id}/post/requestBody/content").unwrap(),
            &json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
        );
        assert_eq!(facts.request_media_type["upload"], "multipart/form-data");
        assert_eq!(facts.multipart_field["upload"], "file");

        let mut doc = op_doc(json!({"operationId": "patch", "requestBody": {"content": {
            "application/merge-patch+json": {"schema": {"type": "object"}}}}, "responses": {}}));
        let (_, facts) = run("request_media_types", &mut doc);
        assert!(
            doc.pointer("/paths/~1x~1{id}/post/requestBody/content/application~1json")
                .is_some()
        );
        assert_eq!(facts.request_media_type["patch"], "application/merge-patch+json");

        let mut doc = op_doc(json!({"operationId": "set", "requestBody": {"content": {
            "application/secevent+jwt": {"schema": {"type": "string"}}}}, "responses": {}}));
        let (_, facts) = run("request_media_types", &mut doc);
        assert!(
            doc.pointer("/paths/~1x~1{id}/post/requestBody/content/text~1plain")
                .is_some()
        );
        assert_eq!(facts.request_media_type["set"], "application/secevent+jwt");
    }

    #[test]
    fn mixed_success_bodies_become_nullable() {
        let mut doc = op_doc(json!({"operationId": "q", "responses": {
            "200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "202": {"description": ""}}}));
        let (n, facts) = run("mixed_success_bodies", &mut doc);
        assert_eq!(n, 1);
        let expected = json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/Error"}]});
        assert_eq!(
            doc.pointer("/paths/~1x~1{id}/post/responses/202/content/application~1json/schema")
                .unwrap(),
            &expected
        );
        assert_eq!(
            doc.pointer("/paths/~1x~1{id}/post/responses/200/content/application~1json/schema")
                .unwrap(),
            &expected
        );
        assert_eq!(facts.empty_success["q"], vec![202]);
    }

    #[test]
    fn different_success_bodies_become_a_union() {
        let mut doc = op_doc(json!({"operationId": "v", "responses": {
            "200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/a"}}}},
            "201": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/b"}}}}}}));
        let (n, facts) = run("mixed_success_bodies", &mut doc);
        assert_eq!(n, 1);
        assert_eq!(
            doc.pointer("/paths/~1x~1{id}/post/responses/201/content/application~1json/schema")
                .unwrap(),
            &json!({"oneOf": [{"$ref": "#/a"}, {"$ref": "#/b"}]})
        );
        assert!(facts.empty_success.is_empty());
    }

    #[test]
    fn error_bodies_are_unified() {
        let mut doc = op_doc(json!({"operationId": "e", "responses": {
            "404": {"$ref": "#/components/responses/E404"},
            "409": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error409"}}}},
            "401": {"description": ""}}}));
        let (n, _) = run("error_bodies", &mut doc);
        assert_eq!(n, 1);
        for s in ["401", "404", "409"] {
            assert_eq!(
                doc.pointer(&format!(
                    "/paths/~1x~1{{id}}/post/responses/{s}/content/application~1json/schema"
                ))
                .unwrap(),
                &json!({"$ref": "#/components/schemas/Error"})
            );
        }
    }

    #[test]
    fn case_clash_merges_identical_schemas() {
        let mut doc = json!({"components": {"schemas": {
            "TempPassword": {"type": "object"}, "tempPassword": {"type": "object"},
            "User": {"properties": {"p": {"$ref": "#/components/schemas/tempPassword"}}}}}});
        let (n, _) = run("case_clash", &mut doc);
        assert_eq!(n, 1);
        assert!(doc.pointer("/components/schemas/tempPassword").is_none());
        assert_eq!(
            doc.pointer("/components/schemas/User/properties/p/$ref").unwrap(),
            "#/components/schemas/TempPassword"
        );
        let mut bad = json!({"components": {"schemas": {"A": {"type": "object"}, "a": {"type": "string"}}}});
        let r = rules().into_iter().find(|r| r.name == "case_clash").unwrap();
        assert!((r.apply)(&mut bad, &mut Facts::default()).is_err());
    }

    #[test]
    fn inline_objects_clashing_with_components_are_hoisted() {
        let mut doc = json!({"components": {"schemas": {
            "User": {"type": "object", "properties": {"type": {"type": "object", "properties": {"id": {"type": "string"}}}}},
            "UserType": {"type": "object", "properties": {"name": {"type": "string"}}}}}});
        assert_eq!(run("inline_name_clash", &mut doc).0, 1);
        assert_eq!(
            doc.pointer("/components/schemas/User/properties/type/$ref").unwrap(),
            "#/components/schemas/UserTypeProperty"
        );
        assert!(
            doc.pointer("/components/schemas/UserTypeProperty/properties/id")
                .is_some()
        );
    }

    #[test]
    fn additional_properties_are_kept_and_objects_opened() {
        let mut doc = doc_with_schema(
            "P",
            json!({"type": "object", "additionalProperties": true, "properties": {
            "c": {"type": "object", "additionalProperties": false, "properties": {}}}}),
        );
        assert_eq!(run("additional_properties_kept", &mut doc).0, 1);
        assert_eq!(
            doc.pointer("/components/schemas/P/additionalProperties").unwrap(),
            &json!({})
        );
        assert_eq!(run("closed_objects", &mut doc).0, 1);
        assert!(
            doc.pointer("/components/schemas/P/properties/c/additionalProperties")
                .is_none()
        );
    }

    #[test]
    fn links_become_one_open_map() {
        let mut doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {
            "HrefObject": {"type": "object", "properties": {"href": {"type": "string"}}},
            "UserLinks": {"type": "object", "properties": {"self": {"$ref": "#/components/schemas/HrefObject"}}},
            "User": {"type": "object", "properties": {"_links": {"$ref": "#/components/schemas/UserLinks"}}}
        }}});
        assert_eq!(run("hal_links", &mut doc).0, 1);
        assert_eq!(
            doc.pointer("/components/schemas/User/properties/_links").unwrap(),
            &json!({"$ref": "#/components/schemas/HalLinks"})
        );
        let link = doc.pointer("/components/schemas/HalLink/oneOf").unwrap();
        assert_eq!(link[0]["type"], "array", "a list is tried first");
        assert_eq!(link[2], json!({"title": "Other"}), "anything else is kept last");
        assert_eq!(run("hal_links", &mut doc).0, 0, "nothing left to do");
    }

    #[test]
    fn objects_with_properties_are_opened_but_inline_union_members_are_not() {
        let mut doc = doc_with_schema(
            "P",
            json!({"type": "object", "properties": {"a": {"type": "string"}}, "oneOf": [
                {"type": "object", "properties": {"b": {"type": "string"}}}]}),
        );
        assert_eq!(run("open_objects", &mut doc).0, 1);
        assert_eq!(
            doc.pointer("/components/schemas/P/additionalProperties").unwrap(),
            &json!({})
        );
        assert!(
            doc.pointer("/components/schemas/P/oneOf/0/additionalProperties")
                .is_none()
        );
    }

    #[test]
    fn only_discriminators_stay_required() {
        let mut doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {
            "Base": {"type": "object", "required": ["kind", "label"], "properties": {
                "kind": {"type": "string"}, "label": {"type": "string"}},
                "discriminator": {"propertyName": "kind", "mapping": {"A": "#/components/schemas/A"}}},
            "A": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "required": ["kind", "url"],
                "properties": {"url": {"type": "string"}}}]},
            "Other": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}},
            "Lists": {"type": "object", "required": ["ids", "attrs", "named", "text"], "properties": {
                "ids": {"type": "array", "items": {"type": "string"}},
                "attrs": {"$ref": "#/components/schemas/Attrs"},
                "named": {"type": "object", "properties": {"x": {"type": "string"}}},
                "text": {"type": "string"}}},
            "Attrs": {"type": "object", "additionalProperties": {"type": "string"}}
        }}});
        assert_eq!(run("required_not_trusted", &mut doc).0, 6);
        assert_eq!(
            doc.pointer("/components/schemas/Lists/required").unwrap(),
            &json!(["ids"]),
            "inline lists and maps stay required; named ones (newtypes), objects with properties and scalars do not"
        );
        assert_eq!(
            doc.pointer("/components/schemas/Base/required").unwrap(),
            &json!(["kind"])
        );
        assert_eq!(
            doc.pointer("/components/schemas/A/allOf/1/required").unwrap(),
            &json!(["kind"])
        );
        assert!(
            doc.pointer("/components/schemas/Other/required").is_none(),
            "`kind` is a discriminator only in the union"
        );
    }

    #[test]
    fn embedded_maps_hold_any_value() {
        let mut doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {
            "User": {"type": "object", "properties": {"_embedded": {"type": "object",
                "additionalProperties": {"type": "object", "properties": {}}}}},
            "Named": {"type": "object", "properties": {"_embedded": {"type": "object", "properties": {
                "blocks": {"type": "array", "items": {"type": "string"}}}}}}
        }}});
        assert_eq!(run("embedded_values_any", &mut doc).0, 1);
        assert_eq!(
            doc.pointer("/components/schemas/User/properties/_embedded/additionalProperties")
                .unwrap(),
            &json!({})
        );
        assert!(
            doc.pointer("/components/schemas/Named/properties/_embedded/properties/blocks")
                .is_some()
        );
    }

    #[test]
    fn okta_support_operations_answer_the_settings() {
        let mut doc = json!({"openapi": "3.0.3", "paths": {
            "/api/v1/org/privacy/oktaSupport/grant": {"post": {"operationId": "grantOktaSupport",
                "responses": {"301": {"description": ""}}}},
            "/api/v1/org/privacy/oktaSupport": {"get": {"operationId": "getOrgOktaSupportSettings",
                "responses": {"200": {"description": ""}}}}
        }, "components": {"schemas": {}}});
        assert_eq!(run("okta_support_answers", &mut doc).0, 1);
        let answer = doc
            .pointer("/paths/~1api~1v1~1org~1privacy~1oktaSupport~1grant/post/responses/200/content/application~1json/schema")
            .unwrap();
        assert_eq!(
            answer,
            &json!({"$ref": "#/components/schemas/OrgOktaSupportSettingsObj"})
        );
        assert_eq!(run("okta_support_answers", &mut doc).0, 0, "already answered");
    }
}
