//! Certificate files: DER, PEM (many blocks, junk around them), PKCS#7 certs-only (DER,
//! PEM, BER indefinite lengths) → [`Certificate`] facts.

pub(crate) mod der;
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
    let (top, _) = match der::read(bytes) {
        Ok(t) => t,
        Err(e @ der::DerError::Truncated { .. }) => return Err(format!("truncated DER: {e}")),
        Err(e) => return Err(format!("invalid DER: {e}")),
    };
    if top.tag != der::TAG_SEQUENCE {
        return Err(format!(
            "invalid DER: starts with tag 0x{:02X}, not a SEQUENCE",
            top.tag
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
    let cert = facts::certificate_from_der(top.raw)?;
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
