//! Every report-level bound of `limits.rs`, hit on purpose through the public session:
//! the report keeps at most the bound and its notices say how much was left out.
//! (The line cap, the event cap and the zip bounds are tested next to the decoder, the
//! parsers and the CLI's bundle reader.)

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use certdoctor_core::limits::{
    MAX_CERTIFICATES, MAX_EVIDENCE_PER_FINDING, MAX_FINDINGS, MAX_TIMELINE,
};
use certdoctor_core::{Lang, Options, Report, Session};

mod common;
use common::pem_of;

fn session(lang: Lang) -> Session {
    Session::new(Options {
        now: time::OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("constant"),
        redact: true,
        lang,
    })
}

fn notices_with(report: &Report, needle: &str) -> Vec<String> {
    report
        .notices
        .iter()
        .filter(|n| n.contains(needle))
        .cloned()
        .collect()
}

/// PEM certificates, one per serial: a DER leaf whose issuer is not in the set
/// (`openssl-sha1-leaf.pem`) with the serial number's last four bytes set to each value,
/// so distinct certificates with no chain to verify.
fn pem_bundle(serials: std::ops::Range<u32>) -> Vec<u8> {
    let pem = include_str!("../../tests/fixtures/certs/openssl-sha1-leaf.pem");
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let mut der = STANDARD.decode(b64).expect("base64");
    // TBSCertificate: [0] version (A0 03 02 01 02), then the serial (02 len bytes).
    let at = der
        .windows(6)
        .position(|w| w == [0xA0, 0x03, 0x02, 0x01, 0x02, 0x02])
        .expect("v3 certificate");
    let len = der[at + 6] as usize;
    assert!(len >= 4, "serial of at least 4 bytes");
    let end = at + 7 + len;
    let mut out = String::new();
    for i in serials {
        der[end - 4..end].copy_from_slice(&i.to_be_bytes());
        out.push_str(&pem_of(&der));
    }
    out.into_bytes()
}

/// A Company Portal log whose one enrollment retries GetCACert `n` times, each answered
/// by HTTP 500 on its own line: `n` timeline entries and `n` distinct pieces of evidence.
fn android_retries(n: u32) -> Vec<u8> {
    let class = "org.jscep.transport.UrlConnectionGetTransport";
    let url = "https://certs.example.com/certsrv/mscep/mscep.dll?operation=GetCACert&message=ca";
    let mut log = String::from(
        "2018-09-04T08:30:19.5520000  VERB  Event  com.microsoft.omadm.platforms.android.certmgr.CertificateEnrollmentManager  8812     7  There are 1 requests\n\
         2018-09-04T08:30:19.5530000  VERB  Event  com.microsoft.omadm.platforms.android.certmgr.CertificateEnrollmentManager  8812     7  Trying to enroll certificate request: ModelName=AC_1%2FLogicalName_2;Hash=-7\n",
    );
    for i in 0..n {
        let (m, s) = (i / 60 % 60, i % 60);
        log.push_str(&format!(
            "2018-09-04T09:{m:02}:{s:02}.0000000  VERB  Event  {class}  8812     7  Received '500 Internal Server Error' when sending GetCACert(ca) to {url}\n"
        ));
    }
    log.into_bytes()
}

#[test]
fn certificates_and_findings_beyond_the_caps_are_counted() {
    // Findings one such certificate gives on its own (weak signature, chain …).
    let mut one = session(Lang::En);
    one.add_bytes("one.pem", &pem_bundle(0..1));
    let per_certificate = one.finish().findings.len();
    assert!(per_certificate > 0);

    // Two stores that each fit the per-file cap but not the per-report one together.
    let half = MAX_CERTIFICATES as u32 / 2 + 2;
    let mut s = session(Lang::En);
    s.add_bytes("store-a.pem", &pem_bundle(0..half));
    s.add_bytes("store-b.pem", &pem_bundle(half..2 * half));
    let r = s.finish();

    assert_eq!(r.certificates.len(), MAX_CERTIFICATES);
    assert_eq!(
        notices_with(&r, "certificates beyond"),
        [format!(
            "4 certificates beyond the limit of {MAX_CERTIFICATES} per report were not kept"
        )]
    );
    assert_eq!(r.findings.len(), MAX_FINDINGS);
    let omitted = per_certificate * MAX_CERTIFICATES - MAX_FINDINGS;
    assert_eq!(
        notices_with(&r, "findings beyond"),
        [format!(
            "{omitted} less severe findings beyond the limit of {MAX_FINDINGS} per report are not listed."
        )]
    );
}

#[test]
fn timeline_and_evidence_beyond_the_caps_are_counted() {
    // Timeline entries of the log apart from its retries (request count, enrollment).
    let mut small = session(Lang::En);
    small.add_bytes("OMADM.log", &android_retries(10));
    let small = small.finish();
    let others = small.timeline.len() - 10;
    assert!(small.notices.is_empty(), "{:?}", small.notices);

    let retries = MAX_TIMELINE as u32 + 50;
    for (lang, timeline_notice, evidence_notice) in [
        (
            Lang::En,
            format!(
                "{} earlier timeline entries beyond the limit of {MAX_TIMELINE} are not listed.",
                retries as usize + others - MAX_TIMELINE
            ),
            format!(
                "SCEP_SERVER_UNREACHABLE: {} more pieces of evidence beyond the limit of {MAX_EVIDENCE_PER_FINDING} per finding are not listed.",
                retries as usize - MAX_EVIDENCE_PER_FINDING
            ),
        ),
        (
            Lang::ZhHant,
            format!(
                "另有 {} 筆較早的時間軸項目超過 {MAX_TIMELINE} 筆的上限，未列出。",
                retries as usize + others - MAX_TIMELINE
            ),
            format!(
                "SCEP_SERVER_UNREACHABLE：另有 {} 筆證據超過每項發現 {MAX_EVIDENCE_PER_FINDING} 筆的上限，未列出。",
                retries as usize - MAX_EVIDENCE_PER_FINDING
            ),
        ),
    ] {
        let mut s = session(lang);
        s.add_bytes("OMADM.log", &android_retries(retries));
        let r = s.finish();
        assert_eq!(r.timeline.len(), MAX_TIMELINE);
        // The latest entries are kept: the last retry is the last entry.
        let last = r.timeline.last().expect("timeline");
        assert!(
            last.time.as_deref().is_some_and(|t| t.contains("09:34:09")),
            "{:?}",
            last.time
        );
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].evidence.len(), MAX_EVIDENCE_PER_FINDING);
        assert_eq!(r.notices, [timeline_notice, evidence_notice]);
    }
}
