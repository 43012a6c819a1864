//! Defaults and validation of the merged raw configuration.

use super::raw::Raw;
use super::source::{self as keys, ConfigSource, Key};
use super::{AuthConfig, CacheConfig, Config, ConfigError, ConfigProblem, LoggingConfig, ProxyConfig};
use crate::auth::{AssertionSigner, KeySigner};
use crate::secret::Secret;
use figment::{Figment, Source};
use std::sync::Arc;
use std::time::Duration;

/// `okta.client.readTimeout` when no source sets it: a call ends with `Error::Stalled` once
/// the server has sent nothing for this long (Okta answers in well under a second; a minute
/// leaves room for slow networks and large pages without letting a stalled server hold a
/// call forever).
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);

/// The source a figment value's metadata names (env values have no file or code location).
fn source_from(meta: &figment::Metadata, key: Option<Key>) -> ConfigSource {
    match (&meta.source, key) {
        (Some(Source::File(path)), _) => ConfigSource::File(path.clone()),
        (Some(Source::Code(_)), _) | (_, None) => ConfigSource::Code,
        (_, Some(k)) => ConfigSource::Env(k.env),
    }
}

/// Where the merged value of `key` came from.
pub(crate) fn source_of(figment: &Figment, key: Key) -> ConfigSource {
    figment
        .find_metadata(key.path)
        .map_or(ConfigSource::Default, |meta| source_from(meta, Some(key)))
}

fn err(figment: &Figment, key: Key, problem: ConfigProblem) -> ConfigError {
    ConfigError {
        key: Some(key),
        source_: source_of(figment, key),
        problem,
    }
}

/// Turns a figment extraction error into a [`ConfigError`] that never shows a secret.
pub(crate) fn extract_error(figment: &Figment, e: figment::Error) -> ConfigError {
    let key = keys::find(&e.path.join("."));
    let source_ = match (&e.metadata, key) {
        (Some(meta), key) => source_from(meta, key),
        (None, Some(k)) => source_of(figment, k),
        (None, None) => ConfigSource::Default,
    };
    let problem = match key {
        Some(k) if k.secret => ConfigProblem::WrongType("expected text".into()),
        Some(_) => ConfigProblem::WrongType(e.kind.to_string()),
        // No key: the file itself does not parse (figment names the file and the position).
        None => ConfigProblem::BadFile(e.kind.to_string()),
    };
    ConfigError { key, source_, problem }
}

const ADMIN_DOMAINS: &[&str] = &[
    "-admin.okta.com",
    "-admin.oktapreview.com",
    "-admin.okta-emea.com",
    "-admin.okta-gov.com",
    "-admin.okta.mil",
    "-admin.okta-miltest.com",
];

fn org_url(raw: Option<String>, https_check: bool, f: &Figment) -> Result<reqwest::Url, ConfigError> {
    let k = keys::ORG_URL;
    let url = raw
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty())
        .ok_or_else(|| err(f, k, ConfigProblem::Missing(k.env)))?;
    if url.contains("{yourOktaDomain}") {
        return Err(err(f, k, ConfigProblem::Placeholder("{yourOktaDomain}")));
    }
    if url.matches("://").count() > 1 {
        return Err(err(f, k, ConfigProblem::MultipleSchemes(redact_url(&url))));
    }
    let lower = url.to_ascii_lowercase();
    if https_check && !lower.starts_with("https://") {
        return Err(err(f, k, ConfigProblem::NotHttps(redact_url(&url))));
    }
    if ADMIN_DOMAINS.iter().any(|d| lower.contains(d)) {
        return Err(err(f, k, ConfigProblem::AdminDomain(redact_url(&url))));
    }
    if lower.contains(".com.com") {
        return Err(err(f, k, ConfigProblem::DoubleCom(redact_url(&url))));
    }
    let parsed = reqwest::Url::parse(url.trim_end_matches('/'))
        .map_err(|_| err(f, k, ConfigProblem::InvalidUrl(redact_url(&url))))?;
    if parsed.host_str().is_none() || !matches!(parsed.scheme(), "http" | "https") {
        return Err(err(f, k, ConfigProblem::InvalidUrl(redact_url(&url))));
    }
    // An origin and nothing else: requests are built on it, and credentials go only there.
    let extra = if !parsed.username().is_empty() || parsed.password().is_some() {
        Some("user name or password")
    } else if parsed.query().is_some() {
        Some("query")
    } else if parsed.fragment().is_some() {
        Some("fragment")
    } else if parsed.path() != "/" {
        Some("path")
    } else {
        None
    };
    if let Some(part) = extra {
        return Err(err(f, k, ConfigProblem::NotAnOrigin(redact_url(&url), part)));
    }
    Ok(parsed)
}

/// `url` with anything between `://` and the last `@` before the host (a user name and
/// password) replaced by `***`, for error messages.
pub(crate) fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}***@{}", &url[..scheme_end], &rest[at + 1..]),
        None => url.to_string(),
    }
}

fn secret(raw: Option<String>, key: Key, placeholder: &'static str, f: &Figment) -> Result<Secret, ConfigError> {
    let value = raw
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| err(f, key, ConfigProblem::Missing(key.env)))?;
    if value.contains(placeholder) {
        return Err(err(f, key, ConfigProblem::Placeholder(placeholder)));
    }
    if reqwest::header::HeaderValue::from_str(value.trim()).is_err() {
        return Err(err(f, key, ConfigProblem::NotAHeaderValue));
    }
    Ok(Secret::new(value.trim()))
}

/// The longest duration any key takes: a year.
pub(crate) const MAX_DURATION: Duration = Duration::from_secs(365 * 24 * 3600);

/// A duration key's value: decimal seconds (`30`, `0.5`, `0.000001`), exact to the
/// nanosecond, from 0 up to [`MAX_DURATION`]; `positive` refuses 0 too.
fn seconds(
    raw: Option<String>,
    key: Key,
    default: Duration,
    positive: bool,
    f: &Figment,
) -> Result<Duration, ConfigError> {
    let Some(text) = raw else { return Ok(default) };
    let bad = |why: &'static str| err(f, key, ConfigProblem::BadDuration(text.clone(), why));
    let value = parse_seconds(&text).ok_or_else(|| bad("expected a number of seconds, e.g. 30 or 0.5"))?;
    if value > MAX_DURATION {
        return Err(bad("at most a year (31536000 seconds)"));
    }
    if positive && value.is_zero() {
        return Err(bad("must be more than 0 seconds"));
    }
    Ok(value)
}

/// Decimal seconds as exact text: digits, optionally `.` and up to nine more digits.
fn parse_seconds(text: &str) -> Option<Duration> {
    let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 9 {
        return None;
    }
    let secs = if whole.is_empty() {
        0
    } else {
        whole.parse::<u64>().ok()?
    };
    let nanos = if fraction.is_empty() {
        0
    } else {
        fraction.parse::<u32>().ok()? * 10u32.pow(9 - fraction.len() as u32)
    };
    Some(Duration::new(secs, nanos))
}

/// `d` as the exact decimal text [`parse_seconds`] reads (how code-set durations travel).
pub(crate) fn exact_seconds(d: Duration) -> String {
    format!("{}.{:09}", d.as_secs(), d.subsec_nanos())
}

pub(crate) fn validate(
    raw: Raw,
    f: &Figment,
    custom_signer: Option<Arc<dyn AssertionSigner>>,
    provider: Option<Arc<dyn crate::auth::TokenProvider>>,
) -> Result<Config, ConfigError> {
    let c = raw.okta.client;
    let disable_https_check = raw.okta.testing.disable_https_check.unwrap_or(false);
    let org_url = org_url(c.org_url, !disable_https_check, f)?;

    let mode = c.authorization_mode.unwrap_or_else(|| "SSWS".into());
    let auth = match (provider, mode.trim().to_ascii_lowercase().as_str()) {
        (Some(provider), _) => AuthConfig::TokenProvider { provider },
        (None, "ssws" | "") => AuthConfig::Ssws {
            token: secret(c.token, keys::TOKEN, "{apiToken}", f)?,
        },
        (None, "bearer") => AuthConfig::Bearer {
            token: secret(c.token, keys::TOKEN, "{apiToken}", f)?,
        },
        (None, "privatekey") => {
            let k = keys::CLIENT_ID;
            let client_id = c
                .client_id
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .ok_or_else(|| err(f, k, ConfigProblem::Missing(k.env)))?;
            if client_id.contains("{clientId}") {
                return Err(err(f, k, ConfigProblem::Placeholder("{clientId}")));
            }
            let scopes = c.scopes.unwrap_or_default();
            if scopes.is_empty() {
                return Err(err(f, keys::SCOPES, ConfigProblem::NoScopes));
            }
            let signer: Arc<dyn AssertionSigner> = match custom_signer {
                Some(s) => s,
                None => {
                    let k = keys::PRIVATE_KEY;
                    let text = c
                        .private_key
                        .filter(|t| !t.trim().is_empty())
                        .ok_or_else(|| err(f, k, ConfigProblem::Missing(k.env)))?;
                    let signer = KeySigner::parse(&text, c.kid.clone())
                        .map_err(|e| err(f, k, ConfigProblem::BadKey(e.to_string())))?;
                    Arc::new(signer)
                }
            };
            AuthConfig::PrivateKey {
                client_id,
                scopes,
                signer,
            }
        }
        (None, _) => {
            return Err(err(f, keys::AUTHORIZATION_MODE, ConfigProblem::UnknownMode(mode)));
        }
    };

    let proxy = match (c.proxy.host.filter(|h| !h.trim().is_empty()), c.proxy.port) {
        (None, _) => None,
        (Some(host), port) => {
            let port = match port {
                None => 80,
                Some(p) => u16::try_from(p)
                    .ok()
                    .filter(|p| *p >= 1)
                    .ok_or_else(|| err(f, keys::PROXY_PORT, ConfigProblem::OutOfRange(p, "1..=65535")))?,
            };
            let credentials = match (c.proxy.username, c.proxy.password) {
                (None, None) => None,
                (Some(u), Some(p)) => Some((u, Secret::new(p))),
                (Some(_), None) => {
                    return Err(err(
                        f,
                        keys::PROXY_USERNAME,
                        ConfigProblem::HalfProxyCredentials(keys::PROXY_PASSWORD.path),
                    ));
                }
                (None, Some(_)) => {
                    return Err(err(
                        f,
                        keys::PROXY_PASSWORD,
                        ConfigProblem::HalfProxyCredentials(keys::PROXY_USERNAME.path),
                    ));
                }
            };
            Some(ProxyConfig {
                host,
                port,
                credentials,
            })
        }
    };
    // Port out of range is an error even without a host, so the mistake is not hidden.
    if proxy.is_none()
        && let Some(p) = c.proxy.port
        && !(1..=65535).contains(&p)
    {
        return Err(err(f, keys::PROXY_PORT, ConfigProblem::OutOfRange(p, "1..=65535")));
    }

    let max_retries = match c.rate_limit.max_retries {
        None => 2,
        Some(v) => {
            u32::try_from(v).map_err(|_| err(f, keys::MAX_RETRIES, ConfigProblem::OutOfRange(v, "0 or more")))?
        }
    };
    let rate_limit_share = match c.rate_limit.share_percent {
        None => None,
        Some(v) if (1..=100).contains(&v) => Some(v as f64 / 100.0),
        Some(v) => return Err(err(f, keys::SHARE_PERCENT, ConfigProblem::OutOfRange(v, "1..=100"))),
    };
    let max_concurrent = match c.rate_limit.max_concurrent {
        None => Some(crate::limits::DEFAULT_MAX_CONCURRENT),
        Some(0) => None,
        Some(v) => Some(usize::try_from(v).map_err(|_| {
            err(
                f,
                keys::MAX_CONCURRENT,
                ConfigProblem::OutOfRange(v, "0 (no limit) or more"),
            )
        })?),
    };
    let max_response_bytes = match c.max_response_bytes {
        None => crate::body::DEFAULT_MAX_RESPONSE_BYTES,
        Some(v) => u64::try_from(v)
            .ok()
            .filter(|&n| n >= crate::body::MIN_MAX_RESPONSE_BYTES)
            .ok_or_else(|| {
                err(
                    f,
                    keys::MAX_RESPONSE_BYTES,
                    ConfigProblem::OutOfRange(v, "1024 or more"),
                )
            })?,
    };
    let request_timeout = seconds(c.request_timeout, keys::REQUEST_TIMEOUT, Duration::ZERO, false, f)?;
    let read_timeout = seconds(c.read_timeout, keys::READ_TIMEOUT, DEFAULT_READ_TIMEOUT, false, f)?;
    Ok(Config {
        org_url,
        auth,
        dpop: c.dpop.unwrap_or(false),
        user_agent: c.user_agent.filter(|u| !u.trim().is_empty()),
        connection_timeout: seconds(
            c.connection_timeout,
            keys::CONNECTION_TIMEOUT,
            Duration::from_secs(30),
            true,
            f,
        )?,
        request_timeout: (!request_timeout.is_zero()).then_some(request_timeout),
        read_timeout: (!read_timeout.is_zero()).then_some(read_timeout),
        max_response_bytes,
        max_retries,
        rate_limit_share,
        max_concurrent,
        cache: CacheConfig {
            enabled: c.cache.enabled.unwrap_or(false),
            ttl: seconds(c.cache.default_ttl, keys::CACHE_TTL, Duration::from_secs(300), false, f)?,
            tti: seconds(c.cache.default_tti, keys::CACHE_TTI, Duration::from_secs(300), false, f)?,
        },
        proxy,
        logging: LoggingConfig {
            enabled: c.logging.enabled.unwrap_or(false),
            level: c.logging.log_level,
        },
        disable_https_check,
    })
}
