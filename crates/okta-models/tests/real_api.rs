//! The models survive what the real API sends: new enum values, new or missing subtypes, custom
//! profile attributes, nulls. All JSON here is written for these tests.

use okta_models::{Application, ApplicationSignOnMode, User, UserFactor, UserProfile, UserStatus};
use serde_json::{Value, json};

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(input: &Value) -> (T, Value) {
    let decoded: T = serde_json::from_value(input.clone()).expect("decodes");
    let encoded = serde_json::to_value(&decoded).expect("encodes");
    (decoded, encoded)
}

#[test]
fn unknown_enum_value_round_trips() {
    let (mode, back): (ApplicationSignOnMode, Value) = round_trip(&json!("QUANTUM_SSO"));
    assert_eq!(mode, ApplicationSignOnMode::Unknown("QUANTUM_SSO".into()));
    assert!(mode.is_unknown());
    assert_eq!(back, json!("QUANTUM_SSO"));

    // Known values still decode to their variant, and parse from strings infallibly.
    let (known, _): (ApplicationSignOnMode, Value) = round_trip(&json!("BOOKMARK"));
    assert_eq!(known, ApplicationSignOnMode::Bookmark);
    assert_eq!(
        "SAML_2_0".parse::<ApplicationSignOnMode>(),
        Ok(ApplicationSignOnMode::Saml20)
    );
    assert_eq!(ApplicationSignOnMode::Saml20.to_string(), "SAML_2_0");

    // Inside a larger object: one new status does not fail the user.
    let user = json!({"id": "00u1", "status": "PENDING_REVIEW", "profile": {"login": "a@example.com"}});
    let (decoded, back): (User, Value) = round_trip(&user);
    assert_eq!(decoded.status, UserStatus::Unknown("PENDING_REVIEW".into()));
    assert_eq!(back["status"], "PENDING_REVIEW");
}

fn bookmark(sign_on_mode: Value) -> Value {
    json!({
        "id": "0oa1", "label": "Docs", "name": "bookmark", "signOnMode": sign_on_mode, "status": "ACTIVE",
        "settings": {"app": {"url": "https://example.com/docs", "requestIntegration": false}},
        "brandNewField": {"nested": [1, 2, 3]}
    })
}

#[test]
fn known_discriminator_decodes_to_its_subtype() {
    let (app, _): (Application, Value) = round_trip(&bookmark(json!("BOOKMARK")));
    let Application::Bookmark(b) = &app else {
        panic!("expected a bookmark app, got {app:?}")
    };
    assert_eq!(b.id, "0oa1");
    let settings_app = b.settings.as_ref().and_then(|s| s.app.as_ref());
    let settings_app = settings_app.expect("subtype fields are there");
    assert_eq!(settings_app.url.as_deref(), Some("https://example.com/docs"));
}

#[test]
fn unknown_discriminator_keeps_the_raw_json() {
    let input = bookmark(json!("QUANTUM_SSO"));
    let (app, back): (Application, Value) = round_trip(&input);
    assert!(app.is_unknown());
    assert_eq!(back, input, "an unknown subtype is sent back unchanged");
}

#[test]
fn null_and_missing_discriminators_keep_the_raw_json() {
    let input = bookmark(Value::Null);
    let (app, back): (Application, Value) = round_trip(&input);
    assert!(matches!(app, Application::Unknown(_)));
    assert_eq!(back, input);

    let mut missing = bookmark(Value::Null);
    missing.as_object_mut().unwrap().remove("signOnMode");
    let (app, back): (Application, Value) = round_trip(&missing);
    assert!(app.is_unknown());
    assert_eq!(back, missing);

    // Another union, another discriminator property.
    let factor = json!({"id": "f1", "factorType": null, "provider": "OKTA"});
    let (f, back): (UserFactor, Value) = round_trip(&factor);
    assert!(f.is_unknown());
    assert_eq!(back, factor);
}

#[test]
fn known_discriminator_with_a_field_that_does_not_fit_keeps_the_subtype_and_sets_the_field_aside() {
    let body = json!({"signOnMode": "BOOKMARK", "label": 5, "name": "bookmark"});
    let (app, back): (Application, Value) = round_trip(&body);
    let Application::Bookmark(bookmark) = app else {
        panic!("the discriminator still picks the subtype: {app:?}");
    };
    assert!(bookmark.label.is_none() && bookmark.name.is_some());
    assert_eq!(okta_lenient::set_aside(&bookmark.extra, "label"), Some(&json!(5)));
    assert_eq!(back, body);
}

#[test]
fn custom_profile_attributes_round_trip() {
    let profile = json!({
        "login": "dev@example.com", "email": "dev@example.com", "firstName": "Dev", "lastName": "Eloper",
        "favoriteColor": "teal", "shoeSize": 44, "badges": ["a", "b"], "nickName": null
    });
    let (p, back): (UserProfile, Value) = round_trip(&profile);
    assert_eq!(p.extra["favoriteColor"], "teal");
    assert_eq!(p.extra["shoeSize"], 44);
    assert_eq!(p.first_name.as_deref(), Some("Dev"));
    assert_eq!(p.nick_name, None, "a null the server sends decodes");
    let mut expected = profile.clone();
    expected.as_object_mut().unwrap().remove("nickName");
    assert_eq!(back, expected, "custom attributes are sent back");
}

#[test]
fn a_field_is_cleared_with_null_and_absent_stays_absent() {
    let mut p: UserProfile =
        serde_json::from_value(json!({"login": "dev@example.com", "favoriteColor": "teal"})).unwrap();
    // Clear a custom attribute and a standard one: an explicit null goes on the wire.
    p.extra.insert("favoriteColor".into(), Value::Null);
    p.extra.insert("mobilePhone".into(), Value::Null);
    let sent = serde_json::to_value(&p).unwrap();
    assert_eq!(
        sent,
        json!({"login": "dev@example.com", "favoriteColor": null, "mobilePhone": null})
    );
    // Absent stays absent: nothing else is sent.
    assert!(sent.get("city").is_none());
    // Setting a value sends the value.
    p.city = Some("Lisbon".into());
    assert_eq!(serde_json::to_value(&p).unwrap()["city"], "Lisbon");
}

#[test]
fn unknown_fields_are_ignored_and_nulls_decode() {
    let user = json!({
        "id": "00u2", "status": "ACTIVE", "created": "2024-01-02T03:04:05.000Z", "lastLogin": null,
        "somethingOktaAddedLater": {"x": 1}, "profile": {"login": "x@example.com"}
    });
    let u: User = serde_json::from_value(user).expect("decodes");
    assert_eq!(u.status, UserStatus::Active);
    assert_eq!(u.last_login, None);
}
