//! What a server event means, whatever its export shape: the provider's component, the
//! keys in its body, and the fact its ID and message state (server-log-formats.md §5).

use crate::evidence::server::{Disposition, ServerFact, ServerKeys};
use crate::evidence::{ServerComponent, find_ascii_ci};
use crate::parsers::server::{
    code_from_text, code_label, find_guid, find_hresult, has, is_submit_failure, norm_hex,
};

/// One exported event, whatever the shape.
#[derive(Debug, Default, Clone)]
pub struct EventRecord {
    pub line: u64,
    pub provider: String,
    pub event_id: u32,
    pub time: Option<String>,
    pub level: String,
    pub channel: String,
    /// Rendered message (or description); for XML without RenderingInfo, the data values.
    pub message: String,
    /// `EventData/Data` values and the `EventData/@Name` symbol, in order.
    pub data: Vec<String>,
}

impl EventRecord {
    fn all_text(&self) -> String {
        let mut s = self.message.clone();
        for d in &self.data {
            s.push(' ');
            s.push_str(d);
        }
        s
    }
}

pub(super) fn provider_component(p: &str) -> Option<ServerComponent> {
    if has(p, "NetworkDeviceEnrollment") || has(p, "MSCEP") {
        Some(ServerComponent::Ndes)
    } else if has(p, "CertificationAuthority") || has(p, "CertSvc") {
        Some(ServerComponent::Ca)
    } else if has(p, "Intune") || has(p, "NDESConnector") || has(p, "CertificateConnector") {
        Some(ServerComponent::Connector)
    } else if has(p, "CAPI2") {
        // Certificate chain checks on the NDES server (its RA certificates, the CA's CRL,
        // the CRP's TLS certificate).
        Some(ServerComponent::Ndes)
    } else if p == "Application Error"
        || p.eq_ignore_ascii_case("WAS")
        || has(p, "Windows-WAS")
        || has(p, "ASP.NET")
    {
        Some(ServerComponent::Ndes)
    } else {
        None
    }
}

/// `Label: value` lines of a description (connector bodies are unpublished: optional).
pub(super) fn body_value(text: &str, label: &str) -> Option<String> {
    let i = find_ascii_ci(text, label)?;
    let rest = text[i + label.len()..].trim_start_matches([':', ' ', '=']);
    let v: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ',' && *c != ';')
        .collect();
    (!v.is_empty()).then_some(v)
}

#[allow(clippy::field_reassign_with_default)]
pub(super) fn keys_of(text: &str) -> ServerKeys {
    let mut k = ServerKeys::default();
    k.device_id = body_value(text, "DeviceId")
        .or_else(|| body_value(text, "Device ID"))
        .and_then(|v| find_guid(&v));
    k.policy_id = body_value(text, "PolicyId")
        .or_else(|| body_value(text, "Policy ID"))
        .and_then(|v| find_guid(&v));
    k.sha1 = body_value(text, "Thumbprint")
        .and_then(|v| norm_hex(&v))
        .filter(|h| h.len() == 40);
    k.serial_hex = body_value(text, "SerialNumber")
        .or_else(|| body_value(text, "Serial Number"))
        .and_then(|v| norm_hex(&v));
    k.template = body_value(text, "TemplateName").or_else(|| body_value(text, "Template"));
    k.transaction_id = body_value(text, "TransactionId");
    k
}

/// What an event says (provider + ID first; phrases for message-only excerpts).
pub fn classify(r: &EventRecord) -> Option<(ServerComponent, ServerFact, ServerKeys)> {
    let text = r.all_text();
    let msg = crate::limits::clip(r.message.trim(), 300);
    let component = provider_component(&r.provider).or_else(|| {
        if has(&text, "Network Device Enrollment Service") {
            Some(ServerComponent::Ndes)
        } else if has(&text, "Active Directory Certificate Services") {
            Some(ServerComponent::Ca)
        } else {
            None
        }
    })?;
    let mut keys = keys_of(&text);
    let p = r.provider.as_str();
    let id = r.event_id;
    let code = || {
        let c = find_hresult(&text).filter(|c| *c != 0x8000_4005);
        c.or_else(|| code_from_text(&text))
    };
    let fact = match component {
        ServerComponent::Ndes if p == "Application Error" || id == 1000 && has(&text, "w3wp") => {
            if !has(&text, "w3wp") {
                return None;
            }
            ServerFact::NdesFailure {
                step: 2,
                detail: msg,
                crp: false,
            }
        }
        ServerComponent::Ndes if has(p, "WAS") => match id {
            5009 | 5002 | 5011 | 5021 | 5057 | 5059 => {
                let crp = has(&text, "CertificateRegistrationSvc") || has(&text, "CRP");
                ServerFact::NdesFailure {
                    step: if crp { 3 } else { 2 },
                    detail: msg,
                    crp,
                }
            }
            _ => return None,
        },
        ServerComponent::Ndes if has(p, "CAPI2") => {
            let code = capi2_result_code(&text)?;
            let crp = has(&text, "CertificateRegistrationSvc") || has(&text, "NDES_Plugin");
            let result = capi2_result_text(&text).unwrap_or_default();
            ServerFact::NdesFailure {
                step: if crp { 3 } else { 2 },
                detail: crate::limits::clip(
                    &format!(
                        "certificate chain check failed, {} {result}",
                        code_label(code)
                    ),
                    300,
                ),
                crp,
            }
        }
        ServerComponent::Ndes if has(p, "ASP.NET") => {
            if id == 1310 || has(&text, "compilation error") {
                ServerFact::PolicyModuleError { detail: msg }
            } else {
                return None;
            }
        }
        ServerComponent::Ndes => {
            let id = if id == 0 {
                ndes_id_by_phrase(&text)?
            } else {
                id
            };
            match id {
                1 => ServerFact::NdesService { started: true },
                3 => ServerFact::NdesService { started: false },
                2 | 7 | 10 => ServerFact::NdesFailure {
                    step: 2,
                    detail: msg,
                    crp: false,
                },
                16..=18 => ServerFact::NdesFailure {
                    step: 4,
                    detail: msg,
                    crp: false,
                },
                29 => ServerFact::ChallengeRejected { detail: msg },
                31 => match code() {
                    Some(c) if is_submit_failure(c) => ServerFact::CaSubmitFailed {
                        code: Some(c),
                        detail: msg,
                    },
                    c => ServerFact::CaDecision {
                        disposition: Disposition::Denied,
                        code: c,
                        message: c
                            .map(code_label)
                            .map(|l| format!("{msg} [{l}]"))
                            .unwrap_or(msg),
                        pkcs: false,
                    },
                },
                _ => return None,
            }
        }
        ServerComponent::Ca => {
            let id = if id == 0 { ca_id_by_phrase(&text)? } else { id };
            if let Some(i) = find_ascii_ci(&text, "denied request ") {
                keys.ca_request_id = Some(
                    text[i + 15..]
                        .chars()
                        .take_while(|c| c.is_ascii_digit())
                        .collect(),
                );
            }
            if let Some(i) = find_ascii_ci(&text, "The request was for ") {
                let rest = &text[i + 20..];
                let end = find_ascii_ci(rest, "Additional information")
                    .or_else(|| rest.find('\n'))
                    .unwrap_or(rest.len());
                let s = rest[..end].trim().trim_end_matches('.');
                let cn = s
                    .split("CN=")
                    .nth(1)
                    .map(|x| x.split(',').next().unwrap_or(x))
                    .unwrap_or(s);
                keys.subject_cn = Some(cn.trim().to_string()).filter(|x| !x.is_empty());
            }
            match id {
                6 => ServerFact::CaDecision {
                    disposition: Disposition::Issued,
                    code: None,
                    message: msg,
                    pkcs: false,
                },
                7 | 53 | 21 | 22 => {
                    let c = code();
                    match c {
                        Some(c) if is_submit_failure(c) => ServerFact::CaSubmitFailed {
                            code: Some(c),
                            detail: msg,
                        },
                        _ => ServerFact::CaDecision {
                            disposition: Disposition::Denied,
                            code: c,
                            message: msg,
                            pkcs: false,
                        },
                    }
                }
                8 => ServerFact::CaDecision {
                    disposition: Disposition::Pending,
                    code: None,
                    message: msg,
                    pkcs: false,
                },
                128 => ServerFact::Note { detail: msg },
                _ => return None,
            }
        }
        ServerComponent::Connector => match id {
            4003 => ServerFact::RequestReceived,
            4004 | 20500 => ServerFact::ChallengeVerified,
            4005 | 20501 => {
                if has(&text, "Exception") {
                    ServerFact::PolicyModuleError { detail: msg }
                } else {
                    ServerFact::ChallengeRejected { detail: msg }
                }
            }
            20502 => ServerFact::PolicyModuleError { detail: msg },
            4006 => ServerFact::CaDecision {
                disposition: Disposition::Issued,
                code: None,
                message: msg,
                pkcs: false,
            },
            4007 | 4001 => match code() {
                Some(c) if is_submit_failure(c) => ServerFact::CaSubmitFailed {
                    code: Some(c),
                    detail: msg,
                },
                c => ServerFact::CaDecision {
                    disposition: Disposition::Denied,
                    code: c,
                    message: msg,
                    pkcs: false,
                },
            },
            4008 | 4000 | 20600 => ServerFact::NotifyOk,
            4009 => ServerFact::NotifyFailed {
                detail: msg,
                retrying: true,
            },
            4010 | 4002 | 20602 => ServerFact::NotifyFailed {
                detail: msg,
                retrying: false,
            },
            10102 | 10301 | 10302 => ServerFact::ConnectorUnhealthy { detail: msg },
            20102 => ServerFact::CaSubmitFailed {
                code: code(),
                detail: msg,
            },
            _ => return None,
        },
    };
    Some((component, fact, keys))
}

pub(super) fn ndes_id_by_phrase(t: &str) -> Option<u32> {
    Some(if has(t, "cannot submit the certificate request") {
        31
    } else if has(t, "started successfully") {
        1
    } else if has(t, "password in the certificate request cannot be verified") {
        29
    } else if has(t, "cannot be started") {
        2
    } else if has(t, "cannot retrieve one of its required certificates") {
        10
    } else if has(t, "failed to return the CA certificate") {
        7
    } else if has(t, "cannot decode") {
        16
    } else if has(t, "cannot retrieve required information") {
        17
    } else if has(t, "cannot decrypt") || has(t, "cannot read") {
        18
    } else {
        return None;
    })
}

pub(super) fn ca_id_by_phrase(t: &str) -> Option<u32> {
    Some(if has(t, "denied request") {
        53
    } else if has(t, "pending") && has(t, "request") {
        8
    } else if has(t, "could not process request") {
        22
    } else {
        return None;
    })
}

/// The provider and event ID a message quoted alone names by its words: IIS hosting (WAS
/// pools, a w3wp.exe crash, ASP.NET health events) and CAPI2 chain results. NDES and CA
/// messages are named by their own phrases (`ndes_id_by_phrase`, `ca_id_by_phrase`).
pub(super) fn provider_by_phrase(t: &str) -> Option<(&'static str, u32)> {
    Some(if has(t, "Faulting application name: w3wp.exe") {
        ("Application Error", 1000)
    } else if has(t, "application pool") && has(t, "terminated unexpectedly") {
        ("WAS", 5009)
    } else if has(t, "application pool") && has(t, "fatal communication error") {
        ("WAS", 5011)
    } else if has(
        t,
        "is being automatically disabled due to a series of failures",
    ) {
        ("WAS", 5002)
    } else if has(t, "The identity of application pool") {
        ("WAS", 5021)
    } else if has(t, "Application pool") && has(t, "has been disabled") {
        ("WAS", 5059)
    } else if has(t, "A compilation error has occurred") || has(t, "Event code: 3007") {
        ("ASP.NET", 1310)
    } else if capi2_failure(t).is_some() {
        ("Microsoft-Windows-CAPI2", 11)
    } else {
        return None;
    })
}

/// The failure code of a CAPI2 chain result in an event's details
/// (`<Result value="800B010A">…</Result>` under `CertGetCertificateChain` or
/// `CertVerifyCertificateChainPolicy`); `None` when the text holds none or it succeeded.
pub(crate) fn capi2_failure(t: &str) -> Option<u32> {
    if !(has(t, "CertGetCertificateChain")
        || has(t, "CertVerifyCertificateChainPolicy")
        || has(t, "Microsoft-Windows-CAPI2"))
    {
        return None;
    }
    capi2_result_code(t)
}

/// The failure code of a `<Result value="…">` in a text, whatever surrounds it.
pub(super) fn capi2_result_code(t: &str) -> Option<u32> {
    let i = find_ascii_ci(t, "<Result value=")?;
    let v = t[i + 14..].trim_start_matches(['"', '\'']);
    let hex: String = v.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    let code = u32::from_str_radix(hex.get(..8)?, 16).ok()?;
    (code & 0x8000_0000 != 0).then_some(code)
}

/// The text of a CAPI2 `<Result …>text</Result>`.
fn capi2_result_text(t: &str) -> Option<String> {
    let i = find_ascii_ci(t, "<Result value=")?;
    let rest = &t[i..];
    let gt = rest.find('>')?;
    let body = &rest[gt + 1..];
    let end = find_ascii_ci(body, "</Result>").unwrap_or(body.len());
    Some(body[..end].trim().to_string())
}
