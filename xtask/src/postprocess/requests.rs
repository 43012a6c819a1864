//! Rules on how each builder's send function builds its request. Both keep what goes on the
//! wire exactly as progenitor wrote it, and spare every call work it does not need.
//!
//! - `path_segments_in_place`: progenitor writes a path parameter as
//!   `encode_path(&id.to_string())` inside the URL's `format!`, two heap allocations per
//!   parameter (the copy and the encoded copy). `okta_runtime::build::PathSegment(&id)`
//!   percent-encodes the same characters while `format!` writes.
//! - `path_parameters_checked`: before the URL is written, each path parameter goes through
//!   `okta_runtime::build::check_segment("name", &name)`, which refuses (as progenitor's
//!   `Error::InvalidRequest`, naming the parameter) a value that renders empty, `.` or `..`:
//!   a URL parser would drop or resolve it, and the request would reach another endpoint
//!   (`/groups/../users/X` is the user-delete endpoint for a DELETE).
//! - `unset_queries_skipped`: progenitor adds each query parameter with reqwest's
//!   `.query(&QueryParam::new(name, &value))`, which takes the URL apart and puts it back
//!   together (growing its buffer) even when an optional parameter is unset and adds nothing.
//!   `okta_runtime::build::query(builder, &QueryParam::new(name, &value))` calls `.query` only
//!   when the parameter serializes to something.
//! - `urls_from_parsed_base`: progenitor writes each request's URL as a string,
//!   `format!("{}/api/v1/users/{}", client.baseurl, ..)`, which reqwest then parses whole,
//!   scheme, host (with IDNA processing) and path, on every call: about 7,300 instructions and
//!   a fifth of the instruction-cache lines a `get_user` reads (okta-bench, callgrind). The
//!   client's `baseurl` becomes an `okta_runtime::build::Base`, parsed once, and each URL is
//!   `client.url(format_args!("/api/v1/users/{}", ..))?` (`Client::url`, hand-written in
//!   okta-apis, asks the `Base`): a copy of the parsed base with the path set (the same URL;
//!   `Base` says how).
//!
//! Each fails when it matches nothing.

use syn::visit_mut::VisitMut;
use syn::{Expr, ExprCall, ExprMethodCall};

/// Rule `path_segments_in_place`; returns how many path parameters it rewrote.
pub fn path_segments_in_place(file: &mut syn::File) -> anyhow::Result<usize> {
    struct Fix(usize);
    impl VisitMut for Fix {
        fn visit_expr_mut(&mut self, e: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, e);
            if let Some(value) = encoded_path_value(e) {
                *e = syn::parse_quote!(okta_runtime::build::PathSegment(&#value));
                self.0 += 1;
            }
        }
        fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
            // `format!(...)` arguments are tokens to syn: parse them, fix them, write them back.
            if !m.path.is_ident("format") {
                return;
            }
            let Ok(mut args) = m.parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
            else {
                return;
            };
            let before = self.0;
            for arg in args.iter_mut() {
                self.visit_expr_mut(arg);
            }
            if self.0 != before {
                m.tokens = quote::quote!(#args);
            }
        }
    }
    let mut fix = Fix(0);
    fix.visit_file_mut(file);
    if fix.0 == 0 {
        anyhow::bail!("path_segments_in_place: no `encode_path(&x.to_string())` found");
    }
    Ok(fix.0)
}

/// Rule `path_parameters_checked` (after `path_segments_in_place`); returns how many path
/// parameters it checks.
pub fn path_parameters_checked(file: &mut syn::File) -> anyhow::Result<usize> {
    struct Fix(usize);
    impl VisitMut for Fix {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            syn::visit_mut::visit_block_mut(self, block);
            let mut stmts = Vec::with_capacity(block.stmts.len());
            for stmt in std::mem::take(&mut block.stmts) {
                for value in url_path_values(&stmt) {
                    let name = quote::quote!(#value).to_string().replace(' ', "");
                    stmts.push(syn::parse_quote! {
                        okta_runtime::build::check_segment(#name, &#value).map_err(Error::InvalidRequest)?;
                    });
                    self.0 += 1;
                }
                stmts.push(stmt);
            }
            block.stmts = stmts;
        }
    }
    let mut fix = Fix(0);
    fix.visit_file_mut(file);
    if fix.0 == 0 {
        anyhow::bail!("path_parameters_checked: no `let url = format!(.., PathSegment(&x))` found");
    }
    Ok(fix.0)
}

/// The `X` of each `okta_runtime::build::PathSegment(&X)` in `let url = format!(..);`.
fn url_path_values(stmt: &syn::Stmt) -> Vec<Expr> {
    let syn::Stmt::Local(local) = stmt else {
        return Vec::new();
    };
    let syn::Pat::Ident(pat) = &local.pat else {
        return Vec::new();
    };
    let Some(init) = &local.init else { return Vec::new() };
    let Expr::Macro(m) = &*init.expr else { return Vec::new() };
    if pat.ident != "url" || !m.mac.path.is_ident("format") {
        return Vec::new();
    }
    let Ok(args) = m
        .mac
        .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
    else {
        return Vec::new();
    };
    args.iter()
        .filter_map(|arg| {
            let Expr::Call(ExprCall { func, args, .. }) = arg else {
                return None;
            };
            let Expr::Path(f) = &**func else { return None };
            let names: Vec<String> = f.path.segments.iter().map(|s| s.ident.to_string()).collect();
            if names != ["okta_runtime", "build", "PathSegment"] || args.len() != 1 {
                return None;
            }
            let Some(Expr::Reference(r)) = args.first() else {
                return None;
            };
            Some((*r.expr).clone())
        })
        .collect()
}

/// `encode_path(&X.to_string())` -> `X`.
fn encoded_path_value(e: &Expr) -> Option<Expr> {
    let Expr::Call(ExprCall { func, args, .. }) = e else {
        return None;
    };
    let Expr::Path(f) = &**func else { return None };
    if f.path.segments.last().is_none_or(|s| s.ident != "encode_path") || args.len() != 1 {
        return None;
    }
    let Some(Expr::Reference(r)) = args.first() else {
        return None;
    };
    let Expr::MethodCall(m) = &*r.expr else { return None };
    (m.method == "to_string" && m.args.is_empty()).then(|| (*m.receiver).clone())
}

/// Rule `unset_queries_skipped`; returns how many `.query(..)` calls it rewrote.
pub fn unset_queries_skipped(file: &mut syn::File) -> anyhow::Result<usize> {
    struct Fix(usize);
    impl VisitMut for Fix {
        fn visit_expr_mut(&mut self, e: &mut Expr) {
            syn::visit_mut::visit_expr_mut(self, e);
            let Expr::MethodCall(ExprMethodCall {
                receiver, method, args, ..
            }) = e
            else {
                return;
            };
            if method != "query" || args.len() != 1 || !is_query_param(&args[0]) {
                return;
            }
            let (receiver, arg) = (receiver.clone(), args[0].clone());
            *e = syn::parse_quote!(okta_runtime::build::query(#receiver, #arg));
            self.0 += 1;
        }
    }
    let mut fix = Fix(0);
    fix.visit_file_mut(file);
    if fix.0 == 0 {
        anyhow::bail!("unset_queries_skipped: no `.query(&progenitor_client::QueryParam::new(..))` found");
    }
    Ok(fix.0)
}

/// Rule `urls_from_parsed_base` (after `path_parameters_checked`, which finds the
/// `let url = format!(..)`s); returns how many URLs it rewrote. Fails unless it finds the
/// client's `baseurl: String` field and its initializer once each, and every
/// `let url = format!(..)` starts with `client.baseurl`.
pub fn urls_from_parsed_base(file: &mut syn::File) -> anyhow::Result<usize> {
    struct Fix {
        rewritten: usize,
        left: usize,
        field: usize,
        init: usize,
    }
    impl VisitMut for Fix {
        fn visit_local_mut(&mut self, local: &mut syn::Local) {
            syn::visit_mut::visit_local_mut(self, local);
            let syn::Pat::Ident(pat) = &local.pat else { return };
            let Some(init) = &mut local.init else { return };
            let Expr::Macro(m) = &*init.expr else { return };
            if pat.ident != "url" || !m.mac.path.is_ident("format") {
                return;
            }
            match from_base(&m.mac) {
                Some(call) => {
                    *init.expr = call;
                    self.rewritten += 1;
                }
                None => self.left += 1,
            }
        }
        fn visit_item_struct_mut(&mut self, s: &mut syn::ItemStruct) {
            if s.ident != "Client" {
                return;
            }
            for field in s.fields.iter_mut() {
                let string: syn::Type = syn::parse_quote!(String);
                if field.ident.as_ref().is_some_and(|i| i == "baseurl") && field.ty == string {
                    field.ty = syn::parse_quote!(okta_runtime::build::Base);
                    self.field += 1;
                }
            }
        }
        fn visit_field_value_mut(&mut self, fv: &mut syn::FieldValue) {
            syn::visit_mut::visit_field_value_mut(self, fv);
            let old: Expr = syn::parse_quote!(baseurl.to_string());
            if matches!(&fv.member, syn::Member::Named(i) if i == "baseurl") && fv.expr == old {
                fv.expr = syn::parse_quote!(okta_runtime::build::Base::new(baseurl));
                self.init += 1;
            }
        }
    }
    let mut fix = Fix {
        rewritten: 0,
        left: 0,
        field: 0,
        init: 0,
    };
    fix.visit_file_mut(file);
    if fix.field != 1 || fix.init != 1 {
        anyhow::bail!(
            "urls_from_parsed_base: found {} `baseurl: String` fields of `Client` and {} `baseurl: baseurl.to_string()`, expected one each",
            fix.field,
            fix.init
        );
    }
    if fix.left > 0 || fix.rewritten == 0 {
        anyhow::bail!(
            "urls_from_parsed_base: {} of {} `let url = format!(..)` do not start with `\"{{}}/..\", client.baseurl` or have a character in their path that `Url::set_path` reads otherwise",
            fix.left,
            fix.left + fix.rewritten
        );
    }
    Ok(fix.rewritten)
}

/// `format!("{}/path/{}", client.baseurl, a, ..)` -> `client.url(format_args!("/path/{}", a, ..))?`
fn from_base(mac: &syn::Macro) -> Option<Expr> {
    let args = mac
        .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        .ok()?;
    let mut args = args.into_iter();
    let Some(Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(template),
        ..
    })) = args.next()
    else {
        return None;
    };
    let path = template.value().strip_prefix("{}")?.to_string();
    if !path.starts_with('/') || !path.chars().all(plain_path_char) {
        return None;
    }
    let base: Expr = syn::parse_quote!(client.baseurl);
    if args.next()? != base {
        return None;
    }
    let rest: Vec<Expr> = args.collect();
    let path = syn::LitStr::new(&path, template.span());
    Some(syn::parse_quote!(client.url(format_args!(#path #(, #rest)*))?))
}

/// A character a path template may hold for `Base::url` to give the URL a whole-string parse
/// gives: `/`, the `{}` of a parameter and RFC 3986's unreserved and sub-delimiter characters,
/// `:` and `@`. Not `?` or `#` (a whole-string parse starts the query or fragment there,
/// `Url::set_path` encodes them), nor `%`, `\`, spaces, controls or non-ASCII, which no Okta
/// path has and which are left out rather than reasoned about.
fn plain_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/{}-._~!$&'()*+,;=:@".contains(c)
}

/// `&progenitor_client::QueryParam::new(..)`
fn is_query_param(arg: &Expr) -> bool {
    let Expr::Reference(r) = arg else { return false };
    let Expr::Call(c) = &*r.expr else { return false };
    let Expr::Path(f) = &*c.func else { return false };
    let names: Vec<String> = f.path.segments.iter().map(|s| s.ident.to_string()).collect();
    names.ends_with(&["QueryParam".to_string(), "new".to_string()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dispatch() -> syn::File {
        syn::parse_quote! {
            async fn send(self) {
                let url = format!(
                    "{}/api/v1/users/{}/factors/{}", client.baseurl, encode_path(&user_id.to_string()),
                    encode_path(&factor_id.to_string()),
                );
                let request = client
                    .client
                    .get(url)
                    .header(::reqwest::header::ACCEPT, ::reqwest::header::HeaderValue::from_static("application/json"))
                    .query(&progenitor_client::QueryParam::new("expand", &expand))
                    .query(&progenitor_client::QueryParam::new("limit", &limit))
                    .headers(header_map)
                    .build()?;
            }
        }
    }

    #[test]
    fn path_parameters_are_encoded_in_place() {
        let mut file = dispatch();
        assert_eq!(path_segments_in_place(&mut file).unwrap(), 2);
        let text = quote::quote!(#file).to_string();
        assert!(!text.contains("encode_path"), "{text}");
        assert!(
            text.contains("okta_runtime :: build :: PathSegment (& user_id)"),
            "{text}"
        );
        assert!(
            text.contains("okta_runtime :: build :: PathSegment (& factor_id)"),
            "{text}"
        );
    }

    #[test]
    fn path_parameters_are_checked_before_the_url_is_written() {
        let mut file = dispatch();
        path_segments_in_place(&mut file).unwrap();
        assert_eq!(path_parameters_checked(&mut file).unwrap(), 2);
        let text = quote::quote!(#file).to_string().replace(' ', "");
        let user = text
            .find(r#"okta_runtime::build::check_segment("user_id",&user_id).map_err(Error::InvalidRequest)?;"#)
            .expect("user_id checked");
        let factor = text
            .find(r#"okta_runtime::build::check_segment("factor_id",&factor_id).map_err(Error::InvalidRequest)?;"#)
            .expect("factor_id checked");
        let url = text.find("leturl=format!").expect("the url");
        assert!(user < factor && factor < url, "{text}");
        // Without path parameters there is nothing to check, and the rule says so.
        let mut bare: syn::File = syn::parse_quote! {
            async fn send(self) { let url = format!("{}/api/v1/org", client.baseurl); }
        };
        assert!(path_parameters_checked(&mut bare).is_err());
    }

    #[test]
    fn queries_go_through_the_runtime() {
        let mut file = dispatch();
        assert_eq!(unset_queries_skipped(&mut file).unwrap(), 2);
        let text = quote::quote!(#file).to_string().replace(' ', "");
        assert!(!text.contains(".query("), "{text}");
        assert!(
            text.contains("okta_runtime::build::query(okta_runtime::build::query(client.client.get(url)"),
            "{text}"
        );
        assert!(text.contains(".headers(header_map).build()?"), "{text}");
    }

    #[test]
    fn urls_are_built_from_the_parsed_base() {
        let mut file: syn::File = syn::parse_quote! {
            pub struct Client { pub(crate) baseurl: String, pub(crate) inner: okta_runtime::Runtime }
            impl Client {
                pub(crate) fn new_with_client(baseurl: &str, inner: okta_runtime::Runtime) -> Self {
                    Self { baseurl: baseurl.to_string(), inner }
                }
            }
        };
        file.items.extend(dispatch().items);
        path_segments_in_place(&mut file).unwrap();
        assert_eq!(urls_from_parsed_base(&mut file).unwrap(), 1);
        let text = quote::quote!(#file).to_string().replace(' ', "");
        assert!(text.contains("baseurl:okta_runtime::build::Base,"), "{text}");
        assert!(
            text.contains("baseurl:okta_runtime::build::Base::new(baseurl)"),
            "{text}"
        );
        assert!(
            text.contains(r#"leturl=client.url(format_args!("/api/v1/users/{}/factors/{}",okta_runtime::build::PathSegment(&user_id),okta_runtime::build::PathSegment(&factor_id)))?;"#),
            "{text}"
        );
        assert!(!text.contains("format!("), "{text}");
        // A second run finds no `String` field, and says so.
        assert!(urls_from_parsed_base(&mut file).is_err());
    }

    #[test]
    fn a_path_with_a_query_or_fragment_in_its_template_fails_loudly() {
        for template in [
            "{}/api/v1/x?y=1",
            "{}/api/v1/x#y",
            "{}/api/v1/caf\u{e9}",
            "{}/api/v1/a%2Fb",
        ] {
            let mut file: syn::File = syn::parse_quote! {
                pub struct Client { pub(crate) baseurl: String }
                fn new_with_client(baseurl: &str) -> Client { Client { baseurl: baseurl.to_string() } }
                async fn one(self) { let url = format!(#template, client.baseurl); }
            };
            let e = urls_from_parsed_base(&mut file).unwrap_err();
            assert!(e.to_string().contains("1 of 1"), "{template}: {e}");
        }
    }

    #[test]
    fn a_url_not_from_the_base_fails_loudly() {
        let mut file: syn::File = syn::parse_quote! {
            pub struct Client { pub(crate) baseurl: String }
            fn new_with_client(baseurl: &str) -> Client { Client { baseurl: baseurl.to_string() } }
            async fn one(self) { let url = format!("{}/api/v1/org", client.baseurl); }
            async fn two(self) { let url = format!("{}/api/v1/org", other); }
        };
        let e = urls_from_parsed_base(&mut file).unwrap_err();
        assert!(e.to_string().contains("1 of 2"), "{e}");
    }

    #[test]
    fn both_fail_loudly_when_nothing_matches() {
        let mut file: syn::File = syn::parse_quote! {
            async fn send(self) {
                let url = format!("{}/api/v1/org", client.baseurl);
            }
        };
        assert!(path_segments_in_place(&mut file).is_err());
        assert!(unset_queries_skipped(&mut file).is_err());
    }
}
