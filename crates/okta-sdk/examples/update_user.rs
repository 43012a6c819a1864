//! Update a user: a partial update (POST, only the given attributes change) and a full
//! replace (PUT, the profile is replaced).
//!
//! expect: nickName is now "Ace"
//! expect: firstName still "Ada"
//! expect: after replace: nickName None

mod common;

use okta_sdk::models::{UpdateUserRequest, UserProfile};
use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let created = common::create_user(&client, "Ada").await?;
    let (id, login) = (&created.id, &created.profile.login);

    // Partial: send only what changes.
    let partial = UpdateUserRequest::default().set_profile(UserProfile::default().set_nick_name("Ace"));
    let user = client.update_user().id(id).body(partial).send().await?;
    // `nick_name` and `first_name` are optional profile attributes: `Option<String>`.
    if let (Some(nick), Some(first)) = (&user.profile.nick_name, &user.profile.first_name) {
        println!("nickName is now {nick:?}");
        println!("firstName still {first:?}");
    }

    // Full: the whole profile, as it should be afterwards.
    let whole = UserProfile::default()
        .set_login(login)
        .set_email(login)
        .set_first_name("Ada")
        .set_last_name("King");
    let full = UpdateUserRequest::default().set_profile(whole);
    let user = client.replace_user().id(id).body(full).send().await?;
    println!("after replace: nickName {:?}", user.profile.nick_name);

    common::remove_user(&client, id).await?;
    Ok(())
}
