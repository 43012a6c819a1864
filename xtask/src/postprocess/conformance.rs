//! Rule `conformance_table`: for each operation (in `OPERATIONS` order), the codecs that
//! decode its success body, its error body and its JSON request body into the generated
//! types and encode them again. Behind okta-apis' `conformance` feature (which needs `full`),
//! for `cargo xtask conformance`; users never compile it.
//!
//! The types come from progenitor's builders, before rule `builder_pipeline` rewrites them:
//! the success and error types of `send`'s `Result<ResponseValue<T>, Error<E>>`, and the `body` field
//! (`Result<types::builder::X, String>` means `types::X`; `reqwest::Body` is not JSON).
//! It fails when an operation's builder is missing.

use super::apis::OpInfo;
use heck::{ToSnakeCase, ToUpperCamelCase};
use quote::quote;
use std::collections::BTreeMap;
use syn::{Fields, File, GenericArgument, ImplItem, Item, PathArguments, ReturnType, Type};

fn generics(ty: &Type, name: &str) -> Vec<Type> {
    let Type::Path(tp) = ty else { return Vec::new() };
    let Some(last) = tp.path.segments.last() else {
        return Vec::new();
    };
    if last.ident != name {
        return Vec::new();
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return Vec::new();
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// A type that carries JSON (not `()`, a byte stream or a raw body).
fn json_type(ty: &Type) -> Option<Type> {
    match quote!(#ty).to_string().as_str() {
        "()" | "ByteStream" | "reqwest :: Body" => None,
        _ => Some(ty.clone()),
    }
}

/// `types::builder::X` -> `types::X`; other types unchanged.
fn model_type(ty: &Type) -> Type {
    let Type::Path(tp) = ty else { return ty.clone() };
    let names: Vec<String> = tp.path.segments.iter().map(|s| s.ident.to_string()).collect();
    if names.len() == 3 && names[0] == "types" && names[1] == "builder" {
        let last = &tp.path.segments[2];
        return syn::parse_quote!(types::#last);
    }
    ty.clone()
}

#[derive(Default)]
struct Codecs {
    success: Option<Type>,
    error: Option<Type>,
    request: Option<Type>,
    seen: bool,
}

/// Applies the rule; gives the number of operations in the table.
pub fn conformance_table(file: &mut File, ops: &[OpInfo]) -> anyhow::Result<usize> {
    let rows: BTreeMap<String, usize> = ops
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.to_snake_case().to_upper_camel_case(), i))
        .collect();
    let mut table: Vec<Codecs> = (0..ops.len()).map(|_| Codecs::default()).collect();
    let items = file
        .items
        .iter()
        .find_map(|i| match i {
            Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| anyhow::anyhow!("conformance_table: no `builder` module"))?;
    for item in items {
        match item {
            Item::Struct(s) => {
                let Some(&row) = rows.get(&s.ident.to_string()) else {
                    continue;
                };
                if let Fields::Named(named) = &s.fields
                    && let Some(body) = named
                        .named
                        .iter()
                        .find(|f| f.ident.as_ref().is_some_and(|i| i == "body"))
                {
                    table[row].request = generics(&body.ty, "Result")
                        .first()
                        .map(model_type)
                        .and_then(|t| json_type(&t));
                }
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                let Type::Path(tp) = &*imp.self_ty else { continue };
                let Some(&row) = tp.path.segments.last().and_then(|s| rows.get(&s.ident.to_string())) else {
                    continue;
                };
                for ii in &imp.items {
                    let ImplItem::Fn(f) = ii else { continue };
                    if f.sig.ident != "send" {
                        continue;
                    }
                    let ReturnType::Type(_, ty) = &f.sig.output else {
                        continue;
                    };
                    let result = generics(ty, "Result");
                    let (Some(ok), Some(err)) = (result.first(), result.get(1)) else {
                        continue;
                    };
                    table[row].success = generics(ok, "ResponseValue").first().and_then(json_type);
                    table[row].error = generics(err, "Error").first().and_then(json_type);
                    table[row].seen = true;
                }
            }
            _ => {}
        }
    }
    if let Some(missing) = table.iter().position(|c| !c.seen) {
        anyhow::bail!("conformance_table: no `send` for operation `{}`", ops[missing].id);
    }
    let codec = |t: &Option<Type>| match t {
        Some(t) => quote!(Some(crate::conformance::roundtrip::<#t>)),
        None => quote!(None),
    };
    let rows_tokens = table.iter().map(|c| {
        let (s, e, r) = (codec(&c.success), codec(&c.error), codec(&c.request));
        quote!(crate::conformance::Codecs { success: #s, error: #e, request: #r })
    });
    let n = table.len();
    file.items.push(syn::parse_quote! {
        /// Per operation, in `OPERATIONS` order: decoders of its success, error and request bodies.
        #[cfg(feature = "conformance")]
        pub static CONFORMANCE_CODECS: [crate::conformance::Codecs; #n] = [#(#rows_tokens),*];
    });
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(id: &str) -> OpInfo {
        OpInfo {
            id: id.into(),
            method: "POST".into(),
            path: "/api/v1/users".into(),
            tag: "User".into(),
            scopes: vec![],
            lifecycle: None,
            lists: false,
            accept: None,
        }
    }

    #[test]
    fn codecs_come_from_the_builders() {
        let mut file: File = syn::parse_quote! {
            pub mod builder {
                pub struct CreateUser<'a> { client: &'a super::Client, body: Result<types::builder::CreateUserRequest, String> }
                impl<'a> CreateUser<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::User>, Error<types::Error>> { todo!() }
                }
                pub struct DeleteUser<'a> { client: &'a super::Client }
                impl<'a> DeleteUser<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> { todo!() }
                }
            }
        };
        assert_eq!(
            conformance_table(&mut file, &[op("createUser"), op("deleteUser")]).unwrap(),
            2
        );
        let text = quote!(#file).to_string();
        assert!(
            text.contains("success : Some (crate :: conformance :: roundtrip :: < types :: User >)"),
            "{text}"
        );
        assert!(text.contains("request : Some (crate :: conformance :: roundtrip :: < types :: CreateUserRequest >)"));
        assert!(text.contains("success : None , error : None , request : None"));
        assert!(conformance_table(&mut file, &[op("getUser")]).is_err());
    }
}
