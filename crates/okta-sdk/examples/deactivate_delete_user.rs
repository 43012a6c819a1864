//! Deactivate, then delete a user (Okta deletes only deactivated users).
//!
//! expect: deactivated: status DEPROVISIONED
//! expect: deleted
//! expect: E0000007

mod common;

use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let user = common::create_user(&client, "leaving").await?;
    let id = &user.id;

    client.deactivate_user().id(id).send().await?;
    let status = client.get_user().id(id).send().await?.into_inner().status;
    println!("deactivated: status {status}");

    client.delete_user().id(id).send().await?;
    println!("deleted {id}");
    match client.get_user().id(id).send().await {
        // `error_code` is what Okta's error body carries, which a proxy's error page lacks.
        Err(e) => println!("reading it again fails as expected: {:?} {e}", e.error_code()),
        Ok(_) => return Err("the user is still there".into()),
    }
    Ok(())
}
