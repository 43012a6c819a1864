//! The rate-limit warning (its own binary: it installs the global `tracing` subscriber): once
//! a window, when a bucket's use passes 60% of its limit, naming the bucket; and a caller's
//! bucket rule decides what the metrics count together.

#[path = "support/logs.rs"]
mod logs;

use okta_mock::MockOrg;
use okta_sdk::limits::{Bucket, BucketRule};
use okta_sdk::prelude::*;
use okta_sdk::runtime::OperationMeta;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug)]
struct OneBucket;

impl BucketRule for OneBucket {
    fn bucket(&self, _: &OperationMeta, _: &okta_sdk::Method, _: &str) -> Bucket {
        Bucket::new("everything")
    }
}

#[tokio::test]
async fn a_bucket_past_sixty_percent_is_warned_about_once_a_window() {
    let logs = logs::Logs::install();
    let users = okta_mock::Bucket::new(Some("GET"), "/api/v1/users/{id}");
    let org = MockOrg::builder()
        .users(1)
        .bucket_limit(users, 10, Duration::from_secs(60))
        .start()
        .await
        .unwrap();
    let client = okta_sdk::Client::builder()
        .code_only()
        .org_url(org.url())
        .api_token(org.api_token())
        .disable_https_check(true)
        .metrics(true)
        .build()
        .unwrap();
    let id = client.list_users().send().await.unwrap()[0].id.clone();
    for n in 1..=8 {
        client.get_user().id(&id).send().await.unwrap();
        let warnings = logs.text().matches("of the bucket's limit is used").count();
        // 6 of 10 used is 60%: the warning comes with the sixth answer, and only once.
        assert_eq!(warnings, usize::from(n >= 6), "after {n} calls: {}", logs.text());
    }
    let text = logs.text();
    assert!(
        text.contains("GET /api/v1/users/{id}") && text.contains("remaining=4"),
        "{text}"
    );

    // A caller's rule: every request in one bucket.
    let one = okta_sdk::Client::builder()
        .code_only()
        .org_url(org.url())
        .api_token(org.api_token())
        .disable_https_check(true)
        .metrics(true)
        .bucket_rule(Arc::new(OneBucket))
        .build()
        .unwrap();
    one.list_users().send().await.unwrap();
    one.get_user().id(&id).send().await.unwrap();
    let metrics = one.metrics();
    assert_eq!(metrics.buckets.len(), 1);
    assert_eq!(metrics.bucket("everything").map(|b| b.calls), Some(2));
}
