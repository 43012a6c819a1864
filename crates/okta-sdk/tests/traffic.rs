//! Truth to real traffic, through generated operations: classes of values the spec types
//! wrongly (fixed by normalizer rules), and the lenient decode that keeps one field in an
//! unexpected shape from failing a whole answer (its event is checked in `traffic_events.rs`,
//! which installs a subscriber). The JSON here is written for these tests.

use httpmock::MockServer;
use okta_sdk::prelude::*;
use okta_sdk::runtime::Runtime;
use serde_json::{Value, json};

fn client(server: &MockServer) -> okta_sdk::Client {
    okta_sdk::Client::with_runtime(
        &server.base_url(),
        Runtime::with_api_token("00traffic-test-token").expect("token"),
    )
}

fn serve(server: &MockServer, path: &str, body: &Value) {
    let body = body.clone();
    server.mock(move |when, then| {
        when.method("GET").path(path);
        then.status(200).json_body(body);
    });
}

/// A custom attribute's definition: `unique` as Okta answers it, `enum` and `oneOf[].const`
/// values of the attribute's own type (integers, arrays).
fn user_schema() -> Value {
    json!({
        "id": "https://example.okta.com/meta/schemas/user/default",
        "definitions": {"custom": {"id": "#custom", "type": "object", "properties": {
            "level": {
                "title": "Level", "type": "integer", "unique": "UNIQUE_VALIDATED",
                "enum": [1, 4], "oneOf": [{"const": 1, "title": "One"}, {"const": 4, "title": "Four"}]
            },
            "tags": {
                "title": "Tags", "type": "array", "unique": false,
                "items": {"type": "string", "enum": ["a", "b"]},
                "enum": [["a"], ["a", "b"]], "default": ["a"]
            }
        }}}
    })
}

#[tokio::test]
async fn custom_attribute_definitions_decode_with_values_of_their_own_type() {
    let server = MockServer::start_async().await;
    serve(&server, "/api/v1/meta/schemas/user/default", &user_schema());
    let schema = client(&server)
        .get_user_schema()
        .schema_id("default")
        .send()
        .await
        .expect("decodes")
        .into_inner();
    let custom = schema
        .definitions
        .as_ref()
        .and_then(|d| d.custom.as_ref())
        .expect("custom");
    let level = custom.properties["level"].as_ref().expect("level");
    assert!(matches!(
        &level.unique,
        Some(okta_sdk::models::UserSchemaAttributeUnique::String(s)) if s == "UNIQUE_VALIDATED"
    ));
    assert_eq!(level.enum_, Some(vec![json!(1), json!(4)]));
    let choices = level.one_of.as_ref().expect("oneOf");
    assert_eq!(choices[1].const_, Some(json!(4)));
    assert_eq!(choices[1].title.as_deref(), Some("Four"));
    let tags = custom.properties["tags"].as_ref().expect("tags");
    assert!(matches!(
        tags.unique,
        Some(okta_sdk::models::UserSchemaAttributeUnique::Boolean(false))
    ));
    assert_eq!(tags.enum_.as_ref().map(Vec::len), Some(2));
    // Nothing was set aside: written back, it is what Okta sent.
    assert_eq!(serde_json::to_value(&schema).expect("encodes"), user_schema());
}

#[tokio::test]
async fn hook_keys_say_whether_they_are_used_as_a_boolean() {
    let server = MockServer::start_async().await;
    let key = json!({"id": "HKY1", "keyId": "7fbc27fd", "name": "signing", "isUsed": true,
        "created": "2026-01-02T03:04:05.000Z"});
    serve(&server, "/api/v1/hook-keys/HKY1", &key);
    let got = client(&server).get_hook_key().id("HKY1").send().await.expect("decodes");
    assert_eq!(got.is_used, Some(true));
    assert_eq!(serde_json::to_value(got.into_inner()).expect("encodes"), key);
}

#[tokio::test]
async fn behaviour_rule_numbers_sent_as_integral_floats_read_as_integers() {
    let server = MockServer::start_async().await;
    let rule = json!({"id": "abcd1234", "name": "New location", "type": "ANOMALOUS_LOCATION",
        "status": "ACTIVE", "settings": {"granularity": "CITY", "maxEventsUsedForEvaluation": 20.0,
        "minEventsNeededForEvaluation": 5.0}});
    serve(&server, "/api/v1/behaviors/abcd1234", &rule);
    let got = client(&server)
        .get_behavior_detection_rule()
        .behavior_id("abcd1234")
        .send()
        .await
        .expect("decodes")
        .into_inner();
    let okta_sdk::models::BehaviorRule::AnomalousLocation(rule) = got else {
        panic!("the discriminator picks the subtype: {got:?}");
    };
    let settings = rule.settings.expect("settings");
    assert_eq!(settings.max_events_used_for_evaluation, Some(20));
    assert_eq!(settings.min_events_needed_for_evaluation, Some(5));
    assert_eq!(rule.name.as_deref(), Some("New location"));
}

#[test]
fn a_request_body_okta_accepted_decodes_into_its_request_type() {
    // A password hash with a work factor of 0: the spec's `minimum: 1` is documentation now.
    let hash = json!({"algorithm": "BCRYPT", "workFactor": 0, "salt": "rwh3vH166HCH/NT9XV5FYu",
        "value": "qaMqvAPULkbiQzkTCWo5XDcvzpk8Tna"});
    let typed: okta_sdk::models::PasswordCredentialHash = serde_json::from_value(hash.clone()).expect("decodes");
    assert_eq!(typed.work_factor, Some(0));
    assert_eq!(serde_json::to_value(&typed).expect("encodes"), hash);
}

#[tokio::test]
async fn the_answers_top_level_shape_still_fails_with_its_path() {
    let server = MockServer::start_async().await;
    serve(&server, "/api/v1/users/00u1", &json!(["not", "a", "user"]));
    let e = client(&server)
        .get_user()
        .id("00u1")
        .send()
        .await
        .expect_err("a list is not a user");
    assert_eq!(e.kind(), okta_sdk::ErrorKind::Decode, "{e}");
}

#[tokio::test]
async fn a_field_in_an_unexpected_shape_is_set_aside_and_written_back_as_it_came() {
    let user = json!({"id": "00u1", "status": 5, "created": true,
        "profile": {"login": "a@example.com", "costCenter": [1]}});
    let server = MockServer::start_async().await;
    serve(&server, "/api/v1/users/00u1", &user);
    let got = client(&server)
        .get_user()
        .id("00u1")
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(got.id, "00u1");
    assert!(got.status.as_str().is_empty() && got.created == Default::default());
    let profile = &got.profile;
    assert_eq!(
        (profile.login.as_str(), profile.cost_center.as_deref()),
        ("a@example.com", None)
    );
    assert_eq!(
        okta_sdk::lenient::set_aside(&profile.extra, "costCenter"),
        Some(&json!([1]))
    );
    assert_eq!(serde_json::to_value(&got).expect("encodes"), user);
}
