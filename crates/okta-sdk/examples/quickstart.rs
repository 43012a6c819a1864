//! Quickstart: list users, create one, and page through every user of the org.
//!
//! `cargo run -p okta-sdk --example quickstart` runs against a local fake org (with 450 users)
//! unless `OKTA_CLIENT_ORGURL` points at yours.
//!
//! expect: first 5 users:
//! expect: created user
//! expect: paged through 451 users in 3 pages
//! expect: quickstart done

mod common;

use futures::TryStreamExt;
use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect_with_users(450).await?;

    // One page of five users.
    let first = client.list_users().limit(5).send().await?;
    println!("first 5 users:");
    for user in first.iter() {
        println!("  {} {} ({})", user.id, user.profile.login, user.status);
    }

    // A new user, active, with a password.
    let created = common::create_user(&client, "quickstart").await?;
    let (id, login) = (&created.id, &created.profile.login);
    println!("created user {login} ({id}), status {}", created.status);

    // Every user, 200 per page, one page in memory at a time.
    let mut pages = client.list_users().limit(200).pages();
    let (mut users, mut count) = (0, 0);
    while let Some(page) = pages.try_next().await? {
        count += 1;
        users += page.items.len();
    }
    println!("paged through {users} users in {count} pages");

    common::remove_user(&client, id).await?;
    println!("quickstart done: listed 5 users, created and removed {login}, paged through {users} users");
    Ok(())
}
