//! Chain building and verification: paths from each leaf to a self-signed root by
//! issuer/subject names and AKI/SKI, every link's signature verified cryptographically.

pub mod signature;

use crate::evidence::{CertRole, Certificate, Chain, ChainProblem};
use signature::Verification;

/// Longest path followed from a leaf (leaf included).
pub const MAX_CHAIN_DEPTH: usize = 10;

/// The role of `cert`: self-issued CA → root, other CA → intermediate, else leaf.
pub fn role(cert: &Certificate) -> CertRole {
    match (cert.self_issued(), cert.is_ca) {
        (true, Some(true) | None) => CertRole::Root,
        (_, Some(true)) => CertRole::Intermediate,
        _ => CertRole::Leaf,
    }
}

/// Checks the signature of `child` with the key of `issuer`.
pub fn verify_signature(child: &Certificate, issuer: &Certificate) -> Verification {
    signature::verify(&child.der, &issuer.der)
}

/// Candidate issuers of `child`, best first: same name DER (AKI matching SKI ranked first),
/// then certificates whose SKI equals the child's AKI although the names are encoded
/// differently but read the same.
fn issuer_candidates(certs: &[Certificate], child: usize) -> Vec<usize> {
    let c = &certs[child];
    let key_match = |i: &Certificate| match (&c.authority_key_id, &i.subject_key_id) {
        (Some(a), Some(s)) => Some(a == s),
        _ => None,
    };
    let mut by_name: Vec<(u8, usize)> = certs
        .iter()
        .enumerate()
        .filter(|(i, cand)| *i != child && cand.subject_der == c.issuer_der)
        .map(|(i, cand)| {
            let rank = match key_match(cand) {
                Some(true) => 0,
                None => 1,
                Some(false) => 2,
            };
            (rank, i)
        })
        .collect();
    crate::sorting::sort(&mut by_name);
    let mut out: Vec<usize> = by_name.into_iter().map(|(_, i)| i).collect();
    out.extend(certs.iter().enumerate().filter_map(|(i, cand)| {
        (i != child
            && cand.subject_der != c.issuer_der
            && key_match(cand) == Some(true)
            && cand.subject == c.issuer)
            .then_some(i)
    }));
    out
}

/// One chain per leaf of `certs` (in inventory order).
pub fn build_chains(certs: &[Certificate]) -> Vec<Chain> {
    (0..certs.len())
        .filter(|&i| role(&certs[i]) == CertRole::Leaf)
        .map(|leaf| build_chain(certs, leaf))
        .collect()
}

/// The path from `leaf` upwards, as far as the inventory allows.
pub fn build_chain(certs: &[Certificate], leaf: usize) -> Chain {
    let mut chain = Chain {
        leaf,
        path: vec![leaf],
        complete: false,
        signatures_valid: true,
        problem: None,
    };
    let mut current = leaf;
    loop {
        let cert = &certs[current];
        if cert.self_issued() {
            // A self-signed end: its own signature must verify.
            match verify_signature(cert, cert) {
                Verification::Valid => {
                    chain.complete = true;
                    return chain;
                }
                Verification::Unsupported(algorithm) => {
                    chain.complete = true;
                    chain.signatures_valid = false;
                    chain
                        .problem
                        .get_or_insert(ChainProblem::UnsupportedAlgorithm {
                            cert: current,
                            algorithm,
                        });
                    return chain;
                }
                // Self-issued but not self-signed (a key rollover certificate, or a
                // forged root): look for another key with the same name below.
                Verification::Invalid => {}
            }
        }
        if chain.path.len() >= MAX_CHAIN_DEPTH {
            chain.complete = false;
            chain.problem = Some(ChainProblem::MissingIssuer { cert: current });
            return chain;
        }
        let candidates: Vec<usize> = issuer_candidates(certs, current)
            .into_iter()
            .filter(|i| !chain.path.contains(i))
            .collect();
        if candidates.is_empty() {
            if cert.self_issued() {
                chain.signatures_valid = false;
                chain.problem = Some(ChainProblem::BadSignature {
                    cert: current,
                    issuer: current,
                });
            } else {
                chain.problem = Some(ChainProblem::MissingIssuer { cert: current });
            }
            return chain;
        }
        let mut unsupported = None;
        let mut next = None;
        for &cand in &candidates {
            match verify_signature(cert, &certs[cand]) {
                Verification::Valid => {
                    next = Some(cand);
                    break;
                }
                Verification::Unsupported(a) => {
                    unsupported.get_or_insert((cand, a));
                }
                Verification::Invalid => {}
            }
        }
        match (next, unsupported) {
            (Some(n), _) => {
                chain.path.push(n);
                current = n;
            }
            (None, Some((cand, algorithm))) => {
                // Follow the issuer by name; the link itself cannot be checked.
                chain.signatures_valid = false;
                chain
                    .problem
                    .get_or_insert(ChainProblem::UnsupportedAlgorithm {
                        cert: current,
                        algorithm,
                    });
                chain.path.push(cand);
                current = cand;
            }
            (None, None) => {
                chain.signatures_valid = false;
                chain.problem = Some(ChainProblem::BadSignature {
                    cert: current,
                    issuer: candidates[0],
                });
                return chain;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{KeyAlgorithm, KeyInfo};

    fn cert(subject: &[u8], issuer: &[u8], is_ca: Option<bool>) -> Certificate {
        Certificate {
            der: Vec::new(),
            sha256: String::new(),
            sha1: String::new(),
            serial_hex: "01".into(),
            subject: String::new(),
            subject_cn: None,
            issuer: String::new(),
            issuer_cn: None,
            subject_der: subject.to_vec(),
            issuer_der: issuer.to_vec(),
            not_before: time::OffsetDateTime::UNIX_EPOCH,
            not_after: time::OffsetDateTime::UNIX_EPOCH,
            key: KeyInfo {
                algorithm: KeyAlgorithm::Other,
                bits: None,
            },
            signature_algorithm: String::new(),
            extended_key_usage: None,
            key_usage: None,
            subject_alt_names: Vec::new(),
            template: None,
            is_ca,
            subject_key_id: None,
            authority_key_id: None,
            sources: Vec::new(),
        }
    }

    #[test]
    fn roles() {
        assert_eq!(role(&cert(b"a", b"a", Some(true))), CertRole::Root);
        assert_eq!(role(&cert(b"a", b"a", None)), CertRole::Root);
        assert_eq!(role(&cert(b"a", b"a", Some(false))), CertRole::Leaf);
        assert_eq!(role(&cert(b"a", b"b", Some(true))), CertRole::Intermediate);
        assert_eq!(role(&cert(b"a", b"b", None)), CertRole::Leaf);
        assert_eq!(role(&cert(b"a", b"b", Some(false))), CertRole::Leaf);
    }

    #[test]
    fn unreadable_signature_is_unsupported_not_bad() {
        // Certificates without a DER encoding: the link cannot be checked.
        let certs = vec![
            cert(b"leaf", b"ca", Some(false)),
            cert(b"ca", b"ca", Some(true)),
        ];
        let chains = build_chains(&certs);
        assert_eq!(chains.len(), 1);
        assert_eq!(chains[0].path, vec![0, 1]);
        assert!(!chains[0].signatures_valid);
        assert!(matches!(
            chains[0].problem,
            Some(ChainProblem::UnsupportedAlgorithm { cert: 0, .. })
        ));
    }

    #[test]
    fn issuer_loops_stop() {
        // a issued by b, b issued by a: no self-signed end.
        let certs = vec![
            cert(b"x", b"a", Some(false)),
            cert(b"a", b"b", Some(true)),
            cert(b"b", b"a", Some(true)),
        ];
        let chain = build_chain(&certs, 0);
        assert!(chain.path.len() <= MAX_CHAIN_DEPTH);
        assert!(!chain.complete);
    }

    #[test]
    fn missing_issuer() {
        let certs = vec![cert(b"x", b"nobody", Some(false))];
        let chain = &build_chains(&certs)[0];
        assert_eq!(chain.problem, Some(ChainProblem::MissingIssuer { cert: 0 }));
        assert!(!chain.complete);
        assert!(chain.signatures_valid);
    }
}
