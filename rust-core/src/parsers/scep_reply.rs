//! SCEP reply bodies of a probe: a `GetCACaps` reply (capability keywords, one per line,
//! RFC 8894 § 3.5.2) and a `GetCACert` reply (a single DER certificate,
//! `application/x-x509-ca-cert`, or a PKCS#7 certs-only holding the CA and RA certificates,
//! `application/x-x509-ca-ra-cert`, RFC 8894 § 4.2.1). Reads, never decides: what a body
//! is goes back as evidence.

use crate::evidence::Certificate;
use crate::evidence::probe::ReplyProblem;
use crate::limits;

use super::certs::{CertError, parse_certificate_file};

/// Characters of a first line quoted in a problem.
const QUOTE_CHARS: usize = 80;

/// What a body that is not the reply looks like, when it looks like something common.
fn common_problem(body: &[u8], truncated: bool) -> Option<ReplyProblem> {
    if truncated {
        return Some(ReplyProblem::TooLarge {
            limit: limits::MAX_PROBE_BODY_BYTES,
        });
    }
    let text = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if text.iter().all(|b| b.is_ascii_whitespace()) {
        return Some(ReplyProblem::Empty);
    }
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let head = String::from_utf8_lossy(&text[start..text.len().min(start + 4096)]);
    let lower = head.to_ascii_lowercase();
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") || lower.contains("<body")
    {
        return Some(ReplyProblem::Html {
            title: html_title(&head),
        });
    }
    None
}

fn html_title(head: &str) -> Option<String> {
    let lower = head.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    let title = head[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!title.is_empty()).then(|| limits::clip(&title, QUOTE_CHARS))
}

/// The capability keywords of a `GetCACaps` reply, as written, in order.
pub fn read_capabilities(body: &[u8], truncated: bool) -> Result<Vec<String>, ReplyProblem> {
    if let Some(p) = common_problem(body, truncated) {
        return Err(p);
    }
    let text = String::from_utf8_lossy(body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body));
    let mut caps: Vec<String> = Vec::new();
    for line in text.lines() {
        let word = line.trim();
        if word.is_empty() {
            continue;
        }
        let keyword = word.len() <= 64
            && word
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !keyword {
            return Err(ReplyProblem::NotCapabilities {
                first_line: limits::clip(word, QUOTE_CHARS),
            });
        }
        if !caps.iter().any(|c| c.eq_ignore_ascii_case(word)) {
            caps.push(word.to_string());
        }
    }
    Ok(caps)
}

/// The certificates of a `GetCACert` reply and whether they came in a PKCS#7.
pub fn read_ca_certificates(
    body: &[u8],
    truncated: bool,
) -> Result<(bool, Vec<Certificate>), ReplyProblem> {
    if let Some(p) = common_problem(body, truncated) {
        return Err(p);
    }
    match parse_certificate_file(body) {
        Ok(file) => Ok((
            file.kind == crate::contract::InputKind::Pkcs7,
            file.certificates,
        )),
        Err(CertError::Empty) => Err(ReplyProblem::Empty),
        Err(CertError::Invalid(reason)) => Err(ReplyProblem::NotCertificates { reason }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_of_ndes_and_problems() {
        let ndes = b"POSTPKIOperation\r\nRenewal\r\nSHA-512\r\nSHA-256\r\nSHA-1\r\nDES3\r\n";
        assert_eq!(
            read_capabilities(ndes, false).unwrap(),
            vec![
                "POSTPKIOperation",
                "Renewal",
                "SHA-512",
                "SHA-256",
                "SHA-1",
                "DES3"
            ]
        );
        assert_eq!(read_capabilities(b"\r\n", false), Err(ReplyProblem::Empty));
        assert_eq!(
            read_capabilities(b"<html><head><title>403 - Forbidden</title></head>", false),
            Err(ReplyProblem::Html {
                title: Some("403 - Forbidden".into())
            })
        );
        assert_eq!(
            read_capabilities(b"AES\nnot a keyword", false),
            Err(ReplyProblem::NotCapabilities {
                first_line: "not a keyword".into()
            })
        );
        assert_eq!(
            read_capabilities(b"AES", true),
            Err(ReplyProblem::TooLarge {
                limit: limits::MAX_PROBE_BODY_BYTES
            })
        );
    }

    #[test]
    fn ca_certificates_from_pkcs7_der_and_junk() {
        let p7 = include_bytes!("../../../tests/fixtures/certs/openssl-bundle.p7b");
        let (pkcs7, certs) = read_ca_certificates(p7, false).unwrap();
        assert!(pkcs7);
        assert_eq!(certs.len(), 3);
        let one = certs[0].der.clone();
        let (pkcs7, certs) = read_ca_certificates(&one, false).unwrap();
        assert!(!pkcs7);
        assert_eq!(certs.len(), 1);
        assert!(matches!(
            read_ca_certificates(b"<!DOCTYPE html><html><body>Error</body></html>", false),
            Err(ReplyProblem::Html { title: None })
        ));
        assert!(matches!(
            read_ca_certificates(b"\x01\x02garbage", false),
            Err(ReplyProblem::NotCertificates { .. })
        ));
    }
}
