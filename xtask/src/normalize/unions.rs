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
    vec![Rule {
        name: "discriminated_unions",
        reason: "typify ignores OpenAPI discriminators and emits untagged enums (or the base struct without the \
                 subtype's fields); every discriminated union gets one named component that post-processing turns \
                 into a tagged enum with an `Unknown` fallback",
        apply: discriminated_unions,
    }]
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
}
