//! For tests on paused time (`#[tokio::test(start_paused = true)]`).

/// An HTTP client without timers of its own (no connect or read timeout, no idle-pool
/// reaper). Paused time jumps to the next timer whenever the runtime idles, even while a real
/// answer is on its way; with this client, and the runtime's own read timeout off
/// (`read_timeout(Duration::ZERO)` in the configuration), the only timers are the test's and
/// the SDK's waits.
pub fn http_client() -> reqwest::Client {
    okta_sdk::runtime::ensure_tls_provider();
    reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("http client")
}
