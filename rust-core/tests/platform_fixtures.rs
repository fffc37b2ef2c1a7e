//! Every iOS and Windows fixture through its parser, and the error codes it yields through
//! `evidence::codes`: the failing samples name the finding `expect.json` requires, the
//! delivered ones carry no error code and show delivery evidence.

use std::sync::Arc;

use certdoctor_core::diagnosis::FindingId;
use certdoctor_core::evidence::codes::{apple_error, hresult};
use certdoctor_core::evidence::{ErrorCode, EventKind, PkiStatus};
use certdoctor_core::parsers::ios::IosParser;
use certdoctor_core::parsers::windows::WindowsParser;
use certdoctor_core::parsers::{LogOutput, LogParser};

fn fixture(rel: &str) -> String {
    let path = format!("{}/../tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn feed(p: &mut dyn LogParser, text: &str) -> LogOutput {
    for (i, l) in text.split('\n').enumerate() {
        p.line(i as u64 + 1, l.strip_suffix('\r').unwrap_or(l));
    }
    p.finish()
}

fn parse(rel: &str) -> LogOutput {
    let text = fixture(rel);
    if rel.starts_with("ios/") {
        feed(&mut IosParser::new(Arc::from(rel)), &text)
    } else {
        feed(&mut WindowsParser::new(Arc::from(rel)), &text)
    }
}

/// Findings named by the events' error codes and CertReps.
fn findings(out: &LogOutput) -> Vec<FindingId> {
    let mut f = Vec::new();
    for e in &out.events {
        match &e.kind {
            EventKind::InstallError {
                code: Some(ErrorCode::Apple { chain }),
                ..
            } => f.push(apple_error(chain).finding),
            EventKind::InstallError {
                code: Some(ErrorCode::Hresult(h)),
                ..
            } => f.push(hresult(*h).finding),
            EventKind::CertRep {
                status: PkiStatus::Failure,
                ..
            } => f.push(FindingId::ScepRequestRejected),
            EventKind::CertRep {
                status: PkiStatus::Pending,
                ..
            } => f.push(FindingId::ScepRequestPending),
            EventKind::ScepTransportError { .. } | EventKind::ScepHttpResponse { .. } => {
                f.push(FindingId::ScepServerUnreachable)
            }
            _ => {}
        }
    }
    f
}

fn delivered(out: &LogOutput) -> bool {
    out.events
        .iter()
        .any(|e| matches!(e.kind, EventKind::CertificateInstalled { .. }))
}

#[test]
fn failing_fixtures_name_the_expected_finding() {
    use FindingId::*;
    let cases: &[(&str, FindingId, &[FindingId])] = &[
        (
            "ios/nserror-22013.txt",
            ScepServerInvalidResponse,
            &[ScepServerUnreachable, ScepRequestPending],
        ),
        (
            "ios/nserror-flattened-22013.txt",
            ScepServerInvalidResponse,
            &[ScepServerUnreachable],
        ),
        (
            "ios/logshow-network-timeout-22005.log",
            ScepServerUnreachable,
            &[ScepServerInvalidResponse, ScepRequestPending],
        ),
        (
            "ios/logshow-compact-22003.log",
            ScepCaThumbprintMismatch,
            &[ScepServerUnreachable, ScepInstallFailed],
        ),
        (
            "windows/event307-404.csv",
            ScepServerUnreachable,
            &[ScepRequestRejected, ScepRequestPending],
        ),
        (
            "windows/event-copy-as-text.txt",
            ScepRequestRejected,
            &[ScepServerUnreachable, ScepRequestPending],
        ),
        (
            "windows/wevtutil-no-root-hash-mismatch.xml",
            ScepCaThumbprintMismatch,
            &[ScepInstallFailed],
        ),
        (
            "windows/powershell-export-csv-404.csv",
            ScepServerUnreachable,
            &[ScepRequestRejected],
        ),
        (
            "windows/copy-as-text-flattened.txt",
            ScepCaThumbprintMismatch,
            &[ScepInstallFailed],
        ),
        (
            "windows/certenroll-86-87.xml",
            ScepRequestRejected,
            &[ScepInstallFailed],
        ),
    ];
    for (rel, must, must_not) in cases {
        let out = parse(rel);
        let f = findings(&out);
        assert!(f.contains(must), "{rel}: {f:?}");
        for m in *must_not {
            assert!(!f.contains(m), "{rel}: {m:?} in {f:?}");
        }
        assert!(!delivered(&out), "{rel}");
    }
}

#[test]
fn delivered_fixtures_have_no_failure() {
    for rel in [
        "ios/console-scep-installed.log",
        "ios/legacy-syslog.log",
        "ios/web-copy-glued.txt",
        "windows/event39.xml",
        "windows/event-viewer-tab-delivered.txt",
    ] {
        let out = parse(rel);
        assert!(delivered(&out), "{rel}");
        assert!(findings(&out).is_empty(), "{rel}: {:?}", findings(&out));
    }
}
