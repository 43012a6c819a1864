//! Private keys for client assertions: PEM (PKCS#1, PKCS#8, SEC1), JWK, or a file holding either.

use super::{AssertionSigner, SignerError};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures::future::BoxFuture;
use jsonwebtoken::{Algorithm, EncodingKey};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};

/// Why a private key could not be used. Never contains key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(String);

impl KeyError {
    fn new(msg: impl Into<String>) -> Self {
        Self(msg.into())
    }
}

/// Signs client assertions with a private key held in memory (RS256 for RSA, ES256 for P-256,
/// ES384 for P-384).
#[derive(Clone)]
pub struct KeySigner {
    key: EncodingKey,
    algorithm: Algorithm,
    kid: Option<String>,
}

impl std::fmt::Debug for KeySigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeySigner")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .field("key", &"***")
            .finish()
    }
}

enum Material {
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::SecretKey),
    P384(p384::SecretKey),
}

impl KeySigner {
    /// Parses a key given as PEM text, JWK JSON, or a path to a file holding either. `kid`
    /// wins over a `kid` inside a JWK.
    pub fn parse(text: &str, kid: Option<String>) -> Result<Self, KeyError> {
        let trimmed = text.trim();
        if trimmed.starts_with('{') {
            return Self::from_jwk(trimmed, kid);
        }
        if trimmed.contains("-----BEGIN") {
            return Self::from_pem(trimmed, kid);
        }
        let contents = std::fs::read_to_string(trimmed)
            .map_err(|_| KeyError::new("it is not PEM text, not a JWK, and not the path of a readable file"))?;
        let contents = contents.trim();
        if contents.starts_with('{') {
            Self::from_jwk(contents, kid)
        } else if contents.contains("-----BEGIN") {
            Self::from_pem(contents, kid)
        } else {
            Err(KeyError::new("the file holds neither a PEM key nor a JWK"))
        }
    }

    /// Parses a PEM private key: `RSA PRIVATE KEY` (PKCS#1), `EC PRIVATE KEY` (SEC1) or
    /// `PRIVATE KEY` (PKCS#8, RSA or EC).
    pub fn from_pem(pem: &str, kid: Option<String>) -> Result<Self, KeyError> {
        let material = if pem.contains("-----BEGIN RSA PRIVATE KEY-----") {
            rsa::RsaPrivateKey::from_pkcs1_pem(pem)
                .map(|k| Material::Rsa(Box::new(k)))
                .map_err(|_| KeyError::new("the PKCS#1 RSA key does not parse"))?
        } else if pem.contains("-----BEGIN EC PRIVATE KEY-----") {
            p256::SecretKey::from_sec1_pem(pem)
                .map(Material::P256)
                .or_else(|_| p384::SecretKey::from_sec1_pem(pem).map(Material::P384))
                .map_err(|_| KeyError::new("the SEC1 EC key does not parse or is not on P-256 or P-384"))?
        } else if pem.contains("-----BEGIN PRIVATE KEY-----") {
            rsa::RsaPrivateKey::from_pkcs8_pem(pem)
                .map(|k| Material::Rsa(Box::new(k)))
                .or_else(|_| p256::SecretKey::from_pkcs8_pem(pem).map(Material::P256))
                .or_else(|_| p384::SecretKey::from_pkcs8_pem(pem).map(Material::P384))
                .map_err(|_| KeyError::new("the PKCS#8 key does not parse as RSA, P-256 or P-384"))?
        } else if pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
            return Err(KeyError::new(
                "encrypted private keys are not supported; decrypt the key first",
            ));
        } else {
            return Err(KeyError::new(
                "the PEM block is not a private key (expected RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY)",
            ));
        };
        Self::from_material(material, kid)
    }

    /// Parses a private JWK (`kty` RSA, or EC on P-256 / P-384).
    pub fn from_jwk(json: &str, kid: Option<String>) -> Result<Self, KeyError> {
        let jwk: serde_json::Value =
            serde_json::from_str(json).map_err(|_| KeyError::new("the JWK is not valid JSON"))?;
        let field = |name: &str| jwk.get(name).and_then(serde_json::Value::as_str);
        let kid = kid.or_else(|| field("kid").map(str::to_string));
        if field("d").is_none() {
            return Err(KeyError::new(
                "the JWK is a public key (it has no `d`); a private key is needed",
            ));
        }
        let material = match (field("kty"), field("crv")) {
            (Some("RSA"), _) => {
                let int = |name: &str| -> Result<rsa::BigUint, KeyError> {
                    let b64 = field(name).ok_or_else(|| KeyError::new(format!("the RSA JWK has no `{name}`")))?;
                    let bytes = URL_SAFE_NO_PAD
                        .decode(b64)
                        .map_err(|_| KeyError::new(format!("the RSA JWK's `{name}` is not base64url")))?;
                    Ok(rsa::BigUint::from_bytes_be(&bytes))
                };
                let primes = match (field("p"), field("q")) {
                    (Some(_), Some(_)) => vec![int("p")?, int("q")?],
                    _ => Vec::new(),
                };
                let key = rsa::RsaPrivateKey::from_components(int("n")?, int("e")?, int("d")?, primes)
                    .map_err(|_| KeyError::new("the RSA JWK's numbers do not form a valid key"))?;
                Material::Rsa(Box::new(key))
            }
            (Some("EC"), Some("P-256")) => p256::SecretKey::from_jwk_str(json)
                .map(Material::P256)
                .map_err(|_| KeyError::new("the P-256 JWK does not parse"))?,
            (Some("EC"), Some("P-384")) => p384::SecretKey::from_jwk_str(json)
                .map(Material::P384)
                .map_err(|_| KeyError::new("the P-384 JWK does not parse"))?,
            (Some(kty), crv) => {
                return Err(KeyError::new(format!(
                    "JWK kty `{kty}`{} is not supported (RSA, EC P-256 and EC P-384 are)",
                    crv.map(|c| format!(" crv `{c}`")).unwrap_or_default()
                )));
            }
            (None, _) => return Err(KeyError::new("the JWK has no `kty`")),
        };
        Self::from_material(material, kid)
    }

    fn from_material(material: Material, kid: Option<String>) -> Result<Self, KeyError> {
        let (der, algorithm) = match material {
            Material::Rsa(k) => (k.to_pkcs1_der().ok().map(|d| d.as_bytes().to_vec()), Algorithm::RS256),
            Material::P256(k) => (k.to_pkcs8_der().ok().map(|d| d.as_bytes().to_vec()), Algorithm::ES256),
            Material::P384(k) => (k.to_pkcs8_der().ok().map(|d| d.as_bytes().to_vec()), Algorithm::ES384),
        };
        let der = der.ok_or_else(|| KeyError::new("the key could not be re-encoded for signing"))?;
        let key = match algorithm {
            Algorithm::RS256 => EncodingKey::from_rsa_der(&der),
            _ => EncodingKey::from_ec_der(&der),
        };
        Ok(Self { key, algorithm, kid })
    }
}

impl AssertionSigner for KeySigner {
    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    fn key_id(&self) -> Option<String> {
        self.kid.clone()
    }

    fn sign<'a>(&'a self, signing_input: &'a [u8]) -> BoxFuture<'a, Result<Vec<u8>, SignerError>> {
        Box::pin(async move {
            let b64 = jsonwebtoken::crypto::sign(signing_input, &self.key, self.algorithm)
                .map_err(|e| SignerError::new(format!("signing failed: {}", kind_name(&e))))?;
            URL_SAFE_NO_PAD
                .decode(b64)
                .map_err(|_| SignerError::new("the signature is not base64url"))
        })
    }
}

/// A jsonwebtoken error's kind, without any detail that could echo key material.
fn kind_name(e: &jsonwebtoken::errors::Error) -> &'static str {
    use jsonwebtoken::errors::ErrorKind as K;
    match e.kind() {
        K::InvalidRsaKey(_) => "invalid RSA key",
        K::InvalidEcdsaKey => "invalid EC key",
        K::InvalidAlgorithm => "invalid algorithm",
        _ => "key error",
    }
}
