//! A readable summary of how two versions of a generated file differ.

/// At most this many changed lines are shown per file.
const SHOWN: usize = 40;

pub fn summary(path: &str, old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut added = 0;
    let mut removed = 0;
    let mut shown = Vec::new();
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => {
                removed += 1;
                "-"
            }
            similar::ChangeTag::Insert => {
                added += 1;
                "+"
            }
            similar::ChangeTag::Equal => continue,
        };
        if shown.len() < SHOWN {
            let line = change.old_index().or(change.new_index()).map_or(0, |i| i + 1);
            shown.push(format!("    {sign} {line:>6} | {}", change.value().trim_end()));
        }
    }
    let mut out = format!("  {path}: {removed} lines differ in the committed file, {added} in the regenerated one");
    if old.is_empty() {
        out.push_str(" (the committed file is missing)");
    }
    for s in shown {
        out.push('\n');
        out.push_str(&s);
    }
    if added + removed > SHOWN {
        out.push_str(&format!("\n    ... and {} more changed lines", added + removed - SHOWN));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn summary_names_the_file_and_the_changed_lines() {
        let s = super::summary("a.rs", "x\ny\n", "x\nz\n");
        assert!(s.contains("a.rs: 1 lines differ"), "{s}");
        assert!(s.contains("- ") && s.contains("| y") && s.contains("| z"), "{s}");
    }
}
