//! `cargo xtask package`: what a user of crates.io gets, checked before anything is published.
//!
//! 1. `rust-version` is true: no crate a published crate depends on (normal and build
//!    dependencies, every feature) declares a newer one ([`msrv`]).
//! 2. `cargo package` with verification for every published crate, in one invocation (Cargo
//!    verifies each against the others' packages, as crates.io will see them); each `.crate`
//!    is reported with its size and must stay under the registry's 10 MB limit. Copies an
//!    earlier run left unpacked in Cargo's home are removed first, or Cargo would verify
//!    against them ([`stale`]).
//! 3. A consumer project outside the workspace depends on the packages (by version, patched to
//!    the packaged sources), builds the packaged quickstart example and runs it against the fake
//!    org, and runs the test from `okta-mock`'s README ([`consumer`]).

mod consumer;
pub mod docs;
mod msrv;
mod stale;

use anyhow::Context;
use std::path::Path;
use std::process::{Command, ExitCode};

/// The crates published to crates.io, in dependency order.
pub const PUBLISHED: [&str; 6] = [
    "okta-lenient",
    "okta-models",
    "okta-runtime",
    "okta-apis",
    "okta-sdk",
    "okta-mock",
];

/// crates.io refuses a `.crate` file larger than this (compressed).
const REGISTRY_LIMIT: u64 = 10 * 1024 * 1024;

/// Options of `cargo xtask package`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Options {
    /// Package uncommitted changes too (`cargo package --allow-dirty`), for local runs.
    pub allow_dirty: bool,
}

pub fn run(root: &Path, options: Options) -> anyhow::Result<ExitCode> {
    // One `cargo metadata` for every step.
    let meta = metadata(root)?;
    let rust_version = msrv::check_metadata(&meta)?;
    println!("rust-version: every published crate says {rust_version}, and nothing they depend on needs more");
    let version = workspace_version(&meta)?;
    let home = stale::cargo_home();
    forget_stale(home.as_deref(), &version)?;
    clean_compiled(root, &stale::depended_on(&meta, &PUBLISHED))?;
    let packaged = package(root, options, &version);
    // The packaging's own failure is the one to report; a cleanup failure after it only
    // when packaging succeeded.
    let cleaned = forget_stale(home.as_deref(), &version);
    let crates = packaged?;
    cleaned?;
    for (name, bytes) in &crates {
        println!("  {name:<28} {:>9.1} KiB", *bytes as f64 / 1024.0);
    }
    if let Some((name, bytes)) = crates.iter().find(|(_, b)| *b > REGISTRY_LIMIT) {
        anyhow::bail!("{name} is {bytes} bytes, over crates.io's limit of {REGISTRY_LIMIT}");
    }
    consumer::run(root, &version)?;
    Ok(ExitCode::SUCCESS)
}

/// Removes what an earlier packaging of this version left unpacked in Cargo's home ([`stale`]).
fn forget_stale(home: Option<&Path>, version: &str) -> anyhow::Result<()> {
    let Some(home) = home else {
        println!("no CARGO_HOME or home directory: no earlier unpacked copies to clear");
        return Ok(());
    };
    for copy in stale::forget(home, &PUBLISHED, version)? {
        println!("removed an earlier run's unpacked copy: {}", copy.display());
    }
    Ok(())
}

/// `cargo clean --profile dev -p ..`: what an earlier verification compiled from those crates'
/// registry copies, which Cargo would otherwise reuse ([`stale`]).
fn clean_compiled(root: &Path, crates: &[&str]) -> anyhow::Result<()> {
    if crates.is_empty() {
        return Ok(());
    }
    let mut cmd = Command::new(cargo());
    cmd.current_dir(root).args(["clean", "--quiet", "--profile", "dev"]);
    for name in crates {
        cmd.args(["-p", name]);
    }
    println!(
        "cargo clean --profile dev: {} (verified through the local registry)",
        crates.join(", ")
    );
    let status = cmd.status().context("running cargo clean")?;
    if !status.success() {
        anyhow::bail!("cargo clean failed ({status})");
    }
    Ok(())
}

/// `cargo package -p .. -p ..` with verification; answers each `.crate` file and its size.
fn package(root: &Path, options: Options, version: &str) -> anyhow::Result<Vec<(String, u64)>> {
    let mut cmd = Command::new(cargo());
    cmd.current_dir(root).arg("package");
    for name in PUBLISHED {
        cmd.args(["-p", name]);
    }
    if options.allow_dirty {
        cmd.arg("--allow-dirty");
    }
    println!("cargo package, with verification: {}", PUBLISHED.join(", "));
    let status = cmd.status().context("running cargo package")?;
    if !status.success() {
        anyhow::bail!("cargo package failed ({status})");
    }
    PUBLISHED
        .iter()
        .map(|name| {
            let file = format!("{name}-{version}.crate");
            let path = package_dir(root).join(&file);
            let len = std::fs::metadata(&path)
                .with_context(|| format!("{} after cargo package", path.display()))?
                .len();
            Ok((file, len))
        })
        .collect()
}

/// Where `cargo package` writes `.crate` files.
fn package_dir(root: &Path) -> std::path::PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into);
    target.join("package")
}

/// `cargo metadata` of the workspace, every feature on (what any user could turn on).
pub(crate) fn metadata(root: &Path) -> anyhow::Result<serde_json::Value> {
    let out = Command::new(cargo())
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--all-features"])
        .output()
        .context("running cargo metadata")?;
    if !out.status.success() {
        anyhow::bail!("cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    serde_json::from_slice(&out.stdout).context("cargo metadata printed something that is not JSON")
}

/// The version of the published crates (they all inherit the workspace's).
fn workspace_version(meta: &serde_json::Value) -> anyhow::Result<String> {
    let versions: std::collections::BTreeSet<&str> = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["source"].is_null() && PUBLISHED.contains(&p["name"].as_str().unwrap_or_default()))
        .filter_map(|p| p["version"].as_str())
        .collect();
    match versions.len() {
        1 => Ok(versions.into_iter().next().unwrap_or_default().to_string()),
        _ => anyhow::bail!("the published crates must share one version, not {versions:?}"),
    }
}

pub(crate) fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}
