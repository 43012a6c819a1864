//! Filter and search users: `filter` (status, lastUpdated, id, a few profile fields),
//! `search` (any attribute, and/or, sorting) and `q` (a prefix of name, email or login).
//!
//! expect: filter status eq "ACTIVE": 40 users
//! expect: search profile.department eq "Sales": 10 users
//! expect: q "user000001": 10 users

mod common;

use futures::TryStreamExt;
use okta_sdk::models::User;
use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect_with_users(40).await?;

    let filter = r#"status eq "ACTIVE""#;
    let active: Vec<User> = client.list_users().filter(filter).stream().try_collect().await?;
    println!("filter {filter}: {} users", active.len());

    let search = r#"profile.department eq "Sales""#;
    let sales: Vec<User> = client
        .list_users()
        .search(search)
        .limit(200)
        .stream()
        .try_collect()
        .await?;
    println!("search {search}: {} users", sales.len());

    let q = "user000001";
    let found: Vec<User> = client.list_users().q(q).stream().try_collect().await?;
    println!("q \"{q}\": {} users", found.len());
    Ok(())
}
