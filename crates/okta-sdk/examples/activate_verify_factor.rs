//! Activate an SMS factor with the code Okta sent, then verify it.
//!
//! Against a real org, put the code from the SMS in `OKTA_EXAMPLE_PASSCODE` (the example
//! stops after enrolling when it is not set). The local org's code is `okta_mock::PASS_CODE`.
//!
//! expect: factor ACTIVE
//! expect: verify without a code: CHALLENGE
//! expect: verify with the code: SUCCESS

mod common;

use okta_sdk::models::{
    UserFactor, UserFactorActivateRequest, UserFactorActivateResponse, UserFactorPassCode, UserFactorSms,
    UserFactorSmsProfile, UserFactorSmsProvider, UserFactorVerifyRequest, VerifyFactorResponse,
};
use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let session = common::connect().await?;
    let client = &session.client;
    let user = common::create_user(client, "verifier").await?;
    let user_id = &user.id;
    let sms = UserFactorSms::default()
        .set_provider(UserFactorSmsProvider::Okta)
        .set_profile(UserFactorSmsProfile::default().set_phone_number("+1-555-415-1337"));
    let UserFactor::Sms(enrolled) = client
        .enroll_factor()
        .user_id(user_id)
        .body(UserFactor::from(sms))
        .send()
        .await?
        .into_inner()
    else {
        return Err("Okta did not answer with an SMS factor".into());
    };
    let factor_id = &enrolled.id;

    let code = match (&session.local, std::env::var("OKTA_EXAMPLE_PASSCODE")) {
        (Some(_), _) => okta_mock::PASS_CODE.to_string(),
        (None, Ok(code)) => code,
        (None, Err(_)) => {
            println!("enrolled {factor_id}; set OKTA_EXAMPLE_PASSCODE to the SMS code to activate it");
            return Ok(());
        }
    };

    let activate = UserFactorActivateRequest::Sms {
        pass_code: Some(UserFactorPassCode(code.clone())),
    };
    let activated = client
        .activate_factor()
        .user_id(user_id)
        .factor_id(factor_id)
        .body(activate)
        .send()
        .await?;
    if let UserFactorActivateResponse::UserFactorSms(f) = activated.into_inner() {
        println!("factor {}", f.status);
    }

    // Without a code Okta sends one (201, CHALLENGE); with it the factor verifies.
    let challenge = client
        .verify_factor()
        .user_id(user_id)
        .factor_id(factor_id)
        .body(UserFactorVerifyRequest::Sms { pass_code: None })
        .send()
        .await?;
    // The answer is the result, or (for push factors) a "waiting" shape; each variant is named
    // after its type.
    let result = |r: &VerifyFactorResponse| match r {
        VerifyFactorResponse::UserFactorVerifyResponse(v) => {
            v.factor_result.as_ref().map_or("?", |s| s.as_str()).to_string()
        }
        other => serde_json::to_value(other)
            .map(|v| v["factorResult"].to_string())
            .unwrap_or_default(),
    };
    println!("verify without a code: {}", result(&challenge));
    let verified = client
        .verify_factor()
        .user_id(user_id)
        .factor_id(factor_id)
        .body(UserFactorVerifyRequest::Sms {
            pass_code: Some(UserFactorPassCode(code)),
        })
        .send()
        .await?;
    println!("verify with the code: {}", result(&verified));

    common::remove_user(client, user_id).await?;
    Ok(())
}
