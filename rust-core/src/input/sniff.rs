//! Recognising an input's kind from its content (first 4 KB), never from its name alone.
//!
//! The head is decoded with the same normalisation as the parsers' input (BOM, UTF-16,
//! Windows-1252, debris) and matched against the recognition signals of log-formats.md §1
//! and server-log-formats.md §1: structural signals first (binary formats, XML/CSV/W3C
//! headers, log line grammars), then distinctive phrases of message-only excerpts.

use super::InputKind;
use super::decode::LineDecoder;
use crate::limits;

/// The result of sniffing an input's head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    pub kind: InputKind,
    /// Content or name says certificate/PKCS#7: a decode failure is an error, not `ignored`.
    pub cert_like: bool,
    /// A binary `.evtx` file (`ElfFile\0`), which only the CLI can read.
    pub evtx: bool,
    /// A report certdoctor wrote (a share bundle sent back in): not evidence of its own.
    pub own_report: bool,
}

const CERT_EXTENSIONS: [&str; 6] = [".cer", ".crt", ".der", ".pem", ".p7b", ".p7c"];

/// DER of the OID 1.2.840.113549.1.7.2 (PKCS#7 signedData).
const SIGNED_DATA_OID: [u8; 11] = [
    0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02,
];

/// Recognises `head` (the first `limits::SNIFF_BYTES` bytes, or the whole input when
/// `complete`); `name` is only a hint for certificate extensions.
pub fn sniff(name: &str, head: &[u8], complete: bool) -> Sniffed {
    let lower = name.to_ascii_lowercase();
    let name_cert = CERT_EXTENSIONS.iter().any(|e| lower.ends_with(e));
    let mk = |kind: InputKind, cert_like: bool| Sniffed {
        kind,
        cert_like: cert_like || name_cert,
        evtx: false,
        own_report: false,
    };

    if head.starts_with(b"ElfFile\0") {
        return Sniffed {
            kind: InputKind::WindowsDmEvents,
            cert_like: name_cert,
            evtx: true,
            own_report: false,
        };
    }
    if let Some(kind) = der_kind(head, complete) {
        return mk(kind, true);
    }
    let lines = head_lines(head, complete);
    let text = lines.join("\n");
    if let Some(kind) = pem_kind(&text) {
        return mk(kind, true);
    }
    if is_own_report(&lines, &text) {
        return Sniffed {
            own_report: true,
            ..mk(InputKind::Unknown, false)
        };
    }
    mk(text_kind(&lines, &text), false)
}

/// A certdoctor report in any format: its evidence quotes log lines, so reading it as a
/// log would count them twice (a helpdesk may run certdoctor on the app's share bundle).
fn is_own_report(lines: &[String], text: &str) -> bool {
    let first = lines.iter().map(|l| l.trim()).find(|l| !l.is_empty());
    let Some(first) = first else {
        return false;
    };
    // text and markdown: the heading (its tool name is never translated).
    if first
        .trim_start_matches("# ")
        .starts_with("certdoctor \u{2014} ")
    {
        return true;
    }
    // html: the generator meta tag.
    if text.contains("<meta name=\"generator\" content=\"certdoctor ") {
        return true;
    }
    // json: the tool object near the top.
    first.starts_with('{')
        && text.contains("\"schema_version\"")
        && text
            .split_whitespace()
            .collect::<String>()
            .contains("\"tool\":{\"name\":\"certdoctor\"")
}

/// Decodes the head into normalised lines (the last one may be cut when not `complete`).
fn head_lines(head: &[u8], complete: bool) -> Vec<String> {
    let _ = complete;
    let head = &head[..head.len().min(limits::SNIFF_BYTES)];
    let mut out = Vec::new();
    let mut d = LineDecoder::with_max_line(limits::SNIFF_BYTES);
    let mut sink = |_: u64, l: &str| {
        if out.len() < 400 {
            out.push(l.to_string());
        }
    };
    d.push(head, &mut sink);
    d.finish(&mut sink);
    out
}

fn pem_kind(text: &str) -> Option<InputKind> {
    for armour in [
        "-----BEGIN CERTIFICATE",
        "-----BEGIN X509 CERTIFICATE",
        "-----BEGIN TRUSTED CERTIFICATE",
    ] {
        if text.contains(armour) {
            return Some(InputKind::Certificate);
        }
    }
    if text.contains("-----BEGIN PKCS7") {
        return Some(InputKind::Pkcs7);
    }
    None
}

/// A DER SEQUENCE with a long-form (or indefinite) length whose first element is a
/// SEQUENCE (certificate) or an OID (PKCS#7 ContentInfo).
fn der_kind(head: &[u8], complete: bool) -> Option<InputKind> {
    if head.len() < 4 || head[0] != 0x30 {
        return None;
    }
    let (len, hdr) = match head[1] {
        0x80 => (None, 2),
        n @ 0x81..=0x84 => {
            let k = (n - 0x80) as usize;
            let bytes = head.get(2..2 + k)?;
            let v = bytes.iter().fold(0usize, |acc, &b| (acc << 8) | b as usize);
            (Some(v), 2 + k)
        }
        _ => return None,
    };
    let inner = *head.get(hdr)?;
    if inner != 0x30 && inner != 0x06 {
        return None;
    }
    if let Some(len) = len {
        if !(64..=limits::MAX_CERT_FILE_BYTES).contains(&len) {
            return None;
        }
        if complete && hdr + len > head.len() {
            return None;
        }
    }
    let window = &head[..head.len().min(40)];
    if window
        .windows(SIGNED_DATA_OID.len())
        .any(|w| w == SIGNED_DATA_OID)
    {
        Some(InputKind::Pkcs7)
    } else if inner == 0x30 {
        Some(InputKind::Certificate)
    } else {
        None
    }
}

fn has(text: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| text.contains(n))
}

fn text_kind(lines: &[String], text: &str) -> InputKind {
    if text.contains("<E2ETraceEvent") {
        return InputKind::IntuneConnectorSvclog;
    }
    if lines
        .iter()
        .any(|l| l.starts_with("#Fields:") && l.contains("cs-uri-stem"))
    {
        return InputKind::IisW3cLog;
    }
    if let Some(kind) = windows_events(lines, text) {
        return kind;
    }
    if is_certutil_view(lines, text) {
        return InputKind::CertutilView;
    }
    if is_ca_request_list(lines) {
        return InputKind::CaRequestList;
    }
    if lines.iter().any(|l| is_iis_line(l)) {
        return InputKind::IisW3cLog;
    }
    if is_android(lines) {
        return InputKind::AndroidOmadmLog;
    }
    if is_ios(lines, text) {
        return InputKind::IosProfiledLog;
    }
    if has(
        text,
        &[
            "Calling VerifyRequest",
            "Calling Notifyrequest",
            "Verify challenge returns",
            "Exiting VerifyRequest with",
            "Exiting Notify with",
        ],
    ) {
        return InputKind::NdesPluginLog;
    }
    if has(
        text,
        &[
            "VerifyRequest Started.",
            "Validation Phase",
            "CertRegPoint.",
            "IssuePfx",
            "CCertRequest::Submit",
        ],
    ) {
        return InputKind::IntuneConnectorSvclog;
    }
    if lines.iter().any(|l| l.trim_start().starts_with("sscep: "))
        || has(text, &["PKCSReq (19)"])
        || lines
            .iter()
            .any(|l| l.contains("op=PKIOperation") && l.contains("level="))
    {
        return InputKind::ScepTestClientLog;
    }
    // Message-only excerpts: distinctive phrases.
    if has(text, ANDROID_PHRASES) {
        return InputKind::AndroidOmadmLog;
    }
    if has(text, IOS_PHRASES)
        || is_nserror(lines)
        || crate::parsers::ios::names_scep_error_text(text)
    {
        return InputKind::IosProfiledLog;
    }
    if has(text, WINDOWS_PHRASES) {
        return InputKind::WindowsDmEvents;
    }
    if has(text, SERVER_PHRASES) {
        return InputKind::WindowsServerEvents;
    }
    InputKind::Unknown
}

const ANDROID_PHRASES: &[&str] = &[
    "Trying to enroll certificate request:",
    "SCEP cert '",
    "SCEP cert \u{2018}",
    "Root cert '",
    "Root cert \u{2018}",
    "state changed from CERT_",
    "Skipping Wifi profile",
    "cert(s) matched criteria",
    "cert(s) excluded by criteria",
    "as it does not have any purpose EKU",
    "com.microsoft.omadm.",
    "org.jscep.",
];

const IOS_PHRASES: &[&str] = &[
    "Performing synchronous URL request:",
    "GetCACert returned a",
    "Did not receive GetCACaps information",
    "Attempting to retrieve issued certificate",
    "Sending CSR via",
    "Certificate retrieval reported error",
    "Could not retrieve issued certificate",
    "Issued certificate received.",
    "Storing SCEP identity",
    "Cannot retrieve SCEP identity",
    "Rolling back installation of profile",
    "PayloadDependencyDomainCertificate",
    "Sleeping before polling SCEP server",
    "Successfully installed certificate.",
    "MCSCEPErrorDomain",
    "MCInstallationErrorDomain",
    "MCProfileErrorDomain",
    "MCCertificateErrorDomain",
];

const WINDOWS_PHRASES: &[&str] = &[
    "SCEP: CspExecute",
    "SCEP: Certificate request generated",
    "SCEP: Failed LogError",
    "SCEPInstallCertificateWithScepHelper",
    "SCEP: Certificate enroll failed",
    "SCEP: Certificate installed successfully",
    "SCEP: InstallFromRegEntries",
    "SCEPcertinstall.result",
    "SCEPDispositionFailure",
    "SCEP Certificate enrollment initialization",
];

const SERVER_PHRASES: &[&str] = &[
    "The Network Device Enrollment Service",
    "Active Directory Certificate Services denied request",
    "Faulting application name: w3wp.exe",
    "A process serving application pool",
];

const SERVER_PROVIDERS: &[&str] = &[
    "NetworkDeviceEnrollmentService",
    "CertificationAuthority",
    "CertificateConnectors",
    "Microsoft Intune Connector",
    "NDESConnector",
    "w3wp.exe",
    "ASP.NET",
    "Provider Name=\"WAS\"",
    "Provider Name='WAS'",
    ",WAS,",
    "\tWAS\t",
];

/// Windows event exports (§4.2 shapes); `None` when the shape is absent or the provider
/// is neither the device's nor a server's.
fn windows_events(lines: &[String], text: &str) -> Option<InputKind> {
    let csv_header = |l: &str| {
        let n = l.replace('\t', ",");
        n.starts_with("Level,Date and Time,Source,Event ID,Task Category")
    };
    let shape = text.contains("<Event xmlns=")
        || text.contains("<Event xmlns='")
        || lines.iter().any(|l| {
            let t = l.trim_start();
            t.starts_with("Log Name:")
                || t.starts_with("Event ID:")
                || csv_header(t)
                || t.starts_with("SCEP: ")
        });
    if !shape {
        return None;
    }
    let device = text.contains("DeviceManagement-Enterprise-Diagnostic")
        || has(text, WINDOWS_PHRASES)
        || (text.contains("CertEnroll") && text.contains("SCEP"));
    if device {
        return Some(InputKind::WindowsDmEvents);
    }
    let server = has(text, SERVER_PROVIDERS)
        || has(text, SERVER_PHRASES)
        || lines.iter().any(|l| {
            l.trim_start()
                .strip_prefix("Source:")
                .is_some_and(|v| v.trim() == "WAS")
        });
    server.then_some(InputKind::WindowsServerEvents)
}

fn is_certutil_view(lines: &[String], text: &str) -> bool {
    let row = lines.iter().any(|l| {
        l.strip_prefix("Row ")
            .and_then(|r| r.strip_suffix(':'))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
    });
    (row && text.contains("Request Disposition:"))
        || (lines.first().is_some_and(|l| l.trim() == "Schema:") && text.contains("Column Name"))
        || lines.iter().any(|l| l.trim() == "Request Status Code:")
}

/// An MMC "Export List" or `certutil -view csv`: a header row naming ≥3 CA columns in any
/// language of the parser's table, or — headers in another language — a table whose rows
/// hold CA status codes (`0x80094012 (-2146877422 CERTSRV_E_…)`, `0x0 (WIN32: 0)`).
fn is_ca_request_list(lines: &[String]) -> bool {
    use crate::parsers::server::calist;
    let mut rows = lines.iter().filter(|l| !l.trim().is_empty());
    let Some(first) = rows.next() else {
        return false;
    };
    let sep = if first.contains('\t') { '\t' } else { ',' };
    let header = calist::split(first, sep);
    if header.len() >= 3 && calist::is_header(&header) {
        return true;
    }
    header.len() >= 4
        && rows.take(50).any(|l| {
            calist::split(l, sep).len() == header.len()
                && (l.contains("CERTSRV_E_") || l.contains("(WIN32: "))
        })
}

/// A headerless IIS line: GET/POST to an NDES/CRP path, ending with `status substatus win32 [time]`.
fn is_iis_line(l: &str) -> bool {
    if !(l.contains("GET ") || l.contains("POST ")) {
        return false;
    }
    if !(l.contains("/certsrv/mscep/") || l.contains("/CertificateRegistrationSvc/")) {
        return false;
    }
    let nums: Vec<&str> = l.split_whitespace().rev().take(4).collect();
    let is_num = |s: &&str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    let tail: Vec<bool> = nums.iter().map(is_num).collect();
    // `status substatus win32 time` or `status substatus win32`.
    let status_at = |i: usize| nums.get(i).is_some_and(|s| s.len() == 3 && is_num(s));
    (tail.len() == 4 && tail.iter().all(|b| *b) && status_at(3))
        || (tail.len() >= 3 && tail[..3].iter().all(|b| *b) && status_at(2))
}

fn is_android(lines: &[String]) -> bool {
    let mut n = 0;
    for l in lines {
        if let Some(h) = crate::parsers::android::parse_header(l) {
            if h.class.starts_with("com.microsoft.omadm.") || h.class.starts_with("org.jscep.") {
                return true;
            }
            n += 1;
            if n >= 3 {
                return true;
            }
        }
    }
    false
}

const IOS_TYPES: [&str; 5] = ["default", "info", "debug", "error", "fault"];

fn is_time_of_day(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 8
        && b[2] == b':'
        && b[5] == b':'
        && [0, 1, 3, 4, 6, 7].iter().all(|&i| b[i].is_ascii_digit())
        && (b.len() == 8 || b[8] == b'.')
}

fn is_ymd(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// A §3.1 line shape (Console copy, `log show` styles, legacy syslog).
fn ios_shape(l: &str) -> bool {
    let mut it = l.split_whitespace();
    let (Some(a), Some(b)) = (it.next(), it.next()) else {
        return false;
    };
    if IOS_TYPES.iter().any(|t| a.eq_ignore_ascii_case(t)) && is_time_of_day(b) {
        return true;
    }
    if is_ymd(a) && is_time_of_day(b) {
        return true;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    if MONTHS.contains(&a) && b.bytes().all(|c| c.is_ascii_digit()) {
        return it.next().is_some_and(is_time_of_day);
    }
    false
}

fn is_nserror(lines: &[String]) -> bool {
    lines.iter().any(|l| l.trim() == "NSError:")
        && lines
            .iter()
            .any(|l| l.starts_with("Domain") && l.contains("ErrorDomain"))
}

fn is_ios(lines: &[String], text: &str) -> bool {
    let shape = lines.iter().any(|l| ios_shape(l)) || is_nserror(lines);
    if !shape {
        return false;
    }
    let mc_domain = text.match_indices("ErrorDomain").any(|(i, _)| {
        let start = text[..i]
            .rfind(|c: char| !c.is_ascii_alphanumeric())
            .map(|j| j + text[j..].chars().next().map_or(1, char::len_utf8))
            .unwrap_or(0);
        text[start..i].starts_with("MC")
    });
    text.contains("profiled")
        || mc_domain
        || text.contains("windowsintune.com")
        || has(text, IOS_PHRASES)
}

#[cfg(test)]
mod tests {
    use super::*;

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
            sniff("t.txt", b"see: SCEP cert 'ModelName=AC_1%2FLogicalName_2;Hash=3' state changed from A to B\n", true).kind,
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
}
