//! Custom profile attributes: set them when creating a user and read them back.
//!
//! In a real org the attributes must first exist in the user schema (Directory > Profile
//! Editor, or the schema API); the local fake org accepts any.
//!
//! expect: favoriteColor = "teal"
//! expect: employeeLevel = 3

mod common;

use okta_sdk::models::{CreateUserRequest, UserProfile};
use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let login = common::unique_login("grace");
    // Attributes the spec does not name go in `extra`, one `set_extra` each.
    let request = CreateUserRequest::default().set_profile(
        UserProfile::default()
            .set_login(&login)
            .set_email(&login)
            .set_first_name("Grace")
            .set_last_name("Hopper")
            .set_extra("favoriteColor", "teal")
            .set_extra("employeeLevel", 3),
    );
    let created = client.create_user().activate(false).body(request).send().await?;
    let id = &created.id;

    // Read back: attributes the SDK does not know are kept in `profile.extra`.
    let user = client.get_user().id(id).send().await?;
    for name in ["favoriteColor", "employeeLevel"] {
        if let Some(value) = user.profile.extra.get(name) {
            println!("{name} = {value}");
        }
    }
    common::remove_user(&client, id).await?;
    Ok(())
}
