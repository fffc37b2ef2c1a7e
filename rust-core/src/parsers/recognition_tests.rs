//! Recognition through the registry: every sample and fixture is recognised as its kind,
//! certificate-like content and names are read as certificates, certdoctor's own reports
//! and binary `.evtx` files are told apart, and text that is no evidence stays unknown.

use super::*;
use crate::limits;

/// DER of the OID 1.2.840.113549.1.7.2 (PKCS#7 signedData).
const SIGNED_DATA_OID: [u8; 11] = [
    0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02,
];

/// What the registry makes of an input's head, in the terms the tests check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sniffed {
    kind: InputKind,
    /// Read as a certificate file: a decode failure is an error, not `ignored`.
    cert_like: bool,
    evtx: bool,
    own_report: bool,
}

fn sniff(name: &str, head: &[u8], complete: bool) -> Sniffed {
    let h = Head::new(name, head, complete);
    let found = recognise(&h).map(|(f, _)| f);
    let by_name = matches!(claim_by_name(name), Some((_, NameClaim::ReadAnyway)));
    Sniffed {
        kind: found.map_or(InputKind::Unknown, |f| f.kind()),
        cert_like: by_name
            || found.is_some_and(|f| matches!(f.kind(), InputKind::Certificate | InputKind::Pkcs7)),
        evtx: found.is_some_and(|f| f.name() == "windows evtx"),
        own_report: found.is_some_and(|f| f.name() == "certdoctor report"),
    }
}

fn fixture(rel: &str) -> Vec<u8> {
    let path = format!("{}/../tests/fixtures/{}", env!("CARGO_MANIFEST_DIR"), rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn kind_of(rel: &str) -> Sniffed {
    let bytes = fixture(rel);
    let head = &bytes[..bytes.len().min(limits::SNIFF_BYTES)];
    sniff(rel, head, bytes.len() <= limits::SNIFF_BYTES)
}

#[test]
fn every_sample_is_recognised() {
    use InputKind::*;
    let cases: &[(&str, InputKind)] = &[
        ("android/omadm-success.log", AndroidOmadmLog),
        ("android/omadm-pkistatus-failure.log", AndroidOmadmLog),
        ("android/omadm-ndes-http-500.log", AndroidOmadmLog),
        ("android/omadm-access-requested-stuck.log", AndroidOmadmLog),
        (
            "android/omadm-install-requested-waiting.log",
            AndroidOmadmLog,
        ),
        ("android/omadm-pkistatus-pending.log", AndroidOmadmLog),
        ("android/variants/success-utf16le-bom.log", AndroidOmadmLog),
        (
            "android/variants/success-utf8-bom-crlf.log",
            AndroidOmadmLog,
        ),
        ("android/variants/success-tabs.log", AndroidOmadmLog),
        ("android/variants/success-rtf.log", AndroidOmadmLog),
        ("android/variants/success-tid5.log", AndroidOmadmLog),
        ("sniff/ios/console-scep-installed.log", IosProfiledLog),
        (
            "sniff/ios/logshow-network-timeout-22005.log",
            IosProfiledLog,
        ),
        ("sniff/ios/nserror-22013.txt", IosProfiledLog),
        ("sniff/windows/event-copy-as-text.txt", WindowsDmEvents),
        ("sniff/windows/event307-404.csv", WindowsDmEvents),
        ("sniff/windows/event39.xml", WindowsDmEvents),
        ("sniff/server/ca-failed-requests-export.txt", CaRequestList),
        ("sniff/server/certutil-view-issued.txt", CertutilView),
        (
            "sniff/server/connector-events-notify-failed.txt",
            WindowsServerEvents,
        ),
        (
            "sniff/server/crp-challenge-rejected.svclog",
            IntuneConnectorSvclog,
        ),
        ("sniff/server/iis-w3c-android-success.log", IisW3cLog),
        (
            "sniff/server/iis-w3c-mscep-500-impersonation.log",
            IisW3cLog,
        ),
        (
            "sniff/server/ndes-app-events-submit-rpc.xml",
            WindowsServerEvents,
        ),
        ("sniff/server/ndesplugin-verify-403.log", NdesPluginLog),
    ];
    for (rel, want) in cases {
        let s = kind_of(rel);
        assert_eq!(s.kind, *want, "{rel}");
        assert!(!s.cert_like && !s.evtx, "{rel}");
    }
}

#[test]
fn shared_samples_when_present() {
    // The same expectations on /work/shared/samples when it exists (not required).
    let root = std::path::Path::new("/work/shared/samples");
    let Ok(dirs) = std::fs::read_dir(root) else {
        return;
    };
    for d in dirs.flatten() {
        let Ok(files) = std::fs::read_dir(d.path()) else {
            continue;
        };
        for f in files.flatten() {
            let name = f.file_name().to_string_lossy().to_string();
            let Ok(bytes) = std::fs::read(f.path()) else {
                continue;
            };
            let head = &bytes[..bytes.len().min(limits::SNIFF_BYTES)];
            let s = sniff(&name, head, bytes.len() <= limits::SNIFF_BYTES);
            assert_ne!(s.kind, InputKind::Unknown, "{name}");
        }
    }
}

#[test]
fn certificates_pem_and_der() {
    let pem = b"Bag Attributes\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    assert_eq!(
        sniff("x.txt", pem, true),
        Sniffed {
            kind: InputKind::Certificate,
            cert_like: true,
            evtx: false,
            own_report: false
        }
    );
    assert_eq!(
        sniff("x", b"-----BEGIN TRUSTED CERTIFICATE-----\n", true).kind,
        InputKind::Certificate
    );
    assert_eq!(
        sniff("x", b"-----BEGIN X509 CERTIFICATE-----\n", true).kind,
        InputKind::Certificate
    );
    assert_eq!(
        sniff("x", b"-----BEGIN PKCS7-----\nMIIB\n", true).kind,
        InputKind::Pkcs7
    );
    // UTF-16 PEM.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "-----BEGIN CERTIFICATE-----\n"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        )
        .collect();
    assert_eq!(sniff("x", &utf16, true).kind, InputKind::Certificate);

    let mut der = vec![0x30, 0x82, 0x01, 0x10, 0x30, 0x81, 0xF0];
    der.resize(4 + 0x110, 0);
    assert_eq!(
        sniff("blob", &der, true),
        Sniffed {
            kind: InputKind::Certificate,
            cert_like: true,
            evtx: false,
            own_report: false
        }
    );
    let mut p7 = vec![0x30, 0x82, 0x01, 0x10];
    p7.extend_from_slice(&SIGNED_DATA_OID);
    p7.resize(4 + 0x110, 0);
    assert_eq!(sniff("blob", &p7, true).kind, InputKind::Pkcs7);
    let mut ber = vec![0x30, 0x80];
    ber.extend_from_slice(&SIGNED_DATA_OID);
    assert_eq!(sniff("blob", &ber, false).kind, InputKind::Pkcs7);
    // Claimed length larger than a complete input: not DER.
    assert_eq!(sniff("blob", &der[..100], true).kind, InputKind::Unknown);
    // Text starting with `0`.
    assert_eq!(
        sniff("n.txt", b"0x80094012 denied\n", true).kind,
        InputKind::Unknown
    );
}

#[test]
fn cert_names_are_cert_like_even_with_junk() {
    for name in ["a.CER", "b.crt", "c.der", "d.Pem", "e.p7b", "f.P7C"] {
        let s = sniff(name, b"junk junk", true);
        assert_eq!(s.kind, InputKind::Unknown);
        assert!(s.cert_like, "{name}");
    }
    assert!(!sniff("a.txt", b"junk", true).cert_like);
}

#[test]
fn own_reports_are_recognised() {
    let golden = format!("{}/../tests/golden", env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for dir in ["json", "text", "markdown", "html"] {
        for f in std::fs::read_dir(format!("{golden}/{dir}"))
            .unwrap()
            .flatten()
        {
            let bytes = std::fs::read(f.path()).unwrap();
            let head = &bytes[..bytes.len().min(limits::SNIFF_BYTES)];
            let s = sniff("report", head, bytes.len() <= limits::SNIFF_BYTES);
            assert!(s.own_report, "{}", f.path().display());
            assert_eq!(s.kind, InputKind::Unknown);
            seen += 1;
        }
    }
    assert!(seen >= 20, "{seen} goldens");
    let compact = br#"{"schema_version":1,"tool":{"name":"certdoctor","version":"0.1.0"}}"#;
    assert!(sniff("r.json", compact, true).own_report);
    // Other JSON and logs that merely mention certdoctor are not reports.
    let other = br#"{"schema_version": 1, "tool": {"name": "other"}}"#;
    assert!(!sniff("r.json", other, true).own_report);
    assert!(!sniff("n.txt", b"ran certdoctor \xe2\x80\x94 see below\n", true).own_report);
}

#[test]
fn evtx_is_flagged() {
    let s = sniff("Admin.evtx", b"ElfFile\0\0\0\0\0", false);
    assert_eq!(
        s,
        Sniffed {
            kind: InputKind::WindowsDmEvents,
            cert_like: false,
            evtx: true,
            own_report: false
        }
    );
}

#[test]
fn message_only_excerpts() {
    assert_eq!(
        sniff(
            "t.txt",
            b"see: SCEP cert 'ModelName=AC_1%2FLogicalName_2;Hash=3' state changed from A to B\n",
            true
        )
        .kind,
        InputKind::AndroidOmadmLog
    );
    assert_eq!(
        sniff("t.txt", b"Cannot retrieve SCEP identity: NSError", true).kind,
        InputKind::IosProfiledLog
    );
    // §3.3 English texts without a code.
    for t in [
        &b"The SCEP server returned an invalid response.\n"[..],
        b"The SCEP server returned an invalid Registration Authority certificate.\n",
        b"Successfully installed certificate.\n",
    ] {
        assert_eq!(sniff("t.txt", t, true).kind, InputKind::IosProfiledLog);
    }
    assert_eq!(
        sniff("t.txt", b"Registration Authority of the city\n", true).kind,
        InputKind::Unknown
    );
    assert_eq!(
        sniff(
            "t.txt",
            b"SCEP: Certificate enroll failed. Result: (0x80190194)",
            true
        )
        .kind,
        InputKind::WindowsDmEvents
    );
    assert_eq!(
        sniff("t.txt", b"The Network Device Enrollment Service cannot submit the certificate request (0x800706ba).", true).kind,
        InputKind::WindowsServerEvents
    );
    assert_eq!(
        sniff("t.txt", b"sscep: pkistatus: FAILURE\n", true).kind,
        InputKind::ScepTestClientLog
    );
    assert_eq!(
        sniff("t.txt", b"2026-03-02 08:15:04 10.0.0.1 GET /certsrv/mscep/mscep.dll operation=GetCACert&message=ca 443 - 10.0.0.2 Dalvik/2.1.0 - 500 0 1346 12\n", true).kind,
        InputKind::IisW3cLog
    );
}

#[test]
fn localised_ca_exports() {
    let de = "Anforderungs-ID\tName des Anforderers\tAnforderungsstatuscode\tAnforderungsdispositionsmeldung\n420\tCONTOSO\\svc\tx 0x80094012 (-2146877422 CERTSRV_E_TEMPLATE_DENIED)\tVerweigert\n";
    assert_eq!(
        sniff("x.txt", de.as_bytes(), true).kind,
        InputKind::CaRequestList
    );
    // Headers in a language the table lacks: found by the status codes in the rows.
    let ja = "要求 ID\t要求者名\t要求状態コード\t要求の共通名\n421\tCONTOSO\\svc\t拒否 0x80094012 (-2146877422 CERTSRV_E_TEMPLATE_DENIED)\tjane\n";
    assert_eq!(
        sniff("x.txt", ja.as_bytes(), true).kind,
        InputKind::CaRequestList
    );
    // A table without CA codes is not one.
    let other = "a\tb\tc\td\n1\t2\t3\t4\n";
    assert_eq!(
        sniff("x.txt", other.as_bytes(), true).kind,
        InputKind::Unknown
    );
}

#[test]
fn windows_events_of_other_providers_are_unknown() {
    let t = b"Log Name:      Application\r\nSource:        Outlook\r\nEvent ID:      63\r\nDescription:\r\nhello\r\n";
    assert_eq!(sniff("x.txt", t, true).kind, InputKind::Unknown);
    let t = b"Log Name:      System\r\nSource:        WAS\r\nEvent ID:      5009\r\nDescription:\r\nA process serving application pool 'SCEP' terminated unexpectedly.\r\n";
    assert_eq!(sniff("x.txt", t, true).kind, InputKind::WindowsServerEvents);
}

#[test]
fn negatives_are_unknown() {
    let random: Vec<u8> = (0u32..3000)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    assert_eq!(sniff("r.bin", &random, false).kind, InputKind::Unknown);
    assert_eq!(
        sniff(
            "r.txt",
            b"Lorem ipsum dolor sit amet.\nSecond line.\n",
            true
        )
        .kind,
        InputKind::Unknown
    );
    assert_eq!(
        sniff(
            "c.json",
            br#"{"schema_version": 1, "inputs": [{"path": "x", "kind": "unknown"}]}"#,
            true
        )
        .kind,
        InputKind::Unknown
    );
    let trace = b"Exception in thread \"main\" java.lang.NullPointerException: boom\n\tat com.example.app.Main.run(Main.java:10)\n\tat com.example.app.Main.main(Main.java:4)\nCaused by: java.io.IOException: x\n\t... 2 more\n";
    assert_eq!(sniff("trace.txt", trace, true).kind, InputKind::Unknown);
    let logcat = b"2024-06-18T09:31:02.004 INFO com.example.Foo 1 2 hello\n";
    assert_eq!(sniff("x.log", logcat, true).kind, InputKind::Unknown);
    assert_eq!(sniff("empty", b"", true).kind, InputKind::Unknown);
}

#[test]
fn hand_over_formats_are_recognised() {
    // Issue 20: MDM diagnostics reports and a sysdiagnose's profile state.
    assert_eq!(
        kind_of("windows-mdmdiag/MDMDiagReport.xml").kind,
        InputKind::WindowsMdmDiagReport
    );
    let html = fixture("windows-mdmdiag/MDMDiagReport.html");
    assert_eq!(
        sniff("MDMDiagnostics/MDMDiagReport.html", &html, true).kind,
        InputKind::WindowsMdmDiagReport
    );
    let stub = fixture("mcstate/profile-scep-binary.stub");
    assert_eq!(
        sniff(
            "sysdiagnose_x/logs/MCState/Shared/profile-0a.stub",
            &stub,
            true
        )
        .kind,
        InputKind::IosProfileState
    );
    let xml = fixture("mcstate/profile-scep.stub");
    let head = &xml[..xml.len().min(limits::SNIFF_BYTES)];
    assert_eq!(
        sniff("s/logs/MCState/Shared/profile-0a.stub", head, false).kind,
        InputKind::IosProfileState
    );
    // The same property list elsewhere is not profile state.
    assert_eq!(
        sniff("s/other/profile-0a.stub", &stub, true).kind,
        InputKind::Unknown
    );
}

#[test]
fn fragments_are_recognised_as_their_kind() {
    // Issue 21's corpus of excerpts as people paste them: each recognised as the kind its
    // expectations name (negatives stay unknown). The CLI test checks the reports.
    let dir = format!("{}/../tests/fixtures/fragments", env!("CARGO_MANIFEST_DIR"));
    let expect: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(format!("{dir}/expect.json")).expect("fragments/expect.json"),
    )
    .expect("expect.json is JSON");
    assert!(expect.len() >= 150, "{} fragments", expect.len());
    let mut wrong = Vec::new();
    for (rel, e) in &expect {
        let s = kind_of(&format!("fragments/{rel}"));
        let want = e["kind"].as_str().unwrap_or_default();
        if s.kind.as_str() != want {
            wrong.push(format!("{rel}: {} (want {want})", s.kind.as_str()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
