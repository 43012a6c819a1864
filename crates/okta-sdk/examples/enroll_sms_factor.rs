//! Enroll an SMS factor for a user.
//!
//! expect: enrolled sms factor
//! expect: status PENDING_ACTIVATION

mod common;

use okta_sdk::models::{UserFactor, UserFactorSms, UserFactorSmsProfile, UserFactorSmsProvider};
use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let user = common::create_user(&client, "texter").await?;
    let user_id = &user.id;

    // The type is the factor type: `factorType: sms` is written for it.
    let sms = UserFactorSms::default()
        .set_provider(UserFactorSmsProvider::Okta)
        .set_profile(UserFactorSmsProfile::default().set_phone_number("+1-555-415-1337"));
    let factor = client
        .enroll_factor()
        .user_id(user_id)
        .body(UserFactor::Sms(sms))
        .send()
        .await?;
    match factor.into_inner() {
        UserFactor::Sms(f) => println!("enrolled sms factor {} with status {}", f.id, f.status),
        other => return Err(format!("expected an SMS factor, got {other:?}").into()),
    }

    common::remove_user(&client, user_id).await?;
    Ok(())
}
