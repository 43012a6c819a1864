//! Custom headers: set one on the client (every request carries it), read it, see the
//! default headers, send one on a single call, and clear them.
//!
//! expect: custom header x-correlation-id = example-1234
//! expect: default user-agent okta-sdk-rust/
//! expect: request sent with the custom headers
//! expect: custom headers after clear: 0

mod common;

use okta_sdk::RequestOptions;
use okta_sdk::header::{HeaderName, HeaderValue};
use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session {
        mut client,
        local: _org,
    } = common::connect().await?;

    client.set_header(
        HeaderName::from_static("x-correlation-id"),
        HeaderValue::from_static("example-1234"),
    );
    let value = client
        .header("x-correlation-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("?");
    println!("custom header x-correlation-id = {value}");
    if let Some(agent) = client.default_headers().get("user-agent").and_then(|v| v.to_str().ok()) {
        println!("default user-agent {agent}");
    }

    // This call carries x-correlation-id, and x-request-source for this call only.
    let per_call = RequestOptions::new().header(
        HeaderName::from_static("x-request-source"),
        HeaderValue::from_static("examples"),
    );
    let users = client.list_users().limit(1).options(per_call).send().await?;
    println!("request sent with the custom headers (status {})", users.status());

    client.clear_headers();
    println!("custom headers after clear: {}", client.custom_headers().len());
    Ok(())
}
