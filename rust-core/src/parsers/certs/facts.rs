//! Facts of one X.509 certificate: fingerprints, serial, names, validity, key, signature
//! algorithm and the extensions the diagnosis reads (EKU, SAN, Microsoft template,
//! basicConstraints, key identifiers). x509-parser checks the structure; names and
//! extension values are read with the crate's own TLV walker so their text is stable.

use sha1::Sha1;
use sha2::{Digest, Sha256};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::der::{self, Tlv};
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
                subject_key_id = der::expect(ext.value, der::TAG_OCTET_STRING)
                    .ok()
                    .map(|(t, _)| t.content.to_vec())
            }
            "2.5.29.35" => authority_key_id = aki_key_id(ext.value),
            "1.3.6.1.4.1.311.20.2" => {
                template_name = der::read(ext.value)
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
        sha256: der::hex_upper(&Sha256::digest(der)),
        sha1: der::hex_upper(&Sha1::digest(der)),
        serial_hex: serial_hex(tbs.raw_serial()),
        subject: name_to_string(&subject_der),
        subject_cn: first_cn(&subject_der),
        issuer: name_to_string(&issuer_der),
        issuer_cn: first_cn(&issuer_der),
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
                .map(|p| p.tag().0),
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
    der::hex_upper(bytes)
}

/// Contract name of a signature algorithm OID, or the dotted OID.
pub fn signature_algorithm_name(oid: &str) -> String {
    let name = match oid {
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.3.14.3.2.29" => "sha1WithRSA",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "ED25519",
        "1.3.101.113" => "ED448",
        "1.2.840.10040.4.3" => "dsaWithSHA1",
        "2.16.840.1.101.3.4.3.2" => "dsa_with_SHA256",
        _ => return oid.to_string(),
    };
    name.to_string()
}

fn key_info(alg_oid: &str, params: Option<&[u8]>, params_tag: Option<u32>, key: &[u8]) -> KeyInfo {
    match alg_oid {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => KeyInfo {
            algorithm: KeyAlgorithm::Rsa,
            bits: rsa_modulus_bits(key),
        },
        "1.2.840.10045.2.1" => {
            let curve = match (params_tag, params) {
                (Some(6), Some(p)) => der::oid_to_string(p),
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
    let (seq, _) = der::expect(key, der::TAG_SEQUENCE).ok()?;
    let (n, _) = der::expect(seq.content, der::TAG_INTEGER).ok()?;
    let mut m = n.content;
    while let Some((0, rest)) = m.split_first() {
        m = rest;
    }
    let first = *m.first()?;
    let bits = (m.len() - 1) * 8 + (8 - first.leading_zeros() as usize);
    u32::try_from(bits).ok()
}

fn basic_constraints_ca(value: &[u8]) -> bool {
    let Ok((seq, _)) = der::expect(value, der::TAG_SEQUENCE) else {
        return false;
    };
    match der::read(seq.content) {
        Ok((t, _)) if t.tag == der::TAG_BOOLEAN => t.content.first().is_some_and(|&b| b != 0),
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
    let Ok((bits, _)) = der::expect(value, 0x03) else {
        return Vec::new();
    };
    let octets = bits.content.get(1..).unwrap_or_default();
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
    let Ok((seq, _)) = der::expect(value, der::TAG_SEQUENCE) else {
        return Vec::new();
    };
    der::children(seq.content)
        .unwrap_or_default()
        .iter()
        .filter(|t| t.tag == der::TAG_OID)
        .filter_map(|t| der::oid_to_string(t.content))
        .map(|o| eku_name(&o))
        .collect()
}

fn aki_key_id(value: &[u8]) -> Option<Vec<u8>> {
    let (seq, _) = der::expect(value, der::TAG_SEQUENCE).ok()?;
    der::children(seq.content)
        .ok()?
        .into_iter()
        .find(|t| t.tag == 0x80)
        .map(|t| t.content.to_vec())
}

fn template_info_oid(value: &[u8]) -> Option<String> {
    let (seq, _) = der::expect(value, der::TAG_SEQUENCE).ok()?;
    let (oid, _) = der::expect(seq.content, der::TAG_OID).ok()?;
    der::oid_to_string(oid.content)
}

fn san_entries(value: &[u8]) -> Vec<String> {
    let Ok((seq, _)) = der::expect(value, der::TAG_SEQUENCE) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for t in der::children(seq.content).unwrap_or_default() {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let entry = match t.tag {
            0xa0 => Some(other_name(t.content)),
            0x81 => Some(format!("email:{}", text(t.content))),
            0x82 => Some(format!("dns:{}", text(t.content))),
            0x86 => Some(format!("uri:{}", text(t.content))),
            0x87 => Some(format!("ip:{}", ip_text(t.content))),
            0xa4 => der::expect(t.content, der::TAG_SEQUENCE)
                .ok()
                .map(|(n, _)| format!("dn:{}", name_to_string(n.raw))),
            0x88 => der::oid_to_string(t.content).map(|o| format!("other:{o}")),
            _ => None,
        };
        out.extend(entry);
    }
    out
}

fn other_name(content: &[u8]) -> String {
    let Ok((oid, rest)) = der::expect(content, der::TAG_OID) else {
        return "other:?".to_string();
    };
    let oid = der::oid_to_string(oid.content).unwrap_or_else(|| "?".to_string());
    if oid == "1.3.6.1.4.1.311.20.2.3" {
        let upn = der::expect(rest, 0xa0)
            .ok()
            .and_then(|(explicit, _)| der::read(explicit.content).ok())
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
        der::hex_upper(b)
    }
}

/// Text of an ASN.1 string element; `None` when the tag is not a string type.
fn string_value(t: &Tlv<'_>) -> Option<String> {
    let c = t.content;
    Some(match t.tag {
        0x0c | 0x12 | 0x13 | 0x16 | 0x1a | 0x1b | 0x19 => String::from_utf8_lossy(c).into_owned(),
        // T61String: treat as Latin-1, which is what it holds in practice.
        0x14 => c.iter().map(|&b| char::from(b)).collect(),
        0x1e => {
            let units: Vec<u16> = c
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        0x1c => c
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

/// Attributes of a Name's DER, in encoded order: (attribute OID, value text).
fn name_attributes(name_der: &[u8]) -> Vec<Vec<(String, String)>> {
    let Ok((seq, _)) = der::expect(name_der, der::TAG_SEQUENCE) else {
        return Vec::new();
    };
    let mut rdns = Vec::new();
    for set in der::children(seq.content).unwrap_or_default() {
        let mut attrs = Vec::new();
        for atv in der::children(set.content).unwrap_or_default() {
            let Ok((oid, rest)) = der::expect(atv.content, der::TAG_OID) else {
                continue;
            };
            let oid = der::oid_to_string(oid.content).unwrap_or_else(|| "?".to_string());
            let value = match der::read(rest) {
                Ok((v, _)) => {
                    string_value(&v).unwrap_or_else(|| format!("#{}", der::hex_upper(v.raw)))
                }
                Err(_) => String::new(),
            };
            attrs.push((oid, value));
        }
        rdns.push(attrs);
    }
    rdns
}

/// `CN=…, O=…` in encoded order; multi-valued RDNs joined with ` + `.
pub fn name_to_string(name_der: &[u8]) -> String {
    name_attributes(name_der)
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

/// The first commonName of a Name, in encoded order.
pub fn first_cn(name_der: &[u8]) -> Option<String> {
    name_attributes(name_der)
        .into_iter()
        .flatten()
        .find(|(oid, _)| oid == "2.5.4.3")
        .map(|(_, v)| v)
}
