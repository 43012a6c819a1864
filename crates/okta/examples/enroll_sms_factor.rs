//! Enroll an SMS factor for a user.
//!
//! expect: enrolled sms factor
//! expect: status PENDING_ACTIVATION

mod common;

use okta::models::{UserFactor, UserFactorSms, UserFactorSmsProfile, UserFactorSmsProvider, UserFactorType};
use okta::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let user = common::create_user(&client, "texter").await?;
    let user_id = user.id.clone().unwrap_or_default();

    let sms = UserFactorSms {
        factor_type: Some(UserFactorType::Sms),
        provider: Some(UserFactorSmsProvider::Okta),
        profile: Some(UserFactorSmsProfile {
            phone_number: Some("+1-555-415-1337".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let factor = client
        .enroll_factor()
        .user_id(&user_id)
        .body(UserFactor::Sms(sms))
        .send()
        .await?;
    match factor.into_inner() {
        UserFactor::Sms(f) => println!(
            "enrolled sms factor {} with status {}",
            f.id.as_deref().unwrap_or("?"),
            f.status.as_ref().map_or("?", |s| s.as_str())
        ),
        other => return Err(format!("expected an SMS factor, got {other:?}").into()),
    }

    common::remove_user(&client, &user_id).await?;
    Ok(())
}
