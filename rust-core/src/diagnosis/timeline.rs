//! The timeline: every SCEP-relevant event placed on the six-step flow, with a short
//! description (a message ID and arguments, localised by the report).

use crate::evidence::{EventKind, LogEvent, PkiStatus};

/// One timeline entry before localisation.
#[derive(Debug, Clone)]
pub struct TimelineItem {
    pub event: usize,
    pub step: u8,
    /// Contract `event` value (stable, snake_case).
    pub name: &'static str,
    pub text: &'static str,
    pub args: Vec<(&'static str, String)>,
}

/// Places one event on the flow; `None` for events that are not part of the story.
pub fn place(idx: usize, e: &LogEvent) -> Option<TimelineItem> {
    let item = |step, name, text, args| {
        Some(TimelineItem {
            event: idx,
            step,
            name,
            text,
            args,
        })
    };
    match &e.kind {
        EventKind::ProfileReceived { root, .. } => item(
            1,
            "profile_received",
            if *root {
                "tl-root-profile-received"
            } else {
                "tl-profile-received"
            },
            vec![],
        ),
        EventKind::PendingRequests { count } => item(
            2,
            "pending_requests",
            "tl-pending-requests",
            vec![("count", count.to_string())],
        ),
        EventKind::EnrollmentAttempt { profile } => item(
            2,
            "enrollment_attempt",
            "tl-enrollment-attempt",
            vec![("profile", profile.raw.clone())],
        ),
        EventKind::ScepRequest { operation, .. } => item(
            operation.step(),
            "scep_request",
            "tl-scep-request",
            vec![("operation", operation.label().to_string())],
        ),
        EventKind::ScepHttpResponse {
            operation,
            status,
            reason,
            ..
        } => item(
            operation.step(),
            "scep_http_response",
            "tl-scep-http-response",
            vec![
                ("operation", operation.label().to_string()),
                ("status", status.to_string()),
                ("reason", reason.clone()),
            ],
        ),
        EventKind::ScepTransportError { operation, detail } => item(
            operation.as_ref().map(|o| o.step()).unwrap_or(2),
            "transport_error",
            "tl-transport-error",
            vec![("cause", crate::limits::clip(detail, 160))],
        ),
        EventKind::ScepInvalidResponse { detail } => item(
            2,
            "invalid_response",
            "tl-invalid-response",
            vec![("cause", crate::limits::clip(detail, 160))],
        ),
        EventKind::ScepCapabilitiesMissing { detail } => item(
            2,
            "capabilities",
            "tl-capabilities",
            vec![("cause", crate::limits::clip(detail, 160))],
        ),
        EventKind::ScepRequestBuilt { poll, .. } => item(
            4,
            "scep_request_built",
            if *poll {
                "tl-poll-built"
            } else {
                "tl-csr-built"
            },
            vec![],
        ),
        EventKind::CertRep {
            status, fail_info, ..
        } => {
            let mut args = vec![("status", status.label().to_string())];
            args.push((
                "fail_info",
                fail_info
                    .as_ref()
                    .map(|f| f.label().to_string())
                    .unwrap_or_default(),
            ));
            let text = if *status == PkiStatus::Failure && fail_info.is_some() {
                "tl-certrep-failinfo"
            } else {
                "tl-certrep"
            };
            item(4, "scep_response", text, args)
        }
        EventKind::ScepInstallState { from, to, .. } => item(
            5,
            "scep_state",
            "tl-scep-state",
            vec![("from", from.clone()), ("to", to.clone())],
        ),
        EventKind::RootInstallState { from, to, .. } => item(
            5,
            "root_state",
            "tl-root-state",
            vec![("from", from.clone()), ("to", to.clone())],
        ),
        EventKind::CertificateInstalled { .. } => item(5, "installed", "tl-installed", vec![]),
        // At the step its code points at (22013 is the CA's answer, step 4).
        EventKind::InstallError { code, detail, .. } => item(
            crate::evidence::codes::install_error(code.as_ref(), detail).step,
            "install_error",
            "tl-install-error",
            vec![("cause", crate::limits::clip(detail, 160))],
        ),
        EventKind::ProfileRolledBack { .. } => item(5, "rolled_back", "tl-rolled-back", vec![]),
        EventKind::ResultReported => item(6, "result_reported", "tl-result-reported", vec![]),
        EventKind::DependentProfileWaiting { profile } => item(
            5,
            "dependent_profile_waiting",
            "tl-dependent-waiting",
            vec![("profile", profile.clone())],
        ),
        EventKind::DependentProfileApplied { profile } => item(
            5,
            "dependent_profile_applied",
            "tl-dependent-applied",
            vec![("profile", profile.clone())],
        ),
        EventKind::CertificateSelection { matched, excluded } => item(
            5,
            "certificate_selection",
            "tl-cert-selection",
            vec![
                ("matched", matched.to_string()),
                ("excluded", excluded.to_string()),
            ],
        ),
        EventKind::CertificateExcluded { .. } => {
            item(5, "certificate_excluded", "tl-cert-excluded", vec![])
        }
        EventKind::EnrollmentFailed { .. } => {
            item(5, "enrollment_failed", "tl-enrollment-failed", vec![])
        }
        // The enrolment that delivers profiles: step 1's ground.
        EventKind::DeviceIdentity { facts } => item(
            1,
            "device_identity",
            "tl-device-identity",
            vec![("facts", crate::evidence::identity_text(facts, 160))],
        ),
        EventKind::Management(_) | EventKind::ScepProfileCa { .. } => None,
        EventKind::Server(_) | EventKind::LogRead(_) => None,
    }
}
