//! Recognising certificate files and PKCS#7 envelopes from their first bytes: a DER
//! SEQUENCE (a certificate, or a ContentInfo of type signedData) or PEM armour; and from
//! a name with a certificate extension when the content says nothing, so that a broken
//! `.cer` is reported as an error rather than ignored.

use crate::contract::InputKind;
use crate::input::Head;
use crate::limits;
use crate::parsers::{InputFormat, InputPath, NameClaim, Reader, Signal};

/// Names that promise a certificate or PKCS#7 file.
const CERT_EXTENSIONS: [&str; 6] = [".cer", ".crt", ".der", ".pem", ".p7b", ".p7c"];

/// DER of the OID 1.2.840.113549.1.7.2 (PKCS#7 signedData).
const SIGNED_DATA_OID: [u8; 11] = [
    0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02,
];

/// DER or PEM certificates, one or many.
pub struct CertificateFormat;

/// PKCS#7 certs-only envelopes (`.p7b`, a SCEP GetCACert reply), DER, BER or PEM.
pub struct Pkcs7Format;

impl InputFormat for CertificateFormat {
    fn name(&self) -> &'static str {
        "certificate"
    }

    fn kind(&self) -> InputKind {
        InputKind::Certificate
    }

    fn recognise(&self, head: &Head<'_>) -> Option<Signal> {
        recognise(head, InputKind::Certificate)
    }

    fn claim_by_name(&self, lower_name: &str) -> Option<NameClaim> {
        CERT_EXTENSIONS
            .iter()
            .any(|e| lower_name.ends_with(e))
            .then_some(NameClaim::ReadAnyway)
    }

    fn reader(&self, _path: InputPath) -> Reader {
        Reader::Certificates
    }
}

impl InputFormat for Pkcs7Format {
    fn name(&self) -> &'static str {
        "pkcs7"
    }

    fn kind(&self) -> InputKind {
        InputKind::Pkcs7
    }

    fn recognise(&self, head: &Head<'_>) -> Option<Signal> {
        recognise(head, InputKind::Pkcs7)
    }

    fn reader(&self, _path: InputPath) -> Reader {
        Reader::Certificates
    }
}

/// `Binary` when the DER says `kind`, `Structure` when the PEM armour does.
fn recognise(head: &Head<'_>, kind: InputKind) -> Option<Signal> {
    if der_kind(head.bytes, head.complete) == Some(kind) {
        Some(Signal::Binary)
    } else if pem_kind(&head.text) == Some(kind) {
        Some(Signal::Structure)
    } else {
        None
    }
}

fn pem_kind(text: &str) -> Option<InputKind> {
    for armour in [
        "-----BEGIN CERTIFICATE",
        "-----BEGIN X509 CERTIFICATE",
        "-----BEGIN TRUSTED CERTIFICATE",
    ] {
        if text.contains(armour) {
            return Some(InputKind::Certificate);
        }
    }
    if text.contains("-----BEGIN PKCS7") {
        return Some(InputKind::Pkcs7);
    }
    None
}

/// A DER SEQUENCE with a long-form (or indefinite) length whose first element is a
/// SEQUENCE (certificate) or an OID (PKCS#7 ContentInfo).
fn der_kind(head: &[u8], complete: bool) -> Option<InputKind> {
    if head.len() < 4 || head[0] != 0x30 {
        return None;
    }
    let (len, hdr) = match head[1] {
        0x80 => (None, 2),
        n @ 0x81..=0x84 => {
            let k = (n - 0x80) as usize;
            let bytes = head.get(2..2 + k)?;
            let v = bytes.iter().fold(0usize, |acc, &b| (acc << 8) | b as usize);
            (Some(v), 2 + k)
        }
        _ => return None,
    };
    let inner = *head.get(hdr)?;
    if inner != 0x30 && inner != 0x06 {
        return None;
    }
    if let Some(len) = len {
        if !(64..=limits::MAX_CERT_FILE_BYTES).contains(&len) {
            return None;
        }
        if complete && hdr + len > head.len() {
            return None;
        }
    }
    let window = &head[..head.len().min(40)];
    if window
        .windows(SIGNED_DATA_OID.len())
        .any(|w| w == SIGNED_DATA_OID)
    {
        Some(InputKind::Pkcs7)
    } else if inner == 0x30 {
        Some(InputKind::Certificate)
    } else {
        None
    }
}
