//! The lenient decode proven on data: every answer body of our own fixtures and of the shared
//! corpus (when present), one scalar at a time replaced by a value of each other JSON type
//! (string, number, boolean, array, object, null). Each mutated answer must decode, every
//! other field must keep its typed value (the decode sets aside the mutated field, or the list
//! that holds it, and nothing else), and writing it back must give the mutated JSON (`null`
//! and absent being the same to the models). Bounded: at most [`PER_BODY`] positions a body,
//! spread over it, and [`BUDGET`] of time; the counts are printed.

use crate::compare::differences;
use crate::{corpus, routes};
use okta_apis::CONFORMANCE_CODECS;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Scalar positions tried in one body, spread over it.
const PER_BODY: usize = 6;
/// Time for the shared corpus (our own fixtures always run whole).
const BUDGET: Duration = Duration::from_secs(60);

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every scalar's path in `v`.
fn scalars(v: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                path.push(Step::Key(k.clone()));
                scalars(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(Step::Index(i));
                scalars(child, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

fn at<'a>(root: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(root, |node, step| match step {
        Step::Key(k) => &mut node[k.as_str()],
        Step::Index(i) => &mut node[*i],
    })
}

/// The values of other JSON types than `v`'s.
fn replacements(v: &Value) -> Vec<Value> {
    let kind = |v: &Value| std::mem::discriminant(v);
    [
        json!("mutated"),
        json!(7),
        json!(true),
        json!([]),
        json!({}),
        Value::Null,
    ]
    .into_iter()
    .filter(|r| kind(r) != kind(v))
    .collect()
}

/// The field a lenient decode sets aside for a value at `path`: the path up to its last key
/// (a value inside a list sets the list's field aside). `None` when no key is on the path.
fn field_of(path: &[Step]) -> Option<(String, bool)> {
    let last_key = path.iter().rposition(|s| matches!(s, Step::Key(_)))?;
    let mut out = String::new();
    for step in &path[..=last_key] {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    Some((out, last_key + 1 < path.len()))
}

#[derive(Debug, Default)]
struct Counts {
    bodies: usize,
    tried: usize,
    decoded: usize,
    written_back: usize,
    only_that_field: usize,
    in_a_list: usize,
    untouched: usize,
    failures: Vec<String>,
}

impl Counts {
    fn fail(&mut self, what: String) {
        if self.failures.len() < 20 {
            self.failures.push(what);
        }
    }
}

/// Mutates `body` (an answer of operation `row` with `status`) and checks each mutation.
fn mutate_body(row: usize, status: u16, body: &Value, counts: &mut Counts) {
    let codecs = &CONFORMANCE_CODECS[row];
    let Some(codec) = (if (200..300).contains(&status) {
        codecs.success
    } else {
        codecs.error
    }) else {
        return;
    };
    // Only bodies that decode as they are: the mutation is then the only thing wrong.
    let Ok(original) = codec(body.to_string().as_bytes()) else {
        return;
    };
    if !original.repairs.is_empty() {
        return;
    }
    let mut positions = Vec::new();
    scalars(body, &mut Vec::new(), &mut positions);
    positions.retain(|p| field_of(p).is_some());
    if positions.is_empty() {
        return;
    }
    counts.bodies += 1;
    let stride = positions.len().div_ceil(PER_BODY).max(1);
    for path in positions.iter().step_by(stride) {
        let Some((field, in_list)) = field_of(path) else {
            continue;
        };
        let mut mutated = body.clone();
        let slot = at(&mut mutated, path);
        for replacement in replacements(slot) {
            *at(&mut mutated, path) = replacement.clone();
            counts.tried += 1;
            let what = format!("{} {field} = {replacement}", okta_apis::OPERATIONS[row].id);
            let roundtrip = match codec(mutated.to_string().as_bytes()) {
                Ok(r) => r,
                Err(f) => {
                    counts.fail(format!("{what}: does not decode at {}: {}", f.path, f.message));
                    continue;
                }
            };
            counts.decoded += 1;
            let lost: Vec<String> = differences(&mutated, &roundtrip.encoded)
                .iter()
                .filter(|d| !d.presence_only())
                .map(|d| d.describe())
                .collect();
            if lost.is_empty() {
                counts.written_back += 1;
            } else {
                counts.fail(format!("{what}: written back differently: {}", lost.join("; ")));
            }
            match roundtrip.repairs.as_slice() {
                [] => counts.untouched += 1,
                [only] if only.path == field => {
                    counts.only_that_field += 1;
                    if in_list {
                        counts.in_a_list += 1;
                    }
                }
                other => {
                    let paths: Vec<&str> = other.iter().map(|r| r.path.as_str()).collect();
                    counts.fail(format!("{what}: set aside {paths:?}, not only `{field}`"));
                }
            }
        }
    }
}

/// Answers written for this test: (method, path, status, body).
fn fixtures() -> Vec<(&'static str, &'static str, u16, Value)> {
    let user = json!({"id": "00u1", "status": "ACTIVE", "created": "2026-01-02T03:04:05.000Z",
        "lastLogin": null, "type": {"id": "oty1"},
        "profile": {"login": "a@example.com", "email": "a@example.com", "firstName": "A", "costCenter": "7"},
        "credentials": {"provider": {"type": "OKTA", "name": "OKTA"}, "emails": [{"value": "a@example.com", "status": "VERIFIED", "type": "PRIMARY"}]},
        "_links": {"self": {"href": "https://example.okta.com/api/v1/users/00u1"}}});
    vec![
        ("GET", "/api/v1/users/00u1", 200, user.clone()),
        ("GET", "/api/v1/users", 200, json!([user.clone(), user])),
        (
            "GET",
            "/api/v1/groups/00g1",
            200,
            json!({"id": "00g1", "type": "OKTA_GROUP", "objectClass": ["okta:user_group"],
            "profile": {"name": "Staff", "description": "All staff"}, "lastMembershipUpdated": "2026-01-02T03:04:05.000Z"}),
        ),
        (
            "GET",
            "/api/v1/apps/0oa1",
            200,
            json!({"id": "0oa1", "name": "bookmark", "label": "Docs", "signOnMode": "BOOKMARK", "status": "ACTIVE",
            "settings": {"app": {"url": "https://example.com", "requestIntegration": false}},
            "visibility": {"autoSubmitToolbar": false, "hide": {"iOS": false, "web": false}}}),
        ),
        (
            "GET",
            "/api/v1/users/00u9",
            404,
            json!({"errorCode": "E0000007", "errorSummary": "Not found: Resource not found: 00u9 (User)",
            "errorLink": "E0000007", "errorId": "oaeXYZ", "errorCauses": []}),
        ),
    ]
}

fn report(name: &str, c: &Counts) {
    println!(
        "{name}: {} bodies, {} mutations tried; {} decoded, {} written back as mutated, {} set aside only the \
         mutated field ({} of them the list holding it), {} accepted as they were (the field's type holds any JSON)",
        c.bodies, c.tried, c.decoded, c.written_back, c.only_that_field, c.in_a_list, c.untouched
    );
    for f in &c.failures {
        println!("  FAIL {f}");
    }
}

fn assert_all_pass(name: &str, c: &Counts) {
    report(name, c);
    assert!(c.tried > 0, "{name}: nothing was tried");
    assert_eq!(c.decoded, c.tried, "{name}: every mutated answer decodes");
    assert_eq!(c.written_back, c.tried, "{name}: every one is written back as it came");
    assert_eq!(
        c.only_that_field + c.untouched,
        c.tried,
        "{name}: every other field keeps its typed value"
    );
}

#[test]
fn one_scalar_of_another_json_type_never_fails_our_own_answers() {
    let mut counts = Counts::default();
    for (method, path, status, body) in fixtures() {
        let row = routes::operation_for(method, path).expect("a fixture's operation");
        mutate_body(row, status, &body, &mut counts);
    }
    assert_all_pass("own fixtures", &counts);
}

#[test]
fn one_scalar_of_another_json_type_never_fails_the_shared_corpus_when_present() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/okta-corpus/recorded-dev.jsonl"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        println!("../shared/okta-corpus/recorded-dev.jsonl is absent: the corpus mutations are skipped");
        return;
    };
    let started = Instant::now();
    let mut counts = Counts::default();
    for (_, i) in corpus::read(&text).expect("the shared corpus is valid") {
        if started.elapsed() > BUDGET {
            println!("time budget of {BUDGET:?} spent; counting what was tried");
            break;
        }
        let Some(row) = routes::operation_for(&i.method, &i.path) else {
            continue;
        };
        let Some(body) = i
            .response_body
            .as_deref()
            .and_then(|b| serde_json::from_str::<Value>(b).ok())
        else {
            continue;
        };
        mutate_body(row, i.status, &body, &mut counts);
    }
    assert_all_pass("shared corpus", &counts);
}
