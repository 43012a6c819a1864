//! Old surface vs new surface: a list of changes, each classified by what it does to users' code
//! under Cargo's SemVer compatibility rules (the Cargo book, "SemVer Compatibility").
//!
//! - Removing an operation, a setter, a type, a field or a variant, or changing a type that users
//!   name or receive, is breaking: code that used it stops compiling.
//! - Adding a field to a `#[non_exhaustive]` struct (or one with a private field) is additive;
//!   to an exhaustive struct it is breaking (struct literals and exhaustive patterns must list
//!   every field). The same holds for a variant added to an enum: additive only when the enum is
//!   `#[non_exhaustive]`, since a `match` without a wildcard arm must list every variant. An
//!   open enum's catch-all (`Unknown(..)`) does not make the enum non-exhaustive to the compiler.
//! - Adding `#[non_exhaustive]` is breaking; removing it is additive.
//! - A new required parameter, or one that becomes required, compiles unchanged but `send()`
//!   then fails at run time until the call sets it: breaking in behaviour, and reported so.
//! - An operation or type that leaves an API-area feature is breaking for builds that enable
//!   only that feature (Cargo: removing an item from a feature is a major change).
//! - Scopes and lifecycle describe Okta's server, not the SDK: the SDK's code and requests are
//!   the same, and the server behaves the same for every SDK version, so changes to them are
//!   informational. An operation leaving GA (to beta, early access, deprecated, ...) is listed
//!   first among them with what it means (Okta may change or withdraw it with less notice, and
//!   an org may need the feature enabled), since that is the lifecycle change callers must act on.

use super::surface::{FieldDef, Operation, Param, Presence, Surface, TypeDef, TypeKind};
use std::collections::{BTreeMap, BTreeSet};

/// The feature that turns on every API area (`postprocess::features::FULL`).
const FULL: &str = crate::postprocess::features::FULL;

/// How a change affects users' code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Users' code may stop compiling or start failing: a major change (minor before 1.0).
    Breaking,
    /// Only adds: a minor change (patch before 1.0).
    Additive,
    /// Worth knowing; does not change users' code.
    Informational,
}

/// What a change is about, for grouping and counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// An operation (its method, setters, answer, scopes, lifecycle, feature).
    Operation,
    /// A model type as a whole.
    Type,
    /// A struct field.
    Field,
    /// A value of a string enum.
    EnumValue,
    /// A member of a union.
    UnionMember,
}

/// Added, removed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// It is new.
    Added,
    /// It is gone.
    Removed,
    /// It is there in both, differently.
    Changed,
}

/// One change of the surface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Breaking, additive or informational.
    pub class: Class,
    /// What kind of item changed.
    pub subject: Subject,
    /// Added, removed or changed.
    pub action: Action,
    /// The operation (method name) or type the change belongs to.
    pub owner: String,
    /// What changed, as Markdown (code in backticks).
    pub text: String,
    /// Why it has its class.
    pub reason: String,
}

/// Collects changes with less repetition.
struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, class: Class, subject: Subject, action: Action, owner: &str, text: String, reason: &str) {
        self.0.push(Change {
            class,
            subject,
            action,
            owner: owner.to_string(),
            text,
            reason: reason.to_string(),
        });
    }
}

/// Every change from `old` to `new`: operations first, then types, each in name order.
pub fn diff(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut out = Changes(Vec::new());
    operations(old, new, &mut out);
    types(old, new, &mut out);
    out.0
}

// ---------------------------------------------------------------- operations

/// `` `list_users` (`GET /api/v1/users`) ``.
fn op_label(name: &str, op: &Operation) -> String {
    format!("`{name}` (`{} {}`)", op.method, op.path)
}

fn operations(old: &Surface, new: &Surface, out: &mut Changes) {
    let added: Vec<(&String, &Operation)> = new
        .operations
        .iter()
        .filter(|(n, _)| !old.operations.contains_key(*n))
        .collect();
    let removed: Vec<(&String, &Operation)> = old
        .operations
        .iter()
        .filter(|(n, _)| !new.operations.contains_key(*n))
        .collect();
    for (name, op) in &removed {
        let twin = added.iter().find(|(_, a)| a.method == op.method && a.path == op.path);
        let mut text = op_label(name, op);
        if let Some((twin, _)) = twin {
            text.push_str(&format!(" (possibly renamed to `{twin}`)"));
        }
        let reason = "calls to the method no longer compile";
        out.push(Class::Breaking, Subject::Operation, Action::Removed, name, text, reason);
    }
    for (name, op) in &added {
        let mut text = op_label(name, op);
        if let Some(area) = &op.area {
            text.push_str(&format!(", feature `{area}`"));
        }
        if let Some((twin, _)) = removed.iter().find(|(_, r)| r.method == op.method && r.path == op.path) {
            text.push_str(&format!(" (possibly renamed from `{twin}`)"));
        }
        out.push(
            Class::Additive,
            Subject::Operation,
            Action::Added,
            name,
            text,
            "a new method",
        );
    }
    for (name, a) in &old.operations {
        if let Some(b) = new.operations.get(name) {
            operation_changes(name, a, b, out);
        }
    }
}

fn operation_changes(name: &str, a: &Operation, b: &Operation, out: &mut Changes) {
    let changed = |text: String| format!("`{name}`: {text}");
    let mut push = |class, text: String, reason: &str| {
        out.push(class, Subject::Operation, Action::Changed, name, changed(text), reason);
    };
    if (&a.method, &a.path) != (&b.method, &b.path) {
        push(
            Class::Informational,
            format!("now `{} {}` (was `{} {}`)", b.method, b.path, a.method, a.path),
            "the SDK sends what the new spec describes; calling code is unchanged",
        );
    }
    if a.trait_name != b.trait_name {
        push(
            Class::Breaking,
            format!("moved to trait `{}` (was `{}`)", opt(&b.trait_name), opt(&a.trait_name)),
            "code that imports the old trait by name (not the prelude) no longer finds the method",
        );
    }
    if a.area != b.area {
        push(
            Class::Breaking,
            format!("now behind feature `{}` (was `{}`)", opt(&b.area), opt(&a.area)),
            "a build that enables only the old feature loses the method",
        );
    }
    params(a, b, &mut push);
    answer_and_lists(a, b, &mut push);
    scopes_and_lifecycle(a, b, &mut push);
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("none")
}

fn params(a: &Operation, b: &Operation, push: &mut impl FnMut(Class, String, &str)) {
    let old: BTreeMap<&str, &Param> = a.params.iter().map(|p| (p.name.as_str(), p)).collect();
    let new: BTreeMap<&str, &Param> = b.params.iter().map(|p| (p.name.as_str(), p)).collect();
    for (name, p) in &old {
        if !new.contains_key(name) {
            let what = format!("parameter `{name}` (`{}`) removed", p.ty);
            push(Class::Breaking, what, "calls to its setter no longer compile");
        }
    }
    for (name, p) in &new {
        match old.get(name) {
            None => param_added(&format!("parameter `{name}`"), p, push),
            Some(o) => param_changed(&format!("parameter `{name}`"), o, p, push),
        }
    }
    let label = "request body";
    match (&a.body, &b.body) {
        (Some(o), None) => push(
            Class::Breaking,
            format!("{label} (`{}`) removed", o.ty),
            "calls to `.body(..)` no longer compile",
        ),
        (None, Some(n)) => param_added(label, n, push),
        (Some(o), Some(n)) => param_changed(label, o, n, push),
        (None, None) => {}
    }
}

fn param_added(label: &str, p: &Param, push: &mut impl FnMut(Class, String, &str)) {
    if p.presence == Presence::Required {
        push(
            Class::Breaking,
            format!("new required {label} (`{}`)", p.ty),
            "breaking in behaviour: existing calls compile, but `send()` fails (\"was not initialized\") until they set it",
        );
    } else {
        push(
            Class::Additive,
            format!("new optional {label} (`{}`)", p.ty),
            "a new setter that may be left out",
        );
    }
}

fn param_changed(label: &str, o: &Param, n: &Param, push: &mut impl FnMut(Class, String, &str)) {
    if o.ty != n.ty {
        push(
            Class::Breaking,
            format!("{label} retyped `{}` → `{}`", o.ty, n.ty),
            "the setter takes `TryInto` of the new type: arguments of the old type may no longer compile",
        );
    }
    match (o.presence, n.presence) {
        (x, y) if x == y => {}
        (_, Presence::Required) => push(
            Class::Breaking,
            format!("{label} is now required"),
            "breaking in behaviour: calls that leave it out compile, but `send()` fails until they set it",
        ),
        (Presence::Required, _) => push(
            Class::Additive,
            format!("{label} is now optional"),
            "it may be left out",
        ),
        _ => push(
            Class::Informational,
            format!("{label}: {:?} → {:?}", o.presence, n.presence),
            "either way it may be left out",
        ),
    }
}

fn answer_and_lists(a: &Operation, b: &Operation, push: &mut impl FnMut(Class, String, &str)) {
    if a.answer != b.answer {
        push(
            Class::Breaking,
            format!("answer retyped `{}` → `{}`", opt(&a.answer), opt(&b.answer)),
            "code that uses the answer as the old type no longer compiles",
        );
    }
    match (a.lists, b.lists) {
        (false, true) => push(
            Class::Additive,
            "now pages (`pages()`, `stream()`, `first_page()`)".to_string(),
            "new builder methods",
        ),
        (true, false) => push(
            Class::Breaking,
            "no longer pages".to_string(),
            "calls to `pages()`, `stream()` and `first_page()` no longer compile",
        ),
        _ => {}
    }
}

/// Lifecycle stages at which Okta commits to an operation.
fn generally_available(stage: &Option<String>) -> bool {
    matches!(stage.as_deref(), Some("GA") | None)
}

fn scopes_and_lifecycle(a: &Operation, b: &Operation, push: &mut impl FnMut(Class, String, &str)) {
    if a.lifecycle != b.lifecycle {
        let text = format!("lifecycle `{}` → `{}`", opt(&a.lifecycle), opt(&b.lifecycle));
        let reason = if generally_available(&a.lifecycle) && !generally_available(&b.lifecycle) {
            "leaves GA: Okta may change or withdraw it with less notice and an org may need it enabled; \
             the SDK calls it as before (the server's behaviour does not depend on the SDK version)"
        } else {
            "describes Okta's server; the SDK's code and requests are unchanged"
        };
        push(Class::Informational, text, reason);
    }
    let old: BTreeSet<&String> = a.scopes.iter().collect();
    let new: BTreeSet<&String> = b.scopes.iter().collect();
    if old != new {
        let list = |s: &BTreeSet<&String>| s.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
        let dropped = !old.is_subset(&new);
        push(
            Class::Informational,
            format!("scopes {} → {}", list(&old), list(&new)),
            if dropped {
                "a token granted only a scope no longer listed may be refused (403); the SDK's code is unchanged"
            } else {
                "one more scope allows the call; the SDK's code is unchanged"
            },
        );
    }
}

// ---------------------------------------------------------------- types

/// The types of `of` that `other` lacks.
fn only_in<'a>(of: &'a Surface, other: &Surface) -> Vec<(&'a String, &'a TypeDef)> {
    of.types.iter().filter(|(n, _)| !other.types.contains_key(*n)).collect()
}

fn types(old: &Surface, new: &Surface, out: &mut Changes) {
    let added = only_in(new, old);
    let removed = only_in(old, new);
    let renames = renames(&removed, &added);
    for (name, t) in &removed {
        let mut text = format!("`{name}` ({})", t.kind.label());
        if let Some(to) = renames.get(*name) {
            text.push_str(&format!(" (possibly renamed to `{to}`: same shape)"));
        }
        out.push(
            Class::Breaking,
            Subject::Type,
            Action::Removed,
            name,
            text,
            "code that names it no longer compiles",
        );
    }
    for (name, t) in &added {
        let mut text = format!("`{name}` ({})", t.kind.label());
        if let Some((from, _)) = renames.iter().find(|(_, to)| to == name) {
            text.push_str(&format!(" (possibly renamed from `{from}`)"));
        }
        out.push(Class::Additive, Subject::Type, Action::Added, name, text, "a new type");
    }
    // A name that is now an alias means its target in the new version, so type texts are
    // compared with the new version's aliases resolved on both sides: a field whose type is now
    // written with the target's name has not changed for code that names the old type.
    let aliases: BTreeMap<&str, &str> = new
        .types
        .iter()
        .filter_map(|(n, t)| Some((n.as_str(), t.same_as.as_deref()?)))
        .collect();
    for (name, a) in &old.types {
        if let Some(b) = new.types.get(name) {
            type_changes(name, &resolved(a, &aliases), &resolved(b, &aliases), out);
        }
    }
}

/// `t` with every type name in its field and member types replaced by what `aliases` makes it.
fn resolved(t: &TypeDef, aliases: &BTreeMap<&str, &str>) -> TypeDef {
    if aliases.is_empty() {
        return t.clone();
    }
    let text = |s: &String| -> String {
        let mut out = String::with_capacity(s.len());
        let mut word = String::new();
        for c in s.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_alphanumeric() || c == '_' {
                word.push(c);
                continue;
            }
            out.push_str(aliases.get(word.as_str()).copied().unwrap_or(&word));
            word.clear();
            out.push(c);
        }
        out.pop();
        // The formatter breaks a long type over lines with a trailing comma; a shorter name
        // drops it, which is no change.
        out.replace(", >", ">").replace(",>", ">")
    };
    let mut t = t.clone();
    match &mut t.kind {
        TypeKind::Struct { fields, .. } => fields.iter_mut().for_each(|f| f.ty = text(&f.ty)),
        TypeKind::Newtype(tys) => tys.iter_mut().for_each(|ty| *ty = text(ty)),
        TypeKind::Union { members, .. } => members.iter_mut().for_each(|(_, ty)| *ty = text(ty)),
        TypeKind::Alias(ty) => *ty = text(ty),
        TypeKind::StringEnum { .. } => {}
    }
    t
}

/// A removed type whose shape exactly one added type has (and no other removed type has), for
/// shapes with at least two members: old name -> new name.
fn renames(removed: &[(&String, &TypeDef)], added: &[(&String, &TypeDef)]) -> BTreeMap<String, String> {
    let weight = |k: &TypeKind| match k {
        TypeKind::Struct { fields, .. } => fields.iter().filter(|f| f.name != "extra").count(),
        TypeKind::StringEnum { values, .. } => values.len(),
        TypeKind::Union { members, .. } => members.len(),
        TypeKind::Newtype(_) | TypeKind::Alias(_) => 0,
    };
    let mut out = BTreeMap::new();
    for (r, t) in removed {
        if weight(&t.kind) < 2 {
            continue;
        }
        let same_new: Vec<&String> = added
            .iter()
            .filter(|(_, a)| a.kind == t.kind)
            .map(|(n, _)| *n)
            .collect();
        let same_old = removed.iter().filter(|(_, o)| o.kind == t.kind).count();
        if let ([only], 1) = (same_new.as_slice(), same_old) {
            out.insert((*r).clone(), (*only).clone());
        }
    }
    out
}

fn type_changes(name: &str, a: &TypeDef, b: &TypeDef, out: &mut Changes) {
    let ty = |text: String| format!("`{name}`: {text}");
    if a.non_exhaustive != b.non_exhaustive {
        let (class, text, reason) = if b.non_exhaustive {
            (
                Class::Breaking,
                "now `#[non_exhaustive]`",
                "struct literals and exhaustive matches of it no longer compile",
            )
        } else {
            (
                Class::Additive,
                "no longer `#[non_exhaustive]`",
                "it may now be matched exhaustively",
            )
        };
        out.push(class, Subject::Type, Action::Changed, name, ty(text.into()), reason);
    }
    areas(name, a, b, out);
    if a.same_as != b.same_as {
        let (class, text, reason) = match (&a.same_as, &b.same_as) {
            (Some(from), None) => (
                Class::Breaking,
                format!("now a type of its own (was the same type as `{from}`)"),
                "code that passes one for the other no longer compiles",
            ),
            (_, to) => (
                Class::Informational,
                format!(
                    "now the same type as `{}` (an alias; same shape)",
                    to.as_deref().unwrap_or_default()
                ),
                "code that names, builds or matches it compiles as before; trait impls of one's own for both names now conflict",
            ),
        };
        out.push(class, Subject::Type, Action::Changed, name, ty(text), reason);
    }
    match (&a.kind, &b.kind) {
        (
            TypeKind::Struct { fields: fa, .. },
            TypeKind::Struct {
                fields: fb,
                has_private,
            },
        ) => {
            let open = b.non_exhaustive || *has_private;
            fields(name, fa, fb, open, out);
        }
        (
            TypeKind::StringEnum {
                values: va,
                catch_all: ca,
            },
            TypeKind::StringEnum {
                values: vb,
                catch_all: cb,
            },
        ) => {
            enum_values(name, va, vb, b.non_exhaustive, cb.as_deref(), out);
            catch_all(name, ca, cb, b.non_exhaustive, Subject::EnumValue, out);
        }
        (
            TypeKind::Union {
                members: ma,
                catch_all: ca,
            },
            TypeKind::Union {
                members: mb,
                catch_all: cb,
            },
        ) => {
            union_members(name, ma, mb, b.non_exhaustive, out);
            catch_all(name, ca, cb, b.non_exhaustive, Subject::UnionMember, out);
        }
        (TypeKind::Newtype(x), TypeKind::Newtype(y)) if x != y => out.push(
            Class::Breaking,
            Subject::Type,
            Action::Changed,
            name,
            ty(format!("wraps `{}` (was `{}`)", y.join(", "), x.join(", "))),
            "code that builds or reads the wrapped value as the old type no longer compiles",
        ),
        (TypeKind::Alias(x), TypeKind::Alias(y)) if x != y => out.push(
            Class::Breaking,
            Subject::Type,
            Action::Changed,
            name,
            ty(format!("aliases `{y}` (was `{x}`)")),
            "code that uses it as the old type no longer compiles",
        ),
        (x, y) if std::mem::discriminant(x) != std::mem::discriminant(y) => out.push(
            Class::Breaking,
            Subject::Type,
            Action::Changed,
            name,
            ty(format!("now a {} (was a {})", y.label(), x.label())),
            "code that builds or matches it as before no longer compiles",
        ),
        _ => {}
    }
}

/// Whether some build that has the type under `old` features lacks it under `new`: one that
/// enables an area of `old` that `new` does not list (`full` enables every area, so a type
/// gated by `full` alone was only in builds that have every area).
fn narrowed(old: &Option<BTreeSet<String>>, new: &Option<BTreeSet<String>>) -> bool {
    match (old, new) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(x), Some(y)) => x.iter().any(|f| f != FULL && !y.contains(f)),
    }
}

/// A type gated by fewer features loses builds; by more, gains some.
fn areas(name: &str, a: &TypeDef, b: &TypeDef, out: &mut Changes) {
    let list = |s: &Option<BTreeSet<String>>| match s {
        None => "every build".to_string(),
        Some(s) => s.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", "),
    };
    if a.areas == b.areas {
        return;
    }
    let text = format!("`{name}`: compiled with {} (was {})", list(&b.areas), list(&a.areas));
    if narrowed(&a.areas, &b.areas) {
        out.push(
            Class::Breaking,
            Subject::Type,
            Action::Changed,
            name,
            text,
            "a build that enables only a feature it left no longer has the type",
        );
    } else {
        out.push(
            Class::Informational,
            Subject::Type,
            Action::Changed,
            name,
            text,
            "available with more features",
        );
    }
}

fn fields(name: &str, old: &[FieldDef], new: &[FieldDef], open: bool, out: &mut Changes) {
    let by_name = |fs: &[FieldDef]| {
        fs.iter()
            .map(|f| (f.name.clone(), f.ty.clone()))
            .collect::<BTreeMap<_, _>>()
    };
    let (old, new) = (by_name(old), by_name(new));
    for (field, ty) in &old {
        if !new.contains_key(field) {
            out.push(
                Class::Breaking,
                Subject::Field,
                Action::Removed,
                name,
                format!("`{name}.{field}` (`{ty}`)"),
                "code that reads or sets it no longer compiles",
            );
        }
    }
    for (field, ty) in &new {
        match old.get(field) {
            None => {
                let (class, reason) = if open {
                    (Class::Additive, "the struct is `#[non_exhaustive]`")
                } else {
                    (
                        Class::Breaking,
                        "the struct is not `#[non_exhaustive]`: struct literals must now list it",
                    )
                };
                let text = format!("`{name}.{field}` (`{ty}`)");
                out.push(class, Subject::Field, Action::Added, name, text, reason);
            }
            Some(was) if was != ty => {
                let how = match (was.starts_with("Option<"), ty.starts_with("Option<")) {
                    (true, false) => "; now always present",
                    (false, true) => "; now optional",
                    _ => "",
                };
                out.push(
                    Class::Breaking,
                    Subject::Field,
                    Action::Changed,
                    name,
                    format!("`{name}.{field}` retyped `{was}` → `{ty}`{how}"),
                    "code that reads or sets it as the old type no longer compiles",
                );
            }
            Some(_) => {}
        }
    }
}

/// Why a new variant is or is not breaking.
fn variant_added(non_exhaustive: bool) -> (Class, &'static str) {
    if non_exhaustive {
        (Class::Additive, "the enum is `#[non_exhaustive]`")
    } else {
        (
            Class::Breaking,
            "the enum is not `#[non_exhaustive]`: a `match` without a wildcard arm no longer compiles",
        )
    }
}

fn enum_values(
    name: &str,
    old: &[(String, Option<String>)],
    new: &[(String, Option<String>)],
    non_exhaustive: bool,
    catch_all: Option<&str>,
    out: &mut Changes,
) {
    let old_names: BTreeSet<&String> = old.iter().map(|(v, _)| v).collect();
    let new_names: BTreeSet<&String> = new.iter().map(|(v, _)| v).collect();
    let wire = |w: &Option<String>| w.as_ref().map(|w| format!(" (`{w}`)")).unwrap_or_default();
    for (v, w) in old.iter().filter(|(v, _)| !new_names.contains(v)) {
        let reason = match catch_all {
            Some(c) => format!("code that names it no longer compiles; the value now reads as `{c}(..)`"),
            None => "code that names it no longer compiles".to_string(),
        };
        let text = format!("`{name}::{v}`{}", wire(w));
        out.push(
            Class::Breaking,
            Subject::EnumValue,
            Action::Removed,
            name,
            text,
            &reason,
        );
    }
    for (v, w) in new.iter().filter(|(v, _)| !old_names.contains(v)) {
        let (class, why) = variant_added(non_exhaustive);
        let reason = match catch_all {
            Some(c) => format!("{why}; the value read as `{c}(..)` before"),
            None => why.to_string(),
        };
        let text = format!("`{name}::{v}`{}", wire(w));
        out.push(class, Subject::EnumValue, Action::Added, name, text, &reason);
    }
}

fn union_members(
    name: &str,
    old: &[(String, String)],
    new: &[(String, String)],
    non_exhaustive: bool,
    out: &mut Changes,
) {
    let old: BTreeMap<&String, &String> = old.iter().map(|(v, t)| (v, t)).collect();
    let new: BTreeMap<&String, &String> = new.iter().map(|(v, t)| (v, t)).collect();
    let member = |v: &str, t: &str| {
        if t.is_empty() {
            format!("`{name}::{v}`")
        } else {
            format!("`{name}::{v}({t})`")
        }
    };
    for (v, t) in &old {
        if !new.contains_key(v) {
            let text = member(v, t);
            let reason = "code that builds or matches it no longer compiles";
            out.push(
                Class::Breaking,
                Subject::UnionMember,
                Action::Removed,
                name,
                text,
                reason,
            );
        }
    }
    for (v, t) in &new {
        match old.get(v) {
            None => {
                let (class, reason) = variant_added(non_exhaustive);
                out.push(class, Subject::UnionMember, Action::Added, name, member(v, t), reason);
            }
            Some(was) if was != t => out.push(
                Class::Breaking,
                Subject::UnionMember,
                Action::Changed,
                name,
                format!("`{name}::{v}` wraps `{t}` (was `{was}`)"),
                "code that builds or matches it as the old type no longer compiles",
            ),
            Some(_) => {}
        }
    }
}

fn catch_all(
    name: &str,
    old: &Option<String>,
    new: &Option<String>,
    non_exhaustive: bool,
    subject: Subject,
    out: &mut Changes,
) {
    match (old, new) {
        (Some(c), None) => out.push(
            Class::Breaking,
            subject,
            Action::Removed,
            name,
            format!("`{name}::{c}` (the catch-all for values this SDK does not know)"),
            "code that names it no longer compiles, and unknown values fail to decode",
        ),
        (None, Some(c)) => {
            let (class, why) = variant_added(non_exhaustive);
            out.push(
                class,
                subject,
                Action::Added,
                name,
                format!("`{name}::{c}` (a catch-all for values this SDK does not know)"),
                why,
            );
        }
        _ => {}
    }
}
