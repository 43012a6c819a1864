//! Create a group.
//!
//! expect: created group
//! expect: type OKTA_GROUP

mod common;

use okta::models::{AddGroupBody, OktaUserGroupProfile};
use okta::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let name = common::unique_name("Engineers");
    let body = AddGroupBody {
        profile: Some(OktaUserGroupProfile {
            name: Some(name.clone()),
            description: Some("People who build things".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let group = client.add_group().body(body).send().await?;
    let id = group.id.clone().unwrap_or_default();
    println!(
        "created group {name:?} ({id}), type {}",
        group.type_.as_ref().map_or("?", |t| t.as_str())
    );
    client.delete_group().group_id(&id).send().await?;
    Ok(())
}
