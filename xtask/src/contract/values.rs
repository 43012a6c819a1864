//! Minimal valid JSON for a schema of the spec Prism serves: required properties only, first enum
//! values, one subtype per discriminated union, strings that meet their format, length and pattern.

use serde_json::{Map, Value, json};

use super::refs::{SCHEMAS, schema_ref};

/// Builds minimal values from the schemas of one document.
pub struct Values<'a> {
    doc: &'a Value,
}

impl<'a> Values<'a> {
    pub fn new(doc: &'a Value) -> Self {
        Self { doc }
    }

    /// Follows `$ref`s (of any component section); `None` for a dangling one.
    pub fn resolve(&self, mut v: &'a Value) -> Option<&'a Value> {
        for _ in 0..16 {
            let Some(r) = v.get("$ref").and_then(Value::as_str) else {
                return Some(v);
            };
            v = self.doc.pointer(r.strip_prefix('#')?)?;
        }
        None
    }

    /// A minimal valid value of `schema`.
    pub fn value(&self, schema: &Value) -> Value {
        self.value_in(schema, None, 0)
    }

    fn value_in(&self, schema: &Value, name: Option<&str>, depth: usize) -> Value {
        if depth > 12 {
            return json!({});
        }
        let name = schema_ref(schema).or(name);
        let Some(s) = self.resolve(schema) else {
            return json!({});
        };
        if let Some(e) = s
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.iter().find(|v| !v.is_null()))
        {
            return e.clone();
        }
        // A union: one subtype, the first the discriminator names (or the first member).
        for key in ["oneOf", "anyOf"] {
            if let Some(members) = s.get(key).and_then(Value::as_array) {
                // Candidates in order: the discriminator's subtypes, else the members. A validator
                // that ignores discriminators (Prism's) wants exactly one member to match, so the
                // first candidate that lacks a required property of every other member wins.
                let mut candidates: Vec<(Value, Option<String>)> = all_mappings(s)
                    .into_iter()
                    .map(|(tag, target)| (json!({ "$ref": target }), Some(tag)))
                    .collect();
                if candidates.is_empty() {
                    candidates = members.iter().map(|m| (m.clone(), None)).collect();
                }
                let built: Vec<Value> = candidates
                    .iter()
                    .map(|(schema, tag)| {
                        let mut v = self.value_in(schema, None, depth + 1);
                        if let Some(tag) = tag {
                            set_tag(&mut v, s, tag);
                        }
                        v
                    })
                    .collect();
                let unique = built
                    .iter()
                    .position(|v| members.iter().filter(|m| self.accepts(m, v, 0)).count() == 1);
                if let Some(v) = unique
                    .or(if built.is_empty() { None } else { Some(0) })
                    .and_then(|i| built.get(i))
                {
                    return v.clone();
                }
            }
        }
        if s.get("allOf").is_some() || s.get("properties").is_some() || s.get("type") == Some(&json!("object")) {
            let merged = self.merge(s, 0);
            // A base schema used directly: send its first subtype.
            if merged.tag_here
                && name.is_some()
                && let Some((tag, target)) = merged.all_mappings.first()
                && Some(target.trim_start_matches(SCHEMAS)) != name
            {
                let mut v = self.value_in(&json!({ "$ref": target }), None, depth + 1);
                if let Some(p) = &merged.tag_property {
                    set_tag_prop(&mut v, p, tag);
                }
                return v;
            }
            let mut out = Map::new();
            for r in &merged.required {
                if let Some(p) = merged.properties.get(r) {
                    out.insert(r.clone(), self.value_in(p, None, depth + 1));
                } else {
                    out.insert(r.clone(), json!("contract"));
                }
            }
            // The discriminator of a subtype: the value the base's mapping gives this subtype.
            if let (Some(p), Some(name)) = (&merged.tag_property, name)
                && let Some(tag) = merged
                    .all_mappings
                    .iter()
                    .find(|(_, t)| t.trim_start_matches(SCHEMAS) == name)
            {
                out.insert(p.clone(), json!(tag.0));
            }
            return Value::Object(out);
        }
        match s.get("type").and_then(Value::as_str) {
            Some("string") => string_value(s),
            Some("integer") | Some("number") => {
                let min = s.get("minimum").and_then(Value::as_f64).unwrap_or(1.0).max(1.0);
                let min = match s.get("maximum").and_then(Value::as_f64) {
                    Some(max) if max < min => max,
                    _ => min,
                };
                json!(min.ceil() as i64)
            }
            Some("boolean") => json!(true),
            Some("array") => {
                let n = s.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                let item = s.get("items").cloned().unwrap_or(json!({}));
                Value::Array((0..n.max(1)).map(|_| self.value_in(&item, None, depth + 1)).collect())
            }
            _ => json!({}),
        }
    }

    /// Whether `v` is valid against `schema`, for what a validator like Prism's checks: types,
    /// enums, required and named properties, `additionalProperties: false`, items, lengths,
    /// patterns and the combinators (formats are not checked).
    pub fn accepts(&self, schema: &Value, v: &Value, depth: usize) -> bool {
        let Some(s) = self.resolve(schema) else { return true };
        if depth > 24 {
            return true;
        }
        if v.is_null() && s.get("nullable") == Some(&Value::Bool(true)) {
            return true;
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array)
            && !e.contains(v)
        {
            return false;
        }
        let typed = match s.get("type").and_then(Value::as_str) {
            Some("string") => v.is_string(),
            Some("integer") => v.is_i64() || v.is_u64(),
            Some("number") => v.is_number(),
            Some("boolean") => v.is_boolean(),
            Some("array") => v.is_array(),
            Some("object") => v.is_object(),
            _ => true,
        };
        if !typed {
            return false;
        }
        if let Some(text) = v.as_str() {
            let len = text.chars().count() as u64;
            if s.get("minLength").and_then(Value::as_u64).is_some_and(|m| len < m)
                || s.get("maxLength").and_then(Value::as_u64).is_some_and(|m| len > m)
            {
                return false;
            }
            if let Some(p) = s.get("pattern").and_then(Value::as_str)
                && let Ok(re) = regex::Regex::new(p)
                && !re.is_match(text)
            {
                return false;
            }
        }
        if let (Some(items), Some(list)) = (s.get("items"), v.as_array())
            && !list.iter().all(|i| self.accepts(items, i, depth + 1))
        {
            return false;
        }
        if let Some(obj) = v.as_object() {
            let props = s.get("properties").and_then(Value::as_object);
            for r in s.get("required").and_then(Value::as_array).into_iter().flatten() {
                if r.as_str().is_some_and(|r| !obj.contains_key(r)) {
                    return false;
                }
            }
            for (k, x) in obj {
                match props.and_then(|p| p.get(k)) {
                    Some(p) if !self.accepts(p, x, depth + 1) => return false,
                    None if s.get("additionalProperties") == Some(&Value::Bool(false)) => return false,
                    _ => {}
                }
            }
        }
        let parts = |k: &str| s.get(k).and_then(Value::as_array).into_iter().flatten();
        if !parts("allOf").all(|p| self.accepts(p, v, depth + 1)) {
            return false;
        }
        if s.get("anyOf").is_some() && !parts("anyOf").any(|p| self.accepts(p, v, depth + 1)) {
            return false;
        }
        if s.get("oneOf").is_some() && parts("oneOf").filter(|p| self.accepts(p, v, depth + 1)).count() != 1 {
            return false;
        }
        true
    }

    /// The properties and required names of an object schema with its `allOf` parts folded in.
    fn merge(&self, s: &'a Value, depth: usize) -> Merged<'a> {
        let mut m = Merged::default();
        if depth > 8 {
            return m;
        }
        if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
            for part in parts {
                if let Some(p) = self.resolve(part) {
                    let inner = self.merge(p, depth + 1);
                    m.absorb(inner);
                }
            }
        }
        if let Some(Value::Object(props)) = s.get("properties") {
            for (k, v) in props {
                m.properties.insert(k.clone(), v);
            }
        }
        for r in s.get("required").and_then(Value::as_array).into_iter().flatten() {
            if let Some(r) = r.as_str()
                && !m.required.iter().any(|x| x == r)
            {
                m.required.push(r.to_string());
            }
        }
        if let Some(d) = s.get("discriminator") {
            m.tag_property = d.get("propertyName").and_then(Value::as_str).map(String::from);
            m.all_mappings = all_mappings(s);
            m.tag_here = true;
        }
        m
    }
}

#[derive(Default)]
struct Merged<'a> {
    properties: std::collections::BTreeMap<String, &'a Value>,
    required: Vec<String>,
    tag_property: Option<String>,
    all_mappings: Vec<(String, String)>,
    /// The discriminator sits on this schema itself, not on an `allOf` part.
    tag_here: bool,
}

impl<'a> Merged<'a> {
    /// Folds in an `allOf` part; a discriminator found there is inherited, not this schema's own.
    fn absorb(&mut self, other: Merged<'a>) {
        self.properties.extend(other.properties);
        for r in other.required {
            if !self.required.contains(&r) {
                self.required.push(r);
            }
        }
        if other.tag_property.is_some() {
            self.tag_property = other.tag_property;
            self.all_mappings = other.all_mappings;
            self.tag_here = false;
        }
    }
}

fn all_mappings(s: &Value) -> Vec<(String, String)> {
    s.pointer("/discriminator/mapping")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn set_tag(v: &mut Value, union: &Value, tag: &str) {
    if let Some(p) = union.pointer("/discriminator/propertyName").and_then(Value::as_str) {
        set_tag_prop(v, p, tag);
    }
}

fn set_tag_prop(v: &mut Value, property: &str, tag: &str) {
    if let Value::Object(o) = v {
        o.insert(property.to_string(), json!(tag));
    }
}

fn string_value(s: &Value) -> Value {
    let min = s.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = s.get("maxLength").and_then(Value::as_u64).map(|m| m as usize);
    let base = match s.get("format").and_then(Value::as_str) {
        Some("date-time") => "2024-01-02T03:04:05.000Z".to_string(),
        Some("date") => "2024-01-02".to_string(),
        Some("email") => "contract@example.com".to_string(),
        Some("uri") | Some("url") => "https://example.com/contract".to_string(),
        Some("uuid") => "0b6a1c1e-7c2d-4a39-9d3e-1f2a3b4c5d6e".to_string(),
        Some("ipv4") => "192.0.2.1".to_string(),
        Some("ipv6") => "2001:db8::1".to_string(),
        Some("hostname") => "contract.example.com".to_string(),
        Some("byte") => "Y29udHJhY3Q=".to_string(),
        _ => match s.get("pattern").and_then(Value::as_str) {
            Some(p) => pattern_value(p, min, max).unwrap_or_else(|| "contract".to_string()),
            None => "contract".to_string(),
        },
    };
    let mut out = base;
    while out.chars().count() < min {
        out.push('x');
    }
    if let Some(max) = max {
        out = out.chars().take(max.max(1)).collect();
    }
    json!(out)
}

/// A string matching `pattern` (JavaScript-flavoured; what Rust's regex syntax cannot read is
/// skipped), within the length bounds when it can.
fn pattern_value(pattern: &str, min: usize, max: Option<usize>) -> Option<String> {
    let full = regex::Regex::new(&format!("^(?:{pattern})$")).ok();
    for s in pattern_samples(pattern)? {
        let len = s.chars().count();
        let fits = len >= min && max.is_none_or(|m| len <= m);
        let matches = full.as_ref().is_none_or(|r| r.is_match(&s));
        if fits && matches && !s.is_empty() {
            return Some(s);
        }
    }
    None
}

/// 64 strings generated from `pattern`'s syntax (anchors at its ends aside), the way a mock
/// server's answer generator makes them; `None` when the syntax cannot be read.
fn pattern_samples(pattern: &str) -> Option<Vec<String>> {
    use rand::SeedableRng;
    let mut parser = regex_syntax::ParserBuilder::new().unicode(false).utf8(false).build();
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let body = body.strip_suffix('$').unwrap_or(body);
    let hir = parser.parse(body).ok()?;
    let generator = rand_regex::Regex::with_hir(hir, 8).ok()?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    Some((0..64).map(|_| rand::RngExt::sample(&mut rng, &generator)).collect())
}

/// The share of strings generated from `pattern`'s syntax that `pattern` matches (0 when either
/// cannot be read).
pub fn generated_match_rate(pattern: &str) -> f64 {
    let (Some(samples), Ok(re)) = (pattern_samples(pattern), regex::Regex::new(pattern)) else {
        return 0.0;
    };
    samples.iter().filter(|s| re.is_match(s)).count() as f64 / samples.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_properties_enums_formats_and_subtypes() {
        let doc = json!({"components": {"schemas": {
            "Base": {"type": "object", "required": ["kind", "label"], "properties": {
                "kind": {"type": "string"}, "label": {"type": "string", "minLength": 10}, "note": {"type": "string"}},
                "discriminator": {"propertyName": "kind", "mapping": {"A": "#/components/schemas/A"}}},
            "A": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "required": ["url", "mode"],
                "properties": {"url": {"type": "string", "format": "uri"}, "mode": {"type": "string", "enum": ["ONE", "TWO"]}}}]},
            "Code": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{2}$"}
        }}});
        let v = Values::new(&doc);
        let a = v.value(&json!({"$ref": "#/components/schemas/Base"}));
        assert_eq!(a["kind"], "A", "the base is sent as its first subtype");
        assert_eq!(a["mode"], "ONE");
        assert_eq!(a["url"], "https://example.com/contract");
        assert!(a["label"].as_str().unwrap().len() >= 10);
        assert!(a.get("note").is_none(), "only required properties");
        let code = v.value(&json!({"$ref": "#/components/schemas/Code"}));
        assert!(
            regex::Regex::new("^[A-Z]{3}-[0-9]{2}$")
                .unwrap()
                .is_match(code.as_str().unwrap()),
            "{code}"
        );
    }

    #[test]
    fn a_union_member_only_one_member_accepts_is_preferred() {
        let doc = json!({"components": {"schemas": {
            "B": {"type": "object", "required": ["x"], "properties": {"x": {"type": "string"}}},
            "A": {"type": "object", "properties": {"x": {"type": "string"}}},
            "C": {"type": "object", "properties": {"x": {"type": "integer"}}},
            "Role": {"type": "string", "enum": ["ADMIN"]},
            "RoleId": {"type": "string"}
        }}});
        let v = Values::new(&doc);
        // `B`'s minimal body {x} would also satisfy `A`; `A`'s {} satisfies only `A`.
        let picked =
            v.value(&json!({"oneOf": [{"$ref": "#/components/schemas/B"}, {"$ref": "#/components/schemas/A"}]}));
        assert_eq!(picked, json!({}));
        // `C` takes no string `x`, so `B`'s body is unique.
        let picked =
            v.value(&json!({"oneOf": [{"$ref": "#/components/schemas/B"}, {"$ref": "#/components/schemas/C"}]}));
        assert_eq!(picked, json!({"x": "contract"}));
        // An enum value is also any string; a free string is not in the enum.
        let role = v
            .value(&json!({"oneOf": [{"$ref": "#/components/schemas/Role"}, {"$ref": "#/components/schemas/RoleId"}]}));
        assert_eq!(role, json!("contract"));
    }
}
