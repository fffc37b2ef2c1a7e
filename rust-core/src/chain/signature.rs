//! Cryptographic check of one certificate's signature with its issuer's public key, in
//! pure Rust: RSA PKCS#1 v1.5 (MD5, SHA-1/224/256/384/512), RSA-PSS (with MGF1 on the same
//! hash), ECDSA P-256/P-384 with any SHA-1/SHA-2 hash, Ed25519.

use ecdsa::signature::hazmat::PrehashVerifier;
use ed25519_dalek::Verifier;
use rsa::{BoxedUint, Pkcs1v15Sign, PublicKey as RsaPublicKey, pss::Pss};
use sha2::Digest;

use crate::evidence::oids::signature_algorithm_name;
use crate::parsers::certs::der::{self, Tlv};

/// The outcome of a signature check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Valid,
    Invalid,
    /// certdoctor cannot check this algorithm (named by its contract name or OID).
    Unsupported(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hash {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn from_oid(oid: &str) -> Option<Hash> {
        Some(match oid {
            "1.2.840.113549.2.5" => Hash::Md5,
            "1.3.14.3.2.26" => Hash::Sha1,
            "2.16.840.1.101.3.4.2.4" => Hash::Sha224,
            "2.16.840.1.101.3.4.2.1" => Hash::Sha256,
            "2.16.840.1.101.3.4.2.2" => Hash::Sha384,
            "2.16.840.1.101.3.4.2.3" => Hash::Sha512,
            _ => return None,
        })
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Md5 => md5::Md5::digest(data).to_vec(),
            Hash::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Hash::Sha224 => sha2::Sha224::digest(data).to_vec(),
            Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Hash::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Hash::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }

    fn pkcs1v15(self) -> Pkcs1v15Sign {
        match self {
            Hash::Md5 => Pkcs1v15Sign::new::<md5::Md5>(),
            Hash::Sha1 => Pkcs1v15Sign::new::<sha1::Sha1>(),
            Hash::Sha224 => Pkcs1v15Sign::new::<sha2::Sha224>(),
            Hash::Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>(),
            Hash::Sha384 => Pkcs1v15Sign::new::<sha2::Sha384>(),
            Hash::Sha512 => Pkcs1v15Sign::new::<sha2::Sha512>(),
        }
    }
}

/// The signed parts of a certificate.
struct Signed<'a> {
    tbs: &'a [u8],
    alg_oid: String,
    alg_params: Option<Tlv<'a>>,
    signature: &'a [u8],
}

fn split_certificate(der_bytes: &[u8]) -> Option<Signed<'_>> {
    let (cert, _) = der::expect(der_bytes, der::TAG_SEQUENCE).ok()?;
    let (tbs, rest) = der::expect(cert.content, der::TAG_SEQUENCE).ok()?;
    let (alg, rest) = der::expect(rest, der::TAG_SEQUENCE).ok()?;
    let (sig, _) = der::expect(rest, der::TAG_BIT_STRING).ok()?;
    let (alg_oid, params) = algorithm(&alg)?;
    let (&unused, signature) = sig.content.split_first()?;
    if unused != 0 {
        return None;
    }
    Some(Signed {
        tbs: tbs.raw,
        alg_oid,
        alg_params: params,
        signature,
    })
}

/// OID and optional parameters of an AlgorithmIdentifier.
fn algorithm<'a>(alg: &Tlv<'a>) -> Option<(String, Option<Tlv<'a>>)> {
    let (oid, rest) = der::expect(alg.content, der::TAG_OID).ok()?;
    let params = der::read(rest).ok().map(|(t, _)| t);
    Some((der::oid_to_string(oid.content)?, params))
}

/// The issuer's SubjectPublicKeyInfo: algorithm OID, parameters, key bits.
fn spki(der_bytes: &[u8]) -> Option<(String, Option<Tlv<'_>>, &[u8])> {
    let (cert, _) = der::expect(der_bytes, der::TAG_SEQUENCE).ok()?;
    let (tbs, _) = der::expect(cert.content, der::TAG_SEQUENCE).ok()?;
    let mut fields = der::children(tbs.content).ok()?;
    if fields.first().is_some_and(|t| t.tag == 0xa0) {
        fields.remove(0);
    }
    // serial, signature, issuer, validity, subject, subjectPublicKeyInfo
    let spki = fields.get(5)?;
    let (alg, rest) = der::expect(spki.content, der::TAG_SEQUENCE).ok()?;
    let (bits, _) = der::expect(rest, der::TAG_BIT_STRING).ok()?;
    let (oid, params) = algorithm(&alg)?;
    let (&unused, key) = bits.content.split_first()?;
    if unused != 0 {
        return None;
    }
    Some((oid, params, key))
}

/// Checks the signature of `child` (DER) with the public key of `issuer` (DER).
pub fn verify(child: &[u8], issuer: &[u8]) -> Verification {
    let Some(signed) = split_certificate(child) else {
        return Verification::Unsupported("unreadable certificate signature".to_string());
    };
    let name = signature_algorithm_name(&signed.alg_oid);
    let Some((key_oid, key_params, key)) = spki(issuer) else {
        return Verification::Unsupported(format!("{name} (unreadable issuer key)"));
    };
    let ok = match signed.alg_oid.as_str() {
        "1.2.840.113549.1.1.4" => rsa_pkcs1(Hash::Md5, &signed, &key_oid, key),
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => rsa_pkcs1(Hash::Sha1, &signed, &key_oid, key),
        "1.2.840.113549.1.1.14" => rsa_pkcs1(Hash::Sha224, &signed, &key_oid, key),
        "1.2.840.113549.1.1.11" => rsa_pkcs1(Hash::Sha256, &signed, &key_oid, key),
        "1.2.840.113549.1.1.12" => rsa_pkcs1(Hash::Sha384, &signed, &key_oid, key),
        "1.2.840.113549.1.1.13" => rsa_pkcs1(Hash::Sha512, &signed, &key_oid, key),
        "1.2.840.113549.1.1.10" => match pss_params(signed.alg_params.as_ref()) {
            Some((hash, salt)) => rsa_pss(hash, salt, &signed, &key_oid, key),
            None => {
                return Verification::Unsupported(format!("{name} (unsupported PSS parameters)"));
            }
        },
        "1.2.840.10045.4.1" => {
            ecdsa_verify(Hash::Sha1, &signed, &key_oid, key_params.as_ref(), key)
        }
        "1.2.840.10045.4.3.1" => {
            ecdsa_verify(Hash::Sha224, &signed, &key_oid, key_params.as_ref(), key)
        }
        "1.2.840.10045.4.3.2" => {
            ecdsa_verify(Hash::Sha256, &signed, &key_oid, key_params.as_ref(), key)
        }
        "1.2.840.10045.4.3.3" => {
            ecdsa_verify(Hash::Sha384, &signed, &key_oid, key_params.as_ref(), key)
        }
        "1.2.840.10045.4.3.4" => {
            ecdsa_verify(Hash::Sha512, &signed, &key_oid, key_params.as_ref(), key)
        }
        "1.3.101.112" => ed25519(&signed, &key_oid, key),
        _ => return Verification::Unsupported(name),
    };
    match ok {
        KeyCheck::Verified(true) => Verification::Valid,
        KeyCheck::Verified(false) => Verification::Invalid,
        KeyCheck::WrongKeyType => Verification::Invalid,
        KeyCheck::Unsupported(why) => Verification::Unsupported(format!("{name} ({why})")),
    }
}

enum KeyCheck {
    Verified(bool),
    /// The issuer key cannot have made this signature (e.g. an EC key for an RSA one).
    WrongKeyType,
    Unsupported(&'static str),
}

fn rsa_key(key_oid: &str, key: &[u8]) -> Result<RsaPublicKey, KeyCheck> {
    if key_oid != "1.2.840.113549.1.1.1" && key_oid != "1.2.840.113549.1.1.10" {
        return Err(KeyCheck::WrongKeyType);
    }
    let parse = || -> Option<(BoxedUint, BoxedUint)> {
        let (seq, _) = der::expect(key, der::TAG_SEQUENCE).ok()?;
        let (n, rest) = der::expect(seq.content, der::TAG_INTEGER).ok()?;
        let (e, _) = der::expect(rest, der::TAG_INTEGER).ok()?;
        Some((
            BoxedUint::from_be_slice_vartime(n.content),
            BoxedUint::from_be_slice_vartime(e.content),
        ))
    };
    let (n, e) = parse().ok_or(KeyCheck::Unsupported("unreadable RSA key"))?;
    RsaPublicKey::new_with_size_limits(n, e, 512..=16384)
        .map_err(|_| KeyCheck::Unsupported("RSA key outside supported sizes"))
}

fn rsa_pkcs1(hash: Hash, s: &Signed<'_>, key_oid: &str, key: &[u8]) -> KeyCheck {
    let key = match rsa_key(key_oid, key) {
        Ok(k) => k,
        Err(e) => return e,
    };
    KeyCheck::Verified(
        key.verify(hash.pkcs1v15(), &hash.digest(s.tbs), s.signature)
            .is_ok(),
    )
}

/// RSASSA-PSS-params: hash (default SHA-1), MGF1 hash (must equal it), salt (default 20).
fn pss_params(params: Option<&Tlv<'_>>) -> Option<(Hash, usize)> {
    let mut hash = Hash::Sha1;
    let mut mgf_hash = Hash::Sha1;
    let mut salt = 20usize;
    if let Some(p) = params.filter(|p| p.tag == der::TAG_SEQUENCE) {
        for field in der::children(p.content).ok()? {
            match field.tag {
                0xa0 => {
                    let (alg, _) = der::expect(field.content, der::TAG_SEQUENCE).ok()?;
                    hash = Hash::from_oid(&algorithm(&alg)?.0)?;
                }
                0xa1 => {
                    let (alg, _) = der::expect(field.content, der::TAG_SEQUENCE).ok()?;
                    let (mgf, inner) = algorithm(&alg)?;
                    if mgf != "1.2.840.113549.1.1.8" {
                        return None;
                    }
                    let inner = inner.filter(|t| t.tag == der::TAG_SEQUENCE)?;
                    mgf_hash = Hash::from_oid(&algorithm(&inner)?.0)?;
                }
                0xa2 => {
                    let (n, _) = der::expect(field.content, der::TAG_INTEGER).ok()?;
                    if n.content.len() > 4 {
                        return None;
                    }
                    salt = n
                        .content
                        .iter()
                        .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
                }
                _ => {}
            }
        }
    }
    (hash == mgf_hash).then_some((hash, salt))
}

fn rsa_pss(hash: Hash, salt: usize, s: &Signed<'_>, key_oid: &str, key: &[u8]) -> KeyCheck {
    let key = match rsa_key(key_oid, key) {
        Ok(k) => k,
        Err(e) => return e,
    };
    let digest = hash.digest(s.tbs);
    let ok = match hash {
        Hash::Md5 => return KeyCheck::Unsupported("PSS with MD5"),
        Hash::Sha1 => key.verify(Pss::<sha1::Sha1>::new_with_salt(salt), &digest, s.signature),
        Hash::Sha224 => key.verify(
            Pss::<sha2::Sha224>::new_with_salt(salt),
            &digest,
            s.signature,
        ),
        Hash::Sha256 => key.verify(
            Pss::<sha2::Sha256>::new_with_salt(salt),
            &digest,
            s.signature,
        ),
        Hash::Sha384 => key.verify(
            Pss::<sha2::Sha384>::new_with_salt(salt),
            &digest,
            s.signature,
        ),
        Hash::Sha512 => key.verify(
            Pss::<sha2::Sha512>::new_with_salt(salt),
            &digest,
            s.signature,
        ),
    };
    KeyCheck::Verified(ok.is_ok())
}

fn ecdsa_verify(
    hash: Hash,
    s: &Signed<'_>,
    key_oid: &str,
    params: Option<&Tlv<'_>>,
    key: &[u8],
) -> KeyCheck {
    if key_oid != "1.2.840.10045.2.1" {
        return KeyCheck::WrongKeyType;
    }
    let curve = params
        .filter(|p| p.tag == der::TAG_OID)
        .and_then(|p| der::oid_to_string(p.content));
    let prehash = hash.digest(s.tbs);
    match curve.as_deref() {
        Some("1.2.840.10045.3.1.7") => {
            let Ok(vk) = p256::ecdsa::VerifyingKey::from_sec1_bytes(key) else {
                return KeyCheck::Unsupported("unreadable P-256 key");
            };
            let Ok(sig) = p256::ecdsa::Signature::from_der(s.signature) else {
                return KeyCheck::Verified(false);
            };
            KeyCheck::Verified(vk.verify_prehash(&prehash, &sig).is_ok())
        }
        Some("1.3.132.0.34") => {
            let Ok(vk) = p384::ecdsa::VerifyingKey::from_sec1_bytes(key) else {
                return KeyCheck::Unsupported("unreadable P-384 key");
            };
            let Ok(sig) = p384::ecdsa::Signature::from_der(s.signature) else {
                return KeyCheck::Verified(false);
            };
            KeyCheck::Verified(vk.verify_prehash(&prehash, &sig).is_ok())
        }
        _ => KeyCheck::Unsupported("curve not supported"),
    }
}

fn ed25519(s: &Signed<'_>, key_oid: &str, key: &[u8]) -> KeyCheck {
    if key_oid != "1.3.101.112" {
        return KeyCheck::WrongKeyType;
    }
    let Ok(bytes) = <[u8; 32]>::try_from(key) else {
        return KeyCheck::Unsupported("unreadable Ed25519 key");
    };
    let Ok(vk) = ed25519_dalek::VerifyingKey::from_bytes(&bytes) else {
        return KeyCheck::Unsupported("unreadable Ed25519 key");
    };
    let Ok(sig) = ed25519_dalek::Signature::from_slice(s.signature) else {
        return KeyCheck::Verified(false);
    };
    KeyCheck::Verified(vk.verify(s.tbs, &sig).is_ok())
}
