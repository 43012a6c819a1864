//! Compares a recorded JSON body with what the SDK encodes after decoding it.
//!
//! Equal: same keys and values apart from key order; numbers by value (`1` and `1.0`);
//! timestamps by instant (`...:42.000Z` and `...:42Z`). Presence differences are kinds of
//! their own, reported separately: a `null` the SDK leaves out, and an empty array or object
//! the SDK leaves out, or an object of nothing but such values (an always-sent `profile`
//! whose fields are all `null` reads its default and is not written: rule `always_sent_plain`).

use serde_json::Value;

/// How a re-encoded body differs from the recorded one at a JSON path.
#[derive(Debug, Clone, PartialEq)]
pub enum Difference {
    /// The recorded body has `null` here; the SDK leaves the key out.
    NullDropped(String),
    /// The recorded body has `[]`, `{}`, or an object of only `null`s and empty values here;
    /// the SDK leaves the key out.
    EmptyDropped(String),
    /// The recorded body has a value here; the SDK lost it.
    Lost(String, Value),
    /// The SDK writes a key the recorded body does not have.
    Added(String, Value),
    /// The value changed.
    Changed(String, Value, Value),
}

impl Difference {
    /// Whether this is only a presence difference (`null` or empty left out).
    pub fn presence_only(&self) -> bool {
        matches!(self, Self::NullDropped(_) | Self::EmptyDropped(_))
    }

    pub fn describe(&self) -> String {
        let short = |v: &Value| {
            let s = v.to_string();
            if s.chars().count() > 80 {
                format!("{}...", s.chars().take(80).collect::<String>())
            } else {
                s
            }
        };
        match self {
            Self::NullDropped(p) => format!("{p}: null is left out"),
            Self::EmptyDropped(p) => format!("{p}: an empty value is left out"),
            Self::Lost(p, v) => format!("{p}: {} is lost", short(v)),
            Self::Added(p, v) => format!("{p}: {} is added", short(v)),
            Self::Changed(p, a, b) => format!("{p}: {} becomes {}", short(a), short(b)),
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn same_scalar(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::String(y)) => {
            x == y
                || matches!(
                    (chrono::DateTime::parse_from_rfc3339(x), chrono::DateTime::parse_from_rfc3339(y)),
                    (Ok(p), Ok(q)) if p == q
                )
        }
        _ => a == b,
    }
}

/// `[]`, `{}`, or an object whose every value is `null` or itself vacant.
fn is_empty(v: &Value) -> bool {
    matches!(v, Value::Array(a) if a.is_empty())
        || matches!(v, Value::Object(o) if o.values().all(|x| x.is_null() || is_empty(x)))
}

/// Every difference between `recorded` and `encoded`.
pub fn differences(recorded: &Value, encoded: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk("", recorded, encoded, &mut out);
    out
}

fn walk(path: &str, a: &Value, b: &Value, out: &mut Vec<Difference>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                let p = join(path, k);
                match y.get(k) {
                    Some(vb) => walk(&p, va, vb, out),
                    None if va.is_null() => out.push(Difference::NullDropped(p)),
                    None if is_empty(va) => out.push(Difference::EmptyDropped(p)),
                    None => out.push(Difference::Lost(p, va.clone())),
                }
            }
            for (k, vb) in y {
                if !x.contains_key(k) {
                    out.push(Difference::Added(join(path, k), vb.clone()));
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                walk(&format!("{path}[{i}]"), va, vb, out);
            }
        }
        _ if same_scalar(a, b) => {}
        _ => out.push(Difference::Changed(
            if path.is_empty() { ".".into() } else { path.into() },
            a.clone(),
            b.clone(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn order_numbers_and_timestamps_are_equal_presence_is_its_own_kind() {
        let a = json!({"b": 1, "a": "2025-10-16T05:34:42.000Z", "n": null, "e": [], "x": [1.0],
                       "v": {"name": null, "inner": {"k": []}}, "w": {"name": null, "k": 1}});
        let b = json!({"a": "2025-10-16T05:34:42Z", "b": 1.0, "x": [1], "w": {"k": 1}});
        let d = differences(&a, &b);
        assert_eq!(d.len(), 4, "{d:?}");
        assert!(d.contains(&Difference::NullDropped("n".into())));
        assert!(d.contains(&Difference::EmptyDropped("e".into())));
        assert!(
            d.contains(&Difference::EmptyDropped("v".into())),
            "an object of only nulls and empties"
        );
        assert!(d.contains(&Difference::NullDropped("w.name".into())));
        assert!(d.iter().all(Difference::presence_only));
    }

    #[test]
    fn lost_added_and_changed_values_are_failures() {
        let a = json!({"p": {"k": "v", "s": "ACTIVE"}});
        let b = json!({"p": {"s": "INACTIVE", "z": 1}});
        let d = differences(&a, &b);
        assert_eq!(d.len(), 3);
        assert!(d.iter().all(|x| !x.presence_only()));
        assert_eq!(d[0].describe(), "p.k: \"v\" is lost");
    }
}
