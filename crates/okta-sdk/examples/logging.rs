//! Turn on logging: the SDK reports through `tracing`. Any subscriber works; here
//! `tracing-subscriber` prints to standard output. Secrets never appear in these logs.
//!
//! expect: okta.call
//! expect: operation="listUsers"
//! expect: listed 2 users with logging on

mod common;

use okta_sdk::prelude::*;
use tracing_subscriber::fmt::format::FmtSpan;

#[tokio::main]
async fn main() -> common::Result {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .with_writer(std::io::stdout)
        .with_ansi(false)
        .init();
    let common::Session { client, local: _org } = common::connect_with_users(2).await?;
    let users = client.list_users().send().await?;
    println!("listed {} users with logging on", users.len());
    Ok(())
}
