//! Server-side diagnosis (server-log-formats.md; issue 9): groups server evidence per
//! request identity (transaction ID, CA request ID, serial/SHA-1, device + policy ID,
//! subject CN, CRP activity; else the client of an IIS log or the input), applies the
//! server rules per group (the latest attempt decides: a later success at a step
//! resolves earlier failures up to that step), links each group to a device enrollment
//! by an exact key, and places every enrollment's six steps on the machines that showed
//! them. Server evidence never makes an enrollment delivered.

mod correlation;
mod effect;
mod requests;
mod timeline;

use std::collections::{BTreeMap, HashMap};

use crate::evidence::server::{HttpTarget, ServerFact, ServerKeys};
use crate::evidence::{Certificate, EventKind, LogEvent, Platform, ServerComponent};

use super::enrollments::{Attempt, Enrollment};
use super::finding::{Evidence, Finding};
use super::{FindingId, Severity};

pub use timeline::place;

use correlation::{device_steps, linked_device, time_key, to_views};
use requests::{Groups, identity_keys, is_infrastructure, merge_keys, run_group};

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

pub(super) fn server_event(e: &LogEvent) -> Option<&crate::evidence::ServerEvent> {
    match &e.kind {
        EventKind::Server(s) => Some(s),
        _ => None,
    }
}

pub(super) fn machine(c: ServerComponent) -> &'static str {
    match c {
        ServerComponent::Ndes => "ndes",
        ServerComponent::Connector => "connector",
        ServerComponent::Ca => "ca",
    }
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
    crate::sorting::stable_by_key(&mut m, |x| MACHINES.iter().position(|y| y == x));
    m.join(", ")
}
