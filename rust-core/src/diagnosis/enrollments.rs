//! Enrollments: groups log events per SCEP profile identity (the `ModelName=…;Hash=…`
//! key on every platform) into attempts, places each on the six-step flow, and applies
//! the SCEP rules of the contract per attempt; the latest attempt decides.

use std::collections::{BTreeMap, HashMap};

use crate::evidence::{
    EventKind, LogEvent, ManagementMode, PkiStatus, Platform, ProfileId, ScepOperation,
};

use super::finding::{Evidence, Finding};
use super::{FindingId, Severity};
use crate::evidence::codes;

/// One attempt to enrol: the events from one `Trying to enroll…` (or profile arrival) to
/// the next.
#[derive(Debug, Default, Clone)]
pub struct Attempt {
    pub events: Vec<usize>,
}

/// Everything seen for one SCEP profile on one device platform.
#[derive(Debug, Clone)]
pub struct Enrollment {
    pub platform: Platform,
    pub profile: Option<ProfileId>,
    pub attempts: Vec<Attempt>,
    /// The first record seen opens the flow (attempt or profile arrival).
    pub opened: bool,
    pub management: Option<ManagementMode>,
    pub findings: Vec<Finding>,
    pub state: String,
    pub delivered_at: Option<usize>,
    pub progress: u8,
    pub transaction_id: Option<String>,
    pub thumbprint: Option<String>,
    pub first_event: usize,
    pub last_event: usize,
}

impl Enrollment {
    fn new(platform: Platform, profile: Option<ProfileId>, first: usize) -> Self {
        Enrollment {
            platform,
            profile,
            attempts: Vec::new(),
            opened: false,
            management: None,
            findings: Vec::new(),
            state: String::new(),
            delivered_at: None,
            progress: 0,
            transaction_id: None,
            thumbprint: None,
            first_event: first,
            last_event: first,
        }
    }

    pub fn display(&self) -> Option<String> {
        self.profile.as_ref().map(|p| p.raw.clone())
    }

    pub fn delivered(&self) -> bool {
        self.delivered_at.is_some()
    }

    fn push(&mut self, idx: usize, new_attempt: bool) {
        if new_attempt || self.attempts.is_empty() {
            self.attempts.push(Attempt::default());
        }
        if let Some(a) = self.attempts.last_mut() {
            a.events.push(idx);
        }
        self.last_event = self.last_event.max(idx);
    }
}

/// Android jscep lines carry no request ID: they belong to the latest attempt of the same
/// process. iOS and Windows records belong to the latest enrollment of the same input.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Context {
    Process(Platform, u32),
    Input(Platform, String),
}

fn context(e: &LogEvent) -> Context {
    match (e.platform, e.pid) {
        (Platform::Android, Some(pid)) => Context::Process(e.platform, pid),
        _ => Context::Input(e.platform, e.source.path.to_string()),
    }
}

/// Groups `events` (already in time order) into enrollments.
pub fn group(events: &[LogEvent]) -> Vec<Enrollment> {
    let mut enrollments: Vec<Enrollment> = Vec::new();
    let mut current: HashMap<Context, usize> = HashMap::new();
    let mut management: HashMap<Platform, ManagementMode> = HashMap::new();

    for (idx, e) in events.iter().enumerate() {
        let ctx = context(e);
        // The enrollment of the current context, creating an anonymous one if needed.
        let contextual = |enrollments: &mut Vec<Enrollment>,
                          current: &mut HashMap<Context, usize>| {
            *current.entry(ctx.clone()).or_insert_with(|| {
                enrollments.push(Enrollment::new(e.platform, None, idx));
                enrollments.len() - 1
            })
        };
        match &e.kind {
            EventKind::EnrollmentAttempt { profile }
            | EventKind::ProfileReceived {
                profile: Some(profile),
                root: false,
            } => {
                let i = adopt_or_find(&mut enrollments, &current, &ctx, e.platform, profile, idx);
                let en = &mut enrollments[i];
                if en.attempts.is_empty() && en.first_event == idx {
                    en.opened = true;
                }
                let substantive = en.attempts.last().is_some_and(|a| {
                    a.events.iter().any(|&j| {
                        !matches!(
                            events[j].kind,
                            EventKind::EnrollmentAttempt { .. } | EventKind::ProfileReceived { .. }
                        )
                    })
                });
                en.push(idx, substantive);
                current.insert(ctx, i);
            }
            EventKind::ScepInstallState { profile, .. } => {
                let i = find_or_create(&mut enrollments, e.platform, profile, idx);
                enrollments[i].push(idx, false);
            }
            EventKind::CertificateInstalled {
                profile: Some(profile),
                ..
            }
            | EventKind::InstallError {
                profile: Some(profile),
                ..
            }
            | EventKind::ProfileRolledBack {
                profile: Some(profile),
            }
            | EventKind::EnrollmentFailed {
                profile: Some(profile),
                ..
            } => {
                let i = adopt_or_find(&mut enrollments, &current, &ctx, e.platform, profile, idx);
                enrollments[i].push(idx, false);
                current.insert(ctx, i);
            }
            EventKind::ScepRequest { .. }
            | EventKind::ScepHttpResponse { .. }
            | EventKind::ScepTransportError { .. }
            | EventKind::ScepInvalidResponse { .. }
            | EventKind::ScepCapabilitiesMissing { .. }
            | EventKind::ScepRequestBuilt { .. }
            | EventKind::CertRep { .. }
            | EventKind::CertificateInstalled { profile: None, .. }
            | EventKind::InstallError { profile: None, .. }
            | EventKind::ProfileRolledBack { profile: None }
            | EventKind::EnrollmentFailed { profile: None, .. }
            | EventKind::ResultReported
            | EventKind::ProfileReceived {
                profile: None,
                root: false,
            } => {
                let i = contextual(&mut enrollments, &mut current);
                enrollments[i].push(idx, false);
            }
            EventKind::Management(m) => {
                management.insert(e.platform, *m);
            }
            _ => {}
        }
    }
    for en in &mut enrollments {
        en.management = management.get(&en.platform).copied();
    }
    enrollments
}

fn find_or_create(
    enrollments: &mut Vec<Enrollment>,
    platform: Platform,
    p: &ProfileId,
    idx: usize,
) -> usize {
    let found = enrollments
        .iter()
        .position(|e| e.platform == platform && e.profile.as_ref().is_some_and(|q| q.matches(p)));
    found.unwrap_or_else(|| {
        enrollments.push(Enrollment::new(platform, Some(p.clone()), idx));
        enrollments.len() - 1
    })
}

/// Finds the enrollment of `profile`; an anonymous enrollment of the same context takes
/// the profile's name when no enrollment has it yet (iOS names the profile at the end).
fn adopt_or_find(
    enrollments: &mut Vec<Enrollment>,
    current: &HashMap<Context, usize>,
    ctx: &Context,
    platform: Platform,
    profile: &ProfileId,
    idx: usize,
) -> usize {
    let known = enrollments
        .iter()
        .any(|e| e.platform == platform && e.profile.as_ref().is_some_and(|q| q.matches(profile)));
    if !known
        && let Some(&i) = current.get(ctx)
        && enrollments[i].profile.is_none()
    {
        enrollments[i].profile = Some(profile.clone());
        return i;
    }
    find_or_create(enrollments, platform, profile, idx)
}

/// A failure-like state name (log-formats.md §2.3: failure states are unknown).
pub fn is_failure_state(state: &str) -> bool {
    let s = state.to_ascii_uppercase();
    ["FAIL", "ERROR", "DENIED", "REJECT"]
        .iter()
        .any(|w| s.contains(w))
}

fn state_label(state: &str) -> String {
    let s = state.trim();
    s.strip_prefix("CERT_").unwrap_or(s).to_ascii_lowercase()
}

fn host_of(url: Option<&str>) -> String {
    let Some(url) = url else { return String::new() };
    let rest = url.split("://").nth(1).unwrap_or(url);
    rest.split(['/', '?', ':']).next().unwrap_or("").to_string()
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{FailInfo, SourceRef};

    fn ev(line: u64, pid: u32, kind: EventKind) -> LogEvent {
        LogEvent {
            platform: Platform::Android,
            source: SourceRef::line("a.log".into(), line),
            time: None,
            pid: Some(pid),
            kind,
            text: format!("line {line}"),
        }
    }

    fn profile() -> ProfileId {
        ProfileId::parse("ModelName=AC_1%2FLogicalName_2;Hash=3").unwrap()
    }

    fn run(events: Vec<LogEvent>) -> Vec<Enrollment> {
        let mut en = group(&events);
        diagnose(&mut en, &events);
        en
    }

    fn ids(e: &Enrollment) -> Vec<(&'static str, Severity, bool)> {
        e.findings
            .iter()
            .map(|f| (f.id.as_str(), f.severity, f.resolved))
            .collect()
    }

    #[test]
    fn http_500_then_success_is_resolved() {
        let op = ScepOperation::GetCaCert;
        let events = vec![
            ev(1, 7, EventKind::EnrollmentAttempt { profile: profile() }),
            ev(
                2,
                7,
                EventKind::ScepRequest {
                    operation: op.clone(),
                    url: None,
                },
            ),
            ev(
                3,
                7,
                EventKind::ScepHttpResponse {
                    operation: op.clone(),
                    status: 500,
                    reason: "Internal".into(),
                    url: None,
                },
            ),
            ev(4, 7, EventKind::EnrollmentAttempt { profile: profile() }),
            ev(
                5,
                7,
                EventKind::ScepHttpResponse {
                    operation: op,
                    status: 200,
                    reason: "OK".into(),
                    url: None,
                },
            ),
            ev(
                6,
                7,
                EventKind::CertRep {
                    status: PkiStatus::Success,
                    fail_info: None,
                    transaction_id: Some("T".into()),
                },
            ),
            ev(
                7,
                9,
                EventKind::ScepInstallState {
                    profile: profile(),
                    from: "CERT_ENROLLED".into(),
                    to: "CERT_ACCESS_GRANTED".into(),
                },
            ),
        ];
        let en = run(events);
        assert_eq!(en.len(), 1);
        assert_eq!(
            ids(&en[0]),
            vec![("SCEP_SERVER_UNREACHABLE", Severity::Info, true)]
        );
        assert!(en[0].delivered());
        assert_eq!(en[0].state, "access_granted");
        assert_eq!(en[0].transaction_id.as_deref(), Some("T"));
    }

    #[test]
    fn rejection_names_fail_info_and_generic_error_only_supports_it() {
        let events = vec![
            ev(1, 7, EventKind::EnrollmentAttempt { profile: profile() }),
            ev(
                2,
                7,
                EventKind::CertRep {
                    status: PkiStatus::Failure,
                    fail_info: Some(FailInfo::BadRequest),
                    transaction_id: None,
                },
            ),
            ev(
                3,
                7,
                EventKind::EnrollmentFailed {
                    profile: Some(profile()),
                    detail: "x".into(),
                },
            ),
        ];
        let en = run(events);
        assert_eq!(
            ids(&en[0]),
            vec![("SCEP_REQUEST_REJECTED", Severity::Error, false)]
        );
        assert_eq!(en[0].findings[0].get_arg("fail_info"), Some("badRequest"));
        assert_eq!(en[0].findings[0].evidence.len(), 2);
        assert_eq!(en[0].state, "rejected");
    }

    #[test]
    fn unanswered_request_before_next_attempt_is_unreachable() {
        let events = vec![
            ev(1, 7, EventKind::EnrollmentAttempt { profile: profile() }),
            ev(
                2,
                7,
                EventKind::ScepRequest {
                    operation: ScepOperation::GetCaCert,
                    url: None,
                },
            ),
            ev(3, 7, EventKind::EnrollmentAttempt { profile: profile() }),
            ev(
                4,
                7,
                EventKind::ScepRequest {
                    operation: ScepOperation::GetCaCert,
                    url: None,
                },
            ),
        ];
        let en = run(events);
        assert_eq!(
            ids(&en[0]),
            vec![("SCEP_SERVER_UNREACHABLE", Severity::Error, false)]
        );
    }

    #[test]
    fn last_state_decides_who_acts() {
        let p = profile();
        let st = |l, from: &str, to: &str| {
            ev(
                l,
                7,
                EventKind::ScepInstallState {
                    profile: p.clone(),
                    from: from.into(),
                    to: to.into(),
                },
            )
        };
        let en = run(vec![st(1, "CERT_ENROLLED", "CERT_INSTALL_REQUESTED")]);
        assert_eq!(
            ids(&en[0]),
            vec![("SCEP_INSTALL_WAITING_FOR_USER", Severity::Action, false)]
        );
        assert!(!en[0].opened);
        let en = run(vec![st(1, "CERT_INSTALLING", "CERT_ACCESS_REQUESTED")]);
        assert_eq!(
            ids(&en[0]),
            vec![("SCEP_ACCESS_NOT_GRANTED", Severity::Action, false)]
        );
        let en = run(vec![st(1, "CERT_INSTALLING", "CERT_INSTALL_FAILED")]);
        assert_eq!(
            ids(&en[0]),
            vec![("SCEP_INSTALL_FAILED", Severity::Error, false)]
        );
        let en = run(vec![
            st(1, "CERT_INSTALLING", "CERT_INSTALL_FAILED"),
            st(2, "CERT_INSTALLING", "CERT_INSTALL_SUCCESS"),
        ]);
        assert_eq!(
            ids(&en[0]),
            vec![("SCEP_INSTALL_FAILED", Severity::Info, true)]
        );
    }

    #[test]
    fn pending_twice_stays_pending_and_success_resolves_it() {
        let pend = |l| {
            ev(
                l,
                7,
                EventKind::CertRep {
                    status: PkiStatus::Pending,
                    fail_info: None,
                    transaction_id: None,
                },
            )
        };
        let en = run(vec![
            ev(1, 7, EventKind::EnrollmentAttempt { profile: profile() }),
            pend(2),
            ev(3, 7, EventKind::EnrollmentAttempt { profile: profile() }),
            pend(4),
        ]);
        assert_eq!(
            ids(&en[0]),
            vec![("SCEP_REQUEST_PENDING", Severity::Action, false)]
        );
        assert_eq!(en[0].findings[0].evidence.len(), 2);
        let en = run(vec![
            ev(1, 7, EventKind::EnrollmentAttempt { profile: profile() }),
            pend(2),
            ev(3, 7, EventKind::EnrollmentAttempt { profile: profile() }),
            ev(
                4,
                7,
                EventKind::CertRep {
                    status: PkiStatus::Success,
                    fail_info: None,
                    transaction_id: None,
                },
            ),
        ]);
        assert_eq!(
            ids(&en[0]),
            vec![("SCEP_REQUEST_PENDING", Severity::Info, true)]
        );
    }

    #[test]
    fn jscep_lines_follow_their_process() {
        let other = ProfileId::parse("ModelName=AC_9%2FLogicalName_8;Hash=7").unwrap();
        let en = run(vec![
            ev(1, 7, EventKind::EnrollmentAttempt { profile: profile() }),
            ev(2, 8, EventKind::EnrollmentAttempt { profile: other }),
            ev(
                3,
                7,
                EventKind::CertRep {
                    status: PkiStatus::Pending,
                    fail_info: None,
                    transaction_id: None,
                },
            ),
        ]);
        assert_eq!(en.len(), 2);
        assert_eq!(en[0].findings.len(), 1);
        assert!(en[1].findings.is_empty());
    }
}
