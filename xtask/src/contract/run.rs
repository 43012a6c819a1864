//! `cargo xtask contract [--seed N]`: installs Prism into `target/prism` (npm, local, once),
//! starts it on a free loopback port serving `openapi/management.yaml` (as adapted by
//! `contract::served`, written to `target/prism/served.json`) with dynamic answers and request
//! validation, runs `okta-contract` against it, and stops it.

use anyhow::Context;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The Prism release the contract is run with.
const PRISM: &str = "@stoplight/prism-cli@5.14.2";

/// Stops Prism when dropped, whatever happens to the run.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn install(root: &Path) -> anyhow::Result<std::path::PathBuf> {
    let dir = root.join("target/prism");
    let bin = dir.join("node_modules/.bin/prism");
    if bin.exists() {
        return Ok(bin);
    }
    std::fs::create_dir_all(&dir).context("creating target/prism")?;
    println!("installing {PRISM} into target/prism (npm, local)");
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
        .arg(&dir)
        .arg(PRISM)
        .status()
        .context("running npm (Node.js and npm are needed for the contract test)")?;
    if !status.success() || !bin.exists() {
        anyhow::bail!("npm could not install {PRISM} ({status})");
    }
    Ok(bin)
}

fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

/// Writes the copy of the spec Prism serves; returns its path.
fn write_served(root: &Path) -> anyhow::Result<std::path::PathBuf> {
    let doc = crate::spec::read(&root.join(crate::spec::SPEC_PATH))?;
    let (served, adapted) = super::served::served(&doc)?;
    let path = root.join("target/prism/served.json");
    std::fs::write(&path, serde_json::to_vec(&served)?).context("writing target/prism/served.json")?;
    let list: Vec<String> = adapted.iter().map(|(name, n)| format!("{name} ({n})")).collect();
    println!(
        "contract: serving {} with adaptations {}",
        crate::spec::SPEC_PATH,
        list.join(", ")
    );
    Ok(path)
}

fn start(bin: &Path, spec: &Path, port: u16, seed: u64) -> anyhow::Result<Server> {
    let mut child = Command::new(bin)
        .arg("mock")
        .arg(spec)
        .args(["--dynamic", "--errors", "--host", "127.0.0.1"])
        .args([
            "--port",
            &port.to_string(),
            "--seed",
            &seed.to_string(),
            "--verboseLevel",
            "warn",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting Prism")?;
    let stdout = child.stdout.take();
    let server = Server(child);
    // Prism prints little at `warn`; readiness is a port that accepts connections.
    if let Some(out) = stdout {
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                println!("prism: {line}");
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(180);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            anyhow::bail!("Prism did not listen on 127.0.0.1:{port} within 180 s");
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    Ok(server)
}

pub fn run(root: &Path, seed: Option<u64>, only: Option<&str>) -> anyhow::Result<ExitCode> {
    let seed = seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_secs() % 1_000_000)
    });
    let bin = install(root)?;
    let spec = write_served(root)?;
    let port = free_port()?;
    println!("contract: Prism on 127.0.0.1:{port}, seed {seed} (replay with `cargo xtask contract --seed {seed}`)");
    let started = Instant::now();
    let _server = start(&bin, &spec, port, seed)?;
    println!("contract: Prism ready in {:.1} s", started.elapsed().as_secs_f64());
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args(["run", "-q", "-p", "okta-contract", "--", "--url"])
        .arg(format!("http://127.0.0.1:{port}"));
    if let Some(op) = only {
        cmd.args(["--only", op]);
    }
    let status = cmd.status().context("running okta-contract")?;
    println!("contract: seed {seed}");
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
