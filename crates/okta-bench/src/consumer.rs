//! Scenario 6: what a user pays to compile the SDK.
//!
//! A project outside the workspace (in the system's temporary directory, with a `[workspace]` of
//! its own so the workspace's profiles do not reach it) depends on the facade by path, and is
//! built with Cargo's default dev profile: full debug info for every dependency, as a user gets
//! it. Each build starts from an empty target directory; dependencies resolve from the registry
//! as a new user's would (no lock file is copied). Measured per build: wall time, the peak
//! resident memory of the largest compiler process, and the size of the debug binary.

use crate::floor::BoxError;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One clean build of the consumer.
pub struct Build {
    /// What was built, for the report.
    pub what: String,
    /// Wall time of `cargo build`.
    pub time: Duration,
    /// Peak RSS of the largest process the build ran (rustc), in KiB.
    pub peak_kib: u64,
    /// Size of the debug binary, in bytes.
    pub binary_bytes: u64,
}

/// The feature sets built, in order: label, the facade's dependency options, and whether the
/// `users` area is in (the program calls it then).
const SETS: [(&str, &str, bool); 4] = [
    ("no area", "default-features = false", false),
    (
        "users+groups",
        "default-features = false, features = [\"users\", \"groups\"]",
        true,
    ),
    ("default features", "", true),
    ("all areas", "features = [\"full\"]", true),
];

/// The facade's package name, as the consumer's manifest names its dependency.
const FACADE: &str = "okta-sdk";

/// The consumer's program: the quickstart's first call where the `users` area is there, a client
/// built from the environment otherwise, so it compiles with every feature set.
const MAIN: &str = r#"#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = okta_sdk::Client::from_env()?;
    #[cfg(feature = "users")]
    {
        use okta_sdk::prelude::*;
        let users = client.list_users().limit(1).send().await?;
        for user in users.iter() {
            println!("{} {}", user.id, user.profile.login);
        }
    }
    #[cfg(not(feature = "users"))]
    let _ = client;
    Ok(())
}
"#;

/// Builds the consumer with each feature set from clean, then once more after touching
/// `main.rs` (an incremental rebuild with default features). The project is removed afterwards.
pub fn builds(root: &Path) -> Result<(Vec<Build>, Duration), BoxError> {
    let dir = std::env::temp_dir().join(format!("okta-bench-consumer-{}", std::process::id()));
    let facade = root.join("crates/okta-sdk").canonicalize()?;
    let result = run(&dir, &facade);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run(dir: &Path, facade: &Path) -> Result<(Vec<Build>, Duration), BoxError> {
    let mut out = Vec::new();
    let mut incremental = Duration::ZERO;
    for (label, dep, users) in SETS {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir.join("src"))?;
        std::fs::write(dir.join("Cargo.toml"), manifest(facade, dep, users))?;
        std::fs::write(dir.join("src/main.rs"), MAIN)?;
        let (time, peak_kib) = cargo_build(dir)?;
        let binary = dir.join("target/debug/consumer");
        let binary_bytes = std::fs::metadata(&binary)?.len();
        eprintln!(
            "   {label}: {:.1} s, peak {:.2} GiB, binary {:.0} MiB",
            time.as_secs_f64(),
            peak_kib as f64 / 1024.0 / 1024.0,
            binary_bytes as f64 / 1024.0 / 1024.0
        );
        out.push(Build {
            what: label.to_string(),
            time,
            peak_kib,
            binary_bytes,
        });
        if label == "default features" {
            let main = dir.join("src/main.rs");
            std::fs::write(&main, format!("{MAIN}\n// touched\n"))?;
            incremental = cargo_build(dir)?.0;
        }
    }
    Ok((out, incremental))
}

fn manifest(facade: &Path, dep: &str, users: bool) -> String {
    let dep = if dep.is_empty() {
        String::new()
    } else {
        format!(", {dep}")
    };
    let default = if users { "default = [\"users\"]\n" } else { "" };
    format!(
        "[package]\nname = \"consumer\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n\
         [dependencies]\n{FACADE} = {{ path = {path:?}{dep} }}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\n\
         [features]\n{default}users = []\n",
        path = facade.display().to_string(),
    )
}

/// Runs `cargo build` in `dir` in a child process of this binary (`okta-bench peak ...`), which
/// reports the peak RSS of the largest process it waited for: the build's alone.
fn cargo_build(dir: &Path) -> Result<(Duration, u64), BoxError> {
    let me = std::env::current_exe()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let t = Instant::now();
    let out = std::process::Command::new(me)
        .arg("peak")
        .arg(&cargo)
        .args(["build", "--quiet"])
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_INCREMENTAL")
        .env_remove("RUSTFLAGS")
        .stderr(std::process::Stdio::inherit())
        .output()?;
    let time = t.elapsed();
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("the consumer build in {} failed: {text}", dir.display()).into());
    }
    let peak = text
        .lines()
        .find_map(|l| l.strip_prefix("peak_kib "))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("no peak_kib line from the build: {text}"))?;
    Ok((time, peak))
}

/// `okta-bench peak CMD ARGS..`: runs the command, then prints `peak_kib N`, the largest peak
/// RSS among the processes this one (and they) waited for.
pub fn peak_child(args: &[String]) -> Result<(), BoxError> {
    let (cmd, rest) = args.split_first().ok_or("peak needs a command")?;
    let status = std::process::Command::new(cmd).args(rest).status()?;
    if !status.success() {
        return Err(format!("{cmd} {} failed: {status}", rest.join(" ")).into());
    }
    println!("peak_kib {}", children_peak_kib()?);
    Ok(())
}

fn children_peak_kib() -> Result<u64, BoxError> {
    let usage = crate::stats::rusage(libc::RUSAGE_CHILDREN)?;
    Ok(u64::try_from(usage.ru_maxrss).unwrap_or(0))
}

/// Lines of the generated models, for the report.
pub fn model_lines(root: &Path) -> usize {
    let path: PathBuf = root.join("crates/okta-models/src/generated.rs");
    std::fs::read_to_string(path).map_or(0, |t| t.lines().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The consumer depends on the facade by its package name and its program uses that crate
    /// (a rename of the facade once broke this scenario without any test noticing).
    #[test]
    fn the_consumer_names_the_facade_as_it_is_published() {
        let facade = Path::new(env!("CARGO_MANIFEST_DIR")).join("../okta-sdk/Cargo.toml");
        let text = std::fs::read_to_string(facade).unwrap();
        let name = text
            .lines()
            .find_map(|l| l.strip_prefix("name = "))
            .map(|n| n.trim_matches('"'))
            .unwrap();
        assert_eq!(name, FACADE);
        assert!(manifest(Path::new("/x"), "", true).contains(&format!("\n{FACADE} = {{ path = \"/x\" }}")));
        assert!(MAIN.contains(&format!("{}::Client", FACADE.replace('-', "_"))));
    }
}
