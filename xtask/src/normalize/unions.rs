//! Discriminated unions: one named union per discriminator, used wherever the spec means
//! "any of these subtypes".
//!
//! Okta's `oneOfInheritance` spec spells a union out at each use site (`oneOf` + `discriminator`),
//! and names a base schema (`Application`, `Policy`, `UserFactor`, ...) that carries the
//! discriminator mapping and that subtypes extend with `allOf`. typify ignores discriminators, so
//! this rule gives every union a component of its own (the base's name: `Application` is "any
//! application"; the base's own fields move to `<Name>Base`), points every use site at it, and
//! records the mapping so post-processing can emit a tagged enum with an `Unknown` fallback.

use super::walk::{escape, for_each_schema};
use super::{Facts, Rule};
use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// A discriminated union the post-processor turns into a tagged enum.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionSpec {
    /// Component name of the union.
    pub name: String,
    /// The discriminator property.
    pub property: String,
    /// The variants, in `oneOf` order: the subtype component and the discriminator values that
    /// select it.
    pub variants: Vec<(String, Vec<String>)>,
}

pub fn rules() -> Vec<Rule> {
    vec![
        Rule {
            name: "inline_members_tagged",
            reason: "a `oneOf` of inline objects that each fix one shared property to one value (`type: [CHROME]`) is \
                     a discriminated union the spec does not declare; typify would emit an untagged enum whose \
                     variants are `Variant0`.. and whose first open member takes every body. Its members become \
                     components named after their value, and the union gets the discriminator",
            apply: inline_members_tagged,
        },
        Rule {
            name: "discriminated_unions",
            reason: "typify ignores OpenAPI discriminators and emits untagged enums (or the base struct without the \
                     subtype's fields); every discriminated union gets one named component that post-processing \
                     turns into a tagged enum with an `Unknown` fallback",
            apply: discriminated_unions,
        },
        Rule {
            name: "union_properties_kept",
            reason: "typify's `allOf` merge copies a property's union inline (`InlineHookChannelOAuth.config` became \
                     an untagged `Variant0`/`Variant1` enum whose first member took every body) instead of \
                     referring to the tagged union; a subtype of a plain base whose own part refers to a union is \
                     written as one object, so the property keeps its reference",
            apply: union_properties_kept,
        },
    ]
}

/// Rule `inline_members_tagged` (component schemas only).
fn inline_members_tagged(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return Ok(0);
    };
    // A union found: its name, its members (the component each becomes, its tag value and its
    // schema), the tag property.
    struct Found {
        union: String,
        members: Vec<(String, String, Value)>,
        property: String,
    }
    let mut hoisted: Vec<Found> = Vec::new();
    for (name, schema) in schemas.iter() {
        let Some(s) = schema.as_object() else { continue };
        if s.contains_key("discriminator") {
            continue;
        }
        let Some(members) = s.get("oneOf").and_then(Value::as_array) else {
            continue;
        };
        if members.len() < 2 || members.iter().any(|m| m.get("$ref").is_some()) {
            continue;
        }
        if let Some((property, values)) = tag_property(members) {
            let named = values
                .into_iter()
                .zip(members)
                .map(|(v, m)| (format!("{name}{}", v.to_upper_camel_case()), v, m.clone()))
                .collect();
            hoisted.push(Found {
                union: name.clone(),
                members: named,
                property,
            });
        }
    }
    for Found {
        union,
        members,
        property,
    } in &hoisted
    {
        let mut refs = Vec::new();
        let mut mapping = Map::new();
        for (component, value, member) in members {
            if schemas.contains_key(component) {
                anyhow::bail!("{union}: cannot name an inline member `{component}`: the name is taken");
            }
            let mut member = member.clone();
            if let Some(m) = member.as_object_mut() {
                // As every component object (rule `open_objects`): keys the spec does not name are kept.
                m.entry("additionalProperties").or_insert_with(|| json!({}));
                // As every union member (rule `required_not_trusted`): only the discriminator is required.
                m.insert("required".into(), json!([property]));
            }
            schemas.insert(component.clone(), member);
            let reference = format!("{SCHEMAS}{}", escape(component));
            refs.push(json!({"$ref": reference}));
            mapping.insert(value.clone(), json!(reference));
        }
        if let Some(Value::Object(u)) = schemas.get_mut(union) {
            u.insert("oneOf".into(), Value::Array(refs));
            u.insert(
                "discriminator".into(),
                json!({"propertyName": property, "mapping": mapping}),
            );
            u.remove("type");
        }
    }
    Ok(hoisted.len())
}

/// The property every inline member fixes to one string value, the values distinct: the
/// property and the values in member order.
fn tag_property(members: &[Value]) -> Option<(String, Vec<String>)> {
    let first = members.first()?.get("properties")?.as_object()?;
    first.keys().find_map(|property| {
        let values: Option<Vec<String>> = members
            .iter()
            .map(|m| {
                let e = m
                    .pointer(&format!("/properties/{}/enum", escape(property)))?
                    .as_array()?;
                match e.as_slice() {
                    [Value::String(v)] => Some(v.clone()),
                    _ => None,
                }
            })
            .collect();
        let values = values?;
        let distinct = values.iter().enumerate().all(|(i, v)| !values[..i].contains(v));
        distinct.then(|| (property.clone(), values))
    })
}

/// Rule `union_properties_kept`: `{allOf: [{$ref: Base}, {properties}]}`, where `Base` is a plain
/// object and one of the own properties refers to a union component, becomes one object with the
/// base's properties and its own (the subtype's other keys kept).
fn union_properties_kept(doc: &mut Value, _: &mut Facts) -> anyhow::Result<usize> {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return Ok(0);
    };
    let is_union = |name: &str| schemas.get(name).is_some_and(|s| s.get("oneOf").is_some());
    let plain = |name: &str| {
        schemas.get(name).and_then(Value::as_object).filter(|s| {
            !["allOf", "oneOf", "anyOf", "discriminator"]
                .iter()
                .any(|k| s.contains_key(*k))
        })
    };
    let mut merged = Vec::new();
    for (name, schema) in schemas.iter() {
        let Some(parts) = schema.get("allOf").and_then(Value::as_array) else {
            continue;
        };
        let [base, own] = parts.as_slice() else { continue };
        let Some(base_name) = base.get("$ref").and_then(Value::as_str).and_then(target) else {
            continue;
        };
        let Some(base) = plain(base_name) else { continue };
        let Some(own_props) = own.get("properties").and_then(Value::as_object) else {
            continue;
        };
        if ["allOf", "oneOf", "anyOf", "$ref"]
            .iter()
            .any(|k| own.get(*k).is_some())
        {
            continue;
        }
        let refers_to_union = own_props.values().any(|p| {
            p.get("$ref")
                .and_then(Value::as_str)
                .and_then(target)
                .is_some_and(is_union)
        });
        if !refers_to_union {
            continue;
        }
        let mut properties = base
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if own_props.keys().any(|k| properties.contains_key(k)) {
            anyhow::bail!("{name}: its own part redefines a property of `{base_name}`");
        }
        properties.extend(own_props.clone());
        let mut one = schema.as_object().cloned().unwrap_or_default();
        one.remove("allOf");
        one.insert("type".into(), json!("object"));
        one.insert("properties".into(), Value::Object(properties));
        one.insert("additionalProperties".into(), json!({}));
        merged.push((name.clone(), Value::Object(one)));
    }
    let n = merged.len();
    for (name, one) in merged {
        schemas.insert(name, one);
    }
    Ok(n)
}

const SCHEMAS: &str = "#/components/schemas/";

fn target(reference: &str) -> Option<&str> {
    reference.strip_prefix(SCHEMAS)
}

/// A discriminator: property and value -> subtype component, in mapping order.
#[derive(Debug, Clone)]
struct Discriminator {
    property: String,
    mapping: Vec<(String, String)>,
}

impl Discriminator {
    fn parse(schema: &Map<String, Value>) -> Option<Self> {
        let d = schema.get("discriminator")?;
        let property = d.get("propertyName")?.as_str()?.to_string();
        let mapping = d
            .get("mapping")?
            .as_object()?
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), target(v.as_str()?)?.to_string())))
            .collect();
        Some(Self { property, mapping })
    }

    fn subtypes(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, s) in &self.mapping {
            if !out.contains(s) {
                out.push(s.clone());
            }
        }
        out
    }
}

fn discriminated_unions(doc: &mut Value, facts: &mut Facts) -> anyhow::Result<usize> {
    let Some(Value::Object(schemas)) = doc.pointer("/components/schemas").cloned() else {
        return Ok(0);
    };

    // 1. Bases: components with a discriminator. `union_name[base]` is the component that will
    //    hold the union; `renamed[base]` is where a base's own struct moves.
    let mut bases: BTreeMap<String, Discriminator> = BTreeMap::new();
    for (name, s) in &schemas {
        if let Some(d) = s.as_object().and_then(Discriminator::parse) {
            if d.mapping.is_empty() {
                anyhow::bail!("{name}: discriminator without mapping");
            }
            bases.insert(name.clone(), d);
        }
    }
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    let mut union_name: BTreeMap<String, String> = BTreeMap::new();
    for base in bases.keys() {
        let s = &schemas[base];
        if s.get("oneOf").is_some() {
            union_name.insert(base.clone(), base.clone());
        } else if let Some(stem) = base
            .strip_suffix("Base")
            .filter(|stem| !stem.is_empty() && !schemas.contains_key(*stem))
        {
            union_name.insert(base.clone(), stem.to_string());
        } else {
            let moved = format!("{base}Base");
            if schemas.contains_key(&moved) {
                anyhow::bail!("cannot move base `{base}` to `{moved}`: the name is taken");
            }
            renamed.insert(base.clone(), moved);
            union_name.insert(base.clone(), base.clone());
        }
    }

    // 2. Inline use sites (`oneOf` + `discriminator` outside a base component) map to the base
    //    with the same property whose subtypes are the smallest superset of the site's.
    let mut site_unions: Vec<(Vec<String>, String, Discriminator)> = Vec::new(); // (subtypes, name, disc)
    let mut n = 0;
    let lookup = |subs: &[String], prop: &str, bases: &BTreeMap<String, Discriminator>| -> Option<String> {
        bases
            .iter()
            .filter(|(_, d)| d.property == prop)
            .filter(|(_, d)| {
                let all = d.subtypes();
                subs.iter().all(|s| all.contains(s))
            })
            .min_by_key(|(_, d)| d.subtypes().len())
            .map(|(b, _)| b.clone())
    };
    let mut site_error = None;
    for_each_schema(doc, &mut |path, s| {
        let Some(d) = Discriminator::parse(s) else { return };
        if s.get("oneOf").is_none() || path.starts_with("/components/schemas/") && path.matches('/').count() == 3 {
            return;
        }
        let subs: Vec<String> = s["oneOf"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| {
                v.get("$ref")
                    .and_then(Value::as_str)
                    .and_then(target)
                    .map(str::to_string)
            })
            .collect();
        let name = match lookup(&subs, &d.property, &bases) {
            Some(base) => union_name[&base].clone(),
            None => match site_unions
                .iter()
                .find(|(s2, _, d2)| *s2 == subs && d2.property == d.property)
            {
                Some((_, name, _)) => name.clone(),
                None => match site_union_name(&subs, &schemas, &site_unions) {
                    Ok(name) => {
                        site_unions.push((subs.clone(), name.clone(), d.clone()));
                        name
                    }
                    Err(e) => {
                        site_error = Some(e);
                        return;
                    }
                },
            },
        };
        s.clear();
        s.insert("$ref".into(), json!(format!("{SCHEMAS}{}", escape(&name))));
        n += 1;
    });
    if let Some(e) = site_error {
        return Err(e);
    }

    // 3. Direct references to a base outside an `allOf` mean "any subtype": point them at the
    //    union. References inside `allOf` (a subtype extending its base) point at the base struct.
    let mut moved_refs = 0;
    rewrite_base_refs(doc, &bases, &renamed, &union_name, &mut moved_refs);
    n += moved_refs;

    // 4. Move renamed bases and write the union components.
    let Some(Value::Object(out)) = doc.pointer_mut("/components/schemas") else {
        return Ok(0);
    };
    for (from, to) in &renamed {
        if let Some(mut s) = out.remove(from) {
            if let Some(m) = s.as_object_mut() {
                m.remove("discriminator");
                // The members are the union's (`anyOf` beside a discriminator); the moved base
                // keeps only its own fields, or typify makes it an untagged `Variant0`.. enum.
                m.remove("anyOf");
            }
            out.insert(to.clone(), s);
        }
    }
    let struct_of = |name: &String| renamed.get(name).cloned().unwrap_or_else(|| name.clone());
    let mut specs = Vec::new();
    for (base, d) in &bases {
        let uname = &union_name[base];
        let variants: Vec<(String, Vec<String>)> = d
            .subtypes()
            .into_iter()
            .map(|sub| {
                let values = d
                    .mapping
                    .iter()
                    .filter(|(_, s)| *s == sub)
                    .map(|(v, _)| v.clone())
                    .collect();
                (struct_of(&sub), values)
            })
            .collect();
        specs.push(UnionSpec {
            name: uname.clone(),
            property: d.property.clone(),
            variants,
        });
    }
    for (subs, name, d) in &site_unions {
        let variants = subs
            .iter()
            .map(|sub| {
                (
                    sub.clone(),
                    d.mapping
                        .iter()
                        .filter(|(_, s)| s == sub)
                        .map(|(v, _)| v.clone())
                        .collect(),
                )
            })
            .collect();
        specs.push(UnionSpec {
            name: name.clone(),
            property: d.property.clone(),
            variants,
        });
    }
    for spec in &specs {
        let one_of: Vec<Value> = spec
            .variants
            .iter()
            .map(|(s, _)| json!({"$ref": format!("{SCHEMAS}{}", escape(s))}))
            .collect();
        let mapping: Map<String, Value> = spec
            .variants
            .iter()
            .flat_map(|(s, vals)| {
                vals.iter()
                    .map(move |v| (v.clone(), json!(format!("{SCHEMAS}{}", escape(s)))))
            })
            .collect();
        out.insert(
            spec.name.clone(),
            json!({"oneOf": one_of, "discriminator": {"propertyName": spec.property, "mapping": mapping}}),
        );
        n += 1;
    }
    facts.unions = specs;
    Ok(n)
}

/// Name for a union found only at use sites: the CamelCase words its members share.
fn site_union_name(
    subs: &[String],
    schemas: &Map<String, Value>,
    taken: &[(Vec<String>, String, Discriminator)],
) -> anyhow::Result<String> {
    let words: Vec<Vec<String>> = subs.iter().map(|s| camel_words(s)).collect();
    let first = words.first().cloned().unwrap_or_default();
    let prefix = (0..first.len())
        .take_while(|&i| words.iter().all(|w| w.get(i) == first.get(i)))
        .count();
    let suffix = (0..first.len())
        .take_while(|&i| {
            words
                .iter()
                .all(|w| w.len() > i && w[w.len() - 1 - i] == first[first.len() - 1 - i])
        })
        .count();
    let common = if suffix >= prefix {
        first[first.len() - suffix..].concat()
    } else {
        first[..prefix].concat()
    };
    for candidate in [common.clone(), format!("{common}Union")] {
        if !common.is_empty() && !schemas.contains_key(&candidate) && !taken.iter().any(|(_, n, _)| *n == candidate) {
            return Ok(candidate);
        }
    }
    anyhow::bail!("no free name for the union of {subs:?}")
}

fn camel_words(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in s.chars() {
        if c.is_uppercase() || out.is_empty() {
            out.push(c.to_string());
        } else if let Some(last) = out.last_mut() {
            last.push(c);
        }
    }
    out
}

fn rewrite_base_refs(
    v: &mut Value,
    bases: &BTreeMap<String, Discriminator>,
    renamed: &BTreeMap<String, String>,
    union_name: &BTreeMap<String, String>,
    n: &mut usize,
) {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                if k == "allOf" {
                    if let Value::Array(items) = child {
                        for item in items.iter_mut() {
                            // A subtype extending its base: point at the base's struct.
                            let direct = item
                                .get("$ref")
                                .and_then(Value::as_str)
                                .and_then(target)
                                .map(str::to_string);
                            match direct {
                                Some(t) => {
                                    if let Some(to) = renamed.get(&t) {
                                        item["$ref"] = json!(format!("{SCHEMAS}{}", escape(to)));
                                    }
                                }
                                None => rewrite_base_refs(item, bases, renamed, union_name, n),
                            }
                        }
                    }
                    continue;
                }
                if k == "$ref" {
                    if let Value::String(r) = child
                        && let Some(t) = target(r).filter(|t| bases.contains_key(*t))
                    {
                        let to = &union_name[t];
                        if to != t {
                            *r = format!("{SCHEMAS}{}", escape(to));
                        }
                        *n += 1;
                    }
                    continue;
                }
                rewrite_base_refs(child, bases, renamed, union_name, n);
            }
        }
        Value::Array(a) => a
            .iter_mut()
            .for_each(|c| rewrite_base_refs(c, bases, renamed, union_name, n)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({"openapi": "3.0.3", "paths": {"/apps": {"get": {"operationId": "listApps", "responses": {"200": {
        "description": "", "content": {"application/json": {"schema": {"type": "array", "items": {
            "oneOf": [{"$ref": "#/components/schemas/BookmarkApp"}, {"$ref": "#/components/schemas/SwaApp"}],
            "discriminator": {"propertyName": "signOnMode", "mapping": {
                "BOOKMARK": "#/components/schemas/BookmarkApp", "SWA": "#/components/schemas/SwaApp"}}}}}}}}}}},
        "components": {"schemas": {
            "App": {"type": "object", "properties": {"signOnMode": {"type": "string"}},
                "discriminator": {"propertyName": "signOnMode", "mapping": {
                    "BOOKMARK": "#/components/schemas/BookmarkApp", "SWA": "#/components/schemas/SwaApp",
                    "SWA_OLD": "#/components/schemas/SwaApp"}}},
            "BookmarkApp": {"allOf": [{"$ref": "#/components/schemas/App"}, {"properties": {"url": {"type": "string"}}}]},
            "SwaApp": {"allOf": [{"$ref": "#/components/schemas/App"}]},
            "Holder": {"properties": {"app": {"$ref": "#/components/schemas/App"}}},
            "Roles": {"properties": {"r": {"oneOf": [{"$ref": "#/components/schemas/CustomRole"}, {"$ref": "#/components/schemas/StandardRole"}],
                "discriminator": {"propertyName": "type", "mapping": {"C": "#/components/schemas/CustomRole", "S": "#/components/schemas/StandardRole"}}}}},
            "CustomRole": {"type": "object"}, "StandardRole": {"type": "object"}
        }}})
    }

    #[test]
    fn unions_get_one_component_and_use_sites_point_at_it() {
        let mut d = doc();
        let mut facts = Facts::default();
        let n = discriminated_unions(&mut d, &mut facts).unwrap();
        assert!(n >= 4);
        // The base's struct moved; subtypes extend it.
        assert!(d.pointer("/components/schemas/AppBase/properties/signOnMode").is_some());
        assert_eq!(
            d.pointer("/components/schemas/BookmarkApp/allOf/0/$ref").unwrap(),
            "#/components/schemas/AppBase"
        );
        // `App` is now the union.
        assert_eq!(
            d.pointer("/components/schemas/App/oneOf/1/$ref").unwrap(),
            "#/components/schemas/SwaApp"
        );
        assert_eq!(
            d.pointer("/components/schemas/App/discriminator/mapping/SWA_OLD")
                .unwrap(),
            "#/components/schemas/SwaApp"
        );
        // The inline use site and the direct reference point at the union.
        assert_eq!(
            d.pointer("/paths/~1apps/get/responses/200/content/application~1json/schema/items")
                .unwrap(),
            &json!({"$ref": "#/components/schemas/App"})
        );
        assert_eq!(
            d.pointer("/components/schemas/Holder/properties/app/$ref").unwrap(),
            "#/components/schemas/App"
        );
        // A union found only at a use site is named from its members.
        assert_eq!(
            d.pointer("/components/schemas/Roles/properties/r/$ref").unwrap(),
            "#/components/schemas/Role"
        );
        let app = facts.unions.iter().find(|u| u.name == "App").unwrap();
        assert_eq!(app.property, "signOnMode");
        assert_eq!(
            app.variants,
            vec![
                ("BookmarkApp".to_string(), vec!["BOOKMARK".to_string()]),
                ("SwaApp".to_string(), vec!["SWA".to_string(), "SWA_OLD".to_string()])
            ]
        );
        assert!(facts.unions.iter().any(|u| u.name == "Role" && u.property == "type"));
    }

    #[test]
    fn inline_members_that_fix_one_property_become_a_tagged_union() {
        let mut d = json!({"components": {"schemas": {
            "Meta": {"type": "object", "oneOf": [
                {"type": "object", "properties": {"type": {"type": "string", "enum": ["CHROME"]}, "email": {"type": "string"}},
                 "required": ["type", "email"]},
                {"type": "object", "properties": {"type": {"type": "string", "enum": ["DEVICE_IDP"]}, "idpId": {"type": "string"}}}
            ]},
            // Not a tag: one member allows two values.
            "Loose": {"oneOf": [
                {"type": "object", "properties": {"kind": {"type": "string", "enum": ["A", "B"]}}},
                {"type": "object", "properties": {"kind": {"type": "string", "enum": ["C"]}}}
            ]}
        }}});
        assert_eq!(inline_members_tagged(&mut d, &mut Facts::default()).unwrap(), 1);
        let s = &d["components"]["schemas"];
        assert_eq!(s["Meta"]["oneOf"][0]["$ref"], "#/components/schemas/MetaChrome");
        assert_eq!(s["Meta"]["discriminator"]["propertyName"], "type");
        assert_eq!(
            s["Meta"]["discriminator"]["mapping"]["DEVICE_IDP"],
            "#/components/schemas/MetaDeviceIdp"
        );
        assert_eq!(s["MetaChrome"]["properties"]["email"]["type"], "string");
        assert_eq!(s["MetaChrome"]["required"], json!(["type"]));
        assert_eq!(s["MetaChrome"]["additionalProperties"], json!({}));
        assert!(s["Loose"]["oneOf"][0].get("$ref").is_none());
        // And the union rule then makes it a union with its mapping.
        let mut facts = Facts::default();
        discriminated_unions(&mut d, &mut facts).unwrap();
        let meta = facts.unions.iter().find(|u| u.name == "Meta").unwrap();
        assert_eq!(
            meta.variants[1],
            ("MetaDeviceIdp".to_string(), vec!["DEVICE_IDP".to_string()])
        );
    }

    #[test]
    fn a_subtype_whose_own_part_refers_to_a_union_is_one_object() {
        let mut d = json!({"components": {"schemas": {
            "ChannelBase": {"type": "object", "properties": {"type": {"type": "string"}, "version": {"type": "string"}}},
            "Config": {"oneOf": [{"$ref": "#/components/schemas/A"}], "discriminator": {"propertyName": "t", "mapping": {"a": "#/components/schemas/A"}}},
            "A": {"type": "object"},
            "OAuth": {"description": "kept", "allOf": [{"$ref": "#/components/schemas/ChannelBase"},
                {"type": "object", "properties": {"config": {"$ref": "#/components/schemas/Config"}}}]},
            // Its own part refers to a plain object: left to typify.
            "Http": {"allOf": [{"$ref": "#/components/schemas/ChannelBase"},
                {"type": "object", "properties": {"config": {"$ref": "#/components/schemas/A"}}}]}
        }}});
        assert_eq!(union_properties_kept(&mut d, &mut Facts::default()).unwrap(), 1);
        let o = &d["components"]["schemas"]["OAuth"];
        assert!(o.get("allOf").is_none());
        assert_eq!(o["description"], "kept");
        assert_eq!(o["properties"]["config"]["$ref"], "#/components/schemas/Config");
        assert_eq!(o["properties"]["version"]["type"], "string");
        assert!(d["components"]["schemas"]["Http"].get("allOf").is_some());
    }

    #[test]
    fn a_moved_base_keeps_only_its_own_fields() {
        let mut d = json!({"components": {"schemas": {
            "Contact": {"type": "object", "properties": {"contactType": {"type": "string"}},
                "anyOf": [{"$ref": "#/components/schemas/Billing"}, {"$ref": "#/components/schemas/Technical"}],
                "discriminator": {"propertyName": "contactType", "mapping": {
                    "BILLING": "#/components/schemas/Billing", "TECHNICAL": "#/components/schemas/Technical"}}},
            "Billing": {"allOf": [{"$ref": "#/components/schemas/Contact"}]},
            "Technical": {"allOf": [{"$ref": "#/components/schemas/Contact"}]}
        }}});
        discriminated_unions(&mut d, &mut Facts::default()).unwrap();
        let base = &d["components"]["schemas"]["ContactBase"];
        assert!(base.get("anyOf").is_none(), "{base}");
        assert_eq!(base["properties"]["contactType"]["type"], "string");
        assert!(d["components"]["schemas"]["Contact"].get("oneOf").is_some());
    }
}
