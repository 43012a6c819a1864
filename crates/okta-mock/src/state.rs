//! What the fake org holds: users, groups, memberships, apps, factors, the group schema,
//! the System Log, service apps and issued tokens. Resources are kept as the JSON Okta would send.

use crate::faults::Faults;
use crate::ids::IdGen;
use crate::limits::Limits;
use crate::log_record::LogRecord;
use crate::syslog::SystemLog;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::AtomicU64;
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

/// Okta's timestamp format: RFC 3339 with milliseconds and `Z`.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The resources of the org.
#[derive(Debug)]
pub(crate) struct Store {
    pub(crate) ids: IdGen,
    pub(crate) users: BTreeMap<String, Value>,
    /// Passwords by user id; never sent back.
    pub(crate) passwords: HashMap<String, String>,
    /// Lower-case login to user id.
    pub(crate) logins: HashMap<String, String>,
    pub(crate) groups: BTreeMap<String, Value>,
    /// Group id to member ids.
    pub(crate) members: HashMap<String, BTreeSet<String>>,
    pub(crate) everyone: String,
    pub(crate) apps: BTreeMap<String, Value>,
    /// User id to that user's factors by factor id.
    pub(crate) factors: HashMap<String, BTreeMap<String, Value>>,
    pub(crate) group_schema: Value,
    /// The System Log.
    pub(crate) log: SystemLog,
}

impl Store {
    pub(crate) fn new(base: &str) -> Self {
        let mut ids = IdGen::new();
        let everyone = ids.next("00g");
        let at = now();
        let mut groups = BTreeMap::new();
        groups.insert(
            everyone.clone(),
            json!({
                "id": everyone, "created": at, "lastUpdated": at, "lastMembershipUpdated": at,
                "objectClass": ["okta:user_group"], "type": "BUILT_IN",
                "profile": {"name": "Everyone", "description": "All users in your organization"},
                "_links": {"self": {"href": format!("{base}/api/v1/groups/{everyone}")}},
            }),
        );
        let mut members = HashMap::new();
        members.insert(everyone.clone(), BTreeSet::new());
        Self {
            ids,
            users: BTreeMap::new(),
            passwords: HashMap::new(),
            logins: HashMap::new(),
            groups,
            members,
            everyone,
            apps: BTreeMap::new(),
            factors: HashMap::new(),
            group_schema: default_group_schema(base),
            log: SystemLog::new(),
        }
    }

    /// A user by id or login.
    pub(crate) fn user_id(&self, id_or_login: &str) -> Option<String> {
        if self.users.contains_key(id_or_login) {
            return Some(id_or_login.to_string());
        }
        self.logins.get(&id_or_login.to_lowercase()).cloned()
    }
}

/// A service app that may get tokens with a signed client assertion.
#[derive(Clone)]
pub struct ServiceApp {
    pub(crate) client_id: String,
    pub(crate) public_key_pem: String,
    pub(crate) scopes: Option<Vec<String>>,
    pub(crate) require_dpop: bool,
}

impl std::fmt::Debug for ServiceApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceApp")
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .field("require_dpop", &self.require_dpop)
            .finish_non_exhaustive()
    }
}

impl ServiceApp {
    /// A service app whose client assertions are verified with this public key (an RSA or
    /// EC public key in PEM). It is granted every scope unless [`ServiceApp::scopes`] says
    /// otherwise.
    pub fn new(client_id: impl Into<String>, public_key_pem: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            public_key_pem: public_key_pem.into(),
            scopes: None,
            require_dpop: false,
        }
    }

    /// The only scopes this app may be granted (e.g. `okta.users.read`).
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// Demand DPoP-bound tokens (`invalid_dpop_proof` without a `DPoP` header).
    pub fn require_dpop(mut self) -> Self {
        self.require_dpop = true;
        self
    }
}

/// An access token the org issued.
#[derive(Debug, Clone)]
pub(crate) struct IssuedToken {
    pub(crate) scopes: HashSet<String>,
    pub(crate) expires: Instant,
    pub(crate) dpop: bool,
}

/// Counters a test or bench reads.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) requests: AtomicU64,
    pub(crate) token_requests: AtomicU64,
}

/// Everything the server shares between requests.
#[derive(Debug)]
pub(crate) struct Org {
    pub(crate) base: String,
    pub(crate) api_token: String,
    pub(crate) store: RwLock<Store>,
    pub(crate) apps: RwLock<HashMap<String, ServiceApp>>,
    pub(crate) tokens: RwLock<HashMap<String, IssuedToken>>,
    pub(crate) used_jtis: Mutex<HashSet<String>>,
    pub(crate) token_lifetime: Duration,
    /// The rate limits (per bucket, concurrent requests), the latency, and their counters.
    pub(crate) limits: Limits,
    pub(crate) faults: Faults,
    pub(crate) counters: Counters,
    /// The nonce DPoP proofs to the token endpoint must carry.
    pub(crate) dpop_nonce: String,
    /// The record of requests to `/api/v1/logs`.
    pub(crate) logs: LogRecord,
    /// How many events each polling page of `/api/v1/logs` repeats on the next (a fault).
    pub(crate) log_page_overlap: usize,
}

/// The schema a new org starts with: `name` and `description`, no custom attributes.
fn default_group_schema(base: &str) -> Value {
    let at = now();
    let attribute = |title: &str, required: bool| {
        json!({
            "title": title, "type": "string", "required": required, "mutability": "READ_WRITE",
            "scope": "NONE", "maxLength": 1024,
            "permissions": [{"principal": "SELF", "action": "READ_ONLY"}],
        })
    };
    json!({
        "id": format!("{base}/meta/schemas/group/default"),
        "$schema": "http://json-schema.org/draft-04/schema#",
        "name": "group",
        "title": "Okta group",
        "description": "Okta group profile template",
        "lastUpdated": at,
        "created": at,
        "definitions": {
            "custom": {"id": "#custom", "type": "object", "properties": {}, "required": []},
            "base": {
                "id": "#base", "type": "object",
                "properties": {"name": attribute("Name", true), "description": attribute("Description", false)},
                "required": ["name"],
            },
        },
        "type": "object",
        "properties": {"profile": {"allOf": [{"$ref": "#/definitions/custom"}, {"$ref": "#/definitions/base"}]}},
        "_links": {"self": {"href": format!("{base}/api/v1/meta/schemas/group/default"), "method": "GET"}},
    })
}
