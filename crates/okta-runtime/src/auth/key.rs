//! Private keys for client assertions: PEM (PKCS#1, PKCS#8, SEC1), JWK, or a file holding either.
//!
//! PEM is read with `rustls-pki-types` and keys are held and used by *ring*, the crypto library
//! the TLS stack already builds, so private-key auth adds no crypto crates of its own.

use super::{AssertionSigner, SignerError};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures::future::BoxFuture;
use jsonwebtoken::Algorithm;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, EcdsaSigningAlgorithm, KeyPair as _, RsaKeyPair};
use rustls::pki_types::PrivateKeyDer;
use rustls::pki_types::pem::{self, PemObject};
use std::borrow::Cow;
use std::sync::Arc;

/// Why a private key could not be used. Never contains key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(String);

impl KeyError {
    fn new(msg: impl Into<String>) -> Self {
        Self(msg.into())
    }

    /// *ring* refused the key; its reason (`TooSmall`, `InvalidEncoding`, ...) names a rule,
    /// never a value.
    fn rejected(what: &str, why: ring::error::KeyRejected) -> Self {
        Self(format!("{what} was refused: {}", reason(&why)))
    }
}

/// Signs client assertions with a private key held in memory (RS256 for RSA, ES256 for P-256,
/// ES384 for P-384).
#[derive(Clone)]
pub struct KeySigner {
    key: Arc<Pair>,
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

/// A parsed key pair.
enum Pair {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

/// An EC curve Okta accepts for `private_key_jwt`.
struct Curve {
    /// The JWK `crv`.
    name: &'static str,
    /// The JWS algorithm.
    algorithm: Algorithm,
    signing: &'static EcdsaSigningAlgorithm,
    /// DER of the curve's OID, for a PKCS#8 envelope.
    oid: &'static [u8],
}

const CURVES: [Curve; 2] = [
    Curve {
        name: "P-256",
        algorithm: Algorithm::ES256,
        signing: &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        // prime256v1 (1.2.840.10045.3.1.7)
        oid: &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
    },
    Curve {
        name: "P-384",
        algorithm: Algorithm::ES384,
        signing: &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
        // secp384r1 (1.3.132.0.34)
        oid: &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22],
    },
];

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
        if pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
            return Err(KeyError::new(
                "encrypted private keys are not supported; decrypt the key first",
            ));
        }
        let der = PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|e| match e {
            pem::Error::NoItemsFound => KeyError::new(
                "the PEM block is not a private key (expected RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY)",
            ),
            _ => KeyError::new("the PEM text does not decode (broken base64 or a missing END line)"),
        })?;
        let (pair, algorithm) = match der {
            PrivateKeyDer::Pkcs1(k) => (
                Pair::Rsa(
                    RsaKeyPair::from_der(k.secret_pkcs1_der())
                        .map_err(|e| KeyError::rejected("the PKCS#1 RSA key", e))?,
                ),
                Algorithm::RS256,
            ),
            PrivateKeyDer::Sec1(k) => ec_from_sec1(k.secret_sec1_der())?,
            PrivateKeyDer::Pkcs8(k) => pkcs8(k.secret_pkcs8_der())?,
            _ => return Err(KeyError::new("the PEM key is of a kind this SDK does not read")),
        };
        Ok(Self::new(pair, algorithm, kid))
    }

    /// Parses a private JWK (`kty` RSA with its CRT parameters, or EC on P-256 / P-384).
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
        let kty = field("kty").ok_or_else(|| KeyError::new("the JWK has no `kty`"))?;
        let bytes = |name: &str| -> Result<Vec<u8>, KeyError> {
            let b64 = field(name).ok_or_else(|| KeyError::new(format!("the {kty} JWK has no `{name}`")))?;
            URL_SAFE_NO_PAD
                .decode(b64)
                .map_err(|_| KeyError::new(format!("the {kty} JWK's `{name}` is not base64url")))
        };
        let (pair, algorithm) = match (kty, field("crv")) {
            ("RSA", _) => {
                if field("p").is_none() {
                    return Err(KeyError::new(
                        "the RSA JWK has `d` but not the prime factors `p`, `q`, `dp`, `dq` and `qi`; \
                         export the key with all of them (RFC 7518, section 6.3.2)",
                    ));
                }
                let components = ring::rsa::KeyPairComponents {
                    public_key: ring::rsa::PublicKeyComponents {
                        n: bytes("n")?,
                        e: bytes("e")?,
                    },
                    d: bytes("d")?,
                    p: bytes("p")?,
                    q: bytes("q")?,
                    dP: bytes("dp")?,
                    dQ: bytes("dq")?,
                    qInv: bytes("qi")?,
                };
                let pair =
                    RsaKeyPair::from_components(&components).map_err(|e| KeyError::rejected("the RSA JWK", e))?;
                (Pair::Rsa(pair), Algorithm::RS256)
            }
            ("EC", Some(crv)) => {
                let curve = CURVES.iter().find(|c| c.name == crv).ok_or_else(|| {
                    KeyError::new(format!("JWK curve `{crv}` is not supported (P-256 and P-384 are)"))
                })?;
                let mut point = vec![0x04];
                point.extend(bytes("x")?);
                point.extend(bytes("y")?);
                let pair = EcdsaKeyPair::from_private_key_and_public_key(
                    curve.signing,
                    &bytes("d")?,
                    &point,
                    &SystemRandom::new(),
                )
                .map_err(|e| KeyError::rejected(&format!("the {crv} JWK"), e))?;
                (Pair::Ec(pair), curve.algorithm)
            }
            ("EC", None) => return Err(KeyError::new("the EC JWK has no `crv`")),
            (kty, crv) => {
                return Err(KeyError::new(format!(
                    "JWK kty `{kty}`{} is not supported (RSA, EC P-256 and EC P-384 are)",
                    crv.map(|c| format!(" crv `{c}`")).unwrap_or_default()
                )));
            }
        };
        Ok(Self::new(pair, algorithm, kid))
    }

    fn new(pair: Pair, algorithm: Algorithm, kid: Option<String>) -> Self {
        Self {
            key: Arc::new(pair),
            algorithm,
            kid,
        }
    }
}

/// A PKCS#8 key: RSA, or EC on one of [`CURVES`].
fn pkcs8(der: &[u8]) -> Result<(Pair, Algorithm), KeyError> {
    if let Ok(pair) = RsaKeyPair::from_pkcs8(der) {
        return Ok((Pair::Rsa(pair), Algorithm::RS256));
    }
    ec_pkcs8(|_| Cow::Borrowed(der)).ok_or_else(|| {
        KeyError::new("the PKCS#8 key does not parse as RSA (2048 bits or more), P-256 or P-384 with its public key")
    })
}

/// A SEC1 `EC PRIVATE KEY`: *ring* reads EC keys as PKCS#8, so the SEC1 structure is wrapped in
/// a PKCS#8 envelope for each supported curve in turn (the wrong curve is refused).
fn ec_from_sec1(sec1: &[u8]) -> Result<(Pair, Algorithm), KeyError> {
    ec_pkcs8(|oid| Cow::Owned(sec1_to_pkcs8(sec1, oid))).ok_or_else(|| {
        KeyError::new("the SEC1 EC key does not parse, is not on P-256 or P-384, or lacks its public key")
    })
}

/// The first curve of [`CURVES`] whose PKCS#8 document (`pkcs8(curve oid)`) *ring* accepts.
fn ec_pkcs8<'a>(pkcs8: impl Fn(&'static [u8]) -> Cow<'a, [u8]>) -> Option<(Pair, Algorithm)> {
    let rng = SystemRandom::new();
    CURVES.iter().find_map(|c| {
        EcdsaKeyPair::from_pkcs8(c.signing, &pkcs8(c.oid), &rng)
            .ok()
            .map(|pair| (Pair::Ec(pair), c.algorithm))
    })
}

/// DER of `id-ecPublicKey` (1.2.840.10045.2.1).
const OID_EC_PUBLIC_KEY: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];

/// `PrivateKeyInfo { version 0, { id-ecPublicKey, curve }, OCTET STRING sec1 }` (RFC 5208, 5915).
fn sec1_to_pkcs8(sec1: &[u8], curve_oid: &[u8]) -> Vec<u8> {
    let algorithm = der(0x30, &[OID_EC_PUBLIC_KEY, curve_oid].concat());
    let body = [&[0x02, 0x01, 0x00][..], &algorithm, &der(0x04, sec1)].concat();
    der(0x30, &body)
}

/// One DER element: tag, definite length (short or long form), contents.
fn der(tag: u8, contents: &[u8]) -> Vec<u8> {
    let len = contents.len();
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(contents);
    out
}

/// *ring*'s reason for refusing a key, in words.
fn reason(e: &ring::error::KeyRejected) -> String {
    match e.to_string().as_str() {
        "TooSmall" => "the key is too small (RSA keys need 2048 bits or more)".to_string(),
        "TooLarge" => "the key is too large".to_string(),
        "WrongAlgorithm" => "the key is for another algorithm or curve".to_string(),
        "InvalidComponent" | "InconsistentComponents" => "the key's numbers do not form a valid key".to_string(),
        "InvalidEncoding" => "the key's encoding is invalid".to_string(),
        "PublicKeyIsMissing" => "the key does not carry its public half".to_string(),
        "PrivateModulusLenNotMultipleOf512Bits" => "the RSA key's size is not a multiple of 512 bits".to_string(),
        other => format!("ring says `{other}`"),
    }
}

impl Pair {
    fn sign(&self, input: &[u8]) -> Result<Vec<u8>, SignerError> {
        let rng = SystemRandom::new();
        match self {
            Self::Rsa(pair) => {
                let mut out = vec![0; pair.public().modulus_len()];
                pair.sign(&signature::RSA_PKCS1_SHA256, &rng, input, &mut out)
                    .map_err(|_| SignerError::new("RS256 signing failed"))?;
                Ok(out)
            }
            Self::Ec(pair) => pair
                .sign(&rng, input)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| SignerError::new("ECDSA signing failed (the random number generator failed)")),
        }
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
        Box::pin(async move { self.key.sign(signing_input) })
    }
}

/// The public half of an EC key pair as JWK coordinates `(x, y)`, base64url.
pub(crate) fn ec_coordinates(pair: &EcdsaKeyPair) -> (String, String) {
    // An uncompressed point: 0x04 || x || y, each coordinate half of the rest.
    let point = pair.public_key().as_ref();
    let coords = point.get(1..).unwrap_or_default();
    let (x, y) = coords.split_at(coords.len() / 2);
    (URL_SAFE_NO_PAD.encode(x), URL_SAFE_NO_PAD.encode(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_lengths_use_the_short_and_long_forms() {
        assert_eq!(der(0x04, &[1, 2]), vec![0x04, 0x02, 1, 2]);
        let long = der(0x04, &[0; 200]);
        assert_eq!(&long[..3], &[0x04, 0x81, 200]);
        assert_eq!(long.len(), 203);
        let longer = der(0x30, &[0; 300]);
        assert_eq!(&longer[..4], &[0x30, 0x82, 0x01, 0x2c]);
    }

    #[test]
    fn a_generated_p256_key_round_trips_through_the_sec1_envelope() {
        // ring writes PKCS#8 v2 for a generated key; peel it to the SEC1 ECPrivateKey inside by
        // reading the OCTET STRING after the algorithm identifier, then wrap it back.
        let rng = SystemRandom::new();
        let doc =
            EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng).expect("key generation");
        let pkcs8 = doc.as_ref();
        let oid = CURVES[0].oid;
        let at = pkcs8.windows(oid.len()).position(|w| w == oid).expect("curve oid") + oid.len();
        assert_eq!(pkcs8[at], 0x04, "OCTET STRING after the algorithm identifier");
        let len = pkcs8[at + 1] as usize;
        let sec1 = &pkcs8[at + 2..at + 2 + len];
        let (pair, alg) = ec_from_sec1(sec1).expect("SEC1 key");
        assert_eq!(alg, Algorithm::ES256);
        assert!(matches!(pair, Pair::Ec(_)));
    }

    #[test]
    fn an_rsa_jwk_without_its_prime_factors_is_refused_by_name() {
        let err = KeySigner::from_jwk(r#"{"kty":"RSA","n":"AQAB","e":"AQAB","d":"AQAB"}"#, None).unwrap_err();
        assert!(err.to_string().contains("`p`, `q`, `dp`, `dq` and `qi`"), "{err}");
    }
}
