//! List the groups a user is in.
//!
//! expect: groups of
//! expect: Everyone
//! expect: Designers

mod common;

use okta::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let user = common::create_user(&client, "designer").await?;
    let user_id = user.id.clone().unwrap_or_default();
    let group = common::create_group(&client, "Designers").await?;
    let group_id = group.id.clone().unwrap_or_default();
    client
        .assign_user_to_group()
        .group_id(&group_id)
        .user_id(&user_id)
        .send()
        .await?;

    let groups = client.list_user_groups().id(&user_id).send().await?;
    println!("groups of {user_id}:");
    for g in groups.iter() {
        // One profile type for Okta and Active Directory groups (AD groups add `dn` and more).
        let name = g.profile.as_ref().and_then(|p| p.name.as_deref());
        println!("  {} {}", g.id.as_deref().unwrap_or("?"), name.unwrap_or("?"));
    }

    client.delete_group().group_id(&group_id).send().await?;
    common::remove_user(&client, &user_id).await?;
    Ok(())
}
