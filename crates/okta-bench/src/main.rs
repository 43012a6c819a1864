//! `cargo run --release -p okta-bench [-- --smoke] [--no-python] [--no-compile]`
//!
//! Measures the okta SDK against the floor (the same work written by hand with reqwest and
//! serde_json, into the same model types) and against Okta's Python SDK, in one run, against the
//! local fake org in a process of its own, over loopback:
//!
//! 1. paging through every user (20,000 at 200 per page) with `.stream()`;
//! 2. 2,000 sequential `get_user` calls (median added microseconds per call);
//! 3. 64 tasks making 5,000 `get_user` calls under private-key auth (and the token requests),
//!    20 rounds per side after one warm-up round each;
//! 4. peak RSS while streaming 2,000 and 20,000 users, each in its own process;
//! 5. decoding a 200-user page and a 200-application page (a union) into the models versus into
//!    `serde_json::Value`;
//! 7. a System Log tail (`client.system_log().tail(..)`) reading 100,000 events in pages of
//!    1,000, in a process of its own: events per second, and its resident memory after the
//!    first tenth and at the end (de-duplication keeps 10,000 ids, so it must stay flat);
//! 8. rate limits: 16 tasks calling `get_user` against an org that allows 100 of them per 2 s
//!    window, with pacing off (the retry policy waits out each 429) and on: calls per second
//!    and the 429s the org gave;
//! 6. compile times as a user pays them: a project outside the workspace that depends on the
//!    facade, built from clean with Cargo's default dev profile with no area, users+groups, the
//!    default features and all areas (wall time, peak compiler memory, debug binary size), and
//!    an incremental rebuild after touching its `main.rs`.
//!
//! It prints a Markdown report (also written to `target/bench-report.md`). `--smoke` runs every
//! scenario with small counts and skips Python and compiling (CI uses it to keep the bench working);
//! `--only N` runs one scenario (for profiling), and `--side sdk` or `--side hand` runs only
//! that client in scenarios 2 and 3 (so a profiler sees one side; its figures go to stderr, and
//! the report has no ratio for them). `--hand-timeouts` gives the hand-written client the SDK's
//! default timeouts (connect 30 s, read 60 s), which it otherwise goes without, so a run shows
//! what the read timeout's timer costs per call.

/// With feature `mimalloc`, both clients (and the report) run on mimalloc instead of the system
/// allocator; see BENCHMARKS.md for why that matters under concurrency.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Without `mimalloc`: the system allocator, counting allocations for scenario 2.
#[cfg(not(feature = "mimalloc"))]
#[global_allocator]
static GLOBAL: allocs::Counting = allocs::Counting;

mod allocs;
mod consumer;
mod decode;
mod floor;
mod python;
mod server;
mod stats;

use floor::{BoxError, Floor};
use futures::TryStreamExt;
use okta_sdk::prelude::*;
use server::{CLIENT_ID, Server};
use stats::{Report, median};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Which client a profiling run of scenarios 2 and 3 runs (`--side`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Sdk,
    Hand,
}

/// Scenario 3 runs this many times `Sizes::rounds` per side.
const SCENARIO_3_ROUNDS: usize = 4;

/// How much work each scenario does.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    users: usize,
    small_users: usize,
    page: u32,
    calls: usize,
    tasks: usize,
    concurrent_calls: usize,
    rounds: usize,
    python_rounds: usize,
    decode_batches: usize,
    log_events: usize,
    pacing_run: std::time::Duration,
}

const FULL: Sizes = Sizes {
    users: 20_000,
    small_users: 2_000,
    page: 200,
    calls: 2_000,
    tasks: 64,
    concurrent_calls: 5_000,
    rounds: 5,
    python_rounds: 3,
    decode_batches: 60,
    log_events: 100_000,
    pacing_run: std::time::Duration::from_secs(8),
};

const SMOKE: Sizes = Sizes {
    users: 600,
    small_users: 200,
    page: 200,
    calls: 40,
    tasks: 8,
    concurrent_calls: 200,
    rounds: 1,
    python_rounds: 1,
    decode_batches: 3,
    log_events: 3_000,
    pacing_run: std::time::Duration::from_secs(2),
};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("okta-bench: cannot start tokio: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match args.first().map(String::as_str) {
            Some("serve") => server::serve(&args[1..]).await,
            Some("stream") => stream_child(&args[1..]).await,
            Some("tail") => tail_child(&args[1..]).await,
            Some("peak") => consumer::peak_child(&args[1..]),
            Some("sizes") => future_sizes(),
            _ => bench(&args).await,
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("okta-bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `okta-bench sizes`: how many bytes the future of a call is, which every move of it (into a
/// task, into a combinator, into the caller's own future) copies. Nothing is sent.
fn future_sizes() -> Result<(), BoxError> {
    let client = okta_sdk::Client::builder()
        .code_only()
        .org_url("https://example.okta.com")
        .api_token("00size-only")
        .build()?;
    let get_user = client.get_user().id("00u1").send();
    let list_users = client.list_users().send();
    println!("get_user().send(): {} bytes", std::mem::size_of_val(&get_user));
    println!("list_users().send(): {} bytes", std::mem::size_of_val(&list_users));
    println!(
        "the decoded answer of get_user (Response<UserGetSingleton>): {} bytes",
        std::mem::size_of::<okta_sdk::runtime::Response<okta_sdk::models::UserGetSingleton>>()
    );
    Ok(())
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sdk_ssws(server: &Server) -> Result<okta_sdk::Client, BoxError> {
    Ok(okta_sdk::Client::builder()
        .code_only()
        .org_url(&server.url)
        .api_token(&server.token)
        .disable_https_check(true)
        .build()?)
}

async fn bench(args: &[String]) -> Result<(), BoxError> {
    const USAGE: &str =
        "usage: okta-bench [--smoke] [--no-python] [--no-compile] [--only 1-6] [--side sdk|hand] [--hand-timeouts]";
    let mut only: Option<u8> = None;
    let mut side: Option<Side> = None;
    let (mut smoke, mut no_python, mut no_compile, mut hand_timeouts) = (false, false, false, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--smoke" => smoke = true,
            "--no-python" => no_python = true,
            "--no-compile" => no_compile = true,
            "--hand-timeouts" => hand_timeouts = true,
            "--only" => only = Some(it.next().and_then(|n| n.parse().ok()).ok_or(USAGE)?),
            "--side" => {
                side = Some(match it.next().map(String::as_str) {
                    Some("sdk") => Side::Sdk,
                    Some("hand") => Side::Hand,
                    _ => return Err(USAGE.into()),
                })
            }
            other => return Err(format!("unknown argument {other}; {USAGE}").into()),
        }
    }
    let want = |n: u8| only.is_none_or(|o| o == n);
    let python = !smoke && !no_python && want(1);
    let compile = !smoke && !no_compile && want(6);
    let sizes = if smoke { SMOKE } else { FULL };
    let root = workspace_root();
    let mut report = Report::new(smoke, &sizes_text(&sizes));

    // The service app's key pair (ES256): the server gets the public half.
    let key = p256::SecretKey::random(&mut rand::thread_rng());
    let private_pem = {
        use p256::pkcs8::{EncodePrivateKey, LineEnding};
        key.to_pkcs8_pem(LineEnding::LF)?.to_string()
    };
    let public_file = root.join("target/bench-service-app.pem");
    {
        use p256::pkcs8::{EncodePublicKey, LineEnding};
        std::fs::write(&public_file, key.public_key().to_public_key_pem(LineEnding::LF)?)?;
    }

    eprintln!("starting the fake org with {} users", sizes.users);
    let mut server = Server::start(sizes.users, Some(&public_file))?;
    let sdk = sdk_ssws(&server)?;
    // The hand-written client sends the SDK's User-Agent (see floor.rs).
    let user_agent = sdk
        .runtime()
        .default_headers()
        .get(reqwest::header::USER_AGENT)
        .cloned()
        .ok_or("the SDK has no User-Agent")?;
    let floor = Floor::ssws(&server.url, &server.token, user_agent.clone(), hand_timeouts)?;
    if hand_timeouts {
        report.note(
            "The hand-written client has the SDK's default timeouts (`--hand-timeouts`: connect 30 s, read 60 s).",
        );
    }

    // 1. Paginate everything.
    if want(1) {
        eprintln!("1. paging through {} users", sizes.users);
        let (mut sdk_rates, mut floor_rates) = (Vec::new(), Vec::new());
        for _ in 0..sizes.rounds {
            let t = Instant::now();
            let n = sdk
                .list_users()
                .limit(i64::from(sizes.page))
                .stream()
                .try_fold(0usize, |n, _| async move { Ok(n + 1) })
                .await?;
            check_count("SDK stream", n, sizes.users)?;
            sdk_rates.push(n as f64 / t.elapsed().as_secs_f64());
            let t = Instant::now();
            let n = floor.count_users(sizes.page).await?;
            check_count("hand-written loop", n, sizes.users)?;
            floor_rates.push(n as f64 / t.elapsed().as_secs_f64());
        }
        let python_rates = if python {
            eprintln!(
                "   Okta's Python SDK ({}), {} round(s)",
                python::OKTA_PYTHON,
                sizes.python_rounds
            );
            match python::PythonSdk::setup(&root) {
                Ok(py) => {
                    let mut rates = Vec::new();
                    for _ in 0..sizes.python_rounds {
                        let (n, secs) = py.count_users(&server.url, &server.token, sizes.page)?;
                        check_count("Python paginate_all", n, sizes.users)?;
                        rates.push(n as f64 / secs);
                    }
                    Some(rates)
                }
                Err(e) => {
                    report.note(&format!("Python SDK not measured: {e}"));
                    None
                }
            }
        } else {
            None
        };
        report.paginate(
            sizes.users,
            median(&sdk_rates),
            median(&floor_rates),
            python_rates.as_deref().map(median),
        );
    }

    let ids: Vec<String> = sdk
        .list_users()
        .limit(200)
        .send()
        .await?
        .into_inner()
        .into_iter()
        .map(|u| u.id)
        .collect();
    if ids.is_empty() {
        return Err("the fake org listed no users".into());
    }
    // 2. Per-call overhead, interleaved in blocks so drift hits both alike.
    if want(2) {
        eprintln!("2. {} sequential get_user calls each", sizes.calls);
        let (mut sdk_calls, mut floor_calls) = (Vec::new(), Vec::new());
        let (mut sdk_allocs, mut floor_allocs) = (0u64, 0u64);
        // Client CPU (all of this process's threads), summed over each side's blocks.
        let (mut sdk_cpu, mut floor_cpu) = (0f64, 0f64);
        let block = 100.min(sizes.calls);
        let mut done = 0;
        while done < sizes.calls {
            if side != Some(Side::Hand) {
                allocs::start();
                let cpu = stats::cpu_micros()?;
                for i in done..(done + block).min(sizes.calls) {
                    let id = &ids[i % ids.len()];
                    let t = Instant::now();
                    sdk.get_user().id(id).send().await?;
                    sdk_calls.push(t.elapsed().as_secs_f64() * 1e6);
                }
                sdk_cpu += stats::cpu_micros()? - cpu;
                sdk_allocs += allocs::stop();
            }
            if side != Some(Side::Sdk) {
                allocs::start();
                let cpu = stats::cpu_micros()?;
                for i in done..(done + block).min(sizes.calls) {
                    let id = &ids[i % ids.len()];
                    let t = Instant::now();
                    floor.get_user(id).await?;
                    floor_calls.push(t.elapsed().as_secs_f64() * 1e6);
                }
                floor_cpu += stats::cpu_micros()? - cpu;
                floor_allocs += allocs::stop();
            }
            done += block;
        }
        let calls = sizes.calls as f64;
        if let Some(side) = side {
            let (us, cpu) = match side {
                Side::Sdk => (median(&sdk_calls), sdk_cpu),
                Side::Hand => (median(&floor_calls), floor_cpu),
            };
            eprintln!(
                "2. {side:?} only: median {us:.1} µs per call; client CPU {:.1} µs per call",
                cpu / calls
            );
        } else {
            report.per_call(sizes.calls, median(&sdk_calls), median(&floor_calls));
            report.note(&format!(
                "2. client CPU per `get_user` (all the client's threads): SDK {:.1} µs, hand-written {:.1} µs ({:.3})",
                sdk_cpu / calls,
                floor_cpu / calls,
                stats::ratio(sdk_cpu, floor_cpu)
            ));
            if !cfg!(feature = "mimalloc") {
                report.allocations(
                    sdk_allocs as f64 / sizes.calls as f64,
                    floor_allocs as f64 / sizes.calls as f64,
                );
            }
        }
    }

    // 3. Concurrency under private-key auth (DPoP off).
    if want(3) {
        eprintln!(
            "3. {} tasks, {} get_user calls, private-key auth",
            sizes.tasks, sizes.concurrent_calls
        );
        let floor_pk = Floor::private_key(
            &server.url,
            CLIENT_ID,
            &private_pem,
            "okta.users.read",
            user_agent.clone(),
            hand_timeouts,
        )
        .await?;
        let before = server.stats()?;
        let sdk_pk = okta_sdk::Client::builder()
            .code_only()
            .org_url(&server.url)
            .private_key(CLIENT_ID, private_pem.as_str())
            .scopes(["okta.users.read"])
            .disable_https_check(true)
            // As many in flight as the hand-written client has (the default limit of 10 would
            // measure another workload); the limit's permit is still taken on every attempt.
            .max_concurrent(sizes.tasks)
            .build()?;
        let ids = Arc::new(ids);
        let (mut sdk_tput, mut floor_tput) = (Vec::new(), Vec::new());
        let (mut sdk_cpu, mut floor_cpu) = ((0.0f64, 0.0f64), (0.0f64, 0.0f64));
        // Four times the rounds of the others (each is short, and a round's throughput on this
        // noisy machine varies more than the difference measured), the order alternating so
        // neither side is always the one that runs second. Round 0 warms both sides up (their
        // connections, the allocator) and is not counted.
        let measured = sizes.rounds * SCENARIO_3_ROUNDS;
        for round in 0..=measured {
            let sdk_round = || {
                concurrent(sizes, &ids, {
                    let c = sdk_pk.clone();
                    move |id| {
                        let c = c.clone();
                        async move { c.get_user().id(id).send().await.map(|_| ()).map_err(BoxError::from) }
                    }
                })
            };
            let floor_round = || {
                concurrent(sizes, &ids, {
                    let f = floor_pk.clone();
                    move |id| {
                        let f = f.clone();
                        async move { f.get_user(&id).await.map(|_| ()) }
                    }
                })
            };
            // CPU seconds (client, server) each side used, summed over the rounds.
            for sdk_first in [round % 2 == 0, round % 2 != 0] {
                if side.is_some_and(|s| (s == Side::Sdk) != sdk_first) {
                    continue;
                }
                let (client0, server0) = (stats::cpu_seconds()?, server.stats()?.cpu);
                let tput = if sdk_first {
                    sdk_round().await?
                } else {
                    floor_round().await?
                };
                if round == 0 {
                    continue;
                }
                if sdk_first {
                    sdk_tput.push(tput);
                } else {
                    floor_tput.push(tput);
                }
                let used = (stats::cpu_seconds()? - client0, server.stats()?.cpu - server0);
                let side = if sdk_first { &mut sdk_cpu } else { &mut floor_cpu };
                side.0 += used.0;
                side.1 += used.1;
            }
        }
        let after = server.stats()?;
        let calls = (sizes.concurrent_calls * measured) as f64;
        if let Some(side) = side {
            let (tput, cpu) = match side {
                Side::Sdk => (median(&sdk_tput), sdk_cpu),
                Side::Hand => (median(&floor_tput), floor_cpu),
            };
            eprintln!(
                "3. {side:?} only: {tput:.0} calls/s; CPU per call: client {:.1} µs, server {:.1} µs",
                cpu.0 / calls * 1e6,
                cpu.1 / calls * 1e6
            );
        } else {
            report.cpu_per_call(
                (sdk_cpu.0 / calls * 1e6, sdk_cpu.1 / calls * 1e6),
                (floor_cpu.0 / calls * 1e6, floor_cpu.1 / calls * 1e6),
            );
            report.concurrency_paired(&sdk_tput, &floor_tput);
            report.concurrency(
                sizes.tasks,
                sizes.concurrent_calls,
                median(&sdk_tput),
                median(&floor_tput),
                after.token_requests - before.token_requests,
            );
        }
    }
    drop(server);

    // 4. Peak RSS while streaming, each size in its own client process and against its own org.
    if want(4) {
        eprintln!("4. peak RSS streaming {} and {} users", sizes.small_users, sizes.users);
        let mut peaks = Vec::new();
        for n in [sizes.small_users, sizes.users] {
            let server = Server::start(n, None)?;
            peaks.push((n, stream_process(&server, sizes.page)?));
        }
        report.memory(&peaks);
    }

    // 5. Decode cost.
    if want(5) {
        eprintln!("5. decoding a 200-user page");
        let [users, apps] = decode::measure(sizes.decode_batches)?;
        report.decode(users, apps);
    }

    // 7. The System Log tail, in a process of its own.
    if want(7) {
        eprintln!("7. a System Log tail over {} events", sizes.log_events);
        let server = Server::with_log_events(sizes.log_events)?;
        let out = std::process::Command::new(std::env::current_exe()?)
            .args(["tail", &server.url, &server.token, &sizes.log_events.to_string()])
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let fields: Vec<f64> = text.split_whitespace().filter_map(|w| w.parse().ok()).collect();
        match fields.as_slice() {
            [events, secs, early, end, peak] => {
                report.tail(*events as usize, *secs, *early as u64, *end as u64, *peak as u64)
            }
            _ => {
                return Err(format!(
                    "the tail process said {text:?} ({})",
                    String::from_utf8_lossy(&out.stderr).trim()
                )
                .into());
            }
        }
    }

    // 8. Rate limits, pacing off and on.
    if want(8) {
        eprintln!("8. 16 tasks against a bucket of 100 per 2 s, pacing off and on");
        let mut runs = Vec::new();
        for pacing in [false, true] {
            let mut server = Server::with_bucket_limit(20, "GET /api/v1/users/{id}", 100, 2000)?;
            let client = okta_sdk::Client::builder()
                .code_only()
                .org_url(&server.url)
                .api_token(&server.token)
                .disable_https_check(true)
                .max_concurrent(16)
                .rate_limit_pacing(pacing)
                .build()?;
            let id = client.list_users().limit(1).send().await?[0].id.clone();
            let before = server.stats()?;
            let started = Instant::now();
            let (ok, failed) = paced_round(&client, &id, sizes.pacing_run).await;
            let secs = started.elapsed().as_secs_f64();
            let after = server.stats()?;
            runs.push((
                pacing,
                ok as f64 / secs,
                failed,
                after.rate_limited - before.rate_limited,
            ));
        }
        report.pacing(&runs);
    }

    // 6. Compile times.
    if compile {
        eprintln!("6. compile times: a consumer project outside the workspace, Cargo's default dev profile");
        let (builds, incremental) = consumer::builds(&root)?;
        report.compile(&builds, incremental, consumer::model_lines(&root));
    }
    report.machine(python_version(&root).as_deref());
    let text = report.finish();
    println!("{text}");
    std::fs::write(root.join("target/bench-report.md"), &text)?;
    eprintln!("written to target/bench-report.md");
    Ok(())
}

fn sizes_text(s: &Sizes) -> String {
    format!(
        "{} users at {} per page; {} sequential calls; {} tasks x {} calls; {} rounds (medians; scenario 3: {} per side after a warm-up)",
        s.users,
        s.page,
        s.calls,
        s.tasks,
        s.concurrent_calls,
        s.rounds,
        s.rounds * SCENARIO_3_ROUNDS
    )
}

fn check_count(who: &str, got: usize, want: usize) -> Result<(), BoxError> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{who} saw {got} users, the org has {want}").into())
    }
}

/// `tasks` tasks share `concurrent_calls` calls; returns calls per second.
async fn concurrent<F, Fut>(sizes: Sizes, ids: &Arc<Vec<String>>, call: F) -> Result<f64, BoxError>
where
    F: Fn(String) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Result<(), BoxError>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let t = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..sizes.tasks {
        let (next, ids, call) = (next.clone(), ids.clone(), call.clone());
        let total = sizes.concurrent_calls;
        handles.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    return Ok::<(), BoxError>(());
                }
                call(ids[i % ids.len()].clone()).await?;
            }
        }));
    }
    for h in handles {
        h.await??;
    }
    Ok(sizes.concurrent_calls as f64 / t.elapsed().as_secs_f64())
}

/// Runs `okta-bench stream` against `server`; returns its peak RSS in KiB.
fn stream_process(server: &Server, page: u32) -> Result<u64, BoxError> {
    let out = std::process::Command::new(std::env::current_exe()?)
        .args(["stream", &server.url, &server.token, &page.to_string()])
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("stream child failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    match text.split_whitespace().collect::<Vec<_>>().as_slice() {
        ["items", _, "peak_kib", kib] => Ok(kib.parse()?),
        _ => Err(format!("stream child said {text:?}").into()),
    }
}

/// `okta-bench stream URL TOKEN LIMIT`: streams every user, then prints the count and peak RSS.
async fn stream_child(args: &[String]) -> Result<(), BoxError> {
    let [url, token, limit] = args else {
        return Err("usage: okta-bench stream URL TOKEN LIMIT".into());
    };
    let client = token_client(url, token)?;
    let n = client
        .list_users()
        .limit(limit.parse::<i64>()?)
        .stream()
        .try_fold(0usize, |n, _| async move { Ok(n + 1) })
        .await?;
    println!("items {n} peak_kib {}", stats::peak_rss_kib()?);
    Ok(())
}

/// 16 tasks calling `get_user` for `run`: (calls that succeeded, calls that failed).
async fn paced_round(client: &okta_sdk::Client, id: &str, run: std::time::Duration) -> (u64, u64) {
    let started = Instant::now();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (client, id) = (client.clone(), id.to_string());
            tokio::spawn(async move {
                let (mut ok, mut failed) = (0u64, 0u64);
                while started.elapsed() < run {
                    match client.get_user().id(&id).send().await {
                        Ok(_) => ok += 1,
                        Err(_) => failed += 1,
                    }
                }
                (ok, failed)
            })
        })
        .collect();
    let (mut ok, mut failed) = (0, 0);
    for t in tasks {
        if let Ok((o, f)) = t.await {
            ok += o;
            failed += f;
        }
    }
    (ok, failed)
}

/// A client of the fake org at `url` with its API token.
fn token_client(url: &str, token: &str) -> Result<okta_sdk::Client, BoxError> {
    Ok(okta_sdk::Client::builder()
        .code_only()
        .org_url(url)
        .api_token(token)
        .disable_https_check(true)
        .build()?)
}

/// `okta-bench tail URL TOKEN N`: tails the System Log until `N` events; prints the events,
/// the seconds taken, the resident memory (KiB) after a tenth of them and at the end, and the
/// peak.
async fn tail_child(args: &[String]) -> Result<(), BoxError> {
    use futures::StreamExt;
    use okta_sdk::system_log::TailOptions;
    let [url, token, n] = args else {
        return Err("usage: okta-bench tail URL TOKEN N".into());
    };
    let n: usize = n.parse()?;
    let client = token_client(url, token)?;
    let since = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    let mut tail = client
        .system_log()
        .tail(TailOptions::since_time(since).limit(1000).reserve(0.0));
    let (started, mut count, mut early) = (Instant::now(), 0usize, 0u64);
    while count < n {
        match tail.next().await {
            Some(event) => {
                event?;
                count += 1;
            }
            None => return Err(format!("the tail ended after {count} events").into()),
        }
        if count == n / 10 {
            early = stats::rss_kib()?;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{count} {secs} {early} {} {}",
        stats::rss_kib()?,
        stats::peak_rss_kib()?
    );
    Ok(())
}

fn python_version(root: &Path) -> Option<String> {
    let venv = root.join("target/bench-venv/bin/python");
    let out = std::process::Command::new(venv).arg("--version").output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
