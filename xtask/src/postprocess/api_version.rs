//! Rule `no_api_version_header`: progenitor puts an `api-version: <info.version>` header on
//! every request. It is not part of Okta's protocol (Okta never reads it), and building it
//! cost every call a header map of its own (two heap allocations) that the runtime then had
//! to take off again. The rule removes the `header_map.append("api-version", ...)` statement
//! from each builder's send function and starts the map empty (`with_capacity(0)`, which does
//! not allocate): header parameters are optional, and the map grows when one is set.
//!
//! It fails when an operation's send function has no such statement (progenitor changed how
//! it adds the header) or no `HeaderMap::with_capacity(n)` to lower.

use syn::visit_mut::VisitMut;
use syn::{Expr, Lit, Stmt};

/// Applies the rule to the operations file; returns how many statements were removed.
pub fn no_api_version_header(file: &mut syn::File, operations: usize) -> anyhow::Result<usize> {
    let mut fix = Fix::default();
    fix.visit_file_mut(file);
    if let Some(e) = fix.error {
        return Err(e);
    }
    if fix.removed != operations {
        anyhow::bail!(
            "no_api_version_header: removed the api-version header from {} functions, the spec has {operations} operations",
            fix.removed
        );
    }
    Ok(fix.removed)
}

#[derive(Default)]
struct Fix {
    removed: usize,
    error: Option<anyhow::Error>,
}

impl VisitMut for Fix {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|s| !is_api_version_append(s));
        let removed = before - block.stmts.len();
        if removed > 0 {
            self.removed += removed;
            if !lower_capacity(&mut block.stmts) && self.error.is_none() {
                self.error = Some(anyhow::anyhow!(
                    "no_api_version_header: a function adds the api-version header without `HeaderMap::with_capacity(n)`"
                ));
            }
        }
        syn::visit_mut::visit_block_mut(self, block);
    }
}

/// `header_map.append(HeaderName::from_static("api-version"), ...);`
fn is_api_version_append(stmt: &Stmt) -> bool {
    let Stmt::Expr(Expr::MethodCall(call), Some(_)) = stmt else {
        return false;
    };
    call.method == "append"
        && call.args.first().is_some_and(|name| {
            let text = quote::quote!(#name).to_string().replace(' ', "");
            text.ends_with("HeaderName::from_static(\"api-version\")")
        })
}

/// Lowers `HeaderMap::with_capacity(n)` in a `let` of this block to 0; when `n` was 1, the map
/// has no other header to take, so its binding loses `mut`.
fn lower_capacity(stmts: &mut [Stmt]) -> bool {
    for stmt in stmts {
        let Stmt::Local(local) = stmt else { continue };
        let Some(only_api_version) = lower_in(local) else {
            continue;
        };
        if only_api_version && let syn::Pat::Ident(p) = &mut local.pat {
            p.mutability = None;
        }
        return true;
    }
    false
}

/// When `local` is `let .. = HeaderMap::with_capacity(n)`: sets `n` to 0 and answers whether it
/// was 1 (the api-version header only).
fn lower_in(local: &mut syn::Local) -> Option<bool> {
    let Expr::Call(call) = &mut *local.init.as_mut()?.expr else {
        return None;
    };
    let Expr::Path(f) = &*call.func else { return None };
    let is_with_capacity = f
        .path
        .segments
        .iter()
        .rev()
        .take(2)
        .map(|s| s.ident.to_string())
        .eq(["with_capacity", "HeaderMap"]);
    if !is_with_capacity {
        return None;
    }
    let Some(Expr::Lit(lit)) = call.args.first_mut() else {
        return None;
    };
    let Lit::Int(n) = &lit.lit else { return None };
    let only_api_version = n.base10_parse::<usize>().ok()? <= 1;
    let span = n.span();
    lit.lit = Lit::Int(syn::LitInt::new("0usize", span));
    Some(only_api_version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_goes_and_the_capacity_drops() {
        let mut file: syn::File = syn::parse_quote! {
            impl<'a> GetUser<'a> {
                async fn send(self) {
                    let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
                    header_map.append(
                        ::reqwest::header::HeaderName::from_static("api-version"),
                        ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                    );
                    if let Some(value) = content_type {
                        header_map.append("Content-Type", value.to_string().try_into()?);
                    }
                }
            }
        };
        assert_eq!(no_api_version_header(&mut file, 1).unwrap(), 1);
        let text = quote::quote!(#file).to_string();
        assert!(!text.contains("api-version"), "{text}");
        assert!(text.contains("with_capacity (0usize)"), "{text}");
        assert!(text.contains("let mut header_map"), "{text}");
        assert!(text.contains("\"Content-Type\""), "{text}");
        let mut file: syn::File = syn::parse_quote! {
            async fn send(self) {
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                header_map.append(::reqwest::header::HeaderName::from_static("api-version"), v);
            }
        };
        assert_eq!(no_api_version_header(&mut file, 1).unwrap(), 1);
        let text = quote::quote!(#file).to_string();
        assert!(
            text.contains("let header_map = :: reqwest :: header :: HeaderMap :: with_capacity (0usize)"),
            "{text}"
        );
    }

    #[test]
    fn fails_loudly_when_progenitor_changes() {
        let mut file: syn::File = syn::parse_quote! {
            impl<'a> GetUser<'a> {
                async fn send(self) {
                    let mut header_map = ::reqwest::header::HeaderMap::new();
                    header_map.insert("api-version", v);
                }
            }
        };
        let e = no_api_version_header(&mut file, 1).unwrap_err();
        assert!(e.to_string().contains("removed the api-version header from 0"), "{e}");
        let mut file: syn::File = syn::parse_quote! {
            impl<'a> GetUser<'a> {
                async fn send(self) {
                    let mut header_map = ::reqwest::header::HeaderMap::new();
                    header_map.append(::reqwest::header::HeaderName::from_static("api-version"), v);
                }
            }
        };
        let e = no_api_version_header(&mut file, 1).unwrap_err();
        assert!(e.to_string().contains("without `HeaderMap::with_capacity(n)`"), "{e}");
    }
}
