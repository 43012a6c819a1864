//! The normalizer: named, counted, tested fixes applied in memory to the spec before progenitor.
//!
//! Each rule has a name, a reason and a function that edits the document and returns how many
//! places it changed. A rule that changes nothing fails the run: the upstream spec has been fixed
//! (or has moved) and the rule must be revisited or deleted.

mod rules;
mod traffic;
mod unions;
pub mod walk;

use serde_json::Value;
use std::collections::BTreeMap;

pub use unions::UnionSpec;

pub const HTTP_METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// What the normalizer learned that later stages (post-processing, the operation table) need.
#[derive(Debug, Default)]
pub struct Facts {
    /// Discriminated unions to emit as tagged enums with a fallback variant.
    pub unions: Vec<UnionSpec>,
    /// Per operationId: the request media type as the spec gives it, when progenitor was handed
    /// another one (the runtime puts the real one back on the wire).
    pub request_media_type: BTreeMap<String, String>,
    /// Per operationId: the multipart field that carries a file upload.
    pub multipart_field: BTreeMap<String, String>,
    /// Per operationId: success statuses that carry no body while another success status does
    /// (the runtime hands those to the decoder as `null`).
    pub empty_success: BTreeMap<String, Vec<u16>>,
}

/// One normalizer rule.
pub struct Rule {
    pub name: &'static str,
    pub reason: &'static str,
    pub apply: fn(&mut Value, &mut Facts) -> anyhow::Result<usize>,
}

/// The rules, in the order they run.
pub fn rules() -> Vec<Rule> {
    let mut all = rules::rules();
    all.extend(traffic::rules());
    all.extend(unions::rules());
    all
}

/// The outcome of a normalizer run.
pub struct Outcome {
    pub facts: Facts,
    pub counts: Vec<(&'static str, usize)>,
}

/// Runs every rule; fails loudly on a rule that no longer matches.
pub fn normalize(doc: &mut Value) -> anyhow::Result<Outcome> {
    let mut facts = Facts::default();
    let mut counts = Vec::new();
    for rule in rules() {
        let n = (rule.apply)(doc, &mut facts).map_err(|e| anyhow::anyhow!("normalizer rule `{}`: {e:#}", rule.name))?;
        if n == 0 {
            anyhow::bail!(
                "normalizer rule `{}` matched nothing. It exists because: {}. If upstream fixed this, delete the rule \
                 (xtask/src/normalize) and its test.",
                rule.name,
                rule.reason
            );
        }
        counts.push((rule.name, n));
    }
    Ok(Outcome { facts, counts })
}

/// Counts the operations of a document.
pub fn count_operations(doc: &Value) -> usize {
    doc.get("paths").and_then(Value::as_object).map_or(0, |paths| {
        paths
            .values()
            .filter_map(Value::as_object)
            .map(|item| item.keys().filter(|k| HTTP_METHODS.contains(&k.as_str())).count())
            .sum()
    })
}
