//! Retry through generated operations: whether a call may be repeated is the operation's
//! fact with a per-call override, the policy sees the whole attempt, and waits run on
//! `tokio::time`, so these tests wait minutes of paused time in milliseconds.

#[allow(dead_code)]
#[path = "hostile/server.rs"]
mod server;

#[path = "support/paused.rs"]
mod paused;
use okta_sdk::prelude::*;
use okta_sdk::runtime::RetryDecision;
use okta_sdk::runtime::retry::{Attempt, RetryPolicyExt};
use okta_sdk::{DefaultRetryPolicy, ErrorKind, ExponentialBackoff, RequestOptions, RetryPolicy};
use server::{Server, ok, reply};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const USER: &str = r#"{"id":"00u1","status":"ACTIVE","profile":{"login":"a@example.com"}}"#;

/// Answers `first` to the first request, then 200 with a user.
fn flaky(first: server::Answer) -> (Server, Arc<AtomicU32>) {
    let n = Arc::new(AtomicU32::new(0));
    let counter = n.clone();
    let first = Arc::new(first);
    let server = Server::start(move |_, _| match counter.fetch_add(1, Ordering::SeqCst) {
        0 => (*first).clone(),
        _ => ok(USER),
    });
    (server, n)
}

/// A client without timers of its own (no connect or read timeout, no idle-pool reaper), so
/// paused time advances only through the SDK's waits.
fn client(org: &Server, policy: Arc<dyn RetryPolicy>) -> okta_sdk::Client {
    let http = paused::http_client();
    okta_sdk::Client::builder()
        .code_only()
        .org_url(&org.url)
        .disable_https_check(true)
        .read_timeout(Duration::ZERO)
        .api_token("00retry-token")
        .http_client(http)
        .retry_policy(policy)
        .build()
        .expect("client")
}

fn quick() -> Arc<DefaultRetryPolicy> {
    Arc::new(DefaultRetryPolicy::new(2).backoff(Arc::new(ExponentialBackoff::fixed(Duration::from_secs(20)))))
}

#[tokio::test(start_paused = true)]
async fn a_429_waits_for_retry_after_on_the_paused_clock() {
    let (org, _) = flaky(reply("429 Too Many Requests", &[("Retry-After", "45")], "{}"));
    let c = client(&org, Arc::new(DefaultRetryPolicy::new(2)));
    let (virtual_start, wall_start) = (tokio::time::Instant::now(), std::time::Instant::now());
    c.get_user().id("00u1").send().await.expect("retried after the wait");
    assert!(
        virtual_start.elapsed() >= Duration::from_secs(45),
        "{:?}",
        virtual_start.elapsed()
    );
    assert!(wall_start.elapsed() < Duration::from_secs(10), "no real wait");
    let seen = org.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].header("x-okta-retry-count"), Some("1"));
}

#[tokio::test(start_paused = true)]
async fn a_post_is_not_repeated_after_a_503_unless_the_call_says_it_may_be() {
    let unavailable = || reply("503 Service Unavailable", &[], "{}");
    let (org, n) = flaky(unavailable());
    let c = client(&org, quick());
    let e = c.deactivate_user().id("00u1").send().await.expect_err("not retried");
    assert_eq!(e.status(), Some(okta_sdk::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(n.load(Ordering::SeqCst), 1, "a POST operation is not idempotent");

    let (org, n) = flaky(unavailable());
    let c = client(&org, quick());
    c.deactivate_user()
        .id("00u1")
        .options(RequestOptions::new().idempotent(true))
        .send()
        .await
        .expect("retried: the call said it may be");
    assert_eq!(n.load(Ordering::SeqCst), 2);

    let (org, n) = flaky(unavailable());
    let c = client(&org, quick());
    let started = tokio::time::Instant::now();
    c.get_user().id("00u1").send().await.expect("a GET is retried");
    assert_eq!(n.load(Ordering::SeqCst), 2);
    assert!(
        started.elapsed() >= Duration::from_secs(20),
        "the backoff ran on the paused clock"
    );
    let (org, n) = flaky(unavailable());
    let e = client(&org, quick())
        .get_user()
        .id("00u1")
        .options(RequestOptions::new().idempotent(false))
        .send()
        .await
        .expect_err("the call said no");
    assert_eq!(e.kind(), ErrorKind::Api);
    assert_eq!(n.load(Ordering::SeqCst), 1);
}

/// Records every attempt it is shown; retries an Okta rate-limit error after the server's wait.
#[derive(Debug, Default)]
struct Watch(Mutex<Vec<String>>);

impl RetryPolicy for Watch {
    fn decide(&self, a: &Attempt<'_>) -> RetryDecision {
        self.0.lock().unwrap().push(format!(
            "{} {} {} idempotent={} code={:?} wait={:?} elapsed={}s",
            a.operation.id,
            a.operation.path,
            a.number,
            a.idempotent,
            a.error_code,
            a.server_wait,
            a.elapsed.as_secs()
        ));
        match (a.error_code, a.server_wait) {
            (Some("E0000047"), Some(wait)) => RetryDecision::RetryAfter(wait),
            _ => RetryDecision::Stop,
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_policy_sees_the_operation_the_error_code_the_server_wait_and_the_time_spent() {
    let (org, _) = flaky(reply(
        "429 Too Many Requests",
        &[("Retry-After", "30")],
        r#"{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."}"#,
    ));
    let watch = Arc::new(Watch::default());
    let c = client(&org, watch.clone());
    c.get_user().id("00u1").send().await.expect("retried");
    assert_eq!(
        watch.0.lock().unwrap().as_slice(),
        [
            "getUser /api/v1/users/{id} 1 idempotent=true code=Some(\"E0000047\") wait=Some(30s) elapsed=0s",
            "getUser /api/v1/users/{id} 2 idempotent=true code=None wait=None elapsed=30s",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn decorators_bound_the_policy_through_a_call() {
    let org = Server::start(|_, _| reply("503 Service Unavailable", &[], "{}"));
    let policy = DefaultRetryPolicy::new(10)
        .backoff(Arc::new(ExponentialBackoff::fixed(Duration::from_secs(60))))
        .with_time_limit(Duration::from_secs(150));
    let started = tokio::time::Instant::now();
    let e = client(&org, Arc::new(policy))
        .get_user()
        .id("00u1")
        .send()
        .await
        .expect_err("gives up");
    assert_eq!(e.status(), Some(okta_sdk::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(
        org.seen().len(),
        3,
        "attempts at 0, 60 and 120 s; a fourth would start past 150 s"
    );
    assert!(started.elapsed() >= Duration::from_secs(120));
}
