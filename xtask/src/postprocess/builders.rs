//! Rule `builder_pipeline`: every operation builder sends through the runtime's call context
//! and returns the runtime's one error type; list operations get page and item streams.
//!
//! Progenitor's builder `send()` returns `progenitor_client::Error<E>`, generic per operation,
//! and has no place for per-request options. For each builder this rule:
//! - adds an `options: okta_runtime::RequestOptions` field and an `.options(...)` setter;
//! - renames progenitor's `send` to a private `dispatch` (its destructuring gets `..`);
//! - adds `send()`, which runs `dispatch` through `okta_runtime::call::send_operation` with the
//!   operation's row of `OPERATIONS` and converts errors into `okta_runtime::Error`;
//! - for list operations (`OpInfo::lists`), adds `.max_pages(n)`, `.pages()` and `.stream()`.
//!
//! It fails when a builder, its `new`, its `send` or a list's `Vec` return type is missing,
//! and when the number of builders is not the number of operations.

use super::apis::OpInfo;
use heck::{ToSnakeCase, ToUpperCamelCase};
use quote::quote;
use std::collections::BTreeMap;
use syn::{Expr, Fields, File, GenericArgument, ImplItem, Item, Pat, PathArguments, ReturnType, Stmt, Type};

/// How many builders were rewired, and how many of them list.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rewired {
    pub builders: usize,
    pub lists: usize,
}

/// Applies the rule to the `builder` module of the operations file.
pub fn builder_pipeline(file: &mut File, ops: &[OpInfo]) -> anyhow::Result<Rewired> {
    // Row of each operation in OPERATIONS (sorted by method name, as `op_infos` returns them).
    let rows: BTreeMap<String, (usize, &OpInfo)> = ops
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.to_snake_case().to_upper_camel_case(), (i, o)))
        .collect();
    let Some(items) = file.items.iter_mut().find_map(|i| match i {
        Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        anyhow::bail!("builder_pipeline: progenitor output has no `builder` module");
    };
    let mut fields = 0;
    let mut out = Rewired::default();
    for item in items.iter_mut() {
        match item {
            Item::Struct(s) if rows.contains_key(&s.ident.to_string()) => {
                let Fields::Named(named) = &mut s.fields else {
                    anyhow::bail!("builder_pipeline: builder `{}` has no named fields", s.ident);
                };
                named
                    .named
                    .push(syn::parse_quote!(options: okta_runtime::RequestOptions));
                fields += 1;
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                let Type::Path(tp) = &*imp.self_ty else { continue };
                let Some(name) = tp.path.segments.last().map(|s| s.ident.to_string()) else {
                    continue;
                };
                let Some(&(row, op)) = rows.get(&name) else { continue };
                let listed = rewire(imp, row, op)?;
                out.builders += 1;
                out.lists += usize::from(listed);
            }
            _ => {}
        }
    }
    if out.builders != ops.len() || fields != ops.len() {
        anyhow::bail!(
            "builder_pipeline: rewired {} builder impls and {fields} builder structs, the spec has {} operations",
            out.builders,
            ops.len()
        );
    }
    Ok(out)
}

/// Rewires one builder impl; returns whether it got streams.
fn rewire(imp: &mut syn::ItemImpl, row: usize, op: &OpInfo) -> anyhow::Result<bool> {
    let id = &op.id;
    let mut success: Option<Type> = None;
    let mut has_new = false;
    for ii in imp.items.iter_mut() {
        let ImplItem::Fn(f) = ii else { continue };
        if f.sig.ident == "new" {
            let Some(Stmt::Expr(Expr::Struct(s), None)) = f.block.stmts.last_mut() else {
                anyhow::bail!("builder_pipeline: `{id}` builder's `new` does not end in a struct literal");
            };
            s.fields
                .push(syn::parse_quote!(options: ::std::default::Default::default()));
            has_new = true;
        } else if f.sig.ident == "send" {
            f.sig.ident = syn::parse_quote!(dispatch);
            f.vis = syn::Visibility::Inherited;
            let pattern = f.block.stmts.iter_mut().find_map(|st| match st {
                Stmt::Local(l) => match &mut l.pat {
                    Pat::Struct(p) => Some(p),
                    _ => None,
                },
                _ => None,
            });
            let Some(pattern) = pattern else {
                anyhow::bail!("builder_pipeline: `{id}` builder's `send` does not destructure `self`");
            };
            pattern.rest = Some(syn::PatRest {
                attrs: Vec::new(),
                dot2_token: Default::default(),
            });
            success = Some(success_type(&f.sig.output).ok_or_else(|| {
                anyhow::anyhow!("builder_pipeline: `{id}` builder's `send` does not return Result<ResponseValue<T>, _>")
            })?);
        }
    }
    let (Some(success), true) = (success, has_new) else {
        anyhow::bail!("builder_pipeline: `{id}` builder lacks `new` or `send`");
    };
    let locate = match quote!(#success).to_string().as_str() {
        "()" | "ByteStream" => quote!(None),
        _ => quote!(Some(okta_runtime::error::DecodeError::locate::<#success>)),
    };
    let send_doc =
        format!("Sends `{id}` through the runtime pipeline (auth, cache, retries, errors) and decodes the answer.");
    imp.items.push(syn::parse_quote! {
        /// Per-request options: time budget, retry policy, cache bypass, extra headers.
        pub fn options(mut self, options: okta_runtime::RequestOptions) -> Self {
            self.options = options;
            self
        }
    });
    // Not an `async fn`: it would keep the builder and the whole request future in slots of
    // their own (see `okta_runtime::call::run`).
    imp.items.push(syn::parse_quote! {
        #[doc = #send_doc]
        pub fn send(
            mut self,
        ) -> impl ::std::future::Future<Output = Result<ResponseValue<#success>, okta_runtime::Error>> + 'a {
            let options = ::std::mem::take(&mut self.options);
            okta_runtime::call::send_operation(&super::OPERATIONS[#row], options, #locate, self.dispatch())
        }
    });
    // A list whose success may also be empty (`Option<Vec<_>>`, rule `empty_success`) is one
    // small answer, not a paged collection: it keeps plain `send()`.
    if !op.lists || first_generic(&success, "Option").as_ref().and_then(vec_item).is_some() {
        return Ok(false);
    }
    let Some(item) = vec_item(&success) else {
        anyhow::bail!("builder_pipeline: list operation `{id}` does not return a Vec");
    };
    imp.items.push(syn::parse_quote! {
        /// Fetches at most this many pages in `.pages()` and `.stream()`.
        pub fn max_pages(mut self, pages: usize) -> Self {
            self.options = self.options.max_pages(pages);
            self
        }
    });
    imp.items.push(syn::parse_quote! {
        /// Every page, following `Link: <...>; rel="next"`, with each page's status and headers.
        pub fn pages(self) -> okta_runtime::PageStream<'a, #item> {
            let max = self.options.page_limit();
            okta_runtime::pagination::pages(max, move |next| {
                let mut call = self.clone();
                call.options = call.options.with_next_page(next);
                async move { call.send().await.map(okta_runtime::Page::from) }
            })
        }
    });
    imp.items.push(syn::parse_quote! {
        /// Every item of every page, one page in memory at a time.
        pub fn stream(self) -> okta_runtime::ItemStream<'a, #item> {
            okta_runtime::pagination::items(self.pages())
        }
    });
    Ok(true)
}

/// `T` of `Result<ResponseValue<T>, _>`.
fn success_type(output: &ReturnType) -> Option<Type> {
    let ReturnType::Type(_, ty) = output else { return None };
    let result = first_generic(ty, "Result")?;
    first_generic(&result, "ResponseValue")
}

/// `U` of `::std::vec::Vec<U>`.
fn vec_item(ty: &Type) -> Option<Type> {
    first_generic(ty, "Vec")
}

fn first_generic(ty: &Type, name: &str) -> Option<Type> {
    let Type::Path(tp) = ty else { return None };
    let last = tp.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(id: &str, lists: bool) -> OpInfo {
        OpInfo {
            id: id.into(),
            method: "GET".into(),
            path: "/api/v1/users".into(),
            tag: "User".into(),
            scopes: vec![],
            lifecycle: None,
            lists,
            accept: None,
        }
    }

    fn sample() -> File {
        syn::parse_quote! {
            pub mod builder {
                #[derive(Debug, Clone)]
                pub struct ListUsers<'a> {
                    client: &'a super::Client,
                    limit: Result<Option<i32>, String>,
                }
                impl<'a> ListUsers<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self { client: client, limit: Ok(None) }
                    }
                    pub async fn send(self) -> Result<ResponseValue<::std::vec::Vec<types::User>>, Error<types::Error>> {
                        let Self { client, limit } = self;
                        todo!()
                    }
                }
            }
        }
    }

    #[test]
    fn list_builders_get_options_send_and_streams() {
        let mut file = sample();
        let n = builder_pipeline(&mut file, &[op("listUsers", true)]).unwrap();
        assert_eq!(n, Rewired { builders: 1, lists: 1 });
        let text = quote!(#file).to_string();
        assert!(text.contains("options : okta_runtime :: RequestOptions"));
        assert!(text.contains("async fn dispatch"));
        assert!(text.contains("let Self { client , limit , .. } = self"));
        assert!(text.contains("super :: OPERATIONS [0usize]"));
        assert!(text.contains("DecodeError :: locate :: < :: std :: vec :: Vec < types :: User > >"));
        assert!(text.contains("pub fn stream (self) -> okta_runtime :: ItemStream < 'a , types :: User >"));
    }

    #[test]
    fn a_list_that_is_not_a_vec_or_a_missing_builder_fails_loudly() {
        let mut file = sample();
        assert!(builder_pipeline(&mut file, &[op("listUsers", true), op("getUser", false)]).is_err());
        let mut file: File = syn::parse_quote! {
            pub mod builder {
                pub struct ListUsers<'a> { client: &'a super::Client }
                impl<'a> ListUsers<'a> {
                    pub fn new(client: &'a super::Client) -> Self { Self { client: client } }
                    pub async fn send(self) -> Result<ResponseValue<types::User>, Error<()>> {
                        let Self { client } = self;
                        todo!()
                    }
                }
            }
        };
        let e = builder_pipeline(&mut file, &[op("listUsers", true)]).unwrap_err();
        assert!(e.to_string().contains("does not return a Vec"), "{e}");
    }
}
