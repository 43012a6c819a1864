//! List the groups a user is in.
//!
//! expect: groups of
//! expect: Everyone
//! expect: Designers

mod common;

use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let user = common::create_user(&client, "designer").await?;
    let user_id = &user.id;
    let group = common::create_group(&client, "Designers").await?;
    let group_id = &group.id;
    client
        .assign_user_to_group()
        .group_id(group_id)
        .user_id(user_id)
        .send()
        .await?;

    let groups = client.list_user_groups().id(user_id).send().await?;
    println!("groups of {user_id}:");
    for g in groups.iter() {
        // One profile type for Okta and Active Directory groups (AD groups add `dn` and more).
        println!("  {} {}", g.id, g.profile.name);
    }

    client.delete_group().group_id(group_id).send().await?;
    common::remove_user(&client, user_id).await?;
    Ok(())
}
