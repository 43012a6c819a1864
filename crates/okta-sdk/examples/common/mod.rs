//! Shared by the examples: a client for your Okta org when `OKTA_CLIENT_ORGURL` is set, or
//! for a local fake org (`okta-mock`) when it is not, and unique names for what they create.
#![allow(dead_code)]

use okta_mock::MockOrg;
use std::error::Error;

/// A client, and the local org it talks to (kept alive as long as this is).
pub struct Session {
    pub client: okta_sdk::Client,
    pub local: Option<MockOrg>,
}

/// Errors of the examples: anything that can go wrong, printed by `main`.
pub type Result<T = ()> = std::result::Result<T, Box<dyn Error>>;

/// A client from your configuration, or for a fresh local org.
pub async fn connect() -> Result<Session> {
    connect_with_users(0).await
}

/// As [`connect`], with `users` generated users in the local org.
pub async fn connect_with_users(users: usize) -> Result<Session> {
    if std::env::var_os("OKTA_CLIENT_ORGURL").is_some() {
        println!("Using your Okta org (OKTA_CLIENT_ORGURL is set; configuration from okta.yaml and OKTA_CLIENT_*)");
        let client = okta_sdk::Client::from_env()?;
        return Ok(Session { client, local: None });
    }
    let org = MockOrg::builder().users(users).start().await?;
    println!(
        "OKTA_CLIENT_ORGURL is not set: using a local fake Okta org at {}",
        org.url()
    );
    let client = okta_sdk::Client::builder()
        .code_only()
        .org_url(org.url())
        .api_token(org.api_token())
        .disable_https_check(true)
        .build()?;
    Ok(Session {
        client,
        local: Some(org),
    })
}

/// A login no one has yet, e.g. `ada-k3j9x1@example.com`.
pub fn unique_login(name: &str) -> String {
    format!("{name}-{}@example.com", suffix())
}

/// A name no one has yet, e.g. `Engineers k3j9x1`.
pub fn unique_name(name: &str) -> String {
    format!("{name} {}", suffix())
}

fn suffix() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..6)
        .map(|_| char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[rng.gen_range(0..36)]))
        .collect()
}

/// Creates an active user with a password (used by examples about something else).
pub async fn create_user(client: &okta_sdk::Client, name: &str) -> Result<okta_sdk::models::User> {
    use okta_sdk::models::{CreateUserRequest, PasswordCredential, UserCredentialsWritable, UserProfile};
    use okta_sdk::prelude::*;
    let login = unique_login(name);
    let body = CreateUserRequest::default()
        .set_profile(
            UserProfile::default()
                .set_login(&login)
                .set_email(&login)
                .set_first_name(name)
                .set_last_name("Example"),
        )
        .set_credentials(
            UserCredentialsWritable::default()
                .set_password(PasswordCredential::default().set_value("Example-Passw0rd-1843")),
        );
    Ok(client
        .create_user()
        .activate(true)
        .body(body)
        .send()
        .await?
        .into_inner())
}

/// Deactivates and deletes a user the example created (Okta needs both steps).
pub async fn remove_user(client: &okta_sdk::Client, id: &str) -> Result {
    use okta_sdk::prelude::*;
    client.deactivate_user().id(id).send().await?;
    client.delete_user().id(id).send().await?;
    Ok(())
}

/// Creates an Okta group with a unique name (used by examples about something else).
pub async fn create_group(client: &okta_sdk::Client, name: &str) -> Result<okta_sdk::models::Group> {
    use okta_sdk::models::{AddGroupBody, OktaUserGroupProfile};
    use okta_sdk::prelude::*;
    let body = AddGroupBody::default().set_profile(OktaUserGroupProfile::default().set_name(unique_name(name)));
    Ok(client.add_group().body(body).send().await?.into_inner())
}
