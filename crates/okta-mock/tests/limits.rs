//! Rate limits over HTTP: per-bucket fixed windows and their headers, the most specific bucket,
//! window resets, the counters, the concurrent-request limit, and changes while serving.

use okta_mock::{Bucket, BucketStats, Fault, MockOrg};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const MINUTE: Duration = Duration::from_secs(60);
/// A seeded user's login, which the org takes as an id.
const USER: &str = "user0000001@example.com";

fn client() -> reqwest::Client {
    #[allow(deprecated)] // rustls 0.23.48: see okta-runtime's `ensure_tls_provider`
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().no_proxy().build().expect("an HTTP client")
}

#[derive(Debug)]
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `X-Rate-Limit-Limit` and `X-Rate-Limit-Remaining`.
    fn quota(&self) -> (Option<u32>, Option<u32>) {
        let number = |name| self.header(name).and_then(|v| v.parse().ok());
        (number("x-rate-limit-limit"), number("x-rate-limit-remaining"))
    }

    fn reset(&self) -> i64 {
        self.header("x-rate-limit-reset")
            .and_then(|v| v.parse().ok())
            .expect("X-Rate-Limit-Reset in epoch seconds")
    }
}

/// A request with the org's API token (a JSON body when given).
async fn send(client: &reqwest::Client, org: &MockOrg, method: &str, path: &str, body: Option<Value>) -> Answer {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
    let mut request = client
        .request(method, format!("{}{path}", org.url()))
        .header("Authorization", format!("SSWS {}", org.api_token()))
        .header("Accept", "application/json");
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("an answer");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("a body");
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer { status, headers, body }
}

async fn get(org: &MockOrg, path: &str) -> Answer {
    send(&client(), org, "GET", path, None).await
}

/// `count` requests sent at once (each on its own connection), answers in order.
async fn burst(org: &MockOrg, path: &str, count: usize) -> Vec<Answer> {
    let client = client();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..count {
        let (client, url, token) = (
            client.clone(),
            format!("{}{path}", org.url()),
            org.api_token().to_string(),
        );
        tasks.spawn(async move {
            let response = client
                .get(url)
                .header("Authorization", format!("SSWS {token}"))
                .send()
                .await
                .expect("an answer");
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = response.json().await.unwrap_or(Value::Null);
            (n, Answer { status, headers, body })
        });
    }
    let mut answers: Vec<(usize, Answer)> = tasks.join_all().await;
    answers.sort_by_key(|(n, _)| *n);
    answers.into_iter().map(|(_, a)| a).collect()
}

fn stat(org: &MockOrg, bucket: &str) -> BucketStats {
    let bucket: Bucket = bucket.parse().unwrap_or_else(|never| match never {});
    org.bucket_stat(&bucket).expect("the org has the bucket")
}

fn assert_rate_limited(answer: &Answer) {
    assert_eq!(answer.status, 429, "{answer:?}");
    assert_eq!(answer.body["errorCode"], "E0000047");
    assert_eq!(
        answer.body["errorSummary"],
        "API call exceeded rate limit due to too many requests."
    );
}

#[tokio::test]
async fn a_configured_bucket_has_its_limit_and_headers() {
    let org = MockOrg::builder()
        .users(3)
        .bucket_limit(Bucket::new(Some("GET"), "/api/v1/users"), 3, MINUTE)
        .start()
        .await
        .expect("org");
    let mut resets = Vec::new();
    for remaining in [2, 1, 0] {
        let answer = get(&org, "/api/v1/users").await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.quota(), (Some(3), Some(remaining)));
        assert!(answer.header("x-okta-request-id").is_some());
        resets.push(answer.reset());
    }
    let refused = get(&org, "/api/v1/users").await;
    assert_rate_limited(&refused);
    assert_eq!(refused.quota(), (Some(3), Some(0)));
    resets.push(refused.reset());
    resets.dedup();
    assert_eq!(resets.len(), 1, "one window, one reset: {resets:?}");
    let now = chrono::Utc::now().timestamp();
    assert!(resets[0] > now + 55 && resets[0] <= now + 61, "{} vs {now}", resets[0]);

    // Other methods and paths are not in the bucket.
    let created = send(
        &client(),
        &org,
        "POST",
        "/api/v1/users?activate=false",
        Some(json!({"profile": {"login": "new@example.com", "email": "new@example.com", "firstName": "N", "lastName": "U"}})),
    )
    .await;
    assert_eq!(created.status, 200, "{created:?}");
    assert_eq!(created.quota(), (Some(1_000_000), Some(999_999)));
    assert_eq!(get(&org, &format!("/api/v1/users/{USER}")).await.status, 200);
    assert_eq!(org.rate_limited(), 1);
}

#[tokio::test]
async fn two_buckets_are_counted_apart() {
    let org = MockOrg::builder()
        .bucket_limit(Bucket::new(Some("GET"), "/api/v1/users"), 2, MINUTE)
        .bucket_limit(Bucket::any("/api/v1/groups*"), 2, MINUTE)
        .start()
        .await
        .expect("org");
    assert_eq!(get(&org, "/api/v1/users").await.quota(), (Some(2), Some(1)));
    assert_eq!(get(&org, "/api/v1/users").await.quota(), (Some(2), Some(0)));
    assert_rate_limited(&get(&org, "/api/v1/users").await);

    let groups = get(&org, "/api/v1/groups").await;
    assert_eq!((groups.status, groups.quota()), (200, (Some(2), Some(1))));
    let everyone = groups.body[0]["id"].as_str().expect("the Everyone group").to_string();
    let one = get(&org, &format!("/api/v1/groups/{everyone}")).await;
    assert_eq!((one.status, one.quota()), (200, (Some(2), Some(0))));
    assert_rate_limited(&get(&org, &format!("/api/v1/groups/{everyone}/users")).await);

    let (users, groups) = (stat(&org, "GET /api/v1/users"), stat(&org, "/api/v1/groups*"));
    assert_eq!((users.requests, users.rate_limited), (3, 1));
    assert_eq!((groups.requests, groups.rate_limited), (3, 1));
    assert_eq!(org.rate_limited(), 2);
}

#[tokio::test]
async fn the_most_specific_bucket_wins() {
    let org = MockOrg::builder()
        .users(1)
        .bucket_limit(Bucket::any("/api/v1/users*"), 30, MINUTE)
        .bucket_limit(Bucket::any("/api/v1/users/{id}"), 20, MINUTE)
        .bucket_limit(Bucket::new(Some("GET"), "/api/v1/users/{id}"), 10, MINUTE)
        .bucket_limit(Bucket::any("/api/v1/users/{id}/groups"), 5, MINUTE)
        .start()
        .await
        .expect("org");
    let limit = |answer: Answer| answer.quota().0;
    let c = client();
    // A template with a method before one without, before a prefix.
    assert_eq!(limit(get(&org, &format!("/api/v1/users/{USER}")).await), Some(10));
    let update = json!({"profile": {"nickName": "one"}});
    let updated = send(&c, &org, "POST", &format!("/api/v1/users/{USER}"), Some(update)).await;
    assert_eq!((updated.status, limit(updated)), (200, Some(20)));
    assert_eq!(limit(get(&org, &format!("/api/v1/users/{USER}/groups")).await), Some(5));
    assert_eq!(limit(get(&org, "/api/v1/users").await), Some(30));
    assert_eq!(
        limit(get(&org, &format!("/api/v1/users/{USER}/factors")).await),
        Some(30)
    );
    // A path no configured bucket takes falls back to its family.
    assert_eq!(limit(get(&org, "/api/v1/apps").await), Some(1_000_000));

    let requests: Vec<(String, u64)> = org
        .bucket_stats()
        .into_iter()
        .map(|s| (s.bucket, s.requests))
        .take(5)
        .collect();
    let expected = [
        ("GET /api/v1/users/{id}", 1),
        ("/api/v1/users/{id}/groups", 1),
        ("/api/v1/users/{id}", 1),
        ("/api/v1/users*", 2),
        ("/api/v1/logs*", 0),
    ];
    assert_eq!(requests, expected.map(|(b, n)| (b.to_string(), n)));
    assert_eq!(stat(&org, "/api/v1/apps*").requests, 1);
}

#[tokio::test]
async fn a_window_resets_after_its_length() {
    let window = Duration::from_millis(1500);
    let org = MockOrg::builder()
        .bucket_limit(Bucket::new(Some("GET"), "/api/v1/apps"), 2, window)
        .start()
        .await
        .expect("org");
    let first = get(&org, "/api/v1/apps").await;
    assert_eq!(get(&org, "/api/v1/apps").await.quota(), (Some(2), Some(0)));
    let refused = get(&org, "/api/v1/apps").await;
    assert_rate_limited(&refused);
    assert_eq!(refused.reset(), first.reset());
    let now = chrono::Utc::now().timestamp();
    // The window's end, rounded up: at most 1.5 s after a time within this second.
    assert!(
        first.reset() >= now && first.reset() <= now + 3,
        "{} vs {now}",
        first.reset()
    );

    tokio::time::sleep(window + Duration::from_millis(100)).await;
    let fresh = get(&org, "/api/v1/apps").await;
    assert_eq!((fresh.status, fresh.quota()), (200, (Some(2), Some(1))));
    assert!(fresh.reset() > first.reset());
    let apps = stat(&org, "GET /api/v1/apps");
    assert_eq!((apps.requests, apps.rate_limited, apps.most_in_window), (4, 1, 2));
    assert_eq!((apps.limit, apps.window), (2, window));
}

#[tokio::test]
async fn bucket_stats_count_requests_refusals_and_the_fullest_window() {
    let org = MockOrg::builder()
        .rate_limit(4)
        .bucket_limit(Bucket::new(Some("GET"), "/api/v1/groups"), 3, MINUTE)
        .start()
        .await
        .expect("org");
    for _ in 0..5 {
        get(&org, "/api/v1/groups").await;
    }
    // Injected faults are requests of the bucket but not its refusals.
    org.inject(Fault::status(503).on_path("/api/v1/groups"));
    assert_eq!(get(&org, "/api/v1/groups").await.status, 503);
    org.inject(Fault::rate_limited().on_path("/api/v1/groups"));
    let injected = get(&org, "/api/v1/groups").await;
    assert_eq!((injected.status, injected.quota()), (429, (Some(3), Some(0))));
    // Unauthenticated and unknown requests count too, in their family.
    let anonymous = client()
        .get(format!("{}/api/v1/apps", org.url()))
        .send()
        .await
        .expect("an answer");
    assert_eq!(anonymous.status().as_u16(), 401);
    assert_eq!(get(&org, "/api/v1/nothing").await.status, 404);

    let groups = stat(&org, "GET /api/v1/groups");
    assert_eq!((groups.requests, groups.rate_limited, groups.most_in_window), (7, 2, 3));
    assert_eq!(stat(&org, "/api/v1/apps*").requests, 1);
    let rest = stat(&org, "*");
    assert_eq!((rest.requests, rest.limit, rest.window), (1, 4, MINUTE));
    assert_eq!(org.rate_limited(), 2, "injected 429s are not the limits'");
    assert_eq!(org.concurrency_rate_limited(), 0);
    let total: u64 = org.bucket_stats().iter().map(|s| s.requests).sum();
    assert_eq!(total, org.requests());
}

#[tokio::test]
async fn the_concurrency_limit_refuses_with_limit_and_remaining_zero() {
    let org = MockOrg::builder()
        .concurrency_limit(2)
        .latency(Duration::from_millis(600))
        .bucket_limit(Bucket::new(Some("GET"), "/api/v1/users"), 10, MINUTE)
        .start()
        .await
        .expect("org");
    let answers = burst(&org, "/api/v1/users", 5).await;
    let now = chrono::Utc::now().timestamp();
    let (served, refused): (Vec<&Answer>, Vec<&Answer>) = answers.iter().partition(|a| a.status == 200);
    assert_eq!((served.len(), refused.len()), (2, 3), "{answers:?}");
    for answer in &refused {
        assert_rate_limited(answer);
        assert_eq!(answer.quota(), (Some(0), Some(0)));
        assert!(
            answer.reset() >= now && answer.reset() <= now + 2,
            "{} vs {now}",
            answer.reset()
        );
        assert!(answer.header("x-okta-request-id").is_some());
    }
    for answer in &served {
        assert_eq!(answer.quota().0, Some(10));
    }
    assert_eq!(org.concurrency_rate_limited(), 3);
    assert_eq!(org.rate_limited(), 3);
    assert_eq!((org.most_in_flight(), org.in_flight()), (2, 0));
    // The refused requests are the bucket's requests, but took nothing from its window.
    let users = stat(&org, "GET /api/v1/users");
    assert_eq!((users.requests, users.rate_limited, users.most_in_window), (5, 0, 2));
    // Control routes pass whatever the limit.
    let stats: Value = client()
        .get(format!("{}/__mock/stats", org.url()))
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        (stats["concurrencyRateLimited"].as_u64(), stats["mostInFlight"].as_u64()),
        (Some(3), Some(2))
    );
}

#[tokio::test]
async fn most_in_flight_shows_how_many_requests_overlapped() {
    let org = MockOrg::builder()
        .latency(Duration::from_millis(400))
        .start()
        .await
        .expect("org");
    let started = std::time::Instant::now();
    let answers = burst(&org, "/api/v1/groups", 6).await;
    assert!(answers.iter().all(|a| a.status == 200));
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!((org.most_in_flight(), org.in_flight()), (6, 0));

    // A client that holds its burst to two at a time.
    let org = Arc::new(
        MockOrg::builder()
            .latency(Duration::from_millis(100))
            .start()
            .await
            .expect("org"),
    );
    let permits = Arc::new(tokio::sync::Semaphore::new(2));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let (org, permits) = (org.clone(), permits.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire().await.expect("open");
            get(&org, "/api/v1/groups").await.status
        });
    }
    assert!(tasks.join_all().await.iter().all(|s| *s == 200));
    assert_eq!((org.most_in_flight(), org.concurrency_rate_limited()), (2, 0));
}

#[tokio::test]
async fn limits_change_while_serving() {
    let org = MockOrg::start().await.expect("org");
    let groups = Bucket::new(Some("GET"), "/api/v1/groups");
    assert_eq!(get(&org, "/api/v1/groups").await.quota().0, Some(1_000_000));
    org.set_bucket_limit(groups.clone(), 2, MINUTE);
    assert_eq!(get(&org, "/api/v1/groups").await.quota(), (Some(2), Some(1)));
    assert_eq!(get(&org, "/api/v1/groups").await.quota(), (Some(2), Some(0)));
    assert_rate_limited(&get(&org, "/api/v1/groups").await);
    // A new limit applies to the open window.
    org.set_bucket_limit(groups.clone(), 4, MINUTE);
    assert_eq!(get(&org, "/api/v1/groups").await.quota(), (Some(4), Some(1)));
    let stats = org.bucket_stat(&groups).expect("configured");
    assert_eq!((stats.limit, stats.requests, stats.rate_limited), (4, 4, 1));

    org.set_latency(Duration::from_millis(500));
    org.set_concurrency_limit(Some(1));
    let answers = burst(&org, "/api/v1/apps", 3).await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 2, "{statuses:?}");
    assert_eq!(org.concurrency_rate_limited(), 2);
    org.set_concurrency_limit(None);
    let answers = burst(&org, "/api/v1/apps", 3).await;
    assert!(answers.iter().all(|a| a.status == 200));
    assert_eq!(org.most_in_flight(), 3);
    org.set_latency(Duration::ZERO);
    let started = std::time::Instant::now();
    get(&org, "/api/v1/apps").await;
    assert!(started.elapsed() < Duration::from_millis(400));
    assert_eq!(org.rate_limited(), 3);
}

#[tokio::test]
async fn limits_change_through_the_control_route() {
    let org = MockOrg::start().await.expect("org");
    let control = |body: Value| client().post(format!("{}/__mock/limits", org.url())).json(&body).send();
    let set = control(json!({
        "buckets": [
            {"bucket": "GET /api/v1/apps", "limit": 1, "windowMs": 30000},
            {"bucket": "/api/v1/groups*", "limit": 7},
        ],
        "concurrencyLimit": 5,
        "latencyMs": 0,
    }))
    .await
    .expect("an answer");
    assert_eq!(set.status().as_u16(), 204);
    assert_eq!(get(&org, "/api/v1/apps").await.quota(), (Some(1), Some(0)));
    assert_rate_limited(&get(&org, "/api/v1/apps").await);
    assert_eq!(get(&org, "/api/v1/groups").await.quota(), (Some(7), Some(6)));
    let apps = stat(&org, "GET /api/v1/apps");
    assert_eq!((apps.limit, apps.window), (1, Duration::from_secs(30)));

    let lifted = control(json!({"concurrencyLimit": null})).await.expect("an answer");
    assert_eq!(lifted.status().as_u16(), 204);
    let bad = control(json!({"buckets": [{"bucket": "/api/v1/apps"}]}))
        .await
        .expect("an answer");
    assert_eq!(bad.status().as_u16(), 400);

    let stats: Value = client()
        .get(format!("{}/__mock/stats", org.url()))
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON");
    assert_eq!(stats["rateLimited"], 1);
    assert_eq!(
        stats["buckets"][0],
        json!({"bucket": "GET /api/v1/apps", "limit": 1, "windowMs": 30000, "requests": 2, "rateLimited": 1, "mostInWindow": 1})
    );
}

#[tokio::test]
async fn the_logs_limit_is_a_bucket_a_more_specific_one_can_take_over() {
    let org = MockOrg::builder()
        .logs_rate_limit(5, MINUTE)
        .start()
        .await
        .expect("org");
    assert_eq!(get(&org, "/api/v1/logs").await.quota(), (Some(5), Some(4)));
    assert_eq!(stat(&org, "/api/v1/logs*").requests, 1);
    org.set_bucket_limit(Bucket::new(Some("GET"), "/api/v1/logs"), 1, MINUTE);
    assert_eq!(get(&org, "/api/v1/logs").await.quota(), (Some(1), Some(0)));
    assert_rate_limited(&get(&org, "/api/v1/logs").await);
    assert_eq!((org.logs_requests().len(), org.logs_rate_limited()), (3, 1));
    // Setting the logs bucket is `logs_rate_limit` again.
    org.set_bucket_limit(Bucket::any("/api/v1/logs*"), 9, MINUTE);
    let logs = stat(&org, "/api/v1/logs*");
    assert_eq!((logs.limit, logs.requests, logs.most_in_window), (9, 1, 1));
}
