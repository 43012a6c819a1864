//! Post-processing of progenitor's output (syn trees): split, named rules, formatting.

pub mod aliases;
pub mod api_version;
pub mod apis;
pub mod builders;
pub mod client;
pub mod conformance;
pub mod enums;
pub mod features;
pub mod index;
pub mod plain;
pub mod requests;
pub mod setters;
pub mod unions;

use crate::normalize::Facts;
use syn::{File, Item};

/// Splits progenitor's file into the types (for okta-models) and the rest (for okta-apis).
pub fn split(mut file: File) -> anyhow::Result<(File, File)> {
    let mut models = None;
    let mut rest = Vec::new();
    for item in std::mem::take(&mut file.items) {
        match item {
            Item::Mod(m) if m.ident == "types" => models = m.content.map(|(_, items)| items),
            other => rest.push(other),
        }
    }
    let models = models.ok_or_else(|| anyhow::anyhow!("progenitor output has no `types` module"))?;
    rest.insert(
        0,
        syn::parse_quote!(
            pub use okta_models as types;
        ),
    );
    let models_file = File {
        attrs: Vec::new(),
        items: models,
        ..file.clone()
    };
    let apis_file = File { items: rest, ..file };
    Ok((models_file, apis_file))
}

/// Applies the model rules; returns (rule, count) pairs. A rule that matches nothing fails.
pub fn models(file: &mut File, facts: &Facts) -> anyhow::Result<Vec<(&'static str, usize)>> {
    let mut counts = Vec::new();
    let n = unions::tagged_unions(&mut file.items, &facts.unions)?;
    counts.push(("tagged_unions", n));
    let n = unions::tags_from_variants(&mut file.items, &facts.unions)?;
    counts.push(("tags_from_variants", n));
    let n = unions::untagged_variants_named(&mut file.items)?;
    counts.push(("untagged_variants_named", n));
    let n = enums::open_string_enums(&mut file.items);
    counts.push(("open_string_enums", n));
    let n = schemars_derives(&mut file.items);
    counts.push(("schemars_derives", n));
    let n = setters::struct_builders_removed(&mut file.items)?;
    counts.push(("struct_builders_removed", n));
    let n = identical_items_once(&mut file.items);
    counts.push(("identical_items_once", n));
    // Before `default_with_extra`: a required list or map defaults to empty once it is lenient.
    let n = null_collections(&mut file.items);
    counts.push(("null_collections", n));
    let n = default_with_extra(&mut file.items);
    counts.push(("default_with_extra", n));
    let n = kept_fields_written_back(&mut file.items);
    counts.push(("kept_fields_written_back", n));
    let n = timestamps_lenient(file);
    counts.push(("timestamps_lenient", n));
    let n = nullable_map_values(file);
    counts.push(("nullable_map_values", n));
    let n = plain::always_sent_plain(&mut file.items)?;
    counts.push(("always_sent_plain", n));
    let n = setters::string_newtypes_from_str(&mut file.items);
    counts.push(("string_newtypes_from_str", n));
    let n = setters::models_non_exhaustive(&mut file.items);
    counts.push(("models_non_exhaustive", n));
    // Last: the setters take the fields' final types.
    let n = setters::model_setters(&mut file.items)?;
    counts.push(("model_setters", n));
    // After every rule that shapes a type, so that copies are compared as they are emitted.
    let n = aliases::identical_types_aliased(&mut file.items)?;
    counts.push(("identical_types_aliased", n));
    for (name, n) in &counts {
        if *n == 0 {
            anyhow::bail!("post-processing rule `{name}` matched nothing");
        }
    }
    Ok(counts)
}

/// Rule `identical_items_once`: typify emits some `allOf` compositions whose parts are open
/// objects (rule `open_objects`) twice, token for token (the struct, its impls and its builder).
/// Identical items mean the same thing; the second copy is dropped. Items that share a name but
/// differ are left alone, so the compiler still reports a real clash.
fn identical_items_once(items: &mut Vec<Item>) -> usize {
    fn dedupe(items: &mut Vec<Item>) -> usize {
        let mut seen = std::collections::HashSet::new();
        let before = items.len();
        items.retain(|item| {
            let keyed = matches!(item, Item::Struct(_) | Item::Enum(_) | Item::Impl(_));
            !keyed || seen.insert(quote::quote!(#item).to_string())
        });
        before - items.len()
    }
    let mut n = dedupe(items);
    for item in items.iter_mut() {
        if let Item::Mod(m) = item
            && let Some((_, inner)) = m.content.as_mut()
        {
            n += dedupe(inner);
        }
    }
    n
}

/// Rule `default_with_extra`: typify derives `Default` only when every field is optional, and does
/// not count the flattened `extra` map (rule `open_objects`), so open objects lose `Default`
/// (`..Default::default()` in struct literals). A struct whose fields are all `Option`s, have a
/// serde default, or are the flattened map gets it back.
fn default_with_extra(items: &mut [Item]) -> usize {
    let mut n = 0;
    for item in items.iter_mut() {
        let Item::Struct(st) = item else { continue };
        let Some(derive) = st.attrs.iter_mut().find(|a| a.path().is_ident("derive")) else {
            continue;
        };
        let derived = quote::quote!(#derive).to_string();
        if derived.contains("Default") {
            continue;
        }
        let syn::Fields::Named(fields) = &st.fields else {
            continue;
        };
        if fields.named.is_empty() {
            continue;
        }
        let defaultable = fields.named.iter().all(|f| {
            let ty = &f.ty;
            let ty = quote::quote!(#ty).to_string();
            let serde = serde_args(f);
            ty.starts_with(":: std :: option :: Option")
                || serde.iter().any(|a| a == "default")
                || (serde.iter().any(|a| a == "flatten") && ty.contains("serde_json :: Map"))
        });
        if !defaultable {
            continue;
        }
        let syn::Meta::List(list) = &mut derive.meta else {
            continue;
        };
        let tokens = &list.tokens;
        list.tokens = quote::quote!(#tokens, Default);
        n += 1;
    }
    n
}

/// Rule `timestamps_lenient`: `format: date-time` fields become `crate::Timestamp` instead of
/// `chrono::DateTime<Utc>`, which refuses the offset-less `2021-06-14 14:45:46` that some
/// endpoints (ThreatInsight configuration) send, and with it the whole answer.
fn timestamps_lenient(file: &mut File) -> usize {
    use syn::visit_mut::VisitMut;
    struct Fix(usize);
    impl VisitMut for Fix {
        fn visit_type_mut(&mut self, ty: &mut syn::Type) {
            if quote::quote!(#ty).to_string() == ":: chrono :: DateTime < :: chrono :: offset :: Utc >" {
                *ty = syn::parse_quote!(crate::Timestamp);
                self.0 += 1;
                return;
            }
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
    let mut fix = Fix(0);
    fix.visit_file_mut(file);
    fix.0
}

/// Rule `nullable_map_values`: in a map of objects (custom attributes of a user or group schema,
/// app properties), Okta uses `null` as a value to remove that entry (`"definitions": {"custom":
/// {"properties": {"nickname": null}}}`), so map values of object types are `Option`s.
fn nullable_map_values(file: &mut File) -> usize {
    use syn::visit_mut::VisitMut;
    let structs: std::collections::HashSet<String> = file
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    struct Fix<'a>(usize, &'a std::collections::HashSet<String>);
    impl VisitMut for Fix<'_> {
        fn visit_type_mut(&mut self, ty: &mut syn::Type) {
            if let syn::Type::Path(p) = ty
                && let Some(last) = p.path.segments.last_mut()
                && last.ident == "HashMap"
                && let syn::PathArguments::AngleBracketed(args) = &mut last.arguments
                && let Some(syn::GenericArgument::Type(value)) = args.args.iter_mut().nth(1)
            {
                let name = quote::quote!(#value)
                    .to_string()
                    .trim_start_matches("super :: ")
                    .to_string();
                if self.1.contains(&name) {
                    *value = syn::parse_quote!(::std::option::Option<#value>);
                    self.0 += 1;
                    return;
                }
            }
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
    let mut fix = Fix(0, &structs);
    fix.visit_file_mut(file);
    fix.0
}

/// Rule `null_collections`: Okta sends `null` for lists the spec promises (`"gateways": null` on
/// network zones); list and map fields that default to empty also decode `null` as empty. Required
/// lists and maps (which the normalizer keeps required so requests always carry them) are always
/// written, and decode absent or `null` as empty.
fn null_collections(items: &mut [Item]) -> usize {
    let mut n = 0;
    for field in named_fields(items) {
        let ty = &field.ty;
        let ty = quote::quote!(#ty).to_string();
        let collection = [
            ":: std :: vec :: Vec",
            ":: std :: collections :: HashMap",
            ":: serde_json :: Map",
        ]
        .iter()
        .any(|p| ty.starts_with(p));
        if !collection {
            continue;
        }
        let serde = serde_args(field);
        let has = |name: &str| serde.iter().any(|a| a == name || a.starts_with(&format!("{name} =")));
        if has("flatten") || has("deserialize_with") {
            continue;
        }
        let add = if has("default") {
            quote::quote!(deserialize_with = "crate::support::null_as_default")
        } else {
            quote::quote!(default, deserialize_with = "crate::support::null_as_default")
        };
        let attr = field.attrs.iter_mut().find(|a| a.path().is_ident("serde"));
        if let Some(syn::Meta::List(list)) = attr.map(|a| &mut a.meta) {
            let tokens = &list.tokens;
            list.tokens = quote::quote!(#tokens, #add);
        } else {
            field.attrs.push(syn::parse_quote!(#[serde(#add)]));
        }
        n += 1;
    }
    n
}

/// Rule `kept_fields_written_back`: a lenient decode (`okta_lenient`) sets a field that arrived
/// in a shape its type does not accept aside in its object's flattened `extra` map, under a
/// prefixed name; `extra` is written through `okta_lenient::write_extra`, which puts such an
/// entry back under its own name, so the value goes back to Okta as it came.
fn kept_fields_written_back(items: &mut [Item]) -> usize {
    let mut n = 0;
    for field in named_fields(items) {
        let ty = &field.ty;
        // Only a map of JSON values can hold whatever was set aside.
        let json_map = quote::quote!(#ty).to_string().starts_with(":: serde_json :: Map");
        let is_extra = field.ident.as_ref().is_some_and(|i| i == "extra") && json_map;
        let args = serde_args(field);
        if !is_extra || !args.iter().any(|a| a == "flatten") || args.iter().any(|a| a.starts_with("serialize_with")) {
            continue;
        }
        for attr in field.attrs.iter_mut().filter(|a| a.path().is_ident("serde")) {
            if let syn::Meta::List(list) = &mut attr.meta
                && list.tokens.to_string() == "flatten"
            {
                list.tokens = quote::quote!(flatten, serialize_with = "crate::support::write_extra");
                n += 1;
            }
        }
    }
    n
}

/// Every named field of every struct among `items`.
fn named_fields(items: &mut [Item]) -> impl Iterator<Item = &mut syn::Field> {
    items.iter_mut().flat_map(|item| match item {
        Item::Struct(syn::ItemStruct {
            fields: syn::Fields::Named(fields),
            ..
        }) => fields.named.iter_mut().collect::<Vec<_>>(),
        _ => Vec::new(),
    })
}

/// The comma-separated arguments of a field's `#[serde(...)]` attributes, as token text
/// (`default`, `flatten`, `rename = "x"`, ...).
fn serde_args(field: &syn::Field) -> Vec<String> {
    field
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .filter_map(|a| match &a.meta {
            syn::Meta::List(list) => Some(list.tokens.to_string()),
            _ => None,
        })
        .flat_map(|text| text.split(',').map(|part| part.trim().to_string()).collect::<Vec<_>>())
        .collect()
}

/// Rule `schemars_derives`: typify-derived types get `JsonSchema` behind the `schemars` feature.
fn schemars_derives(items: &mut [Item]) -> usize {
    let attr: syn::Attribute = syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]);
    let mut n = 0;
    for item in items.iter_mut() {
        let attrs = match item {
            Item::Struct(s) => &mut s.attrs,
            Item::Enum(e) => &mut e.attrs,
            _ => continue,
        };
        // Right after the derives, before any `schemars(..)` helper attribute an earlier rule
        // added (a helper must follow the derive that defines it).
        if let Some(at) = attrs.iter().rposition(|a| a.path().is_ident("derive")) {
            attrs.insert(at + 1, attr.clone());
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    fn text(file: &syn::File) -> String {
        quote::quote!(#file).to_string()
    }

    #[test]
    fn identical_items_are_kept_once_and_different_ones_twice() {
        let mut file: syn::File = syn::parse_quote! {
            pub struct A { pub x: u8 }
            pub struct A { pub x: u8 }
            pub struct B { pub x: u8 }
            pub mod builder { pub struct A; pub struct A; }
        };
        assert_eq!(super::identical_items_once(&mut file.items), 2);
        assert_eq!(
            text(&file).matches("pub struct A").count(),
            2,
            "one outside builder, one inside"
        );
    }

    #[test]
    fn open_structs_get_default_back() {
        let mut items: Vec<syn::Item> = vec![
            syn::parse_quote! {
                #[derive(Clone, Debug)]
                pub struct Open {
                    pub a: ::std::option::Option<u8>,
                    #[serde(default)]
                    pub b: ::std::vec::Vec<u8>,
                    #[serde(flatten)]
                    pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                }
            },
            syn::parse_quote! {
                #[derive(Clone, Debug)]
                pub struct Tagged { pub kind: Kind, #[serde(flatten)] pub extra: ::serde_json::Map<String, Value> }
            },
        ];
        assert_eq!(super::default_with_extra(&mut items), 1);
        let first = &items[0];
        assert!(quote::quote!(#first).to_string().contains("Debug , Default"));
    }

    #[test]
    fn date_times_become_timestamps() {
        let mut file: syn::File = syn::parse_quote! {
            pub struct A { pub at: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>> }
        };
        assert_eq!(super::timestamps_lenient(&mut file), 1);
        assert!(text(&file).contains("Option < crate :: Timestamp >"));
    }

    #[test]
    fn maps_of_objects_take_null_values() {
        let mut file: syn::File = syn::parse_quote! {
            pub struct Attribute { pub title: Option<String> }
            pub struct Custom {
                pub properties: ::std::collections::HashMap<::std::string::String, Attribute>,
                pub labels: ::std::collections::HashMap<::std::string::String, ::std::string::String>,
            }
        };
        assert_eq!(super::nullable_map_values(&mut file), 1);
        let t = text(&file);
        assert!(
            t.contains("HashMap < :: std :: string :: String , :: std :: option :: Option < Attribute > >"),
            "{t}"
        );
    }

    #[test]
    fn defaulted_collections_decode_null() {
        let mut items: Vec<syn::Item> = vec![syn::parse_quote! {
            pub struct Zone {
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub gateways: ::std::vec::Vec<Address>,
                pub required: ::std::vec::Vec<Address>,
                #[serde(flatten)]
                pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            }
        }];
        assert_eq!(super::null_collections(&mut items), 2);
        let first = &items[0];
        let t = quote::quote!(#first).to_string();
        assert_eq!(t.matches("null_as_default").count(), 2, "{t}");
        assert!(
            t.contains("# [serde (default , deserialize_with = \"crate::support::null_as_default\")] pub required"),
            "a required list is always written but decodes absent as empty: {t}"
        );
    }

    #[test]
    fn extra_maps_write_set_aside_fields_back_under_their_names() {
        let mut items: Vec<syn::Item> = vec![syn::parse_quote! {
            pub struct Zone {
                pub name: Option<String>,
                #[serde(flatten)]
                pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            }
        }];
        assert_eq!(super::kept_fields_written_back(&mut items), 1);
        let first = &items[0];
        let t = quote::quote!(#first).to_string();
        assert!(
            t.contains("# [serde (flatten , serialize_with = \"crate::support::write_extra\")] pub extra"),
            "{t}"
        );
        // Applied once: a second run finds nothing left to do.
        assert_eq!(super::kept_fields_written_back(&mut items), 0);
    }
}
