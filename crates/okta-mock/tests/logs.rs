//! `GET /api/v1/logs` over HTTP: polling and bounded queries, parameters, faults, the rate
//! limit of its own, and the events the org records for its own changes.

use okta_mock::{Fault, MockOrg};
use reqwest::header::{HeaderMap, LINK};
use serde_json::{Value, json};
use std::time::Duration;

fn client() -> reqwest::Client {
    #[allow(deprecated)] // rustls 0.23.48: see okta-runtime's `ensure_tls_provider`
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().no_proxy().build().expect("an HTTP client")
}

struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    fn events(&self) -> Vec<Value> {
        self.body.as_array().cloned().unwrap_or_default()
    }

    fn uuids(&self) -> Vec<String> {
        self.events()
            .iter()
            .filter_map(|e| e["uuid"].as_str().map(str::to_string))
            .collect()
    }

    fn link(&self, rel: &str) -> Option<String> {
        let tail = format!("rel=\"{rel}\"");
        self.headers
            .get_all(LINK)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.ends_with(&tail))
            .and_then(|v| v.split_once('<'))
            .and_then(|(_, rest)| rest.split_once('>'))
            .map(|(url, _)| url.to_string())
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn error_cause(&self) -> String {
        self.body["errorCauses"][0]["errorSummary"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

/// A query parameter of a URL.
fn param(url: &str, name: &str) -> Option<String> {
    reqwest::Url::parse(url)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn get_url(org: &MockOrg, url: &str) -> Answer {
    let response = client()
        .get(url)
        .header("Authorization", format!("SSWS {}", org.api_token()))
        .header("Accept", "application/json")
        .send()
        .await
        .expect("an answer");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("a body");
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer { status, headers, body }
}

/// `GET /api/v1/logs` with these query parameters.
async fn logs(org: &MockOrg, pairs: &[(&str, &str)]) -> Answer {
    let mut url = reqwest::Url::parse(&format!("{}/api/v1/logs", org.url())).expect("a URL");
    for (k, v) in pairs {
        url.query_pairs_mut().append_pair(k, v);
    }
    get_url(org, url.as_str()).await
}

fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[tokio::test]
async fn polling_always_links_next_and_sees_events_appended_later() {
    let org = MockOrg::builder().log_events(5).start().await.expect("org");
    let seeded: Vec<String> = org
        .log_events()
        .iter()
        .filter_map(|e| e["uuid"].as_str().map(str::to_string))
        .collect();
    let filter = "eventType eq \"user.session.start\"";
    let first = logs(&org, &[("limit", "3"), ("filter", filter)]).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.uuids(), seeded[..3]);
    let this = first.link("self").expect("a self link");
    assert!(this.starts_with(&format!("{}/api/v1/logs?", org.url())), "{this}");
    let next = first.link("next").expect("a next link");
    assert!(next.starts_with(&format!("{}/api/v1/logs?after=", org.url())), "{next}");
    assert_eq!(param(&next, "limit").as_deref(), Some("3"));
    assert_eq!(param(&next, "filter").as_deref(), Some(filter));

    let second = get_url(&org, &next).await;
    assert_eq!(second.uuids(), seeded[3..]);
    let next = second.link("next").expect("a next link");
    let empty = get_url(&org, &next).await;
    assert_eq!((empty.status, empty.events().len()), (200, 0));
    let same = empty.link("next").expect("an empty polling page still links next");
    assert_eq!(param(&same, "after"), param(&next, "after"));

    let later = org.append_log_events(2);
    let third = get_url(&org, &same).await;
    assert_eq!(third.uuids(), later);
    assert!(third.link("next").is_some());
}

#[tokio::test]
async fn an_empty_first_poll_links_next_to_the_same_query() {
    let org = MockOrg::start().await.expect("org");
    let first = logs(&org, &[("q", "session")]).await;
    assert_eq!((first.status, first.events().len()), (200, 0));
    let next = first.link("next").expect("a next link");
    assert_eq!(param(&next, "after"), None);
    assert_eq!(param(&next, "q").as_deref(), Some("session"));
    let added = org.append_log_events(1);
    assert_eq!(get_url(&org, &next).await.uuids(), added);
}

#[tokio::test]
async fn an_event_published_earlier_but_appended_later_still_reaches_a_poller() {
    let org = MockOrg::builder().log_events(3).start().await.expect("org");
    let first = logs(&org, &[]).await;
    assert_eq!(first.events().len(), 3);
    let late = rfc3339(chrono::Utc::now() - chrono::TimeDelta::hours(2));
    let uuid = org.push_log_event(json!({"eventType": "user.session.start", "published": late}));
    let next = get_url(&org, &first.link("next").expect("next")).await;
    assert_eq!(next.uuids(), [uuid]);
    assert_eq!(next.events()[0]["published"], late.as_str());
}

#[tokio::test]
async fn a_bounded_query_ends() {
    let org = MockOrg::builder().log_events(5).start().await.expect("org");
    // The seeded events are published over the last hour, the last of them twelve minutes ago.
    let until = rfc3339(chrono::Utc::now() - chrono::TimeDelta::minutes(1));
    let mut answer = logs(&org, &[("limit", "2"), ("until", &until)]).await;
    let mut seen = answer.uuids();
    let mut pages = 1;
    while let Some(next) = answer.link("next") {
        answer = get_url(&org, &next).await;
        seen.extend(answer.uuids());
        pages += 1;
        assert!(
            pages <= 3,
            "a bounded query of five events in pages of two ends on the third"
        );
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 5);
    // Events published after `until` do not extend the query.
    org.append_log_events(1);
    let descending = logs(&org, &[("until", &until), ("sortOrder", "DESCENDING")]).await;
    let mut reversed = seen.clone();
    reversed.reverse();
    assert_eq!(descending.uuids(), reversed);
    assert!(descending.link("next").is_none());
}

#[tokio::test]
async fn filter_and_q_narrow_the_events() {
    let org = MockOrg::builder().log_events(3).start().await.expect("org");
    org.push_log_event(json!({"eventType": "policy.evaluate_sign_on", "severity": "WARN",
                              "outcome": {"result": "DENY"}, "displayMessage": "Evaluation of sign-on policy"}));
    let actor = org.log_events()[1]["actor"]["id"]
        .as_str()
        .expect("an actor")
        .to_string();

    let warn = logs(
        &org,
        &[("filter", "severity eq \"WARN\" and outcome.result eq \"DENY\"")],
    )
    .await;
    assert_eq!(warn.events().len(), 1);
    assert_eq!(warn.events()[0]["eventType"], "policy.evaluate_sign_on");
    let either = logs(
        &org,
        &[(
            "filter",
            "eventType eq \"policy.evaluate_sign_on\" or actor.id eq \"ACTOR\"",
        )],
    )
    .await;
    assert_eq!(either.events().len(), 1);
    let by_actor = logs(&org, &[("filter", &format!("actor.id eq \"{actor}\""))]).await;
    assert_eq!(by_actor.events().len(), 1);
    assert_eq!(by_actor.events()[0]["actor"]["id"], actor.as_str());
    let success = logs(&org, &[("filter", "outcome.result eq \"SUCCESS\"")]).await;
    assert_eq!(success.events().len(), 3);

    let words = logs(&org, &[("q", "SIGN-ON evaluation")]).await;
    assert_eq!(words.events().len(), 1);
    let none = logs(&org, &[("q", "sign-on nowhere")]).await;
    assert_eq!(none.events().len(), 0);
    let bad = logs(&org, &[("filter", "eventType eq")]).await;
    assert_eq!((bad.status, bad.body["errorCode"].as_str()), (400, Some("E0000001")));
}

#[tokio::test]
async fn limit_defaults_to_100_and_must_be_1_to_1000() {
    let org = MockOrg::builder().log_events(150).start().await.expect("org");
    assert_eq!(logs(&org, &[]).await.events().len(), 100);
    assert_eq!(logs(&org, &[("limit", "1000")]).await.events().len(), 150);
    assert_eq!(logs(&org, &[("limit", "1")]).await.events().len(), 1);
    for bad in ["0", "1001", "-5", "ten", "18446744073709551616"] {
        let answer = logs(&org, &[("limit", bad)]).await;
        assert_eq!(answer.status, 400, "limit={bad}");
        assert_eq!(answer.body["errorCode"], "E0000001");
        assert!(answer.error_cause().starts_with("limit:"), "{}", answer.error_cause());
    }
}

#[tokio::test]
async fn bad_since_until_and_after_answer_400() {
    let org = MockOrg::builder().log_events(2).start().await.expect("org");
    for (name, value) in [
        ("since", "yesterday"),
        ("since", "2026-02-30T00:00:00Z"),
        ("until", "12:00"),
        ("after", "not-a-cursor"),
        ("after", "1_1"),
        ("after", "0_99999999999999999999999"),
        ("sortOrder", "DESCENDING"),
    ] {
        let answer = logs(&org, &[(name, value)]).await;
        assert_eq!(answer.status, 400, "{name}={value}");
        assert_eq!(answer.body["errorCode"], "E0000001", "{name}={value}");
        assert_eq!(answer.body["errorSummary"], format!("Api validation failed: {name}"));
        assert!(answer.error_cause().starts_with(&format!("{name}:")));
    }
    // Events published before `since` are left out.
    let since = rfc3339(chrono::Utc::now() + chrono::TimeDelta::seconds(5));
    assert_eq!(logs(&org, &[("since", &since)]).await.events().len(), 0);
}

#[tokio::test]
async fn the_overlap_fault_repeats_events_across_pages() {
    let org = MockOrg::builder()
        .log_events(10)
        .log_page_overlap(2)
        .start()
        .await
        .expect("org");
    let all: Vec<String> = org
        .log_events()
        .iter()
        .filter_map(|e| e["uuid"].as_str().map(str::to_string))
        .collect();
    let first = logs(&org, &[("limit", "4")]).await;
    assert_eq!(first.uuids(), all[0..4]);
    let second = get_url(&org, &first.link("next").expect("next")).await;
    assert_eq!(second.uuids(), all[2..6], "the last two events of a page come again");
    let mut seen = first.uuids();
    seen.extend(second.uuids());
    let mut answer = second;
    for _ in 0..5 {
        answer = get_url(&org, &answer.link("next").expect("next")).await;
        seen.extend(answer.uuids());
    }
    let mut distinct = seen.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 10, "every event arrives");
    assert!(seen.len() > 10, "some arrive twice");
}

#[tokio::test]
async fn the_logs_rate_limit_is_a_bucket_of_its_own() {
    let org = MockOrg::builder()
        .logs_rate_limit(3, Duration::from_secs(2))
        .rate_limit(1)
        .start()
        .await
        .expect("org");
    let mut resets = Vec::new();
    for remaining in ["2", "1", "0"] {
        let answer = logs(&org, &[]).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("x-rate-limit-limit"), Some("3"));
        assert_eq!(answer.header("x-rate-limit-remaining"), Some(remaining));
        assert!(answer.header("date").is_some());
        resets.push(answer.header("x-rate-limit-reset").unwrap_or_default().to_string());
    }
    let refused = logs(&org, &[]).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.body["errorCode"], "E0000047");
    assert_eq!(
        refused.body["errorSummary"],
        "API call exceeded rate limit due to too many requests."
    );
    assert_eq!(refused.header("x-rate-limit-limit"), Some("3"));
    assert_eq!(refused.header("x-rate-limit-remaining"), Some("0"));
    assert!(refused.header("date").is_some());
    resets.push(refused.header("x-rate-limit-reset").unwrap_or_default().to_string());
    resets.dedup();
    assert_eq!(resets.len(), 1, "one window, one reset: {resets:?}");
    let reset: i64 = resets[0].parse().expect("epoch seconds");
    let now = chrono::Utc::now().timestamp();
    assert!(reset >= now && reset <= now + 3, "{reset} vs {now}");
    assert_eq!(org.logs_rate_limited(), 1);
    assert_eq!(org.logs_requests().len(), 4);
    assert_eq!(org.most_logs_requests_in(Duration::from_secs(2)), 4);

    // The general bucket is untouched by the logs requests (its limit is one a minute).
    let users = get_url(&org, &format!("{}/api/v1/users", org.url())).await;
    assert_eq!(users.status, 200);

    // The window ends two seconds after it started; the next request opens a new one.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let fresh = logs(&org, &[]).await;
    assert_eq!((fresh.status, fresh.header("x-rate-limit-remaining")), (200, Some("2")));
}

#[tokio::test]
async fn injected_faults_and_authentication_apply_to_logs() {
    let org = MockOrg::builder().log_events(1).start().await.expect("org");
    org.inject(Fault::status(503).on_path("/api/v1/logs"));
    assert_eq!(logs(&org, &[]).await.status, 503);
    org.inject(Fault::rate_limited().on_path("/api/v1/logs"));
    let limited = logs(&org, &[]).await;
    assert_eq!(
        (limited.status, limited.header("x-rate-limit-remaining")),
        (429, Some("0"))
    );
    assert_eq!(org.logs_rate_limited(), 1);
    org.inject(Fault::delay(Duration::from_millis(150)).on_path("/api/v1/logs"));
    let started = std::time::Instant::now();
    assert_eq!(logs(&org, &[]).await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));

    let anonymous = client()
        .get(format!("{}/api/v1/logs", org.url()))
        .send()
        .await
        .expect("an answer");
    assert_eq!(anonymous.status().as_u16(), 401);
}

#[tokio::test]
async fn the_org_records_its_own_changes() {
    let org = MockOrg::start().await.expect("org");
    let http = client();
    let auth = format!("SSWS {}", org.api_token());
    let post = |path: &str, body: Value| {
        http.post(format!("{}{path}", org.url()))
            .header("Authorization", &auth)
            .json(&body)
            .send()
    };
    let user: Value = post(
        "/api/v1/users?activate=true",
        json!({"profile": {"login": "ada@example.com", "email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace"},
               "credentials": {"password": {"value": "Passw0rd!xyz"}}}),
    )
    .await
    .expect("create user")
    .json()
    .await
    .expect("a user");
    let user_id = user["id"].as_str().expect("an id").to_string();
    let suspend = post(&format!("/api/v1/users/{user_id}/lifecycle/suspend"), json!({}))
        .await
        .expect("suspend");
    assert_eq!(suspend.status().as_u16(), 200);
    let group: Value = post("/api/v1/groups", json!({"profile": {"name": "Engineers"}}))
        .await
        .expect("create group")
        .json()
        .await
        .expect("a group");
    let group_id = group["id"].as_str().expect("an id").to_string();
    let added = http
        .put(format!("{}/api/v1/groups/{group_id}/users/{user_id}", org.url()))
        .header("Authorization", &auth)
        .send()
        .await
        .expect("add member");
    assert_eq!(added.status().as_u16(), 204);
    let app = post(
        "/api/v1/apps",
        json!({"name": "bookmark", "label": "Wiki", "signOnMode": "BOOKMARK",
               "settings": {"app": {"url": "https://wiki.example.com"}}}),
    )
    .await
    .expect("create app");
    assert_eq!(app.status().as_u16(), 200);

    let events = org.log_events();
    let types: Vec<&str> = events.iter().filter_map(|e| e["eventType"].as_str()).collect();
    assert_eq!(
        types,
        [
            "user.lifecycle.create",
            "user.lifecycle.suspend",
            "group.lifecycle.create",
            "group.user_membership.add",
            "application.lifecycle.create",
        ]
    );
    assert_eq!(events[0]["target"][0]["id"], user_id.as_str());
    assert_eq!(events[0]["target"][0]["alternateId"], "ada@example.com");
    assert_eq!(events[0]["displayMessage"], "Create Okta user");
    assert_eq!(events[3]["target"][1]["id"], group_id.as_str());
    let mut uuids: Vec<&str> = events.iter().filter_map(|e| e["uuid"].as_str()).collect();
    uuids.sort_unstable();
    uuids.dedup();
    assert_eq!(uuids.len(), 5);

    let created = logs(&org, &[("filter", "eventType eq \"user.lifecycle.create\"")]).await;
    assert_eq!(created.events().len(), 1);
    assert_eq!(org.log_event_count(), 5);
}
