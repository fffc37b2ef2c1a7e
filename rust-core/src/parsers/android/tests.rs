use super::*;
use crate::input::LineDecoder;
use crate::parsers::Feed;
use std::sync::Arc;

fn run_bytes(bytes: &[u8]) -> LogOutput {
    let mut p = AndroidParser::new(Arc::from("test.log"));
    let mut d = LineDecoder::new();
    let mut sink = |n: u64, l: &str| p.line(n, l);
    d.push(bytes, &mut sink);
    d.finish(&mut sink);
    p.finish()
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
    let out = p.finish();
    assert_eq!(out.events.len(), limits::MAX_EVENTS_PER_INPUT);
    assert_eq!(out.events_dropped, 5);
    assert_eq!(out.records, limits::MAX_EVENTS_PER_INPUT as u64 + 5);
}

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
        let out = p.finish();
        assert_eq!(signature(&out), signature(&whole), "{name}");
    }
}

#[test]
fn message_only_lines_without_events_are_not_records() {
    let out = run("The sync failed again\nSending logs to support\n");
    assert_eq!(out.records, 0);
    assert!(out.events.is_empty());
}

proptest::proptest! {
    #[test]
    fn arbitrary_lines_never_panic(lines in proptest::collection::vec(
        "(2018-02-27T04:50:49\\.9010000|Time|x)[ \t]{1,3}(VERB|INFO|ERROR|e)[ \t]+(Event[ \t]+)?(org\\.jscep\\.A|com\\.microsoft\\.omadm\\.B|C)[ \t]+[0-9]{1,6}[ \t]+[0-9]{1,5}[ \t]?(.|\\PC){0,80}",
        0..40,
    ), noise in "\\PC{0,200}") {
        let mut p = AndroidParser::new(Arc::from("p.log"));
        for (i, l) in lines.iter().enumerate() {
            p.line(i as u64 * 2 + 1, l);
            p.line(i as u64 * 2 + 2, &noise);
        }
        let out = p.finish();
        proptest::prop_assert!(out.events.len() as u64 <= out.records * 4 + 4);
    }

    #[test]
    fn word_wise_timestamp_check_agrees_with_bytewise(
        picks in proptest::collection::vec(0usize..TS_BYTES.len(), 19),
        base in proptest::sample::select(vec![
            "2019-10-22T07:15:04", "0000-00-00T00:00:00", "9999-12-31T23:59:60", "2020-13-32T24:60:61",
        ]),
        changes in proptest::collection::vec((0usize..19, 0usize..TS_BYTES.len()), 0..3),
    ) {
        // Mostly near-timestamps (one or two bytes changed), also random bytes.
        let mut b: [u8; 19] = base.as_bytes().try_into().expect("19 bytes");
        for (at, pick) in changes {
            b[at] = TS_BYTES[pick];
        }
        proptest::prop_assert_eq!(ts_head(&b), ts_head_bytewise(&b), "{:?}", String::from_utf8_lossy(&b));
        let random: Vec<u8> = picks.iter().map(|&i| TS_BYTES[i]).collect();
        let r: [u8; 19] = random.try_into().expect("19 bytes");
        proptest::prop_assert_eq!(ts_head(&r), ts_head_bytewise(&r));
    }
}

/// Bytes around the digits and separators, and the ones a SWAR digit test can confuse.
const TS_BYTES: &[u8] = b"0123456789-T:/.: \x2f\x3a\x3f\x40\x30\x39\xb0\xb9\x00\xff";

/// The timestamp check written byte by byte (the reference for [`ts_head`]).
fn ts_head_bytewise(b: &[u8; 19]) -> Option<[i64; 6]> {
    for (i, &c) in b.iter().enumerate() {
        let ok = match i {
            4 | 7 => c == b'-',
            10 => c == b'T',
            13 | 16 => c == b':',
            _ => c.is_ascii_digit(),
        };
        if !ok {
            return None;
        }
    }
    let n = |i: usize| i64::from(b[i] - b'0') * 10 + i64::from(b[i + 1] - b'0');
    let f = [n(0) * 100 + n(2), n(5), n(8), n(11), n(14), n(17)];
    let ok = (1..=12).contains(&f[1])
        && (1..=31).contains(&f[2])
        && f[3] <= 23
        && f[4] <= 59
        && f[5] <= 60;
    ok.then_some(f)
}

#[test]
fn word_wise_timestamp_check_on_every_single_byte_change() {
    let good: [u8; 19] = *b"2019-10-22T07:15:04";
    assert_eq!(ts_head(&good), Some([2019, 10, 22, 7, 15, 4]));
    for at in 0..19 {
        for v in 0..=255u8 {
            let mut b = good;
            b[at] = v;
            assert_eq!(ts_head(&b), ts_head_bytewise(&b), "byte {at} = {v:#04x}");
        }
    }
}

#[test]
fn huge_get_pkioperation_url_is_bounded() {
    let msg = "A".repeat(300_000);
    let line = format!(
        "{L}Sending org.spongycastle.cms.CMSSignedData@1 to https://h/m.dll?operation=PKIOperation&message={msg}\n"
    );
    let out = run(&line);
    match &out.events[..] {
        [e] => {
            let EventKind::ScepRequest {
                operation,
                url: Some(url),
            } = &e.kind
            else {
                panic!("{:?}", e.kind)
            };
            assert_eq!(operation, &ScepOperation::PkiOperation);
            assert!(url.chars().count() <= MAX_URL_CHARS + 1);
            assert!(e.text.chars().count() <= limits::MAX_EVIDENCE_TEXT + 1);
        }
        other => panic!("{other:?}"),
    }
}

/// The fast path (`LineDecoder::push_skim`) in chunks of `chunk` bytes.
fn run_skim(bytes: &[u8], chunk: usize) -> LogOutput {
    let mut p = AndroidParser::new(Arc::from("test.log"));
    let skim = p.skim().expect("android has a fast path");
    let mut d = LineDecoder::new();
    for c in bytes.chunks(chunk.max(1)) {
        d.push_skim(c, skim, &mut Feed(&mut p));
    }
    d.finish_skim(skim, &mut Feed(&mut p));
    p.finish()
}

fn same_as_slow(bytes: &[u8], what: &str) {
    let slow = run_bytes(bytes);
    for chunk in [1, 7, 64, 600, 4096, 1 << 20] {
        let fast = run_skim(bytes, chunk);
        assert_eq!(fast.records, slow.records, "{what}: records, chunk {chunk}");
        assert_eq!(
            format!("{:?}", fast.events),
            format!("{:?}", slow.events),
            "{what}: events, chunk {chunk}"
        );
    }
}

#[test]
fn fast_path_matches_every_fixture() {
    let dir = format!("{}/../tests/fixtures/android", env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for sub in ["", "variants/"] {
        for e in std::fs::read_dir(format!("{dir}/{sub}")).expect("fixtures") {
            let path = e.expect("entry").path();
            if path.extension().is_some_and(|x| x == "log") {
                let bytes = std::fs::read(&path).expect("read");
                same_as_slow(&bytes, &path.display().to_string());
                seen += 1;
            }
        }
    }
    assert!(seen >= 6);
}

#[test]
fn fast_path_keeps_records_around_noise() {
    let noise = "2019-10-22T07:15:04.0980000    INFO    com.microsoft.omadm.Noise    27604    03318    Nothing to see here\n";
    let warn = "2019-10-22T07:15:05.0980000    WARN    com.microsoft.omadm.Http    27604    03318    Request done\n";
    let mut text = String::new();
    // Message-only excerpt lines before any header, with and without a keyword.
    text.push_str("SCEP cert 'ModelName=AC_1/LogicalName_x;Hash=-1' state changed from A to B\n");
    text.push_str("just words\n\n");
    for i in 0..300 {
        text.push_str(noise);
        if i % 50 == 7 {
            // A keyword only in the stack trace of a record whose header has none.
            text.push_str(warn);
            text.push_str("\tat com.x.Y.z(Y.java:1)\n");
            text.push_str("Caused by: javax.net.ssl.SSLHandshakeException: bad cert\n");
            text.push_str("\tat com.x.Y.w(Y.java:2)\n");
        }
        if i % 70 == 3 {
            text.push_str(&format!("{L}Received '500 Internal Server Error' when sending PKIOperation to https://ndes/certsrv/mscep/mscep.dll?operation=PKIOperation\n"));
            text.push_str("\tcontinued line of the record\n");
        }
        if i % 90 == 5 {
            text.push_str("2019-10-22T07:15:06.0000000    INFO    com.microsoft.omadm.utils.CertUtils    27604    03318    2 cert(s) matched criteria\n");
            text.push_str(noise);
            text.push_str("2019-10-22T07:15:06.0000000    INFO    com.microsoft.omadm.utils.CertUtils    27604    03318    1 cert(s) excluded by criteria\n");
        }
        if i % 111 == 9 {
            text.push_str("Line 12: > 2019-10-22T07:15:04.0980000    INFO    com.microsoft.omadm.Knox    1    2    \\'93quoted\\'94\n");
        }
    }
    text.push_str("\u{e9}t\u{e9} 2019 not a header\n");
    text.push_str(noise.trim_end());
    same_as_slow(text.as_bytes(), "synthetic");
    // Windows-1252 bytes and a CRLF stretch take the ordinary path mid-stream.
    let mut bytes = text.clone().into_bytes();
    bytes.extend_from_slice(
        b"2019-10-22T07:15:04.0980000    INFO    com.x.Noise    1    2    caf\xe9\r\n",
    );
    bytes.extend_from_slice(text.as_bytes());
    same_as_slow(&bytes, "mixed line ends");
    let out = run_skim(text.as_bytes(), 333);
    assert!(out.events.len() >= 10, "{}", out.events.len());
}

#[test]
fn fast_path_long_line_in_bounded_memory() {
    let mut p = AndroidParser::new(Arc::from("test.log"));
    let skim = p.skim().expect("fast path");
    let mut d = LineDecoder::new();
    let chunk = vec![b'x'; 256 * 1024];
    d.push_skim(format!("{L}start\n").as_bytes(), skim, &mut Feed(&mut p));
    for _ in 0..256 {
        d.push_skim(&chunk, skim, &mut Feed(&mut p));
        assert!(d.buffered_capacity() <= 8 * limits::MAX_LINE_BYTES);
    }
    d.push_skim(
        format!("\n{L}There are 2 requests\n").as_bytes(),
        skim,
        &mut Feed(&mut p),
    );
    d.finish_skim(skim, &mut Feed(&mut p));
    let out = p.finish();
    assert_eq!(out.events.len(), 1);
    assert_eq!(out.events[0].source.line, Some(3));
    let cut = d.cut_lines();
    assert_eq!((cut.count, cut.first_line), (1, Some(2)));
}

/// Counts the cut lines of `bytes` read line by line and, in chunks of `chunk`, on the
/// fast path.
fn cut_lines(bytes: &[u8], chunk: Option<usize>) -> crate::input::CutLines {
    let mut p = AndroidParser::new(Arc::from("test.log"));
    let mut d = LineDecoder::new();
    match chunk {
        None => {
            let mut sink = |n: u64, l: &str| p.line(n, l);
            d.push(bytes, &mut sink);
            d.finish(&mut sink);
        }
        Some(size) => {
            let skim = p.skim().expect("fast path");
            for c in bytes.chunks(size) {
                d.push_skim(c, skim, &mut Feed(&mut p));
            }
            d.finish_skim(skim, &mut Feed(&mut p));
        }
    }
    d.cut_lines()
}

#[test]
fn cut_lines_are_counted_once_on_both_paths() {
    let cap = limits::MAX_LINE_BYTES;
    let payload = "QUJD".repeat(cap / 4 + 100);
    let noise = "2019-10-22T07:15:04.0980000    INFO    com.microsoft.omadm.Noise    27604    03318    Nothing to see here\n";
    let mut text = String::new();
    text.push_str(&noise.repeat(50));
    // Line 51: a long record header without a keyword, whose continuation line has one:
    // the record is replayed to the parser, the long line must not count twice.
    text.push_str(&format!("{L}Payload: {payload}\n"));
    text.push_str("Caused by: javax.net.ssl.SSLHandshakeException: bad cert\n");
    text.push_str(&noise.repeat(50));
    // Line 103: a long line with a keyword at its start.
    text.push_str(&format!("{L}Received 12 commands from server {payload}\n"));
    // Line 104: a long continuation line of the record the parser is fed.
    text.push_str(&format!("\t{payload}\n"));
    text.push_str(&noise.repeat(50));
    // Line 155: a long noise record, then a line exactly at the cap (not cut).
    text.push_str(&format!("{}{payload}\n", noise.trim_end()));
    text.push_str(&format!("{}\n", "x".repeat(cap)));
    // The last line: long, no line end.
    text.push_str(&noise.repeat(3));
    text.push_str(&format!("{L}Payload: {payload}"));
    let expect = crate::input::CutLines {
        count: 5,
        first_line: Some(51),
        max_line: cap,
    };
    assert_eq!(cut_lines(text.as_bytes(), None), expect, "line by line");
    for chunk in [1000, 4096, 64 * 1024, 1 << 20] {
        assert_eq!(
            cut_lines(text.as_bytes(), Some(chunk)),
            expect,
            "chunk {chunk}"
        );
    }
}

#[test]
fn skim_keywords_cover_every_pattern() {
    for (p, kind) in PATTERNS {
        if matches!(kind, P::Fail) || JSCEP_KINDS.contains(kind) {
            continue;
        }
        let p = p.to_ascii_lowercase();
        assert!(
            SKIM_KEYWORDS
                .iter()
                .any(|k| p.contains(&k.to_ascii_lowercase())),
            "no fast-path keyword covers {p:?}"
        );
    }
}

#[test]
fn timestamp_check_agrees_with_parse_header_on_real_lines() {
    // Every digit-first line of every fixture: the fast path's timestamp test and the
    // parser's grammar agree (the documented approximation never shows on them).
    let mut checked = 0;
    for name in SAMPLES
        .iter()
        .chain(&["variants/success-tabs.log", "variants/success-tid5.log"])
    {
        for raw in fixture(name).split(|&b| b == b'\n') {
            if !raw.first().is_some_and(u8::is_ascii_digit) {
                continue;
            }
            let text = String::from_utf8_lossy(raw);
            assert_eq!(
                starts_with_timestamp(raw),
                parse_header(&text).is_some(),
                "{name}: {text}"
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
    // The shapes it accepts and refuses.
    assert!(starts_with_timestamp(
        b"2024-06-18T09:31:02.0040000\tINFO c 1 2 m"
    ));
    assert!(starts_with_timestamp(b"2024-06-18T09:31:02 x"));
    assert!(!starts_with_timestamp(b"2024-06-18T09:31:02.0040000"));
    assert!(!starts_with_timestamp(b"2024-06-18 09:31:02.004 INFO"));
    assert!(!starts_with_timestamp(b"2024-13-18T09:31:02.004 INFO"));
    assert!(!starts_with_timestamp(b"12 more frames"));
}

#[test]
fn message_only_lines_before_any_header_reach_the_parser_on_the_fast_path() {
    // No keyword in them (jscep's messages without its class): still parsed.
    let text = "Received '500 Internal Server Error' when sending GetCACert(ca) to https://h/certsrv/mscep/mscep.dll?operation=GetCACert&message=ca\n".repeat(20);
    let text = text.as_str();
    let slow = run(text);
    let mut p = AndroidParser::new(Arc::from("t.log"));
    let mut d = LineDecoder::new();
    let skim = p.skim().unwrap();
    // The first chunk decides the encoding on the line-by-line path; the next ones skim.
    for c in text.as_bytes().chunks(600) {
        d.push_skim(c, skim, &mut Feed(&mut p));
    }
    d.finish_skim(skim, &mut Feed(&mut p));
    let fast = p.finish();
    assert_eq!(signature(&fast), signature(&slow));
    assert_eq!(fast.events.len(), 20);
}
