//! How the contract's spec tools name component schemas: the `$ref` prefix, the components of
//! a document, and the component a schema refers to. Shared by `served.rs` (which adapts the
//! spec) and `values.rs` (which builds values for it), so neither imports the other's helpers.

use serde_json::Value;

/// The prefix of a reference to a component schema.
pub(super) const SCHEMAS: &str = "#/components/schemas/";

/// A copy of the document's component schemas, by name (empty when it has none).
pub(super) fn component_schemas(doc: &Value) -> serde_json::Map<String, Value> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// The component a schema refers to (`$ref: #/components/schemas/<name>`), by name.
pub(super) fn schema_ref(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(SCHEMAS))
}
