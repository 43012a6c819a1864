//! Developer tasks for okta-rs: `import`, `generate [--check] [--report FILE]`, `examples`.

mod contract;
mod diff;
mod examples;
mod generate;
mod import;
mod normalize;
mod package;
mod postprocess;
mod report;
mod spec;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn usage() -> &'static str {
    "usage:\n  cargo xtask import <upstream.yaml> [--report FILE]   write openapi/management.yaml (facts only), then generate as below\n  cargo xtask generate [--check] [--report FILE]       regenerate crates/okta-{models,apis}/src/generated.rs and print the API\n                                                       change report (operations, types, fields, values; semver verdict)\n                                                       against the generated files it replaces; --report also writes it as\n                                                       Markdown for CHANGELOG.md; --check only compares, with no report\n  cargo xtask package [--allow-dirty]     check rust-version, cargo package (verified) every published crate, report\n                                          the .crate sizes, build and run a consumer project from the packages\n  cargo xtask docs                        build each published crate's docs as docs.rs does, warnings as errors\n  cargo xtask examples                    run every example against the local fake org and check its output\n  cargo xtask conformance --corpus <f>    check the models against recorded traffic (one JSON interaction per line)\n  cargo xtask contract [--seed N]         call every operation against Prism (npm, installed into target/prism)\n"
}

/// The value of `--report FILE`, if given; an error when the file name is missing.
fn report_flag(args: &[String]) -> anyhow::Result<Option<PathBuf>> {
    match args.iter().position(|a| a == "--report") {
        None => Ok(None),
        Some(i) => match args.get(i + 1).filter(|v| !v.starts_with("--")) {
            Some(file) => Ok(Some(PathBuf::from(file))),
            None => Err(anyhow::anyhow!("--report needs a file name\n{}", usage())),
        },
    }
}

/// The first argument after the task that is neither a flag nor `--report`'s value.
fn positional(args: &[String]) -> Option<&String> {
    let mut rest = args.iter().skip(1);
    while let Some(a) = rest.next() {
        if a == "--report" {
            rest.next();
        } else if !a.starts_with("--") {
            return Some(a);
        }
    }
    None
}

/// The workspace root (the parent of this crate's manifest directory).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// `cargo xtask conformance --corpus <file>`: runs the `okta-conformance` binary, which links
/// the generated crates (the generator itself must not depend on what it generates).
fn conformance(root: &Path, corpus: &str) -> anyhow::Result<ExitCode> {
    let corpus = std::fs::canonicalize(corpus).map_err(|e| anyhow::anyhow!("corpus {corpus}: {e}"))?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(root)
        .args(["run", "-q", "-p", "okta-conformance", "--", "corpus"])
        .arg(&corpus)
        .status()?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn main() -> ExitCode {
    // typify recurses deeply over Okta's schemas; give it room.
    let worker = std::thread::Builder::new()
        .stack_size(512 * 1024 * 1024)
        .spawn(real_main);
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!("error: the generator thread failed");
            ExitCode::FAILURE
        }
    }
}

fn real_main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("import") => match (positional(&args), report_flag(&args)) {
            (_, Err(e)) => Err(e),
            (Some(path), Ok(report)) => import::run(Path::new(path), &workspace_root(), report.as_deref()),
            (None, _) => Err(anyhow::anyhow!("import needs the upstream spec file\n{}", usage())),
        },
        Some("generate") => {
            let check = args.iter().skip(1).any(|a| a == "--check");
            match report_flag(&args) {
                Ok(Some(_)) if check => Err(anyhow::anyhow!("--check writes no report\n{}", usage())),
                Ok(report) => generate::run(&workspace_root(), check, report.as_deref()),
                Err(e) => Err(e),
            }
        }
        Some("examples") => examples::run(&workspace_root()),
        Some("package") => {
            let allow_dirty = args.iter().skip(1).any(|a| a == "--allow-dirty");
            package::run(&workspace_root(), package::Options { allow_dirty })
        }
        Some("docs") => package::docs::run(&workspace_root()),
        Some("conformance") => match (args.get(1).map(String::as_str), args.get(2)) {
            (Some("--corpus"), Some(corpus)) => conformance(&workspace_root(), corpus),
            _ => Err(anyhow::anyhow!("conformance needs --corpus <file.jsonl>\n{}", usage())),
        },
        Some("contract") => {
            let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
            match flag("--seed").map(|s| s.parse::<u64>()) {
                Some(Err(_)) => Err(anyhow::anyhow!("--seed takes a whole number\n{}", usage())),
                seed => contract::run::run(
                    &workspace_root(),
                    seed.and_then(Result::ok),
                    flag("--only").map(String::as_str),
                ),
            }
        }
        _ => Err(anyhow::anyhow!("{}", usage())),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
