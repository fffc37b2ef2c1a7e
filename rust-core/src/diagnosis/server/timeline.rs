//! Where each server event sits on the report's timeline: its step and its words.

use crate::evidence::LogEvent;
use crate::evidence::codes::code_label;
use crate::evidence::server::{HttpTarget, ServerFact};

use super::{machine, server_event};
use crate::diagnosis::timeline::TimelineItem;

/// Server events on the timeline (contract `event` values `ndes_request`,
/// `challenge_verified`, `ca_decision`, `notify`, plus `server_error`).
pub fn place(idx: usize, e: &LogEvent) -> Option<TimelineItem> {
    let s = server_event(e)?;
    let m = machine(s.component).to_string();
    let item =
        |step: u8, name: &'static str, text: &'static str, args: Vec<(&'static str, String)>| {
            let mut args = args;
            args.push(("machine", m.clone()));
            Some(TimelineItem {
                event: idx,
                step,
                name,
                text,
                args,
            })
        };
    let step = s.fact.step();
    match &s.fact {
        ServerFact::HttpRequest {
            target,
            method,
            status,
            substatus,
            win32,
            client,
            ..
        } => {
            let what = match target {
                HttpTarget::Mscep {
                    operation: Some(op),
                    ..
                } => op.label().to_string(),
                HttpTarget::Mscep {
                    operation: None, ..
                } => "mscep.dll".to_string(),
                HttpTarget::VerifyRequest => "VerifyRequest".to_string(),
                HttpTarget::Notify => "Notify".to_string(),
                HttpTarget::OtherCrp => "CertificateRegistrationSvc".to_string(),
            };
            let name = if *target == HttpTarget::Notify {
                "notify"
            } else {
                "ndes_request"
            };
            item(
                step,
                name,
                "tl-server-http",
                vec![
                    ("method", method.clone()),
                    ("what", what),
                    ("status", format!("{status}.{substatus}")),
                    ("win32", win32.to_string()),
                    (
                        "client",
                        client
                            .map(|p| p.as_str().to_string())
                            .unwrap_or_else(|| "other".into()),
                    ),
                ],
            )
        }
        ServerFact::NdesService { started } => item(
            2,
            "ndes_service",
            if *started {
                "tl-server-ndes-started"
            } else {
                "tl-server-ndes-stopped"
            },
            vec![],
        ),
        ServerFact::VerifyStarted => item(3, "challenge_check", "tl-server-verify-started", vec![]),
        ServerFact::RequestReceived => {
            item(3, "ndes_request", "tl-server-request-received", vec![])
        }
        ServerFact::ChallengeVerified => item(
            3,
            "challenge_verified",
            "tl-server-challenge-verified",
            vec![],
        ),
        ServerFact::ChallengeRejected { .. } | ServerFact::ValidationPhaseFailed { .. } => item(
            3,
            "challenge_verified",
            "tl-server-challenge-rejected",
            vec![],
        ),
        ServerFact::CaDecision {
            disposition, code, ..
        } => item(
            4,
            "ca_decision",
            "tl-server-ca-decision",
            vec![
                ("disposition", disposition.label().to_string()),
                (
                    "code",
                    code.map(code_label).unwrap_or_else(|| "none".into()),
                ),
                (
                    "request",
                    s.keys
                        .ca_request_id
                        .clone()
                        .unwrap_or_else(|| "none".into()),
                ),
            ],
        ),
        ServerFact::CaSubmitFailed { code, .. } => item(
            4,
            "ca_decision",
            "tl-server-ca-submit-failed",
            vec![(
                "code",
                code.map(code_label).unwrap_or_else(|| "none".into()),
            )],
        ),
        ServerFact::NotifyOk => item(6, "notify", "tl-server-notify-ok", vec![]),
        ServerFact::NotifyFailed { .. } => item(6, "notify", "tl-server-notify-failed", vec![]),
        ServerFact::NdesFailure { detail, .. }
        | ServerFact::PolicyModuleError { detail }
        | ServerFact::ConnectorUnhealthy { detail }
        | ServerFact::Note { detail } => item(
            step,
            "server_error",
            "tl-server-note",
            vec![("cause", crate::limits::clip(detail, 160))],
        ),
    }
}
