//! Paging through a generated list operation: by hand with `.first_page()` and
//! `client.next_page(&page)`, and with `.pages()` bounded by `.max_pages(n)`. The runtime
//! builds every next request itself from the page's `rel="next"` link.

#[allow(dead_code)]
#[path = "hostile/server.rs"]
mod server;

use futures::TryStreamExt;
use okta_sdk::prelude::*;
use okta_sdk::runtime::Runtime;
use okta_sdk::{ErrorKind, Page, RequestOptions, StatusCode};
use server::{Server, reply};

const TOKEN: &str = "00paging-test-token";

fn client(server: &Server) -> okta_sdk::Client {
    okta_sdk::Client::with_runtime(&server.url, Runtime::with_api_token(TOKEN).expect("token"))
}

/// Three pages of one user each: `?after=1`, `?after=2`, then a page without a next link.
fn three_pages() -> Server {
    Server::start(|seen, base| {
        let n: u32 = seen
            .target
            .split("after=")
            .nth(1)
            .and_then(|v| v.split('&').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let body = format!(r#"[{{"id":"00u{n}","status":"ACTIVE","profile":{{"login":"u{n}@example.com"}}}}]"#);
        let link = format!("<{base}/api/v1/users?after={}&limit=1>; rel=\"next\"", n + 1);
        let links: &[(&str, &str)] = if n < 2 { &[("Link", &link)] } else { &[] };
        reply("200 OK", links, &body)
    })
}

#[tokio::test]
async fn next_page_walks_a_list_by_hand_with_the_callers_query_and_headers() {
    let org = three_pages();
    let c = client(&org);
    let options = RequestOptions::new().header(
        okta_sdk::header::HeaderName::from_static("x-trace"),
        okta_sdk::header::HeaderValue::from_static("t1"),
    );
    let mut page = c
        .list_users()
        .limit(1)
        .search("status eq \"ACTIVE\"")
        .options(options)
        .first_page()
        .await
        .expect("first page");
    let mut ids = Vec::new();
    loop {
        ids.extend(page.items.iter().map(|u| u.id.clone()));
        assert_eq!(page.status, StatusCode::OK);
        match c.next_page(&page).await.expect("next page") {
            Some(next) => page = next,
            None => break,
        }
    }
    assert_eq!(ids, ["00u0", "00u1", "00u2"]);
    let seen = org.seen();
    assert_eq!(seen.len(), 3, "one request per page, none after the last");
    for s in &seen {
        assert_eq!(s.path(), "/api/v1/users");
        assert!(s.target.contains("search="), "the caller's query is kept: {}", s.target);
        assert_eq!(
            s.header("x-trace"),
            Some("t1"),
            "the call's options hold for every page"
        );
        assert_eq!(s.header("authorization"), Some(&*format!("SSWS {TOKEN}")));
    }
    assert!(seen[1].target.contains("after=1") && seen[2].target.contains("after=2"));
    // Asking again for the page after the last answers `None` and sends nothing.
    assert!(c.next_page(&page).await.expect("no next").is_none());
    assert_eq!(org.seen().len(), 3);
}

#[tokio::test]
async fn a_page_from_another_orgs_client_is_refused_and_a_hand_built_page_has_no_next() {
    let org = three_pages();
    let other = three_pages();
    let first = client(&org)
        .list_users()
        .limit(1)
        .first_page()
        .await
        .expect("first page");
    let e = client(&other).next_page(&first).await.expect_err("another org's page");
    assert_eq!(e.kind(), ErrorKind::Pagination, "{e}");
    assert!(e.to_string().contains("not from this client's org"), "{e}");
    assert!(other.seen().is_empty(), "the other org's credentials went nowhere");
    assert_eq!(org.seen().len(), 1, "nor did this org get a second request");

    let mut headers = okta_sdk::header::HeaderMap::new();
    let link = format!("<{}/api/v1/users?after=1>; rel=\"next\"", org.url);
    headers.insert(okta_sdk::header::LINK, link.parse().expect("header"));
    let hand_built: Page<okta_sdk::models::User> = Page::new(Vec::new(), StatusCode::OK, headers);
    assert!(hand_built.has_next_page());
    assert!(client(&org).next_page(&hand_built).await.expect("none").is_none());
    assert_eq!(org.seen().len(), 1);
}

#[tokio::test]
async fn max_pages_bounds_the_stream_and_every_page_keeps_its_status_and_headers() {
    let org = three_pages();
    let pages: Vec<_> = client(&org)
        .list_users()
        .limit(1)
        .max_pages(2)
        .pages()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.len(), 2);
    assert!(pages.iter().all(|p| p.has_next_page() && p.items.len() == 1));
    assert_eq!(org.seen().len(), 2);
    let all: Vec<_> = client(&org)
        .list_users()
        .limit(1)
        .stream()
        .try_collect()
        .await
        .expect("users");
    assert_eq!(all.len(), 3);
}
