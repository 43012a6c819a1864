//! `okta-mock`: a local fake Okta org on the command line.
//!
//! ```text
//! cargo run -p okta-mock -- [--host 127.0.0.1] [--port 8080] [--users 20000]
//!                           [--api-token TOKEN] [--rate-limit PER_MINUTE] [--log-events N]
//!                           [--bucket-limit 'GET /api/v1/users=PER_MINUTE']...
//!                           [--concurrency-limit N] [--latency-ms MS]
//! ```

use std::process::ExitCode;

const USAGE: &str = "usage: okta-mock [--host ADDR] [--port PORT] [--users N] [--api-token TOKEN] [--rate-limit PER_MINUTE] [--log-events N] [--bucket-limit 'METHOD PATTERN=PER_MINUTE']... [--concurrency-limit N] [--latency-ms MS]";

/// `--bucket-limit`'s value: `METHOD PATTERN=PER_MINUTE` or `PATTERN=PER_MINUTE`.
fn bucket_limit(value: &str) -> Result<(okta_mock::Bucket, u32), String> {
    let bad = || format!("--bucket-limit: '{value}' is not 'METHOD PATTERN=PER_MINUTE'");
    let (bucket, limit) = value.rsplit_once('=').ok_or_else(bad)?;
    let limit = limit.trim().parse::<u32>().map_err(|_| bad())?;
    match bucket.parse::<okta_mock::Bucket>() {
        Ok(bucket) if !bucket.pattern().is_empty() => Ok((bucket, limit)),
        Ok(_) => Err(bad()),
        Err(never) => match never {},
    }
}

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
            "--bucket-limit" => {
                let (bucket, limit) = bucket_limit(value)?;
                builder.bucket_limit(bucket, limit, std::time::Duration::from_secs(60))
            }
            "--concurrency-limit" => {
                builder.concurrency_limit(usize::try_from(number("a count")?).unwrap_or(usize::MAX))
            }
            "--latency-ms" => builder.latency(std::time::Duration::from_millis(number("a count")?)),
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
        "okta-mock: inject faults with POST {}/__mock/faults, set limits with POST {}/__mock/limits, counters at GET {}/__mock/stats",
        org.url(),
        org.url(),
        org.url()
    );
    if tokio::signal::ctrl_c().await.is_err() {
        eprintln!("okta-mock: cannot wait for Ctrl-C; stopping");
    }
    org.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_limits_from_the_command_line() {
        let (bucket, limit) = bucket_limit("GET /api/v1/users/{id}=600").expect("valid");
        assert_eq!((bucket.to_string(), limit), ("GET /api/v1/users/{id}".to_string(), 600));
        let (bucket, limit) = bucket_limit("/api/v1/groups*=50").expect("valid");
        assert_eq!(
            (bucket.method(), bucket.pattern(), limit),
            (None, "/api/v1/groups*", 50)
        );
        assert!(bucket_limit("/api/v1/groups*").is_err());
        assert!(bucket_limit("=5").is_err());
        assert!(bucket_limit("/api/v1/groups=many").is_err());
        let args = [
            "--bucket-limit",
            "POST /api/v1/users=5",
            "--concurrency-limit",
            "3",
            "--latency-ms",
            "20",
        ];
        assert!(parse(&args.map(String::from)).is_ok());
    }
}
