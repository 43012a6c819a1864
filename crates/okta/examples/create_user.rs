//! Create a user with a password, activated, who must change the password at next login.
//!
//! expect: created user
//! expect: status PASSWORD_EXPIRED

mod common;

use okta::models::{CreateUserRequest, PasswordCredential, UserCredentialsWritable, UserNextLogin, UserProfile};
use okta::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let login = common::unique_login("ada");
    let request = CreateUserRequest::builder()
        .profile(
            UserProfile::builder()
                .first_name("Ada".to_string())
                .last_name("Lovelace".to_string())
                .email(login.clone())
                .login(login.clone()),
        )
        .credentials(UserCredentialsWritable {
            password: Some(PasswordCredential {
                value: Some("Analytical-Engine-1843".into()),
                ..Default::default()
            }),
            ..Default::default()
        });
    let user = client
        .create_user()
        .activate(true)
        .next_login(UserNextLogin::ChangePassword)
        .body(request)
        .send()
        .await?;
    let status = user.status.as_ref().map_or("?", |s| s.as_str());
    println!(
        "created user {login} ({}) with status {status}: the password must change at next login",
        user.id.as_deref().unwrap_or("?")
    );

    common::remove_user(&client, user.id.as_deref().unwrap_or_default()).await?;
    Ok(())
}
