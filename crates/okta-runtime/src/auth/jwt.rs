//! Compact JWS building shared by client assertions and DPoP proofs.

use super::{AssertionSigner, SignerError};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch.
pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `base64url(header).base64url(claims)`.
pub(crate) fn signing_input(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// Appends the signature to a signing input.
pub(crate) fn compact(input: String, signature: &[u8]) -> String {
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// How long a client assertion is valid (Okta accepts at most one hour).
pub(crate) const ASSERTION_LIFETIME_SECS: u64 = 300;

/// A fresh client assertion: `iss` = `sub` = client id, `aud` = token URL, `iat`, `exp`, `jti`.
pub(crate) async fn client_assertion(
    signer: &dyn AssertionSigner,
    client_id: &str,
    token_url: &str,
) -> Result<String, SignerError> {
    let mut header = json!({"alg": format!("{:?}", signer.algorithm()), "typ": "JWT"});
    if let Some(kid) = signer.key_id() {
        header["kid"] = Value::String(kid);
    }
    let iat = now_secs();
    let claims = json!({
        "iss": client_id,
        "sub": client_id,
        "aud": token_url,
        "iat": iat,
        "exp": iat + ASSERTION_LIFETIME_SECS,
        "jti": uuid::Uuid::new_v4().to_string(),
    });
    let input = signing_input(&header, &claims);
    let signature = signer.sign(input.as_bytes()).await?;
    Ok(compact(input, &signature))
}
