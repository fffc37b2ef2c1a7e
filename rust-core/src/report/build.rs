//! Builds the contract's `Report` from the diagnosis: localises every message, lays out
//! inventory, chains, enrollments and timeline. No rule is applied here.

use time::OffsetDateTime;

use crate::contract::format_utc;
use crate::diagnosis::{Outcome, ProbeHint};
use crate::evidence::{CertRole, Certificate, Chain, LogEvent, Platform};

use super::messages::{Lang, Messages, finding_message_id};
use super::{
    CertificateEntry, ChainEntry, EnrollmentEntry, EnrollmentIds, EvidenceEntry, FindingEntry,
    InputEntry, RedactionInfo, Report, SCHEMA_VERSION, TimelineEntry, Tool,
};

/// Everything the report is made of.
pub struct Parts<'a> {
    pub outcome: &'a Outcome,
    pub events: &'a [LogEvent],
    pub certificates: &'a [Certificate],
    pub roles: &'a [CertRole],
    pub chains: &'a [Chain],
    pub inputs: Vec<InputEntry>,
    pub notices: Vec<String>,
    pub now: OffsetDateTime,
    pub lang: Lang,
    /// The report will be redacted: a command with a host token in it cannot be run as
    /// written, so the next action says so.
    pub redact: bool,
}

pub fn build(p: Parts<'_>) -> Report {
    let m = Messages::get(p.lang);
    let o = p.outcome;

    let certificates: Vec<CertificateEntry> = p
        .certificates
        .iter()
        .zip(p.roles)
        .map(|(c, role)| CertificateEntry {
            sha256: c.sha256.clone(),
            sha1: c.sha1.clone(),
            serial_hex: c.serial_hex.clone(),
            subject: c.subject.clone(),
            subject_cn: c.subject_cn.clone(),
            issuer: c.issuer.clone(),
            issuer_cn: c.issuer_cn.clone(),
            not_before: format_utc(c.not_before),
            not_after: format_utc(c.not_after),
            role: *role,
            key: c.key.clone(),
            signature_algorithm: c.signature_algorithm.clone(),
            extended_key_usage: c.extended_key_usage.clone().unwrap_or_default(),
            subject_alt_names: c.subject_alt_names.clone(),
            template: c.template.clone(),
            sources: c.sources.clone(),
        })
        .collect();

    let chains = p
        .chains
        .iter()
        .map(|ch| ChainEntry {
            leaf_sha256: p.certificates[ch.leaf].sha256.clone(),
            path: ch
                .path
                .iter()
                .map(|&i| p.certificates[i].sha256.clone())
                .collect(),
            complete: ch.complete,
            signatures_valid: ch.signatures_valid,
        })
        .collect();

    let time_of = |i: usize| {
        p.events
            .get(i)
            .and_then(|e| e.time.as_ref())
            .map(|t| t.text.clone())
    };
    let enrollments = o
        .enrollments
        .iter()
        .enumerate()
        .map(|(n, en)| {
            // Server diagnosis (issue 9): keys and steps, index-aligned.
            let extra = o.extras.get(n).cloned().unwrap_or_default();
            let mut idxs: Vec<usize> = en
                .attempts
                .iter()
                .flat_map(|a| a.events.iter().copied())
                .collect();
            crate::sorting::sort(&mut idxs);
            let first_seen = idxs.iter().find_map(|&i| time_of(i));
            let last_seen = idxs.iter().rev().find_map(|&i| time_of(i));
            EnrollmentEntry {
                platform: en.platform,
                profile: en.display(),
                state: en.state.clone(),
                first_seen,
                last_seen,
                ids: EnrollmentIds {
                    transaction_id: en.transaction_id.clone().or(extra.transaction_id),
                    ca_request_id: extra.ca_request_id,
                    serial_hex: extra.serial_hex,
                    sha1: en.thumbprint.clone().or(extra.sha1),
                    intune_device_id: extra.device_id,
                    policy_id: extra.policy_id,
                    template: extra.template,
                },
                management: en.management,
                steps: extra
                    .steps
                    .iter()
                    .map(|s| super::StepEntry {
                        step: s.step,
                        seen_on: s.seen_on.iter().map(|m| m.to_string()).collect(),
                        status: s.status.as_str().to_string(),
                    })
                    .collect(),
            }
        })
        .collect();

    let mut timeline: Vec<TimelineEntry> = o
        .timeline
        .iter()
        .map(|t| {
            let e = &p.events[t.event];
            TimelineEntry {
                time: e.time.as_ref().map(|t| t.text.clone()),
                source: e.source.to_string(),
                step: t.step,
                event: t.name.to_string(),
                text: m.text(t.text, &t.args),
            }
        })
        .collect();
    let mut notices = p.notices;
    if timeline.len() > crate::limits::MAX_TIMELINE {
        let cut = timeline.len() - crate::limits::MAX_TIMELINE;
        timeline.drain(..cut);
        notices.push(m.text(
            "label-more-timeline",
            &[
                ("count", cut.to_string()),
                ("limit", crate::limits::MAX_TIMELINE.to_string()),
            ],
        ));
    }
    if o.findings_omitted > 0 {
        notices.push(m.text(
            "label-more-findings",
            &[
                ("count", o.findings_omitted.to_string()),
                ("limit", crate::limits::MAX_FINDINGS.to_string()),
            ],
        ));
    }
    for f in o.findings.iter().filter(|f| f.evidence_omitted > 0) {
        notices.push(m.text(
            "label-more-evidence",
            &[
                ("id", f.id.as_str().to_string()),
                ("count", f.evidence_omitted.to_string()),
                ("limit", crate::limits::MAX_EVIDENCE_PER_FINDING.to_string()),
            ],
        ));
    }

    let findings: Vec<FindingEntry> = o
        .findings
        .iter()
        .map(|f| {
            let key = finding_message_id(f.id);
            // The management mode picks the wording of title and remedy alike.
            let variant = [("variant", f.remedy_variant.to_string())];
            FindingEntry {
                id: f.id,
                severity: f.severity,
                step: f.step,
                title: m.attr(&key, "title", &variant),
                detail: m.text(f.detail, &f.args),
                remedy: m.attr(&key, "remedy", &variant),
                certificate: f.certificate.map(|i| p.certificates[i].sha256.clone()),
                resolved: f.resolved,
                evidence: f
                    .evidence
                    .iter()
                    .map(|e| EvidenceEntry {
                        source: e.source.clone(),
                        text: e.text.clone(),
                    })
                    .collect(),
                enrollment: f.enrollment.clone(),
            }
        })
        .collect();

    let mut server_components: Vec<String> = p
        .events
        .iter()
        .flat_map(|e| match &e.kind {
            crate::evidence::EventKind::Server(s) => vec![s.component.as_str().to_string()],
            // A server log read without SCEP activity still names its machine (issue 21).
            crate::evidence::EventKind::LogRead(r) => r
                .components
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    crate::sorting::sort(&mut server_components);
    server_components.dedup();
    let mut platforms: Vec<Platform> = p
        .events
        .iter()
        .map(|e| e.platform)
        .filter(|p| p.is_device())
        .collect();
    crate::sorting::sort(&mut platforms);
    platforms.dedup();

    let mut summary_args: Vec<(&str, String)> = o
        .summary
        .args
        .iter()
        .map(|(k, v)| (*k, v.clone()))
        .collect();
    // Words for the IDs the summary names: the primary finding's title, the step's name.
    if let Some(f) = o.summary.primary.and_then(|i| findings.get(i)) {
        summary_args.push(("title", f.title.clone()));
    }
    let step_name = summary_args
        .iter()
        .find(|(k, _)| *k == "step")
        .map(|(_, v)| m.text(&format!("step-{v}"), &[]));
    if let Some(name) = step_name {
        summary_args.push(("step_name", name));
    }
    let summary = m.text(o.summary.key, &summary_args);
    let mut next_action = match o.summary.primary {
        Some(i) => findings
            .get(i)
            .map(|f| f.remedy.clone())
            .unwrap_or_default(),
        None => m.text(o.summary.next_key, &[]),
    };
    // Issue 23: the SCEP URL the evidence names, to test with `certdoctor probe`.
    let probe = match &o.summary.probe {
        Some(ProbeHint::Url(url)) if p.redact => {
            Some(m.text("next-probe-redacted", &[("url", url.clone())]))
        }
        Some(ProbeHint::Url(url)) => Some(m.text("next-probe-command", &[("url", url.clone())])),
        Some(ProbeHint::Path(path)) => {
            Some(m.text("next-probe-stem", &[("path", path.to_string())]))
        }
        None => None,
    };
    if let Some(probe) = probe {
        next_action.push(' ');
        next_action.push_str(&probe);
    }

    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "certdoctor".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        generated_at: format_utc(p.now),
        verdict: o.verdict,
        summary,
        next_action,
        lang: p.lang.tag().to_string(),
        platforms,
        server_components,
        redaction: RedactionInfo {
            applied: false,
            kinds: Vec::new(),
        },
        inputs: p.inputs,
        certificates,
        chains,
        enrollments,
        timeline,
        findings,
        notices,
        probe: None,
    }
}
