//! `cargo xtask examples`: build every example of the `okta` crate, run each against the
//! local fake org (no `OKTA_*` variables), and check its output: the first line must say it
//! used the local org, and every `//! expect: <text>` line of its source must appear.

use anyhow::{Context, bail};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// How long one example may run.
const LIMIT: Duration = Duration::from_secs(120);

/// The texts an example's output must contain: its `//! expect:` lines.
pub fn expectations(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|l| l.trim().strip_prefix("//! expect:"))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// What is wrong with an example's output, if anything.
pub fn check_output(stdout: &str, expected: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let first = stdout.lines().next().unwrap_or_default();
    if !first.contains("local fake Okta org") {
        problems.push(format!(
            "the first line does not say it used the local fake Okta org: {first:?}"
        ));
    }
    for e in expected {
        if !stdout.contains(e.as_str()) {
            problems.push(format!("missing expected output {e:?}"));
        }
    }
    problems
}

/// Builds the examples; gives each one's executable by name.
fn build(root: &Path) -> anyhow::Result<BTreeMap<String, PathBuf>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut child = Command::new(cargo)
        .current_dir(root)
        .args([
            "build",
            "--workspace",
            "--examples",
            "--message-format=json-render-diagnostics",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .context("starting cargo build")?;
    let stdout = child.stdout.take().context("cargo's output")?;
    let mut built = BTreeMap::new();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let is_example = msg["target"]["kind"]
            .as_array()
            .is_some_and(|k| k.iter().any(|k| k == "example"));
        if msg["reason"] == "compiler-artifact"
            && is_example
            && let (Some(name), Some(exe)) = (msg["target"]["name"].as_str(), msg["executable"].as_str())
        {
            built.insert(name.to_string(), PathBuf::from(exe));
        }
    }
    if !child.wait()?.success() {
        bail!("the examples do not build");
    }
    Ok(built)
}

/// Runs one example with no `OKTA_*` variables; gives (success, stdout, stderr, elapsed).
fn run_one(exe: &Path) -> anyhow::Result<(bool, String, String, Duration)> {
    let mut command = Command::new(exe);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("OKTA_") {
            command.env_remove(&key);
        }
    }
    let started = Instant::now();
    let mut child = command
        .env("HOME", std::env::temp_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", exe.display()))?;
    let mut out = child.stdout.take().context("stdout")?;
    let mut err = child.stderr.take().context("stderr")?;
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = out_reader.join().unwrap_or_default();
    let mut stderr = err_reader.join().unwrap_or_default();
    if status.is_none() {
        stderr.push_str(&format!("\n(killed after {LIMIT:?})"));
    }
    Ok((status.is_some_and(|s| s.success()), stdout, stderr, started.elapsed()))
}

pub fn run(root: &Path) -> anyhow::Result<ExitCode> {
    let dir = root.join("crates/okta-sdk/examples");
    let mut sources = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs")
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        {
            sources.insert(stem.to_string(), std::fs::read_to_string(&path)?);
        }
    }
    let built = build(root)?;
    let (mut passed, mut failed) = (0, 0);
    for (name, source) in &sources {
        let expected = expectations(source);
        let mut problems = Vec::new();
        if expected.is_empty() {
            problems.push("its source has no `//! expect:` lines".to_string());
        }
        let Some(exe) = built.get(name) else {
            println!("FAIL {name}: not built");
            failed += 1;
            continue;
        };
        let (ok, stdout, stderr, took) = run_one(exe)?;
        if !ok {
            problems.push("it did not exit successfully".into());
        }
        problems.extend(check_output(&stdout, &expected));
        if problems.is_empty() {
            passed += 1;
            println!(
                "ok   {name} ({:.1} s, {} expected lines)",
                took.as_secs_f64(),
                expected.len()
            );
        } else {
            failed += 1;
            println!("FAIL {name}: {}", problems.join("; "));
            println!("---- stdout\n{stdout}---- stderr\n{stderr}----");
        }
    }
    println!("{passed} examples passed, {failed} failed");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expect_lines_are_read_and_checked() {
        let source = "//! Title\n//!\n//! expect: created user\n//! expect:  status ACTIVE \nfn main() {}\n";
        let expected = expectations(source);
        assert_eq!(expected, ["created user", "status ACTIVE"]);
        let good =
            "OKTA_CLIENT_ORGURL is not set: using a local fake Okta org at http://x\ncreated user a, status ACTIVE\n";
        assert!(check_output(good, &expected).is_empty());
        let bad = "Using your Okta org\ncreated user a\n";
        let problems = check_output(bad, &expected);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[1].contains("status ACTIVE"));
    }
}
