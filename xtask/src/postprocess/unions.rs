//! Post-processing rule `tagged_unions`: the unions the normalizer named become tagged enums.
//!
//! Decoding reads the discriminator and decodes the matching subtype; an unknown, missing or
//! `null` discriminator gives `Unknown(serde_json::Value)` holding the raw JSON, which encodes
//! back unchanged. A known discriminator whose body does not fit its subtype is a decode error
//! naming the union and the value (never silently the base type).

use super::enums::type_name;
use crate::normalize::UnionSpec;
use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use syn::{Fields, Item};

pub fn rust_name(component: &str) -> String {
    component.to_upper_camel_case()
}

/// Rewrites every union of `specs` found in `items`; fails if one is missing.
pub fn tagged_unions(items: &mut Vec<Item>, specs: &[UnionSpec]) -> anyhow::Result<usize> {
    let mut emitted = Vec::new();
    for spec in specs {
        let name = rust_name(&spec.name);
        let payloads: Vec<syn::Type> = items
            .iter()
            .find_map(|item| match item {
                Item::Enum(e) if e.ident == name => Some(
                    e.variants
                        .iter()
                        .filter_map(|v| match &v.fields {
                            Fields::Unnamed(f) if f.unnamed.len() == 1 => f.unnamed.first().map(|f| f.ty.clone()),
                            _ => None,
                        })
                        .collect(),
                ),
                Item::Struct(s) if s.ident == name => match &s.fields {
                    // typify makes a one-member `oneOf` a newtype.
                    Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                        Some(f.unnamed.iter().map(|f| f.ty.clone()).collect())
                    }
                    _ => None,
                },
                _ => None,
            })
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "union `{}` (Rust `{name}`) not found in typify's output as an enum",
                    spec.name
                )
            })?;
        if payloads.len() != spec.variants.len() {
            anyhow::bail!(
                "union `{name}`: typify emitted {} variants, the spec maps {}",
                payloads.len(),
                spec.variants.len()
            );
        }
        items.retain(|item| match item {
            Item::Enum(e) => e.ident != name,
            Item::Struct(s) => s.ident != name,
            Item::Impl(i) => {
                let converts_from = i.trait_.as_ref().is_some_and(|(p, _)| {
                    p.segments.iter().any(|seg| {
                        seg.arguments
                            .to_token_stream()
                            .into_iter()
                            .any(|t| t.to_string() == name)
                    })
                });
                type_name(&i.self_ty).as_deref() != Some(name.as_str()) && !converts_from
            }
            _ => true,
        });
        emitted.push(emit(&name, spec, &payloads));
    }
    let n = emitted.len();
    items.extend(emitted.into_iter().map(Item::Verbatim));
    Ok(n)
}

fn variant_names(union: &str, payloads: &[syn::Type]) -> Vec<syn::Ident> {
    let full: Vec<String> = payloads
        .iter()
        .map(|t| type_name(t).unwrap_or_else(|| "Variant".into()))
        .collect();
    let short: Vec<String> = full
        .iter()
        .map(|f| {
            let s = f.strip_suffix(union).or_else(|| f.strip_prefix(union)).unwrap_or(f);
            if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) || s == "Unknown" {
                f.clone()
            } else {
                s.to_string()
            }
        })
        .collect();
    let unique = short.iter().enumerate().all(|(i, s)| !short[..i].contains(s));
    let chosen = if unique { short } else { full };
    chosen.into_iter().map(|s| format_ident!("{}", s)).collect()
}

fn emit(name: &str, spec: &UnionSpec, payloads: &[syn::Type]) -> TokenStream {
    let ident = format_ident!("{}", name);
    let variants = variant_names(name, payloads);
    let property = &spec.property;
    let arms = spec.variants.iter().zip(&variants).map(|((_, values), v)| {
        let context = format!("{name} ({property} = {{}}): {{}}");
        quote! {
            // Leniently: a field of the subtype in an unexpected shape is set aside there (its
            // path is lost to an outer decode once the value is buffered here).
            #( Some(#values) )|* => crate::support::variant(value)
                .map(Self::#v)
                .map_err(|e| ::serde::de::Error::custom(format_args!(#context, tag.as_deref().unwrap_or_default(), e))),
        }
    });
    let doc = format!(
        "`{name}`: one of its subtypes, chosen by `{property}`. A value whose `{property}` this SDK does not know \
         (or that has none) is kept whole in `Unknown`."
    );
    let first_values = spec
        .variants
        .iter()
        .map(|(_, values)| values.first().cloned().unwrap_or_default());
    let variant_docs = spec
        .variants
        .iter()
        .map(|(_, values)| format!("`{property}`: {}", values.join(", ")));
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq)]
        // Open: a subtype a later spec release adds is a new variant, which breaks no `match`.
        #[non_exhaustive]
        pub enum #ident {
            #( #[doc = #variant_docs] #variants(#payloads), )*
            /// A subtype this SDK does not know, or a missing or `null` discriminator: the raw JSON.
            Unknown(::serde_json::Value),
        }
        impl #ident {
            /// The name of the discriminator property.
            pub const DISCRIMINATOR: &'static str = #property;
            /// Whether this value's subtype is one the SDK does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
            /// The value of the discriminator: the variant's own, or what an `Unknown` value
            /// carries (`None` when it has none or it is not a string).
            pub fn discriminator_value(&self) -> ::std::option::Option<&str> {
                match self {
                    #( Self::#variants(_) => ::std::option::Option::Some(#first_values), )*
                    Self::Unknown(value) => value.get(#property).and_then(::serde_json::Value::as_str),
                }
            }
        }
        #(
            impl ::std::convert::From<#payloads> for #ident {
                fn from(value: #payloads) -> Self {
                    Self::#variants(value)
                }
            }
        )*
        impl ::std::convert::From<&#ident> for #ident {
            fn from(value: &#ident) -> Self {
                value.clone()
            }
        }
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #( Self::#variants(value) => value.serialize(serializer), )*
                    Self::Unknown(value) => value.serialize(serializer),
                }
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#property).and_then(::serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #( #arms )*
                    other => {
                        crate::support::drift(#name, other.unwrap_or("(none)"));
                        Ok(Self::Unknown(value))
                    }
                }
            }
        }
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for #ident {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                #name.into()
            }
            fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                let variants = vec![#( generator.subschema_for::<#payloads>(), )*];
                crate::support::union_schema(variants)
            }
        }
    }
}

/// Rule `untagged_variants_named`: an untagged union of named types (a success body that is one
/// of two answers, `VerifyFactorResponse`) whose variants typify numbered (`Variant0`, when
/// stripping the members' common prefix leaves one name empty) takes each variant's name from
/// its type. Afterwards no model has a numbered variant: one left over fails the run, naming it,
/// so a new spec shape cannot bring `VariantN` back unseen. Counts the renamed enums.
pub fn untagged_variants_named(items: &mut [Item]) -> anyhow::Result<usize> {
    use syn::visit_mut::VisitMut;
    let numbered = |ident: &syn::Ident| {
        let s = ident.to_string();
        s.strip_prefix("Variant")
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
    };
    let mut renames: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for item in items.iter_mut() {
        let Item::Enum(e) = item else { continue };
        if !e.variants.iter().any(|v| numbered(&v.ident)) {
            continue;
        }
        let names: Option<Vec<String>> = e
            .variants
            .iter()
            .map(|v| match &v.fields {
                Fields::Unnamed(f) if f.unnamed.len() == 1 => f.unnamed.first().and_then(|f| type_name(&f.ty)),
                _ => None,
            })
            .collect();
        let Some(names) = names.filter(|n| n.iter().enumerate().all(|(i, s)| !n[..i].contains(s))) else {
            anyhow::bail!(
                "`{}` has numbered variants that are not one named type each; name them in the normalizer",
                e.ident
            );
        };
        let mut map = Vec::new();
        for (v, name) in e.variants.iter_mut().zip(names) {
            map.push((v.ident.to_string(), name.clone()));
            v.ident = format_ident!("{}", name);
        }
        renames.push((e.ident.to_string(), map));
    }
    struct Rename<'a>(&'a [(String, String)]);
    impl VisitMut for Rename<'_> {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            if path.segments.len() == 2 && path.segments[0].ident == "Self" {
                let last = &mut path.segments[1].ident;
                if let Some((_, to)) = self.0.iter().find(|(from, _)| last == from) {
                    *last = format_ident!("{}", to);
                }
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }
    for item in items.iter_mut() {
        let Item::Impl(i) = item else { continue };
        let Some(self_name) = type_name(&i.self_ty) else {
            continue;
        };
        if let Some((_, map)) = renames.iter().find(|(name, _)| *name == self_name) {
            Rename(map).visit_item_impl_mut(i);
        }
    }
    Ok(renames.len())
}

/// Rule `tags_from_variants`: a union's subtype writes its own discriminator. The subtype's
/// struct loses its discriminator field (a `BrowserPluginApplication` carried a `sign_on_mode`
/// the caller had to set to the value its type already implies, and could set to another);
/// serde's struct `tag` writes the value the union maps to the subtype, and a hidden
/// `Discriminator` field reads the key and drops it, so it does not land in `extra` and go
/// out twice. A struct that is the subtype of more than one value (or of unions that disagree)
/// keeps its field. Counts the structs.
pub fn tags_from_variants(items: &mut [Item], specs: &[UnionSpec]) -> anyhow::Result<usize> {
    use std::collections::BTreeMap;
    use syn::parse::Parser;
    // Subtype struct -> every (property, value) that selects it.
    let mut tags: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for spec in specs {
        for (component, values) in &spec.variants {
            let entry = tags.entry(rust_name(component)).or_default();
            for v in values {
                let pair = (spec.property.clone(), v.clone());
                if !entry.contains(&pair) {
                    entry.push(pair);
                }
            }
        }
    }
    let mut n = 0;
    for item in items.iter_mut() {
        let Item::Struct(st) = item else { continue };
        let Some(pairs) = tags.get(&st.ident.to_string()) else {
            continue;
        };
        let [(property, value)] = pairs.as_slice() else {
            continue;
        };
        let Fields::Named(fields) = &mut st.fields else {
            continue;
        };
        let wire_name = |f: &syn::Field| {
            super::serde_args(f)
                .iter()
                .find_map(|a| a.strip_prefix("rename = ").map(|v| v.trim_matches('"').to_string()))
                .or_else(|| f.ident.as_ref().map(|i| i.to_string()))
        };
        let Some(at) = fields
            .named
            .iter()
            .position(|f| wire_name(f).as_deref() == Some(property.as_str()))
        else {
            anyhow::bail!(
                "rule `tags_from_variants`: subtype {} has no field for its discriminator `{property}`",
                st.ident
            );
        };
        let hidden: syn::Field = syn::Field::parse_named
            .parse2(quote! {
                #[serde(rename = #property, default, skip_serializing)]
                #[cfg_attr(feature = "schemars", schemars(skip))]
                #[doc(hidden)]
                pub discriminator_: crate::support::Discriminator
            })
            .map_err(|e| anyhow::anyhow!("rule `tags_from_variants`: {e}"))?;
        fields.named[at] = hidden;
        let schema_name = st.ident.to_string();
        st.attrs
            .push(syn::parse_quote!(#[serde(tag = #property, rename = #value)]));
        st.attrs
            .push(syn::parse_quote!(#[cfg_attr(feature = "schemars", schemars(rename = #schema_name))]));
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tag_tests {
    use super::*;

    #[test]
    fn a_subtype_loses_its_tag_field_and_writes_the_tag() {
        let spec = |name: &str, variants: &[(&str, &[&str])]| UnionSpec {
            name: name.into(),
            property: "signOnMode".into(),
            variants: variants
                .iter()
                .map(|(c, v)| (c.to_string(), v.iter().map(|s| s.to_string()).collect()))
                .collect(),
        };
        let specs = vec![spec(
            "Application",
            &[("BookmarkApplication", &["BOOKMARK"]), ("TwoApplication", &["A", "B"])],
        )];
        let mut items: Vec<Item> = vec![
            syn::parse_quote! {
                pub struct BookmarkApplication {
                    pub label: ::std::option::Option<::std::string::String>,
                    #[serde(rename = "signOnMode")]
                    pub sign_on_mode: ApplicationSignOnMode,
                }
            },
            syn::parse_quote! {
                pub struct TwoApplication { #[serde(rename = "signOnMode")] pub sign_on_mode: ApplicationSignOnMode }
            },
        ];
        assert_eq!(tags_from_variants(&mut items, &specs).unwrap(), 1);
        let first = &items[0];
        let t = quote!(#first).to_string();
        assert!(
            t.contains("# [serde (tag = \"signOnMode\" , rename = \"BOOKMARK\")]"),
            "{t}"
        );
        assert!(
            t.contains("pub discriminator_ : crate :: support :: Discriminator"),
            "{t}"
        );
        assert!(!t.contains("sign_on_mode"), "{t}");
        let second = &items[1];
        assert!(
            quote!(#second).to_string().contains("sign_on_mode"),
            "two values: the field stays"
        );

        let mut missing: Vec<Item> = vec![syn::parse_quote! { pub struct BookmarkApplication { pub label: u8 } }];
        assert!(
            tags_from_variants(&mut missing, &specs).is_err(),
            "a subtype without its tag fails loudly"
        );
    }

    #[test]
    fn an_emitted_union_is_open_and_non_exhaustive() {
        let spec = UnionSpec {
            name: "Application".into(),
            property: "signOnMode".into(),
            variants: vec![("BookmarkApplication".into(), vec!["BOOKMARK".into()])],
        };
        let payload: syn::Type = syn::parse_quote!(BookmarkApplication);
        let file: syn::File = syn::parse2(emit("Application", &spec, &[payload])).unwrap();
        let Some(Item::Enum(e)) = file.items.first() else {
            panic!("the first emitted item is the enum")
        };
        assert!(e.attrs.iter().any(|a| a.path().is_ident("non_exhaustive")));
        assert!(e.variants.iter().any(|v| v.ident == "Unknown"));
    }

    #[test]
    fn numbered_variants_of_named_types_take_the_types_names() {
        let mut file: syn::File = syn::parse_quote! {
            #[serde(untagged)]
            pub enum VerifyFactorResponse { Variant0(UserFactorVerifyResponse), Variant1(UserFactorVerifyResponseWaiting) }
            impl ::std::convert::From<UserFactorVerifyResponse> for VerifyFactorResponse {
                fn from(value: UserFactorVerifyResponse) -> Self { Self::Variant0(value) }
            }
            pub enum Named { A(X), B(Y) }
        };
        assert_eq!(untagged_variants_named(&mut file.items).unwrap(), 1);
        let text = quote!(#file).to_string();
        assert!(
            text.contains("UserFactorVerifyResponse (UserFactorVerifyResponse) , UserFactorVerifyResponseWaiting"),
            "{text}"
        );
        assert!(text.contains("Self :: UserFactorVerifyResponse (value)"), "{text}");
        assert!(!text.contains("Variant0"), "{text}");
    }

    #[test]
    fn numbered_struct_variants_fail_the_run() {
        let mut file: syn::File = syn::parse_quote! {
            pub enum Meta { Variant0 { a: String }, Variant1 { b: String } }
        };
        let e = untagged_variants_named(&mut file.items).unwrap_err().to_string();
        assert!(e.contains("`Meta`"), "{e}");
    }
}
