//! Create a group.
//!
//! expect: created group
//! expect: type OKTA_GROUP

mod common;

use okta_sdk::models::{AddGroupBody, OktaUserGroupProfile};
use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let name = common::unique_name("Engineers");
    let body = AddGroupBody::default().set_profile(
        OktaUserGroupProfile::default()
            .set_name(&name)
            .set_description("People who build things"),
    );
    let group = client.add_group().body(body).send().await?;
    println!("created group {name:?} ({})", group.id);
    // `type` is optional in the spec, so it is an `Option`.
    if let Some(kind) = &group.type_ {
        println!("type {kind}");
    }
    client.delete_group().group_id(&group.id).send().await?;
    Ok(())
}
