//! Certificate rules (step 5): validity, chains, EKU, key and signature strength, files
//! that looked like certificates but did not decode.

use time::{Duration, OffsetDateTime};

use crate::evidence::{CertRole, Certificate, Chain, ChainProblem, KeyAlgorithm, SourceRef};

use super::FindingId;
use super::finding::{Evidence, Finding};

/// Days before notAfter from which a leaf is "expiring soon".
pub const EXPIRING_SOON_DAYS: i64 = 14;

const CLIENT_AUTH_EKUS: &[&str] = &["client_auth", "any"];
const RA_EKU: &str = "certificate_request_agent";

fn fmt_time(t: OffsetDateTime) -> String {
    crate::contract::format_utc(t)
}

fn source(cert: &Certificate) -> String {
    cert.sources.first().cloned().unwrap_or_default()
}

fn cert_evidence(cert: &Certificate, text: String) -> Evidence {
    Evidence {
        source: source(cert),
        text,
    }
}

fn name_of(cert: &Certificate) -> String {
    cert.subject_cn
        .clone()
        .unwrap_or_else(|| cert.subject.clone())
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
    cert.extended_key_usage
        .as_ref()
        .is_some_and(|e| e.iter().any(|x| x == RA_EKU))
}

fn weak_signature(cert: &Certificate) -> bool {
    let a = cert.signature_algorithm.to_ascii_lowercase();
    a.starts_with("md5")
        || a.starts_with("md2")
        || a.starts_with("sha1")
        || a.contains("with-sha1")
        || a == "dsawithsha1"
}

/// What a set of certificates is, which decides the rules that apply to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A device's certificate inventory: leaves are client certificates and their chains
    /// must end in a root present in the input.
    Inventory,
    /// A SCEP server's GetCACert reply: leaves are RA certificates (no client-auth rule),
    /// each must be issued by a CA of the reply, the root may be absent (the device gets
    /// it from its trusted-certificate profile), and every certificate must be valid now.
    ScepReply,
}

/// Applies the certificate rules; `roles[i]` is the role of `certs[i]`.
pub fn diagnose(
    certs: &[Certificate],
    roles: &[CertRole],
    chains: &[Chain],
    now: OffsetDateTime,
) -> Vec<Finding> {
    diagnose_in(certs, roles, chains, now, Scope::Inventory)
}

/// [`diagnose`] for a set of certificates of the given scope.
pub fn diagnose_in(
    certs: &[Certificate],
    roles: &[CertRole],
    chains: &[Chain],
    now: OffsetDateTime,
    scope: Scope,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let leaves: Vec<usize> = (0..certs.len())
        .filter(|&i| roles[i] == CertRole::Leaf)
        .collect();
    // Certificates whose validity matters: leaves and every certificate on a leaf's path.
    let mut relevant: Vec<usize> = leaves.clone();
    for c in chains {
        relevant.extend(c.path.iter().copied());
    }
    if scope == Scope::ScepReply {
        relevant = (0..certs.len()).collect();
    } else if leaves.is_empty() {
        // Only CA certificates were given: strength rules still apply to them, validity
        // only matters once a leaf relies on them (a system store has expired roots).
        relevant.clear();
    }
    crate::sorting::sort(&mut relevant);
    relevant.dedup();

    for &i in &relevant {
        let c = &certs[i];
        if c.not_after < now {
            out.push(
                Finding::new(FindingId::CertExpired, "detail-cert-expired")
                    .certificate(i)
                    .arg("name", name_of(c))
                    .arg("not_after", fmt_time(c.not_after))
                    .with_evidence(cert_evidence(
                        c,
                        format!("notAfter {}", fmt_time(c.not_after)),
                    )),
            );
        } else if c.not_before > now {
            out.push(
                Finding::new(FindingId::CertNotYetValid, "detail-cert-not-yet-valid")
                    .certificate(i)
                    .arg("name", name_of(c))
                    .arg("not_before", fmt_time(c.not_before))
                    .with_evidence(cert_evidence(
                        c,
                        format!("notBefore {}", fmt_time(c.not_before)),
                    )),
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
                    .with_evidence(cert_evidence(
                        c,
                        format!("notAfter {}", fmt_time(c.not_after)),
                    )),
            );
        }
        if let Some(ekus) = &c.extended_key_usage
            && scope == Scope::Inventory
            && !is_client_auth(c)
            && !is_ra(c)
        {
            out.push(
                Finding::new(FindingId::CertNoClientAuth, "detail-cert-no-client-auth")
                    .certificate(i)
                    .arg("name", name_of(c))
                    .arg("ekus", ekus.join(", "))
                    .with_evidence(cert_evidence(
                        c,
                        format!("extendedKeyUsage {}", ekus.join(", ")),
                    )),
            );
        }
    }

    for chain in chains {
        let leaf = &certs[chain.leaf];
        match &chain.problem {
            // A reply's CA may be a subordinate whose root the device already has.
            Some(ChainProblem::MissingIssuer { cert })
                if scope == Scope::ScepReply && *cert != chain.leaf => {}
            Some(ChainProblem::MissingIssuer { cert }) => {
                // The article's store checks: a root is self-issued (Issued To = Issued By),
                // and the personal certificate's Issued By equals the CA's name.
                let c = &certs[*cert];
                let cas: Vec<String> = (0..certs.len())
                    .filter(|&i| roles[i] != CertRole::Leaf)
                    .map(|i| certs[i].subject.clone())
                    .collect();
                let detail = if *cert != chain.leaf {
                    "detail-chain-top-not-root"
                } else if !cas.is_empty() {
                    "detail-chain-issuer-mismatch"
                } else {
                    "detail-chain-incomplete"
                };
                out.push(
                    Finding::new(FindingId::ChainIncomplete, detail)
                        .certificate(chain.leaf)
                        .arg("name", name_of(leaf))
                        .arg("missing", c.issuer.clone())
                        .arg("top", c.subject.clone())
                        .arg("cas", cas.join("; "))
                        .with_evidence(cert_evidence(c, format!("issuer {}", c.issuer))),
                );
            }
            Some(ChainProblem::BadSignature { cert, issuer }) => {
                let (c, iss) = (&certs[*cert], &certs[*issuer]);
                out.push(
                    Finding::new(
                        FindingId::ChainSignatureInvalid,
                        "detail-chain-signature-invalid",
                    )
                    .certificate(chain.leaf)
                    .arg("name", name_of(c))
                    .arg("issuer", name_of(iss))
                    .arg("issuer_sha256", iss.sha256.clone())
                    .with_evidence(cert_evidence(
                        c,
                        format!("signed by {} — signature does not verify", iss.subject),
                    ))
                    .with_evidence(cert_evidence(
                        iss,
                        format!("candidate issuer SHA-256 {}", iss.sha256),
                    )),
                );
            }
            Some(ChainProblem::UnsupportedAlgorithm { .. }) | None => {}
        }
    }

    let strength_scope: Vec<usize> = if leaves.is_empty() || scope == Scope::ScepReply {
        (0..certs.len()).collect()
    } else {
        relevant.clone()
    };
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
                    .arg(
                        "algorithm",
                        format!("{:?}", c.key.algorithm).to_ascii_uppercase(),
                    )
                    .arg("bits", bits.to_string())
                    .with_evidence(cert_evidence(
                        c,
                        format!("key {:?} {bits} bits", c.key.algorithm),
                    )),
            );
        }
        if roles[i] != CertRole::Root && weak_signature(c) {
            out.push(
                Finding::new(FindingId::CertWeakSignature, "detail-cert-weak-signature")
                    .certificate(i)
                    .arg("name", name_of(c))
                    .arg("algorithm", c.signature_algorithm.clone())
                    .with_evidence(cert_evidence(
                        c,
                        format!("signatureAlgorithm {}", c.signature_algorithm),
                    )),
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
        .with_evidence(Evidence::new(
            &SourceRef::file(path.into()),
            reason.to_string(),
        ))
}

/// A leaf that proves delivery: client authentication, complete chain, valid signatures,
/// inside its validity period.
pub fn delivering_leaf(
    certs: &[Certificate],
    chains: &[Chain],
    now: OffsetDateTime,
) -> Option<usize> {
    chains
        .iter()
        .find(|ch| {
            let leaf = &certs[ch.leaf];
            ch.complete
                && ch.signatures_valid
                && is_client_auth(leaf)
                && !is_ra(leaf)
                && ch
                    .path
                    .iter()
                    .all(|&i| certs[i].not_before <= now && certs[i].not_after >= now)
        })
        .map(|ch| ch.leaf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{ChainProblem, KeyInfo};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-06-01 00:00 UTC);

    fn cert(name: &str, issuer: &str, nb: OffsetDateTime, na: OffsetDateTime) -> Certificate {
        Certificate {
            der: vec![],
            sha256: format!("{name}-SHA256"),
            sha1: format!("{name}-SHA1"),
            serial_hex: "01".into(),
            subject: format!("CN={name}"),
            subject_cn: Some(name.into()),
            issuer: format!("CN={issuer}"),
            issuer_cn: Some(issuer.into()),
            subject_der: name.as_bytes().to_vec(),
            issuer_der: issuer.as_bytes().to_vec(),
            not_before: nb,
            not_after: na,
            key: KeyInfo {
                algorithm: KeyAlgorithm::Rsa,
                bits: Some(2048),
            },
            signature_algorithm: "sha256WithRSAEncryption".into(),
            extended_key_usage: Some(vec!["client_auth".into()]),
            key_usage: None,
            subject_alt_names: vec![],
            template: None,
            is_ca: None,
            subject_key_id: None,
            authority_key_id: None,
            sources: vec![format!("{name}.cer")],
        }
    }

    fn ids(f: &[Finding]) -> Vec<&'static str> {
        f.iter().map(|f| f.id.as_str()).collect()
    }

    fn chain(
        leaf: usize,
        path: Vec<usize>,
        complete: bool,
        valid: bool,
        problem: Option<ChainProblem>,
    ) -> Chain {
        Chain {
            leaf,
            path,
            complete,
            signatures_valid: valid,
            problem,
        }
    }

    #[test]
    fn validity_rules() {
        let ok = (
            datetime!(2026-01-01 00:00 UTC),
            datetime!(2027-01-01 00:00 UTC),
        );
        let mut root = cert("Root", "Root", ok.0, ok.1);
        root.is_ca = Some(true);
        let expired = cert(
            "Old",
            "Root",
            datetime!(2025-01-01 00:00 UTC),
            datetime!(2026-05-01 00:00 UTC),
        );
        let future = cert("Future", "Root", datetime!(2026-07-01 00:00 UTC), ok.1);
        let soon = cert("Soon", "Root", ok.0, datetime!(2026-06-10 00:00 UTC));
        let certs = vec![root, expired, future, soon];
        let roles = vec![
            CertRole::Root,
            CertRole::Leaf,
            CertRole::Leaf,
            CertRole::Leaf,
        ];
        let chains: Vec<Chain> = (1..4)
            .map(|i| chain(i, vec![i, 0], true, true, None))
            .collect();
        let f = diagnose(&certs, &roles, &chains, NOW);
        assert_eq!(
            ids(&f),
            vec!["CERT_EXPIRED", "CERT_NOT_YET_VALID", "CERT_EXPIRING_SOON"]
        );
        assert_eq!(f[2].get_arg("days"), Some("9"));
        assert_eq!(delivering_leaf(&certs, &chains, NOW), Some(3));
    }

    #[test]
    fn eku_key_and_signature_rules() {
        let ok = (
            datetime!(2026-01-01 00:00 UTC),
            datetime!(2027-01-01 00:00 UTC),
        );
        let mut root = cert("Root", "Root", ok.0, ok.1);
        root.signature_algorithm = "sha1WithRSAEncryption".into();
        let mut server = cert("Server", "Root", ok.0, ok.1);
        server.extended_key_usage = Some(vec!["server_auth".into()]);
        server.key = KeyInfo {
            algorithm: KeyAlgorithm::Rsa,
            bits: Some(1024),
        };
        server.signature_algorithm = "sha1WithRSAEncryption".into();
        let mut ra = cert("NDES-RA", "Root", ok.0, ok.1);
        ra.extended_key_usage = Some(vec!["certificate_request_agent".into()]);
        let certs = vec![root, server, ra];
        let roles = vec![CertRole::Root, CertRole::Leaf, CertRole::Leaf];
        let chains = vec![
            chain(1, vec![1, 0], true, true, None),
            chain(2, vec![2, 0], true, true, None),
        ];
        let f = diagnose(&certs, &roles, &chains, NOW);
        assert_eq!(
            ids(&f),
            vec![
                "CERT_NO_CLIENT_AUTH",
                "CERT_WEAK_KEY",
                "CERT_WEAK_SIGNATURE"
            ]
        );
        assert!(
            f.iter().all(|x| x.certificate == Some(1)),
            "the root's SHA-1 self-signature is not weak"
        );
        assert_eq!(
            delivering_leaf(&certs, &chains, NOW),
            None,
            "neither leaf authenticates a client"
        );
    }

    #[test]
    fn chain_problems_name_the_leaf() {
        let ok = (
            datetime!(2026-01-01 00:00 UTC),
            datetime!(2027-01-01 00:00 UTC),
        );
        let leaf = cert("User", "Issuing CA", ok.0, ok.1);
        let other = cert("Other", "Fake CA", ok.0, ok.1);
        let mut fake = cert("Fake CA", "Fake CA", ok.0, ok.1);
        fake.is_ca = Some(true);
        let certs = vec![leaf, other, fake];
        let roles = vec![CertRole::Leaf, CertRole::Leaf, CertRole::Root];
        let chains = vec![
            chain(
                0,
                vec![0],
                false,
                true,
                Some(ChainProblem::MissingIssuer { cert: 0 }),
            ),
            chain(
                1,
                vec![1],
                false,
                false,
                Some(ChainProblem::BadSignature { cert: 1, issuer: 2 }),
            ),
        ];
        let f = diagnose(&certs, &roles, &chains, NOW);
        assert_eq!(ids(&f), vec!["CHAIN_INCOMPLETE", "CHAIN_SIGNATURE_INVALID"]);
        assert_eq!(f[0].get_arg("missing"), Some("CN=Issuing CA"));
        assert_eq!(
            f[0].detail, "detail-chain-issuer-mismatch",
            "a CA was given, but not the issuer"
        );
        assert_eq!(f[1].certificate, Some(1));
        assert_eq!(delivering_leaf(&certs, &chains, NOW), None);
    }

    #[test]
    fn a_store_of_roots_alone_raises_no_validity_error() {
        let mut old = cert(
            "Old Root",
            "Old Root",
            datetime!(2000-01-01 00:00 UTC),
            datetime!(2020-01-01 00:00 UTC),
        );
        old.is_ca = Some(true);
        let f = diagnose(&[old], &[CertRole::Root], &[], NOW);
        assert!(f.is_empty());
    }
}
