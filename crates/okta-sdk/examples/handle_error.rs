//! Handle an Okta error: match on the one error type, read Okta's error fields, and tell
//! "not found" from other failures.
//!
//! expect: not found: E0000007
//! expect: request id
//! expect: validation failed: E0000001 (1 cause)

mod common;

use okta_sdk::models::{CreateUserRequest, UserProfile};
use okta_sdk::prelude::*;
use okta_sdk::{Error, ErrorKind, StatusCode};

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect().await?;

    match client.get_user().id("00unosuchuser0000000").send().await {
        Ok(user) => println!("unexpectedly found {:?}", user.id),
        Err(Error::Api(api)) if api.status == StatusCode::NOT_FOUND => {
            println!(
                "not found: {} {}",
                api.error_code.as_deref().unwrap_or("?"),
                api.error_summary.as_deref().unwrap_or("")
            );
            println!(
                "request id {} (quote it to Okta support)",
                api.request_id.as_deref().unwrap_or("?")
            );
        }
        Err(other) => return Err(other.into()),
    }

    // An invalid body: Okta says which field, in `errorCauses`.
    let no_email =
        CreateUserRequest::default().set_profile(UserProfile::default().set_login(common::unique_login("nomail")));
    let err = client
        .create_user()
        .body(no_email)
        .send()
        .await
        .expect_err("Okta requires an email");
    match err.kind() {
        ErrorKind::Api => {
            let api = err.api().ok_or("an API error carries its details")?;
            println!(
                "validation failed: {} ({} cause): {}",
                api.error_code.as_deref().unwrap_or("?"),
                api.error_causes.len(),
                api.error_causes.join("; ")
            );
        }
        ErrorKind::Transport | ErrorKind::Timeout => println!("network trouble, try again: {err}"),
        _ => println!("something else: {err}"),
    }
    Ok(())
}
