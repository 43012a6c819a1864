//! Tests of the change report: hand-written generated-like sources, and the two upstream
//! releases in ../shared when they are there.

use super::diff::{Action, Class, Subject};
use super::surface::{self, Presence};
use super::{Verdict, render, report};

/// Models shaped like `crates/okta-models/src/generated.rs`.
const MODELS: &str = r#"
///`User`
#[derive(Clone, Debug, PartialEq, Default)]
#[non_exhaustive]
#[cfg(any(feature = "users"))]
pub struct User {
    pub id: ::std::string::String,
    pub profile: ::std::option::Option<UserProfile>,
    #[serde(flatten)]
    pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
}
///`UserProfile`
#[non_exhaustive]
pub struct UserProfile {
    pub email: ::std::option::Option<::std::string::String>,
}
///`Point`: exhaustive.
pub struct Point {
    pub x: i64,
}
///`Label`
pub struct Label(pub ::std::string::String);
///`UserStatus`: a string enum; values this SDK does not know yet are kept in `Unknown`.
#[non_exhaustive]
#[cfg(any(feature = "users"))]
pub enum UserStatus {
    ///ACTIVE
    Active,
    ///STAGED
    Staged,
    ///A value this version of the SDK does not know; it is sent back unchanged.
    Unknown(::std::string::String),
}
///`Color`: exhaustive, with a catch-all.
pub enum Color {
    ///RED
    Red,
    Unknown(::std::string::String),
}
///`Key`: a union.
#[non_exhaustive]
pub enum Key {
    Signing(SigningKey),
    Unknown(::serde_json::Value),
}
impl User {
    pub fn new() -> Self {
        Self::default()
    }
}
"#;

/// Operations shaped like `crates/okta-apis/src/generated.rs`.
const APIS: &str = r#"
pub use okta_models as types;
/**Client for Okta Admin Management API

Version: 2026.01.0*/
pub struct Client {
    pub(crate) baseurl: String,
}
#[cfg(feature = "users")]
pub trait ClientUserExt {
    fn list_users(&self) -> builder::ListUsers<'_>;
    fn create_user(&self) -> builder::CreateUser<'_>;
}
pub mod builder {
    use super::types;
    #[cfg(feature = "users")]
    pub struct ListUsers<'a> {
        client: &'a super::Client,
        limit: Result<Option<i32>, String>,
        options: okta_runtime::RequestOptions,
    }
    #[cfg(feature = "users")]
    impl<'a> ListUsers<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                limit: Ok(None),
                options: ::std::default::Default::default(),
            }
        }
        pub fn send(
            self,
        ) -> impl ::std::future::Future<
            Output = Result<okta_runtime::Response<::std::vec::Vec<types::User>>, okta_runtime::Error>,
        > + 'a {
            todo!()
        }
        pub fn pages(self) -> okta_runtime::PageStream<'a, types::User> {
            todo!()
        }
    }
    #[cfg(feature = "users")]
    pub struct CreateUser<'a> {
        client: &'a super::Client,
        id: Result<::std::string::String, String>,
        body: Result<types::User, String>,
        options: okta_runtime::RequestOptions,
    }
    #[cfg(feature = "users")]
    impl<'a> CreateUser<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                id: Err("id was not initialized".to_string()),
                body: Ok(::std::default::Default::default()),
                options: ::std::default::Default::default(),
            }
        }
        pub fn send(
            self,
        ) -> impl ::std::future::Future<
            Output = Result<okta_runtime::Response<types::User>, okta_runtime::Error>,
        > + 'a {
            todo!()
        }
    }
}
pub static OPERATIONS: [okta_runtime::OperationMeta; 2usize] = [
    okta_runtime::OperationMeta {
        id: "createUser",
        method_name: "create_user",
        method: "POST",
        path: "/api/v1/users/{id}",
        scopes: &["okta.users.manage"],
        lifecycle: Some("GA"),
        lists: false,
        idempotent: false,
    },
    okta_runtime::OperationMeta {
        id: "listUsers",
        method_name: "list_users",
        method: "GET",
        path: "/api/v1/users",
        scopes: &["okta.users.read"],
        lifecycle: None,
        lists: true,
        idempotent: true,
    },
];
"#;

/// The report from the base sources to edited ones.
fn edited(models: &[(&str, &str)], apis: &[(&str, &str)]) -> super::Report {
    let edit = |base: &str, edits: &[(&str, &str)]| {
        edits.iter().fold(base.to_string(), |text, (from, to)| {
            assert!(text.contains(from), "the base sources contain {from:?}");
            text.replacen(from, to, 1)
        })
    };
    report(MODELS, APIS, &edit(MODELS, models), &edit(APIS, apis)).unwrap()
}

/// The only change of a report, with its class.
fn only_change(r: &super::Report) -> &super::diff::Change {
    assert_eq!(r.changes.len(), 1, "{:#?}", r.changes);
    &r.changes[0]
}

#[test]
fn surface_reads_operations_and_types() {
    let s = surface::extract(MODELS, APIS).unwrap();
    assert_eq!(s.spec_version.as_deref(), Some("2026.01.0"));
    let list = &s.operations["list_users"];
    assert_eq!((list.method.as_str(), list.path.as_str()), ("GET", "/api/v1/users"));
    assert_eq!(list.answer.as_deref(), Some("Vec<User>"));
    assert!(list.lists);
    assert_eq!(list.area.as_deref(), Some("users"));
    assert_eq!(list.trait_name.as_deref(), Some("ClientUserExt"));
    assert_eq!(
        (list.params[0].ty.as_str(), list.params[0].presence),
        ("i32", Presence::Optional)
    );
    let create = &s.operations["create_user"];
    assert_eq!(create.params[0].presence, Presence::Required);
    let body = create.body.as_ref().unwrap();
    assert_eq!((body.ty.as_str(), body.presence), ("User", Presence::Defaulted));
    assert_eq!(create.lifecycle.as_deref(), Some("GA"));
    assert_eq!(s.types.len(), 7);
    assert!(s.types["User"].non_exhaustive && !s.types["Point"].non_exhaustive);
    match &s.types["UserStatus"].kind {
        surface::TypeKind::StringEnum { values, catch_all } => {
            assert_eq!(values[0], ("Active".to_string(), Some("ACTIVE".to_string())));
            assert_eq!(catch_all.as_deref(), Some("Unknown"));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&s.types["Key"].kind, surface::TypeKind::Union { catch_all: Some(_), members } if members.len() == 1)
    );
}

#[test]
fn the_same_surface_is_unchanged() {
    let r = edited(&[], &[]);
    assert!(r.changes.is_empty());
    assert_eq!(r.verdict(), Verdict::Unchanged);
}

#[test]
fn a_removed_field_is_breaking() {
    let r = edited(&[("    pub profile: ::std::option::Option<UserProfile>,\n", "")], &[]);
    let c = only_change(&r);
    assert_eq!(
        (c.class, c.subject, c.action),
        (Class::Breaking, Subject::Field, Action::Removed)
    );
    assert!(c.text.contains("`User.profile`"), "{}", c.text);
    assert_eq!(r.verdict(), Verdict::Breaking);
}

#[test]
fn a_field_added_to_a_non_exhaustive_struct_is_additive_but_to_an_exhaustive_one_breaking() {
    let r = edited(
        &[(
            "pub email: ::std::option::Option<::std::string::String>,",
            "pub email: ::std::option::Option<::std::string::String>, pub phone: ::std::option::Option<::std::string::String>,",
        )],
        &[],
    );
    let c = only_change(&r);
    assert_eq!(
        (c.class, c.subject, c.action),
        (Class::Additive, Subject::Field, Action::Added)
    );
    assert_eq!(r.verdict(), Verdict::Additive);

    let r = edited(&[("pub x: i64,", "pub x: i64, pub y: i64,")], &[]);
    let c = only_change(&r);
    assert_eq!((c.class, c.subject), (Class::Breaking, Subject::Field));
    assert!(c.reason.contains("struct literals"), "{}", c.reason);
}

#[test]
fn a_retyped_field_is_breaking() {
    let r = edited(&[("pub x: i64,", "pub x: ::std::option::Option<i64>,")], &[]);
    let c = only_change(&r);
    assert_eq!(
        (c.class, c.subject, c.action),
        (Class::Breaking, Subject::Field, Action::Changed)
    );
    assert!(c.text.contains("`i64` → `Option<i64>`; now optional"), "{}", c.text);
}

#[test]
fn a_value_added_to_a_non_exhaustive_enum_is_additive_but_to_an_exhaustive_one_breaking() {
    let r = edited(
        &[(
            "    ///STAGED\n    Staged,",
            "    ///STAGED\n    Staged,\n    ///SUSPENDED\n    Suspended,",
        )],
        &[],
    );
    let c = only_change(&r);
    assert_eq!(
        (c.class, c.subject, c.action),
        (Class::Additive, Subject::EnumValue, Action::Added)
    );
    assert_eq!(c.text, "`UserStatus::Suspended` (`SUSPENDED`)");
    assert!(c.reason.contains("`Unknown(..)` before"), "{}", c.reason);

    let r = edited(
        &[("    ///RED\n    Red,", "    ///RED\n    Red,\n    ///BLUE\n    Blue,")],
        &[],
    );
    let c = only_change(&r);
    assert_eq!((c.class, c.subject), (Class::Breaking, Subject::EnumValue));
    assert!(c.reason.contains("wildcard"), "{}", c.reason);
}

#[test]
fn union_members_and_removed_values() {
    let r = edited(
        &[
            (
                "    Signing(SigningKey),",
                "    Signing(SigningKey),\n    Encryption(EncryptionKey),",
            ),
            ("    ///STAGED\n    Staged,\n", ""),
        ],
        &[],
    );
    let added = r.changes.iter().find(|c| c.subject == Subject::UnionMember).unwrap();
    assert_eq!((added.class, added.action), (Class::Additive, Action::Added));
    assert_eq!(added.text, "`Key::Encryption(EncryptionKey)`");
    let removed = r.changes.iter().find(|c| c.subject == Subject::EnumValue).unwrap();
    assert_eq!((removed.class, removed.action), (Class::Breaking, Action::Removed));
}

#[test]
fn a_removed_type_that_reappears_renamed_is_removed_and_added() {
    let r = edited(
        &[(
            "pub struct UserProfile {\n    pub email: ::std::option::Option<::std::string::String>,\n}",
            "pub struct Profile {\n    pub email: ::std::option::Option<::std::string::String>,\n}",
        )],
        &[],
    );
    let removed = r.changes.iter().find(|c| c.action == Action::Removed).unwrap();
    let added = r.changes.iter().find(|c| c.action == Action::Added).unwrap();
    assert_eq!((removed.class, removed.subject), (Class::Breaking, Subject::Type));
    assert_eq!((added.class, added.subject), (Class::Additive, Subject::Type));
    assert!(removed.text.starts_with("`UserProfile`"), "{}", removed.text);
    assert!(added.text.starts_with("`Profile`"), "{}", added.text);
}

#[test]
fn a_type_that_leaves_a_feature_is_breaking_one_that_leaves_full_is_not() {
    let gated = "#[non_exhaustive]\n#[cfg(any(feature = \"users\"))]\npub struct User {";
    let full = "#[non_exhaustive]\n#[cfg(any(feature = \"full\"))]\npub struct User {";
    let r = edited(&[(gated, full)], &[]);
    let c = only_change(&r);
    assert_eq!(
        (c.class, c.subject, c.action),
        (Class::Breaking, Subject::Type, Action::Changed)
    );
    let old = MODELS.replacen(gated, full, 1);
    let r = report(&old, APIS, MODELS, APIS).unwrap();
    assert_eq!(only_change(&r).class, Class::Informational);
}

/// The text of the one change that editing the operations from `from` to `to` makes, which
/// must be a breaking change of an operation.
fn breaking_operation_change(from: &str, to: &str) -> String {
    let r = edited(&[], &[(from, to)]);
    let c = only_change(&r);
    assert_eq!(
        (c.class, c.subject, c.action),
        (Class::Breaking, Subject::Operation, Action::Changed)
    );
    c.text.clone()
}

#[test]
fn an_operation_that_also_needs_a_second_area_is_breaking() {
    let text = breaking_operation_change(
        "    fn list_users(&self) -> builder::ListUsers<'_>;",
        "    #[cfg(feature = \"groups\")]\n    fn list_users(&self) -> builder::ListUsers<'_>;",
    );
    assert!(
        text.contains("now behind feature `users + groups` (was `users`)"),
        "{text}"
    );
}

#[test]
fn a_retyped_parameter_is_breaking() {
    let text = breaking_operation_change(
        "limit: Result<Option<i32>, String>,",
        "limit: Result<Option<i64>, String>,",
    );
    assert!(
        text.contains("`list_users`: parameter `limit` retyped `i32` → `i64`"),
        "{text}"
    );
}

#[test]
fn a_parameter_that_becomes_required_breaks_at_run_time() {
    let r = edited(
        &[],
        &[
            ("limit: Result<Option<i32>, String>,", "limit: Result<i32, String>,"),
            (
                "limit: Ok(None),",
                "limit: Err(\"limit was not initialized\".to_string()),",
            ),
        ],
    );
    let c = only_change(&r);
    assert_eq!(c.class, Class::Breaking);
    assert!(
        c.text.contains("is now required") && c.reason.contains("behaviour"),
        "{c:?}"
    );
}

#[test]
fn an_added_operation_is_additive_and_a_removed_one_breaking() {
    let row = |id: &str, name: &str| {
        format!(
            "    okta_runtime::OperationMeta {{ id: \"{id}\", method_name: \"{name}\", method: \"GET\", \
             path: \"/api/v1/users/{{id}}\", scopes: &[\"okta.users.read\"], lifecycle: Some(\"GA\"), lists: false }},\n"
        )
    };
    let r = edited(&[], &[("];\n", &format!("{}];\n", row("getUser", "get_user")))]);
    let c = only_change(&r);
    assert_eq!(
        (c.class, c.subject, c.action),
        (Class::Additive, Subject::Operation, Action::Added)
    );
    assert_eq!(r.verdict(), Verdict::Additive);

    let with = APIS.replacen("];\n", &format!("{}];\n", row("getUser", "get_user")), 1);
    let r = report(MODELS, &with, MODELS, APIS).unwrap();
    let c = only_change(&r);
    assert_eq!((c.class, c.action), (Class::Breaking, Action::Removed));
}

#[test]
fn scopes_and_lifecycle_are_informational() {
    let r = edited(
        &[],
        &[
            (
                "scopes: &[\"okta.users.read\"],",
                "scopes: &[\"okta.users.read\", \"okta.users.manage\"],",
            ),
            ("lifecycle: Some(\"GA\"),", "lifecycle: Some(\"BETA\"),"),
        ],
    );
    assert_eq!(r.changes.len(), 2, "{:#?}", r.changes);
    assert!(r.changes.iter().all(|c| c.class == Class::Informational));
    assert!(r.changes.iter().any(|c| c.reason.contains("leaves GA")));
    assert_eq!(r.verdict(), Verdict::Compatible);
}

#[test]
fn an_unreadable_old_surface_gives_no_verdict() {
    let r = report("not rust {", APIS, MODELS, APIS).unwrap();
    assert_eq!(r.verdict(), Verdict::NoBaseline);
    assert!(render::console(&r).contains("no verdict"));
    assert!(report(MODELS, APIS, MODELS, "not rust {").is_err());
}

#[test]
fn renders_counts_verdict_and_grouped_changes() {
    let r = edited(
        &[("pub x: i64,", "pub x: i64, pub y: i64,")],
        &[("lifecycle: None,", "lifecycle: Some(\"BETA\"),")],
    );
    let md = render::markdown(&r);
    assert!(
        md.starts_with("### API changes: Okta Management API 2026.01.0 → 2026.01.0\n"),
        "{md}"
    );
    assert!(md.contains("| struct fields |  |  | 1 | 0 | 0 |"), "{md}");
    assert!(md.contains("**Verdict:** BREAKING: 1 breaking changes"), "{md}");
    assert!(
        md.contains("#### Breaking changes\n\nStruct fields added: the struct is not"),
        "{md}"
    );
    assert!(md.contains("- `Point.y` (`i64`)"), "{md}");
    assert!(md.contains("#### Other changes (informational)"), "{md}");
    let console = render::console(&r);
    assert!(
        console.contains("verdict: BREAKING") && console.contains("breaking (1):"),
        "{console}"
    );
}

use crate::generate::with_big_stack;

/// The report of the two upstream releases in ../shared: 2026.03.0 is generated in memory;
/// 2026.06.3 is the committed generated files when `openapi/management.yaml` is that release
/// (CI's `generate --check` keeps them in step), else it is generated too.
#[test]
fn upstream_2026_03_0_to_2026_06_3() {
    let root = crate::workspace_root();
    let dir = root.join("../shared/okta-spec");
    let (older, newer) = (
        dir.join("management-2026.03.0.yaml"),
        dir.join("management-2026.06.3.yaml"),
    );
    if !older.exists() || !newer.exists() {
        eprintln!(
            "SKIPPED: {} is absent; the change-report test needs ../shared",
            dir.display()
        );
        return;
    }
    let new_facts = crate::import::facts_only(&crate::spec::read(&newer).unwrap());
    let committed = std::fs::read_to_string(root.join(crate::spec::SPEC_PATH)).unwrap();
    let (new_models, new_apis) = if crate::spec::to_yaml(&new_facts).unwrap() == committed {
        let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
        (read(crate::generate::MODELS_OUT), read(crate::generate::APIS_OUT))
    } else {
        let out = with_big_stack(move || crate::generate::generate(new_facts)).unwrap();
        (out.models, out.apis)
    };
    let old_facts = crate::import::facts_only(&crate::spec::read(&older).unwrap());
    let old = with_big_stack(move || crate::generate::generate(old_facts)).unwrap();
    let r = report(&old.models, &old.apis, &new_models, &new_apis).unwrap();
    println!("{}", render::console(&r));
    assert_release_facts(&r);
    // CHANGELOG.md's 0.1.0 entry is this report: its title and counts are there.
    let changelog = std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap();
    for line in render::markdown(&r).lines().take(6) {
        assert!(changelog.contains(line), "CHANGELOG.md lacks {line:?}");
    }
}

/// Facts of the 2026.03.0 -> 2026.06.3 report (CHANGELOG.md's 0.1.0 entry gives all of it).
fn assert_release_facts(r: &super::Report) {
    let old = r.old.as_ref().unwrap();
    assert_eq!(old.spec_version.as_deref(), Some("2026.03.0"));
    assert_eq!(r.new.spec_version.as_deref(), Some("2026.06.3"));
    assert_eq!((old.operations, r.new.operations), (727, 732));
    assert_eq!((old.types, r.new.types), (2253, 2293));
    assert_eq!(r.count(Subject::Operation, Action::Added), 5);
    assert_eq!(r.count(Subject::Operation, Action::Removed), 0);
    assert_eq!(r.count(Subject::Type, Action::Added), 49);
    assert_eq!(r.count(Subject::Type, Action::Removed), 9);
    let find = |needle: &str| {
        r.changes
            .iter()
            .find(|c| c.text.contains(needle))
            .unwrap_or_else(|| panic!("no change mentions {needle}"))
    };
    let added = find("`create_okta_managed_user_account` (`POST /privileged-access/api/v1/okta-service-accounts`)");
    assert_eq!((added.class, added.action), (Class::Additive, Action::Added));
    let answer = find("`list_policies`: answer retyped `Policy` → `Vec<Policy>`");
    assert_eq!(answer.class, Class::Breaking);
    let removed = find("`EmailServerResponse` (newtype)");
    assert_eq!((removed.class, removed.action), (Class::Breaking, Action::Removed));
    let renamed = find("`RiskScorePolicyRuleConditionMinRiskLevel` (string enum)");
    assert!(
        renamed
            .text
            .contains("possibly renamed to `SessionViolationDetectionRiskScoreConditionMinRiskLevel`")
    );
    let field = find("`WorkflowsValidationDetailProvider.flow_name`");
    assert_eq!((field.class, field.subject), (Class::Additive, Subject::Field));
    let lifecycle = find("`list_app_service_accounts`: lifecycle `EA` → `GA`");
    assert_eq!(lifecycle.class, Class::Informational);
    // Open string enums are `#[non_exhaustive]`: a new value breaks no `match`.
    let value = find("`Capability::Idv` (`IDV`)");
    assert_eq!((value.class, value.subject), (Class::Additive, Subject::EnumValue));
    assert_eq!(r.verdict(), Verdict::Breaking);
}
