//! Event Hook delivery against a tiny hook server: verification, the delivery request, retries
//! and duplicates.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use okta_mock::{DeliveryError, EventHookTarget, HookFailure, MockOrg};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A request the hook received.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// How the hook answers its next request (by default: echo a challenge, accept a delivery).
#[derive(Debug, Clone)]
enum Plan {
    Status(u16),
    Delay(Duration),
    Json(Value),
    Body(Vec<u8>),
}

#[derive(Debug, Clone, Default)]
struct Hook {
    seen: Arc<Mutex<Vec<Seen>>>,
    plan: Arc<Mutex<VecDeque<Plan>>>,
}

impl Hook {
    fn then(&self, plan: Plan) -> &Self {
        self.plan.lock().expect("plan").push_back(plan);
        self
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("seen").clone()
    }
}

async fn receive(State(hook): State<Hook>, method: Method, headers: HeaderMap, body: Bytes) -> Response {
    let challenge = headers
        .get(okta_mock::CHALLENGE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let is_get = method == Method::GET;
    hook.seen.lock().expect("seen").push(Seen {
        method,
        headers,
        body: body.to_vec(),
    });
    let plan = hook.plan.lock().expect("plan").pop_front();
    match plan {
        Some(Plan::Status(status)) => StatusCode::from_u16(status).expect("a status").into_response(),
        Some(Plan::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            StatusCode::OK.into_response()
        }
        Some(Plan::Json(value)) => axum::Json(value).into_response(),
        Some(Plan::Body(bytes)) => bytes.into_response(),
        None if is_get => axum::Json(json!({ "verification": challenge })).into_response(),
        None => StatusCode::OK.into_response(),
    }
}

/// Starts a hook; gives it and its URL.
async fn hook() -> (Hook, String) {
    let hook = Hook::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let url = format!("http://{}/okta/events", listener.local_addr().expect("an address"));
    let app = Router::new()
        .route("/okta/events", axum::routing::any(receive))
        .with_state(hook.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (hook, url)
}

#[tokio::test]
async fn the_verification_echo_is_accepted() {
    let org = MockOrg::start().await.expect("org");
    let (hook, url) = hook().await;
    let target = EventHookTarget::new(url).auth_header("Authorization", "hook-secret");
    org.verify_event_hook(&target).await.expect("verified");
    let seen = hook.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, Method::GET);
    assert_eq!(seen[0].header("authorization"), Some("hook-secret"));
    assert!(
        seen[0]
            .header(okta_mock::CHALLENGE_HEADER)
            .is_some_and(|c| c.len() >= 20)
    );
}

#[tokio::test]
async fn a_wrong_echo_is_refused() {
    let org = MockOrg::start().await.expect("org");
    let (hook, url) = hook().await;
    let target = EventHookTarget::new(url);
    hook.then(Plan::Json(json!({"verification": "something else"})));
    let err = org.verify_event_hook(&target).await.unwrap_err();
    let DeliveryError::Verification {
        failure: HookFailure::WrongEcho { got, .. },
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(got, "something else");

    hook.then(Plan::Json(json!({"challenge": "no"})));
    let err = org.verify_event_hook(&target).await.unwrap_err();
    assert!(
        matches!(
            &err,
            DeliveryError::Verification {
                failure: HookFailure::NotAnEcho(_),
                ..
            }
        ),
        "{err:?}"
    );
    hook.then(Plan::Body(b"not json".to_vec()));
    assert!(org.verify_event_hook(&target).await.is_err());
    hook.then(Plan::Status(204));
    let err = org.verify_event_hook(&target).await.unwrap_err();
    assert!(
        matches!(
            &err,
            DeliveryError::Verification {
                failure: HookFailure::Status(204),
                ..
            }
        ),
        "{err:?}"
    );
    hook.then(Plan::Body(vec![b' '; okta_mock::MAX_VERIFICATION_BODY + 1]));
    let err = org.verify_event_hook(&target).await.unwrap_err();
    assert!(
        matches!(
            &err,
            DeliveryError::Verification {
                failure: HookFailure::TooLarge(_),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("verification"), "{err}");
}

#[tokio::test]
async fn a_delivery_posts_the_envelope_with_the_header() {
    let org = MockOrg::builder().log_events(3).start().await.expect("org");
    let (hook, url) = hook().await;
    let target = EventHookTarget::new(url).auth_header("X-Hook-Key", "s3cret");
    let report = org.deliver_last_log_events(&target, 2).await.expect("delivered");
    assert_eq!(
        (report.attempts, report.deliveries, report.status, report.events),
        (1, 1, 200, 2)
    );
    let seen = hook.seen();
    assert_eq!(seen.len(), 1);
    let post = &seen[0];
    assert_eq!(post.method, Method::POST);
    assert_eq!(post.header("content-type"), Some("application/json"));
    assert_eq!(post.header("x-hook-key"), Some("s3cret"));
    let body = post.json();
    assert_eq!(body["eventType"], "com.okta.event_hook");
    assert_eq!(body["eventTypeVersion"], "1.0");
    assert_eq!(body["cloudEventsVersion"], "0.1");
    assert_eq!(body["contentType"], "application/json");
    assert_eq!(body["source"], format!("{}/api/v1/eventHooks/{}", org.url(), target.id));
    assert_eq!(body["eventId"], report.event_id.as_str());
    assert!(body["eventTime"].as_str().is_some_and(|t| t.ends_with('Z')));
    let events = org.log_events();
    assert_eq!(body["data"]["events"], json!(events[1..]));
}

#[tokio::test]
async fn events_are_delivered_by_uuid_and_an_unknown_uuid_is_named() {
    let org = MockOrg::start().await.expect("org");
    let uuids = org.append_log_events(3);
    let (hook, url) = hook().await;
    let target = EventHookTarget::new(url);
    let report = org
        .deliver_log_events(&target, [&uuids[2], &uuids[0]])
        .await
        .expect("delivered");
    assert_eq!(report.events, 2);
    let body = hook.seen()[0].json();
    assert_eq!(body["data"]["events"][0]["uuid"], uuids[2].as_str());
    assert_eq!(body["data"]["events"][1]["uuid"], uuids[0].as_str());
    let err = org.deliver_log_events(&target, ["nope"]).await.unwrap_err();
    assert_eq!(err, DeliveryError::UnknownEvent("nope".into()));
    assert_eq!(hook.seen().len(), 1, "nothing is sent for an unknown event");
}

#[tokio::test]
async fn a_hook_that_answers_500_first_is_retried_once() {
    let org = MockOrg::start().await.expect("org");
    let (hook, url) = hook().await;
    hook.then(Plan::Status(500));
    let target = EventHookTarget::new(url);
    let report = org
        .deliver_event_hook(&target, vec![json!({"uuid": "e1"})])
        .await
        .expect("delivered on the retry");
    assert_eq!((report.attempts, report.deliveries, report.status), (2, 1, 200));
    let seen = hook.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].json()["eventId"], seen[1].json()["eventId"]);
}

#[tokio::test]
async fn a_hook_that_keeps_failing_gets_two_attempts_and_an_error() {
    let org = MockOrg::start().await.expect("org");
    let (hook, url) = hook().await;
    hook.then(Plan::Status(503)).then(Plan::Status(500));
    let err = org
        .deliver_event_hook(&EventHookTarget::new(url), vec![json!({})])
        .await
        .unwrap_err();
    let DeliveryError::Delivery { attempts, failure, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!((*attempts, failure), (2, &HookFailure::Status(500)));
    assert_eq!(hook.seen().len(), 2);
    assert!(err.to_string().contains("2 attempt"), "{err}");
}

#[tokio::test]
async fn a_slow_answer_times_out_and_is_retried() {
    let org = MockOrg::start().await.expect("org");
    let (hook, url) = hook().await;
    hook.then(Plan::Delay(Duration::from_secs(2)));
    let target = EventHookTarget::new(url).timeout(Duration::from_millis(300));
    let report = org
        .deliver_event_hook(&target, vec![json!({})])
        .await
        .expect("delivered on the retry");
    assert_eq!((report.attempts, report.status), (2, 200));

    hook.then(Plan::Delay(Duration::from_secs(2)))
        .then(Plan::Delay(Duration::from_secs(2)));
    let err = org.deliver_event_hook(&target, vec![json!({})]).await.unwrap_err();
    assert!(
        matches!(
            &err,
            DeliveryError::Delivery {
                attempts: 2,
                failure: HookFailure::Timeout(_),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn duplicate_delivers_the_same_payload_twice() {
    let org = MockOrg::start().await.expect("org");
    let uuid = org.push_log_event(json!({"eventType": "user.session.start"}));
    let (hook, url) = hook().await;
    let target = EventHookTarget::new(url).duplicate(true);
    let report = org.deliver_log_events(&target, [&uuid]).await.expect("delivered");
    assert_eq!((report.attempts, report.deliveries), (2, 2));
    let seen = hook.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].body, seen[1].body);
    assert_eq!(seen[0].json()["data"]["events"][0]["uuid"], uuid.as_str());
}

#[tokio::test]
async fn an_unreachable_hook_is_an_error_not_a_panic() {
    let org = MockOrg::start().await.expect("org");
    // A port nothing listens on: bind one, then free it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://{}/hook", listener.local_addr().expect("an address"));
    drop(listener);
    let target = EventHookTarget::new(url);
    let err = org.deliver_event_hook(&target, vec![]).await.unwrap_err();
    assert!(
        matches!(
            &err,
            DeliveryError::Delivery {
                attempts: 2,
                failure: HookFailure::Transport(_),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(org.verify_event_hook(&target).await.is_err());
    let bad = EventHookTarget::new("http://[::1/hook");
    assert!(matches!(
        org.verify_event_hook(&bad).await,
        Err(DeliveryError::InvalidUrl { .. })
    ));
}
