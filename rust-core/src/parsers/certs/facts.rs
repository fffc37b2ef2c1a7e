//! Facts of one X.509 certificate: fingerprints, serial, names, validity, key, signature
//! algorithm and the extensions the diagnosis reads (EKU, SAN, Microsoft template,
//! basicConstraints, key identifiers). x509-parser checks the structure; names and
//! extension values are read element by element with asn1-rs ([`super::ber`]) so that
//! their text is certdoctor's own and stable.

use asn1_rs::Tag;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::ber::{self, Element, Id};
use crate::evidence::oids::{oid_text, signature_algorithm_name};
use crate::evidence::{Certificate, KeyAlgorithm, KeyInfo};

/// Decodes one certificate; `der` must be exactly its encoding (trailing bytes are
/// ignored by the caller before this point). The error is a short human reason.
pub fn certificate_from_der(der: &[u8]) -> Result<Certificate, String> {
    let (rest, cert) =
        X509Certificate::from_der(der).map_err(|e| format!("not an X.509 certificate: {e}"))?;
    let der = &der[..der.len() - rest.len()];
    let tbs = &cert.tbs_certificate;
    let subject_der = tbs.subject.as_raw().to_vec();
    let issuer_der = tbs.issuer.as_raw().to_vec();
    let subject = NameAttributes::read(&subject_der);
    let issuer = NameAttributes::read(&issuer_der);

    let mut extended_key_usage = None;
    let mut key_usage = None;
    let mut subject_alt_names = Vec::new();
    let mut template_name: Option<String> = None;
    let mut template_oid: Option<String> = None;
    let mut is_ca = None;
    let mut subject_key_id = None;
    let mut authority_key_id = None;
    for ext in cert.extensions() {
        let oid = ext.oid.to_id_string();
        match oid.as_str() {
            "2.5.29.19" => is_ca = Some(basic_constraints_ca(ext.value)),
            "2.5.29.37" => extended_key_usage = Some(eku_names(ext.value)),
            "2.5.29.15" => key_usage = Some(key_usage_names(ext.value)),
            "2.5.29.17" => subject_alt_names = san_entries(ext.value),
            "2.5.29.14" => {
                subject_key_id = ber::expect(ext.value, Id::OCTET_STRING)
                    .ok()
                    .map(|(t, _)| t.content().to_vec())
            }
            "2.5.29.35" => authority_key_id = aki_key_id(ext.value),
            "1.3.6.1.4.1.311.20.2" => {
                template_name = ber::read(ext.value)
                    .ok()
                    .and_then(|(t, _)| string_value(&t))
            }
            "1.3.6.1.4.1.311.21.7" => template_oid = template_info_oid(ext.value),
            _ => {}
        }
    }
    let template = match (template_name, template_oid) {
        (Some(n), Some(o)) => Some(format!("{n} ({o})")),
        (n, o) => n.or(o),
    };

    Ok(Certificate {
        der: der.to_vec(),
        sha256: hex_upper(&Sha256::digest(der)),
        sha1: hex_upper(&Sha1::digest(der)),
        serial_hex: serial_hex(tbs.raw_serial()),
        subject: subject.text(),
        subject_cn: subject.first_cn(),
        issuer: issuer.text(),
        issuer_cn: issuer.first_cn(),
        subject_der,
        issuer_der,
        not_before: tbs.validity.not_before.to_datetime(),
        not_after: tbs.validity.not_after.to_datetime(),
        key: key_info(
            &tbs.subject_pki.algorithm.algorithm.to_id_string(),
            tbs.subject_pki
                .algorithm
                .parameters
                .as_ref()
                .map(|p| p.data),
            tbs.subject_pki
                .algorithm
                .parameters
                .as_ref()
                .map(|p| p.tag()),
            &tbs.subject_pki.subject_public_key.data,
        ),
        signature_algorithm: signature_algorithm_name(
            &cert.signature_algorithm.algorithm.to_id_string(),
        ),
        extended_key_usage,
        key_usage,
        subject_alt_names,
        template,
        is_ca,
        subject_key_id,
        authority_key_id,
        sources: Vec::new(),
    })
}

/// Serial as `openssl x509 -serial` prints it: uppercase hex of the integer's bytes,
/// leading zero octets removed (at least one octet kept).
pub fn serial_hex(raw: &[u8]) -> String {
    let mut bytes = raw;
    while bytes.len() > 1 && bytes[0] == 0 {
        bytes = &bytes[1..];
    }
    if bytes.is_empty() {
        return "00".to_string();
    }
    hex_upper(bytes)
}

/// Uppercase hex without separators.
fn hex_upper(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

fn key_info(alg_oid: &str, params: Option<&[u8]>, params_tag: Option<Tag>, key: &[u8]) -> KeyInfo {
    match alg_oid {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => KeyInfo {
            algorithm: KeyAlgorithm::Rsa,
            bits: rsa_modulus_bits(key),
        },
        "1.2.840.10045.2.1" => {
            let curve = match (params_tag, params) {
                (Some(Tag::Oid), Some(p)) => oid_text(p),
                _ => None,
            };
            let bits = match curve.as_deref() {
                Some("1.2.840.10045.3.1.7")
                | Some("1.3.132.0.10")
                | Some("1.3.36.3.3.2.8.1.1.7") => Some(256),
                Some("1.3.132.0.34") | Some("1.3.36.3.3.2.8.1.1.11") => Some(384),
                Some("1.3.132.0.35") => Some(521),
                Some("1.3.132.0.33") => Some(224),
                Some("1.2.840.10045.3.1.1") => Some(192),
                Some("1.3.36.3.3.2.8.1.1.13") => Some(512),
                // Unknown or explicit curve: estimate from an uncompressed point.
                _ => match key.first() {
                    Some(4) if key.len() > 1 => u32::try_from((key.len() - 1) / 2 * 8).ok(),
                    _ => None,
                },
            };
            KeyInfo {
                algorithm: KeyAlgorithm::Ec,
                bits,
            }
        }
        "1.3.101.112" => KeyInfo {
            algorithm: KeyAlgorithm::Ed25519,
            bits: Some(256),
        },
        _ => KeyInfo {
            algorithm: KeyAlgorithm::Other,
            bits: None,
        },
    }
}

/// Bits of the modulus of a PKCS#1 RSAPublicKey.
pub fn rsa_modulus_bits(key: &[u8]) -> Option<u32> {
    let (seq, _) = ber::expect(key, Id::SEQUENCE).ok()?;
    let (n, _) = ber::expect(seq.content(), Id::INTEGER).ok()?;
    let mut m = n.content();
    while let Some((0, rest)) = m.split_first() {
        m = rest;
    }
    let first = *m.first()?;
    let bits = (m.len() - 1) * 8 + (8 - first.leading_zeros() as usize);
    u32::try_from(bits).ok()
}

fn basic_constraints_ca(value: &[u8]) -> bool {
    let Ok((seq, _)) = ber::expect(value, Id::SEQUENCE) else {
        return false;
    };
    match ber::read(seq.content()) {
        Ok((t, _)) if t.is(Id::BOOLEAN) => t.content().first().is_some_and(|&b| b != 0),
        _ => false,
    }
}

fn eku_name(oid: &str) -> String {
    let name = match oid {
        "1.3.6.1.5.5.7.3.1" => "server_auth",
        "1.3.6.1.5.5.7.3.2" => "client_auth",
        "1.3.6.1.5.5.7.3.3" => "code_signing",
        "1.3.6.1.5.5.7.3.4" => "email_protection",
        "1.3.6.1.5.5.7.3.8" => "time_stamping",
        "1.3.6.1.5.5.7.3.9" => "ocsp_signing",
        "1.3.6.1.4.1.311.20.2.2" => "smartcard_logon",
        "1.3.6.1.4.1.311.20.2.1" => "certificate_request_agent",
        "2.5.29.37.0" => "any",
        _ => return oid.to_string(),
    };
    name.to_string()
}

/// keyUsage bits in RFC 5280 order (bit 0 is the first octet's high bit).
const KEY_USAGE_BITS: [&str; 9] = [
    "digital_signature",
    "non_repudiation",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
];

fn key_usage_names(value: &[u8]) -> Vec<String> {
    let Ok((bits, _)) = ber::expect(value, Id::BIT_STRING) else {
        return Vec::new();
    };
    // The first content octet counts the unused bits of the last one.
    let octets = bits.content().get(1..).unwrap_or_default();
    KEY_USAGE_BITS
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            octets
                .get(i / 8)
                .is_some_and(|o| o & (0x80 >> (i % 8)) != 0)
        })
        .map(|(_, n)| n.to_string())
        .collect()
}

fn eku_names(value: &[u8]) -> Vec<String> {
    let Ok((seq, _)) = ber::expect(value, Id::SEQUENCE) else {
        return Vec::new();
    };
    ber::children(seq.content())
        .unwrap_or_default()
        .iter()
        .filter_map(Element::oid)
        .map(|o| eku_name(&o))
        .collect()
}

fn aki_key_id(value: &[u8]) -> Option<Vec<u8>> {
    let (seq, _) = ber::expect(value, Id::SEQUENCE).ok()?;
    ber::children(seq.content())
        .ok()?
        .into_iter()
        .find(|t| t.is(Id::context(0, false)))
        .map(|t| t.content().to_vec())
}

fn template_info_oid(value: &[u8]) -> Option<String> {
    let (seq, _) = ber::expect(value, Id::SEQUENCE).ok()?;
    let (oid, _) = ber::expect(seq.content(), Id::OID).ok()?;
    oid.oid()
}

// GeneralName choices (RFC 5280 §4.2.1.6), by their context-specific tags.
const OTHER_NAME: Id = Id::context(0, true);
const RFC822_NAME: Id = Id::context(1, false);
const DNS_NAME: Id = Id::context(2, false);
const DIRECTORY_NAME: Id = Id::context(4, true);
const URI: Id = Id::context(6, false);
const IP_ADDRESS: Id = Id::context(7, false);
const REGISTERED_ID: Id = Id::context(8, false);

fn san_entries(value: &[u8]) -> Vec<String> {
    let Ok((seq, _)) = ber::expect(value, Id::SEQUENCE) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for t in ber::children(seq.content()).unwrap_or_default() {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let c = t.content();
        let entry = match t.id() {
            OTHER_NAME => Some(other_name(c)),
            RFC822_NAME => Some(format!("email:{}", text(c))),
            DNS_NAME => Some(format!("dns:{}", text(c))),
            URI => Some(format!("uri:{}", text(c))),
            IP_ADDRESS => Some(format!("ip:{}", ip_text(c))),
            DIRECTORY_NAME => ber::expect(c, Id::SEQUENCE)
                .ok()
                .map(|(n, _)| format!("dn:{}", name_to_string(n.raw()))),
            REGISTERED_ID => oid_text(c).map(|o| format!("other:{o}")),
            _ => None,
        };
        out.extend(entry);
    }
    out
}

fn other_name(content: &[u8]) -> String {
    let Ok((oid, rest)) = ber::expect(content, Id::OID) else {
        return "other:?".to_string();
    };
    let oid = oid.oid().unwrap_or_else(|| "?".to_string());
    if oid == "1.3.6.1.4.1.311.20.2.3" {
        let upn = ber::expect(rest, Id::context(0, true))
            .ok()
            .and_then(|(explicit, _)| ber::read(explicit.content()).ok())
            .and_then(|(v, _)| string_value(&v));
        if let Some(upn) = upn {
            return format!("upn:{upn}");
        }
    }
    format!("other:{oid}")
}

fn ip_text(b: &[u8]) -> String {
    if let Ok(v4) = <[u8; 4]>::try_from(b) {
        std::net::Ipv4Addr::from(v4).to_string()
    } else if let Ok(v6) = <[u8; 16]>::try_from(b) {
        std::net::Ipv6Addr::from(v6).to_string()
    } else {
        hex_upper(b)
    }
}

/// Text of an ASN.1 string element; `None` when the element is not a (primitive) string.
fn string_value(t: &Element<'_>) -> Option<String> {
    let c = t.content();
    Some(match t.universal_primitive()? {
        Tag::Utf8String
        | Tag::NumericString
        | Tag::PrintableString
        | Tag::Ia5String
        | Tag::VisibleString
        | Tag::GeneralString
        | Tag::GraphicString => String::from_utf8_lossy(c).into_owned(),
        // T61String: treat as Latin-1, which is what it holds in practice.
        Tag::TeletexString => c.iter().map(|&b| char::from(b)).collect(),
        Tag::BmpString => {
            let units: Vec<u16> = c
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        Tag::UniversalString => c
            .chunks_exact(4)
            .map(|p| {
                char::from_u32(u32::from_be_bytes([p[0], p[1], p[2], p[3]])).unwrap_or('\u{fffd}')
            })
            .collect(),
        _ => return None,
    })
}

fn attribute_short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "serialNumber",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "street",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "title",
        "2.5.4.17" => "postalCode",
        "2.5.4.42" => "GN",
        "2.5.4.43" => "initials",
        "2.5.4.44" => "generationQualifier",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.65" => "pseudonym",
        "2.5.4.97" => "organizationIdentifier",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        "1.2.840.113549.1.9.1" => "emailAddress",
        _ => return None,
    })
}

/// The attributes of a Name, read once for both its text and its first CN.
struct NameAttributes {
    /// RDNs in encoded order, each its (attribute OID, value text) pairs.
    rdns: Vec<Vec<(String, String)>>,
}

impl NameAttributes {
    fn read(name_der: &[u8]) -> NameAttributes {
        let Ok((seq, _)) = ber::expect(name_der, Id::SEQUENCE) else {
            return NameAttributes { rdns: Vec::new() };
        };
        let mut rdns = Vec::new();
        for set in ber::children(seq.content()).unwrap_or_default() {
            let mut attrs = Vec::new();
            for atv in ber::children(set.content()).unwrap_or_default() {
                let Ok((oid, rest)) = ber::expect(atv.content(), Id::OID) else {
                    continue;
                };
                let oid = oid.oid().unwrap_or_else(|| "?".to_string());
                let value = match ber::read(rest) {
                    Ok((v, _)) => {
                        string_value(&v).unwrap_or_else(|| format!("#{}", hex_upper(v.raw())))
                    }
                    Err(_) => String::new(),
                };
                attrs.push((oid, value));
            }
            rdns.push(attrs);
        }
        NameAttributes { rdns }
    }

    /// `CN=…, O=…` in encoded order; multi-valued RDNs joined with ` + `.
    fn text(&self) -> String {
        self.rdns
            .iter()
            .map(|rdn| {
                rdn.iter()
                    .map(|(oid, v)| format!("{}={}", attribute_short_name(oid).unwrap_or(oid), v))
                    .collect::<Vec<_>>()
                    .join(" + ")
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The first commonName, in encoded order.
    fn first_cn(&self) -> Option<String> {
        self.rdns
            .iter()
            .flatten()
            .find(|(oid, _)| oid == "2.5.4.3")
            .map(|(_, v)| v.clone())
    }
}

/// `CN=…, O=…` in encoded order; multi-valued RDNs joined with ` + `.
pub fn name_to_string(name_der: &[u8]) -> String {
    NameAttributes::read(name_der).text()
}

/// The first commonName of a Name, in encoded order.
pub fn first_cn(name_der: &[u8]) -> Option<String> {
    NameAttributes::read(name_der).first_cn()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DER TLV (lengths below 256).
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        match content.len() {
            n @ 0..=0x7f => out.push(n as u8),
            n => out.extend([0x81, u8::try_from(n).expect("short test value")]),
        }
        out.extend_from_slice(content);
        out
    }

    fn oid(content: &[u8]) -> Vec<u8> {
        tlv(0x06, content)
    }

    /// 2.25.329800735698586629295641978511506172918, an arc above 2^64.
    const UUID_OID: &[u8] = &[
        0x69, 0x83, 0xf0, 0x9d, 0xa7, 0xeb, 0xcf, 0xde, 0xe0, 0xc7, 0xa1, 0xa7, 0xb2, 0xc0, 0x94,
        0x8c, 0xc8, 0xf9, 0xd7, 0x76,
    ];

    fn name(rdns: &[Vec<Vec<u8>>]) -> Vec<u8> {
        let sets: Vec<u8> = rdns
            .iter()
            .flat_map(|atvs| tlv(0x31, &atvs.concat()))
            .collect();
        tlv(0x30, &sets)
    }

    fn atv(attr: &[u8], value: Vec<u8>) -> Vec<u8> {
        tlv(0x30, &[oid(attr), value].concat())
    }

    #[test]
    fn subject_alternative_names_of_every_kind() {
        let upn = tlv(
            0xa0,
            &[
                oid(&[0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x14, 0x02, 0x03]),
                tlv(0xa0, &tlv(0x0c, b"jane@example.com")),
            ]
            .concat(),
        );
        let other = tlv(
            0xa0,
            &[oid(&[0x2a, 0x03, 0x04]), tlv(0xa0, &tlv(0x0c, b"x"))].concat(),
        );
        let dir = tlv(
            0xa4,
            &name(&[
                vec![atv(&[0x55, 0x04, 0x03], tlv(0x0c, b"Dir Name"))],
                vec![atv(&[0x55, 0x04, 0x06], tlv(0x13, b"DE"))],
            ]),
        );
        let value = tlv(
            0x30,
            &[
                upn,
                other,
                tlv(0x81, b"a@example.com"),
                tlv(0x82, b"dev.example.com"),
                tlv(0x86, b"urn:x"),
                tlv(0x87, &[10, 0, 0, 1]),
                tlv(0x87, &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
                tlv(0x87, &[10, 0, 0, 1, 255, 255, 255, 0]),
                dir,
                tlv(0x88, &[0x88, 0x37, 0x05]),
                // x400Address [3] is not read.
                tlv(0xa3, &tlv(0x30, &[])),
            ]
            .concat(),
        );
        assert_eq!(
            san_entries(&value),
            vec![
                "upn:jane@example.com",
                "other:1.2.3.4",
                "email:a@example.com",
                "dns:dev.example.com",
                "uri:urn:x",
                "ip:10.0.0.1",
                "ip:::1",
                "ip:0A000001FFFFFF00",
                "dn:CN=Dir Name, C=DE",
                "other:2.999.5",
            ]
        );
        assert_eq!(san_entries(&[0x04, 0x00]), Vec::<String>::new());
        // A cut list keeps nothing, as a list that does not parse.
        assert_eq!(san_entries(&value[..value.len() - 3]), Vec::<String>::new());
    }

    #[test]
    fn extended_key_usages_by_name_or_oid() {
        let value = tlv(
            0x30,
            &[
                oid(&[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02]),
                oid(&[0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x14, 0x02, 0x02]),
                oid(&[0x55, 0x1d, 0x25, 0x00]),
                oid(UUID_OID),
                oid(&[0x88, 0x37, 0x01]),
                // Malformed (ends inside an arc) and not an OID: skipped.
                oid(&[0x2b, 0x86]),
                tlv(0x0c, b"x"),
            ]
            .concat(),
        );
        assert_eq!(
            eku_names(&value),
            vec![
                "client_auth",
                "smartcard_logon",
                "any",
                "2.25.329800735698586629295641978511506172918",
                "2.999.1",
            ]
        );
        // BER: the same list with an indefinite length.
        let mut ber = vec![0x30, 0x80];
        ber.extend(oid(&[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01]));
        ber.extend([0, 0]);
        assert_eq!(eku_names(&ber), vec!["server_auth"]);
        assert_eq!(eku_names(&[0x31, 0x00]), Vec::<String>::new());
    }

    #[test]
    fn basic_constraints_and_key_identifiers() {
        assert!(basic_constraints_ca(&tlv(0x30, &tlv(0x01, &[0xff]))));
        assert!(!basic_constraints_ca(&tlv(0x30, &tlv(0x01, &[0x00]))));
        assert!(!basic_constraints_ca(&tlv(0x30, &[])));
        assert!(!basic_constraints_ca(&tlv(0x30, &tlv(0x02, &[0x01]))));
        assert!(!basic_constraints_ca(&[0x30, 0x03, 0x01]));
        let aki = tlv(
            0x30,
            &[tlv(0x80, &[1, 2, 3, 4, 5]), tlv(0xa1, &[]), tlv(0x82, &[9])].concat(),
        );
        assert_eq!(aki_key_id(&aki), Some(vec![1, 2, 3, 4, 5]));
        assert_eq!(aki_key_id(&tlv(0x30, &tlv(0x82, &[9]))), None);
        assert_eq!(aki_key_id(&[0x30, 0x05, 0x80, 0x05]), None);
    }

    #[test]
    fn template_extensions() {
        let info = tlv(
            0x30,
            &[
                oid(&[
                    0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x15, 0x08, 0x01, 0x02,
                ]),
                tlv(0x02, &[100]),
            ]
            .concat(),
        );
        assert_eq!(
            template_info_oid(&info).as_deref(),
            Some("1.3.6.1.4.1.311.21.8.1.2")
        );
        assert_eq!(template_info_oid(&tlv(0x30, &tlv(0x02, &[1]))), None);
        let bmp: Vec<u8> = "User".encode_utf16().flat_map(u16::to_be_bytes).collect();
        let element = tlv(0x1e, &bmp);
        let (t, _) = ber::read(&element).unwrap();
        assert_eq!(string_value(&t).as_deref(), Some("User"));
    }

    #[test]
    fn names_in_every_string_type() {
        let n = name(&[
            vec![atv(&[0x55, 0x04, 0x0a], tlv(0x14, &[b'C', 0xe9, b'r']))],
            vec![
                atv(&[0x55, 0x04, 0x0b], tlv(0x13, b"a")),
                atv(&[0x55, 0x04, 0x0b], tlv(0x16, b"b")),
            ],
            vec![atv(
                &[0x55, 0x04, 0x07],
                tlv(0x1c, &[0, 0, 0, b'L', 0, 0x01, 0xf6, 0x00]),
            )],
            vec![atv(&[0x55, 0x04, 0x03], tlv(0x1e, &[0, b'C', 0, b'N']))],
            vec![atv(&[0x2a, 0x03], tlv(0x02, &[0x05]))],
            vec![atv(&[0x55, 0x04, 0x03], tlv(0x0c, b"second"))],
        ]);
        assert_eq!(
            name_to_string(&n),
            "O=C\u{e9}r, OU=a + OU=b, L=L\u{1f600}, CN=CN, 1.2.3=#020105, CN=second"
        );
        assert_eq!(first_cn(&n).as_deref(), Some("CN"));
        assert_eq!(first_cn(&name(&[])), None);
        assert_eq!(name_to_string(&[0x31, 0x00]), "");
    }

    #[test]
    fn serial_and_modulus() {
        assert_eq!(serial_hex(&[0x00, 0x8f, 0x01, 0x02]), "8F0102");
        assert_eq!(serial_hex(&[0x00, 0x00]), "00");
        assert_eq!(serial_hex(&[]), "00");
        let key = tlv(
            0x30,
            &[tlv(0x02, &[0x00, 0x80, 0x00, 0x01]), tlv(0x02, &[1, 0, 1])].concat(),
        );
        assert_eq!(rsa_modulus_bits(&key), Some(24));
        assert_eq!(rsa_modulus_bits(&tlv(0x30, &tlv(0x02, &[0x00]))), None);
        assert_eq!(rsa_modulus_bits(&tlv(0x31, &[])), None);
    }
}
