//! The probe through the core: exchanges as a transport would hand them over (bodies made
//! by rcgen and a small PKCS#7 encoder at test time, fixed timings) → report.

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use time::macros::datetime;

use super::*;
use crate::contract::{Severity, Verdict};
use crate::evidence::probe::{HttpAnswer, TlsProblem, TransportFailure};
use crate::report::{Format, Lang};
use crate::session::Session;

const URL: &str = "https://ndes.contoso.com/certsrv/mscep/mscep.dll";

fn options(redact: bool) -> Options {
    Options {
        now: datetime!(2026-06-01 00:00 UTC),
        redact,
        lang: Lang::En,
    }
}

/// DER TLV with a definite length.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes = n.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend(&bytes[skip..]);
    }
    out.extend(content);
    out
}

/// A PKCS#7 certs-only (degenerate SignedData) holding `certs`.
pub(crate) fn pkcs7(certs: &[&[u8]]) -> Vec<u8> {
    const SIGNED_DATA: [u8; 11] = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ];
    const DATA: [u8; 11] = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
    ];
    let signed = tlv(
        0x30,
        &[
            &[0x02, 0x01, 0x01][..],
            &tlv(0x31, &[]),
            &tlv(0x30, &DATA),
            &tlv(0xa0, &certs.concat()),
            &tlv(0x31, &[]),
        ]
        .concat(),
    );
    tlv(0x30, &[&SIGNED_DATA[..], &tlv(0xa0, &signed)].concat())
}

struct Pki {
    ca: Vec<u8>,
    sign: Vec<u8>,
    enc: Vec<u8>,
    ca_params: CertificateParams,
    ca_key: KeyPair,
}

const REQUEST_AGENT: &[u64] = &[1, 3, 6, 1, 4, 1, 311, 20, 2, 1];

fn ra(
    pki_ca: (&CertificateParams, &KeyPair),
    cn: &str,
    usage: Option<KeyUsagePurpose>,
    agent: bool,
    until: (i32, u8, u8),
) -> Vec<u8> {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.not_before = rcgen::date_time_ymd(2026, 1, 1);
    p.not_after = rcgen::date_time_ymd(until.0, until.1, until.2);
    p.key_usages = usage.into_iter().collect();
    if agent {
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::Other(REQUEST_AGENT.to_vec())];
    } else {
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    }
    let key = KeyPair::generate().unwrap();
    let issuer = Issuer::from_params(pki_ca.0, pki_ca.1);
    p.signed_by(&key, &issuer).unwrap().der().to_vec()
}

fn pki() -> Pki {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name
        .push(DnType::CommonName, "Contoso Issuing CA");
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.not_before = rcgen::date_time_ymd(2025, 1, 1);
    p.not_after = rcgen::date_time_ymd(2035, 1, 1);
    let key = KeyPair::generate().unwrap();
    let ca = p.self_signed(&key).unwrap().der().to_vec();
    let sign = ra(
        (&p, &key),
        "NDES01-MSCEP-RA",
        Some(KeyUsagePurpose::DigitalSignature),
        true,
        (2028, 1, 1),
    );
    let enc = ra(
        (&p, &key),
        "NDES01-MSCEP-RA",
        Some(KeyUsagePurpose::KeyEncipherment),
        true,
        (2028, 1, 1),
    );
    Pki {
        ca,
        sign,
        enc,
        ca_params: p,
        ca_key: key,
    }
}

fn answer(status: u16, ct: &str, body: &[u8]) -> ExchangeResult {
    ExchangeResult::Answer(HttpAnswer {
        status,
        content_type: Some(ct.to_string()).filter(|c| !c.is_empty()),
        location: None,
        body: body.to_vec(),
        truncated: false,
    })
}

fn exchange(op: ProbeOperation, result: ExchangeResult) -> ProbeExchange {
    ProbeExchange {
        operation: op,
        url: ScepUrl::parse(URL).unwrap().request(op),
        millis: 12,
        tls: Some(TlsObservation {
            peer_chain: Vec::new(),
            protocol: Some("TLSv1.3".into()),
            problem: None,
        }),
        result,
    }
}

const CAPS: &[u8] = b"POSTPKIOperation\r\nRenewal\r\nSHA-512\r\nSHA-256\r\nSHA-1\r\nDES3\r\n";

fn run(exchanges: Vec<ProbeExchange>, thumbprint: Option<&str>) -> Report {
    probe_report(
        ProbeInput {
            url: URL.into(),
            expected_ca_thumbprint: thumbprint.map(str::to_string),
            exchanges,
        },
        &options(true),
    )
    .unwrap()
}

fn working(pki: &Pki, reply: Vec<u8>) -> Vec<ProbeExchange> {
    vec![
        exchange(ProbeOperation::GetCaCaps, answer(200, "text/plain", CAPS)),
        exchange(
            ProbeOperation::GetCaCert,
            answer(200, "application/x-x509-ca-ra-cert", &reply),
        ),
    ]
    .into_iter()
    .map(|mut e| {
        e.tls.as_mut().unwrap().peer_chain = vec![pki.ca.clone()];
        e
    })
    .collect()
}

fn ids(r: &Report) -> Vec<(&'static str, Severity)> {
    r.findings
        .iter()
        .map(|f| (f.id.as_str(), f.severity))
        .collect()
}

#[test]
fn a_working_ndes_is_inconclusive_and_working() {
    let pki = pki();
    let reply = pkcs7(&[&pki.sign, &pki.enc, &pki.ca]);
    let r = run(working(&pki, reply.clone()), None);
    assert_eq!(ids(&r), vec![]);
    assert_eq!(r.verdict, Verdict::Inconclusive);
    let p = r.probe.as_ref().unwrap();
    assert!(p.working);
    assert_eq!(p.requests.len(), 2);
    assert_eq!(p.requests[1].status, Some(200));
    assert_eq!(p.requests[1].size, reply.len() as u64);
    assert_eq!(p.requests[0].millis, 12);
    assert_eq!(p.capabilities[0], "POSTPKIOperation");
    assert_eq!(p.ra.len(), 2);
    assert!(p.ra[0].signing && !p.ra[0].encryption);
    assert!(!p.ra[1].signing && p.ra[1].encryption);
    let ca = r
        .certificates
        .iter()
        .find(|c| Some(&c.sha256) == p.ca.as_ref())
        .unwrap();
    assert_eq!(ca.subject, "CN=Contoso Issuing CA");
    assert_eq!(p.tls.as_ref().unwrap().result, "ok");
    // The host is a token everywhere; the path and the operation stay.
    assert!(p.url.starts_with("https://‹host-") && p.url.ends_with("/certsrv/mscep/mscep.dll"));
    assert!(r.summary.contains("‹host-"), "{}", r.summary);
    let json = r.render(Format::Json);
    assert!(!json.contains("contoso.com"), "{json}");
    assert!(json.contains("operation=GetCACert"));
    // Same answers and now: same bytes.
    assert_eq!(json, run(working(&pki, reply), None).render(Format::Json));
    let text = r.render(Format::Text);
    assert!(text.contains("SCEP server test"), "{text}");
    assert!(text.contains("RA: CN=‹person-"), "{text}");
    // No input was read: no empty Inputs section in any layout.
    assert!(!text.contains("\nInputs\n"), "{text}");
    assert!(!r.render(Format::Markdown).contains("## Inputs"));
    let html = r.render(Format::Html);
    assert!(!html.contains("id=\"inputs\"") && html.contains("id=\"probe\""));
}

#[test]
fn dns_failure_of_both_operations_is_one_unreachable_finding() {
    let failed = || ExchangeResult::Failed {
        failure: TransportFailure::Dns,
        reason: "failed to lookup address information: Name or service not known".into(),
    };
    let mut ex = vec![
        exchange(ProbeOperation::GetCaCaps, failed()),
        exchange(ProbeOperation::GetCaCert, failed()),
    ];
    for e in &mut ex {
        e.tls = None;
    }
    let r = run(ex, None);
    assert_eq!(ids(&r), vec![("SCEP_SERVER_UNREACHABLE", Severity::Error)]);
    assert_eq!(r.findings[0].step, 2);
    assert_eq!(r.findings[0].evidence.len(), 2);
    assert!(
        r.findings[0].detail.contains("did not resolve"),
        "{}",
        r.findings[0].detail
    );
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(!r.probe.as_ref().unwrap().working);
    assert!(r.probe.as_ref().unwrap().tls.is_none());
}

#[test]
fn http_statuses_html_and_tls_problems() {
    let pki = pki();
    let mut ex = working(&pki, pkcs7(&[&pki.sign, &pki.enc, &pki.ca]));
    ex[1].result = answer(404, "text/html", b"<html><title>404</title></html>");
    let r = run(ex, None);
    assert_eq!(ids(&r), vec![("SCEP_SERVER_UNREACHABLE", Severity::Error)]);
    assert!(r.findings[0].detail.contains("HTTP 404"));

    let mut ex = working(&pki, Vec::new());
    ex[1].result = answer(
        200,
        "text/html",
        b"<!DOCTYPE html><html><head><title>Sign in</title></head></html>",
    );
    let r = run(ex, None);
    assert_eq!(
        ids(&r),
        vec![("SCEP_SERVER_INVALID_RESPONSE", Severity::Error)]
    );
    assert!(r.findings[0].detail.contains("HTML page (Sign in)"));

    let mut ex = working(&pki, Vec::new());
    for e in &mut ex {
        e.result = ExchangeResult::Failed {
            failure: TransportFailure::Tls(TlsProblem::Expired),
            reason: "invalid peer certificate: Expired".into(),
        };
        e.tls.as_mut().unwrap().problem = Some(TlsProblem::Expired);
    }
    let r = run(ex, None);
    assert_eq!(ids(&r), vec![("SCEP_SERVER_UNREACHABLE", Severity::Error)]);
    assert!(r.findings[0].detail.contains("has expired"));
    let tls = r.probe.as_ref().unwrap().tls.as_ref().unwrap();
    assert_eq!(tls.result, "expired");
    assert_eq!(tls.peer_certificates[0].issuer, "CN=Contoso Issuing CA");
}

#[test]
fn reply_shapes_ra_usages_expiry_and_thumbprint() {
    let pki = pki();
    // A PKCS#7 without an RA.
    let r = run(working(&pki, pkcs7(&[&pki.ca])), None);
    assert_eq!(
        ids(&r),
        vec![("SCEP_SERVER_INVALID_RESPONSE", Severity::Error)]
    );
    // A single CA certificate: a SCEP CA without an RA answers so.
    let r = run(working(&pki, pki.ca.clone()), None);
    assert_eq!(ids(&r), vec![]);
    assert!(r.probe.as_ref().unwrap().working);

    // An expired RA.
    let ca = (&pki.ca_params, &pki.ca_key);
    let old = ra(
        ca,
        "Old RA",
        Some(KeyUsagePurpose::KeyEncipherment),
        true,
        (2026, 3, 1),
    );
    let r = run(working(&pki, pkcs7(&[&pki.sign, &old, &pki.ca])), None);
    assert_eq!(ids(&r), vec![("CERT_EXPIRED", Severity::Error)]);
    assert_eq!(r.findings[0].step, 2);

    // An RA lacking its usages and the agent EKU.
    let bare = ra(
        ca,
        "Bare RA",
        Some(KeyUsagePurpose::CrlSign),
        false,
        (2028, 1, 1),
    );
    let r = run(working(&pki, pkcs7(&[&bare, &pki.ca])), None);
    assert_eq!(
        ids(&r),
        vec![
            ("SCEP_RA_CERT_UNUSABLE", Severity::Error),
            ("SCEP_RA_CERT_UNUSABLE", Severity::Error),
            ("SCEP_RA_NOT_REQUEST_AGENT", Severity::Warning),
        ]
    );
    let ra_entry = &r.probe.as_ref().unwrap().ra[0];
    assert_eq!(ra_entry.key_usage, vec!["crl_sign"]);

    // The thumbprint: the CA's SHA-1 in any spelling matches; another does not.
    let reply = pkcs7(&[&pki.sign, &pki.enc, &pki.ca]);
    let r = run(working(&pki, reply.clone()), None);
    let sha1 = r
        .certificates
        .iter()
        .find(|c| c.subject_cn.as_deref() == Some("Contoso Issuing CA"))
        .unwrap()
        .sha1
        .clone();
    let spaced: String = sha1
        .as_bytes()
        .chunks(2)
        .map(|p| std::str::from_utf8(p).unwrap().to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(
        ids(&run(working(&pki, reply.clone()), Some(&spaced))),
        vec![]
    );
    let other = "00".repeat(20);
    let r = run(working(&pki, reply), Some(&other));
    assert_eq!(
        ids(&r),
        vec![("SCEP_CA_THUMBPRINT_MISMATCH", Severity::Error)]
    );
    assert_eq!(
        r.probe.as_ref().unwrap().expected_ca_thumbprint.as_deref(),
        Some(other.as_str())
    );
}

#[test]
fn capabilities_redirects_and_bodies() {
    let pki = pki();
    let reply = pkcs7(&[&pki.sign, &pki.enc, &pki.ca]);
    let mut ex = working(&pki, reply.clone());
    ex[0].result = answer(200, "text/plain", b"SHA-1\nDES\n");
    let r = run(ex, None);
    assert_eq!(ids(&r), vec![("SCEP_CAPABILITIES_WEAK", Severity::Warning)]);
    assert!(
        r.probe.as_ref().unwrap().working,
        "a warning keeps it working"
    );
    assert!(
        r.findings[0]
            .detail
            .contains("SHA-256, AES/DES3, POSTPKIOperation")
    );

    let mut ex = working(&pki, reply.clone());
    ex[0].result = answer(200, "text/plain", b"");
    assert_eq!(
        ids(&run(ex, None)),
        vec![("SCEP_SERVER_INVALID_RESPONSE", Severity::Error)]
    );

    // A redirect loop: four hops of GetCACert, the last still a redirect.
    let mut ex = working(&pki, reply.clone());
    ex.pop();
    for _ in 0..4 {
        let mut e = exchange(ProbeOperation::GetCaCert, answer(302, "", b""));
        if let ExchangeResult::Answer(a) = &mut e.result {
            a.location = Some("/certsrv/mscep/mscep.dll?operation=GetCACert&message=CA".into());
        }
        ex.push(e);
    }
    let r = run(ex, None);
    assert_eq!(ids(&r), vec![("SCEP_SERVER_UNREACHABLE", Severity::Error)]);
    assert!(
        r.findings[0].detail.contains("more than 3 times"),
        "{}",
        r.findings[0].detail
    );
    assert_eq!(r.probe.as_ref().unwrap().requests.len(), 5);

    // https → http.
    let mut ex = working(&pki, reply.clone());
    if let ExchangeResult::Answer(a) = &mut ex[1].result {
        a.status = 301;
        a.location = Some("http://ndes.contoso.com/certsrv/mscep/mscep.dll".into());
    }
    let r = run(ex, None);
    assert!(r.findings[0].detail.contains("from https to http"));

    // A body beyond the cap is cut by the core too, and named.
    let mut ex = working(&pki, reply);
    ex[1].result = answer(
        200,
        "application/octet-stream",
        &vec![b'A'; limits::MAX_PROBE_BODY_BYTES + 10],
    );
    let r = run(ex, None);
    assert_eq!(
        ids(&r),
        vec![("SCEP_SERVER_INVALID_RESPONSE", Severity::Error)]
    );
    let q = &r.probe.as_ref().unwrap().requests[1];
    assert!(q.truncated && q.size == limits::MAX_PROBE_BODY_BYTES as u64);
}

#[test]
fn bad_input_is_a_clear_error() {
    let input = |url: &str, thumb: Option<&str>, n: usize| ProbeInput {
        url: url.into(),
        expected_ca_thumbprint: thumb.map(str::to_string),
        exchanges: vec![exchange(ProbeOperation::GetCaCaps, answer(200, "", CAPS)); n],
    };
    let err = |i| probe_report(i, &options(false)).unwrap_err().to_string();
    assert!(err(input("ndes.contoso.com", None, 1)).contains("https:// or http://"));
    assert!(err(input(URL, Some("12345"), 1)).contains("40 (SHA-1) or 64 (SHA-256)"));
    assert!(err(input(URL, None, 0)).contains("no request was made"));
    assert!(err(input(URL, None, 9)).contains("9 requests"));
    assert_eq!(
        plan(URL).unwrap().requests[0].1,
        "https://ndes.contoso.com/certsrv/mscep/mscep.dll?operation=GetCACaps&message=CA"
    );
}

#[test]
fn without_redaction_the_url_is_shown() {
    let pki = pki();
    let r = probe_report(
        ProbeInput {
            url: URL.into(),
            expected_ca_thumbprint: None,
            exchanges: working(&pki, pkcs7(&[&pki.sign, &pki.enc, &pki.ca])),
        },
        &options(false),
    )
    .unwrap();
    assert_eq!(r.probe.as_ref().unwrap().url, URL);
    assert!(!r.redaction.applied);
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../tests/fixtures/android/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).unwrap()
}

#[test]
fn a_probe_joins_a_diagnosis_with_one_redaction() {
    // The Android log names https://scep.litware-example.org/…; the probe of the same
    // host answers 500: one report, one token for the host in both parts.
    let url = "https://scep.litware-example.org/certsrv/mscep/mscep.dll";
    let mut session = Session::new(options(true));
    session.add_bytes("OMADM.log", &fixture("omadm-ndes-http-500.log"));
    assert_eq!(session.scep_url().as_deref(), Some(url));
    let target = plan(url).unwrap();
    let mut e = exchange(
        ProbeOperation::GetCaCaps,
        answer(500, "text/html", b"<html/>"),
    );
    e.url = target.requests[0].1.clone();
    e.tls = None;
    session
        .add_probe(ProbeInput {
            url: url.into(),
            expected_ca_thumbprint: None,
            exchanges: vec![e],
        })
        .unwrap();
    let r = session.finish();
    assert_eq!(r.verdict, Verdict::Failed);
    let p = r.probe.as_ref().unwrap();
    assert!(!p.working);
    let host_token = |s: &str| {
        let i = s.find("‹host-").unwrap();
        s[i..i + "‹host-000000›".len()].to_string()
    };
    let from_probe = host_token(&p.url);
    let from_log = host_token(
        &r.timeline
            .iter()
            .find(|t| t.text.contains("‹host-"))
            .map(|t| t.text.clone())
            .unwrap_or_else(|| {
                r.findings
                    .iter()
                    .flat_map(|f| f.evidence.iter())
                    .find(|e| e.text.contains("‹host-"))
                    .unwrap()
                    .text
                    .clone()
            }),
    );
    assert_eq!(from_probe, from_log);
    let unreachable = r
        .findings
        .iter()
        .filter(|f| f.id.as_str() == "SCEP_SERVER_UNREACHABLE")
        .count();
    assert_eq!(unreachable, 2, "the log's and the probe's");
}

#[test]
fn a_working_probe_keeps_a_delivered_verdict() {
    let pki = pki();
    let mut session = Session::new(options(false));
    session.add_bytes("OMADM.log", &fixture("omadm-success.log"));
    let before = {
        let mut s = Session::new(options(false));
        s.add_bytes("OMADM.log", &fixture("omadm-success.log"));
        s.finish()
    };
    session
        .add_probe(ProbeInput {
            url: URL.into(),
            expected_ca_thumbprint: None,
            exchanges: working(&pki, pkcs7(&[&pki.sign, &pki.enc, &pki.ca])),
        })
        .unwrap();
    let r = session.finish();
    assert_eq!(r.verdict, Verdict::Delivered);
    assert_eq!(r.summary, before.summary);
    assert_eq!(r.findings.len(), before.findings.len());
    assert!(r.probe.as_ref().unwrap().working);
    assert_eq!(r.certificates.len(), before.certificates.len() + 3);
    // A bad probe input is refused when added, not when finishing.
    let mut s = Session::new(options(false));
    assert!(
        s.add_probe(ProbeInput {
            url: "ndes".into(),
            expected_ca_thumbprint: None,
            exchanges: vec![],
        })
        .is_err()
    );
}

#[cfg(feature = "unified-log")]
#[test]
fn the_ca_thumbprint_of_the_profile_in_the_evidence_is_checked_when_none_is_given() {
    // The sysdiagnose's profile stub names CAFingerprint 0011…2233; the probed NDES
    // answers with another CA: the mismatch is found without --ca-thumbprint.
    let pki = pki();
    let stub = std::fs::read(format!(
        "{}/../tests/fixtures/mcstate/profile-scep.stub",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let probed = |expected: Option<&str>| {
        let mut session = Session::new(options(false));
        session.add_bytes("s!/logs/MCState/Shared/profile-scep.stub", &stub);
        session
            .add_probe(ProbeInput {
                url: URL.into(),
                expected_ca_thumbprint: expected.map(str::to_string),
                exchanges: working(&pki, pkcs7(&[&pki.sign, &pki.enc, &pki.ca])),
            })
            .unwrap();
        session.finish()
    };
    let r = probed(None);
    let mismatch: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.id.as_str() == "SCEP_CA_THUMBPRINT_MISMATCH")
        .collect();
    assert_eq!(mismatch.len(), 1, "{:?}", r.findings);
    assert!(
        mismatch[0]
            .detail
            .contains("00112233445566778899AABBCCDDEEFF00112233"),
        "{}",
        mismatch[0].detail
    );
    // A thumbprint given by the caller wins over the evidence's.
    let ca_sha1 = crate::parsers::certs::certificate_from_der(&pki.ca)
        .unwrap()
        .sha1;
    let r = probed(Some(&ca_sha1));
    assert!(
        !r.findings
            .iter()
            .any(|f| f.id.as_str() == "SCEP_CA_THUMBPRINT_MISMATCH"),
        "{:?}",
        r.findings
    );
}
