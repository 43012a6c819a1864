//! Event Hooks end to end: the fake org verifies and delivers to an axum server built with
//! `okta_sdk::event_hooks::axum::route`, which answers the challenge, refuses a wrong secret,
//! decodes deliveries into `LogEvent`s, drops Okta's repeats and hands events to a bounded
//! channel, answering 503 in time (so Okta retries) when the channel has no room.

use okta_mock::{DeliveryError, EventHookTarget, MockOrg};
use okta_sdk::event_hooks::{EventHookReceiver, HookAuth};
use okta_sdk::models::LogEvent;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

const SECRET: &str = "hook-secret-3f9a1c";

/// An axum server with the hook at `/okta/events`; its URL and the receiving end.
async fn hook_server(capacity: usize) -> (String, mpsc::Receiver<LogEvent>) {
    let receiver = Arc::new(EventHookReceiver::new(HookAuth::authorization(SECRET)));
    let (events, incoming) = mpsc::channel(capacity);
    let app = axum::Router::new().route("/okta/events", okta_sdk::event_hooks::axum::route(receiver, events));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/okta/events", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, incoming)
}

fn drain(incoming: &mut mpsc::Receiver<LogEvent>) -> Vec<String> {
    let mut ids = Vec::new();
    while let Ok(event) = incoming.try_recv() {
        ids.push(event.uuid.expect("a uuid"));
    }
    ids
}

#[tokio::test]
async fn the_org_verifies_the_hook_and_its_deliveries_arrive_once() {
    let org = MockOrg::builder().log_events(5).start().await.unwrap();
    let (url, mut incoming) = hook_server(64).await;
    let target = EventHookTarget::new(&url)
        .auth_header("Authorization", SECRET)
        .duplicate(true);
    org.verify_event_hook(&target).await.expect("the challenge is echoed");

    // Delivered twice (at-least-once): the channel gets each event once, decoded.
    let report = org.deliver_last_log_events(&target, 5).await.unwrap();
    assert_eq!((report.events, report.deliveries, report.status), (5, 2, 200));
    let expected: Vec<String> = org
        .log_events()
        .iter()
        .map(|e| e["uuid"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(drain(&mut incoming), expected);
    let added = org.append_log_events(2);
    org.deliver_last_log_events(&target, 3).await.unwrap();
    assert_eq!(drain(&mut incoming), added, "only the new ones");
}

#[tokio::test]
async fn a_wrong_secret_is_refused_for_verification_and_delivery() {
    let org = MockOrg::builder().log_events(1).start().await.unwrap();
    let (url, mut incoming) = hook_server(8).await;
    for target in [
        EventHookTarget::new(&url).auth_header("Authorization", "not-the-secret"),
        EventHookTarget::new(&url),
    ] {
        let e = org.verify_event_hook(&target).await.unwrap_err();
        assert!(e.to_string().contains("401"), "{e}");
        let e = org.deliver_last_log_events(&target, 1).await.unwrap_err();
        assert!(matches!(e, DeliveryError::Delivery { attempts: 2, .. }), "{e}");
        assert!(e.to_string().contains("401"), "{e}");
    }
    assert!(drain(&mut incoming).is_empty());
}

#[tokio::test]
async fn a_full_channel_answers_503_in_time_and_okta_s_retry_delivers_the_rest() {
    let org = MockOrg::builder().log_events(3).start().await.unwrap();
    // Room for one event; nobody reads until later.
    let (url, mut incoming) = hook_server(1).await;
    let target = EventHookTarget::new(&url).auth_header("Authorization", SECRET);
    let started = std::time::Instant::now();
    let e = org.deliver_last_log_events(&target, 3).await.unwrap_err();
    assert!(matches!(e, DeliveryError::Delivery { attempts: 2, .. }), "{e}");
    assert!(e.to_string().contains("503"), "{e}");
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "two attempts, each answered before 3 s"
    );
    // The first event went in; the reader catches up and Okta's next delivery brings the rest.
    let first = drain(&mut incoming);
    assert_eq!(first.len(), 1);
    let reader = tokio::spawn(async move {
        let mut ids = Vec::new();
        while ids.len() < 2 {
            ids.push(incoming.recv().await.unwrap().uuid.unwrap());
        }
        ids
    });
    org.deliver_last_log_events(&target, 3).await.unwrap();
    let rest = reader.await.unwrap();
    let all: Vec<String> = org
        .log_events()
        .iter()
        .map(|e| e["uuid"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!([first, rest].concat(), all, "every event once");
}
