//! `rust-version` is true: the published crates declare one `rust-version`, and no crate they
//! depend on (normal and build dependencies, with every feature on) declares a newer one.
//! No older toolchain can be installed here, so this reads the declarations in the resolved
//! graph; clippy's `incompatible_msrv` lint (run by CI with `-D warnings`) covers our own code.

use super::PUBLISHED;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A `rust-version` as numbers (`1.89` is `[1, 89, 0]`).
type Version = [u64; 3];

fn parse(text: &str) -> Option<Version> {
    let mut parts = text.split('.').map(str::parse::<u64>);
    let major = parts.next()?.ok()?;
    let minor = parts.next().unwrap_or(Ok(0)).ok()?;
    let patch = parts.next().unwrap_or(Ok(0)).ok()?;
    Some([major, minor, patch])
}

/// Checks the workspace's `cargo metadata` output; answers the declared `rust-version`.
pub fn check_metadata(meta: &Value) -> anyhow::Result<String> {
    let packages: BTreeMap<&str, &Value> = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let ours: Vec<(&str, &Value)> = packages
        .iter()
        .filter(|(_, p)| p["source"].is_null() && PUBLISHED.contains(&p["name"].as_str().unwrap_or_default()))
        .map(|(id, p)| (*id, *p))
        .collect();
    if ours.len() != PUBLISHED.len() {
        anyhow::bail!(
            "expected the {} published crates in the workspace, found {}",
            PUBLISHED.len(),
            ours.len()
        );
    }
    let declared: BTreeSet<&str> = ours
        .iter()
        .map(|(_, p)| p["rust_version"].as_str().unwrap_or(""))
        .collect();
    let [text] = declared.into_iter().collect::<Vec<_>>()[..] else {
        anyhow::bail!("the published crates must declare one rust-version (rust-version.workspace = true)");
    };
    let limit = parse(text).ok_or_else(|| anyhow::anyhow!("a published crate has no rust-version"))?;
    let mut too_new = Vec::new();
    for id in reachable(meta, ours.iter().map(|(id, _)| *id)) {
        let Some(p) = packages.get(id) else { continue };
        let Some(theirs) = p["rust_version"].as_str() else {
            continue;
        };
        if parse(theirs).is_some_and(|v| v > limit) {
            too_new.push(format!(
                "{} {} needs {theirs}",
                p["name"].as_str().unwrap_or("?"),
                p["version"].as_str().unwrap_or("?")
            ));
        }
    }
    if !too_new.is_empty() {
        anyhow::bail!(
            "rust-version {text} is not true: {} (raise rust-version in Cargo.toml, or hold these back with `cargo update --precise`)",
            too_new.join("; ")
        );
    }
    Ok(text.to_string())
}

/// Every package reachable from `start` over normal and build dependency edges.
fn reachable<'a>(meta: &'a Value, start: impl Iterator<Item = &'a str>) -> BTreeSet<&'a str> {
    let nodes: BTreeMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut todo: Vec<&str> = start.collect();
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        let deps = nodes.get(id).and_then(|n| n["deps"].as_array()).into_iter().flatten();
        for dep in deps {
            let used = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].as_str() != Some("dev"));
            if let (true, Some(pkg)) = (used, dep["pkg"].as_str()) {
                todo.push(pkg);
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn meta(dep_version: &str, dev_version: &str) -> Value {
        let mut packages: Vec<Value> = PUBLISHED
            .iter()
            .map(|n| json!({"id": n, "name": n, "version": "0.1.0", "source": null, "rust_version": "1.89"}))
            .collect();
        packages.push(json!({"id": "uuid", "name": "uuid", "version": "1.0.0", "source": "registry", "rust_version": dep_version}));
        packages.push(
            json!({"id": "big", "name": "big", "version": "2.0.0", "source": "registry", "rust_version": dev_version}),
        );
        json!({
            "packages": packages,
            "resolve": {"nodes": [
                {"id": "okta-runtime", "deps": [
                    {"pkg": "uuid", "dep_kinds": [{"kind": null}]},
                    {"pkg": "big", "dep_kinds": [{"kind": "dev"}]}
                ]}
            ]}
        })
    }

    #[test]
    fn a_dependency_newer_than_our_rust_version_is_named() {
        assert_eq!(check_metadata(&meta("1.89", "1.95")).unwrap(), "1.89");
        let e = check_metadata(&meta("1.90.1", "1.0")).unwrap_err().to_string();
        assert!(e.contains("uuid 1.0.0 needs 1.90.1") && !e.contains("big"), "{e}");
    }

    #[test]
    fn versions_compare_as_numbers() {
        assert!(parse("1.100").unwrap() > parse("1.89").unwrap());
        assert_eq!(parse("1.89"), Some([1, 89, 0]));
        assert_eq!(parse("x"), None);
    }
}
