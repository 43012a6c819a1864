//! DPoP (RFC 9449): an ephemeral P-256 key per client and a proof JWT per request.

use super::jwt::{compact, now_secs, signing_input};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// An ephemeral DPoP key pair (ES256). The private half never leaves the process.
pub struct DpopKey {
    signing: SigningKey,
    jwk: Value,
}

impl std::fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DpopKey").field("jwk", &self.jwk).finish()
    }
}

impl DpopKey {
    /// Generates a fresh key pair.
    pub fn generate() -> Self {
        let signing = SigningKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
        let point = signing.verifying_key().to_encoded_point(false);
        let coord = |c: Option<&p256::FieldBytes>| c.map(|b| URL_SAFE_NO_PAD.encode(b)).unwrap_or_default();
        let jwk = json!({"kty": "EC", "crv": "P-256", "x": coord(point.x()), "y": coord(point.y())});
        Self { signing, jwk }
    }

    /// The public key as a JWK (what goes in each proof's header).
    pub fn public_jwk(&self) -> &Value {
        &self.jwk
    }

    /// A proof for one request: `htm`, `htu` (no query or fragment), `iat`, `jti`, and `nonce`
    /// and `ath` (hash of the access token) when given.
    pub fn proof(&self, method: &str, url: &reqwest::Url, nonce: Option<&str>, access_token: Option<&str>) -> String {
        let mut htu = url.clone();
        htu.set_query(None);
        htu.set_fragment(None);
        let header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": self.jwk});
        let mut claims = json!({
            "htm": method,
            "htu": htu.as_str(),
            "iat": now_secs(),
            "jti": uuid::Uuid::new_v4().to_string(),
        });
        if let Some(n) = nonce {
            claims["nonce"] = Value::String(n.to_string());
        }
        if let Some(t) = access_token {
            claims["ath"] = Value::String(URL_SAFE_NO_PAD.encode(Sha256::digest(t.as_bytes())));
        }
        let input = signing_input(&header, &claims);
        let signature: Signature = self.signing.sign(input.as_bytes());
        compact(input, &signature.to_bytes())
    }
}
