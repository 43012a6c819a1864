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
    let variant_docs = spec
        .variants
        .iter()
        .map(|(_, values)| format!("`{property}`: {}", values.join(", ")));
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug)]
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
                    _ => Ok(Self::Unknown(value)),
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
