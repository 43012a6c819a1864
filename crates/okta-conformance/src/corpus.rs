//! The corpus format: one JSON object per line.

use serde::Deserialize;

/// One recorded HTTP interaction (its `query` and `response_headers` are not needed here:
/// operations are matched by method and path, and bodies decoded by status).
#[derive(Debug, Clone, Deserialize)]
pub struct Interaction {
    /// Where it was recorded (optional; shown in reports).
    #[serde(default)]
    pub cassette: Option<String>,
    #[serde(default)]
    pub index: Option<u64>,
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub request_content_type: Option<String>,
    #[serde(default)]
    pub request_body: Option<String>,
    pub status: u16,
    #[serde(default)]
    pub response_body: Option<String>,
}

impl Interaction {
    /// `cassette#index`, or the line number.
    pub fn origin(&self, line: usize) -> String {
        match (&self.cassette, self.index) {
            (Some(c), Some(i)) => format!("{c}#{i}"),
            _ => format!("line {line}"),
        }
    }
}

/// Reads a corpus; a line that is not an interaction is an error naming the line.
pub fn read(text: &str) -> Result<Vec<(usize, Interaction)>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            serde_json::from_str::<Interaction>(l)
                .map(|i| (n + 1, i))
                .map_err(|e| format!("line {}: not an interaction: {e}", n + 1))
        })
        .collect()
}
