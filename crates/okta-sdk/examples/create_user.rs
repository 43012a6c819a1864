//! Create a user with a password, activated, who must change the password at next login.
//!
//! expect: created user
//! expect: status PASSWORD_EXPIRED

mod common;

use okta_sdk::models::{CreateUserRequest, PasswordCredential, UserCredentialsWritable, UserNextLogin, UserProfile};
use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let login = common::unique_login("ada");
    let request = CreateUserRequest::default()
        .set_profile(
            UserProfile::default()
                .set_first_name("Ada")
                .set_last_name("Lovelace")
                .set_email(&login)
                .set_login(&login),
        )
        .set_credentials(
            UserCredentialsWritable::default()
                .set_password(PasswordCredential::default().set_value("Analytical-Engine-1843")),
        );
    let user = client
        .create_user()
        .activate(true)
        .next_login(UserNextLogin::ChangePassword)
        .body(request)
        .send()
        .await?;
    println!(
        "created user {login} ({}) with status {}: the password must change at next login",
        user.id, user.status
    );

    common::remove_user(&client, &user.id).await?;
    Ok(())
}
