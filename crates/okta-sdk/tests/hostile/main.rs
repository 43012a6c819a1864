//! The SDK against a hostile or broken server, a careless caller and a bad configuration,
//! through the public API (issue 17). Each section is one class of defect:
//!
//! 1. a path parameter never changes the endpoint called (property test over raw paths);
//! 2. nothing leaves the org's origin (a second local server must receive nothing);
//! 3. numbers the server sends never panic (property test over header values);
//! 4. pagination always ends;
//! 5. a token failure is shared like a success;
//! 6. configuration means what it says, and a stalled server cannot hold a call forever;
//! 7. a server cannot make a call hold more memory than `maxResponseBytes`.

mod server;

use futures::{StreamExt, TryStreamExt};
use okta_sdk::prelude::*;
use okta_sdk::runtime::{Config, ConfigProblem, ConfigSource, Runtime};
use okta_sdk::{DefaultRetryPolicy, Error, ErrorKind, ExponentialBackoff, RequestOptions};
use proptest::prelude::*;
use server::{Answer, Server, ok, reply};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TOKEN: &str = "00hostile-test-token";
const USER: &str = r#"{"id":"00u1","status":"ACTIVE","profile":{"login":"a@example.com"}}"#;

fn ssws(server: &Server) -> okta_sdk::Client {
    okta_sdk::Client::with_runtime(&server.url, Runtime::with_api_token(TOKEN).expect("token"))
}

fn configured(
    server: &Server,
    build: impl FnOnce(okta_sdk::ClientBuilder) -> okta_sdk::ClientBuilder,
) -> okta_sdk::Client {
    let builder = okta_sdk::Client::builder()
        .code_only()
        .org_url(&server.url)
        .disable_https_check(true);
    build(builder).build().expect("valid configuration")
}

fn quick(max: u32) -> Arc<DefaultRetryPolicy> {
    Arc::new(
        DefaultRetryPolicy::new(max)
            .backoff(Arc::new(ExponentialBackoff::fixed(Duration::from_millis(5))))
            .max_wait(Duration::from_millis(20)),
    )
}

fn ec_key_pem() -> String {
    use p256::pkcs8::{EncodePrivateKey, LineEnding};
    p256::SecretKey::random(&mut rand::thread_rng())
        .to_pkcs8_pem(LineEnding::LF)
        .expect("pem")
        .to_string()
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

// ---------------------------------------------------------------------------------------
// 1. A path parameter can never change which endpoint is called
// ---------------------------------------------------------------------------------------

fn assert_refused_before_sending(result: Result<impl std::fmt::Debug, Error>, server: &Server, parameter: &str) {
    let e = result.expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
    let text = e.to_string();
    assert!(text.contains(&format!("`{parameter}`")), "names the parameter: {text}");
    assert!(server.seen().is_empty(), "nothing sent: {:?}", server.seen());
}

#[tokio::test]
async fn dot_and_empty_path_parameters_are_refused_before_anything_is_sent() {
    let org = Server::start(|_, _| ok(USER));
    let c = ssws(&org);
    for bad in ["..", ".", ""] {
        assert_refused_before_sending(c.get_user().id(bad).send().await, &org, "id");
        // DELETE /api/v1/groups/../users/X would be the user-delete endpoint.
        assert_refused_before_sending(
            c.unassign_user_from_group().group_id(bad).user_id("00u1").send().await,
            &org,
            "group_id",
        );
        assert_refused_before_sending(
            c.unassign_user_from_group().group_id("00g1").user_id(bad).send().await,
            &org,
            "user_id",
        );
    }
    // A backslash is one more character of the segment, not a separator.
    c.get_user().id("..\\..\\groups").send().await.expect("sent");
    let seen = org.seen();
    assert_eq!(seen[0].target, "/api/v1/users/..%5C..%5Cgroups");
    assert!(seen[0].body.is_empty());
}

#[tokio::test]
async fn raw_requests_that_a_url_parser_would_rewrite_are_refused() {
    let org = Server::start(|_, _| ok("{}"));
    let c = ssws(&org);
    for bad in [
        "/api/v1/groups/../users/00u1",
        "/api/v1/groups/%2e%2E/users/00u1",
        "/api/v1/users/.",
        "/api/v1/users\\..\\groups",
        "/api//v1/users",
        "/api/v1/users#frag",
        "api/v1/users",
    ] {
        let e = c.raw(okta_sdk::Method::DELETE, bad).send_json().await.expect_err(bad);
        assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{bad}: {e}");
        assert!(e.to_string().contains("nothing was sent"), "{e}");
    }
    assert!(org.seen().is_empty());
    c.raw(okta_sdk::Method::GET, "/api/v1/users/me")
        .send_json()
        .await
        .expect("a plain path is sent");
    assert_eq!(org.seen()[0].target, "/api/v1/users/me");
}

/// Whether the path the server received has `template`'s shape: the same literal segments
/// and one segment per parameter.
fn has_shape(template: &str, received: &str) -> bool {
    let want: Vec<&str> = template.split('/').collect();
    let got: Vec<&str> = received.split('/').collect();
    want.len() == got.len()
        && want.iter().zip(&got).all(|(w, g)| {
            if w.starts_with('{') {
                !g.is_empty() && *g != "." && *g != ".."
            } else {
                w == g
            }
        })
}

fn path_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(".".to_string()),
        Just("..".to_string()),
        "[./\\\\%?#a2eE]{0,8}",
        ".*",
        "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// For arbitrary strings in every path parameter of a few operations, the server receives
    /// a path of the operation's shape, or nothing is sent.
    #[test]
    fn every_path_parameter_stays_one_segment_in_its_place(a in path_value(), b in path_value()) {
        let org = Server::start(|_, _| ok("[]"));
        let c = ssws(&org);
        block_on(async {
            let calls: Vec<(&str, Result<(), Error>)> = vec![
                ("/api/v1/users/{id}", c.get_user().id(a.as_str()).send().await.map(|_| ())),
                (
                    "/api/v1/groups/{groupId}/users/{userId}",
                    c.unassign_user_from_group().group_id(a.as_str()).user_id(b.as_str()).send().await.map(|_| ()),
                ),
                (
                    "/api/v1/users/{userId}/factors/{factorId}",
                    c.get_factor().user_id(b.as_str()).factor_id(a.as_str()).send().await.map(|_| ()),
                ),
                ("/api/v1/groups/{groupId}/users", c.list_group_users().group_id(b.as_str()).send().await.map(|_| ())),
            ];
            let seen = org.seen();
            let mut sent = seen.iter();
            for (template, result) in calls {
                match result {
                    Err(e) if e.kind() == ErrorKind::InvalidRequest => {}
                    _ => {
                        let got = sent.next().expect("a request was sent");
                        prop_assert!(has_shape(template, got.path()), "{template}: {} for {a:?} / {b:?}", got.target);
                    }
                }
            }
            prop_assert!(sent.next().is_none(), "a refused call sent nothing");
            Ok(())
        })?;
    }
}

// ---------------------------------------------------------------------------------------
// 2. Nothing leaves the org's origin
// ---------------------------------------------------------------------------------------

/// An org that redirects every request with `status` to the same path on `other`.
fn redirecting_org(other: &Server, status: &'static str) -> Server {
    let to = other.url.clone();
    Server::start(move |seen, _| {
        let location = format!("{to}{}", seen.target);
        reply(status, &[("Location", &location)], "")
    })
}

fn assert_redirect_refused(e: &Error, other: &Server) {
    assert_eq!(e.kind(), ErrorKind::Redirect, "{e}");
    let text = e.to_string();
    assert!(text.contains(&other.url), "names the origin: {text}");
    assert!(!text.contains(TOKEN), "{text}");
}

#[tokio::test]
async fn api_calls_raw_requests_and_bodies_never_follow_a_redirect_to_another_origin() {
    let other = Server::start(|_, _| ok(USER));
    for status in [
        "301 Moved Permanently",
        "302 Found",
        "303 See Other",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        let org = redirecting_org(&other, status);
        let mut c = ssws(&org);
        c.set_header(
            okta_sdk::header::HeaderName::from_static("x-caller-secret"),
            okta_sdk::header::HeaderValue::from_static("caller-secret-value"),
        );
        let e = c.get_user().id("00u1").send().await.expect_err("refused");
        assert_redirect_refused(&e, &other);
        let body = serde_json::from_value(serde_json::json!({
            "profile": {"login": "a@example.com", "email": "a@example.com", "firstName": "A", "lastName": "B"},
            "credentials": {"password": {"value": "Correct-Horse-Battery-1"}}
        }))
        .expect("body");
        let e = c
            .create_user()
            .body::<okta_sdk::models::CreateUserRequest>(body)
            .send()
            .await
            .expect_err("refused");
        assert_redirect_refused(&e, &other);
        let e = c
            .raw(okta_sdk::Method::POST, "/api/v1/users")
            .json(&serde_json::json!({"credentials": {"password": {"value": "Correct-Horse-Battery-1"}}}))
            .send_json()
            .await
            .expect_err("refused");
        assert_redirect_refused(&e, &other);
        let methods: Vec<String> = org.seen().into_iter().map(|s| s.method).collect();
        assert_eq!(
            methods,
            ["GET", "POST", "POST"],
            "{status}: each call reached the org once"
        );
        assert!(
            other.seen().is_empty(),
            "{status}: the other origin got {:?}",
            other.seen()
        );
    }
    // Bearer tokens too.
    let org = redirecting_org(&other, "307 Temporary Redirect");
    let c = configured(&org, |b| b.bearer_token("bearer-secret-value"));
    let e = c.get_user().id("00u1").send().await.expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Redirect);
    assert!(other.seen().is_empty());
}

#[tokio::test]
async fn a_redirect_within_the_org_is_followed_a_bounded_number_of_times() {
    let org = Server::start(|seen, base| match seen.path() {
        "/api/v1/users/old" => reply(
            "307 Temporary Redirect",
            &[("Location", &format!("{base}/api/v1/users/00u1"))],
            "",
        ),
        "/api/v1/users/loop" => reply("302 Found", &[("Location", "/api/v1/users/loop")], ""),
        _ => ok(USER),
    });
    let c = ssws(&org);
    let user = c.get_user().id("old").send().await.expect("followed on the org");
    assert_eq!(user.id, "00u1");
    let e = c.get_user().id("loop").send().await.expect_err("bounded");
    assert_eq!(e.kind(), ErrorKind::Redirect, "{e}");
    let loops = org.seen().iter().filter(|s| s.path() == "/api/v1/users/loop").count();
    assert_eq!(loops, okta_sdk::runtime::MAX_REDIRECTS + 1);
}

/// An org whose token endpoint answers with `token` (or redirects to `other` when `None`),
/// and whose API redirects to `other`.
fn oauth_org(other: &Server, token: Option<&'static str>) -> Server {
    let to = other.url.clone();
    Server::start(move |seen, _| {
        let location = format!("{to}{}", seen.target);
        match (seen.path(), token) {
            ("/oauth2/v1/token", Some(body)) => ok(body),
            _ => reply("307 Temporary Redirect", &[("Location", &location)], ""),
        }
    })
}

#[tokio::test]
async fn the_token_endpoint_and_dpop_proofs_stay_on_the_org() {
    let other = Server::start(|_, _| ok(r#"{"access_token":"stolen","token_type":"Bearer","expires_in":3600}"#));
    // The token endpoint redirects: the form with its client assertion goes nowhere else.
    let org = oauth_org(&other, None);
    let c = configured(&org, |b| {
        b.private_key("0oa-client", ec_key_pem()).scopes(["okta.users.read"])
    });
    let e = c.get_user().id("00u1").send().await.expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Auth, "{e}");
    assert!(e.to_string().contains("307"), "{e}");
    assert!(other.seen().is_empty(), "the other origin got {:?}", other.seen());
    // A DPoP-bound token: the API call's redirect carries neither the token nor the proof away.
    let org = oauth_org(
        &other,
        Some(r#"{"access_token":"dpop-access-token","token_type":"DPoP","expires_in":3600}"#),
    );
    let c = configured(&org, |b| {
        b.private_key("0oa-client", ec_key_pem())
            .scopes(["okta.users.read"])
            .dpop(true)
    });
    let e = c.get_user().id("00u1").send().await.expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Redirect, "{e}");
    let api_call = org
        .seen()
        .into_iter()
        .find(|s| s.path() == "/api/v1/users/00u1")
        .expect("sent to the org");
    assert!(api_call.header("dpop").is_some(), "the proof went to the org");
    assert!(other.seen().is_empty(), "the other origin got {:?}", other.seen());
}

#[tokio::test]
async fn with_a_callers_own_client_an_answer_from_another_origin_is_refused() {
    let other = Server::start(|_, _| ok(USER));
    let org = redirecting_org(&other, "302 Found");
    // reqwest's default policy follows the redirect: the other origin is reached (the SDK
    // cannot stop a client it did not build), but its answer is not taken as the org's.
    let c = configured(&org, |b| b.api_token(TOKEN).http_client(reqwest::Client::new()));
    let e = c.get_user().id("00u1").send().await.expect_err("refused");
    assert_redirect_refused(&e, &other);
    assert_eq!(other.seen().len(), 1);
    assert_eq!(
        other.seen()[0].header("authorization"),
        None,
        "reqwest drops Authorization"
    );
    // Built with the SDK's policy, it reaches nothing else.
    other.clear();
    let own = reqwest::Client::builder()
        .redirect(okta_sdk::runtime::redirect_policy())
        .build()
        .expect("client");
    let c = configured(&org, |b| b.api_token(TOKEN).http_client(own));
    let e = c.get_user().id("00u1").send().await.expect_err("refused");
    assert_redirect_refused(&e, &other);
    assert!(other.seen().is_empty());
}

// ---------------------------------------------------------------------------------------
// 3. Numbers the server sends never panic
// ---------------------------------------------------------------------------------------

fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(u64::MAX.to_string()),
        Just(i64::MAX.to_string()),
        Just(i64::MIN.to_string()),
        Just("-1".to_string()),
        Just("0".to_string()),
        Just("340282366920938463463374607431768211456".to_string()),
        Just("Fri, 31 Dec 9999 23:59:59 GMT".to_string()),
        Just("Thu, 01 Jan 1970 00:00:00 GMT".to_string()),
        Just("Mon, 01 Jan 1900 00:00:00 GMT".to_string()),
        Just("1e308".to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        "[0-9a-zA-Z ,:.-]{0,24}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Arbitrary rate-limit, `Retry-After` and `Date` values on a 429, then on a success,
    /// with pacing on: no panic, a bounded wait, a typed result.
    #[test]
    fn any_rate_limit_header_gives_a_bounded_typed_result(
        reset in header_value(),
        retry_after in header_value(),
        date in header_value(),
        remaining in header_value(),
    ) {
        let headers = Arc::new(vec![
            ("X-Rate-Limit-Limit", "600".to_string()),
            ("X-Rate-Limit-Remaining", remaining),
            ("X-Rate-Limit-Reset", reset),
            ("Retry-After", retry_after),
            ("Date", date),
        ]);
        let answer_headers = headers.clone();
        let org = Server::start(move |seen, _| {
            let h: Vec<(&str, &str)> = answer_headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            if seen.path().ends_with("/limited") {
                reply("429 Too Many Requests", &h, r#"{"errorCode":"E0000047"}"#)
            } else {
                reply("200 OK", &h, USER)
            }
        });
        let c = configured(&org, |b| {
            b.api_token(TOKEN)
                .retry_policy(quick(2))
                .rate_limit_pacing(true)
                .request_timeout(Duration::from_secs(3))
        });
        let started = Instant::now();
        block_on(async {
            for id in ["limited", "00u1", "00u1"] {
                match c.get_user().id(id).send().await {
                    Ok(_) => {}
                    Err(e) => prop_assert!(
                        matches!(e.kind(), ErrorKind::Api | ErrorKind::Timeout),
                        "{id}: {e}"
                    ),
                }
            }
            Ok(())
        })?;
        prop_assert!(started.elapsed() < Duration::from_secs(10), "bounded: {:?}", started.elapsed());
    }
}

#[tokio::test]
async fn a_reset_at_the_end_of_time_is_a_capped_wait() {
    let org = Server::start(|seen, _| {
        if seen.header("x-okta-retry-count").is_some() {
            ok(USER)
        } else {
            reply(
                "429 Too Many Requests",
                &[("X-Rate-Limit-Reset", "18446744073709551615")],
                "{}",
            )
        }
    });
    let c = configured(&org, |b| b.api_token(TOKEN).retry_policy(quick(1)));
    let started = Instant::now();
    c.get_user()
        .id("00u1")
        .send()
        .await
        .expect("retried after the capped wait");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn an_expires_in_at_the_end_of_time_is_a_token_for_a_day_at_most() {
    let org = Server::start(|seen, _| match seen.path() {
        "/oauth2/v1/token" => ok(r#"{"access_token":"at","token_type":"Bearer","expires_in":18446744073709551615}"#),
        _ => ok(USER),
    });
    let c = configured(&org, |b| {
        b.private_key("0oa-client", ec_key_pem()).scopes(["okta.users.read"])
    });
    for _ in 0..3 {
        c.get_user().id("00u1").send().await.expect("no panic");
    }
    assert_eq!(c.runtime().token_requests(), 1);
}

// ---------------------------------------------------------------------------------------
// 4. Pagination always ends
// ---------------------------------------------------------------------------------------

fn page_of_users(next: &str) -> Answer {
    reply(
        "200 OK",
        &[("Link", next)],
        r#"[{"id":"00u1","status":"ACTIVE","profile":{"login":"a@example.com"}}]"#,
    )
}

#[tokio::test]
async fn a_next_link_back_to_a_fetched_page_ends_the_stream_with_a_typed_error() {
    for link in [
        "<>; rel=\"next\"".to_string(),
        "<?limit=1>; rel=\"next\"".to_string(),
        "</api/v1/users?limit=1>; rel=\"next\"".to_string(),
    ] {
        let next = link.clone();
        let org = Server::start(move |_, _| page_of_users(&next));
        let c = ssws(&org);
        let got: Vec<Result<_, Error>> = tokio::time::timeout(
            Duration::from_secs(5),
            c.list_users().limit(1).stream().collect::<Vec<_>>(),
        )
        .await
        .expect("the stream ends");
        assert_eq!(got.len(), 2, "{link}: one user, then the error");
        let e = got[1].as_ref().expect_err("a cycle");
        assert_eq!(e.kind(), ErrorKind::Pagination, "{e}");
        assert!(e.to_string().contains("already fetched"), "{e}");
        assert_eq!(org.seen().len(), 1, "{link}: the page was fetched once");
    }
    // Two pages that link to each other.
    let org = Server::start(|seen, base| {
        let other = if seen.target.contains("after=b") { "a" } else { "b" };
        page_of_users(&format!("<{base}/api/v1/users?after={other}>; rel=\"next\""))
    });
    let c = ssws(&org);
    let got: Vec<Result<_, Error>> = c.list_users().stream().collect().await;
    assert_eq!(
        got.len(),
        4,
        "users of the first page, ?after=b and ?after=a, then the error"
    );
    assert_eq!(
        got[3].as_ref().map(|_| ()).expect_err("cycle").kind(),
        ErrorKind::Pagination
    );
}

#[tokio::test]
async fn a_next_link_to_another_endpoint_on_the_org_is_not_followed() {
    let org = Server::start(|seen, base| match seen.path() {
        "/api/v1/users" => page_of_users(&format!(
            "<{base}/api/v1/users/00u1/lifecycle/deactivate>; rel=\"next\""
        )),
        _ => ok("[]"),
    });
    let c = ssws(&org);
    let got: Vec<Result<_, Error>> = c.list_users().stream().collect().await;
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[1].as_ref().map(|_| ()).expect_err("refused").kind(),
        ErrorKind::Pagination
    );
    assert_eq!(org.seen().len(), 1);
}

#[tokio::test]
async fn a_system_log_polling_query_stream_ends_at_the_first_empty_page() {
    // Okta links a polling query (no `until`) to a next page forever.
    let org = Server::start(|seen, base| {
        let n: u32 = seen
            .target
            .split("after=")
            .nth(1)
            .and_then(|v| v.split('&').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let link = format!(
            "<{base}/api/v1/logs?since=2026-01-01T00:00:00Z&after={}>; rel=\"next\"",
            n + 1
        );
        let body = if n == 0 {
            r#"[{"uuid":"e1","eventType":"user.session.start","published":"2026-01-01T00:00:01.000Z"}]"#
        } else {
            "[]"
        };
        reply("200 OK", &[("Link", &link)], body)
    });
    let c = ssws(&org);
    let events: Vec<_> = tokio::time::timeout(
        Duration::from_secs(5),
        c.list_log_events()
            .since("2026-01-01T00:00:00Z")
            .stream()
            .try_collect::<Vec<_>>(),
    )
    .await
    .expect("ends")
    .expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(org.seen().len(), 2, "the first page and one empty page");
}

// ---------------------------------------------------------------------------------------
// 5. A failure is shared like a success
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_callers_share_one_failed_token_request_and_its_back_off() {
    let org = Server::start(|seen, _| match seen.path() {
        "/oauth2/v1/token" => {
            std::thread::sleep(Duration::from_millis(50));
            reply("500 Internal Server Error", &[], r#"{"error":"server_error"}"#)
        }
        _ => ok(USER),
    });
    let c = configured(&org, |b| {
        b.private_key("0oa-client", ec_key_pem()).scopes(["okta.users.read"])
    });
    let started = Instant::now();
    let calls = (0..200).map(|_| {
        let c = c.clone();
        tokio::spawn(async move { c.get_user().id("00u1").send().await.map(|_| ()) })
    });
    let results = futures::future::join_all(calls).await;
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    for r in results {
        let e = r.expect("joined").expect_err("the token endpoint failed");
        assert_eq!(e.kind(), ErrorKind::Auth, "{e}");
    }
    assert_eq!(
        c.runtime().token_requests(),
        1,
        "one token request for 200 cold callers"
    );
    // Right after, the failure is answered without a request while the back-off lasts.
    let e = c.get_user().id("00u1").send().await.expect_err("backing off");
    assert!(e.to_string().contains("held back"), "{e}");
    assert_eq!(c.runtime().token_requests(), 1);
    assert!(org.seen().iter().all(|s| s.path() == "/oauth2/v1/token"));
}

#[tokio::test]
async fn a_token_that_expires_at_once_is_not_fetched_for_every_call() {
    let org = Server::start(|seen, _| match seen.path() {
        "/oauth2/v1/token" => ok(r#"{"access_token":"at","token_type":"Bearer","expires_in":0}"#),
        _ => ok(USER),
    });
    let c = configured(&org, |b| {
        b.private_key("0oa-client", ec_key_pem()).scopes(["okta.users.read"])
    });
    for _ in 0..50 {
        c.get_user().id("00u1").send().await.expect("ok");
    }
    assert_eq!(c.runtime().token_requests(), 1);
}

// ---------------------------------------------------------------------------------------
// 6. Configuration means what it says
// ---------------------------------------------------------------------------------------

fn code() -> okta_sdk::runtime::ConfigBuilder {
    Config::builder()
        .code_only()
        .org_url("https://dev-1.okta.com")
        .api_token("00abc")
}

#[test]
fn sub_second_durations_keep_their_precision_and_zero_connect_timeouts_are_refused() {
    let c = code()
        .request_timeout(Duration::from_millis(500))
        .connection_timeout(Duration::from_millis(500))
        .read_timeout(Duration::from_micros(1500))
        .cache(true, Duration::from_millis(250), Duration::from_nanos(1))
        .build()
        .expect("valid");
    assert_eq!(c.request_timeout, Some(Duration::from_millis(500)));
    assert_eq!(c.connection_timeout, Duration::from_millis(500));
    assert_eq!(c.read_timeout, Some(Duration::from_micros(1500)));
    assert_eq!(
        (c.cache.ttl, c.cache.tti),
        (Duration::from_millis(250), Duration::from_nanos(1))
    );
    assert_eq!(
        code().build().expect("valid").read_timeout,
        Some(okta_sdk::runtime::config::DEFAULT_READ_TIMEOUT)
    );
    let e = code()
        .connection_timeout(Duration::ZERO)
        .build()
        .expect_err("0 fails every connect");
    assert!(matches!(e.problem, ConfigProblem::BadDuration(_, _)), "{e}");
    assert_eq!(e.key.map(|k| k.path), Some("okta.client.connectionTimeout"));
    let e = code().request_timeout(Duration::MAX).build().expect_err("too long");
    assert!(e.to_string().contains("at most a year"), "{e}");
}

#[test]
fn the_org_url_is_an_origin_and_its_password_never_shows() {
    for (url, part) in [
        ("https://dev-1.okta.com?x=1", "query"),
        ("https://dev-1.okta.com/#frag", "fragment"),
        ("https://admin:hunter2-secret@dev-1.okta.com", "user name or password"),
        ("https://dev-1.okta.com/api/v1", "path"),
    ] {
        let e = Config::builder()
            .code_only()
            .org_url(url)
            .api_token("00abc")
            .build()
            .expect_err(url);
        assert!(
            matches!(&e.problem, ConfigProblem::NotAnOrigin(_, p) if *p == part),
            "{url}: {e}"
        );
        assert_eq!(e.source_, ConfigSource::Code);
        for text in [e.to_string(), format!("{e:?}")] {
            assert!(!text.contains("hunter2"), "{text}");
        }
    }
    let builder = Config::builder().org_url("https://admin:hunter2-secret@dev-1.okta.com");
    assert!(!format!("{builder:?}").contains("hunter2"), "{builder:?}");
    // A trailing slash is still an origin.
    code().org_url("https://dev-1.okta.com/").build().expect("origin");
}

#[test]
fn a_yaml_syntax_error_names_the_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("okta-hostile-yaml-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("okta.yaml");
    std::fs::write(
        &file,
        "okta:\n  client:\n    orgUrl: https://dev-1.okta.com\n    token: \"00abc-secret-token\n    scopes: [a\n",
    )
    .expect("write");
    let e = Config::builder()
        .working_dir(&dir)
        .home_dir(&dir)
        .build()
        .expect_err("broken");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(e.key, None, "no key is blamed: {e}");
    assert_eq!(e.source_, ConfigSource::File(file.clone()));
    let ConfigProblem::Syntax { line, column, .. } = &e.problem else {
        panic!("a syntax error: {e}")
    };
    assert!(*line >= 4 && *column >= 1, "{e}");
    let text = e.to_string();
    assert!(
        text.contains("okta.yaml") && text.contains(&format!("line {line}")),
        "{text}"
    );
    assert!(
        !text.contains("orgUrl") && !text.contains("00abc-secret-token"),
        "{text}"
    );
}

/// The read timeout is the runtime's own: it holds with the runtime's HTTP client and with a
/// caller's, which has none.
#[tokio::test]
async fn a_stalled_server_ends_the_call_with_a_typed_timeout() {
    let org = Server::start(|seen, _| match seen.path() {
        "/api/v1/users/headers" => Answer::Stall,
        _ => Answer::StallBody,
    });
    let own = configured(&org, |b| {
        b.api_token(TOKEN)
            .read_timeout(Duration::from_millis(200))
            .max_retries(1)
    });
    let callers = configured(&org, |b| {
        b.api_token(TOKEN)
            .read_timeout(Duration::from_millis(200))
            .max_retries(1)
            .http_client(reqwest::Client::new())
    });
    // A runtime built by hand, its read timeout set on the runtime.
    let by_hand = okta_sdk::Client::with_runtime(
        &org.url,
        Runtime::with_api_token(TOKEN)
            .expect("valid token")
            .with_read_timeout(Some(Duration::from_millis(200))),
    );
    for (c, id) in [
        (&own, "headers"),
        (&own, "body"),
        (&callers, "headers"),
        (&callers, "body"),
        (&by_hand, "headers"),
        (&by_hand, "body"),
    ] {
        let started = Instant::now();
        let e = c
            .get_user()
            .id(id)
            .options(RequestOptions::new().retry_policy(quick(1)))
            .send()
            .await
            .expect_err("stalled");
        assert_eq!(e.kind(), ErrorKind::Timeout, "{id}: {e}");
        // A head that never comes is retried once (the policy allows one); a success body
        // that stops arriving is read after the retry loop, and not retried (pipeline.rs).
        let attempts = if id == "headers" { 2 } else { 1 };
        assert!(
            matches!(e, okta_sdk::Error::Stalled { attempts: a, .. } if a == attempts),
            "{id}: {e:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{id}: {:?}",
            started.elapsed()
        );
    }
}

// ---------------------------------------------------------------------------------------
// 7. A server cannot make a call hold more memory than `maxResponseBytes`
// ---------------------------------------------------------------------------------------

/// A `200` whose JSON body of `len` bytes comes chunked (no `Content-Length`), in 64 KiB chunks.
fn chunked_body(status: &str, len: usize) -> Answer {
    let mut text = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    let mut left = len;
    while left > 0 {
        let n = left.min(64 * 1024);
        text.push_str(&format!("{n:x}\r\n{}\r\n", " ".repeat(n)));
        left -= n;
    }
    text.push_str("0\r\n\r\n");
    Answer::Raw(text)
}

#[tokio::test]
async fn an_answer_larger_than_the_limit_fails_the_call_and_is_not_retried() {
    const LIMIT: u64 = 1024 * 1024;
    let org = Server::start(|seen, _| match seen.path() {
        // Declares 10 GB and sends none of it.
        "/api/v1/users/declared" => Answer::Raw(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n".into(),
        ),
        "/api/v1/users/chunked" => chunked_body("200 OK", 2 * 1024 * 1024),
        // A retryable status with a huge body: the failure is bounded too, and not retried.
        "/api/v1/users/failing" => chunked_body("503 Service Unavailable", 2 * 1024 * 1024),
        "/api/v1/users/fits" => chunked_body("200 OK", 512 * 1024),
        _ => ok(USER),
    });
    let c = configured(&org, |b| b.api_token(TOKEN).max_response_bytes(LIMIT));
    for (id, status, declared) in [
        ("declared", 200, Some(10_000_000_000)),
        ("chunked", 200, None),
        ("failing", 503, None),
    ] {
        org.clear();
        let e = c
            .get_user()
            .id(id)
            .options(RequestOptions::new().retry_policy(quick(2)))
            .send()
            .await
            .expect_err("too large");
        assert_eq!(e.kind(), ErrorKind::TooLarge, "{id}: {e}");
        assert_eq!(e.status().map(|s| s.as_u16()), Some(status), "{id}: {e}");
        match &e {
            Error::TooLarge {
                operation,
                limit,
                declared: d,
                ..
            } => {
                assert_eq!((*operation, *limit, *d), ("getUser", LIMIT, declared), "{id}");
            }
            other => panic!("{id}: {other:?}"),
        }
        let text = e.to_string();
        assert!(text.contains("getUser") && text.contains("maxResponseBytes"), "{text}");
        assert_eq!(org.seen().len(), 1, "{id}: not retried");
    }
    // A body below the limit is read as before (here it is not JSON, so it fails to decode).
    let e = c.get_user().id("fits").send().await.expect_err("spaces are not a user");
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    // The default is 64 MiB, and a configured limit below 1 KiB is refused, naming the key.
    assert_eq!(okta_sdk::runtime::DEFAULT_MAX_RESPONSE_BYTES, 64 * 1024 * 1024);
    let e = code().max_response_bytes(10).build().expect_err("too small");
    assert_eq!(e.key.map(|k| k.path), Some("okta.client.maxResponseBytes"));
    assert!(matches!(e.problem, ConfigProblem::OutOfRange(10, _)), "{e}");
}

#[tokio::test]
async fn a_token_endpoint_answer_larger_than_a_token_is_refused() {
    let org = Server::start(|seen, _| match seen.path() {
        "/oauth2/v1/token" => chunked_body("200 OK", 1024 * 1024),
        _ => ok(USER),
    });
    let c = configured(&org, |b| {
        b.private_key("0oa-client", ec_key_pem()).scopes(["okta.users.read"])
    });
    let e = c.get_user().id("00u1").send().await.expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Auth, "{e}");
    assert!(
        matches!(
            &e,
            Error::Auth(okta_sdk::runtime::AuthError::TooLarge {
                status: 200,
                limit: 65536
            })
        ),
        "{e:?}"
    );
    assert!(
        org.seen().iter().all(|s| s.path() == "/oauth2/v1/token"),
        "no API call without a token"
    );
}
