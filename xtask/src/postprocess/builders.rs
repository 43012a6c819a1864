//! Rule `builder_pipeline`: every operation builder builds its request and hands it to the
//! runtime, which sends it and decodes the answer; list operations get page and item streams.
//!
//! Progenitor's builder `send()` builds the `reqwest::Request` (argument checks, path, query,
//! headers, body), then drives the call itself through its hooks and matches on the status
//! with a `progenitor_client::Error<E>` generic per operation. For each builder this rule:
//! - adds an `options: okta_runtime::RequestOptions` field and an `.options(...)` setter;
//! - cuts progenitor's `send` where the request is built, and keeps that part as a private,
//!   synchronous `request()` answering `okta_runtime::build::Built` (the request and the
//!   call's options); the hook calls and the status match after it are dropped;
//! - adds `send()`, which hands `request()` with the operation's row of `OPERATIONS` to
//!   `okta_runtime::call::json::<T>` (`call::empty` when the success has no body,
//!   `call::bytes` when it is not JSON) and answers `okta_runtime::Response<T>`;
//! - for list operations (`OpInfo::lists`), adds `.max_pages(n)`, `.pages()` (the runtime's
//!   `pagination::stream`, which fetches each next link itself), `.stream()` and
//!   `.first_page()` (for paging by hand with `client.next_page(&page)`).
//!
//! It fails when a builder, its `new`, its `send`, the statement that builds the request or a
//! list's `Vec` return type is missing, and when the number of builders is not the number of
//! operations. The builder module's imports become `okta_runtime::build::RequestError as
//! Error`, so the kept statements' `Error::InvalidRequest(..)` and `?` need no rewriting.

use super::apis::OpInfo;
use heck::{ToSnakeCase, ToUpperCamelCase};
use quote::quote;
use std::collections::BTreeMap;
use syn::parse::Parser;
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
    // The kept request-building statements name progenitor's `Error` (`Error::InvalidRequest`,
    // `?` on reqwest's and header errors); the runtime's `RequestError` has the same shape.
    let before = items.len();
    items.retain(|i| !matches!(i, Item::Use(u) if quote!(#u).to_string().contains("ResponseValue")));
    if items.len() != before - 1 {
        anyhow::bail!("builder_pipeline: the `builder` module does not import progenitor's names in one `use`");
    }
    items.insert(
        0,
        syn::parse_quote!(
            #[allow(unused_imports)]
            use okta_runtime::build::RequestError as Error;
        ),
    );
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
            success = Some(success_type(&f.sig.output).ok_or_else(|| {
                anyhow::anyhow!("builder_pipeline: `{id}` builder's `send` does not return Result<ResponseValue<T>, _>")
            })?);
            into_request(f, id)?;
        }
    }
    let (Some(success), true) = (success, has_new) else {
        anyhow::bail!("builder_pipeline: `{id}` builder lacks `new` or `send`");
    };
    let row_expr = quote!(&super::OPERATIONS[#row]);
    let (answer, entry) = match quote!(#success).to_string().as_str() {
        "()" => (quote!(()), quote!(okta_runtime::call::empty)),
        "ByteStream" => (quote!(okta_runtime::Bytes), quote!(okta_runtime::call::bytes)),
        _ => (quote!(#success), quote!(okta_runtime::call::json::<#success>)),
    };
    let send_doc = format!("Sends `{id}` through the runtime (auth, cache, retries, errors) and decodes the answer.");
    imp.items.push(syn::parse_quote! {
        /// Per-request options: time budget, retry policy, cache bypass, extra headers.
        pub fn options(mut self, options: okta_runtime::RequestOptions) -> Self {
            self.options = options;
            self
        }
    });
    // Not an `async fn`: it would keep the builder in a slot of its own beside the request.
    imp.items.push(syn::parse_quote! {
        #[doc = #send_doc]
        pub fn send(self) -> impl ::std::future::Future<Output = Result<okta_runtime::Response<#answer>, okta_runtime::Error>> + 'a {
            let client = self.client;
            #entry(&client.inner, #row_expr, self.request())
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
            let client = self.client;
            okta_runtime::pagination::stream::<#item>(&client.inner, #row_expr, self.request())
        }
    });
    imp.items.push(syn::parse_quote! {
        /// The first page, for paging by hand: `client.next_page(&page)` fetches the next.
        pub fn first_page(self) -> impl ::std::future::Future<Output = Result<okta_runtime::Page<#item>, okta_runtime::Error>> + 'a {
            let client = self.client;
            okta_runtime::pagination::first_page::<#item>(&client.inner, #row_expr, self.request())
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

/// Turns progenitor's `send` into `fn request(self) -> Result<Built, Error>`: its statements
/// up to the one that builds `request`, with `options` taken out of `self`, then the request
/// and the options handed over.
fn into_request(f: &mut syn::ImplItemFn, id: &str) -> anyhow::Result<()> {
    f.sig.ident = syn::parse_quote!(request);
    f.sig.asyncness = None;
    f.vis = syn::Visibility::Inherited;
    f.sig.output = syn::parse_quote!(-> Result<okta_runtime::build::Built, Error>);
    f.attrs.retain(|a| !a.path().is_ident("doc"));
    f.attrs
        .push(syn::parse_quote!(#[doc = "Checks the arguments and builds the request."]));
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
    let Pat::Struct(with_options) = Pat::parse_single.parse2(quote!(Self { options }))? else {
        anyhow::bail!("builder_pipeline: `Self {{ options }}` is not a struct pattern");
    };
    pattern.fields.extend(with_options.fields);
    pattern.rest = Some(syn::PatRest {
        attrs: Vec::new(),
        dot2_token: Default::default(),
    });
    let built = f
        .block
        .stmts
        .iter()
        .position(|st| matches!(st, Stmt::Local(l) if matches!(&l.pat, Pat::Ident(p) if p.ident == "request")));
    let Some(built) = built else {
        anyhow::bail!("builder_pipeline: `{id}` builder's `send` has no `let mut request = ...build()?`");
    };
    f.block.stmts.truncate(built + 1);
    f.block.stmts.push(Stmt::Expr(
        syn::parse_quote!(Ok(okta_runtime::build::Built { request, options })),
        None,
    ));
    Ok(())
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
                use super::types;
                use super::{encode_path, Error, OperationInfo, ResponseValue};
                #[derive(Debug, Clone)]
                pub struct ListUsers<'a> {
                    client: &'a super::Client,
                    limit: Result<Option<i32>, String>,
                }
                impl<'a> ListUsers<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self { client: client, limit: Ok(None) }
                    }
                    ///Sends a `GET` request to `/api/v1/users`
                    pub async fn send(self) -> Result<ResponseValue<::std::vec::Vec<types::User>>, Error<types::Error>> {
                        let Self { client, limit } = self;
                        let limit = limit.map_err(Error::InvalidRequest)?;
                        #[allow(unused_mut)]
                        let mut request = client.client.get(url).build()?;
                        let info = OperationInfo { operation_id: "list_users" };
                        let result = client.exec(request, &info).await;
                        match result?.status().as_u16() {
                            200u16 => ResponseValue::from_response(response).await,
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn builders_build_the_request_and_hand_it_to_the_runtime() {
        let mut file = sample();
        let n = builder_pipeline(&mut file, &[op("listUsers", true)]).unwrap();
        assert_eq!(n, Rewired { builders: 1, lists: 1 });
        let text = quote!(#file).to_string();
        assert!(
            text.contains("use okta_runtime :: build :: RequestError as Error ;"),
            "{text}"
        );
        assert!(!text.contains("ResponseValue"), "{text}");
        assert!(text.contains("options : okta_runtime :: RequestOptions"));
        assert!(
            text.contains("fn request (self) -> Result < okta_runtime :: build :: Built , Error >"),
            "{text}"
        );
        assert!(
            text.contains("let Self { client , limit , options , .. } = self"),
            "{text}"
        );
        assert!(
            text.contains("Ok (okta_runtime :: build :: Built { request , options })"),
            "{text}"
        );
        for gone in ["OperationInfo {", "client . exec", "UnexpectedResponse", "async fn"] {
            assert!(!text.contains(gone), "`{gone}` is left: {text}");
        }
        assert!(text.contains(
            "okta_runtime :: call :: json :: < :: std :: vec :: Vec < types :: User > > (& client . inner , & super :: OPERATIONS [0usize] , self . request ())"
        ), "{text}");
        assert!(
            text.contains("okta_runtime :: pagination :: stream :: < types :: User > (& client . inner"),
            "{text}"
        );
        assert!(text.contains("pub fn stream (self) -> okta_runtime :: ItemStream < 'a , types :: User >"));
    }

    #[test]
    fn a_list_that_is_not_a_vec_or_a_missing_builder_fails_loudly() {
        let mut file = sample();
        assert!(builder_pipeline(&mut file, &[op("listUsers", true), op("getUser", false)]).is_err());
        let mut file: File = syn::parse_quote! {
            pub mod builder {
                use super::{Error, ResponseValue};
                pub struct ListUsers<'a> { client: &'a super::Client }
                impl<'a> ListUsers<'a> {
                    pub fn new(client: &'a super::Client) -> Self { Self { client: client } }
                    pub async fn send(self) -> Result<ResponseValue<types::User>, Error<()>> {
                        let Self { client } = self;
                        let mut request = client.client.get(url).build()?;
                        todo!()
                    }
                }
            }
        };
        let e = builder_pipeline(&mut file, &[op("listUsers", true)]).unwrap_err();
        assert!(e.to_string().contains("does not return a Vec"), "{e}");
    }

    #[test]
    fn a_send_that_builds_no_request_fails_loudly() {
        let mut file: File = syn::parse_quote! {
            pub mod builder {
                use super::{Error, ResponseValue};
                pub struct GetUser<'a> { client: &'a super::Client }
                impl<'a> GetUser<'a> {
                    pub fn new(client: &'a super::Client) -> Self { Self { client: client } }
                    pub async fn send(self) -> Result<ResponseValue<types::User>, Error<()>> {
                        let Self { client } = self;
                        client.exec(todo!()).await
                    }
                }
            }
        };
        let e = builder_pipeline(&mut file, &[op("getUser", false)]).unwrap_err();
        assert!(e.to_string().contains("no `let mut request"), "{e}");
    }
}
