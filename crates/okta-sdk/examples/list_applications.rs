//! List the org's applications; each decodes to its sign-on mode's type.
//!
//! expect: BOOKMARK Docs
//! expect: applications listed: 2

mod common;

use futures::TryStreamExt;
use okta_sdk::models::{
    Application, BookmarkApplication, BookmarkApplicationName, BookmarkApplicationSettings,
    BookmarkApplicationSettingsApplication,
};
use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local } = common::connect().await?;
    if local.is_some() {
        // Something to list in the empty local org.
        for label in ["Docs", "Wiki"] {
            let url = format!("https://{}.example.com", label.to_lowercase());
            let app = BookmarkApplication::default()
                .set_name(BookmarkApplicationName::Bookmark)
                .set_label(label)
                .set_settings(
                    BookmarkApplicationSettings::default()
                        .set_app(BookmarkApplicationSettingsApplication::default().set_url(url)),
                );
            client.create_application().body(app).send().await?;
        }
    }
    let mut apps = client.list_applications().limit(20).stream();
    let mut count = 0;
    while let Some(app) = apps.try_next().await? {
        count += 1;
        let (mode, label) = match &app {
            Application::Bookmark(a) => ("BOOKMARK", a.label.as_deref().map_or("?", String::as_str)),
            Application::BrowserPlugin(a) => ("BROWSER_PLUGIN", a.label.as_deref().map_or("?", String::as_str)),
            Application::OpenIdConnect(a) => ("OPENID_CONNECT", a.label.as_deref().map_or("?", String::as_str)),
            Application::Saml(a) => ("SAML_2_0", a.label.as_deref().map_or("?", String::as_str)),
            Application::Unknown(raw) => ("other", raw["label"].as_str().unwrap_or("?")),
            _ => ("other", "?"),
        };
        println!("  {mode} {label}");
    }
    println!("applications listed: {count}");
    Ok(())
}
