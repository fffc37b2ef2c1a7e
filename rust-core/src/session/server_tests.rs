//! Server evidence end to end: the server fixtures through their parsers, the rules
//! (server rules, correlation with device enrollments) and the report, alone and beside
//! device events. These tests sit with the session because they cross every stage.

use crate::contract::InputKind;
use crate::contract::{FindingId, Severity};
use crate::diagnosis::{Facts, diagnose as run_all};
use crate::evidence::{Certificate, EventKind, LogEvent, Platform, ScepOperation};
use crate::parsers::log_parser;
use crate::parsers::server::test_util::sample;
use crate::report::build::{Parts, build};
use crate::report::{Lang, Report};

fn kind_of(name: &str) -> InputKind {
    let name = name.rsplit('/').next().unwrap_or(name);
    match name.rsplit('.').next().unwrap_or("") {
        _ if name.starts_with("iis") => InputKind::IisW3cLog,
        _ if name.starts_with("ndesplugin") => InputKind::NdesPluginLog,
        _ if name.ends_with(".svclog") => InputKind::IntuneConnectorSvclog,
        _ if name.starts_with("connector-events") || name.starts_with("ndes-app-events") => {
            InputKind::WindowsServerEvents
        }
        _ if name.starts_with("ca-") => InputKind::CaRequestList,
        _ if name.starts_with("omadm") => InputKind::AndroidOmadmLog,
        _ if name.starts_with("certutil") => InputKind::CertutilView,
        _ => InputKind::ScepTestClientLog,
    }
}

/// Parses the named fixtures (and extra device events) and builds the report, as the
/// session does, without the certificate and input layers.
fn report_of(names: &[&str], device: Vec<LogEvent>) -> Report {
    let mut events: Vec<LogEvent> = device;
    for n in names {
        let mut p = log_parser(kind_of(n), &format!("server/{n}")).expect("server kind");
        let text = sample(n);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
        for (i, l) in text.split('\n').enumerate() {
            p.line(i as u64 + 1, l.trim_end_matches('\r'));
        }
        events.extend(p.finish().events);
    }
    events.sort_by_key(|e| match e.time.as_ref() {
        Some(t) if t.has_date => (0, t.order_key.unwrap_or(0)),
        _ => (1, 0),
    });
    let now = time::macros::datetime!(2026-06-01 00:00 UTC);
    let facts = Facts {
        events: &events,
        certificates: &[],
        roles: &[],
        chains: &[],
        unparseable: &[],
        now,
    };
    let outcome = run_all(&facts);
    build(Parts {
        outcome: &outcome,
        events: &events,
        certificates: &[],
        roles: &[],
        chains: &[],
        inputs: Vec::new(),
        notices: Vec::new(),
        now,
        lang: Lang::En,
        redact: false,
    })
}

/// Parses inline inputs `(kind, path, text)` plus `device` events into a report.
fn report_inline(
    inputs: &[(InputKind, &str, &str)],
    device: Vec<LogEvent>,
    certificates: &[Certificate],
) -> Report {
    let mut events = device;
    for (kind, path, text) in inputs {
        let mut p = log_parser(*kind, path).expect("server kind");
        for (i, l) in text.split('\n').enumerate() {
            p.line(i as u64 + 1, l);
        }
        events.extend(p.finish().events);
    }
    events.sort_by_key(|e| match e.time.as_ref() {
        Some(t) if t.has_date => (0, t.order_key.unwrap_or(0)),
        _ => (1, 0),
    });
    let now = time::macros::datetime!(2026-06-01 00:00 UTC);
    let roles: Vec<_> = certificates
        .iter()
        .map(|_| crate::evidence::CertRole::Leaf)
        .collect();
    let facts = Facts {
        events: &events,
        certificates,
        roles: &roles,
        chains: &[],
        unparseable: &[],
        now,
    };
    let outcome = run_all(&facts);
    build(Parts {
        outcome: &outcome,
        events: &events,
        certificates,
        roles: &roles,
        chains: &[],
        inputs: Vec::new(),
        notices: Vec::new(),
        now,
        lang: Lang::En,
        redact: false,
    })
}

const IIS_HEAD: &str = "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken";

#[test]
fn healthy_browser_403_and_a_500_resolved_by_a_later_200() {
    let text = format!(
        "{IIS_HEAD}\n\
         2026-01-01 10:00:00 s GET /certsrv/mscep/mscep.dll - 443 - 10.0.0.9 Mozilla/5.0 - 403 0 0 1\n\
         2026-01-01 10:00:01 s GET /certsrv/mscep/mscep.dll operation=GetCACert&message=ca 443 - 10.0.0.7 Dalvik/2.1.0 - 503 0 0 1\n\
         2026-01-01 10:30:01 s GET /certsrv/mscep/mscep.dll operation=GetCACert&message=ca 443 - 10.0.0.7 Dalvik/2.1.0 - 200 0 0 1\n"
    );
    let r = report_inline(&[(InputKind::IisW3cLog, "iis.log", &text)], Vec::new(), &[]);
    let f: Vec<_> = r
        .findings
        .iter()
        .map(|f| (f.id.as_str(), f.resolved))
        .collect();
    assert_eq!(f, vec![("NDES_SERVICE_FAILED", true)]);
    assert_eq!(r.verdict.as_str(), "in_progress");
    assert!(
        r.findings[0].detail.contains("application pool"),
        "{}",
        r.findings[0].detail
    );
}

#[test]
fn pkioperation_500_is_step_4_and_crp_403_16_is_policy_module() {
    let text = format!(
        "{IIS_HEAD}\n\
         2026-01-01 10:00:01 s POST /certsrv/mscep/mscep.dll/pkiclient.exe operation=PKIOperation 443 - 10.0.0.7 Mozilla/4.0+(compatible;+Win32;+NDES+client) - 500 0 0 1\n\
         2026-01-01 10:00:02 s POST /CertificateRegistrationSvc/Certificate/VerifyRequest - 443 - ::1 NDES_Plugin - 403 16 2148204809 1\n"
    );
    let r = report_inline(&[(InputKind::IisW3cLog, "iis.log", &text)], Vec::new(), &[]);
    let ndes = r
        .findings
        .iter()
        .find(|f| f.id == FindingId::NdesServiceFailed)
        .unwrap();
    assert_eq!(ndes.step, 4);
    let pm = r
        .findings
        .iter()
        .find(|f| f.id == FindingId::PolicyModuleFailed)
        .unwrap();
    assert!(pm.detail.contains("does not trust"), "{}", pm.detail);
}

#[test]
fn an_exception_explains_a_refusal_and_connector_health_is_service_wide() {
    let svc = "VerifyRequest Started.\nSigning certificate could not be retrieved.\nVerifyRequest Finished with status False\n";
    let r = report_inline(
        &[(InputKind::IntuneConnectorSvclog, "c.svclog", svc)],
        Vec::new(),
        &[],
    );
    let ids: Vec<_> = r.findings.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, vec!["POLICY_MODULE_FAILED"]);
    let ev = "Log Name:      Microsoft Intune Connector\nSource:        Microsoft Intune Connector\nDate:          1/2/2026 3:04:05 PM\nEvent ID:      10102\nDescription:\nThe connector certificate has expired.\n";
    let r = report_inline(
        &[(InputKind::WindowsServerEvents, "e.txt", ev)],
        Vec::new(),
        &[],
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.id == FindingId::CertConnectorUnhealthy)
        .expect("unhealthy");
    assert_eq!(f.severity, Severity::Warning);
    assert!(r.enrollments.is_empty());
}

#[test]
fn test_client_failure_and_pending_use_the_client_rules() {
    let r = report_inline(
        &[(
            InputKind::ScepTestClientLog,
            "sscep.txt",
            "sscep: sending certificate request\nsscep: pkistatus: FAILURE\nsscep: reason: Transaction not permitted or supported\n",
        )],
        Vec::new(),
        &[],
    );
    assert_eq!(r.verdict.as_str(), "failed");
    assert!(
        r.findings
            .iter()
            .any(|f| f.id == FindingId::ScepRequestRejected)
    );
    let r = report_inline(
        &[(
            InputKind::ScepTestClientLog,
            "s",
            "sscep: pkistatus: PENDING\n",
        )],
        Vec::new(),
        &[],
    );
    assert_eq!(r.verdict.as_str(), "action_required");
}

fn device_waiting(last: &str) -> Vec<LogEvent> {
    use crate::evidence::{LogTime, ProfileId, SourceRef};
    let profile = ProfileId::parse(
        "ModelName=AC_1%2FLogicalName_8d7c6b5a_4e3f_4a2b_9c1d_0e9f8a7b6c5d;Hash=3",
    )
    .unwrap();
    let ev = |line: u64, t: &str, kind: EventKind| LogEvent {
        platform: Platform::Android,
        source: SourceRef::line("omadm.log".into(), line),
        time: crate::parsers::server::log_time(t).map(|lt| LogTime {
            text: t.to_string(),
            ..lt
        }),
        pid: Some(1),
        kind,
        text: format!("line {line}"),
    };
    vec![
        ev(
            1,
            "2026-06-03 14:44:00",
            EventKind::EnrollmentAttempt { profile },
        ),
        ev(
            2,
            "2026-06-03 14:45:00",
            EventKind::ScepRequest {
                operation: ScepOperation::PkiOperation,
                url: None,
            },
        ),
        ev(
            3,
            last,
            EventKind::ScepHttpResponse {
                operation: ScepOperation::PkiOperation,
                status: 200,
                reason: "OK".into(),
                url: None,
            },
        ),
    ]
}

#[test]
fn device_delivery_resolves_server_failures_of_the_same_enrollment() {
    let mut device = device_pending();
    device.push(LogEvent {
        kind: EventKind::CertificateInstalled {
            profile: None,
            thumbprint: None,
        },
        source: crate::evidence::SourceRef::line("correlated/omadm-pending.log".into(), 11),
        ..device[2].clone()
    });
    let r = report_of(
        &[
            "correlated/iis-pkioperation.log",
            "correlated/ca-failed-requests.txt",
        ],
        device,
    );
    let rej = r
        .findings
        .iter()
        .find(|f| f.id == FindingId::ScepRequestRejected)
        .unwrap();
    assert!(rej.resolved);
    assert_eq!(r.verdict.as_str(), "delivered");
}

#[test]
fn issued_not_delivered_needs_an_exact_key_and_a_long_enough_device_log() {
    let ev = sample("connector-events-notify-failed.txt");
    // Linked by the policy ID, the device log runs on 30 minutes: raised.
    let r = report_inline(
        &[(InputKind::WindowsServerEvents, "c.txt", &ev)],
        device_waiting("2026-06-03 15:15:00"),
        &[],
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.id == FindingId::CertIssuedNotDelivered)
        .expect("raised");
    assert!(
        f.enrollment
            .as_deref()
            .is_some_and(|p| p.contains("8d7c6b5a"))
    );
    assert_eq!(
        r.enrollments.len(),
        1,
        "server evidence joined the device enrollment"
    );
    assert_eq!(
        r.enrollments[0].ids.policy_id.as_deref(),
        Some("8d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d")
    );
    // The device log stops 2 minutes after issuance: no finding.
    let r = report_inline(
        &[(InputKind::WindowsServerEvents, "c.txt", &ev)],
        device_waiting("2026-06-03 14:47:00"),
        &[],
    );
    assert!(
        !r.findings
            .iter()
            .any(|f| f.id == FindingId::CertIssuedNotDelivered)
    );
    // No key in common (another policy): never on a guess.
    let other = ev.replace(
        "8d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d",
        "11111111-2222-3333-4444-555555555555",
    );
    let r = report_inline(
        &[(InputKind::WindowsServerEvents, "c.txt", &other)],
        device_waiting("2026-06-03 15:15:00"),
        &[],
    );
    assert!(
        !r.findings
            .iter()
            .any(|f| f.id == FindingId::CertIssuedNotDelivered)
    );
    assert_eq!(r.enrollments.len(), 2);
}

fn active(r: &Report) -> Vec<&'static str> {
    r.findings
        .iter()
        .filter(|f| !f.resolved && f.severity != Severity::Info)
        .map(|f| f.id.as_str())
        .collect()
}

#[test]
fn every_server_sample_meets_its_expectation() {
    let text = std::fs::read_to_string(format!(
        "{}/../tests/fixtures/server/expect.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("expect.json");
    let exp: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    for (file, e) in exp.as_object().unwrap() {
        let name = file.strip_prefix("server/").unwrap();
        let r = report_of(&[name], Vec::new());
        assert_eq!(
            r.verdict.as_str(),
            e["verdict"].as_str().unwrap(),
            "{file}: {:?} / {}",
            active(&r),
            r.summary
        );
        let all: Vec<&str> = r.findings.iter().map(|f| f.id.as_str()).collect();
        for m in e["must"].as_array().unwrap() {
            assert!(
                all.contains(&m.as_str().unwrap()),
                "{file}: {m} missing in {all:?}"
            );
        }
        for m in e["must_not"].as_array().unwrap() {
            assert!(
                !active(&r).contains(&m.as_str().unwrap()),
                "{file}: {m} must not be reported"
            );
        }
        assert!(
            r.enrollments.iter().all(|en| en.state != "installed"),
            "{file}"
        );
        assert!(!r.server_components.is_empty(), "{file}");
        checked += 1;
    }
    assert_eq!(checked, 8);
}

#[test]
fn server_only_in_progress_asks_for_device_logs() {
    let r = report_of(&["iis-w3c-android-success.log"], Vec::new());
    assert!(
        r.summary.contains("server logs cannot show"),
        "{}",
        r.summary
    );
    assert!(r.next_action.contains("device's logs"), "{}", r.next_action);
    assert!(r.enrollments.iter().all(|e| e.platform == Platform::Server));
    let en = &r.enrollments[0];
    assert_eq!(en.steps[1].seen_on, vec!["ndes"]);
    assert_eq!(en.steps[1].status, "ok");
    assert_eq!(en.steps[4].status, "not_seen");
}

#[test]
fn ca_denials_followed_by_issued_rows_are_resolved() {
    let r = report_of(
        &["ca-failed-requests-export.txt", "certutil-view-issued.txt"],
        Vec::new(),
    );
    let rej: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.id == FindingId::ScepRequestRejected)
        .collect();
    assert!(!rej.is_empty());
    assert!(
        rej.iter().all(|f| f.resolved),
        "{:?}",
        rej.iter()
            .map(|f| (&f.detail, f.resolved))
            .collect::<Vec<_>>()
    );
    assert_eq!(r.verdict.as_str(), "in_progress");
}

/// The device half of `correlated/omadm-pending.log` as typed events (the Android
/// parser is another module's; the CLI test reads the file itself).
fn device_pending() -> Vec<LogEvent> {
    use crate::evidence::{LogTime, PkiStatus, ProfileId, SourceRef};
    let tx = "7c3e9a1f5b2d4e6a8c0f1e3d5b7a9c2e4f6a8b0d".to_string();
    let profile = ProfileId::parse(
        "ModelName=AC_5e8d2c1a-7b4f-4a9e-b3d6-1f0e9c8b7a65%2FLogicalName_a4b3c2d1_e5f6_4789_9a0b_1c2d3e4f5a6b;Hash=1420985731",
    )
    .unwrap();
    let ev = |line: u64, t: &str, kind: EventKind| LogEvent {
        platform: Platform::Android,
        source: SourceRef::line("correlated/omadm-pending.log".into(), line),
        time: crate::parsers::server::log_time(t).map(|lt| LogTime {
            text: t.replace(' ', "T"),
            ..lt
        }),
        pid: Some(21544),
        kind,
        text: format!("line {line}"),
    };
    vec![
        ev(
            2,
            "2026-06-10 09:05:32.119",
            EventKind::EnrollmentAttempt { profile },
        ),
        ev(
            7,
            "2026-06-10 09:05:35.902",
            EventKind::ScepRequestBuilt {
                transaction_id: Some(tx.clone()),
                poll: false,
            },
        ),
        ev(
            10,
            "2026-06-10 09:05:38.527",
            EventKind::CertRep {
                status: PkiStatus::Pending,
                fail_info: None,
                transaction_id: Some(tx),
            },
        ),
    ]
}

#[test]
fn correlated_pending_on_device_denied_on_ca() {
    let r = report_of(
        &[
            "correlated/iis-pkioperation.log",
            "correlated/ca-failed-requests.txt",
        ],
        device_pending(),
    );
    assert_eq!(r.verdict.as_str(), "failed");
    assert!(
        r.summary.contains("step 4") && r.summary.contains("on the CA"),
        "{}",
        r.summary
    );
    let rej = r
        .findings
        .iter()
        .find(|f| f.id == FindingId::ScepRequestRejected)
        .expect("denial");
    assert_eq!(rej.step, 4);
    assert!(
        rej.detail.contains("0x80094014") && rej.detail.contains("CERTSRV_E_ADMIN_DENIED_REQUEST"),
        "{}",
        rej.detail
    );
    assert!(
        rej.enrollment
            .as_deref()
            .is_some_and(|p| p.contains("LogicalName_a4b3c2d1"))
    );
    assert!(
        r.findings
            .iter()
            .any(|f| f.id == FindingId::ScepRequestPending),
        "the device's finding is kept"
    );
    assert_eq!(
        r.enrollments.len(),
        1,
        "{:?}",
        r.enrollments.iter().map(|e| &e.state).collect::<Vec<_>>()
    );
    let en = &r.enrollments[0];
    assert_eq!(
        en.ids.transaction_id.as_deref(),
        Some("7c3e9a1f5b2d4e6a8c0f1e3d5b7a9c2e4f6a8b0d")
    );
    assert_eq!(en.ids.ca_request_id.as_deref(), Some("4102"));
    assert_eq!(en.steps[3].status, "failed");
    assert_eq!(en.steps[3].seen_on, vec!["device", "ndes", "ca"]);
    assert_eq!(en.steps[2].status, "ok");
}

#[test]
fn connector_and_ca_share_the_thumbprint() {
    let r = report_of(
        &[
            "connector-events-notify-failed.txt",
            "certutil-view-issued.txt",
        ],
        Vec::new(),
    );
    let linked = r
        .enrollments
        .iter()
        .find(|e| e.ids.sha1.as_deref() == Some("9B2E71C405AD38F611E0C74A925DBB06E37F28D1"))
        .unwrap();
    assert_eq!(linked.ids.ca_request_id.as_deref(), Some("3393"));
    assert_eq!(
        linked.ids.policy_id.as_deref(),
        Some("8d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d")
    );
    assert!(
        linked.steps[3].seen_on.contains(&"ca".to_string())
            && linked.steps[3].seen_on.contains(&"connector".to_string())
    );
    let nr = r
        .findings
        .iter()
        .find(|f| f.id == FindingId::ScepResultNotReported)
        .unwrap();
    assert!(!nr.resolved);
    assert!(nr.detail.contains("may be installed"), "{}", nr.detail);
}
