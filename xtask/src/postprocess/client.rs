//! Rule `client_surface`: the client-level items progenitor writes for its own call path go,
//! so no progenitor type is part of the public API and nothing is left that only that path used:
//! - `pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue}` and the private
//!   `use progenitor_client::{encode_path, ClientHooks, OperationInfo, RequestBuilderExt}` (the
//!   builders import the runtime's `RequestError` instead, rule `builder_pipeline`);
//! - `impl ClientInfo<_> for Client` and the `const _` that asserts `Client: ClientHooks<_>`
//!   (the runtime sends every request; progenitor's hooks are never called);
//! - `Client::new`, which builds a `reqwest::Client` of its own with `unwrap` and 15-second
//!   timeouts; `new_with_client` becomes `pub(crate)` (clients come from the hand-written
//!   `ClientBuilder` and `Client::with_runtime`, which use the runtime's HTTP client).
//!
//! It fails unless it finds each of them exactly once.

use quote::quote;
use syn::{File, ImplItem, Item};

/// Applies the rule; returns how many items it removed or changed (always 6).
pub fn client_surface(file: &mut File) -> anyhow::Result<usize> {
    let mut found = [0usize; 4];
    file.items.retain(|item| {
        let text = match item {
            Item::Use(u) => quote!(#u).to_string(),
            Item::Impl(i) => quote!(#i).to_string(),
            Item::Const(c) => quote!(#c).to_string(),
            _ => return true,
        };
        let slot = match item {
            Item::Use(_) if text.contains("progenitor_client") && text.contains("ResponseValue") => 0,
            Item::Use(_) if text.contains("progenitor_client") && text.contains("ClientHooks") => 1,
            Item::Impl(i) if i.trait_.is_some() && text.contains("ClientInfo <") => 2,
            Item::Const(_) if text.contains("ClientHooks <") => 3,
            _ => return true,
        };
        found[slot] += 1;
        false
    });
    let names = [
        "`pub use progenitor_client::{.., ResponseValue}`",
        "`use progenitor_client::{.., ClientHooks, ..}`",
        "`impl ClientInfo<_> for Client`",
        "the `ClientHooks` assertion",
    ];
    for (n, name) in found.iter().zip(names) {
        if *n != 1 {
            anyhow::bail!("client_surface: found {n} of {name}, expected one");
        }
    }
    // Only the builders read the `client` field now; a build without any API area has none.
    let field = file.items.iter_mut().find_map(|item| match item {
        Item::Struct(s) if s.ident == "Client" => s
            .fields
            .iter_mut()
            .find(|f| f.ident.as_ref().is_some_and(|i| i == "client")),
        _ => None,
    });
    if let Some(field) = field {
        field.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
    }
    let client_impl = file.items.iter_mut().find_map(|item| match item {
        Item::Impl(i)
            if i.trait_.is_none() && matches!(&*i.self_ty, syn::Type::Path(p) if p.path.is_ident("Client")) =>
        {
            Some(i)
        }
        _ => None,
    });
    let Some(client_impl) = client_impl else {
        anyhow::bail!("client_surface: no `impl Client`");
    };
    let before = client_impl.items.len();
    client_impl
        .items
        .retain(|ii| !matches!(ii, ImplItem::Fn(f) if f.sig.ident == "new"));
    if client_impl.items.len() + 1 != before {
        anyhow::bail!("client_surface: `impl Client` has no `new`");
    }
    let with_client = client_impl.items.iter_mut().find_map(|ii| match ii {
        ImplItem::Fn(f) if f.sig.ident == "new_with_client" => Some(f),
        _ => None,
    });
    let Some(with_client) = with_client else {
        anyhow::bail!("client_surface: `impl Client` has no `new_with_client`");
    };
    with_client.vis = syn::parse_quote!(pub(crate));
    Ok(6)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> File {
        syn::parse_quote! {
            pub use okta_models as types;
            #[allow(unused_imports)]
            pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
            #[allow(unused_imports)]
            use progenitor_client::{encode_path, ClientHooks, OperationInfo, RequestBuilderExt};
            pub struct Client { pub(crate) baseurl: String }
            impl Client {
                pub fn new(baseurl: &str, inner: okta_runtime::Runtime) -> Self { todo!() }
                pub fn new_with_client(baseurl: &str, client: reqwest::Client, inner: okta_runtime::Runtime) -> Self { todo!() }
            }
            impl ClientInfo<okta_runtime::Runtime> for Client {
                fn api_version() -> &'static str { "2026.06.3" }
            }
            const _: () = {
                fn assert_client_hooks() where Client: ClientHooks<okta_runtime::Runtime> {}
            };
            pub mod builder {}
        }
    }

    #[test]
    fn progenitors_client_items_go() {
        let mut file = sample();
        assert_eq!(client_surface(&mut file).unwrap(), 6);
        let text = quote!(#file).to_string();
        for gone in ["progenitor_client", "ClientInfo", "ClientHooks", "pub fn new ("] {
            assert!(!text.contains(gone), "`{gone}` is left: {text}");
        }
        assert!(text.contains("pub (crate) fn new_with_client"), "{text}");
        assert!(text.contains("pub use okta_models as types"));
    }

    #[test]
    fn a_missing_item_fails_loudly() {
        let mut file = sample();
        file.items.retain(|i| !matches!(i, Item::Const(_)));
        let e = client_surface(&mut file).unwrap_err();
        assert!(e.to_string().contains("ClientHooks` assertion"), "{e}");
        let mut file = sample();
        client_surface(&mut file).unwrap();
        assert!(
            client_surface(&mut file).is_err(),
            "a second run finds nothing and says so"
        );
    }
}
