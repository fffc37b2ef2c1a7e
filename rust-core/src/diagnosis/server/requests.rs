//! Server evidence per request: events grouped by the keys that identify one request
//! across sources (transaction ID, CA request ID, serial or SHA-1, device + policy ID,
//! CRP activity, subject CN), and each group's rules run in order, the latest attempt
//! deciding (a later success at a step resolves earlier failures up to that step).

use std::collections::BTreeMap;

use crate::evidence::LogEvent;
use crate::evidence::server::{HttpTarget, ServerFact, ServerKeys};

use super::effect::{Effect, effect};
use super::{EnrollmentExtra, StepStatus, machine, server_event};
use crate::diagnosis::finding::{Evidence, Finding};
use crate::diagnosis::{FindingId, Severity};

/// Keys that identify a request across sources.
pub(super) fn identity_keys(k: &ServerKeys) -> Vec<String> {
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
pub(super) fn is_infrastructure(f: &ServerFact) -> bool {
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

pub(super) struct Groups {
    pub(super) parent: Vec<usize>,
}

impl Groups {
    pub(super) fn find(&mut self, i: usize) -> usize {
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
    pub(super) fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi] = lo;
        }
    }
}

/// A finding being built for one group.
pub(super) struct Raised {
    pub(super) finding: Finding,
    pub(super) last_event: usize,
}

pub(super) fn request_number(e: &LogEvent) -> Option<u64> {
    server_event(e)?.keys.ca_request_id.as_deref()?.parse().ok()
}

/// `b` is a later attempt than `a`: CA rows by request ID (their dates are local and
/// NotBefore is back-dated), everything else by time order.
pub(super) fn later(events: &[LogEvent], a: usize, b: usize) -> bool {
    match (request_number(&events[a]), request_number(&events[b])) {
        (Some(x), Some(y)) => y > x,
        _ => b > a,
    }
}

/// The outcome of one group of server events.
pub(super) struct GroupResult {
    pub(super) findings: Vec<Finding>,
    pub(super) steps: [(Vec<&'static str>, StepStatus); 6],
    pub(super) issued_at: Option<usize>,
    pub(super) last_ok_step: u8,
    pub(super) state: &'static str,
}

pub(super) fn run_group(events: &[LogEvent], idxs: &[usize]) -> GroupResult {
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

pub(super) fn merge_keys(into: &mut EnrollmentExtra, k: &ServerKeys) {
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
