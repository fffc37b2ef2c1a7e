//! The Android samples, the seed article's lines and the fixture variants.

use super::*;

/// The Android lines of the seed article (Microsoft's SCEP troubleshooting docs).
const SEED: &str = "\
2018-02-27T04:50:52.1890000    INFO    Event     com.microsoft.omadm.platforms.android.certmgr.state.NativeRootCertInstallStateMachine     9595        9    Root cert '17…' state changed from CERT_INSTALL_REQUESTED to CERT_INSTALL_REQUESTED
2018-02-27T04:53:31.1300000    INFO    Event     com.microsoft.omadm.platforms.android.certmgr.state.NativeRootCertInstallStateMachine     9595        0    Root cert '17…' state changed from CERT_INSTALL_REQUESTED to CERT_INSTALLING
2018-02-27T04:53:32.0390000    INFO    Event     com.microsoft.omadm.platforms.android.certmgr.state.NativeRootCertInstallStateMachine     9595       14    Root cert '17…' state changed from CERT_INSTALLING to CERT_INSTALL_SUCCESS
2018-02-27T05:16:08.2500000    VERB    Event     com.microsoft.omadm.platforms.android.certmgr.CertificateEnrollmentManager    18327       10    There are 1 requests
2018-02-27T05:16:08.2500000    VERB    Event     com.microsoft.omadm.platforms.android.certmgr.CertificateEnrollmentManager    18327       10    Trying to enroll certificate request: ModelName=AC_51…%2FLogicalName_39907…;Hash=1677525787
2018-02-27T05:16:20.6150000    VERB    Event     org.jscep.transport.UrlConnectionGetTransport    18327       10    Sending GetCACert(ca) to https://<server>-contoso.msappproxy.net/certsrv/mscep/mscep.dll?operation=GetCACert&message=ca
2018-02-27T05:16:20.6530000    VERB    Event     org.jscep.transport.UrlConnectionGetTransport    18327       10    Received '200 OK' when sending GetCACert(ca) to https://<server>-contoso.msappproxy.net/certsrv/mscep/mscep.dll?operation=GetCACert&message=ca
2018-02-27T05:16:21.7460000    VERB    Event     org.jscep.transport.UrlConnectionGetTransport    18327       10    Sending GetCACaps(ca) to https://<server>-contoso.msappproxy.net/certsrv/mscep/mscep.dll?operation=GetCACaps&message=ca
2018-02-27T05:16:21.7890000    VERB    Event     org.jscep.transport.UrlConnectionGetTransport    18327       10    Received '200 OK' when sending GetCACaps(ca) to https://<server>-contoso.msappproxy.net/certsrv/mscep/mscep.dll?operation=GetCACaps&message=ca
2018-02-27T05:16:28.0340000    VERB    Event     org.jscep.transaction.EnrollmentTransaction    18327       10    Response: org.jscep.message.CertRep@3150777b[failInfo=<null>,pkiStatus=SUCCESS,recipientNonce=Nonce [GUID],messageData=org.spongycastle.cms.CMSSignedData@27cc8998,messageType=CERT_REP,senderNonce=Nonce [GUID],transId=TRANSID]
2018-02-27T05:16:28.2440000    INFO    Event     com.microsoft.omadm.platforms.android.certmgr.state.NativeScepCertInstallStateMachine    18327       10    SCEP cert 'ModelName=AC_51…%2FLogicalName_39907…;Hash=1677525787' state changed from CERT_ENROLLED to CERT_INSTALL_REQUESTED
2018-02-27T05:18:44.9820000    INFO    Event     com.microsoft.omadm.platforms.android.certmgr.state.NativeScepCertInstallStateMachine    18327        0    SCEP cert 'ModelName=AC_51…%2FLogicalName_39907…;Hash=1677525787' state changed from CERT_INSTALL_REQUESTED to CERT_INSTALLING
2018-02-27T05:18:45.3460000    INFO    Event     com.microsoft.omadm.platforms.android.certmgr.state.NativeScepCertInstallStateMachine    18327       14    SCEP cert 'ModelName=AC_51…%2FLogicalName_39907…;Hash=1677525787' state changed from CERT_INSTALLING to CERT_ACCESS_REQUESTED
2018-02-27T05:20:15.3520000    INFO    Event     com.microsoft.omadm.platforms.android.certmgr.state.NativeScepCertInstallStateMachine    18327       21    SCEP cert 'ModelName=AC_51…%2FLogicalName_39907…;Hash=1677525787' state changed from CERT_ACCESS_REQUESTED to CERT_ACCESS_GRANTED
";

fn names(out: &LogOutput) -> Vec<&'static str> {
    out.events
        .iter()
        .map(|e| match &e.kind {
            EventKind::ProfileReceived { .. } => "profile",
            EventKind::PendingRequests { .. } => "pending",
            EventKind::EnrollmentAttempt { .. } => "attempt",
            EventKind::ScepRequest { .. } => "request",
            EventKind::ScepHttpResponse { .. } => "http",
            EventKind::ScepTransportError { .. } => "transport",
            EventKind::ScepInvalidResponse { .. } => "invalid",
            EventKind::ScepCapabilitiesMissing { .. } => "caps",
            EventKind::ScepRequestBuilt { .. } => "built",
            EventKind::CertRep { .. } => "certrep",
            EventKind::ScepInstallState { .. } => "scep_state",
            EventKind::RootInstallState { .. } => "root_state",
            EventKind::DependentProfileWaiting { .. } => "waiting",
            EventKind::DependentProfileApplied { .. } => "applied",
            EventKind::CertificateSelection { .. } => "selection",
            EventKind::CertificateExcluded { .. } => "excluded",
            EventKind::Management(_) => "management",
            EventKind::EnrollmentFailed { .. } => "failed",
            _ => "other",
        })
        .collect()
}

#[test]
fn seed_article_lines() {
    let out = run(SEED);
    assert_eq!(out.records, 14);
    assert_eq!(
        names(&out),
        [
            "root_state",
            "root_state",
            "root_state",
            "pending",
            "attempt",
            "request",
            "http",
            "request",
            "http",
            "certrep",
            "scep_state",
            "scep_state",
            "scep_state",
            "scep_state"
        ]
    );
    let EventKind::EnrollmentAttempt { profile } = &out.events[4].kind else {
        panic!()
    };
    let EventKind::ScepInstallState {
        profile: p2, to, ..
    } = &out.events[13].kind
    else {
        panic!()
    };
    assert!(profile.matches(p2));
    assert_eq!(to, "CERT_ACCESS_GRANTED");
    assert_eq!(
        out.events[9].kind,
        EventKind::CertRep {
            status: PkiStatus::Success,
            fail_info: None,
            transaction_id: Some("TRANSID".into())
        }
    );
}

fn last_scep_state(out: &LogOutput) -> Option<String> {
    out.events.iter().rev().find_map(|e| match &e.kind {
        EventKind::ScepInstallState { to, .. } => Some(to.clone()),
        _ => None,
    })
}

#[test]
fn sample_success() {
    let out = run_bytes(&fixture("omadm-success.log"));
    assert_eq!(out.records, 27);
    assert_eq!(
        last_scep_state(&out).as_deref(),
        Some("CERT_ACCESS_GRANTED")
    );
    assert!(out.events.iter().any(|e| matches!(
        &e.kind,
        EventKind::CertRep {
            status: PkiStatus::Success,
            ..
        }
    )));
    assert!(out.events.iter().any(
        |e| matches!(&e.kind, EventKind::RootInstallState { to, .. } if to == "CERT_INSTALL_SUCCESS")
    ));
    assert!(!out.events.iter().any(|e| matches!(
        &e.kind,
        EventKind::ScepTransportError { .. }
            | EventKind::ScepInvalidResponse { .. }
            | EventKind::EnrollmentFailed { .. }
    )));
}

#[test]
fn sample_http_500() {
    let out = run_bytes(&fixture("omadm-ndes-http-500.log"));
    let r500: Vec<_> = out
        .events
        .iter()
        .filter(|e| {
            matches!(
                &e.kind,
                EventKind::ScepHttpResponse {
                    status: 500,
                    operation: ScepOperation::GetCaCert,
                    ..
                }
            )
        })
        .collect();
    assert_eq!(r500.len(), 2);
    assert_eq!(r500[0].source.line, Some(5));
    assert_eq!(r500[0].pid, Some(27604));
    let failed = out
        .events
        .iter()
        .filter(|e| {
            matches!(
                &e.kind,
                EventKind::EnrollmentFailed {
                    profile: Some(_),
                    ..
                }
            )
        })
        .count();
    assert_eq!(failed, 2);
    assert!(
        !out.events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::ScepTransportError { .. }))
    );
}

#[test]
fn sample_pending() {
    let out = run_bytes(&fixture("omadm-pkistatus-pending.log"));
    let pending = out
        .events
        .iter()
        .filter(|e| {
            matches!(
                &e.kind,
                EventKind::CertRep {
                    status: PkiStatus::Pending,
                    ..
                }
            )
        })
        .count();
    assert_eq!(pending, 2);
    let built: Vec<_> = out
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ScepRequestBuilt {
                poll,
                transaction_id,
            } => Some((*poll, transaction_id.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(built.len(), 2);
    assert!(!built[0].0 && built[1].0);
    assert_eq!(built[0].1, built[1].1);
    assert_eq!(last_scep_state(&out), None);
}

#[test]
fn sample_failure() {
    let out = run_bytes(&fixture("omadm-pkistatus-failure.log"));
    assert!(out.events.iter().any(|e| e.kind
        == EventKind::CertRep {
            status: PkiStatus::Failure,
            fail_info: Some(FailInfo::BadRequest),
            transaction_id: match &e.kind {
                EventKind::CertRep { transaction_id, .. } => transaction_id.clone(),
                _ => None,
            }
        }));
    assert!(out.events.iter().any(|e| matches!(
        &e.kind,
        EventKind::ScepRequest {
            operation: ScepOperation::PkiOperation,
            url: None
        }
    )));
    assert!(
        !out.events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::ScepInstallState { .. }))
    );
}

#[test]
fn sample_access_requested_and_install_requested() {
    let out = run_bytes(&fixture("omadm-access-requested-stuck.log"));
    assert_eq!(
        last_scep_state(&out).as_deref(),
        Some("CERT_ACCESS_REQUESTED")
    );
    assert!(
        out.events
            .iter()
            .any(|e| e.kind == EventKind::PendingRequests { count: 0 })
    );
    let out = run_bytes(&fixture("omadm-install-requested-waiting.log"));
    assert_eq!(
        last_scep_state(&out).as_deref(),
        Some("CERT_INSTALL_REQUESTED")
    );
    let waiting = out
        .events
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::DependentProfileWaiting { profile } if profile == "WoodgroveCorp-EAPTLS"))
        .count();
    assert_eq!(waiting, 2);
}

#[test]
fn variants_parse_like_the_original() {
    let original = run_bytes(&fixture("omadm-success.log"));
    assert!(!original.events.is_empty());
    for v in [
        "variants/success-utf16le-bom.log",
        "variants/success-utf8-bom-crlf.log",
        "variants/success-tabs.log",
        "variants/success-rtf.log",
        "variants/success-tid5.log",
    ] {
        let out = run_bytes(&fixture(v));
        assert_eq!(out.records, original.records, "{v}");
        assert_eq!(signature(&out), signature(&original), "{v}");
    }
}

#[test]
fn a_whole_rtf_file_parses_like_the_original() {
    // TextEdit's .rtf: seven header lines, then the log escaped line by line.
    let original = run_bytes(&fixture("omadm-success.log"));
    let out = run_bytes(&fixture("variants/success-rtf-file.rtf"));
    assert_eq!(out.records, original.records);
    let shifted: Vec<_> = signature(&out)
        .into_iter()
        .map(|(line, kind, time, pid)| (line.map(|l| l - 7), kind, time, pid))
        .collect();
    assert_eq!(shifted, signature(&original));
}

#[test]
fn every_sample_parses_and_chunking_does_not_matter() {
    for name in SAMPLES.iter().chain(&["variants/success-utf16le-bom.log"]) {
        let bytes = fixture(name);
        let whole = run_bytes(&bytes);
        assert!(whole.records > 10, "{name}");
        let mut p = AndroidParser::new(Arc::from("test.log"));
        let mut d = LineDecoder::new();
        let mut sink = |n: u64, l: &str| p.line(n, l);
        for c in bytes.chunks(7) {
            d.push(c, &mut sink);
        }
        d.finish(&mut sink);
        let out = crate::parsers::finish_events(&mut p);
        assert_eq!(signature(&out), signature(&whole), "{name}");
    }
}

#[test]
fn message_only_lines_without_events_are_not_records() {
    let out = run("The sync failed again\nSending logs to support\n");
    assert_eq!(out.records, 0);
    assert!(out.events.is_empty());
}
