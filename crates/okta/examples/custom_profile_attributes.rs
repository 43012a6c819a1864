//! Custom profile attributes: set them when creating a user and read them back.
//!
//! In a real org the attributes must first exist in the user schema (Directory > Profile
//! Editor, or the schema API); the local fake org accepts any.
//!
//! expect: favoriteColor = "teal"
//! expect: employeeLevel = 3

mod common;

use okta::models::{CreateUserRequest, UserProfile};
use okta::prelude::*;
use serde_json::json;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let login = common::unique_login("grace");
    let mut custom = serde_json::Map::new();
    custom.insert("favoriteColor".into(), json!("teal"));
    custom.insert("employeeLevel".into(), json!(3));
    let request = CreateUserRequest::builder().profile(
        UserProfile::builder()
            .login(login.clone())
            .email(login.clone())
            .first_name("Grace".to_string())
            .last_name("Hopper".to_string())
            .extra(custom),
    );
    let created = client.create_user().activate(false).body(request).send().await?;
    let id = created.id.clone().unwrap_or_default();

    // Read back: attributes the SDK does not know are kept in `profile.extra`.
    let user = client.get_user().id(&id).send().await?;
    let Some(profile) = &user.profile else {
        return Err("the user came back without a profile".into());
    };
    for name in ["favoriteColor", "employeeLevel"] {
        println!(
            "{name} = {}",
            profile.extra.get(name).unwrap_or(&serde_json::Value::Null)
        );
    }
    common::remove_user(&client, &id).await?;
    Ok(())
}
