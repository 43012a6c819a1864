//! List a user's enrolled factors.
//!
//! expect: factors of
//! expect: sms PENDING_ACTIVATION
//! expect: question ACTIVE

mod common;

use okta::models::UserFactor;
use okta::prelude::*;
use serde_json::json;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;
    let user = common::create_user(&client, "factors").await?;
    let user_id = user.id.clone().unwrap_or_default();
    // Two factors to list (bodies can also be written as JSON and decoded into the model).
    for body in [
        json!({"factorType": "sms", "provider": "OKTA", "profile": {"phoneNumber": "+1-555-415-1337"}}),
        json!({"factorType": "question", "provider": "OKTA",
               "profile": {"question": "name_of_first_plush_toy", "answer": "Teddy the bear"}}),
    ] {
        let factor: UserFactor = serde_json::from_value(body)?;
        client.enroll_factor().user_id(&user_id).body(factor).send().await?;
    }

    let factors = client.list_factors().user_id(&user_id).send().await?;
    println!("factors of {user_id}:");
    for factor in factors.iter() {
        let (kind, status) = match factor {
            UserFactor::Sms(f) => ("sms", f.status.as_ref().map(|s| s.as_str())),
            UserFactor::SecurityQuestion(f) => ("question", f.status.as_ref().map(|s| s.as_str())),
            UserFactor::Unknown(raw) => ("unknown", raw.get("status").and_then(|s| s.as_str())),
            _ => ("other", None),
        };
        println!("  {kind} {}", status.unwrap_or("?"));
    }
    common::remove_user(&client, &user_id).await?;
    Ok(())
}
