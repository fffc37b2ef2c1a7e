//! Rust-side tests of the FFI layer: conversions, option checks and panic containment.
//! The Kotlin tests (tests/kotlin/run.sh) exercise the same exports through the bindings.

use super::*;

fn options() -> DiagnoseOptions {
    DiagnoseOptions {
        now_unix_seconds: Some(1_780_272_000),
        now_rfc3339: None,
        redact: true,
        lang: "en".into(),
    }
}

#[test]
fn a_panic_in_an_export_body_becomes_an_internal_error() {
    let r: Result<(), _> = guard(|| panic!("parser exploded at line {}", 7));
    assert_eq!(
        r,
        Err(CertdoctorError::Internal {
            panic_message: "parser exploded at line 7".into()
        })
    );
    let r: Result<(), _> = guard(|| std::panic::panic_any(42u8));
    assert!(matches!(r, Err(CertdoctorError::Internal { .. })));
}

#[test]
fn a_session_poisoned_by_a_panic_reports_invalid_state() {
    let s = DiagnosisSession::new(options()).unwrap();
    let r: Result<(), _> = guard(|| s.with_session(|_| panic!("boom")));
    assert!(matches!(r, Err(CertdoctorError::Internal { .. })));
    assert!(matches!(
        s.finish(),
        Err(CertdoctorError::InvalidState { .. })
    ));
}

#[test]
fn now_is_given_at_most_once_and_must_parse() {
    let mut o = options();
    o.now_rfc3339 = Some("2026-06-01T00:00:00Z".into());
    let e = core_options(&o).unwrap_err();
    assert!(e.to_string().contains("not both"), "{e}");
    o.now_unix_seconds = None;
    assert_eq!(
        core_options(&o).unwrap().now.unix_timestamp(),
        1_780_272_000
    );
    o.now_rfc3339 = Some("yesterday".into());
    assert!(matches!(
        core_options(&o),
        Err(CertdoctorError::InvalidOption { .. })
    ));
    o.now_rfc3339 = None;
    o.now_unix_seconds = Some(i64::MAX);
    assert!(matches!(
        core_options(&o),
        Err(CertdoctorError::InvalidOption { .. })
    ));
}

#[test]
fn unknown_language_is_an_error_naming_the_available_ones() {
    let mut o = options();
    o.lang = "tlh".into();
    let e = core_options(&o).unwrap_err();
    assert!(matches!(e, CertdoctorError::UnsupportedLang { .. }));
    assert!(e.to_string().contains("en"), "{e}");
}

fn sample_report() -> Report {
    Report {
        schema_version: 1,
        tool: Tool {
            name: "certdoctor".into(),
            version: version(),
        },
        generated_at: "2026-06-01T00:00:00Z".into(),
        verdict: Verdict::Failed,
        summary: "s".into(),
        next_action: "n".into(),
        lang: "en".into(),
        platforms: vec![Platform::Android],
        server_components: vec![],
        redaction: RedactionInfo {
            applied: true,
            kinds: vec!["host".into()],
        },
        inputs: vec![InputEntry {
            path: "OMADM.log".into(),
            kind: InputKind::AndroidOmadmLog,
            status: InputStatus::Ok,
            records: 3,
            error: None,
        }],
        certificates: vec![],
        chains: vec![],
        enrollments: vec![],
        timeline: vec![],
        findings: vec![FindingEntry {
            id: "SCEP_SERVER_UNREACHABLE".into(),
            severity: Severity::Error,
            step: 2,
            title: "t".into(),
            detail: "d".into(),
            remedy: "r".into(),
            certificate: None,
            resolved: false,
            evidence: vec![EvidenceEntry {
                source: "OMADM.log:3".into(),
                text: "HTTP 500".into(),
            }],
            enrollment: None,
        }],
        notices: vec![],
        probe: None,
    }
}

#[test]
fn a_report_survives_the_round_trip_through_the_core_types() {
    let r = sample_report();
    let core_report = certdoctor_core::Report::try_from(r.clone()).unwrap();
    assert_eq!(Report::from(core_report), r);
}

#[test]
fn render_rejects_unknown_finding_ids_and_unavailable_formats() {
    let mut r = sample_report();
    r.findings[0].id = "NOT_A_FINDING".into();
    assert!(matches!(
        render(r, ReportFormat::Json, "en".into()),
        Err(CertdoctorError::InvalidReport { .. })
    ));
    for f in ReportFormat::ALL {
        let out = render(sample_report(), f, "en".into());
        if supported_formats().contains(&f) {
            assert!(out.is_ok(), "{f:?}: {out:?}");
        } else {
            assert!(
                matches!(out, Err(CertdoctorError::UnsupportedFormat { .. })),
                "{f:?}: {out:?}"
            );
        }
    }
    assert!(render(sample_report(), ReportFormat::Json, "xx".into()).is_err());
}

#[test]
fn a_finished_session_and_input_refuse_more_work() {
    let s = DiagnosisSession::new(options()).unwrap();
    let sink = s.clone().begin_input("a.log".into()).unwrap();
    // Whatever the first calls give, the input and the session are used up by them.
    let _ = sink.finish_input();
    assert!(matches!(
        sink.push(b"x".to_vec()),
        Err(CertdoctorError::InvalidState { .. })
    ));
    assert!(matches!(
        sink.finish_input(),
        Err(CertdoctorError::InvalidState { .. })
    ));
    let _ = s.finish();
    assert!(matches!(
        s.finish(),
        Err(CertdoctorError::InvalidState { .. })
    ));
    assert!(matches!(
        s.add_file(InputFile {
            name: "b".into(),
            bytes: vec![]
        }),
        Err(CertdoctorError::InvalidState { .. })
    ));
}
