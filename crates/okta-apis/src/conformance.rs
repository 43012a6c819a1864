//! Support for `cargo xtask conformance` (feature `conformance`): decode a body into an
//! operation's generated type and encode it again, naming the JSON path of a failure. The
//! generated `CONFORMANCE_CODECS` table says which type each operation uses.

pub use okta_lenient::Repair;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Why a body did not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The JSON path that failed (`.` for the whole body).
    pub path: String,
    /// What serde said.
    pub message: String,
}

/// Decodes a body and encodes it again.
pub type Codec = fn(&[u8]) -> Result<Roundtrip, Failure>;

/// A body decoded and encoded again.
#[derive(Debug, Clone)]
pub struct Roundtrip {
    /// The typed value, encoded again.
    pub encoded: serde_json::Value,
    /// What the lenient decode mended (empty when the body decoded as it was).
    pub repairs: Vec<Repair>,
}

/// The codecs of one operation (`None`: no JSON body of that kind).
#[derive(Debug, Clone, Copy)]
pub struct Codecs {
    /// Its success body (any 2xx).
    pub success: Option<Codec>,
    /// Its error body (any other status).
    pub error: Option<Codec>,
    /// Its JSON request body.
    pub request: Option<Codec>,
}

/// Decodes `body` into `T` as the runtime decodes an answer (leniently) and encodes the result
/// again.
pub fn roundtrip<T: DeserializeOwned + Serialize>(body: &[u8]) -> Result<Roundtrip, Failure> {
    let (value, repairs): (T, _) = match serde_json::from_slice(body) {
        Ok(value) => (value, Vec::new()),
        Err(_) => {
            let json = serde_json::from_slice(body).map_err(|e| Failure {
                path: ".".into(),
                message: e.to_string(),
            })?;
            okta_lenient::repaired(json).map_err(|e| Failure {
                path: e.path,
                message: e.message,
            })?
        }
    };
    // Compared as text parsed again, not as a `serde_json::Value` (whose map keeps the last of
    // two equal keys): a model that writes a key twice fails here.
    let text = serde_json::to_vec(&value).map_err(|e| Failure {
        path: ".".into(),
        message: format!("does not encode again: {e}"),
    })?;
    okta_lenient::unique_keys(&text).map_err(|message| Failure {
        path: ".".into(),
        message: format!("encodes badly: {message}"),
    })?;
    let encoded = serde_json::from_slice(&text).map_err(|e| Failure {
        path: ".".into(),
        message: format!("does not encode again: {e}"),
    })?;
    Ok(Roundtrip { encoded, repairs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_names_the_path() {
        let ok = roundtrip::<okta_models::User>(br#"{"id": "00u1", "status": "ACTIVE"}"#).expect("decodes");
        assert_eq!(ok.encoded["status"], "ACTIVE");
        assert!(ok.repairs.is_empty());
        // A field of another shape is set aside, and named.
        let mended = roundtrip::<okta_models::User>(br#"{"profile": {"login": 5}}"#).expect("decodes leniently");
        assert_eq!(mended.encoded["profile"]["login"], 5);
        assert_eq!(mended.repairs[0].path, "profile.login");
        let bad = roundtrip::<okta_models::User>(br#"[1]"#).unwrap_err();
        assert_eq!(bad.path, ".");
    }
}
