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
mod error;
mod extract;
mod factors;
mod faults;
mod filter;
mod groups;
mod ids;
mod listing;
mod routes;
mod schema;
mod state;
mod users;

pub use faults::{Fault, FaultKind};
pub use state::ServiceApp;

use serde_json::{Map, Value, json};
use state::{Org, Store};
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

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

    /// Requests per minute per endpoint family before `429` (default one million).
    pub fn rate_limit(mut self, per_minute: u32) -> Self {
        self.rate_limit = per_minute.max(1);
        self
    }

    /// How long issued access tokens live (default one hour).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
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
            rate_limit: self.rate_limit,
            windows: Mutex::default(),
            faults: faults::Faults::default(),
            counters: state::Counters::default(),
            dpop_nonce: ids::random_chars(22),
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
        };
        mock.seed_users(self.users);
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
