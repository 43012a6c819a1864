//! Create a Secure Web Authentication (SWA) app: the `template_swa` template, with the
//! login page's button, username and password fields and a login URL regex.
//!
//! expect: created SWA app "Example Intranet"
//! expect: sign-on mode BROWSER_PLUGIN
//! expect: loginUrlRegex ^https://intranet\.example\.com/login$

mod common;

use okta::models::{
    Application, ApplicationLabel, ApplicationSignOnMode, BrowserPluginApplication, BrowserPluginApplicationName,
    BrowserPluginApplicationSettings, SwaApplicationSettingsApplication,
};
use okta::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let login_page: SwaApplicationSettingsApplication = SwaApplicationSettingsApplication::builder()
        .button_field(Some("#btn-login".into()))
        .username_field(Some("#txtbox-username".into()))
        .password_field(Some("#txtbox-password".into()))
        .url(Some("https://intranet.example.com/login".into()))
        .login_url_regex(Some(r"^https://intranet\.example\.com/login$".into()))
        .try_into()?;
    let swa: BrowserPluginApplication = BrowserPluginApplication::builder()
        .name(BrowserPluginApplicationName::TemplateSwa)
        .label(ApplicationLabel("Example Intranet".into()))
        .sign_on_mode(ApplicationSignOnMode::BrowserPlugin)
        .settings(BrowserPluginApplicationSettings {
            app: Some(login_page),
            ..Default::default()
        })
        .try_into()?;

    let created = client.create_application().activate(true).body(swa).send().await?;
    let Application::BrowserPlugin(app) = created.into_inner() else {
        return Err("Okta did not answer with a browser-plugin app".into());
    };
    let id = app.id.clone().unwrap_or_default();
    println!(
        "created SWA app {:?} ({id})",
        app.label.as_deref().map_or("", String::as_str)
    );
    println!("sign-on mode {}", app.sign_on_mode);
    if let Some(settings) = app.settings.as_ref().and_then(|s| s.app.as_ref()) {
        println!("loginUrlRegex {}", settings.login_url_regex.as_deref().unwrap_or("?"));
    }
    client.deactivate_application().app_id(&id).send().await?;
    client.delete_application().app_id(&id).send().await?;
    Ok(())
}
