//! The event ids a consumer has already had, with bounded memory.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

/// The ids (System Log `uuid`s) of the last `capacity` events handed on, oldest first: an
/// id seen again within that window is a duplicate (a page boundary that overlaps, a
/// restart from a checkpoint, an Event Hook delivered twice). Memory is bounded: past
/// `capacity`, the oldest id is forgotten.
///
/// ```
/// let mut seen = okta_sdk::system_log::SeenEvents::new(2);
/// assert!(seen.insert("a"));
/// assert!(!seen.insert("a"), "a duplicate");
/// assert!(seen.insert("b"));
/// assert!(seen.insert("c"), "`a` is forgotten now");
/// assert!(seen.insert("a"));
/// ```
#[derive(Clone, Default)]
pub struct SeenEvents {
    capacity: usize,
    order: VecDeque<Arc<str>>,
    set: HashSet<Arc<str>>,
}

/// The counts only: thousands of ids are noise in a log line.
impl std::fmt::Debug for SeenEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeenEvents")
            .field("remembered", &self.order.len())
            .field("capacity", &self.capacity)
            .finish()
    }
}

impl SeenEvents {
    /// Remembers at most `capacity` ids (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            order: VecDeque::new(),
            set: HashSet::new(),
        }
    }

    /// Records `id`; `false` if it was already among the remembered ones.
    pub fn insert(&mut self, id: &str) -> bool {
        if self.set.contains(id) {
            return false;
        }
        if self.order.len() >= self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.set.remove(&oldest);
        }
        let id: Arc<str> = Arc::from(id);
        self.order.push_back(id.clone());
        self.set.insert(id);
        true
    }

    /// Whether `id` is among the remembered ids.
    pub fn contains(&self, id: &str) -> bool {
        self.set.contains(id)
    }

    /// How many ids are remembered.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether no id is remembered.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The most ids remembered.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The remembered ids, oldest first (what a checkpoint stores).
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(|id| &**id)
    }

    /// Remembers `ids` in order (a checkpoint's), keeping the last `capacity` of them.
    pub fn extend<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) {
        for id in ids {
            self.insert(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_stays_bounded_over_many_ids() {
        let mut seen = SeenEvents::new(100);
        for i in 0..10_000 {
            assert!(seen.insert(&format!("id-{i}")));
        }
        assert_eq!(seen.len(), 100);
        assert_eq!(seen.set.len(), 100);
        assert!(seen.contains("id-9999") && !seen.contains("id-9899"));
        assert_eq!(seen.ids().next(), Some("id-9900"));
    }

    #[test]
    fn a_zero_capacity_keeps_one() {
        let mut seen = SeenEvents::new(0);
        assert!(seen.insert("a"));
        assert!(!seen.insert("a"));
        assert_eq!(seen.capacity(), 1);
    }
}
