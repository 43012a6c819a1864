//! Fault injection: the next matching requests get a 429, a 5xx, or a delay.

use serde::Deserialize;
use std::sync::Mutex;
use std::time::Duration;

/// What an injected fault does to a request.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// Answer with this status and an Okta error body. 429 comes with
    /// `X-Rate-Limit-Remaining: 0` and a reset one second away.
    Status(u16),
    /// Wait this long, then answer normally.
    Delay(Duration),
}

/// A fault for the next `times` requests whose path starts with `path` (all `/api` and
/// `/oauth2` paths when unset) and whose method is `method` (any when unset).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "FaultSpec")]
pub struct Fault {
    pub(crate) kind: FaultKind,
    pub(crate) times: usize,
    pub(crate) path: Option<String>,
    pub(crate) method: Option<String>,
}

impl Fault {
    /// Answer with `status` (e.g. 429, 500, 503) once.
    pub fn status(status: u16) -> Self {
        Self::new(FaultKind::Status(status))
    }

    /// Answer 429 with Okta's rate-limit body and headers once.
    pub fn rate_limited() -> Self {
        Self::status(429)
    }

    /// Delay the answer once.
    pub fn delay(delay: Duration) -> Self {
        Self::new(FaultKind::Delay(delay))
    }

    fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            times: 1,
            path: None,
            method: None,
        }
    }

    /// For this many matching requests.
    pub fn times(mut self, times: usize) -> Self {
        self.times = times;
        self
    }

    /// Only for paths starting with this prefix (e.g. `/api/v1/users`).
    pub fn on_path(mut self, prefix: impl Into<String>) -> Self {
        self.path = Some(prefix.into());
        self
    }

    /// Only for this method (e.g. `GET`).
    pub fn on_method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into().to_ascii_uppercase());
        self
    }
}

/// The JSON form of a fault for `POST /__mock/faults`:
/// `{"status": 503, "times": 2, "path": "/api/v1/users", "method": "GET"}` or `{"delayMs": 1500}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FaultSpec {
    status: Option<u16>,
    delay_ms: Option<u64>,
    times: Option<usize>,
    path: Option<String>,
    method: Option<String>,
}

impl TryFrom<FaultSpec> for Fault {
    type Error = String;

    fn try_from(spec: FaultSpec) -> Result<Self, String> {
        let mut fault = match (spec.status, spec.delay_ms) {
            (Some(s), None) if (400..=599).contains(&s) => Fault::status(s),
            (None, Some(ms)) => Fault::delay(Duration::from_millis(ms)),
            _ => return Err("give either `status` (400-599) or `delayMs`".into()),
        };
        fault.times = spec.times.unwrap_or(1);
        fault.path = spec.path;
        fault.method = spec.method.map(|m| m.to_ascii_uppercase());
        Ok(fault)
    }
}

/// The faults waiting to fire.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    pending: Mutex<Vec<Fault>>,
}

impl Faults {
    pub(crate) fn push(&self, fault: Fault) {
        if fault.times > 0
            && let Ok(mut pending) = self.pending.lock()
        {
            pending.push(fault);
        }
    }

    /// The fault this request meets, if any (using up one of its times).
    pub(crate) fn take(&self, method: &str, path: &str) -> Option<FaultKind> {
        let mut pending = self.pending.lock().ok()?;
        let at = pending.iter().position(|f| {
            f.path.as_deref().is_none_or(|p| path.starts_with(p)) && f.method.as_deref().is_none_or(|m| m == method)
        })?;
        let kind = pending[at].kind.clone();
        pending[at].times -= 1;
        if pending[at].times == 0 {
            pending.remove(at);
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_fire_for_matching_requests_and_run_out() {
        let faults = Faults::default();
        faults.push(Fault::status(503).times(2).on_path("/api/v1/users").on_method("get"));
        assert_eq!(faults.take("POST", "/api/v1/users"), None);
        assert_eq!(faults.take("GET", "/api/v1/groups"), None);
        assert_eq!(faults.take("GET", "/api/v1/users/00u1"), Some(FaultKind::Status(503)));
        assert_eq!(faults.take("GET", "/api/v1/users"), Some(FaultKind::Status(503)));
        assert_eq!(faults.take("GET", "/api/v1/users"), None);
    }

    #[test]
    fn faults_from_json() {
        let f: Fault = serde_json::from_str(r#"{"delayMs": 250, "times": 3}"#).expect("valid");
        assert_eq!((f.kind, f.times), (FaultKind::Delay(Duration::from_millis(250)), 3));
        let err = serde_json::from_str::<Fault>(r#"{"status": 200}"#).unwrap_err();
        assert!(err.to_string().contains("either `status`"), "{err}");
    }
}
