//! What one server fact means for its request: a finding to raise (with its explanation
//! and remedy variant), or progress seen or made at a step.

use crate::evidence::codes::code_label;
use crate::evidence::server::{Disposition, HttpTarget, ServerFact};

use super::machine;
use crate::diagnosis::FindingId;
use crate::diagnosis::finding::Finding;

pub(super) fn http_explanation(
    target: &HttpTarget,
    status: u16,
    substatus: u32,
    win32: u32,
) -> &'static str {
    match target {
        HttpTarget::Mscep { .. } => match (status, win32) {
            (500, 1346) => "expl-iis-impersonation",
            (500, _) => "expl-iis-500",
            (503, _) => "expl-iis-503",
            (414, _) => "expl-iis-url-too-long",
            (404, _) if substatus == 14 || substatus == 15 => "expl-iis-url-too-long",
            (404, _) => "expl-iis-404",
            _ => "expl-iis-other",
        },
        _ => match (status, substatus, win32) {
            (403, 16, _) | (_, _, 0x800B_0109) => "expl-crp-untrusted-client-cert",
            (403, _, _) | (500, _, _) => "expl-crp-403-500",
            _ => "expl-iis-other",
        },
    }
}

/// What one server fact means: a finding to raise, or progress at a step.
pub(super) enum Effect {
    Raise(Finding),
    Ok(u8),
    Seen(u8),
    /// Supporting evidence for the next rejection (CRP validation phase).
    Support,
    None,
}

pub(super) fn effect(s: &crate::evidence::ServerEvent) -> Effect {
    let m = machine(s.component);
    match &s.fact {
        ServerFact::HttpRequest {
            target,
            status,
            substatus,
            win32,
            client,
            ..
        } => {
            let ok = (200..300).contains(status);
            let step = s.fact.step();
            let client = client.map(|p| p.as_str().to_string()).unwrap_or_default();
            match target {
                // A browser on the bare URL or the admin page: 403, or 401 while Windows
                // authentication asks for credentials, is the healthy answer.
                HttpTarget::Mscep {
                    operation: None, ..
                } if *status == 403 || *status == 401 || ok => Effect::None,
                HttpTarget::Mscep { operation, .. } => {
                    if ok {
                        // A PKIOperation 200 says nothing about pkiStatus.
                        if step == 4 {
                            Effect::Seen(4)
                        } else {
                            Effect::Ok(step)
                        }
                    } else {
                        Effect::Raise(
                            Finding::new(FindingId::NdesServiceFailed, "detail-server-ndes-http")
                                .step(step)
                                .arg("machine", m)
                                .arg(
                                    "operation",
                                    operation
                                        .as_ref()
                                        .map(|o| o.label().to_string())
                                        .unwrap_or_else(|| "mscep.dll".into()),
                                )
                                .arg("status", format!("{status}.{substatus}"))
                                .arg("win32", win32.to_string())
                                .arg(
                                    "client",
                                    if client.is_empty() {
                                        "other".to_string()
                                    } else {
                                        client
                                    },
                                )
                                .arg(
                                    "cause",
                                    http_explanation(target, *status, *substatus, *win32),
                                ),
                        )
                    }
                }
                HttpTarget::VerifyRequest | HttpTarget::OtherCrp => {
                    if ok {
                        Effect::Ok(3)
                    } else {
                        Effect::Raise(
                            Finding::new(FindingId::PolicyModuleFailed, "detail-server-crp-http")
                                .arg("machine", m)
                                .arg(
                                    "call",
                                    if *target == HttpTarget::VerifyRequest {
                                        "VerifyRequest"
                                    } else {
                                        "CertificateRegistrationSvc"
                                    },
                                )
                                .arg("status", format!("{status}.{substatus}"))
                                .arg("win32", format!("{win32} (0x{win32:08X})"))
                                .arg(
                                    "cause",
                                    http_explanation(target, *status, *substatus, *win32),
                                ),
                        )
                    }
                }
                HttpTarget::Notify => {
                    if ok {
                        Effect::Ok(6)
                    } else {
                        Effect::Raise(
                            Finding::new(
                                FindingId::ScepResultNotReported,
                                "detail-server-crp-http",
                            )
                            .arg("machine", m)
                            .arg("call", "Notify")
                            .arg("status", format!("{status}.{substatus}"))
                            .arg("win32", format!("{win32} (0x{win32:08X})"))
                            .arg(
                                "cause",
                                http_explanation(target, *status, *substatus, *win32),
                            ),
                        )
                    }
                }
            }
        }
        ServerFact::NdesService { started: true } => Effect::None,
        ServerFact::NdesService { started: false } => Effect::None,
        ServerFact::NdesFailure { step, detail, crp } => Effect::Raise(
            Finding::new(
                if *crp {
                    FindingId::PolicyModuleFailed
                } else {
                    FindingId::NdesServiceFailed
                },
                "detail-server-event",
            )
            .step(*step)
            .arg("machine", m)
            .arg("message", detail.clone()),
        ),
        ServerFact::VerifyStarted | ServerFact::RequestReceived => Effect::Seen(3),
        ServerFact::ChallengeVerified => Effect::Ok(3),
        ServerFact::ChallengeRejected { detail } => Effect::Raise(
            Finding::new(
                FindingId::ChallengeRejected,
                "detail-server-challenge-rejected",
            )
            .arg("machine", m)
            .arg("message", detail.clone()),
        ),
        ServerFact::ValidationPhaseFailed { .. } => Effect::Support,
        ServerFact::PolicyModuleError { detail } => Effect::Raise(
            Finding::new(FindingId::PolicyModuleFailed, "detail-server-policy-module")
                .arg("machine", m)
                .arg("message", detail.clone()),
        ),
        ServerFact::CaSubmitFailed { code, detail } => Effect::Raise(
            Finding::new(FindingId::CaSubmitFailed, "detail-server-ca-submit")
                .arg("machine", m)
                .arg(
                    "code",
                    code.map(code_label).unwrap_or_else(|| "none".into()),
                )
                .arg("message", detail.clone()),
        ),
        ServerFact::CaDecision {
            disposition,
            code,
            message,
            pkcs,
        } => {
            let kind = if *pkcs { "pkcs" } else { "scep" };
            match disposition {
                Disposition::Issued => Effect::Ok(4),
                Disposition::Pending => Effect::Raise(
                    Finding::new(FindingId::ScepRequestPending, "detail-server-ca-pending")
                        .arg("machine", m)
                        .arg("kind", kind)
                        .arg("message", message.clone()),
                ),
                Disposition::Denied => Effect::Raise(
                    Finding::new(FindingId::ScepRequestRejected, "detail-server-ca-denied")
                        .remedy_variant(denial_variant(*code))
                        .arg("machine", m)
                        .arg("kind", kind)
                        .arg(
                            "code",
                            code.map(code_label).unwrap_or_else(|| "none".into()),
                        )
                        .arg("message", message.clone()),
                ),
                Disposition::Revoked | Disposition::Unknown => Effect::Seen(4),
            }
        }
        ServerFact::NotifyOk => Effect::Ok(6),
        ServerFact::NotifyFailed { detail, .. } => Effect::Raise(
            Finding::new(
                FindingId::ScepResultNotReported,
                "detail-server-notify-failed",
            )
            .arg("machine", m)
            .arg("message", detail.clone()),
        ),
        ServerFact::ConnectorUnhealthy { detail } => Effect::Raise(
            Finding::new(
                FindingId::CertConnectorUnhealthy,
                "detail-server-connector-unhealthy",
            )
            .arg("machine", m)
            .arg("message", detail.clone()),
        ),
        ServerFact::Note { .. } => Effect::None,
    }
}

/// The remedy for a CA denial, by its code (server-log-formats.md §8).
pub(super) fn denial_variant(code: Option<u32>) -> &'static str {
    match code {
        Some(0x8009_4012) => "ca_template_denied",
        Some(0x8009_4014) => "ca_admin_denied",
        Some(0x8009_4800) | Some(0x8009_4801) => "ca_template_unsupported",
        Some(0x8009_4001) | Some(0x8009_480D) | Some(0x8009_480F) | Some(0x8009_4812)
        | Some(0x800B_0114) => "ca_subject",
        Some(0x8009_4811) => "ca_key_length",
        _ => "other",
    }
}
