//! A small, bounded BER/DER TLV walker: enough to open PKCS#7 envelopes (including BER
//! indefinite lengths), read certificate extensions and pick apart signatures. It never
//! panics and never recurses deeper than [`MAX_DEPTH`].

/// Nesting bound for indefinite-length elements.
pub const MAX_DEPTH: usize = 32;

/// Universal tags used by callers.
pub const TAG_BOOLEAN: u8 = 0x01;
pub const TAG_INTEGER: u8 = 0x02;
pub const TAG_BIT_STRING: u8 = 0x03;
pub const TAG_OCTET_STRING: u8 = 0x04;
pub const TAG_OID: u8 = 0x06;
pub const TAG_SEQUENCE: u8 = 0x30;

/// One element: its identifier octet (high-tag-number forms keep only the first octet),
/// its content and the whole encoding.
#[derive(Debug, Clone, Copy)]
pub struct Tlv<'a> {
    pub tag: u8,
    /// Content octets. For an indefinite-length element, everything between the header
    /// and the end-of-contents marker.
    pub content: &'a [u8],
    /// Header, content and (for indefinite lengths) the end-of-contents marker.
    pub raw: &'a [u8],
}

/// Why an element could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DerError {
    /// The header announces more bytes than remain.
    Truncated { needed: usize, available: usize },
    /// Anything else: bad length form, missing end-of-contents, too deep.
    Malformed(&'static str),
}

impl std::fmt::Display for DerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DerError::Truncated { needed, available } => {
                write!(
                    f,
                    "element needs {needed} bytes but only {available} remain"
                )
            }
            DerError::Malformed(m) => f.write_str(m),
        }
    }
}

/// Reads the first element of `input`; returns it and the bytes after it.
pub fn read(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), DerError> {
    read_depth(input, 0)
}

fn read_depth(input: &[u8], depth: usize) -> Result<(Tlv<'_>, &[u8]), DerError> {
    if depth > MAX_DEPTH {
        return Err(DerError::Malformed("nesting too deep"));
    }
    let (&tag, _) = input.split_first().ok_or(DerError::Truncated {
        needed: 1,
        available: 0,
    })?;
    let mut pos = 1usize;
    if tag & 0x1f == 0x1f {
        // High tag number: base-128 octets, the last without bit 8.
        loop {
            let b = *input.get(pos).ok_or(DerError::Truncated {
                needed: pos + 1,
                available: input.len(),
            })?;
            pos += 1;
            if b & 0x80 == 0 {
                break;
            }
            if pos > 6 {
                return Err(DerError::Malformed("tag number too long"));
            }
        }
    }
    let first = *input.get(pos).ok_or(DerError::Truncated {
        needed: pos + 1,
        available: input.len(),
    })?;
    pos += 1;
    if first == 0x80 {
        if tag & 0x20 == 0 {
            return Err(DerError::Malformed(
                "indefinite length on a primitive element",
            ));
        }
        let start = pos;
        let mut rest = &input[pos..];
        loop {
            if rest.len() >= 2 && rest[0] == 0 && rest[1] == 0 {
                let end = input.len() - rest.len();
                let total = end + 2;
                let tlv = Tlv {
                    tag,
                    content: &input[start..end],
                    raw: &input[..total],
                };
                return Ok((tlv, &input[total..]));
            }
            if rest.is_empty() {
                return Err(DerError::Truncated {
                    needed: input.len() + 2,
                    available: input.len(),
                });
            }
            let (_, after) = read_depth(rest, depth + 1)?;
            rest = after;
        }
    }
    let len = if first & 0x80 == 0 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n > 8 {
            return Err(DerError::Malformed("length field too long"));
        }
        let bytes = input.get(pos..pos + n).ok_or(DerError::Truncated {
            needed: pos + n,
            available: input.len(),
        })?;
        pos += n;
        let mut len: u64 = 0;
        for &b in bytes {
            len = (len << 8) | u64::from(b);
        }
        usize::try_from(len).map_err(|_| DerError::Malformed("length does not fit in memory"))?
    };
    let end = pos
        .checked_add(len)
        .ok_or(DerError::Malformed("length overflows"))?;
    if end > input.len() {
        return Err(DerError::Truncated {
            needed: end,
            available: input.len(),
        });
    }
    let tlv = Tlv {
        tag,
        content: &input[pos..end],
        raw: &input[..end],
    };
    Ok((tlv, &input[end..]))
}

/// The elements of a constructed element's content, in order (stops at the first error).
pub fn children(content: &[u8]) -> Result<Vec<Tlv<'_>>, DerError> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let (tlv, after) = read(rest)?;
        out.push(tlv);
        rest = after;
    }
    Ok(out)
}

/// Dotted form of an OBJECT IDENTIFIER's content octets; `None` when malformed.
pub fn oid_to_string(content: &[u8]) -> Option<String> {
    if content.is_empty() || content.len() > 128 {
        return None;
    }
    let mut arcs: Vec<u128> = Vec::new();
    let mut value: u128 = 0;
    let mut in_arc = false;
    for &b in content {
        if value > (u128::MAX >> 7) {
            return None;
        }
        value = (value << 7) | u128::from(b & 0x7f);
        in_arc = true;
        if b & 0x80 == 0 {
            arcs.push(value);
            value = 0;
            in_arc = false;
        }
    }
    if in_arc {
        return None;
    }
    let first = arcs.first().copied()?;
    let (a, b) = match first {
        0..=39 => (0, first),
        40..=79 => (1, first - 40),
        _ => (2, first - 80),
    };
    let mut s = format!("{a}.{b}");
    for arc in &arcs[1..] {
        s.push('.');
        s.push_str(&arc.to_string());
    }
    Some(s)
}

/// Reads an element that must carry `tag`.
pub fn expect(input: &[u8], tag: u8) -> Result<(Tlv<'_>, &[u8]), DerError> {
    let (tlv, rest) = read(input)?;
    if tlv.tag != tag {
        return Err(DerError::Malformed("unexpected tag"));
    }
    Ok((tlv, rest))
}

/// Uppercase hex without separators.
pub fn hex_upper(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definite_and_indefinite() {
        let der = [0x30, 0x03, 0x02, 0x01, 0x05, 0xff];
        let (t, rest) = read(&der).unwrap();
        assert_eq!(t.tag, 0x30);
        assert_eq!(t.content, &[0x02, 0x01, 0x05]);
        assert_eq!(rest, &[0xff]);
        let ber = [
            0x30, 0x80, 0x02, 0x01, 0x05, 0x30, 0x80, 0x00, 0x00, 0x00, 0x00, 0xee,
        ];
        let (t, rest) = read(&ber).unwrap();
        assert_eq!(t.content, &[0x02, 0x01, 0x05, 0x30, 0x80, 0x00, 0x00]);
        assert_eq!(rest, &[0xee]);
        assert_eq!(children(t.content).unwrap().len(), 2);
    }

    #[test]
    fn truncation_and_garbage() {
        assert!(matches!(
            read(&[0x30, 0x82, 0x01, 0x00, 0x00]),
            Err(DerError::Truncated { .. })
        ));
        assert!(read(&[0x30, 0x80, 0x02, 0x01]).is_err());
        assert!(read(&[0x30, 0x89, 1, 1, 1, 1, 1, 1, 1, 1, 1]).is_err());
        assert!(read(&[]).is_err());
        let deep: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 100).flatten().collect();
        assert!(read(&deep).is_err());
    }

    #[test]
    fn oids() {
        assert_eq!(
            oid_to_string(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]).unwrap(),
            "1.2.840.113549.1.7.2"
        );
        assert_eq!(
            oid_to_string(&[0x55, 0x1d, 0x25, 0x00]).unwrap(),
            "2.5.29.37.0"
        );
        assert_eq!(oid_to_string(&[0x86]), None);
    }
}
