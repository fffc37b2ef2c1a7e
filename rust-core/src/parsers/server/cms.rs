//! Correlation keys inside a SCEP PKIOperation message (a CMS SignedData, base64 in the
//! `message=` of a GET): the transactionID signed attribute (OID
//! 2.16.840.1.113733.1.9.7, RFC 8894) and the subject of the signer's self-signed
//! certificate. Both sit outside the encrypted envelope, so no key is needed. Nothing is
//! verified: these are lookup keys, never trust decisions.

/// What a PKIOperation message tells about its request.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ScepKeys {
    pub transaction_id: Option<String>,
    pub subject_cn: Option<String>,
}

const TRANSACTION_ID_OID: &[u8] = &[
    0x06, 0x0A, 0x60, 0x86, 0x48, 0x01, 0x86, 0xF8, 0x45, 0x01, 0x09, 0x07,
];

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

/// DER length at `b[i..]`: (length, header bytes).
fn der_len(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let first = *b.get(i)?;
    if first < 0x80 {
        return Some((first as usize, 1));
    }
    let n = (first & 0x7F) as usize;
    if n == 0 || n > 3 {
        return None;
    }
    let mut len = 0usize;
    for k in 0..n {
        len = (len << 8) | *b.get(i + 1 + k)? as usize;
    }
    Some((len, 1 + n))
}

/// Finds the transactionID attribute value: OID, then `SET { PrintableString }`.
pub fn transaction_id(der: &[u8]) -> Option<String> {
    let at = memchr::memmem::find(der, TRANSACTION_ID_OID)?;
    let mut i = at + TRANSACTION_ID_OID.len();
    if *der.get(i)? != 0x31 {
        return None;
    }
    let (_, h) = der_len(der, i + 1)?;
    i += 1 + h;
    let tag = *der.get(i)?;
    if !matches!(tag, 0x13 | 0x0C | 0x16 | 0x04) {
        return None;
    }
    let (len, h) = der_len(der, i + 1)?;
    let v = der.get(i + 1 + h..i + 1 + h + len)?;
    let s = std::str::from_utf8(v).ok()?.trim().to_string();
    (!s.is_empty() && s.len() <= 128).then_some(s)
}

/// The first embedded X.509 certificate's subject CN (the signer's self-signed one).
pub fn signer_subject_cn(der: &[u8]) -> Option<String> {
    let mut tries = 0;
    let mut from = 0;
    while let Some(off) = memchr::memmem::find(&der[from..], &[0x30, 0x82]) {
        let i = from + off;
        from = i + 1;
        tries += 1;
        if tries > 256 {
            break;
        }
        if let Ok((_, cert)) = x509_parser::parse_x509_certificate(&der[i..]) {
            let cn = cert
                .subject()
                .iter_common_name()
                .next()
                .and_then(|a| a.as_str().ok())
                .map(str::to_string);
            if cn.is_some() {
                return cn;
            }
        }
    }
    None
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

    #[test]
    fn finds_transaction_id_attribute() {
        let mut der = vec![0x30, 0x20];
        der.extend_from_slice(TRANSACTION_ID_OID);
        der.extend_from_slice(&[0x31, 0x06, 0x13, 0x04, b'A', b'B', b'C', b'D']);
        assert_eq!(transaction_id(&der).as_deref(), Some("ABCD"));
    }
}
