//! DPoP (RFC 9449): an ephemeral P-256 key per client and a proof JWT per request.

use super::jwt::{compact, now_secs, signing_input};
use super::key::ec_coordinates;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use serde_json::{Value, json};

/// Why a DPoP key or proof could not be made (the system's random number generator failed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("DPoP: {0}")]
pub struct DpopError(&'static str);

/// An ephemeral DPoP key pair (ES256). The private half never leaves the process.
pub struct DpopKey {
    pair: EcdsaKeyPair,
    jwk: Value,
}

impl std::fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DpopKey").field("jwk", &self.jwk).finish()
    }
}

impl DpopKey {
    /// Generates a fresh key pair.
    pub fn generate() -> Result<Self, DpopError> {
        let rng = SystemRandom::new();
        let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| DpopError("generating a P-256 key failed"))?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, doc.as_ref(), &rng)
            .map_err(|_| DpopError("reading back the generated P-256 key failed"))?;
        let (x, y) = ec_coordinates(&pair);
        let jwk = json!({"kty": "EC", "crv": "P-256", "x": x, "y": y});
        Ok(Self { pair, jwk })
    }

    /// The public key as a JWK (what goes in each proof's header).
    pub fn public_jwk(&self) -> &Value {
        &self.jwk
    }

    /// A proof for one request: `htm`, `htu` (no query or fragment), `iat`, `jti`, and `nonce`
    /// and `ath` (hash of the access token) when given.
    pub fn proof(
        &self,
        method: &str,
        url: &reqwest::Url,
        nonce: Option<&str>,
        access_token: Option<&str>,
    ) -> Result<String, DpopError> {
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
            let hash = ring::digest::digest(&ring::digest::SHA256, t.as_bytes());
            claims["ath"] = Value::String(URL_SAFE_NO_PAD.encode(hash.as_ref()));
        }
        let input = signing_input(&header, &claims);
        let signature = self
            .pair
            .sign(&SystemRandom::new(), input.as_bytes())
            .map_err(|_| DpopError("signing the proof failed"))?;
        Ok(compact(input, signature.as_ref()))
    }
}
