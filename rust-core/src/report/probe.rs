//! The report's `probe` object (report-contract.md § Probe): the requests a SCEP probe
//! made, the TLS result, the capabilities read, the CA and the RA certificates. Present
//! only in probe reports, so diagnose reports keep their shape byte for byte. Also the
//! lines every renderer lays out for it.

use serde::Serialize;

use crate::contract::format_utc;
use crate::diagnosis::probe::RaCertificate;
use crate::evidence::Certificate;
use crate::evidence::probe::{ExchangeResult, ProbeExchange, ProbeOperation, TlsObservation};

use super::Report;
use super::messages::Messages;

/// One HTTP request of the probe (each redirect hop is one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeRequestEntry {
    pub operation: ProbeOperation,
    pub url: String,
    /// `None` when no HTTP answer came.
    pub status: Option<u16>,
    pub content_type: Option<String>,
    /// Body bytes received (at most the cap; `truncated` says more came).
    pub size: u64,
    pub truncated: bool,
    pub millis: u64,
    /// The `Location` of a redirect.
    pub location: Option<String>,
    /// `dns`, `connect`, `timeout`, `tls`, `protocol`, `other` when no answer came.
    pub failure: Option<String>,
    /// The transport's reason for the failure.
    pub error: Option<String>,
}

/// A certificate the TLS server presented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeerCertificateEntry {
    pub sha256: String,
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    pub subject_alt_names: Vec<String>,
}

/// How TLS went: `ok` or the problem (`expired`, `not_yet_valid`, `untrusted`,
/// `wrong_host`, `revoked`, `handshake`), with the chain the server sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TlsEntry {
    pub result: String,
    pub protocol: Option<String>,
    pub peer_certificates: Vec<PeerCertificateEntry>,
}

/// An RA certificate of the GetCACert reply and what its key usage allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RaEntry {
    pub sha256: String,
    pub signing: bool,
    pub encryption: bool,
    /// keyUsage names; empty when the certificate has no keyUsage extension.
    pub key_usage: Vec<String>,
}

/// The `probe` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeEntry {
    /// The SCEP URL probed (`scheme://host/path`).
    pub url: String,
    /// The endpoint answered as a working SCEP server would.
    pub working: bool,
    pub requests: Vec<ProbeRequestEntry>,
    /// `None` over plain HTTP or when no connection was made.
    pub tls: Option<TlsEntry>,
    /// The GetCACaps keywords as the server wrote them.
    pub capabilities: Vec<String>,
    /// SHA-256 of the CA certificate of the reply.
    pub ca: Option<String>,
    pub ra: Vec<RaEntry>,
    /// The thumbprint the reply's CA was compared with (`--ca-thumbprint`).
    pub expected_ca_thumbprint: Option<String>,
}

/// What the probe section is made of.
pub struct ProbeParts<'a> {
    pub url: String,
    pub working: bool,
    pub exchanges: &'a [ProbeExchange],
    /// The TLS observation shown (the first with a problem, else the first).
    pub tls: Option<&'a TlsObservation>,
    /// The decoded `tls.peer_chain`.
    pub peer_certificates: &'a [Certificate],
    pub capabilities: Vec<String>,
    pub certificates: &'a [Certificate],
    pub ca: Option<usize>,
    pub ras: &'a [RaCertificate],
    pub expected_ca_thumbprint: Option<String>,
}

pub fn build(p: ProbeParts<'_>) -> ProbeEntry {
    let requests = p
        .exchanges
        .iter()
        .map(|e| {
            let mut r = ProbeRequestEntry {
                operation: e.operation,
                url: e.url.clone(),
                status: None,
                content_type: None,
                size: 0,
                truncated: false,
                millis: e.millis,
                location: None,
                failure: None,
                error: None,
            };
            match &e.result {
                ExchangeResult::Answer(a) => {
                    r.status = Some(a.status);
                    r.content_type = a.content_type.clone();
                    r.size = a.body.len() as u64;
                    r.truncated = a.truncated;
                    r.location = a.location.clone();
                }
                ExchangeResult::Failed { failure, reason } => {
                    r.failure = Some(failure.as_str().to_string());
                    r.error = Some(reason.clone());
                }
            }
            r
        })
        .collect();
    let tls = p.tls.map(|t| TlsEntry {
        result: t.problem.map(|x| x.as_str()).unwrap_or("ok").to_string(),
        protocol: t.protocol.clone(),
        peer_certificates: p
            .peer_certificates
            .iter()
            .map(|c| PeerCertificateEntry {
                sha256: c.sha256.clone(),
                subject: c.subject.clone(),
                issuer: c.issuer.clone(),
                not_before: format_utc(c.not_before),
                not_after: format_utc(c.not_after),
                subject_alt_names: c.subject_alt_names.clone(),
            })
            .collect(),
    });
    ProbeEntry {
        url: p.url,
        working: p.working,
        requests,
        tls,
        capabilities: p.capabilities,
        ca: p.ca.map(|i| p.certificates[i].sha256.clone()),
        ra: p
            .ras
            .iter()
            .map(|r| RaEntry {
                sha256: p.certificates[r.index].sha256.clone(),
                signing: r.signing,
                encryption: r.encryption,
                key_usage: p.certificates[r.index]
                    .key_usage
                    .clone()
                    .unwrap_or_default(),
            })
            .collect(),
        expected_ca_thumbprint: p.expected_ca_thumbprint,
    }
}

/// A probe report reads no input: its renders leave the empty Inputs section out.
pub fn shows_inputs(r: &Report) -> bool {
    !(r.inputs.is_empty() && r.probe.is_some())
}

/// The probe section as lines of text, the same in every renderer.
pub fn lines(r: &Report, m: &Messages) -> Vec<String> {
    let Some(p) = &r.probe else {
        return Vec::new();
    };
    let l = |id: &str| m.text(id, &[]);
    let mut out = vec![format!("{}: {}", l("label-probe-url"), p.url)];
    for q in &p.requests {
        let answer = match (q.status, &q.failure) {
            (Some(status), _) => {
                let mut s = format!("HTTP {status}");
                if let Some(ct) = &q.content_type {
                    s.push_str(&format!(" {ct}"));
                }
                s.push_str(&format!(
                    ", {}",
                    m.text("label-probe-bytes", &[("count", q.size.to_string())])
                ));
                if q.truncated {
                    s.push_str(&format!(" ({})", l("label-probe-cut")));
                }
                if let Some(loc) = &q.location {
                    s.push_str(&format!(" → {loc}"));
                }
                s
            }
            (None, failure) => format!(
                "{} ({}): {}",
                l("label-probe-no-answer"),
                failure.as_deref().unwrap_or("other"),
                q.error.as_deref().unwrap_or("")
            ),
        };
        out.push(format!(
            "{} {} — {answer}, {} ms",
            q.operation.label(),
            q.url,
            q.millis
        ));
    }
    if let Some(t) = &p.tls {
        let mut s = format!("TLS: {}", t.result);
        if let Some(v) = &t.protocol {
            s.push_str(&format!(" ({v})"));
        }
        if let Some(c) = t.peer_certificates.first() {
            s.push_str(&format!(
                "; {}: {} ({}: {}; {} {} → {})",
                l("label-probe-server-cert"),
                c.subject,
                l("label-issuer"),
                c.issuer,
                l("label-valid"),
                c.not_before,
                c.not_after
            ));
        }
        out.push(s);
    }
    out.push(format!(
        "{}: {}",
        l("label-probe-caps"),
        if p.capabilities.is_empty() {
            l("label-none")
        } else {
            p.capabilities.join(", ")
        }
    ));
    let cert = |sha: &str| r.certificates.iter().find(|c| c.sha256 == sha);
    if let Some(c) = p.ca.as_deref().and_then(cert) {
        out.push(format!(
            "{}: {} (SHA-1 {}; {} {} → {})",
            l("label-probe-ca"),
            c.subject,
            c.sha1,
            l("label-valid"),
            c.not_before,
            c.not_after
        ));
    }
    for ra in &p.ra {
        let Some(c) = cert(&ra.sha256) else { continue };
        let mut uses = Vec::new();
        if ra.signing {
            uses.push(l("label-probe-ra-signing"));
        }
        if ra.encryption {
            uses.push(l("label-probe-ra-encryption"));
        }
        if uses.is_empty() {
            uses.push(l("label-none"));
        }
        out.push(format!(
            "{}: {} — {} ({} {} → {})",
            l("label-probe-ra"),
            c.subject,
            uses.join(", "),
            l("label-valid"),
            c.not_before,
            c.not_after
        ));
    }
    if let Some(t) = &p.expected_ca_thumbprint {
        out.push(format!("{}: {t}", l("label-probe-expected-thumbprint")));
    }
    out
}
