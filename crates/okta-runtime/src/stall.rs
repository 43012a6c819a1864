//! The read timeout (`okta.client.readTimeout`): an attempt fails once the server has sent
//! nothing for that long, while the call waits for an answer's head or for its body's next
//! chunk. The runtime applies it itself, so it holds whatever HTTP client the runtime sends
//! through (a caller's own included), and it costs one timer per wait that is not over at
//! once. reqwest's own read timeout, which the runtime used before, boxed two timers for every
//! request and moved one in the timer wheel for every chunk (BENCHMARKS.md).

use std::task::Poll;
use std::time::Duration;

/// The server sent nothing for the read timeout.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Stalled;

/// Awaits `step`, or fails with [`Stalled`] when it is not over within `limit` (`None`: no
/// limit). A step that is over when first polled (a chunk already received) arms no timer.
pub(crate) async fn within<F: Future>(limit: Option<Duration>, step: F) -> Result<F::Output, Stalled> {
    let mut step = std::pin::pin!(step);
    // One poll first: most chunks, and every cached or buffered answer, are there already.
    if let Poll::Ready(out) = std::future::poll_fn(|cx| Poll::Ready(step.as_mut().poll(cx))).await {
        return Ok(out);
    }
    match limit {
        Some(limit) => tokio::time::timeout(limit, step).await.map_err(|_| Stalled),
        None => Ok(step.await),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::{Instant, sleep};

    const LIMIT: Option<Duration> = Some(Duration::from_secs(60));

    #[tokio::test(start_paused = true)]
    async fn a_step_over_at_once_needs_no_time() {
        let started = Instant::now();
        assert_eq!(within(LIMIT, async { 7 }).await, Ok(7));
        assert_eq!(started.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_step_that_ends_within_the_limit_is_waited_for() {
        let started = Instant::now();
        let step = async {
            sleep(Duration::from_secs(59)).await;
            "head"
        };
        assert_eq!(within(LIMIT, step).await, Ok("head"));
        assert_eq!(started.elapsed(), Duration::from_secs(59));
    }

    #[tokio::test(start_paused = true)]
    async fn a_step_past_the_limit_is_a_stall_at_the_limit() {
        let started = Instant::now();
        assert_eq!(within(LIMIT, std::future::pending::<()>()).await, Err(Stalled));
        assert_eq!(started.elapsed(), Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_limit_a_step_is_waited_for_however_long() {
        let step = async {
            sleep(Duration::from_secs(24 * 3600)).await;
            1
        };
        assert_eq!(within(None, step).await, Ok(1));
    }

    /// `Runtime::with_read_timeout` takes any duration: the largest overflows no instant.
    #[tokio::test(start_paused = true)]
    async fn the_largest_limit_is_no_limit_and_no_overflow() {
        let step = async {
            sleep(Duration::from_secs(24 * 3600)).await;
            2
        };
        assert_eq!(within(Some(Duration::MAX), step).await, Ok(2));
    }
}
