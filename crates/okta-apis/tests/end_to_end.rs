//! Generated operations run through the runtime seam to a mock server and back.

use httpmock::prelude::*;
use okta_apis::prelude::*;
use okta_apis::{Client, types};
use serde_json::json;

fn client(server: &MockServer) -> Client {
    let runtime = okta_runtime::Runtime::with_api_token("test-token").expect("valid token");
    Client::with_runtime(&server.base_url(), runtime)
}

#[tokio::test]
async fn list_users_sends_ssws_and_decodes_users() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v1/users")
                .query_param("limit", "2")
                .header("authorization", "SSWS test-token");
            then.status(200).json_body(json!([
                {"id": "00u1", "status": "ACTIVE", "profile": {"login": "a@example.com", "team": "blue"}},
                {"id": "00u2", "status": "SOMETHING_NEW", "profile": {"login": "b@example.com"}}
            ]));
        })
        .await;
    let users = client(&server).list_users().limit(2).send().await.expect("lists users");
    mock.assert_async().await;
    assert_eq!(users.len(), 2);
    assert_eq!(users[0].status, types::UserStatus::Active);
    assert_eq!(users[0].profile.extra["team"], "blue");
    assert!(users[1].status.is_unknown());
}

#[tokio::test]
async fn a_success_status_without_body_reads_as_none_with_its_status() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/idps/idp1/credentials/keys/active");
            then.status(204);
        })
        .await;
    let resp = client(&server)
        .list_active_identity_provider_signing_key()
        .idp_id("idp1")
        .send()
        .await
        .expect("204 is a success");
    assert_eq!(resp.status(), 204);
    assert!(resp.into_inner().is_none());
}

#[tokio::test]
async fn non_json_request_bodies_go_out_with_their_real_media_type() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/security/api/v1/security-events")
                .header("content-type", "application/secevent+jwt")
                .body("eyJ.a.b");
            then.status(202);
        })
        .await;
    let resp = client(&server)
        .publish_security_event_tokens()
        .body("eyJ.a.b".to_string())
        .send()
        .await;
    mock.assert_async().await;
    assert!(resp.is_ok(), "{resp:?}");
}

#[test]
fn every_operation_is_in_the_table_with_its_facts() {
    assert_eq!(okta_apis::OPERATIONS.len(), 732);
    let op = okta_apis::operation("listUsers").expect("listUsers is there");
    assert_eq!((op.method, op.path), ("GET", "/api/v1/users"));
    assert!(op.scopes.contains(&"okta.users.read"));
    assert!(op.lists);
    assert_eq!(okta_apis::operation("list_users"), Some(op), "found by method name too");
    assert!(okta_apis::operation("noSuchOperation").is_none());
    let upload = okta_apis::operation("uploadApplicationLogo").unwrap();
    assert_eq!(
        (upload.request_media_type, upload.multipart_field),
        (Some("multipart/form-data"), Some("file"))
    );
}
