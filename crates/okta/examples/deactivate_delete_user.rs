//! Deactivate, then delete a user (Okta deletes only deactivated users).
//!
//! expect: deactivated: status DEPROVISIONED
//! expect: deleted
//! expect: E0000007

mod common;

use okta::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let user = common::create_user(&client, "leaving").await?;
    let id = user.id.clone().unwrap_or_default();

    client.deactivate_user().id(&id).send().await?;
    let status = client.get_user().id(&id).send().await?.into_inner().status;
    println!("deactivated: status {}", status.as_ref().map_or("?", |s| s.as_str()));

    client.delete_user().id(&id).send().await?;
    println!("deleted {id}");
    match client.get_user().id(&id).send().await {
        Err(e) => println!(
            "reading it again fails as expected: {} {}",
            e.error_code().unwrap_or("?"),
            e
        ),
        Ok(_) => return Err("the user is still there".into()),
    }
    Ok(())
}
