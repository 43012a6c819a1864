//! The YAML / environment shape as figment sees it, with lenient scalar parsing.
//!
//! Every field is optional here; defaults and validation come afterwards, so that each error
//! can name the source of the value at fault.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct Raw {
    pub okta: RawOkta,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct RawOkta {
    pub client: RawClient,
    pub testing: RawTesting,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct RawClient {
    #[serde(deserialize_with = "lenient::string", skip_serializing_if = "Option::is_none")]
    pub org_url: Option<String>,
    #[serde(deserialize_with = "lenient::string", skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(deserialize_with = "lenient::string", skip_serializing_if = "Option::is_none")]
    pub authorization_mode: Option<String>,
    #[serde(deserialize_with = "lenient::string", skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(deserialize_with = "lenient::scopes", skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient::string", skip_serializing_if = "Option::is_none")]
    pub private_key: Option<String>,
    #[serde(deserialize_with = "lenient::string", skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(deserialize_with = "lenient::boolean", skip_serializing_if = "Option::is_none")]
    pub dpop: Option<bool>,
    #[serde(deserialize_with = "lenient::string", skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    #[serde(deserialize_with = "lenient::seconds", skip_serializing_if = "Option::is_none")]
    pub connection_timeout: Option<String>,
    #[serde(deserialize_with = "lenient::seconds", skip_serializing_if = "Option::is_none")]
    pub request_timeout: Option<String>,
    #[serde(deserialize_with = "lenient::seconds", skip_serializing_if = "Option::is_none")]
    pub read_timeout: Option<String>,
    #[serde(deserialize_with = "lenient::integer", skip_serializing_if = "Option::is_none")]
    pub max_response_bytes: Option<i128>,
    pub rate_limit: RawRateLimit,
    pub cache: RawCache,
    pub proxy: RawProxy,
    pub logging: RawLogging,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct RawRateLimit {
    #[serde(deserialize_with = "lenient::integer", skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<i128>,
    #[serde(deserialize_with = "lenient::integer", skip_serializing_if = "Option::is_none")]
    pub share_percent: Option<i128>,
    #[serde(deserialize_with = "lenient::integer", skip_serializing_if = "Option::is_none")]
    pub max_concurrent: Option<i128>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct RawCache {
    #[serde(deserialize_with = "lenient::boolean", skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(deserialize_with = "lenient::seconds", skip_serializing_if = "Option::is_none")]
    pub default_ttl: Option<String>,
    #[serde(deserialize_with = "lenient::seconds", skip_serializing_if = "Option::is_none")]
    pub default_tti: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct RawProxy {
    #[serde(deserialize_with = "lenient::string", skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(deserialize_with = "lenient::integer", skip_serializing_if = "Option::is_none")]
    pub port: Option<i128>,
    #[serde(deserialize_with = "lenient::string", skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(deserialize_with = "lenient::string", skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct RawLogging {
    #[serde(deserialize_with = "lenient::boolean", skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(deserialize_with = "lenient::string", skip_serializing_if = "Option::is_none")]
    pub log_level: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct RawTesting {
    #[serde(deserialize_with = "lenient::boolean", skip_serializing_if = "Option::is_none")]
    pub disable_https_check: Option<bool>,
}

/// Scalars as environment variables and hand-written YAML give them: a token that looks like a
/// number is still text, `"30"` is still a number, scopes may be one comma/space separated string.
/// Error messages say what was expected, never what was found (the value may be a secret).
mod lenient {
    use serde::de::{self, Deserializer, SeqAccess, Visitor};
    use std::fmt;

    struct Scalar;

    enum Value {
        Text(String),
        Int(i128),
        Float(f64),
        Bool(bool),
        None,
        List(Vec<String>),
    }

    impl<'de> Visitor<'de> for Scalar {
        type Value = Value;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a scalar value")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
            Ok(Value::Text(v.to_string()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
            Ok(Value::Text(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
            Ok(Value::Int(v.into()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
            Ok(Value::Int(v.into()))
        }
        fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
            Ok(Value::Int(v))
        }
        fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
            i128::try_from(v)
                .map(Value::Int)
                .map_err(|_| E::custom("a number too large"))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
            Ok(Value::Float(v))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }
        fn visit_none<E: de::Error>(self) -> Result<Value, E> {
            Ok(Value::None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
            Ok(Value::None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            d.deserialize_any(Scalar)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut out = Vec::new();
            while let Some(v) = seq.next_element::<Item>()? {
                out.push(v.0);
            }
            Ok(Value::List(out))
        }
    }

    struct Item(String);
    impl<'de> serde::Deserialize<'de> for Item {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            match d.deserialize_any(Scalar)? {
                Value::Text(s) => Ok(Item(s)),
                Value::Int(i) => Ok(Item(i.to_string())),
                _ => Err(de::Error::custom("expected text in the list")),
            }
        }
    }

    pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        match d.deserialize_any(Scalar)? {
            Value::Text(s) => Ok(Some(s)),
            Value::Int(i) => Ok(Some(i.to_string())),
            Value::Float(f) => Ok(Some(f.to_string())),
            Value::Bool(b) => Ok(Some(b.to_string())),
            Value::None => Ok(None),
            Value::List(_) => Err(de::Error::custom("expected text, found a list")),
        }
    }

    pub fn integer<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i128>, D::Error> {
        match d.deserialize_any(Scalar)? {
            Value::Int(i) => Ok(Some(i)),
            Value::Text(s) if s.trim().is_empty() => Ok(None),
            Value::Text(s) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| de::Error::custom(format!("expected a whole number, found `{s}`"))),
            Value::None => Ok(None),
            _ => Err(de::Error::custom("expected a whole number")),
        }
    }

    /// A number of seconds as decimal text (`30`, `0.5`), validated later, so that the error
    /// names the key and its source. Code writes exact decimals (`0.500000000`).
    pub fn seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        match d.deserialize_any(Scalar)? {
            Value::Int(i) => Ok(Some(i.to_string())),
            Value::Float(f) => Ok(Some(f.to_string())),
            Value::Text(s) if s.trim().is_empty() => Ok(None),
            Value::Text(s) => Ok(Some(s.trim().to_string())),
            Value::None => Ok(None),
            _ => Err(de::Error::custom("expected a number of seconds")),
        }
    }

    pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        match d.deserialize_any(Scalar)? {
            Value::Bool(b) => Ok(Some(b)),
            Value::Text(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" | "on" => Ok(Some(true)),
                "false" | "no" | "0" | "off" => Ok(Some(false)),
                "" => Ok(None),
                _ => Err(de::Error::custom(format!("expected true or false, found `{s}`"))),
            },
            Value::Int(1) => Ok(Some(true)),
            Value::Int(0) => Ok(Some(false)),
            Value::None => Ok(None),
            _ => Err(de::Error::custom("expected true or false")),
        }
    }

    pub fn scopes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
        let split = |s: &str| -> Vec<String> {
            s.split(|c: char| c == ',' || c.is_whitespace())
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect()
        };
        match d.deserialize_any(Scalar)? {
            Value::Text(s) => Ok(Some(split(&s))),
            Value::List(items) => Ok(Some(items.iter().flat_map(|s| split(s)).collect())),
            Value::None => Ok(None),
            _ => Err(de::Error::custom("expected a list of scopes")),
        }
    }
}
