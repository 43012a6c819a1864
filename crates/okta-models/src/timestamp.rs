//! [`Timestamp`]: the date-time type of every model field the spec marks `format: date-time`.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use std::fmt;

/// A point in time as Okta sends it.
///
/// Most answers use RFC 3339 (`2024-05-01T10:00:00.000Z`), but some endpoints (ThreatInsight's
/// configuration, for one) send a UTC time without an offset and with a space
/// (`2021-06-14 14:45:46`). Both decode; the value re-encodes in the form it came in, so a
/// read-modify-write sends back what Okta sent. It dereferences to [`chrono::DateTime<Utc>`].
///
/// ```
/// use okta_models::Timestamp;
///
/// let t: Timestamp = serde_json::from_str(r#""2021-06-14 14:45:46""#).unwrap();
/// assert_eq!(t.to_rfc3339(), "2021-06-14T14:45:46+00:00");
/// assert_eq!(serde_json::to_string(&t).unwrap(), r#""2021-06-14 14:45:46""#);
///
/// let now: Timestamp = chrono::Utc::now().into();
/// assert!(*now > *t);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    at: DateTime<Utc>,
    form: Form,
}

/// How a timestamp was written, so it is written back the same way.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Form {
    /// RFC 3339 with an offset, `Z` for UTC, and this many digits of second fraction
    /// (milliseconds, as Okta writes them, for values this crate did not decode).
    Rfc3339(SecondsFormat),
    /// `YYYY-MM-DD HH:MM:SS[.fff]`, UTC, no offset.
    SpaceNaive,
    /// `YYYY-MM-DDTHH:MM:SS[.fff]`, UTC, no offset.
    TNaive,
}

impl Timestamp {
    /// Parses any form Okta sends; `None` if `text` is not a timestamp.
    pub fn parse(text: &str) -> Option<Self> {
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            let digits = text
                .split_once('.')
                .map_or(0, |(_, rest)| rest.chars().take_while(char::is_ascii_digit).count());
            let precision = match digits {
                0 => SecondsFormat::Secs,
                1..=3 => SecondsFormat::Millis,
                4..=6 => SecondsFormat::Micros,
                _ => SecondsFormat::Nanos,
            };
            return Some(Self {
                at: at.with_timezone(&Utc),
                form: Form::Rfc3339(precision),
            });
        }
        for (format, form) in [
            ("%Y-%m-%d %H:%M:%S%.f", Form::SpaceNaive),
            ("%Y-%m-%dT%H:%M:%S%.f", Form::TNaive),
        ] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
                return Some(Self {
                    at: naive.and_utc(),
                    form,
                });
            }
        }
        None
    }

    /// The instant, as a `chrono` UTC date-time.
    pub fn as_datetime(&self) -> &DateTime<Utc> {
        &self.at
    }

    /// The text this value encodes to.
    fn text(&self) -> String {
        match self.form {
            Form::Rfc3339(precision) => self.at.to_rfc3339_opts(precision, true),
            Form::SpaceNaive => self.at.naive_utc().format("%Y-%m-%d %H:%M:%S%.f").to_string(),
            Form::TNaive => self.at.naive_utc().format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
        }
    }
}

impl Default for Timestamp {
    /// The Unix epoch: what an always-sent date-time (`created`, `lastUpdated`) reads when an
    /// answer leaves it out; a model does not write it back.
    fn default() -> Self {
        DateTime::<Utc>::UNIX_EPOCH.into()
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Ordered by instant (then by written form, so that the order agrees with `Eq`).
impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.at.cmp(&other.at).then_with(|| self.text().cmp(&other.text()))
    }
}

impl std::ops::Deref for Timestamp {
    type Target = DateTime<Utc>;
    fn deref(&self) -> &DateTime<Utc> {
        &self.at
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Self {
            at,
            form: Form::Rfc3339(SecondsFormat::Millis),
        }
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(t: Timestamp) -> Self {
        t.at
    }
}

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, TimestampError> {
        Self::parse(s).ok_or_else(|| TimestampError(s.chars().take(64).collect()))
    }
}

/// A string that is not a timestamp in any form Okta uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError(String);

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a timestamp (RFC 3339 or `YYYY-MM-DD HH:MM:SS` UTC)",
            self.0
        )
    }
}

impl std::error::Error for TimestampError {}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.text())
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = d.deserialize_str(crate::support::StrVisitor::new("timestamp"))?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "format": "date-time"})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_okta_sends_decodes_and_comes_back_unchanged() {
        for text in [
            "2024-05-01T10:00:00.000Z",
            "2024-05-01T10:00:00Z",
            "2021-06-14 14:45:46",
            "2021-06-14T14:45:46",
            "2021-06-14 14:45:46.250",
        ] {
            let json = format!("\"{text}\"");
            let t: Timestamp = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(serde_json::to_string(&t).unwrap(), json, "{text}");
        }
    }

    #[test]
    fn offsets_are_the_same_instant() {
        let a: Timestamp = "2024-05-01T12:00:00+02:00".parse().unwrap();
        let b: Timestamp = "2024-05-01 10:00:00".parse().unwrap();
        assert_eq!(a.as_datetime(), b.as_datetime());
    }

    #[test]
    fn garbage_is_refused_with_the_text() {
        let e = serde_json::from_str::<Timestamp>("\"next tuesday\"").unwrap_err();
        assert!(e.to_string().contains("`next tuesday` is not a timestamp"), "{e}");
    }
}
