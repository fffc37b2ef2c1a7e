//! The core's imports follow the data flow (docs/architecture.md): every `crate::…` and
//! `super::…` path in `rust-core/src` that leaves its own top-level module must point to a
//! module the table below lets it use, which makes a circle impossible. A source file
//! a reader can hold stays under 800 lines.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Each top-level module of the core and the top-level modules it may use.
const ALLOWED: &[(&str, &[&str])] = &[
    ("contract", &[]),
    ("limits", &[]),
    ("sorting", &[]),
    ("input", &["contract", "limits", "sorting"]),
    ("evidence", &["contract", "limits", "sorting"]),
    ("chain", &["contract", "evidence", "limits", "sorting"]),
    (
        "parsers",
        &["contract", "input", "evidence", "limits", "sorting"],
    ),
    (
        "diagnosis",
        &["contract", "evidence", "chain", "limits", "sorting"],
    ),
    (
        "report",
        &[
            "contract",
            "evidence",
            "chain",
            "diagnosis",
            "limits",
            "sorting",
        ],
    ),
    (
        "redaction",
        &["contract", "evidence", "report", "limits", "sorting"],
    ),
    (
        "session",
        &[
            "contract",
            "input",
            "evidence",
            "chain",
            "parsers",
            "diagnosis",
            "report",
            "redaction",
            "limits",
            "sorting",
        ],
    ),
    // The crate root only declares modules and re-exports the public API.
    (
        "lib",
        &[
            "contract",
            "input",
            "evidence",
            "chain",
            "parsers",
            "diagnosis",
            "report",
            "redaction",
            "session",
            "limits",
            "sorting",
        ],
    ),
];

const MAX_LINES: usize = 800;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read rust-core/src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a source file: `src/parsers/ios/mod.rs` → `["parsers", "ios"]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code of a line without its `//` comment (strings holding `//` are rare enough in
/// this crate's import lines not to matter; a false hit would show as a failure).
fn code(line: &str) -> &str {
    match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    }
}

/// Top-level modules a line's paths lead to, outside the file's own.
fn targets(line: &str, module: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let words: Vec<&str> = line
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .filter(|w| !w.is_empty())
        .collect();
    for w in words {
        let segs: Vec<&str> = w.split("::").collect();
        if segs.first() == Some(&"crate") {
            if let Some(t) = segs.get(1).filter(|t| !t.is_empty()) {
                out.push(t.to_string());
            }
            continue;
        }
        let supers = segs.iter().take_while(|s| **s == "super").count();
        if supers == 0 {
            continue;
        }
        // `super` from a file's module path climbs one level per `super`.
        if supers >= module.len()
            && let Some(t) = segs.get(supers).filter(|t| !t.is_empty())
        {
            out.push(t.to_string());
        }
    }
    out
}

#[test]
fn imports_follow_the_data_flow() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    assert!(files.len() > 50, "{} source files", files.len());
    let tops: BTreeSet<&str> = ALLOWED.iter().map(|(m, _)| *m).collect();
    let mut wrong = Vec::new();
    for file in &files {
        let module = module_path(&src, file);
        let top = module.first().cloned().unwrap_or_default();
        let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| *m == top) else {
            // A module behind a feature (e.g. `unified_log`) must be listed too.
            wrong.push(format!(
                "{}: module `{top}` is not in the table",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("read source");
        for (n, line) in text.lines().enumerate() {
            for t in targets(code(line), &module) {
                if t == top || !tops.contains(t.as_str()) {
                    continue;
                }
                if !allowed.contains(&t.as_str()) {
                    wrong.push(format!(
                        "{}:{}: `{top}` uses `{t}`: {}",
                        file.strip_prefix(&src).unwrap_or(file).display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the flow:\n{}",
        wrong.join("\n")
    );
}

/// The modules of the core that the CLI and the FFI crate may name: the session (inputs
/// in, `Report` out, the probe's transport API), the report types, the contract's words,
/// and what the crate root re-exports.
const PUBLIC_API: &[&str] = &["session", "report", "contract"];

#[test]
fn the_bindings_use_the_public_api_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["bindings/cli/src", "bindings/ffi/src"] {
        sources(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(files.len() > 5, "{} binding source files", files.len());
    let mut wrong = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read source");
        for (n, line) in text.lines().enumerate() {
            let line = code(line);
            for (i, _) in line.match_indices("certdoctor_core::") {
                let rest = &line[i + "certdoctor_core::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                // `{…}` groups and capitalised names are the root's re-exports.
                let root_item =
                    name.is_empty() || name.starts_with(|c: char| c.is_ascii_uppercase());
                if !root_item && !PUBLIC_API.contains(&name.as_str()) {
                    wrong.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the bindings reach into the core's internals:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_table_has_no_circle() {
    // Every module's allowed modules come before it in the table.
    for (i, (module, allowed)) in ALLOWED.iter().enumerate() {
        for a in *allowed {
            let j = ALLOWED.iter().position(|(m, _)| m == a).expect("listed");
            assert!(j < i, "{module} may use {a}, which is not below it");
        }
    }
}

#[test]
fn every_source_file_is_short_enough_to_hold() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).expect("read").lines().count();
            (n > MAX_LINES).then(|| format!("{}: {n} lines", f.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_checker_sees_paths_that_leave_a_module() {
    let m = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        targets("use crate::parsers::LogParser;", &m(&["diagnosis"])),
        ["parsers"]
    );
    assert_eq!(
        targets(
            "use super::super::report::Report;",
            &m(&["diagnosis", "server"])
        ),
        ["report"]
    );
    assert!(targets("use super::finding::Finding;", &m(&["diagnosis", "server"])).is_empty());
    assert!(targets("let x = a::b;", &m(&["input"])).is_empty());
    assert_eq!(code("use x; // crate::report"), "use x; ");
}
