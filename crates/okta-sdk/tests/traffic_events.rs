//! The lenient decode's event, in its own binary (it installs the global subscriber): one
//! warning per field set aside, naming the type, the field and the JSON type that arrived,
//! never the value.

use httpmock::MockServer;
use okta_sdk::prelude::*;
use okta_sdk::runtime::Runtime;
use serde_json::json;

#[path = "support/logs.rs"]
mod logs;

#[test]
fn a_field_in_an_unexpected_shape_is_set_aside_named_once_and_written_back_as_it_came() {
    let user = json!({
        "id": "00u1", "status": 5, "created": true,
        "credentials": "hunter2-not-an-object",
        "profile": {"login": "a@example.com", "email": "a@example.com", "costCenter": [1]},
        "_links": {"self": {"href": "https://example.okta.com/api/v1/users/00u1"}}
    });
    let capture = logs::Logs::install();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let got = runtime.block_on(async {
        let server = MockServer::start_async().await;
        let body = user.clone();
        server.mock(move |when, then| {
            when.method("GET").path("/api/v1/users/00u1");
            then.status(200).json_body(body);
        });
        okta_sdk::Client::with_runtime(
            &server.base_url(),
            Runtime::with_api_token("00traffic-test-token").expect("token"),
        )
        .get_user()
        .id("00u1")
        .send()
        .await
    });
    let got = got
        .expect("one field in another shape does not fail the answer")
        .into_inner();
    // The typed path is unchanged for what matches; what does not is absent.
    assert_eq!(got.id, "00u1");
    assert_eq!(got.profile.login, "a@example.com");
    // Always-sent fields read their defaults; an optional one is `None`.
    assert!(got.status.as_str().is_empty() && got.created == Default::default() && got.credentials.is_none());
    assert_eq!(okta_sdk::lenient::set_aside(&got.extra, "status"), Some(&json!(5)));
    // Written back, it is what Okta sent.
    assert_eq!(serde_json::to_value(&got).expect("encodes"), user);
    // One warning per field: the type, the field, what arrived; never the value.
    let logs = capture.text();
    let warnings: Vec<&str> = logs.lines().filter(|l| l.contains("does not have the shape")).collect();
    assert_eq!(warnings.len(), 4, "{logs}");
    for (field, arrived) in [
        ("status", "number"),
        ("created", "boolean"),
        ("credentials", "string"),
        ("profile.costCenter", "array"),
    ] {
        assert!(
            warnings.iter().any(|w| w.contains(&format!("field={field} "))
                && w.contains(&format!("arrived=\"{arrived}\""))
                && w.contains("UserGetSingleton")),
            "{field}: {logs}"
        );
    }
    assert!(!logs.contains("hunter2"), "a value was logged: {logs}");
}
