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

/// A tar.gz of the Android success log, built here.
fn tgz_of_sample() -> Vec<u8> {
    use std::io::Write;
    let log = std::fs::read(format!(
        "{}/../../tests/fixtures/android/omadm-success.log",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut header = [0u8; 512];
    header[..10].copy_from_slice(b"OMADM0.log");
    header[100..107].copy_from_slice(b"0000644");
    header[124..135].copy_from_slice(format!("{:011o}", log.len()).as_bytes());
    header[156] = b'0';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[148..156].copy_from_slice(b"        ");
    let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    header[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    let mut tar = header.to_vec();
    tar.extend_from_slice(&log);
    tar.resize(tar.len().next_multiple_of(512) + 1024, 0);
    let mut gz = Vec::new();
    {
        // A stored deflate stream is enough: the reader inflates any gzip.
        let mut e = GzStored::new(&mut gz);
        e.write_all(&tar).unwrap();
    }
    gz
}

/// A minimal gzip writer with stored (uncompressed) deflate blocks, so that the FFI
/// crate's tests need no compression crate.
struct GzStored<'a> {
    out: &'a mut Vec<u8>,
    data: Vec<u8>,
}

impl<'a> GzStored<'a> {
    fn new(out: &'a mut Vec<u8>) -> Self {
        GzStored {
            out,
            data: Vec::new(),
        }
    }
}

impl std::io::Write for GzStored<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.data.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for GzStored<'_> {
    fn drop(&mut self) {
        let out = &mut *self.out;
        out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
        let blocks: Vec<&[u8]> = self.data.chunks(65_535).collect();
        for (i, b) in blocks.iter().enumerate() {
            out.push(u8::from(i + 1 == blocks.len()));
            let len = b.len() as u16;
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&(!len).to_le_bytes());
            out.extend_from_slice(b);
        }
        // CRC-32 (IEEE) and size.
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in &self.data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        out.extend_from_slice(&(!crc).to_le_bytes());
        out.extend_from_slice(&(self.data.len() as u32).to_le_bytes());
    }
}

#[test]
fn an_archive_streams_through_the_push_api() {
    let tgz = tgz_of_sample();
    let s = DiagnosisSession::new(options()).unwrap();
    let sink = s.clone().begin_input("logs.tgz".into()).unwrap();
    // While the input streams, the session takes nothing else.
    assert!(matches!(
        s.finish(),
        Err(CertdoctorError::InvalidState { .. })
    ));
    for chunk in tgz.chunks(777) {
        sink.push(chunk.to_vec()).unwrap();
    }
    sink.finish_input().unwrap();
    let report = s.finish().unwrap();
    assert_eq!(report.inputs.len(), 1);
    assert_eq!(report.inputs[0].path, "logs.tgz!/OMADM0.log");
    assert_eq!(report.verdict, Verdict::Delivered);
}

#[test]
fn a_failed_read_and_a_cancel() {
    let tgz = tgz_of_sample();
    let s = DiagnosisSession::new(options()).unwrap();
    let sink = s.clone().begin_input("cut.tgz".into()).unwrap();
    sink.push(tgz[..tgz.len() / 2].to_vec()).unwrap();
    sink.read_failed("read error: the file went away".into())
        .unwrap();
    sink.finish_input().unwrap();
    let report = s.finish().unwrap();
    let text = format!("{:?}", report.inputs);
    assert!(text.contains("the file went away"), "{text}");

    let s = DiagnosisSession::new(options()).unwrap();
    let sink = s.clone().begin_input("x.tgz".into()).unwrap();
    sink.push(tgz[..1000].to_vec()).unwrap();
    sink.cancel().unwrap();
    assert!(matches!(
        s.finish(),
        Err(CertdoctorError::InvalidState { .. })
    ));
}
