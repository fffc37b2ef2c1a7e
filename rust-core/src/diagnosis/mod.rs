//! Diagnosis: rules read the evidence (events, certificate facts, chains), produce
//! findings, and derive the verdict and the summary. Rules never parse raw lines.

pub mod certificates;
pub mod device;
pub mod enrollments;
pub mod finding;
mod no_evidence;
pub mod probe;
pub mod server;
pub mod timeline;

use time::OffsetDateTime;

pub use crate::contract::{FindingId, Severity};
pub use finding::{Evidence, Finding};

use crate::contract::Verdict;
use crate::evidence::{CertRole, Certificate, Chain, EventKind, LogEvent, Platform};
use enrollments::Enrollment;
use timeline::TimelineItem;

/// Everything the rules read.
pub struct Facts<'a> {
    /// Log events in time order.
    pub events: &'a [LogEvent],
    pub certificates: &'a [Certificate],
    pub roles: &'a [CertRole],
    pub chains: &'a [Chain],
    /// Inputs that looked like certificates but did not decode: (path, reason).
    pub unparseable: &'a [(String, String)],
    pub now: OffsetDateTime,
}

/// The summary sentence and next action, as message IDs with arguments.
#[derive(Debug, Clone)]
pub struct Summary {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    /// The finding whose remedy is the next action (index into `Outcome::findings`).
    pub primary: Option<usize>,
    /// Message ID of the next action when no finding gives one.
    pub next_key: &'static str,
    /// Issue 23: the SCEP endpoint to test with `certdoctor probe`, when the evidence
    /// names one and the verdict leaves the server in doubt.
    pub probe: Option<ProbeHint>,
}

/// What the evidence says about the SCEP URL a device used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeHint {
    /// The URL a device asked (`scheme://host/path`, query dropped).
    Url(String),
    /// Only NDES's IIS log shows it: the path is known, the external host name is not.
    Path(&'static str),
}

/// The SCEP URL of the latest device request in the evidence, else NDES's path when the
/// IIS log shows mscep requests.
pub fn probe_hint(events: &[LogEvent]) -> Option<ProbeHint> {
    let url = events.iter().rev().find_map(|e| match &e.kind {
        EventKind::ScepRequest { url: Some(u), .. }
        | EventKind::ScepHttpResponse { url: Some(u), .. } => {
            crate::evidence::probe::ScepUrl::parse(u).ok()
        }
        _ => None,
    });
    if let Some(u) = url {
        return Some(ProbeHint::Url(u.base()));
    }
    events
        .iter()
        .any(|e| {
            matches!(
                &e.kind,
                EventKind::Server(s) if matches!(
                    s.fact,
                    crate::evidence::server::ServerFact::HttpRequest {
                        target: crate::evidence::server::HttpTarget::Mscep { .. },
                        ..
                    }
                )
            )
        })
        .then_some(ProbeHint::Path("/certsrv/mscep/mscep.dll"))
}

/// The CA thumbprint the latest installed SCEP profile of the evidence names, when it is
/// one a probe can compare (SHA-1 or SHA-256 hex): the CA a probe must find when it was
/// given none (issue 23).
pub fn profile_ca_thumbprint(events: &[LogEvent]) -> Option<String> {
    events.iter().rev().find_map(|e| match &e.kind {
        EventKind::ScepProfileCa { thumbprint }
            if matches!(thumbprint.len(), 40 | 64)
                && thumbprint.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Some(thumbprint.to_ascii_uppercase())
        }
        _ => None,
    })
}

/// What the diagnosis concluded.
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub enrollments: Vec<Enrollment>,
    pub timeline: Vec<TimelineItem>,
    pub verdict: Verdict,
    pub summary: Summary,
    /// Server diagnosis (issue 9): keys and six-step view per enrollment, index-aligned
    /// with `enrollments`.
    pub extras: Vec<server::EnrollmentExtra>,
    /// Findings not kept because the report already held `limits::MAX_FINDINGS` (the
    /// least severe ones, after sorting).
    pub findings_omitted: usize,
}

/// Runs every rule and derives the verdict (report-contract.md § Verdicts).
pub fn diagnose(facts: &Facts<'_>) -> Outcome {
    let events = facts.events;
    let mut enrollments = enrollments::group(events);
    enrollments::diagnose(&mut enrollments, events);

    let mut findings: Vec<Finding> = Vec::new();
    for en in &enrollments {
        findings.extend(en.findings.iter().cloned());
        if !en.opened
            && en.platform != Platform::Ios
            // Test-client output (issue 9) has no enrollment start to miss.
            && en.platform != Platform::Server && en.first_event < events.len()
        {
            let first = &events[en.first_event];
            findings.push(
                Finding::new(FindingId::LogGap, "detail-log-gap-start")
                    .enrollment(en.display())
                    .with_evidence(Evidence::from_event(first)),
            );
        }
    }
    // Server evidence (issue 9): server rules, correlation with device enrollments by
    // exact keys, server-only enrollments appended (after the LOG_GAP loop above).
    let server_outcome = server::diagnose(events, &mut enrollments, facts.certificates);
    findings.extend(server_outcome.findings);
    findings.extend(device::diagnose(events));
    findings.extend(certificates::diagnose(
        facts.certificates,
        facts.roles,
        facts.chains,
        facts.now,
    ));
    for (path, reason) in facts.unparseable {
        findings.push(certificates::unparseable(path, reason));
    }

    let timeline: Vec<TimelineItem> = events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| timeline::place(i, e).or_else(|| server::place(i, e)))
        .collect();

    let scep_activity = !enrollments.is_empty()
        || events.iter().any(|e| {
            matches!(
                e.kind,
                EventKind::RootInstallState { .. }
                    | EventKind::DependentProfileWaiting { .. }
                    | EventKind::ProfileReceived { .. }
                    | EventKind::Server(_) // server evidence (issue 9)
            )
        });
    // Nothing read at all, or the right log without SCEP activity (issue 21): the
    // summary and the next action differ.
    let mut right_log = None;
    if !scep_activity && facts.certificates.is_empty() {
        let (f, right) = no_evidence::finding(events);
        if right {
            right_log = Some(f.args.clone());
        }
        findings.push(f);
    }

    sort_findings(&mut findings);
    let findings_omitted = findings.len().saturating_sub(crate::limits::MAX_FINDINGS);
    findings.truncate(crate::limits::MAX_FINDINGS);

    let delivering_leaf =
        certificates::delivering_leaf(facts.certificates, facts.chains, facts.now);
    let verdict = verdict(&findings, &enrollments, delivering_leaf.is_some());
    let mut summary = summarise(verdict, &findings, &enrollments, delivering_leaf, facts);
    if let (Verdict::Inconclusive, Some(args)) = (verdict, right_log) {
        summary.key = "summary-inconclusive-right-log";
        summary.args = args;
        summary.next_key = "next-collect-covering";
    }
    server_summary(
        &mut summary,
        verdict,
        &findings,
        &enrollments,
        &server_outcome.extras,
    );
    // A delivered certificate needs no probe, and an action waits for someone else.
    if matches!(
        verdict,
        Verdict::Failed | Verdict::InProgress | Verdict::Inconclusive
    ) {
        summary.probe = probe_hint(events);
    }
    Outcome {
        findings,
        enrollments,
        timeline,
        verdict,
        summary,
        extras: server_outcome.extras,
        findings_omitted,
    }
}

/// Server evidence (issue 9): a failure found on a server names the machine; a
/// server-only enrollment is `in_progress` and the summary asks for the device's logs.
fn server_summary(
    summary: &mut Summary,
    verdict: Verdict,
    findings: &[Finding],
    enrollments: &[Enrollment],
    extras: &[server::EnrollmentExtra],
) {
    match verdict {
        Verdict::Failed | Verdict::ActionRequired => {
            let Some(f) = summary.primary.map(|i| &findings[i]) else {
                return;
            };
            if let Some(m) = f.get_arg("machine") {
                summary.key = if verdict == Verdict::Failed {
                    "summary-failed-server"
                } else {
                    "summary-action-server"
                };
                summary.args.push(("machine", m.to_string()));
            }
        }
        Verdict::InProgress if server::server_only(enrollments) => {
            let step = enrollments
                .iter()
                .map(|e| e.progress)
                .max()
                .unwrap_or(0)
                .max(1);
            summary.key = "summary-in-progress-server";
            summary.args = vec![
                ("step", step.to_string()),
                ("machines", server::machines_of(extras)),
            ];
            summary.next_key = "next-collect-device";
        }
        _ => {}
    }
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Action => 1,
        Severity::Warning => 2,
        Severity::Info => 3,
    }
}

/// Deterministic order: unresolved before resolved, by severity, step, ID, then evidence.
fn sort_findings(findings: &mut Vec<Finding>) {
    crate::sorting::stable_by(findings, |a, b| {
        (
            a.resolved,
            severity_rank(a.severity),
            a.step,
            a.id,
            &a.enrollment,
            a.evidence.first().map(|e| &e.source),
        )
            .cmp(&(
                b.resolved,
                severity_rank(b.severity),
                b.step,
                b.id,
                &b.enrollment,
                b.evidence.first().map(|e| &e.source),
            ))
    });
}

fn verdict(findings: &[Finding], enrollments: &[Enrollment], cert_delivered: bool) -> Verdict {
    let active = |s: Severity| findings.iter().any(|f| !f.resolved && f.severity == s);
    if active(Severity::Error) {
        Verdict::Failed
    } else if active(Severity::Action) {
        Verdict::ActionRequired
    } else if enrollments.iter().any(|e| e.delivered()) || cert_delivered {
        Verdict::Delivered
    } else if !enrollments.is_empty() {
        Verdict::InProgress
    } else {
        Verdict::Inconclusive
    }
}

fn step_of_enrollment(en: &Enrollment) -> u8 {
    en.progress.max(1)
}

fn summarise(
    verdict: Verdict,
    findings: &[Finding],
    enrollments: &[Enrollment],
    leaf: Option<usize>,
    facts: &Facts<'_>,
) -> Summary {
    let primary = findings
        .iter()
        .position(|f| !f.resolved && matches!(f.severity, Severity::Error | Severity::Action));
    let platform_of = |profile: &Option<String>| -> String {
        enrollments
            .iter()
            .find(|e| e.display() == *profile)
            .map(|e| e.platform.as_str().to_string())
            .unwrap_or_default()
    };
    match verdict {
        Verdict::Failed | Verdict::ActionRequired => {
            let f = primary.map(|i| &findings[i]);
            let step = f.map(|f| f.step).unwrap_or(5);
            let id = f.map(|f| f.id.as_str()).unwrap_or_default();
            let platform = f.map(|f| platform_of(&f.enrollment)).unwrap_or_default();
            Summary {
                key: if verdict == Verdict::Failed {
                    "summary-failed"
                } else {
                    "summary-action"
                },
                args: vec![
                    ("step", step.to_string()),
                    ("finding", id.to_string()),
                    ("platform", platform),
                ],
                primary,
                next_key: "next-follow-remedy",
                probe: None,
            }
        }
        Verdict::Delivered => {
            if let Some(en) = enrollments.iter().find(|e| e.delivered()) {
                Summary {
                    key: "summary-delivered-log",
                    args: vec![
                        ("profile", en.display().unwrap_or_default()),
                        ("platform", en.platform.as_str().to_string()),
                        ("state", en.state.clone()),
                    ],
                    primary: None,
                    next_key: "next-delivered",
                    probe: None,
                }
            } else {
                let name = leaf
                    .map(|i| {
                        let c = &facts.certificates[i];
                        c.subject_cn.clone().unwrap_or_else(|| c.subject.clone())
                    })
                    .unwrap_or_default();
                Summary {
                    key: "summary-delivered-cert",
                    args: vec![("name", name)],
                    primary: None,
                    next_key: "next-delivered",
                    probe: None,
                }
            }
        }
        Verdict::InProgress => {
            let en = enrollments.iter().max_by_key(|e| e.last_event);
            Summary {
                key: "summary-in-progress",
                args: vec![
                    ("step", en.map(step_of_enrollment).unwrap_or(1).to_string()),
                    ("state", en.map(|e| e.state.clone()).unwrap_or_default()),
                    (
                        "platform",
                        en.map(|e| e.platform.as_str().to_string())
                            .unwrap_or_default(),
                    ),
                ],
                primary: None,
                next_key: "next-in-progress",
                probe: None,
            }
        }
        Verdict::Inconclusive => Summary {
            key: if facts.certificates.is_empty() {
                "summary-inconclusive"
            } else {
                "summary-inconclusive-certs"
            },
            args: vec![("certificates", facts.certificates.len().to_string())],
            primary: None,
            next_key: "next-collect",
            probe: None,
        },
    }
}
