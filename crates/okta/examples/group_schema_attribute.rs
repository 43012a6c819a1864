//! Add a custom attribute to the group schema, change it, and remove it.
//!
//! expect: added custom attribute costCenter ("Cost center")
//! expect: updated costCenter: title "Cost centre", maxLength 20
//! expect: removed costCenter

mod common;

use okta::models::{
    GroupSchema, GroupSchemaAttribute, GroupSchemaCustom, GroupSchemaDefinitions, UserSchemaAttributeType,
};
use okta::prelude::*;

/// Sets one custom attribute of the group schema (`Some`) or removes it (`None`, sent as
/// `null`), and returns that attribute as Okta now has it.
async fn save(
    client: &okta::Client,
    name: &str,
    attribute: Option<GroupSchemaAttribute>,
) -> Result<Option<GroupSchemaAttribute>, okta::Error> {
    let update = GroupSchema {
        definitions: Some(GroupSchemaDefinitions {
            custom: Some(GroupSchemaCustom {
                properties: [(name.to_string(), attribute)].into(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let schema = client.update_group_schema().body(update).send().await?;
    Ok(attribute_of(&schema, name))
}

fn attribute_of(schema: &GroupSchema, name: &str) -> Option<GroupSchemaAttribute> {
    schema
        .definitions
        .as_ref()?
        .custom
        .as_ref()?
        .properties
        .get(name)
        .cloned()
        .flatten()
}

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let name = "costCenter";
    let added = GroupSchemaAttribute {
        title: Some("Cost center".into()),
        description: Some("Where the group's spending is booked".into()),
        type_: Some(UserSchemaAttributeType::String),
        max_length: Some(40),
        ..Default::default()
    };
    let title = save(&client, name, Some(added)).await?.and_then(|a| a.title);
    println!("added custom attribute {name} ({:?})", title.unwrap_or_default());

    let changed = GroupSchemaAttribute {
        title: Some("Cost centre".into()),
        type_: Some(UserSchemaAttributeType::String),
        max_length: Some(20),
        ..Default::default()
    };
    let a = save(&client, name, Some(changed)).await?.unwrap_or_default();
    println!(
        "updated {name}: title {:?}, maxLength {}",
        a.title.unwrap_or_default(),
        a.max_length.unwrap_or_default()
    );

    // Removing sends `null` for the attribute: `None` in the map.
    if save(&client, name, None).await?.is_none() {
        println!("removed {name}");
    }
    Ok(())
}
