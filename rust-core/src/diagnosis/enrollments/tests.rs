//! Grouping device events into enrollments and attempts, and the rules on them.

use super::*;
use crate::diagnosis::Severity;
use crate::evidence::{FailInfo, SourceRef};
use crate::evidence::{PkiStatus, ScepOperation};

fn ev(line: u64, pid: u32, kind: EventKind) -> LogEvent {
    LogEvent {
        platform: Platform::Android,
        source: SourceRef::line("a.log".into(), line),
        time: None,
        pid: Some(pid),
        kind,
        text: format!("line {line}"),
    }
}

fn profile() -> ProfileId {
    ProfileId::parse("ModelName=AC_1%2FLogicalName_2;Hash=3").unwrap()
}

fn run(events: Vec<LogEvent>) -> Vec<Enrollment> {
    let mut en = group(&events);
    diagnose(&mut en, &events);
    en
}

fn ids(e: &Enrollment) -> Vec<(&'static str, Severity, bool)> {
    e.findings
        .iter()
        .map(|f| (f.id.as_str(), f.severity, f.resolved))
        .collect()
}

#[test]
fn http_500_then_success_is_resolved() {
    let op = ScepOperation::GetCaCert;
    let events = vec![
        ev(1, 7, EventKind::EnrollmentAttempt { profile: profile() }),
        ev(
            2,
            7,
            EventKind::ScepRequest {
                operation: op.clone(),
                url: None,
            },
        ),
        ev(
            3,
            7,
            EventKind::ScepHttpResponse {
                operation: op.clone(),
                status: 500,
                reason: "Internal".into(),
                url: None,
            },
        ),
        ev(4, 7, EventKind::EnrollmentAttempt { profile: profile() }),
        ev(
            5,
            7,
            EventKind::ScepHttpResponse {
                operation: op,
                status: 200,
                reason: "OK".into(),
                url: None,
            },
        ),
        ev(
            6,
            7,
            EventKind::CertRep {
                status: PkiStatus::Success,
                fail_info: None,
                transaction_id: Some("T".into()),
            },
        ),
        ev(
            7,
            9,
            EventKind::ScepInstallState {
                profile: profile(),
                from: "CERT_ENROLLED".into(),
                to: "CERT_ACCESS_GRANTED".into(),
            },
        ),
    ];
    let en = run(events);
    assert_eq!(en.len(), 1);
    assert_eq!(
        ids(&en[0]),
        vec![("SCEP_SERVER_UNREACHABLE", Severity::Info, true)]
    );
    assert!(en[0].delivered());
    assert_eq!(en[0].state, "access_granted");
    assert_eq!(en[0].transaction_id.as_deref(), Some("T"));
}

#[test]
fn rejection_names_fail_info_and_generic_error_only_supports_it() {
    let events = vec![
        ev(1, 7, EventKind::EnrollmentAttempt { profile: profile() }),
        ev(
            2,
            7,
            EventKind::CertRep {
                status: PkiStatus::Failure,
                fail_info: Some(FailInfo::BadRequest),
                transaction_id: None,
            },
        ),
        ev(
            3,
            7,
            EventKind::EnrollmentFailed {
                profile: Some(profile()),
                detail: "x".into(),
            },
        ),
    ];
    let en = run(events);
    assert_eq!(
        ids(&en[0]),
        vec![("SCEP_REQUEST_REJECTED", Severity::Error, false)]
    );
    assert_eq!(en[0].findings[0].get_arg("fail_info"), Some("badRequest"));
    assert_eq!(en[0].findings[0].evidence.len(), 2);
    assert_eq!(en[0].state, "rejected");
}

#[test]
fn unanswered_request_before_next_attempt_is_unreachable() {
    let events = vec![
        ev(1, 7, EventKind::EnrollmentAttempt { profile: profile() }),
        ev(
            2,
            7,
            EventKind::ScepRequest {
                operation: ScepOperation::GetCaCert,
                url: None,
            },
        ),
        ev(3, 7, EventKind::EnrollmentAttempt { profile: profile() }),
        ev(
            4,
            7,
            EventKind::ScepRequest {
                operation: ScepOperation::GetCaCert,
                url: None,
            },
        ),
    ];
    let en = run(events);
    assert_eq!(
        ids(&en[0]),
        vec![("SCEP_SERVER_UNREACHABLE", Severity::Error, false)]
    );
}

#[test]
fn last_state_decides_who_acts() {
    let p = profile();
    let st = |l, from: &str, to: &str| {
        ev(
            l,
            7,
            EventKind::ScepInstallState {
                profile: p.clone(),
                from: from.into(),
                to: to.into(),
            },
        )
    };
    let en = run(vec![st(1, "CERT_ENROLLED", "CERT_INSTALL_REQUESTED")]);
    assert_eq!(
        ids(&en[0]),
        vec![("SCEP_INSTALL_WAITING_FOR_USER", Severity::Action, false)]
    );
    assert!(!en[0].opened);
    let en = run(vec![st(1, "CERT_INSTALLING", "CERT_ACCESS_REQUESTED")]);
    assert_eq!(
        ids(&en[0]),
        vec![("SCEP_ACCESS_NOT_GRANTED", Severity::Action, false)]
    );
    let en = run(vec![st(1, "CERT_INSTALLING", "CERT_INSTALL_FAILED")]);
    assert_eq!(
        ids(&en[0]),
        vec![("SCEP_INSTALL_FAILED", Severity::Error, false)]
    );
    let en = run(vec![
        st(1, "CERT_INSTALLING", "CERT_INSTALL_FAILED"),
        st(2, "CERT_INSTALLING", "CERT_INSTALL_SUCCESS"),
    ]);
    assert_eq!(
        ids(&en[0]),
        vec![("SCEP_INSTALL_FAILED", Severity::Info, true)]
    );
}

#[test]
fn pending_twice_stays_pending_and_success_resolves_it() {
    let pend = |l| {
        ev(
            l,
            7,
            EventKind::CertRep {
                status: PkiStatus::Pending,
                fail_info: None,
                transaction_id: None,
            },
        )
    };
    let en = run(vec![
        ev(1, 7, EventKind::EnrollmentAttempt { profile: profile() }),
        pend(2),
        ev(3, 7, EventKind::EnrollmentAttempt { profile: profile() }),
        pend(4),
    ]);
    assert_eq!(
        ids(&en[0]),
        vec![("SCEP_REQUEST_PENDING", Severity::Action, false)]
    );
    assert_eq!(en[0].findings[0].evidence.len(), 2);
    let en = run(vec![
        ev(1, 7, EventKind::EnrollmentAttempt { profile: profile() }),
        pend(2),
        ev(3, 7, EventKind::EnrollmentAttempt { profile: profile() }),
        ev(
            4,
            7,
            EventKind::CertRep {
                status: PkiStatus::Success,
                fail_info: None,
                transaction_id: None,
            },
        ),
    ]);
    assert_eq!(
        ids(&en[0]),
        vec![("SCEP_REQUEST_PENDING", Severity::Info, true)]
    );
}

#[test]
fn jscep_lines_follow_their_process() {
    let other = ProfileId::parse("ModelName=AC_9%2FLogicalName_8;Hash=7").unwrap();
    let en = run(vec![
        ev(1, 7, EventKind::EnrollmentAttempt { profile: profile() }),
        ev(2, 8, EventKind::EnrollmentAttempt { profile: other }),
        ev(
            3,
            7,
            EventKind::CertRep {
                status: PkiStatus::Pending,
                fail_info: None,
                transaction_id: None,
            },
        ),
    ]);
    assert_eq!(en.len(), 2);
    assert_eq!(en[0].findings.len(), 1);
    assert!(en[1].findings.is_empty());
}
