//! PKCS#7 / CMS certs-only envelopes (`.p7b`, SCEP GetCACert `application/x-x509-ca-ra-cert`):
//! walks ContentInfo → SignedData → `certificates [0]` in DER or BER (indefinite lengths,
//! as Windows exports them), element by element with asn1-rs ([`super::ber`]), and hands
//! back each certificate's encoding.

use super::ber::{self, BerError, Element, Id};

/// `1.2.840.113549.1.7.2` signedData.
pub const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";

/// `[0]`: the explicit content of a ContentInfo, and SignedData's implicit `certificates`.
const CONTEXT_0: Id = Id::context(0, true);

/// True when `content_info` (a SEQUENCE) starts with a PKCS#7 content type OID.
pub fn is_content_info(seq: &Element<'_>) -> bool {
    match ber::read(seq.content()) {
        Ok((t, _)) => t
            .oid()
            .is_some_and(|o| o.starts_with("1.2.840.113549.1.7.")),
        Err(_) => false,
    }
}

fn describe(e: BerError) -> String {
    match e {
        BerError::Truncated { .. } => format!("truncated DER: {e}"),
        BerError::Malformed(m) => format!("invalid PKCS#7 encoding: {m}"),
    }
}

/// The encodings of the certificates of a ContentInfo (the SEQUENCE element), or why
/// there are none.
pub fn certificates<'a>(content_info: &Element<'a>) -> Result<Vec<&'a [u8]>, String> {
    let (oid, rest) = ber::expect(content_info.content(), Id::OID).map_err(describe)?;
    let oid = oid.oid().unwrap_or_default();
    if oid != SIGNED_DATA {
        return Err(format!("PKCS#7 content type {oid} is not signedData"));
    }
    let (explicit, _) =
        ber::expect(rest, CONTEXT_0).map_err(|_| "PKCS#7 signedData has no content".to_string())?;
    let (signed_data, _) = ber::expect(explicit.content(), Id::SEQUENCE).map_err(describe)?;
    let parts = ber::children(signed_data.content()).map_err(describe)?;
    let Some(certs) = parts.iter().find(|t| t.is(CONTEXT_0)) else {
        return Err("PKCS#7 contains no certificates".to_string());
    };
    let list: Vec<&[u8]> = ber::children(certs.content())
        .map_err(describe)?
        .into_iter()
        .filter(|t| t.is(Id::SEQUENCE))
        .map(|t| t.raw())
        .collect();
    if list.is_empty() {
        return Err("PKCS#7 contains no certificates".to_string());
    }
    Ok(list)
}
