//! An Event Hook receiver: an axum server that answers Okta's verification challenge,
//! checks the hook's secret, decodes deliveries into `LogEvent`s, drops Okta's repeats
//! (delivery is at least once) and hands events to a bounded channel, answering well within
//! Okta's 3-second limit.
//!
//! Against the local fake org, the org verifies the hook and delivers events to it (each
//! delivery twice); against your org, it serves on `HOOK_ADDR` (default 127.0.0.1:8080) for
//! you to register behind a public HTTPS URL, with the secret from `HOOK_SECRET`.
//!
//! expect: verified: the challenge was echoed
//! expect: delivered 4 events twice; handed on 4
//! expect: a wrong secret: refused (401)

mod common;

use okta_sdk::event_hooks::{EventHookReceiver, HookAuth};
use okta_sdk::models::LogEvent;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client: _, local: org } = common::connect().await?;
    // Your org: the secret you registered the hook with. The local org: one made up here.
    let secret = match (&org, std::env::var("HOOK_SECRET")) {
        (_, Ok(secret)) => secret,
        (Some(_), Err(_)) => "a-long-random-secret".into(),
        (None, Err(_)) => return Err("set HOOK_SECRET to the secret the hook is registered with".into()),
    };
    let addr = match &org {
        Some(_) => "127.0.0.1:0".to_string(),
        None => std::env::var("HOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into()),
    };

    // The receiver and a bounded channel to the code that processes events.
    let receiver = Arc::new(EventHookReceiver::new(HookAuth::authorization(secret.as_str())));
    let (events, mut incoming) = mpsc::channel::<LogEvent>(1024);
    let app = axum::Router::new().route("/okta/events", okta_sdk::event_hooks::axum::route(receiver, events));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let url = format!("http://{}/okta/events", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    let handled = Arc::new(AtomicUsize::new(0));
    let counter = handled.clone();
    tokio::spawn(async move {
        while let Some(event) = incoming.recv().await {
            println!(
                "  event {} {}",
                event.event_type.as_deref().unwrap_or("?"),
                event.uuid.as_deref().unwrap_or("?")
            );
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });

    let Some(org) = org else {
        println!("Serving the hook at {url} for 10 minutes; register it in Okta with the secret from HOOK_SECRET");
        tokio::time::sleep(Duration::from_secs(600)).await;
        return Ok(());
    };

    // What Okta does: verify once, then deliver (here every delivery twice, as a retry would).
    let hook = okta_mock::EventHookTarget::new(&url)
        .auth_header("Authorization", secret.as_str())
        .duplicate(true);
    org.verify_event_hook(&hook).await?;
    println!("verified: the challenge was echoed");
    org.append_log_events(4);
    let report = org.deliver_last_log_events(&hook, 4).await?;
    let wrong = okta_mock::EventHookTarget::new(&url).auth_header("Authorization", "a-guess");
    match org.verify_event_hook(&wrong).await {
        Err(e) if e.to_string().contains("401") => println!("a wrong secret: refused (401)"),
        other => return Err(format!("a wrong secret was not refused: {other:?}").into()),
    }
    // The events are in the channel; give the processor a moment to take them.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let handled = handled.load(Ordering::SeqCst);
    println!(
        "delivered {} events {}; handed on {handled}",
        report.events,
        if report.deliveries == 2 { "twice" } else { "once" }
    );
    Ok(())
}
