//! Every SCEP message of the iOS catalog, as a unified-log record (process, subsystem,
//! time, message: tests/fixtures/unified-log/records/scep-records.json, made by its
//! generate.py from the text fixtures), gives the same verdict, findings and enrolment
//! states as the text it came from.
#![cfg(feature = "unified-log")]

use certdoctor_core::parsers::unified_log::{Level, Record};
use certdoctor_core::{Format, Lang, Options, Session};

fn options() -> Options {
    Options {
        now: time::OffsetDateTime::from_unix_timestamp(1_780_000_000).unwrap(),
        redact: false,
        lang: Lang::En,
    }
}

fn level(name: &str) -> Level {
    match name {
        "Debug" => Level::Debug,
        "Info" => Level::Info,
        "Error" => Level::Error,
        "Fault" => Level::Fault,
        _ => Level::Default,
    }
}

fn nanos(rfc3339: &str) -> i64 {
    let t = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .unwrap();
    t.unix_timestamp_nanos() as i64
}

/// What must agree: verdict, finding IDs with severity and step, enrolment states.
fn outcome(report: &certdoctor_core::Report) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(&report.render(Format::Json)).unwrap();
    let findings: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].clone(),
                f["severity"].clone(),
                f["step"].clone(),
                f["resolved"].clone(),
            )
        })
        .collect();
    let states: Vec<_> = v["enrollments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["profile"].clone(), e["state"].clone()))
        .collect();
    serde_json::json!({"verdict": v["verdict"], "findings": findings, "states": states})
}

#[test]
fn records_give_the_findings_of_their_text() {
    let root = format!("{}/..", env!("CARGO_MANIFEST_DIR"));
    let fixtures: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{root}/tests/fixtures/unified-log/records/scep-records.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let fixtures = fixtures.as_array().unwrap();
    assert_eq!(fixtures.len(), 15);
    let mut verdicts = std::collections::BTreeSet::new();
    for f in fixtures {
        let text_path = f["text"].as_str().unwrap();
        let records: Vec<Record> = f["records"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, r)| Record {
                time_ns: nanos(r["time"].as_str().unwrap()),
                time_from_header: false,
                process: Some(r["process"].as_str().unwrap().to_string()),
                pid: 412,
                thread_id: 0x2b41c + i as u64,
                subsystem: r["subsystem"].as_str().unwrap().to_string(),
                category: r["category"].as_str().unwrap().to_string(),
                level: level(r["level"].as_str().unwrap()),
                message: r["message"].as_str().unwrap().to_string(),
                library: None,
                partial: None,
                arguments: Vec::new(),
                member: "Persist/0000000000000001.tracev3".to_string(),
            })
            .collect();
        assert!(!records.is_empty(), "{text_path}");
        let mut s = Session::new(options());
        s.add_bytes(
            text_path,
            &std::fs::read(format!("{root}/{text_path}")).unwrap(),
        );
        let from_text = outcome(&s.finish());
        let mut s = Session::new(options());
        s.add_unified_log_records("system_logs.logarchive", &records);
        let from_records = outcome(&s.finish());
        assert_eq!(from_records, from_text, "{text_path}");
        verdicts.insert(from_text["verdict"].to_string());
    }
    // The fixtures cover delivered, failed and pending outcomes.
    assert!(verdicts.len() >= 3, "{verdicts:?}");
}
