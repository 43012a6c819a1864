//! The System Log: the org's append-only list of events, shaped like Okta's `LogEvent`, each
//! with an ingest sequence number. Events are read in ingest order; `published` is what
//! `since` and `until` compare, and may run behind the ingest order (an event published
//! earlier can arrive later), as in Okta.

use crate::ids::random_chars;
use chrono::{DateTime, SecondsFormat, Utc};
use rand::Rng;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// Okta's timestamp format for a given instant: RFC 3339 with milliseconds and `Z`.
pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A random UUID-like string (version 4 layout, lower-case hex), as Okta gives events.
pub(crate) fn uuid() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The legacy event type and display message Okta gives an event type.
fn describe(event_type: &str) -> (&'static str, &'static str) {
    match event_type {
        "user.session.start" => ("core.user_auth.login_success", "User login to Okta"),
        "user.session.end" => ("core.user_auth.logout_success", "User logout from Okta"),
        "user.lifecycle.create" => ("core.user.config.user_creation.success", "Create Okta user"),
        "user.lifecycle.activate" => ("core.user.config.user_activated", "Activate Okta user"),
        "user.lifecycle.deactivate" => ("core.user.config.user_deactivated", "Deactivate Okta user"),
        "user.lifecycle.suspend" => ("core.user.config.user_status.suspended", "Suspend Okta user"),
        "user.lifecycle.unsuspend" => ("core.user.config.user_status.unsuspended", "Unsuspend Okta user"),
        "user.account.unlock" => ("core.user.config.user_status.account_unlock", "Unlock user account"),
        "user.lifecycle.delete.initiated" => ("core.user.config.user_deleted", "Delete Okta user"),
        "group.lifecycle.create" => ("core.user_group.created", "Create Okta group"),
        "group.lifecycle.delete" => ("core.user_group.deleted", "Delete Okta group"),
        "group.user_membership.add" => ("core.user_group_member.user_add", "Add user to group membership"),
        "group.user_membership.remove" => (
            "core.user_group_member.user_remove",
            "Remove user from group membership",
        ),
        "application.lifecycle.create" => ("app.generic.config.app_created", "Create application"),
        "application.lifecycle.activate" => ("app.generic.config.app_activated", "Activate application"),
        "application.lifecycle.deactivate" => ("app.generic.config.app_deactivated", "Deactivate application"),
        "application.lifecycle.delete" => ("app.generic.config.app_deleted", "Delete application"),
        _ => ("", ""),
    }
}

/// One stored event and what the org keeps beside it.
#[derive(Debug, Clone)]
pub(crate) struct LogEntry {
    /// The ingest sequence number: 1 for the first event, one more for each next.
    pub(crate) seq: u64,
    /// `published`, parsed.
    pub(crate) published: DateTime<Utc>,
    /// The event as Okta sends it.
    pub(crate) event: Value,
}

/// The org's System Log.
#[derive(Debug)]
pub(crate) struct SystemLog {
    entries: Vec<LogEntry>,
    /// `uuid` to index.
    uuids: HashMap<String, usize>,
    /// The actor of the changes the org records: the admin the API token belongs to.
    admin: Value,
    /// How many synthetic sign-ins were made (to give each its own actor).
    sign_ins: u64,
}

impl SystemLog {
    pub(crate) fn new() -> Self {
        Self {
            entries: Vec::new(),
            uuids: HashMap::new(),
            admin: json!({
                "id": format!("00u{}", random_chars(17)), "type": "User",
                "alternateId": "admin@example.com", "displayName": "Okta Admin", "detailEntry": null,
            }),
            sign_ins: 0,
        }
    }

    /// The events, in ingest order (the entry at index `i` has sequence number `i + 1`).
    pub(crate) fn entries(&self) -> &[LogEntry] {
        &self.entries
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The index of the entry with this sequence number, if the org has it.
    pub(crate) fn index_of(&self, seq: u64) -> Option<usize> {
        let index = usize::try_from(seq.checked_sub(1)?).ok()?;
        (index < self.entries.len()).then_some(index)
    }

    /// The entry with this `uuid`.
    pub(crate) fn find(&self, uuid: &str) -> Option<&LogEntry> {
        self.uuids.get(uuid).and_then(|&i| self.entries.get(i))
    }

    /// Appends an event, filling in what it lacks (`uuid`, `published` = now, `version`,
    /// `severity`, `actor`, ...). An explicit `published` in RFC 3339 is kept; a `uuid` the
    /// log already holds is replaced. Gives the event's `uuid`.
    pub(crate) fn push(&mut self, event: Value) -> String {
        let mut event = match event {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let uuid = match event.get("uuid").and_then(Value::as_str) {
            Some(u) if !u.is_empty() && !self.uuids.contains_key(u) => u.to_string(),
            _ => uuid(),
        };
        event.insert("uuid".into(), json!(uuid));
        let published = event
            .get("published")
            .and_then(Value::as_str)
            .and_then(|p| DateTime::parse_from_rfc3339(p).ok())
            .map_or_else(Utc::now, |p| p.with_timezone(&Utc));
        event.insert("published".into(), json!(timestamp(published)));
        let event_type = event
            .get("eventType")
            .and_then(Value::as_str)
            .unwrap_or("user.session.start")
            .to_string();
        let (legacy, message) = describe(&event_type);
        let defaults = json!({
            "eventType": event_type,
            "legacyEventType": if legacy.is_empty() { Value::Null } else { json!(legacy) },
            "displayMessage": if message.is_empty() { json!(event_type) } else { json!(message) },
            "severity": "INFO",
            "version": "0",
            "actor": self.admin,
            "client": {
                "ipAddress": "127.0.0.1", "zone": "null", "device": "Computer",
                "userAgent": {"rawUserAgent": "okta-mock", "os": "Unknown", "browser": "UNKNOWN"},
                "geographicalContext": null,
            },
            "outcome": {"result": "SUCCESS", "reason": null},
            "target": [],
            "transaction": {"type": "WEB", "id": random_chars(27), "detail": {}},
            "debugContext": {"debugData": {}},
            "authenticationContext": {
                "authenticationStep": 0, "externalSessionId": random_chars(25),
                "authenticationProvider": null, "credentialProvider": null, "credentialType": null,
                "issuer": null, "interface": null,
            },
            "securityContext": {"asNumber": null, "asOrg": null, "isp": null, "domain": null, "isProxy": null},
            "request": {"ipChain": []},
        });
        if let Value::Object(defaults) = defaults {
            for (key, value) in defaults {
                event.entry(key).or_insert(value);
            }
        }
        let seq = u64::try_from(self.entries.len()).map_or(u64::MAX, |n| n.saturating_add(1));
        self.uuids.insert(uuid.clone(), self.entries.len());
        self.entries.push(LogEntry {
            seq,
            published,
            event: Value::Object(event),
        });
        uuid
    }

    /// Records a change the org made (one call per handler): the admin did `event_type` to
    /// `targets`, now.
    pub(crate) fn record(&mut self, event_type: &str, targets: Vec<Value>) {
        self.push(json!({"eventType": event_type, "target": targets}));
    }

    /// A sign-in by a user of its own (each call another user), published at `at`.
    pub(crate) fn sign_in(&mut self, at: DateTime<Utc>) -> String {
        self.sign_ins = self.sign_ins.saturating_add(1);
        let n = self.sign_ins;
        self.push(json!({
            "eventType": "user.session.start",
            "published": timestamp(at),
            "actor": {
                "id": format!("00u{}", random_chars(17)), "type": "User",
                "alternateId": format!("signin{n:07}@example.com"), "displayName": format!("Sign-in User {n}"),
                "detailEntry": null,
            },
            "debugContext": {"debugData": {"requestUri": "/idp/idx/authenticators/poll", "url": "/idp/idx/authenticators/poll?"}},
        }))
    }
}

/// A user as a `target` of an event.
pub(crate) fn user_target(user: &Value) -> Value {
    let profile = &user["profile"];
    let name = format!(
        "{} {}",
        profile["firstName"].as_str().unwrap_or_default(),
        profile["lastName"].as_str().unwrap_or_default()
    );
    json!({
        "id": user["id"], "type": "User", "alternateId": profile["login"],
        "displayName": name.trim(), "detailEntry": null,
    })
}

/// A group as a `target` of an event.
pub(crate) fn group_target(group: &Value) -> Value {
    json!({
        "id": group["id"], "type": "UserGroup", "alternateId": "unknown",
        "displayName": group["profile"]["name"], "detailEntry": null,
    })
}

/// An application as a `target` of an event.
pub(crate) fn app_target(app: &Value) -> Value {
    json!({
        "id": app["id"], "type": "AppInstance", "alternateId": app["label"],
        "displayName": app["label"], "detailEntry": {"signOnModeType": app["signOnMode"]},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_look_like_uuids_and_differ() {
        let (a, b) = (uuid(), uuid());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
        assert_eq!(&a[14..15], "4");
    }

    #[test]
    fn push_fills_in_and_keeps_what_is_given() {
        let mut log = SystemLog::new();
        let first = log.push(json!({"eventType": "user.lifecycle.create"}));
        let event = &log.entries()[0].event;
        assert_eq!(event["uuid"], first);
        assert_eq!(event["displayMessage"], "Create Okta user");
        assert_eq!(event["legacyEventType"], "core.user.config.user_creation.success");
        assert_eq!(event["version"], "0");
        assert_eq!(event["outcome"]["result"], "SUCCESS");
        assert_eq!(event["transaction"]["type"], "WEB");
        assert!(
            event["published"]
                .as_str()
                .is_some_and(|p| p.ends_with('Z') && p.len() == 24)
        );

        let second = log.push(json!({"uuid": first, "published": "2020-01-02T03:04:05.678Z", "severity": "WARN"}));
        assert_ne!(second, first, "a uuid the log holds is replaced");
        let entry = &log.entries()[1];
        assert_eq!((entry.seq, entry.event["severity"].as_str()), (2, Some("WARN")));
        assert_eq!(entry.event["published"], "2020-01-02T03:04:05.678Z");
        assert_eq!(timestamp(entry.published), "2020-01-02T03:04:05.678Z");
        assert!(log.find(&second).is_some() && log.find("nope").is_none());
        assert_eq!(
            (log.index_of(0), log.index_of(2), log.index_of(3)),
            (None, Some(1), None)
        );
    }

    #[test]
    fn sign_ins_have_distinct_actors() {
        let mut log = SystemLog::new();
        log.sign_in(Utc::now());
        log.sign_in(Utc::now());
        let actors: Vec<_> = log.entries().iter().map(|e| e.event["actor"]["id"].clone()).collect();
        assert_ne!(actors[0], actors[1]);
        assert_eq!(log.entries()[0].event["eventType"], "user.session.start");
    }
}
