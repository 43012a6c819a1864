//! Configuration: precedence of the five sources, every validation rule, and redaction.
// figment's `Jail` closures must return figment's own (large) error type.
#![allow(clippy::result_large_err)]

use figment::Jail;
use okta_runtime::config::keys;
use okta_runtime::{AuthConfig, Config, ConfigProblem, ConfigSource};
use std::time::Duration;

const EC_P256_PKCS8: &str = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg";

fn code() -> okta_runtime::ConfigBuilder {
    Config::builder().code_only()
}

#[test]
fn all_five_sources_in_documented_order() {
    Jail::expect_with(|jail| {
        jail.clear_env();
        let home = jail.directory().join("home");
        jail.create_dir("home/.okta")?;
        jail.create_file(
            "home/.okta/okta.yaml",
            "okta:\n  client:\n    orgUrl: https://home.okta.com\n    token: home-token\n    connectionTimeout: 10\n    requestTimeout: 11\n    rateLimit:\n      maxRetries: 5\n    userAgent: from-home\n",
        )?;
        jail.create_file(
            "okta.yaml",
            "okta:\n  client:\n    orgUrl: https://cwd.okta.com\n    token: cwd-token\n    connectionTimeout: 20\n    userAgent: from-cwd\n",
        )?;
        jail.set_env("OKTA_CLIENT_TOKEN", "env-token");
        jail.set_env("OKTA_CLIENT_CONNECTIONTIMEOUT", "40");
        jail.set_env("OKTA_CLIENT_CACHE_ENABLED", "true");

        // Layers 1-4: defaults < home < cwd < env.
        let c = Config::builder().home_dir(&home).build().expect("valid");
        assert_eq!(c.org_url.as_str(), "https://cwd.okta.com/", "cwd file beats home file");
        assert_eq!(c.base_url(), "https://cwd.okta.com");
        assert!(
            matches!(&c.auth, AuthConfig::Ssws { token } if token.expose() == "env-token"),
            "env beats files"
        );
        assert_eq!(c.connection_timeout, Duration::from_secs(40), "env beats files");
        assert_eq!(
            c.request_timeout,
            Some(Duration::from_secs(11)),
            "home file beats default"
        );
        assert_eq!(c.max_retries, 5);
        assert_eq!(c.user_agent.as_deref(), Some("from-cwd"));
        assert!(c.cache.enabled);
        assert_eq!(c.cache.ttl, Duration::from_secs(300), "default");

        // Layer 5: code beats everything.
        let c = Config::builder()
            .home_dir(&home)
            .api_token("code-token")
            .connection_timeout(Duration::from_secs(50))
            .build()
            .expect("valid");
        assert!(matches!(&c.auth, AuthConfig::Ssws { token } if token.expose() == "code-token"));
        assert_eq!(c.connection_timeout, Duration::from_secs(50));
        Ok(())
    });
}

#[test]
fn errors_name_the_source_of_the_bad_value() {
    Jail::expect_with(|jail| {
        jail.clear_env();
        let home = jail.directory().join("home");
        jail.create_dir("home/.okta")?;
        jail.create_file(
            "home/.okta/okta.yaml",
            "okta:\n  client:\n    orgUrl: http://home.okta.com\n    token: t\n",
        )?;
        let e = Config::builder().home_dir(&home).build().unwrap_err();
        assert_eq!(e.key, Some(keys::ORG_URL));
        assert_eq!(e.source_, ConfigSource::File(home.join(".okta/okta.yaml")));
        assert!(e.to_string().contains("okta.yaml"), "{e}");

        jail.create_file("okta.yaml", "okta:\n  client:\n    orgUrl: https://x-admin.okta.com\n")?;
        let e = Config::builder().home_dir(&home).build().unwrap_err();
        assert_eq!(e.source_, ConfigSource::File(jail.directory().join("okta.yaml")));
        assert!(matches!(e.problem, ConfigProblem::AdminDomain(_)));

        jail.set_env("OKTA_CLIENT_ORGURL", "https://{yourOktaDomain}");
        let e = Config::builder().home_dir(&home).build().unwrap_err();
        assert_eq!(e.source_, ConfigSource::Env("OKTA_CLIENT_ORGURL"));
        assert!(e.to_string().contains("environment variable OKTA_CLIENT_ORGURL"), "{e}");

        let e = Config::builder()
            .home_dir(&home)
            .org_url("https://a.okta.com.com")
            .build()
            .unwrap_err();
        assert_eq!(e.source_, ConfigSource::Code);

        jail.set_env("OKTA_CLIENT_ORGURL", "https://dev.okta.com");
        jail.set_env("OKTA_CLIENT_CONNECTIONTIMEOUT", "soon");
        let e = Config::builder().home_dir(&home).build().unwrap_err();
        assert_eq!(e.key, Some(keys::CONNECTION_TIMEOUT));
        assert_eq!(e.source_, ConfigSource::Env("OKTA_CLIENT_CONNECTIONTIMEOUT"));
        assert!(matches!(e.problem, ConfigProblem::BadDuration(..)), "{e}");
        Ok(())
    });
}

#[test]
fn environment_values_are_parsed() {
    Jail::expect_with(|jail| {
        jail.clear_env();
        let home = jail.directory().join("nohome");
        jail.set_env("OKTA_CLIENT_ORGURL", "http://localhost:8080");
        jail.set_env("OKTA_TESTING_TESTINGDISABLEHTTPSCHECK", "true");
        jail.set_env("OKTA_CLIENT_AUTHORIZATIONMODE", "Bearer");
        jail.set_env("OKTA_CLIENT_TOKEN", "12345");
        jail.set_env("OKTA_CLIENT_REQUESTTIMEOUT", "0");
        jail.set_env("OKTA_CLIENT_RATELIMIT_MAXRETRIES", "0");
        jail.set_env("OKTA_CLIENT_CACHE_DEFAULTTTL", "60");
        jail.set_env("OKTA_CLIENT_CACHE_DEFAULTTTI", "30");
        jail.set_env("OKTA_CLIENT_PROXY_HOST", "proxy.local");
        jail.set_env("OKTA_CLIENT_PROXY_PORT", "3128");
        jail.set_env("OKTA_CLIENT_PROXY_USERNAME", "u");
        jail.set_env("OKTA_CLIENT_PROXY_PASSWORD", "proxy-secret");
        let c = Config::builder().home_dir(&home).build().expect("valid");
        assert!(c.disable_https_check);
        assert_eq!(c.org_url.as_str(), "http://localhost:8080/");
        assert!(
            matches!(&c.auth, AuthConfig::Bearer { token } if token.expose() == "12345"),
            "a numeric token stays text"
        );
        assert_eq!(c.request_timeout, None, "0 means no limit");
        assert_eq!(c.max_retries, 0);
        assert_eq!(
            (c.cache.ttl, c.cache.tti),
            (Duration::from_secs(60), Duration::from_secs(30))
        );
        let proxy = c.proxy.as_ref().expect("proxy");
        assert_eq!((proxy.host.as_str(), proxy.port), ("proxy.local", 3128));
        assert!(!format!("{c:?}").contains("proxy-secret"));

        jail.set_env("OKTA_CLIENT_AUTHORIZATIONMODE", "PrivateKey");
        jail.set_env("OKTA_CLIENT_CLIENTID", "0oa123");
        jail.set_env("OKTA_CLIENT_SCOPES", "okta.users.read, okta.groups.read okta.apps.read");
        jail.set_env("OKTA_CLIENT_PRIVATEKEY", "/no/such/key.pem");
        let e = Config::builder().home_dir(&home).build().unwrap_err();
        assert_eq!(
            e.key,
            Some(keys::PRIVATE_KEY),
            "scopes parsed, so the key is the next problem: {e}"
        );
        Ok(())
    });
}

#[test]
fn every_org_url_rule() {
    type Check = fn(&ConfigProblem) -> bool;
    let cases: &[(Option<&str>, Check)] = &[
        (None, |p| matches!(p, ConfigProblem::Missing("OKTA_CLIENT_ORGURL"))),
        (Some("http://dev.okta.com"), |p| matches!(p, ConfigProblem::NotHttps(_))),
        (Some("https://{yourOktaDomain}"), |p| {
            matches!(p, ConfigProblem::Placeholder(_))
        }),
        (Some("https://dev.okta.com.com"), |p| {
            matches!(p, ConfigProblem::DoubleCom(_))
        }),
        (Some("https://https://dev.okta.com"), |p| {
            matches!(p, ConfigProblem::MultipleSchemes(_))
        }),
    ];
    for (url, check) in cases {
        let mut b = code().api_token("t");
        if let Some(u) = url {
            b = b.org_url(*u);
        }
        let e = b.build().unwrap_err();
        assert_eq!(e.key, Some(keys::ORG_URL));
        assert!(check(&e.problem), "{url:?}: {e}");
    }
    for domain in [
        "okta.com",
        "oktapreview.com",
        "okta-emea.com",
        "okta-gov.com",
        "okta.mil",
    ] {
        let e = code()
            .api_token("t")
            .org_url(format!("https://dev-admin.{domain}"))
            .build()
            .unwrap_err();
        assert_eq!(e.key, Some(keys::ORG_URL));
        assert!(matches!(e.problem, ConfigProblem::AdminDomain(_)), "{domain}: {e}");
    }
    // The testing flag allows http, and only http.
    assert!(
        code()
            .org_url("http://localhost:1")
            .api_token("t")
            .disable_https_check(true)
            .build()
            .is_ok()
    );
}

#[test]
fn every_credential_rule() {
    let base = || code().org_url("https://dev.okta.com");
    let e = base().build().unwrap_err();
    assert_eq!(
        (e.key.unwrap(), &e.problem),
        (keys::TOKEN, &ConfigProblem::Missing("OKTA_CLIENT_TOKEN"))
    );
    let e = base().api_token("{apiToken}").build().unwrap_err();
    assert_eq!(e.problem, ConfigProblem::Placeholder("{apiToken}"));

    let e = base()
        .private_key("", "k")
        .scopes(["okta.users.read"])
        .build()
        .unwrap_err();
    assert_eq!(
        (e.key.unwrap(), &e.problem),
        (keys::CLIENT_ID, &ConfigProblem::Missing("OKTA_CLIENT_CLIENTID"))
    );
    let e = base()
        .private_key("{clientId}", "k")
        .scopes(["okta.users.read"])
        .build()
        .unwrap_err();
    assert_eq!(e.problem, ConfigProblem::Placeholder("{clientId}"));
    let e = base().private_key("0oa1", "k").build().unwrap_err();
    assert_eq!((e.key.unwrap(), &e.problem), (keys::SCOPES, &ConfigProblem::NoScopes));
    let e = base()
        .private_key("0oa1", "")
        .scopes(["okta.users.read"])
        .build()
        .unwrap_err();
    assert_eq!(
        (e.key.unwrap(), &e.problem),
        (keys::PRIVATE_KEY, &ConfigProblem::Missing("OKTA_CLIENT_PRIVATEKEY"))
    );

    // A key that does not parse: the error says why, and never shows the key.
    let broken = format!("{EC_P256_PKCS8}TRUNCATED\n-----END PRIVATE KEY-----\n");
    let e = base()
        .private_key("0oa1", broken.as_str())
        .scopes(["okta.users.read"])
        .build()
        .unwrap_err();
    assert_eq!(e.key, Some(keys::PRIVATE_KEY));
    assert!(matches!(e.problem, ConfigProblem::BadKey(_)), "{e}");
    assert!(
        !e.to_string().contains("MIGHAgEA") && !format!("{e:?}").contains("MIGHAgEA"),
        "{e}"
    );
    let e = base()
        .private_key("0oa1", r#"{"kty":"EC","crv":"P-256","x":"a","y":"b"}"#)
        .scopes(["s"])
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("public key"), "{e}");

    let e = base().api_token("t").proxy("p", 0, None).build().unwrap_err();
    assert_eq!(
        (e.key.unwrap(), &e.problem),
        (keys::PROXY_PORT, &ConfigProblem::OutOfRange(0, "1..=65535"))
    );
    let e = code()
        .org_url("https://dev.okta.com")
        .api_token("t")
        .proxy("p", 8080, Some(("user".into(), String::new())))
        .build();
    assert!(e.is_ok(), "an empty password is still a password");
}

#[test]
fn proxy_credentials_come_in_pairs_and_port_is_bounded() {
    Jail::expect_with(|jail| {
        jail.clear_env();
        let home = jail.directory().join("nohome");
        jail.create_file(
            "okta.yaml",
            "okta:\n  client:\n    orgUrl: https://dev.okta.com\n    token: t\n    proxy:\n      host: p\n      port: 70000\n",
        )?;
        let e = Config::builder().home_dir(&home).build().unwrap_err();
        assert_eq!(
            (e.key.unwrap(), &e.problem),
            (keys::PROXY_PORT, &ConfigProblem::OutOfRange(70000, "1..=65535"))
        );
        jail.create_file(
            "okta.yaml",
            "okta:\n  client:\n    orgUrl: https://dev.okta.com\n    token: t\n    proxy:\n      host: p\n      port: 8080\n      username: u\n",
        )?;
        let e = Config::builder().home_dir(&home).build().unwrap_err();
        assert_eq!(e.key, Some(keys::PROXY_USERNAME));
        assert!(matches!(e.problem, ConfigProblem::HalfProxyCredentials(_)));
        jail.create_file(
            "okta.yaml",
            "okta:\n  client:\n    orgUrl: https://dev.okta.com\n    token: t\n    proxy:\n      host: p\n      port: 8080\n      password: hunter2\n",
        )?;
        let e = Config::builder().home_dir(&home).build().unwrap_err();
        assert_eq!(e.key, Some(keys::PROXY_PASSWORD));
        assert!(!e.to_string().contains("hunter2"));
        Ok(())
    });
}

#[test]
fn secrets_never_show_in_debug_or_errors() {
    let c = code()
        .org_url("https://dev.okta.com")
        .api_token("00SECRET-token")
        .proxy("p", 8080, Some(("user".into(), "pw-SECRET".into())))
        .build()
        .expect("valid");
    let debug = format!("{c:?}");
    assert!(!debug.contains("SECRET"), "{debug}");
    assert!(debug.contains("***"));

    // A wrong-typed secret in a file: the message must not echo it.
    Jail::expect_with(|jail| {
        jail.clear_env();
        jail.create_file(
            "okta.yaml",
            "okta:\n  client:\n    orgUrl: https://dev.okta.com\n    token: [\"LIST-SECRET\"]\n",
        )?;
        let e = Config::builder()
            .home_dir(jail.directory().join("x"))
            .build()
            .unwrap_err();
        assert_eq!(e.key, Some(keys::TOKEN));
        assert!(
            !e.to_string().contains("LIST-SECRET") && !format!("{e:?}").contains("LIST-SECRET"),
            "{e}"
        );
        Ok(())
    });
}
