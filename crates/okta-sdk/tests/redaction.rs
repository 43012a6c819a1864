//! Everything logged at TRACE while SSWS, private-key and DPoP calls run (with retries, a
//! token renewal and cache hits) is captured; no token, assertion, private key or proof may
//! appear in it. The `okta.call` span and the retry and cache events must.
//!
//! One test in its own binary: it installs the global subscriber.

use httpmock::{HttpMockResponse, MockServer};
use okta_sdk::prelude::*;
use okta_sdk::runtime::{Config, ExponentialBackoff, MemoryCache, Runtime};
use okta_sdk::{DefaultRetryPolicy, RequestOptions};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing_subscriber::layer::SubscriberExt;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut out) = self.0.lock() {
            out.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().map(|v| v.clone()).unwrap_or_default()).into_owned()
    }
}

fn install() -> Capture {
    let capture = Capture::default();
    let writer = capture.clone();
    // Everything at TRACE, except the mock server's own logs (it sees the secrets by design).
    let targets = tracing_subscriber::filter::Targets::new()
        .with_default(tracing::Level::TRACE)
        .with_target("httpmock", tracing::level_filters::LevelFilter::OFF);
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone());
    let subscriber = tracing_subscriber::registry().with(tracing_subscriber::Layer::with_filter(layer, targets));
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber of this binary");
    capture
}

fn ec_key_pem() -> String {
    use p256::pkcs8::{EncodePrivateKey, LineEnding};
    p256::SecretKey::random(&mut rand::thread_rng())
        .to_pkcs8_pem(LineEnding::LF)
        .expect("pem")
        .to_string()
}

fn json_response(status: u16, body: serde_json::Value) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string())
        .build()
}

/// Secrets the servers saw: assertions, DPoP proofs, tokens.
type Seen = Arc<Mutex<Vec<String>>>;

fn record(seen: &Seen, value: Option<&str>) {
    if let (Some(v), Ok(mut s)) = (value, seen.lock()) {
        s.push(v.to_string());
    }
}

#[tokio::test]
async fn nothing_secret_is_logged_at_trace() {
    let capture = install();
    let server = MockServer::start_async().await;
    let seen: Seen = Arc::default();

    // SSWS, with a 503 retry and a cache hit.
    let ssws_token = "00SSWS-secret-token-value-1234567890";
    let failed = Arc::new(Mutex::new(false));
    let flag = failed.clone();
    server.mock(move |when, then| {
        when.method("GET").path("/api/v1/users/00u1");
        then.respond_with(move |_| {
            let mut f = flag.lock().expect("lock");
            if *f {
                json_response(200, json!({"id": "00u1"}))
            } else {
                *f = true;
                json_response(503, json!({"errorCode": "E0000010"}))
            }
        });
    });
    let policy =
        Arc::new(DefaultRetryPolicy::new(2).backoff(Arc::new(ExponentialBackoff::fixed(Duration::from_millis(5)))));
    let runtime = Runtime::with_api_token(ssws_token)
        .expect("runtime")
        .with_retry_policy(policy)
        .with_cache(Arc::new(MemoryCache::new(
            Duration::from_secs(60),
            Duration::from_secs(60),
        )));
    let ssws = okta_sdk::Client::with_runtime(&server.base_url(), runtime);
    ssws.get_user().id("00u1").send().await.expect("after a retry");
    ssws.get_user().id("00u1").send().await.expect("cache hit");

    // Private key JWT, with a 401 that forces a renewal; then DPoP with nonces.
    let seen_token = seen.clone();
    let issued = Arc::new(Mutex::new(0u32));
    server.mock(move |when, then| {
        when.method("POST").path("/oauth2/v1/token");
        then.respond_with(move |req| {
            let form: std::collections::BTreeMap<String, String> =
                serde_urlencoded::from_str(&req.body_string()).unwrap_or_default();
            record(&seen_token, form.get("client_assertion").map(String::as_str));
            let proof = req
                .headers()
                .get("dpop")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            record(&seen_token, proof.as_deref());
            let mut n = issued.lock().expect("lock");
            *n += 1;
            let (kind, token) = match proof {
                Some(_) => ("DPoP", format!("dpop-access-secret-{n}")),
                None => ("Bearer", format!("bearer-access-secret-{n}")),
            };
            record(&seen_token, Some(&token));
            json_response(
                200,
                json!({"token_type": kind, "expires_in": 3600, "access_token": token, "scope": "okta.users.read"}),
            )
        });
    });
    let seen_api = seen.clone();
    let calls = Arc::new(Mutex::new(0u32));
    server.mock(move |when, then| {
        when.method("GET").path("/api/v1/users");
        then.respond_with(move |req| {
            let proof = req
                .headers()
                .get("dpop")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            record(&seen_api, proof.as_deref());
            let mut n = calls.lock().expect("lock");
            *n += 1;
            match *n {
                // The bearer client's first token is refused: it renews once.
                1 => json_response(
                    401,
                    json!({"errorCode": "E0000011", "errorSummary": "Invalid token provided"}),
                ),
                // The DPoP client's first proof lacks the resource server's nonce.
                3 => HttpMockResponse::builder()
                    .status(401)
                    .header("www-authenticate", r#"DPoP error="use_dpop_nonce""#)
                    .header("dpop-nonce", "resource-nonce")
                    .build(),
                _ => json_response(200, json!([])),
            }
        });
    });
    let pem = ec_key_pem();
    for dpop in [false, true] {
        let config = Config::builder()
            .code_only()
            .org_url(server.base_url())
            .disable_https_check(true)
            .private_key("0oa-client", pem.clone())
            .scopes(["okta.users.read"])
            .dpop(dpop)
            .build()
            .expect("config");
        let c = okta_sdk::Client::with_runtime(config.base_url(), Runtime::from_config(&config).expect("runtime"));
        c.list_users()
            .options(RequestOptions::new().bypass_cache())
            .send()
            .await
            .expect("OAuth call");
        let debug = format!("{config:?} {c:?}");
        assert!(!debug.contains(pem.lines().nth(1).unwrap_or("-")), "{debug}");
    }

    let logs = capture.text();
    if std::env::var_os("OKTA_SHOW_LOGS").is_some() {
        println!("{logs}");
    }
    let mut secrets = seen.lock().expect("lock").clone();
    secrets.push(ssws_token.to_string());
    secrets.extend(pem.lines().filter(|l| !l.starts_with("-----")).map(str::to_string));
    assert!(
        secrets.len() > 8,
        "the servers saw assertions, proofs and tokens: {}",
        secrets.len()
    );
    for secret in &secrets {
        assert!(secret.len() >= 16, "too short to be a meaningful check: {secret}");
        assert!(!logs.contains(secret.as_str()), "a secret was logged: {secret}");
        // JWTs are also checked part by part (a header or signature on its own is a leak too).
        for part in secret.split('.').filter(|p| p.len() > 40) {
            assert!(!logs.contains(part), "part of a secret was logged");
        }
    }
    // What must be there: the call span with its fields, the retry and cache events.
    for expected in [
        "okta.call",
        "operation=\"getUser\"",
        "path=\"/api/v1/users/{id}\"",
        "status=200",
        "attempts=2",
        "retrying",
        "response cache hit",
        "renewing it and retrying once",
        "the org asked for the same token again (a DPoP nonce)",
    ] {
        assert!(logs.contains(expected), "`{expected}` is not in the logs:\n{logs}");
    }
}
