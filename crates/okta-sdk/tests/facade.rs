//! The facade's front doors: `Client::from_env()` (all sources) and `Client::builder()`.

// figment's `Jail` closures must return figment's own (large) error type.
#![allow(clippy::result_large_err)]

use httpmock::MockServer;
use okta_sdk::DefaultRetryPolicy;
use okta_sdk::prelude::*;
use okta_sdk::runtime::{ConfigProblem, ConfigSource, ExponentialBackoff};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn the_builder_makes_a_working_client_with_code_only_settings() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method("GET")
            .path("/api/v1/users/00u1")
            .header("authorization", "SSWS 00builder-token")
            .header("x-from-http-client", "yes")
            .header_matches("user-agent", " my-app/3$");
        then.status(200).json_body(json!({"id": "00u1"}));
    });
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-from-http-client", reqwest::header::HeaderValue::from_static("yes"));
    let policy = DefaultRetryPolicy::new(1).backoff(Arc::new(ExponentialBackoff::fixed(Duration::from_millis(5))));
    let client = okta_sdk::Client::builder()
        .code_only()
        .org_url(server.base_url())
        .disable_https_check(true)
        .api_token("00builder-token")
        .user_agent("my-app/3")
        .request_timeout(Duration::from_secs(10))
        .cache(true, Duration::from_secs(60), Duration::from_secs(60))
        .retry_policy(Arc::new(policy))
        .http_client(
            reqwest::Client::builder()
                .default_headers(defaults)
                .build()
                .expect("http"),
        )
        .build()
        .expect("valid");
    let user = client.get_user().id("00u1").send().await.expect("user");
    assert_eq!(user.id, "00u1");
    client.get_user().id("00u1").send().await.expect("cached");
    assert_eq!(mock.calls(), 1, "the cache setting reached the runtime");
    assert!(!format!("{client:?}").contains("00builder-token"));
}

#[test]
fn bad_input_is_a_typed_config_error_naming_key_and_source() {
    let err = okta_sdk::Client::builder()
        .code_only()
        .org_url("https://dev-1.okta.com")
        .api_token("00abc{apiToken}")
        .build()
        .expect_err("placeholder token");
    let okta_sdk::BuildError::Config(config) = &err else {
        panic!("not a config error: {err}");
    };
    assert_eq!(config.key.unwrap().path, "okta.client.token");
    assert_eq!(config.source_, ConfigSource::Code);
    assert!(!err.to_string().contains("00abc"), "{err}");

    let err = okta_sdk::Client::builder()
        .code_only()
        .org_url("https://dev-1.okta.com")
        .private_key("0oa1", "not a key")
        .scopes(["okta.users.read"])
        .build()
        .expect_err("bad key");
    assert!(
        matches!(&err, okta_sdk::BuildError::Config(c) if c.key.is_some_and(|k| k.path == "okta.client.privateKey")),
        "{err}"
    );
    let okta_sdk::BuildError::Config(c) = &err else {
        unreachable!()
    };
    assert!(!matches!(c.problem, ConfigProblem::Missing(_)), "{err}");
}

#[tokio::test]
async fn from_env_reads_the_yaml_files_and_the_environment() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method("GET")
            .path("/api/v1/groups")
            .header("authorization", "SSWS 00from-the-environment");
        then.status(200).json_body(json!([]));
    });
    let url = server.base_url();
    let mut built = None;
    figment::Jail::expect_with(|jail| {
        jail.clear_env();
        let home = jail.directory().join("home");
        std::fs::create_dir_all(home.join(".okta")).map_err(|e| e.to_string())?;
        std::fs::write(
            home.join(".okta/okta.yaml"),
            format!("okta:\n  client:\n    orgUrl: {url}\n    token: 00from-the-home-file\n"),
        )
        .map_err(|e| e.to_string())?;
        jail.set_env("HOME", home.display());
        jail.set_env("OKTA_CLIENT_TOKEN", "00from-the-environment");
        jail.set_env("OKTA_TESTING_TESTINGDISABLEHTTPSCHECK", "true");
        built = Some(okta_sdk::Client::from_env().map_err(|e| e.to_string())?);
        Ok(())
    });
    let client = built.expect("built in the jail");
    let groups = client.list_groups().send().await.expect("groups");
    assert!(groups.is_empty());
    assert_eq!(mock.calls(), 1, "the environment's token won over the home file's");
}

/// An operation that answers XML asks for XML (`Accept: text/xml`), and its bytes come back.
#[tokio::test]
async fn an_xml_operation_asks_for_xml() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method("GET")
            .path("/api/v1/apps/0oa1/sso/saml/metadata")
            .query_param("kid", "k1")
            .header("accept", "text/xml");
        then.status(200)
            .header("content-type", "text/xml")
            .body("<md:EntityDescriptor/>");
    });
    let client = okta_sdk::Client::builder()
        .code_only()
        .org_url(server.base_url())
        .disable_https_check(true)
        .api_token("00xml-token")
        .build()
        .expect("client");
    let answer = client
        .preview_sam_lmetadata_for_application()
        .app_id("0oa1")
        .kid("k1")
        .send()
        .await
        .expect("the XML answer");
    assert_eq!(answer.status(), okta_sdk::StatusCode::OK);
    let body: okta_sdk::Bytes = answer.into_inner();
    assert_eq!(&body[..], b"<md:EntityDescriptor/>");
    mock.assert();
}
