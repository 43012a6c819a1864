//! Visiting every schema object of an OpenAPI document, and every operation.

use super::HTTP_METHODS;
use serde_json::{Map, Value};

/// A visitor over schema objects: gets the JSON pointer of the schema and the schema itself.
pub type SchemaVisitor<'a> = dyn FnMut(&str, &mut Map<String, Value>) + 'a;

/// Calls `f` on every schema object of the document (components, parameters, bodies, responses,
/// headers), parents before children. `f` may edit the schema; children are visited after.
pub fn for_each_schema(doc: &mut Value, f: &mut SchemaVisitor<'_>) {
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for (name, s) in schemas.iter_mut() {
            walk_schema(s, &format!("/components/schemas/{}", escape(name)), f);
        }
    }
    for section in ["parameters", "headers"] {
        if let Some(Value::Object(items)) = doc.pointer_mut(&format!("/components/{section}")) {
            for (name, p) in items.iter_mut() {
                let base = format!("/components/{section}/{}", escape(name));
                if let Some(s) = p.get_mut("schema") {
                    walk_schema(s, &format!("{base}/schema"), f);
                }
            }
        }
    }
    if let Some(Value::Object(items)) = doc.pointer_mut("/components/requestBodies") {
        for (name, b) in items.iter_mut() {
            walk_content(b, &format!("/components/requestBodies/{}", escape(name)), f);
        }
    }
    if let Some(Value::Object(items)) = doc.pointer_mut("/components/responses") {
        for (name, r) in items.iter_mut() {
            walk_response(r, &format!("/components/responses/{}", escape(name)), f);
        }
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            let base = format!("/paths/{}", escape(path));
            for (key, op) in item.iter_mut() {
                if key == "parameters" {
                    walk_parameters(op, &format!("{base}/parameters"), f);
                    continue;
                }
                if !HTTP_METHODS.contains(&key.as_str()) {
                    continue;
                }
                let op_base = format!("{base}/{key}");
                if let Some(p) = op.get_mut("parameters") {
                    walk_parameters(p, &format!("{op_base}/parameters"), f);
                }
                if let Some(b) = op.get_mut("requestBody") {
                    walk_content(b, &format!("{op_base}/requestBody"), f);
                }
                if let Some(Value::Object(rs)) = op.get_mut("responses") {
                    for (status, r) in rs.iter_mut() {
                        walk_response(r, &format!("{op_base}/responses/{status}"), f);
                    }
                }
            }
        }
    }
}

fn walk_parameters(params: &mut Value, base: &str, f: &mut SchemaVisitor<'_>) {
    if let Value::Array(ps) = params {
        for (i, p) in ps.iter_mut().enumerate() {
            if let Some(s) = p.get_mut("schema") {
                walk_schema(s, &format!("{base}/{i}/schema"), f);
            }
        }
    }
}

fn walk_content(holder: &mut Value, base: &str, f: &mut SchemaVisitor<'_>) {
    if let Some(Value::Object(content)) = holder.get_mut("content") {
        for (mt, m) in content.iter_mut() {
            if let Some(s) = m.get_mut("schema") {
                walk_schema(s, &format!("{base}/content/{}/schema", escape(mt)), f);
            }
        }
    }
}

fn walk_response(r: &mut Value, base: &str, f: &mut SchemaVisitor<'_>) {
    walk_content(r, base, f);
    if let Some(Value::Object(headers)) = r.get_mut("headers") {
        for (name, h) in headers.iter_mut() {
            if let Some(s) = h.get_mut("schema") {
                walk_schema(s, &format!("{base}/headers/{}/schema", escape(name)), f);
            }
        }
    }
}

/// Visits one schema and its subschemas.
pub fn walk_schema(schema: &mut Value, path: &str, f: &mut SchemaVisitor<'_>) {
    let Value::Object(map) = schema else { return };
    f(path, map);
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        for (name, p) in props.iter_mut() {
            walk_schema(p, &format!("{path}/properties/{}", escape(name)), f);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(s) = map.get_mut(key)
            && s.is_object()
        {
            walk_schema(s, &format!("{path}/{key}"), f);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(list)) = map.get_mut(key) {
            for (i, s) in list.iter_mut().enumerate() {
                walk_schema(s, &format!("{path}/{key}/{i}"), f);
            }
        }
    }
}

/// An operation, with where it lives.
pub struct OperationRef<'a> {
    pub op: &'a mut Map<String, Value>,
}

/// Every operation of the document, in document order.
pub fn operations(doc: &mut Value) -> Vec<OperationRef<'_>> {
    let mut out = Vec::new();
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            let Value::Object(item) = item else { continue };
            for (method, op) in item.iter_mut() {
                if let (true, Value::Object(op)) = (HTTP_METHODS.contains(&method.as_str()), op) {
                    out.push(OperationRef { op });
                }
            }
        }
    }
    out
}

/// Calls `f` on every `$ref` string in the document.
pub fn for_each_ref(v: &mut Value, f: &mut dyn FnMut(&mut String)) {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                if k == "$ref" {
                    if let Value::String(s) = child {
                        f(s);
                    }
                } else {
                    for_each_ref(child, f);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|c| for_each_ref(c, f)),
        _ => {}
    }
}

/// JSON-pointer escaping of one path segment.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
