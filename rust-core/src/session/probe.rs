//! A SCEP endpoint probe as a report: the exchanges a transport made (requests, answers,
//! TLS) go in, the contract's `Report` with its `probe` object comes out. The transport
//! asks what [`ProbeTarget`] lists and follows redirects by
//! [`crate::evidence::probe::follow_redirect`]; this module never opens a socket.

use sha2::{Digest, Sha256};

use crate::chain;
use crate::contract::{Severity, Verdict};
use crate::diagnosis::probe::{self as rules, ProbeFacts, final_exchange};
use crate::evidence::probe::{CaCertReply, ReplyProblem, ScepUrl, ScepUrlError};

/// What a transport builds, hands in and follows, and its bounds: the session's API for
/// the CLI's and the apps' transports (they import nothing else of the core's probe).
pub use crate::evidence::probe::{
    ExchangeResult, HttpAnswer, ProbeExchange, ProbeOperation, RedirectStop, TlsObservation,
    TlsProblem, TransportFailure, follow_redirect,
};
use crate::evidence::{CertRole, Certificate};
use crate::limits;
pub use crate::limits::{MAX_PROBE_BODY_BYTES, MAX_PROBE_REDIRECTS};
use crate::parsers::certs::certificate_from_der;
use crate::parsers::scep_reply;
use crate::redaction;
use crate::report::Report;
use crate::report::build::{Parts, build};
use crate::report::probe::{ProbeParts, build as build_probe};

use super::Options;

/// The requests a transport makes for a SCEP URL, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeTarget {
    /// `scheme://host/path` of the URL given.
    pub base: String,
    pub requests: Vec<(ProbeOperation, String)>,
}

/// Why a probe cannot run or its input cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    #[error("{url:?} is not a SCEP URL: {reason}")]
    Url { url: String, reason: ScepUrlError },
    #[error(
        "CA thumbprint {0:?}: expected 40 (SHA-1) or 64 (SHA-256) hexadecimal digits, separators ':' or ' ' allowed"
    )]
    Thumbprint(String),
    #[error("no request was made: the probe needs at least the GetCACaps or GetCACert exchange")]
    NoExchange,
    #[error("{0} requests: more than a probe makes (two operations, {max} redirects each)", max = limits::MAX_PROBE_REDIRECTS)]
    TooManyExchanges(usize),
}

/// The requests to make for `url` (a SCEP URL as a profile holds it).
pub fn plan(url: &str) -> Result<ProbeTarget, ProbeError> {
    let u = parse_url(url)?;
    Ok(ProbeTarget {
        base: u.base(),
        requests: ProbeOperation::ALL
            .iter()
            .map(|&op| (op, u.request(op)))
            .collect(),
    })
}

fn parse_url(url: &str) -> Result<ScepUrl, ProbeError> {
    ScepUrl::parse(url).map_err(|reason| ProbeError::Url {
        url: url.to_string(),
        reason,
    })
}

/// A thumbprint as the contract writes it (uppercase hex, no separators); SHA-1 or SHA-256.
pub fn parse_thumbprint(text: &str) -> Result<String, ProbeError> {
    let hex: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '\u{200e}'))
        .collect::<String>()
        .to_ascii_uppercase();
    if (hex.len() == 40 || hex.len() == 64) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(hex)
    } else {
        Err(ProbeError::Thumbprint(text.to_string()))
    }
}

/// What a transport hands over.
#[derive(Debug, Clone)]
pub struct ProbeInput {
    /// The SCEP URL the user gave.
    pub url: String,
    /// The CA thumbprint the profile trusts (`--ca-thumbprint`).
    pub expected_ca_thumbprint: Option<String>,
    /// Every request made, in order (redirect hops included).
    pub exchanges: Vec<ProbeExchange>,
}

/// Most requests a probe makes: two operations, each with its redirects.
const MAX_EXCHANGES: usize = 2 * (1 + limits::MAX_PROBE_REDIRECTS);

/// A probe read and diagnosed: its report before redaction, what redaction needs.
pub(crate) struct Probed {
    pub report: Report,
    pub certificates: Vec<Certificate>,
    pub roles: Vec<CertRole>,
    /// The redaction key's input: a hash of everything the transport handed over.
    pub key: [u8; 32],
}

/// Checks what a transport handed over and holds it to the contract's bounds.
pub(crate) fn validate(input: ProbeInput) -> Result<ProbeInput, ProbeError> {
    parse_url(&input.url)?;
    if let Some(t) = &input.expected_ca_thumbprint {
        parse_thumbprint(t)?;
    }
    if input.exchanges.is_empty() {
        return Err(ProbeError::NoExchange);
    }
    if input.exchanges.len() > MAX_EXCHANGES {
        return Err(ProbeError::TooManyExchanges(input.exchanges.len()));
    }
    let mut input = input;
    for e in &mut input.exchanges {
        bound(e);
    }
    Ok(input)
}

/// Diagnoses a probe and builds its report.
pub fn probe_report(input: ProbeInput, options: &Options) -> Result<Report, ProbeError> {
    let mut p = analyse(validate(input)?, options)?;
    if options.redact {
        let pairs: Vec<_> = p.certificates.iter().zip(p.roles.iter().copied()).collect();
        redaction::redact_report(&mut p.report, &pairs, p.key);
    }
    Ok(p.report)
}

/// Reads the replies, runs the probe rules and builds the (unredacted) report.
pub(crate) fn analyse(input: ProbeInput, options: &Options) -> Result<Probed, ProbeError> {
    let url = parse_url(&input.url)?;
    let expected = input
        .expected_ca_thumbprint
        .as_deref()
        .map(parse_thumbprint)
        .transpose()?;
    let exchanges = input.exchanges;

    let ok_body = |op| {
        final_exchange(&exchanges, op).and_then(|e| match &e.result {
            ExchangeResult::Answer(a) if (200..300).contains(&a.status) => {
                Some((e.url.clone(), a.body.as_slice(), a.truncated))
            }
            _ => None,
        })
    };
    let capabilities: Option<Result<Vec<String>, ReplyProblem>> =
        ok_body(ProbeOperation::GetCaCaps)
            .map(|(_, body, cut)| scep_reply::read_capabilities(body, cut));
    let mut certificates: Vec<Certificate> = Vec::new();
    let ca_cert: Option<Result<CaCertReply, ReplyProblem>> = ok_body(ProbeOperation::GetCaCert)
        .map(|(source, body, cut)| {
            let (pkcs7, certs) = scep_reply::read_ca_certificates(body, cut)?;
            let mut indices = Vec::new();
            for mut c in certs {
                match certificates.iter().position(|x| x.sha256 == c.sha256) {
                    Some(i) => indices.push(i),
                    None => {
                        c.sources = vec![source.clone()];
                        indices.push(certificates.len());
                        certificates.push(c);
                    }
                }
            }
            Ok(CaCertReply {
                pkcs7,
                certificates: indices,
            })
        });
    let roles: Vec<_> = certificates.iter().map(chain::role).collect();
    let chains = chain::build_chains(&certificates);
    let verdict = rules::diagnose(&ProbeFacts {
        url: &url,
        exchanges: &exchanges,
        capabilities: capabilities.as_ref(),
        ca_cert: ca_cert.as_ref(),
        certificates: &certificates,
        roles: &roles,
        chains: &chains,
        expected_thumbprint: expected.as_deref(),
        now: options.now,
    });

    let tls: Option<&TlsObservation> = exchanges
        .iter()
        .filter_map(|e| e.tls.as_ref())
        .find(|t| t.problem.is_some())
        .or_else(|| exchanges.iter().find_map(|e| e.tls.as_ref()));
    let peer_certificates: Vec<Certificate> = tls
        .map(|t| {
            t.peer_chain
                .iter()
                .filter_map(|der| certificate_from_der(der).ok())
                .collect()
        })
        .unwrap_or_default();

    let mut report = build(Parts {
        outcome: &verdict.outcome,
        events: &[],
        certificates: &certificates,
        roles: &roles,
        chains: &chains,
        inputs: Vec::new(),
        notices: Vec::new(),
        now: options.now,
        lang: options.lang,
        redact: options.redact,
    });
    report.probe = Some(build_probe(ProbeParts {
        url: url.base(),
        working: verdict.working,
        exchanges: &exchanges,
        tls,
        peer_certificates: &peer_certificates,
        capabilities: capabilities.and_then(Result::ok).unwrap_or_default(),
        certificates: &certificates,
        ca: verdict.ca,
        ras: &verdict.ras,
        expected_ca_thumbprint: expected,
    }));
    let key = redaction_key(&exchanges);
    Ok(Probed {
        report,
        certificates,
        roles,
        key,
    })
}

/// Joins a probe to a diagnosis (both unredacted): the probe object, its findings (step 2)
/// and its CA and RA certificates join the report. An error of the probe makes the verdict
/// `failed` (report-contract.md § Verdicts); the summary and next action are then the
/// probe's, unless the diagnosis had failed already.
pub(crate) fn join(report: &mut Report, probe: Report) {
    let rank = |f: &crate::report::FindingEntry| {
        let severity = match f.severity {
            Severity::Error => 0,
            Severity::Action => 1,
            Severity::Warning => 2,
            Severity::Info => 3,
        };
        (f.resolved, severity)
    };
    let probe_failed = probe.verdict == Verdict::Failed;
    report.findings.extend(probe.findings);
    crate::sorting::stable_by_key(&mut report.findings, rank);
    for c in probe.certificates {
        if !report.certificates.iter().any(|x| x.sha256 == c.sha256) {
            report.certificates.push(c);
        }
    }
    report.chains.extend(probe.chains);
    if probe_failed && report.verdict != Verdict::Failed {
        report.verdict = Verdict::Failed;
        report.summary = probe.summary;
        report.next_action = probe.next_action;
    }
    report.probe = probe.probe;
}

/// Holds a transport to the contract's bounds: bodies beyond the cap are cut (and marked
/// so), reasons are clipped.
fn bound(e: &mut ProbeExchange) {
    match &mut e.result {
        ExchangeResult::Answer(a) => {
            if a.body.len() > limits::MAX_PROBE_BODY_BYTES {
                a.body.truncate(limits::MAX_PROBE_BODY_BYTES);
                a.truncated = true;
            }
        }
        ExchangeResult::Failed { reason, .. } => {
            *reason = limits::clip(reason, limits::MAX_PROBE_REASON_CHARS);
        }
    }
}

/// The redaction key of a probe: a hash of everything the transport handed over, so the
/// same answers give the same tokens and other answers other tokens.
fn redaction_key(exchanges: &[ProbeExchange]) -> [u8; 32] {
    let mut key = Sha256::new();
    key.update(b"certdoctor probe redaction key v1\0");
    for e in exchanges {
        key.update(e.url.as_bytes());
        key.update([0]);
        match &e.result {
            ExchangeResult::Answer(a) => {
                key.update(a.status.to_le_bytes());
                key.update(&a.body);
            }
            ExchangeResult::Failed { reason, .. } => key.update(reason.as_bytes()),
        }
        if let Some(t) = &e.tls {
            for c in &t.peer_chain {
                key.update(c);
            }
        }
    }
    key.finalize().into()
}

#[cfg(test)]
mod tests;
