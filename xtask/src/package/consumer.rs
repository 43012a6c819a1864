//! The outside consumer: a project of its own (not in the workspace) that depends on the
//! published crates by version, with `[patch.crates-io]` pointing at the unpacked `.crate`
//! files, so it builds exactly what crates.io would serve. It builds and runs the packaged
//! quickstart example against the fake org (checking its `//! expect:` lines), and runs the
//! test in `okta-mock`'s README, with Cargo's default dev profile.

use super::{PUBLISHED, cargo, package_dir};
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn run(root: &Path, version: &str) -> anyhow::Result<()> {
    let dir = package_dir(root).join("consumer");
    let unpacked = dir.join("packages");
    if unpacked.exists() {
        std::fs::remove_dir_all(&unpacked).with_context(|| format!("clearing {}", unpacked.display()))?;
    }
    std::fs::create_dir_all(&unpacked)?;
    for name in PUBLISHED {
        let file = package_dir(root).join(format!("{name}-{version}.crate"));
        // `-m`: the files get the time of unpacking, not the `.crate`'s fixed old one, so
        // Cargo sees that a rerun's packages changed and does not reuse the last build.
        let status = Command::new("tar")
            .arg("-xmzf")
            .arg(&file)
            .arg("-C")
            .arg(&unpacked)
            .status()
            .context("running tar")?;
        if !status.success() {
            anyhow::bail!("could not unpack {}", file.display());
        }
    }
    let sdk = unpacked.join(format!("okta-sdk-{version}"));
    let mock = unpacked.join(format!("okta-mock-{version}"));
    write(&dir.join("Cargo.toml"), &manifest(version, &unpacked))?;
    let quickstart = read(&sdk.join("examples/quickstart.rs"))?;
    write(&dir.join("src/main.rs"), &quickstart)?;
    write(
        &dir.join("src/common/mod.rs"),
        &read(&sdk.join("examples/common/mod.rs"))?,
    )?;
    let test = readme_test(&read(&mock.join("README.md"))?)
        .ok_or_else(|| anyhow::anyhow!("okta-mock's packaged README has no ```rust,ignore test"))?;
    write(&dir.join("tests/readme.rs"), &test)?;

    println!("outside consumer in {}: the packaged quickstart", dir.display());
    let out = cargo_in(&dir, &["run", "--quiet"])?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        anyhow::bail!(
            "the consumer's quickstart failed ({}):\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let problems = crate::examples::check_output(&stdout, &crate::examples::expectations(&quickstart));
    if !problems.is_empty() {
        anyhow::bail!(
            "the consumer's quickstart printed the wrong thing: {}\n{stdout}",
            problems.join("; ")
        );
    }
    print!("{stdout}");
    println!("outside consumer: the test from okta-mock's README");
    let out = cargo_in(&dir, &["test", "--quiet"])?;
    if !out.status.success() {
        anyhow::bail!(
            "the consumer's test failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    println!("outside consumer: the quickstart ran and the README test passed");
    Ok(())
}

/// The consumer's manifest: the published crates by version, patched to their packages.
fn manifest(version: &str, unpacked: &Path) -> String {
    let mut patch = String::new();
    for name in PUBLISHED {
        let path = unpacked.join(format!("{name}-{version}"));
        patch.push_str(&format!("{name} = {{ path = {:?} }}\n", path.display().to_string()));
    }
    format!(
        "[package]\nname = \"okta-consumer\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         # Not a member of any workspace above it.\n[workspace]\n\n\
         [dependencies]\nokta-sdk = \"{version}\"\nokta-mock = \"{version}\"\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\
         futures = \"0.3\"\nrand = \"0.8\"\n\n\
         # What crates.io would serve: the packaged sources.\n[patch.crates-io]\n{patch}"
    )
}

/// The first ```` ```rust,ignore ```` block of a README: the test it shows users.
fn readme_test(readme: &str) -> Option<String> {
    let start = readme.find("```rust,ignore\n")? + "```rust,ignore\n".len();
    let len = readme[start..].find("```")?;
    Some(readme[start..start + len].to_string())
}

/// Runs cargo in the consumer, outside this workspace's environment: its own target
/// directory, and no `OKTA_*` variables (the quickstart must use the fake org).
fn cargo_in(dir: &Path, args: &[&str]) -> anyhow::Result<std::process::Output> {
    // HOME moves (no ~/.okta/okta.yaml of the machine's user is read); Cargo's home stays.
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .ok_or_else(|| anyhow::anyhow!("neither CARGO_HOME nor HOME is set"))?;
    let mut cmd = Command::new(cargo());
    cmd.current_dir(dir)
        .env("CARGO_HOME", cargo_home)
        .args(args)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("HOME", std::env::temp_dir())
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_INCREMENTAL");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("OKTA_") {
            cmd.env_remove(&key);
        }
    }
    cmd.output()
        .with_context(|| format!("running cargo {} in {}", args.join(" "), dir.display()))
}

fn read(path: &PathBuf) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_test_is_the_first_ignored_rust_block() {
        let readme = "# x\n```toml\na = 1\n```\n```rust,ignore\n#[test]\nfn t() {}\n```\n```rust,ignore\nno\n```\n";
        assert_eq!(readme_test(readme).as_deref(), Some("#[test]\nfn t() {}\n"));
        assert_eq!(readme_test("nothing"), None);
    }

    #[test]
    fn the_manifest_patches_every_published_crate_to_its_package() {
        let m = manifest("0.1.0", Path::new("/p"));
        assert!(m.contains("okta-sdk = \"0.1.0\""), "{m}");
        for name in PUBLISHED {
            assert!(m.contains(&format!("{name} = {{ path = \"/p/{name}-0.1.0\" }}")), "{m}");
        }
    }
}
