//! Golden tests of the HTML report in English and Traditional Chinese. The reports are
//! built here field by field (every section filled, text taken from the message files),
//! so the layout is pinned independently of the parsers. Review a golden diff like code;
//! regenerate with `UPDATE_GOLDEN=1 cargo test -p certdoctor-core --test golden_html`.
//! The browser test (tests/browser) loads these same files for axe-core and screenshots.

use std::path::PathBuf;

use certdoctor_core::diagnosis::{FindingId, Severity};
use certdoctor_core::evidence::{CertRole, KeyAlgorithm, KeyInfo, Platform};
use certdoctor_core::input::InputKind;
use certdoctor_core::report::messages::{Messages, finding_message_id};
use certdoctor_core::report::{
    CertificateEntry, ChainEntry, EnrollmentEntry, EnrollmentIds, EvidenceEntry, FindingEntry,
    InputEntry, InputStatus, RedactionInfo, TimelineEntry, Tool,
};
use certdoctor_core::{Format, Lang, Report, Verdict};

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/golden/html")
}

const ROOT: &str = "3F1A9C2B7D4E5F60718293A4B5C6D7E8F9012345678899AABBCCDDEEFF001122";
const ISSUING: &str = "8C2D4E6F8091A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B";
const LEAF: &str = "B55E0A1C2D3E4F5061728394A5B6C7D8E9F00112233445566778899AABBCCDDE";
const OLD_LEAF: &str = "0D1E2F30415263748596A7B8C9DAEBFC0D1E2F30415263748596A7B8C9DAEBFC";
const PROFILE: &str = "ModelName=AC_‹id-9a41c7›/LogicalName_‹id-0f3b22›;Hash=1677525787";

fn cert(
    sha: &str,
    role: CertRole,
    subject: &str,
    issuer: &str,
    validity: (&str, &str),
) -> CertificateEntry {
    let cn = |dn: &str| {
        dn.strip_prefix("CN=")
            .map(|s| s.split(',').next().unwrap_or(s).to_string())
    };
    let leaf = role == CertRole::Leaf;
    CertificateEntry {
        sha256: sha.into(),
        sha1: sha[..40].into(),
        serial_hex: format!("{}00", &sha[..16]),
        subject: subject.into(),
        subject_cn: cn(subject),
        issuer: issuer.into(),
        issuer_cn: cn(issuer),
        not_before: validity.0.into(),
        not_after: validity.1.into(),
        role,
        key: KeyInfo {
            algorithm: KeyAlgorithm::Rsa,
            bits: Some(if leaf { 2048 } else { 4096 }),
        },
        signature_algorithm: "sha256WithRSAEncryption".into(),
        extended_key_usage: if leaf {
            vec!["client_auth".into()]
        } else {
            vec![]
        },
        subject_alt_names: if leaf {
            vec!["upn:‹upn-4be1d0›".into()]
        } else {
            vec![]
        },
        template: leaf.then(|| "Intune-SCEP-User".into()),
        sources: vec!["bundle.zip!/certs/export.p7b".into()],
    }
}

fn finding(
    m: &Messages,
    id: FindingId,
    severity: Severity,
    step: u8,
    detail: String,
    evidence: &[(&str, &str)],
) -> FindingEntry {
    let key = finding_message_id(id);
    FindingEntry {
        id,
        severity,
        step,
        title: m.attr(&key, "title", &[]),
        detail,
        remedy: m.attr(&key, "remedy", &[("variant", "other".into())]),
        certificate: None,
        resolved: false,
        evidence: evidence
            .iter()
            .map(|(s, t)| EvidenceEntry {
                source: (*s).into(),
                text: (*t).into(),
            })
            .collect(),
        enrollment: Some(PROFILE.into()),
    }
}

fn tl(
    m: &Messages,
    at: (&str, u32),
    step: u8,
    event: &str,
    id: &str,
    args: &[(&str, String)],
) -> TimelineEntry {
    TimelineEntry {
        time: Some(at.0.into()),
        source: format!("bundle.zip!/logs/OMADM.log:{}", at.1),
        step,
        event: event.into(),
        text: m.text(id, args),
    }
}

fn s(v: &str) -> String {
    v.to_string()
}

/// An Android enrollment refused by the CA, with a complete and an incomplete chain.
fn failed_report(lang: Lang) -> Report {
    let m = Messages::get(lang);
    let rejected = finding(
        m,
        FindingId::ScepRequestRejected,
        Severity::Error,
        4,
        m.text(
            "detail-scep-rejected",
            &[
                ("fail_info_kind", s("badRequest")),
                ("fail_info", s("badRequest")),
            ],
        ),
        &[(
            "bundle.zip!/logs/OMADM.log:212",
            "Response: org.jscep.message.CertRep@3150777b[failInfo=badRequest,pkiStatus=FAILURE,transId=‹id-77c2e1›] <script>alert(1)</script>",
        )],
    );
    let mut incomplete = finding(
        m,
        FindingId::ChainIncomplete,
        Severity::Error,
        5,
        m.text(
            "detail-chain-incomplete",
            &[
                ("name", s("‹person-5d20aa›")),
                ("missing", s("CN=Contoso Legacy Issuing CA")),
            ],
        ),
        &[(
            "bundle.zip!/certs/old-user.cer",
            "issuer CN=Contoso Legacy Issuing CA",
        )],
    );
    incomplete.certificate = Some(OLD_LEAF.into());
    incomplete.enrollment = None;
    let mut expiring = finding(
        m,
        FindingId::CertExpiringSoon,
        Severity::Warning,
        5,
        m.text(
            "detail-cert-expiring-soon",
            &[
                ("name", s("‹person-5d20aa›")),
                ("days", s("9")),
                ("not_after", s("2026-06-10T00:00:00Z")),
            ],
        ),
        &[(
            "bundle.zip!/certs/old-user.cer",
            "notAfter 2026-06-10T00:00:00Z",
        )],
    );
    expiring.certificate = Some(OLD_LEAF.into());
    expiring.enrollment = None;
    let findings = vec![rejected, incomplete, expiring];
    let input = |path: &str, kind, status, records, error: Option<&str>| InputEntry {
        path: path.into(),
        kind,
        status,
        records,
        error: error.map(str::to_string),
    };
    Report {
        schema_version: 1,
        tool: Tool {
            name: "certdoctor".into(),
            version: "0.1.0".into(),
        },
        generated_at: "2026-06-01T00:00:00Z".into(),
        verdict: Verdict::Failed,
        summary: m.text(
            "summary-failed",
            &[
                ("step", s("4")),
                ("step_name", m.text("step-4", &[])),
                ("platform", s("android")),
                ("title", findings[0].title.clone()),
            ],
        ),
        next_action: findings[0].remedy.clone(),
        lang: lang.tag().into(),
        platforms: vec![Platform::Android],
        server_components: vec![],
        redaction: RedactionInfo {
            applied: true,
            kinds: vec![s("host"), s("id"), s("person"), s("upn")],
        },
        inputs: vec![
            input(
                "bundle.zip!/logs/OMADM.log",
                InputKind::AndroidOmadmLog,
                InputStatus::Ok,
                1834,
                None,
            ),
            input(
                "bundle.zip!/certs/export.p7b",
                InputKind::Pkcs7,
                InputStatus::Ok,
                3,
                None,
            ),
            input(
                "bundle.zip!/certs/old-user.cer",
                InputKind::Certificate,
                InputStatus::Ok,
                1,
                None,
            ),
            input(
                "bundle.zip!/certs/broken.cer",
                InputKind::Certificate,
                InputStatus::Error,
                0,
                Some("DER: unexpected end of input at byte 412"),
            ),
            input(
                "bundle.zip!/screenshot.png",
                InputKind::Unknown,
                InputStatus::Ignored,
                0,
                Some("not a certificate or a log certdoctor recognises"),
            ),
        ],
        certificates: vec![
            cert(
                ROOT,
                CertRole::Root,
                "CN=Contoso Root CA, O=Contoso",
                "CN=Contoso Root CA, O=Contoso",
                ("2021-01-01T00:00:00Z", "2036-01-01T00:00:00Z"),
            ),
            cert(
                ISSUING,
                CertRole::Intermediate,
                "CN=Contoso Issuing CA 2, O=Contoso",
                "CN=Contoso Root CA, O=Contoso",
                ("2024-03-01T00:00:00Z", "2030-03-01T00:00:00Z"),
            ),
            cert(
                LEAF,
                CertRole::Leaf,
                "CN=‹person-1c9e07›",
                "CN=Contoso Issuing CA 2, O=Contoso",
                ("2025-06-01T00:00:00Z", "2027-03-01T00:00:00Z"),
            ),
            cert(
                OLD_LEAF,
                CertRole::Leaf,
                "CN=‹person-5d20aa›",
                "CN=Contoso Legacy Issuing CA",
                ("2025-06-10T00:00:00Z", "2026-06-10T00:00:00Z"),
            ),
        ],
        chains: vec![
            ChainEntry {
                leaf_sha256: LEAF.into(),
                path: vec![LEAF.into(), ISSUING.into(), ROOT.into()],
                complete: true,
                signatures_valid: true,
            },
            ChainEntry {
                leaf_sha256: OLD_LEAF.into(),
                path: vec![OLD_LEAF.into()],
                complete: false,
                signatures_valid: true,
            },
        ],
        enrollments: vec![EnrollmentEntry {
            platform: Platform::Android,
            profile: Some(PROFILE.into()),
            state: "CERT_ENROLLMENT_FAILED".into(),
            first_seen: Some("2026-05-31T09:12:02.250".into()),
            last_seen: Some("2026-05-31T09:12:28.034".into()),
            ids: EnrollmentIds {
                transaction_id: Some("‹id-77c2e1›".into()),
                ..EnrollmentIds::default()
            },
            management: None,
            steps: vec![],
        }],
        timeline: vec![
            tl(
                m,
                ("2026-05-31T09:12:02.250", 180),
                1,
                "profile_received",
                "tl-profile-received",
                &[],
            ),
            tl(
                m,
                ("2026-05-31T09:12:02.251", 181),
                1,
                "enrollment_attempt",
                "tl-enrollment-attempt",
                &[("profile", s(PROFILE))],
            ),
            tl(
                m,
                ("2026-05-31T09:12:20.615", 190),
                2,
                "scep_request",
                "tl-scep-request",
                &[("operation", s("GetCACert"))],
            ),
            tl(
                m,
                ("2026-05-31T09:12:20.653", 191),
                2,
                "scep_http_response",
                "tl-scep-http-response",
                &[
                    ("operation", s("GetCACert")),
                    ("status", s("200")),
                    ("reason", s("OK")),
                ],
            ),
            tl(
                m,
                ("2026-05-31T09:12:21.789", 195),
                2,
                "scep_http_response",
                "tl-scep-http-response",
                &[
                    ("operation", s("GetCACaps")),
                    ("status", s("200")),
                    ("reason", s("OK")),
                ],
            ),
            tl(
                m,
                ("2026-05-31T09:12:27.010", 204),
                4,
                "csr_built",
                "tl-csr-built",
                &[],
            ),
            tl(
                m,
                ("2026-05-31T09:12:28.034", 212),
                4,
                "scep_response",
                "tl-certrep-failinfo",
                &[("status", s("FAILURE")), ("fail_info", s("badRequest"))],
            ),
        ],
        findings,
        notices: vec![],
        probe: None,
    }
}

/// The article's successful Android enrollment: every step reached, nothing to do.
fn delivered_report(lang: Lang) -> Report {
    let m = Messages::get(lang);
    let mut r = failed_report(lang);
    r.verdict = Verdict::Delivered;
    r.summary = m.text(
        "summary-delivered-log",
        &[
            ("profile", s(PROFILE)),
            ("platform", s("android")),
            ("state", s("CERT_ACCESS_GRANTED")),
        ],
    );
    r.next_action = m.text("next-delivered", &[]);
    r.findings.clear();
    r.certificates.truncate(3);
    r.chains.truncate(1);
    r.inputs.truncate(2);
    r.enrollments[0].state = "CERT_ACCESS_GRANTED".into();
    r.timeline.truncate(5);
    r.timeline.extend([
        tl(
            m,
            ("2026-05-31T09:12:28.034", 212),
            4,
            "scep_response",
            "tl-certrep",
            &[("status", s("SUCCESS"))],
        ),
        tl(
            m,
            ("2026-05-31T09:14:45.346", 240),
            5,
            "scep_state",
            "tl-scep-state",
            &[
                ("from", s("CERT_ACCESS_REQUESTED")),
                ("to", s("CERT_ACCESS_GRANTED")),
            ],
        ),
        tl(
            m,
            ("2026-05-31T09:14:46.002", 241),
            6,
            "result_reported",
            "tl-result-reported",
            &[],
        ),
    ]);
    r
}

/// Nothing found: the verdict, the summary and what to collect next.
fn inconclusive_report(lang: Lang) -> Report {
    let m = Messages::get(lang);
    let mut r = failed_report(lang);
    r.verdict = Verdict::Inconclusive;
    r.summary = m.text("summary-inconclusive", &[]);
    r.next_action = m.text("next-collect", &[]);
    r.platforms.clear();
    r.redaction = RedactionInfo {
        applied: true,
        kinds: vec![],
    };
    let key = finding_message_id(FindingId::NoEvidence);
    r.findings = vec![FindingEntry {
        id: FindingId::NoEvidence,
        severity: Severity::Info,
        step: 1,
        title: m.attr(&key, "title", &[]),
        detail: m.text("detail-no-evidence", &[]),
        remedy: m.attr(&key, "remedy", &[]),
        certificate: None,
        resolved: false,
        evidence: vec![],
        enrollment: None,
    }];
    r.certificates.clear();
    r.chains.clear();
    r.enrollments.clear();
    r.timeline.clear();
    r.inputs = vec![InputEntry {
        path: "notes.txt".into(),
        kind: InputKind::Unknown,
        status: InputStatus::Ignored,
        records: 0,
        error: Some("not a certificate or a log certdoctor recognises".into()),
    }];
    r
}

fn check(name: &str, html: &str) {
    let path = golden_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_dir()).expect("golden dir");
        std::fs::write(&path, html).expect("write golden");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    if want != html {
        let line = want
            .lines()
            .zip(html.lines())
            .position(|(a, b)| a != b)
            .map(|i| i + 1)
            .unwrap_or(0);
        panic!(
            "{name} differs from the golden file at line {line}; review, then regenerate with UPDATE_GOLDEN=1"
        );
    }
}

#[test]
fn html_goldens_in_both_languages() {
    for lang in [Lang::En, Lang::ZhHant] {
        for (name, report) in [
            ("failed", failed_report(lang)),
            ("delivered", delivered_report(lang)),
            ("inconclusive", inconclusive_report(lang)),
        ] {
            check(
                &format!("{name}.{}.html", lang.tag()),
                &report.render(Format::Html),
            );
        }
    }
}

#[test]
fn html_is_self_contained_escaped_and_labelled() {
    for lang in [Lang::En, Lang::ZhHant] {
        let html = failed_report(lang).render(Format::Html);
        assert!(html.contains(&format!("<html lang=\"{}\">", lang.tag())));
        assert!(!html.contains("<script"), "log text must be escaped");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        for fetch in ["src=", "href=\"http", "url(", "@import", "<link"] {
            assert!(!html.contains(fetch), "{fetch} would fetch something");
        }
        for landmark in [
            "<header>",
            "<main>",
            "<nav ",
            "<footer>",
            "scope=\"col\"",
            "scope=\"row\"",
        ] {
            assert!(html.contains(landmark), "{landmark}");
        }
        assert!(html.contains("@media print") && html.contains("prefers-color-scheme:dark"));
        // The step overview follows the findings: step 4 failed, step 3 has no evidence.
        assert!(html.contains("<li class=\"s-failed\">"));
        assert!(html.contains("<li class=\"s-none\">"));
        // The redaction statement is at the top, before the findings.
        let privacy = html.find("class=\"privacy\"").expect("privacy statement");
        assert!(privacy < html.find("id=\"findings\"").expect("findings"));
    }
    let zh = failed_report(Lang::ZhHant).render(Format::Html);
    assert!(zh.contains("2026年6月1日 00:00 UTC") && zh.contains("根憑證授權單位"));
    let en = failed_report(Lang::En).render(Format::Html);
    assert!(en.contains("1 Jun 2026 00:00 UTC"));
    // IDs never change with the language.
    assert!(
        zh.contains("<code>SCEP_REQUEST_REJECTED</code>")
            && en.contains("<code>SCEP_REQUEST_REJECTED</code>")
    );
}

/// The report of real samples through the whole pipeline, as the CLI would build it.
fn sample_report(files: &[&str], lang: Lang) -> Report {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let now = time::macros::datetime!(2026-06-01 0:00 UTC);
    let mut s = certdoctor_core::Session::new(certdoctor_core::Options {
        now,
        redact: true,
        lang,
    });
    for f in files {
        let bytes = std::fs::read(root.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        s.add_bytes(f, &bytes);
    }
    s.finish()
}

#[test]
fn html_goldens_of_samples_in_both_languages() {
    let samples: [(&str, &[&str]); 4] = [
        (
            "sample-server-correlated",
            &[
                "tests/fixtures/server/correlated/ca-failed-requests.txt",
                "tests/fixtures/server/correlated/iis-pkioperation.log",
                "tests/fixtures/server/correlated/omadm-pending.log",
            ],
        ),
        (
            "sample-android-seed",
            &["tests/fixtures/seed/android-seed.log"],
        ),
        ("sample-ios-seed", &["tests/fixtures/seed/ios-seed.log"]),
        (
            "sample-android-pkistatus-failure",
            &["tests/fixtures/android/omadm-pkistatus-failure.log"],
        ),
    ];
    for lang in [Lang::En, Lang::ZhHant] {
        for (name, files) in samples {
            let html = sample_report(files, lang).render(Format::Html);
            check(&format!("{name}.{}.html", lang.tag()), &html);
        }
    }
}
