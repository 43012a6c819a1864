//! Support for `cargo xtask conformance` (feature `conformance`): decode a body into an
//! operation's generated type and encode it again, naming the JSON path of a failure. The
//! generated `CONFORMANCE_CODECS` table says which type each operation uses.

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
pub type Codec = fn(&[u8]) -> Result<serde_json::Value, Failure>;

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

/// Decodes `body` into `T` and encodes the result again.
pub fn roundtrip<T: DeserializeOwned + Serialize>(body: &[u8]) -> Result<serde_json::Value, Failure> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| Failure {
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })?;
    serde_json::to_value(&value).map_err(|e| Failure {
        path: ".".into(),
        message: format!("does not encode again: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_names_the_path() {
        let ok = roundtrip::<okta_models::User>(br#"{"id": "00u1", "status": "ACTIVE"}"#).expect("decodes");
        assert_eq!(ok["status"], "ACTIVE");
        let bad = roundtrip::<okta_models::User>(br#"{"profile": {"login": 5}}"#).unwrap_err();
        assert_eq!(bad.path, "profile.login");
    }
}
