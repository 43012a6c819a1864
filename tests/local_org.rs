//! The `okta` facade against the local fake Okta org (`okta-mock`), over real HTTP on
//! loopback: user lifecycle, group membership, app creation, pagination over 1000+ users,
//! private-key auth with token reuse, scopes, faults and Okta's error bodies.

use futures::{StreamExt, TryStreamExt};
use okta_mock::{Fault, MockOrg};
use okta_sdk::models::{
    Application, BookmarkApplication, CreateUserRequest, PasswordCredential, UserCredentialsWritable, UserProfile,
    UserStatus,
};
use okta_sdk::prelude::*;
use okta_sdk::{ErrorKind, RequestOptions};
use okta_tests::{private_key_client, token_client};
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;

fn new_user(login: &str, password: Option<&str>) -> CreateUserRequest {
    let profile = UserProfile::default()
        .set_login(login)
        .set_email(login)
        .set_first_name("Ada")
        .set_last_name("Lovelace");
    let credentials =
        password.map(|p| UserCredentialsWritable::default().set_password(PasswordCredential::default().set_value(p)));
    CreateUserRequest::default()
        .set_profile(profile)
        .set_or_clear_credentials(credentials)
}

#[tokio::test]
async fn user_lifecycle_from_creation_to_deletion() {
    let org = MockOrg::start().await.expect("the local org starts");
    let client = token_client(&org);

    let created = client
        .create_user()
        .activate(true)
        .body(new_user("ada@example.com", Some("Analytical-Engine-1843")))
        .send()
        .await
        .expect("created");
    let id = created.id.clone();
    assert!(!id.is_empty());
    assert_eq!(created.status, UserStatus::Active);
    assert!(created.credentials.as_ref().and_then(|c| c.password.as_ref()).is_some());
    let headers = created.headers();
    assert!(headers.contains_key("x-okta-request-id"));
    assert!(headers.contains_key("x-rate-limit-remaining"));

    // By id and by login.
    let by_id = client.get_user().id(&id).send().await.expect("by id");
    let by_login = client.get_user().id("ADA@example.com").send().await.expect("by login");
    assert_eq!(by_id.id, by_login.id);

    // Partial update keeps the other attributes; full replace drops them.
    let partial: okta_sdk::models::UpdateUserRequest =
        serde_json::from_value(json!({"profile": {"nickName": "Countess"}})).expect("valid");
    let updated = client
        .update_user()
        .id(&id)
        .body(partial)
        .send()
        .await
        .expect("partial");
    let profile = updated.profile.clone();
    assert_eq!(profile.nick_name.as_deref(), Some("Countess"));
    assert_eq!(profile.first_name.as_deref(), Some("Ada"));
    let full: okta_sdk::models::UpdateUserRequest = serde_json::from_value(
        json!({"profile": {"login": "ada@example.com", "email": "ada@example.com", "lastName": "King"}}),
    )
    .expect("valid");
    let replaced = client.replace_user().id(&id).body(full).send().await.expect("replace");
    let profile = replaced.profile.clone();
    assert_eq!((profile.first_name, profile.last_name.as_deref()), (None, Some("King")));

    // Suspend, unsuspend, deactivate.
    client.suspend_user().id(&id).send().await.expect("suspend");
    let status = |id: String| {
        let c = client.clone();
        async move { c.get_user().id(id).send().await.expect("get").into_inner().status }
    };
    assert_eq!(status(id.clone()).await, UserStatus::Suspended);
    let err = client.suspend_user().id(&id).send().await.expect_err("suspended twice");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    client.unsuspend_user().id(&id).send().await.expect("unsuspend");
    assert_eq!(status(id.clone()).await, UserStatus::Active);
    client.deactivate_user().id(&id).send().await.expect("deactivate");
    assert_eq!(status(id.clone()).await, UserStatus::Deprovisioned);

    // Delete (it is deprovisioned), then it is gone: Okta's E0000007.
    client.delete_user().id(&id).send().await.expect("delete");
    let err = client.get_user().id(&id).send().await.expect_err("gone");
    let api = err.api().expect("an Okta error");
    assert_eq!(
        (api.status.as_u16(), api.error_code.as_deref()),
        (404, Some("E0000007"))
    );
    assert!(api.request_id.is_some());

    // A duplicate login and a malformed profile are Okta's E0000001 with causes.
    client
        .create_user()
        .body(new_user("grace@example.com", None))
        .send()
        .await
        .expect("created");
    let err = client
        .create_user()
        .body(new_user("grace@example.com", None))
        .send()
        .await
        .expect_err("duplicate");
    let api = err.api().expect("an Okta error");
    assert_eq!(api.error_code.as_deref(), Some("E0000001"));
    assert!(api.error_causes[0].contains("already exists"), "{:?}", api.error_causes);
}

#[tokio::test]
async fn group_membership_both_ways() {
    let org = MockOrg::start().await.expect("the local org starts");
    let client = token_client(&org);
    let group = client
        .add_group()
        .body(
            okta_sdk::models::AddGroupBody::default().set_profile(
                okta_sdk::models::OktaUserGroupProfile::default()
                    .set_name("Engineers")
                    .set_description("Build things"),
            ),
        )
        .send()
        .await
        .expect("group created");
    let gid = group.id.clone();

    let mut uids = Vec::new();
    for n in 0..3 {
        let user = client
            .create_user()
            .body(new_user(&format!("eng{n}@example.com"), Some("Sw0rdfish-Sw0rdfish")))
            .send()
            .await
            .expect("user");
        uids.push(user.id.clone());
    }
    for uid in &uids {
        client
            .assign_user_to_group()
            .group_id(&gid)
            .user_id(uid)
            .send()
            .await
            .expect("assigned");
    }
    let members: Vec<String> = client
        .list_group_users()
        .group_id(&gid)
        .limit(2)
        .stream()
        .map_ok(|u| u.id)
        .try_collect()
        .await
        .expect("members over two pages");
    assert_eq!(members, uids);

    let groups = client.list_user_groups().id(&uids[0]).send().await.expect("groups");
    let names: HashSet<String> = groups.iter().map(|g| g.profile.name.clone()).collect();
    assert_eq!(names, HashSet::from(["Everyone".to_string(), "Engineers".to_string()]));

    client
        .unassign_user_from_group()
        .group_id(&gid)
        .user_id(&uids[0])
        .send()
        .await
        .expect("removed");
    let left = client.list_group_users().group_id(&gid).send().await.expect("members");
    assert_eq!(left.len(), 2);
    let err = client
        .assign_user_to_group()
        .group_id(&gid)
        .user_id("00unosuchuser")
        .send()
        .await
        .expect_err("no such user");
    assert_eq!(err.error_code(), Some("E0000007"));
}

#[tokio::test]
async fn bookmark_and_swa_apps_are_created_listed_and_read_back() {
    let org = MockOrg::start().await.expect("the local org starts");
    let client = token_client(&org);
    let bookmark: BookmarkApplication = serde_json::from_value(json!({
        "name": "bookmark", "label": "Docs", "signOnMode": "BOOKMARK",
        "settings": {"app": {"url": "https://docs.example.com", "requestIntegration": false}},
    }))
    .expect("a bookmark app");
    let created = client
        .create_application()
        .body(bookmark)
        .send()
        .await
        .expect("bookmark");
    let Application::Bookmark(app) = created.into_inner() else {
        panic!("decoded as a bookmark app")
    };
    let bookmark_id = app.id;

    let swa: Application = serde_json::from_value(json!({
        "name": "template_swa", "label": "Intranet", "signOnMode": "BROWSER_PLUGIN",
        "settings": {"app": {"buttonField": "#login", "passwordField": "#pass", "usernameField": "#user",
                             "url": "https://intranet.example.com/login", "loginUrlRegex": "^https://intranet\\.example\\.com/login$"}},
    }))
    .expect("an SWA app");
    let created = client.create_application().body(swa).send().await.expect("swa");
    let Application::BrowserPlugin(app) = created.into_inner() else {
        panic!("decoded as a browser-plugin app")
    };
    let settings = app.settings.and_then(|s| s.app).expect("SWA settings");
    assert_eq!(
        settings.login_url_regex.as_deref(),
        Some("^https://intranet\\.example\\.com/login$")
    );

    let all: Vec<Application> = client.list_applications().stream().try_collect().await.expect("list");
    assert_eq!(all.len(), 2);
    let fetched = client.get_application().app_id(&bookmark_id).send().await.expect("get");
    assert!(matches!(fetched.into_inner(), Application::Bookmark(_)));

    // An SWA app without its fields is refused with the field named.
    let broken: Application = serde_json::from_value(json!({
        "name": "template_swa", "label": "Broken", "signOnMode": "BROWSER_PLUGIN",
        "settings": {"app": {"buttonField": "#b", "passwordField": "", "usernameField": "#u", "url": "https://x.example.com"}},
    }))
    .expect("decodes");
    let err = client
        .create_application()
        .body(broken)
        .send()
        .await
        .expect_err("refused");
    assert_eq!(err.error_code(), Some("E0000001"));
    assert!(
        err.api()
            .is_some_and(|a| a.error_causes[0].starts_with("settings.app.passwordField"))
    );
}

#[tokio::test]
async fn pagination_over_1234_users_three_ways() {
    let org = MockOrg::builder()
        .users(1234)
        .start()
        .await
        .expect("the local org starts");
    let client = token_client(&org);

    // Items: every user once, in order.
    let ids: Vec<String> = client
        .list_users()
        .limit(200)
        .stream()
        .map_ok(|u| u.id)
        .try_collect()
        .await
        .expect("all users");
    assert_eq!(ids.len(), 1234);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 1234);
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);

    // Pages: seven, the last one short, each with Okta's Link headers.
    let pages: Vec<_> = client
        .list_users()
        .limit(200)
        .pages()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(
        pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(),
        [200, 200, 200, 200, 200, 200, 34]
    );
    assert!(pages[0].has_next_page());
    assert!(!pages[6].has_next_page());

    // A search keeps its query on every page.
    let engineers = client
        .list_users()
        .search("profile.department eq \"Engineering\" and status eq \"ACTIVE\"")
        .limit(50)
        .stream()
        .count()
        .await;
    assert_eq!(engineers, 1234 / 4, "every fourth user is in Engineering");
    let by_q = client.list_users().q("user00012").stream().count().await;
    assert_eq!(by_q, 35, "logins user0001200 to user0001234");
}

#[tokio::test]
async fn private_key_auth_gets_one_token_for_many_concurrent_calls() {
    let org = MockOrg::builder()
        .users(30)
        .start()
        .await
        .expect("the local org starts");
    let scopes = ["okta.users.read", "okta.groups.read"];
    let client = private_key_client(&org, "0oaservice", &scopes, &scopes);

    let calls = (0..40).map(|i| {
        let client = client.clone();
        async move {
            client
                .get_user()
                .id(format!("user{:07}@example.com", i % 30 + 1))
                .send()
                .await
        }
    });
    let results = futures::future::join_all(calls).await;
    assert!(
        results.iter().all(Result::is_ok),
        "{:?}",
        results.iter().find(|r| r.is_err())
    );
    let listed = client.list_users().limit(7).stream().count().await;
    assert_eq!(listed, 30);
    assert_eq!(org.token_requests(), 1, "one token for 40 concurrent calls and 5 pages");

    // The scope the token lacks: Okta's 403 names it.
    let err = client
        .create_user()
        .body(new_user("nope@example.com", None))
        .send()
        .await
        .expect_err("read-only token");
    let api = err.api().expect("an Okta error");
    assert_eq!(
        (api.status.as_u16(), api.error_code.as_deref()),
        (403, Some("E0000006"))
    );
    assert!(
        api.required_scopes.contains(&"okta.users.manage"),
        "{:?}",
        api.required_scopes
    );
}

#[tokio::test]
async fn an_expiring_token_is_renewed_ahead_of_expiry() {
    let org = MockOrg::builder()
        .token_lifetime(Duration::from_secs(2))
        .start()
        .await
        .expect("the local org starts");
    let client = private_key_client(&org, "0oashortlived", &["okta.users.read"], &["okta.users.read"]);
    client.list_users().send().await.expect("first call");
    client.list_users().send().await.expect("second call, same token");
    assert_eq!(org.token_requests(), 1);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    client.list_users().send().await.expect("after renewal");
    assert_eq!(org.token_requests(), 2);
}

#[tokio::test]
async fn a_service_app_with_an_unregistered_key_is_refused() {
    let org = MockOrg::start().await.expect("the local org starts");
    let client = private_key_client(&org, "0oareal", &["okta.users.read"], &["okta.users.read"]);
    // Same client id, another key: the assertion does not verify.
    let (_, other_public) = okta_tests::key_pair();
    org.register_service_app(okta_mock::ServiceApp::new("0oareal", other_public));
    let err = client.list_users().send().await.expect_err("bad signature");
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(err.to_string().contains("invalid_client"), "{err}");
}

#[tokio::test]
async fn injected_429_and_503_are_retried_and_slow_answers_time_out() {
    let org = MockOrg::builder().users(3).start().await.expect("the local org starts");
    let client = token_client(&org);
    org.inject(Fault::rate_limited().on_path("/api/v1/users"));
    org.inject(Fault::status(503).on_path("/api/v1/users"));
    let started = std::time::Instant::now();
    let users = client.list_users().send().await.expect("retried to success");
    // The 429 waits for its reset (a second away); the 503 backs off and does not wait for
    // the rate-limit window's reset that every Okta answer carries.
    assert!(started.elapsed() < Duration::from_secs(8), "{:?}", started.elapsed());
    assert_eq!(users.len(), 3);
    assert_eq!(org.requests(), 3, "a 429, a 503, then the answer");

    org.inject(Fault::delay(Duration::from_secs(3)).on_path("/api/v1/users"));
    let err = client
        .list_users()
        .options(RequestOptions::new().timeout(Duration::from_millis(500)))
        .send()
        .await
        .expect_err("too slow");
    assert_eq!(err.kind(), ErrorKind::Timeout);
}
