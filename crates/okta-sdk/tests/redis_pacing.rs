//! Two processes pace against one budget through `okta_sdk::limits::RedisStore`: a fake org with a
//! limit of 40 requests a minute per endpoint family, a real `redis-server`, and two child
//! processes (this test binary again, running [`pacing_worker`]) that each use a 50% share and
//! hammer `GET /api/v1/users/{id}` from 8 tasks. Together they must stay within the one share
//! of 20, and get no 429.
//!
//! Skipped (with a message) where `redis-server` is not installed.

use okta_sdk::limits::{RedisStore, epoch_ms};
use okta_sdk::prelude::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// The org's limit per endpoint family and minute; the workers' share is half of it.
const LIMIT: u32 = 40;
const SHARE: u64 = LIMIT as u64 / 2;
/// How long each worker hammers (ms).
const RUN_MS: u64 = 4_000;
/// The user the workers read (the org's first seeded user, by login).
const LOGIN: &str = "user0000001@example.com";

const ENV_ORG: &str = "OKTA_REDIS_PACING_TEST_ORG_URL";
const ENV_TOKEN: &str = "OKTA_REDIS_PACING_TEST_API_TOKEN";
const ENV_REDIS: &str = "OKTA_REDIS_PACING_TEST_REDIS_URL";
/// When the workers start hammering (epoch ms).
const ENV_START: &str = "OKTA_REDIS_PACING_TEST_START_MS";
const RESULT: &str = "REDIS_PACING_RESULT";

/// A `redis-server` on a free loopback port, killed when dropped.
struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    fn start() -> Option<Self> {
        let binary = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())?;
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(binary)
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-server");
        let server = Self { child, port };
        let started = Instant::now();
        while !server.answers_ping() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(server)
    }

    fn answers_ping(&self) -> bool {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let mut buf = [0u8; 7];
        s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a worker printed: calls that succeeded, 429s, other failures.
fn parse_result(stdout: &str) -> Option<(u64, u64, u64)> {
    // The harness may have printed `test pacing_worker ... ` before it on the same line.
    let line = stdout
        .lines()
        .find_map(|l| l.split_once(RESULT).map(|(_, rest)| rest))?;
    let mut numbers = line
        .split_whitespace()
        .filter_map(|kv| kv.split_once('=')?.1.parse().ok());
    Some((numbers.next()?, numbers.next()?, numbers.next()?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_one_budget_through_redis() {
    let Some(redis) = RedisServer::start() else {
        println!("redis-server is not installed (looked in /usr/bin and /usr/local/bin): skipping");
        return;
    };
    let org = okta_mock::MockOrg::builder()
        .users(1)
        .rate_limit(LIMIT)
        .start()
        .await
        .expect("org");
    // Both workers start hammering at one instant, early enough in a minute (the fake org's
    // windows are the clock's minutes) that their run ends within it; the start-up of the
    // child processes comes before it.
    // (8 s to spare, for child processes slow to start on a loaded machine.)
    let mut start_ms = epoch_ms(SystemTime::now()) + 1_500;
    if start_ms % 60_000 > 60_000 - RUN_MS - 8_000 {
        start_ms += 60_000 - start_ms % 60_000 + 300;
    }
    let before = org.requests();
    let started = Instant::now();
    let spawn = || {
        Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "--exact",
                "pacing_worker",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(ENV_ORG, org.url())
            .env(ENV_TOKEN, org.api_token())
            .env(ENV_REDIS, format!("redis://127.0.0.1:{}/", redis.port))
            .env(ENV_START, start_ms.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn a worker")
    };
    let workers = [spawn(), spawn()];
    let mut results = Vec::new();
    for (n, worker) in workers.into_iter().enumerate() {
        let output = tokio::task::spawn_blocking(move || worker.wait_with_output())
            .await
            .unwrap()
            .expect("worker output");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "worker {} failed:\n{stdout}\n{stderr}", n + 1);
        let result =
            parse_result(&stdout).unwrap_or_else(|| panic!("worker {} said nothing:\n{stdout}\n{stderr}", n + 1));
        println!(
            "worker {}: {} succeeded, {} rate-limited, {} failed otherwise",
            n + 1,
            result.0,
            result.1,
            result.2
        );
        results.push(result);
    }
    let used = org.requests() - before;
    println!(
        "the org answered {used} requests in {:?} (share {SHARE} of {LIMIT})",
        started.elapsed()
    );
    let succeeded: u64 = results.iter().map(|r| r.0).sum();
    assert!(results.iter().all(|r| r.1 == 0), "no 429: {results:?}");
    assert!(results.iter().all(|r| r.2 == 0), "no other failure: {results:?}");
    assert!(
        used <= SHARE,
        "both workers together kept to one share: {used} > {SHARE}"
    );
    assert!(used >= SHARE - 4, "the workers used (most of) the share: {used}");
    assert!(
        succeeded <= used && succeeded >= SHARE - 4,
        "{succeeded} succeeded of {used}"
    );
}

/// One worker process of [`two_processes_share_one_budget_through_redis`] (returns at once when
/// run on its own).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a child process of two_processes_share_one_budget_through_redis"]
async fn pacing_worker() {
    let (Ok(org_url), Ok(token), Ok(redis_url), Ok(start_ms)) = (
        std::env::var(ENV_ORG),
        std::env::var(ENV_TOKEN),
        std::env::var(ENV_REDIS),
        std::env::var(ENV_START),
    ) else {
        return;
    };
    let start_ms: u64 = start_ms.parse().expect("start time");
    let store = RedisStore::connect(&redis_url, "okta-test:pacing")
        .await
        .expect("redis");
    let client = okta_sdk::Client::builder()
        .code_only()
        .org_url(org_url)
        .api_token(token)
        .disable_https_check(true)
        .max_retries(0)
        .rate_limit_share_percent(50)
        .pacing_store(Arc::new(store))
        .build()
        .expect("client");
    let counts = Arc::new([AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)]);
    let until_start = start_ms.saturating_sub(epoch_ms(SystemTime::now()));
    tokio::time::sleep(Duration::from_millis(until_start)).await;
    let deadline = tokio::time::Instant::now() + Duration::from_millis(RUN_MS);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (client, counts) = (client.clone(), counts.clone());
            tokio::spawn(async move {
                // Until the deadline; a call still waiting for the bucket's window then is dropped.
                while let Ok(answer) = tokio::time::timeout_at(deadline, client.get_user().id(LOGIN).send()).await {
                    let slot = match answer {
                        Ok(_) => 0,
                        Err(e) if e.status() == Some(okta_sdk::StatusCode::TOO_MANY_REQUESTS) => 1,
                        Err(e) => {
                            eprintln!("call failed: {e}");
                            2
                        }
                    };
                    counts[slot].fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task");
    }
    let [ok, limited, failed] = counts.as_ref().each_ref().map(|c| c.load(Ordering::Relaxed));
    println!("{RESULT} ok={ok} rate_limited={limited} failed={failed}");
}
