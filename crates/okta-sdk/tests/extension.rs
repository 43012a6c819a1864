//! The extension points, each through a generated operation: an interceptor around every
//! attempt, a token provider whose tokens are refreshed elsewhere, and a response cache shared
//! by clients with different credentials.

#[allow(dead_code)]
#[path = "hostile/server.rs"]
mod server;

#[path = "support/paused.rs"]
mod paused;
use futures::future::BoxFuture;
use okta_sdk::prelude::*;
use okta_sdk::runtime::interceptor::{AfterAttempt, BeforeAttempt};
use okta_sdk::runtime::{Interceptor, MemoryCache, ProviderError, Runtime, Secret, Token, TokenProvider};
use okta_sdk::{DefaultRetryPolicy, ErrorKind, ExponentialBackoff, StatusCode};
use server::{Server, ok, reply};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const USER: &str = r#"{"id":"00u1","status":"ACTIVE","profile":{"login":"a@example.com"}}"#;

/// Records what it is shown, and adds a header before each attempt.
#[derive(Debug, Default)]
struct Recorder {
    events: Mutex<Vec<String>>,
}

impl Interceptor for Recorder {
    fn before_attempt(&self, attempt: &BeforeAttempt<'_>, headers: &mut okta_sdk::header::HeaderMap) {
        let auth = headers.contains_key(okta_sdk::header::AUTHORIZATION);
        self.events.lock().unwrap().push(format!(
            "before {} {} #{} auth={auth}",
            attempt.operation.id, attempt.method, attempt.number
        ));
        headers.insert("x-attempt", attempt.number.into());
        // Credentials are the runtime's to set: this one is replaced.
        headers.insert(okta_sdk::header::AUTHORIZATION, "SSWS interceptor".parse().unwrap());
    }

    fn after_attempt(&self, attempt: &AfterAttempt<'_>) {
        let request_id = attempt
            .headers
            .and_then(|h| h.get("x-okta-request-id"))
            .and_then(|v| v.to_str().ok());
        self.events.lock().unwrap().push(format!(
            "after {} #{} {:?} {request_id:?} {}",
            attempt.operation.id,
            attempt.number,
            attempt.status.map(|s| s.as_u16()),
            attempt.elapsed < Duration::from_secs(5)
        ));
    }

    fn on_error(&self, operation: &'static okta_sdk::runtime::OperationMeta, error: &okta_sdk::Error) {
        self.events
            .lock()
            .unwrap()
            .push(format!("error {} {:?}", operation.id, error.kind()));
    }
}

#[tokio::test]
async fn an_interceptor_sees_every_attempt_and_changes_headers_but_not_credentials() {
    let calls = Arc::new(AtomicU32::new(0));
    let counter = calls.clone();
    let org = Server::start(move |seen, _| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        match (seen.path(), n) {
            (_, 0) => reply("503 Service Unavailable", &[("X-Okta-Request-Id", "r1")], "{}"),
            ("/api/v1/users/00u1", _) => reply("200 OK", &[("X-Okta-Request-Id", "r2")], USER),
            _ => reply(
                "404 Not Found",
                &[],
                r#"{"errorCode":"E0000007","errorSummary":"Not found"}"#,
            ),
        }
    });
    let recorder = Arc::new(Recorder::default());
    let client = okta_sdk::Client::builder()
        .code_only()
        .org_url(&org.url)
        .disable_https_check(true)
        .api_token("00real-token")
        .retry_policy(Arc::new(
            DefaultRetryPolicy::new(2).backoff(Arc::new(ExponentialBackoff::fixed(Duration::from_millis(1)))),
        ))
        .interceptor(recorder.clone())
        .build()
        .expect("client");
    client.get_user().id("00u1").send().await.expect("retried to success");
    let e = client.get_user().id("nobody").send().await.expect_err("404");
    assert_eq!(e.kind(), ErrorKind::Api);
    let events = recorder.events.lock().unwrap().clone();
    assert_eq!(
        events,
        [
            "before getUser GET #1 auth=false",
            "after getUser #1 Some(503) Some(\"r1\") true",
            "before getUser GET #2 auth=false",
            "after getUser #2 Some(200) Some(\"r2\") true",
            "before getUser GET #1 auth=false",
            "after getUser #1 Some(404) None true",
            "error getUser Api",
        ]
    );
    let seen = org.seen();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0].header("x-attempt"), Some("1"));
    assert_eq!(seen[1].header("x-attempt"), Some("2"));
    for s in &seen {
        assert_eq!(
            s.header("authorization"),
            Some("SSWS 00real-token"),
            "the runtime's credentials win"
        );
    }
}

/// Hands out `token-1`, `token-2`, ... and records what it was told was refused.
#[derive(Debug, Default)]
struct Vault {
    issued: AtomicU32,
    refused: Mutex<Vec<String>>,
}

impl TokenProvider for Vault {
    fn token<'a>(&'a self, refused: Option<&'a Secret>) -> BoxFuture<'a, Result<Token, ProviderError>> {
        Box::pin(async move {
            if let Some(r) = refused {
                self.refused.lock().unwrap().push(r.expose().to_string());
            }
            // Slow enough that concurrent callers would each ask, were renewal not shared.
            tokio::time::sleep(Duration::from_millis(20)).await;
            let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(Token::bearer(format!("token-{n}")))
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_token_provider_is_asked_once_and_again_once_after_the_org_refuses_its_token() {
    // The org accepts token-2 only: token-1 was rotated away in the vault.
    let org = Server::start(|seen, _| match seen.header("authorization") {
        Some("Bearer token-2") => ok(USER),
        _ => reply(
            "401 Unauthorized",
            &[],
            r#"{"errorCode":"E0000011","errorSummary":"Invalid token"}"#,
        ),
    });
    let vault = Arc::new(Vault::default());
    let client = okta_sdk::Client::builder()
        .code_only()
        .org_url(&org.url)
        .disable_https_check(true)
        .token_provider(vault.clone())
        .build()
        .expect("no token needed in the configuration");
    let calls = (0..8).map(|_| {
        let c = client.clone();
        tokio::spawn(async move { c.get_user().id("00u1").send().await.map(|u| u.into_inner().id) })
    });
    for call in futures::future::join_all(calls).await {
        assert_eq!(call.expect("task").expect("renewed and retried"), "00u1");
    }
    assert_eq!(
        vault.issued.load(Ordering::SeqCst),
        2,
        "one first token, one renewal for all 8 calls"
    );
    assert_eq!(client.runtime().token_requests(), 2);
    assert_eq!(vault.refused.lock().unwrap().as_slice(), ["token-1"]);
    // Nothing shows the token.
    assert!(!format!("{client:?}").contains("token-2"));
}

#[tokio::test]
async fn a_provider_failure_is_a_typed_auth_error_and_nothing_is_sent() {
    #[derive(Debug)]
    struct Down;
    impl TokenProvider for Down {
        fn token<'a>(&'a self, _: Option<&'a Secret>) -> BoxFuture<'a, Result<Token, ProviderError>> {
            Box::pin(async { Err(ProviderError::new("vault sealed")) })
        }
    }
    let org = Server::start(|_, _| ok(USER));
    let client = okta_sdk::Client::builder()
        .code_only()
        .org_url(&org.url)
        .disable_https_check(true)
        .token_provider(Arc::new(Down))
        .build()
        .expect("client");
    let e = client.get_user().id("00u1").send().await.expect_err("no token");
    assert_eq!(e.kind(), ErrorKind::Auth, "{e}");
    assert!(e.to_string().contains("vault sealed"), "{e}");
    assert!(org.seen().is_empty());
}

/// Hands out `lease-1`, `lease-2`, ... each with the given lifetime (or none), and an
/// interval of its own.
#[derive(Debug)]
struct Leases {
    issued: AtomicU32,
    lifetime: Option<Duration>,
    max_age: Duration,
}

impl Leases {
    fn new(lifetime: Option<Duration>, max_age: Duration) -> Arc<Self> {
        Arc::new(Self {
            issued: AtomicU32::new(0),
            lifetime,
            max_age,
        })
    }
}

impl TokenProvider for Leases {
    fn token<'a>(&'a self, _: Option<&'a Secret>) -> BoxFuture<'a, Result<Token, ProviderError>> {
        Box::pin(async move {
            let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
            let token = Token::bearer(format!("lease-{n}"));
            Ok(match self.lifetime {
                Some(lifetime) => token.expires_in(lifetime),
                None => token,
            })
        })
    }

    fn max_age(&self) -> Duration {
        self.max_age
    }
}

/// A client without timers of its own, so paused time advances only through the test's and
/// the SDK's waits.
fn leased_client(org: &Server, leases: Arc<Leases>) -> okta_sdk::Client {
    let http = paused::http_client();
    okta_sdk::Client::builder()
        .code_only()
        .org_url(&org.url)
        .disable_https_check(true)
        .http_client(http)
        .read_timeout(Duration::ZERO)
        .token_provider(leases)
        .build()
        .expect("client")
}

fn authorizations(org: &Server) -> Vec<String> {
    org.seen()
        .iter()
        .map(|s| s.header("authorization").unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_provided_token_is_renewed_ahead_of_its_expiry_on_the_paused_clock() {
    let org = Server::start(|_, _| ok(USER));
    // An hour's token is used for 55 minutes; one without a lifetime for the provider's
    // max_age.
    let leases = Leases::new(Some(Duration::from_secs(3600)), Duration::from_secs(60));
    let client = leased_client(&org, leases.clone());
    client.get_user().id("00u1").send().await.expect("first");
    tokio::time::advance(Duration::from_secs(54 * 60)).await;
    client
        .get_user()
        .id("00u1")
        .send()
        .await
        .expect("still the first token");
    tokio::time::advance(Duration::from_secs(2 * 60)).await;
    client.get_user().id("00u1").send().await.expect("renewed");
    assert_eq!(
        authorizations(&org),
        ["Bearer lease-1", "Bearer lease-1", "Bearer lease-2"]
    );

    let org = Server::start(|_, _| ok(USER));
    let client = leased_client(&org, Leases::new(None, Duration::from_secs(60)));
    client.get_user().id("00u1").send().await.expect("first");
    tokio::time::advance(Duration::from_secs(59)).await;
    client.get_user().id("00u1").send().await.expect("within max_age");
    tokio::time::advance(Duration::from_secs(2)).await;
    client.get_user().id("00u1").send().await.expect("after max_age");
    assert_eq!(
        authorizations(&org),
        ["Bearer lease-1", "Bearer lease-1", "Bearer lease-2"]
    );
}

#[tokio::test(start_paused = true)]
async fn no_lifetime_or_max_age_a_provider_gives_overflows_or_makes_every_call_ask() {
    // The longest: used for at most a day, without overflowing the clock.
    let org = Server::start(|_, _| ok(USER));
    let client = leased_client(&org, Leases::new(Some(Duration::MAX), Duration::MAX));
    client.get_user().id("00u1").send().await.expect("first");
    tokio::time::advance(Duration::from_secs(23 * 3600)).await;
    client
        .get_user()
        .id("00u1")
        .send()
        .await
        .expect("still the first token");
    tokio::time::advance(Duration::from_secs(3600)).await;
    client.get_user().id("00u1").send().await.expect("renewed within a day");
    assert_eq!(
        authorizations(&org),
        ["Bearer lease-1", "Bearer lease-1", "Bearer lease-2"]
    );
    // The shortest: zero still means the token is reused for half a second, so a burst of
    // calls asks once.
    let org = Server::start(|_, _| ok(USER));
    let leases = Leases::new(Some(Duration::ZERO), Duration::ZERO);
    let client = leased_client(&org, leases.clone());
    for _ in 0..5 {
        client.get_user().id("00u1").send().await.expect("call");
    }
    assert_eq!(leases.issued.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn a_failing_provider_is_held_back_and_asked_again_after_the_back_off() {
    #[derive(Debug, Default)]
    struct Flaky(AtomicU32);
    impl TokenProvider for Flaky {
        fn token<'a>(&'a self, _: Option<&'a Secret>) -> BoxFuture<'a, Result<Token, ProviderError>> {
            Box::pin(async move {
                match self.0.fetch_add(1, Ordering::SeqCst) {
                    0 => Err(ProviderError::new("vault sealed")),
                    _ => Ok(Token::bearer("unsealed")),
                }
            })
        }
    }
    let org = Server::start(|_, _| ok(USER));
    let flaky = Arc::new(Flaky::default());
    let client = okta_sdk::Client::builder()
        .code_only()
        .org_url(&org.url)
        .disable_https_check(true)
        .http_client(paused::http_client())
        .read_timeout(Duration::ZERO)
        .token_provider(flaky.clone())
        .build()
        .expect("client");
    let first = client.get_user().id("00u1").send().await.expect_err("sealed");
    assert!(first.to_string().contains("vault sealed"), "{first}");
    let held = client.get_user().id("00u1").send().await.expect_err("held back");
    assert!(held.to_string().contains("held back"), "{held}");
    assert_eq!(flaky.0.load(Ordering::SeqCst), 1, "not asked during the back-off");
    tokio::time::advance(Duration::from_secs(1)).await;
    client.get_user().id("00u1").send().await.expect("asked again");
    assert_eq!(authorizations(&org), ["Bearer unsealed"]);
}

#[tokio::test]
async fn one_cache_shared_by_two_tokens_never_answers_one_with_the_others_data() {
    // Each token sees its own user at the same URL.
    let org = Server::start(|seen, _| {
        let login = match seen.header("authorization") {
            Some("SSWS 00alice") => "alice@example.com",
            _ => "bob@example.com",
        };
        ok(&format!(
            r#"{{"id":"00u1","status":"ACTIVE","profile":{{"login":"{login}"}}}}"#
        ))
    });
    let cache = Arc::new(MemoryCache::new(Duration::from_secs(60), Duration::from_secs(60)));
    let client = |token: &str| {
        okta_sdk::Client::with_runtime(
            &org.url,
            Runtime::with_api_token(token).expect("token").with_cache(cache.clone()),
        )
    };
    let (alice, bob) = (client("00alice"), client("00bob"));
    let login = |u: okta_sdk::Response<okta_sdk::models::UserGetSingleton>| u.into_inner().profile.login;
    assert_eq!(
        login(alice.get_user().id("00u1").send().await.expect("alice")),
        "alice@example.com"
    );
    assert_eq!(
        login(bob.get_user().id("00u1").send().await.expect("bob")),
        "bob@example.com"
    );
    assert_eq!(org.seen().len(), 2, "bob's call was not answered from alice's entry");
    // Each is answered from its own entry now; a clone shares its client's principal.
    assert_eq!(
        login(alice.clone().get_user().id("00u1").send().await.expect("alice")),
        "alice@example.com"
    );
    assert_eq!(
        login(bob.get_user().id("00u1").send().await.expect("bob")),
        "bob@example.com"
    );
    assert_eq!(org.seen().len(), 2, "both from the cache");
    // A change by one evicts the path for both.
    let _ = alice.deactivate_user().id("00u1").send().await;
    let before = org.seen().len();
    bob.get_user().id("00u1").send().await.expect("bob");
    assert_eq!(
        org.seen().len(),
        before + 1,
        "bob's entry was evicted by alice's change"
    );
    let _ = StatusCode::OK;
}
