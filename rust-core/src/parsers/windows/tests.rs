//! Fixture and edge-case tests of the Windows parser.

use std::sync::Arc;

use super::*;
use crate::evidence::{FailInfo, PkiStatus, ScepOperation};

fn run_parser(text: &str) -> (LogOutput, u64) {
    let mut p = WindowsParser::new(Arc::from("test"));
    for (i, l) in text.split('\n').enumerate() {
        p.line(i as u64 + 1, l.strip_suffix('\r').unwrap_or(l));
    }
    let out = crate::parsers::finish_events(&mut p);
    (out, p.truncated_events())
}

fn run(text: &str) -> LogOutput {
    run_parser(text).0
}

fn kinds(out: &LogOutput) -> Vec<&EventKind> {
    out.events.iter().map(|e| &e.kind).collect()
}

fn hresults(out: &LogOutput) -> Vec<Option<u32>> {
    out.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::InstallError { code, .. } => Some(match code {
                Some(ErrorCode::Hresult(h)) => Some(*h),
                _ => None,
            }),
            _ => None,
        })
        .collect()
}

#[test]
fn event39_xml_delivered() {
    let out = run(include_str!(
        "../../../../tests/fixtures/windows/event39.xml"
    ));
    assert_eq!(out.records, 4);
    assert_eq!(out.platform, Some(Platform::Windows));
    let k = kinds(&out);
    assert!(
        matches!(k[0], EventKind::ProfileReceived { profile: Some(p), root: false } if p.hash == "-1530687742")
    );
    assert!(
        matches!(k[1], EventKind::EnrollmentAttempt { profile } if p_hash(profile) == "-1530687742")
    );
    assert!(matches!(k[2], EventKind::ScepRequestBuilt { .. }));
    assert!(
        matches!(k[3], EventKind::ScepRequest { operation: ScepOperation::PkiOperation, url: Some(u) } if u.ends_with("pkiclient.exe"))
    );
    assert!(matches!(
        k[4],
        EventKind::CertificateInstalled {
            profile: None,
            thumbprint: None
        }
    ));
    match k[5] {
        EventKind::CertificateInstalled {
            profile: Some(p),
            thumbprint: Some(t),
        } => {
            assert_eq!(t, "0C9E41D27A8B35F6E21D4C7B9A0E3F5D6C8B1A24");
            assert_eq!(p.hash, "-1530687742");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(k.len(), 6);
    assert!(hresults(&out).is_empty());
    let t = out.events[0].time.as_ref().unwrap();
    assert_eq!(t.text, "2025-02-03T14:21:07.5512930Z");
    assert!(t.has_date);
    assert_eq!(out.events[0].source.line, Some(3));
}

fn p_hash(p: &crate::evidence::ProfileId) -> &str {
    &p.hash
}

#[test]
fn event307_404_csv() {
    let out = run(include_str!(
        "../../../../tests/fixtures/windows/event307-404.csv"
    ));
    assert_eq!(out.records, 4);
    let k = kinds(&out);
    // File order (newest first): 32, 307, 306 (+ attempt), 814 (no event).
    assert!(matches!(
        k[0],
        EventKind::InstallError {
            code: Some(ErrorCode::Hresult(0x8019_0194)),
            ..
        }
    ));
    match k[1] {
        EventKind::InstallError { code, detail, .. } => {
            assert_eq!(code, &Some(ErrorCode::Hresult(0x8019_0194)));
            assert!(detail.contains("Initialize"));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(k[2], EventKind::ProfileReceived { profile: Some(p), .. } if p.hash == "644129870")
    );
    assert!(matches!(k[3], EventKind::EnrollmentAttempt { .. }));
    assert_eq!(k.len(), 4);
    let t = out.events[0].time.as_ref().unwrap();
    assert_eq!(t.text, "3/14/2025 8:02:17 AM");
    assert!(t.order_key.is_some());
    assert_eq!(out.events[0].source.line, Some(2));
    assert_eq!(out.events[2].source.line, Some(4));
}

#[test]
fn copy_as_text_no_duplicates() {
    let out = run(include_str!(
        "../../../../tests/fixtures/windows/event-copy-as-text.txt"
    ));
    assert_eq!(out.records, 2);
    let k = kinds(&out);
    assert!(
        matches!(k[0], EventKind::ProfileReceived { profile: Some(p), .. } if p.hash == "-2098417755")
    );
    assert!(matches!(k[1], EventKind::EnrollmentAttempt { .. }));
    match k[2] {
        EventKind::InstallError { code, detail, .. } => {
            assert_eq!(code, &Some(ErrorCode::Hresult(0x8009_4800)));
            assert_eq!(
                detail,
                "The requested certificate template is not supported by this CA."
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(k.len(), 3);
    assert_eq!(out.events[0].source.line, Some(1));
    assert_eq!(
        out.events[2].time.as_ref().unwrap().text,
        "11/3/2024 4:27:53 PM"
    );
    assert!(
        out.events[2]
            .text
            .starts_with("SCEP: Certificate enroll failed.")
    );
}

#[test]
fn copy_as_text_without_xml_reverse_maps_the_message() {
    let text = include_str!("../../../../tests/fixtures/windows/event-copy-as-text.txt");
    // Keep only the text part of each block.
    let trimmed: String = text
        .split("\r\n")
        .filter(|l| !(l.starts_with("Event Xml:") || l.starts_with('<') || l.starts_with(' ')))
        .collect::<Vec<_>>()
        .join("\n");
    let out = run(&trimmed);
    assert_eq!(out.records, 2);
    assert_eq!(hresults(&out), vec![Some(0x8009_4800)]);
}

#[test]
fn trimmed_copy_starting_at_event_id() {
    let out = run(
        "Event ID:      39\nTask Category: None\nLevel:         Information\nDescription:\nSCEP: Certificate installed successfully.\nEvent ID:      32\nDescription:\nSCEP: Certificate enroll failed. Result: (The operation timed out).",
    );
    assert_eq!(out.records, 2);
    let k = kinds(&out);
    assert!(matches!(k[0], EventKind::CertificateInstalled { .. }));
    assert_eq!(hresults(&out), vec![Some(0x8007_2EE2)]);
}

#[test]
fn wevtutil_without_root() {
    let out = run(include_str!(
        "../../../../tests/fixtures/windows/wevtutil-no-root-hash-mismatch.xml"
    ));
    assert_eq!(out.records, 4);
    let k = kinds(&out);
    assert!(
        matches!(k[0], EventKind::ProfileReceived { profile: Some(p), .. } if p.hash == "644129870")
    );
    assert!(matches!(k[3], EventKind::ScepRequest { url: Some(_), .. }));
    // 307 was cut inside the hex: the neighbouring 32's HRESULT (decimal in the XML) wins.
    assert_eq!(hresults(&out), vec![Some(0x8009_1007), Some(0x8009_1007)]);
    assert_eq!(
        out.events[0].time.as_ref().unwrap().text,
        "2025-03-14T15:02:15.443901200Z"
    );
    assert_eq!(out.events[0].pid, Some(5120));
    // The 307 event spans lines 3–8 and starts at line 2's end? No: it starts on line 2.
    let e307 = out
        .events
        .iter()
        .find(|e| e.text.contains("Initialize"))
        .unwrap();
    assert_eq!(e307.source.line, Some(2));
}

#[test]
fn powershell_export_csv() {
    let out = run(include_str!(
        "../../../../tests/fixtures/windows/powershell-export-csv-404.csv"
    ));
    assert_eq!(out.records, 3);
    let k = kinds(&out);
    assert_eq!(hresults(&out), vec![Some(0x8019_0194), Some(0x8019_0194)]);
    assert!(matches!(
        k[2],
        EventKind::ProfileReceived {
            profile: Some(_),
            ..
        }
    ));
    assert_eq!(
        out.events[0].time.as_ref().unwrap().text,
        "3/14/2025 8:02:17 AM"
    );
    assert_eq!(out.events[0].pid, Some(5120));
    assert!(out.events[1].text.contains("\nand server certs"));
}

#[test]
fn tab_separated_delivered() {
    let out = run(include_str!(
        "../../../../tests/fixtures/windows/event-viewer-tab-delivered.txt"
    ));
    assert_eq!(out.records, 6);
    let k = kinds(&out);
    assert_eq!(k[0], &EventKind::ResultReported);
    assert!(matches!(
        k[1],
        EventKind::CertificateInstalled {
            thumbprint: Some(_),
            profile: Some(_)
        }
    ));
    assert!(matches!(
        k[2],
        EventKind::CertificateInstalled {
            thumbprint: None,
            ..
        }
    ));
    assert!(hresults(&out).is_empty());
    let t = out.events[0].time.as_ref().unwrap();
    assert_eq!(t.text, "03.11.2024 16:28:10");
    assert!(t.order_key.is_some());
}

#[test]
fn flattened_text_record() {
    let out = run(include_str!(
        "../../../../tests/fixtures/windows/copy-as-text-flattened.txt"
    ));
    assert_eq!(out.records, 1);
    assert_eq!(hresults(&out), vec![Some(0x8009_1007)]);
}

#[test]
fn flattened_text_record_with_inline_xml_is_not_duplicated() {
    let line = "Event ID: 32 Level: Error Description: SCEP: Certificate enroll failed. Result: (Unknown). Event Xml: <Event xmlns='x'><System><EventID>32</EventID></System><EventData><Data Name='HRESULT'>0x80094800</Data></EventData></Event>";
    let out = run(line);
    assert_eq!(out.records, 1);
    assert_eq!(hresults(&out), vec![Some(0x8009_4800)]);
}

#[test]
fn certenroll_86_87() {
    let out = run(include_str!(
        "../../../../tests/fixtures/windows/certenroll-86-87.xml"
    ));
    assert_eq!(out.records, 2);
    let k = kinds(&out);
    assert!(matches!(
        k[0],
        EventKind::InstallError {
            code: Some(ErrorCode::Hresult(0x8007_2EE2)),
            ..
        }
    ));
    assert_eq!(
        k[1],
        &EventKind::CertRep {
            status: PkiStatus::Failure,
            fail_info: Some(FailInfo::BadRequest),
            transaction_id: None
        }
    );
}

#[test]
fn truncated_xml_keeps_complete_events() {
    let (out, truncated) = run_parser(include_str!(
        "../../../../tests/fixtures/windows/truncated-events.xml"
    ));
    assert_eq!(out.records, 2);
    assert_eq!(truncated, 2);
    let k = kinds(&out);
    assert!(matches!(k[0], EventKind::ProfileReceived { .. }));
    assert!(matches!(
        k.last().unwrap(),
        EventKind::CertificateInstalled { .. }
    ));
}

#[test]
fn several_events_on_one_line_and_one_event_over_many_lines() {
    let one_line =
        include_str!("../../../../tests/fixtures/windows/event39.xml").replace(['\r', '\n'], "");
    let out = run(&one_line);
    assert_eq!(out.records, 4);
    let many: String =
        include_str!("../../../../tests/fixtures/windows/event39.xml").replace("><", ">\n<");
    let out2 = run(&many);
    assert_eq!(out2.records, 4);
    assert_eq!(kinds(&out), kinds(&out2));
}

#[test]
fn other_providers_and_ids_are_records_only() {
    let out = run(
        "<Event><System><Provider Name='Microsoft-Windows-Wifi'/><EventID>39</EventID></System></Event>\n<Event><System><Provider Name='Microsoft-Windows-DeviceManagement-Enterprise-Diagnostics-Provider'/><EventID>1506</EventID></System></Event>",
    );
    assert_eq!(out.records, 2);
    assert!(out.events.is_empty());
}

#[test]
fn message_only_lines() {
    let out = run("SCEP: Certificate installed successfully.");
    assert_eq!(out.records, 1);
    assert!(matches!(
        out.events[0].kind,
        EventKind::CertificateInstalled { .. }
    ));
}

#[test]
fn garbage_does_not_panic() {
    for s in [
        "",
        "<Event",
        "<Event></Event></Event><Event>",
        "Log Name:",
        "Event ID: x Description:",
        "Level,Date and Time,Source,Event ID,Task Category\n\"unterminated",
        "#TYPE x",
        "#TYPE x\n\"Id\",\"Message\"\n\"abc\",\"SCEP: CspExecute\"",
        "é<Event é>é</Event>é",
    ] {
        let _ = run_parser(s);
    }
}

proptest::proptest! {
    #[test]
    fn arbitrary_lines_never_panic(lines in proptest::collection::vec(".{0,200}", 0..20)) {
        let mut p = WindowsParser::new(Arc::from("p"));
        for (i, l) in lines.iter().enumerate() {
            p.line(i as u64 + 1, l);
        }
        let _ = p.finish();
    }

    #[test]
    fn arbitrary_xml_ish_never_panics(lines in proptest::collection::vec("(<Event>|</Event>|<Data Name='[a-z]'>|</Data>|<EventID>|</EventID>|[0-9]{1,3}|&#x?[0-9a-f]{0,8};?|é|\n){0,30}", 0..10)) {
        let mut p = WindowsParser::new(Arc::from("p"));
        for (i, l) in lines.iter().enumerate() {
            p.line(i as u64 + 1, l);
        }
        let _ = p.finish();
    }
}

#[test]
fn many_events_on_one_long_line() {
    let one = include_str!("../../../../tests/fixtures/windows/event39.xml")
        .lines()
        .nth(4)
        .unwrap_or("")
        .to_string();
    let line = one.repeat(3000);
    let start = std::time::Instant::now();
    let out = run(&format!("<Events>{line}</Events>"));
    assert_eq!(out.records, 3000);
    assert_eq!(out.events.len(), 3000);
    assert!(start.elapsed().as_secs() < 20);
    // The same event spread over many short lines.
    let many = one.replace('>', ">\n").repeat(300);
    assert_eq!(run(&many).records, 300);
}
