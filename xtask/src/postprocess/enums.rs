//! Post-processing rule `open_string_enums`: every string enum accepts values it does not know.
//!
//! typify emits closed enums (`Copy`, derived serde, `FromStr` that fails on unknown input). Okta
//! adds enum values all the time; a closed enum fails a whole page of results on one new value.
//! Each such enum gets an `Unknown(String)` variant that round-trips the raw value, and
//! hand-written-by-the-generator serde impls that match without allocating for known values.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;
use syn::{Fields, Item, ItemEnum, Meta};

/// A string enum found in typify's output.
struct StringEnum {
    name: syn::Ident,
    /// (variant ident, wire value)
    variants: Vec<(syn::Ident, String)>,
}

fn wire_value(v: &syn::Variant) -> Option<String> {
    for attr in &v.attrs {
        if !attr.path().is_ident("serde") {
            continue;
        }
        let mut value = None;
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let s: syn::LitStr = meta.value()?.parse()?;
                value = Some(s.value());
            }
            Ok(())
        });
        if value.is_some() {
            return value;
        }
    }
    Some(v.ident.to_string())
}

fn derives(e: &ItemEnum) -> Vec<String> {
    let mut out = Vec::new();
    for attr in &e.attrs {
        if attr.path().is_ident("derive")
            && let Meta::List(list) = &attr.meta
        {
            out.extend(list.tokens.to_string().split(',').map(|s| s.replace(' ', "")));
        }
    }
    out
}

fn as_string_enum(e: &ItemEnum) -> Option<StringEnum> {
    let d = derives(e);
    if !d.iter().any(|x| x == "::serde::Deserialize") || !d.iter().any(|x| x == "Copy") {
        return None;
    }
    // typify's tagged/untagged enums carry serde container attributes; string enums do not.
    if e.attrs.iter().any(|a| a.path().is_ident("serde")) {
        return None;
    }
    let mut variants = Vec::new();
    for v in &e.variants {
        if !matches!(v.fields, Fields::Unit) {
            return None;
        }
        variants.push((v.ident.clone(), wire_value(v)?));
    }
    Some(StringEnum {
        name: e.ident.clone(),
        variants,
    })
}

/// Rewrites every string enum in `items`; returns how many.
pub fn open_string_enums(items: &mut Vec<Item>) -> usize {
    let mut found: BTreeMap<String, StringEnum> = BTreeMap::new();
    for item in items.iter() {
        if let Item::Enum(e) = item
            && let Some(se) = as_string_enum(e)
        {
            found.insert(se.name.to_string(), se);
        }
    }
    // Drop typify's enum and its conversions; keep other impls (none are expected).
    items.retain(|item| match item {
        Item::Enum(e) => !found.contains_key(&e.ident.to_string()),
        Item::Impl(i) => {
            let self_name = type_name(&i.self_ty);
            let Some(name) = self_name else { return true };
            if !found.contains_key(&name) {
                return true;
            }
            let trait_name = i
                .trait_
                .as_ref()
                .and_then(|(p, _)| p.segments.last())
                .map(|s| s.ident.to_string());
            !matches!(trait_name.as_deref(), Some("Display" | "FromStr" | "TryFrom" | "From"))
        }
        _ => true,
    });
    let n = found.len();
    for se in found.values() {
        items.push(syn::Item::Verbatim(emit(se)));
    }
    n
}

/// The last path segment of a type, e.g. `Foo` for `Foo` or `self::Foo`.
pub fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn emit(se: &StringEnum) -> TokenStream {
    let name = &se.name;
    let taken: Vec<String> = se.variants.iter().map(|(i, _)| i.to_string()).collect();
    let unknown = ["Unknown", "Other", "UnknownValue"]
        .iter()
        .find(|c| !taken.iter().any(|t| t == *c))
        .map(|c| format_ident!("{}", c))
        .unwrap_or_else(|| format_ident!("UnknownValue_"));
    let idents: Vec<&syn::Ident> = se.variants.iter().map(|(i, _)| i).collect();
    let values: Vec<&String> = se.variants.iter().map(|(_, v)| v).collect();
    let doc = format!("`{name}`: a string enum; values this SDK does not know yet are kept in `{unknown}`.");
    let unknown_doc = "A value this version of the SDK does not know; it is sent back unchanged.";
    let schema_name = name.to_string();
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
        // Open: a value a later spec release adds is a new variant, which breaks no `match`.
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #values] #idents, )*
            #[doc = #unknown_doc]
            #unknown(::std::string::String),
        }
        impl #name {
            /// Every value this SDK knows, in spec order.
            pub const KNOWN: &'static [&'static str] = &[#(#values),*];
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#idents => #values, )*
                    Self::#unknown(value) => value.as_str(),
                }
            }
            /// Whether this is a value the SDK does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::#unknown(_))
            }
        }
        /// The empty value (the catch-all holding an empty string): what an always-sent field of
        /// this type reads when an answer leaves it out (rule `always_sent_plain`); it is not
        /// written.
        impl ::std::default::Default for #name {
            fn default() -> Self {
                Self::#unknown(::std::string::String::new())
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#idents, )*
                    other => Self::#unknown(other.to_string()),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #( #values => Self::#idents, )*
                    _ => Self::#unknown(value),
                }
            }
        }
        impl ::std::convert::From<&#name> for #name {
            fn from(value: &#name) -> Self {
                value.clone()
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = Self::from(deserializer.deserialize_str(crate::support::StrVisitor::new(#schema_name))?.as_ref());
                if let Self::#unknown(other) = &value {
                    crate::support::drift(#schema_name, other);
                }
                Ok(value)
            }
        }
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                #schema_name.into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                crate::support::open_enum_schema(Self::KNOWN)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_enum_becomes_open_and_non_exhaustive() {
        let mut items: Vec<Item> = vec![syn::parse_quote! {
            #[derive(Clone, Copy, Debug, ::serde::Deserialize, ::serde::Serialize)]
            pub enum UserStatus {
                #[serde(rename = "ACTIVE")]
                Active,
                #[serde(rename = "SUSPENDED")]
                Suspended,
            }
        }];
        assert_eq!(open_string_enums(&mut items), 1);
        let Some(Item::Verbatim(tokens)) = items.first() else {
            panic!("the enum is emitted as tokens: {items:?}")
        };
        let file: syn::File = syn::parse2(tokens.clone()).expect("emitted tokens parse");
        let Some(Item::Enum(e)) = file.items.first() else {
            panic!("the first emitted item is the enum")
        };
        assert!(e.attrs.iter().any(|a| a.path().is_ident("non_exhaustive")));
        let names: Vec<String> = e.variants.iter().map(|v| v.ident.to_string()).collect();
        assert_eq!(names, ["Active", "Suspended", "Unknown"]);
    }
}
