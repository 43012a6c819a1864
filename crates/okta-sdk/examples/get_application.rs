//! Get an application by id.
//!
//! expect: got bookmark app "Handbook"
//! expect: url https://handbook.example.com

mod common;

use okta_sdk::models::{
    Application, BookmarkApplication, BookmarkApplicationName, BookmarkApplicationSettings,
    BookmarkApplicationSettingsApplication,
};
use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let bookmark = BookmarkApplication::default()
        .set_name(BookmarkApplicationName::Bookmark)
        .set_label("Handbook")
        .set_settings(
            BookmarkApplicationSettings::default().set_app(
                BookmarkApplicationSettingsApplication::default()
                    .set_url("https://handbook.example.com")
                    .set_request_integration(false),
            ),
        );
    let created = client.create_application().body(bookmark).send().await?;
    let Application::Bookmark(created) = created.into_inner() else {
        return Err("Okta did not answer with a bookmark app".into());
    };
    let id = &created.id;

    match client.get_application().app_id(id).send().await?.into_inner() {
        Application::Bookmark(app) => {
            // `label` and `settings` are optional in the spec: `Option`s.
            if let Some(label) = &app.label {
                println!("got bookmark app {:?} ({id})", label.as_str());
            }
            if let Some(url) = app.settings.and_then(|s| s.app?.url) {
                println!("url {url}");
            }
        }
        other => println!("got another kind of app: {other:?}"),
    }
    client.deactivate_application().app_id(id).send().await?;
    client.delete_application().app_id(id).send().await?;
    Ok(())
}
