//! Post-processing of progenitor's output (syn trees): split, named rules, formatting.

pub mod apis;
pub mod builders;
pub mod enums;
pub mod features;
pub mod unions;

use crate::normalize::Facts;
use syn::{File, Item};

/// Splits progenitor's file into the types (for okta-models) and the rest (for okta-apis).
pub fn split(mut file: File) -> anyhow::Result<(File, File)> {
    let mut models = None;
    let mut rest = Vec::new();
    for item in std::mem::take(&mut file.items) {
        match item {
            Item::Mod(m) if m.ident == "types" => models = m.content.map(|(_, items)| items),
            other => rest.push(other),
        }
    }
    let models = models.ok_or_else(|| anyhow::anyhow!("progenitor output has no `types` module"))?;
    rest.insert(
        0,
        syn::parse_quote!(
            pub use okta_models as types;
        ),
    );
    let models_file = File {
        attrs: Vec::new(),
        items: models,
        ..file.clone()
    };
    let apis_file = File { items: rest, ..file };
    Ok((models_file, apis_file))
}

/// Applies the model rules; returns (rule, count) pairs. A rule that matches nothing fails.
pub fn models(file: &mut File, facts: &Facts) -> anyhow::Result<Vec<(&'static str, usize)>> {
    let mut counts = Vec::new();
    let n = unions::tagged_unions(&mut file.items, &facts.unions)?;
    counts.push(("tagged_unions", n));
    let n = enums::open_string_enums(&mut file.items);
    counts.push(("open_string_enums", n));
    let n = schemars_derives(&mut file.items);
    counts.push(("schemars_derives", n));
    for (name, n) in &counts {
        if *n == 0 {
            anyhow::bail!("post-processing rule `{name}` matched nothing");
        }
    }
    Ok(counts)
}

/// Rule `schemars_derives`: typify-derived types get `JsonSchema` behind the `schemars` feature.
fn schemars_derives(items: &mut [Item]) -> usize {
    let attr: syn::Attribute = syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]);
    let mut n = 0;
    for item in items.iter_mut() {
        let attrs = match item {
            Item::Struct(s) => &mut s.attrs,
            Item::Enum(e) => &mut e.attrs,
            _ => continue,
        };
        if attrs.iter().any(|a| a.path().is_ident("derive")) {
            attrs.push(attr.clone());
            n += 1;
        }
    }
    n
}
