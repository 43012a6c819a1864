//! Rule `identical_types_aliased`: a model type that is token for token another one (its
//! definition and every impl of it, names and docs aside) is kept once, and the other names
//! become `pub type` aliases of it.
//!
//! Why: typify names inline schemas after where they sit, so one inline schema reached through
//! several `allOf` compositions becomes one type per composition. Okta's application subtypes
//! each get their own copy of the base's `features` enum (`BookmarkApplicationFeaturesItem`,
//! `SamlApplicationFeaturesItem`, ...) and of its `credentials`, `_embedded` and settings
//! parts; the many `ACTIVE`/`INACTIVE` status enums are the same enum written again. In
//! 2026.06.3 about 28k of okta-models' 240k lines are such copies, and each one is compiled
//! (serde impls, setters, derives) by every build that reaches it. An alias costs nothing to
//! compile, keeps every name users and the spec know, and makes the copies one type, so one
//! `match` serves the `features` of every application type.
//!
//! Newtypes and unit structs stay apart: an alias cannot construct or match them.
//!
//! Only names that end in the same word are merged (`...Status`, `...FeaturesItem`,
//! `...Credentials`): two unrelated schemas that happen to have the same fields keep their own
//! types and docs.
//!
//! Which name stays a type: the shortest, then the first in alphabetical order. Groups are found
//! again after each round, because two structs whose fields are copies become identical once
//! the copies are aliased (each application subtype's `credentials` struct, for example).

use quote::ToTokens;
use std::collections::{BTreeMap, BTreeSet};
use syn::visit_mut::VisitMut;
use syn::{Item, Type};

/// Applies the rule; returns how many types became aliases.
pub fn identical_types_aliased(items: &mut Vec<Item>) -> anyhow::Result<usize> {
    let names: BTreeSet<String> = items
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    // Newtypes and unit structs are left alone: an alias is no constructor or pattern, so
    // `AwsAccountId(s)` would stop compiling. Their names still count as model names.
    let kept_apart: BTreeSet<String> = items
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) if !matches!(s.fields, syn::Fields::Named(_)) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    // Each item's owner: the model type it defines or implements.
    let owners: Vec<Option<String>> = items.iter().map(|i| owner(i, &names)).collect();
    let mut owned: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, o) in owners.iter().enumerate() {
        if let Some(o) = o {
            owned.entry(o.as_str()).or_default().push(index);
        }
    }
    // What is compared, computed once: each owned item without its docs.
    let shapes: Vec<proc_macro2::TokenStream> = items
        .iter()
        .zip(&owners)
        .map(|(i, o)| o.as_ref().map(|_| shape(i)).unwrap_or_default())
        .collect();
    // Pairs of types that impls of one trait family on one type name side by side.
    let apart = apart_pairs(items, &names);
    // Each kept type and the names it stands for (itself included).
    let mut members: BTreeMap<String, Vec<String>> = names.iter().map(|n| (n.clone(), vec![n.clone()])).collect();
    // Alias -> the type it stands for.
    let mut alias_of: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for (name, indexes) in &owned {
            if alias_of.contains_key(*name) || kept_apart.contains(*name) {
                continue;
            }
            // Variant names are compared as written: `Union::FailoverRequest(..)` and
            // `Union::FailbackRequest(..)` stay apart even when the types they wrap are one.
            let text: String = indexes
                .iter()
                .map(|&i| format!("{} {}", variant_names(&items[i]), key(&shapes[i], name, &alias_of)))
                .collect::<Vec<_>>()
                .join("\n");
            let text = format!("{}\n{text}", last_word(name));
            groups.entry(text).or_default().push(name);
        }
        let mut found = false;
        for mut group in groups.into_values().filter(|g| g.len() > 1) {
            group.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
            // Types one impl family tells apart (`From<SamlHookResponse>` and
            // `From<TokenHookResponse>` for one union) would make its impls conflict: they
            // stay apart, each with the copies it may take.
            let mut kept: Vec<&str> = Vec::new();
            for name in group {
                let can_join = |k: &&&str| {
                    let (a, b) = (&members[**k], &members[name]);
                    !a.iter().any(|x| b.iter().any(|y| apart.contains(&pair(x, y))))
                };
                match kept.iter().find(can_join).copied() {
                    Some(k) => {
                        alias_of.insert(name.to_string(), k.to_string());
                        let moved = members.remove(name).unwrap_or_default();
                        members.entry(k.to_string()).or_default().extend(moved);
                        found = true;
                    }
                    None => kept.push(name),
                }
            }
        }
        if !found {
            break;
        }
    }
    // An alias of an alias points at the type itself.
    let resolve = |start: &str| {
        let mut n = start.to_string();
        for _ in 0..=alias_of.len() {
            match alias_of.get(&n) {
                Some(next) => n.clone_from(next),
                None => break,
            }
        }
        n
    };
    let targets: BTreeMap<String, String> = alias_of.keys().map(|a| (a.clone(), resolve(a))).collect();

    // Replace each alias's definition with `pub type`, and drop its impls.
    let mut out = Vec::with_capacity(items.len());
    for (item, owner) in std::mem::take(items).into_iter().zip(owners) {
        let Some(target) = owner.as_deref().and_then(|o| targets.get(o)) else {
            out.push(item);
            continue;
        };
        let (ident, attrs) = match &item {
            Item::Struct(s) => (&s.ident, &s.attrs),
            Item::Enum(e) => (&e.ident, &e.attrs),
            _ => continue,
        };
        let docs = attrs.iter().filter(|a| a.path().is_ident("doc"));
        let target_ident = syn::Ident::new(target, proc_macro2::Span::call_site());
        let note = format!(
            " The same type as [`{target}`]: this schema is, field for field, that one \
             (rule `identical_types_aliased`)."
        );
        out.push(syn::parse_quote! {
            #(#docs)*
            ///
            #[doc = #note]
            pub type #ident = #target_ident;
        });
    }
    *items = out;
    Ok(targets.len())
}

/// The model type an item defines or implements: the `Self` type, or for an impl on a type that
/// is not a model (`impl From<X> for String`), the model its trait names.
fn owner(item: &Item, names: &BTreeSet<String>) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        Item::Impl(i) => {
            let own = model_in(&i.self_ty, names);
            own.or_else(|| {
                let (path, _) = i.trait_.as_ref()?;
                let mut found = BTreeSet::new();
                collect_models(&path.to_token_stream(), names, &mut found);
                (found.len() == 1).then(|| found.into_iter().next()).flatten()
            })
        }
        _ => None,
    }
}

/// A pair in a fixed order.
fn pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

/// Model types that trait impls on one self type tell apart: the models named in the trait
/// paths of `impl Trait<X> for T` and `impl Trait<Y> for T` (a union's `From` impls).
fn apart_pairs(items: &[Item], names: &BTreeSet<String>) -> BTreeSet<(String, String)> {
    let mut families: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for item in items {
        let Item::Impl(i) = item else { continue };
        let Some((path, _)) = &i.trait_ else { continue };
        // `impl From<X> for String` belongs to X and goes with it; only a model's own impls stay.
        if model_in(&i.self_ty, names).is_none() {
            continue;
        }
        let Some(last) = path.segments.last() else { continue };
        let mut found = BTreeSet::new();
        collect_models(&last.arguments.to_token_stream(), names, &mut found);
        let family = (i.self_ty.to_token_stream().to_string(), last.ident.to_string());
        families.entry(family).or_default().extend(found);
    }
    let mut out = BTreeSet::new();
    for models in families.values() {
        for a in models {
            for b in models {
                if a < b {
                    out.insert(pair(a, b));
                }
            }
        }
    }
    out
}

/// `X` for a self type `X` that is a model.
fn model_in(ty: &Type, names: &BTreeSet<String>) -> Option<String> {
    super::features::type_owner(ty).filter(|n| names.contains(n))
}

fn collect_models(tokens: &proc_macro2::TokenStream, names: &BTreeSet<String>, out: &mut BTreeSet<String>) {
    for t in tokens.clone() {
        match t {
            proc_macro2::TokenTree::Ident(i) if names.contains(&i.to_string()) => {
                out.insert(i.to_string());
            }
            proc_macro2::TokenTree::Group(g) => collect_models(&g.stream(), names, out),
            _ => {}
        }
    }
}

/// The last word of a type name (`Status` of `EventHookStatus`, `Item` of
/// `SamlApplicationFeaturesItem`). Only types whose names end alike are merged: copies that play
/// one part (a status, a features item, credentials). An `ImageUploadResponse` that happens to be
/// an `OidcIssuer` field for field stays a type of its own, so its docs are its own.
fn last_word(name: &str) -> &str {
    let start = name
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_ascii_uppercase())
        .map_or(0, |(i, _)| i);
    &name[start..]
}

/// An enum's variant names, as written.
fn variant_names(item: &Item) -> String {
    match item {
        Item::Enum(e) => e
            .variants
            .iter()
            .map(|v| v.ident.to_string())
            .collect::<Vec<_>>()
            .join(","),
        _ => String::new(),
    }
}

/// An item's tokens without doc comments (syn's visitor hands every node's attributes here:
/// items, fields, variants, impl members).
fn shape(item: &Item) -> proc_macro2::TokenStream {
    struct NoDocs;
    impl VisitMut for NoDocs {
        fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
            attrs.retain(|a| !a.path().is_ident("doc"));
            for attr in attrs {
                self.visit_attribute_mut(attr);
            }
        }
    }
    let mut copy = item.clone();
    NoDocs.visit_item_mut(&mut copy);
    copy.to_token_stream()
}

/// The grouping key: the tokens with the type's own name made anonymous (as an identifier, and
/// as a string that is exactly the name: a schema name, a drift warning), and the identifiers of
/// known aliases resolved. Other strings stay as they are: wire values are never renamed.
fn key(tokens: &proc_macro2::TokenStream, name: &str, alias_of: &BTreeMap<String, String>) -> String {
    fn walk(
        ts: proc_macro2::TokenStream,
        name: &str,
        quoted: &str,
        alias_of: &BTreeMap<String, String>,
        out: &mut String,
    ) {
        use proc_macro2::{Delimiter, TokenTree};
        for t in ts {
            match t {
                TokenTree::Ident(i) => {
                    let s = i.to_string();
                    if s == name {
                        out.push_str("Self_");
                    } else {
                        out.push_str(alias_of.get(&s).map_or(s.as_str(), String::as_str));
                    }
                }
                TokenTree::Literal(l) => {
                    let s = l.to_string();
                    out.push_str(if s == quoted { "\"Self_\"" } else { &s });
                }
                TokenTree::Punct(p) => out.push(p.as_char()),
                TokenTree::Group(g) => {
                    let (open, close) = match g.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Brace => ("{", "}"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::None => ("", ""),
                    };
                    out.push_str(open);
                    walk(g.stream(), name, quoted, alias_of, out);
                    out.push_str(close);
                }
            }
            out.push(' ');
        }
    }
    let mut out = String::new();
    walk(tokens.clone(), name, &format!("\"{name}\""), alias_of, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(src: &str) -> Vec<Item> {
        syn::parse_file(src).expect("test source parses").items
    }

    fn text(items: &[Item]) -> String {
        items
            .iter()
            .map(|i| i.to_token_stream().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn copies_become_aliases_of_the_shortest_name_and_different_types_stay() {
        let mut items = file(
            r#"
            /// The first copy.
            pub enum BookmarkFeature { A, B }
            impl BookmarkFeature { pub fn name(&self) -> &str { "BookmarkFeature" } }
            impl From<BookmarkFeature> for String { fn from(v: BookmarkFeature) -> Self { v.name().into() } }
            /// The second copy, documented otherwise.
            pub enum SamlFeature { A, B }
            impl SamlFeature { pub fn name(&self) -> &str { "SamlFeature" } }
            impl From<SamlFeature> for String { fn from(v: SamlFeature) -> Self { v.name().into() } }
            pub enum Other { A, C }
            pub struct ImageUpload { pub url: String }
            pub struct OidcIssuer { pub url: String }
            pub struct NewA(pub String);
            pub enum UnionA { BookmarkFeature(BookmarkFeature) }
            pub enum UnionB { SamlFeature(SamlFeature) }
            pub struct HookA { pub x: String }
            pub struct HookB { pub x: String }
            pub enum Hooks { A(HookA), B(HookB) }
            impl From<HookA> for Hooks { fn from(v: HookA) -> Self { Self::A(v) } }
            impl From<HookB> for Hooks { fn from(v: HookB) -> Self { Self::B(v) } }
            pub struct NewB(pub String);
            /// Wire values that name other types are not identifiers: these two stay apart.
            pub enum WiresA { #[serde(rename = "BookmarkFeature")] V }
            pub enum WiresB { #[serde(rename = "SamlFeature")] V }
            pub struct BookmarkApp { /// Bookmark's features.
                pub features: Vec<BookmarkFeature> }
            pub struct SamlApp { pub features: Vec<SamlFeature> }
            "#,
        );
        // Round one: the enums; round two: the structs, now that their fields are one type.
        assert_eq!(identical_types_aliased(&mut items).unwrap(), 2);
        let t = text(&items);
        assert!(t.contains("pub type BookmarkFeature = SamlFeature"), "{t}");
        assert!(t.contains("pub type BookmarkApp = SamlApp"), "{t}");
        assert!(t.contains("The first copy."), "the alias keeps its docs: {t}");
        assert!(t.contains("pub enum Other"), "{t}");
        assert!(
            t.contains("pub struct ImageUpload") && t.contains("pub struct OidcIssuer"),
            "names end apart: {t}"
        );
        assert!(
            t.contains("pub struct HookA") && t.contains("pub struct HookB"),
            "impls tell them apart: {t}"
        );
        assert!(
            t.contains("pub enum UnionA") && t.contains("pub enum UnionB"),
            "variant names differ: {t}"
        );
        assert!(
            t.contains("pub struct NewA") && t.contains("pub struct NewB"),
            "newtypes stay: {t}"
        );
        assert!(t.contains("pub enum WiresA") && t.contains("pub enum WiresB"), "{t}");
        assert_eq!(t.matches("for String").count(), 1, "the alias's impls go: {t}");
    }

    #[test]
    fn nothing_identical_changes_nothing() {
        let mut items = file("pub enum A { X } pub enum B { Y } pub struct C { pub a: A } pub struct D { pub b: B }");
        let before = text(&items);
        assert_eq!(identical_types_aliased(&mut items).unwrap(), 0);
        assert_eq!(text(&items), before);
    }
}
