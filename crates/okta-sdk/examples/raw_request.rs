//! Call an endpoint through the raw request: any path under the org, with the client's
//! authentication, retries and errors, decoded into any type or into JSON.
//!
//! expect: raw GET /api/v1/users?limit=3 -> 200 with 3 users
//! expect: typed: 3 users, first user0000001@example.com

mod common;

use okta_sdk::Method;
use okta_sdk::models::User;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect_with_users(5).await?;

    let json = client
        .raw(Method::GET, "/api/v1/users")
        .query("limit", 3)
        .send_json()
        .await?;
    let count = json.as_array().map_or(0, Vec::len);
    println!(
        "raw GET /api/v1/users?limit=3 -> {} with {count} users",
        json.status().as_u16()
    );

    let typed = client
        .raw(Method::GET, "/api/v1/users")
        .query("limit", 3)
        .send::<Vec<User>>()
        .await?;
    if let Some(first) = typed.first() {
        println!("typed: {} users, first {}", typed.len(), first.profile.login);
    }
    Ok(())
}
