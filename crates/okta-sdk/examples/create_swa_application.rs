//! Create a Secure Web Authentication (SWA) app: the `template_swa` template, with the
//! login page's button, username and password fields and a login URL regex.
//!
//! expect: created SWA app "Example Intranet"
//! expect: sign-on mode BROWSER_PLUGIN
//! expect: loginUrlRegex ^https://intranet\.example\.com/login$

mod common;

use okta_sdk::models::{
    Application, BrowserPluginApplication, BrowserPluginApplicationName, BrowserPluginApplicationSettings,
    SwaApplicationSettingsApplication,
};
use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let login_page = SwaApplicationSettingsApplication::default()
        .set_button_field("#btn-login")
        .set_username_field("#txtbox-username")
        .set_password_field("#txtbox-password")
        .set_url("https://intranet.example.com/login")
        .set_login_url_regex(r"^https://intranet\.example\.com/login$");
    // The type is the sign-on mode: `signOnMode: BROWSER_PLUGIN` is written for it.
    let swa = BrowserPluginApplication::default()
        .set_name(BrowserPluginApplicationName::TemplateSwa)
        .set_label("Example Intranet")
        .set_settings(BrowserPluginApplicationSettings::default().set_app(login_page));

    let created = client.create_application().activate(true).body(swa).send().await?;
    let Application::BrowserPlugin(app) = created.into_inner() else {
        return Err("Okta did not answer with a browser-plugin app".into());
    };
    let id = &app.id;
    let label = app.label.as_deref().map_or("", String::as_str);
    println!("created SWA app {label:?} ({id})");
    // The subtype is the sign-on mode; the union names it.
    let mode = Application::from(app.clone()).discriminator_value().map(str::to_owned);
    println!("sign-on mode {}", mode.as_deref().unwrap_or("?"));
    let settings = app.settings.as_ref().and_then(|s| s.app.as_ref());
    if let Some(regex) = settings.and_then(|s| s.login_url_regex.as_deref()) {
        println!("loginUrlRegex {regex}");
    }
    client.deactivate_application().app_id(id).send().await?;
    client.delete_application().app_id(id).send().await?;
    Ok(())
}
