//! Enrollments: groups log events per SCEP profile identity (the `ModelName=…;Hash=…`
//! key on every platform) into attempts, places each on the six-step flow, and applies
//! the SCEP rules of the contract per attempt; the latest attempt decides.

use std::collections::HashMap;

use crate::evidence::{EventKind, LogEvent, ManagementMode, Platform, ProfileId};

use super::finding::Finding;

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

pub(super) fn state_label(state: &str) -> String {
    let s = state.trim();
    s.strip_prefix("CERT_").unwrap_or(s).to_ascii_lowercase()
}

pub(super) fn host_of(url: Option<&str>) -> String {
    let Some(url) = url else { return String::new() };
    let rest = url.split("://").nth(1).unwrap_or(url);
    rest.split(['/', '?', ':']).next().unwrap_or("").to_string()
}

mod rules;

pub use rules::diagnose;

#[cfg(test)]
mod tests;
