//! Server groups and device enrollments side by side: the exact keys that link a group to
//! a device's enrollment, and the six steps of an enrollment with the machines that
//! showed each.

use crate::evidence::server::ServerKeys;
use crate::evidence::{LogEvent, Platform};

use super::{MACHINES, StepStatus, StepView};
use crate::diagnosis::Severity;
use crate::diagnosis::enrollments::Enrollment;

/// The device enrollment an exact key links a server group to.
pub(super) fn linked_device(enrollments: &[Enrollment], keys: &[ServerKeys]) -> Option<usize> {
    enrollments.iter().position(|en| {
        en.platform.is_device()
            && keys.iter().any(|k| {
                let tx = match (&k.transaction_id, &en.transaction_id) {
                    (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                    _ => false,
                };
                let thumb = match (&k.sha1, &en.thumbprint) {
                    (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                    _ => false,
                };
                let policy = match (&k.policy_id, &en.profile) {
                    (Some(p), Some(profile)) => {
                        let norm = |s: &str| s.replace('-', "_").to_ascii_lowercase();
                        !profile.logical.is_empty() && norm(&profile.logical) == norm(p)
                    }
                    _ => false,
                };
                tx || thumb || policy
            })
    })
}

pub(super) fn time_key(e: &LogEvent) -> Option<i128> {
    e.time
        .as_ref()
        .filter(|t| t.has_date)
        .and_then(|t| t.order_key)
}

/// Steps seen on the device for one enrollment, from its own events and findings.
pub(super) fn device_steps(
    en: &Enrollment,
    events: &[LogEvent],
    steps: &mut [(Vec<&'static str>, StepStatus); 6],
) {
    for a in &en.attempts {
        for &i in &a.events {
            if events[i].platform == Platform::Server {
                continue;
            }
            if let Some(t) = crate::diagnosis::timeline::place(i, &events[i]) {
                let slot = &mut steps[(t.step.clamp(1, 6) - 1) as usize];
                if !slot.0.contains(&"device") {
                    slot.0.insert(0, "device");
                }
            }
        }
    }
    for s in 1..=en.progress.min(6) {
        let slot = &mut steps[(s - 1) as usize];
        if slot.1 != StepStatus::Failed {
            slot.1 = StepStatus::Ok;
        }
    }
    for f in &en.findings {
        if !f.resolved && matches!(f.severity, Severity::Error | Severity::Action) {
            steps[(f.step.clamp(1, 6) - 1) as usize].1 = StepStatus::Failed;
        }
    }
}

pub(super) fn to_views(steps: [(Vec<&'static str>, StepStatus); 6]) -> Vec<StepView> {
    steps
        .into_iter()
        .enumerate()
        .map(|(i, (mut seen_on, mut status))| {
            crate::sorting::stable_by_key(&mut seen_on, |m| MACHINES.iter().position(|x| x == m));
            if status == StepStatus::NotSeen && !seen_on.is_empty() {
                status = StepStatus::Seen;
            }
            StepView {
                step: i as u8 + 1,
                seen_on,
                status,
            }
        })
        .collect()
}
