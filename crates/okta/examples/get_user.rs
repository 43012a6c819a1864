//! Get a user by id and by login.
//!
//! expect: by id:
//! expect: by login:
//! expect: same user: true

mod common;

use okta::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let created = common::create_user(&client, "alan").await?;
    let id = created.id.clone().unwrap_or_default();
    let login = common::login(&created);

    let by_id = client.get_user().id(&id).send().await?;
    println!(
        "by id:    {id} -> {}",
        by_id.profile.as_ref().and_then(|p| p.login.as_deref()).unwrap_or("?")
    );
    // The same path parameter takes a login (or a login's short name).
    let by_login = client.get_user().id(&login).send().await?;
    println!("by login: {login} -> {}", by_login.id.as_deref().unwrap_or("?"));
    println!("same user: {}", by_id.id == by_login.id);

    common::remove_user(&client, &id).await?;
    Ok(())
}
