//! The change report of `cargo xtask generate` and `cargo xtask import`: what a spec update does
//! to the API as users see it, from the generated files on disk (before they are overwritten) to
//! the newly generated ones, with a verdict under Cargo's SemVer rules.
//!
//! `surface` reads both versions of the generated sources with syn, `diff` lists and classifies
//! the changes, `render` prints them (compact console text) and writes Markdown for a CHANGELOG
//! entry (`--report FILE`).

pub mod diff;
pub mod render;
pub mod surface;

use anyhow::Context;
use diff::{Action, Change, Class, Subject};
use std::collections::BTreeSet;
use std::path::Path;

/// The size of one surface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    /// The spec version the surface was generated from.
    pub spec_version: Option<String>,
    /// How many operations.
    pub operations: usize,
    /// How many model types.
    pub types: usize,
}

impl Totals {
    fn of(s: &surface::Surface) -> Self {
        Totals {
            spec_version: s.spec_version.clone(),
            operations: s.operations.len(),
            types: s.types.len(),
        }
    }
}

/// What a release means for users' code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// There was no previous surface to compare with.
    NoBaseline,
    /// The surface is the same.
    Unchanged,
    /// Only informational changes: users' code is unaffected.
    Compatible,
    /// Only additions: a patch release while 0.x, a minor one after 1.0.
    Additive,
    /// Something breaks: a minor release while 0.x, a major one after 1.0.
    Breaking,
}

/// The report: the old and new totals and every change.
#[derive(Debug, Clone)]
pub struct Report {
    /// The old surface's totals, or why there is none.
    pub old: Result<Totals, String>,
    /// The new surface's totals.
    pub new: Totals,
    /// Every change, in the order `diff` found them.
    pub changes: Vec<Change>,
}

impl Report {
    /// Breaking if anything breaks, else additive if anything is added, and so on.
    pub fn verdict(&self) -> Verdict {
        if self.old.is_err() {
            Verdict::NoBaseline
        } else if self.changes.is_empty() {
            Verdict::Unchanged
        } else if self.count_class(Class::Breaking) > 0 {
            Verdict::Breaking
        } else if self.count_class(Class::Additive) > 0 {
            Verdict::Additive
        } else {
            Verdict::Compatible
        }
    }

    /// How many changes have this class.
    pub fn count_class(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    /// How many changes are about `subject` and did `action`.
    pub fn count(&self, subject: Subject, action: Action) -> usize {
        self.changes
            .iter()
            .filter(|c| c.subject == subject && c.action == action)
            .count()
    }

    /// How many operations (`operations`) or types (otherwise) that are in both surfaces
    /// changed: their setters, answer, scopes, ... or their fields, values or members.
    pub fn changed(&self, operations: bool) -> usize {
        self.changes
            .iter()
            .filter(|c| match c.subject {
                Subject::Operation => operations && c.action == Action::Changed,
                Subject::Type => !operations && c.action == Action::Changed,
                Subject::Field | Subject::EnumValue | Subject::UnionMember => !operations,
            })
            .map(|c| c.owner.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// The changes of one class.
    pub fn of_class(&self, class: Class) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.class == class)
    }
}

/// Compares two generated surfaces. An old surface that does not parse means there is no
/// previous surface (the report says why and gives no verdict); a new one that does not parse
/// is an error.
pub fn report(old_models: &str, old_apis: &str, new_models: &str, new_apis: &str) -> anyhow::Result<Report> {
    let new = surface::extract(new_models, new_apis).context("reading the newly generated surface")?;
    let old = surface::extract(old_models, old_apis).map_err(|e| format!("the previous surface is unreadable: {e}"));
    Ok(match old {
        Ok(old) => Report {
            old: Ok(Totals::of(&old)),
            new: Totals::of(&new),
            changes: diff::diff(&old, &new),
        },
        Err(why) => Report {
            old: Err(why),
            new: Totals::of(&new),
            changes: Vec::new(),
        },
    })
}

/// The report of newly generated sources against the generated files under `root` (read
/// before they are overwritten); an absent file means there is no previous surface.
pub fn against_disk(root: &Path, new_models: &str, new_apis: &str) -> anyhow::Result<Report> {
    let read = |path: &str| {
        std::fs::read_to_string(root.join(path))
            .map_err(|e| format!("no previous surface: {path} could not be read ({e})"))
    };
    match (read(crate::generate::MODELS_OUT), read(crate::generate::APIS_OUT)) {
        (Ok(old_models), Ok(old_apis)) => report(&old_models, &old_apis, new_models, new_apis),
        (Err(why), _) | (_, Err(why)) => {
            let new = surface::extract(new_models, new_apis).context("reading the newly generated surface")?;
            Ok(Report {
                old: Err(why),
                new: Totals::of(&new),
                changes: Vec::new(),
            })
        }
    }
}

/// Prints the report and, with `markdown`, writes it there as Markdown.
pub fn publish(report: &Report, markdown: Option<&Path>) -> anyhow::Result<()> {
    print!("{}", render::console(report));
    if let Some(path) = markdown {
        std::fs::write(path, render::markdown(report)).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote the change report to {}", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests;
