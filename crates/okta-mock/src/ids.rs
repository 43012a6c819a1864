//! Okta-style ids (`00u…`, `00g…`, `0oa…`): twenty characters, and sortable in creation order
//! within one org, so a `BTreeMap` keyed by id lists in creation order and `after=<id>` is a
//! cursor that survives deletions.

use rand::Rng;

/// Base-62 digits in ASCII order, so fixed-width strings sort like the numbers they encode.
const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` random base-62 characters.
pub(crate) fn random_chars(n: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..n).map(|_| DIGITS[rng.gen_range(0..DIGITS.len())] as char).collect()
}

/// Makes ids for one org: a prefix, four characters fixed per org, and a counter.
#[derive(Debug)]
pub(crate) struct IdGen {
    org: String,
    next: u64,
}

impl IdGen {
    pub(crate) fn new() -> Self {
        Self {
            org: random_chars(4),
            next: 1,
        }
    }

    /// The next id with this three-character prefix (`00u`, `00g`, `0oa`, `mbl`, ...).
    pub(crate) fn next(&mut self, prefix: &str) -> String {
        let mut n = self.next;
        self.next += 1;
        let mut digits = [b'0'; 13];
        for slot in digits.iter_mut().rev() {
            *slot = DIGITS[(n % 62) as usize];
            n /= 62;
        }
        let counter: String = digits.iter().map(|&b| b as char).collect();
        format!("{prefix}{}{counter}", self.org)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_twenty_characters_and_sort_in_creation_order() {
        let mut ids = IdGen::new();
        let made: Vec<String> = (0..200).map(|_| ids.next("00u")).collect();
        assert!(made.iter().all(|id| id.len() == 20 && id.starts_with("00u")));
        let mut sorted = made.clone();
        sorted.sort();
        assert_eq!(made, sorted);
    }
}
