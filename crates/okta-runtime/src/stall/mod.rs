//! The read timeout (`okta.client.readTimeout`): an attempt fails once the server has sent
//! nothing for that long, while the call waits for an answer's head or for its body's next
//! chunk. The runtime applies it itself, so it holds whatever HTTP client the runtime sends
//! through (a caller's own included). A wait that is not over at once is watched by one
//! thread that serves every wait ([`watch`]), in real time; a tokio timer per wait, which
//! the runtime used before, took the runtime's timer lock twice per call. reqwest's own read
//! timeout, before that, boxed two timers for every request and moved one in the timer wheel
//! for every chunk (BENCHMARKS.md).

mod watch;

use std::task::Poll;
use std::time::Duration;
use watch::Watch;

/// A limit this long is no limit: such a wait is not watched (its deadline would not fit the
/// watcher's clock, and it would keep the watcher asleep for good).
const NO_LIMIT_FROM: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// The server sent nothing for the read timeout.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Stalled;

/// Awaits `step`, or fails with [`Stalled`] when it is not over within `limit` of real time
/// (`None`, or a century or more: no limit). A step that is over when first polled (a chunk
/// already received) is not watched. Only when the watcher cannot run (its thread could not
/// start) does a wait keep a tokio timer, which needs tokio's time driver and follows its
/// clock, as every wait did before the watcher.
pub(crate) async fn within<F: Future>(limit: Option<Duration>, step: F) -> Result<F::Output, Stalled> {
    let limit = limit.filter(|l| *l < NO_LIMIT_FROM);
    let mut step = std::pin::pin!(step);
    let mut watch: Option<Watch> = None;
    // `None`: the watcher cannot run; keep time with a tokio timer instead. (The outcome is
    // returned from within the statement, so no slot holds it while the fallback waits.)
    if let Some(outcome) = std::future::poll_fn(|cx| {
        if let Poll::Ready(out) = step.as_mut().poll(cx) {
            return Poll::Ready(Some(Ok(out)));
        }
        let Some(limit) = limit else {
            return Poll::Pending;
        };
        let expired = match &watch {
            Some(w) => w.expired(cx.waker()),
            None => match Watch::start(limit, cx.waker()) {
                // Its waker is registered: a deadline that passes from here on wakes the task.
                Some(w) => {
                    watch = Some(w);
                    false
                }
                None => return Poll::Ready(None),
            },
        };
        if expired {
            Poll::Ready(Some(Err(Stalled)))
        } else {
            Poll::Pending
        }
    })
    .await
    {
        return outcome;
    }
    match limit {
        // Boxed: the exception, and its timer would otherwise sit in every call's future.
        Some(limit) => Box::pin(tokio::time::timeout(limit, step)).await.map_err(|_| Stalled),
        None => Ok(step.await),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;
    use tokio::time::sleep;

    const LIMIT: Option<Duration> = Some(Duration::from_secs(60));
    const SHORT: Option<Duration> = Some(Duration::from_millis(50));

    /// Polls `wait` once, with a waker that does nothing; whether it is pending.
    fn pending_once<F: Future>(wait: std::pin::Pin<&mut F>) -> bool {
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        wait.poll(&mut cx).is_pending()
    }

    /// Within the limit, then some: this machine may be slow, but not by seconds.
    fn soon_after(started: Instant, limit: Option<Duration>) {
        let (took, limit) = (started.elapsed(), limit.unwrap_or_default());
        assert!(took >= limit && took < limit + Duration::from_secs(2), "{took:?}");
    }

    #[tokio::test]
    async fn a_step_over_at_once_is_not_watched() {
        let listed = watch::listed_here();
        assert_eq!(within(LIMIT, async { 7 }).await, Ok(7));
        assert_eq!(watch::listed_here(), listed);
    }

    #[tokio::test]
    async fn a_step_that_ends_within_the_limit_is_waited_for() {
        let step = async {
            sleep(Duration::from_millis(30)).await;
            "head"
        };
        assert_eq!(within(Some(Duration::from_secs(5)), step).await, Ok("head"));
    }

    #[tokio::test]
    async fn a_step_past_the_limit_is_a_stall_soon_after_the_limit() {
        let started = Instant::now();
        assert_eq!(within(SHORT, std::future::pending::<()>()).await, Err(Stalled));
        soon_after(started, SHORT);
    }

    /// The limit is about the network's silence, in real time: a paused clock that jumps an
    /// hour while nothing waits on the network ends no wait.
    #[tokio::test(start_paused = true)]
    async fn a_paused_clock_ends_no_wait() {
        let step = async {
            sleep(Duration::from_secs(3600)).await;
            "head"
        };
        assert_eq!(within(SHORT, step).await, Ok("head"));
    }

    /// A wait with a deadline earlier than the one the watcher sleeps until wakes it.
    #[tokio::test]
    async fn a_shorter_limit_is_kept_while_a_longer_wait_is_watched() {
        let long = tokio::spawn(within(Some(Duration::from_secs(30)), std::future::pending::<()>()));
        tokio::task::yield_now().await;
        sleep(Duration::from_millis(20)).await;
        let started = Instant::now();
        assert_eq!(within(SHORT, std::future::pending::<()>()).await, Err(Stalled));
        soon_after(started, SHORT);
        long.abort();
    }

    /// A wait is listed by the thread it started on; when that thread has ended, the wait,
    /// polled elsewhere, is still watched.
    #[test]
    fn a_wait_outlives_the_thread_it_started_on() {
        let mut wait = Box::pin(within(SHORT, std::future::pending::<()>()));
        let started = Instant::now();
        let mut wait = std::thread::spawn(move || {
            let pending = pending_once(wait.as_mut());
            assert!(pending);
            wait
        })
        .join()
        .expect("the first thread");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        // A wait nobody watches would hang: the guard fails the test instead.
        let guarded = runtime.block_on(async { tokio::time::timeout(Duration::from_secs(5), wait.as_mut()).await });
        assert_eq!(guarded, Ok(Err(Stalled)));
        soon_after(started, SHORT);
    }

    /// A task's waker is the caller's code: one that panics when its wait is over does not end
    /// the watcher, and later waits are still kept.
    #[test]
    fn a_panicking_waker_does_not_end_the_watcher() {
        struct Panics;
        impl std::task::Wake for Panics {
            fn wake(self: std::sync::Arc<Self>) {
                panic!("a waker that panics (expected in this test)");
            }
        }
        let waker = std::task::Waker::from(std::sync::Arc::new(Panics));
        let mut first = Box::pin(within(Some(Duration::from_millis(10)), std::future::pending::<()>()));
        let mut cx = std::task::Context::from_waker(&waker);
        assert!(first.as_mut().poll(&mut cx).is_pending());
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(first.as_mut().poll(&mut cx), Poll::Ready(Err(Stalled)));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        let started = Instant::now();
        let next = runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(5), within(SHORT, std::future::pending::<()>())).await
        });
        assert_eq!(next, Ok(Err(Stalled)));
        soon_after(started, SHORT);
    }

    /// Every call waits: ended waits are dropped from the list as it grows, not kept.
    #[tokio::test]
    async fn ended_waits_do_not_pile_up() {
        for _ in 0..10_000 {
            // Pending once (it wakes itself at once), so it is watched, then over.
            assert_eq!(within(LIMIT, tokio::task::yield_now()).await, Ok(()));
        }
        let listed = watch::listed_here();
        assert!(listed <= 2 * 64, "{listed} waits listed");
        // Dropped mid-wait (a cancelled call): ended too, and its task's waker let go at once.
        struct Task;
        impl std::task::Wake for Task {
            fn wake(self: std::sync::Arc<Self>) {}
        }
        let task = std::sync::Arc::new(Task);
        let waker = std::task::Waker::from(task.clone());
        for _ in 0..1_000 {
            let mut wait = Box::pin(within(LIMIT, std::future::pending::<()>()));
            let mut cx = std::task::Context::from_waker(&waker);
            assert!(wait.as_mut().poll(&mut cx).is_pending());
            assert!(std::sync::Arc::strong_count(&task) > 2, "the watch holds the waker");
        }
        assert_eq!(std::sync::Arc::strong_count(&task), 2, "only this test holds the task");
        let listed = watch::listed_here();
        assert!(listed <= 2 * 64, "{listed} waits listed");
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_limit_a_step_is_waited_for_however_long() {
        let step = async {
            sleep(Duration::from_secs(24 * 3600)).await;
            1
        };
        assert_eq!(within(None, step).await, Ok(1));
    }

    /// `Runtime::with_read_timeout` takes any duration: the largest is no limit, and is not
    /// watched.
    #[tokio::test(start_paused = true)]
    async fn the_largest_limit_is_no_limit_and_not_watched() {
        let listed = watch::listed_here();
        let step = async {
            sleep(Duration::from_secs(24 * 3600)).await;
            2
        };
        assert_eq!(within(Some(Duration::MAX), step).await, Ok(2));
        assert_eq!(watch::listed_here(), listed);
    }
}
