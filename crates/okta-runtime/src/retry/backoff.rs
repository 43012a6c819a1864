//! Backoff between retries of 503, 504 and transport failures.

use std::time::Duration;

/// How long to wait before retry number `retry` (1 for the first retry).
pub trait Backoff: Send + Sync + std::fmt::Debug {
    /// The delay before retry `retry`.
    fn delay(&self, retry: u32) -> Duration;
}

/// Exponential backoff with full jitter, from [`backon`]'s well-tested builder.
///
/// Defaults: 200 ms, doubling, at most 10 s, jittered.
#[derive(Debug, Clone, Copy)]
pub struct ExponentialBackoff {
    builder: backon::ExponentialBuilder,
}

impl Default for ExponentialBackoff {
    fn default() -> Self {
        Self::new(Duration::from_millis(200), 2.0, Duration::from_secs(10), true)
    }
}

impl ExponentialBackoff {
    /// `initial * factor^(retry-1)`, capped at `max`; with `jitter`, a random share of it is added.
    pub fn new(initial: Duration, factor: f32, max: Duration, jitter: bool) -> Self {
        let mut builder = backon::ExponentialBuilder::default()
            .with_min_delay(initial)
            .with_factor(factor)
            .with_max_delay(max)
            .without_max_times();
        if jitter {
            builder = builder.with_jitter();
        }
        Self { builder }
    }

    /// The same delay every time, no jitter (tests, or callers who want it).
    pub fn fixed(delay: Duration) -> Self {
        Self::new(delay, 1.0, delay, false)
    }
}

impl Backoff for ExponentialBackoff {
    fn delay(&self, retry: u32) -> Duration {
        use backon::BackoffBuilder;
        let n = retry.saturating_sub(1) as usize;
        self.builder.build().nth(n).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_and_caps() {
        let b = ExponentialBackoff::new(Duration::from_millis(100), 2.0, Duration::from_millis(350), false);
        let got: Vec<_> = (1..=4).map(|n| b.delay(n).as_millis()).collect();
        assert_eq!(got, vec![100, 200, 350, 350]);
        let j = ExponentialBackoff::new(Duration::from_millis(100), 2.0, Duration::from_secs(1), true);
        for n in 1..=3 {
            let d = j.delay(n).as_millis();
            let base = 100u128 << (n - 1);
            assert!((base..=2 * base).contains(&d), "retry {n}: {d} ms");
        }
    }
}
