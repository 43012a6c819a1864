//! The request pipeline end to end through generated operations: pagination streams, rate
//! limits and retries, the time budget, the response cache, error decoding, headers, raw
//! requests and a caller's own HTTP client.

#[path = "support/paused.rs"]
mod paused;
use futures::{StreamExt, TryStreamExt};
use httpmock::MockServer;
use okta_sdk::prelude::*;
use okta_sdk::runtime::{Config, ExponentialBackoff, MemoryCache, Runtime};
use okta_sdk::{DefaultRetryPolicy, ErrorKind, RequestOptions};
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

const TOKEN: &str = "00pipeline-test-token";

fn runtime() -> Runtime {
    Runtime::with_api_token(TOKEN).expect("valid token")
}

fn client(server: &MockServer, runtime: Runtime) -> okta_sdk::Client {
    okta_sdk::Client::with_runtime(&server.base_url(), runtime)
}

/// A runtime whose HTTP client has no timers of its own (no connect or read timeout, no
/// idle-pool reaper), for tests on paused time: the clock then advances only through the
/// SDK's waits, and a test checks them on `tokio::time` in milliseconds of real time.
fn paused_runtime(base_url: &str) -> Runtime {
    let config = Config::builder()
        .code_only()
        .org_url(base_url)
        .disable_https_check(true)
        .api_token(TOKEN)
        .read_timeout(Duration::ZERO)
        .build()
        .expect("config");
    Runtime::from_config_with_client(&config, paused::http_client()).expect("runtime")
}

/// The virtual and the real time a call takes.
async fn timed<T>(call: impl std::future::Future<Output = T>) -> (T, Duration, Duration) {
    let (virtual_start, wall_start) = (tokio::time::Instant::now(), Instant::now());
    let out = call.await;
    (out, virtual_start.elapsed(), wall_start.elapsed())
}

/// Retries without real waiting: 10 ms fixed backoff.
fn quick_retries(max: u32) -> Arc<DefaultRetryPolicy> {
    Arc::new(DefaultRetryPolicy::new(max).backoff(Arc::new(ExponentialBackoff::fixed(Duration::from_millis(10)))))
}

fn user(id: &str) -> serde_json::Value {
    json!({"id": id, "status": "ACTIVE", "profile": {"login": format!("{id}@example.com")}})
}

/// Three pages of users, two per page, linked with `rel="next"` (and `rel="self"`).
fn three_pages(server: &MockServer) -> [httpmock::Mock<'_>; 3] {
    let base = server.base_url();
    let page = |after: Option<&'static str>, ids: [&str; 2], next: Option<&str>| {
        let mut link = format!("<{base}/api/v1/users?limit=2>; rel=\"self\"");
        if let Some(n) = next {
            link.push_str(&format!(", <{base}/api/v1/users?after={n}&limit=2>; rel=\"next\""));
        }
        let body = json!([user(ids[0]), user(ids[1])]);
        server.mock(move |when, then| {
            let when = when
                .method("GET")
                .path("/api/v1/users")
                .query_param("limit", "2")
                .query_param("search", "status eq \"ACTIVE\"");
            match after {
                Some(a) => when.query_param("after", a),
                None => when.query_param_missing("after"),
            };
            then.status(200).header("link", link).json_body(body);
        })
    };
    [
        page(None, ["00u1", "00u2"], Some("00u2")),
        page(Some("00u2"), ["00u3", "00u4"], Some("00u4")),
        page(Some("00u4"), ["00u5", "00u6"], None),
    ]
}

#[tokio::test]
async fn list_users_across_three_pages_with_stream_pages_and_max_pages() {
    let server = MockServer::start_async().await;
    let mocks = three_pages(&server);
    let c = client(&server, runtime());
    let list = || c.list_users().limit(2).search("status eq \"ACTIVE\"");

    // Items: the next link lacks `search`; the caller's query is kept.
    let ids: Vec<String> = list()
        .stream()
        .map_ok(|u| u.id)
        .try_collect()
        .await
        .expect("three pages");
    assert_eq!(ids, ["00u1", "00u2", "00u3", "00u4", "00u5", "00u6"]);

    // Pages: items plus each page's status and headers.
    let pages: Vec<_> = list().pages().try_collect().await.expect("three pages");
    assert_eq!(pages.len(), 3);
    assert!(pages.iter().all(|p| p.status == 200 && p.items.len() == 2));
    assert_eq!(pages[0].next_cursor().as_deref(), Some("00u2"));
    assert!(!pages[2].has_next_page());

    // A bound.
    let bounded: Vec<_> = list().max_pages(2).stream().try_collect().await.expect("two pages");
    assert_eq!(bounded.len(), 4);
    assert_eq!(
        mocks.iter().map(|m| m.calls()).collect::<Vec<_>>(),
        [3, 3, 2],
        "each page fetched once per walk"
    );

    // The manual cursor.
    let first = list().send().await.expect("first page");
    let cursor = okta_sdk::runtime::pagination::next_cursor(first.headers()).expect("a next page");
    let second = list().after(cursor).send().await.expect("second page");
    assert_eq!(second[0].id, "00u3");
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_the_error() {
    let server = MockServer::start_async().await;
    let base = server.base_url();
    server.mock(|when, then| {
        when.method("GET").path("/api/v1/groups").query_param_missing("after");
        then.status(200)
            .header("link", format!("<{base}/api/v1/groups?after=g1>; rel=\"next\""))
            .json_body(json!([{"id": "g1", "profile": {"name": "one"}}]));
    });
    server.mock(|when, then| {
        when.method("GET").path("/api/v1/groups").query_param("after", "g1");
        then.status(500)
            .json_body(json!({"errorCode": "E0000009", "errorSummary": "Internal Server Error"}));
    });
    let got: Vec<_> = client(&server, runtime()).list_groups().stream().collect().await;
    assert_eq!(got.len(), 2, "one item, then the error");
    let err = got[1].as_ref().expect_err("second page fails");
    assert_eq!(err.error_code(), Some("E0000009"));
}

#[tokio::test]
async fn a_next_link_to_another_host_is_not_followed() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method("GET").path("/api/v1/users");
        then.status(200)
            .header("link", "<https://attacker.example/api/v1/users?after=x>; rel=\"next\"")
            .json_body(json!([user("00u1")]));
    });
    let got: Vec<_> = client(&server, runtime()).list_users().stream().collect().await;
    assert_eq!(got.len(), 2);
    let err = got[1].as_ref().expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::Pagination);
}

#[tokio::test(start_paused = true)]
async fn a_429_waits_for_the_reset_against_date_then_retries_with_retry_headers() {
    let server = MockServer::start_async().await;
    // The server's clock is far from ours: only Date + reset count.
    let date = SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    let limited = server.mock(|when, then| {
        when.method("GET")
            .path("/api/v1/users/00u1")
            .header_missing("x-okta-retry-count");
        then.status(429)
            .header("date", httpdate::fmt_http_date(date))
            .header("x-okta-request-id", "req-429")
            .header("x-rate-limit-limit", "600")
            .header("x-rate-limit-remaining", "0")
            .header("x-rate-limit-reset", "1600000001")
            .header("x-rate-limit-reset", "1600000030")
            .json_body(json!({"errorCode": "E0000047", "errorSummary": "API call exceeded rate limit due to too many requests."}));
    });
    let retried = server.mock(|when, then| {
        when.method("GET")
            .path("/api/v1/users/00u1")
            .header("x-okta-retry-for", "req-429")
            .header("x-okta-retry-count", "1");
        then.status(200).json_body(user("00u1"));
    });
    let c = client(&server, paused_runtime(&server.base_url()));
    let (got, waited, wall) = timed(c.get_user().id("00u1").send()).await;
    let got = got.expect("retried");
    assert_eq!(got.id, "00u1");
    assert_eq!((limited.calls(), retried.calls()), (1, 1));
    // Smallest reset (Date + 1 s) plus one second, on the paused clock.
    assert!(waited >= Duration::from_secs(2), "waited {waited:?}");
    assert!(waited < Duration::from_secs(6), "waited {waited:?}");
    assert!(wall < Duration::from_secs(1), "really waited {wall:?}");
}

#[tokio::test]
async fn a_503_is_retried_on_get_but_not_on_post() {
    let server = MockServer::start_async().await;
    let get = server.mock(|when, then| {
        when.method("GET").path("/api/v1/groups/00g1");
        then.status(503).header("x-okta-request-id", "req-503");
    });
    let post = server.mock(|when, then| {
        when.method("POST").path("/api/v1/users/00u1/lifecycle/suspend");
        then.status(503);
    });
    let c = client(&server, runtime().with_retry_policy(quick_retries(2)));
    let err = c.get_group().group_id("00g1").send().await.expect_err("still 503");
    assert_eq!(get.calls(), 3, "first try and two retries");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    let err = c.suspend_user().id("00u1").send().await.expect_err("503");
    assert_eq!(post.calls(), 1, "POST is not retried on 503");
    assert_eq!(err.api().map(|e| e.attempts), Some(1));
}

#[tokio::test]
async fn exhausted_retries_keep_the_last_status_headers_and_body() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method("GET").path("/api/v1/users/00u1");
        then.status(429)
            .header("x-okta-request-id", "req-last")
            .header("x-rate-limit-limit", "600")
            .header("x-rate-limit-remaining", "0")
            .header("retry-after", "0")
            .json_body(json!({"errorCode": "E0000047", "errorSummary": "API call exceeded rate limit due to too many requests."}));
    });
    let c = client(&server, runtime().with_retry_policy(quick_retries(3)));
    let err = c.get_user().id("00u1").send().await.expect_err("always 429");
    assert_eq!(mock.calls(), 4);
    let api = err.api().expect("an API error");
    assert_eq!(api.status, 429);
    assert_eq!(api.attempts, 4);
    assert_eq!(api.error_code.as_deref(), Some("E0000047"));
    assert_eq!(api.request_id.as_deref(), Some("req-last"));
    assert_eq!(api.rate_limit.and_then(|r| r.remaining), Some(0));
    assert_eq!(api.headers["x-rate-limit-limit"], "600");
    assert!(String::from_utf8_lossy(&api.body).contains("exceeded rate limit"));

    // maxRetries 0 from configuration disables retries.
    let config = Config::builder()
        .code_only()
        .org_url(server.base_url())
        .disable_https_check(true)
        .api_token(TOKEN)
        .max_retries(0)
        .build()
        .expect("config");
    let c = client(&server, Runtime::from_config(&config).expect("runtime"));
    c.get_user().id("00u1").send().await.expect_err("429");
    assert_eq!(mock.calls(), 5);
}

/// A configuration whose calls have one second in all.
fn one_second_budget(server: &MockServer) -> Config {
    Config::builder()
        .code_only()
        .org_url(server.base_url())
        .disable_https_check(true)
        .api_token(TOKEN)
        .request_timeout(Duration::from_secs(1))
        .read_timeout(Duration::ZERO)
        .build()
        .expect("config")
}

#[tokio::test(start_paused = true)]
async fn the_request_timeout_bounds_the_whole_call() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method("GET").path("/api/v1/users/slow");
        then.delay(Duration::from_secs(3)).status(200).json_body(user("slow"));
    });
    let c = client(
        &server,
        Runtime::from_config_with_client(&one_second_budget(&server), paused::http_client()).expect("runtime"),
    );
    // The server answers after 3 s of real time; the budget ends after 1 s of paused time.
    let (err, took, _) = timed(c.get_user().id("slow").send()).await;
    let err = err.expect_err("too slow");
    assert!(took >= Duration::from_secs(1), "{took:?}");
    assert!(took < Duration::from_millis(1100), "{took:?}");
    assert!(
        matches!(
            err,
            okta_sdk::Error::Timeout {
                operation: "getUser",
                attempts: 1,
                ..
            }
        ),
        "{err}"
    );
}

/// Real time: under paused time the budget's timer would fire while the answer is on its way.
#[tokio::test]
async fn a_429_whose_wait_passes_the_budget_is_not_waited_for() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method("GET").path("/api/v1/users/limited");
        then.status(429).header("retry-after", "30");
    });
    let c = client(
        &server,
        Runtime::from_config(&one_second_budget(&server)).expect("runtime"),
    );
    // A per-request timeout wins over the configured one; a 429 whose reset is past the
    // budget is not waited for.
    let started = Instant::now();
    let err = c
        .get_user()
        .id("limited")
        .options(RequestOptions::new().timeout(Duration::from_secs(5)))
        .send()
        .await
        .expect_err("429");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
}

fn cached(server: &MockServer, ttl: Duration, tti: Duration) -> okta_sdk::Client {
    client(server, runtime().with_cache(Arc::new(MemoryCache::new(ttl, tti))))
}

fn get_user_mock<'a>(server: &'a MockServer, id: &'static str) -> httpmock::Mock<'a> {
    server.mock(move |when, then| {
        when.method("GET").path(format!("/api/v1/users/{id}"));
        then.status(200).json_body(user(id));
    })
}

#[tokio::test]
async fn the_cache_serves_hits_and_never_lists() {
    let server = MockServer::start_async().await;
    let one = get_user_mock(&server, "00u1");
    let list = server.mock(|when, then| {
        when.method("GET").path("/api/v1/users");
        then.status(200).json_body(json!([user("00u1")]));
    });
    let c = cached(&server, Duration::from_secs(60), Duration::from_secs(60));
    for _ in 0..3 {
        let u = c.get_user().id("00u1").send().await.expect("user");
        assert_eq!(u.id, "00u1");
    }
    assert_eq!(one.calls(), 1, "two cache hits");
    c.get_user()
        .id("00u1")
        .options(RequestOptions::new().bypass_cache())
        .send()
        .await
        .expect("user");
    assert_eq!(one.calls(), 2, "bypass");
    c.list_users().send().await.expect("list");
    c.list_users().send().await.expect("list");
    assert_eq!(list.calls(), 2, "lists are never cached");
}

/// Real time: the cache (moka) keeps its own clock, which paused time does not move.
#[tokio::test]
async fn cache_entries_expire_after_ttl_and_after_tti() {
    let server = MockServer::start_async().await;
    let ttl_mock = get_user_mock(&server, "ttl");
    let c = cached(&server, Duration::from_millis(400), Duration::from_secs(60));
    c.get_user().id("ttl").send().await.expect("user");
    tokio::time::sleep(Duration::from_millis(150)).await;
    c.get_user().id("ttl").send().await.expect("user");
    assert_eq!(ttl_mock.calls(), 1, "fresh");
    tokio::time::sleep(Duration::from_millis(400)).await;
    c.get_user().id("ttl").send().await.expect("user");
    assert_eq!(ttl_mock.calls(), 2, "expired after its TTL although it was read");

    let tti_mock = get_user_mock(&server, "tti");
    let c = cached(&server, Duration::from_secs(60), Duration::from_millis(400));
    for _ in 0..4 {
        // Read every 150 ms: idle never reaches 400 ms, for longer than the TTI in total.
        c.get_user().id("tti").send().await.expect("user");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert_eq!(tti_mock.calls(), 1, "reads keep it alive");
    tokio::time::sleep(Duration::from_millis(500)).await;
    c.get_user().id("tti").send().await.expect("user");
    assert_eq!(tti_mock.calls(), 2, "expired after idling past its TTI");
}

#[tokio::test]
async fn a_post_evicts_the_resource() {
    let server = MockServer::start_async().await;
    let get = get_user_mock(&server, "00u7");
    let post = server.mock(|when, then| {
        when.method("POST").path("/api/v1/users/00u7/lifecycle/suspend");
        then.status(200).json_body(json!({}));
    });
    let c = cached(&server, Duration::from_secs(60), Duration::from_secs(60));
    c.get_user().id("00u7").send().await.expect("user");
    c.get_user().id("00u7").send().await.expect("user");
    assert_eq!(get.calls(), 1);
    c.suspend_user().id("00u7").send().await.expect("suspended");
    assert_eq!(post.calls(), 1);
    c.get_user().id("00u7").send().await.expect("user");
    assert_eq!(get.calls(), 2, "the POST made the cached user stale");

    // A call that bypasses the cache, and a raw request, still evict what they change.
    c.get_user().id("00u7").send().await.expect("cached again");
    c.suspend_user()
        .id("00u7")
        .options(RequestOptions::new().bypass_cache())
        .send()
        .await
        .expect("suspended");
    c.get_user().id("00u7").send().await.expect("user");
    assert_eq!(get.calls(), 3, "a bypassing POST evicts too");
    c.raw(reqwest::Method::POST, "/api/v1/users/00u7/lifecycle/suspend")
        .send_json()
        .await
        .expect("raw POST");
    c.get_user().id("00u7").send().await.expect("user");
    assert_eq!(get.calls(), 4, "a raw POST evicts too");
}

#[tokio::test]
async fn okta_errors_decode_into_typed_fields() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method("GET").path("/api/v1/users/missing");
        then.status(404)
            .header("x-okta-request-id", "req-404")
            .json_body(json!({
                "errorCode": "E0000007",
                "errorSummary": "Not found: Resource not found: missing (User)",
                "errorLink": "E0000007",
                "errorId": "oaeabc",
                "errorCauses": []
            }));
    });
    server.mock(|when, then| {
        when.method("POST").path("/api/v1/users/dup/lifecycle/suspend");
        then.status(400).json_body(json!({
            "errorCode": "E0000001",
            "errorSummary": "Api validation failed: login",
            "errorLink": "E0000001",
            "errorId": "oaedef",
            "errorCauses": [{"errorSummary": "login: An object with this field already exists in the current organization"}]
        }));
    });
    server.mock(|when, then| {
        when.method("GET").path("/api/v1/users/bad");
        then.status(200).json_body(
            // A list where one user is expected: a field of another shape would be set aside, an
            // answer of another shape fails.
            json!([{"id": "bad", "profile": {"login": 42}, "credentials": {"password": {"value": "hunter2"}}}]),
        );
    });
    let c = client(&server, runtime());

    let err = c.get_user().id("missing").send().await.expect_err("404");
    assert_eq!(err.kind(), ErrorKind::Api);
    let api = err.api().expect("api error");
    assert_eq!(
        (api.status.as_u16(), api.error_code.as_deref(), api.error_id.as_deref()),
        (404, Some("E0000007"), Some("oaeabc"))
    );
    assert_eq!(api.error_link.as_deref(), Some("E0000007"));
    assert_eq!(api.request_id.as_deref(), Some("req-404"));
    assert!(
        err.to_string()
            .starts_with("getUser: HTTP 404 Not Found E0000007: Not found"),
        "{err}"
    );

    let err = c.suspend_user().id("dup").send().await.expect_err("400");
    assert_eq!(
        err.api().map(|e| e.error_causes.clone()),
        Some(vec![
            "login: An object with this field already exists in the current organization".to_string()
        ])
    );

    let err = c.get_user().id("bad").send().await.expect_err("does not decode");
    let okta_sdk::Error::Decode(decode) = &err else {
        panic!("not a decode error: {err}");
    };
    assert_eq!((decode.operation, decode.status.as_u16()), ("getUser", 200));
    assert_eq!(decode.path, ".");
    assert!(decode.excerpt.contains("\"id\":\"bad\""), "{}", decode.excerpt);
    assert!(
        !format!("{err} {err:?}").contains("hunter2"),
        "secret-looking values are masked"
    );
}

#[tokio::test]
async fn a_403_under_oauth_names_the_scopes_needed_and_asked_for() {
    use p256::pkcs8::{EncodePrivateKey, LineEnding};
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method("POST").path("/oauth2/v1/token");
        then.status(200).json_body(
            json!({"token_type": "Bearer", "expires_in": 3600, "access_token": "at-1", "scope": "okta.users.read"}),
        );
    });
    server.mock(|when, then| {
        when.method("GET").path("/api/v1/groups");
        then.status(403)
            .header("www-authenticate", "Bearer error=\"insufficient_scope\"")
            .json_body(json!({"errorCode": "E0000006", "errorSummary": "You do not have permission to perform the requested action"}));
    });
    let key = p256::SecretKey::random(&mut rand::thread_rng())
        .to_pkcs8_pem(LineEnding::LF)
        .expect("pem")
        .to_string();
    let config = Config::builder()
        .code_only()
        .org_url(server.base_url())
        .disable_https_check(true)
        .private_key("0oa-client", key)
        .scopes(["okta.users.read"])
        .build()
        .expect("config");
    let c = client(&server, Runtime::from_config(&config).expect("runtime"));
    let err = c.list_groups().send().await.expect_err("403");
    let api = err.api().expect("api error");
    assert_eq!(api.required_scopes, ["okta.groups.read"]);
    assert_eq!(api.requested_scopes, ["okta.users.read"]);
    assert!(
        err.to_string()
            .contains("needs one of the scopes [okta.groups.read], the client asked for [okta.users.read]"),
        "{err}"
    );
}

#[tokio::test]
async fn custom_and_default_headers() {
    let server = MockServer::start_async().await;
    let ua = format!(
        "^okta-sdk-rust/{} rust/[0-9][^ ]* [a-z0-9_]+/[a-z0-9_]+ my-app/2\\.0$",
        env!("CARGO_PKG_VERSION")
    );
    let with_custom = server.mock(|when, then| {
        when.method("GET")
            .path("/api/v1/users/00u1")
            .header("x-tenant", "blue")
            .header("x-call", "one")
            .header("accept", "application/json")
            .header("authorization", format!("SSWS {TOKEN}"))
            .header_matches("user-agent", ua.as_str())
            .header_missing("api-version");
        then.status(200).json_body(user("00u1"));
    });
    let config = Config::builder()
        .code_only()
        .org_url(server.base_url())
        .disable_https_check(true)
        .api_token(TOKEN)
        .user_agent("my-app/2.0")
        .build()
        .expect("config");
    let mut c = client(&server, Runtime::from_config(&config).expect("runtime"));
    c.set_header(HeaderName::from_static("x-tenant"), HeaderValue::from_static("blue"));
    // A default header wins over a custom one of the same name.
    c.set_header(reqwest::header::USER_AGENT, HeaderValue::from_static("spoofed"));
    assert_eq!(c.header("x-tenant").map(|v| v.to_str().ok()), Some(Some("blue")));
    let defaults = c.default_headers();
    assert!(
        defaults["user-agent"]
            .to_str()
            .unwrap_or_default()
            .ends_with(" my-app/2.0")
    );
    assert_eq!(defaults["accept"], "application/json");
    assert_eq!(defaults["content-type"], "application/json");

    let per_call = RequestOptions::new()
        .header(HeaderName::from_static("x-call"), HeaderValue::from_static("one"))
        .header(reqwest::header::ACCEPT, HeaderValue::from_static("text/plain"));
    c.get_user()
        .id("00u1")
        .options(per_call)
        .send()
        .await
        .expect("headers matched");
    assert_eq!(with_custom.calls(), 1);

    // Cleared headers are gone; a clone keeps its own set.
    let before = c.clone();
    c.clear_headers();
    assert!(c.custom_headers().is_empty());
    assert_eq!(before.custom_headers().len(), 2);
    let bare = server.mock(|when, then| {
        when.method("GET").path("/api/v1/users/00u2").header_missing("x-tenant");
        then.status(200).json_body(user("00u2"));
    });
    c.get_user().id("00u2").send().await.expect("no custom header");
    assert_eq!(bare.calls(), 1);
}

#[tokio::test]
async fn raw_requests_go_through_the_same_pipeline() {
    let server = MockServer::start_async().await;
    let get = server.mock(|when, then| {
        when.method("GET")
            .path("/api/v1/org/privacy/okta-communication")
            .query_param("expand", "all")
            .header("authorization", format!("SSWS {TOKEN}"))
            .header_exists("user-agent");
        then.status(200).json_body(json!({"optOutEmailUsers": false}));
    });
    let post = server.mock(|when, then| {
        when.method("POST")
            .path("/api/v1/experimental/things")
            .json_body(json!({"name": "thing"}));
        then.status(201).json_body(json!({"id": "t1", "name": "thing"}));
    });
    server.mock(|when, then| {
        when.method("DELETE").path("/api/v1/experimental/things/t1");
        then.status(503);
    });
    let c = client(&server, runtime().with_retry_policy(quick_retries(1)));

    let value = c
        .raw(reqwest::Method::GET, "/api/v1/org/privacy/okta-communication")
        .query("expand", "all")
        .send_json()
        .await
        .expect("raw JSON");
    assert_eq!(value.status(), 200);
    assert_eq!(value.into_inner()["optOutEmailUsers"], false);
    assert_eq!(get.calls(), 1);

    // A raw request's own options reach the pipeline (its header, and its retry policy: no retry).
    let with_header = server.mock(|when, then| {
        when.method("GET")
            .path("/api/v1/experimental/flaky")
            .header("x-raw-option", "yes");
        then.status(503);
    });
    let err = c
        .raw(reqwest::Method::GET, "/api/v1/experimental/flaky")
        .options(
            RequestOptions::new()
                .header(HeaderName::from_static("x-raw-option"), HeaderValue::from_static("yes"))
                .retry_policy(quick_retries(0)),
        )
        .send_json()
        .await
        .expect_err("503");
    assert_eq!(err.api().map(|e| (e.status.as_u16(), e.attempts)), Some((503, 1)));
    assert_eq!(with_header.calls(), 1, "the option's header was sent, once");

    #[derive(serde::Deserialize)]
    struct Thing {
        id: String,
        name: String,
    }
    let thing: Thing = c
        .raw(reqwest::Method::POST, "/api/v1/experimental/things")
        .json(&json!({"name": "thing"}))
        .send::<Thing>()
        .await
        .expect("typed")
        .into_inner();
    assert_eq!(
        (thing.id.as_str(), thing.name.as_str(), post.calls()),
        ("t1", "thing", 1)
    );

    let err = c
        .raw(reqwest::Method::DELETE, "/api/v1/experimental/things/t1")
        .send_json()
        .await
        .expect_err("503");
    assert_eq!(
        err.api().map(|e| (e.status.as_u16(), e.attempts)),
        Some((503, 2)),
        "retried once"
    );

    let err = c
        .raw(reqwest::Method::GET, "https://elsewhere.example/api/v1/users")
        .send_json()
        .await
        .expect_err("stays on the org");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn a_user_supplied_reqwest_client_sends_the_calls() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method("GET")
            .path("/api/v1/users/00u1")
            .header("x-corporate-proxy-tag", "abc")
            .header("authorization", format!("SSWS {TOKEN}"));
        then.status(200).json_body(user("00u1"));
    });
    // This workspace builds reqwest without a TLS provider; one must be installed before a
    // reqwest::Client is built (`Client::builder()` does it itself).
    okta_sdk::runtime::ensure_tls_provider();
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-corporate-proxy-tag", HeaderValue::from_static("abc"));
    let http = reqwest::Client::builder()
        .default_headers(defaults)
        .build()
        .expect("client");
    let config = Config::builder()
        .code_only()
        .org_url(server.base_url())
        .disable_https_check(true)
        .api_token(TOKEN)
        .build()
        .expect("config");
    let runtime = Runtime::from_config_with_client(&config, http).expect("runtime");
    let c = okta_sdk::Client::with_runtime(config.base_url(), runtime);
    c.get_user()
        .id("00u1")
        .send()
        .await
        .expect("sent through the caller's client");
    assert_eq!(mock.calls(), 1);
}

#[tokio::test(start_paused = true)]
async fn pacing_waits_for_the_reset_once_the_limit_is_spent() {
    let server = MockServer::start_async().await;
    let date = SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    let spent = server.mock(|when, then| {
        when.method("GET").path("/api/v1/users/00u1");
        then.status(200)
            .header("date", httpdate::fmt_http_date(date))
            .header("x-rate-limit-limit", "10")
            .header("x-rate-limit-remaining", "0")
            .header("x-rate-limit-reset", "1600000001")
            .json_body(user("00u1"));
    });
    let c = client(&server, paused_runtime(&server.base_url()).with_rate_limit_pacing(true));
    let (first, took, _) = timed(c.get_user().id("00u1").send()).await;
    first.expect("user");
    assert!(took < Duration::from_millis(900), "{took:?}");
    let (second, took, wall) = timed(c.get_user().id("00u1").send()).await;
    second.expect("user");
    assert!(took >= Duration::from_millis(900), "{took:?}");
    assert!(wall < Duration::from_millis(900), "really waited {wall:?}");
    assert_eq!(spent.calls(), 2);

    // Without pacing (the default), no wait.
    let c = client(&server, paused_runtime(&server.base_url()));
    c.get_user().id("00u1").send().await.expect("user");
    let (third, took, _) = timed(c.get_user().id("00u1").send()).await;
    third.expect("user");
    assert!(took < Duration::from_millis(900), "{took:?}");
}

#[tokio::test(start_paused = true)]
async fn connection_failures_are_retried_for_get_only() {
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let policy =
        Arc::new(DefaultRetryPolicy::new(2).backoff(Arc::new(ExponentialBackoff::fixed(Duration::from_millis(150)))));
    let c = okta_sdk::Client::with_runtime(&base, paused_runtime(&base).with_retry_policy(policy));

    let (err, took, wall) = timed(c.get_user().id("00u1").send()).await;
    let err = err.expect_err("nothing listens");
    assert!(
        matches!(
            err,
            okta_sdk::Error::Transport {
                connect: true,
                operation: "getUser",
                ..
            }
        ),
        "{err}"
    );
    assert!(took >= Duration::from_millis(300), "two backoffs: {took:?}");
    assert!(wall < Duration::from_millis(300), "really waited {wall:?}");

    let (err, took, _) = timed(c.suspend_user().id("00u1").send()).await;
    let err = err.expect_err("nothing listens");
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(took < Duration::from_millis(150), "POST is not retried: {took:?}");
}

/// A one-shot HTTP server on a thread: reads one request, answers `answer`, closes. Returns
/// its base URL and the request line it saw.
fn one_answer(answer: &'static str) -> (String, std::thread::JoinHandle<String>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut request_line = String::new();
        reader.read_line(&mut request_line).expect("request line");
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
            line.clear();
        }
        let mut stream = stream;
        stream.write_all(answer.as_bytes()).expect("answer");
        request_line.trim_end().to_string()
    });
    (base, seen)
}

/// A success is handed to the decoder unread (no time budget, no cache): a body that breaks
/// off is still a transport error of the operation, not a decode error or a panic. Path
/// parameters are percent-encoded as progenitor encodes them (rule `path_segments_in_place`).
#[tokio::test]
async fn a_success_whose_body_breaks_off_is_a_transport_error() {
    const TRUNCATED: &str =
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n{\"id\":\"00u1\",";
    for budget in [None, Some(Duration::from_secs(5))] {
        let (base, seen) = one_answer(TRUNCATED);
        let c = okta_sdk::Client::with_runtime(&base, runtime().with_retry_policy(quick_retries(0)));
        let mut call = c.get_user().id("a b/c?d");
        if let Some(b) = budget {
            call = call.options(RequestOptions::new().timeout(b));
        }
        let err = call.send().await.expect_err("the body breaks off");
        assert!(
            matches!(
                err,
                okta_sdk::Error::Transport {
                    operation: "getUser",
                    connect: false,
                    ..
                }
            ),
            "budget {budget:?}: {err:?}"
        );
        assert_eq!(
            seen.join().expect("server thread"),
            "GET /api/v1/users/a%20b%2Fc%3Fd HTTP/1.1",
            "budget {budget:?}"
        );
    }
}
