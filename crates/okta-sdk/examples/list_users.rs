//! List all users of the org, every page, as one stream.
//!
//! expect: listed 25 users

mod common;

use futures::TryStreamExt;
use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect_with_users(25).await?;
    let mut users = client.list_users().limit(10).stream();
    let mut count = 0;
    while let Some(user) = users.try_next().await? {
        count += 1;
        if count <= 3 {
            println!("  {} {}", user.id, user.profile.login);
        }
    }
    println!("listed {count} users");
    Ok(())
}
