//! `cargo xtask docs`: the published crates' documentation, built the way docs.rs builds it,
//! with warnings as errors (a broken intra-doc link, a bad code block, a missing doc).
//!
//! docs.rs builds each crate on its own, with the features its `[package.metadata.docs.rs]`
//! names. Building several crates in one `cargo doc` would unify their features (okta-models'
//! default `full` would hide a link that only resolves with every area on), so each crate is
//! one invocation here. The facade is also built with its default features, which is what
//! `cargo doc` gives a user in their own project.

use anyhow::Context;
use std::path::Path;
use std::process::{Command, ExitCode};

/// One `cargo doc` run: the crate and the feature flags it is built with.
#[derive(Debug, PartialEq)]
pub(crate) struct DocBuild {
    pub name: String,
    pub flags: Vec<String>,
}

pub fn run(root: &Path) -> anyhow::Result<ExitCode> {
    let meta = super::metadata(root)?;
    let mut builds = Vec::new();
    for name in super::PUBLISHED {
        let package = meta["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["source"].is_null() && p["name"] == name)
            .with_context(|| format!("{name} is not a workspace member"))?;
        builds.push(DocBuild {
            name: name.to_string(),
            flags: docs_rs_flags(&package["metadata"]["docs"]["rs"])?,
        });
    }
    builds.push(DocBuild {
        name: "okta-sdk".into(),
        flags: Vec::new(),
    });
    let target = root.join("target").join("docs-check");
    for build in &builds {
        let shown = if build.flags.is_empty() {
            "default features".to_string()
        } else {
            build.flags.join(" ")
        };
        println!("cargo doc -p {} ({shown}), warnings are errors", build.name);
        let status = Command::new(super::cargo())
            .current_dir(root)
            .env("RUSTDOCFLAGS", "-D warnings")
            .args(["doc", "--no-deps", "-p", &build.name])
            .args(&build.flags)
            .arg("--target-dir")
            .arg(&target)
            .status()
            .context("running cargo doc")?;
        if !status.success() {
            anyhow::bail!(
                "the documentation of {} ({shown}) does not build ({status})",
                build.name
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The `cargo doc` feature flags for a crate's `[package.metadata.docs.rs]` table (`Null` when
/// it has none: default features, as docs.rs does). Keys docs.rs reads that would change what
/// is built here (`rustdoc-args`, `cargo-args`) are refused, so the check cannot drift from it.
pub(crate) fn docs_rs_flags(table: &serde_json::Value) -> anyhow::Result<Vec<String>> {
    let mut flags = Vec::new();
    let Some(map) = table.as_object() else {
        return Ok(flags);
    };
    for key in map.keys() {
        if !matches!(
            key.as_str(),
            "all-features" | "features" | "no-default-features" | "targets" | "default-target"
        ) {
            anyhow::bail!("[package.metadata.docs.rs] key `{key}` is not checked by `cargo xtask docs`");
        }
    }
    if map.get("all-features").and_then(serde_json::Value::as_bool) == Some(true) {
        flags.push("--all-features".into());
    }
    if map.get("no-default-features").and_then(serde_json::Value::as_bool) == Some(true) {
        flags.push("--no-default-features".into());
    }
    if let Some(features) = map.get("features") {
        let names: Vec<&str> = features
            .as_array()
            .context("[package.metadata.docs.rs] features must be a list")?
            .iter()
            .map(|f| {
                f.as_str()
                    .context("[package.metadata.docs.rs] features must be strings")
            })
            .collect::<anyhow::Result<_>>()?;
        if !names.is_empty() {
            flags.push("--features".into());
            flags.push(names.join(","));
        }
    }
    Ok(flags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn docs_rs_tables_become_cargo_doc_flags() {
        assert!(docs_rs_flags(&serde_json::Value::Null).unwrap().is_empty());
        assert_eq!(
            docs_rs_flags(&json!({"all-features": true})).unwrap(),
            ["--all-features"]
        );
        assert_eq!(
            docs_rs_flags(&json!({"features": ["full", "redis"], "targets": ["x86_64-unknown-linux-gnu"]})).unwrap(),
            ["--features", "full,redis"]
        );
        let e = docs_rs_flags(&json!({"rustdoc-args": ["--cfg", "docsrs"]})).unwrap_err();
        assert!(e.to_string().contains("rustdoc-args"), "{e}");
    }

    /// The published crates' own tables, read from `cargo metadata`.
    #[test]
    fn the_facade_documents_every_area() {
        let meta = super::super::metadata(&crate::workspace_root()).unwrap();
        let sdk = meta["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "okta-sdk")
            .unwrap();
        let flags = docs_rs_flags(&sdk["metadata"]["docs"]["rs"]).unwrap();
        assert_eq!(flags[0], "--features");
        assert!(flags[1].split(',').any(|f| f == "full"), "{flags:?}");
    }
}
