//! Add a custom attribute to the group schema, change it, and remove it.
//!
//! expect: added custom attribute costCenter ("Cost center")
//! expect: updated costCenter: title "Cost centre", maxLength 20
//! expect: removed costCenter

mod common;

use okta_sdk::models::{
    GroupSchema, GroupSchemaAttribute, GroupSchemaCustom, GroupSchemaDefinitions, UserSchemaAttributeType,
};
use okta_sdk::prelude::*;

/// Sets one custom attribute of the group schema (`Some`) or removes it (`None`, sent as
/// `null`), and returns that attribute as Okta now has it.
async fn save(
    client: &okta_sdk::Client,
    name: &str,
    attribute: Option<GroupSchemaAttribute>,
) -> Result<Option<GroupSchemaAttribute>, okta_sdk::Error> {
    let update = GroupSchema::default().set_definitions(
        GroupSchemaDefinitions::default()
            .set_custom(GroupSchemaCustom::default().set_properties([(name.to_string(), attribute)])),
    );
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
    let added = GroupSchemaAttribute::default()
        .set_title("Cost center")
        .set_description("Where the group's spending is booked")
        .set_type(UserSchemaAttributeType::String)
        .set_max_length(40);
    if let Some(title) = save(&client, name, Some(added)).await?.and_then(|a| a.title) {
        println!("added custom attribute {name} ({title:?})");
    }

    let changed = GroupSchemaAttribute::default()
        .set_title("Cost centre")
        .set_type(UserSchemaAttributeType::String)
        .set_max_length(20);
    let Some(a) = save(&client, name, Some(changed)).await? else {
        return Err("Okta did not keep the attribute".into());
    };
    if let (Some(title), Some(max)) = (&a.title, a.max_length) {
        println!("updated {name}: title {title:?}, maxLength {max}");
    }

    // Removing sends `null` for the attribute: `None` in the map.
    if save(&client, name, None).await?.is_none() {
        println!("removed {name}");
    }
    Ok(())
}
