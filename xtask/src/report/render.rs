//! The report as compact console text and as Markdown for a CHANGELOG entry.
//!
//! Both start with the numbers and the verdict. The console lists the breaking changes (up to
//! [`CONSOLE_BREAKING`]) and the first [`CONSOLE_OTHERS`] of the other classes; the Markdown
//! lists every change, grouped by class, then by what changed and why.

use super::diff::{Action, Change, Class, Subject};
use super::{Report, Verdict};
use std::collections::BTreeMap;
use std::fmt::Write;

/// At most this many breaking changes are printed on the console.
pub const CONSOLE_BREAKING: usize = 60;
/// At most this many additive and informational changes are printed on the console.
pub const CONSOLE_OTHERS: usize = 8;

/// "Okta Management API 2026.03.0 → 2026.06.3".
fn title(report: &Report) -> String {
    let version = |v: &Option<String>| v.clone().unwrap_or_else(|| "(unknown version)".into());
    match &report.old {
        Ok(old) => format!(
            "Okta Management API {} → {}",
            version(&old.spec_version),
            version(&report.new.spec_version)
        ),
        Err(_) => format!("Okta Management API {}", version(&report.new.spec_version)),
    }
}

/// One line per count: (label, before, after, added, removed, changed).
fn rows(report: &Report) -> Vec<(&'static str, String, String, usize, usize, usize)> {
    let (old_ops, old_types) = match &report.old {
        Ok(t) => (t.operations.to_string(), t.types.to_string()),
        Err(_) => ("-".into(), "-".into()),
    };
    let n = |s, a| report.count(s, a);
    let mut rows = vec![
        (
            "operations",
            old_ops,
            report.new.operations.to_string(),
            n(Subject::Operation, Action::Added),
            n(Subject::Operation, Action::Removed),
            report.changed(true),
        ),
        (
            "model types",
            old_types,
            report.new.types.to_string(),
            n(Subject::Type, Action::Added),
            n(Subject::Type, Action::Removed),
            report.changed(false),
        ),
    ];
    // Counts without a before/after total: the members of types.
    for (label, subject) in [
        ("struct fields", Subject::Field),
        ("enum values", Subject::EnumValue),
        ("union members", Subject::UnionMember),
    ] {
        rows.push((
            label,
            String::new(),
            String::new(),
            n(subject, Action::Added),
            n(subject, Action::Removed),
            n(subject, Action::Changed),
        ));
    }
    rows
}

/// The verdict in one sentence.
pub fn verdict_text(report: &Report) -> String {
    let (b, a, i) = (
        report.count_class(Class::Breaking),
        report.count_class(Class::Additive),
        report.count_class(Class::Informational),
    );
    match report.verdict() {
        Verdict::NoBaseline => format!(
            "no verdict: {}",
            report.old.as_ref().err().map_or("no previous surface", String::as_str)
        ),
        Verdict::Unchanged => "no change to the API surface".to_string(),
        Verdict::Compatible => format!(
            "compatible: {i} informational changes and nothing that changes users' code \
             (a patch release at most)"
        ),
        Verdict::Additive => format!(
            "additive: {a} additions, {i} informational changes, nothing breaking; under Cargo's SemVer rules \
             this is a patch release while the crates are 0.x (0.y.z → 0.y.(z+1)), a minor one after 1.0"
        ),
        Verdict::Breaking => format!(
            "BREAKING: {b} breaking changes ({a} additions, {i} informational); under Cargo's SemVer rules \
             this is a minor release while the crates are 0.x (0.y.z → 0.(y+1).0), a major one after 1.0"
        ),
    }
}

/// The compact console text.
pub fn console(report: &Report) -> String {
    let mut out = format!("API change report ({}):\n", title(report));
    for (label, before, after, added, removed, changed) in rows(report) {
        let sizes = if before.is_empty() {
            String::new()
        } else {
            format!(" {before:>5} → {after:<5}")
        };
        let _ = writeln!(
            out,
            "  {label:<14}{sizes:<16} {added:>5} added {removed:>5} removed {changed:>5} changed"
        );
    }
    let _ = writeln!(out, "  verdict: {}", verdict_text(report));
    list_console(&mut out, report, Class::Breaking, "breaking", CONSOLE_BREAKING, true);
    list_console(&mut out, report, Class::Additive, "additive", CONSOLE_OTHERS, false);
    list_console(
        &mut out,
        report,
        Class::Informational,
        "informational",
        CONSOLE_OTHERS,
        true,
    );
    out
}

fn list_console(out: &mut String, report: &Report, class: Class, label: &str, limit: usize, reasons: bool) {
    let all: Vec<&Change> = report.of_class(class).collect();
    if all.is_empty() {
        return;
    }
    let shown = if all.len() > limit {
        format!("first {limit} of {}", all.len())
    } else {
        all.len().to_string()
    };
    let _ = writeln!(out, "  {label} ({shown}):");
    for c in all.iter().take(limit) {
        let action = action_word(c);
        if reasons {
            let _ = writeln!(out, "    - {action}{}: {}", c.text, c.reason);
        } else {
            let _ = writeln!(out, "    - {action}{}", c.text);
        }
    }
    if all.len() > limit {
        let _ = writeln!(
            out,
            "    ... and {} more (`--report FILE` writes them all)",
            all.len() - limit
        );
    }
}

/// "removed " / "added " before an item's name; nothing for a change (its text says it).
fn action_word(c: &Change) -> &'static str {
    match c.action {
        Action::Added => "added ",
        Action::Removed => "removed ",
        Action::Changed => "",
    }
}

/// "Operations", "Types", ... for a group heading.
fn subject_plural(s: Subject) -> &'static str {
    match s {
        Subject::Operation => "Operations",
        Subject::Type => "Types",
        Subject::Field => "Struct fields",
        Subject::EnumValue => "Enum values",
        Subject::UnionMember => "Union members",
    }
}

fn action_past(s: Subject, a: Action) -> &'static str {
    match (s, a) {
        (_, Action::Added) => "added",
        (_, Action::Removed) => "removed",
        (Subject::Field | Subject::UnionMember, Action::Changed) => "retyped",
        (_, Action::Changed) => "changed",
    }
}

/// The Markdown report: a `###` section for a CHANGELOG entry.
pub fn markdown(report: &Report) -> String {
    let mut out = format!("### API changes: {}\n\n", title(report));
    out.push_str("| | before | after | added | removed | changed |\n|---|---:|---:|---:|---:|---:|\n");
    for (label, before, after, added, removed, changed) in rows(report) {
        let _ = writeln!(
            out,
            "| {label} | {before} | {after} | {added} | {removed} | {changed} |"
        );
    }
    let _ = writeln!(out, "\n**Verdict:** {}.\n", verdict_text(report));
    for (class, heading, reasons) in [
        (Class::Breaking, "Breaking changes", true),
        (Class::Additive, "Additions", false),
        (Class::Informational, "Other changes (informational)", true),
    ] {
        section(&mut out, report, class, heading, reasons);
    }
    out
}

/// One class's changes, grouped by subject, action and (where asked) reason.
fn section(out: &mut String, report: &Report, class: Class, heading: &str, reasons: bool) {
    let mut groups: BTreeMap<(Subject, Action, &str), Vec<&Change>> = BTreeMap::new();
    for c in report.of_class(class) {
        let reason = if reasons { c.reason.as_str() } else { "" };
        groups.entry((c.subject, c.action, reason)).or_default().push(c);
    }
    if groups.is_empty() {
        return;
    }
    let _ = writeln!(out, "#### {heading}\n");
    for ((subject, action, reason), changes) in groups {
        let mut label = format!("{} {}", subject_plural(subject), action_past(subject, action));
        if !reason.is_empty() {
            let _ = write!(label, ": {reason}");
        }
        let _ = writeln!(out, "{label} ({}):\n", changes.len());
        for c in changes {
            let _ = writeln!(out, "- {}", c.text);
        }
        out.push('\n');
    }
}
