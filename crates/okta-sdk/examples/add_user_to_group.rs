//! Add a user to a group, and list the group's members.
//!
//! expect: added
//! expect: members of
//! expect: 1 member(s)

mod common;

use futures::TryStreamExt;
use okta_sdk::models::User;
use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let user = common::create_user(&client, "member").await?;
    let user_id = &user.id;
    let group = common::create_group(&client, "Readers").await?;
    let (group_id, name) = (&group.id, &group.profile.name);

    client
        .assign_user_to_group()
        .group_id(group_id)
        .user_id(user_id)
        .send()
        .await?;
    println!("added {user_id} to {name:?}");

    let members: Vec<User> = client
        .list_group_users()
        .group_id(group_id)
        .stream()
        .try_collect()
        .await?;
    println!("members of {name:?}: {} member(s)", members.len());
    for m in &members {
        println!("  {}", m.profile.login);
    }

    client.delete_group().group_id(group_id).send().await?;
    common::remove_user(&client, user_id).await?;
    Ok(())
}
