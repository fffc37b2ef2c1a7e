//! The device rules, per enrollment and attempt: what each attempt's events raise, what
//! a later attempt resolves, and which finding the latest attempt leaves standing.

use std::collections::BTreeMap;

use crate::evidence::{EventKind, LogEvent, ManagementMode, PkiStatus, Platform, ScepOperation};

use crate::diagnosis::finding::{Evidence, Finding};
use crate::diagnosis::{FindingId, Severity};

use super::{Enrollment, host_of, is_failure_state, state_label};
use crate::evidence::codes;

/// A finding raised in an attempt, with the index of its latest evidence event.
struct Raised {
    finding: Finding,
    attempt: usize,
    last_event: usize,
}

struct Collector<'a> {
    events: &'a [LogEvent],
    raised: BTreeMap<FindingId, Raised>,
    profile: Option<String>,
}

impl Collector<'_> {
    fn raise(&mut self, attempt: usize, idx: usize, f: Finding) {
        let ev = Evidence::from_event(&self.events[idx]);
        match self.raised.get_mut(&f.id) {
            Some(r) => {
                r.finding.push_evidence(ev);
                // The latest attempt's wording wins; evidence accumulates.
                if attempt >= r.attempt {
                    r.finding.args = f.args;
                    r.finding.detail = f.detail;
                    r.finding.step = f.step;
                }
                r.attempt = attempt;
                r.last_event = idx;
            }
            None => {
                let finding = f.enrollment(self.profile.clone()).with_evidence(ev);
                self.raised.insert(
                    finding.id,
                    Raised {
                        finding,
                        attempt,
                        last_event: idx,
                    },
                );
            }
        }
    }

    /// Adds supporting evidence to findings of this attempt (e.g. the MDM client's own
    /// error line next to the HTTP status that explains it).
    fn support(&mut self, attempt: usize, idx: usize) -> bool {
        let ev = Evidence::from_event(&self.events[idx]);
        let mut any = false;
        for r in self.raised.values_mut() {
            if r.attempt == attempt && r.finding.severity == Severity::Error {
                r.finding.push_evidence(ev.clone());
                any = true;
            }
        }
        any
    }
}

/// Applies the SCEP rules to every enrollment: findings, state, progress, delivery.
pub fn diagnose(enrollments: &mut [Enrollment], events: &[LogEvent]) {
    for en in enrollments.iter_mut() {
        diagnose_one(en, events);
    }
}

fn diagnose_one(en: &mut Enrollment, events: &[LogEvent]) {
    let mut c = Collector {
        events,
        raised: BTreeMap::new(),
        profile: en.display(),
    };
    let mut progress_per_attempt = vec![0u8; en.attempts.len()];
    let mut last_install_state: Option<(usize, String)> = None;
    let mut last_outcome = "profile_received";
    let n_attempts = en.attempts.len();

    for (ai, attempt) in en.attempts.iter().enumerate() {
        let mut progress = 0u8;
        let mut outstanding: Vec<(ScepOperation, usize)> = Vec::new();
        let mut generic_failures: Vec<usize> = Vec::new();
        for &idx in &attempt.events {
            let e = &events[idx];
            match &e.kind {
                EventKind::EnrollmentAttempt { .. } | EventKind::ProfileReceived { .. } => {
                    progress = progress.max(1);
                    last_outcome = "requested";
                }
                EventKind::ScepRequest { operation, .. } => {
                    outstanding.push((operation.clone(), idx));
                    last_outcome = "contacting_server";
                }
                EventKind::ScepRequestBuilt { transaction_id, .. } if transaction_id.is_some() => {
                    en.transaction_id = transaction_id.clone();
                }
                EventKind::ScepHttpResponse {
                    operation,
                    status,
                    reason,
                    url,
                } => {
                    outstanding.retain(|(op, _)| op != operation);
                    if (200..300).contains(status) {
                        let reached = if *operation == ScepOperation::PkiOperation {
                            3
                        } else {
                            2
                        };
                        progress = progress.max(reached);
                    } else {
                        last_outcome = "server_error";
                        c.raise(
                            ai,
                            idx,
                            Finding::new(
                                FindingId::ScepServerUnreachable,
                                "detail-scep-http-status",
                            )
                            .step(operation.step())
                            .arg("operation", operation.label())
                            .arg("status", status.to_string())
                            .arg("reason", reason.clone())
                            .arg("host", host_of(url.as_deref())),
                        );
                    }
                }
                EventKind::ScepTransportError { operation, detail } => {
                    outstanding.clear();
                    last_outcome = "server_unreachable";
                    let op = operation.clone().unwrap_or(ScepOperation::GetCaCert);
                    c.raise(
                        ai,
                        idx,
                        Finding::new(FindingId::ScepServerUnreachable, "detail-scep-transport")
                            .step(op.step())
                            .arg(
                                "operation",
                                operation
                                    .as_ref()
                                    .map(|o| o.label().to_string())
                                    .unwrap_or_default(),
                            )
                            .arg("cause", crate::limits::clip(detail, 200)),
                    );
                }
                EventKind::ScepCapabilitiesMissing { detail }
                    if e.platform == Platform::Android =>
                {
                    last_outcome = "server_error";
                    c.raise(
                        ai,
                        idx,
                        Finding::new(FindingId::ScepServerUnreachable, "detail-scep-capabilities")
                            .step(2)
                            .arg("cause", crate::limits::clip(detail, 200)),
                    );
                }
                EventKind::ScepInvalidResponse { detail } => {
                    let step = outstanding.last().map(|(op, _)| op.step()).unwrap_or(2);
                    last_outcome = "invalid_response";
                    c.raise(
                        ai,
                        idx,
                        Finding::new(
                            FindingId::ScepServerInvalidResponse,
                            "detail-scep-invalid-response",
                        )
                        .step(step)
                        .arg("cause", crate::limits::clip(detail, 200)),
                    );
                }
                EventKind::CertRep {
                    status,
                    fail_info,
                    transaction_id,
                } => {
                    outstanding.retain(|(op, _)| *op != ScepOperation::PkiOperation);
                    if transaction_id.is_some() {
                        en.transaction_id = transaction_id.clone();
                    }
                    match status {
                        PkiStatus::Success => {
                            progress = progress.max(4);
                            last_outcome = "issued";
                            if let Some(r) = c.raised.get_mut(&FindingId::ScepRequestPending) {
                                r.finding.resolve();
                            }
                        }
                        PkiStatus::Failure => {
                            last_outcome = "rejected";
                            let fi = fail_info
                                .as_ref()
                                .map(|f| f.label().to_string())
                                .unwrap_or_default();
                            let kind = match fail_info {
                                None => "none",
                                Some(crate::evidence::FailInfo::Other(_)) => "other",
                                Some(f) => f.label(),
                            };
                            c.raise(
                                ai,
                                idx,
                                Finding::new(
                                    FindingId::ScepRequestRejected,
                                    "detail-scep-rejected",
                                )
                                .arg("fail_info_kind", kind.to_string())
                                .arg("fail_info", fi),
                            );
                        }
                        PkiStatus::Pending => {
                            last_outcome = "pending";
                            c.raise(
                                ai,
                                idx,
                                Finding::new(FindingId::ScepRequestPending, "detail-scep-pending"),
                            );
                        }
                        PkiStatus::Other(s) => {
                            last_outcome = "invalid_response";
                            c.raise(
                                ai,
                                idx,
                                Finding::new(
                                    FindingId::ScepServerInvalidResponse,
                                    "detail-scep-invalid-response",
                                )
                                .step(4)
                                .arg("cause", format!("pkiStatus={s}")),
                            );
                        }
                    }
                }
                EventKind::InstallError { code, detail, .. } => {
                    let verdict = codes::install_error(code.as_ref(), detail);
                    last_outcome = match verdict.finding {
                        FindingId::ScepRequestPending => "pending",
                        FindingId::ScepRequestRejected => "rejected",
                        FindingId::ScepServerUnreachable => "server_unreachable",
                        FindingId::ScepServerInvalidResponse => "invalid_response",
                        _ => "install_failed",
                    };
                    let f = Finding::new(verdict.finding, "detail-platform-error")
                        .step(verdict.step)
                        .arg("code", verdict.name)
                        .arg("explanation", verdict.explanation);
                    // A code of a later step never hides the specific finding already raised.
                    let explained = verdict.finding == FindingId::ScepInstallFailed
                        && c.raised
                            .values()
                            .any(|r| r.attempt == ai && r.finding.severity == Severity::Error);
                    if explained {
                        c.support(ai, idx);
                    } else {
                        c.raise(ai, idx, f);
                    }
                }
                EventKind::EnrollmentFailed { .. } | EventKind::ProfileRolledBack { .. } => {
                    generic_failures.push(idx);
                }
                EventKind::ScepInstallState { to, .. } => {
                    last_install_state = Some((idx, to.clone()));
                    if is_failure_state(to) {
                        c.raise(
                            ai,
                            idx,
                            Finding::new(
                                FindingId::ScepInstallFailed,
                                "detail-install-state-failed",
                            )
                            .arg("state", to.clone()),
                        );
                    } else {
                        progress = progress.max(5);
                        let up = to.to_ascii_uppercase();
                        if up.contains("ACCESS_GRANTED") || up.contains("INSTALL_SUCCESS") {
                            en.delivered_at = Some(idx);
                        }
                    }
                }
                EventKind::CertificateInstalled { thumbprint, .. } => {
                    progress = progress.max(5);
                    if en.delivered_at.is_none() || thumbprint.is_none() {
                        en.delivered_at = Some(idx);
                    }
                    if thumbprint.is_some() {
                        en.thumbprint = thumbprint.clone();
                    }
                }
                EventKind::ResultReported => {
                    progress = progress.max(6);
                }
                _ => {}
            }
        }
        // A request never answered before the next attempt means the server was unreachable
        // (Android only: iOS and Windows do not log HTTP answers).
        if ai + 1 < n_attempts
            && en.platform == Platform::Android
            && let Some((op, idx)) = outstanding.first().cloned()
        {
            c.raise(
                ai,
                idx,
                Finding::new(FindingId::ScepServerUnreachable, "detail-scep-no-answer")
                    .step(op.step())
                    .arg("operation", op.label()),
            );
        }
        // The MDM client's own failure lines support a specific finding, or stand alone.
        for idx in generic_failures {
            if !c.support(ai, idx) {
                let rolled = matches!(events[idx].kind, EventKind::ProfileRolledBack { .. });
                c.raise(
                    ai,
                    idx,
                    Finding::new(
                        FindingId::ScepInstallFailed,
                        if rolled {
                            "detail-profile-rolled-back"
                        } else {
                            "detail-enrollment-failed"
                        },
                    ),
                );
                last_outcome = "install_failed";
            }
        }
        progress_per_attempt[ai] = progress;
    }

    // The last install state decides who must act.
    if let Some((idx, to)) = &last_install_state {
        let up = to.to_ascii_uppercase();
        let variant = match en.management {
            Some(ManagementMode::DeviceAdministrator) => "device_administrator",
            Some(ManagementMode::AndroidEnterprise) => "android_enterprise",
            Some(ManagementMode::Knox) => "knox",
            None => "other",
        };
        let ai = en.attempts.len().saturating_sub(1);
        if up == "CERT_INSTALL_REQUESTED" {
            c.raise(
                ai,
                *idx,
                Finding::new(
                    FindingId::ScepInstallWaitingForUser,
                    "detail-install-waiting",
                )
                .remedy_variant(variant),
            );
        } else if up == "CERT_ACCESS_REQUESTED" {
            c.raise(
                ai,
                *idx,
                Finding::new(FindingId::ScepAccessNotGranted, "detail-access-not-granted")
                    .remedy_variant(variant),
            );
        }
        en.state = state_label(to);
    }

    // Supersession: delivery after a finding, or a later attempt that got past its step.
    for r in c.raised.values_mut() {
        let delivered_later = en.delivered_at.is_some_and(|d| d > r.last_event);
        let later_progress = progress_per_attempt
            .iter()
            .enumerate()
            .skip(r.attempt + 1)
            .any(|(_, &p)| p >= r.finding.step.max(2));
        if delivered_later || later_progress {
            r.finding.resolve();
        }
    }

    en.progress = progress_per_attempt.iter().copied().max().unwrap_or(0);
    if en.delivered() && last_install_state.is_none() {
        en.state = "installed".to_string();
    } else if en.state.is_empty() {
        en.state = last_outcome.to_string();
    }
    en.findings = c.raised.into_values().map(|r| r.finding).collect();
}
