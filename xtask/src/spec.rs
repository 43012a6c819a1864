//! Reading and writing the spec as an order-preserving JSON value.

use anyhow::Context;
use serde_json::Value;
use std::path::Path;

/// Path of our facts-only spec inside the workspace.
pub const SPEC_PATH: &str = "openapi/management.yaml";

/// Reads a YAML (or JSON) OpenAPI document into an order-preserving value.
pub fn read(path: &Path) -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_yaml::from_str(&text).with_context(|| format!("parsing {} as YAML", path.display()))
}

/// Serializes a value as YAML, deterministically (key order as in the value).
pub fn to_yaml(value: &Value) -> anyhow::Result<String> {
    Ok(serde_yaml::to_string(value)?)
}
