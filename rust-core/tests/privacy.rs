//! Privacy as a tested guarantee (report-contract.md § Privacy): values planted in the input
//! never appear in any output format (text, markdown, HTML, JSON; both languages) unless
//! redaction is off; tokens are stable within a report, keyed by the input, and not a plain
//! hash of the value.
//!
//! Three layers: the redaction of a report holding every kind of value in every free-text
//! field; the token properties; and the whole pipeline over every fixture under
//! `tests/fixtures/` plus `tests/fixtures/privacy/android-planted.log` and a leaf
//! certificate made here with rcgen.

use std::path::{Path, PathBuf};

use certdoctor_core::diagnosis::{FindingId, Severity};
use certdoctor_core::evidence::{CertRole, Certificate, KeyAlgorithm, KeyInfo, Platform};
use certdoctor_core::input::InputKind;
use certdoctor_core::redaction::{Kind, Redactor, redact_report};
use certdoctor_core::report::{
    CertificateEntry, EnrollmentEntry, EnrollmentIds, EvidenceEntry, FindingEntry, InputEntry,
    InputStatus, RedactionInfo, TimelineEntry, Tool,
};
use certdoctor_core::{Format, Lang, Options, Report, Session, Verdict};
use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const FORMATS: [Format; 4] = [Format::Text, Format::Markdown, Format::Html, Format::Json];

/// Every value planted in `android-planted.log` and the rcgen certificate.
const PLANTED: &[&str] = &[
    "Mei-Ling Chen",
    "mei-ling.chen@fabrikam-example.com",
    "meiling.chen@fabrikam-example.onmicrosoft.com",
    "ndes01.fabrikam-example.com",
    "192.168.77.23",
    "2001:db8:85a3::8a2e:370:7334",
    "6c5b4a39-2817-4f6e-9d5c-4b3a29180f7e",
    "0a1b2c3d_4e5f_4a6b_8c7d_9e0f1a2b3c4d",
    "9f8e7d6c-5b4a-4321-8fed-cba987654321",
    "S-1-12-1-3314920871-1093226812-1451992186-2240771905",
    "356938035643809",
    "Zq8Lw2Rx7Tn4Vb1M",
    "Hq3Nf8Vd2Lp6Wc",
    "QvRt5518Kd",
    "FAB-LT-0042",
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn renders(report: &Report) -> Vec<(Format, String)> {
    FORMATS.iter().map(|f| (*f, report.render(*f))).collect()
}

fn assert_clean(what: &str, report: &Report) {
    for (format, out) in renders(report) {
        for v in PLANTED {
            assert!(
                !out.contains(v),
                "{what}: {v:?} appears in the {format:?} output"
            );
        }
        // HTML escapes quotes and ampersands; check the escaped forms too.
        if format == Format::Html {
            for v in PLANTED {
                let esc = v.replace('&', "&amp;");
                assert!(!out.contains(&esc), "{what}: {v:?} appears escaped in HTML");
            }
        }
    }
}

fn leaf_facts() -> Certificate {
    Certificate {
        der: Vec::new(),
        sha256: "AB".repeat(32),
        sha1: "CD".repeat(20),
        serial_hex: "0102030405".into(),
        subject: "CN=Mei-Ling Chen, E=mei-ling.chen@fabrikam-example.com, O=Fabrikam".into(),
        subject_cn: Some("Mei-Ling Chen".into()),
        issuer: "CN=Fabrikam Issuing CA".into(),
        issuer_cn: Some("Fabrikam Issuing CA".into()),
        subject_der: Vec::new(),
        issuer_der: Vec::new(),
        not_before: time::macros::datetime!(2026-01-01 0:00 UTC),
        not_after: time::macros::datetime!(2027-01-01 0:00 UTC),
        key: KeyInfo {
            algorithm: KeyAlgorithm::Rsa,
            bits: Some(2048),
        },
        signature_algorithm: "sha256WithRSAEncryption".into(),
        extended_key_usage: Some(vec!["client_auth".into()]),
        key_usage: None,
        subject_alt_names: vec![
            "upn:meiling.chen@fabrikam-example.onmicrosoft.com".into(),
            "email:mei-ling.chen@fabrikam-example.com".into(),
        ],
        template: None,
        is_ca: Some(false),
        subject_key_id: None,
        authority_key_id: None,
        sources: vec!["certs/user.pem".into()],
    }
}

/// A report as `build` makes it, with planted values where the pipeline puts log text.
fn planted_report(lang: Lang) -> Report {
    let log_line = "User: Mei-Ling Chen signed in as mei-ling.chen@fabrikam-example.com (UPN meiling.chen@fabrikam-example.onmicrosoft.com), device IMEI 356938035643809, Computer: FAB-LT-0042, user SID S-1-12-1-3314920871-1093226812-1451992186-2240771905, device ID 9f8e7d6c-5b4a-4321-8fed-cba987654321, Challenge: Hq3Nf8Vd2Lp6Wc";
    let url = "https://ndes01.fabrikam-example.com/certsrv/mscep/mscep.dll?operation=GetCACert&message=ca&challenge=Zq8Lw2Rx7Tn4Vb1M&ref=QvRt5518Kd";
    let profile = "ModelName=AC_6c5b4a39-2817-4f6e-9d5c-4b3a29180f7e%2FLogicalName_0a1b2c3d_4e5f_4a6b_8c7d_9e0f1a2b3c4d;Hash=1677525787";
    let c = leaf_facts();
    Report {
        schema_version: 1,
        tool: Tool {
            name: "certdoctor".into(),
            version: "0.1.0".into(),
        },
        generated_at: "2026-06-01T00:00:00Z".into(),
        verdict: Verdict::Failed,
        summary: "Delivery failed at step 2 (SCEP_SERVER_UNREACHABLE).".into(),
        next_action: "Check NDES.".into(),
        lang: lang.tag().into(),
        platforms: vec![Platform::Android],
        server_components: vec![],
        redaction: RedactionInfo {
            applied: false,
            kinds: vec![],
        },
        inputs: vec![InputEntry {
            path: "logs/OMADM.log".into(),
            kind: InputKind::AndroidOmadmLog,
            status: InputStatus::Error,
            records: 7,
            error: Some("read error near 192.168.77.23 and 2001:db8:85a3::8a2e:370:7334".into()),
        }],
        certificates: vec![CertificateEntry {
            sha256: c.sha256.clone(),
            sha1: c.sha1.clone(),
            serial_hex: c.serial_hex.clone(),
            subject: c.subject.clone(),
            subject_cn: c.subject_cn.clone(),
            issuer: c.issuer.clone(),
            issuer_cn: c.issuer_cn.clone(),
            not_before: "2026-01-01T00:00:00Z".into(),
            not_after: "2027-01-01T00:00:00Z".into(),
            role: CertRole::Leaf,
            key: c.key.clone(),
            signature_algorithm: c.signature_algorithm.clone(),
            extended_key_usage: vec!["client_auth".into()],
            subject_alt_names: c.subject_alt_names.clone(),
            template: None,
            sources: c.sources.clone(),
        }],
        chains: vec![],
        enrollments: vec![EnrollmentEntry {
            platform: Platform::Android,
            profile: Some(profile.into()),
            state: "CERT_ENROLLMENT_FAILED".into(),
            first_seen: None,
            last_seen: None,
            ids: EnrollmentIds::default(),
            management: None,
            steps: vec![],
        }],
        timeline: vec![
            TimelineEntry {
                time: Some("2026-05-31T09:12:03.000".into()),
                source: "logs/OMADM.log:3".into(),
                step: 1,
                event: "note".into(),
                text: log_line.into(),
            },
            TimelineEntry {
                time: Some("2026-05-31T09:12:20.653".into()),
                source: "logs/OMADM.log:5".into(),
                step: 2,
                event: "scep_http_response".into(),
                text: format!("GetCACert answered 500 from {url}"),
            },
        ],
        findings: vec![FindingEntry {
            id: FindingId::ScepServerUnreachable,
            severity: Severity::Error,
            step: 2,
            title: "The device could not reach the SCEP server (NDES)".into(),
            detail:
                "The GetCACert request to ndes01.fabrikam-example.com was answered with HTTP 500."
                    .into(),
            remedy: "Check NDES.".into(),
            certificate: None,
            resolved: false,
            evidence: vec![
                EvidenceEntry {
                    source: "logs/OMADM.log:5".into(),
                    text: format!("Received '500' when sending GetCACert(ca) to {url}"),
                },
                EvidenceEntry {
                    source: "logs/OMADM.log:3".into(),
                    text: log_line.into(),
                },
            ],
            enrollment: Some(profile.into()),
        }],
        notices: vec![],
        probe: None,
    }
}

#[test]
fn every_kind_of_value_is_replaced_in_every_format_and_language() {
    for lang in Lang::ALL {
        let mut r = planted_report(*lang);
        let plain = r.render(Format::Json);
        assert!(
            PLANTED.iter().filter(|v| plain.contains(*v)).count() >= 12,
            "the fixture plants its values"
        );
        let leaf = leaf_facts();
        redact_report(&mut r, &[(&leaf, CertRole::Leaf)], [42; 32]);
        assert_clean(lang.tag(), &r);
        assert!(r.redaction.applied);
        for kind in [
            "person", "email", "upn", "host", "ip", "id", "secret", "query",
        ] {
            assert!(
                r.redaction.kinds.iter().any(|k| k == kind),
                "{kind} missing from {:?}",
                r.redaction.kinds
            );
        }
        // CA names, fingerprints and finding IDs stay visible.
        let json = r.render(Format::Json);
        assert!(json.contains("Fabrikam Issuing CA") && json.contains(&"AB".repeat(32)));
        assert!(json.contains("SCEP_SERVER_UNREACHABLE") && json.contains("operation=GetCACert"));
        // The statement is at the top of every human format.
        for format in [Format::Text, Format::Markdown, Format::Html] {
            let out = r.render(format);
            let statement = out.find("person, email,").unwrap_or_else(|| {
                panic!(
                    "{format:?}: kinds are not listed: {}",
                    &out[..out.len().min(600)]
                )
            });
            let findings = out.find("logs/OMADM.log:5").expect("evidence is shown");
            assert!(
                statement < findings,
                "{format:?} states the redaction before the findings"
            );
        }
    }
}

#[test]
fn tokens_are_stable_keyed_and_not_plain_hashes() {
    let value = "Mei-Ling Chen";
    let token = |key: [u8; 32], text: &str| {
        let mut r = Redactor::new(key);
        r.register(Kind::Person, value);
        r.finish().apply(text)
    };
    let once = token([1; 32], "Mei-Ling Chen met Mei-Ling Chen");
    let t: Vec<&str> = once.split(" met ").collect();
    assert_eq!(t[0], t[1], "same value, same token within a report");
    assert!(
        t[0].starts_with("‹person-") && t[0].ends_with('›'),
        "{}",
        t[0]
    );
    assert_ne!(
        token([1; 32], value),
        token([2; 32], value),
        "another input, another token"
    );
    let plain = hex(&Sha256::digest(value.as_bytes()));
    let plain_kind = hex(&Sha256::digest(format!("person\0{value}").as_bytes()));
    assert!(
        !t[0].contains(&plain[..6]) && !t[0].contains(&plain_kind[..6]),
        "not a plain hash"
    );
}

/// Bytes of a leaf certificate for Mei-Ling Chen (subject CN, e-mail and UPN SANs) and its CA.
fn rcgen_pem() -> String {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, OtherNameValue, SanType,
    };
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.distinguished_name
        .push(DnType::CommonName, "Fabrikam Privacy Test CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).expect("CA");
    let leaf_key = KeyPair::generate().expect("leaf key");
    let mut leaf = CertificateParams::new(Vec::<String>::new()).expect("leaf params");
    leaf.distinguished_name
        .push(DnType::CommonName, "Mei-Ling Chen");
    leaf.subject_alt_names = vec![
        SanType::Rfc822Name(
            "mei-ling.chen@fabrikam-example.com"
                .try_into()
                .expect("ia5"),
        ),
        SanType::OtherName((
            vec![1, 3, 6, 1, 4, 1, 311, 20, 2, 3],
            OtherNameValue::Utf8String("meiling.chen@fabrikam-example.onmicrosoft.com".into()),
        )),
    ];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let issuer = Issuer::from_params(&ca, &ca_key);
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).expect("leaf");
    format!("{}{}", leaf_cert.pem(), ca_cert.pem())
}

fn fixtures(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            fixtures(&p, out);
        } else if !matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "json")) {
            out.push(p);
        }
    }
}

fn session_report(inputs: &[(String, Vec<u8>)], redact: bool, lang: Lang) -> Report {
    let now = time::macros::datetime!(2026-06-01 0:00 UTC);
    let mut s = Session::new(Options { now, redact, lang });
    for (path, bytes) in inputs {
        s.add_bytes(path, bytes);
    }
    s.finish()
}

#[test]
fn the_pipeline_hides_planted_values_in_every_fixture_and_format() {
    let planted = repo().join("tests/fixtures/privacy/android-planted.log");
    let pem = rcgen_pem();
    let mut files = Vec::new();
    fixtures(&repo().join("tests/fixtures"), &mut files);
    assert!(files.contains(&planted), "the privacy fixture exists");
    for file in &files {
        let name = file
            .strip_prefix(repo())
            .unwrap_or(file)
            .display()
            .to_string();
        let bytes = std::fs::read(file).expect("fixture");
        let mut inputs = vec![(name.clone(), bytes)];
        if file == &planted {
            inputs.push(("certs/mei-ling.pem".into(), pem.clone().into_bytes()));
        }
        for lang in Lang::ALL {
            let r = session_report(&inputs, true, *lang);
            assert!(r.redaction.applied, "{name}");
            assert_clean(&name, &r);
        }
        if file == &planted {
            // Redaction off: the values the report surfaces are shown as they were, so the
            // check above was not vacuous.
            let open_report = session_report(&inputs, false, Lang::En);
            let open = open_report.render(Format::Json);
            let shown = PLANTED.iter().filter(|v| open.contains(*v)).count();
            assert!(
                shown >= 5,
                "--no-redact shows the planted values the report quotes ({shown})"
            );
            for v in [
                "ndes01.fabrikam-example.com",
                "Zq8Lw2Rx7Tn4Vb1M",
                "6c5b4a39-2817-4f6e-9d5c-4b3a29180f7e",
            ] {
                assert!(open.contains(v), "--no-redact must show {v}");
            }
            // Two different inputs never share a token for the same value.
            let tokens = |r: &Report| -> Vec<String> {
                let j = r.render(Format::Json);
                j.split('‹')
                    .skip(1)
                    .filter_map(|t| t.split('›').next())
                    .map(str::to_string)
                    .collect()
            };
            let a = tokens(&session_report(&inputs, true, Lang::En));
            let mut other = inputs.clone();
            other[0].1.extend_from_slice(b"\n");
            let b = tokens(&session_report(&other, true, Lang::En));
            assert!(!a.is_empty());
            assert!(
                a.iter().all(|t| !b.contains(t)),
                "tokens must differ across inputs: {a:?} / {b:?}"
            );
            // The same input gives the same bytes.
            let again = session_report(&inputs, true, Lang::En);
            assert_eq!(
                renders(&session_report(&inputs, true, Lang::En)),
                renders(&again)
            );
            // The certificate facts (needs the certificate parser).
            let cert_read = open_report
                .inputs
                .iter()
                .any(|i| i.path == "certs/mei-ling.pem" && i.status == InputStatus::Ok);
            assert!(
                cert_read,
                "the rcgen certificate is read: {:?}",
                open_report.inputs
            );
            for v in [
                "Mei-Ling Chen",
                "mei-ling.chen@fabrikam-example.com",
                "meiling.chen@fabrikam-example.onmicrosoft.com",
            ] {
                assert!(
                    open.contains(v),
                    "--no-redact must show the certificate's {v}"
                );
            }
        }
    }
}

#[test]
fn scanners_find_every_planted_value_in_the_raw_log() {
    // The redactor sees log text through the report; here it reads the raw lines, so a
    // parser that quotes any of them can never leak a planted value.
    let log = std::fs::read_to_string(repo().join("tests/fixtures/privacy/android-planted.log"))
        .expect("fixture");
    let mut r = Redactor::new([9; 32]);
    for line in log.lines() {
        r.scan(line);
    }
    let replacer = r.finish();
    for line in log.lines() {
        let out = replacer.apply(line);
        for v in PLANTED {
            assert!(!out.contains(v), "{v:?} left in {out}");
        }
        assert!(
            !out.contains("Hash=") || out.contains("Hash=1677525787"),
            "the profile hash stays"
        );
    }
}
