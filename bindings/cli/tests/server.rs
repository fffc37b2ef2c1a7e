//! Server-side evidence end to end (issue 9): every server sample of
//! `tests/fixtures/server/expect.json` through the real binary, golden text/markdown/json
//! under `tests/golden/server/`, the correlated device + IIS + CA case, and bad input.

mod common;

use common::*;

fn expectations() -> serde_json::Map<String, serde_json::Value> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/server/expect.json"))
        .expect("expect.json");
    serde_json::from_str::<serde_json::Value>(&text)
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}

const SERVER_FINDINGS: &[&str] = &[
    "NDES_SERVICE_FAILED",
    "POLICY_MODULE_FAILED",
    "CHALLENGE_REJECTED",
    "CA_SUBMIT_FAILED",
    "CERT_ISSUED_NOT_DELIVERED",
    "SCEP_RESULT_NOT_REPORTED",
    "CERT_CONNECTOR_UNHEALTHY",
];

#[test]
fn server_sample_expectations_hold() {
    let mut checked = 0;
    for (file, exp) in expectations() {
        let path = format!("tests/fixtures/{file}");
        assert!(root().join(&path).exists(), "fixture {path} is missing");
        let (report, code) = json(&[&path]);
        let verdict = exp["verdict"].as_str().unwrap();
        assert_eq!(
            report["verdict"], verdict,
            "{file}: verdict ({})",
            report["summary"]
        );
        assert_eq!(code, 1, "{file}: server evidence is never delivery");
        assert_eq!(report["inputs"][0]["status"], "ok", "{file}: input status");
        let found = ids(&report);
        for id in exp["must"].as_array().unwrap() {
            assert!(
                found.iter().any(|f| f == id.as_str().unwrap()),
                "{file}: {id} missing in {found:?}"
            );
        }
        let active_ids: Vec<String> = ["error", "action", "warning"]
            .iter()
            .flat_map(|s| active(&report, s))
            .collect();
        for id in exp["must_not"].as_array().unwrap() {
            let id = id.as_str().unwrap();
            assert!(
                !active_ids.iter().any(|f| f == id),
                "{file}: {id} must not be reported, got {active_ids:?}"
            );
        }
        let enrollments = report["enrollments"].as_array().unwrap();
        assert!(
            !enrollments.is_empty() || verdict == "failed",
            "{file}: no enrollment"
        );
        for e in enrollments {
            assert_eq!(
                e["platform"], "server",
                "{file}: server-only evidence forms server enrollments"
            );
            assert_eq!(
                e["steps"].as_array().map(|s| s.len()),
                Some(6),
                "{file}: six steps"
            );
            assert_ne!(e["state"], "installed");
        }
        assert!(
            !report["server_components"].as_array().unwrap().is_empty(),
            "{file}: server_components"
        );
        // Every server finding names its step and carries evidence.
        for f in report["findings"].as_array().unwrap() {
            if SERVER_FINDINGS.contains(&f["id"].as_str().unwrap()) {
                assert!(
                    !f["evidence"].as_array().unwrap().is_empty(),
                    "{file}: {} without evidence",
                    f["id"]
                );
                assert!(!f["remedy"].as_str().unwrap().is_empty());
            }
        }
        if verdict == "in_progress" {
            assert!(
                report["next_action"]
                    .as_str()
                    .unwrap()
                    .contains("device's logs"),
                "{file}: asks for device logs"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 8);
}

#[test]
fn server_renderers_match_golden_files() {
    for (file, _) in expectations() {
        let path = format!("tests/fixtures/{file}");
        let stem = file.trim_start_matches("server/").replace('/', "__");
        for (format, ext) in [("text", "txt"), ("markdown", "md"), ("json", "json")] {
            let o = run(&["diagnose", "--format", format, "--now", NOW, &path]);
            golden(&format!("server/{format}/{stem}.{ext}"), &stdout(&o));
        }
    }
}

#[test]
fn correlated_device_ndes_and_ca_evidence_form_one_enrollment() {
    let (report, code) = json(&["tests/fixtures/server/correlated"]);
    assert_eq!(code, 1);
    assert_eq!(report["verdict"], "failed");
    let rej = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "SCEP_REQUEST_REJECTED")
        .expect("the CA's denial");
    assert_eq!(rej["step"], 4);
    assert!(
        rej["detail"].as_str().unwrap().contains("0x80094014"),
        "{}",
        rej["detail"]
    );
    assert!(
        ids(&report).iter().any(|i| i == "SCEP_REQUEST_PENDING"),
        "the device's own finding is kept"
    );
    let summary = report["summary"].as_str().unwrap();
    assert!(
        summary.contains("step 4") && summary.contains("CA"),
        "{summary}"
    );
    let en: Vec<&serde_json::Value> = report["enrollments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["platform"] == "android")
        .collect();
    assert_eq!(en.len(), 1);
    assert_eq!(
        en[0]["ids"]["transaction_id"],
        "7c3e9a1f5b2d4e6a8c0f1e3d5b7a9c2e4f6a8b0d"
    );
    assert_eq!(en[0]["ids"]["ca_request_id"], "4102");
    assert_eq!(en[0]["steps"][3]["status"], "failed");
    assert_eq!(
        en[0]["steps"][3]["seen_on"],
        serde_json::json!(["device", "ndes", "ca"])
    );
    for (format, ext) in [("text", "txt"), ("markdown", "md"), ("json", "json")] {
        let o = run(&[
            "diagnose",
            "--format",
            format,
            "--now",
            NOW,
            "tests/fixtures/server/correlated",
        ]);
        golden(&format!("server/{format}/correlated.{ext}"), &stdout(&o));
    }
}

#[test]
fn bad_server_input_never_panics_and_says_so() {
    let dir = std::env::temp_dir().join(format!("certdoctor-server-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A svclog cut in the middle of its first record.
    let svc =
        std::fs::read(root().join("tests/fixtures/server/crp-challenge-rejected.svclog")).unwrap();
    std::fs::write(dir.join("cut.svclog"), &svc[..svc.len() / 3]).unwrap();
    // A CA export header with garbage rows.
    std::fs::write(
        dir.join("garbage.csv"),
        "Request ID,Requester Name,Request Status Code,Request Common Name\n\"unterminated,\u{1}\u{2},,,\n\0\0\0\n",
    )
    .unwrap();
    // UTF-16 text with the wrong (big-endian) BOM.
    let mut wrong = vec![0xFE, 0xFF];
    for u in "Request ID\tRequest Status Code\r\n1\t0x80094012\r\n".encode_utf16() {
        wrong.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(dir.join("wrong-bom.txt"), wrong).unwrap();
    for name in ["cut.svclog", "garbage.csv", "wrong-bom.txt"] {
        let p = dir.join(name);
        let o = run(&[
            "diagnose",
            "--format",
            "json",
            "--now",
            NOW,
            p.to_str().unwrap(),
        ]);
        let code = o.status.code().unwrap_or(-1);
        assert!(
            code == 1 || code == 2,
            "{name}: exit {code}, stderr {}",
            String::from_utf8_lossy(&o.stderr)
        );
        if code == 1 {
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
            let status = v["inputs"][0]["status"].as_str().unwrap();
            assert!(["ok", "error", "ignored"].contains(&status), "{name}");
        }
        assert!(
            !String::from_utf8_lossy(&o.stderr).contains("panicked"),
            "{name} panicked"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
