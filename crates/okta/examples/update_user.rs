//! Update a user: a partial update (POST, only the given attributes change) and a full
//! replace (PUT, the profile is replaced).
//!
//! expect: nickName is now "Ace"
//! expect: firstName still "Ada"
//! expect: after replace: nickName None

mod common;

use okta::models::{UpdateUserRequest, UserProfile};
use okta::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let created = common::create_user(&client, "Ada").await?;
    let id = created.id.clone().unwrap_or_default();
    let login = common::login(&created);

    // Partial: send only what changes.
    let nick: UserProfile = UserProfile::builder().nick_name("Ace".to_string()).try_into()?;
    let partial = UpdateUserRequest {
        profile: Some(nick),
        ..Default::default()
    };
    let user = client.update_user().id(&id).body(partial).send().await?;
    let profile = user.profile.as_ref();
    println!(
        "nickName is now {:?}",
        profile.and_then(|p| p.nick_name.as_deref()).unwrap_or("?")
    );
    println!(
        "firstName still {:?}",
        profile.and_then(|p| p.first_name.as_deref()).unwrap_or("?")
    );

    // Full: the whole profile, as it should be afterwards.
    let whole: UserProfile = UserProfile::builder()
        .login(login.clone())
        .email(login)
        .first_name("Ada".to_string())
        .last_name("King".to_string())
        .try_into()?;
    let full = UpdateUserRequest {
        profile: Some(whole),
        ..Default::default()
    };
    let user = client.replace_user().id(&id).body(full).send().await?;
    println!(
        "after replace: nickName {:?}",
        user.profile.as_ref().and_then(|p| p.nick_name.clone())
    );

    common::remove_user(&client, &id).await?;
    Ok(())
}
