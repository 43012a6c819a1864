//! `okta-mock`: a local fake Okta org on the command line.
//!
//! ```text
//! cargo run -p okta-mock -- [--host 127.0.0.1] [--port 8080] [--users 20000]
//!                           [--api-token TOKEN] [--rate-limit PER_MINUTE] [--log-events N]
//! ```

use std::process::ExitCode;

const USAGE: &str = "usage: okta-mock [--host ADDR] [--port PORT] [--users N] [--api-token TOKEN] [--rate-limit PER_MINUTE] [--log-events N]";

fn parse(args: &[String]) -> Result<okta_mock::MockOrgBuilder, String> {
    let mut builder = okta_mock::MockOrg::builder();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.into());
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let number = |what: &str| {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag}: '{value}' is not {what}"))
        };
        builder = match flag.as_str() {
            "--host" => builder.host(value.clone()),
            "--port" => {
                builder.port(u16::try_from(number("a port")?).map_err(|_| format!("{flag}: '{value}' is not a port"))?)
            }
            "--users" => builder.users(number("a count")? as usize),
            "--api-token" => builder.api_token(value.clone()),
            "--log-events" => builder.log_events(usize::try_from(number("a count")?).unwrap_or(usize::MAX)),
            "--rate-limit" => builder.rate_limit(u32::try_from(number("a count")?).unwrap_or(u32::MAX)),
            other => return Err(format!("unknown option '{other}'\n{USAGE}")),
        };
    }
    Ok(builder)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let builder = match parse(&args) {
        Ok(b) => b,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let org = match builder.start().await {
        Ok(org) => org,
        Err(e) => {
            eprintln!("okta-mock: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "okta-mock: a fake Okta org at {} with {} users",
        org.url(),
        org.user_count()
    );
    println!(
        "okta-mock: OKTA_CLIENT_ORGURL={} OKTA_CLIENT_TOKEN={}",
        org.url(),
        org.api_token()
    );
    println!(
        "okta-mock: inject faults with POST {}/__mock/faults, counters at GET {}/__mock/stats",
        org.url(),
        org.url()
    );
    if tokio::signal::ctrl_c().await.is_err() {
        eprintln!("okta-mock: cannot wait for Ctrl-C; stopping");
    }
    org.shutdown().await;
    ExitCode::SUCCESS
}
