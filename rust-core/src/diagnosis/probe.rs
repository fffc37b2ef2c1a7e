//! Rules of a SCEP endpoint probe (step 2): did each request get an HTTP answer, was the
//! answer what the operation returns, do the capabilities and the CA and RA certificates
//! let a device enrol. The evidence is typed (`evidence::probe`); the certificate rules
//! are the inventory's, in the scope of a GetCACert reply.

use time::OffsetDateTime;

use crate::contract::Verdict;
use crate::evidence::probe::{
    CaCertReply, ExchangeResult, ProbeExchange, ProbeOperation, ReplyProblem, ScepUrl, TlsProblem,
    TransportFailure, follow_redirect,
};
use crate::evidence::{CertRole, Certificate, Chain};

use super::certificates::{self, Scope};
use super::finding::{Evidence, Finding};
use super::{FindingId, Outcome, Severity, Summary};

/// The step every probe finding is placed on: the device contacts NDES.
pub const PROBE_STEP: u8 = 2;

/// The Certificate Request Agent EKU of Microsoft NDES's RA certificates.
const REQUEST_AGENT: &str = "certificate_request_agent";

/// Everything the probe rules read.
pub struct ProbeFacts<'a> {
    pub url: &'a ScepUrl,
    pub exchanges: &'a [ProbeExchange],
    /// The final GetCACaps answer read as capabilities (`None`: no 2xx answer).
    pub capabilities: Option<&'a Result<Vec<String>, ReplyProblem>>,
    /// The final GetCACert answer read as certificates (`None`: no 2xx answer).
    pub ca_cert: Option<&'a Result<CaCertReply, ReplyProblem>>,
    pub certificates: &'a [Certificate],
    pub roles: &'a [CertRole],
    pub chains: &'a [Chain],
    /// Uppercase hex of the SHA-1 or SHA-256 thumbprint the profile trusts.
    pub expected_thumbprint: Option<&'a str>,
    pub now: OffsetDateTime,
}

/// What an RA certificate of the reply can do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaCertificate {
    pub index: usize,
    /// keyUsage allows digitalSignature (or there is no keyUsage): NDES signs its
    /// CertRep with it.
    pub signing: bool,
    /// keyUsage allows keyEncipherment (or there is no keyUsage): the device encrypts its
    /// request to it.
    pub encryption: bool,
}

/// The probe's conclusions beyond the findings.
pub struct ProbeOutcome {
    pub outcome: Outcome,
    /// The endpoint answered as a working SCEP server would (no error finding, CA read).
    pub working: bool,
    /// The CA certificate of the reply (index into the certificates).
    pub ca: Option<usize>,
    pub ras: Vec<RaCertificate>,
}

/// The last request of `operation` (after redirects), if it was asked.
pub fn final_exchange(
    exchanges: &[ProbeExchange],
    operation: ProbeOperation,
) -> Option<&ProbeExchange> {
    exchanges.iter().rev().find(|e| e.operation == operation)
}

/// The redirects followed before the final request of `operation`.
fn redirects_followed(exchanges: &[ProbeExchange], operation: ProbeOperation) -> usize {
    exchanges
        .iter()
        .filter(|e| e.operation == operation)
        .count()
        .saturating_sub(1)
}

fn evidence_of(e: &ProbeExchange) -> Evidence {
    let text = match &e.result {
        ExchangeResult::Answer(a) => format!(
            "{} HTTP {}{}{}, {} bytes{}, {} ms",
            e.operation.label(),
            a.status,
            a.content_type
                .as_deref()
                .map(|c| format!(" {c}"))
                .unwrap_or_default(),
            a.location
                .as_deref()
                .map(|l| format!(" → {l}"))
                .unwrap_or_default(),
            a.body.len(),
            if a.truncated { " (cut)" } else { "" },
            e.millis
        ),
        ExchangeResult::Failed { failure, reason } => format!(
            "{} failed ({}): {reason}, {} ms",
            e.operation.label(),
            failure.as_str(),
            e.millis
        ),
    };
    Evidence {
        source: e.url.clone(),
        text,
    }
}

fn tls_detail(p: TlsProblem) -> &'static str {
    match p {
        TlsProblem::Expired => "detail-probe-tls-expired",
        TlsProblem::NotYetValid => "detail-probe-tls-not-yet-valid",
        TlsProblem::Untrusted => "detail-probe-tls-untrusted",
        TlsProblem::WrongHost => "detail-probe-tls-wrong-host",
        TlsProblem::Revoked => "detail-probe-tls-revoked",
        TlsProblem::Handshake => "detail-probe-tls-handshake",
    }
}

fn http_detail(status: u16) -> &'static str {
    match status {
        403 => "detail-probe-http-403",
        404 => "detail-probe-http-404",
        500..=599 => "detail-probe-http-5xx",
        _ => "detail-probe-http-other",
    }
}

fn reply_detail(p: &ReplyProblem) -> (&'static str, Vec<(&'static str, String)>) {
    match p {
        ReplyProblem::Empty => ("detail-probe-reply-empty", vec![]),
        ReplyProblem::Html { title } => (
            "detail-probe-reply-html",
            vec![("title", title.clone().unwrap_or_default())],
        ),
        ReplyProblem::TooLarge { limit } => (
            "detail-probe-reply-too-large",
            vec![("limit", limit.to_string())],
        ),
        ReplyProblem::NotCapabilities { first_line } => (
            "detail-probe-reply-not-caps",
            vec![("line", first_line.clone())],
        ),
        ReplyProblem::NotCertificates { reason } => (
            "detail-probe-reply-not-certs",
            vec![("reason", reason.clone())],
        ),
    }
}

/// `SCEP_SERVER_UNREACHABLE` for a request that got no usable HTTP answer, or `None`
/// when it got a 2xx.
fn unreachable(exchanges: &[ProbeExchange], e: &ProbeExchange, host: &str) -> Option<Finding> {
    let (detail, mut args): (&'static str, Vec<(&'static str, String)>) = match &e.result {
        ExchangeResult::Failed { failure, reason } => {
            let key = match failure {
                TransportFailure::Dns => "detail-probe-dns",
                TransportFailure::Connect => "detail-probe-connect",
                TransportFailure::Timeout => "detail-probe-timeout",
                TransportFailure::Tls(p) => tls_detail(*p),
                TransportFailure::Protocol | TransportFailure::Other => "detail-probe-transport",
            };
            (key, vec![("reason", reason.clone())])
        }
        ExchangeResult::Answer(a) if (300..400).contains(&a.status) => {
            let followed = redirects_followed(exchanges, e.operation);
            let stop = match a.location.as_deref() {
                Some(l) => follow_redirect(&e.url, l, followed).err(),
                None => Some(crate::evidence::probe::RedirectStop::BadLocation),
            };
            let key = match stop {
                Some(crate::evidence::probe::RedirectStop::TooMany) => {
                    "detail-probe-redirect-too-many"
                }
                Some(crate::evidence::probe::RedirectStop::Downgrade) => {
                    "detail-probe-redirect-downgrade"
                }
                // A redirect the transport could have followed but did not.
                _ => "detail-probe-redirect-bad",
            };
            (
                key,
                vec![
                    ("status", a.status.to_string()),
                    ("location", a.location.clone().unwrap_or_default()),
                    ("limit", crate::limits::MAX_PROBE_REDIRECTS.to_string()),
                ],
            )
        }
        ExchangeResult::Answer(a) if !(200..300).contains(&a.status) => (
            http_detail(a.status),
            vec![("status", a.status.to_string())],
        ),
        ExchangeResult::Answer(_) => return None,
    };
    args.push(("operation", e.operation.label().to_string()));
    args.push(("url", e.url.clone()));
    args.push(("host", host.to_string()));
    let mut f = Finding::new(FindingId::ScepServerUnreachable, detail);
    f.args = args;
    Some(f.with_evidence(evidence_of(e)))
}

/// What the capability list lacks that Intune's clients use.
fn weak_capabilities(caps: &[String]) -> Vec<&'static str> {
    let has = |k: &str| caps.iter().any(|c| c.eq_ignore_ascii_case(k));
    let standard = has("SCEPStandard");
    let mut missing = Vec::new();
    if !standard && !has("SHA-256") && !has("SHA-512") {
        missing.push("SHA-256");
    }
    if !standard && !has("AES") && !has("DES3") {
        missing.push("AES/DES3");
    }
    if !standard && !has("POSTPKIOperation") {
        missing.push("POSTPKIOperation");
    }
    missing
}

fn name_of(c: &Certificate) -> String {
    c.subject_cn.clone().unwrap_or_else(|| c.subject.clone())
}

fn cert_evidence(c: &Certificate, text: String) -> Evidence {
    Evidence {
        source: c.sources.first().cloned().unwrap_or_default(),
        text,
    }
}

fn usages(c: &Certificate) -> String {
    match &c.key_usage {
        None => "no keyUsage extension".to_string(),
        Some(k) if k.is_empty() => "keyUsage (empty)".to_string(),
        Some(k) => format!("keyUsage {}", k.join(", ")),
    }
}

/// Runs the probe rules.
pub fn diagnose(facts: &ProbeFacts<'_>) -> ProbeOutcome {
    let mut findings: Vec<Finding> = Vec::new();
    let host = facts.url.host.as_str();

    for op in ProbeOperation::ALL {
        let Some(last) = final_exchange(facts.exchanges, op) else {
            continue;
        };
        if let Some(f) = unreachable(facts.exchanges, last, host) {
            // The same failure for both operations is one finding with both requests.
            match findings
                .iter_mut()
                .find(|x| x.detail == f.detail && x.get_arg("reason") == f.get_arg("reason"))
            {
                Some(x) => {
                    for e in f.evidence {
                        x.push_evidence(e);
                    }
                }
                None => findings.push(f),
            }
        }
    }

    let caps_exchange = final_exchange(facts.exchanges, ProbeOperation::GetCaCaps);
    let cert_exchange = final_exchange(facts.exchanges, ProbeOperation::GetCaCert);
    let invalid = |e: Option<&ProbeExchange>, p: &ReplyProblem, op: ProbeOperation| {
        let (detail, args) = reply_detail(p);
        let mut f = Finding::new(FindingId::ScepServerInvalidResponse, detail);
        f.args = args;
        f.args.push(("operation", op.label().to_string()));
        match e {
            Some(e) => f.with_evidence(evidence_of(e)),
            None => f,
        }
    };
    match facts.capabilities {
        Some(Err(p)) => findings.push(invalid(caps_exchange, p, ProbeOperation::GetCaCaps)),
        Some(Ok(caps)) => {
            let missing = weak_capabilities(caps);
            if !missing.is_empty() {
                let mut f = Finding::new(FindingId::ScepCapabilitiesWeak, "detail-probe-caps-weak")
                    .arg("missing", missing.join(", "))
                    .arg("caps", caps.join(", "));
                if let Some(e) = caps_exchange {
                    f = f.with_evidence(evidence_of(e));
                }
                findings.push(f);
            }
        }
        None => {}
    }

    let mut ca = None;
    let mut ras = Vec::new();
    if let Some(reply) = facts.ca_cert {
        match reply {
            Err(p) => findings.push(invalid(cert_exchange, p, ProbeOperation::GetCaCert)),
            Ok(reply) => {
                let (f, c, r) = reply_rules(facts, reply, cert_exchange);
                findings.extend(f);
                ca = c;
                ras = r;
            }
        }
    }

    for f in &mut findings {
        f.step = PROBE_STEP;
    }
    super::sort_findings(&mut findings);
    let working = ca.is_some() && !findings.iter().any(|f| f.severity == Severity::Error);
    let verdict = if findings.iter().any(|f| f.severity == Severity::Error) {
        Verdict::Failed
    } else {
        Verdict::Inconclusive
    };
    let primary = findings.iter().position(|f| f.severity == Severity::Error);
    let summary = if working {
        Summary {
            key: "summary-probe-working",
            args: vec![
                ("url", facts.url.base()),
                ("ras", ras.len().to_string()),
                (
                    "ca",
                    ca.map(|i| name_of(&facts.certificates[i]))
                        .unwrap_or_default(),
                ),
            ],
            primary: None,
            next_key: "next-probe-working",
            probe: None,
        }
    } else {
        Summary {
            key: "summary-probe-failed",
            args: vec![("url", facts.url.base())],
            primary,
            next_key: "next-follow-remedy",
            probe: None,
        }
    };
    ProbeOutcome {
        outcome: Outcome {
            findings,
            enrollments: Vec::new(),
            timeline: Vec::new(),
            verdict,
            summary,
            extras: Vec::new(),
            findings_omitted: 0,
        },
        working,
        ca,
        ras,
    }
}

/// Rules on a decoded GetCACert reply: certificate validity and strength, RA ← CA,
/// the RA certificates' usages, the CA thumbprint the profile trusts.
fn reply_rules(
    facts: &ProbeFacts<'_>,
    reply: &CaCertReply,
    exchange: Option<&ProbeExchange>,
) -> (Vec<Finding>, Option<usize>, Vec<RaCertificate>) {
    let certs = facts.certificates;
    let mut out = certificates::diagnose_in(
        certs,
        facts.roles,
        facts.chains,
        facts.now,
        Scope::ScepReply,
    );
    let in_reply = |i: &usize| reply.certificates.contains(i);
    let ras: Vec<RaCertificate> = reply
        .certificates
        .iter()
        .copied()
        .filter(|&i| facts.roles[i] == CertRole::Leaf)
        .map(|i| {
            let ku = certs[i].key_usage.as_ref();
            RaCertificate {
                index: i,
                signing: ku.is_none_or(|k| k.iter().any(|u| u == "digital_signature")),
                encryption: ku.is_none_or(|k| k.iter().any(|u| u == "key_encipherment")),
            }
        })
        .collect();
    let cas: Vec<usize> = reply
        .certificates
        .iter()
        .copied()
        .filter(|&i| facts.roles[i] != CertRole::Leaf)
        .collect();
    // The CA: the issuer of the RA certificates, else the CA that issued no other CA of
    // the reply (the issuing CA of a chain), else the first.
    let ca = facts
        .chains
        .iter()
        .filter(|c| in_reply(&c.leaf))
        .find_map(|c| c.path.get(1).copied())
        .or_else(|| {
            cas.iter().copied().find(|&i| {
                !cas.iter()
                    .any(|&j| j != i && certs[j].issuer_der == certs[i].subject_der)
            })
        })
        .or_else(|| cas.first().copied());

    if ras.is_empty() && reply.pkcs7 {
        let mut f = Finding::new(FindingId::ScepServerInvalidResponse, "detail-probe-no-ra")
            .arg("operation", ProbeOperation::GetCaCert.label())
            .arg("count", reply.certificates.len().to_string());
        if let Some(e) = exchange {
            f = f.with_evidence(evidence_of(e));
        }
        out.push(f);
    }
    if !ras.is_empty() {
        let list = || {
            ras.iter()
                .map(|r| format!("{} ({})", name_of(&certs[r.index]), usages(&certs[r.index])))
                .collect::<Vec<_>>()
                .join("; ")
        };
        for (ok, detail) in [
            (ras.iter().any(|r| r.signing), "detail-probe-ra-no-signing"),
            (
                ras.iter().any(|r| r.encryption),
                "detail-probe-ra-no-encryption",
            ),
        ] {
            if !ok {
                let mut f = Finding::new(FindingId::ScepRaCertUnusable, detail).arg("ras", list());
                for r in &ras {
                    f.push_evidence(cert_evidence(&certs[r.index], usages(&certs[r.index])));
                }
                out.push(f);
            }
        }
        if facts.url.is_ndes() {
            for r in &ras {
                let c = &certs[r.index];
                let agent = c
                    .extended_key_usage
                    .as_ref()
                    .is_some_and(|e| e.iter().any(|x| x == REQUEST_AGENT || x == "any"));
                if !agent {
                    let ekus = c
                        .extended_key_usage
                        .as_ref()
                        .map(|e| e.join(", "))
                        .unwrap_or_else(|| "none".to_string());
                    out.push(
                        Finding::new(
                            FindingId::ScepRaNotRequestAgent,
                            "detail-probe-ra-not-agent",
                        )
                        .certificate(r.index)
                        .arg("name", name_of(c))
                        .arg("ekus", ekus.clone())
                        .with_evidence(cert_evidence(c, format!("extendedKeyUsage {ekus}"))),
                    );
                }
            }
        }
    }
    if let Some(expected) = facts.expected_thumbprint {
        let matches = |i: &usize| certs[*i].sha1 == expected || certs[*i].sha256 == expected;
        let candidates: Vec<usize> = if cas.is_empty() {
            reply.certificates.clone()
        } else {
            cas.clone()
        };
        if !candidates.iter().any(matches) {
            let list = candidates
                .iter()
                .map(|&i| format!("{} (SHA-1 {})", name_of(&certs[i]), certs[i].sha1))
                .collect::<Vec<_>>()
                .join("; ");
            let top_is_root = candidates.iter().any(|&i| facts.roles[i] == CertRole::Root);
            let mut f = Finding::new(
                FindingId::ScepCaThumbprintMismatch,
                if top_is_root {
                    "detail-probe-thumbprint"
                } else {
                    "detail-probe-thumbprint-no-root"
                },
            )
            .arg("expected", expected.to_string())
            .arg("cas", list);
            if let Some(i) = ca {
                f = f.certificate(i);
            }
            for &i in &candidates {
                f.push_evidence(cert_evidence(
                    &certs[i],
                    format!("SHA-1 {} SHA-256 {}", certs[i].sha1, certs[i].sha256),
                ));
            }
            out.push(f);
        }
    }
    (out, ca, ras)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capability_lists() {
        let caps = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(weak_capabilities(&caps(&["SCEPStandard"])).is_empty());
        assert!(weak_capabilities(&caps(&["postpkioperation", "sha-512", "aes"])).is_empty());
        assert_eq!(
            weak_capabilities(&caps(&["POSTPKIOperation", "SHA-1", "DES3"])),
            vec!["SHA-256"]
        );
        assert_eq!(
            weak_capabilities(&[]),
            vec!["SHA-256", "AES/DES3", "POSTPKIOperation"]
        );
    }

    #[test]
    fn the_final_request_of_an_operation_is_its_last() {
        let e = |op, status| ProbeExchange {
            operation: op,
            url: "https://h/x".into(),
            millis: 1,
            tls: None,
            result: ExchangeResult::Answer(crate::evidence::probe::HttpAnswer {
                status,
                content_type: None,
                location: Some("/y".into()),
                body: Vec::new(),
                truncated: false,
            }),
        };
        let ex = vec![
            e(ProbeOperation::GetCaCaps, 302),
            e(ProbeOperation::GetCaCaps, 200),
            e(ProbeOperation::GetCaCert, 500),
        ];
        assert_eq!(redirects_followed(&ex, ProbeOperation::GetCaCaps), 1);
        assert!(matches!(
            &final_exchange(&ex, ProbeOperation::GetCaCaps).unwrap().result,
            ExchangeResult::Answer(a) if a.status == 200
        ));
        let f = unreachable(&ex, &ex[2], "h").unwrap();
        assert_eq!(f.detail, "detail-probe-http-5xx");
        assert_eq!(f.get_arg("status"), Some("500"));
        assert!(unreachable(&ex, &ex[1], "h").is_none());
    }
}
