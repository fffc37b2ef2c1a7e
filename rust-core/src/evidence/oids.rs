//! Object identifiers as certdoctor writes them, shared by the certificate parsers and the
//! chain verifier (which must not import the parsers): the dotted text of an OID's content
//! octets and the contract names of signature algorithms.

/// Longest OID content read, in octets.
const MAX_OID_OCTETS: usize = 128;

/// Dotted text of an OBJECT IDENTIFIER's content octets (X.690 §8.19): every arc in
/// decimal; the first sub-identifier, itself base-128 like the others, gives the first two
/// arcs (below 40 → `0.x`, below 80 → `1.x`, else `2.x` for any x). `None` when the octets
/// are empty, longer than 128, end inside a sub-identifier, or hold one above 2^128.
///
/// The text of asn1-rs (`Oid::to_id_string`) is not used for what reports show: it splits
/// only the first octet into two arcs (`2.999`, octets `88 37`, would read `3.16.55`) and,
/// without its `bigint` feature, writes an OID with an arc above 2^64 (a `2.25` UUID OID) as
/// hex octets.
pub fn oid_text(content: &[u8]) -> Option<String> {
    if content.is_empty() || content.len() > MAX_OID_OCTETS {
        return None;
    }
    let mut arcs: Vec<u128> = Vec::new();
    let mut value: u128 = 0;
    for (i, &octet) in content.iter().enumerate() {
        if value > (u128::MAX >> 7) {
            return None;
        }
        value = (value << 7) | u128::from(octet & 0x7f);
        if octet & 0x80 == 0 {
            arcs.push(value);
            value = 0;
        } else if i + 1 == content.len() {
            return None;
        }
    }
    let (&first, rest) = arcs.split_first()?;
    let (a, b) = match first {
        0..=39 => (0, first),
        40..=79 => (1, first - 40),
        _ => (2, first - 80),
    };
    let mut text = format!("{a}.{b}");
    for arc in rest {
        text.push('.');
        text.push_str(&arc.to_string());
    }
    Some(text)
}

/// Contract name of a signature algorithm OID (dotted), or the dotted OID itself.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_text() {
        assert_eq!(
            oid_text(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]).as_deref(),
            Some("1.2.840.113549.1.7.2")
        );
        assert_eq!(
            oid_text(&[0x55, 0x1d, 0x25, 0x00]).as_deref(),
            Some("2.5.29.37.0")
        );
        assert_eq!(oid_text(&[0x00]).as_deref(), Some("0.0"));
        // A first sub-identifier of two octets: 2.999.
        assert_eq!(oid_text(&[0x88, 0x37]).as_deref(), Some("2.999"));
        // A UUID arc (2.25.<128-bit integer>).
        // A UUID arc (2.25.<128-bit integer>): here 2^128 - 1, the largest arc read.
        let mut uuid = vec![0x69, 0x83];
        uuid.extend([0xff; 17]);
        uuid.push(0x7f);
        assert_eq!(
            oid_text(&uuid).as_deref(),
            Some("2.25.340282366920938463463374607431768211455")
        );
    }

    #[test]
    fn malformed_oids_have_no_text() {
        assert_eq!(oid_text(&[]), None);
        assert_eq!(oid_text(&[0x86]), None);
        assert_eq!(oid_text(&[0x2a, 0x86, 0x48, 0x86]), None);
        assert_eq!(oid_text(&[0x01; 129]), None);
        // One bit more than 2^128.
        let mut big = vec![0x69, 0x84];
        big.extend([0x80; 17]);
        big.push(0x00);
        assert_eq!(oid_text(&big), None);
    }

    #[test]
    fn signature_names() {
        assert_eq!(
            signature_algorithm_name("1.2.840.113549.1.1.11"),
            "sha256WithRSAEncryption"
        );
        assert_eq!(signature_algorithm_name("1.3.101.112"), "ED25519");
        assert_eq!(signature_algorithm_name("1.2.3.4"), "1.2.3.4");
    }
}
