//! Rules from real traffic: where recorded Okta answers (and requests Okta accepted) disagree
//! with the spec's types, the spec gives way. Each rule fixes a class, not one field.

use super::walk::for_each_schema;
use super::{Facts, Rule};
use serde_json::{Map, Value, json};

pub fn rules() -> Vec<Rule> {
    vec![
        Rule {
            name: "number_constraints",
            reason: "`minimum`/`maximum`/`multipleOf` make typify pick constrained types (`NonZeroU64` for a \
                     `minimum: 1`, `u64` for `minimum: 0`) whose decoders refuse what Okta accepted and sends back \
                     (a password-hash `workFactor` of 0); a request body the server accepts must decode. The range \
                     moves to the field's documentation",
            apply: number_constraints,
        },
        Rule {
            name: "boolean_formats",
            reason: "a string schema with `format: boolean` (hook keys' `isUsed`) arrives as a JSON boolean",
            apply: boolean_formats,
        },
        Rule {
            name: "attribute_values_any",
            reason: "a custom attribute's definition (user, group and app-user schemas, log-stream schemas) \
                     carries values of the attribute's own type: the `enum` items and `oneOf[].const` of an \
                     integer or number attribute are numbers, an array attribute's are arrays, its `default` \
                     may be any of them; they hold any JSON value",
            apply: attribute_values_any,
        },
        Rule {
            name: "any_of_objects_merged",
            reason: "typify makes an `anyOf` of objects (a group's `profile`: an Okta group's or an AD group's) \
                     a struct of flattened optional subtypes: a subtype that fails to decode is silently dropped \
                     (one field of another shape loses the whole profile), and both are written, so shared keys \
                     appear twice. Objects whose shared properties agree become one object with all their \
                     properties",
            apply: any_of_objects_merged,
        },
        Rule {
            name: "attribute_unique_status",
            reason: "a custom attribute's `unique` is a boolean in requests, and Okta answers with its status \
                     (`UNIQUE_VALIDATED`, `NOT_UNIQUE`); it is either",
            apply: attribute_unique_status,
        },
    ]
}

fn number_constraints(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    const KEYS: [(&str, &str); 5] = [
        ("minimum", "at least"),
        ("exclusiveMinimum", "more than"),
        ("maximum", "at most"),
        ("exclusiveMaximum", "less than"),
        ("multipleOf", "a multiple of"),
    ];
    let mut n = 0;
    for_each_schema(doc, &mut |_, s| {
        let numeric = matches!(s.get("type").and_then(Value::as_str), Some("integer" | "number"));
        if !numeric {
            return;
        }
        let mut range = Vec::new();
        for (key, words) in KEYS {
            // OpenAPI 3.0's boolean `exclusiveMinimum` modifies `minimum`; only numbers are ranges.
            match s.remove(key) {
                Some(Value::Number(v)) => range.push(format!("{words} {v}")),
                Some(Value::Bool(_)) | None => continue,
                Some(_) => {}
            }
            n += 1;
        }
        if range.is_empty() {
            return;
        }
        let note = format!("Okta's range: {}.", range.join(", "));
        let description = match s.get("description").and_then(Value::as_str) {
            Some(d) if !d.trim().is_empty() => format!("{d}\n\n{note}"),
            _ => note,
        };
        s.insert("description".into(), Value::String(description));
    });
    Ok(n)
}

fn boolean_formats(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    let mut n = 0;
    for_each_schema(doc, &mut |_, s| {
        if s.get("type") == Some(&json!("string")) && s.get("format") == Some(&json!("boolean")) {
            s.insert("type".into(), json!("boolean"));
            s.remove("format");
            n += 1;
        }
    });
    Ok(n)
}

/// Whether `s` defines a custom attribute: a property `enum` (a list of values) or `oneOf` (a
/// list of value and title pairs).
fn defines_attribute(s: &Map<String, Value>) -> bool {
    let Some(props) = s.get("properties").and_then(Value::as_object) else {
        return false;
    };
    ["enum", "oneOf"]
        .iter()
        .any(|k| props.get(*k).and_then(|p| p.get("type")) == Some(&json!("array")))
}

fn attribute_values_any(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    let mut n = 0;
    let mut const_schemas = Vec::new();
    for_each_schema(doc, &mut |_, s| {
        if !defines_attribute(s) {
            return;
        }
        let Some(props) = s.get_mut("properties").and_then(Value::as_object_mut) else {
            return;
        };
        if let Some(items) = props.get_mut("enum").and_then(|e| e.as_object_mut())
            && items.get("items") != Some(&json!({}))
        {
            items.insert("items".into(), json!({}));
            n += 1;
        }
        if let Some(default) = props.get_mut("default")
            && default != &json!({})
        {
            *default = json!({});
            n += 1;
        }
        if let Some(target) = props
            .get("oneOf")
            .and_then(|o| o.pointer("/items/$ref"))
            .and_then(Value::as_str)
        {
            const_schemas.push(target.trim_start_matches('#').to_string());
        }
    });
    const_schemas.sort();
    const_schemas.dedup();
    for pointer in const_schemas {
        if let Some(c) = doc.pointer_mut(&format!("{pointer}/properties/const"))
            && c != &json!({})
        {
            *c = json!({});
            n += 1;
        }
    }
    Ok(n)
}

fn any_of_objects_merged(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object).cloned() else {
        return Ok(0);
    };
    // The properties of a referenced object schema, if it is one.
    let properties = |member: &Value| -> Option<Map<String, Value>> {
        let name = member.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/")?;
        let target = schemas.get(name)?;
        if target.get("type") != Some(&json!("object")) || target.get("required").is_some() {
            return None;
        }
        target.get("properties")?.as_object().cloned()
    };
    let mut n = 0;
    for_each_schema(doc, &mut |_, s| {
        // A discriminated union is the unions rules' to emit as a tagged enum.
        if s.contains_key("discriminator") {
            return;
        }
        let Some(members) = s.get("anyOf").and_then(Value::as_array) else {
            return;
        };
        let mut merged = Map::new();
        for member in members {
            let Some(props) = properties(member) else { return };
            for (key, schema) in props {
                match merged.get(&key) {
                    Some(existing) if existing != &schema => return,
                    _ => {
                        merged.insert(key, schema);
                    }
                }
            }
        }
        if merged.is_empty() {
            return;
        }
        s.remove("anyOf");
        s.insert("type".into(), json!("object"));
        s.insert("properties".into(), Value::Object(merged));
        // Open, as its members are (rule `open_objects`): custom attributes are kept.
        s.insert("additionalProperties".into(), json!({}));
        n += 1;
    });
    Ok(n)
}

fn attribute_unique_status(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    let mut n = 0;
    for_each_schema(doc, &mut |_, s| {
        if !defines_attribute(s) {
            return;
        }
        if let Some(unique) = s.get_mut("properties").and_then(|p| p.get_mut("unique"))
            && unique.get("type") == Some(&json!("boolean"))
        {
            let description = unique.get("description").cloned();
            let mut either = json!({"oneOf": [{"type": "boolean"}, {"type": "string"}]});
            if let Some(d) = description {
                either["description"] = d;
            }
            *unique = either;
            n += 1;
        }
    });
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(schemas: Value) -> Value {
        json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": schemas}})
    }

    fn run(rule: &str, doc: &mut Value) -> usize {
        let r = rules().into_iter().find(|r| r.name == rule).expect("rule exists");
        (r.apply)(doc, &mut Facts::default()).expect("rule runs")
    }

    #[test]
    fn number_ranges_move_to_the_docs() {
        let mut d = doc(json!({"Hash": {"type": "object", "properties": {
            "workFactor": {"type": "integer", "minimum": 1, "maximum": 20},
            "ratio": {"type": "number", "minimum": 0, "exclusiveMinimum": true, "description": "A ratio."},
            "name": {"type": "string"}}}}));
        assert_eq!(run("number_constraints", &mut d), 3);
        assert_eq!(
            d.pointer("/components/schemas/Hash/properties/workFactor").unwrap(),
            &json!({"type": "integer", "description": "Okta's range: at least 1, at most 20."})
        );
        assert_eq!(
            d.pointer("/components/schemas/Hash/properties/ratio").unwrap(),
            &json!({"type": "number", "description": "A ratio.\n\nOkta's range: at least 0."})
        );
    }

    #[test]
    fn boolean_formatted_strings_are_booleans() {
        let mut d = doc(json!({"Key": {"type": "object", "properties": {
            "isUsed": {"type": "string", "format": "boolean", "readOnly": true},
            "created": {"type": "string", "format": "date-time"}}}}));
        assert_eq!(run("boolean_formats", &mut d), 1);
        assert_eq!(
            d.pointer("/components/schemas/Key/properties/isUsed").unwrap(),
            &json!({"type": "boolean", "readOnly": true})
        );
    }

    #[test]
    fn any_of_objects_that_agree_become_one_object() {
        let mut d = doc(json!({
            "Profile": {"anyOf": [{"$ref": "#/components/schemas/Okta"}, {"$ref": "#/components/schemas/Ad"}]},
            "Okta": {"type": "object", "properties": {"name": {"type": "string"}, "description": {"type": "string"}}},
            "Ad": {"type": "object", "properties": {"name": {"type": "string"}, "dn": {"type": "string"}}},
            "Statement": {"anyOf": [{"$ref": "#/components/schemas/Expr"}, {"$ref": "#/components/schemas/Group"}]},
            "Tagged": {"anyOf": [{"$ref": "#/components/schemas/Okta"}, {"$ref": "#/components/schemas/Ad"}],
                "discriminator": {"propertyName": "name"}},
            "Expr": {"type": "object", "properties": {"type": {"type": "string", "enum": ["EXPRESSION"]}}},
            "Group": {"type": "object", "properties": {"type": {"type": "string", "enum": ["GROUP"]}}}
        }));
        assert_eq!(run("any_of_objects_merged", &mut d), 1);
        assert_eq!(
            d.pointer("/components/schemas/Profile").unwrap(),
            &json!({"type": "object", "additionalProperties": {}, "properties": {
                "name": {"type": "string"}, "description": {"type": "string"}, "dn": {"type": "string"}}})
        );
        // Members that disagree on a property stay an `anyOf`, and so does a discriminated union.
        assert!(d.pointer("/components/schemas/Statement/anyOf").is_some());
        assert!(d.pointer("/components/schemas/Tagged/anyOf").is_some());
    }

    #[test]
    fn attribute_definitions_hold_values_of_any_type() {
        let mut d = doc(json!({
            "Attr": {"type": "object", "properties": {
                "enum": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                "oneOf": {"type": "array", "items": {"$ref": "#/components/schemas/Choice"}},
                "default": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                "unique": {"type": "boolean", "description": "Unique?"}}},
            "Choice": {"type": "object", "properties": {"const": {"type": "string"}, "title": {"type": "string"}}},
            "Other": {"type": "object", "properties": {"default": {"type": "boolean"}, "unique": {"type": "boolean"}}}
        }));
        assert_eq!(run("attribute_values_any", &mut d), 3);
        assert_eq!(
            d.pointer("/components/schemas/Attr/properties/enum/items").unwrap(),
            &json!({})
        );
        assert_eq!(
            d.pointer("/components/schemas/Attr/properties/default").unwrap(),
            &json!({})
        );
        assert_eq!(
            d.pointer("/components/schemas/Choice/properties/const").unwrap(),
            &json!({})
        );
        assert_eq!(
            d.pointer("/components/schemas/Choice/properties/title").unwrap(),
            &json!({"type": "string"})
        );
        assert_eq!(run("attribute_unique_status", &mut d), 1);
        assert_eq!(
            d.pointer("/components/schemas/Attr/properties/unique").unwrap(),
            &json!({"oneOf": [{"type": "boolean"}, {"type": "string"}], "description": "Unique?"})
        );
        // Not an attribute definition: left alone.
        assert_eq!(
            d.pointer("/components/schemas/Other/properties").unwrap(),
            &json!({"default": {"type": "boolean"}, "unique": {"type": "boolean"}})
        );
        // Run again, nothing is left to change.
        assert_eq!(run("attribute_values_any", &mut d), 0);
    }
}
