//! Four ways to page through a list: a stream of items, a stream of pages with their
//! numbers, page by page by hand (`client.next_page(&page)`), and a manual cursor (`after`)
//! loop.
//!
//! expect: items: 23 users
//! expect: page 1: 10 users
//! expect: page 3: 3 users
//! expect: next_page: 23 users in 3 pages
//! expect: manual cursor: 23 users in 3 requests

mod common;

use futures::{StreamExt, TryStreamExt};
use okta_sdk::prelude::*;

#[tokio::main]
async fn main() -> common::Result {
    let common::Session { client, local: _org } = common::connect_with_users(23).await?;

    // 1. Items: the stream fetches the next page when the current one is used up.
    let count = client
        .list_users()
        .limit(10)
        .stream()
        .try_fold(0, |n, _user| async move { Ok(n + 1) })
        .await?;
    println!("items: {count} users");

    // 2. Pages, numbered; each page also has its status and headers.
    let mut pages = client.list_users().limit(10).pages().enumerate();
    while let Some((n, page)) = pages.next().await {
        let page = page?;
        println!(
            "page {}: {} users (next page: {})",
            n + 1,
            page.items.len(),
            page.has_next_page()
        );
    }

    // 3. By hand: each page knows its next link; `next_page` answers `None` after the last.
    let mut page = client.list_users().limit(10).first_page().await?;
    let (mut total, mut pages) = (page.items.len(), 1);
    while let Some(next) = client.next_page(&page).await? {
        total += next.items.len();
        pages += 1;
        page = next;
    }
    println!("next_page: {total} users in {pages} pages");

    // 4. By cursor: take the `after` cursor from each answer's Link header.
    let (mut total, mut requests, mut after) = (0, 0, None::<String>);
    loop {
        let mut call = client.list_users().limit(10);
        if let Some(cursor) = &after {
            call = call.after(cursor);
        }
        let answer = call.send().await?;
        requests += 1;
        total += answer.len();
        after = okta_sdk::runtime::pagination::next_cursor(answer.headers());
        if after.is_none() {
            break;
        }
    }
    println!("manual cursor: {total} users in {requests} requests");
    Ok(())
}
