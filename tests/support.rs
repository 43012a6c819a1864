//! Helpers for the workspace integration tests: a client for a local fake org, by API token
//! or by a service app's private key.

use okta_mock::{MockOrg, ServiceApp};
use p256::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};

/// A client for `org` with its API token.
pub fn token_client(org: &MockOrg) -> okta_sdk::Client {
    okta_sdk::Client::builder()
        .code_only()
        .org_url(org.url())
        .api_token(org.api_token())
        .disable_https_check(true)
        .build()
        .expect("a valid configuration")
}

/// A fresh P-256 key pair: (private key PKCS#8 PEM, public key PEM).
pub fn key_pair() -> (String, String) {
    let key = p256::SecretKey::random(&mut rand::thread_rng());
    let private = key.to_pkcs8_pem(LineEnding::LF).expect("PKCS#8 PEM").to_string();
    let public = key.public_key().to_public_key_pem(LineEnding::LF).expect("public PEM");
    (private, public)
}

/// Registers a service app with a new key and returns a client that authenticates as it.
pub fn private_key_client(org: &MockOrg, client_id: &str, granted: &[&str], requested: &[&str]) -> okta_sdk::Client {
    let (private, public) = key_pair();
    org.register_service_app(ServiceApp::new(client_id, public).scopes(granted.iter().copied()));
    okta_sdk::Client::builder()
        .code_only()
        .org_url(org.url())
        .private_key(client_id, private)
        .scopes(requested.iter().copied())
        .disable_https_check(true)
        .build()
        .expect("a valid configuration")
}
