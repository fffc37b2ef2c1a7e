//! The Android parser: line grammar, jscep and Company Portal messages, limits.

use super::*;
use crate::evidence::ScepOperation;
use crate::input::LineDecoder;
use crate::parsers::Feed;
use std::sync::Arc;

fn run_bytes(bytes: &[u8]) -> LogOutput {
    let mut p = AndroidParser::new(Arc::from("test.log"));
    let mut d = LineDecoder::new();
    let mut sink = |n: u64, l: &str| p.line(n, l);
    d.push(bytes, &mut sink);
    d.finish(&mut sink);
    crate::parsers::finish_events(&mut p)
}

/// The six shared Android samples (`tests/fixtures/android/`).
const SAMPLES: [&str; 6] = [
    "omadm-success.log",
    "omadm-pkistatus-failure.log",
    "omadm-ndes-http-500.log",
    "omadm-access-requested-stuck.log",
    "omadm-install-requested-waiting.log",
    "omadm-pkistatus-pending.log",
];

fn run(text: &str) -> LogOutput {
    run_bytes(text.as_bytes())
}

fn kinds(out: &LogOutput) -> Vec<EventKind> {
    out.events.iter().map(|e| e.kind.clone()).collect()
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../tests/fixtures/android/{}",
        env!("CARGO_MANIFEST_DIR"),
        name
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const L: &str = "2019-10-22T07:15:04.0980000    VERB    org.jscep.transport.UrlConnectionGetTransport    27604    03318    ";

fn one(msg: &str) -> Vec<EventKind> {
    kinds(&run(&format!("{L}{msg}\n")))
}

#[test]
fn header_grammar_variants() {
    let h = parse_header(
        "2018-02-27T04:50:49.9010000    INFO    Event     com.microsoft.omadm.client.OmadmSessionRunner    9595        9    Starting OMA-DM session",
    )
    .unwrap();
    assert_eq!(h.time, Some("2018-02-27T04:50:49.9010000"));
    assert_eq!(
        (h.level, h.class, h.pid, h.tid),
        (
            "INFO",
            "com.microsoft.omadm.client.OmadmSessionRunner",
            9595,
            9
        )
    );
    assert_eq!(h.message, "Starting OMA-DM session");
    let h = parse_header(
        "2024-06-18T09:31:02.0040000\tINFO\tcom.x.Y$Inner\t30117\t00512\tmsg\twith\ttabs",
    )
    .unwrap();
    assert_eq!(
        (h.class, h.tid, h.message),
        ("com.x.Y$Inner", 512, "msg\twith\ttabs")
    );
    let h = parse_header("Time  VERB  Event  AppConfigHelper  1  2 hello").unwrap();
    assert_eq!(
        (h.time, h.class, h.message),
        (None, "AppConfigHelper", "hello")
    );
    let h = parse_header("2024-06-18T09:31:02.0040000 WARNING Cls 1 2").unwrap();
    assert_eq!((h.level, h.message), ("WARNING", ""));
    assert!(
        parse_header("\tat org.jscep.client.Client.getCaCertificate(Client.java:123)").is_none()
    );
    assert!(parse_header("Caused by: java.net.UnknownHostException: host").is_none());
    assert!(parse_header("2024-06-18T09:31:02.0040000 info Cls 1 2 x").is_none());
    assert!(parse_header("2024-06-18T09:31:02.0040000 INFO Cls 1 x2 y").is_none());
    assert!(parse_header("2024-13-18T09:31:02.0040000 INFO Cls 1 2 y").is_none());
    assert!(parse_header("").is_none());
}

#[test]
fn time_text_and_order_key() {
    let out = run(&format!(
        "{L}There are 2 requests\nTime VERB Event C 1 2 There are 3 requests\n"
    ));
    let t = out.events[0].time.as_ref().unwrap();
    assert_eq!(t.text, "2019-10-22T07:15:04.0980000");
    assert!(t.has_date);
    let want = time::macros::datetime!(2019-10-22 07:15:04.098 UTC).unix_timestamp_nanos();
    assert_eq!(t.order_key, Some(want));
    assert!(out.events[1].time.is_none());
    assert_eq!(out.events[0].pid, Some(27604));
    assert_eq!(out.events[0].source.to_string(), "test.log:1");
    assert_eq!(out.records, 2);
    assert_eq!(out.platform, Some(Platform::Android));
}

#[test]
fn pending_requests_and_attempt() {
    assert_eq!(
        one("There are 1 requests"),
        vec![EventKind::PendingRequests { count: 1 }]
    );
    let k =
        one("Trying to enroll certificate request: ModelName=AC_2e91%2FLogicalName_8d7c;Hash=-12");
    match &k[..] {
        [EventKind::EnrollmentAttempt { profile }] => {
            assert_eq!(
                (
                    profile.account.as_str(),
                    profile.logical.as_str(),
                    profile.hash.as_str()
                ),
                ("2e91", "8d7c", "-12")
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn jscep_requests_and_responses() {
    assert_eq!(
        one(
            "Sending GetCACert(ca) to https://h/certsrv/mscep/mscep.dll?operation=GetCACert&message=ca"
        ),
        vec![EventKind::ScepRequest {
            operation: ScepOperation::GetCaCert,
            url: Some("https://h/certsrv/mscep/mscep.dll?operation=GetCACert&message=ca".into())
        }]
    );
    assert_eq!(
        one(
            "Sending org.spongycastle.cms.CMSSignedData@1a2b3c4d to https://h/x?operation=PKIOperation&message=MIIB%2B"
        ),
        vec![EventKind::ScepRequest {
            operation: ScepOperation::PkiOperation,
            url: Some("https://h/x?operation=PKIOperation&message=MIIB%2B".into())
        }]
    );
    assert_eq!(
        one("Sending org.spongycastle.cms.CMSSignedData@44aa1c07"),
        vec![EventKind::ScepRequest {
            operation: ScepOperation::PkiOperation,
            url: None
        }]
    );
    assert_eq!(
        one(
            "Received '500 Internal Server Error' when sending GetCACert(ca) to https://h/m.dll?operation=GetCACert&message=ca"
        ),
        vec![EventKind::ScepHttpResponse {
            operation: ScepOperation::GetCaCert,
            status: 500,
            reason: "Internal Server Error".into(),
            url: Some("https://h/m.dll?operation=GetCACert&message=ca".into())
        }]
    );
    assert_eq!(
        one(
            "Received '404 Not Found' when sending org.spongycastle.cms.CMSSignedData@4e7b1c2a to https://h/m.dll?operation=PKIOperation"
        ),
        vec![EventKind::ScepHttpResponse {
            operation: ScepOperation::PkiOperation,
            status: 404,
            reason: "Not Found".into(),
            url: Some("https://h/m.dll?operation=PKIOperation".into())
        }]
    );
    assert!(one("Received 14 commands from server").is_empty());
    assert!(one("Received response org.spongycastle.cms.CMSSignedData@1c8d90f3").is_empty());
}

#[test]
fn cert_rep_fields_any_order() {
    assert_eq!(
        one(
            "Response: org.jscep.message.CertRep@7c21e0aa[failInfo=<null>,pkiStatus=SUCCESS,recipientNonce=Nonce [4f0c],messageData=org.spongycastle.cms.CMSSignedData@15b7de42,messageType=CERT_REP,senderNonce=Nonce [a93e],transId=0e4d2c]"
        ),
        vec![EventKind::CertRep {
            status: PkiStatus::Success,
            fail_info: None,
            transaction_id: Some("0e4d2c".into())
        }]
    );
    assert_eq!(
        one(
            "Response: org.jscep.message.CertRep@1[transId=<null>,messageType=CERT_REP,pkiStatus=FAILURE,failInfo=badTime]"
        ),
        vec![EventKind::CertRep {
            status: PkiStatus::Failure,
            fail_info: Some(FailInfo::BadTime),
            transaction_id: None
        }]
    );
    // Cut before the closing bracket.
    assert_eq!(
        one("Response: org.jscep.message.CertRep@1[failInfo=<null>,pkiStatus=PENDING,transId=ab"),
        vec![EventKind::CertRep {
            status: PkiStatus::Pending,
            fail_info: None,
            transaction_id: Some("ab".into())
        }]
    );
}

#[test]
fn request_built_and_poll() {
    assert_eq!(
        one(
            "Encoding message: org.jscep.message.PkcsReq@3e5f7a9b[messageData=org.spongycastle.pkcs.PKCS10CertificationRequest@6c7d8e9f,messageType=PKCS_REQ,senderNonce=Nonce [19d3],transId=d2b4]"
        ),
        vec![EventKind::ScepRequestBuilt {
            transaction_id: Some("d2b4".into()),
            poll: false
        }]
    );
    assert_eq!(
        one(
            "Encoding message: org.jscep.message.GetCertInitial@1d2e3f40[messageData=org.jscep.asn1.IssuerAndSubject@5a6b7c8d,messageType=GET_CERT_INITIAL,transId=d2b4]"
        ),
        vec![EventKind::ScepRequestBuilt {
            transaction_id: Some("d2b4".into()),
            poll: true
        }]
    );
}

#[test]
fn server_reply_problems() {
    for (msg, detail) in [
        (
            "pkiMessage verification failed.",
            "pkiMessage verification failed.",
        ),
        (
            "Unable to verify message because the signedData contained no certificates.",
            "Unable to verify message because the signedData contained no certificates.",
        ),
        (
            "Content-Type mismatch: was 'text/html', expected 'text/plain'",
            "Content-Type mismatch: was 'text/html', expected 'text/plain'",
        ),
        (
            "org.jscep.transport.response.InvalidContentTypeException: Expected [application/x-pki-message], but was text/html",
            "Expected [application/x-pki-message], but was text/html",
        ),
        (
            "Expected [application/x-x509-ca-cert, application/x-x509-ca-ra-cert], but was text/html",
            "Expected [application/x-x509-ca-cert, application/x-x509-ca-ra-cert], but was text/html",
        ),
        ("RA not issued by CA", "RA not issued by CA"),
        ("Transaction ID Mismatch", "Transaction ID Mismatch"),
        (
            "Nonce mismatch.  Sent: a Receieved: b",
            "Nonce mismatch.  Sent: a Receieved: b",
        ),
    ] {
        assert_eq!(
            one(msg),
            vec![EventKind::ScepInvalidResponse {
                detail: detail.into()
            }],
            "{msg}"
        );
    }
    assert_eq!(
        one("AbstractTransport problem when determining capabilities.  Using empty capabilities."),
        vec![EventKind::ScepCapabilitiesMissing {
            detail: "AbstractTransport problem when determining capabilities.  Using empty capabilities.".into()
        }]
    );
    assert_eq!(
        one(
            "org.jscep.transaction.OperationFailureException: Operation failed due to badMessageCheck"
        ),
        vec![EventKind::CertRep {
            status: PkiStatus::Failure,
            fail_info: Some(FailInfo::BadMessageCheck),
            transaction_id: None
        }]
    );
}

#[test]
fn transport_errors_with_stack_trace() {
    let log = format!(
        "{L}Sending GetCACert(ca) to https://h/m.dll?operation=GetCACert&message=ca\n\
         2019-10-22T07:15:05.0000000    WARN    com.microsoft.omadm.platforms.android.certmgr.CertificateEnrollmentManager    27604    03318    Enrollment attempt failed\n\
         org.jscep.client.ClientException: org.jscep.transport.TransportException: Error connecting to server\n\
         \tat org.jscep.client.Client.getCaCertificate(Client.java:180)\n\
         Caused by: java.net.UnknownHostException: Unable to resolve host \"h\": No address associated with hostname\n\
         \tat java.net.Inet6AddressImpl.lookupHostByName(Inet6AddressImpl.java:156)\n"
    );
    let out = run(&log);
    assert_eq!(out.records, 2);
    let k = kinds(&out);
    assert_eq!(k.len(), 2, "{k:?}");
    match &k[1] {
        EventKind::ScepTransportError { operation, detail } => {
            assert_eq!(operation, &None);
            assert!(detail.contains("Error connecting to server"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
    assert!(out.events[1].text.contains("UnknownHostException"));
    assert_eq!(out.events[1].source.line, Some(2));
    // SSL failure naming the operation.
    assert_eq!(
        one("GetCACaps failed: javax.net.ssl.SSLHandshakeException: Chain validation failed"),
        vec![EventKind::ScepTransportError {
            operation: Some(ScepOperation::GetCaCaps),
            detail: "javax.net.ssl.SSLHandshakeException: Chain validation failed".into()
        }]
    );
    // An HTTP status carried by a TransportException is not a transport error.
    let k = kinds(&run(
        "2019-10-22T07:15:04.7810000    ERROR    com.microsoft.omadm.platforms.android.certmgr.CertificateEnrollmentManager    27604    03318    Failed to enroll certificate request ModelName=AC_2e%2FLogicalName_8d;Hash=12: org.jscep.client.ClientException: org.jscep.transport.TransportException: 500 Internal Server Error\n",
    ));
    match &k[..] {
        [
            EventKind::EnrollmentFailed {
                profile: Some(p),
                detail,
            },
        ] => {
            assert_eq!(p.hash, "12");
            assert!(detail.contains("500 Internal Server Error"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn install_states_with_any_quotes() {
    let want = |from: &str, to: &str| {
        let profile = ProfileId::parse("ModelName=AC_51%2FLogicalName_39;Hash=16").unwrap();
        EventKind::ScepInstallState {
            profile,
            from: from.into(),
            to: to.into(),
        }
    };
    assert_eq!(
        one(
            "SCEP cert 'ModelName=AC_51%2FLogicalName_39;Hash=16' state changed from CERT_ENROLLED to CERT_INSTALL_REQUESTED"
        ),
        vec![want("CERT_ENROLLED", "CERT_INSTALL_REQUESTED")]
    );
    assert_eq!(
        one(
            "SCEP cert \u{2018}ModelName=AC_51%2FLogicalName_39;Hash=16\u{2019} state changed from CERT_INSTALLING to CERT_WEIRD_FAILED_STATE"
        ),
        vec![want("CERT_INSTALLING", "CERT_WEIRD_FAILED_STATE")]
    );
    // RTF-escaped quotes are decoded by the input layer.
    assert_eq!(
        one(
            "SCEP cert \\'91ModelName=AC_51%2FLogicalName_39;Hash=16\\'92 state changed from A to B\\"
        ),
        vec![want("A", "B")]
    );
    assert_eq!(
        one("Root cert '17\u{2026}' state changed from CERT_INSTALLING to CERT_INSTALL_SUCCESS"),
        vec![EventKind::RootInstallState {
            root: "17\u{2026}".into(),
            from: "CERT_INSTALLING".into(),
            to: "CERT_INSTALL_SUCCESS".into()
        }]
    );
}

#[test]
fn dependent_profiles_and_selection() {
    // Lines as in Microsoft's Wi-Fi troubleshooting article (placeholders kept).
    let log = "\
2018-11-27T21:10:37.6390000    VERB     com.microsoft.omadm.utils.CertUtils      14210    00948    Excluding cert with alias User<ID1> and requestId <requestID1> as it does not have any purpose EKU.
2018-11-27T21:10:37.6400000    VERB     com.microsoft.omadm.utils.CertUtils      14210    00948    0 cert(s) matched criteria:
2018-11-27T21:10:37.6400000    VERB     com.microsoft.omadm.utils.CertUtils      14210    00948    2 cert(s) excluded by criteria:
2018-11-27T21:10:37.6400000    INFO       com.microsoft.omadm.platforms.android.wifimgr.WifiProfileManager       14210                00948     Skipping Wifi profile <profile ID> because it is pending certificates.
2019-08-01T19:22:47.1010000    VERB    com.microsoft.omadm.utils.CertUtils    15118    04142    1 cert(s) matched criteria: User<ID>[i:<ID>,17CE;eku:1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2]
2019-08-01T19:22:47.1090000    VERB    com.microsoft.omadm.utils.CertUtils    15118    04142    0 cert(s) excluded by criteria:
2019-08-01T19:22:47.4120000    VERB    com.microsoft.omadm.Services    15118    04142    Successfully applied, enabled and saved wifi profile '<profile ID>'
2019-08-01T19:22:47.5910000    INFO    com.microsoft.omadm.platforms.android.wifimgr.WifiProfileManager    15118    04142    Applied profile <profile ID>
";
    let out = run(log);
    assert_eq!(
        kinds(&out),
        vec![
            EventKind::CertificateExcluded {
                detail: "Excluding cert with alias User<ID1> and requestId <requestID1> as it does not have any purpose EKU.".into()
            },
            EventKind::CertificateSelection { matched: 0, excluded: 2 },
            EventKind::DependentProfileWaiting { profile: "<profile ID>".into() },
            EventKind::CertificateSelection { matched: 1, excluded: 0 },
            EventKind::DependentProfileApplied { profile: "<profile ID>".into() },
            EventKind::DependentProfileApplied { profile: "<profile ID>".into() },
        ]
    );
    assert_eq!(out.records, 8);
    assert_eq!(out.events[1].source.line, Some(2));
    // Unpaired counts stand alone.
    assert_eq!(
        one("3 cert(s) excluded by criteria:"),
        vec![EventKind::CertificateSelection {
            matched: 0,
            excluded: 3
        }]
    );
}

#[test]
fn syncml_profiles() {
    let doc = "<SyncML><SyncBody><Add><CmdID>4</CmdID><Item><Target><LocURI>./Vendor/MSFT/CertificateStore/Enroll/ModelName=AC_51ab%2FLogicalName_39cd%3BHash=-1677/Install/ServerURL</LocURI></Target></Item></Add>\
<Exec><Item><Target><LocURI>./Vendor/MSFT/CertificateStore/Enroll/ModelName=AC_51ab%2FLogicalName_39cd%3BHash=-1677/Install/Enroll</LocURI></Target></Item></Exec>\
<Add><Item><Target><LocURI>./Vendor/MSFT/CertificateStore/Root/System/17AB/EncodedCertificate</LocURI></Target></Item></Add></SyncBody></SyncML>";
    let k = kinds(&run(&format!(
        "2018-02-27T04:50:51.7720000    VERB    Event     com.microsoft.omadm.syncml.SyncmlSession    9595        9    {doc}\n"
    )));
    match &k[..] {
        [
            EventKind::ProfileReceived {
                profile: Some(p),
                root: false,
            },
            EventKind::ProfileReceived {
                profile: None,
                root: true,
            },
        ] => {
            assert_eq!(
                (p.account.as_str(), p.logical.as_str(), p.hash.as_str()),
                ("51ab", "39cd", "-1677")
            );
        }
        other => panic!("{other:?}"),
    }
    let enc = "LocURI>.%2FVendor%2FMSFT%2FCertificateStore%2FEnroll%2FModelName=AC_9%2FLogicalName_8%3BHash=7%2FInstall<";
    let k = kinds(&run(&format!("{L}{enc}\n")));
    assert!(
        matches!(&k[..], [EventKind::ProfileReceived { profile: Some(p), root: false }] if p.hash == "7"),
        "{k:?}"
    );
}

#[test]
fn management_hints_once_per_value() {
    let log = "\
2020-01-01T00:00:00.0000000 INFO com.microsoft.omadm.platforms.afw.policy.AfwPolicyManager 1 2 Calling setPermissionGrantState
2020-01-01T00:00:01.0000000 WARN com.microsoft.omadm.platforms.afw.policy.AfwPolicyManager 1 2 Failed to grant Work Profile Company Portal the permission: x
2020-01-01T00:00:02.0000000 INFO com.microsoft.omadm.Other 1 2 Samsung Knox detected
2020-01-01T00:00:03.0000000 INFO com.microsoft.omadm.Other 1 2 Enrolled as device administrator
";
    assert_eq!(
        kinds(&run(log)),
        vec![
            EventKind::Management(ManagementMode::AndroidEnterprise),
            EventKind::Management(ManagementMode::Knox),
            EventKind::Management(ManagementMode::DeviceAdministrator),
        ]
    );
}

#[test]
fn continuation_is_bounded_and_noise_is_ignored() {
    let mut log = format!("{L}Starting\n");
    for _ in 0..5000 {
        log.push_str("\tat some.Frame(Frame.java:1) padding padding padding padding\n");
    }
    let out = run(&log);
    assert_eq!(out.records, 1);
    assert!(out.events.is_empty());
    let out = run("free text before any header\nand more\n");
    assert_eq!(out.records, 0);
}

#[test]
fn message_only_excerpt() {
    let out = run(
        "Some ticket text\nSCEP cert 'ModelName=AC_1%2FLogicalName_2;Hash=3' state changed from CERT_INSTALLING to CERT_ACCESS_REQUESTED\n",
    );
    assert_eq!(out.records, 1);
    assert!(
        matches!(&kinds(&out)[..], [EventKind::ScepInstallState { to, .. }] if to == "CERT_ACCESS_REQUESTED")
    );
    assert!(out.events[0].time.is_none());
    assert_eq!(out.events[0].source.line, Some(2));
}

#[test]
fn event_cap_counts_drops() {
    let mut p = AndroidParser::new(Arc::from("big.log"));
    let line = format!("{L}There are 1 requests");
    for n in 0..(limits::MAX_EVENTS_PER_INPUT as u64 + 5) {
        p.line(n + 1, &line);
    }
    let out = crate::parsers::finish_events(&mut p);
    assert_eq!(out.events.len(), limits::MAX_EVENTS_PER_INPUT);
    assert_eq!(out.events_dropped, 5);
    assert_eq!(out.records, limits::MAX_EVENTS_PER_INPUT as u64 + 5);
}

/// What the events of a parse say, for comparing two parses.
type Signature = Vec<(Option<u64>, EventKind, Option<String>, Option<u32>)>;

fn signature(out: &LogOutput) -> Signature {
    out.events
        .iter()
        .map(|e| {
            (
                e.source.line,
                e.kind.clone(),
                e.time.as_ref().map(|t| t.text.clone()),
                e.pid,
            )
        })
        .collect()
}

mod fast_path;
mod samples;

#[test]
fn lines_wrapped_by_a_mail_client_are_rejoined() {
    let out = run(
        "2025-07-01T05:18:45.3460000\tINFO\tcom.microsoft.omadm.platforms.android.certmgr.state.NativeScepCertInstallStateMachine\t18327\t14\tSCEP cert 'ModelName=AC_6f1e%2FLogicalName_d4c3;Hash=-1' state changed from CERT_INSTALLING to\nCERT_ACCESS_REQUESTED\n\
         2025-07-01T05:16:28.0340000\tVERB\torg.jscep.transaction.EnrollmentTransaction\t18327\t10\tResponse: org.jscep.message.CertRep@5a1d93e0[failInfo=badRequest,pkiStatus=FAILURE,\nmessageData=<null>,messageType=CERT_REP,transId=5C2A]\n",
    );
    let k = kinds(&out);
    assert!(
        matches!(&k[0], EventKind::ScepInstallState { to, .. } if to == "CERT_ACCESS_REQUESTED"),
        "{k:?}"
    );
    assert!(
        matches!(&k[1], EventKind::CertRep { status: PkiStatus::Failure, fail_info: Some(FailInfo::BadRequest), transaction_id: Some(t) } if t == "5C2A"),
        "{k:?}"
    );
    // A whole line is not joined with the stack trace under it.
    assert_eq!(rejoin_wrapped("state changed from A to B", "x\ny"), None);
}
