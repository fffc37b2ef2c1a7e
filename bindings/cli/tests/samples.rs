//! The shared samples end to end: every expectation of `tests/fixtures/expect.json` holds
//! for the CLI's JSON report, and the three renderers match their golden files.

mod common;

use common::*;

/// Platforms whose samples this version must diagnose.
const REQUIRED_PLATFORMS: &[&str] = &["android", "ios", "windows"];

fn expectations() -> serde_json::Map<String, serde_json::Value> {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/expect.json")).expect("expect.json");
    serde_json::from_str::<serde_json::Value>(&text)
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}

#[test]
fn sample_expectations_hold() {
    let mut checked = 0;
    for (file, exp) in expectations() {
        let platform = exp["platform"].as_str().unwrap();
        if !REQUIRED_PLATFORMS.contains(&platform) {
            continue;
        }
        let path = format!("tests/fixtures/{file}");
        assert!(root().join(&path).exists(), "fixture {path} is missing");
        let (report, code) = json(&[&path]);
        let verdict = exp["verdict"].as_str().unwrap();
        assert_eq!(report["verdict"], verdict, "{file}: verdict");
        assert_eq!(
            code,
            if verdict == "delivered" { 0 } else { 1 },
            "{file}: exit code"
        );
        let found = ids(&report);
        for id in exp["must"].as_array().unwrap() {
            assert!(
                found.iter().any(|f| f == id.as_str().unwrap()),
                "{file}: {id} missing in {found:?}"
            );
        }
        for id in exp["must_not"].as_array().unwrap() {
            let id = id.as_str().unwrap();
            let active_ids: Vec<String> = ["error", "action", "warning"]
                .iter()
                .flat_map(|s| active(&report, s))
                .collect();
            assert!(
                !active_ids.iter().any(|f| f == id),
                "{file}: {id} must not be reported, got {active_ids:?}"
            );
        }
        if verdict == "failed" {
            assert!(
                report["enrollments"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|e| e["state"] != "installed" && e["state"] != "access_granted"),
                "{file}: a failed sample reports delivery"
            );
        }
        if verdict == "delivered" {
            assert!(
                active(&report, "error").is_empty() && active(&report, "action").is_empty(),
                "{file}"
            );
        }
        assert_eq!(
            report["platforms"],
            serde_json::json!([platform]),
            "{file}: platforms"
        );
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} samples checked");
}

#[test]
fn renderers_match_golden_files() {
    for (file, exp) in expectations() {
        if !REQUIRED_PLATFORMS.contains(&exp["platform"].as_str().unwrap()) {
            continue;
        }
        let path = format!("tests/fixtures/{file}");
        let stem = file.replace('/', "__");
        for (format, ext) in [("text", "txt"), ("markdown", "md"), ("json", "json")] {
            let o = run(&["diagnose", "--format", format, "--now", NOW, &path]);
            golden(&format!("{format}/{stem}.{ext}"), &stdout(&o));
        }
    }
}

#[test]
fn output_is_byte_identical_for_the_same_input_and_now() {
    let args = [
        "diagnose",
        "--format",
        "json",
        "--now",
        NOW,
        "tests/fixtures/android",
    ];
    let a = run(&args);
    let b = run(&args);
    assert_eq!(a.stdout, b.stdout);
    assert!(!a.stdout.is_empty());
}

#[test]
fn seed_article_lines_are_delivered() {
    let (report, code) = json(&["tests/fixtures/seed/android-seed.log"]);
    assert_eq!(report["verdict"], "delivered");
    assert_eq!(code, 0);
    let en = &report["enrollments"][0];
    assert_eq!(en["state"], "access_granted");
    assert_eq!(en["platform"], "android");
}

#[test]
fn text_fits_80_columns() {
    for entry in std::fs::read_dir(root().join("tests/fixtures/android")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "log") {
            let o = run(&["diagnose", "--now", NOW, p.to_str().unwrap()]);
            for line in stdout(&o).lines() {
                assert!(line.chars().count() <= 80, "{}: {line}", p.display());
            }
        }
    }
}

#[test]
fn seed_article_ios_lines_are_delivered() {
    let (report, code) = json(&["tests/fixtures/seed/ios-seed.log"]);
    assert_eq!(report["verdict"], "delivered", "{}", report["findings"]);
    assert_eq!(code, 0);
    assert_eq!(report["platforms"], serde_json::json!(["ios"]));
    assert_eq!(report["enrollments"][0]["state"], "installed");
}

#[test]
fn a_bundle_mixing_platforms_names_the_failing_one() {
    let (report, code) = json(&[
        "tests/fixtures/android/omadm-success.log",
        "tests/fixtures/windows/event307-404.csv",
    ]);
    assert_eq!(code, 1);
    assert_eq!(report["verdict"], "failed");
    assert_eq!(
        report["platforms"],
        serde_json::json!(["android", "windows"])
    );
    let summary = report["summary"].as_str().unwrap();
    assert!(summary.contains("Windows"), "{summary}");
    let states: Vec<&str> = report["enrollments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["state"].as_str().unwrap())
        .collect();
    assert!(
        states.contains(&"access_granted") && states.contains(&"server_unreachable"),
        "{states:?}"
    );
}
