//! PKCS#7 / CMS certs-only envelopes (`.p7b`, SCEP GetCACert `application/x-x509-ca-ra-cert`):
//! walks ContentInfo → SignedData → `certificates [0]` in DER or BER (indefinite
//! lengths) and hands back each certificate's encoding.

use super::der::{self, DerError, Tlv};

/// `1.2.840.113549.1.7.2` signedData.
pub const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";

/// True when `content_info` (a SEQUENCE) starts with a PKCS#7 content type OID.
pub fn is_content_info(seq: &Tlv<'_>) -> bool {
    match der::read(seq.content) {
        Ok((t, _)) if t.tag == der::TAG_OID => {
            der::oid_to_string(t.content).is_some_and(|o| o.starts_with("1.2.840.113549.1.7."))
        }
        _ => false,
    }
}

fn describe(e: DerError) -> String {
    match e {
        DerError::Truncated { .. } => format!("truncated DER: {e}"),
        DerError::Malformed(m) => format!("invalid PKCS#7 encoding: {m}"),
    }
}

/// The encodings of the certificates of a ContentInfo (the SEQUENCE element), or why
/// there are none.
pub fn certificates<'a>(content_info: &Tlv<'a>) -> Result<Vec<&'a [u8]>, String> {
    let (oid, rest) = der::expect(content_info.content, der::TAG_OID).map_err(describe)?;
    let oid = der::oid_to_string(oid.content).unwrap_or_default();
    if oid != SIGNED_DATA {
        return Err(format!("PKCS#7 content type {oid} is not signedData"));
    }
    let (explicit, _) =
        der::expect(rest, 0xa0).map_err(|_| "PKCS#7 signedData has no content".to_string())?;
    let (signed_data, _) = der::expect(explicit.content, der::TAG_SEQUENCE).map_err(describe)?;
    let parts = der::children(signed_data.content).map_err(describe)?;
    let Some(certs) = parts.iter().find(|t| t.tag == 0xa0) else {
        return Err("PKCS#7 contains no certificates".to_string());
    };
    let list: Vec<&[u8]> = der::children(certs.content)
        .map_err(describe)?
        .into_iter()
        .filter(|t| t.tag == der::TAG_SEQUENCE)
        .map(|t| t.raw)
        .collect();
    if list.is_empty() {
        return Err("PKCS#7 contains no certificates".to_string());
    }
    Ok(list)
}
