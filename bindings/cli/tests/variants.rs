//! The format variants of `tests/fixtures/variants/` end to end: for each file of its
//! `expect.json`, the CLI's JSON report has that verdict, exactly those unresolved finding
//! IDs, those resolved ones, and reads the input as that kind.

mod common;

use common::*;

#[test]
fn variant_expectations_hold() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/variants/expect.json"))
        .expect("variants/expect.json");
    let expect: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert!(expect.len() >= 100, "{} variants", expect.len());
    let mut failures = Vec::new();
    for (file, exp) in &expect {
        let path = format!("tests/fixtures/variants/{file}");
        let (report, code) = json(&[&path]);
        let ids_where = |resolved: bool| {
            let mut v: Vec<String> = report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["resolved"] == resolved)
                .map(|f| f["id"].as_str().unwrap().to_string())
                .collect();
            v.sort();
            v.dedup();
            v
        };
        let strings = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
                .unwrap_or_default()
        };
        let verdict = exp["verdict"].as_str().unwrap();
        let got = (
            report["verdict"].as_str().unwrap().to_string(),
            ids_where(false),
            ids_where(true),
            report["inputs"][0]["kind"].as_str().unwrap().to_string(),
            code,
        );
        let want = (
            verdict.to_string(),
            strings(&exp["findings"]),
            strings(&exp["resolved"]),
            exp["kind"].as_str().unwrap().to_string(),
            if verdict == "delivered" { 0 } else { 1 },
        );
        if got != want {
            failures.push(format!("{file}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
