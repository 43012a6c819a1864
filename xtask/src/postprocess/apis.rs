//! Post-processing of the operations: rustdoc from facts, and the operation table the runtime reads.

use crate::normalize::Facts;
use heck::ToSnakeCase;
use quote::quote;
use serde_json::Value;
use std::collections::BTreeMap;
use syn::{File, Item, TraitItem};

/// Facts of one operation, read from the spec.
#[derive(Debug, Clone)]
pub struct OpInfo {
    pub id: String,
    pub method: String,
    pub path: String,
    pub tag: String,
    pub scopes: Vec<String>,
    pub lifecycle: Option<String>,
    pub lists: bool,
    /// The success media type when no success answer is JSON (`text/xml`).
    pub accept: Option<String>,
}

/// Reads every operation's facts from the (normalized) spec.
pub fn op_infos(doc: &Value) -> Vec<OpInfo> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, op) in item {
            if !crate::normalize::HTTP_METHODS.contains(&method.as_str()) {
                continue;
            }
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let mut scopes: Vec<String> = op
                .get("security")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|req| req.get("oauth2").and_then(Value::as_array))
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            scopes.dedup();
            let lifecycle = op
                .pointer("/x-okta-lifecycle/lifecycle")
                .and_then(Value::as_str)
                .map(str::to_string);
            let lists = op
                .pointer("/responses/200/content/application~1json/schema/type")
                .and_then(Value::as_str)
                == Some("array");
            let success: Vec<&String> = op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(code, _)| code.starts_with('2'))
                .filter_map(|(_, r)| r.get("content").and_then(Value::as_object))
                .flat_map(|c| c.keys())
                .collect();
            let accept = if success.iter().any(|m| m.contains("json")) {
                None
            } else {
                success.first().map(|m| m.to_string())
            };
            let tag = op
                .pointer("/tags/0")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            out.push(OpInfo {
                id,
                method: method.to_uppercase(),
                path: path.clone(),
                tag,
                scopes,
                lifecycle,
                lists,
                accept,
            });
        }
    }
    // Sorted by generated method name: that is what progenitor hands the runtime hook.
    out.sort_by_key(|o| o.id.to_snake_case());
    out
}

/// Okta's API reference page for an operation.
pub fn reference_url(op: &OpInfo) -> String {
    format!(
        "https://developer.okta.com/docs/api/openapi/okta-management/management/tag/{}/#tag/{}/operation/{}",
        op.tag, op.tag, op.id
    )
}

/// Adds the facts to each operation's rustdoc; returns how many operations were documented.
pub fn document(file: &mut File, ops: &[OpInfo]) -> anyhow::Result<usize> {
    let by_method: BTreeMap<String, &OpInfo> = ops.iter().map(|o| (o.id.to_snake_case(), o)).collect();
    let mut n = 0;
    for item in &mut file.items {
        let Item::Trait(t) = item else { continue };
        for ti in &mut t.items {
            let TraitItem::Fn(f) = ti else { continue };
            let Some(op) = by_method.get(&f.sig.ident.to_string()) else {
                anyhow::bail!("operation method `{}` has no operation in the spec", f.sig.ident);
            };
            let scopes = if op.scopes.is_empty() {
                "none (API token only)".to_string()
            } else {
                op.scopes
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            };
            let mut doc = format!("\n\n- OAuth 2.0 scopes: {scopes}");
            if let Some(l) = &op.lifecycle {
                doc.push_str(&format!("\n- Lifecycle: {l}"));
            }
            if op.lists {
                doc.push_str("\n- Lists: pages with `Link` headers");
            }
            doc.push_str(&format!(
                "\n- Operation: `{}`; [Okta API reference]({})",
                op.id,
                reference_url(op)
            ));
            f.attrs.push(syn::parse_quote!(#[doc = #doc]));
            n += 1;
        }
    }
    if n != ops.len() {
        anyhow::bail!("documented {n} operation methods, the spec has {}", ops.len());
    }
    Ok(n)
}

/// Appends the operation table the runtime reads; returns its length.
pub fn operation_table(file: &mut File, ops: &[OpInfo], facts: &Facts) -> usize {
    let entries = ops.iter().map(|o| {
        let (id, method, path) = (&o.id, &o.method, &o.path);
        let method_name = id.to_snake_case();
        let scopes = &o.scopes;
        let lifecycle = opt(o.lifecycle.as_deref());
        let lists = o.lists;
        // Whether a retry cannot repeat a side effect: by the method, as RFC 9110 defines it
        // (Okta's POSTs create, trigger lifecycles or send mail; none is idempotent).
        let idempotent = matches!(method.as_str(), "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS");
        let media = opt(facts.request_media_type.get(id).map(String::as_str));
        let field = opt(facts.multipart_field.get(id).map(String::as_str));
        let empty: Vec<u16> = facts.empty_success.get(id).cloned().unwrap_or_default();
        let accept = opt(o.accept.as_deref());
        quote! {
            okta_runtime::OperationMeta {
                id: #id, method_name: #method_name, method: #method, path: #path, scopes: &[#(#scopes),*], lifecycle: #lifecycle,
                lists: #lists, idempotent: #idempotent, request_media_type: #media, multipart_field: #field, empty_success: &[#(#empty),*],
                response_media_type: #accept,
            }
        }
    });
    let n = ops.len();
    file.items.push(syn::parse_quote! {
        /// Every operation of the spec, sorted by generated method name (see `operation`).
        pub static OPERATIONS: [okta_runtime::OperationMeta; #n] = [#(#entries),*];
    });
    n
}

fn opt(v: Option<&str>) -> proc_macro2::TokenStream {
    match v {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}
