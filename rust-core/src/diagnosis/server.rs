//! Server-side diagnosis (server-log-formats.md; issue 9): groups server evidence per
//! request identity (transaction ID, CA request ID, serial/SHA-1, device + policy ID,
//! subject CN, CRP activity; else the client of an IIS log or the input), applies the
//! server rules per group (the latest attempt decides: a later success at a step
//! resolves earlier failures up to that step), links each group to a device enrollment
//! by an exact key, and places every enrollment's six steps on the machines that showed
//! them. Server evidence never makes an enrollment delivered.

use std::collections::{BTreeMap, HashMap};

use crate::evidence::codes::code_label;
use crate::evidence::server::{Disposition, HttpTarget, ServerFact, ServerKeys};
use crate::evidence::{Certificate, EventKind, LogEvent, Platform, ScepOperation, ServerComponent};

use super::enrollments::{Attempt, Enrollment};
use super::finding::{Evidence, Finding};
use super::timeline::TimelineItem;
use super::{FindingId, Severity};

/// The machines a step can be seen on (`steps[].seen_on` in the report).
pub const MACHINES: [&str; 4] = ["device", "ndes", "connector", "ca"];

/// How far a step got, per enrollment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StepStatus {
    #[default]
    NotSeen,
    Seen,
    Ok,
    Failed,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::NotSeen => "not_seen",
            StepStatus::Seen => "seen",
            StepStatus::Ok => "ok",
            StepStatus::Failed => "failed",
        }
    }
}

/// One step of one enrollment: where it was seen and how it went.
#[derive(Debug, Clone)]
pub struct StepView {
    pub step: u8,
    pub seen_on: Vec<&'static str>,
    pub status: StepStatus,
}

/// What the server diagnosis adds to one enrollment (index-aligned with
/// `Outcome::enrollments`): correlation keys and the six steps.
#[derive(Debug, Clone, Default)]
pub struct EnrollmentExtra {
    pub ca_request_id: Option<String>,
    pub serial_hex: Option<String>,
    pub sha1: Option<String>,
    pub transaction_id: Option<String>,
    pub device_id: Option<String>,
    pub policy_id: Option<String>,
    pub template: Option<String>,
    pub steps: Vec<StepView>,
    /// Server event indices linked to this enrollment.
    pub server_events: Vec<usize>,
}

/// What the server rules found.
pub struct ServerOutcome {
    pub findings: Vec<Finding>,
    /// Index-aligned with the enrollments after `diagnose` appended server-only ones.
    pub extras: Vec<EnrollmentExtra>,
}

fn server_event(e: &LogEvent) -> Option<&crate::evidence::ServerEvent> {
    match &e.kind {
        EventKind::Server(s) => Some(s),
        _ => None,
    }
}

fn machine(c: ServerComponent) -> &'static str {
    match c {
        ServerComponent::Ndes => "ndes",
        ServerComponent::Connector => "connector",
        ServerComponent::Ca => "ca",
    }
}

/// Keys that identify a request across sources.
fn identity_keys(k: &ServerKeys) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(t) = &k.transaction_id {
        v.push(format!("tx:{}", t.to_ascii_lowercase()));
    }
    if let Some(t) = &k.ca_request_id {
        v.push(format!("req:{t}"));
    }
    if let Some(t) = &k.serial_hex {
        v.push(format!("sn:{t}"));
    }
    if let Some(t) = &k.sha1 {
        v.push(format!("sha1:{t}"));
    }
    if let Some(t) = &k.device_id {
        v.push(format!(
            "dev:{}:{}",
            t,
            k.policy_id.as_deref().unwrap_or("")
        ));
    }
    if let Some(t) = &k.activity_id {
        v.push(format!("act:{t}"));
    }
    if let Some(t) = &k.subject_cn {
        v.push(format!("cn:{}", t.to_lowercase()));
    }
    v
}

/// Events that describe the service, not one request: they raise findings but form no
/// enrollment.
fn is_infrastructure(f: &ServerFact) -> bool {
    matches!(
        f,
        ServerFact::HttpRequest {
            target: HttpTarget::Mscep {
                operation: None,
                ..
            },
            ..
        } | ServerFact::NdesService { .. }
            | ServerFact::NdesFailure { .. }
            | ServerFact::ConnectorUnhealthy { .. }
            | ServerFact::Note { .. }
    ) || matches!(f, ServerFact::CaDecision { pkcs: true, .. })
}

struct Groups {
    parent: Vec<usize>,
}

impl Groups {
    fn find(&mut self, i: usize) -> usize {
        let mut r = i;
        while self.parent[r] != r {
            r = self.parent[r];
        }
        let mut j = i;
        while self.parent[j] != r {
            let n = self.parent[j];
            self.parent[j] = r;
            j = n;
        }
        r
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi] = lo;
        }
    }
}

/// A finding being built for one group.
struct Raised {
    finding: Finding,
    last_event: usize,
}

fn http_explanation(target: &HttpTarget, status: u16, substatus: u32, win32: u32) -> &'static str {
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
enum Effect {
    Raise(Finding),
    Ok(u8),
    Seen(u8),
    /// Supporting evidence for the next rejection (CRP validation phase).
    Support,
    None,
}

fn effect(s: &crate::evidence::ServerEvent) -> Effect {
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
                HttpTarget::Mscep {
                    operation: None, ..
                } if *status == 403 || ok => Effect::None,
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
fn denial_variant(code: Option<u32>) -> &'static str {
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

fn request_number(e: &LogEvent) -> Option<u64> {
    server_event(e)?.keys.ca_request_id.as_deref()?.parse().ok()
}

/// `b` is a later attempt than `a`: CA rows by request ID (their dates are local and
/// NotBefore is back-dated), everything else by time order.
fn later(events: &[LogEvent], a: usize, b: usize) -> bool {
    match (request_number(&events[a]), request_number(&events[b])) {
        (Some(x), Some(y)) => y > x,
        _ => b > a,
    }
}

/// The outcome of one group of server events.
struct GroupResult {
    findings: Vec<Finding>,
    steps: [(Vec<&'static str>, StepStatus); 6],
    issued_at: Option<usize>,
    last_ok_step: u8,
    state: &'static str,
}

fn run_group(events: &[LogEvent], idxs: &[usize]) -> GroupResult {
    let mut raised: BTreeMap<(FindingId, String), Raised> = BTreeMap::new();
    let mut steps: [(Vec<&'static str>, StepStatus); 6] = Default::default();
    let mut oks: Vec<(u8, usize)> = Vec::new();
    let mut support: Vec<usize> = Vec::new();
    let mut issued_at = None;
    let mut state = "";
    let mut last_ok_step = 0;
    for &i in idxs {
        let Some(s) = server_event(&events[i]) else {
            continue;
        };
        let step = s.fact.step();
        let m = machine(s.component);
        let eff = effect(s);
        if !matches!(eff, Effect::None) {
            let slot = &mut steps[(step.clamp(1, 6) - 1) as usize];
            if !slot.0.contains(&m) {
                slot.0.push(m);
            }
        }
        match eff {
            Effect::Raise(mut f) => {
                if f.id == FindingId::ChallengeRejected
                    && raised
                        .keys()
                        .any(|(id, _)| *id == FindingId::PolicyModuleFailed)
                {
                    // An infrastructure error explains the refusal: one finding per cause.
                    for r in raised
                        .values_mut()
                        .filter(|r| r.finding.id == FindingId::PolicyModuleFailed)
                    {
                        r.finding.push_evidence(Evidence::from_event(&events[i]));
                    }
                    continue;
                }
                for j in support.drain(..) {
                    f.push_evidence(Evidence::from_event(&events[j]));
                }
                state = match f.id {
                    FindingId::NdesServiceFailed => "ndes_failed",
                    FindingId::PolicyModuleFailed => "policy_module_failed",
                    FindingId::ChallengeRejected => "challenge_rejected",
                    FindingId::CaSubmitFailed => "ca_submit_failed",
                    FindingId::ScepRequestRejected => "denied",
                    FindingId::ScepRequestPending => "pending",
                    FindingId::ScepResultNotReported => "not_reported",
                    _ => state,
                };
                let key = (
                    f.id,
                    f.args
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(";"),
                );
                // One finding per cause: the same ID with other wording joins the first.
                let existing = raised.keys().find(|(id, _)| *id == f.id).cloned();
                let ev = Evidence::from_event(&events[i]);
                match existing {
                    Some(k) => {
                        let r = raised.get_mut(&k).expect("key exists");
                        r.finding.push_evidence(ev);
                        if later(events, r.last_event, i) {
                            r.finding.args = f.args;
                            r.finding.detail = f.detail;
                            r.finding.step = f.step;
                            r.finding.remedy_variant = f.remedy_variant;
                            r.last_event = i;
                        }
                    }
                    None => {
                        let _ = key;
                        let k = (f.id, String::new());
                        raised.insert(
                            k,
                            Raised {
                                finding: f.with_evidence(ev),
                                last_event: i,
                            },
                        );
                    }
                }
            }
            Effect::Ok(s) => {
                oks.push((s, i));
                last_ok_step = last_ok_step.max(s);
                state = match s {
                    2 => "ndes_reached",
                    3 => "challenge_verified",
                    4 => "issued",
                    6 => "reported",
                    _ => state,
                };
                if s == 4 {
                    issued_at = Some(i);
                }
            }
            Effect::Seen(4) => {
                if state.is_empty() || state == "ndes_reached" || state == "challenge_verified" {
                    state = "submitted";
                }
            }
            Effect::Seen(_) => {
                if state.is_empty() {
                    state = "received";
                }
            }
            Effect::Support => support.push(i),
            Effect::None => {}
        }
    }
    let mut findings = Vec::new();
    for (_, mut r) in raised {
        let resolved_by = oks.iter().find(|&&(s, j)| {
            s >= r.finding.step
                && later(events, r.last_event, j)
                && !(r.finding.step == 6 && s != 6)
        });
        if let Some(&(_, j)) = resolved_by {
            r.finding.push_evidence(Evidence::from_event(&events[j]));
            r.finding.resolve();
        }
        let idx = (r.finding.step.clamp(1, 6) - 1) as usize;
        if !r.finding.resolved
            && matches!(
                r.finding.severity,
                Severity::Error | Severity::Action | Severity::Warning
            )
        {
            steps[idx].1 = StepStatus::Failed;
        }
        findings.push(r.finding);
    }
    for &(s, _) in &oks {
        let slot = &mut steps[(s - 1) as usize];
        if slot.1 != StepStatus::Failed {
            slot.1 = StepStatus::Ok;
        }
    }
    for slot in steps.iter_mut() {
        if slot.1 == StepStatus::NotSeen && !slot.0.is_empty() {
            slot.1 = StepStatus::Seen;
        }
    }
    GroupResult {
        findings,
        steps,
        issued_at,
        last_ok_step,
        state: if state.is_empty() { "received" } else { state },
    }
}

fn merge_keys(into: &mut EnrollmentExtra, k: &ServerKeys) {
    let set = |slot: &mut Option<String>, v: &Option<String>| {
        if slot.is_none() {
            slot.clone_from(v);
        }
    };
    set(&mut into.ca_request_id, &k.ca_request_id);
    set(&mut into.serial_hex, &k.serial_hex);
    set(&mut into.sha1, &k.sha1);
    set(&mut into.transaction_id, &k.transaction_id);
    set(&mut into.device_id, &k.device_id);
    set(&mut into.policy_id, &k.policy_id);
    set(&mut into.template, &k.template);
}

/// The device enrollment an exact key links a server group to.
fn linked_device(enrollments: &[Enrollment], keys: &[ServerKeys]) -> Option<usize> {
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

fn time_key(e: &LogEvent) -> Option<i128> {
    e.time
        .as_ref()
        .filter(|t| t.has_date)
        .and_then(|t| t.order_key)
}

/// Steps seen on the device for one enrollment, from its own events and findings.
fn device_steps(
    en: &Enrollment,
    events: &[LogEvent],
    steps: &mut [(Vec<&'static str>, StepStatus); 6],
) {
    for a in &en.attempts {
        for &i in &a.events {
            if events[i].platform == Platform::Server {
                continue;
            }
            if let Some(t) = super::timeline::place(i, &events[i]) {
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

fn to_views(steps: [(Vec<&'static str>, StepStatus); 6]) -> Vec<StepView> {
    steps
        .into_iter()
        .enumerate()
        .map(|(i, (mut seen_on, mut status))| {
            seen_on.sort_by_key(|m| MACHINES.iter().position(|x| x == m));
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

/// Runs the server rules, links server groups to device enrollments, appends
/// server-only enrollments to `enrollments`, and returns findings and per-enrollment
/// extras (index-aligned with `enrollments` afterwards).
pub fn diagnose(
    events: &[LogEvent],
    enrollments: &mut Vec<Enrollment>,
    certificates: &[Certificate],
) -> ServerOutcome {
    let server_idx: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| server_event(e).is_some())
        .map(|(i, _)| i)
        .collect();

    // 1. Group server events by request identity.
    let mut groups = Groups {
        parent: (0..events.len()).collect(),
    };
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut infra: Vec<usize> = Vec::new();
    let mut last_client_of_path: HashMap<String, usize> = HashMap::new();
    let mut client_tx: HashMap<String, String> = HashMap::new();
    let mut members: Vec<usize> = Vec::new();
    for &i in &server_idx {
        let s = server_event(&events[i]).expect("server event");
        if is_infrastructure(&s.fact) {
            infra.push(i);
            continue;
        }
        members.push(i);
        let path = events[i].source.path.to_string();
        let mut keys = identity_keys(&s.keys);
        if keys.is_empty() {
            keys.push(match &s.fact {
                ServerFact::HttpRequest {
                    client: client @ Some(_),
                    client_ip,
                    ..
                } => {
                    let k = format!(
                        "client:{path}:{}",
                        client_ip.clone().unwrap_or_else(|| format!("{client:?}"))
                    );
                    last_client_of_path.insert(path.clone(), i);
                    k
                }
                ServerFact::HttpRequest {
                    target: HttpTarget::VerifyRequest | HttpTarget::Notify | HttpTarget::OtherCrp,
                    ..
                } => match last_client_of_path.get(&path) {
                    Some(&j) => {
                        groups.union(i, j);
                        continue;
                    }
                    None => format!("file:{path}"),
                },
                _ => format!("file:{path}"),
            });
        } else if let ServerFact::HttpRequest {
            client: client @ Some(_),
            client_ip,
            ..
        } = &s.fact
        {
            // A keyed request (decoded PKIOperation) joins its client's keyless requests,
            // unless that client already sent another transaction (a proxy address).
            let ck = format!(
                "client:{path}:{}",
                client_ip.clone().unwrap_or_else(|| format!("{client:?}"))
            );
            let tx = s.keys.transaction_id.clone().unwrap_or_default();
            let same = client_tx.get(&ck).is_none_or(|t| *t == tx);
            if same {
                client_tx.insert(ck.clone(), tx);
                keys.push(ck);
            }
            last_client_of_path.insert(path.clone(), i);
        }
        for k in keys {
            match by_key.get(&k) {
                Some(&j) => groups.union(i, j),
                None => {
                    by_key.insert(k, i);
                }
            }
        }
    }
    let mut grouped: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &i in &members {
        let r = groups.find(i);
        grouped.entry(r).or_default().push(i);
    }

    let mut findings: Vec<Finding> = Vec::new();
    let n_device = enrollments.len();
    let mut extras: Vec<EnrollmentExtra> = vec![EnrollmentExtra::default(); n_device];
    let mut device_server_steps: Vec<[(Vec<&'static str>, StepStatus); 6]> =
        vec![Default::default(); n_device];
    let in_inventory = |k: &ServerKeys| {
        certificates.iter().any(|c| {
            k.sha1
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(&c.sha1))
                || k.serial_hex
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case(&c.serial_hex))
        })
    };

    // 2. Per group: rules, then link or form a server-only enrollment.
    for (_, idxs) in grouped {
        let keys: Vec<ServerKeys> = idxs
            .iter()
            .filter_map(|&i| server_event(&events[i]).map(|s| s.keys.clone()))
            .collect();
        let result = run_group(events, &idxs);
        match linked_device(enrollments, &keys) {
            Some(d) => {
                let display = enrollments[d].display();
                let delivered = enrollments[d].delivered();
                for mut f in result.findings {
                    f.enrollment = display.clone();
                    // The device shows the certificate installed: earlier server failures of
                    // this enrollment were superseded (step 6 reporting stays relevant).
                    if delivered && f.step <= 5 && !f.resolved {
                        if let Some(at) = enrollments[d].delivered_at {
                            f.push_evidence(Evidence::from_event(&events[at]));
                        }
                        f.resolve();
                    }
                    findings.push(f);
                }
                for k in &keys {
                    merge_keys(&mut extras[d], k);
                }
                extras[d].server_events.extend(idxs.iter().copied());
                for (s, (on, st)) in result.steps.into_iter().enumerate() {
                    let slot = &mut device_server_steps[d][s];
                    for m in on {
                        if !slot.0.contains(&m) {
                            slot.0.push(m);
                        }
                    }
                    if st == StepStatus::Failed
                        || (st == StepStatus::Ok && slot.1 != StepStatus::Failed)
                    {
                        slot.1 = st;
                    }
                }
                // CERT_ISSUED_NOT_DELIVERED: exact key, log runs ≥10 min past issuance,
                // nothing more specific on the device, certificate not in the inventory.
                if let Some(issued) = result.issued_at {
                    let en = &enrollments[d];
                    let device_specific = en.findings.iter().any(|f| {
                        !f.resolved && matches!(f.severity, Severity::Error | Severity::Action)
                    });
                    let issued_t = time_key(&events[issued]);
                    let last_t = time_key(&events[en.last_event]);
                    let runs_on = match (issued_t, last_t) {
                        (Some(a), Some(b)) => b - a >= 600 * 1_000_000_000,
                        _ => false,
                    };
                    if !en.delivered()
                        && !device_specific
                        && runs_on
                        && !keys.iter().any(in_inventory)
                    {
                        findings.push(
                            Finding::new(
                                FindingId::CertIssuedNotDelivered,
                                "detail-server-issued-not-delivered",
                            )
                            .enrollment(display.clone())
                            .arg(
                                "machine",
                                machine(
                                    server_event(&events[issued])
                                        .map(|s| s.component)
                                        .unwrap_or(ServerComponent::Ca),
                                ),
                            )
                            .with_evidence(Evidence::from_event(&events[issued]))
                            .with_evidence(Evidence::from_event(&events[en.last_event])),
                        );
                    }
                }
            }
            None => {
                let first = idxs[0];
                let last = *idxs.last().unwrap_or(&first);
                let mut extra = EnrollmentExtra::default();
                for k in &keys {
                    merge_keys(&mut extra, k);
                }
                extra.server_events = idxs.clone();
                extra.steps = to_views(result.steps);
                findings.extend(result.findings);
                enrollments.push(Enrollment {
                    platform: Platform::Server,
                    profile: None,
                    attempts: vec![Attempt {
                        events: idxs.clone(),
                    }],
                    opened: true,
                    management: None,
                    findings: Vec::new(),
                    state: result.state.to_string(),
                    delivered_at: None,
                    progress: result.last_ok_step,
                    transaction_id: extra.transaction_id.clone(),
                    thumbprint: extra.sha1.clone(),
                    first_event: first,
                    last_event: last,
                });
                extras.push(extra);
            }
        }
    }

    // 3. Service-wide evidence: findings without an enrollment.
    let infra_result = run_group(events, &infra);
    findings.extend(infra_result.findings);

    // 4. Device enrollments: their own steps plus the servers' view.
    for d in 0..n_device {
        let mut steps = std::mem::take(&mut device_server_steps[d]);
        device_steps(&enrollments[d], events, &mut steps);
        extras[d].steps = to_views(steps);
        if extras[d].transaction_id.is_none() {
            extras[d]
                .transaction_id
                .clone_from(&enrollments[d].transaction_id);
        }
        if extras[d].sha1.is_none() {
            extras[d].sha1.clone_from(&enrollments[d].thumbprint);
        }
    }
    ServerOutcome {
        findings: merge_duplicates(findings),
        extras,
    }
}

/// One finding per cause: the same ID, wording and enrollment seen in several groups
/// (IIS 500 for every client) becomes one finding with all the evidence.
fn merge_duplicates(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for f in findings {
        // The client, the operation and the record's own words differ between requests
        // that fail for one cause; the cause (status, code, explanation) does not.
        let cause = |g: &Finding| -> Vec<(&'static str, String)> {
            g.args
                .iter()
                .filter(|(k, _)| !matches!(*k, "client" | "operation" | "message"))
                .cloned()
                .collect()
        };
        match out.iter_mut().find(|g| {
            g.id == f.id
                && g.detail == f.detail
                && cause(g) == cause(&f)
                && g.enrollment == f.enrollment
                && g.resolved == f.resolved
        }) {
            Some(g) => {
                for e in f.evidence {
                    g.push_evidence(e);
                }
            }
            None => out.push(f),
        }
    }
    out
}

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

/// True when no device enrollment exists but server ones do (the summary then asks for
/// the device's logs).
pub fn server_only(enrollments: &[Enrollment]) -> bool {
    !enrollments.is_empty() && enrollments.iter().all(|e| e.platform == Platform::Server)
}

/// The machines that showed the last successful step of the server-only enrollments.
pub fn machines_of(extras: &[EnrollmentExtra]) -> String {
    let mut m: Vec<&str> = Vec::new();
    for x in extras {
        for s in &x.steps {
            for on in &s.seen_on {
                if !m.contains(on) {
                    m.push(on);
                }
            }
        }
    }
    m.sort_by_key(|x| MACHINES.iter().position(|y| y == x));
    m.join(", ")
}

#[allow(dead_code)]
fn _uses(_: ScepOperation) {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::{Facts, diagnose as run_all};
    use crate::input::InputKind;
    use crate::parsers::server::parser_for;
    use crate::parsers::server::test_util::sample;
    use crate::report::build::{Parts, build};
    use crate::report::{Lang, Report};

    fn kind_of(name: &str) -> InputKind {
        let name = name.rsplit('/').next().unwrap_or(name);
        match name.rsplit('.').next().unwrap_or("") {
            _ if name.starts_with("iis") => InputKind::IisW3cLog,
            _ if name.starts_with("ndesplugin") => InputKind::NdesPluginLog,
            _ if name.ends_with(".svclog") => InputKind::IntuneConnectorSvclog,
            _ if name.starts_with("connector-events") || name.starts_with("ndes-app-events") => {
                InputKind::WindowsServerEvents
            }
            _ if name.starts_with("ca-") => InputKind::CaRequestList,
            _ if name.starts_with("omadm") => InputKind::AndroidOmadmLog,
            _ if name.starts_with("certutil") => InputKind::CertutilView,
            _ => InputKind::ScepTestClientLog,
        }
    }

    /// Parses the named fixtures (and extra device events) and builds the report, as the
    /// session does, without the certificate and input layers.
    pub(crate) fn report_of(names: &[&str], device: Vec<LogEvent>) -> Report {
        let mut events: Vec<LogEvent> = device;
        for n in names {
            let mut p = parser_for(kind_of(n), format!("server/{n}").into()).expect("server kind");
            let text = sample(n);
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
            for (i, l) in text.split('\n').enumerate() {
                p.line(i as u64 + 1, l.trim_end_matches('\r'));
            }
            events.extend(p.finish().events);
        }
        events.sort_by_key(|e| match e.time.as_ref() {
            Some(t) if t.has_date => (0, t.order_key.unwrap_or(0)),
            _ => (1, 0),
        });
        let now = time::macros::datetime!(2026-06-01 00:00 UTC);
        let facts = Facts {
            events: &events,
            certificates: &[],
            roles: &[],
            chains: &[],
            unparseable: &[],
            now,
        };
        let outcome = run_all(&facts);
        build(Parts {
            outcome: &outcome,
            events: &events,
            certificates: &[],
            roles: &[],
            chains: &[],
            inputs: Vec::new(),
            notices: Vec::new(),
            now,
            lang: Lang::En,
        })
    }

    /// Parses inline inputs `(kind, path, text)` plus `device` events into a report.
    fn report_inline(
        inputs: &[(InputKind, &str, &str)],
        device: Vec<LogEvent>,
        certificates: &[Certificate],
    ) -> Report {
        let mut events = device;
        for (kind, path, text) in inputs {
            let mut p = parser_for(*kind, (*path).into()).expect("server kind");
            for (i, l) in text.split('\n').enumerate() {
                p.line(i as u64 + 1, l);
            }
            events.extend(p.finish().events);
        }
        events.sort_by_key(|e| match e.time.as_ref() {
            Some(t) if t.has_date => (0, t.order_key.unwrap_or(0)),
            _ => (1, 0),
        });
        let now = time::macros::datetime!(2026-06-01 00:00 UTC);
        let roles: Vec<_> = certificates
            .iter()
            .map(|_| crate::evidence::CertRole::Leaf)
            .collect();
        let facts = Facts {
            events: &events,
            certificates,
            roles: &roles,
            chains: &[],
            unparseable: &[],
            now,
        };
        let outcome = run_all(&facts);
        build(Parts {
            outcome: &outcome,
            events: &events,
            certificates,
            roles: &roles,
            chains: &[],
            inputs: Vec::new(),
            notices: Vec::new(),
            now,
            lang: Lang::En,
        })
    }

    const IIS_HEAD: &str = "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken";

    #[test]
    fn healthy_browser_403_and_a_500_resolved_by_a_later_200() {
        let text = format!(
            "{IIS_HEAD}\n\
             2026-01-01 10:00:00 s GET /certsrv/mscep/mscep.dll - 443 - 10.0.0.9 Mozilla/5.0 - 403 0 0 1\n\
             2026-01-01 10:00:01 s GET /certsrv/mscep/mscep.dll operation=GetCACert&message=ca 443 - 10.0.0.7 Dalvik/2.1.0 - 503 0 0 1\n\
             2026-01-01 10:30:01 s GET /certsrv/mscep/mscep.dll operation=GetCACert&message=ca 443 - 10.0.0.7 Dalvik/2.1.0 - 200 0 0 1\n"
        );
        let r = report_inline(&[(InputKind::IisW3cLog, "iis.log", &text)], Vec::new(), &[]);
        let f: Vec<_> = r
            .findings
            .iter()
            .map(|f| (f.id.as_str(), f.resolved))
            .collect();
        assert_eq!(f, vec![("NDES_SERVICE_FAILED", true)]);
        assert_eq!(r.verdict.as_str(), "in_progress");
        assert!(
            r.findings[0].detail.contains("application pool"),
            "{}",
            r.findings[0].detail
        );
    }

    #[test]
    fn pkioperation_500_is_step_4_and_crp_403_16_is_policy_module() {
        let text = format!(
            "{IIS_HEAD}\n\
             2026-01-01 10:00:01 s POST /certsrv/mscep/mscep.dll/pkiclient.exe operation=PKIOperation 443 - 10.0.0.7 Mozilla/4.0+(compatible;+Win32;+NDES+client) - 500 0 0 1\n\
             2026-01-01 10:00:02 s POST /CertificateRegistrationSvc/Certificate/VerifyRequest - 443 - ::1 NDES_Plugin - 403 16 2148204809 1\n"
        );
        let r = report_inline(&[(InputKind::IisW3cLog, "iis.log", &text)], Vec::new(), &[]);
        let ndes = r
            .findings
            .iter()
            .find(|f| f.id == FindingId::NdesServiceFailed)
            .unwrap();
        assert_eq!(ndes.step, 4);
        let pm = r
            .findings
            .iter()
            .find(|f| f.id == FindingId::PolicyModuleFailed)
            .unwrap();
        assert!(pm.detail.contains("does not trust"), "{}", pm.detail);
    }

    #[test]
    fn an_exception_explains_a_refusal_and_connector_health_is_service_wide() {
        let svc = "VerifyRequest Started.\nSigning certificate could not be retrieved.\nVerifyRequest Finished with status False\n";
        let r = report_inline(
            &[(InputKind::IntuneConnectorSvclog, "c.svclog", svc)],
            Vec::new(),
            &[],
        );
        let ids: Vec<_> = r.findings.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, vec!["POLICY_MODULE_FAILED"]);
        let ev = "Log Name:      Microsoft Intune Connector\nSource:        Microsoft Intune Connector\nDate:          1/2/2026 3:04:05 PM\nEvent ID:      10102\nDescription:\nThe connector certificate has expired.\n";
        let r = report_inline(
            &[(InputKind::WindowsServerEvents, "e.txt", ev)],
            Vec::new(),
            &[],
        );
        let f = r
            .findings
            .iter()
            .find(|f| f.id == FindingId::CertConnectorUnhealthy)
            .expect("unhealthy");
        assert_eq!(f.severity, Severity::Warning);
        assert!(r.enrollments.is_empty());
    }

    #[test]
    fn test_client_failure_and_pending_use_the_client_rules() {
        let r = report_inline(
            &[(
                InputKind::ScepTestClientLog,
                "sscep.txt",
                "sscep: sending certificate request\nsscep: pkistatus: FAILURE\nsscep: reason: Transaction not permitted or supported\n",
            )],
            Vec::new(),
            &[],
        );
        assert_eq!(r.verdict.as_str(), "failed");
        assert!(
            r.findings
                .iter()
                .any(|f| f.id == FindingId::ScepRequestRejected)
        );
        let r = report_inline(
            &[(
                InputKind::ScepTestClientLog,
                "s",
                "sscep: pkistatus: PENDING\n",
            )],
            Vec::new(),
            &[],
        );
        assert_eq!(r.verdict.as_str(), "action_required");
    }

    fn device_waiting(last: &str) -> Vec<LogEvent> {
        use crate::evidence::{LogTime, ProfileId, SourceRef};
        let profile = ProfileId::parse(
            "ModelName=AC_1%2FLogicalName_8d7c6b5a_4e3f_4a2b_9c1d_0e9f8a7b6c5d;Hash=3",
        )
        .unwrap();
        let ev = |line: u64, t: &str, kind: EventKind| LogEvent {
            platform: Platform::Android,
            source: SourceRef::line("omadm.log".into(), line),
            time: crate::parsers::server::log_time(t).map(|lt| LogTime {
                text: t.to_string(),
                ..lt
            }),
            pid: Some(1),
            kind,
            text: format!("line {line}"),
        };
        vec![
            ev(
                1,
                "2026-06-03 14:44:00",
                EventKind::EnrollmentAttempt { profile },
            ),
            ev(
                2,
                "2026-06-03 14:45:00",
                EventKind::ScepRequest {
                    operation: ScepOperation::PkiOperation,
                    url: None,
                },
            ),
            ev(
                3,
                last,
                EventKind::ScepHttpResponse {
                    operation: ScepOperation::PkiOperation,
                    status: 200,
                    reason: "OK".into(),
                    url: None,
                },
            ),
        ]
    }

    #[test]
    fn device_delivery_resolves_server_failures_of_the_same_enrollment() {
        let mut device = device_pending();
        device.push(LogEvent {
            kind: EventKind::CertificateInstalled {
                profile: None,
                thumbprint: None,
            },
            source: crate::evidence::SourceRef::line("correlated/omadm-pending.log".into(), 11),
            ..device[2].clone()
        });
        let r = report_of(
            &[
                "correlated/iis-pkioperation.log",
                "correlated/ca-failed-requests.txt",
            ],
            device,
        );
        let rej = r
            .findings
            .iter()
            .find(|f| f.id == FindingId::ScepRequestRejected)
            .unwrap();
        assert!(rej.resolved);
        assert_eq!(r.verdict.as_str(), "delivered");
    }

    #[test]
    fn issued_not_delivered_needs_an_exact_key_and_a_long_enough_device_log() {
        let ev = sample("connector-events-notify-failed.txt");
        // Linked by the policy ID, the device log runs on 30 minutes: raised.
        let r = report_inline(
            &[(InputKind::WindowsServerEvents, "c.txt", &ev)],
            device_waiting("2026-06-03 15:15:00"),
            &[],
        );
        let f = r
            .findings
            .iter()
            .find(|f| f.id == FindingId::CertIssuedNotDelivered)
            .expect("raised");
        assert!(
            f.enrollment
                .as_deref()
                .is_some_and(|p| p.contains("8d7c6b5a"))
        );
        assert_eq!(
            r.enrollments.len(),
            1,
            "server evidence joined the device enrollment"
        );
        assert_eq!(
            r.enrollments[0].ids.policy_id.as_deref(),
            Some("8d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d")
        );
        // The device log stops 2 minutes after issuance: no finding.
        let r = report_inline(
            &[(InputKind::WindowsServerEvents, "c.txt", &ev)],
            device_waiting("2026-06-03 14:47:00"),
            &[],
        );
        assert!(
            !r.findings
                .iter()
                .any(|f| f.id == FindingId::CertIssuedNotDelivered)
        );
        // No key in common (another policy): never on a guess.
        let other = ev.replace(
            "8d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d",
            "11111111-2222-3333-4444-555555555555",
        );
        let r = report_inline(
            &[(InputKind::WindowsServerEvents, "c.txt", &other)],
            device_waiting("2026-06-03 15:15:00"),
            &[],
        );
        assert!(
            !r.findings
                .iter()
                .any(|f| f.id == FindingId::CertIssuedNotDelivered)
        );
        assert_eq!(r.enrollments.len(), 2);
    }

    fn active(r: &Report) -> Vec<&'static str> {
        r.findings
            .iter()
            .filter(|f| !f.resolved && f.severity != Severity::Info)
            .map(|f| f.id.as_str())
            .collect()
    }

    #[test]
    fn every_server_sample_meets_its_expectation() {
        let text = std::fs::read_to_string(format!(
            "{}/../tests/fixtures/server/expect.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("expect.json");
        let exp: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut checked = 0;
        for (file, e) in exp.as_object().unwrap() {
            let name = file.strip_prefix("server/").unwrap();
            let r = report_of(&[name], Vec::new());
            assert_eq!(
                r.verdict.as_str(),
                e["verdict"].as_str().unwrap(),
                "{file}: {:?} / {}",
                active(&r),
                r.summary
            );
            let all: Vec<&str> = r.findings.iter().map(|f| f.id.as_str()).collect();
            for m in e["must"].as_array().unwrap() {
                assert!(
                    all.contains(&m.as_str().unwrap()),
                    "{file}: {m} missing in {all:?}"
                );
            }
            for m in e["must_not"].as_array().unwrap() {
                assert!(
                    !active(&r).contains(&m.as_str().unwrap()),
                    "{file}: {m} must not be reported"
                );
            }
            assert!(
                r.enrollments.iter().all(|en| en.state != "installed"),
                "{file}"
            );
            assert!(!r.server_components.is_empty(), "{file}");
            checked += 1;
        }
        assert_eq!(checked, 8);
    }

    #[test]
    fn server_only_in_progress_asks_for_device_logs() {
        let r = report_of(&["iis-w3c-android-success.log"], Vec::new());
        assert!(
            r.summary.contains("server logs cannot show"),
            "{}",
            r.summary
        );
        assert!(r.next_action.contains("device's logs"), "{}", r.next_action);
        assert!(r.enrollments.iter().all(|e| e.platform == Platform::Server));
        let en = &r.enrollments[0];
        assert_eq!(en.steps[1].seen_on, vec!["ndes"]);
        assert_eq!(en.steps[1].status, "ok");
        assert_eq!(en.steps[4].status, "not_seen");
    }

    #[test]
    fn ca_denials_followed_by_issued_rows_are_resolved() {
        let r = report_of(
            &["ca-failed-requests-export.txt", "certutil-view-issued.txt"],
            Vec::new(),
        );
        let rej: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.id == FindingId::ScepRequestRejected)
            .collect();
        assert!(!rej.is_empty());
        assert!(
            rej.iter().all(|f| f.resolved),
            "{:?}",
            rej.iter()
                .map(|f| (&f.detail, f.resolved))
                .collect::<Vec<_>>()
        );
        assert_eq!(r.verdict.as_str(), "in_progress");
    }

    /// The device half of `correlated/omadm-pending.log` as typed events (the Android
    /// parser is another module's; the CLI test reads the file itself).
    fn device_pending() -> Vec<LogEvent> {
        use crate::evidence::{LogTime, PkiStatus, ProfileId, SourceRef};
        let tx = "7c3e9a1f5b2d4e6a8c0f1e3d5b7a9c2e4f6a8b0d".to_string();
        let profile = ProfileId::parse(
            "ModelName=AC_5e8d2c1a-7b4f-4a9e-b3d6-1f0e9c8b7a65%2FLogicalName_a4b3c2d1_e5f6_4789_9a0b_1c2d3e4f5a6b;Hash=1420985731",
        )
        .unwrap();
        let ev = |line: u64, t: &str, kind: EventKind| LogEvent {
            platform: Platform::Android,
            source: SourceRef::line("correlated/omadm-pending.log".into(), line),
            time: crate::parsers::server::log_time(t).map(|lt| LogTime {
                text: t.replace(' ', "T"),
                ..lt
            }),
            pid: Some(21544),
            kind,
            text: format!("line {line}"),
        };
        vec![
            ev(
                2,
                "2026-06-10 09:05:32.119",
                EventKind::EnrollmentAttempt { profile },
            ),
            ev(
                7,
                "2026-06-10 09:05:35.902",
                EventKind::ScepRequestBuilt {
                    transaction_id: Some(tx.clone()),
                    poll: false,
                },
            ),
            ev(
                10,
                "2026-06-10 09:05:38.527",
                EventKind::CertRep {
                    status: PkiStatus::Pending,
                    fail_info: None,
                    transaction_id: Some(tx),
                },
            ),
        ]
    }

    #[test]
    fn correlated_pending_on_device_denied_on_ca() {
        let r = report_of(
            &[
                "correlated/iis-pkioperation.log",
                "correlated/ca-failed-requests.txt",
            ],
            device_pending(),
        );
        assert_eq!(r.verdict.as_str(), "failed");
        assert!(
            r.summary.contains("step 4") && r.summary.contains("on the CA"),
            "{}",
            r.summary
        );
        let rej = r
            .findings
            .iter()
            .find(|f| f.id == FindingId::ScepRequestRejected)
            .expect("denial");
        assert_eq!(rej.step, 4);
        assert!(
            rej.detail.contains("0x80094014")
                && rej.detail.contains("CERTSRV_E_ADMIN_DENIED_REQUEST"),
            "{}",
            rej.detail
        );
        assert!(
            rej.enrollment
                .as_deref()
                .is_some_and(|p| p.contains("LogicalName_a4b3c2d1"))
        );
        assert!(
            r.findings
                .iter()
                .any(|f| f.id == FindingId::ScepRequestPending),
            "the device's finding is kept"
        );
        assert_eq!(
            r.enrollments.len(),
            1,
            "{:?}",
            r.enrollments.iter().map(|e| &e.state).collect::<Vec<_>>()
        );
        let en = &r.enrollments[0];
        assert_eq!(
            en.ids.transaction_id.as_deref(),
            Some("7c3e9a1f5b2d4e6a8c0f1e3d5b7a9c2e4f6a8b0d")
        );
        assert_eq!(en.ids.ca_request_id.as_deref(), Some("4102"));
        assert_eq!(en.steps[3].status, "failed");
        assert_eq!(en.steps[3].seen_on, vec!["device", "ndes", "ca"]);
        assert_eq!(en.steps[2].status, "ok");
    }

    #[test]
    fn connector_and_ca_share_the_thumbprint() {
        let r = report_of(
            &[
                "connector-events-notify-failed.txt",
                "certutil-view-issued.txt",
            ],
            Vec::new(),
        );
        let linked = r
            .enrollments
            .iter()
            .find(|e| e.ids.sha1.as_deref() == Some("9B2E71C405AD38F611E0C74A925DBB06E37F28D1"))
            .unwrap();
        assert_eq!(linked.ids.ca_request_id.as_deref(), Some("3393"));
        assert_eq!(
            linked.ids.policy_id.as_deref(),
            Some("8d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d")
        );
        assert!(
            linked.steps[3].seen_on.contains(&"ca".to_string())
                && linked.steps[3].seen_on.contains(&"connector".to_string())
        );
        let nr = r
            .findings
            .iter()
            .find(|f| f.id == FindingId::ScepResultNotReported)
            .unwrap();
        assert!(!nr.resolved);
        assert!(nr.detail.contains("may be installed"), "{}", nr.detail);
    }
}
