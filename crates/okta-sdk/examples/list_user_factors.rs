//! List a user's enrolled factors.
//!
//! expect: factors of
//! expect: sms PENDING_ACTIVATION
//! expect: question ACTIVE

mod common;

use okta_sdk::models::{
    UserFactor, UserFactorSecurityQuestion, UserFactorSecurityQuestionProfile, UserFactorSms, UserFactorSmsProfile,
};
use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let user = common::create_user(&client, "factors").await?;
    let user_id = &user.id;
    // Two factors to list; each type writes its own `factorType`.
    let sms = UserFactorSms::default()
        .set_provider("OKTA")
        .set_profile(UserFactorSmsProfile::default().set_phone_number("+1-555-415-1337"));
    let question = UserFactorSecurityQuestion::default().set_provider("OKTA").set_profile(
        UserFactorSecurityQuestionProfile::default()
            .set_question("name_of_first_plush_toy")
            .set_answer("Teddy the bear"),
    );
    for factor in [UserFactor::from(sms), UserFactor::from(question)] {
        client.enroll_factor().user_id(user_id).body(factor).send().await?;
    }

    let factors = client.list_factors().user_id(user_id).send().await?;
    println!("factors of {user_id}:");
    for factor in factors.iter() {
        let (kind, status) = match factor {
            UserFactor::Sms(f) => ("sms", f.status.as_str()),
            UserFactor::SecurityQuestion(f) => ("question", f.status.as_str()),
            // Raw JSON: what it carries is not known.
            UserFactor::Unknown(raw) => ("unknown", raw.get("status").and_then(|s| s.as_str()).unwrap_or("?")),
            _ => ("other", "?"),
        };
        println!("  {kind} {status}");
    }
    common::remove_user(&client, user_id).await?;
    Ok(())
}
