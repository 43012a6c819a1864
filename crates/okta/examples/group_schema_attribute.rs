//! Add a custom attribute to the group schema, change it, and remove it.
//!
//! expect: added custom attribute costCenter ("Cost center")
//! expect: updated costCenter: title "Cost centre", maxLength 20
//! expect: removed costCenter

mod common;

use okta::ResponseValue;
use okta::models::{
    GroupSchema, GroupSchemaAttribute, GroupSchemaCustom, GroupSchemaDefinitions, UserSchemaAttributeType,
};
use okta::prelude::*;

/// A schema update that sets one custom attribute (`Some`) or removes it (`None`, sent as `null`).
fn with_attribute(name: &str, attribute: Option<GroupSchemaAttribute>) -> GroupSchema {
    GroupSchema {
        definitions: Some(GroupSchemaDefinitions {
            custom: Some(GroupSchemaCustom {
                properties: [(name.to_string(), attribute)].into(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn attribute(schema: &ResponseValue<GroupSchema>, name: &str) -> Option<GroupSchemaAttribute> {
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
    let added = client
        .update_group_schema()
        .body(with_attribute(
            name,
            Some(GroupSchemaAttribute {
                title: Some("Cost center".into()),
                description: Some("Where the group's spending is booked".into()),
                type_: Some(UserSchemaAttributeType::String),
                max_length: Some(40),
                ..Default::default()
            }),
        ))
        .send()
        .await?;
    let title = attribute(&added, name).and_then(|a| a.title);
    println!("added custom attribute {name} ({:?})", title.unwrap_or_default());

    let updated = client
        .update_group_schema()
        .body(with_attribute(
            name,
            Some(GroupSchemaAttribute {
                title: Some("Cost centre".into()),
                type_: Some(UserSchemaAttributeType::String),
                max_length: Some(20),
                ..Default::default()
            }),
        ))
        .send()
        .await?;
    let a = attribute(&updated, name).unwrap_or_default();
    println!(
        "updated {name}: title {:?}, maxLength {}",
        a.title.unwrap_or_default(),
        a.max_length.unwrap_or_default()
    );

    // Removing sends `null` for the attribute: `None` in the map.
    let after = client
        .update_group_schema()
        .body(with_attribute(name, None))
        .send()
        .await?;
    if attribute(&after, name).is_none() {
        println!("removed {name}");
    }
    Ok(())
}
