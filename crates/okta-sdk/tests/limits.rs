//! Rate limits against the local fake org with per-bucket limits and a concurrency limit:
//! pacing keeps 16 tasks on two buckets within their share with no 429 while using most of
//! it, the concurrency limit holds a burst client-side, a concurrent-limit 429 is retried
//! after a short pause, the client's metrics match what the org counted, and fan-out yields
//! a result per input.

use futures::StreamExt;
use okta_mock::{Bucket, MockOrg};
use okta_sdk::prelude::*;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn client(org: &MockOrg, change: impl FnOnce(okta_sdk::ClientBuilder) -> okta_sdk::ClientBuilder) -> okta_sdk::Client {
    change(
        okta_sdk::Client::builder()
            .code_only()
            .org_url(org.url())
            .api_token(org.api_token())
            .disable_https_check(true),
    )
    .build()
    .expect("a valid configuration")
}

async fn first_user_and_group(client: &okta_sdk::Client) -> (String, String) {
    let user = client.list_users().limit(1).send().await.unwrap()[0].id.clone();
    let group = client.list_groups().limit(1).send().await.unwrap()[0].id.clone();
    (user, group)
}

#[tokio::test]
async fn pacing_keeps_sixteen_tasks_within_the_share_of_two_buckets() {
    let window = Duration::from_secs(2);
    let users = Bucket::new(Some("GET"), "/api/v1/users/{id}");
    let groups = Bucket::new(Some("GET"), "/api/v1/groups/{id}");
    let org = MockOrg::builder()
        .users(3)
        .bucket_limit(users.clone(), 40, window)
        .bucket_limit(groups.clone(), 30, window)
        .start()
        .await
        .unwrap();
    let client = client(&org, |b| b.rate_limit_share_percent(50).max_concurrent(16));
    let (user, group) = first_user_and_group(&client).await;

    let run = Duration::from_secs(9);
    let started = Instant::now();
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let (client, user, group) = (client.clone(), user.clone(), group.clone());
            tokio::spawn(async move {
                let mut calls = 0u32;
                while started.elapsed() < run {
                    let ok = if i % 2 == 0 {
                        client.get_user().id(&user).send().await.map(|_| ())
                    } else {
                        client.get_group().group_id(&group).send().await.map(|_| ())
                    };
                    ok.expect("no call fails");
                    calls += 1;
                }
                calls
            })
        })
        .collect();
    let mut calls = 0;
    for t in tasks {
        calls += t.await.unwrap();
    }
    assert_eq!(org.rate_limited(), 0, "no 429 at all");
    let metrics = client.metrics();
    for (bucket, share) in [(&users, 20usize), (&groups, 15)] {
        let seen = org.bucket_stat(bucket).expect("counted");
        assert!(
            seen.most_in_window <= share,
            "{bucket}: {} > {share}",
            seen.most_in_window
        );
        // Windows of 2 s, and up to a second lost at each end (`X-Rate-Limit-Reset` is whole
        // seconds, rounded up): at least three windows in 9 s, each used to 80% of the share.
        let least = (share * 3 * 8 / 10) as u64;
        assert!(
            seen.requests >= least,
            "{bucket}: used {} of the share, wanted {least}",
            seen.requests
        );
        eprintln!(
            "{bucket}: {} requests, fullest window {}, share {share}",
            seen.requests, seen.most_in_window
        );
        let mine = metrics.bucket(&bucket.to_string()).expect("the client tracked it");
        assert_eq!(
            mine.calls, seen.requests,
            "{bucket}: the client counted what the org did"
        );
        assert_eq!(mine.rate_limited, 0);
        assert!(mine.waits > 0, "{bucket}: {mine:?}");
        assert_eq!(mine.limit, Some(seen.limit as u64));
    }
    assert!(calls > 0);
}

#[tokio::test]
async fn a_burst_beyond_the_concurrency_limit_is_held_client_side() {
    let org = MockOrg::builder()
        .users(1)
        .concurrency_limit(4)
        .latency(Duration::from_millis(100))
        .start()
        .await
        .unwrap();
    let client = client(&org, |b| b.max_concurrent(4));
    let (user, _) = first_user_and_group(&client).await;
    let calls = (0..20).map(|_| client.get_user().id(&user).send());
    for answer in futures::future::join_all(calls).await {
        answer.expect("held, then sent");
    }
    assert_eq!(org.concurrency_rate_limited(), 0);
    assert!(org.most_in_flight() <= 4, "{}", org.most_in_flight());
    let metrics = client.metrics();
    assert!(metrics.concurrency_waits >= 16, "{metrics:?}");
    assert_eq!(metrics.in_flight, 0);
}

#[tokio::test]
async fn a_concurrent_limit_429_is_retried_after_a_short_pause() {
    let org = MockOrg::builder()
        .users(1)
        .concurrency_limit(2)
        .latency(Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    // No limit of its own: the org's answers it.
    let client = client(&org, |b| b.max_concurrent(0));
    let (user, _) = first_user_and_group(&client).await;
    let started = Instant::now();
    let calls = (0..4).map(|_| client.get_user().id(&user).send());
    for answer in futures::future::join_all(calls).await {
        answer.expect("retried, then served");
    }
    let took = started.elapsed();
    assert!(
        org.concurrency_rate_limited() >= 2,
        "{}",
        org.concurrency_rate_limited()
    );
    // A 250 ms pause, not the estimated reset (a second or two away).
    assert!(took < Duration::from_millis(900), "{took:?}");
    let metrics = client.metrics();
    assert_eq!(metrics.concurrency_rate_limited, org.concurrency_rate_limited());
    assert!(metrics.retries >= 2, "{metrics:?}");
}

#[tokio::test]
async fn fan_out_gives_a_result_per_input_and_an_error_stays_with_its_input() {
    let org = MockOrg::builder().users(5).start().await.unwrap();
    let client = Arc::new(client(&org, |b| b.max_concurrent(3)));
    let mut ids: Vec<String> = client
        .list_users()
        .send()
        .await
        .unwrap()
        .iter()
        .map(|u| u.id.clone())
        .collect();
    ids.insert(2, "00u-missing".into());
    let c = client.clone();
    let mut results: Vec<(usize, Result<String, okta_sdk::Error>)> = client
        .fan_out(futures::stream::iter(ids.clone()), move |id| {
            let c = c.clone();
            async move { c.get_user().id(id).send().await.map(|u| u.id.clone()) }
        })
        .collect()
        .await;
    results.sort_by_key(|(i, _)| *i);
    assert_eq!(results.len(), 6);
    for (i, result) in results {
        match result {
            Ok(id) => assert_eq!(id, ids[i]),
            Err(e) => assert_eq!((i, e.error_code()), (2, Some("E0000007"))),
        }
    }
}
