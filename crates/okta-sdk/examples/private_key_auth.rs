//! Private-key auth: a service app signs a client assertion with its private key, gets an
//! access token with the scopes it asks for, and reuses that token for every call until it
//! nears expiry.
//!
//! Against a real org, configure `authorizationMode: PrivateKey`, `clientId`, `scopes` and
//! `privateKey` (see the README). Locally, the example makes a key and registers the app.
//!
//! expect: authenticated as service app 0oaexampleservice
//! expect: 10 calls, token requests: 1

mod common;

use futures::future::try_join_all;
use okta_sdk::prelude::*;
use p256::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};

#[tokio::main]
async fn main() -> common::Result {
    if std::env::var_os("OKTA_CLIENT_ORGURL").is_some() {
        let session = common::connect().await?;
        let users = session.client.list_users().limit(1).send().await?;
        println!("authenticated with your configuration; listed {} user(s)", users.len());
        return Ok(());
    }
    let org = okta_mock::MockOrg::builder().users(10).start().await?;
    println!(
        "OKTA_CLIENT_ORGURL is not set: using a local fake Okta org at {}",
        org.url()
    );

    // The key pair: the public half is registered with the app (the Admin Console's
    // "Public keys"), the private half stays with the program.
    let key = p256::SecretKey::random(&mut rand::thread_rng());
    let private_pem = key.to_pkcs8_pem(LineEnding::LF)?;
    let public_pem = key.public_key().to_public_key_pem(LineEnding::LF)?;
    let client_id = "0oaexampleservice";
    org.register_service_app(okta_mock::ServiceApp::new(client_id, public_pem).scopes(["okta.users.read"]));

    let client = okta_sdk::Client::builder()
        .code_only()
        .org_url(org.url())
        .private_key(client_id, private_pem.as_str())
        .scopes(["okta.users.read"])
        .disable_https_check(true)
        .build()?;
    println!("authenticated as service app {client_id}");

    let calls = (1..=10).map(|n| {
        let client = client.clone();
        async move { client.get_user().id(format!("user{n:07}@example.com")).send().await }
    });
    let users = try_join_all(calls).await?;
    println!("{} calls, token requests: {}", users.len(), org.token_requests());
    Ok(())
}
