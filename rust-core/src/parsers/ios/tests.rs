//! The iOS parser on every layout and the fixtures.

use super::*;
use std::sync::Arc;

fn run(text: &str) -> LogOutput {
    let mut p = IosParser::new(Arc::from("test.log"));
    for (i, l) in text.split('\n').enumerate() {
        p.line(i as u64 + 1, l.strip_suffix('\r').unwrap_or(l));
    }
    crate::parsers::finish_events(&mut p)
}

fn kinds(out: &LogOutput) -> Vec<&EventKind> {
    out.events.iter().map(|e| &e.kind).collect()
}

fn apple(items: &[(&str, i64)]) -> Option<ErrorCode> {
    Some(ErrorCode::Apple {
        chain: items.iter().map(|(d, c)| (d.to_string(), *c)).collect(),
    })
}

#[test]
fn console_copy_scep_installed() {
    let out = run(include_str!(
        "../../../../tests/fixtures/ios/console-scep-installed.log"
    ));
    assert_eq!(out.records, 19);
    assert_eq!(out.platform, Some(Platform::Ios));
    let k = kinds(&out);
    let ops: Vec<_> = k
        .iter()
        .filter_map(|k| match k {
            EventKind::ScepRequest { operation, .. } => Some(operation.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        ops,
        vec![
            ScepOperation::GetCaCert,
            ScepOperation::GetCaCaps,
            ScepOperation::PkiOperation
        ]
    );
    assert!(
        matches!(k[0], EventKind::ProfileReceived { profile: Some(p), root: false } if p.hash == "-1877342201")
    );
    assert!(k.iter().any(|k| matches!(
        k,
        EventKind::CertRep {
            status: PkiStatus::Success,
            ..
        }
    )));
    assert!(
        k.iter()
            .any(|k| matches!(k, EventKind::ScepRequestBuilt { poll: false, .. }))
    );
    let last = k.last().unwrap();
    assert!(
        matches!(last, EventKind::CertificateInstalled { profile: Some(p), .. } if p.hash == "-1877342201")
    );
    assert!(!k.iter().any(|k| matches!(
        k,
        EventKind::InstallError { .. } | EventKind::ScepTransportError { .. }
    )));
    let t = out.events[0].time.as_ref().unwrap();
    assert_eq!(t.text, "09:12:39.201733 +0100");
    assert!(!t.has_date);
    assert_eq!(
        t.order_key,
        Some(((9 * 60 + 12) * 60 + 39) * 1_000_000_000 + 201_733_000)
    );
    assert_eq!(out.events[0].source.line, Some(1));
}

#[test]
fn log_show_network_timeout() {
    let out = run(include_str!(
        "../../../../tests/fixtures/ios/logshow-network-timeout-22005.log"
    ));
    assert_eq!(out.records, 6);
    let k = kinds(&out);
    assert!(matches!(k[0], EventKind::ProfileReceived { .. }));
    assert!(matches!(
        k[1],
        EventKind::ScepRequest {
            operation: ScepOperation::GetCaCert,
            ..
        }
    ));
    match k[2] {
        EventKind::ScepTransportError { operation, detail } => {
            assert_eq!(operation, &Some(ScepOperation::GetCaCert));
            assert!(
                detail.contains("-1001") && detail.contains("timed out"),
                "{detail}"
            );
        }
        other => panic!("{other:?}"),
    }
    match k[3] {
        EventKind::InstallError {
            profile,
            code,
            detail,
        } => {
            assert_eq!(
                code,
                &apple(&[("MCSCEPErrorDomain", 22005), ("NSURLErrorDomain", -1001)])
            );
            assert!(profile.as_ref().is_some_and(|p| p.hash == "315604882"));
            assert_eq!(detail, "The request timed out.");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(k[4], EventKind::ProfileRolledBack { profile: Some(p) } if p.hash == "315604882")
    );
    assert_eq!(k.len(), 5);
    let t = out.events[0].time.as_ref().unwrap();
    assert_eq!(t.text, "2024-05-06 08:41:06.950871-0400");
    assert!(t.has_date);
}

#[test]
fn bare_nserror_22013() {
    let out = run(include_str!(
        "../../../../tests/fixtures/ios/nserror-22013.txt"
    ));
    assert_eq!(out.records, 1);
    let k = kinds(&out);
    assert_eq!(k.len(), 1);
    match k[0] {
        EventKind::InstallError { code, detail, .. } => {
            assert_eq!(
                code,
                &apple(&[("MCProfileErrorDomain", 1009), ("MCSCEPErrorDomain", 22013)])
            );
            assert_eq!(detail, "The SCEP server returned an invalid response.");
        }
        other => panic!("{other:?}"),
    }
    assert!(out.events[0].time.is_none());
}

/// The seed article's lines after the decoder removed the RTF debris.
#[test]
fn seed_article_lines() {
    let text = "Debug 18:30:53.691033 -0500 profiled Performing synchronous URL request: https://<server>-contoso.msappproxy.net/certsrv/mscep/mscep.dll?operation=GetCACert&message=SCEP%20Authority\n\
Debug 18:30:54.640644 -0500 profiled Performing synchronous URL request: https://<server>-contoso.msappproxy.net/certsrv/mscep/mscep.dll?operation=GetCACaps&message=SCEP%20Authority\n\
Debug 18:30:55.487908 -0500 profiled Performing synchronous URL request: https://<server>-contoso.msappproxy.net/certsrv/mscep/mscep.dll?operation=PKIOperation&message=MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgMFADCABgkqhkiG9w0BBwGggCSABIIZfzCABgkq\n\
Debug 18:30:57.285730 -0500 profiled Adding dependent Microsoft.Profiles.MDM to parent www.windowsintune.com.SCEP.ModelName=AC_51bad41f.../LogicalName_1892fe4c...;Hash=-912418295 in domain ManagedProfileToManagingProfile to system\n\
Default 18:30:57.320616 -0500 profiled Profile \u{201c}www.windowsintune.com.SCEP.ModelName=AC_51bad41f.../LogicalName_1892fe4c...;Hash=-912418295\u{201d} installed.";
    let out = run(text);
    assert_eq!(out.records, 5);
    let k = kinds(&out);
    assert_eq!(k.len(), 4);
    assert!(matches!(
        k[2],
        EventKind::ScepRequest {
            operation: ScepOperation::PkiOperation,
            ..
        }
    ));
    match k[3] {
        EventKind::CertificateInstalled {
            profile: Some(p), ..
        } => {
            assert_eq!(p.hash, "-912418295");
            assert_eq!(p.account, "51bad41f...");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        out.events[0].time.as_ref().unwrap().text,
        "18:30:53.691033 -0500"
    );
}

#[test]
fn straight_quotes_and_dependent_profiles() {
    let out = run(
        "default 10:00:00.000001 +0000 profiled Profile \"www.windowsintune.com.wifi.Corp-WiFi\" installed.\n\
default 10:00:00.000002 +0000 profiled Profile 'www.windowsintune.com.SCEP.ModelName=AC_a/LogicalName_b;Hash=1' installed.",
    );
    let k = kinds(&out);
    assert!(
        matches!(k[0], EventKind::DependentProfileApplied { profile } if profile == "www.windowsintune.com.wifi.Corp-WiFi")
    );
    assert!(
        matches!(k[1], EventKind::CertificateInstalled { profile: Some(p), .. } if p.hash == "1")
    );
}

#[test]
fn other_processes_are_records_only() {
    let out = run("default\t09:12:39.880112 +0100\tmdmd\tIssued certificate received.");
    assert_eq!(out.records, 1);
    assert!(out.events.is_empty());
}

#[test]
fn pending_and_polling() {
    let out = run(
        "error 09:00:00.000001 +0100 profiled Certificate retrieval reported error: Error Domain=PENDING Code=3 \"The operation couldn\u{2019}t be completed. (PENDING error 3.)\"\n\
default 09:00:00.000002 +0100 profiled Could not retrieve issued certificate: Error Domain=PENDING Code=3 \"(PENDING error 3.)\"\n\
default 09:00:00.000003 +0100 profiled Sleeping before polling SCEP server again.\n\
default 09:00:10.000003 +0100 profiled Attempting to retrieve issued certificate...",
    );
    let k = kinds(&out);
    assert_eq!(k.len(), 2, "{k:?}");
    assert!(matches!(
        k[0],
        EventKind::CertRep {
            status: PkiStatus::Pending,
            ..
        }
    ));
    assert!(matches!(
        k[1],
        EventKind::ScepRequestBuilt { poll: true, .. }
    ));
}

#[test]
fn http_status_and_caps() {
    let out = run(
        "debug 09:00:00.1 +0100 profiled Performing synchronous URL request: https://h/certsrv/mscep/mscep.dll?operation=GetCACaps&message=x\n\
debug 09:00:00.2 +0100 profiled URL request failed. Status code: 404\n\
debug 09:00:00.3 +0100 profiled URL request failed. Status code: 0\n\
default 09:00:00.4 +0100 profiled Did not receive GetCACaps information from SCEP server. Assuming support for SHA-1 only.",
    );
    let k = kinds(&out);
    assert_eq!(k.len(), 3);
    assert!(matches!(
        k[1],
        EventKind::ScepHttpResponse {
            operation: ScepOperation::GetCaCaps,
            status: 404,
            ..
        }
    ));
    assert!(matches!(k[2], EventKind::ScepCapabilitiesMissing { .. }));
}

fn fixture_chain_tests(text: &str) -> LogOutput {
    run(text)
}

#[test]
fn legacy_syslog_fixture() {
    let out = fixture_chain_tests(include_str!(
        "../../../../tests/fixtures/ios/legacy-syslog.log"
    ));
    let k = kinds(&out);
    assert!(out.records >= 6);
    assert!(k.iter().any(|k| matches!(
        k,
        EventKind::ScepRequest {
            operation: ScepOperation::GetCaCert,
            ..
        }
    )));
    assert!(k.iter().any(|k| matches!(
        k,
        EventKind::CertRep {
            status: PkiStatus::Success,
            ..
        }
    )));
    assert!(k.iter().any(|k| matches!(
        k,
        EventKind::CertificateInstalled {
            profile: Some(_),
            ..
        }
    )));
    let e = &out.events[0];
    assert_eq!(e.time.as_ref().unwrap().text, "May  6 08:41:06");
    assert_eq!(e.pid, Some(412));
    // Warnings are not failures; other processes produce no events.
    assert!(
        !k.iter()
            .any(|k| matches!(k, EventKind::InstallError { .. }))
    );
}

#[test]
fn compact_style_fixture() {
    let out = run(include_str!(
        "../../../../tests/fixtures/ios/logshow-compact-22003.log"
    ));
    let k = kinds(&out);
    assert!(k.iter().any(|k| matches!(
        k,
        EventKind::ScepRequest {
            operation: ScepOperation::GetCaCert,
            ..
        }
    )));
    let err = k.iter().find_map(|k| match k {
        EventKind::InstallError { code, .. } => Some(code.clone()),
        _ => None,
    });
    assert_eq!(
        err,
        Some(apple(&[
            ("MCInstallationErrorDomain", 4001),
            ("MCSCEPErrorDomain", 22003)
        ]))
    );
    assert_eq!(out.events[0].pid, Some(412));
    assert_eq!(
        out.events[0].time.as_ref().unwrap().text,
        "2024-05-06 08:41:06.950"
    );
    assert!(
        k.iter()
            .any(|k| matches!(k, EventKind::ProfileRolledBack { .. }))
    );
}

#[test]
fn glued_web_copy_fixture() {
    let out = run(include_str!(
        "../../../../tests/fixtures/ios/web-copy-glued.txt"
    ));
    let k = kinds(&out);
    assert_eq!(out.records, 6, "{k:?}");
    let ops: Vec<_> = k
        .iter()
        .filter_map(|k| match k {
            EventKind::ScepRequest { operation, .. } => Some(operation.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        ops,
        vec![
            ScepOperation::GetCaCert,
            ScepOperation::GetCaCaps,
            ScepOperation::PkiOperation
        ]
    );
    assert!(matches!(
        k.last().unwrap(),
        EventKind::CertificateInstalled {
            profile: Some(_),
            ..
        }
    ));
}

#[test]
fn flattened_nserror_fixture() {
    let out = run(include_str!(
        "../../../../tests/fixtures/ios/nserror-flattened-22013.txt"
    ));
    let k = kinds(&out);
    assert_eq!(k.len(), 1, "{k:?}");
    assert!(matches!(k[0], EventKind::InstallError { code, .. }
        if code == &apple(&[("MCProfileErrorDomain", 1009), ("MCSCEPErrorDomain", 22013)])));
}

#[test]
fn one_line_nsurl_error_in_nested_userinfo() {
    let chain = error_chain(
        "Error Domain=MCSCEPErrorDomain Code=22005 \"x\" UserInfo={NSUnderlyingError=0x1 {Error Domain=NSURLErrorDomain Code=-1003 \"A server with the specified hostname could not be found.\" UserInfo={_kCFStreamErrorDomainKey=12, _kCFStreamErrorCodeKey=8}}}",
    );
    assert_eq!(
        chain,
        vec![
            ("MCSCEPErrorDomain".to_string(), 22005),
            ("NSURLErrorDomain".to_string(), -1003)
        ]
    );
}

#[test]
fn furniture_is_skipped_and_message_only_lines_accepted() {
    let out = run(
        "Timestamp                       Thread     Type        Activity             PID    TTL\n\
Skipping info and debug messages, pass --info and/or --debug to include.\n\
Issued certificate received.\n\
** Processed 12 entries, done. **",
    );
    assert_eq!(out.records, 1);
    assert!(out.events[0].time.is_none());
    assert!(matches!(
        out.events[0].kind,
        EventKind::CertRep {
            status: PkiStatus::Success,
            ..
        }
    ));
}

#[test]
fn text_fallback_without_code() {
    let out = run(
        "error 09:00:00.1 +0100 profiled Cannot retrieve SCEP identity: Invalid Registration Authority certificate.",
    );
    assert!(matches!(
        out.events[0].kind,
        EventKind::InstallError { code: None, .. }
    ));
}

#[test]
fn message_only_error_texts() {
    let out = run("The SCEP server returned an invalid response.\n\
The SCEP server returned an invalid Registration Authority certificate.\n\
The Registration Authority of the city was invalid.");
    assert_eq!(out.records, 2);
    let k = kinds(&out);
    assert!(
        k.iter()
            .all(|k| matches!(k, EventKind::InstallError { code: None, .. })),
        "{k:?}"
    );
}

#[test]
fn log_show_syslog_and_default_with_library() {
    let out = run(
        "2024-05-06 08:41:07.322190-0400  localhost profiled[412]: (ManagedConfiguration) [com.apple.ManagedConfiguration:MC] Performing synchronous URL request: https://h/certsrv/mscep/mscep.dll?operation=GetCACaps&message=x\n\
2024-05-06 08:41:07.322191-0400 0x2b41c    Default     0x0                  412    0    profiled: (ManagedConfiguration) [com.apple.ManagedConfiguration:MC] Issued certificate received.\n\
2024-05-06 08:41:07.322192-0400 0x2b41c    Error       0x0                  412    0    profiled: [com.apple.ManagedConfiguration:MC] Cannot retrieve SCEP identity: (null)",
    );
    let k = kinds(&out);
    assert_eq!(k.len(), 3, "{k:?}");
    assert!(matches!(
        k[0],
        EventKind::ScepRequest {
            operation: ScepOperation::GetCaCaps,
            ..
        }
    ));
    assert_eq!(out.events[0].pid, Some(412));
    assert!(matches!(
        k[1],
        EventKind::CertRep {
            status: PkiStatus::Success,
            ..
        }
    ));
    assert!(matches!(k[2], EventKind::InstallError { code: None, .. }));
}

#[test]
fn garbage_does_not_panic() {
    for s in [
        "",
        "\u{0}",
        "error",
        "error 99:99:99.9",
        "default 1:2",
        "2024-13-45 xx",
        "May 99",
        "Domain : ",
        "Domain=X Code=",
        "“",
        "Profile “ installed.",
        "Jan 1 12:00:00",
        "Domain : x Code : 99999999999999999999999",
    ] {
        let _ = run(s);
    }
}

proptest::proptest! {
    #[test]
    fn arbitrary_lines_never_panic(lines in proptest::collection::vec(".{0,200}", 0..20)) {
        let mut p = IosParser::new(Arc::from("p"));
        for (i, l) in lines.iter().enumerate() {
            p.line(i as u64 + 1, l);
        }
        let _ = p.finish();
    }
}
