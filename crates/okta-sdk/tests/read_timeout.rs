//! The read timeout's watcher, alone in its process (a test binary of its own): no other
//! test's waits wake it, so this shows that a wait with an earlier deadline than the one the
//! watcher sleeps until wakes it.

use okta_sdk::ErrorKind;
use okta_sdk::prelude::*;
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;

/// An org that accepts connections, reads the request and never answers.
async fn silent_org() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                // Read until the client goes; answer nothing.
                while matches!(socket.read(&mut buf).await, Ok(n) if n > 0) {}
            });
        }
    });
    url
}

fn client(url: &str, read_timeout: Duration) -> okta_sdk::Client {
    okta_sdk::Client::builder()
        .code_only()
        .org_url(url)
        .api_token("00read-timeout-test")
        .disable_https_check(true)
        .read_timeout(read_timeout)
        .max_retries(0)
        .build()
        .expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_read_timeout_is_kept_while_a_long_one_is_watched() {
    let url = silent_org().await;
    // A call that waits with a 30 s limit: the watcher now sleeps until that deadline.
    let patient = client(&url, Duration::from_secs(30));
    let long = tokio::spawn(async move { patient.get_user().id("00ulong").send().await.map(|_| ()) });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!long.is_finished(), "the long wait is still waiting");

    // A 200 ms limit must wake the watcher early, not wait for the 30 s deadline.
    let hasty = client(&url, Duration::from_millis(200));
    let started = Instant::now();
    let e = hasty
        .get_user()
        .id("00ushort")
        .send()
        .await
        .expect_err("the org never answers");
    let took = started.elapsed();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(matches!(e, okta_sdk::Error::Stalled { .. }), "{e:?}");
    assert!(
        took >= Duration::from_millis(200) && took < Duration::from_secs(5),
        "{took:?}"
    );
    long.abort();
}
