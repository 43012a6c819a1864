//! The response cache: off by default; when on, GET answers of single resources by full URL.
//!
//! - Only GET answers with status 200 of operations that do not list are stored; list pages,
//!   raw requests and token responses never are.
//! - Entries expire after a time to live (TTL) and after a time to idle (TTI, since the last read).
//! - A successful non-GET request evicts its resource, and every collection above it, under
//!   any query string (`POST /api/v1/users/{id}/lifecycle/suspend` evicts `/api/v1/users/{id}`),
//!   also when the call bypasses the cache or is a raw request.
//! - An entry belongs to the credentials that fetched it: its [`CacheKey`] holds a fingerprint
//!   of them (never the credentials), so one cache shared by clients with different API
//!   tokens or OAuth clients never answers one with what another was allowed to read. An
//!   eviction drops the path for every principal.
//! - [`ResponseCache`] is the seam for another store; [`MemoryCache`] (moka) is the default.

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::sync::Arc;
use std::time::Duration;

/// A stored answer.
#[derive(Debug, Clone)]
pub struct CachedResponse {
    /// Its status.
    pub status: StatusCode,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body.
    pub body: Bytes,
}

/// Where an answer is stored: who fetched it and from which full URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    principal: u64,
    url: String,
}

impl CacheKey {
    /// The key of `url` fetched with the credentials whose fingerprint is `principal`.
    pub fn new(principal: u64, url: impl Into<String>) -> Self {
        Self {
            principal,
            url: url.into(),
        }
    }

    /// A fingerprint of the credentials (a keyed hash, different in each process; `0` for
    /// none). Equal for clients that share credentials, and for clones of one client.
    pub fn principal(&self) -> u64 {
        self.principal
    }

    /// The full URL, query included.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL without its query string.
    fn path(&self) -> &str {
        self.url.split_once('?').map_or(&self.url, |(path, _)| path)
    }
}

/// A response store. Implementations must be safe under concurrent use.
pub trait ResponseCache: Send + Sync + std::fmt::Debug {
    /// The answer stored under `key`, if it is still fresh.
    fn get(&self, key: &CacheKey) -> Option<Arc<CachedResponse>>;
    /// Stores an answer under `key`.
    fn put(&self, key: CacheKey, response: Arc<CachedResponse>);
    /// Drops every entry, of every principal, whose URL path (without the query) is one of
    /// `paths` (scheme and authority included, e.g. `https://x.okta.com/api/v1/users/00u1`).
    fn evict(&self, paths: &[String]);
}

/// The in-memory cache: [`moka`] with TTL, TTI and a size bound.
#[derive(Clone)]
pub struct MemoryCache {
    inner: moka::sync::Cache<CacheKey, Arc<CachedResponse>>,
}

impl std::fmt::Debug for MemoryCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryCache")
            .field("entries", &self.inner.entry_count())
            .finish()
    }
}

/// The longest TTL or TTI a [`MemoryCache`] keeps an entry for: one year.
pub const MAX_CACHE_TIME: Duration = Duration::from_secs(365 * 24 * 3600);

impl MemoryCache {
    /// At most 10 000 entries, each dropped after `ttl`, or after `tti` without a read.
    pub fn new(ttl: Duration, tti: Duration) -> Self {
        Self::with_capacity(ttl, tti, 10_000)
    }

    /// Like [`MemoryCache::new`] with another entry bound. TTL and TTI longer than
    /// [`MAX_CACHE_TIME`] are taken as that (moka refuses times of a thousand years).
    pub fn with_capacity(ttl: Duration, tti: Duration, entries: u64) -> Self {
        Self {
            inner: moka::sync::Cache::builder()
                .max_capacity(entries)
                .time_to_live(ttl.min(MAX_CACHE_TIME))
                .time_to_idle(tti.min(MAX_CACHE_TIME))
                .support_invalidation_closures()
                .build(),
        }
    }
}

impl ResponseCache for MemoryCache {
    fn get(&self, key: &CacheKey) -> Option<Arc<CachedResponse>> {
        self.inner.get(key)
    }

    fn put(&self, key: CacheKey, response: Arc<CachedResponse>) {
        self.inner.insert(key, response);
    }

    fn evict(&self, paths: &[String]) {
        let paths = paths.to_vec();
        // Every principal's entries, with or without a query string: dropped lazily, never
        // served again.
        let result = self
            .inner
            .invalidate_entries_if(move |key, _| paths.iter().any(|p| p == key.path()));
        if result.is_err() {
            tracing::warn!("response cache: could not register an eviction");
        }
    }
}

/// The URL paths a non-GET request to `url` makes stale: the resource and every collection
/// above it, up to the host.
pub fn stale_paths(url: &reqwest::Url) -> Vec<String> {
    let mut base = url.clone();
    base.set_query(None);
    base.set_fragment(None);
    let mut out = Vec::new();
    let mut path = base.path().trim_end_matches('/').to_string();
    while !path.is_empty() {
        let mut u = base.clone();
        u.set_path(&path);
        out.push(u.to_string());
        path = match path.rfind('/') {
            Some(i) => path[..i].to_string(),
            None => String::new(),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_makes_the_resource_and_its_collections_stale() {
        let url: reqwest::Url = "https://x.okta.com/api/v1/users/00u1/lifecycle/suspend?sendEmail=false"
            .parse()
            .unwrap();
        assert_eq!(
            stale_paths(&url),
            vec![
                "https://x.okta.com/api/v1/users/00u1/lifecycle/suspend",
                "https://x.okta.com/api/v1/users/00u1/lifecycle",
                "https://x.okta.com/api/v1/users/00u1",
                "https://x.okta.com/api/v1/users",
                "https://x.okta.com/api/v1",
                "https://x.okta.com/api",
            ]
        );
    }

    #[test]
    fn eviction_reaches_query_variants_of_every_principal() {
        let cache = MemoryCache::new(Duration::from_secs(60), Duration::from_secs(60));
        let entry = Arc::new(CachedResponse {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"{}"),
        });
        for principal in [1, 2] {
            for url in [
                "https://x/api/v1/users/1",
                "https://x/api/v1/users/1?expand=groups",
                "https://x/api/v1/groups/2",
            ] {
                cache.put(CacheKey::new(principal, url), entry.clone());
            }
        }
        assert!(
            cache.get(&CacheKey::new(3, "https://x/api/v1/users/1")).is_none(),
            "another principal"
        );
        cache.evict(&["https://x/api/v1/users/1".to_string()]);
        for principal in [1, 2] {
            let get = |url: &str| cache.get(&CacheKey::new(principal, url));
            assert!(get("https://x/api/v1/users/1").is_none());
            assert!(get("https://x/api/v1/users/1?expand=groups").is_none());
            assert!(get("https://x/api/v1/groups/2").is_some());
        }
    }
}
