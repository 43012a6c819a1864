//! Get an application by id.
//!
//! expect: got bookmark app "Handbook"
//! expect: url https://handbook.example.com

mod common;

use okta::models::{
    Application, ApplicationLabel, ApplicationSignOnMode, BookmarkApplication, BookmarkApplicationName,
    BookmarkApplicationSettings, BookmarkApplicationSettingsApplication,
};
use okta::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let bookmark: BookmarkApplication = BookmarkApplication::builder()
        .name(BookmarkApplicationName::Bookmark)
        .label(ApplicationLabel("Handbook".into()))
        .sign_on_mode(ApplicationSignOnMode::Bookmark)
        .settings(BookmarkApplicationSettings {
            app: Some(BookmarkApplicationSettingsApplication {
                url: Some("https://handbook.example.com".into()),
                request_integration: Some(false),
                ..Default::default()
            }),
            ..Default::default()
        })
        .try_into()?;
    let created = client.create_application().body(bookmark).send().await?;
    let Application::Bookmark(created) = created.into_inner() else {
        return Err("Okta did not answer with a bookmark app".into());
    };
    let id = created.id.clone().unwrap_or_default();

    match client.get_application().app_id(&id).send().await?.into_inner() {
        Application::Bookmark(app) => {
            println!(
                "got bookmark app {:?} ({id})",
                app.label.as_deref().map_or("", String::as_str)
            );
            println!("url {}", app.settings.and_then(|s| s.app?.url).unwrap_or_default());
        }
        other => println!("got another kind of app: {other:?}"),
    }
    client.deactivate_application().app_id(&id).send().await?;
    client.delete_application().app_id(&id).send().await?;
    Ok(())
}
