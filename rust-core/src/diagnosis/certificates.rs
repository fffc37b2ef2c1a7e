//! Certificate rules (step 5): validity, chains, EKU, key and signature strength, files
//! that looked like certificates but did not decode.

use time::{Duration, OffsetDateTime};

use crate::evidence::{CertRole, Certificate, Chain, ChainProblem, KeyAlgorithm, SourceRef};

use super::finding::{Evidence, Finding};
use super::FindingId;

/// Days before notAfter from which a leaf is "expiring soon".
pub const EXPIRING_SOON_DAYS: i64 = 14;

const CLIENT_AUTH_EKUS: &[&str] = &["client_auth", "any"];
const RA_EKU: &str = "certificate_request_agent";

fn fmt_time(t: OffsetDateTime) -> String {
    crate::report::format_utc(t)
}

fn source(cert: &Certificate) -> String {
    cert.sources.first().cloned().unwrap_or_default()
}

fn cert_evidence(cert: &Certificate, text: String) -> Evidence {
    Evidence { source: source(cert), text }
}

fn name_of(cert: &Certificate) -> String {
    cert.subject_cn.clone().unwrap_or_else(|| cert.subject.clone())
}

/// True for a leaf that can authenticate a client (EKU client auth, anyEKU, or no EKU).
pub fn is_client_auth(cert: &Certificate) -> bool {
    match &cert.extended_key_usage {
        None => true,
        Some(ekus) => ekus.iter().any(|e| CLIENT_AUTH_EKUS.contains(&e.as_str())),
    }
}

/// An NDES registration-authority certificate from a GetCACert reply: not the SCEP
/// client certificate, so client-auth rules do not apply to it.
fn is_ra(cert: &Certificate) -> bool {
    cert.extended_key_usage.as_ref().is_some_and(|e| e.iter().any(|x| x == RA_EKU))
}

fn weak_signature(cert: &Certificate) -> bool {
    let a = cert.signature_algorithm.to_ascii_lowercase();
    a.starts_with("md5") || a.starts_with("md2") || a.starts_with("sha1") || a.contains("with-sha1") || a == "dsawithsha1"
}

/// Applies the certificate rules; `roles[i]` is the role of `certs[i]`.
pub fn diagnose(certs: &[Certificate], roles: &[CertRole], chains: &[Chain], now: OffsetDateTime) -> Vec<Finding> {
    let mut out = Vec::new();
    let leaves: Vec<usize> = (0..certs.len()).filter(|&i| roles[i] == CertRole::Leaf).collect();
    // Certificates whose validity matters: leaves and every certificate on a leaf's path.
    let mut relevant: Vec<usize> = leaves.clone();
    for c in chains {
        relevant.extend(c.path.iter().copied());
    }
    if leaves.is_empty() {
        // Only CA certificates were given: strength rules still apply to them, validity
        // only matters once a leaf relies on them (a system store has expired roots).
        relevant.clear();
    }
    relevant.sort_unstable();
    relevant.dedup();

    for &i in &relevant {
        let c = &certs[i];
        if c.not_after < now {
            out.push(
                Finding::new(FindingId::CertExpired, "detail-cert-expired")
                    .certificate(i)
                    .arg("name", name_of(c))
                    .arg("not_after", fmt_time(c.not_after))
                    .with_evidence(cert_evidence(c, format!("notAfter {}", fmt_time(c.not_after)))),
            );
        } else if c.not_before > now {
            out.push(
                Finding::new(FindingId::CertNotYetValid, "detail-cert-not-yet-valid")
                    .certificate(i)
                    .arg("name", name_of(c))
                    .arg("not_before", fmt_time(c.not_before))
                    .with_evidence(cert_evidence(c, format!("notBefore {}", fmt_time(c.not_before)))),
            );
        }
    }

    for &i in &leaves {
        let c = &certs[i];
        let left = c.not_after - now;
        if c.not_after >= now && c.not_before <= now && left <= Duration::days(EXPIRING_SOON_DAYS) {
            out.push(
                Finding::new(FindingId::CertExpiringSoon, "detail-cert-expiring-soon")
                    .certificate(i)
                    .arg("name", name_of(c))
                    .arg("days", left.whole_days().to_string())
                    .arg("not_after", fmt_time(c.not_after))
                    .with_evidence(cert_evidence(c, format!("notAfter {}", fmt_time(c.not_after)))),
            );
        }
        if let Some(ekus) = &c.extended_key_usage {
            if !is_client_auth(c) && !is_ra(c) {
                out.push(
                    Finding::new(FindingId::CertNoClientAuth, "detail-cert-no-client-auth")
                        .certificate(i)
                        .arg("name", name_of(c))
                        .arg("ekus", ekus.join(", "))
                        .with_evidence(cert_evidence(c, format!("extendedKeyUsage {}", ekus.join(", ")))),
                );
            }
        }
    }

    for chain in chains {
        let leaf = &certs[chain.leaf];
        match &chain.problem {
            Some(ChainProblem::MissingIssuer { cert }) => {
                let c = &certs[*cert];
                out.push(
                    Finding::new(FindingId::ChainIncomplete, "detail-chain-incomplete")
                        .certificate(chain.leaf)
                        .arg("name", name_of(leaf))
                        .arg("missing", c.issuer.clone())
                        .with_evidence(cert_evidence(c, format!("issuer {}", c.issuer))),
                );
            }
            Some(ChainProblem::BadSignature { cert, issuer }) => {
                let (c, iss) = (&certs[*cert], &certs[*issuer]);
                out.push(
                    Finding::new(FindingId::ChainSignatureInvalid, "detail-chain-signature-invalid")
                        .certificate(chain.leaf)
                        .arg("name", name_of(c))
                        .arg("issuer", name_of(iss))
                        .arg("issuer_sha256", iss.sha256.clone())
                        .with_evidence(cert_evidence(c, format!("signed by {} — signature does not verify", iss.subject)))
                        .with_evidence(cert_evidence(iss, format!("candidate issuer SHA-256 {}", iss.sha256))),
                );
            }
            Some(ChainProblem::UnsupportedAlgorithm { .. }) | None => {}
        }
    }

    let strength_scope: Vec<usize> = if leaves.is_empty() { (0..certs.len()).collect() } else { relevant.clone() };
    for &i in &strength_scope {
        let c = &certs[i];
        let weak_key = match (c.key.algorithm, c.key.bits) {
            (KeyAlgorithm::Rsa, Some(b)) => b < 2048,
            (KeyAlgorithm::Ec, Some(b)) => b < 256,
            _ => false,
        };
        if weak_key {
            let bits = c.key.bits.unwrap_or(0);
            out.push(
                Finding::new(FindingId::CertWeakKey, "detail-cert-weak-key")
                    .certificate(i)
                    .arg("name", name_of(c))
                    .arg("algorithm", format!("{:?}", c.key.algorithm).to_ascii_uppercase())
                    .arg("bits", bits.to_string())
                    .with_evidence(cert_evidence(c, format!("key {:?} {bits} bits", c.key.algorithm))),
            );
        }
        if roles[i] != CertRole::Root && weak_signature(c) {
            out.push(
                Finding::new(FindingId::CertWeakSignature, "detail-cert-weak-signature")
                    .certificate(i)
                    .arg("name", name_of(c))
                    .arg("algorithm", c.signature_algorithm.clone())
                    .with_evidence(cert_evidence(c, format!("signatureAlgorithm {}", c.signature_algorithm))),
            );
        }
    }
    out
}

/// `CERT_UNPARSEABLE` for a file that looked like a certificate but did not decode.
pub fn unparseable(path: &str, reason: &str) -> Finding {
    Finding::new(FindingId::CertUnparseable, "detail-cert-unparseable")
        .arg("file", path.to_string())
        .arg("reason", reason.to_string())
        .with_evidence(Evidence::new(&SourceRef::file(path.into()), reason.to_string()))
}

/// A leaf that proves delivery: client authentication, complete chain, valid signatures,
/// inside its validity period.
pub fn delivering_leaf(certs: &[Certificate], chains: &[Chain], now: OffsetDateTime) -> Option<usize> {
    chains
        .iter()
        .find(|ch| {
            let leaf = &certs[ch.leaf];
            ch.complete
                && ch.signatures_valid
                && is_client_auth(leaf)
                && !is_ra(leaf)
                && ch.path.iter().all(|&i| certs[i].not_before <= now && certs[i].not_after >= now)
        })
        .map(|ch| ch.leaf)
}
