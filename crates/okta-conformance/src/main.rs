//! `okta-conformance corpus <file.jsonl>`: checks the generated models against recorded Okta
//! traffic (run through `cargo xtask conformance --corpus <file>`).
//!
//! For every interaction whose method and path match an operation: the response body decodes
//! into the operation's type for that status (success type for 2xx, error type otherwise) and
//! encodes back to the same JSON apart from key order; a JSON request body decodes into the
//! request type and encodes back without losing a field. `null` or empty values the SDK leaves
//! out are counted and listed separately. Prints one line per failing interaction, a
//! per-operation summary and `N passed, M failed`; exits non-zero on any failure.

mod compare;
mod corpus;
#[cfg(test)]
mod mutation;
mod routes;

use compare::Difference;
use okta_apis::conformance::Codec;
use okta_apis::{CONFORMANCE_CODECS, OPERATIONS};
use std::collections::BTreeMap;
use std::process::ExitCode;

/// The outcome of checking one body: a pass names what was left out and what the lenient
/// decode mended.
enum Check {
    Pass(Vec<Difference>, Vec<okta_apis::conformance::Repair>),
    Fail(String),
}

fn check_body(codec: Option<Codec>, body: &str, request: bool) -> Check {
    let Ok(recorded) = serde_json::from_str::<serde_json::Value>(body) else {
        return Check::Pass(Vec::new(), Vec::new()); // not JSON (HTML error pages, text): nothing to decode
    };
    let Some(codec) = codec else {
        // `{}` for an operation without a body type carries nothing the SDK drops.
        return if recorded.is_null() {
            Check::Pass(Vec::new(), Vec::new())
        } else if recorded.as_object().is_some_and(|o| o.is_empty()) {
            Check::Pass(vec![Difference::EmptyDropped("(body)".into())], Vec::new())
        } else {
            Check::Fail("the operation's type has no body here, but Okta sent one".into())
        };
    };
    match codec(body.as_bytes()) {
        Err(f) => Check::Fail(format!(
            "does not decode at {}: {}",
            if f.path.is_empty() { "." } else { &f.path },
            f.message
        )),
        Ok(roundtrip) => {
            let diffs = compare::differences(&recorded, &roundtrip.encoded);
            // A request only must not lose what was sent; a response must come back the same.
            let failing: Vec<&Difference> = diffs
                .iter()
                .filter(|d| {
                    !d.presence_only() && (!request || matches!(d, Difference::Lost(..) | Difference::Changed(..)))
                })
                .collect();
            if failing.is_empty() {
                Check::Pass(
                    diffs.into_iter().filter(Difference::presence_only).collect(),
                    roundtrip.repairs,
                )
            } else {
                let shown: Vec<String> = failing.iter().take(3).map(|d| d.describe()).collect();
                let more = failing.len().saturating_sub(3);
                Check::Fail(format!(
                    "re-encoded differs: {}{}",
                    shown.join("; "),
                    if more > 0 {
                        format!(" (+{more} more)")
                    } else {
                        String::new()
                    }
                ))
            }
        }
    }
}

/// Totals of a run.
#[derive(Debug, PartialEq, Eq)]
struct Totals {
    passed: usize,
    failed: usize,
    unmatched: usize,
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

fn run(path: &str) -> Result<Totals, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    check_corpus(&text)
}

fn check_corpus(text: &str) -> Result<Totals, String> {
    let interactions = corpus::read(text)?;
    let mut per_op: BTreeMap<&'static str, Tally> = BTreeMap::new();
    let mut unmatched: BTreeMap<String, usize> = BTreeMap::new();
    let mut presence: BTreeMap<String, usize> = BTreeMap::new();
    let mut mended: BTreeMap<String, usize> = BTreeMap::new();
    let (mut passed, mut failed) = (0, 0);
    for (line, i) in &interactions {
        let Some(row) = routes::operation_for(&i.method, &i.path) else {
            *unmatched
                .entry(format!("{} {}", i.method, i.path.split('?').next().unwrap_or("")))
                .or_default() += 1;
            continue;
        };
        let op = &OPERATIONS[row];
        let codecs = &CONFORMANCE_CODECS[row];
        let mut problems = Vec::new();
        let mut record = |label: &str, check: Check| match check {
            Check::Pass(diffs, repairs) => {
                for r in repairs {
                    *mended
                        .entry(format!(
                            "{} {label} {}: {} arrived, {} expected ({:?})",
                            op.id,
                            strip_indexes(&r.path),
                            r.arrived,
                            r.expected,
                            r.kind
                        ))
                        .or_default() += 1;
                }
                for d in diffs {
                    let kind = if matches!(d, Difference::NullDropped(_)) {
                        "null left out"
                    } else {
                        "empty left out"
                    };
                    let path = match &d {
                        Difference::NullDropped(p) | Difference::EmptyDropped(p) => p.clone(),
                        _ => String::new(),
                    };
                    *presence
                        .entry(format!("{} {label} {kind}: {}", op.id, strip_indexes(&path)))
                        .or_default() += 1;
                }
            }
            Check::Fail(why) => problems.push(format!("{label} {why}")),
        };
        if let Some(body) = i.response_body.as_deref().filter(|b| !b.trim().is_empty()) {
            let codec = if (200..300).contains(&i.status) {
                codecs.success
            } else {
                codecs.error
            };
            record("response", check_body(codec, body, false));
        }
        let json_request = i.request_content_type.as_deref().is_none_or(|c| c.contains("json"));
        if let Some(body) = i
            .request_body
            .as_deref()
            .filter(|b| !b.trim().is_empty() && json_request)
        {
            record("request", check_body(codecs.request, body, true));
        }
        let tally = per_op.entry(op.id).or_default();
        if problems.is_empty() {
            passed += 1;
            tally.passed += 1;
        } else {
            failed += 1;
            tally.failed += 1;
            for p in problems {
                println!("FAIL {} {} {} ({}): {p}", op.id, i.status, i.path, i.origin(*line));
            }
        }
    }
    println!("\nper operation ({} operations):", per_op.len());
    for (id, t) in &per_op {
        let mark = if t.failed == 0 { "ok  " } else { "FAIL" };
        println!("  {mark} {id:<48} {:>4} passed {:>4} failed", t.passed, t.failed);
    }
    println!(
        "\nnot matched to an operation ({} interactions, not failures):",
        unmatched.values().sum::<usize>()
    );
    for (what, n) in &unmatched {
        println!("  {n:>4} x {what}");
    }
    println!(
        "\npresence differences (not failures; {} kinds, {} places):",
        presence.len(),
        presence.values().sum::<usize>()
    );
    for (what, n) in &presence {
        println!("  {n:>4} x {what}");
    }
    println!(
        "\nmended by the lenient decode (passes; {} kinds, {} places):",
        mended.len(),
        mended.values().sum::<usize>()
    );
    for (what, n) in &mended {
        println!("  {n:>4} x {what}");
    }
    println!("\n{passed} passed, {failed} failed");
    Ok(Totals {
        passed,
        failed,
        unmatched: unmatched.values().sum(),
    })
}

/// `a[3].b` -> `a[].b`, so one kind is listed once.
fn strip_indexes(path: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for c in path.chars() {
        match c {
            '[' => {
                skipping = true;
                out.push('[');
            }
            ']' => {
                skipping = false;
                out.push(']');
            }
            _ if skipping => {}
            _ => out.push(c),
        }
    }
    out
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["corpus", path] => run(path),
        _ => Err("usage: okta-conformance corpus <file.jsonl>".into()),
    };
    match result {
        Ok(t) if t.failed == 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn line(
        method: &str,
        path: &str,
        status: u16,
        response: serde_json::Value,
        request: Option<serde_json::Value>,
    ) -> String {
        json!({
            "method": method, "path": path, "query": [], "status": status,
            "request_content_type": request.as_ref().map(|_| "application/json"),
            "request_body": request.map(|r| r.to_string()),
            "response_headers": {}, "response_body": response.to_string(),
        })
        .to_string()
    }

    #[test]
    fn a_corpus_of_our_own_passes_fails_and_skips() {
        let user = json!({"id": "00u1", "status": "ACTIVE", "created": "2025-01-01T00:00:00.000Z",
                          "profile": {"login": "a@example.com", "email": "a@example.com", "costCenter": null}});
        let corpus = [
            line("GET", "/api/v1/users/00u1", 200, user.clone(), None),
            line(
                "GET",
                "/api/v1/users/00u2",
                404,
                json!({"errorCode": "E0000007", "errorSummary": "Not found",
                 "errorLink": "E0000007", "errorId": "oae1", "errorCauses": []}),
                None,
            ),
            line("POST", "/api/v1/users/00u1/lifecycle/deactivate", 200, json!({}), None),
            line(
                "POST",
                "/api/v1/users",
                200,
                user,
                Some(json!({"profile": {"login": "a@example.com", "email": "a@example.com"}})),
            ),
            line("POST", "/oauth2/v1/token", 200, json!({"access_token": "x"}), None),
            // One field of another shape is mended; an answer of another shape is not.
            line("GET", "/api/v1/users/00u3", 200, json!({"profile": {"login": 5}}), None),
            line("GET", "/api/v1/users/00u4", 200, json!(["not", "a", "user"]), None),
        ]
        .join("\n");
        let totals = check_corpus(&corpus).expect("a valid corpus");
        assert_eq!(
            totals,
            Totals {
                passed: 5,
                failed: 1,
                unmatched: 1
            }
        );
        assert!(check_corpus("{not json}").unwrap_err().starts_with("line 1:"));
    }

    #[test]
    fn the_shared_corpus_when_present() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/okta-corpus/recorded-dev.jsonl"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            println!("../shared/okta-corpus/recorded-dev.jsonl is absent: skipped (nothing to check)");
            return;
        };
        let totals = check_corpus(&text).expect("the shared corpus is valid");
        // Every interaction is either matched (passed or failed) or listed as unmatched.
        assert_eq!(
            totals.passed + totals.failed + totals.unmatched,
            text.lines().filter(|l| !l.trim().is_empty()).count()
        );
        assert!(totals.passed > 900, "{totals:?}");
    }
}
