//! Shared helpers of the CLI's end-to-end tests: run the real binary, find fixtures,
//! compare with golden files (regenerate with `UPDATE_GOLDEN=1`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (fixtures and goldens live under `tests/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

pub const NOW: &str = "2026-06-01T00:00:00Z";

/// Runs `certdoctor` with `args` from the repository root.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_certdoctor"))
        .args(args)
        .current_dir(root())
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .output()
        .expect("run certdoctor")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

pub fn json(args: &[&str]) -> (serde_json::Value, i32) {
    let mut all = vec!["diagnose", "--format", "json", "--now", NOW];
    all.extend_from_slice(args);
    let o = run(&all);
    let code = o.status.code().unwrap_or(-1);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            stdout(&o),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (v, code)
}

pub fn ids(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

/// Active (unresolved) findings of a severity.
pub fn active(report: &serde_json::Value, severity: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == severity && f["resolved"] == false)
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

/// Compares `actual` with the golden file, or writes it when `UPDATE_GOLDEN` is set.
pub fn golden(rel: &str, actual: &str) {
    let path = root().join("tests/golden").join(rel);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!("missing golden {rel}; run with UPDATE_GOLDEN=1 and review the diff")
    });
    if expected != actual {
        let diff_line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map(|i| i + 1)
            .unwrap_or(expected.lines().count().min(actual.lines().count()) + 1);
        panic!(
            "{rel} differs from its golden file at line {diff_line}; run with UPDATE_GOLDEN=1 and review the diff"
        );
    }
}
