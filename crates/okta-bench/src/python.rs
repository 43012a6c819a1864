//! Okta's Python SDK (`okta==3.4.6`) in a virtualenv the bench creates under `target/`, paging
//! with its `paginate_all`.
//!
//! Two things of okta 3.4.6 the script works around, both noted in BENCHMARKS.md:
//! - `paginate_all`'s docs name `list_users_with_http_info`, which 3.4.6 does not have; its
//!   `list_users` returns the `(data, response, error)` tuple `paginate_all` wants, so that is used;
//! - it sends `Authorization: SSWS<token>` with no space; the token is passed with a leading space.
//!
//! An `http://` org URL needs `OKTA_TESTING_TESTINGDISABLEHTTPSCHECK=true` (a `testing` key in the
//! client's dict is not read).

use crate::floor::BoxError;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Python SDK release compared against.
pub const OKTA_PYTHON: &str = "okta==3.4.6";

const SCRIPT: &str = r#"
import asyncio, sys, time
from okta.client import Client as OktaClient
from okta.pagination import paginate_all

async def main(url, token, limit):
    config = {"orgUrl": url, "token": " " + token}
    client = OktaClient(config)
    start = time.perf_counter()
    n = 0
    async for _user in paginate_all(client.list_users, limit=limit):
        n += 1
    print(f"items {n} seconds {time.perf_counter() - start:.6f}")

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"#;

/// A virtualenv with the Python SDK installed, and the paging script.
pub struct PythonSdk {
    python: PathBuf,
    script: PathBuf,
}

impl PythonSdk {
    /// Creates (once) `target/bench-venv` with `okta==3.4.6`.
    pub fn setup(root: &Path) -> Result<Self, BoxError> {
        let venv = root.join("target/bench-venv");
        let python = venv.join("bin/python");
        let marker = venv.join(".okta-3.4.6");
        if !marker.exists() {
            run(
                Command::new("python3").arg("-m").arg("venv").arg(&venv),
                "python3 -m venv",
            )?;
            run(
                Command::new(&python).args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    OKTA_PYTHON,
                ]),
                "pip install okta==3.4.6",
            )?;
            std::fs::write(&marker, OKTA_PYTHON)?;
        }
        let script = venv.join("paginate_all.py");
        std::fs::write(&script, SCRIPT)?;
        Ok(Self { python, script })
    }

    /// Pages through every user; returns (items, seconds) as the script measured them (the
    /// interpreter's start-up is left out).
    pub fn count_users(&self, url: &str, token: &str, limit: u32) -> Result<(usize, f64), BoxError> {
        let out = Command::new(&self.python)
            .env("OKTA_TESTING_TESTINGDISABLEHTTPSCHECK", "true")
            .arg(&self.script)
            .args([url, token, &limit.to_string()])
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            let tail: String = err.lines().rev().take(5).collect::<Vec<_>>().join(" | ");
            return Err(format!("the Python SDK failed ({}): {tail}", out.status).into());
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        match words.as_slice() {
            ["items", n, "seconds", s, ..] => Ok((n.parse()?, s.parse()?)),
            _ => Err(format!("unexpected output from the Python script: {text}").into()),
        }
    }
}

fn run(cmd: &mut Command, what: &str) -> Result<(), BoxError> {
    let status = cmd.status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})").into())
    }
}
