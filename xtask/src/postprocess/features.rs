//! Rule `area_features`: one Cargo feature per API area, so a program that needs only users and
//! groups compiles only their operations and the model types those operations reach.
//!
//! Areas are the spec's `x-tagGroups` (Users, Groups, Applications, ...), named in kebab-case.
//! An operation belongs to the area of its tag. Its tag trait, trait impl, prelude re-export and
//! builder get `#[cfg(feature = "<area>")]`. A model type gets
//! `#[cfg(any(feature = "<area>", ...))]` listing every area whose operations reach it (through
//! fields, variants, impls and typify builders); a type every area reaches gets no `cfg`, and a
//! type no operation reaches (webhook payloads, unused schemas) gets `feature = "full"`.
//! Reachability is closed under references, so any set of features compiles.

use crate::postprocess::apis::OpInfo;
use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use syn::visit::{self, Visit};
use syn::{File, Item, UseTree};

/// The feature that enables every area plus the types no operation reaches.
pub const FULL: &str = "full";

/// API areas: tag -> feature name, read from the spec's `x-tagGroups`.
#[derive(Debug, Clone, Default)]
pub struct Areas {
    pub by_tag: BTreeMap<String, String>,
}

impl Areas {
    /// Reads `x-tagGroups`; every tag an operation uses must belong to exactly one group.
    pub fn from_spec(doc: &Value, ops: &[OpInfo]) -> anyhow::Result<Self> {
        let groups = doc
            .get("x-tagGroups")
            .and_then(Value::as_array)
            .ok_or_else(|| anyhow::anyhow!("rule `area_features`: the spec has no `x-tagGroups`"))?;
        let mut by_tag = BTreeMap::new();
        for g in groups {
            let name = g.get("name").and_then(Value::as_str).unwrap_or_default();
            let feature = name.to_kebab_case();
            if feature.is_empty() || feature == FULL || feature == "default" || feature == "schemars" {
                anyhow::bail!("rule `area_features`: tag group `{name}` gives an unusable feature name");
            }
            for t in g.get("tags").and_then(Value::as_array).into_iter().flatten() {
                let tag = t.as_str().unwrap_or_default().to_string();
                if let Some(prev) = by_tag.insert(tag.clone(), feature.clone()) {
                    anyhow::bail!("rule `area_features`: tag `{tag}` is in groups `{prev}` and `{feature}`");
                }
            }
        }
        for op in ops {
            if !by_tag.contains_key(&op.tag) {
                anyhow::bail!(
                    "rule `area_features`: operation `{}` has tag `{}`, which no x-tagGroup lists",
                    op.id,
                    op.tag
                );
            }
        }
        Ok(Self { by_tag })
    }

    /// Every area feature, sorted.
    pub fn features(&self) -> BTreeSet<String> {
        self.by_tag.values().cloned().collect()
    }
}

/// Counts of what the rule gated.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Gated {
    pub operations: usize,
    pub types: usize,
    pub unreached_types: usize,
    /// Operations that also need another area (rule `cross_area_joins`): id -> that area.
    pub joined: BTreeMap<String, Join>,
}

/// Applies the rule to both files (already re-parsed, so no verbatim items remain).
pub fn apply(models: &mut File, apis: &mut File, ops: &[OpInfo], areas: &Areas) -> anyhow::Result<Gated> {
    let op_feature: BTreeMap<String, &str> = ops
        .iter()
        .map(|o| (o.id.to_snake_case(), areas.by_tag[&o.tag].as_str()))
        .collect();
    let builder_feature: BTreeMap<String, &str> = ops
        .iter()
        .map(|o| (o.id.to_upper_camel_case(), areas.by_tag[&o.tag].as_str()))
        .collect();

    // Model graph: owner type -> every identifier its definition, impls and builder mention.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in &models.items {
        match item {
            Item::Mod(m) if m.ident == "builder" => {
                for inner in m.content.iter().flat_map(|(_, items)| items) {
                    let owner = owner(inner).ok_or_else(|| unexpected("okta-models builder", inner))?;
                    graph.entry(owner).or_default().extend(type_refs(inner, Paths::Model));
                }
            }
            Item::Mod(m) if m.ident == "error" => {}
            other => {
                let owner = owner(other).ok_or_else(|| unexpected("okta-models", other))?;
                graph.entry(owner).or_default().extend(type_refs(other, Paths::Model));
            }
        }
    }
    let known: BTreeSet<String> = graph.keys().cloned().collect();
    for refs in graph.values_mut() {
        refs.retain(|r| known.contains(r));
    }
    // An alias (rule `identical_types_aliased`) is compiled wherever the type it names is, so
    // no name leaves a build that has its type.
    for item in &models.items {
        if let Item::Type(t) = item
            && let Some(target) = type_owner(&t.ty)
            && let Some(refs) = graph.get_mut(&target)
        {
            refs.insert(t.ident.to_string());
        }
    }

    // What each operation's builder mentions, and what its `send` answers with.
    let mut op_refs: BTreeMap<String, OpRefs> = BTreeMap::new();
    let mut trait_feature: BTreeMap<String, &str> = BTreeMap::new();
    for item in &apis.items {
        match item {
            Item::Trait(t) if t.ident.to_string().starts_with("Client") => {
                let mut features = BTreeSet::new();
                for ti in &t.items {
                    if let syn::TraitItem::Fn(f) = ti {
                        let f = op_feature.get(&f.sig.ident.to_string()).ok_or_else(|| {
                            anyhow::anyhow!("rule `area_features`: trait method `{}` is no operation", f.sig.ident)
                        })?;
                        features.insert(*f);
                    }
                }
                let [feature] = features.into_iter().collect::<Vec<_>>()[..] else {
                    anyhow::bail!("rule `area_features`: trait `{}` spans several areas", t.ident);
                };
                trait_feature.insert(t.ident.to_string(), feature);
            }
            Item::Mod(m) if m.ident == "builder" => {
                for inner in m.content.iter().flat_map(|(_, items)| items) {
                    let Some(name) = owner(inner) else { continue };
                    let Some(feature) = builder_feature.get(&name) else {
                        continue;
                    };
                    let entry = op_refs.entry(name).or_insert_with(|| OpRefs {
                        feature,
                        refs: BTreeSet::new(),
                        answers: BTreeSet::new(),
                    });
                    entry
                        .refs
                        .extend(type_refs(inner, Paths::Api).into_iter().filter(|r| known.contains(r)));
                    entry
                        .answers
                        .extend(answers(inner).into_iter().filter(|r| known.contains(r)));
                }
            }
            _ => {}
        }
    }
    let joins = cross_area_joins(&op_refs, &graph);

    // Seeds: the model types each area's operation builders mention (a joined operation's
    // count for the area it joins, whose reach already holds them).
    let mut seeds: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (name, op) in &op_refs {
        let feature = joins.get(name).map_or(op.feature, |j| j.area.as_str());
        seeds.entry(feature).or_default().extend(op.refs.iter().cloned());
    }

    // Reachability per area.
    let all_features = areas.features();
    let mut reached_by: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (feature, start) in &seeds {
        for n in reach(&graph, start) {
            reached_by.entry(n).or_default().insert(feature);
        }
    }

    // Gate the models.
    let mut gated = Gated::default();
    let cfg_of = |name: &str| -> Option<syn::Attribute> {
        match reached_by.get(name) {
            None => Some(syn::parse_quote!(#[cfg(feature = "full")])),
            Some(fs) if fs.len() == all_features.len() => None,
            Some(fs) => {
                let fs = fs.iter();
                Some(syn::parse_quote!(#[cfg(any(#(feature = #fs),*))]))
            }
        }
    };
    for name in &known {
        match reached_by.get(name.as_str()) {
            None => gated.unreached_types += 1,
            Some(fs) if fs.len() < all_features.len() => gated.types += 1,
            Some(_) => {}
        }
    }
    for item in &mut models.items {
        match item {
            Item::Mod(m) if m.ident == "builder" => {
                for inner in m.content.iter_mut().flat_map(|(_, items)| items) {
                    if let Some(attr) = owner(inner).and_then(|o| cfg_of(&o)) {
                        push_attr(inner, attr);
                    }
                }
            }
            Item::Mod(_) => {}
            other => {
                if let Some(attr) = owner(other).and_then(|o| cfg_of(&o)) {
                    push_attr(other, attr);
                }
            }
        }
    }

    // Gate the operations.
    // A joined operation's trait method and impl, by method name.
    let mut joined_method: BTreeMap<String, &Join> = BTreeMap::new();
    for o in ops {
        if let Some(joined) = joins.get(&o.id.to_upper_camel_case()) {
            joined_method.insert(o.id.to_snake_case(), joined);
            gated.joined.insert(o.id.clone(), joined.clone());
        }
    }
    for item in &mut apis.items {
        match item {
            Item::Trait(t) => {
                if let Some(f) = trait_feature.get(&t.ident.to_string()) {
                    t.attrs.push(syn::parse_quote!(#[cfg(feature = #f)]));
                }
                for ti in &mut t.items {
                    if let syn::TraitItem::Fn(f) = ti
                        && let Some(joined) = joined_method.get(&f.sig.ident.to_string())
                    {
                        let (area, resource) = (&joined.area, &joined.resource);
                        let doc = format!(
                            " - Features: this one and `{area}`, because it answers with `{resource}`, a resource of `{area}`"
                        );
                        f.attrs.push(syn::parse_quote!(#[doc = #doc]));
                        f.attrs.push(syn::parse_quote!(#[cfg(feature = #area)]));
                    }
                }
            }
            Item::Impl(i) => {
                let trait_name = i
                    .trait_
                    .as_ref()
                    .and_then(|(p, _)| p.segments.last())
                    .map(|s| s.ident.to_string());
                if let Some(f) = trait_name.and_then(|n| trait_feature.get(&n)) {
                    i.attrs.push(syn::parse_quote!(#[cfg(feature = #f)]));
                    for ii in &mut i.items {
                        if let syn::ImplItem::Fn(f) = ii
                            && let Some(joined) = joined_method.get(&f.sig.ident.to_string())
                        {
                            let area = &joined.area;
                            f.attrs.push(syn::parse_quote!(#[cfg(feature = #area)]));
                        }
                    }
                }
            }
            Item::Mod(m) if m.ident == "prelude" => {
                for inner in m.content.iter_mut().flat_map(|(_, items)| items) {
                    let Item::Use(u) = inner else { continue };
                    let name = use_leaf(&u.tree);
                    if let Some(f) = name.and_then(|n| trait_feature.get(&n)) {
                        u.attrs.push(syn::parse_quote!(#[cfg(feature = #f)]));
                    }
                }
            }
            Item::Mod(m) if m.ident == "builder" => {
                for inner in m.content.iter_mut().flat_map(|(_, items)| items) {
                    if let Item::Use(u) = inner {
                        // With no area enabled, no builder names a model type.
                        if use_leaf(&u.tree).as_deref() == Some("types") {
                            u.attrs.push(syn::parse_quote!(#[allow(unused_imports)]));
                        }
                        continue;
                    }
                    let Some(name) = owner(inner) else { continue };
                    let Some(f) = builder_feature.get(&name).copied() else {
                        continue;
                    };
                    if matches!(inner, Item::Struct(_)) {
                        gated.operations += 1;
                    }
                    match joins.get(&name) {
                        Some(joined) => {
                            let area = &joined.area;
                            push_attr(inner, syn::parse_quote!(#[cfg(all(feature = #f, feature = #area))]))
                        }
                        None => push_attr(inner, syn::parse_quote!(#[cfg(feature = #f)])),
                    }
                }
            }
            _ => {}
        }
    }
    if gated.operations != ops.len() {
        anyhow::bail!(
            "rule `area_features`: gated {} operation builders, the spec has {} operations",
            gated.operations,
            ops.len()
        );
    }
    Ok(gated)
}

/// What one operation's builder mentions.
struct OpRefs<'a> {
    /// The area of the operation's tag.
    feature: &'a str,
    /// The model types the builder (struct and impls) mentions.
    refs: BTreeSet<String>,
    /// The model types `send` answers with.
    answers: BTreeSet<String>,
}

/// An operation that needs a second area's feature too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Join {
    /// The second area.
    pub area: String,
    /// The type it answers with, whose home that area is.
    pub resource: String,
}

/// Rule `cross_area_joins`: an operation that answers with another area's resource needs that
/// area too. `listAssignedApplicationsForGroup` is tagged Group but answers with `Application`,
/// and alone it pulled the whole application family (the application subtypes, their settings
/// and credentials) into every build with `groups`.
///
/// A type's home is the one area whose operations answer with it most often, at least twice
/// (`Application`: applications; `Group`: groups; a type two areas each answer with once has
/// none). An operation of area A joins area B when, among A's operations, it alone reaches some
/// model types (its own cost to A), it answers with one of those types, that type's home is B,
/// and B's operations reach every type of its own cost. The operation is then compiled when both
/// A and B are enabled, and its types count for B. Each operation is judged against the unjoined
/// reach of its area, so two operations that share the same foreign family both stay (neither
/// alone costs it). Returns builder name -> B.
fn cross_area_joins<'a>(
    ops: &BTreeMap<String, OpRefs<'a>>,
    graph: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<String, Join> {
    let op_reach: BTreeMap<&str, BTreeSet<&str>> = ops
        .iter()
        .map(|(name, op)| (name.as_str(), reach(graph, &op.refs)))
        .collect();
    // Per area: how many of its operations reach each type (every type it reaches is a key).
    let mut count: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    // Per type: how many operations of each area answer with it.
    let mut answered: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (name, op) in ops {
        let per_area = count.entry(op.feature).or_default();
        for t in &op_reach[name.as_str()] {
            *per_area.entry(*t).or_default() += 1;
        }
        for a in &op.answers {
            *answered.entry(a.as_str()).or_default().entry(op.feature).or_default() += 1;
        }
    }
    // A resource's home: the one area whose operations answer with it most, at least twice
    // (a resource's own area gets, lists, creates or updates it).
    let home = |t: &str| -> Option<&'a str> {
        let by_area = answered.get(t)?;
        let most = by_area.values().copied().max()?;
        let mut top = by_area.iter().filter(|(_, n)| **n == most);
        match (top.next(), top.next()) {
            (Some((area, _)), None) if most >= 2 => Some(*area),
            _ => None,
        }
    };
    let mut joins = BTreeMap::new();
    for (name, op) in ops {
        let own: BTreeSet<&str> = op_reach[name.as_str()]
            .iter()
            .copied()
            .filter(|t| count[op.feature].get(t) == Some(&1))
            .collect();
        let joined = op
            .answers
            .iter()
            .filter(|a| own.contains(a.as_str()))
            .filter_map(|a| Some((home(a)?, a)))
            .find(|(area, _)| *area != op.feature && own.iter().all(|t| count[area].contains_key(t)));
        if let Some((area, resource)) = joined {
            let (area, resource) = (area.to_string(), resource.clone());
            joins.insert(name.clone(), Join { area, resource });
        }
    }
    joins
}

/// The model types a builder's `send` answers with (`types::X` in its signature).
fn answers(item: &Item) -> BTreeSet<String> {
    let Item::Impl(i) = item else {
        return BTreeSet::new();
    };
    let mut refs = Refs::new(Paths::Api);
    for ii in &i.items {
        if let syn::ImplItem::Fn(f) = ii
            && f.sig.ident == "send"
        {
            refs.visit_return_type(&f.sig.output);
        }
    }
    refs.out
}

/// Every model type reachable from `start` through `graph` (`start` included).
fn reach<'a>(graph: &'a BTreeMap<String, BTreeSet<String>>, start: &'a BTreeSet<String>) -> BTreeSet<&'a str> {
    let mut queue: VecDeque<&str> = start.iter().map(String::as_str).collect();
    let mut seen = BTreeSet::new();
    while let Some(n) = queue.pop_front() {
        if seen.insert(n) {
            queue.extend(graph.get(n).into_iter().flatten().map(String::as_str));
        }
    }
    seen
}

/// The type an item defines or implements (`impl X`, `impl Trait for X`, `struct X`, `enum X`).
fn owner(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        Item::Type(t) => Some(t.ident.to_string()),
        Item::Impl(i) => type_owner(&i.self_ty),
        _ => None,
    }
}

/// The model type a type names: `X`, `super::X`, or the `X` of `Option<X>`.
pub(crate) fn type_owner(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident == "Option"
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
    {
        return type_owner(inner);
    }
    Some(last.ident.to_string())
}

fn push_attr(item: &mut Item, attr: syn::Attribute) {
    match item {
        Item::Struct(s) => s.attrs.push(attr),
        Item::Enum(e) => e.attrs.push(attr),
        Item::Type(t) => t.attrs.push(attr),
        Item::Impl(i) => i.attrs.push(attr),
        _ => {}
    }
}

fn use_leaf(tree: &UseTree) -> Option<String> {
    match tree {
        UseTree::Path(p) => use_leaf(&p.tree),
        UseTree::Name(n) => Some(n.ident.to_string()),
        _ => None,
    }
}

fn unexpected(place: &str, item: &Item) -> anyhow::Error {
    let text = item.to_token_stream().to_string();
    let head: String = text.chars().take(120).collect();
    anyhow::anyhow!("rule `area_features`: cannot tell which type owns this {place} item: {head}")
}

/// Where a path to a model type starts.
#[derive(Clone, Copy)]
enum Paths {
    /// In okta-models: `X`, `super::X` or `crate::X`.
    Model,
    /// In okta-apis: `types::X` only (`Client`, `Error` and the builders there are the client's
    /// own, and may share a name with a model type).
    Api,
}

/// The names an item refers to as types or values through paths, by the rules of `paths`. A
/// name that only appears as an identifier (a field, an enum variant, `D::Error`,
/// `::chrono::DateTime`, `Self::Created`) is no reference: counting those tied every area to
/// the model types that happen to share the name (`Error`, `Client`, `DateTime`, `Version`) and
/// to everything those reach. Macro arguments are not parsed, so every identifier in them counts.
fn type_refs(item: &Item, paths: Paths) -> BTreeSet<String> {
    let mut refs = Refs::new(paths);
    refs.visit_item(item);
    refs.out
}

/// The visitor of [`type_refs`]: the names it has met so far.
struct Refs {
    paths: Paths,
    out: BTreeSet<String>,
}

impl Refs {
    fn new(paths: Paths) -> Self {
        Self {
            paths,
            out: BTreeSet::new(),
        }
    }
}

impl<'ast> Visit<'ast> for Refs {
    fn visit_path(&mut self, p: &'ast syn::Path) {
        if p.leading_colon.is_none() {
            let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
            let name = match (self.paths, segs.as_slice()) {
                (Paths::Model, [prefix, name, ..]) if prefix == "super" || prefix == "crate" => Some(name),
                (Paths::Model, [name, ..]) => Some(name),
                (Paths::Api, [prefix, name, ..]) if prefix == "types" => Some(name),
                _ => None,
            };
            self.out.extend(name.cloned());
        }
        visit::visit_path(self, p);
    }
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.out.extend(idents(m.tokens.clone()));
        visit::visit_macro(self, m);
    }
}

/// Every identifier in a token stream (doc strings are literals and do not count).
fn idents(tokens: TokenStream) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![tokens];
    while let Some(ts) = stack.pop() {
        for tt in ts {
            match tt {
                TokenTree::Ident(i) => {
                    out.insert(i.to_string());
                }
                TokenTree::Group(g) => stack.push(g.stream()),
                _ => {}
            }
        }
    }
    out
}

/// The `[features]` lines each crate needs, between the generated markers.
pub fn cargo_features(crate_name: &str, areas: &Areas) -> String {
    let features = areas.features();
    let quoted = |prefix: &str, extra: Option<&str>| {
        let mut v: Vec<String> = features.iter().map(|f| format!("\"{prefix}{f}\"")).collect();
        if let Some(e) = extra {
            v.push(format!("\"{e}\""));
        }
        v.join(", ")
    };
    let mut out = String::new();
    out.push_str(BEGIN);
    out.push('\n');
    let (child, full_extra) = match crate_name {
        "okta-models" => (None, None),
        "okta-apis" => (Some("okta-models/"), Some("okta-models/full")),
        _ => (Some("okta-apis/"), Some("okta-apis/full")),
    };
    out.push_str(&format!("full = [{}]\n", quoted("", full_extra)));
    for f in &features {
        match child {
            Some(c) => out.push_str(&format!("{f} = [\"{c}{f}\"]\n")),
            None => out.push_str(&format!("{f} = []\n")),
        }
    }
    out.push_str(END);
    out
}

pub const BEGIN: &str = "# @generated API-area features (x-tagGroups), written by `cargo xtask generate`; do not edit";
pub const END: &str = "# @end generated API-area features";

/// Replaces the generated region of a Cargo.toml; fails if the markers are missing.
pub fn splice(manifest: &str, region: &str, path: &str) -> anyhow::Result<String> {
    let start = manifest
        .find(BEGIN)
        .ok_or_else(|| anyhow::anyhow!("{path}: marker `{BEGIN}` is missing from [features]"))?;
    let end = manifest[start..]
        .find(END)
        .map(|e| start + e + END.len())
        .ok_or_else(|| anyhow::anyhow!("{path}: marker `{END}` is missing"))?;
    Ok(format!("{}{}{}", &manifest[..start], region, &manifest[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(id: &str, tag: &str) -> OpInfo {
        OpInfo {
            id: id.into(),
            method: "GET".into(),
            path: "/x".into(),
            tag: tag.into(),
            scopes: vec![],
            lifecycle: None,
            lists: false,
            accept: None,
        }
    }

    /// Two areas, `users` (operation `getUser`) and `admin-roles` (`getRole`).
    fn users_and_roles() -> (Vec<OpInfo>, Areas) {
        let doc = serde_json::json!({"x-tagGroups": [
            {"name": "Users", "tags": ["User"]},
            {"name": "Admin Roles", "tags": ["Role"]},
        ]});
        let ops = vec![op("getUser", "User"), op("getRole", "Role")];
        let areas = Areas::from_spec(&doc, &ops).unwrap();
        (ops, areas)
    }

    #[test]
    fn gates_operations_by_area_and_types_by_reachability() {
        let (ops, areas) = users_and_roles();
        assert_eq!(
            areas.features().into_iter().collect::<Vec<_>>(),
            ["admin-roles", "users"]
        );
        let mut models: File = syn::parse_quote! {
            pub struct User { pub profile: UserProfile, pub link: Link }
            pub struct UserProfile { pub x: String }
            pub struct Role { pub link: Link }
            pub struct Link { pub href: String }
            pub struct Orphan { pub x: String }
            impl From<&UserProfile> for UserProfile { fn from(v: &UserProfile) -> Self { v.clone() } }
            pub mod builder {
                pub struct User { profile: Result<super::UserProfile, String> }
                impl Default for User { fn default() -> Self { Self { profile: Err(String::new()) } } }
            }
            pub mod error { pub struct ConversionError; }
        };
        let mut apis: File = syn::parse_quote! {
            pub trait ClientUserExt { fn get_user(&self) -> builder::GetUser; }
            impl ClientUserExt for Client { fn get_user(&self) -> builder::GetUser { builder::GetUser::new(self) } }
            pub trait ClientRoleExt { fn get_role(&self) -> builder::GetRole; }
            impl ClientRoleExt for Client { fn get_role(&self) -> builder::GetRole { builder::GetRole::new(self) } }
            pub mod prelude { pub use super::ClientUserExt; pub use super::ClientRoleExt; }
            pub mod builder {
                pub struct GetUser<'a> { client: &'a super::Client }
                impl<'a> GetUser<'a> { pub async fn send(self) -> Result<types::User, ()> { Err(()) } }
                pub struct GetRole<'a> { client: &'a super::Client }
                impl<'a> GetRole<'a> { pub async fn send(self) -> Result<types::Role, ()> { Err(()) } }
            }
        };
        let gated = apply(&mut models, &mut apis, &ops, &areas).unwrap();
        assert_eq!(
            gated,
            Gated {
                operations: 2,
                types: 3,
                unreached_types: 1,
                joined: BTreeMap::new(),
            }
        );
        let models = prettyplease::unparse(&models);
        let apis = prettyplease::unparse(&apis);
        assert!(models.contains("#[cfg(any(feature = \"users\"))]\npub struct User {"));
        assert!(models.contains("#[cfg(any(feature = \"users\"))]\npub struct UserProfile"));
        assert!(models.contains("#[cfg(any(feature = \"users\"))]\nimpl From<&UserProfile>"));
        assert!(models.contains("#[cfg(any(feature = \"users\"))]\n    pub struct User {"));
        assert!(models.contains("#[cfg(any(feature = \"admin-roles\"))]\npub struct Role"));
        // Reached by every area: no cfg. Reached by none: only with `full`.
        assert!(models.contains("}\npub struct Link {"));
        assert!(models.contains("#[cfg(feature = \"full\")]\npub struct Orphan"));
        assert!(apis.contains("#[cfg(feature = \"users\")]\npub trait ClientUserExt"));
        assert!(apis.contains("#[cfg(feature = \"users\")]\nimpl ClientUserExt for Client"));
        assert!(apis.contains("#[cfg(feature = \"admin-roles\")]\n    pub use super::ClientRoleExt;"));
        assert!(apis.contains("#[cfg(feature = \"admin-roles\")]\n    pub struct GetRole"));
    }

    #[test]
    fn a_shared_name_is_no_reference() {
        let (ops, areas) = users_and_roles();
        // `Client`, `Created` and `Error` are model types; the user's status variant, serde's
        // `D::Error`, `::chrono::DateTime` and the API client `super::Client` only share names.
        let mut models: File = syn::parse_quote! {
            pub struct User { pub status: UserStatus, pub at: ::chrono::DateTime<::chrono::Utc> }
            pub enum UserStatus { Created, Active }
            impl<'de> ::serde::Deserialize<'de> for UserStatus {
                fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> { Ok(Self::Created) }
            }
            pub struct Role { pub error: Error }
            pub struct Error { pub code: String }
            pub struct Created { pub by: Client }
            pub struct Client { pub id: String }
            pub struct DateTime { pub x: String }
            pub struct Hinted { pub x: String }
            impl Role { fn hint() -> String { format!("{}", Hinted::default().x) } }
        };
        let mut apis: File = syn::parse_quote! {
            pub trait ClientUserExt { fn get_user(&self) -> builder::GetUser; }
            pub trait ClientRoleExt { fn get_role(&self) -> builder::GetRole; }
            pub mod builder {
                pub struct GetUser<'a> { client: &'a super::Client }
                impl<'a> GetUser<'a> { pub async fn send(self) -> Result<types::User, Error<types::Error>> { Err(()) } }
                pub struct GetRole<'a> { client: &'a super::Client }
                impl<'a> GetRole<'a> { pub async fn send(self) -> Result<types::Role, Error<types::Error>> { Err(()) } }
            }
        };
        apply(&mut models, &mut apis, &ops, &areas).unwrap();
        let models = prettyplease::unparse(&models);
        assert!(
            models.contains("}\npub struct Error {"),
            "both areas answer with `Error`"
        );
        assert!(models.contains("#[cfg(any(feature = \"users\"))]\npub enum UserStatus"));
        assert!(
            models.contains("#[cfg(any(feature = \"admin-roles\"))]\npub struct Hinted"),
            "a macro's identifiers count"
        );
        for unreached in ["Created", "Client", "DateTime"] {
            assert!(
                models.contains(&format!("#[cfg(feature = \"full\")]\npub struct {unreached} ")),
                "{unreached} is only a shared name:\n{models}"
            );
        }
    }

    /// Users answer with `User` twice, groups with `Group` twice; `listUserGroups` (users)
    /// answers with `Group`, `listUserClients` (users) and `listGroupClients` (groups) each
    /// answer with `Client` once.
    fn joined_fixture() -> (File, File, Gated) {
        let doc = serde_json::json!({"x-tagGroups": [
            {"name": "Users", "tags": ["User"]},
            {"name": "Groups", "tags": ["Group"]},
        ]});
        let ops = vec![
            op("getUser", "User"),
            op("listUsers", "User"),
            op("listUserGroups", "User"),
            op("listUserClients", "User"),
            op("getGroup", "Group"),
            op("listGroups", "Group"),
            op("listGroupClients", "Group"),
        ];
        let areas = Areas::from_spec(&doc, &ops).unwrap();
        let mut models: File = syn::parse_quote! {
            pub struct User { pub profile: UserProfile }
            pub struct UserProfile { pub x: String }
            pub struct Group { pub profile: GroupProfile }
            pub struct GroupProfile { pub x: String }
            pub struct OAuthClient { pub x: String }
        };
        let send = |ty: TokenStream| -> TokenStream {
            quote::quote! { pub fn send(self) -> impl Future<Output = Result<okta_runtime::Response<#ty>, okta_runtime::Error>> { todo() } }
        };
        let (user, users, groups, group, client) = (
            send(quote::quote!(types::User)),
            send(quote::quote!(Vec<types::User>)),
            send(quote::quote!(Vec<types::Group>)),
            send(quote::quote!(types::Group)),
            send(quote::quote!(Vec<types::OAuthClient>)),
        );
        let mut apis: File = syn::parse_quote! {
            pub trait ClientUserExt {
                fn get_user(&self) -> builder::GetUser;
                fn list_users(&self) -> builder::ListUsers;
                fn list_user_groups(&self) -> builder::ListUserGroups;
                fn list_user_clients(&self) -> builder::ListUserClients;
            }
            impl ClientUserExt for Client {
                fn list_user_groups(&self) -> builder::ListUserGroups { builder::ListUserGroups::new(self) }
            }
            pub trait ClientGroupExt {
                fn get_group(&self) -> builder::GetGroup;
                fn list_groups(&self) -> builder::ListGroups;
                fn list_group_clients(&self) -> builder::ListGroupClients;
            }
            pub mod builder {
                pub struct GetUser;
                impl GetUser { #user }
                pub struct ListUsers;
                impl ListUsers { #users }
                pub struct ListUserGroups;
                impl ListUserGroups { #groups }
                pub struct ListUserClients;
                impl ListUserClients { #client }
                pub struct GetGroup;
                impl GetGroup { #group }
                pub struct ListGroups;
                impl ListGroups { #groups }
                pub struct ListGroupClients;
                impl ListGroupClients { #client }
            }
        };
        let gated = apply(&mut models, &mut apis, &ops, &areas).unwrap();
        (models, apis, gated)
    }

    #[test]
    fn an_operation_answering_with_another_areas_resource_needs_that_area() {
        let (models, apis, gated) = joined_fixture();
        let join = Join {
            area: "groups".into(),
            resource: "Group".into(),
        };
        assert_eq!(gated.joined, BTreeMap::from([("listUserGroups".to_string(), join)]));
        let models = prettyplease::unparse(&models);
        let apis = prettyplease::unparse(&apis);
        // `Group` is no longer compiled into a users-only build.
        assert!(
            models.contains("#[cfg(any(feature = \"groups\"))]\npub struct Group {"),
            "{models}"
        );
        assert!(
            models.contains("#[cfg(any(feature = \"groups\"))]\npub struct GroupProfile"),
            "{models}"
        );
        assert!(
            models.contains("#[cfg(any(feature = \"users\"))]\npub struct User {"),
            "{models}"
        );
        assert!(apis.contains(
            "    /// - Features: this one and `groups`, because it answers with `Group`, a resource of `groups`\n    \
             #[cfg(feature = \"groups\")]\n    fn list_user_groups(&self)"
        ));
        assert!(
            apis.contains("impl ClientUserExt for Client {\n    #[cfg(feature = \"groups\")]\n    fn list_user_groups")
        );
        assert!(
            apis.contains("#[cfg(all(feature = \"users\", feature = \"groups\"))]\n    pub struct ListUserGroups;")
        );
        assert!(apis.contains("#[cfg(all(feature = \"users\", feature = \"groups\"))]\n    impl ListUserGroups {"));
    }

    #[test]
    fn a_resource_two_areas_each_answer_with_once_has_no_home() {
        let (models, apis, gated) = joined_fixture();
        assert!(!gated.joined.contains_key("listUserClients") && !gated.joined.contains_key("listGroupClients"));
        let models = prettyplease::unparse(&models);
        let apis = prettyplease::unparse(&apis);
        assert!(
            models.contains("}\npub struct OAuthClient {"),
            "both areas reach it:\n{models}"
        );
        assert!(apis.contains("#[cfg(feature = \"users\")]\n    pub struct ListUserClients;"));
        assert!(apis.contains("#[cfg(feature = \"groups\")]\n    pub struct ListGroupClients;"));
    }

    #[test]
    fn fails_loudly_on_an_ungrouped_tag_and_on_missing_markers() {
        let doc = serde_json::json!({"x-tagGroups": [{"name": "Users", "tags": ["User"]}]});
        let err = Areas::from_spec(&doc, &[op("listGroups", "Group")]).unwrap_err();
        assert!(err.to_string().contains("tag `Group`"), "{err}");
        assert!(Areas::from_spec(&serde_json::json!({}), &[]).is_err());
        assert!(splice("[features]\n", "x", "Cargo.toml").is_err());
    }

    #[test]
    fn cargo_features_chain_the_crates_and_splice_replaces_only_the_region() {
        let doc = serde_json::json!({"x-tagGroups": [{"name": "Users", "tags": ["User"]}]});
        let areas = Areas::from_spec(&doc, &[op("getUser", "User")]).unwrap();
        let region = cargo_features("okta-apis", &areas);
        assert!(region.contains("full = [\"users\", \"okta-models/full\"]\n"));
        assert!(region.contains("users = [\"okta-models/users\"]\n"));
        assert!(cargo_features("okta-models", &areas).contains("users = []\n"));
        let manifest = format!("[features]\ndefault = [\"full\"]\n{BEGIN}\nold = []\n{END}\n\n[dependencies]\n");
        let out = splice(&manifest, &region, "Cargo.toml").unwrap();
        assert!(!out.contains("old = []"));
        assert!(out.starts_with("[features]\ndefault = [\"full\"]\n"));
        assert!(out.ends_with(&format!("{END}\n\n[dependencies]\n")));
    }

    #[test]
    fn a_conversion_into_an_option_belongs_to_the_inner_type() {
        let item: syn::Item = syn::parse_quote! {
            impl ::std::convert::TryFrom<UserProfile> for ::std::option::Option<super::UserProfile> {}
        };
        assert_eq!(super::owner(&item).as_deref(), Some("UserProfile"));
    }
}
