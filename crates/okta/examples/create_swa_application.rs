//! Create a Secure Web Authentication (SWA) app: the `template_swa` template, with the
//! login page's button, username and password fields and a login URL regex.
//!
//! expect: created SWA app "Example Intranet"
//! expect: sign-on mode BROWSER_PLUGIN
//! expect: loginUrlRegex ^https://intranet\.example\.com/login$

mod common;

use okta::models::{
    Application, ApplicationLabel, ApplicationSignOnMode, BrowserPluginApplication, BrowserPluginApplicationName,
    SwaApplicationSettings, SwaApplicationSettingsApplication,
};
use okta::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let login_page: SwaApplicationSettingsApplication = SwaApplicationSettingsApplication::builder()
        .button_field("#btn-login")
        .username_field("#txtbox-username")
        .password_field("#txtbox-password")
        .url("https://intranet.example.com/login")
        .login_url_regex(r"^https://intranet\.example\.com/login$".to_string())
        .try_into()?;
    let swa: BrowserPluginApplication = BrowserPluginApplication::builder()
        .name(BrowserPluginApplicationName::TemplateSwa)
        .label(ApplicationLabel("Example Intranet".into()))
        .sign_on_mode(ApplicationSignOnMode::BrowserPlugin)
        .settings(SwaApplicationSettings {
            app: Some(login_page),
            ..Default::default()
        })
        .try_into()?;

    let created = client.create_application().activate(true).body(swa).send().await?;
    let Application::BrowserPlugin(app) = created.into_inner() else {
        return Err("Okta did not answer with a browser-plugin app".into());
    };
    let id = app.id.clone().unwrap_or_default();
    println!("created SWA app {:?} ({id})", app.label.0);
    println!("sign-on mode {}", app.sign_on_mode);
    if let Some(settings) = &app.settings.app {
        println!("loginUrlRegex {}", settings.login_url_regex.as_deref().unwrap_or("?"));
    }
    client.deactivate_application().app_id(&id).send().await?;
    client.delete_application().app_id(&id).send().await?;
    Ok(())
}
