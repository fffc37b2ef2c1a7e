//! Issue 21's corpus of evidence as people paste it (`tests/fixtures/fragments/`): for
//! each file of its `expect.json`, the CLI's JSON report has that verdict, lists those
//! device platforms and server components, reports the findings that must appear and none
//! that must not, reads the input as that kind with that status, and its English summary
//! holds the phrases given.

mod common;

use common::*;

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn fragment_expectations_hold() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/fragments/expect.json"))
        .expect("fragments/expect.json");
    let expect: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert!(expect.len() >= 150, "{} fragments", expect.len());
    let mut failures = Vec::new();
    for (file, exp) in &expect {
        let path = format!("tests/fixtures/fragments/{file}");
        let (report, code) = json(&["--lang", "en", &path]);
        let ids: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect();
        let verdict = exp["verdict"].as_str().unwrap();
        let mut wrong = Vec::new();
        let mut check = |what: &str, got: String, want: String| {
            if got != want {
                wrong.push(format!("{what} {got} (want {want})"));
            }
        };
        check(
            "verdict",
            report["verdict"].to_string(),
            format!("\"{verdict}\""),
        );
        check(
            "kind",
            report["inputs"][0]["kind"].to_string(),
            exp["kind"].to_string(),
        );
        check(
            "status",
            report["inputs"][0]["status"].to_string(),
            exp["status"].to_string(),
        );
        check(
            "platforms",
            format!("{:?}", strings(&report["platforms"])),
            format!("{:?}", strings(&exp["platforms"])),
        );
        check(
            "server_components",
            format!("{:?}", strings(&report["server_components"])),
            format!("{:?}", strings(&exp["server_components"])),
        );
        check(
            "exit",
            code.to_string(),
            if verdict == "delivered" { "0" } else { "1" }.to_string(),
        );
        for id in strings(&exp["must"]) {
            if !ids.contains(&id) {
                wrong.push(format!("lacks {id}"));
            }
        }
        for id in strings(&exp["must_not"]) {
            if ids.contains(&id) {
                wrong.push(format!("has {id}"));
            }
        }
        let summary = report["summary"].as_str().unwrap();
        for phrase in strings(&exp["summary"]) {
            if !summary.contains(&phrase) {
                wrong.push(format!("summary lacks {phrase:?}: {summary}"));
            }
        }
        if !wrong.is_empty() {
            failures.push(format!("{file}: {} (findings {ids:?})", wrong.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn right_log_and_wrong_file_get_different_advice() {
    let right = "tests/fixtures/fragments/android/no-scep-sync-session.log";
    let wrong = "tests/fixtures/fragments/negative/ticket-prose.txt";
    let (r, _) = json(&["--lang", "en", right]);
    let (w, _) = json(&["--lang", "en", wrong]);
    assert_eq!(r["verdict"], "inconclusive");
    assert_eq!(w["verdict"], "inconclusive");
    assert_ne!(r["next_action"], w["next_action"]);
    let finding = |rep: &serde_json::Value| rep["findings"][0].clone();
    let f = finding(&r);
    assert_eq!(f["id"], "NO_EVIDENCE");
    assert!(
        f["detail"]
            .as_str()
            .unwrap()
            .contains("from 2026-02-10T09:00:01.1230000 to 2026-02-10T09:00:04.7710000"),
        "{f}"
    );
    assert_eq!(f["evidence"][0]["source"], right);
    assert_ne!(f["remedy"], finding(&w)["remedy"]);
    assert_eq!(r["inputs"][0]["status"], "ok");
    assert_eq!(w["inputs"][0]["status"], "ignored");
    // The same in Traditional Chinese.
    let (z, _) = json(&["--lang", "zh-Hant", right]);
    let s = z["summary"].as_str().unwrap();
    assert!(s.contains("沒有任何 SCEP 活動"), "{s}");
    assert!(s.contains("從 2026-02-10T09:00:01.1230000 到"), "{s}");
}
