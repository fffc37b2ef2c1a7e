//! Cryptographic check of one certificate's signature with its issuer's public key, in
//! pure Rust: RSA PKCS#1 v1.5 (MD5, SHA-1/224/256/384/512), RSA-PSS (with MGF1 on the same
//! hash), ECDSA P-256/P-384 with any SHA-1/SHA-2 hash, Ed25519. The certificate, its
//! AlgorithmIdentifiers and keys are read element by element with asn1-rs (BER, as the
//! certificate parsers accept it).

use asn1_rs::{Any, Class, FromBer, Tag};
use ecdsa::signature::hazmat::PrehashVerifier;
use ed25519_dalek::Verifier;
use rsa::{BoxedUint, Pkcs1v15Sign, PublicKey as RsaPublicKey, pss::Pss};
use sha2::Digest;

use crate::evidence::oids::{oid_text, signature_algorithm_name};

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
    alg_params: Option<Any<'a>>,
    signature: &'a [u8],
}

/// True when `element` is the universal `tag`, constructed for SEQUENCE and primitive for
/// the others (the forms DER gives them).
fn is_universal(element: &Any<'_>, tag: Tag) -> bool {
    element.class() == Class::Universal
        && element.tag() == tag
        && element.header.is_constructed() == (tag == Tag::Sequence)
}

/// The first element of `input` when it is the universal `tag`, with its whole encoding
/// and the bytes after it.
fn take(input: &[u8], tag: Tag) -> Option<(Any<'_>, &[u8], &[u8])> {
    let (rest, element) = Any::from_ber(input).ok()?;
    is_universal(&element, tag).then(|| (element, &input[..input.len() - rest.len()], rest))
}

/// The elements of a constructed element's content; `None` when one cannot be read.
fn children(content: &[u8]) -> Option<Vec<Any<'_>>> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let (after, element) = Any::from_ber(rest).ok()?;
        out.push(element);
        rest = after;
    }
    Some(out)
}

/// The bits of a BIT STRING content with no unused bits.
fn whole_bytes<'a>(bit_string: &Any<'a>) -> Option<&'a [u8]> {
    match bit_string.data.split_first()? {
        (0, bits) => Some(bits),
        _ => None,
    }
}

fn split_certificate(der_bytes: &[u8]) -> Option<Signed<'_>> {
    let (cert, _, _) = take(der_bytes, Tag::Sequence)?;
    let (_, tbs, rest) = take(cert.data, Tag::Sequence)?;
    let (alg, _, rest) = take(rest, Tag::Sequence)?;
    let (sig, _, _) = take(rest, Tag::BitString)?;
    let (alg_oid, params) = algorithm(&alg)?;
    Some(Signed {
        tbs,
        alg_oid,
        alg_params: params,
        signature: whole_bytes(&sig)?,
    })
}

/// OID and optional parameters of an AlgorithmIdentifier.
fn algorithm<'a>(alg: &Any<'a>) -> Option<(String, Option<Any<'a>>)> {
    let (oid, _, rest) = take(alg.data, Tag::Oid)?;
    let params = Any::from_ber(rest).ok().map(|(_, t)| t);
    Some((oid_text(oid.data)?, params))
}

/// The issuer's SubjectPublicKeyInfo: algorithm OID, parameters, key bits.
fn spki(der_bytes: &[u8]) -> Option<(String, Option<Any<'_>>, &[u8])> {
    let (cert, _, _) = take(der_bytes, Tag::Sequence)?;
    let (tbs, _, _) = take(cert.data, Tag::Sequence)?;
    let mut fields = children(tbs.data)?;
    let explicit_version = |t: &Any<'_>| {
        t.class() == Class::ContextSpecific && t.header.is_constructed() && t.tag() == Tag(0)
    };
    if fields.first().is_some_and(explicit_version) {
        fields.remove(0);
    }
    // serial, signature, issuer, validity, subject, subjectPublicKeyInfo
    let spki = fields.get(5)?;
    let (alg, _, rest) = take(spki.data, Tag::Sequence)?;
    let (bits, _, _) = take(rest, Tag::BitString)?;
    let (oid, params) = algorithm(&alg)?;
    Some((oid, params, whole_bytes(&bits)?))
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
        let (seq, _, _) = take(key, Tag::Sequence)?;
        let (n, _, rest) = take(seq.data, Tag::Integer)?;
        let (e, _, _) = take(rest, Tag::Integer)?;
        Some((
            BoxedUint::from_be_slice_vartime(n.data),
            BoxedUint::from_be_slice_vartime(e.data),
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
fn pss_params(params: Option<&Any<'_>>) -> Option<(Hash, usize)> {
    let mut hash = Hash::Sha1;
    let mut mgf_hash = Hash::Sha1;
    let mut salt = 20usize;
    if let Some(p) = params.filter(|p| is_universal(p, Tag::Sequence)) {
        for field in children(p.data)? {
            if field.class() != Class::ContextSpecific || !field.header.is_constructed() {
                continue;
            }
            match field.tag().0 {
                0 => {
                    let (alg, _, _) = take(field.data, Tag::Sequence)?;
                    hash = Hash::from_oid(&algorithm(&alg)?.0)?;
                }
                1 => {
                    let (alg, _, _) = take(field.data, Tag::Sequence)?;
                    let (mgf, inner) = algorithm(&alg)?;
                    if mgf != "1.2.840.113549.1.1.8" {
                        return None;
                    }
                    let inner = inner.filter(|t| is_universal(t, Tag::Sequence))?;
                    mgf_hash = Hash::from_oid(&algorithm(&inner)?.0)?;
                }
                2 => {
                    let (n, _, _) = take(field.data, Tag::Integer)?;
                    if n.data.len() > 4 {
                        return None;
                    }
                    salt = n
                        .data
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
    params: Option<&Any<'_>>,
    key: &[u8],
) -> KeyCheck {
    if key_oid != "1.2.840.10045.2.1" {
        return KeyCheck::WrongKeyType;
    }
    let curve = params
        .filter(|p| is_universal(p, Tag::Oid))
        .and_then(|p| oid_text(p.data));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(pem: &str) -> Vec<u8> {
        use base64::Engine as _;
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .expect("fixture PEM")
    }

    #[test]
    fn self_signed_roots_verify() {
        for pem in [
            include_str!("../../../tests/fixtures/certs/openssl-root.pem"),
            include_str!("../../../tests/fixtures/certs/openssl-ec-p384-sha256-root.pem"),
        ] {
            let root = fixture(pem);
            assert_eq!(verify(&root, &root), Verification::Valid);
            let mut bad = root.clone();
            *bad.last_mut().expect("signature") ^= 0x01;
            assert_eq!(verify(&bad, &root), Verification::Invalid);
        }
    }

    #[test]
    fn unreadable_inputs_are_unsupported_not_panics() {
        let root = fixture(include_str!(
            "../../../tests/fixtures/certs/openssl-root.pem"
        ));
        let unreadable = Verification::Unsupported("unreadable certificate signature".into());
        assert_eq!(verify(&[], &root), unreadable);
        assert_eq!(verify(&[0x30, 0x00], &root), unreadable);
        assert_eq!(verify(&root[..root.len() - 1], &root), unreadable);
        assert_eq!(
            verify(&root, &[0x30, 0x03, 0x02, 0x01, 0x00]),
            Verification::Unsupported("sha256WithRSAEncryption (unreadable issuer key)".into())
        );
        let mut deep: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 10_000)
            .flatten()
            .collect();
        deep.extend(std::iter::repeat_n([0u8, 0], 10_000).flatten());
        assert_eq!(verify(&deep, &deep), unreadable);
        for end in 0..root.len() {
            let _ = verify(&root, &root[..end]);
        }
    }
}
