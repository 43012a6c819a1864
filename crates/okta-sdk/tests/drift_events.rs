//! Drift is visible, in its own binary (it installs the global subscriber): the first time a
//! process decodes an enum value or a discriminator the SDK does not know, one warning names
//! the type and the value; the same pair again says nothing; a flood of new values is bounded.

use serde_json::json;

#[path = "support/logs.rs"]
mod logs;

#[test]
fn an_unknown_value_is_reported_once_per_type_and_value() {
    let capture = logs::Logs::install();
    let decode =
        |v: serde_json::Value| serde_json::from_value::<okta_sdk::models::UserGetSingleton>(v).expect("decodes");
    for _ in 0..3 {
        let user = decode(json!({"id": "00u1", "status": "PENDING_REVIEW"}));
        assert!(user.status.is_unknown());
    }
    for _ in 0..2 {
        let app: okta_sdk::models::Application =
            serde_json::from_value(json!({"signOnMode": "QUANTUM_SSO", "label": "x"})).expect("decodes");
        assert!(app.is_unknown());
    }
    // Built by the caller, an unknown value is not drift.
    let _ = okta_sdk::models::UserStatus::from("MADE_UP_HERE");
    // A server sending a new value each time: the reports stop at the bound.
    for i in 0..(okta_sdk::models::support::DRIFT_REPORTS + 50) {
        decode(json!({"status": format!("NEW_{i}")}));
    }
    let logs = capture.text();
    let drift: Vec<&str> = logs.lines().filter(|l| l.contains("okta_sdk::drift")).collect();
    let status: Vec<&&str> = drift.iter().filter(|l| l.contains("PENDING_REVIEW")).collect();
    assert_eq!(status.len(), 1, "{logs}");
    assert!(status[0].contains("type_name=\"UserStatus\""), "{}", status[0]);
    let union: Vec<&&str> = drift.iter().filter(|l| l.contains("QUANTUM_SSO")).collect();
    assert_eq!(union.len(), 1, "{logs}");
    assert!(union[0].contains("type_name=\"Application\""), "{}", union[0]);
    assert!(!logs.contains("MADE_UP_HERE"));
    assert_eq!(drift.len(), okta_sdk::models::support::DRIFT_REPORTS, "bounded");
}
