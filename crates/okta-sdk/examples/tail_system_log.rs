//! Follow the System Log the way a SIEM forwarder does: a stream of events, each handed on
//! once, paced to leave half the logs rate limit to the org's other integrations, with a
//! checkpoint file to resume from after a restart.
//!
//! Against the local fake org it runs twice in one process (a "restart" in between) and
//! shows that every event arrived exactly once; against your org it follows the log from
//! the checkpoint (or from now) until no event has come for 30 seconds.
//!
//! expect: first run: 12 events, checkpoint saved
//! expect: resumed from the checkpoint: 23 events
//! expect: exactly once: 35 events, 35 distinct
//! expect: pacing: 0 times over the logs rate limit

mod common;

use futures::StreamExt;
use okta_sdk::system_log::{Checkpoint, LogTail, TailOptions};
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: org } = common::connect().await?;
    let path = std::env::temp_dir().join(format!("okta-tail-checkpoint-{}.json", std::process::id()));
    let mut seen = Vec::new();

    let Some(org) = org else {
        // Your org: from the checkpoint of the last run, or from now.
        let mut tail = client
            .system_log()
            .tail(options(load(&path)?.map_or_else(TailOptions::now, TailOptions::resume)));
        forward(&mut tail, usize::MAX, Duration::from_secs(30), &mut seen, &path).await?;
        println!("{} events; checkpoint in {}", seen.len(), path.display());
        return Ok(());
    };

    // The local org: 30 sign-ins already in the log.
    org.append_log_events(30);
    let since = TailOptions::since_time(std::time::SystemTime::now() - Duration::from_secs(3600));
    let mut tail = client.system_log().tail(options(since).limit(10));
    forward(&mut tail, 12, Duration::from_secs(10), &mut seen, &path).await?;
    println!("first run: {} events, checkpoint saved", seen.len());
    drop(tail); // the process stops here

    // The next run starts from the file; five more events arrive while it runs.
    let checkpoint = load(&path)?.ok_or("no checkpoint was saved")?;
    let mut tail = client.system_log().tail(options(TailOptions::resume(checkpoint)));
    let before = seen.len();
    forward(&mut tail, 18, Duration::from_secs(10), &mut seen, &path).await?;
    org.append_log_events(5);
    forward(&mut tail, 5, Duration::from_secs(10), &mut seen, &path).await?;
    println!("resumed from the checkpoint: {} events", seen.len() - before);
    let distinct: HashSet<&String> = seen.iter().collect();
    println!("exactly once: {} events, {} distinct", seen.len(), distinct.len());
    println!("pacing: {} times over the logs rate limit", org.logs_rate_limited());
    std::fs::remove_file(&path)?;
    Ok(())
}

/// What every run shares: poll every 2 s once caught up, leave half the rate limit to others.
fn options(options: TailOptions) -> TailOptions {
    options.poll_interval(Duration::from_secs(2)).reserve(0.5)
}

/// Hands on up to `n` events (printing them), saving the checkpoint after each; stops early
/// when none has come for `idle`.
async fn forward(
    tail: &mut LogTail<'_>,
    n: usize,
    idle: Duration,
    seen: &mut Vec<String>,
    path: &Path,
) -> common::Result {
    for _ in 0..n {
        let Ok(next) = tokio::time::timeout(idle, tail.next()).await else {
            return Ok(());
        };
        let Some(event) = next else { return Ok(()) };
        let event = event?;
        println!(
            "  {} {} {}",
            event.published.as_ref().map(|t| t.to_string()).unwrap_or_default(),
            event.event_type.as_deref().unwrap_or("?"),
            event.uuid.as_deref().unwrap_or("?")
        );
        seen.push(event.uuid.unwrap_or_default());
        save(&tail.checkpoint(), path)?;
    }
    Ok(())
}

/// Writes the checkpoint next to its final place, then moves it there (never half a file).
fn save(checkpoint: &Checkpoint, path: &Path) -> common::Result {
    let partial = path.with_extension("json.partial");
    std::fs::write(&partial, serde_json::to_vec(checkpoint)?)?;
    std::fs::rename(partial, path)?;
    Ok(())
}

fn load(path: &Path) -> common::Result<Option<Checkpoint>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}
