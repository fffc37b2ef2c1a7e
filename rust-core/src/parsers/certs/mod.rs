//! Certificate files: DER, PEM (many blocks, junk around them), PKCS#7 certs-only (DER,
//! PEM, BER indefinite lengths) → [`Certificate`] facts.

mod ber;
pub mod facts;
mod format;
mod pem;
mod pkcs7;

use crate::evidence::Certificate;
use crate::input::InputKind;
use crate::limits::{MAX_CERT_FILE_BYTES, MAX_CERTIFICATES};

pub use facts::certificate_from_der;
pub use format::{CertificateFormat, Pkcs7Format};

/// The certificates of one file.
#[derive(Debug, Clone)]
pub struct CertificateFile {
    /// `Certificate` or `Pkcs7`.
    pub kind: InputKind,
    pub certificates: Vec<Certificate>,
    /// Problems with some blocks while others decoded (e.g. one bad PEM block).
    pub warnings: Vec<String>,
}

/// Why a certificate file could not be decoded at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    #[error("the file is empty")]
    Empty,
    #[error("{0}")]
    Invalid(String),
}

/// PEM labels whose bodies hold certificates or PKCS#7.
const CERT_LABELS: &[&str] = &[
    "CERTIFICATE",
    "X509 CERTIFICATE",
    "TRUSTED CERTIFICATE",
    "PKCS7",
    "PKCS #7 SIGNED DATA",
    "CMS",
];

/// What one DER object (file or PEM body) held.
struct Decoded {
    pkcs7: bool,
    certificates: Vec<Certificate>,
    warnings: Vec<String>,
}

/// Decodes a certificate or PKCS#7 file of any supported shape.
pub fn parse_certificate_file(bytes: &[u8]) -> Result<CertificateFile, CertError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(CertError::Empty);
    }
    if bytes.len() > MAX_CERT_FILE_BYTES {
        return Err(CertError::Invalid(format!(
            "file is {} bytes, more than the {} bytes read for a certificate file",
            bytes.len(),
            MAX_CERT_FILE_BYTES
        )));
    }
    let mut file = if bytes[0] == 0x30 {
        let d = decode_der(bytes).map_err(CertError::Invalid)?;
        CertificateFile {
            kind: if d.pkcs7 {
                InputKind::Pkcs7
            } else {
                InputKind::Certificate
            },
            certificates: d.certificates,
            warnings: d.warnings,
        }
    } else if pem::looks_like_pem(bytes) {
        parse_pem(bytes)?
    } else if let Some(decoded) = pem::bare_base64(bytes).filter(|d| d.first() == Some(&0x30)) {
        let d =
            decode_der(&decoded).map_err(|e| CertError::Invalid(format!("base64 text: {e}")))?;
        CertificateFile {
            kind: if d.pkcs7 {
                InputKind::Pkcs7
            } else {
                InputKind::Certificate
            },
            certificates: d.certificates,
            warnings: d.warnings,
        }
    } else {
        return Err(CertError::Invalid(format!(
            "not a certificate: neither DER (first byte 0x{:02X}, expected 0x30) nor PEM (no -----BEGIN line)",
            bytes[0]
        )));
    };
    if file.certificates.len() > MAX_CERTIFICATES {
        file.warnings.push(format!(
            "{} certificates in the file; only the first {MAX_CERTIFICATES} are kept",
            file.certificates.len()
        ));
        file.certificates.truncate(MAX_CERTIFICATES);
    }
    Ok(file)
}

fn parse_pem(bytes: &[u8]) -> Result<CertificateFile, CertError> {
    let mut certificates = Vec::new();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let mut pkcs7 = false;
    for block in pem::blocks(bytes) {
        let name = format!("PEM block {}", block.number);
        if !block.label.is_empty() && !CERT_LABELS.contains(&block.label.as_str()) {
            warnings.push(format!(
                "{name} ({}): not a certificate, skipped",
                block.label
            ));
            continue;
        }
        match block.body.and_then(|body| decode_der(&body)) {
            Ok(d) => {
                pkcs7 |= d.pkcs7;
                certificates.extend(d.certificates);
                warnings.extend(d.warnings.into_iter().map(|w| format!("{name}: {w}")));
            }
            Err(e) => errors.push(format!("{name}: {e}")),
        }
    }
    if certificates.is_empty() {
        let reason = if errors.is_empty() {
            "PEM file holds no certificate block".to_string()
        } else {
            errors.join("; ")
        };
        return Err(CertError::Invalid(reason));
    }
    warnings.extend(errors);
    Ok(CertificateFile {
        kind: if pkcs7 {
            InputKind::Pkcs7
        } else {
            InputKind::Certificate
        },
        certificates,
        warnings,
    })
}

/// One DER (or BER) object: a certificate or a PKCS#7 ContentInfo.
fn decode_der(bytes: &[u8]) -> Result<Decoded, String> {
    let (top, _) = match ber::read(bytes) {
        Ok(t) => t,
        Err(e @ ber::BerError::Truncated { .. }) => return Err(format!("truncated DER: {e}")),
        Err(e) => return Err(format!("invalid DER: {e}")),
    };
    if !top.is(ber::Id::SEQUENCE) {
        return Err(format!(
            "invalid DER: starts with tag 0x{:02X}, not a SEQUENCE",
            top.first_octet()
        ));
    }
    if pkcs7::is_content_info(&top) {
        let mut certificates = Vec::new();
        let mut warnings = Vec::new();
        let list = pkcs7::certificates(&top)?;
        for (i, raw) in list.iter().enumerate() {
            match facts::certificate_from_der(raw) {
                Ok(c) => certificates.push(c),
                Err(e) => warnings.push(format!("PKCS#7 certificate {}: {e}", i + 1)),
            }
        }
        if certificates.is_empty() {
            return Err(format!(
                "PKCS#7 holds no decodable certificate ({})",
                warnings.join("; ")
            ));
        }
        return Ok(Decoded {
            pkcs7: true,
            certificates,
            warnings,
        });
    }
    let cert = facts::certificate_from_der(top.raw())?;
    Ok(Decoded {
        pkcs7: false,
        certificates: vec![cert],
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = parse_certificate_file(&bytes);
        }

        #[test]
        fn der_shaped_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..512), len in any::<u8>()) {
            let mut bytes = vec![0x30, 0x80 | (len % 5)];
            bytes.extend(tail);
            let _ = parse_certificate_file(&bytes);
        }

        #[test]
        fn pem_shaped_text_never_panics(body in "[A-Za-z0-9+/=\\s*-]{0,400}") {
            let text = format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n-----BEGIN PKCS7-----\n{body}");
            let _ = parse_certificate_file(text.as_bytes());
        }

        #[test]
        fn nested_indefinite_pkcs7_never_panics(depth in 0usize..80, tail in proptest::collection::vec(any::<u8>(), 0..64)) {
            let mut bytes = vec![0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
            for _ in 0..depth {
                bytes.extend([0xa0, 0x80]);
            }
            bytes.extend(tail);
            let _ = parse_certificate_file(&bytes);
        }
    }

    #[test]
    fn openssl_pkcs7_and_kinds() {
        let p7 = include_bytes!("../../../../tests/fixtures/certs/openssl-bundle.p7b");
        let file = parse_certificate_file(p7).unwrap();
        assert_eq!(file.kind, InputKind::Pkcs7);
        assert_eq!(file.certificates.len(), 3);
        let mut truncated = p7.to_vec();
        truncated.truncate(p7.len() - 10);
        match parse_certificate_file(&truncated) {
            Err(CertError::Invalid(m)) => assert!(m.starts_with("truncated DER: "), "{m}"),
            other => panic!("{other:?}"),
        }
        let pem = include_bytes!("../../../../tests/fixtures/certs/openssl-root.pem");
        assert_eq!(
            parse_certificate_file(pem).unwrap().kind,
            InputKind::Certificate
        );
    }

    /// A certs-only ContentInfo with indefinite lengths everywhere but inside the
    /// certificates, as Windows exports `.p7b` files; `certs: None` leaves the
    /// `certificates` field out.
    fn ber_pkcs7(certs: Option<&[Vec<u8>]>) -> Vec<u8> {
        let indef = |tag: u8, parts: &[&[u8]]| {
            let mut out = vec![tag, 0x80];
            out.extend(parts.concat());
            out.extend([0, 0]);
            out
        };
        const SIGNED_DATA: &[u8] = &[
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
        ];
        const DATA: &[u8] = &[
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
        ];
        let certificates = certs.map(|c| indef(0xa0, &[&c.concat()]));
        let signed = indef(
            0x30,
            &[
                &[0x02, 0x01, 0x01],
                &indef(0x31, &[]),
                &indef(0x30, &[DATA]),
                certificates.as_deref().unwrap_or_default(),
                &indef(0x31, &[]),
            ],
        );
        indef(0x30, &[SIGNED_DATA, &indef(0xa0, &[&signed])])
    }

    fn fixture_certificates() -> Vec<Vec<u8>> {
        let p7 = include_bytes!("../../../../tests/fixtures/certs/openssl-bundle.p7b");
        let file = parse_certificate_file(p7).unwrap();
        file.certificates.into_iter().map(|c| c.der).collect()
    }

    #[test]
    fn ber_indefinite_pkcs7() {
        let certs = fixture_certificates();
        let ber = ber_pkcs7(Some(&certs));
        let file = parse_certificate_file(&ber).unwrap();
        assert_eq!(file.kind, InputKind::Pkcs7);
        assert!(file.warnings.is_empty(), "{:?}", file.warnings);
        let ders: Vec<Vec<u8>> = file.certificates.into_iter().map(|c| c.der).collect();
        assert_eq!(ders, certs);
    }

    #[test]
    fn truncated_pkcs7_is_named_with_what_is_missing() {
        let p7 = include_bytes!("../../../../tests/fixtures/certs/openssl-bundle.p7b");
        assert_eq!(
            parse_certificate_file(&p7[..p7.len() - 10]).unwrap_err(),
            CertError::Invalid(format!(
                "truncated DER: element needs {} bytes but only {} remain",
                p7.len(),
                p7.len() - 10
            ))
        );
        // BER: the end-of-contents markers are cut off.
        let ber = ber_pkcs7(Some(&fixture_certificates()));
        let cut = &ber[..ber.len() - 3];
        match parse_certificate_file(cut) {
            Err(CertError::Invalid(m)) => assert!(
                m.starts_with("truncated DER: element needs ") && m.ends_with(" remain"),
                "{m}"
            ),
            other => panic!("{other:?}"),
        }
        // Cut inside a certificate.
        let cut = &ber[..ber.len() / 2];
        assert!(matches!(
            parse_certificate_file(cut),
            Err(CertError::Invalid(m)) if m.starts_with("truncated DER: ")
        ));
    }

    #[test]
    fn pkcs7_without_certificates() {
        for certs in [None, Some(&[][..])] {
            assert_eq!(
                parse_certificate_file(&ber_pkcs7(certs)).unwrap_err(),
                CertError::Invalid("PKCS#7 contains no certificates".into()),
                "{certs:?}"
            );
        }
        // DER with an empty `certificates [0]`.
        let mut der = vec![
            0x30, 0x23, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0,
            0x16, 0x30, 0x14, 0x02, 0x01, 0x01, 0x31, 0x00, 0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86,
            0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01, 0xa0, 0x00, 0x31, 0x00,
        ];
        assert_eq!(
            parse_certificate_file(&der).unwrap_err(),
            CertError::Invalid("PKCS#7 contains no certificates".into())
        );
        // Certificates that are not SEQUENCEs are no certificates either.
        der[35..37].copy_from_slice(&[0xa0, 0x02]);
        der.splice(37..37, [0x05, 0x00]);
        der[1] += 2;
        der[14] += 2;
        der[16] += 2;
        assert_eq!(
            parse_certificate_file(&der).unwrap_err(),
            CertError::Invalid("PKCS#7 contains no certificates".into())
        );
        // No content at all.
        let mut bare = der[..13].to_vec();
        bare[1] = 0x0b;
        assert_eq!(
            parse_certificate_file(&bare).unwrap_err(),
            CertError::Invalid("PKCS#7 signedData has no content".into())
        );
    }

    #[test]
    fn deeply_nested_indefinite_pkcs7_is_an_error() {
        for depth in [60, 5_000] {
            let mut bytes = vec![
                0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
            ];
            bytes.extend(std::iter::repeat_n([0xa0, 0x80], depth).flatten());
            bytes.extend(std::iter::repeat_n([0, 0], depth + 1).flatten());
            assert_eq!(
                parse_certificate_file(&bytes).unwrap_err(),
                CertError::Invalid("invalid DER: nesting too deep".into()),
                "{depth}"
            );
        }
    }

    #[test]
    fn not_signed_data() {
        // ContentInfo of type data.
        let bytes = [
            0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
        ];
        assert_eq!(
            parse_certificate_file(&bytes).unwrap_err(),
            CertError::Invalid("PKCS#7 content type 1.2.840.113549.1.7.1 is not signedData".into())
        );
    }
}
