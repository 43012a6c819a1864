//! Which rate-limit bucket a request counts against.

use crate::operation::OperationMeta;
use reqwest::Method;
use std::fmt;
use std::sync::Arc;

/// A rate-limit bucket's name, such as `GET /api/v1/users/{id}`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bucket(Arc<str>);

impl Bucket {
    /// A bucket named `name`.
    pub fn new(name: impl Into<Arc<str>>) -> Self {
        Self(name.into())
    }

    /// The bucket's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Decides the bucket of a request: its operation (path template and method) and, for a raw
/// request, its method and path.
pub trait BucketRule: Send + Sync + fmt::Debug {
    /// The bucket of a request of `op` (`path` is the path about to be sent).
    fn bucket(&self, op: &OperationMeta, method: &Method, path: &str) -> Bucket;
}

/// Okta's grouping, roughly: the method and the first three segments of the path, plus `{id}`
/// when there is more (`GET /api/v1/users` apart from `GET /api/v1/users/{id}` and from
/// `POST /api/v1/users`; a user's groups count with `GET /api/v1/users/{id}`). A generated
/// operation is grouped by its path template, a raw request by its path with everything after
/// the third segment folded, so ids never make new buckets. Limits are learned from the
/// answers, so a grouping coarser or finer than the org's only makes pacing more careful.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultBuckets;

impl BucketRule for DefaultBuckets {
    fn bucket(&self, op: &OperationMeta, method: &Method, path: &str) -> Bucket {
        let path = if op.path.starts_with('/') { op.path } else { path };
        let mut name = String::with_capacity(40);
        name.push_str(method.as_str());
        name.push(' ');
        let mut segments = path.split('/').filter(|s| !s.is_empty());
        for segment in segments.by_ref().take(3) {
            name.push('/');
            name.push_str(segment);
        }
        if segments.next().is_some() {
            name.push_str("/{id}");
        }
        if name.len() == method.as_str().len() + 1 {
            name.push('/');
        }
        Bucket::new(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::RAW;

    fn op(path: &'static str) -> OperationMeta {
        OperationMeta { path, ..RAW }
    }

    #[test]
    fn operations_group_by_method_and_resource() {
        let b = |p: &'static str, m: Method| DefaultBuckets.bucket(&op(p), &m, "/ignored").to_string();
        assert_eq!(b("/api/v1/users", Method::GET), "GET /api/v1/users");
        assert_eq!(b("/api/v1/users", Method::POST), "POST /api/v1/users");
        assert_eq!(b("/api/v1/users/{id}", Method::GET), "GET /api/v1/users/{id}");
        assert_eq!(b("/api/v1/users/{id}/groups", Method::GET), "GET /api/v1/users/{id}");
        assert_eq!(b("/api/v1/logs", Method::GET), "GET /api/v1/logs");
    }

    #[test]
    fn raw_requests_fold_ids_so_buckets_stay_few() {
        let b = |p: &str| DefaultBuckets.bucket(&RAW, &Method::GET, p).to_string();
        assert_eq!(b("/api/v1/users/00u1/groups"), "GET /api/v1/users/{id}");
        assert_eq!(b("/api/v1/users/00u2"), "GET /api/v1/users/{id}");
        assert_eq!(b("/api/v1/users"), "GET /api/v1/users");
        assert_eq!(b("/"), "GET /");
        assert_eq!(b(""), "GET /");
    }
}
