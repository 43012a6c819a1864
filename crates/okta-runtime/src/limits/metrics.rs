//! What the client counted: per bucket, and for the client as a whole.

use super::bucket::Bucket;
use super::store::Observed;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

/// One bucket's counts.
#[derive(Debug, Clone, Default)]
struct Counters {
    calls: u64,
    waits: u64,
    rate_limited: u64,
    last: Option<Observed>,
}

/// The client's counters (cheap atomics; per-bucket counts only when tracked).
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    buckets: Mutex<HashMap<Bucket, Counters>>,
    retries: AtomicU64,
    cache_hits: AtomicU64,
    concurrency_waits: AtomicU64,
    concurrency_rate_limited: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Metrics {
    fn bucket(&self, bucket: &Bucket, f: impl FnOnce(&mut Counters)) {
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Buckets are few (see `DefaultBuckets`), but a caller's rule could make many: past the
        // store's cap they are counted together.
        let key = if buckets.contains_key(bucket) || buckets.len() < super::store::MAX_BUCKETS {
            bucket.clone()
        } else {
            Bucket::new("other")
        };
        f(buckets.entry(key).or_default());
    }

    pub(crate) fn call(&self, bucket: &Bucket, seen: Option<Observed>, rate_limited: bool) {
        self.bucket(bucket, |c| {
            c.calls = c.calls.saturating_add(1);
            if rate_limited {
                c.rate_limited = c.rate_limited.saturating_add(1);
            }
            if seen.is_some() {
                c.last = seen;
            }
        });
    }

    pub(crate) fn waited(&self, bucket: &Bucket) {
        self.bucket(bucket, |c| c.waits = c.waits.saturating_add(1));
    }

    pub(crate) fn retried(&self) {
        bump(&self.retries);
    }

    pub(crate) fn cache_hit(&self) {
        bump(&self.cache_hits);
    }

    pub(crate) fn concurrency_wait(&self) {
        bump(&self.concurrency_waits);
    }

    pub(crate) fn concurrency_rate_limited(&self) {
        bump(&self.concurrency_rate_limited);
    }

    pub(crate) fn snapshot(&self, token_requests: u64, in_flight: u64) -> MetricsSnapshot {
        let buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut all: Vec<BucketMetrics> = buckets
            .iter()
            .map(|(bucket, c)| BucketMetrics {
                bucket: bucket.clone(),
                limit: c.last.map(|o| o.limit),
                remaining: c.last.map(|o| o.remaining),
                reset: c.last.map(|o| o.window_end),
                calls: c.calls,
                waits: c.waits,
                rate_limited: c.rate_limited,
            })
            .collect();
        all.sort_by(|a, b| a.bucket.cmp(&b.bucket));
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        MetricsSnapshot {
            buckets: all,
            retries: load(&self.retries),
            cache_hits: load(&self.cache_hits),
            token_requests,
            concurrency_waits: load(&self.concurrency_waits),
            concurrency_rate_limited: load(&self.concurrency_rate_limited),
            in_flight,
        }
    }
}

/// One bucket as the client saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BucketMetrics {
    /// The bucket (see [`super::DefaultBuckets`]).
    pub bucket: Bucket,
    /// `X-Rate-Limit-Limit` of its last answer.
    pub limit: Option<u64>,
    /// `X-Rate-Limit-Remaining` of its last answer.
    pub remaining: Option<u64>,
    /// When its window ends, by its last answer.
    pub reset: Option<SystemTime>,
    /// Requests sent (every attempt counts).
    pub calls: u64,
    /// Times a request waited for the bucket's share (pacing).
    pub waits: u64,
    /// 429 answers for the bucket's limit.
    pub rate_limited: u64,
}

/// What a client counted since it was built (`client.metrics()`): per bucket (with pacing or
/// metrics on), retries, cache hits, token requests, and the concurrency limit's effect.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct MetricsSnapshot {
    /// Per bucket, sorted by name (empty unless pacing or metrics are on).
    pub buckets: Vec<BucketMetrics>,
    /// Attempts sent again by the retry policy.
    pub retries: u64,
    /// Answers from the response cache.
    pub cache_hits: u64,
    /// Token requests sent (renewals included; private-key auth only).
    pub token_requests: u64,
    /// Attempts that waited for the concurrency limit.
    pub concurrency_waits: u64,
    /// 429 answers for the org's concurrent-request limit (`X-Rate-Limit-Limit: 0`).
    pub concurrency_rate_limited: u64,
    /// Attempts in flight now.
    pub in_flight: u64,
}

impl MetricsSnapshot {
    /// The bucket named `name`, if it was seen.
    pub fn bucket(&self, name: &str) -> Option<&BucketMetrics> {
        self.buckets.iter().find(|b| b.bucket.as_str() == name)
    }

    /// Records this snapshot through the `metrics` facade (feature `metrics`): gauges
    /// `okta_rate_limit_limit`, `okta_rate_limit_remaining` and counters (as absolute values)
    /// `okta_calls_total`, `okta_rate_limit_waits_total`, `okta_rate_limited_total` labelled
    /// with `bucket`; `okta_retries_total`, `okta_cache_hits_total`, `okta_token_requests_total`,
    /// `okta_concurrency_waits_total`, `okta_concurrency_rate_limited_total`, and the gauge
    /// `okta_in_flight`. Call it on a timer, or before your exporter scrapes.
    #[cfg(feature = "metrics")]
    pub fn export(&self) {
        for b in &self.buckets {
            let bucket = b.bucket.to_string();
            if let Some(limit) = b.limit {
                metrics::gauge!("okta_rate_limit_limit", "bucket" => bucket.clone()).set(limit as f64);
            }
            if let Some(remaining) = b.remaining {
                metrics::gauge!("okta_rate_limit_remaining", "bucket" => bucket.clone()).set(remaining as f64);
            }
            metrics::counter!("okta_calls_total", "bucket" => bucket.clone()).absolute(b.calls);
            metrics::counter!("okta_rate_limit_waits_total", "bucket" => bucket.clone()).absolute(b.waits);
            metrics::counter!("okta_rate_limited_total", "bucket" => bucket).absolute(b.rate_limited);
        }
        metrics::counter!("okta_retries_total").absolute(self.retries);
        metrics::counter!("okta_cache_hits_total").absolute(self.cache_hits);
        metrics::counter!("okta_token_requests_total").absolute(self.token_requests);
        metrics::counter!("okta_concurrency_waits_total").absolute(self.concurrency_waits);
        metrics::counter!("okta_concurrency_rate_limited_total").absolute(self.concurrency_rate_limited);
        metrics::gauge!("okta_in_flight").set(self.in_flight as f64);
    }
}

#[cfg(all(test, feature = "metrics"))]
mod tests {
    use super::*;
    use metrics::{
        Counter, CounterFn, Gauge, GaugeFn, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit,
    };
    use std::sync::Arc;

    /// Keeps the last value of every counter and gauge, by name and labels.
    #[derive(Default)]
    struct Last(Arc<Mutex<HashMap<String, f64>>>);

    struct Cell(String, Arc<Mutex<HashMap<String, f64>>>);

    impl CounterFn for Cell {
        fn increment(&self, v: u64) {
            *self.1.lock().unwrap().entry(self.0.clone()).or_default() += v as f64;
        }
        fn absolute(&self, v: u64) {
            self.1.lock().unwrap().insert(self.0.clone(), v as f64);
        }
    }

    impl GaugeFn for Cell {
        fn increment(&self, v: f64) {
            *self.1.lock().unwrap().entry(self.0.clone()).or_default() += v;
        }
        fn decrement(&self, v: f64) {
            *self.1.lock().unwrap().entry(self.0.clone()).or_default() -= v;
        }
        fn set(&self, v: f64) {
            self.1.lock().unwrap().insert(self.0.clone(), v);
        }
    }

    impl Last {
        fn cell(&self, key: &Key) -> Arc<Cell> {
            let labels: Vec<String> = key.labels().map(|l| format!("{}={}", l.key(), l.value())).collect();
            Arc::new(Cell(format!("{}{:?}", key.name(), labels), self.0.clone()))
        }
    }

    impl Recorder for Last {
        fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
            Counter::from_arc(self.cell(key))
        }
        fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
            Gauge::from_arc(self.cell(key))
        }
        fn register_histogram(&self, _: &Key, _: &Metadata<'_>) -> Histogram {
            Histogram::noop()
        }
    }

    #[test]
    fn a_snapshot_is_exported_through_the_metrics_facade() {
        let m = Metrics::default();
        let bucket = Bucket::new("GET /api/v1/users/{id}");
        let seen = Observed {
            limit: 600,
            remaining: 598,
            window_end: SystemTime::UNIX_EPOCH,
        };
        m.call(&bucket, Some(seen), false);
        m.call(&bucket, None, true);
        m.waited(&bucket);
        m.retried();
        let snapshot = m.snapshot(3, 1);
        let last = Last::default();
        let values = last.0.clone();
        metrics::with_local_recorder(&last, || snapshot.export());
        let values = values.lock().unwrap();
        let get = |k: &str| values.get(k).copied();
        let b = r#"["bucket=GET /api/v1/users/{id}"]"#;
        assert_eq!(get(&format!("okta_calls_total{b}")), Some(2.0));
        assert_eq!(get(&format!("okta_rate_limited_total{b}")), Some(1.0));
        assert_eq!(get(&format!("okta_rate_limit_waits_total{b}")), Some(1.0));
        assert_eq!(get(&format!("okta_rate_limit_remaining{b}")), Some(598.0));
        assert_eq!(get(&format!("okta_rate_limit_limit{b}")), Some(600.0));
        assert_eq!(get("okta_retries_total[]"), Some(1.0));
        assert_eq!(get("okta_token_requests_total[]"), Some(3.0));
        assert_eq!(get("okta_in_flight[]"), Some(1.0));
    }
}
