//! Get a user by id and by login.
//!
//! expect: by id:
//! expect: by login:
//! expect: same user: true

mod common;

use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let created = common::create_user(&client, "alan").await?;
    let (id, login) = (&created.id, &created.profile.login);

    let by_id = client.get_user().id(id).send().await?;
    println!("by id:    {id} -> {}", by_id.profile.login);
    // The same path parameter takes a login (or a login's short name).
    let by_login = client.get_user().id(login).send().await?;
    println!("by login: {login} -> {}", by_login.id);
    println!("same user: {}", by_id.id == by_login.id);

    common::remove_user(&client, id).await?;
    Ok(())
}
