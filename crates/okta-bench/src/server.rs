//! The local fake org in a process of its own (`okta-bench serve`), so its work is not counted
//! in the client's time or memory. The bench talks to it over stdin/stdout: it prints its URL
//! and API token once, and answers `stats` with the requests and token requests it has seen.

use crate::floor::BoxError;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// The service app the private-key scenario authenticates as.
pub const CLIENT_ID: &str = "0oabenchservice";

/// `okta-bench serve --users N --public-key FILE`: runs until stdin closes.
pub async fn serve(args: &[String]) -> Result<(), BoxError> {
    let mut users = 0usize;
    let mut log_events = 0usize;
    let mut bucket = None;
    let mut public_key = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--users" => users = it.next().ok_or("--users needs a count")?.parse()?,
            "--log-events" => log_events = it.next().ok_or("--log-events needs a count")?.parse()?,
            "--bucket-limit" => {
                // `METHOD PATTERN=LIMIT/WINDOW_MS`
                let spec = it.next().ok_or("--bucket-limit needs METHOD PATTERN=LIMIT/WINDOW_MS")?;
                let (name, limit) = spec.split_once('=').ok_or("--bucket-limit: no `=`")?;
                let (limit, window) = limit.split_once('/').ok_or("--bucket-limit: no `/`")?;
                let bucket_name: okta_mock::Bucket = name.parse().unwrap_or_else(|never| match never {});
                bucket = Some((
                    bucket_name,
                    limit.parse::<u32>()?,
                    std::time::Duration::from_millis(window.parse()?),
                ));
            }
            "--public-key" => {
                public_key = Some(std::fs::read_to_string(it.next().ok_or("--public-key needs a file")?)?)
            }
            other => return Err(format!("serve: unknown argument {other}").into()),
        }
    }
    // The logs endpoint's own limit out of the way: scenario 7 measures the tail, not pacing.
    let mut builder = okta_mock::MockOrg::builder()
        .users(users)
        .log_events(log_events)
        .logs_rate_limit(u32::MAX, std::time::Duration::from_secs(60));
    if let Some((name, limit, window)) = bucket {
        builder = builder.bucket_limit(name, limit, window);
    }
    let org = builder.start().await?;
    if let Some(pem) = public_key {
        org.register_service_app(okta_mock::ServiceApp::new(CLIENT_ID, pem));
    }
    println!("url {} token {}", org.url(), org.api_token());
    std::io::stdout().flush()?;
    let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(tokio::io::stdin()));
    while let Some(line) = lines.next_line().await? {
        if line.trim() == "stats" {
            let cpu = crate::stats::cpu_seconds().unwrap_or(0.0);
            println!(
                "stats {} {} {cpu} {}",
                org.requests(),
                org.token_requests(),
                org.rate_limited()
            );
            std::io::stdout().flush()?;
        }
    }
    Ok(())
}

/// A running `okta-bench serve` child.
pub struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    pub url: String,
    pub token: String,
}

/// What the server has seen so far.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    pub requests: u64,
    pub token_requests: u64,
    /// CPU seconds the server process has used.
    pub cpu: f64,
    /// 429s the org gave for its rate limits.
    pub rate_limited: u64,
}

impl Server {
    /// Starts a fake org with `users` users (and the service app, when a public key is given).
    pub fn start(users: usize, public_key_file: Option<&std::path::Path>) -> Result<Self, BoxError> {
        Self::spawn(users, &["--log-events", "0"], public_key_file)
    }

    /// Starts a fake org whose System Log holds `events` events.
    pub fn with_log_events(events: usize) -> Result<Self, BoxError> {
        Self::spawn(0, &["--log-events", &events.to_string()], None)
    }

    /// Starts a fake org with `users` users and one bucket limited (`METHOD PATTERN`, requests
    /// per window).
    pub fn with_bucket_limit(users: usize, bucket: &str, limit: u32, window_ms: u64) -> Result<Self, BoxError> {
        let spec = format!("{bucket}={limit}/{window_ms}");
        Self::spawn(users, &["--bucket-limit", &spec], None)
    }

    fn spawn(users: usize, extra: &[&str], public_key_file: Option<&std::path::Path>) -> Result<Self, BoxError> {
        let mut cmd = Command::new(std::env::current_exe()?);
        cmd.args(["serve", "--users", &users.to_string()]);
        cmd.args(extra);
        if let Some(f) = public_key_file {
            cmd.arg("--public-key").arg(f);
        }
        let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        let mut server = Self {
            child,
            stdin,
            stdout,
            url: String::new(),
            token: String::new(),
        };
        let line = server.line()?;
        match line.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["url", url, "token", token] => {
                server.url = url.to_string();
                server.token = token.to_string();
            }
            _ => return Err(format!("the server said {line:?}").into()),
        }
        Ok(server)
    }

    fn line(&mut self) -> Result<String, BoxError> {
        let mut line = String::new();
        if self.stdout.read_line(&mut line)? == 0 {
            return Err("the server stopped".into());
        }
        Ok(line)
    }

    /// The requests and token requests seen so far.
    pub fn stats(&mut self) -> Result<Stats, BoxError> {
        writeln!(self.stdin, "stats")?;
        self.stdin.flush()?;
        let line = self.line()?;
        match line.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["stats", r, t, cpu, limited] => Ok(Stats {
                requests: r.parse()?,
                token_requests: t.parse()?,
                cpu: cpu.parse()?,
                rate_limited: limited.parse()?,
            }),
            _ => Err(format!("the server said {line:?}").into()),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
