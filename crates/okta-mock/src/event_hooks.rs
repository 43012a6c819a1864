//! Event Hook delivery as Okta does it: a one-time verification `GET` carrying
//! `X-Okta-Verification-Challenge`, which the hook must echo as `{"verification": "..."}`;
//! then each delivery a `POST` of a CloudEvents-style envelope with the hook's static
//! authorization header, waiting at most three seconds for an answer and retrying once on a
//! timeout, a transport failure or an answer other than 2xx (so a hook may see events twice).

use crate::syslog::{timestamp, uuid};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use std::sync::OnceLock;
use std::time::Duration;

/// How long Okta waits for a hook to answer.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(3);

/// The most of a verification answer that is read.
pub const MAX_VERIFICATION_BODY: usize = 64 * 1024;

/// The header of the verification challenge.
pub const CHALLENGE_HEADER: &str = "x-okta-verification-challenge";

/// Where and how the org delivers an Event Hook.
///
/// ```
/// use okta_mock::EventHookTarget;
/// let hook = EventHookTarget::new("http://127.0.0.1:9000/okta/events")
///     .auth_header("Authorization", "hook-secret")
///     .duplicate(true);
/// assert!(hook.id.starts_with("who"));
/// assert_eq!(hook.timeout, okta_mock::DELIVERY_TIMEOUT);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventHookTarget {
    /// The hook's id (`who…`), part of the envelope's `source`.
    pub id: String,
    /// The URL deliveries are posted to (and the verification sent to).
    pub url: String,
    /// The static header the admin configured, e.g. `("Authorization", "secret")`.
    pub auth_header: Option<(String, String)>,
    /// Deliver every payload twice (same `eventId`), as at-least-once delivery may.
    pub duplicate: bool,
    /// How long to wait for an answer ([`DELIVERY_TIMEOUT`] unless changed).
    pub timeout: Duration,
}

impl EventHookTarget {
    /// A hook at `url` with no authorization header, a fresh id and Okta's three-second timeout.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            id: format!("who{}", crate::ids::random_chars(17)),
            url: url.into(),
            auth_header: None,
            duplicate: false,
            timeout: DELIVERY_TIMEOUT,
        }
    }

    /// The static authorization header sent with every request to the hook.
    pub fn auth_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.auth_header = Some((name.into(), value.into()));
        self
    }

    /// Whether to deliver each payload twice.
    pub fn duplicate(mut self, duplicate: bool) -> Self {
        self.duplicate = duplicate;
        self
    }

    /// How long to wait for the hook to answer (shorter than Okta's for fast tests).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// What a delivery did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryReport {
    /// The envelope's `eventId`.
    pub event_id: String,
    /// How many events the envelope carried.
    pub events: usize,
    /// Requests sent: one per delivery, two when the first was retried.
    pub attempts: u32,
    /// How many times the hook accepted the payload (two with [`EventHookTarget::duplicate`]).
    pub deliveries: u32,
    /// The status of the last answer.
    pub status: u16,
}

/// Why one request to a hook failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HookFailure {
    /// The hook answered with a status that does not count as success.
    #[error("the hook answered HTTP {0}")]
    Status(u16),
    /// No answer in time.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The connection failed or broke.
    #[error("the request failed: {0}")]
    Transport(String),
    /// The verification answer was longer than [`MAX_VERIFICATION_BODY`].
    #[error("the answer is longer than {0} bytes")]
    TooLarge(usize),
    /// The verification answer was not `{"verification": "<string>"}`.
    #[error("the answer is not a JSON object with a `verification` string: {0}")]
    NotAnEcho(String),
    /// The verification answer echoed something else.
    #[error("the answer echoed {got:?} instead of the challenge {sent:?}")]
    WrongEcho {
        /// The challenge sent.
        sent: String,
        /// What came back.
        got: String,
    },
}

/// Why a verification or a delivery failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeliveryError {
    /// The hook URL cannot be used.
    #[error("the event hook URL {url:?} is not usable: {reason}")]
    InvalidUrl {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The configured authorization header is not a valid header.
    #[error("the event hook header {name:?} is not a valid header: {reason}")]
    InvalidHeader {
        /// The header's name.
        name: String,
        /// Why.
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the event hook HTTP client: {0}")]
    Client(String),
    /// The one-time verification failed.
    #[error("verification of the event hook at {url} failed: {failure}")]
    Verification {
        /// The hook URL.
        url: String,
        /// What went wrong.
        failure: HookFailure,
    },
    /// The delivery failed, retry included.
    #[error("delivery to the event hook at {url} failed after {attempts} attempt(s): {failure}")]
    Delivery {
        /// The hook URL.
        url: String,
        /// Requests sent.
        attempts: u32,
        /// What went wrong with the last.
        failure: HookFailure,
    },
    /// An event to deliver is not in the org's System Log.
    #[error("the org's System Log has no event with uuid {0:?}")]
    UnknownEvent(String),
}

/// The envelope Okta posts: the events under `data.events`.
pub(crate) fn envelope(org_url: &str, hook_id: &str, events: Vec<Value>) -> Value {
    json!({
        "eventType": "com.okta.event_hook",
        "eventTypeVersion": "1.0",
        "cloudEventsVersion": "0.1",
        "source": format!("{org_url}/api/v1/eventHooks/{hook_id}"),
        "eventId": uuid(),
        "data": {"events": events},
        "eventTime": timestamp(chrono::Utc::now()),
        "contentType": "application/json",
    })
}

/// A reqwest error with its causes, on one line.
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn failure(error: &reqwest::Error, timeout: Duration) -> HookFailure {
    if error.is_timeout() {
        HookFailure::Timeout(timeout)
    } else {
        HookFailure::Transport(describe(error))
    }
}

/// The org's HTTP client for hooks, built on first use.
#[derive(Debug, Default)]
pub(crate) struct HookClient {
    client: OnceLock<reqwest::Client>,
}

impl HookClient {
    fn client(&self) -> Result<reqwest::Client, DeliveryError> {
        if let Some(client) = self.client.get() {
            return Ok(client.clone());
        }
        // reqwest has no crypto provider of its own here; use ring's unless one is installed.
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            // Deprecated in rustls 0.23.48 (no post-quantum key exchange); see okta-runtime's
            // `ensure_tls_provider` for why ring stays.
            #[allow(deprecated)]
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("okta-mock-event-hooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| DeliveryError::Client(describe(&e)))?;
        Ok(self.client.get_or_init(|| client).clone())
    }

    /// The URL and the configured header, checked.
    fn prepare(target: &EventHookTarget) -> Result<(reqwest::Url, HeaderMap), DeliveryError> {
        let url = reqwest::Url::parse(&target.url).map_err(|e| DeliveryError::InvalidUrl {
            url: target.url.clone(),
            reason: e.to_string(),
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(DeliveryError::InvalidUrl {
                url: target.url.clone(),
                reason: format!("the scheme is {:?}, not http or https", url.scheme()),
            });
        }
        let mut headers = HeaderMap::new();
        if let Some((name, value)) = &target.auth_header {
            let invalid = |reason: String| DeliveryError::InvalidHeader {
                name: name.clone(),
                reason,
            };
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|e| invalid(e.to_string()))?;
            let value = HeaderValue::from_str(value).map_err(|e| invalid(e.to_string()))?;
            headers.insert(header, value);
        }
        Ok((url, headers))
    }

    /// Sends the verification challenge and checks that the hook echoes it exactly.
    pub(crate) async fn verify(&self, target: &EventHookTarget) -> Result<(), DeliveryError> {
        let (url, mut headers) = Self::prepare(target)?;
        let client = self.client()?;
        let challenge = crate::ids::random_chars(43);
        let fail = |failure| DeliveryError::Verification {
            url: target.url.clone(),
            failure,
        };
        let value = HeaderValue::from_str(&challenge).map_err(|e| fail(HookFailure::Transport(e.to_string())))?;
        headers.insert(HeaderName::from_static(CHALLENGE_HEADER), value);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let mut response = client
            .get(url)
            .headers(headers)
            .timeout(target.timeout)
            .send()
            .await
            .map_err(|e| fail(failure(&e, target.timeout)))?;
        if response.status().as_u16() != 200 {
            return Err(fail(HookFailure::Status(response.status().as_u16())));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| fail(failure(&e, target.timeout)))? {
            if body.len().saturating_add(chunk.len()) > MAX_VERIFICATION_BODY {
                return Err(fail(HookFailure::TooLarge(MAX_VERIFICATION_BODY)));
            }
            body.extend_from_slice(&chunk);
        }
        let echo = serde_json::from_slice::<Value>(&body)
            .map_err(|e| fail(HookFailure::NotAnEcho(e.to_string())))?
            .get("verification")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| fail(HookFailure::NotAnEcho("no `verification` string".into())))?;
        if echo != challenge {
            return Err(fail(HookFailure::WrongEcho {
                sent: challenge,
                got: echo,
            }));
        }
        Ok(())
    }

    /// Posts one payload, retrying once: the attempts made and the last status.
    async fn post(
        client: &reqwest::Client,
        target: &EventHookTarget,
        url: &reqwest::Url,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(u32, u16), DeliveryError> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let sent = client
                .post(url.clone())
                .headers(headers.clone())
                .body(body.to_vec())
                .timeout(target.timeout)
                .send()
                .await;
            let outcome = match sent {
                Ok(response) if response.status().is_success() => return Ok((attempts, response.status().as_u16())),
                Ok(response) => HookFailure::Status(response.status().as_u16()),
                Err(e) => failure(&e, target.timeout),
            };
            if attempts >= 2 {
                return Err(DeliveryError::Delivery {
                    url: target.url.clone(),
                    attempts,
                    failure: outcome,
                });
            }
            tracing::debug!(url = %target.url, failure = %outcome, "retrying an event hook delivery");
        }
    }

    /// Delivers `events` in one envelope (twice with [`EventHookTarget::duplicate`]).
    pub(crate) async fn deliver(
        &self,
        org_url: &str,
        target: &EventHookTarget,
        events: Vec<Value>,
    ) -> Result<DeliveryReport, DeliveryError> {
        let (url, mut headers) = Self::prepare(target)?;
        let client = self.client()?;
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let count = events.len();
        let payload = envelope(org_url, &target.id, events);
        let event_id = payload["eventId"].as_str().unwrap_or_default().to_string();
        let body = payload.to_string().into_bytes();
        let mut report = DeliveryReport {
            event_id,
            events: count,
            attempts: 0,
            deliveries: 0,
            status: 0,
        };
        let times = if target.duplicate { 2 } else { 1 };
        for _ in 0..times {
            let (attempts, status) = Self::post(&client, target, &url, &headers, &body)
                .await
                .map_err(|e| match e {
                    DeliveryError::Delivery {
                        url,
                        attempts: tried,
                        failure,
                    } => DeliveryError::Delivery {
                        url,
                        attempts: report.attempts.saturating_add(tried),
                        failure,
                    },
                    other => other,
                })?;
            report.attempts = report.attempts.saturating_add(attempts);
            report.deliveries += 1;
            report.status = status;
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_is_okta_s() {
        let env = envelope("http://127.0.0.1:1", "who1", vec![json!({"uuid": "u1"})]);
        assert_eq!(env["eventType"], "com.okta.event_hook");
        assert_eq!(env["eventTypeVersion"], "1.0");
        assert_eq!(env["cloudEventsVersion"], "0.1");
        assert_eq!(env["contentType"], "application/json");
        assert_eq!(env["source"], "http://127.0.0.1:1/api/v1/eventHooks/who1");
        assert_eq!(env["data"]["events"][0]["uuid"], "u1");
        assert_eq!(env["eventId"].as_str().map(str::len), Some(36));
    }

    #[test]
    fn bad_targets_are_refused_before_sending() {
        let bad_url = HookClient::prepare(&EventHookTarget::new("not a url")).unwrap_err();
        assert!(matches!(bad_url, DeliveryError::InvalidUrl { .. }), "{bad_url}");
        let ftp = HookClient::prepare(&EventHookTarget::new("ftp://127.0.0.1/x")).unwrap_err();
        assert!(ftp.to_string().contains("not http or https"), "{ftp}");
        let header = EventHookTarget::new("http://127.0.0.1/x").auth_header("bad header", "v");
        let bad_header = HookClient::prepare(&header).unwrap_err();
        assert!(
            matches!(bad_header, DeliveryError::InvalidHeader { .. }),
            "{bad_header}"
        );
        let value = EventHookTarget::new("http://127.0.0.1/x").auth_header("Authorization", "a\nb");
        assert!(HookClient::prepare(&value).is_err());
    }
}
