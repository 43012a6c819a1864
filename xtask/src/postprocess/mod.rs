//! Post-processing of progenitor's output (syn trees): split, named rules, formatting.

pub mod apis;
pub mod builders;
pub mod conformance;
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
    let n = builder_extra_optional(file);
    counts.push(("builder_extra_optional", n));
    for (name, n) in &counts {
        if *n == 0 {
            anyhow::bail!("post-processing rule `{name}` matched nothing");
        }
    }
    Ok(counts)
}

/// Rule `builder_extra_optional`: the `extra` map that keeps unknown keys (rule
/// `additional_properties_kept`) is required by typify's struct builders, so
/// `UserProfile::builder().login(..).email(..)` fails with "no value supplied for extra".
/// It starts empty instead.
fn builder_extra_optional(file: &mut File) -> usize {
    use syn::visit_mut::VisitMut;
    struct Fix(usize);
    impl VisitMut for Fix {
        fn visit_field_value_mut(&mut self, field: &mut syn::FieldValue) {
            let is_extra = matches!(&field.member, syn::Member::Named(i) if i == "extra");
            let text = quote::quote!(#field).to_string();
            if is_extra && text.contains("no value supplied for extra") {
                field.expr = syn::parse_quote!(Ok(Default::default()));
                self.0 += 1;
            }
            syn::visit_mut::visit_field_value_mut(self, field);
        }
    }
    let mut fix = Fix(0);
    fix.visit_file_mut(file);
    fix.0
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

#[cfg(test)]
mod tests {
    #[test]
    fn builder_extra_starts_empty() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl Default for P {
                    fn default() -> Self {
                        Self { a: Ok(Default::default()), extra: Err("no value supplied for extra".to_string()) }
                    }
                }
            }
        };
        assert_eq!(super::builder_extra_optional(&mut file), 1);
        let text = quote::quote!(#file).to_string();
        assert!(text.contains("extra : Ok (Default :: default ())"), "{text}");
        assert_eq!(super::builder_extra_optional(&mut file), 0);
    }
}
