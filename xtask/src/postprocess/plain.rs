//! Rule `always_sent_plain`: fields Okta sends in every answer are plain values, not `Option`s.
//!
//! Which fields: the spec's facts, checked against the presence counts in the recorded corpus
//! (1,310 interactions; 707 2xx JSON answers walked against their response schemas, 1,476
//! schema properties reached). A field is plain when it is
//!
//! - `id` (a string): 280 such fields in the spec, 57 seen, never absent or `null`;
//! - `created` or `lastUpdated` (read-only date-times): 74 seen, never absent or `null`;
//! - `status` (read-only, an open string enum): never absent or `null`;
//! - `profile` of an object that has an `id` (a user's, a group's): present in every answer
//!   (85 users, 41 groups);
//! - the base profile attributes Okta requires of every user and group, which the spec leaves
//!   unmarked: a user profile's `login` and `email` (95 of 95) and a group profile's `name`
//!   (41 of 41). These are listed by name in [`REQUIRED_PROFILE_ATTRIBUTES`]; the rule fails if
//!   one stops matching.
//!
//! The broader rule "read-only and not nullable" was measured and refused: 191 of the 476 such
//! fields seen were absent or `null` at least once (link objects' `hints`/`templated`, `_embedded`,
//! an application's `orn`, a user's `realmId`). Required-and-not-nullable failed 10 of 116.
//!
//! A plain field never fails a decode: absent or `null`, it reads its type's default (an empty
//! string, the epoch, the enum's empty `Unknown("")`, an empty profile) and a default value is
//! not written, so a decoded value is written back unchanged (absent stays absent; a present
//! value equal to the default, such as `"id": ""`, is written back absent).

use quote::quote;
use std::collections::HashSet;
use syn::{Fields, Item, Type};

/// Base profile attributes Okta requires (its Universal Directory base schema) that the spec
/// does not mark required: (struct, field).
pub const REQUIRED_PROFILE_ATTRIBUTES: [(&str, &str); 3] = [
    ("UserProfile", "login"),
    ("UserProfile", "email"),
    ("GroupProfile", "name"),
];

/// What makes a field plain, by its struct, its Rust name and its type.
fn plain_type(
    owner: &str,
    field: &syn::Field,
    open_enums: &HashSet<String>,
    defaults: &HashSet<String>,
    has_id: bool,
) -> Option<Type> {
    let ident = field.ident.as_ref()?.to_string();
    let inner = option_inner(&field.ty)?;
    let name = super::enums::type_name(&inner)?;
    let text = quote!(#inner).to_string();
    if REQUIRED_PROFILE_ATTRIBUTES.contains(&(owner, ident.as_str())) {
        return (text == ":: std :: string :: String").then_some(inner);
    }
    let fits = match ident.as_str() {
        "id" => text == ":: std :: string :: String",
        "created" | "last_updated" => text == "crate :: Timestamp",
        "status" => open_enums.contains(&name),
        "profile" => has_id && defaults.contains(&name),
        _ => false,
    };
    fits.then_some(inner)
}

fn option_inner(ty: &Type) -> Option<Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// The open string enums (rule `open_string_enums`, whose enums are still verbatim tokens
/// here): an enum with a `String` catch-all.
fn open_enums(items: &[Item]) -> HashSet<String> {
    let parsed: Vec<Item> = items
        .iter()
        .flat_map(|item| match item {
            Item::Verbatim(tokens) => syn::parse2::<syn::File>(tokens.clone())
                .map(|f| f.items)
                .unwrap_or_default(),
            other => vec![other.clone()],
        })
        .collect();
    parsed
        .iter()
        .filter_map(|item| match item {
            Item::Enum(e)
                if e.variants.iter().any(|v| {
                    let ty = match &v.fields {
                        Fields::Unnamed(f) if f.unnamed.len() == 1 => f.unnamed.first().map(|f| &f.ty),
                        _ => None,
                    };
                    ty.is_some_and(|t| quote!(#t).to_string() == ":: std :: string :: String")
                }) =>
            {
                Some(e.ident.to_string())
            }
            _ => None,
        })
        .collect()
}

/// Applies the rule; counts the fields made plain. Fails if it matches nothing or a struct's
/// field keeps a `serde` attribute it cannot read.
pub fn always_sent_plain(items: &mut [Item]) -> anyhow::Result<usize> {
    let open = open_enums(items);
    let defaults = super::setters::defaultable(items);
    let mut n = 0;
    let mut profile_attributes = 0;
    for item in items.iter_mut() {
        let Item::Struct(st) = item else { continue };
        let owner = st.ident.to_string();
        let Fields::Named(fields) = &mut st.fields else {
            continue;
        };
        let has_id = fields.named.iter().any(|f| f.ident.as_ref().is_some_and(|i| i == "id"));
        for field in fields.named.iter_mut() {
            let Some(inner) = plain_type(&owner, field, &open, &defaults, has_id) else {
                continue;
            };
            profile_attributes += usize::from(
                REQUIRED_PROFILE_ATTRIBUTES
                    .iter()
                    .any(|(s, f)| *s == owner && field.ident.as_ref().is_some_and(|i| i == f)),
            );
            let rename = super::serde_args(field).into_iter().find(|a| a.starts_with("rename ="));
            let others: Vec<String> = super::serde_args(field)
                .into_iter()
                .filter(|a| !a.starts_with("rename =") && !a.starts_with("skip_serializing_if"))
                .collect();
            if !others.is_empty() {
                anyhow::bail!(
                    "rule `always_sent_plain`: {}.{} has serde arguments {others:?} this rule does not carry over",
                    st.ident,
                    quote!(#field)
                );
            }
            field.attrs.retain(|a| !a.path().is_ident("serde"));
            let rename: Option<proc_macro2::TokenStream> = rename.map(|r| r.parse().unwrap_or_default());
            let rename = rename.map(|r| quote!(#r,));
            field.attrs.push(syn::parse_quote!(
                #[serde(#rename default, skip_serializing_if = "crate::support::is_default", deserialize_with = "crate::support::null_as_default")]
            ));
            field.ty = inner;
            n += 1;
        }
    }
    if n == 0 {
        anyhow::bail!("rule `always_sent_plain` matched nothing");
    }
    if profile_attributes != REQUIRED_PROFILE_ATTRIBUTES.len() {
        anyhow::bail!(
            "rule `always_sent_plain`: {profile_attributes} of the {} required profile attributes matched",
            REQUIRED_PROFILE_ATTRIBUTES.len()
        );
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_statuses_and_profiles_become_plain() {
        let mut items: Vec<syn::Item> = vec![
            syn::parse_quote! {
                pub enum UserStatus { Active, Unknown(::std::string::String) }
            },
            syn::parse_quote! {
                #[derive(Clone, Default)]
                pub struct UserProfile {
                    pub login: ::std::option::Option<::std::string::String>,
                    pub email: ::std::option::Option<::std::string::String>,
                    pub nick_name: ::std::option::Option<::std::string::String>,
                }
            },
            syn::parse_quote! {
                #[derive(Clone, Default)]
                pub struct GroupProfile { pub name: ::std::option::Option<::std::string::String> }
            },
            syn::parse_quote! {
                pub struct User {
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub id: ::std::option::Option<::std::string::String>,
                    #[serde(rename = "lastUpdated", skip_serializing_if = "::std::option::Option::is_none")]
                    pub last_updated: ::std::option::Option<crate::Timestamp>,
                    pub status: ::std::option::Option<UserStatus>,
                    pub profile: ::std::option::Option<UserProfile>,
                    pub nick: ::std::option::Option<::std::string::String>,
                }
            },
            // No `id`: its profile stays optional.
            syn::parse_quote! {
                pub struct CreateUserRequest { pub profile: ::std::option::Option<UserProfile> }
            },
        ];
        assert_eq!(super::always_sent_plain(&mut items).unwrap(), 7);
        let profile = &items[1];
        let text = quote::quote!(#profile).to_string();
        assert!(text.contains("pub login : :: std :: string :: String"), "{text}");
        assert!(text.contains("pub nick_name : :: std :: option :: Option"), "{text}");
        let user = &items[3];
        let text = quote::quote!(#user).to_string();
        assert!(text.contains("pub id : :: std :: string :: String"), "{text}");
        assert!(text.contains("pub last_updated : crate :: Timestamp"), "{text}");
        assert!(text.contains("rename = \"lastUpdated\" , default"), "{text}");
        assert!(text.contains("pub status : UserStatus"), "{text}");
        assert!(text.contains("pub profile : UserProfile"), "{text}");
        assert!(text.contains("pub nick : :: std :: option :: Option"), "{text}");
        let request = &items[4];
        assert!(quote::quote!(#request).to_string().contains("Option < UserProfile >"));
    }
}
