//! Lenient decoding for okta-rs: one field Okta sends in a shape its type does not accept
//! never fails the whole answer.
//!
//! [`from_slice`] and [`from_value`] decode as serde does. Only when that fails is the body
//! decoded again as JSON, each time mending the field serde names as failing:
//!
//! - a float with an integral value where an integer is expected (`5.0`) is read as that
//!   integer ([`RepairKind::ReadAsInteger`]);
//! - any other value is **set aside** ([`RepairKind::SetAside`]): the field is absent from the
//!   typed value (its `Option` is `None`) and its JSON is kept, unchanged, in the `extra` map of
//!   the object that holds it, under its name prefixed with [`KEPT_PREFIX`]. The models write
//!   such an entry back under its own name ([`write_extra`]), so what Okta sent goes back as it
//!   came. A value inside a list sets aside the list's field.
//!
//! Each repair is one `tracing` warning naming the type decoded, the field's JSON path, the
//! JSON type that arrived and what serde expected (never the value, which may be a secret).
//! What still fails, with its JSON path: an answer whose top-level shape is wrong, and a value
//! with no field above it to set aside. A body that is not JSON fails with the syntax error
//! (line and column) and the path `.`.
//!
//! Compile time: a type decoded from bytes is compiled for one deserializer, serde_json's
//! reader, for both the strict decode and the mending loop (which decodes the value's text
//! again and maps the place serde_json names back to a path, see `tracked`). A path-tracking
//! deserializer (serde_path_to_error) over the value and over the bytes used to compile each
//! model's decode code twice more: about a third of the code an application compiles for the
//! users and groups operations (BENCHMARKS.md).
//!
//! ```
//! #[derive(serde::Deserialize, serde::Serialize)]
//! struct Rule {
//!     #[serde(skip_serializing_if = "Option::is_none")]
//!     name: Option<String>,
//!     #[serde(skip_serializing_if = "Option::is_none")]
//!     limit: Option<i64>,
//!     #[serde(flatten, serialize_with = "okta_lenient::write_extra")]
//!     extra: serde_json::Map<String, serde_json::Value>,
//! }
//!
//! let body = br#"{"name": 7, "limit": 5.0}"#;
//! let rule: Rule = okta_lenient::from_slice(body).unwrap();
//! assert_eq!((rule.name.as_deref(), rule.limit), (None, Some(5)));
//! assert_eq!(serde_json::to_string(&rule).unwrap(), r#"{"limit":5,"name":7}"#);
//! ```

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// What a set-aside field's name is prefixed with in its object's `extra` map: a character no
/// JSON key Okta sends starts with.
pub const KEPT_PREFIX: char = '\u{0}';

/// The most repairs one decode makes before it gives up (each decodes the body again).
pub const MAX_REPAIRS: usize = 64;

/// A body that does not decode even leniently: where, and what serde said.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Failure {
    /// The JSON path that failed (`[3].profile.login`; `.` for the root).
    pub path: String,
    /// What serde said.
    pub message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at `{}`: {}", self.path, self.message)
    }
}

impl std::error::Error for Failure {}

/// What a repair did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RepairKind {
    /// The value was kept in its object's `extra` map; the typed field is absent.
    SetAside,
    /// An integral float was read as the integer the type expects.
    ReadAsInteger,
}

/// One field that did not decode as its type, and what was done.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Repair {
    /// The field's JSON path.
    pub path: String,
    /// The JSON type that arrived (`string`, `number`, `boolean`, `array`, `object`, `null`).
    pub arrived: &'static str,
    /// What serde expected (`a boolean`, `i64`, ...).
    pub expected: String,
    /// What was done.
    pub kind: RepairKind,
}

mod unique;
pub use unique::unique_keys;

/// Decodes `body` as `T`: as serde does, and leniently when that fails (see the crate docs).
pub fn from_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T, Failure> {
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(_) => mended(body),
    }
}

/// Decodes `body`, which serde did not decode as `T`, leniently: the second half of
/// [`from_slice`], for a caller that ran serde itself (and so moved the decoded value once
/// less on its way to where it is kept).
#[cold]
pub fn mended<T: DeserializeOwned>(body: &[u8]) -> Result<T, Failure> {
    // Not JSON at all (or not one JSON value): there is nothing to mend, and the syntax
    // error (with its line and column) says where it breaks.
    let value: Value = serde_json::from_slice(body).map_err(|syntax| Failure {
        path: ".".into(),
        message: syntax.to_string(),
    })?;
    repaired(value).map(|(value, _)| value)
}

/// Decodes `value` as `T`: as serde does, and leniently when that fails (see the crate docs).
///
/// The strict decode reads the `Value` itself. Going through its text instead would compile a
/// union's subtypes once less (they are decoded here from the buffered union and from bytes at
/// the top of an answer), but measured (okta-bench scenario 5) it made a page of 200
/// applications 40% slower to decode, for no build time that could be told from noise.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, Failure> {
    match T::deserialize(&value) {
        Ok(typed) => Ok(typed),
        Err(_) => repaired(value).map(|(typed, _)| typed),
    }
}

/// Decodes `value` as `T` leniently and says what was mended (empty when nothing was).
pub fn repaired<T: DeserializeOwned>(mut value: Value) -> Result<(T, Vec<Repair>), Failure> {
    let mut repairs = Vec::new();
    loop {
        let (message, segments) = match tracked::<T>(&value) {
            Ok(typed) => {
                for r in &repairs {
                    report::<T>(r);
                }
                return Ok((typed, repairs));
            }
            Err(e) => e,
        };
        let repair = (repairs.len() < MAX_REPAIRS)
            .then(|| mend(&mut value, &segments, &message))
            .flatten();
        match repair {
            Some(r) => repairs.push(r),
            None => {
                return Err(Failure {
                    path: join(&segments),
                    message: if repairs.len() >= MAX_REPAIRS {
                        format!("{message} (after {MAX_REPAIRS} fields that did not decode were set aside)")
                    } else {
                        message
                    },
                });
            }
        }
    }
}

/// One step of the JSON path to a failure.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Map { key: String },
    Seq { index: usize },
}

/// Decodes `value` as `T` from its compact JSON text, and on failure finds the path of the
/// value the error points at.
///
/// Compile time: this is the same decode as the strict one (serde_json's reader over bytes), so
/// a model's decode code is compiled once for both. serde_json reports where in the text it
/// failed; the text is ours (written compactly from `value`), so [`path_at`] walks `value` the
/// way it was written and names the innermost value whose text holds that place: a value of
/// the wrong type (the place is at its start or end), or an object that misses a field (the
/// place is its closing brace).
fn tracked<T: DeserializeOwned>(value: &Value) -> Result<T, (String, Vec<Segment>)> {
    let text = serde_json::to_vec(value).map_err(|e| (e.to_string(), Vec::new()))?;
    serde_json::from_slice::<T>(&text).map_err(|e| {
        let full = e.to_string();
        let position = format!(" at line {} column {}", e.line(), e.column());
        let message = full.strip_suffix(&position).unwrap_or(&full).to_string();
        let path = if e.line() == 1 {
            path_at(value, e.column())
        } else {
            Vec::new()
        };
        (message, path)
    })
}

/// The path of the innermost value whose compact text (as serde_json writes `root`) starts at
/// or before byte `offset` and ends at or after it.
fn path_at(root: &Value, offset: usize) -> Vec<Segment> {
    let mut stack = Vec::new();
    let mut found = None;
    walk(root, 0, offset, &mut stack, &mut found);
    found.unwrap_or_default()
}

/// Walks `value` written from byte `start`; returns where its text ends (exclusive). Children
/// are visited before their parent, so the first value that holds `offset` is the innermost.
fn walk(
    value: &Value,
    start: usize,
    offset: usize,
    stack: &mut Vec<Segment>,
    found: &mut Option<Vec<Segment>>,
) -> usize {
    let end = match value {
        Value::Object(object) => {
            let mut at = start + 1; // `{`
            for (i, (key, child)) in object.iter().enumerate() {
                if i > 0 {
                    at += 1; // `,`
                }
                at += written_len(key.as_str()) + 1; // `"key":`
                stack.push(Segment::Map { key: key.clone() });
                at = walk(child, at, offset, stack, found);
                stack.pop();
            }
            at + 1 // `}`
        }
        Value::Array(items) => {
            let mut at = start + 1; // `[`
            for (index, child) in items.iter().enumerate() {
                if index > 0 {
                    at += 1; // `,`
                }
                stack.push(Segment::Seq { index });
                at = walk(child, at, offset, stack, found);
                stack.pop();
            }
            at + 1 // `]`
        }
        scalar => start + written_len(scalar),
    };
    if found.is_none() && start <= offset && offset <= end {
        *found = Some(stack.clone());
    }
    end
}

/// How many bytes serde_json writes for `value` (a key or a scalar) in compact form.
fn written_len<V: serde::Serialize + ?Sized>(value: &V) -> usize {
    serde_json::to_vec(value).map_or(0, |text| text.len())
}

/// One warning per repair: the type, the field, what arrived and what was expected.
fn report<T>(r: &Repair) {
    tracing::warn!(
        r#type = std::any::type_name::<T>(),
        field = %r.path,
        arrived = r.arrived,
        expected = %r.expected,
        action = match r.kind {
            RepairKind::SetAside => "set aside; written back unchanged",
            RepairKind::ReadAsInteger => "read as an integer",
        },
        "a field Okta sent does not have the shape of its type"
    );
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// What serde expected, without the value it quotes (which may be a secret).
fn expected(message: &str) -> String {
    match message.rsplit_once(", expected ") {
        Some((_, expected)) => expected.to_string(),
        None if message.starts_with("data did not match any variant") => message.to_string(),
        None => "another shape".to_string(),
    }
}

/// Mends the value at `segments` (serde's path to the failure): reads an integral float as an
/// integer, or sets aside the deepest field on the path that can be. `None` when nothing can
/// be mended.
fn mend(root: &mut Value, segments: &[Segment], message: &str) -> Option<Repair> {
    // Follow the path as far as the JSON goes; remember each object key on the way.
    let mut keys: Vec<(usize, String)> = Vec::new(); // (segments walked before it, key)
    let mut node: &Value = root;
    let mut walked = 0;
    for segment in segments {
        let next = match segment {
            Segment::Map { key } => {
                let next = node.as_object().and_then(|o| o.get(key.as_str()));
                if next.is_some() {
                    keys.push((walked, key.clone()));
                }
                next
            }
            Segment::Seq { index } => node.as_array().and_then(|a| a.get(*index)),
        };
        let Some(next) = next else { break };
        node = next;
        walked += 1;
    }
    let reached_failure = walked == segments.len();
    let path = |upto: usize| join(&segments[..upto]);

    // An integral float where an integer is expected.
    if reached_failure
        && let Some(integer) = integral(node)
        && message.starts_with("invalid type: floating point")
        && expects_integer(&expected(message))
    {
        let arrived = json_type(node);
        *pointer_mut(root, &segments[..walked])? = integer;
        return Some(Repair {
            path: path(walked),
            arrived,
            expected: expected(message),
            kind: RepairKind::ReadAsInteger,
        });
    }

    // Set aside the deepest key that is not set aside already; keys set aside inside it (an
    // earlier repair that did not suffice) come back under their own names.
    let (at, key) = keys.iter().rev().find(|(_, k)| !k.starts_with(KEPT_PREFIX))?.clone();
    let object = pointer_mut(root, &segments[..at])?.as_object_mut()?;
    let value = object.get_mut(&key)?;
    restore_names(value);
    let arrived = json_type(value);
    rename(object, &key, &format!("{KEPT_PREFIX}{key}"));
    Some(Repair {
        path: path(at + 1),
        arrived: if at + 1 == segments.len() {
            arrived
        } else {
            "a value inside it"
        },
        expected: expected(message),
        kind: RepairKind::SetAside,
    })
}

/// Puts every key set aside inside `value` back under its own name.
fn restore_names(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if object.keys().any(|k| k.starts_with(KEPT_PREFIX)) {
                let entries = std::mem::take(object);
                *object = entries
                    .into_iter()
                    .map(|(k, v)| match k.strip_prefix(KEPT_PREFIX) {
                        Some(own) => (own.to_string(), v),
                        None => (k, v),
                    })
                    .collect();
            }
            object.values_mut().for_each(restore_names);
        }
        Value::Array(items) => items.iter_mut().for_each(restore_names),
        _ => {}
    }
}

/// Moves `object[from]` to `object[to]`, keeping the key order.
fn rename(object: &mut Map<String, Value>, from: &str, to: &str) {
    let entries = std::mem::take(object);
    *object = entries
        .into_iter()
        .map(|(k, v)| if k == from { (to.to_string(), v) } else { (k, v) })
        .collect();
}

/// Whether serde's expectation names an integer type (`i64`, `u32`, `a nonzero u64`).
fn expects_integer(expected: &str) -> bool {
    let ty = expected.strip_prefix("a nonzero ").unwrap_or(expected);
    matches!(
        ty,
        "i8" | "i16" | "i32" | "i64" | "i128" | "u8" | "u16" | "u32" | "u64" | "u128"
    )
}

/// An integral float (`5.0`) as a JSON integer, if it is one that fits.
fn integral(value: &Value) -> Option<Value> {
    let n = value.as_number()?;
    if n.is_i64() || n.is_u64() {
        return None;
    }
    let f = n.as_f64()?;
    if f.fract() != 0.0 || !f.is_finite() {
        return None;
    }
    if f >= 0.0 && f < u64::MAX as f64 {
        Some(Value::from(f as u64))
    } else if f >= i64::MIN as f64 && f < 0.0 {
        Some(Value::from(f as i64))
    } else {
        None
    }
}

fn pointer_mut<'a>(root: &'a mut Value, segments: &[Segment]) -> Option<&'a mut Value> {
    let mut node = root;
    for segment in segments {
        node = match segment {
            Segment::Map { key } => node.as_object_mut()?.get_mut(key.as_str())?,
            Segment::Seq { index } => node.as_array_mut()?.get_mut(*index)?,
        };
    }
    Some(node)
}

fn join(segments: &[Segment]) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Map { key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key.trim_start_matches(KEPT_PREFIX));
            }
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
        }
    }
    if out.is_empty() { ".".into() } else { out }
}

/// Writes an object's `extra` map (`#[serde(flatten, serialize_with = "...")]`): entries set
/// aside by a lenient decode go back under their own names.
pub fn write_extra<S: serde::Serializer>(extra: &Map<String, Value>, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(extra.len()))?;
    for (key, value) in extra {
        map.serialize_entry(key.strip_prefix(KEPT_PREFIX).unwrap_or(key), value)?;
    }
    map.end()
}

/// Whether `extra` (an object's map of keys its type does not list) holds a field set aside by
/// a lenient decode, and its JSON.
pub fn set_aside<'a>(extra: &'a Map<String, Value>, field: &str) -> Option<&'a Value> {
    extra.get(&format!("{KEPT_PREFIX}{field}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};
    use serde_json::json;
    use std::collections::HashMap;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Attribute {
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        unique: Option<bool>,
        #[serde(rename = "maxLength", skip_serializing_if = "Option::is_none")]
        max_length: Option<i64>,
        #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
        enum_: Option<Vec<String>>,
        #[serde(flatten, serialize_with = "write_extra")]
        extra: Map<String, Value>,
    }

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Schema {
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(default)]
        properties: HashMap<String, Attribute>,
        #[serde(skip_serializing_if = "Option::is_none")]
        base: Option<Attribute>,
        #[serde(flatten, serialize_with = "write_extra")]
        extra: Map<String, Value>,
    }

    fn roundtrip<T: DeserializeOwned + Serialize>(body: &Value) -> (T, Vec<Repair>, Value) {
        let (typed, repairs) = repaired::<T>(body.clone()).expect("decodes leniently");
        let back = serde_json::to_value(&typed).expect("encodes");
        (typed, repairs, back)
    }

    #[test]
    fn a_field_of_another_json_type_is_set_aside_and_written_back_unchanged() {
        let body = json!({"title": "Cost centre", "unique": "UNIQUE_VALIDATED", "maxLength": 20});
        let (a, repairs, back) = roundtrip::<Attribute>(&body);
        assert_eq!(
            (a.title.as_deref(), a.unique, a.max_length),
            (Some("Cost centre"), None, Some(20))
        );
        assert_eq!(set_aside(&a.extra, "unique"), Some(&json!("UNIQUE_VALIDATED")));
        assert_eq!(back, body);
        assert_eq!(
            repairs,
            [Repair {
                path: "unique".into(),
                arrived: "string",
                expected: "a boolean".into(),
                kind: RepairKind::SetAside,
            }]
        );
    }

    #[test]
    fn an_integral_float_is_read_as_the_integer() {
        let (a, repairs, _) = roundtrip::<Attribute>(&json!({"maxLength": 20.0}));
        assert_eq!(a.max_length, Some(20));
        assert_eq!(repairs[0].kind, RepairKind::ReadAsInteger);
        // A fraction is not an integer: set aside, and written back as it came.
        let body = json!({"maxLength": 2.5});
        let (a, repairs, back) = roundtrip::<Attribute>(&body);
        assert_eq!((a.max_length, repairs[0].kind), (None, RepairKind::SetAside));
        assert_eq!(back, body);
        // A float where a string is expected keeps its form.
        let body = json!({"title": 5.0});
        let (_, _, back) = roundtrip::<Attribute>(&body);
        assert_eq!(back, body);
    }

    #[test]
    fn a_value_inside_a_list_sets_the_list_aside() {
        let body = json!({"enum": ["S", 1, 4], "title": "Level"});
        let (a, repairs, back) = roundtrip::<Attribute>(&body);
        assert_eq!((a.enum_, a.title.as_deref()), (None, Some("Level")));
        assert_eq!(repairs[0].path, "enum");
        assert_eq!(back, body);
    }

    #[test]
    fn nested_objects_and_map_entries_are_mended_in_place() {
        let body = json!({
            "id": "osc1",
            "properties": {
                "level": {"title": "Level", "enum": [1, 4], "unique": "NOT_UNIQUE"},
                "name": {"title": "Name"}
            },
            "base": {"title": true}
        });
        let (s, repairs, back) = roundtrip::<Schema>(&body);
        assert_eq!(back, body);
        assert_eq!(s.properties["level"].title.as_deref(), Some("Level"));
        assert_eq!(s.properties["name"].title.as_deref(), Some("Name"));
        let mut paths: Vec<&str> = repairs.iter().map(|r| r.path.as_str()).collect();
        paths.sort();
        assert_eq!(
            paths,
            ["base.title", "properties.level.enum", "properties.level.unique"]
        );
    }

    #[test]
    fn a_map_entry_of_the_wrong_shape_sets_the_map_aside_under_its_own_keys() {
        // `properties` maps names to objects; a string entry has no field to set aside below
        // it, so the whole map is, with the entry's key restored.
        let body = json!({"id": "osc1", "properties": {"level": "oops", "name": {"title": "Name"}}});
        let (s, _, back) = roundtrip::<Schema>(&body);
        assert_eq!(back, body);
        assert_eq!(s.id.as_deref(), Some("osc1"));
        assert!(s.properties.is_empty());
    }

    #[test]
    fn a_required_field_of_another_shape_sets_its_object_aside_whole() {
        #[derive(Debug, Deserialize, Serialize)]
        struct Inner {
            kind: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            x: Option<i64>,
            #[serde(flatten, serialize_with = "write_extra")]
            extra: Map<String, Value>,
        }
        #[derive(Debug, Deserialize, Serialize)]
        struct Outer {
            #[serde(skip_serializing_if = "Option::is_none")]
            inner: Option<Inner>,
            #[serde(skip_serializing_if = "Option::is_none")]
            id: Option<String>,
            #[serde(flatten, serialize_with = "write_extra")]
            extra: Map<String, Value>,
        }
        // `kind` is set aside first, which leaves `inner` without it: `inner` is set aside,
        // with `kind` under its own name.
        let body = json!({"id": "o1", "inner": {"kind": 5, "x": 1}});
        let (outer, repairs, back) = roundtrip::<Outer>(&body);
        assert_eq!((outer.id.as_deref(), outer.inner.is_none()), (Some("o1"), true));
        assert_eq!(set_aside(&outer.extra, "inner"), Some(&json!({"kind": 5, "x": 1})));
        assert_eq!(repairs.len(), 2);
        assert_eq!(back, body);
    }

    #[test]
    fn the_top_level_shape_still_fails_with_its_path() {
        let e = from_slice::<Schema>(b"[1, 2]").expect_err("a list is not a schema");
        assert_eq!(e.path, ".");
        let e = from_slice::<Schema>(b"{not json").expect_err("not JSON");
        assert!(e.message.contains("key must be a string"), "{e}");
        let e = from_slice::<Vec<String>>(b"[\"a\", 1]").expect_err("no field to set aside");
        assert_eq!(e.path, "[1]");
    }

    #[test]
    fn the_number_of_repairs_is_bounded() {
        let item = json!({"title": "T", "unique": "NOT_UNIQUE"});
        let within = Value::Array(vec![item.clone(); MAX_REPAIRS]);
        let (list, repairs, back) = roundtrip::<Vec<Attribute>>(&within);
        assert_eq!((list.len(), repairs.len()), (MAX_REPAIRS, MAX_REPAIRS));
        assert_eq!(back, within);
        let past = Value::Array(vec![item; MAX_REPAIRS + 1]);
        let e = from_value::<Vec<Attribute>>(past).expect_err("too many");
        assert!(e.message.contains("set aside"), "{e}");
    }

    #[test]
    fn what_serde_expected_is_named_without_the_value() {
        assert_eq!(
            expected("invalid type: string \"hunter2\", expected a boolean"),
            "a boolean"
        );
        assert_eq!(expected("something odd about \"hunter2\""), "another shape");
    }

    #[test]
    fn a_body_that_decodes_is_not_touched() {
        let body = json!({"title": "T", "unique": true});
        let (_, repairs, back) = roundtrip::<Attribute>(&body);
        assert!(repairs.is_empty());
        assert_eq!(back, body);
    }

    /// The failing place serde_json reports is mapped back to the value that holds it: a list or
    /// an object where a scalar is expected (reported at its first byte), a scalar of another
    /// type (reported after it), an escaped key, and a place inside a list of objects.
    #[test]
    fn the_failing_place_names_the_value_that_holds_it() {
        for (body, path, arrived) in [
            (json!({"title": ["a"], "maxLength": 1}), "title", "array"),
            (json!({"maxLength": {"n": 1}, "title": "t"}), "maxLength", "object"),
            (
                json!({"title": "t", "unique": "yes \"quoted\" \u{e9}\u{1}"}),
                "unique",
                "string",
            ),
        ] {
            let (_, repairs, back) = roundtrip::<Attribute>(&body);
            assert_eq!(repairs.len(), 1, "{body}: {repairs:?}");
            assert_eq!(
                (repairs[0].path.as_str(), repairs[0].arrived),
                (path, arrived),
                "{body}"
            );
            assert_eq!(back, body);
        }
        let body = json!({"id": "s", "properties": {"a \"b\"": {"title": "x"}, "c": {"unique": 5}}});
        let (_, repairs, back) = roundtrip::<Schema>(&body);
        assert_eq!(repairs[0].path, "properties.c.unique", "{repairs:?}");
        assert_eq!(back, body);
        assert_eq!(
            path_at(&json!({"a": [1, {"b": true}]}), r#"{"a":[1,{"b":t"#.len()),
            [
                Segment::Map { key: "a".into() },
                Segment::Seq { index: 1 },
                Segment::Map { key: "b".into() }
            ]
        );
    }
}
