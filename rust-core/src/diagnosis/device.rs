//! Device rules outside one enrollment: trusted-root installs (Android root state
//! machine) and profiles that depend on the SCEP certificate (Wi-Fi, VPN, e-mail).

use crate::evidence::{EventKind, LogEvent};

use super::FindingId;
use super::enrollments::is_failure_state;
use super::finding::{Evidence, Finding};

/// Root install state machines and dependent-profile evidence → findings.
pub fn diagnose(events: &[LogEvent]) -> Vec<Finding> {
    let mut out = Vec::new();

    // Roots: the last state of each root decides; an earlier failure followed by success
    // is resolved.
    let mut roots: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        if let EventKind::RootInstallState { root, .. } = &e.kind {
            match roots.iter_mut().find(|(r, _)| r == root) {
                Some((_, v)) => v.push(i),
                None => roots.push((root.clone(), vec![i])),
            }
        }
    }
    for (root, idxs) in &roots {
        let Some(&last) = idxs.last() else { continue };
        let EventKind::RootInstallState { to, .. } = &events[last].kind else {
            continue;
        };
        let up = to.to_ascii_uppercase();
        let failures: Vec<usize> = idxs
            .iter()
            .copied()
            .filter(|&i| matches!(&events[i].kind, EventKind::RootInstallState { to, .. } if is_failure_state(to)))
            .collect();
        if let Some(&first_fail) = failures.first() {
            let EventKind::RootInstallState { to: fs, .. } = &events[first_fail].kind else {
                continue;
            };
            let mut f = Finding::new(FindingId::RootCertNotInstalled, "detail-root-failed")
                .arg("root", root.clone())
                .arg("state", fs.clone());
            for &i in &failures {
                f.push_evidence(Evidence::from_event(&events[i]));
            }
            if !is_failure_state(to) && up.contains("SUCCESS") {
                f.push_evidence(Evidence::from_event(&events[last]));
                f.resolve();
            }
            out.push(f);
        } else if up == "CERT_INSTALL_REQUESTED" {
            let mut f = Finding::new(FindingId::RootCertInstallPending, "detail-root-pending")
                .arg("root", root.clone());
            for &i in idxs {
                f.push_evidence(Evidence::from_event(&events[i]));
            }
            out.push(f);
        }
    }

    // Dependent profiles waiting for the certificate.
    let mut waiting: Vec<(String, Finding)> = Vec::new();
    for e in events {
        match &e.kind {
            EventKind::DependentProfileWaiting { profile } => {
                match waiting.iter_mut().find(|(p, _)| p == profile) {
                    Some((_, f)) => f.push_evidence(Evidence::from_event(e)),
                    None => waiting.push((
                        profile.clone(),
                        Finding::new(
                            FindingId::ProfileWaitingForCertificate,
                            "detail-profile-waiting",
                        )
                        .arg("profile", profile.clone())
                        .with_evidence(Evidence::from_event(e)),
                    )),
                }
            }
            EventKind::DependentProfileApplied { profile } => {
                if let Some((_, f)) = waiting.iter_mut().find(|(p, _)| p == profile) {
                    f.push_evidence(Evidence::from_event(e));
                    f.resolve();
                }
            }
            _ => {}
        }
    }
    out.extend(waiting.into_iter().map(|(_, f)| f));

    // Certificate selection that found nothing, with no dependent profile applied after.
    let mut selection: Option<Finding> = None;
    for e in events {
        match &e.kind {
            EventKind::CertificateSelection {
                matched: 0,
                excluded,
            } if *excluded > 0 => {
                let f = selection.get_or_insert_with(|| {
                    Finding::new(
                        FindingId::ProfileCertificateNotSelected,
                        "detail-profile-cert-not-selected",
                    )
                    .arg("excluded", excluded.to_string())
                });
                f.push_evidence(Evidence::from_event(e));
                f.resolved = false;
            }
            EventKind::CertificateExcluded { .. } => {
                if let Some(f) = selection.as_mut() {
                    f.push_evidence(Evidence::from_event(e));
                }
            }
            EventKind::CertificateSelection { matched, .. } if *matched > 0 => {
                if let Some(f) = selection.as_mut() {
                    f.push_evidence(Evidence::from_event(e));
                    f.resolve();
                }
            }
            EventKind::DependentProfileApplied { .. } => {
                if let Some(f) = selection.as_mut() {
                    f.push_evidence(Evidence::from_event(e));
                    f.resolve();
                }
            }
            _ => {}
        }
    }
    out.extend(selection);
    out
}
