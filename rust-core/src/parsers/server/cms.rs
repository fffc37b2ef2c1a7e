//! Correlation keys inside a SCEP PKIOperation message (a CMS SignedData, base64 in the
//! `message=` of a GET): the transactionID signed attribute (OID
//! 2.16.840.1.113733.1.9.7, RFC 8894) and the subject of the signer's self-signed
//! certificate. Both sit outside the encrypted envelope, so no key is needed. Nothing is
//! verified: these are lookup keys, never trust decisions.
//!
//! The message is walked field by field with asn1-rs (DER or BER). A message cut short (a
//! query string truncated in the log) still gives the keys that lie before the cut.

use asn1_rs::{Any, Class, FromBer, Header, Length, Tag};

/// What a PKIOperation message tells about its request.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ScepKeys {
    pub transaction_id: Option<String>,
    pub subject_cn: Option<String>,
}

/// Content octets of OID 1.2.840.113549.1.7.2, signedData.
const SIGNED_DATA_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];

/// Content octets of OID 2.16.840.1.113733.1.9.7, the SCEP transactionID attribute.
const TRANSACTION_ID_OID: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x86, 0xf8, 0x45, 0x01, 0x09, 0x07];

/// Longest transactionID kept, in bytes.
const MAX_TRANSACTION_ID: usize = 128;

/// One element of a content that may be cut short.
struct Part<'a> {
    header: Header<'a>,
    /// The content octets, or as many of them as the input holds.
    content: &'a [u8],
    /// The whole encoding, or what the input holds of it.
    raw: &'a [u8],
    /// False when the input ends inside the element.
    complete: bool,
}

impl Part<'_> {
    fn is(&self, class: Class, constructed: bool, tag: Tag) -> bool {
        self.header.class() == class
            && self.header.is_constructed() == constructed
            && self.header.tag() == tag
    }

    fn is_universal(&self, tag: Tag) -> bool {
        self.is(
            Class::Universal,
            matches!(tag, Tag::Sequence | Tag::Set),
            tag,
        )
    }

    /// `[0]`, constructed: an explicit content, implicit certificates, signed attributes.
    fn is_context_0(&self) -> bool {
        self.is(Class::ContextSpecific, true, Tag(0))
    }
}

/// The elements of `content` in order; the last one may be cut short. Stops at an
/// end-of-contents marker or a header that cannot be read.
fn parts(content: &[u8]) -> impl Iterator<Item = Part<'_>> {
    let mut rest = content;
    std::iter::from_fn(move || {
        let start = rest;
        let (after, header) = Header::from_ber(start).ok()?;
        if header.class() == Class::Universal && header.tag() == Tag::EndOfContent {
            rest = &[];
            return None;
        }
        let (content, next, complete) = match header.length() {
            Length::Definite(n) if n <= after.len() => (&after[..n], &after[n..], true),
            Length::Indefinite => match Any::from_ber(start) {
                Ok((next, any)) => (any.data, next, true),
                Err(_) => (after, &[][..], false),
            },
            Length::Definite(_) => (after, &[][..], false),
        };
        rest = next;
        Some(Part {
            header,
            content,
            raw: &start[..start.len() - next.len()],
            complete,
        })
    })
}

/// The fields of the SignedData of a ContentInfo.
fn signed_data(der: &[u8]) -> Option<impl Iterator<Item = Part<'_>>> {
    let content_info = parts(der)
        .next()
        .filter(|p| p.is_universal(Tag::Sequence))?;
    let mut fields = parts(content_info.content);
    let content_type = fields.next().filter(|p| p.is_universal(Tag::Oid))?;
    if content_type.content != SIGNED_DATA_OID {
        return None;
    }
    let explicit = fields.next().filter(Part::is_context_0)?;
    let signed = parts(explicit.content)
        .next()
        .filter(|p| p.is_universal(Tag::Sequence))?;
    Some(parts(signed.content))
}

/// Standard base64 (URL-safe characters and whitespace tolerated; a space stands for `+`).
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' | b' ' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            b'\r' | b'\n' | b'\t' => continue,
            _ => return None,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// The transactionID signed attribute of the first signer that has one: the first value of
/// the attribute's SET, a PrintableString, UTF8String, IA5String or OCTET STRING of UTF-8
/// text, trimmed, at most 128 bytes.
pub fn transaction_id(der: &[u8]) -> Option<String> {
    // version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos
    let signer_infos = signed_data(der)?
        .skip(3)
        .find(|p| p.is_universal(Tag::Set))?;
    parts(signer_infos.content)
        .filter(|p| p.is_universal(Tag::Sequence))
        .find_map(|signer| {
            // version, sid, digestAlgorithm, [0] signedAttrs
            let attrs = parts(signer.content).nth(3).filter(Part::is_context_0)?;
            parts(attrs.content).find_map(|attr| attribute_transaction_id(&attr))
        })
}

fn attribute_transaction_id(attr: &Part<'_>) -> Option<String> {
    let mut fields = parts(attr.content);
    let oid = fields.next().filter(|p| p.is_universal(Tag::Oid))?;
    if oid.content != TRANSACTION_ID_OID {
        return None;
    }
    let values = fields.next().filter(|p| p.is_universal(Tag::Set))?;
    let value = parts(values.content).next().filter(|v| {
        v.complete
            && [
                Tag::PrintableString,
                Tag::Utf8String,
                Tag::Ia5String,
                Tag::OctetString,
            ]
            .iter()
            .any(|&t| v.is_universal(t))
    })?;
    let s = std::str::from_utf8(value.content).ok()?.trim().to_string();
    (!s.is_empty() && s.len() <= MAX_TRANSACTION_ID).then_some(s)
}

/// The subject CN of the first certificate of the SignedData that has one (the signer's
/// self-signed certificate).
pub fn signer_subject_cn(der: &[u8]) -> Option<String> {
    // certificates [0] IMPLICIT, after version, digestAlgorithms and encapContentInfo.
    let certificates = signed_data(der)?.nth(3).filter(Part::is_context_0)?;
    parts(certificates.content)
        .filter(|p| p.complete && p.is_universal(Tag::Sequence))
        .find_map(|p| {
            let (_, cert) = x509_parser::parse_x509_certificate(p.raw).ok()?;
            cert.subject()
                .iter_common_name()
                .next()
                .and_then(|a| a.as_str().ok())
                .map(str::to_string)
        })
}

/// Keys from the base64 text of a `message=` parameter; empty when it does not decode.
pub fn scep_keys_from_base64(b64: &str) -> ScepKeys {
    match base64_decode(b64) {
        Some(der) if der.first() == Some(&0x30) => ScepKeys {
            transaction_id: transaction_id(&der),
            subject_cn: signer_subject_cn(&der),
        },
        _ => ScepKeys::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_base64_gives_no_keys() {
        assert_eq!(
            scep_keys_from_base64("MIIKNwYJKoZIhvcNAQcCoIIKKDCCCiQCAQEx"),
            ScepKeys::default()
        );
        assert_eq!(scep_keys_from_base64("%%%"), ScepKeys::default());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            let _ = transaction_id(&bytes);
            let _ = signer_subject_cn(&bytes);
            let mut der = bytes.clone();
            der.splice(0..0, TRANSACTION_ID_OID.iter().copied());
            let _ = transaction_id(&der);
        }
    }

    /// DER TLV with a definite length, or (`indefinite`) BER with an end-of-contents.
    fn tlv(tag: u8, content: &[u8], indefinite: bool) -> Vec<u8> {
        let mut out = vec![tag];
        if indefinite {
            out.push(0x80);
            out.extend_from_slice(content);
            out.extend([0, 0]);
            return out;
        }
        match content.len() {
            n @ 0..=0x7f => out.push(n as u8),
            n @ 0x80..=0xff => out.extend([0x81, n as u8]),
            n => out.extend([0x82, (n >> 8) as u8, n as u8]),
        }
        out.extend_from_slice(content);
        out
    }

    /// A PKIOperation-shaped ContentInfo: one signer whose signed attributes are
    /// messageType and `attr` (an Attribute SEQUENCE), then a signature.
    fn pki_operation(certificates: &[u8], attr: &[u8], indefinite: bool) -> Vec<u8> {
        let def = |tag, c: &[u8]| tlv(tag, c, false);
        let con = |tag, c: &[u8]| tlv(tag, c, indefinite);
        let oid = |c: &[u8]| def(0x06, c);
        let message_type = def(
            0x30,
            &[
                oid(&[0x60, 0x86, 0x48, 0x01, 0x86, 0xf8, 0x45, 0x01, 0x09, 0x02]),
                def(0x31, &def(0x13, b"19")),
            ]
            .concat(),
        );
        let sha256 = def(
            0x30,
            &oid(&[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01]),
        );
        let signer = con(
            0x30,
            &[
                def(0x02, &[1]),
                def(0x30, &[def(0x30, &[]), def(0x02, &[1])].concat()),
                sha256.clone(),
                con(0xa0, &[message_type, attr.to_vec()].concat()),
                sha256.clone(),
                def(0x04, &[0x5a; 64]),
            ]
            .concat(),
        );
        let mut signed = [
            def(0x02, &[1]),
            def(0x31, &sha256),
            con(
                0x30,
                &oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]),
            ),
        ]
        .concat();
        if !certificates.is_empty() {
            signed.extend(con(0xa0, certificates));
        }
        signed.extend(con(0x31, &signer));
        con(
            0x30,
            &[oid(SIGNED_DATA_OID), con(0xa0, &con(0x30, &signed))].concat(),
        )
    }

    fn transaction_id_attribute(value: &[u8]) -> Vec<u8> {
        let set = tlv(0x31, value, false);
        tlv(
            0x30,
            &[tlv(0x06, TRANSACTION_ID_OID, false), set].concat(),
            false,
        )
    }

    fn fixture_certificate() -> Vec<u8> {
        use base64::Engine as _;
        let pem = include_str!("../../../../tests/fixtures/certs/openssl-root.pem");
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .expect("fixture PEM")
    }

    #[test]
    fn finds_transaction_id_attribute() {
        for indefinite in [false, true] {
            let attr = transaction_id_attribute(&tlv(0x13, b" ABCD ", false));
            let der = pki_operation(&[], &attr, indefinite);
            assert_eq!(
                transaction_id(&der).as_deref(),
                Some("ABCD"),
                "{indefinite}"
            );
            assert_eq!(signer_subject_cn(&der), None);
            for tag in [0x0c, 0x16, 0x04] {
                let attr = transaction_id_attribute(&tlv(tag, b"7c3e", false));
                let der = pki_operation(&[], &attr, indefinite);
                assert_eq!(transaction_id(&der).as_deref(), Some("7c3e"), "{tag}");
            }
        }
    }

    #[test]
    fn transaction_id_values_that_are_not_kept() {
        for value in [
            // Not a string type.
            tlv(0x02, &[1, 2, 3], false),
            // Blank, too long, not UTF-8.
            tlv(0x13, b"   ", false),
            tlv(0x13, &[b'a'; 129], false),
            tlv(0x0c, &[0xff, 0xfe], false),
            // No value at all.
            Vec::new(),
        ] {
            let der = pki_operation(&[], &transaction_id_attribute(&value), false);
            assert_eq!(transaction_id(&der), None, "{value:02x?}");
        }
        // The OID outside a signer's signed attributes is not the attribute.
        let mut der = vec![0x30, 0x20];
        der.extend(tlv(0x06, TRANSACTION_ID_OID, false));
        der.extend_from_slice(&[0x31, 0x06, 0x13, 0x04, b'A', b'B', b'C', b'D']);
        assert_eq!(transaction_id(&der), None);
    }

    #[test]
    fn signer_certificate_common_name() {
        let cert = fixture_certificate();
        let attr = transaction_id_attribute(&tlv(0x13, b"ABCD", false));
        for indefinite in [false, true] {
            let der = pki_operation(&cert, &attr, indefinite);
            let keys = ScepKeys {
                transaction_id: transaction_id(&der),
                subject_cn: signer_subject_cn(&der),
            };
            assert_eq!(keys.transaction_id.as_deref(), Some("ABCD"));
            assert_eq!(
                keys.subject_cn.as_deref(),
                Some("certdoctor Fixture RSA Root"),
                "{indefinite}"
            );
        }
    }

    #[test]
    fn a_message_cut_short_keeps_the_keys_before_the_cut() {
        let cert = fixture_certificate();
        let attr = transaction_id_attribute(&tlv(0x13, b"ABCD", false));
        let der = pki_operation(&cert, &attr, false);
        // Cut inside the signature: both keys precede it.
        let cut = &der[..der.len() - 10];
        assert_eq!(transaction_id(cut).as_deref(), Some("ABCD"));
        assert_eq!(
            signer_subject_cn(cut).as_deref(),
            Some("certdoctor Fixture RSA Root")
        );
        // Cut inside the transactionID value: the certificate is still whole.
        let at = memchr::memmem::find(&der, b"ABCD").expect("value") + 2;
        assert_eq!(transaction_id(&der[..at]), None);
        assert_eq!(
            signer_subject_cn(&der[..at]).as_deref(),
            Some("certdoctor Fixture RSA Root")
        );
        // Cut inside the certificate: nothing.
        let inside = memchr::memmem::find(&der, &cert[..40]).expect("certificate") + 100;
        assert_eq!(
            (
                transaction_id(&der[..inside]),
                signer_subject_cn(&der[..inside])
            ),
            (None, None)
        );
        for end in 0..der.len() {
            let _ = (transaction_id(&der[..end]), signer_subject_cn(&der[..end]));
        }
    }
}
