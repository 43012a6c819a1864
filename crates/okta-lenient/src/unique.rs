//! A check that JSON text names no key twice in one object.
//!
//! `serde_json::Value` keeps the last of two equal keys, so comparing decoded values hides a
//! model that writes a key twice (two flattened parts that both take every key, as a group's
//! profile once did). The conformance tool and the contract test check the text itself.

use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

/// Checks that no object in `text` names a key twice; the error names the key and the JSON
/// path of its object (`.` for the top level), or says why `text` is not JSON.
pub fn unique_keys(text: &[u8]) -> Result<(), String> {
    let mut de = serde_json::Deserializer::from_slice(text);
    Unique { path: "" }.deserialize(&mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())
}

struct Unique<'p> {
    path: &'p str,
}

impl<'de> DeserializeSeed<'de> for Unique<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

fn child(path: &str, part: &dyn fmt::Display) -> String {
    if path.is_empty() {
        part.to_string()
    } else {
        format!("{path}.{part}")
    }
}

impl<'de> Visitor<'de> for Unique<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = child(self.path, &key);
            if !seen.insert(key) {
                let at = if self.path.is_empty() { "." } else { self.path };
                return Err(A::Error::custom(format_args!(
                    "key `{path}` is written twice (in the object at {at})"
                )));
            }
            map.next_value_seed(Unique { path: &path })?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        loop {
            let path = child(self.path, &i);
            if seq.next_element_seed(Unique { path: &path })?.is_none() {
                return Ok(());
            }
            i = i.saturating_add(1);
        }
    }

    fn visit_bool<E: Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: Error>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::unique_keys;

    #[test]
    fn a_key_written_twice_is_named_with_its_object() {
        assert_eq!(unique_keys(br#"{"a": 1, "b": [{"c": 1}, {"c": 2}]}"#), Ok(()));
        let twice = unique_keys(br#"{"profile": {"name": "E", "description": "d", "name": "E"}}"#).unwrap_err();
        assert!(
            twice.contains("`profile.name` is written twice (in the object at profile)"),
            "{twice}"
        );
        let top = unique_keys(br#"{"a": 1, "a": 1}"#).unwrap_err();
        assert!(top.contains("at .)"), "{top}");
        let deep = unique_keys(br#"[{"x": [{"k": 1, "k": 2}]}]"#).unwrap_err();
        assert!(deep.contains("`0.x.0.k`"), "{deep}");
        assert!(unique_keys(b"{").is_err());
        assert!(unique_keys(b"{} {}").is_err(), "trailing text");
    }
}
