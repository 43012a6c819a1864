//! Model construction rules: typify's struct builders go, and every struct is
//! `#[non_exhaustive]`, built from `Default` (or `new` with its required fields) and chained
//! setters that take `impl Into<T>`.

use quote::{format_ident, quote};
use std::collections::HashSet;
use syn::{Fields, Item, Type};

/// Rule `struct_builders_removed`: typify's `builder` module (a second struct, a setter per field
/// holding `Result`s, and `TryFrom` impls for every model: about 200k of okta-models' 331k
/// lines, and most of its build time) and each model's `builder()` function are dropped. The
/// models' own setters (rule `model_setters`) replace them. Counts the builder structs dropped.
pub fn struct_builders_removed(items: &mut Vec<Item>) -> anyhow::Result<usize> {
    let mut dropped = 0;
    items.retain(|item| match item {
        Item::Mod(m) if m.ident == "builder" => {
            dropped = m.content.as_ref().map_or(0, |(_, inner)| {
                inner.iter().filter(|i| matches!(i, Item::Struct(_))).count()
            });
            false
        }
        _ => true,
    });
    let mut functions = 0;
    for item in items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        imp.items.retain(|i| {
            let is_builder = matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "builder" && f.sig.inputs.is_empty());
            functions += usize::from(is_builder);
            !is_builder
        });
    }
    items.retain(|item| !matches!(item, Item::Impl(imp) if imp.trait_.is_none() && imp.items.is_empty()));
    if dropped != functions {
        anyhow::bail!(
            "rule `struct_builders_removed`: {dropped} builder structs but {functions} `builder()` functions; typify's builder layout changed"
        );
    }
    Ok(dropped)
}

/// Rule `models_non_exhaustive`: every struct with named fields, and every enum with an
/// `Unknown` variant (open string enums, tagged unions), is `#[non_exhaustive]`, so a field or
/// value a later spec release adds breaks no user's code. Structs are built with `Default` or
/// `new` and the setters of rule `model_setters`.
pub fn models_non_exhaustive(items: &mut [Item]) -> usize {
    let attr: syn::Attribute = syn::parse_quote!(#[non_exhaustive]);
    let mut n = 0;
    for item in items.iter_mut() {
        let attrs = match item {
            Item::Struct(s) if matches!(s.fields, Fields::Named(_)) => &mut s.attrs,
            Item::Enum(e) if e.variants.iter().any(|v| v.ident == "Unknown") => &mut e.attrs,
            _ => continue,
        };
        if attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
            continue;
        }
        attrs.push(attr.clone());
        n += 1;
    }
    n
}

/// Rule `string_newtypes_from_str`: a string newtype (`ApplicationLabel(String)`) converts from
/// `&str` as well as `String`, so its setter takes a literal (`set_label("Handbook")`).
pub fn string_newtypes_from_str(items: &mut Vec<Item>) -> usize {
    let has_from_str: HashSet<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(imp)
                if quote!(#imp)
                    .to_string()
                    .starts_with("impl :: std :: convert :: From < & str >") =>
            {
                super::enums::type_name(&imp.self_ty)
            }
            _ => None,
        })
        .collect();
    let mut added: Vec<Item> = Vec::new();
    for item in items.iter() {
        let Item::Struct(st) = item else { continue };
        let Fields::Unnamed(fields) = &st.fields else { continue };
        let [field] = fields.unnamed.iter().collect::<Vec<_>>()[..] else {
            continue;
        };
        let ty = &field.ty;
        if quote!(#ty).to_string() != ":: std :: string :: String" || has_from_str.contains(&st.ident.to_string()) {
            continue;
        }
        let name = &st.ident;
        added.push(syn::parse_quote! {
            impl ::std::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    Self(value.to_string())
                }
            }
        });
    }
    let n = added.len();
    items.extend(added);
    n
}

/// What a setter does with its argument, by the field's type.
enum Shape {
    /// `Option<T>`: `set_x(v)` stores `Some`, `set_or_clear_x(Option<v>)` may clear.
    Optional(Box<Shape>),
    /// `Vec<T>`: any iterator of values that convert.
    List(Type),
    /// `Box<T>`: the value boxed.
    Boxed(Type),
    /// Anything else: `impl Into<T>`.
    Plain(Type),
}

fn generic_arg<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

fn shape(ty: &Type) -> Shape {
    if let Some(inner) = generic_arg(ty, "Option") {
        return Shape::Optional(Box::new(shape(inner)));
    }
    if let Some(inner) = generic_arg(ty, "Vec") {
        return Shape::List(inner.clone());
    }
    if let Some(inner) = generic_arg(ty, "Box") {
        return Shape::Boxed(inner.clone());
    }
    Shape::Plain(ty.clone())
}

/// The argument type and the expression that turns argument `v` into the stored value.
fn conversion(shape: &Shape) -> (proc_macro2::TokenStream, proc_macro2::TokenStream) {
    match shape {
        Shape::Optional(inner) => {
            let (arg, value) = conversion(inner);
            (arg, quote!(::std::option::Option::Some(#value)))
        }
        Shape::List(item) => (
            quote!(impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<#item>>),
            quote!(v.into_iter().map(::std::convert::Into::into).collect()),
        ),
        Shape::Boxed(inner) => (
            quote!(impl ::std::convert::Into<#inner>),
            quote!(::std::boxed::Box::new(v.into())),
        ),
        Shape::Plain(ty) => (quote!(impl ::std::convert::Into<#ty>), quote!(v.into())),
    }
}

/// The value type of a flattened map field (`extra`: the keys the spec does not name).
fn flattened_map_value(field: &syn::Field) -> Option<Type> {
    if !super::serde_args(field).iter().any(|a| a == "flatten") {
        return None;
    }
    let Type::Path(p) = &field.ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Map" && last.ident != "HashMap" && last.ident != "BTreeMap" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.iter().nth(1)? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

fn has_serde_default(field: &syn::Field) -> bool {
    super::serde_args(field).iter().any(|a| a == "default")
}

/// Rule `model_setters`: every struct with named fields gets chained setters in the
/// google-cloud-rust shape: `set_x(impl Into<T>)` (a list takes any iterator of values that
/// convert; an optional field stores `Some`), `set_or_clear_x(Option<..>)` for optional fields,
/// and `set_extra(name, value)` for a key the spec does not name (rule `open_objects`). A struct
/// without `Default` (a required field of a type with no default) gets `new` taking its required
/// fields. Counts the structs.
pub fn model_setters(items: &mut Vec<Item>) -> anyhow::Result<usize> {
    let mut added = Vec::new();
    for item in items.iter() {
        let Item::Struct(st) = item else { continue };
        let Fields::Named(fields) = &st.fields else { continue };
        let name = &st.ident;
        let cfgs: Vec<_> = st.attrs.iter().filter(|a| a.path().is_ident("cfg")).collect();
        let derives_default = st.attrs.iter().any(|a| {
            a.path().is_ident("derive")
                && quote!(#a)
                    .to_string()
                    .split([',', '(', ')'])
                    .any(|d| d.trim() == "Default")
        });
        let mut methods = Vec::new();
        let mut names = HashSet::new();
        let mut required = Vec::new();
        let mut others = Vec::new();
        for field in &fields.named {
            let Some(ident) = &field.ident else { continue };
            if ident == "discriminator_" {
                // Rule `tags_from_variants`: read and dropped, never set.
                others.push(ident.clone());
                continue;
            }
            if let Some(value_type) = flattened_map_value(field) {
                others.push(ident.clone());
                let set = format_ident!("set_{}", ident);
                methods.push(quote! {
                    /// Sets one property the spec does not name (a custom attribute, a newer
                    /// field), replacing any value it had.
                    pub fn #set(mut self, name: impl ::std::convert::Into<::std::string::String>, value: impl ::std::convert::Into<#value_type>) -> Self {
                        self.#ident.insert(name.into(), value.into());
                        self
                    }
                });
                continue;
            }
            let bare = ident
                .to_string()
                .trim_start_matches("r#")
                .trim_end_matches('_')
                .to_string();
            if !names.insert(bare.clone()) {
                anyhow::bail!("rule `model_setters`: {name} has two fields named `{bare}` once the `_` is trimmed");
            }
            let set = format_ident!("set_{}", bare);
            let doc = format!("Sets `{ident}`.");
            let shape = shape(&field.ty);
            let (arg, value) = conversion(&shape);
            methods.push(quote! {
                #[doc = #doc]
                pub fn #set(mut self, v: #arg) -> Self {
                    self.#ident = #value;
                    self
                }
            });
            match &shape {
                Shape::Optional(inner) => {
                    others.push(ident.clone());
                    let clear = format_ident!("set_or_clear_{}", bare);
                    let doc = format!("Sets `{ident}`, or clears it with `None`.");
                    let (arg, value) = conversion(inner);
                    methods.push(quote! {
                        #[doc = #doc]
                        pub fn #clear(mut self, v: ::std::option::Option<#arg>) -> Self {
                            // A `match`, not `v.map(|v| ..)`: a closure is one more body for
                            // the compiler to check, in every setter (BENCHMARKS.md, scenario 6).
                            self.#ident = match v {
                                ::std::option::Option::Some(v) => ::std::option::Option::Some(#value),
                                ::std::option::Option::None => ::std::option::Option::None,
                            };
                            self
                        }
                    });
                }
                _ if !has_serde_default(field) => required.push((ident.clone(), arg, value)),
                _ => others.push(ident.clone()),
            }
        }
        if !derives_default {
            let params = required.iter().map(|(ident, arg, _)| quote!(#ident: #arg));
            let inits = required
                .iter()
                .map(|(ident, _, value)| quote!(#ident: { let v = #ident; #value }));
            let doc =
                format!("A `{name}` with its required fields; the others are empty until their setters are called.");
            methods.insert(
                0,
                quote! {
                    #[doc = #doc]
                    pub fn new(#(#params),*) -> Self {
                        Self {
                            #(#inits,)*
                            #(#others: ::std::default::Default::default(),)*
                        }
                    }
                },
            );
        }
        if methods.is_empty() {
            continue;
        }
        added.push(syn::parse_quote! {
            #(#cfgs)*
            impl #name {
                #(#methods)*
            }
        });
    }
    let n = added.len();
    items.extend(added);
    Ok(n)
}

/// The structs among `items` that derive `Default`.
pub fn defaultable(items: &[Item]) -> HashSet<String> {
    let mut out: HashSet<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(st)
                if st.attrs.iter().any(|a| {
                    a.path().is_ident("derive")
                        && quote!(#a)
                            .to_string()
                            .split([',', '(', ')'])
                            .any(|d| d.trim() == "Default")
                }) =>
            {
                Some(st.ident.to_string())
            }
            _ => None,
        })
        .collect();
    // An alias (rule `identical_types_aliased`) of a type with `Default` has it too.
    let aliases: Vec<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Type(t) => {
                let target = super::features::type_owner(&t.ty)?;
                out.contains(&target).then(|| t.ident.to_string())
            }
            _ => None,
        })
        .collect();
    out.extend(aliases);
    out
}

/// Rule `bodies_without_builders`: an operation builder held its body as typify's struct
/// builder (`Result<types::builder::X, String>`), with `body_map` to edit it and a conversion
/// when the request is built. With those builders gone (rule `struct_builders_removed`) it holds
/// the model itself: `body(value)` takes anything that converts into it, `body_map` goes, and a
/// builder whose body type has no `Default` starts without one (a clear error if never set).
/// Counts the builders changed.
pub fn bodies_without_builders(file: &mut syn::File, defaults: &HashSet<String>) -> anyhow::Result<usize> {
    use syn::visit_mut::VisitMut;
    /// `types::builder::X` -> `types::X`, remembering X.
    struct Types(Vec<String>);
    impl VisitMut for Types {
        fn visit_type_path_mut(&mut self, p: &mut syn::TypePath) {
            let segs: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
            if segs.len() == 3 && segs[0] == "types" && segs[1] == "builder" {
                let kept: syn::punctuated::Punctuated<syn::PathSegment, syn::Token![::]> = p
                    .path
                    .segments
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != 1)
                    .map(|(_, s)| s.clone())
                    .collect();
                self.0.push(segs[2].clone());
                p.path.segments = kept;
            }
            syn::visit_mut::visit_type_path_mut(self, p);
        }
    }
    /// `body.and_then(|v| types::X::try_from(v).map_err(..))` -> `body`.
    struct Conversions(usize);
    impl VisitMut for Conversions {
        fn visit_expr_mut(&mut self, e: &mut syn::Expr) {
            if let syn::Expr::MethodCall(call) = e
                && call.method == "and_then"
                && matches!(&*call.receiver, syn::Expr::Path(p) if p.path.is_ident("body"))
                && quote!(#call).to_string().contains("try_from")
            {
                *e = syn::parse_quote!(body);
                self.0 += 1;
                return;
            }
            syn::visit_mut::visit_expr_mut(self, e);
        }
    }
    let mut changed = 0;
    let mut builders = Vec::new();
    for item in file.items.iter_mut() {
        let Item::Mod(m) = item else { continue };
        if m.ident != "builder" {
            continue;
        }
        let Some((_, inner)) = m.content.as_mut() else { continue };
        builders.extend(inner.iter_mut());
    }
    let mut bodies: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for item in builders.iter_mut() {
        let Item::Struct(st) = item else { continue };
        let mut types = Types(Vec::new());
        types.visit_item_struct_mut(st);
        if let [body] = types.0.as_slice() {
            bodies.insert(st.ident.to_string(), body.clone());
        } else if !types.0.is_empty() {
            anyhow::bail!(
                "rule `bodies_without_builders`: {} holds {} typify builders",
                st.ident,
                types.0.len()
            );
        }
    }
    for item in builders.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let Some(owner) = super::enums::type_name(&imp.self_ty) else {
            continue;
        };
        let Some(body) = bodies.get(&owner) else { continue };
        let before = imp.items.len();
        imp.items
            .retain(|i| !matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "body_map"));
        let mut conversions = Conversions(0);
        conversions.visit_item_impl_mut(imp);
        if before - imp.items.len() != 1 || conversions.0 != 1 {
            anyhow::bail!(
                "rule `bodies_without_builders`: {owner}: {} body_map functions and {} builder conversions (want one each)",
                before - imp.items.len(),
                conversions.0
            );
        }
        if !defaults.contains(body) {
            let message = format!("{owner}: no body was set");
            let mut start = StartWithout(message, 0);
            start.visit_item_impl_mut(imp);
            if start.1 != 1 {
                anyhow::bail!("rule `bodies_without_builders`: {owner}: the body's start value was not found");
            }
        }
        changed += 1;
    }
    /// `body: Ok(Default::default())` in `new` -> `body: Err("..".to_string())`.
    struct StartWithout(String, usize);
    impl VisitMut for StartWithout {
        fn visit_field_value_mut(&mut self, fv: &mut syn::FieldValue) {
            if matches!(&fv.member, syn::Member::Named(i) if i == "body") {
                let message = &self.0;
                fv.expr = syn::parse_quote!(Err(#message.to_string()));
                self.1 += 1;
            }
        }
    }
    if changed != bodies.len() {
        anyhow::bail!(
            "rule `bodies_without_builders`: {} builders hold a body builder, {changed} changed",
            bodies.len()
        );
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<T: quote::ToTokens>(t: &T) -> String {
        quote!(#t).to_string()
    }

    #[test]
    fn builders_go_and_setters_come() {
        let mut items: Vec<Item> = vec![
            syn::parse_quote! {
                #[derive(Clone, Debug, Default)]
                pub struct P {
                    pub login: ::std::option::Option<::std::string::String>,
                    pub tags: ::std::vec::Vec<::std::string::String>,
                    pub type_: ::std::option::Option<::std::boxed::Box<Kind>>,
                    #[serde(flatten)]
                    pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                }
            },
            syn::parse_quote! { impl P { pub fn builder() -> builder::P { Default::default() } } },
            syn::parse_quote! { pub mod builder { pub struct P { login: Result<u8, String> } } },
            syn::parse_quote! {
                #[derive(Clone, Debug)]
                pub struct Tagged { pub kind: Kind, pub note: ::std::option::Option<::std::string::String> }
            },
            syn::parse_quote! { impl Tagged { pub fn builder() -> builder::Tagged { Default::default() } } },
        ];
        // Two `builder()` functions but one builder struct: typify's layout changed, fail.
        assert!(struct_builders_removed(&mut items.clone()).is_err());
        items.retain(|i| !text(i).starts_with("impl Tagged"));
        assert_eq!(struct_builders_removed(&mut items).unwrap(), 1);
        assert!(!items.iter().any(|i| text(i).contains("builder")), "builders are gone");
        assert_eq!(models_non_exhaustive(&mut items), 2);
        assert_eq!(model_setters(&mut items).unwrap(), 2);
        let all = items.iter().map(text).collect::<Vec<_>>().join("\n");
        assert!(all.contains("pub fn set_login (mut self , v : impl :: std :: convert :: Into < :: std :: string :: String >) -> Self"), "{all}");
        assert!(all.contains("pub fn set_or_clear_login"), "{all}");
        assert!(
            all.contains("Item = impl :: std :: convert :: Into < :: std :: string :: String >"),
            "lists take iterators: {all}"
        );
        assert!(all.contains("pub fn set_type"), "the `_` is trimmed: {all}");
        assert!(all.contains(":: std :: boxed :: Box :: new (v . into ())"), "{all}");
        assert!(all.contains("pub fn set_extra (mut self , name"), "{all}");
        assert!(
            all.contains("pub fn new (kind : impl :: std :: convert :: Into < Kind >) -> Self"),
            "{all}"
        );
        assert!(
            all.contains("note : :: std :: default :: Default :: default ()"),
            "{all}"
        );
        assert_eq!(all.matches("# [non_exhaustive]").count(), 2);
    }

    #[test]
    fn operation_bodies_hold_the_model() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct AddGroup<'a> { body: Result<types::builder::AddGroupBody, String> }
                impl<'a> AddGroup<'a> {
                    pub fn new() -> Self { Self { body: Ok(::std::default::Default::default()) } }
                    pub fn body_map<F>(mut self, f: F) -> Self { self.body = self.body.map(f); self }
                    fn request(self) -> Result<u8, Error> {
                        let body = body.and_then(|v| types::AddGroupBody::try_from(v).map_err(|e| e.to_string())).map_err(Error::InvalidRequest)?;
                        Ok(0)
                    }
                }
            }
        };
        let none = HashSet::new();
        assert_eq!(bodies_without_builders(&mut file, &none).unwrap(), 1);
        let t = text(&file);
        assert!(t.contains("Result < types :: AddGroupBody , String >"), "{t}");
        assert!(!t.contains("body_map") && !t.contains("try_from"), "{t}");
        assert!(t.contains("Err (\"AddGroup: no body was set\" . to_string ())"), "{t}");
    }

    #[test]
    fn string_newtypes_take_literals() {
        let mut items: Vec<Item> = vec![
            syn::parse_quote! { pub struct Label(pub ::std::string::String); },
            syn::parse_quote! { pub struct Count(pub u64); },
        ];
        assert_eq!(string_newtypes_from_str(&mut items), 1);
        assert_eq!(string_newtypes_from_str(&mut items), 0, "once");
    }
}
