//! Models for people: plain fields for what Okta always sends, setters for bodies, subtypes that
//! write their own discriminator, `PartialEq`, and no key written twice. All JSON here is
//! written for these tests.

use okta_models::{
    Application, BookmarkApplication, BookmarkApplicationName, BookmarkApplicationSettings,
    BookmarkApplicationSettingsApplication, CreateUserRequest, Group, PasswordCredential, Timestamp,
    UserCredentialsWritable, UserFactor, UserFactorSms, UserGetSingleton, UserProfile, UserStatus,
};
use serde_json::{Value, json};

fn decode<T: serde::de::DeserializeOwned>(v: &Value) -> T {
    serde_json::from_value(v.clone()).expect("decodes")
}

/// The text a value writes, checked for keys written twice, as JSON.
fn written<T: serde::Serialize>(value: &T) -> Value {
    let text = serde_json::to_vec(value).expect("encodes");
    okta_lenient::unique_keys(&text).expect("no key written twice");
    serde_json::from_slice(&text).expect("JSON")
}

/// Rule `always_sent_plain`: `id`, `status`, `created`, `lastUpdated`, a resource's `profile` and
/// the profile's `login`/`email` (a group's `name`) are read without `Option`.
#[test]
fn fields_okta_always_sends_are_plain() {
    let user: UserGetSingleton = decode(&json!({
        "id": "00u1", "status": "ACTIVE", "created": "2024-05-01T10:00:00.000Z",
        "lastUpdated": "2024-05-02T10:00:00.000Z",
        "profile": {"login": "ada@example.com", "email": "ada@example.com", "nickName": null}
    }));
    assert_eq!(user.id, "00u1");
    assert_eq!(user.status, UserStatus::Active);
    assert_eq!(user.profile.login, "ada@example.com");
    assert!(user.last_updated > user.created);
    // What the spec leaves optional stays an `Option`.
    assert_eq!(user.profile.nick_name, None);
}

/// An always-sent field that is absent (or `null`) does not fail the decode: it reads its
/// documented default, and is not written back, so the value goes back as it came.
#[test]
fn an_absent_plain_field_reads_its_default_and_stays_absent() {
    let sparse = json!({"profile": {"login": "ada@example.com"}, "status": null});
    let user: UserGetSingleton = decode(&sparse);
    assert_eq!(user.id, "");
    assert_eq!(user.status, UserStatus::default());
    assert!(user.status.as_str().is_empty());
    assert_eq!(user.created, Timestamp::default());
    assert_eq!(user.profile.email, "");
    assert_eq!(written(&user), json!({"profile": {"login": "ada@example.com"}}));

    let empty: UserGetSingleton = decode(&json!({}));
    assert_eq!(written(&empty), json!({}), "an empty profile is not written either");
}

/// A group's profile is one object: each key is written once (two flattened parts used to write
/// every key twice, which comparing `serde_json::Value`s hid).
#[test]
fn a_group_writes_each_profile_key_once() {
    let sent = json!({"id": "00g1", "profile": {"name": "Engineers", "description": "Build things",
                      "customThing": 1}});
    let group: Group = decode(&sent);
    assert_eq!(group.profile.name, "Engineers");
    let text = serde_json::to_string(&group).expect("encodes");
    assert_eq!(text.matches("\"name\"").count(), 1, "{text}");
    assert_eq!(written(&group), sent);
    let twice = okta_lenient::unique_keys(br#"{"profile": {"name": "E", "name": "E"}}"#);
    assert!(twice.is_err(), "the check sees a key written twice");
}

/// Rule `tags_from_variants`: a subtype writes its own discriminator; there is no field to set
/// (or set wrong), and a decoded one is not kept in `extra` to be written twice.
#[test]
fn a_subtype_writes_its_own_tag() {
    let bookmark = BookmarkApplication::default()
        .set_name(BookmarkApplicationName::Bookmark)
        .set_label("Docs");
    assert_eq!(
        written(&bookmark),
        json!({"signOnMode": "BOOKMARK", "name": "bookmark", "label": "Docs"})
    );
    let app = Application::from(bookmark.clone());
    assert_eq!(app.discriminator_value(), Some("BOOKMARK"));
    assert_eq!(written(&app)["signOnMode"], "BOOKMARK");

    let decoded: Application = decode(&json!({"signOnMode": "BOOKMARK", "id": "0oa1", "label": "Docs"}));
    let Application::Bookmark(b) = &decoded else {
        panic!("a bookmark: {decoded:?}")
    };
    assert!(b.extra.is_empty(), "the tag is not an extra key: {:?}", b.extra);
    assert_eq!(
        written(&decoded),
        json!({"signOnMode": "BOOKMARK", "id": "0oa1", "label": "Docs"})
    );

    let sms = UserFactor::from(UserFactorSms::default().set_provider("OKTA"));
    assert_eq!(written(&sms), json!({"factorType": "sms", "provider": "OKTA"}));
    assert_eq!(
        decode::<Application>(&json!({"signOnMode": "QUANTUM"})).discriminator_value(),
        Some("QUANTUM")
    );
}

/// Every model compares.
#[test]
fn models_compare() {
    let body = json!({"id": "00u1", "status": "ACTIVE", "profile": {"login": "a@example.com", "x": [1]}});
    let (a, b): (UserGetSingleton, UserGetSingleton) = (decode(&body), decode(&body));
    assert_eq!(a, b);
    let c = b.clone().set_status(UserStatus::Suspended);
    assert_ne!(a, c);
    let apps: (Application, Application) = (
        decode(&json!({"signOnMode": "BOOKMARK", "label": "a"})),
        decode(&json!({"signOnMode": "BOOKMARK", "label": "b"})),
    );
    assert_ne!(apps.0, apps.1);
}

/// Rule `model_setters`: a nested request body is one expression; setters take anything that
/// converts (`&str`, `String`, an enum), optional fields need no `Some`, and
/// `set_or_clear_x(None)` clears.
#[test]
fn nested_request_bodies_are_one_expression() {
    let login = String::from("ada@example.com");
    let request = CreateUserRequest::default()
        .set_profile(
            UserProfile::default()
                .set_login(&login)
                .set_email(login.clone())
                .set_first_name("Ada")
                .set_extra("favoriteColor", "teal"),
        )
        .set_credentials(
            UserCredentialsWritable::default().set_password(PasswordCredential::default().set_value("pw-1843")),
        )
        .set_type(okta_models::CreateUserRequestType::default().set_id("oty1"));
    assert_eq!(
        written(&request),
        json!({
            "profile": {"login": login, "email": login, "firstName": "Ada", "favoriteColor": "teal"},
            "credentials": {"password": {"value": "pw-1843"}},
            "type": {"id": "oty1"}
        })
    );
    let cleared = request.set_or_clear_credentials(None::<UserCredentialsWritable>);
    assert!(cleared.credentials.is_none());
    let settings = BookmarkApplicationSettings::default()
        .set_app(BookmarkApplicationSettingsApplication::default().set_url("https://example.com"));
    assert_eq!(written(&settings), json!({"app": {"url": "https://example.com"}}));
}

/// Unions are named from their members, never `Variant0`: an inline `oneOf` whose members each
/// fix `type` is a tagged union (rule `inline_members_tagged`), a property that refers to a
/// union inside a subtype keeps the tagged union (rule `union_properties_kept`), and an untagged
/// union of named answers names each variant after its type (rule `untagged_variants_named`).
#[test]
fn union_variants_are_named_from_their_members() {
    use okta_models::{
        DeviceIntegrationsMetadata, DeviceIntegrationsMetadataChrome, InlineHookChannel, InlineHookOAuthChannelConfig,
        VerifyFactorResponse,
    };
    let chrome = json!({"type": "CHROME", "serviceAccountName": "svc", "serviceAccountEmail": "svc@example.com"});
    let meta: DeviceIntegrationsMetadata = decode(&chrome);
    let DeviceIntegrationsMetadata::Chrome(c) = &meta else {
        panic!("a Chrome integration: {meta:?}")
    };
    assert_eq!(c.service_account_email.as_deref(), Some("svc@example.com"));
    assert_eq!(written(&meta), chrome);
    let built =
        DeviceIntegrationsMetadata::from(DeviceIntegrationsMetadataChrome::default().set_service_account_name("s"));
    assert_eq!(written(&built), json!({"type": "CHROME", "serviceAccountName": "s"}));
    let idp: DeviceIntegrationsMetadata = decode(&json!({"type": "DEVICE_IDP", "idpId": "0oa1"}));
    assert!(matches!(idp, DeviceIntegrationsMetadata::DeviceIdp(_)), "{idp:?}");

    // A private-key-JWT hook config used to decode as the first untagged member, its key id
    // set aside in `extra`.
    let channel = json!({"type": "OAUTH", "version": "1.0.0", "config": {
        "authType": "private_key_jwt", "hookKeyId": "HKY1", "clientId": "c", "uri": "https://example.com/hook"}});
    let decoded: InlineHookChannel = decode(&channel);
    let InlineHookChannel::OAuth(oauth) = &decoded else {
        panic!("an OAuth channel: {decoded:?}")
    };
    let Some(InlineHookOAuthChannelConfig::InlineHookOAuthPrivateKeyJwtConfig(config)) = &oauth.config else {
        panic!("a private-key JWT config: {:?}", oauth.config)
    };
    assert_eq!(config.hook_key_id.as_deref(), Some("HKY1"));
    assert_eq!(written(&decoded), channel);

    let answer: VerifyFactorResponse = decode(&json!({"factorResult": "SUCCESS"}));
    assert!(
        matches!(answer, VerifyFactorResponse::UserFactorVerifyResponse(_)),
        "{answer:?}"
    );
}
