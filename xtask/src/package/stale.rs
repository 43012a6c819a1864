//! Cargo's unpacked copies of our own packages, left over from an earlier `cargo package`.
//!
//! `cargo package` of several workspace crates "publishes" each one into a temporary local
//! registry (under `target/package/`) so the next can be verified against it, and Cargo
//! unpacks what it resolves from that registry into `$CARGO_HOME/registry/src/<dir>/`, named
//! `<crate>-<version>`, where `<dir>` is a hash of the local registry's path. Cargo never
//! unpacks a crate again once its directory is there, so a second packaging of the same
//! version from the same checkout path verifies the next crate against the *previous*
//! run's sources (a function added since is "not found"). The directories of a local registry
//! have no host in their name (`-<hash>`); crates.io's are `index.crates.io-<hash>`.
//!
//! Before packaging, and after, we remove exactly those copies: the published crates at the
//! version being packaged, in local-registry directories only. Nothing from crates.io is
//! touched, and a symbolic link is never followed.
//!
//! Which local-registry directory belongs to this checkout is a hash Cargo does not expose, so
//! the copies of every checkout on the machine are removed. Cargo unpacks a removed copy again
//! from its `.crate` when it next needs it, so nothing is lost; but two packagings at the same
//! time, from two checkouts that share a Cargo home, can remove a copy the other is compiling.
//! Run them one after another.
//!
//! What Cargo compiled from such a copy is stale as well, and removing the copy does not make it
//! so to Cargo: a registry crate is taken to never change (its fingerprint tracks no source
//! file), so the verification would link the previous run's library. Before packaging we also
//! run `cargo clean --profile dev -p ..` for the published crates another published crate
//! depends on (the ones verified through the local registry); [`depended_on`] finds them.

use anyhow::Context;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The crates in `published` that another crate in `published` depends on (normal or build
/// dependency): those Cargo resolves from the local registry while verifying.
pub fn depended_on<'a>(meta: &Value, published: &[&'a str]) -> Vec<&'a str> {
    let needed: std::collections::BTreeSet<&str> = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["source"].is_null() && published.contains(&p["name"].as_str().unwrap_or_default()))
        .flat_map(|p| p["dependencies"].as_array().into_iter().flatten())
        .filter(|d| d["kind"].as_str() != Some("dev"))
        .filter_map(|d| d["name"].as_str())
        .collect();
    published.iter().copied().filter(|name| needed.contains(name)).collect()
}

/// Removes stale unpacked copies of `crates` at `version` under `cargo_home`; answers what it removed.
pub fn forget(cargo_home: &Path, crates: &[&str], version: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for dir in local_registry_dirs(cargo_home)? {
        for name in crates {
            let copy = dir.join(format!("{name}-{version}"));
            if std::fs::symlink_metadata(&copy).is_ok_and(|m| m.is_dir()) {
                std::fs::remove_dir_all(&copy).with_context(|| format!("removing {}", copy.display()))?;
                removed.push(copy);
            }
        }
    }
    Ok(removed)
}

/// `$CARGO_HOME`, or `~/.cargo` as Cargo itself defaults.
pub fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::home_dir().map(|home| home.join(".cargo")))
}

/// Directories under `registry/src` that belong to a local (path) registry: no host in the name.
fn local_registry_dirs(cargo_home: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let src = cargo_home.join("registry").join("src");
    let entries = match std::fs::read_dir(&src) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", src.display())),
    };
    let mut dirs = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("reading {}", src.display()))?;
        let local = entry.file_name().to_str().is_some_and(|n| n.starts_with('-'));
        // `file_type` does not follow a symbolic link: a link is never a directory here.
        let dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if local && dir {
            dirs.push(entry.path());
        }
    }
    dirs.sort();
    Ok(dirs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(path: &Path) {
        std::fs::create_dir_all(path).unwrap();
        std::fs::write(path.join(".cargo-ok"), "{\"v\":1}").unwrap();
    }

    #[test]
    fn only_our_crates_at_this_version_in_local_registries_are_removed() {
        let home = std::env::temp_dir().join(format!("okta-xtask-stale-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        let src = home.join("registry/src");
        let local = src.join("-22c3805da5a543b4");
        let crates_io = src.join("index.crates.io-1949cf8c6b5b557f");
        for d in [
            local.join("okta-lenient-0.1.0"),
            local.join("okta-runtime-0.1.0"),
            local.join("okta-runtime-0.0.9"),
            local.join("serde-1.0.0"),
            crates_io.join("okta-lenient-0.1.0"),
        ] {
            dir(&d);
        }
        // A link to a directory elsewhere is not followed.
        let elsewhere = home.join("elsewhere");
        dir(&elsewhere.join("okta-lenient-0.1.0"));
        #[cfg(unix)]
        std::os::unix::fs::symlink(&elsewhere, src.join("-linked")).unwrap();
        let removed = forget(&home, &["okta-lenient", "okta-runtime"], "0.1.0").unwrap();
        assert_eq!(
            removed,
            vec![local.join("okta-lenient-0.1.0"), local.join("okta-runtime-0.1.0")]
        );
        assert!(!local.join("okta-lenient-0.1.0").exists());
        assert!(local.join("okta-runtime-0.0.9").exists(), "another version stays");
        assert!(local.join("serde-1.0.0").exists(), "another crate stays");
        assert!(crates_io.join("okta-lenient-0.1.0").exists(), "crates.io's copies stay");
        assert!(
            elsewhere.join("okta-lenient-0.1.0").exists(),
            "a linked directory stays"
        );
        assert!(
            forget(&home, &["okta-lenient"], "0.1.0").unwrap().is_empty(),
            "a second pass has nothing to do"
        );
        std::fs::remove_dir_all(&home).unwrap();
    }

    #[test]
    fn the_crates_verified_through_the_local_registry_are_those_another_depends_on() {
        let meta = serde_json::json!({"packages": [
            {"name": "a", "source": null, "dependencies": []},
            {"name": "b", "source": null, "dependencies": [
                {"name": "a", "kind": null}, {"name": "serde", "kind": null}, {"name": "d", "kind": "dev"}
            ]},
            {"name": "c", "source": null, "dependencies": [{"name": "b", "kind": "build"}]},
            {"name": "d", "source": null, "dependencies": []},
            {"name": "e", "source": "registry+https://github.com/rust-lang/crates.io-index",
             "dependencies": [{"name": "d", "kind": null}]}
        ]});
        assert_eq!(depended_on(&meta, &["a", "b", "c", "d"]), vec!["a", "b"]);
    }

    #[test]
    fn a_cargo_home_without_registry_is_nothing_to_do() {
        let home = std::env::temp_dir().join(format!("okta-xtask-stale-empty-{}", std::process::id()));
        assert!(forget(&home, &["okta-lenient"], "0.1.0").unwrap().is_empty());
    }
}
