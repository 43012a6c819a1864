//! The System Log tail against the local fake org (and a hostile server): exactly-once across
//! a restart from a checkpoint, events appended while it runs, the reserve of the logs rate
//! limit kept over many empty polls, bounded queries ending, repeats dropped, failures
//! yielded without ending the tail, and links or checkpoints that point elsewhere refused.

#[allow(dead_code)]
#[path = "hostile/server.rs"]
mod server;

use futures::StreamExt;
use okta_mock::{Fault, MockOrg};
use okta_sdk::system_log::{Checkpoint, LogTail, TailOptions};
use okta_sdk::{ErrorKind, models::LogEvent};
use std::collections::HashSet;
use std::time::{Duration, SystemTime};

fn client(org: &MockOrg) -> okta_sdk::Client {
    okta_sdk::Client::builder()
        .code_only()
        .org_url(org.url())
        .api_token(org.api_token())
        .disable_https_check(true)
        .build()
        .expect("a valid configuration")
}

/// Two hours back: before every event a test's org holds.
fn since() -> TailOptions {
    TailOptions::since_time(SystemTime::now() - Duration::from_secs(7200)).poll_interval(Duration::from_millis(200))
}

/// The next `n` events of `tail`, failing the test on an error or after 20 s.
async fn take(tail: &mut LogTail<'_>, n: usize) -> Vec<LogEvent> {
    let mut events = Vec::new();
    while events.len() < n {
        let next = tokio::time::timeout(Duration::from_secs(20), tail.next())
            .await
            .unwrap_or_else(|_| panic!("no event within 20 s after {} of {n}", events.len()));
        events.push(next.expect("the tail does not end").expect("an event"));
    }
    events
}

/// Whether `tail` yields nothing more within `wait`.
async fn quiet(tail: &mut LogTail<'_>, wait: Duration) -> bool {
    tokio::time::timeout(wait, tail.next()).await.is_err()
}

fn ids(events: &[LogEvent]) -> Vec<String> {
    events.iter().map(|e| e.uuid.clone().expect("a uuid")).collect()
}

#[tokio::test]
async fn a_tail_resumed_from_its_checkpoint_yields_every_event_once_and_sees_new_ones() {
    // Pages of 10 whose next link goes back 3 events: every page boundary repeats some.
    // A logs limit high enough that pacing spreads nothing here.
    let org = MockOrg::builder()
        .log_events(25)
        .log_page_overlap(3)
        .logs_rate_limit(6000, Duration::from_secs(60))
        .start()
        .await
        .unwrap();
    let client = client(&org);
    let mut tail = client.system_log().tail(since().limit(10));
    let first = take(&mut tail, 12).await;
    // The process stops here; its checkpoint went to a file as JSON.
    let saved = serde_json::to_string(&tail.checkpoint()).unwrap();
    let stats = tail.stats();
    assert!(stats.duplicates >= 3, "the overlap was dropped: {stats:?}");
    drop(tail);

    let checkpoint: Checkpoint = serde_json::from_str(&saved).unwrap();
    // The resumed tail pages as the checkpoint's link says (10 a page), not by the options'
    // default of 1,000: its full pages are not "caught up", so nothing waits a poll interval.
    let mut resumed = client
        .system_log()
        .tail(TailOptions::resume(checkpoint).poll_interval(Duration::from_secs(3)));
    let started = std::time::Instant::now();
    let rest = take(&mut resumed, 13).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "no poll wait: {:?}",
        started.elapsed()
    );
    assert!(quiet(&mut resumed, Duration::from_millis(800)).await, "caught up");
    // Events appended while the tail runs.
    let added = org.append_log_events(7);
    let new = take(&mut resumed, 7).await;
    assert_eq!(ids(&new), added, "new events in order");
    assert!(quiet(&mut resumed, Duration::from_millis(800)).await);
    fn sendable<T: Send>(_: &T) {}
    sendable(&resumed);

    let all: Vec<String> = [ids(&first), ids(&rest), ids(&new)].concat();
    let distinct: HashSet<&String> = all.iter().collect();
    assert_eq!(distinct.len(), all.len(), "no event twice");
    let org_ids: Vec<String> = org
        .log_events()
        .iter()
        .map(|e| e["uuid"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(all, org_ids, "every event, once, in the org's order");
}

#[tokio::test]
async fn many_empty_polls_stay_within_the_share_of_the_logs_rate_limit() {
    let window = Duration::from_secs(2);
    // 8 a window: polling every 200 ms alone would send 10.
    let org = MockOrg::builder().logs_rate_limit(8, window).start().await.unwrap();
    let client = client(&org);
    // An idle log, polled as often as allowed (200 ms), leaving half the limit to others.
    let mut tail = client
        .system_log()
        .tail(TailOptions::now().poll_interval(Duration::ZERO).reserve(0.5));
    assert!(quiet(&mut tail, Duration::from_secs(7)).await, "nothing to yield");
    let stats = tail.stats();
    drop(tail);
    let requests = org.logs_requests().len();
    let most = org.most_logs_requests_in(window);
    assert!(requests >= 4, "it polled ({requests} requests)");
    assert!(most <= 4, "at most half of 8 in any {window:?}: {most} ({stats:?})");
    assert_eq!(org.logs_rate_limited(), 0, "never over the limit");
    assert!(stats.rate_waits > 0, "{stats:?}");
}

#[tokio::test]
async fn a_bounded_query_ends_after_its_last_page() {
    let org = MockOrg::builder().start().await.unwrap();
    let at = |t: &str| org.push_log_event(serde_json::json!({"eventType": "user.session.start", "published": t}));
    let _before = at("2026-01-01T09:59:59.999Z");
    let inside: Vec<String> = (0..5).map(|i| at(&format!("2026-01-01T10:0{i}:00.000Z"))).collect();
    let _after = at("2026-01-01T11:00:00.000Z");
    let client = client(&org);
    let tail = client.system_log().tail(
        TailOptions::since("2026-01-01T10:00:00.000Z")
            .until("2026-01-01T11:00:00.000Z")
            .limit(2),
    );
    let events: Vec<LogEvent> = tokio::time::timeout(Duration::from_secs(20), tail.map(|e| e.unwrap()).collect())
        .await
        .expect("a bounded query ends");
    assert_eq!(ids(&events), inside);
}

#[tokio::test]
async fn an_event_published_earlier_but_appended_later_is_not_lost_and_repeats_are_dropped() {
    let org = MockOrg::builder()
        .log_events(4)
        .log_page_overlap(2)
        .start()
        .await
        .unwrap();
    let client = client(&org);
    let mut tail = client.system_log().tail(since().limit(3));
    take(&mut tail, 4).await;
    assert!(quiet(&mut tail, Duration::from_millis(600)).await);
    // Out of order: published an hour ago, appended now.
    let earlier = chrono::Utc::now() - chrono::Duration::hours(1);
    let late = org.push_log_event(serde_json::json!({
        "eventType": "user.session.start",
        "published": earlier.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    }));
    let got = take(&mut tail, 1).await;
    assert_eq!(ids(&got), vec![late]);
    assert!(quiet(&mut tail, Duration::from_millis(600)).await, "nothing twice");
    assert!(tail.stats().duplicates > 0);
}

#[tokio::test]
async fn a_failure_is_yielded_and_the_tail_goes_on_from_the_same_place() {
    let org = MockOrg::builder().log_events(3).start().await.unwrap();
    let client = client(&org);
    let mut tail = client.system_log().tail(since().limit(2));
    take(&mut tail, 2).await;
    // A 500, which the retry policy does not retry: the failure reaches the caller.
    org.inject(Fault::status(500).on_path("/api/v1/logs"));
    let failed = tokio::time::timeout(Duration::from_secs(20), tail.next())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(failed.unwrap_err().kind(), ErrorKind::Api);
    // A 429 the retry policy waits out: the caller sees only events.
    org.inject(Fault::rate_limited().on_path("/api/v1/logs"));
    let rest = take(&mut tail, 1).await;
    assert_eq!(ids(&rest)[0], org.log_events()[2]["uuid"].as_str().unwrap());
    assert_eq!(tail.stats().errors, 1);
    assert_eq!(org.logs_rate_limited(), 1);
}

#[tokio::test]
async fn a_next_link_or_a_checkpoint_pointing_elsewhere_is_refused_and_nothing_is_sent_there() {
    let evil = server::Server::start(|_, _| server::ok("[]"));
    let link = format!("<{}/api/v1/logs?after=x>; rel=\"next\"", evil.url);
    let org =
        server::Server::start(move |_, _| server::reply("200 OK", &[("Link", link.as_str())], r#"[{"uuid":"u1"}]"#));
    let client = okta_sdk::Client::builder()
        .code_only()
        .org_url(&org.url)
        .api_token("00secret-token-value")
        .disable_https_check(true)
        .build()
        .unwrap();
    let mut tail = client.system_log().tail(since());
    assert_eq!(tail.next().await.unwrap().unwrap().uuid.as_deref(), Some("u1"));
    let e = tail.next().await.unwrap().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Pagination, "{e}");
    assert!(e.to_string().contains("not sending credentials") && !e.to_string().contains("secret"));
    assert!(tail.next().await.is_none(), "the tail ended");
    assert!(evil.seen().is_empty(), "nothing went to the other origin");
    // Its checkpoint does not say "ended": a restart fetches the page that failed again.
    let next = tail
        .checkpoint()
        .next_link()
        .map(str::to_owned)
        .expect("a page to go back to");
    assert!(next.starts_with(&org.url) && next.contains("/api/v1/logs"), "{next}");

    // A checkpoint file changed to point elsewhere.
    let forged: Checkpoint = serde_json::from_value(
        serde_json::json!({"version": 1, "next": format!("{}/api/v1/logs", evil.url), "seen": []}),
    )
    .unwrap();
    let mut tail = client.system_log().tail(TailOptions::resume(forged));
    let e = tail.next().await.unwrap().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
    assert!(e.to_string().contains("checkpoint"), "{e}");
    assert!(tail.next().await.is_none());
    assert!(evil.seen().is_empty());
}

#[tokio::test]
async fn bad_options_are_named_before_anything_is_sent() {
    let org = MockOrg::builder().start().await.unwrap();
    let client = client(&org);
    for (options, what) in [(since().limit(0), "limit 0"), (since().reserve(1.5), "reserve 1.5")] {
        let mut tail = client.system_log().tail(options);
        let e = tail.next().await.unwrap().unwrap_err();
        assert!(e.to_string().contains(what), "{e}");
        assert!(tail.next().await.is_none());
    }
    assert!(org.logs_requests().is_empty());
}

#[tokio::test]
async fn a_page_that_links_to_itself_is_polled_at_the_interval_not_in_a_loop() {
    // Full pages of events without ids, each linking to itself, no rate-limit headers.
    let org = server::Server::start(|seen, base| {
        let link = format!("<{base}{}>; rel=\"next\"", seen.target);
        server::reply(
            "200 OK",
            &[("Link", link.as_str())],
            r#"[{"eventType":"a"},{"eventType":"b"}]"#,
        )
    });
    let client = okta_sdk::Client::builder()
        .code_only()
        .org_url(&org.url)
        .api_token("00token")
        .disable_https_check(true)
        .build()
        .unwrap();
    let mut tail = client
        .system_log()
        .tail(since().limit(2).poll_interval(Duration::from_millis(300)));
    let _ = tokio::time::timeout(Duration::from_millis(1500), async {
        while let Some(event) = tail.next().await {
            event.unwrap();
        }
    })
    .await;
    let requests = org.seen().len();
    assert!(
        (2..=7).contains(&requests),
        "one request a poll interval, not a loop: {requests}"
    );
}

#[tokio::test]
async fn a_client_error_ends_the_tail_after_saying_so() {
    let org = MockOrg::builder().start().await.unwrap();
    let client = client(&org);
    let mut tail = client.system_log().tail(TailOptions::since("yesterday"));
    let e = tail.next().await.unwrap().unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400), "{e}");
    assert!(tail.next().await.is_none(), "asking again cannot mend it");
    assert!(tail.checkpoint().next_link().is_some(), "a restart reports it again");
}
