//! The API surface users code against, read back from the generated sources with syn.
//!
//! Operations come from `crates/okta-apis/src/generated.rs`: the `OPERATIONS` table (HTTP
//! method, path, scopes, lifecycle), the `Client*Ext` traits (which trait and feature expose the
//! method) and the builders in `mod builder` (one field per parameter: `Result<Option<T>, _>` is
//! optional, `Result<T, _>` is required unless `new` fills it with a default; `send`'s output is
//! the answer type). Model types come from `crates/okta-models/src/generated.rs`: structs (named
//! fields or newtypes) and enums (string enums with their catch-all, unions with their members).

use quote::ToTokens;
use std::collections::{BTreeMap, BTreeSet};
use syn::{Expr, Fields, Item, Lit};

/// Everything the report compares.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Surface {
    /// The spec's `info.version`, from the `Client` doc comment (`Version: 2026.06.3`).
    pub spec_version: Option<String>,
    /// Operations keyed by the generated method name (`list_users`).
    pub operations: BTreeMap<String, Operation>,
    /// Model types keyed by name.
    pub types: BTreeMap<String, TypeDef>,
}

/// One operation as a user calls it: `client.<method_name>().<setters>().send()`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Operation {
    /// The spec's operationId (`listUsers`).
    pub id: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template.
    pub path: String,
    /// OAuth 2.0 scopes that allow the call (any one of them).
    pub scopes: Vec<String>,
    /// `x-okta-lifecycle` (`GA`, `BETA`, ...).
    pub lifecycle: Option<String>,
    /// Whether the builder pages (`pages`, `stream`, `first_page`).
    pub lists: bool,
    /// The extension trait that declares the method (`ClientUserExt`).
    pub trait_name: Option<String>,
    /// The API-area feature that gates the operation.
    pub area: Option<String>,
    /// Path, query and header parameters, in the builder's order.
    pub params: Vec<Param>,
    /// The request body setter, when there is one.
    pub body: Option<Param>,
    /// The type `send()` answers with (inside `okta_runtime::Response<..>`).
    pub answer: Option<String>,
}

/// A builder setter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The setter's name.
    pub name: String,
    /// The type the setter converts to, as tidy token text.
    pub ty: String,
    /// Whether `send` fails when the setter was not called.
    pub presence: Presence,
}

/// Whether a parameter must be set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// `send` fails at run time ("was not initialized") unless the setter is called.
    Required,
    /// Left out of the request unless set.
    Optional,
    /// Starts from the type's default (bodies whose model has `Default`).
    Defaulted,
}

/// A model type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// `#[non_exhaustive]`: fields or variants may be added without breaking users' code.
    pub non_exhaustive: bool,
    /// The features that compile the type (`cfg(any(feature = ..))`); `None` when ungated.
    pub areas: Option<BTreeSet<String>>,
    /// What kind of type it is. For an alias of another model type (rule
    /// `identical_types_aliased`), the shape of the type it stands for.
    pub kind: TypeKind,
    /// For an alias of another model type: that type's name.
    pub same_as: Option<String>,
}

/// The shape of a model type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct {
        /// Public fields, in declaration order.
        fields: Vec<FieldDef>,
        /// Whether a private field keeps users from writing struct literals.
        has_private: bool,
    },
    /// A tuple struct (`pub struct Label(pub String)`): its fields' types.
    Newtype(Vec<String>),
    /// An enum whose variants carry no data, apart from a catch-all.
    StringEnum {
        /// Known values: (variant, wire value when the doc comment gives it).
        values: Vec<(String, Option<String>)>,
        /// The catch-all variant (`Unknown(String)`), if any.
        catch_all: Option<String>,
    },
    /// An enum whose variants wrap a type each.
    Union {
        /// (variant, wrapped type text; empty for a unit variant).
        members: Vec<(String, String)>,
        /// The catch-all variant (`Unknown(serde_json::Value)`), if any.
        catch_all: Option<String>,
    },
    /// A type alias: the aliased type.
    Alias(String),
}

impl TypeKind {
    /// A short name for messages.
    pub fn label(&self) -> &'static str {
        match self {
            TypeKind::Struct { .. } => "struct",
            TypeKind::Newtype(_) => "newtype",
            TypeKind::StringEnum { .. } => "string enum",
            TypeKind::Union { .. } => "union",
            TypeKind::Alias(_) => "type alias",
        }
    }
}

/// A public struct field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDef {
    /// The Rust field name.
    pub name: String,
    /// The field's type, as tidy token text (`Option<UserProfile>`).
    pub ty: String,
}

/// Reads the surface from the two generated source texts.
pub fn extract(models: &str, apis: &str) -> anyhow::Result<Surface> {
    let models = syn::parse_file(models).map_err(|e| anyhow::anyhow!("the models do not parse: {e}"))?;
    let apis = syn::parse_file(apis).map_err(|e| anyhow::anyhow!("the operations do not parse: {e}"))?;
    let operations = operations(&apis);
    if operations.is_empty() {
        anyhow::bail!("the operations file has no `OPERATIONS` table");
    }
    Ok(Surface {
        spec_version: spec_version(&apis),
        operations,
        types: types(&models.items),
    })
}

// ---------------------------------------------------------------- types

/// Token text with spaces only where Rust needs them and well-known paths shortened:
/// `:: std :: option :: Option < types :: User >` becomes `Option<User>`.
pub fn tidy(tokens: &str) -> String {
    let mut out = String::new();
    for piece in tokens.split_whitespace() {
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if (word(out.chars().last()) && word(piece.chars().next())) || out.ends_with(',') {
            out.push(' ');
        }
        out.push_str(piece);
    }
    for (long, short) in [
        ("::std::string::", ""),
        ("::std::vec::", ""),
        ("::std::option::", ""),
        ("::std::boxed::", ""),
        ("::std::collections::", ""),
        ("::serde_json::", "serde_json::"),
        ("::std::", "std::"),
    ] {
        out = out.replace(long, short);
    }
    strip_local_paths(&out)
}

/// Drops `types::`, `crate::` and `super::` where they start a path.
fn strip_local_paths(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'outer: while !rest.is_empty() {
        let at_start = out
            .chars()
            .last()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'));
        if at_start {
            for prefix in ["types::", "crate::", "super::"] {
                if let Some(tail) = rest.strip_prefix(prefix) {
                    rest = tail;
                    continue 'outer;
                }
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

/// A type as tidy text.
fn type_text(ty: &syn::Type) -> String {
    tidy(&ty.to_token_stream().to_string())
}

/// The features named by an item's `#[cfg(..)]` attributes; `None` when it has none.
fn cfg_features(attrs: &[syn::Attribute]) -> Option<BTreeSet<String>> {
    let mut features = BTreeSet::new();
    let mut gated = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("cfg")) {
        gated = true;
        let text = attr.meta.to_token_stream().to_string();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("feature") {
            rest = &rest[at + "feature".len()..];
            let Some(tail) = rest.trim_start().strip_prefix('=') else {
                continue;
            };
            let Some(tail) = tail.trim_start().strip_prefix('"') else {
                continue;
            };
            if let Some(end) = tail.find('"') {
                features.insert(tail[..end].to_string());
                rest = &tail[end..];
            }
        }
    }
    gated.then_some(features)
}

fn has_attr(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| a.path().is_ident(name))
}

/// The first line of an item's doc comment.
fn doc_text(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
            Expr::Lit(l) => match &l.lit {
                Lit::Str(s) => Some(s.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    })
}

fn types(items: &[Item]) -> BTreeMap<String, TypeDef> {
    let mut out = BTreeMap::new();
    for item in items {
        let (name, attrs, kind) = match item {
            Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                (s.ident.to_string(), &s.attrs, struct_kind(&s.fields))
            }
            Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                (e.ident.to_string(), &e.attrs, enum_kind(e))
            }
            Item::Type(t) if matches!(t.vis, syn::Visibility::Public(_)) => {
                (t.ident.to_string(), &t.attrs, TypeKind::Alias(type_text(&t.ty)))
            }
            _ => continue,
        };
        let def = TypeDef {
            non_exhaustive: has_attr(attrs, "non_exhaustive"),
            areas: cfg_features(attrs),
            kind,
            same_as: None,
        };
        out.insert(name, def);
    }
    // An alias of another model type is, to its users, that type under another name: it is
    // compared by the shape it stands for.
    let resolved: Vec<(String, String, bool, TypeKind)> = out
        .iter()
        .filter_map(|(name, def)| match &def.kind {
            TypeKind::Alias(target) => {
                let t = out.get(target)?;
                Some((name.clone(), target.clone(), t.non_exhaustive, t.kind.clone()))
            }
            _ => None,
        })
        .collect();
    for (name, target, non_exhaustive, kind) in resolved {
        if let Some(def) = out.get_mut(&name) {
            def.non_exhaustive = non_exhaustive;
            def.kind = kind;
            def.same_as = Some(target);
        }
    }
    out
}

fn struct_kind(fields: &Fields) -> TypeKind {
    match fields {
        Fields::Named(named) => {
            let mut public = Vec::new();
            let mut has_private = false;
            for f in &named.named {
                match (&f.vis, &f.ident) {
                    (syn::Visibility::Public(_), Some(ident)) => public.push(FieldDef {
                        name: ident.to_string(),
                        ty: type_text(&f.ty),
                    }),
                    _ => has_private = true,
                }
            }
            TypeKind::Struct {
                fields: public,
                has_private,
            }
        }
        Fields::Unnamed(unnamed) => TypeKind::Newtype(unnamed.unnamed.iter().map(|f| type_text(&f.ty)).collect()),
        Fields::Unit => TypeKind::Struct {
            fields: Vec::new(),
            has_private: false,
        },
    }
}

/// The single wrapped type of a tuple variant.
fn wrapped(v: &syn::Variant) -> Option<String> {
    match &v.fields {
        Fields::Unnamed(u) if u.unnamed.len() == 1 => u.unnamed.first().map(|f| type_text(&f.ty)),
        _ => None,
    }
}

/// String enums: unit variants plus at most one `X(String)` catch-all. Anything else is a union
/// (its catch-all is a variant named like `Unknown` that holds a `serde_json::Value`).
fn enum_kind(e: &syn::ItemEnum) -> TypeKind {
    let data: Vec<&syn::Variant> = e
        .variants
        .iter()
        .filter(|v| !matches!(v.fields, Fields::Unit))
        .collect();
    let string_catch_all = match data.as_slice() {
        [] => Some(None),
        [only] if wrapped(only).as_deref() == Some("String") => Some(Some(only.ident.to_string())),
        _ => None,
    };
    if let Some(catch_all) = string_catch_all {
        let values = e
            .variants
            .iter()
            .filter(|v| matches!(v.fields, Fields::Unit))
            .map(|v| (v.ident.to_string(), doc_text(&v.attrs)))
            .collect();
        return TypeKind::StringEnum { values, catch_all };
    }
    let is_catch_all = |v: &syn::Variant| {
        let name = v.ident.to_string();
        name.starts_with("Unknown") && wrapped(v).as_deref() == Some("serde_json::Value")
    };
    let catch_all = e.variants.iter().find(|v| is_catch_all(v)).map(|v| v.ident.to_string());
    let members = e
        .variants
        .iter()
        .filter(|v| !is_catch_all(v))
        .map(|v| {
            let ty = match &v.fields {
                Fields::Unit => String::new(),
                Fields::Unnamed(u) => u
                    .unnamed
                    .iter()
                    .map(|f| type_text(&f.ty))
                    .collect::<Vec<_>>()
                    .join(", "),
                Fields::Named(n) => tidy(&n.to_token_stream().to_string()),
            };
            (v.ident.to_string(), ty)
        })
        .collect();
    TypeKind::Union { members, catch_all }
}

// ---------------------------------------------------------------- operations

/// What the traits and builders add to a row of the `OPERATIONS` table.
#[derive(Default)]
struct Builder {
    params: Vec<Param>,
    body: Option<Param>,
    answer: Option<String>,
    lists: bool,
    area: Option<String>,
}

fn operations(apis: &syn::File) -> BTreeMap<String, Operation> {
    let mut table = BTreeMap::new();
    let mut traits = BTreeMap::new();
    let mut builders = BTreeMap::new();
    for item in &apis.items {
        match item {
            Item::Static(s) if s.ident == "OPERATIONS" => table = operation_table(&s.expr),
            Item::Trait(t) => {
                let area = first_feature(&t.attrs);
                for it in &t.items {
                    let syn::TraitItem::Fn(f) = it else { continue };
                    let builder = returned_builder(&f.sig.output);
                    // A method that also needs a second area has that area's `cfg` of its own.
                    let area = match (&area, first_feature(&f.attrs)) {
                        (Some(a), Some(also)) => Some(format!("{a} + {also}")),
                        (a, also) => a.clone().or(also),
                    };
                    traits.insert(f.sig.ident.to_string(), (t.ident.to_string(), builder, area));
                }
            }
            Item::Mod(m) if m.ident == "builder" => {
                builders = builder_structs(m.content.iter().flat_map(|(_, items)| items));
            }
            _ => {}
        }
    }
    for (method_name, op) in table.iter_mut() {
        let Some((trait_name, builder, area)) = traits.remove(method_name) else {
            continue;
        };
        op.trait_name = Some(trait_name);
        op.area = area;
        if let Some(b) = builder.and_then(|b| builders.remove(&b)) {
            op.params = b.params;
            op.body = b.body;
            op.answer = b.answer;
            op.lists |= b.lists;
            op.area = op.area.take().or(b.area);
        }
    }
    table
}

fn first_feature(attrs: &[syn::Attribute]) -> Option<String> {
    cfg_features(attrs).and_then(|f| f.into_iter().next())
}

/// `builder::ListUsers<'_>` -> `ListUsers`.
fn returned_builder(output: &syn::ReturnType) -> Option<String> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let syn::Type::Path(p) = &**ty else { return None };
    p.path.segments.last().map(|s| s.ident.to_string())
}

fn lit_str(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Some(s.value()),
            _ => None,
        },
        Expr::Reference(r) => lit_str(&r.expr),
        Expr::Group(g) => lit_str(&g.expr),
        _ => None,
    }
}

fn lit_strs(expr: &Expr) -> Vec<String> {
    match expr {
        Expr::Reference(r) => lit_strs(&r.expr),
        Expr::Array(a) => a.elems.iter().filter_map(lit_str).collect(),
        _ => Vec::new(),
    }
}

/// `Some("GA")` -> `GA`; `None` -> nothing.
fn some_str(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Call(c) => c.args.first().and_then(lit_str),
        _ => None,
    }
}

/// The rows of `OPERATIONS`, keyed by `method_name`.
fn operation_table(expr: &Expr) -> BTreeMap<String, Operation> {
    let Expr::Array(rows) = expr else {
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    for row in &rows.elems {
        let Expr::Struct(s) = row else { continue };
        let mut op = Operation::default();
        let mut method_name = None;
        for fv in &s.fields {
            let syn::Member::Named(field) = &fv.member else {
                continue;
            };
            match field.to_string().as_str() {
                "id" => op.id = lit_str(&fv.expr).unwrap_or_default(),
                "method_name" => method_name = lit_str(&fv.expr),
                "method" => op.method = lit_str(&fv.expr).unwrap_or_default(),
                "path" => op.path = lit_str(&fv.expr).unwrap_or_default(),
                "scopes" => op.scopes = lit_strs(&fv.expr),
                "lifecycle" => op.lifecycle = some_str(&fv.expr),
                "lists" => op.lists = matches!(&fv.expr, Expr::Lit(l) if matches!(&l.lit, Lit::Bool(b) if b.value)),
                _ => {}
            }
        }
        if let Some(name) = method_name {
            out.insert(name, op);
        }
    }
    out
}

/// The builders of `mod builder`, keyed by struct name.
fn builder_structs<'a>(items: impl Iterator<Item = &'a Item> + Clone) -> BTreeMap<String, Builder> {
    let mut out = BTreeMap::new();
    for item in items.clone() {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(named) = &s.fields else { continue };
        let fields: Vec<(String, &syn::Type)> = named
            .named
            .iter()
            .filter_map(|f| Some((f.ident.as_ref()?.to_string(), &f.ty)))
            .filter(|(n, _)| n != "client" && n != "options")
            .collect();
        let imp = items.clone().find_map(|i| match i {
            Item::Impl(imp)
                if imp.trait_.is_none() && self_name(&imp.self_ty).as_ref() == Some(&s.ident.to_string()) =>
            {
                Some(imp)
            }
            _ => None,
        });
        let mut b = Builder {
            area: first_feature(&s.attrs),
            ..Builder::default()
        };
        let defaulted = imp.map(defaulted_fields).unwrap_or_default();
        for (name, ty) in fields {
            let param = param(name, ty, &defaulted);
            if param.name == "body" {
                b.body = Some(param);
            } else {
                b.params.push(param);
            }
        }
        if let Some(imp) = imp {
            b.answer = answer_type(imp);
            b.lists = imp
                .items
                .iter()
                .any(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "pages"));
        }
        out.insert(s.ident.to_string(), b);
    }
    out
}

fn self_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = ty else { return None };
    p.path.segments.last().map(|s| s.ident.to_string())
}

/// Builder fields that `new` starts as `Ok(..)` (optional or defaulted), not `Err(..)`.
fn defaulted_fields(imp: &syn::ItemImpl) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let new = imp.items.iter().find_map(|i| match i {
        syn::ImplItem::Fn(f) if f.sig.ident == "new" => Some(f),
        _ => None,
    });
    let Some(syn::Stmt::Expr(Expr::Struct(init), _)) = new.and_then(|f| f.block.stmts.last()) else {
        return out;
    };
    for fv in &init.fields {
        let syn::Member::Named(name) = &fv.member else { continue };
        if let Expr::Call(c) = &fv.expr
            && matches!(&*c.func, Expr::Path(p) if p.path.is_ident("Ok"))
        {
            out.insert(name.to_string());
        }
    }
    out
}

/// The first generic argument of a path type's last segment (`Result<T, E>` -> `T`).
fn first_arg(ty: &syn::Type) -> Option<(&syn::Ident, &syn::Type)> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some((&last.ident, t)),
        _ => None,
    })
}

/// A builder field `Result<Option<T>, String>` (optional) or `Result<T, String>` (required
/// unless `new` defaults it).
fn param(name: String, ty: &syn::Type, defaulted: &BTreeSet<String>) -> Param {
    let inner = match first_arg(ty) {
        Some((result, inner)) if result == "Result" => inner,
        _ => ty,
    };
    let (presence, ty) = match first_arg(inner) {
        Some((option, t)) if option == "Option" => (Presence::Optional, t),
        _ if defaulted.contains(&name) => (Presence::Defaulted, inner),
        _ => (Presence::Required, inner),
    };
    Param {
        name,
        ty: type_text(ty),
        presence,
    }
}

/// `send(self) -> impl Future<Output = Result<okta_runtime::Response<T>, _>>` -> `T`.
fn answer_type(imp: &syn::ItemImpl) -> Option<String> {
    let send = imp.items.iter().find_map(|i| match i {
        syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
        _ => None,
    })?;
    let syn::ReturnType::Type(_, ty) = &send.sig.output else {
        return None;
    };
    let output = future_output(ty).unwrap_or(ty);
    let ok = match first_arg(output) {
        Some((result, ok)) if result == "Result" => ok,
        _ => output,
    };
    Some(match first_arg(ok) {
        Some((response, t)) if response == "Response" => type_text(t),
        _ => type_text(ok),
    })
}

/// The `Output = ..` of an `impl Future<Output = ..>` type.
fn future_output(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::ImplTrait(it) = ty else { return None };
    it.bounds.iter().find_map(|b| {
        let syn::TypeParamBound::Trait(tb) = b else { return None };
        let last = tb.path.segments.last()?;
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        args.args.iter().find_map(|a| match a {
            syn::GenericArgument::AssocType(at) if at.ident == "Output" => Some(&at.ty),
            _ => None,
        })
    })
}

/// `Version: 2026.06.3` in the doc comment of `pub struct Client`.
fn spec_version(apis: &syn::File) -> Option<String> {
    apis.items.iter().find_map(|i| match i {
        Item::Struct(s) if s.ident == "Client" => s.attrs.iter().find_map(|a| {
            let syn::Meta::NameValue(nv) = &a.meta else { return None };
            let text = lit_str(&nv.value)?;
            let at = text.find("Version:")?;
            text[at + "Version:".len()..]
                .split_whitespace()
                .next()
                .map(str::to_string)
        }),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_shortens_paths_and_spaces() {
        assert_eq!(
            tidy(":: std :: option :: Option < :: std :: vec :: Vec < types :: User > >"),
            "Option<Vec<User>>"
        );
        assert_eq!(
            tidy(":: std :: collections :: HashMap < :: std :: string :: String , crate :: Timestamp >"),
            "HashMap<String, Timestamp>"
        );
        assert_eq!(tidy("& 'a str"), "&'a str");
        assert_eq!(tidy("okta_types :: X"), "okta_types::X");
    }
}
