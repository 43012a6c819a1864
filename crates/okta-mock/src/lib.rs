//! A local fake Okta org: an in-process HTTP server that behaves like an Okta org for the
//! parts most programs use, so tests, examples and benchmarks run with no network and no
//! account.
//!
//! It serves users (create with a password, get by id or login, list with `limit`/`after`,
//! `filter`, `search` and `q`, partial and full update, lifecycle, delete), groups and
//! membership, applications (bookmark, SWA and others), a user's factors, and the group
//! schema. Lists page with `Link` headers as Okta forms them; every answer carries
//! `X-Okta-Request-Id` and `X-Rate-Limit-*`; errors are Okta's (`errorCode`,
//! `errorSummary`, ...). Requests authenticate with the org's API token (`SSWS`) or with an
//! access token from `/oauth2/v1/token`, which verifies private-key JWT client assertions
//! against the public keys of registered service apps. Faults (429, 5xx, delays) can be
//! injected.
//!
//! ## Rate limits
//!
//! Limits are Okta's: per bucket, per org, in fixed windows. A [`Bucket`] names a method (or
//! any) and a path template (`GET /api/v1/users/{id}`) or prefix (`/api/v1/groups*`); set its
//! limit with [`MockOrgBuilder::bucket_limit`] or, while serving, [`MockOrg::set_bucket_limit`].
//! A request counts in the most specific configured bucket that matches it, else in its
//! endpoint family (`/api/v1/logs`, 60 a minute; `/api/v1/users`, `/api/v1/groups`,
//! `/api/v1/apps`, `/oauth2/v1/token` and everything else, [`MockOrgBuilder::rate_limit`] a
//! minute each). The first request of a window starts it; it ends `window` later. Every
//! answer carries its bucket's `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining` and
//! `X-Rate-Limit-Reset` (epoch seconds of the window's end); over the limit, the answer is
//! `429` with Okta's `E0000047` body. [`MockOrg::bucket_stats`] counts requests, 429s and the
//! most requests admitted in one window, per bucket, to compare with a client's metrics.
//!
//! A concurrent-request limit ([`MockOrgBuilder::concurrency_limit`]) refuses a request that
//! arrives while that many are being served: `429`, `E0000047`, `X-Rate-Limit-Limit: 0`,
//! `X-Rate-Limit-Remaining: 0` and a reset one second away. [`MockOrgBuilder::latency`] makes
//! every `/api` request take a while, so that requests pile up;
//! [`MockOrg::most_in_flight`] tells how many did.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! use okta_mock::{Bucket, MockOrg};
//! use std::time::Duration;
//! let org = MockOrg::builder()
//!     .bucket_limit(Bucket::new(Some("GET"), "/api/v1/users"), 100, Duration::from_secs(60))
//!     .bucket_limit(Bucket::new(Some("GET"), "/api/v1/users/{id}"), 600, Duration::from_secs(60))
//!     .concurrency_limit(15)
//!     .latency(Duration::from_millis(5))
//!     .start()
//!     .await?;
//! // Once a client has run against `org.url()`: how did it fare?
//! let one_user = org.bucket_stat(&Bucket::new(Some("GET"), "/api/v1/users/{id}"));
//! let one_user = one_user.map(|s| (s.limit, s.requests, s.rate_limited, s.most_in_window));
//! assert_eq!(one_user, Some((600, 0, 0, 0)));
//! assert_eq!((org.rate_limited(), org.concurrency_rate_limited(), org.most_in_flight()), (0, 0, 0));
//! # Ok(()) }
//! ```
//!
//! It keeps a System Log: the org records its own changes (user create and lifecycle, group
//! create and membership, app create, ...) and tests can push events of their own
//! ([`MockOrg::push_log_event`], [`MockOrg::append_log_events`]). `GET /api/v1/logs` answers
//! with Okta's semantics (`since`, `until`, `after`, `filter`, `q`, `limit`, `sortOrder`;
//! polling queries always link `next`), under a rate limit of its own (the bucket
//! `/api/v1/logs*`, [`MockOrgBuilder::logs_rate_limit`]), and can repeat events across pages
//! ([`MockOrgBuilder::log_page_overlap`]) to test a tail's de-duplication.
//!
//! It delivers Event Hooks as Okta does: the one-time verification challenge
//! ([`MockOrg::verify_event_hook`]) and deliveries with a three-second timeout and one retry
//! ([`MockOrg::deliver_event_hook`], [`MockOrg::deliver_log_events`]).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! // One line in a test: a fresh org on a free loopback port.
//! let org = okta_mock::MockOrg::builder().users(3).start().await?;
//! assert_eq!(org.user_count(), 3);
//! assert!(org.url().starts_with("http://127.0.0.1:"));
//! // Point a client at `org.url()` with `org.api_token()`.
//! # Ok(()) }
//! ```
//!
//! From the command line: `cargo run -p okta-mock -- --port 8080 --users 20000`.

mod apps;
mod auth;
mod bucket;
mod control;
mod error;
mod event_hooks;
mod extract;
mod factors;
mod faults;
mod filter;
mod gate;
mod groups;
mod ids;
mod limits;
mod listing;
mod log_record;
mod logs;
mod routes;
mod schema;
mod state;
mod syslog;
mod users;
mod window;

pub use bucket::Bucket;
pub use event_hooks::{
    CHALLENGE_HEADER, DELIVERY_TIMEOUT, DeliveryError, DeliveryReport, EventHookTarget, HookFailure,
    MAX_VERIFICATION_BODY,
};
pub use faults::{Fault, FaultKind};
pub use limits::BucketStats;
pub use state::ServiceApp;

use serde_json::{Map, Value, json};
use state::{Org, Store};
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

/// The API token of an org started without [`MockOrgBuilder::api_token`].
pub const DEFAULT_API_TOKEN: &str = "00okta-mock-local-api-token";

/// The pass code that activates and verifies factors (no SMS is sent).
pub const PASS_CODE: &str = "123456";

/// A running fake org. It stops when dropped (or at [`MockOrg::shutdown`]).
#[derive(Debug)]
pub struct MockOrg {
    org: Arc<Org>,
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    hooks: event_hooks::HookClient,
}

/// Settings of a fake org.
#[derive(Debug, Clone)]
pub struct MockOrgBuilder {
    host: String,
    port: u16,
    api_token: String,
    users: usize,
    rate_limit: u32,
    token_lifetime: Duration,
    log_events: usize,
    /// Bucket limits in the order they were set (`logs_rate_limit` among them).
    buckets: Vec<(Bucket, u32, Duration)>,
    concurrency_limit: Option<usize>,
    latency: Duration,
    log_page_overlap: usize,
}

impl Default for MockOrgBuilder {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 0,
            api_token: DEFAULT_API_TOKEN.into(),
            users: 0,
            rate_limit: 1_000_000,
            token_lifetime: Duration::from_secs(3600),
            log_events: 0,
            buckets: Vec::new(),
            concurrency_limit: None,
            latency: Duration::ZERO,
            log_page_overlap: 0,
        }
    }
}

impl MockOrgBuilder {
    /// The address to listen on (default `127.0.0.1`).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = host.into();
        self
    }

    /// The port (default: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The API token that `SSWS` requests must carry.
    pub fn api_token(mut self, token: impl Into<String>) -> Self {
        self.api_token = token.into();
        self
    }

    /// Start with this many users (`user0000001@example.com`, ... all `ACTIVE`).
    pub fn users(mut self, count: usize) -> Self {
        self.users = count;
        self
    }

    /// Requests per minute per endpoint family before `429` (default one million): the limit of
    /// the buckets `/api/v1/users*`, `/api/v1/groups*`, `/api/v1/apps*`, `/oauth2/v1/token*`
    /// and `*` (every other path but `/api/v1/logs`), for requests that no bucket set with
    /// [`MockOrgBuilder::bucket_limit`] takes.
    pub fn rate_limit(mut self, per_minute: u32) -> Self {
        self.rate_limit = per_minute.max(1);
        self
    }

    /// How long issued access tokens live (default one hour).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// Start with this many System Log events (sign-ins, `user.session.start`, each by another
    /// user), published over the last hour in ascending order.
    pub fn log_events(mut self, count: usize) -> Self {
        self.log_events = count;
        self
    }

    /// The rate limit of `/api/v1/logs`, a bucket of its own (default 60 requests per 60 s):
    /// the same as [`MockOrgBuilder::bucket_limit`] with `Bucket::any("/api/v1/logs*")`.
    /// Windows are fixed: the first request starts one, which ends `window` later; the next
    /// request after that starts the next. A `limit` of 0 counts as 1.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::time::Duration;
    /// let org = okta_mock::MockOrg::builder()
    ///     .logs_rate_limit(2, Duration::from_secs(60))
    ///     .start()
    ///     .await?;
    /// assert_eq!(org.logs_rate_limited(), 0);
    /// # Ok(()) }
    /// ```
    pub fn logs_rate_limit(mut self, limit: u32, window: Duration) -> Self {
        self.buckets.push((limits::logs_bucket(), limit, window));
        self
    }

    /// Gives `bucket` a limit of its own: `limit` requests (0 counts as 1) per fixed `window`
    /// (the first request starts one, which ends `window` later; at least a millisecond).
    /// Call it for as many buckets as needed; setting a bucket again replaces its limit.
    ///
    /// A request counts in the most specific configured bucket that matches it (see
    /// [`Bucket`]); one that matches none counts in its endpoint family
    /// ([`MockOrgBuilder::rate_limit`], [`MockOrgBuilder::logs_rate_limit`]). Setting a
    /// family's own bucket (e.g. `Bucket::any("/api/v1/groups*")`) changes that family's
    /// limit.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use okta_mock::{Bucket, MockOrg};
    /// use std::time::Duration;
    /// let minute = Duration::from_secs(60);
    /// let org = MockOrg::builder()
    ///     // Listing users apart from reading one user, creating users, and groups.
    ///     .bucket_limit(Bucket::new(Some("GET"), "/api/v1/users"), 100, minute)
    ///     .bucket_limit(Bucket::new(Some("GET"), "/api/v1/users/{id}"), 600, minute)
    ///     .bucket_limit(Bucket::new(Some("POST"), "/api/v1/users"), 50, minute)
    ///     .bucket_limit(Bucket::any("/api/v1/groups*"), 500, minute)
    ///     .start()
    ///     .await?;
    /// let limits: Vec<(String, u32)> = org.bucket_stats().into_iter().map(|s| (s.bucket, s.limit)).collect();
    /// assert!(limits.contains(&("POST /api/v1/users".into(), 50)));
    /// # Ok(()) }
    /// ```
    pub fn bucket_limit(mut self, bucket: Bucket, limit: u32, window: Duration) -> Self {
        self.buckets.push((bucket, limit, window));
        self
    }

    /// Refuses a request that arrives while `max_in_flight` requests (0 counts as 1) are being
    /// served, with Okta's concurrent-limit answer: `429`, `E0000047`,
    /// `X-Rate-Limit-Limit: 0`, `X-Rate-Limit-Remaining: 0`, and a `X-Rate-Limit-Reset` one
    /// second away (an estimate). The refused request reaches no handler and takes nothing
    /// from its bucket's window. Default: no limit.
    pub fn concurrency_limit(mut self, max_in_flight: usize) -> Self {
        self.concurrency_limit = Some(max_in_flight);
        self
    }

    /// Every `/api` request that is admitted takes at least this long (default zero), so that
    /// requests under load are in flight together. Injected delays add to the handler's time
    /// within it.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// A fault for testing a tail: the `next` cursor of each polling page of `/api/v1/logs`
    /// goes back `events` events, so the next page repeats the last `events` of this one (at
    /// most all but the first, so polling always advances).
    pub fn log_page_overlap(mut self, events: usize) -> Self {
        self.log_page_overlap = events;
        self
    }

    /// Binds the port and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<MockOrg> {
        let listener = tokio::net::TcpListener::bind((self.host.as_str(), self.port)).await?;
        let addr = listener.local_addr()?;
        let base = format!("http://{addr}");
        let org = Arc::new(Org {
            store: RwLock::new(Store::new(&base)),
            base,
            api_token: self.api_token,
            apps: RwLock::default(),
            tokens: RwLock::default(),
            used_jtis: Mutex::default(),
            token_lifetime: self.token_lifetime,
            limits: limits::Limits::new(self.rate_limit, &self.buckets, self.concurrency_limit, self.latency),
            faults: faults::Faults::default(),
            counters: state::Counters::default(),
            dpop_nonce: ids::random_chars(22),
            logs: log_record::LogRecord::default(),
            log_page_overlap: self.log_page_overlap,
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = routes::router(org.clone());
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "the fake Okta org stopped");
            }
        });
        let mock = MockOrg {
            org,
            addr,
            stop: Some(stop),
            task: Some(task),
            hooks: event_hooks::HookClient::default(),
        };
        mock.seed_users(self.users);
        mock.seed_log_events(self.log_events);
        Ok(mock)
    }
}

impl MockOrg {
    /// Starts an org on a free loopback port with the default settings.
    pub async fn start() -> std::io::Result<MockOrg> {
        MockOrgBuilder::default().start().await
    }

    /// Settings first.
    pub fn builder() -> MockOrgBuilder {
        MockOrgBuilder::default()
    }

    /// The org URL, e.g. `http://127.0.0.1:43127`.
    pub fn url(&self) -> &str {
        &self.org.base
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API token `SSWS` requests must carry.
    pub fn api_token(&self) -> &str {
        &self.org.api_token
    }

    /// Lets a service app get access tokens with assertions signed by its private key.
    pub fn register_service_app(&self, app: ServiceApp) {
        if let Ok(mut apps) = self.org.apps.write() {
            apps.insert(app.client_id.clone(), app);
        }
    }

    /// Injects a fault into the next matching requests.
    pub fn inject(&self, fault: Fault) {
        self.org.faults.push(fault);
    }

    /// Requests to `/oauth2/v1/token` so far.
    pub fn token_requests(&self) -> u64 {
        self.org.counters.token_requests.load(Ordering::Relaxed)
    }

    /// Requests of any kind so far.
    pub fn requests(&self) -> u64 {
        self.org.counters.requests.load(Ordering::Relaxed)
    }

    /// How many users the org holds.
    pub fn user_count(&self) -> usize {
        self.org.store.read().map(|s| s.users.len()).unwrap_or(0)
    }

    /// Adds `count` active users with full profiles: `user0000001@example.com`, ...
    pub fn seed_users(&self, count: usize) {
        let Ok(mut store) = self.org.store.write() else { return };
        let first = store.users.len() + 1;
        for n in first..first + count {
            let login = format!("user{n:07}@example.com");
            let department = ["Engineering", "Sales", "Support", "Finance"][n % 4];
            let profile: Map<String, Value> = match json!({
                "login": login, "email": login, "firstName": "User", "lastName": format!("{n:07}"),
                "displayName": format!("User {n}"), "nickName": format!("u{n}"),
                "department": department,
                "title": "Member of staff", "employeeNumber": format!("{n}"),
                "costCenter": format!("CC-{}", n % 10), "organization": "Example Corp",
                "city": "San Francisco", "state": "CA", "countryCode": "US",
                "mobilePhone": format!("+1415555{:04}", n % 10_000), "locale": "en_US",
                "timezone": "America/Los_Angeles", "userType": "Employee",
            }) {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            users::insert(
                &mut store,
                &self.org.base,
                profile,
                Some("Seeded-Passw0rd!".into()),
                "ACTIVE",
                &[],
            );
        }
    }

    /// The store, even if a handler panicked while holding it.
    fn store(&self) -> std::sync::RwLockWriteGuard<'_, Store> {
        self.org
            .store
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds `count` sign-ins published over the last hour, in ascending order.
    fn seed_log_events(&self, count: usize) {
        const HOUR_MS: u128 = 3_600_000;
        let mut store = self.store();
        let now = chrono::Utc::now();
        for i in 0..count {
            // `i < count`, so the offset is below an hour.
            let back = HOUR_MS - HOUR_MS * i as u128 / count as u128;
            let back = chrono::TimeDelta::milliseconds(i64::try_from(back).unwrap_or(0));
            store.log.sign_in(now.checked_sub_signed(back).unwrap_or(now));
        }
    }

    /// Appends an event to the System Log and gives its `uuid`. What the event lacks is filled
    /// in: `uuid` (fresh, also when the given one is already in the log), `published` (now,
    /// also when the given one is not RFC 3339), `eventType` (`user.session.start`),
    /// `legacyEventType`, `displayMessage`, `severity` (`INFO`), `version` (`0`), `actor` (the
    /// org's admin), `client`, `outcome` (`SUCCESS`), `target` (none), `transaction`,
    /// `debugContext`, `authenticationContext` and `securityContext`.
    ///
    /// An explicit `published` is kept, so an event can be published before the events
    /// appended earlier: `GET /api/v1/logs` pages in the order events were appended, and a
    /// poller sees it after them.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use serde_json::json;
    /// let org = okta_mock::MockOrg::start().await?;
    /// let uuid = org.push_log_event(json!({
    ///     "eventType": "user.session.start",
    ///     "severity": "WARN",
    ///     "published": "2026-12-04T20:21:50.603Z",
    /// }));
    /// let events = org.log_events();
    /// let event = events.last().expect("pushed");
    /// assert_eq!(event["uuid"], uuid.as_str());
    /// assert_eq!(event["published"], "2026-12-04T20:21:50.603Z");
    /// assert_eq!(event["outcome"]["result"], "SUCCESS");
    /// # Ok(()) }
    /// ```
    pub fn push_log_event(&self, event: Value) -> String {
        self.store().log.push(event)
    }

    /// Appends `count` sign-ins (`user.session.start`, each by another user), published now,
    /// and gives their `uuid`s in order.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let org = okta_mock::MockOrg::builder().log_events(5).start().await?;
    /// let added = org.append_log_events(3);
    /// assert_eq!((added.len(), org.log_event_count()), (3, 8));
    /// # Ok(()) }
    /// ```
    pub fn append_log_events(&self, count: usize) -> Vec<String> {
        let mut store = self.store();
        (0..count).map(|_| store.log.sign_in(chrono::Utc::now())).collect()
    }

    /// How many events the System Log holds.
    pub fn log_event_count(&self) -> usize {
        self.store().log.len()
    }

    /// The System Log's events, in the order they were appended.
    pub fn log_events(&self) -> Vec<Value> {
        self.store().log.entries().iter().map(|e| e.event.clone()).collect()
    }

    /// When each request to `/api/v1/logs` arrived, in order (rate-limited ones included).
    pub fn logs_requests(&self) -> Vec<SystemTime> {
        self.org.logs.requests()
    }

    /// The most requests to `/api/v1/logs` that arrived within any span of `window` (e.g. a
    /// minute), to check that a client stays under the limit.
    pub fn most_logs_requests_in(&self, window: Duration) -> usize {
        log_record::most_in_window(&self.org.logs.requests(), window)
    }

    /// How many `429` answers `/api/v1/logs` gave (its limit, the concurrent-request limit and
    /// injected faults).
    pub fn logs_rate_limited(&self) -> u64 {
        self.org.logs.rate_limited()
    }

    /// Sets a bucket's limit while the org serves, as [`MockOrgBuilder::bucket_limit`] does
    /// before. An existing bucket keeps its open window and its count: the new limit applies
    /// to the next request, and the window now ends `window` after it started.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use okta_mock::{Bucket, MockOrg};
    /// use std::time::Duration;
    /// let org = MockOrg::start().await?;
    /// let apps = Bucket::new(Some("GET"), "/api/v1/apps");
    /// org.set_bucket_limit(apps.clone(), 20, Duration::from_secs(10));
    /// let stats = org.bucket_stat(&apps).expect("configured");
    /// assert_eq!((stats.limit, stats.window), (20, Duration::from_secs(10)));
    /// # Ok(()) }
    /// ```
    pub fn set_bucket_limit(&self, bucket: Bucket, limit: u32, window: Duration) {
        self.org.limits.set(bucket, limit, window);
    }

    /// Every bucket's counters, in the order requests are matched against them: configured
    /// buckets (most specific first), then the endpoint families (`/api/v1/logs*`,
    /// `/api/v1/users*`, `/api/v1/groups*`, `/api/v1/apps*`, `/oauth2/v1/token*`, `*`).
    pub fn bucket_stats(&self) -> Vec<BucketStats> {
        self.org.limits.stats()
    }

    /// One bucket's counters, if the org has that bucket (configured, or a family's).
    pub fn bucket_stat(&self, bucket: &Bucket) -> Option<BucketStats> {
        let name = bucket.to_string();
        self.org.limits.stats().into_iter().find(|s| s.bucket == name)
    }

    /// How many `429` answers the limits gave: the buckets' and the concurrent-request
    /// limit's (not injected faults).
    pub fn rate_limited(&self) -> u64 {
        self.org.limits.rate_limited()
    }

    /// Sets the concurrent-request limit while the org serves (see
    /// [`MockOrgBuilder::concurrency_limit`]); `None` lifts it. Requests being served stay.
    pub fn set_concurrency_limit(&self, max_in_flight: Option<usize>) {
        self.org.limits.set_concurrency(max_in_flight);
    }

    /// How many requests the concurrent-request limit refused.
    pub fn concurrency_rate_limited(&self) -> u64 {
        self.org.limits.concurrency_rate_limited()
    }

    /// The most requests (control routes aside) being served at once so far; refused ones
    /// are not counted.
    pub fn most_in_flight(&self) -> usize {
        self.org.limits.most_in_flight()
    }

    /// How many requests (control routes aside) are being served now.
    pub fn in_flight(&self) -> usize {
        self.org.limits.in_flight()
    }

    /// Sets the least time an `/api` request takes (see [`MockOrgBuilder::latency`]), for
    /// the requests that arrive from now on.
    pub fn set_latency(&self, latency: Duration) {
        self.org.limits.set_latency(latency);
    }

    /// Sends Okta's one-time verification to an Event Hook: a `GET` with
    /// `X-Okta-Verification-Challenge` (and the hook's header), which must be answered `200`
    /// with `{"verification": "<the challenge>"}` (at most [`MAX_VERIFICATION_BODY`] bytes).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use axum::http::HeaderMap;
    /// // A hook that echoes the challenge.
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let url = format!("http://{}/hook", listener.local_addr()?);
    /// let echo = |headers: HeaderMap| async move {
    ///     let challenge = headers.get(okta_mock::CHALLENGE_HEADER).and_then(|v| v.to_str().ok());
    ///     axum::Json(serde_json::json!({ "verification": challenge.unwrap_or_default() }))
    /// };
    /// let hook = axum::Router::new().route("/hook", axum::routing::get(echo));
    /// tokio::spawn(async move { axum::serve(listener, hook).await });
    ///
    /// let org = okta_mock::MockOrg::start().await?;
    /// org.verify_event_hook(&okta_mock::EventHookTarget::new(url)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn verify_event_hook(&self, target: &EventHookTarget) -> Result<(), DeliveryError> {
        self.hooks.verify(target).await
    }

    /// Delivers `events` to an Event Hook in one envelope as Okta does (a `POST` of
    /// `{"eventType": "com.okta.event_hook", ..., "data": {"events": [...]}}` with the hook's
    /// header), waiting [`EventHookTarget::timeout`] for an answer and retrying once on a
    /// timeout, a transport failure or a status other than 2xx. With
    /// [`EventHookTarget::duplicate`] the same payload is delivered twice.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use axum::http::StatusCode;
    /// // A hook that accepts every delivery.
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let url = format!("http://{}/hook", listener.local_addr()?);
    /// let hook = axum::Router::new().route("/hook", axum::routing::post(|| async { StatusCode::NO_CONTENT }));
    /// tokio::spawn(async move { axum::serve(listener, hook).await });
    ///
    /// let org = okta_mock::MockOrg::start().await?;
    /// let target = okta_mock::EventHookTarget::new(url).auth_header("Authorization", "hook-secret");
    /// let event = serde_json::json!({"uuid": "a9b8c7d6-0000-4000-8000-000000000001"});
    /// let report = org.deliver_event_hook(&target, vec![event]).await?;
    /// assert_eq!((report.attempts, report.deliveries, report.status), (1, 1, 204));
    /// # Ok(()) }
    /// ```
    pub async fn deliver_event_hook(
        &self,
        target: &EventHookTarget,
        events: Vec<Value>,
    ) -> Result<DeliveryReport, DeliveryError> {
        self.hooks.deliver(&self.org.base, target, events).await
    }

    /// Delivers events of the org's System Log, by `uuid`, in one envelope (see
    /// [`MockOrg::deliver_event_hook`]); [`DeliveryError::UnknownEvent`] names a `uuid` the
    /// log does not hold.
    pub async fn deliver_log_events<I, S>(
        &self,
        target: &EventHookTarget,
        uuids: I,
    ) -> Result<DeliveryReport, DeliveryError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let events = {
            let store = self.store();
            uuids
                .into_iter()
                .map(|u| {
                    store
                        .log
                        .find(u.as_ref())
                        .map(|e| e.event.clone())
                        .ok_or_else(|| DeliveryError::UnknownEvent(u.as_ref().to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?
        };
        self.deliver_event_hook(target, events).await
    }

    /// Delivers the last `count` events of the org's System Log (all, if it holds fewer) in
    /// one envelope (see [`MockOrg::deliver_event_hook`]).
    pub async fn deliver_last_log_events(
        &self,
        target: &EventHookTarget,
        count: usize,
    ) -> Result<DeliveryReport, DeliveryError> {
        let events: Vec<Value> = {
            let store = self.store();
            let entries = store.log.entries();
            let first = entries.len().saturating_sub(count);
            entries
                .get(first..)
                .unwrap_or_default()
                .iter()
                .map(|e| e.event.clone())
                .collect()
        };
        self.deliver_event_hook(target, events).await
    }

    /// Stops serving and waits for the server to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockOrg {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
