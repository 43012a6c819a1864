//! The read timeout's clock: one thread, started by the first wait, wakes every wait that has
//! heard nothing for its limit.
//!
//! Why not a tokio timer per wait: tokio's timer wheel sits behind one lock per runtime, taken
//! to register a timer and again to cancel it, and each `Sleep` holds a count on the runtime's
//! handle. Every call waits for an answer's head, so on a multi-thread runtime every call took
//! that lock twice and changed that count twice, from whichever worker ran it, and the workers
//! handed those cache lines back and forth (okta-bench scenario 3: about two points of the
//! SDK's ratio to hand-written reqwest, BENCHMARKS.md). Here a wait goes on a list of the
//! thread it started on, which only that thread and the watcher lock, and is marked done when
//! it ends: the workers share nothing per wait.
//!
//! The watcher sleeps until the earliest deadline on the lists (with none, until a wait comes);
//! a wait whose deadline is earlier than the one the watcher sleeps to wakes it. Each sweep
//! wakes the waits that are over and drops those that ended; a thread drops its own ended
//! waits as its list grows, so a list holds about twice the waits in progress.
//!
//! The limit runs in real time, not on tokio's clock: it is about how long the network has
//! been silent, and a test's paused clock brings no answer sooner (nor, now, a spurious
//! stall while a real server answers).

use futures::task::AtomicWaker;
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::task::Waker;
use std::time::{Duration, Instant};

/// A list is tidied (ended waits dropped) once it holds at least this many.
const FIRST_TIDY: usize = 64;

/// One wait: when it is over, and whom to wake then.
struct Entry {
    /// Milliseconds since [`base`] at which the wait is over.
    deadline: u64,
    waker: AtomicWaker,
    /// Set by the watcher once the deadline has passed, before it wakes the waker.
    expired: AtomicBool,
    /// Set by the wait when it ends (its step is over, or it was dropped).
    done: AtomicBool,
}

impl Entry {
    fn watched(&self) -> bool {
        !self.done.load(Ordering::Acquire) && !self.expired.load(Ordering::Acquire)
    }
}

/// The waits one thread started.
type List = Mutex<Vec<Arc<Entry>>>;

/// Every thread's list. A list whose thread has ended stays until its waits are over.
static LISTS: Mutex<Vec<Arc<List>>> = Mutex::new(Vec::new());
/// The deadline the watcher sleeps until (`u64::MAX`: until a wait comes).
static NEXT: AtomicU64 = AtomicU64::new(u64::MAX);
/// The watcher, or `None` when its thread could not be started.
static WATCHER: OnceLock<Option<std::thread::Thread>> = OnceLock::new();
/// Set if the watcher's thread ever ends (it does not, unless something in it panics): waits
/// then keep their own timers instead of being listed where nobody looks.
static ENDED: AtomicBool = AtomicBool::new(false);

thread_local! {
    static LOCAL: Local = Local::new();
}

/// This thread's list, and the length at which it is next tidied.
struct Local {
    list: Arc<List>,
    tidy_at: Cell<usize>,
}

impl Local {
    fn new() -> Self {
        let list = Arc::new(List::default());
        lock(&LISTS).push(list.clone());
        Self {
            list,
            tidy_at: Cell::new(FIRST_TIDY),
        }
    }

    fn push(&self, entry: Arc<Entry>) {
        let mut waits = lock(&self.list);
        if waits.len() >= self.tidy_at.get() {
            waits.retain(|w| w.watched());
            self.tidy_at.set(waits.len().saturating_mul(2).max(FIRST_TIDY));
        }
        waits.push(entry);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing holding these locks panics; a poisoned list is still a list.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The instant the deadlines count from.
fn base() -> Instant {
    static BASE: OnceLock<Instant> = OnceLock::new();
    *BASE.get_or_init(Instant::now)
}

/// Milliseconds since [`base`] (saturating: `u64` milliseconds last 584 million years).
fn now_ms() -> u64 {
    u64::try_from(base().elapsed().as_millis()).unwrap_or(u64::MAX - 1)
}

/// A deadline `limit` after `now`, never earlier (the clock is read in whole milliseconds)
/// and never `u64::MAX`, which means "nothing to watch".
fn deadline(now: u64, limit: Duration) -> u64 {
    let limit_ms = u64::try_from(limit.as_nanos().div_ceil(1_000_000)).unwrap_or(u64::MAX);
    now.saturating_add(limit_ms).saturating_add(1).min(u64::MAX - 1)
}

/// A wait being watched. Dropping it ends the watch.
pub(crate) struct Watch(Arc<Entry>);

impl Watch {
    /// Watches a wait that may last `limit` from now; `waker` is woken when it is over.
    /// `None` when the watcher cannot run (its thread could not be started, or this thread is
    /// ending): the caller keeps time itself.
    pub(crate) fn start(limit: Duration, waker: &Waker) -> Option<Self> {
        let watcher = WATCHER.get_or_init(spawn).as_ref()?;
        if ENDED.load(Ordering::Relaxed) {
            return None;
        }
        let entry = Arc::new(Entry {
            deadline: deadline(now_ms(), limit),
            waker: AtomicWaker::new(),
            expired: AtomicBool::new(false),
            done: AtomicBool::new(false),
        });
        entry.waker.register(waker);
        LOCAL.try_with(|local| local.push(entry.clone())).ok()?;
        // The watcher looks at `NEXT` after each sweep, and sweeps again if a wait came in
        // meanwhile with an earlier deadline; otherwise this wakes it (see `watch`).
        if entry.deadline < NEXT.load(Ordering::SeqCst) {
            watcher.unpark();
        }
        Some(Self(entry))
    }

    /// Whether the wait is over. `waker` is registered first, so a deadline that passes
    /// after this returns `false` wakes it.
    pub(crate) fn expired(&self, waker: &Waker) -> bool {
        self.0.waker.register(waker);
        self.0.expired.load(Ordering::Acquire)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.0.done.store(true, Ordering::Release);
        // The task's waker goes now, not when the list is next tidied: it holds the task.
        drop(self.0.waker.take());
    }
}

/// Starts the watcher's thread.
fn spawn() -> Option<std::thread::Thread> {
    base();
    match std::thread::Builder::new()
        .name("okta-read-timeout".into())
        .spawn(watch)
    {
        Ok(handle) => Some(handle.thread().clone()),
        Err(e) => {
            tracing::warn!(error = %e, "the read timeout's thread could not start; each wait keeps its own timer");
            None
        }
    }
}

/// The watcher: sweeps, publishes the earliest deadline left, and sleeps until it.
fn watch() {
    /// Marks the watcher ended if its loop ever unwinds.
    struct Ending;
    impl Drop for Ending {
        fn drop(&mut self) {
            ENDED.store(true, Ordering::SeqCst);
        }
    }
    let _ending = Ending;
    loop {
        let earliest = sweep(now_ms());
        NEXT.store(earliest, Ordering::SeqCst);
        // A wait that came in during the sweep may have read an older `NEXT` and not woken
        // the watcher. Any wait not seen by this second sweep read the `NEXT` just stored,
        // and wakes the watcher itself if its deadline is earlier.
        let again = sweep(now_ms());
        if again < earliest {
            continue;
        }
        match earliest {
            u64::MAX => std::thread::park(),
            at => std::thread::park_timeout(Duration::from_millis(at.saturating_sub(now_ms()))),
        }
    }
}

/// Wakes the waits whose deadline is `now` or earlier and drops them and those that ended;
/// the earliest deadline left, or `u64::MAX` for none.
fn sweep(now: u64) -> u64 {
    let lists = lock(&LISTS).clone();
    let mut earliest = u64::MAX;
    let mut over = Vec::new();
    for list in &lists {
        lock(list).retain(|wait| {
            if !wait.watched() {
                return false;
            }
            if wait.deadline <= now {
                over.push(wait.clone());
                return false;
            }
            earliest = earliest.min(wait.deadline);
            true
        });
    }
    drop(lists);
    // The list of a thread that has ended (only this registry holds it) goes once empty.
    lock(&LISTS).retain(|list| Arc::strong_count(list) > 1 || !lock(list).is_empty());
    // Woken outside the lists' locks. A waker is the caller's code: one that panics must not
    // end the watcher, which every other wait relies on.
    for wait in over {
        wait.expired.store(true, Ordering::Release);
        let woken = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| wait.waker.wake()));
        if woken.is_err() {
            tracing::warn!("a task's waker panicked when its read timeout passed");
        }
    }
    earliest
}

/// The waits this thread's list holds, ended or not (tests).
#[cfg(test)]
pub(crate) fn listed_here() -> usize {
    LOCAL.with(|local| lock(&local.list).len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_is_never_early_and_never_the_idle_mark() {
        assert_eq!(deadline(10, Duration::from_millis(5)), 16);
        assert_eq!(deadline(10, Duration::from_micros(1)), 12);
        assert_eq!(deadline(10, Duration::ZERO), 11);
        assert_eq!(deadline(u64::MAX - 1, Duration::from_secs(1)), u64::MAX - 1);
        assert_eq!(deadline(0, Duration::MAX), u64::MAX - 1);
    }
}
