//! Receiving Okta's Event Hooks: the same [`LogEvent`]s as the System Log, pushed to your
//! server.
//!
//! Okta calls an Event Hook's URL in two ways, and [`EventHookReceiver`] answers both,
//! whatever HTTP framework serves it (an axum adapter is in the `axum` module with the
//! `event-hooks-axum` feature):
//!
//! - once, when the hook is registered or verified: a `GET` with the header
//!   `X-Okta-Verification-Challenge`, which must be echoed as `{"verification": "..."}`
//!   ([`EventHookReceiver::verify`]);
//! - for each batch of events: a `POST` whose body holds them
//!   ([`EventHookReceiver::receive`]). Okta waits at most 3 seconds for the answer and
//!   tries once more on a timeout or a failure, so a batch can arrive twice:
//!   [`EventHookReceiver::take_new`] drops the events already taken, by their `uuid`, with
//!   bounded memory.
//!
//! Both requests carry the header the hook was registered with (`Authorization: <secret>`
//! by default); the receiver compares it in constant time and refuses a request without it.
//!
//! ```
//! use okta_sdk::event_hooks::{EventHookReceiver, HookAuth};
//! use okta_sdk::header::{HeaderMap, HeaderValue};
//!
//! let receiver = EventHookReceiver::new(HookAuth::authorization("a-long-random-secret"));
//! let mut headers = HeaderMap::new();
//! headers.insert("authorization", HeaderValue::from_static("a-long-random-secret"));
//! headers.insert("x-okta-verification-challenge", HeaderValue::from_static("Xj3c9Qw"));
//! let answer = receiver.verify(&headers).unwrap();
//! assert_eq!(answer.to_json(), r#"{"verification":"Xj3c9Qw"}"#);
//!
//! let body = br#"{"eventType":"com.okta.event_hook","eventId":"e1",
//!   "data":{"events":[{"uuid":"u1","eventType":"user.session.start"}]}}"#;
//! let delivery = receiver.receive(&headers, body).unwrap();
//! let events = receiver.take_new(delivery.events);
//! assert_eq!(events.len(), 1);
//! // The same batch again (Okta's retry): nothing new.
//! let again = receiver.receive(&headers, body).unwrap();
//! assert!(receiver.take_new(again.events).is_empty());
//! ```

#[cfg(feature = "event-hooks-axum")]
pub mod axum;

use okta_models::LogEvent;
use okta_runtime::Secret;
use okta_runtime::header::{AUTHORIZATION, HeaderMap, HeaderName};
use okta_runtime::tail::SeenEvents;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use subtle::ConstantTimeEq;

/// The header of Okta's verification request.
pub const CHALLENGE_HEADER: &str = "x-okta-verification-challenge";

/// The longest challenge echoed (Okta's are a few dozen characters).
pub const MAX_CHALLENGE_LEN: usize = 1024;

/// The largest delivery body accepted.
pub const MAX_DELIVERY_BYTES: usize = 4 * 1024 * 1024;

/// How many event ids a receiver remembers to drop repeats, unless told otherwise.
pub const DEFAULT_REMEMBER: usize = 10_000;

/// The header an Event Hook was registered with, and its secret value.
#[derive(Debug, Clone)]
pub struct HookAuth {
    name: HeaderName,
    value: Secret,
}

impl HookAuth {
    /// `Authorization: <secret>` (what Okta's Admin Console calls the authentication field).
    pub fn authorization(secret: impl Into<String>) -> Self {
        Self::header(AUTHORIZATION, secret)
    }

    /// Another header name with its secret value.
    pub fn header(name: HeaderName, secret: impl Into<String>) -> Self {
        Self {
            name,
            value: Secret::new(secret),
        }
    }

    /// Whether `headers` carry exactly one value of the header, equal to the secret (compared
    /// in constant time; only a length difference is seen sooner).
    fn check(&self, headers: &HeaderMap) -> Result<(), HookError> {
        let mut values = headers.get_all(&self.name).iter();
        let (Some(given), None) = (values.next(), values.next()) else {
            return Err(HookError::Unauthorized);
        };
        let expected = self.value.expose().as_bytes();
        if bool::from(given.as_bytes().ct_eq(expected)) && !expected.is_empty() {
            Ok(())
        } else {
            Err(HookError::Unauthorized)
        }
    }
}

/// Why a request to the hook was refused. Its text names what was wrong, never the secret or
/// the body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HookError {
    /// The authentication header is missing, repeated or wrong.
    #[error("the request does not carry the Event Hook's authentication header and secret")]
    Unauthorized,
    /// A verification request without its challenge header.
    #[error("the verification request has no `X-Okta-Verification-Challenge` header")]
    MissingChallenge,
    /// A challenge that is empty, too long or not printable ASCII.
    #[error("the verification challenge is not 1 to {MAX_CHALLENGE_LEN} printable ASCII characters")]
    BadChallenge,
    /// A delivery body over [`MAX_DELIVERY_BYTES`].
    #[error("the delivery body is {size} bytes, over the {MAX_DELIVERY_BYTES}-byte limit")]
    TooLarge {
        /// The body's size.
        size: usize,
    },
    /// A delivery body that is not an Event Hook payload.
    #[error("the delivery body is not an Event Hook payload: {message} (at {path})")]
    Decode {
        /// Where in the body (a JSON path).
        path: String,
        /// What was wrong there.
        message: String,
    },
}

impl HookError {
    /// The HTTP status to answer with: 401, 400 or 413.
    pub fn status(&self) -> okta_runtime::StatusCode {
        use okta_runtime::StatusCode;
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::MissingChallenge | Self::BadChallenge | Self::Decode { .. } => StatusCode::BAD_REQUEST,
        }
    }
}

/// The answer to a verification request: serialize it as the response's JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// The challenge, echoed.
    pub verification: String,
}

impl Verification {
    /// The JSON body to answer with.
    pub fn to_json(&self) -> String {
        serde_json::json!({ "verification": self.verification }).to_string()
    }
}

/// One delivery of an Event Hook: Okta's envelope and its events
/// ([`EventHookReceiver::receive`] decodes it).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Delivery {
    /// `com.okta.event_hook`.
    pub event_type: Option<String>,
    /// The envelope's version.
    pub event_type_version: Option<String>,
    /// The CloudEvents version of the envelope.
    pub cloud_events_version: Option<String>,
    /// The hook that sent it (`<org>/api/v1/eventHooks/<id>`).
    pub source: Option<String>,
    /// The delivery's id (the same on Okta's retry of it).
    pub event_id: Option<String>,
    /// When it was sent.
    pub event_time: Option<String>,
    /// The events, as the System Log has them.
    pub events: Vec<LogEvent>,
}

/// The envelope's own fields, as sent.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Envelope {
    event_type: Option<String>,
    event_type_version: Option<String>,
    cloud_events_version: Option<String>,
    source: Option<String>,
    event_id: Option<String>,
    event_time: Option<String>,
}

/// Answers an Event Hook's requests (see the [module docs](self)).
#[derive(Debug)]
pub struct EventHookReceiver {
    auth: HookAuth,
    seen: Mutex<SeenEvents>,
}

impl EventHookReceiver {
    /// A receiver that requires `auth` on every request and remembers
    /// [`DEFAULT_REMEMBER`] event ids.
    pub fn new(auth: HookAuth) -> Self {
        Self {
            auth,
            seen: Mutex::new(SeenEvents::new(DEFAULT_REMEMBER)),
        }
    }

    /// Remembers `ids` event ids (at least one) to drop repeats.
    pub fn remember(self, ids: usize) -> Self {
        Self {
            seen: Mutex::new(SeenEvents::new(ids)),
            ..self
        }
    }

    /// Checks the request's authentication header only (before reading a body: a request
    /// without the secret is refused before it is buffered).
    pub fn authorize(&self, headers: &HeaderMap) -> Result<(), HookError> {
        self.auth.check(headers)
    }

    /// Whether `event` was taken before (by `uuid`; an event without one never was).
    pub fn is_taken(&self, event: &LogEvent) -> bool {
        let seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        event.uuid.as_deref().is_some_and(|id| seen.contains(id))
    }

    /// Answers Okta's verification request (`GET`): the challenge to echo as JSON.
    pub fn verify(&self, headers: &HeaderMap) -> Result<Verification, HookError> {
        self.auth.check(headers)?;
        let challenge = headers.get(CHALLENGE_HEADER).ok_or(HookError::MissingChallenge)?;
        let bytes = challenge.as_bytes();
        if bytes.is_empty() || bytes.len() > MAX_CHALLENGE_LEN || !bytes.iter().all(|b| b.is_ascii_graphic()) {
            return Err(HookError::BadChallenge);
        }
        let verification = challenge.to_str().map_err(|_| HookError::BadChallenge)?.to_owned();
        Ok(Verification { verification })
    }

    /// Checks and decodes a delivery (`POST`). Its events are all there, repeats included:
    /// hand the ones to process to [`Self::take_new`] once they can be taken.
    pub fn receive(&self, headers: &HeaderMap, body: &[u8]) -> Result<Delivery, HookError> {
        self.auth.check(headers)?;
        if body.len() > MAX_DELIVERY_BYTES {
            return Err(HookError::TooLarge { size: body.len() });
        }
        let decode = |f: okta_lenient::Failure| HookError::Decode {
            path: f.path,
            message: f.message,
        };
        let mut value: serde_json::Value = serde_json::from_slice(body).map_err(|e| HookError::Decode {
            path: ".".into(),
            message: e.to_string(),
        })?;
        // The events must be a list (a delivery that lost them is refused, so Okta shows the
        // failure); each event is decoded leniently, as the System Log's are.
        let events = match value.pointer_mut("/data/events").map(serde_json::Value::take) {
            Some(serde_json::Value::Array(events)) => events,
            _ => {
                return Err(HookError::Decode {
                    path: "data.events".into(),
                    message: "not a list of events".into(),
                });
            }
        };
        let envelope: Envelope = okta_lenient::from_value(value).map_err(decode)?;
        Ok(Delivery {
            event_type: envelope.event_type,
            event_type_version: envelope.event_type_version,
            cloud_events_version: envelope.cloud_events_version,
            source: envelope.source,
            event_id: envelope.event_id,
            event_time: envelope.event_time,
            events: events
                .into_iter()
                .map(okta_lenient::from_value)
                .collect::<Result<_, _>>()
                .map_err(decode)?,
        })
    }

    /// The events not taken before (by `uuid`; an event without one is always new), now
    /// remembered as taken.
    pub fn take_new(&self, events: Vec<LogEvent>) -> Vec<LogEvent> {
        // A poisoned lock only means another request panicked while holding it; the ids
        // remembered are still valid.
        let mut seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        events
            .into_iter()
            .filter(|e| e.uuid.as_deref().is_none_or(|id| seen.insert(id)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use okta_runtime::header::HeaderValue;

    fn receiver() -> EventHookReceiver {
        EventHookReceiver::new(HookAuth::authorization("s3cret-value"))
    }

    fn headers(auth: &[&str], challenge: Option<&[u8]>) -> HeaderMap {
        let mut h = HeaderMap::new();
        for a in auth {
            h.append(AUTHORIZATION, HeaderValue::from_str(a).unwrap());
        }
        if let Some(c) = challenge {
            h.insert(CHALLENGE_HEADER, HeaderValue::from_bytes(c).unwrap());
        }
        h
    }

    #[test]
    fn a_wrong_missing_or_repeated_secret_is_refused_without_naming_it() {
        let r = receiver();
        for auth in [
            &[][..],
            &["s3cret-valu"],
            &["s3cret-value2"],
            &["S3CRET-VALUE"],
            &["s3cret-value", "s3cret-value"],
        ] {
            let e = r.verify(&headers(auth, Some(b"abc"))).unwrap_err();
            assert_eq!(e, HookError::Unauthorized, "{auth:?}");
            assert_eq!(e.status(), 401);
            assert!(!e.to_string().contains("s3cret"));
            assert!(!format!("{r:?}").contains("s3cret"), "Debug hides the secret");
            assert_eq!(
                r.receive(&headers(auth, None), b"{}").unwrap_err(),
                HookError::Unauthorized
            );
        }
        let empty = EventHookReceiver::new(HookAuth::authorization(""));
        assert_eq!(
            empty.verify(&headers(&[""], Some(b"a"))).unwrap_err(),
            HookError::Unauthorized
        );
    }

    #[test]
    fn the_challenge_is_echoed_only_when_it_is_sane() {
        let r = receiver();
        let ok = r.verify(&headers(&["s3cret-value"], Some(b"a\"b\\c"))).unwrap();
        assert_eq!(ok.to_json(), r#"{"verification":"a\"b\\c"}"#, "escaped as JSON");
        assert_eq!(
            r.verify(&headers(&["s3cret-value"], None)).unwrap_err(),
            HookError::MissingChallenge
        );
        let long = vec![b'a'; MAX_CHALLENGE_LEN + 1];
        for bad in [&b""[..], &long, b"a b", b"\xff\xfe"] {
            assert_eq!(
                r.verify(&headers(&["s3cret-value"], Some(bad))).unwrap_err(),
                HookError::BadChallenge
            );
        }
    }

    #[test]
    fn a_delivery_decodes_leniently_and_bad_bodies_are_named() {
        let r = receiver();
        let h = headers(&["s3cret-value"], None);
        let body = br#"{"eventType":"com.okta.event_hook","eventTypeVersion":"1.0","eventId":"e-1",
            "data":{"events":[{"uuid":"u1","published":"2026-12-04T10:00:00.000Z","severity":"INFO"},
                              {"uuid":"u2","severity":7}]}}"#;
        let d = r.receive(&h, body).unwrap();
        assert_eq!(d.event_id.as_deref(), Some("e-1"));
        assert_eq!(d.events.len(), 2, "a field of an odd shape is set aside, not fatal");
        assert_eq!(d.events[1].uuid.as_deref(), Some("u2"));
        let e = r.receive(&h, b"<html>").unwrap_err();
        assert!(matches!(e, HookError::Decode { .. }) && e.status() == 400, "{e}");
        for lost in [&br#"{"data":{"events":{"uuid":"x"}}}"#[..], br#"{"data":{}}"#, b"[]"] {
            let e = r.receive(&h, lost).unwrap_err();
            assert!(e.to_string().contains("at data.events"), "{e}");
        }
        let big = vec![b' '; MAX_DELIVERY_BYTES + 1];
        assert_eq!(r.receive(&h, &big).unwrap_err().status(), 413);
    }

    #[test]
    fn repeats_are_dropped_with_bounded_memory() {
        let r = receiver().remember(2);
        let event = |id: &str| {
            let mut e = LogEvent::default();
            e.uuid = Some(id.into());
            e
        };
        let taken = r.take_new(vec![event("a"), event("b"), event("a"), LogEvent::default()]);
        assert_eq!(taken.len(), 3, "a, b and the event without an id");
        assert!(r.take_new(vec![event("b")]).is_empty());
        assert_eq!(r.take_new(vec![event("c"), event("a")]).len(), 2, "`a` was forgotten");
    }
}
