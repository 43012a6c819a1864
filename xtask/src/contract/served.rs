//! The copy of `openapi/management.yaml` that Prism serves in the contract test: the same API, with
//! a few named adaptations for what Prism cannot do itself. Each one only states in JSON Schema
//! terms what the spec already says (a discriminator's meaning, a case-insensitive pattern) or
//! drops a constraint Prism cannot produce answers for; none loosens what a request must carry.
//! Each adaptation counts its places and fails loudly when it matches nothing.

use super::refs::{SCHEMAS, component_schemas, schema_ref};
use crate::normalize::walk::for_each_schema;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// One adaptation of the served spec.
pub struct Adaptation {
    pub name: &'static str,
    pub reason: &'static str,
    pub apply: fn(&mut Value) -> usize,
}

pub fn adaptations() -> Vec<Adaptation> {
    vec![
        Adaptation {
            name: "discriminators_enforced",
            reason: "Prism validates `oneOf` as plain JSON Schema (exactly one member must match) and ignores \
                     `discriminator`; Okta's subtypes share their required properties, so every subtype body \
                     matches several members. Each mapped subtype gets its discriminator values as an `enum`, \
                     which is what the mapping means",
            apply: discriminators_enforced,
        },
        Adaptation {
            name: "undiscriminated_one_of_as_any_of",
            reason: "a `oneOf` without a discriminator lists shapes a body may take, and several of Okta's have \
                     members no value can tell apart (the factor activation bodies for `call`, `email` and \
                     `sms` are the same schema), so strict `oneOf` rejects every body and Prism's answers fail \
                     their own check; Okta reads the fields it gets. Served as `anyOf`; discriminated unions \
                     stay `oneOf`",
            apply: undiscriminated_one_of_as_any_of,
        },
        Adaptation {
            name: "discriminated_bases_as_unions",
            reason: "a base schema with a discriminator, used as a value (not as an `allOf` part of a \
                     subtype), means one of its mapped subtypes; Prism generates and validates it as the bare \
                     base, so its answers mix one subtype's tag with another's fields. It is served as the \
                     `oneOf` of its subtypes (a union that lists the base beside some subtypes gets the rest)",
            apply: discriminated_bases_as_unions,
        },
        Adaptation {
            name: "case_insensitive_patterns",
            reason: "Prism compiles patterns as JavaScript regexes, which have no inline `(?i)` flag (it answers \
                     500 with a SyntaxError); each letter becomes a class of both cases, the same language",
            apply: case_insensitive_patterns,
        },
        Adaptation {
            name: "ungeneratable_patterns_dropped",
            reason: "a pattern most strings generated from its own syntax do not match (`tokenWindow`'s \
                     `^P(?:$)(\\d+Y)?...`, an end anchor mid-pattern) makes every random Prism answer violate \
                     the spec, and Prism answers 500; the pattern is dropped from the served copy",
            apply: ungeneratable_patterns_dropped,
        },
        Adaptation {
            name: "all_of_bounds_intersected",
            reason: "an `allOf` whose parts bound the same property differently means the tighter bound \
                     (`BehaviorRuleSettingsAnomalousIP` says `maxEventsUsedForEvaluation` >= 0 beside \
                     the history-based settings' >= 1); Prism's answer generator takes one part's bound, so \
                     some seeds answer 0 and Prism fails its own check with a 500. Each part defined in \
                     place gets the tightest bound of all parts",
            apply: all_of_bounds_intersected,
        },
        Adaptation {
            name: "url_format_as_uri",
            reason: "Prism's validator checks the non-standard `format: url` while its answer generator does not \
                     know it and sends any text; `uri` is the standard format both understand",
            apply: url_format_as_uri,
        },
    ]
}

/// The served copy of `doc`, and each adaptation's count. Errors when an adaptation matched nothing.
pub fn served(doc: &Value) -> anyhow::Result<(Value, Vec<(&'static str, usize)>)> {
    let mut doc = doc.clone();
    let mut counts = Vec::new();
    for a in adaptations() {
        let n = (a.apply)(&mut doc);
        if n == 0 {
            anyhow::bail!(
                "contract adaptation `{}` matched nothing; the spec changed, check whether it is still needed ({})",
                a.name,
                a.reason
            );
        }
        counts.push((a.name, n));
    }
    Ok((doc, counts))
}

fn discriminators_enforced(doc: &mut Value) -> usize {
    // (subtype, property) -> the tags that map to it.
    let mut tags: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut bases: BTreeSet<String> = BTreeSet::new();
    let schemas = component_schemas(doc);
    let mut visit = |name: Option<&str>, s: &Value| {
        let Some(d) = s.get("discriminator") else { return };
        let Some(prop) = d.get("propertyName").and_then(Value::as_str) else {
            return;
        };
        if let Some(name) = name {
            bases.insert(name.to_string());
        }
        for (tag, target) in d.get("mapping").and_then(Value::as_object).into_iter().flatten() {
            if let Some(t) = target.as_str().and_then(|t| t.strip_prefix(SCHEMAS)) {
                tags.entry((t.to_string(), prop.to_string()))
                    .or_default()
                    .insert(tag.clone());
            }
        }
    };
    // Every discriminated schema, components and inline alike; a component's own name marks it
    // as a base.
    let mut found: Vec<(Option<String>, Value)> = Vec::new();
    for_each_schema(doc, &mut |path, s| {
        if s.contains_key("discriminator") {
            let name = path
                .strip_prefix("/components/schemas/")
                .filter(|n| !n.contains('/'))
                .map(|n| n.replace("~1", "/").replace("~0", "~"));
            found.push((name, Value::Object(s.clone())));
        }
    });
    for (name, s) in &found {
        visit(name.as_deref(), s);
    }
    let mut n = 0;
    for ((target, prop), values) in tags {
        if bases.contains(&target) {
            continue;
        }
        let Some(own) = schemas.get(&target) else { continue };
        // Prism's answer generator does not intersect an `enum` in one `allOf` part with the
        // property's schema in another, so the tag is set where the property is defined: in the
        // subtype itself, or in a copy of the chain of parts it inherits the property from. The
        // copy is taken from the spec as it was, so a subtype built on another subtype (an OTP
        // method on a method with verifiable properties) is not held to that one's tags too.
        let tag = json!({"type": "string", "enum": values});
        let adapted = with_tag(own, &prop, &tag, &schemas, 0).unwrap_or_else(|| {
            // Defined nowhere it can be reached: a part of its own still holds validation to it.
            let mut s = own.clone();
            let constraint = json!({"type": "object", "properties": {prop.clone(): tag.clone()}});
            match s.get_mut("allOf").and_then(Value::as_array_mut) {
                Some(parts) => parts.push(constraint),
                None => s = json!({"allOf": [s, constraint]}),
            }
            s
        });
        if let Some(slot) = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .and_then(|m| m.get_mut(&target))
        {
            *slot = adapted;
            n += 1;
        }
    }
    n
}

/// `schema` with `prop` set to `tag` where it is defined, following `$ref`s and `allOf` parts
/// (copied); `None` when `prop` is defined nowhere on the way.
fn with_tag(
    schema: &Value,
    prop: &str,
    tag: &Value,
    schemas: &serde_json::Map<String, Value>,
    depth: usize,
) -> Option<Value> {
    if depth > 8 {
        return None;
    }
    if let Some(name) = schema_ref(schema) {
        return with_tag(schemas.get(name)?, prop, tag, schemas, depth + 1);
    }
    // A copied base keeps its discriminator: the contract's value builder reads the subtype's tag
    // from it (Prism ignores discriminators).
    let mut copy = schema.clone();
    let o = copy.as_object_mut()?;
    if let Some(Value::Object(props)) = o.get_mut("properties")
        && props.contains_key(prop)
    {
        props.insert(prop.to_string(), tag.clone());
        return Some(copy);
    }
    let parts = o.get_mut("allOf").and_then(Value::as_array_mut)?;
    for part in parts.iter_mut() {
        if let Some(tagged) = with_tag(part, prop, tag, schemas, depth + 1) {
            *part = tagged;
            return Some(copy);
        }
    }
    None
}

fn discriminated_bases_as_unions(doc: &mut Value) -> usize {
    let schemas = component_schemas(doc);
    // The subtypes a discriminated base stands for, other than itself.
    let targets = |base: Option<&str>, s: &Value| -> Option<Vec<Value>> {
        let mapping = s.pointer("/discriminator/mapping").and_then(Value::as_object)?;
        let mut out: Vec<Value> = Vec::new();
        for t in mapping.values().filter_map(Value::as_str) {
            let r = json!({ "$ref": t });
            if Some(t.trim_start_matches(SCHEMAS)) != base && !out.contains(&r) {
                out.push(r);
            }
        }
        (!out.is_empty()).then_some(out)
    };
    fn walk(v: &mut Value, part_of_all_of: bool, f: &mut dyn FnMut(&Value) -> Option<Vec<Value>>, n: &mut usize) {
        match v {
            Value::Object(o) => {
                for (k, child) in o.iter_mut() {
                    match (k.as_str(), child) {
                        ("allOf", Value::Array(parts)) => {
                            for p in parts {
                                walk(p, true, f, n);
                            }
                        }
                        ("oneOf" | "anyOf", Value::Array(members)) => {
                            let mut flat: Vec<Value> = Vec::new();
                            for mut m in std::mem::take(members) {
                                match f(&m) {
                                    Some(subtypes) => {
                                        *n += 1;
                                        for s in subtypes {
                                            if !flat.contains(&s) {
                                                flat.push(s);
                                            }
                                        }
                                    }
                                    None => {
                                        walk(&mut m, false, f, n);
                                        if !flat.contains(&m) {
                                            flat.push(m);
                                        }
                                    }
                                }
                            }
                            *members = flat;
                        }
                        (_, child) => walk(child, false, f, n),
                    }
                }
                if !part_of_all_of
                    && o.contains_key("$ref")
                    && let Some(subtypes) = f(&Value::Object(o.clone()))
                {
                    *n += 1;
                    o.clear();
                    o.insert("oneOf".into(), Value::Array(subtypes));
                }
            }
            Value::Array(items) => {
                for i in items {
                    walk(i, false, f, n);
                }
            }
            _ => {}
        }
    }
    let mut stands_for = |m: &Value| -> Option<Vec<Value>> {
        match m.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.strip_prefix(SCHEMAS)?;
                targets(Some(name), schemas.get(name)?)
            }
            None => targets(None, m),
        }
    };
    let mut n = 0;
    // A definition's own shape stays (subtypes build on it); every use of a base is rewritten.
    let mut defs = doc
        .pointer_mut("/components/schemas")
        .map(Value::take)
        .unwrap_or(Value::Null);
    walk(doc, false, &mut stands_for, &mut n);
    if let Value::Object(all) = &mut defs {
        for (_, s) in all.iter_mut() {
            walk(s, false, &mut stands_for, &mut n);
        }
    }
    if let Some(slot) = doc.pointer_mut("/components/schemas") {
        *slot = defs;
    }
    n
}

fn undiscriminated_one_of_as_any_of(doc: &mut Value) -> usize {
    let mut n = 0;
    for_each_schema(doc, &mut |_, o| {
        if !o.contains_key("discriminator")
            && !o.contains_key("anyOf")
            && let Some(members) = o.remove("oneOf")
        {
            o.insert("anyOf".into(), members);
            n += 1;
        }
    });
    n
}

fn patterns(doc: &mut Value, f: &mut dyn FnMut(&str) -> Option<Option<String>>) -> usize {
    let mut n = 0;
    for_each_schema(doc, &mut |_, o| {
        let Some(p) = o.get("pattern").and_then(Value::as_str) else {
            return;
        };
        match f(p) {
            None => {}
            Some(Some(new)) => {
                o.insert("pattern".into(), Value::String(new));
                n += 1;
            }
            Some(None) => {
                o.remove("pattern");
                n += 1;
            }
        }
    });
    n
}

fn case_insensitive_patterns(doc: &mut Value) -> usize {
    patterns(doc, &mut |p| p.strip_prefix("(?i)").map(|rest| Some(both_cases(rest))))
}

/// `pattern` with each ASCII letter matching either case (`a` -> `[aA]`, `[a-f]` -> `[a-fA-F]`).
pub fn both_cases(pattern: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    let mut class = String::new();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let escaped = chars.next().map(|e| format!("\\{e}")).unwrap_or_else(|| "\\".into());
            if in_class {
                class.push_str(&escaped)
            } else {
                out.push_str(&escaped)
            }
            continue;
        }
        if in_class {
            if c == ']' {
                out.push_str(&fold_class(&class));
                out.push(']');
                class.clear();
                in_class = false;
            } else {
                class.push(c);
            }
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
            }
            c if c.is_ascii_alphabetic() => {
                out.push('[');
                out.push(c.to_ascii_lowercase());
                out.push(c.to_ascii_uppercase());
                out.push(']');
            }
            c => out.push(c),
        }
    }
    out
}

/// A character class body with the other case of each letter and letter range appended.
fn fold_class(class: &str) -> String {
    let chars: Vec<char> = class.chars().collect();
    let mut extra = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' {
            i += 2;
            continue;
        }
        let flip = |c: char| {
            if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        };
        if i + 2 < chars.len()
            && chars[i + 1] == '-'
            && chars[i].is_ascii_alphabetic()
            && chars[i + 2].is_ascii_alphabetic()
        {
            extra.push(flip(chars[i]));
            extra.push('-');
            extra.push(flip(chars[i + 2]));
            i += 3;
            continue;
        }
        if chars[i].is_ascii_alphabetic() {
            extra.push(flip(chars[i]));
        }
        i += 1;
    }
    format!("{class}{extra}")
}

fn ungeneratable_patterns_dropped(doc: &mut Value) -> usize {
    // Fewer than half of the generated strings match: most random answers would violate it.
    patterns(doc, &mut |p| {
        (super::values::generated_match_rate(p) < 0.5).then_some(None)
    })
}

/// Lower bounds (the largest wins) and upper bounds (the smallest wins) of a property.
const LOWER_BOUNDS: [&str; 4] = ["minimum", "minLength", "minItems", "minProperties"];
const UPPER_BOUNDS: [&str; 4] = ["maximum", "maxLength", "maxItems", "maxProperties"];

/// Every property schema `schema` defines, through `$ref`s and `allOf` parts, by property name.
fn all_of_properties(
    schema: &Value,
    schemas: &serde_json::Map<String, Value>,
    depth: usize,
    out: &mut BTreeMap<String, Vec<Value>>,
) {
    if depth > 12 {
        return;
    }
    if let Some(name) = schema_ref(schema) {
        if let Some(s) = schemas.get(name) {
            all_of_properties(s, schemas, depth + 1, out);
        }
        return;
    }
    for (name, p) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        out.entry(name.clone()).or_default().push(p.clone());
    }
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        all_of_properties(part, schemas, depth + 1, out);
    }
}

/// The tightest value of `key` among `defs`: the largest lower bound or the smallest upper bound.
fn tightest(defs: &[Value], key: &str, lower: bool) -> Option<Value> {
    defs.iter()
        .filter_map(|d| d.get(key).filter(|v| v.is_number()))
        .max_by(|a, b| {
            let (a, b) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            let order = a.total_cmp(&b);
            if lower { order } else { order.reverse() }
        })
        .cloned()
}

/// Sets each bound in `props` that `defs` (every definition of the same property) tightens.
fn tighten(props: &mut serde_json::Map<String, Value>, defs: &BTreeMap<String, Vec<Value>>) -> usize {
    let mut n = 0;
    for (name, p) in props.iter_mut() {
        let (Some(all), Some(p)) = (defs.get(name), p.as_object_mut()) else {
            continue;
        };
        if all.len() < 2 {
            continue;
        }
        let bounds = LOWER_BOUNDS
            .iter()
            .map(|k| (*k, true))
            .chain(UPPER_BOUNDS.iter().map(|k| (*k, false)));
        for (key, lower) in bounds {
            if let Some(t) = tightest(all, key, lower)
                && p.get(key).is_some_and(|v| v.as_f64() != t.as_f64())
            {
                p.insert(key.to_string(), t);
                n += 1;
            }
        }
    }
    n
}

fn all_of_bounds_intersected(doc: &mut Value) -> usize {
    let schemas = component_schemas(doc);
    let mut n = 0;
    for_each_schema(doc, &mut |_, o| {
        if !o.contains_key("allOf") {
            return;
        }
        let mut defs = BTreeMap::new();
        all_of_properties(&Value::Object(o.clone()), &schemas, 0, &mut defs);
        // Only the properties defined in this schema's own parts (not behind a `$ref`, which other
        // schemas share) are tightened.
        if let Some(props) = o.get_mut("properties").and_then(Value::as_object_mut) {
            n += tighten(props, &defs);
        }
        for part in o.get_mut("allOf").and_then(Value::as_array_mut).into_iter().flatten() {
            if let Some(props) = part.get_mut("properties").and_then(Value::as_object_mut) {
                n += tighten(props, &defs);
            }
        }
    });
    n
}

fn url_format_as_uri(doc: &mut Value) -> usize {
    let mut n = 0;
    for_each_schema(doc, &mut |_, o| {
        if o.get("format").and_then(Value::as_str) == Some("url")
            && o.get("type").and_then(Value::as_str) == Some("string")
        {
            o.insert("format".into(), json!("uri"));
            n += 1;
        }
    });
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discriminator_values_become_enums_on_subtypes() {
        let mut doc = json!({"components": {"schemas": {
            "Base": {"type": "object", "properties": {"kind": {"type": "string"}},
                "discriminator": {"propertyName": "kind", "mapping": {
                    "A": "#/components/schemas/A", "A2": "#/components/schemas/A", "B": "#/components/schemas/B"}}},
            "A": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object"}]},
            "B": {"type": "object", "properties": {"kind": {"type": "string"}}}
        }}});
        assert_eq!(discriminators_enforced(&mut doc), 2);
        assert_eq!(
            doc.pointer("/components/schemas/A/allOf/0/properties/kind/enum")
                .unwrap(),
            &json!(["A", "A2"]),
            "the subtype builds on a copy of its base with its own tags"
        );
        assert!(
            doc.pointer("/components/schemas/A/allOf/0/discriminator").is_some(),
            "the copy still tells which subtype a body is"
        );
        assert_eq!(
            doc.pointer("/components/schemas/B/properties/kind/enum").unwrap(),
            &json!(["B"])
        );
        assert!(
            doc.pointer("/components/schemas/Base/properties/kind/enum").is_none(),
            "the base keeps every value"
        );
    }

    #[test]
    fn discriminated_bases_are_served_as_unions_of_their_subtypes() {
        let mut doc = json!({"paths": {"/p": {"get": {"responses": {"200": {"content": {"application/json": {
            "schema": {"type": "array", "items": {"oneOf": [
                {"$ref": "#/components/schemas/A"},
                {"type": "object", "properties": {"kind": {"type": "string"}}, "discriminator": {"propertyName": "kind",
                    "mapping": {"A": "#/components/schemas/A", "B": "#/components/schemas/B"}}}]}}}}}}}}},
            "components": {"schemas": {
            "Base": {"type": "object", "properties": {"kind": {"type": "string"}},
                "discriminator": {"propertyName": "kind", "mapping": {
                    "A": "#/components/schemas/A", "B": "#/components/schemas/B"}}},
            "A": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object"}]},
            "B": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object"}]},
            "Holder": {"type": "object", "properties": {"policy": {"$ref": "#/components/schemas/Base"}}}
        }}});
        assert_eq!(discriminated_bases_as_unions(&mut doc), 2, "{doc:#}");
        let items = doc
            .pointer("/paths/~1p/get/responses/200/content/application~1json/schema/items/oneOf")
            .unwrap();
        assert_eq!(
            items,
            &json!([{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}])
        );
        assert_eq!(
            doc.pointer("/components/schemas/Holder/properties/policy/oneOf")
                .unwrap(),
            &json!([{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}])
        );
        assert_eq!(
            doc.pointer("/components/schemas/A/allOf/0").unwrap(),
            &json!({"$ref": "#/components/schemas/Base"}),
            "a subtype still builds on its base"
        );
    }

    #[test]
    fn a_subtype_built_on_another_subtype_takes_only_its_own_tag() {
        let mut doc = json!({"components": {"schemas": {
            "Base": {"type": "object", "properties": {"kind": {"type": "string"}},
                "discriminator": {"propertyName": "kind", "mapping": {
                    "idp": "#/components/schemas/Verifiable", "otp": "#/components/schemas/Otp"}}},
            "Verifiable": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object"}]},
            "Otp": {"allOf": [{"$ref": "#/components/schemas/Verifiable"}, {"type": "object"}]}
        }}});
        assert_eq!(discriminators_enforced(&mut doc), 2);
        assert_eq!(
            doc.pointer("/components/schemas/Verifiable/allOf/0/properties/kind/enum")
                .unwrap(),
            &json!(["idp"])
        );
        assert_eq!(
            doc.pointer("/components/schemas/Otp/allOf/0/allOf/0/properties/kind/enum")
                .unwrap(),
            &json!(["otp"]),
            "OTP builds on a copy of `Verifiable` as the spec had it"
        );
    }

    #[test]
    fn only_discriminated_unions_stay_one_of() {
        let mut doc = json!({"components": {"schemas": {
            "Body": {"oneOf": [{"properties": {"code": {"type": "string"}}}, {"properties": {"code": {"type": "string"}}}]},
            "Tagged": {"oneOf": [{"$ref": "#/components/schemas/Body"}], "discriminator": {"propertyName": "kind"}}
        }}});
        assert_eq!(undiscriminated_one_of_as_any_of(&mut doc), 1);
        assert!(doc.pointer("/components/schemas/Body/anyOf").is_some());
        assert!(doc.pointer("/components/schemas/Tagged/oneOf").is_some());
    }

    #[test]
    fn case_insensitive_patterns_fold_letters() {
        let folded = both_cases("^[0-9a-f]{2}-x[^89ab]\\d$");
        assert_eq!(folded, "^[0-9a-fA-F]{2}-[xX][^89abAB]\\d$");
        let re = regex::Regex::new(&folded).unwrap();
        assert!(re.is_match("aF-Xc0") && re.is_match("0a-xC7") && !re.is_match("0g-xc0") && !re.is_match("0a-xB0"));
        let mut doc = json!({"components": {"schemas": {"Id": {"type": "string", "pattern": "(?i)^[a-f]+$"}}}});
        assert_eq!(case_insensitive_patterns(&mut doc), 1);
        assert_eq!(doc.pointer("/components/schemas/Id/pattern").unwrap(), "^[a-fA-F]+$");
    }

    #[test]
    fn only_patterns_nothing_generated_matches_are_dropped() {
        let mut doc = json!({"components": {"schemas": {
            "Window": {"type": "string", "pattern": "^P(?:$)(\\d+Y)?(\\d+D)?$"},
            "Code": {"type": "string", "pattern": "^[A-Z]{3}$"}}}});
        assert_eq!(ungeneratable_patterns_dropped(&mut doc), 1);
        assert!(doc.pointer("/components/schemas/Window/pattern").is_none());
        assert!(doc.pointer("/components/schemas/Code/pattern").is_some());
    }

    #[test]
    fn all_of_parts_share_the_tightest_bound() {
        let mut doc = json!({"components": {"schemas": {
            "History": {"type": "object", "properties": {
                "max": {"type": "integer", "minimum": 1, "maximum": 100},
                "name": {"type": "string", "maxLength": 8}}},
            "Ip": {"allOf": [{"$ref": "#/components/schemas/History"}, {"type": "object", "properties": {
                "max": {"type": "integer", "minimum": 0, "maximum": 100},
                "name": {"type": "string", "maxLength": 20},
                "other": {"type": "integer", "minimum": 0}}}]}
        }}});
        assert_eq!(all_of_bounds_intersected(&mut doc), 2);
        assert_eq!(
            doc.pointer("/components/schemas/Ip/allOf/1/properties/max/minimum")
                .unwrap(),
            1
        );
        assert_eq!(
            doc.pointer("/components/schemas/Ip/allOf/1/properties/name/maxLength")
                .unwrap(),
            8
        );
        assert_eq!(
            doc.pointer("/components/schemas/Ip/allOf/1/properties/max/maximum")
                .unwrap(),
            100
        );
        assert_eq!(
            doc.pointer("/components/schemas/Ip/allOf/1/properties/other/minimum")
                .unwrap(),
            0,
            "a property only one part defines keeps its bound"
        );
        assert_eq!(
            doc.pointer("/components/schemas/History/properties/max/minimum")
                .unwrap(),
            1,
            "the shared part is left as it is"
        );
    }

    #[test]
    fn url_format_is_served_as_uri() {
        let mut doc = json!({"components": {"schemas": {"U": {"type": "string", "format": "url"}}}});
        assert_eq!(url_format_as_uri(&mut doc), 1);
        assert_eq!(doc.pointer("/components/schemas/U/format").unwrap(), "uri");
    }
}
