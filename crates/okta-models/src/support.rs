//! Hand-written helpers the generated code calls into (kept out of `generated.rs`).

use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// Visits a string, borrowing it from the input when the deserializer can.
pub struct StrVisitor {
    expecting: &'static str,
}

impl StrVisitor {
    /// A visitor whose error message names `type_name`.
    pub fn new(type_name: &'static str) -> Self {
        Self { expecting: type_name }
    }
}

impl<'de> serde::de::Visitor<'de> for StrVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a string ({})", self.expecting)
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// JSON schema of an open string enum: the known values, or any other string.
#[cfg(feature = "schemars")]
pub fn open_enum_schema(known: &[&str]) -> schemars::Schema {
    schemars::json_schema!({
        "anyOf": [{"type": "string", "enum": known}, {"type": "string"}]
    })
}

/// JSON schema of a discriminated union: one of its subtypes, or any other object.
#[cfg(feature = "schemars")]
pub fn union_schema(variants: Vec<schemars::Schema>) -> schemars::Schema {
    let mut any_of: Vec<serde_json::Value> = variants.into_iter().map(serde_json::Value::from).collect();
    any_of.push(serde_json::json!({"type": "object"}));
    schemars::json_schema!({ "anyOf": any_of })
}

/// Decodes `null` as the type's default (an empty list or map): Okta sends `"gateways": null`
/// where the spec promises an array (rule `null_collections`).
pub fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Writes an object's `extra` map: a field a lenient decode set aside goes back under its own
/// name (rule `kept_fields_written_back`).
pub use okta_lenient::write_extra;

/// Decodes a union's subtype from its buffered JSON, leniently (see `okta_lenient`): a field in
/// an unexpected shape is set aside in the subtype, not fatal to the whole value.
pub fn variant<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, okta_lenient::Failure> {
    okta_lenient::from_value(value)
}

/// How many distinct unknown values one process reports: a server that sends a new value in
/// every answer cannot grow the set, or the log, without bound.
pub const DRIFT_REPORTS: usize = 256;

/// The longest part of an unknown value a drift event shows.
const DRIFT_VALUE_CHARS: usize = 64;

static DRIFT_SEEN: std::sync::Mutex<std::collections::BTreeSet<(&'static str, String)>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// Reports, once per process, that a string enum or a union's discriminator (`type_name`)
/// arrived with a value this SDK does not know: Okta added something since the spec these
/// models were generated from. One `tracing` warning (target `okta_sdk::drift`) names the type and
/// the value (its first 64 characters, escaped); at most [`DRIFT_REPORTS`] distinct pairs are
/// reported.
pub fn drift(type_name: &'static str, value: &str) {
    let value: String = value.chars().take(DRIFT_VALUE_CHARS).collect();
    let Ok(mut seen) = DRIFT_SEEN.lock() else { return };
    if seen.len() >= DRIFT_REPORTS || seen.contains(&(type_name, value.clone())) {
        return;
    }
    tracing::warn!(
        target: "okta_sdk::drift",
        type_name,
        value = ?value,
        "a value this SDK does not know (newer than its spec); it is kept and sent back unchanged"
    );
    seen.insert((type_name, value));
}

/// The discriminator of a union's subtype, read and dropped: the subtype's type says which it
/// is, and serde's struct `tag` writes it (rule `tags_from_variants`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Discriminator;

impl<'de> Deserialize<'de> for Discriminator {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Discriminator)
    }
}

/// Whether `value` is its type's default: an always-sent field (rule `always_sent_plain`) that
/// read its default because the answer left it out is not written back.
pub fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}
