//! Certificate files one BER element at a time, as asn1-rs reads them (`Any::from_ber`:
//! definite and indefinite lengths, end-of-contents markers, at most 50 levels of
//! indefinite-length nesting): each element with its whole encoding, the identifiers the
//! PKCS#7, extension and name readers match on, and why an element cannot be read.
//!
//! Element framing is the crate's; this module only names what the readers ask for.

use asn1_rs::{Any, Class, FromBer, Tag};

use crate::evidence::oids::oid_text;

/// The identifier of an element: class, form (primitive or constructed) and tag number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Id {
    class: Class,
    constructed: bool,
    tag: Tag,
}

impl Id {
    pub const BOOLEAN: Id = Id::universal(Tag::Boolean, false);
    pub const BIT_STRING: Id = Id::universal(Tag::BitString, false);
    pub const INTEGER: Id = Id::universal(Tag::Integer, false);
    pub const OCTET_STRING: Id = Id::universal(Tag::OctetString, false);
    pub const OID: Id = Id::universal(Tag::Oid, false);
    pub const SEQUENCE: Id = Id::universal(Tag::Sequence, true);

    const fn universal(tag: Tag, constructed: bool) -> Id {
        Id {
            class: Class::Universal,
            constructed,
            tag,
        }
    }

    /// `[number]` of the context-specific class.
    pub const fn context(number: u32, constructed: bool) -> Id {
        Id {
            class: Class::ContextSpecific,
            constructed,
            tag: Tag(number),
        }
    }
}

/// One element of the input.
#[derive(Debug, Clone)]
pub struct Element<'a> {
    any: Any<'a>,
    raw: &'a [u8],
}

impl<'a> Element<'a> {
    pub fn id(&self) -> Id {
        Id {
            class: self.any.class(),
            constructed: self.any.header.is_constructed(),
            tag: self.any.tag(),
        }
    }

    pub fn is(&self, id: Id) -> bool {
        self.id() == id
    }

    /// The tag number of a primitive element of the universal class (the string types).
    pub fn universal_primitive(&self) -> Option<Tag> {
        (self.any.class() == Class::Universal && !self.any.header.is_constructed())
            .then(|| self.any.tag())
    }

    /// The first identifier octet, as error messages show it.
    pub fn first_octet(&self) -> u8 {
        self.raw.first().copied().unwrap_or_default()
    }

    /// Content octets; for an indefinite length, those before the end-of-contents marker.
    pub fn content(&self) -> &'a [u8] {
        self.any.data
    }

    /// Identifier, length, content and (for an indefinite length) end-of-contents octets.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Dotted text of an OBJECT IDENTIFIER element; `None` for another element or a
    /// malformed OID.
    pub fn oid(&self) -> Option<String> {
        if self.is(Id::OID) {
            oid_text(self.content())
        } else {
            None
        }
    }
}

/// Why an element could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BerError {
    /// The input ends before the element does (`needed` counts from the element's start).
    #[error("element needs {needed} bytes but only {available} remain")]
    Truncated { needed: usize, available: usize },
    /// Anything else: bad tag or length form, too deep, an unexpected element.
    #[error("{0}")]
    Malformed(&'static str),
}

impl BerError {
    fn from_asn1(err: asn1_rs::Err<asn1_rs::Error>, available: usize) -> BerError {
        use asn1_rs::Error as E;
        let err = match err {
            asn1_rs::Err::Incomplete(needed) => {
                let missing = match needed {
                    asn1_rs::Needed::Size(n) => n.get(),
                    asn1_rs::Needed::Unknown => 1,
                };
                return match available.checked_add(missing) {
                    Some(needed) => BerError::Truncated { needed, available },
                    None => BerError::Malformed("length overflows"),
                };
            }
            asn1_rs::Err::Error(e) | asn1_rs::Err::Failure(e) => e,
        };
        BerError::Malformed(match err {
            E::Incomplete(_) => "element cut short",
            E::BerMaxDepth => "nesting too deep",
            E::ConstructExpected => "indefinite length on a primitive element",
            E::InvalidTag => "invalid tag number",
            // A length of 0xFF or of more than eight significant octets.
            E::InvalidLength => "length field too long",
            _ => "malformed element",
        })
    }
}

/// Reads the first element of `input`; returns it and the bytes after it.
pub fn read(input: &[u8]) -> Result<(Element<'_>, &[u8]), BerError> {
    let (rest, any) = Any::from_ber(input).map_err(|e| BerError::from_asn1(e, input.len()))?;
    let raw = &input[..input.len() - rest.len()];
    Ok((Element { any, raw }, rest))
}

/// Reads an element that must have identifier `id`.
pub fn expect(input: &[u8], id: Id) -> Result<(Element<'_>, &[u8]), BerError> {
    let (element, rest) = read(input)?;
    if !element.is(id) {
        return Err(BerError::Malformed("unexpected tag"));
    }
    Ok((element, rest))
}

/// The elements of a constructed element's content, in order (stops at the first error).
pub fn children(content: &[u8]) -> Result<Vec<Element<'_>>, BerError> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let (element, after) = read(rest)?;
        out.push(element);
        rest = after;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definite_and_indefinite() {
        let der = [0x30, 0x03, 0x02, 0x01, 0x05, 0xff];
        let (t, rest) = read(&der).unwrap();
        assert!(t.is(Id::SEQUENCE));
        assert_eq!(t.content(), &[0x02, 0x01, 0x05]);
        assert_eq!(t.raw(), &der[..5]);
        assert_eq!(rest, &[0xff]);
        let ber = [
            0x30, 0x80, 0x02, 0x01, 0x05, 0x30, 0x80, 0x00, 0x00, 0x00, 0x00, 0xee,
        ];
        let (t, rest) = read(&ber).unwrap();
        assert_eq!(t.content(), &[0x02, 0x01, 0x05, 0x30, 0x80, 0x00, 0x00]);
        assert_eq!(t.raw(), &ber[..11]);
        assert_eq!(rest, &[0xee]);
        let kids = children(t.content()).unwrap();
        assert_eq!(kids.len(), 2);
        assert!(kids[0].is(Id::INTEGER));
        assert!(kids[1].is(Id::SEQUENCE));
        assert_eq!(kids[1].content(), &[] as &[u8]);
        // Non-minimal long-form lengths are BER too.
        let (t, _) = read(&[0x04, 0x82, 0x00, 0x01, 0xaa]).unwrap();
        assert!(t.is(Id::OCTET_STRING));
        assert_eq!(t.content(), &[0xaa]);
    }

    #[test]
    fn identifiers() {
        let (t, _) = read(&[0xa0, 0x03, 0x02, 0x01, 0x05]).unwrap();
        assert!(t.is(Id::context(0, true)));
        assert!(!t.is(Id::context(0, false)));
        assert_eq!(t.universal_primitive(), None);
        assert_eq!(t.first_octet(), 0xa0);
        let (t, _) = read(&[0x81, 0x01, b'a']).unwrap();
        assert!(t.is(Id::context(1, false)));
        let (t, _) = read(&[0x1e, 0x02, 0x00, b'a']).unwrap();
        assert_eq!(t.universal_primitive(), Some(Tag::BmpString));
        // A constructed SEQUENCE is not the primitive form of tag 16.
        let (t, _) = read(&[0x10, 0x00]).unwrap();
        assert!(!t.is(Id::SEQUENCE));
        assert_eq!(
            expect(&[0x10, 0x00], Id::SEQUENCE).unwrap_err(),
            BerError::Malformed("unexpected tag")
        );
        let (t, _) = read(&[0x06, 0x03, 0x55, 0x1d, 0x13]).unwrap();
        assert_eq!(t.oid().as_deref(), Some("2.5.29.19"));
        let (t, _) = read(&[0x04, 0x03, 0x55, 0x1d, 0x13]).unwrap();
        assert_eq!(t.oid(), None);
    }

    #[test]
    fn truncation_is_counted_from_the_element_start() {
        assert_eq!(
            read(&[0x30, 0x82, 0x01, 0x00, 0x00]).unwrap_err(),
            BerError::Truncated {
                needed: 260,
                available: 5
            }
        );
        assert_eq!(
            read(&[]).unwrap_err(),
            BerError::Truncated {
                needed: 1,
                available: 0
            }
        );
        // An indefinite length with no end-of-contents marker.
        assert!(matches!(
            read(&[0x30, 0x80, 0x02, 0x01, 0x05]),
            Err(BerError::Truncated { .. })
        ));
        // Cut inside an element nested in an indefinite length.
        assert_eq!(
            read(&[0x30, 0x80, 0x04, 0x05, 0x01]).unwrap_err(),
            BerError::Truncated {
                needed: 9,
                available: 5
            }
        );
        assert_eq!(
            read(&[0x30, 0x80, 0x02, 0x01]).unwrap_err().to_string(),
            "element needs 5 bytes but only 4 remain"
        );
    }

    #[test]
    fn malformed_elements() {
        assert_eq!(
            read(&[0x04, 0x80, 0x00, 0x00]).unwrap_err(),
            BerError::Malformed("indefinite length on a primitive element")
        );
        assert_eq!(
            read(&[0x30, 0xff, 0x00]).unwrap_err(),
            BerError::Malformed("length field too long")
        );
        assert_eq!(
            read(&[0x30, 0x89, 1, 1, 1, 1, 1, 1, 1, 1, 1]).unwrap_err(),
            BerError::Malformed("length field too long")
        );
        assert_eq!(
            read(&[0x1f, 0x81, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00]).unwrap_err(),
            BerError::Malformed("invalid tag number")
        );
        assert_eq!(
            read(&[0x30, 0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).unwrap_err(),
            BerError::Malformed("length overflows")
        );
    }

    #[test]
    fn deep_indefinite_nesting_is_an_error_not_a_stack_overflow() {
        for depth in [51, 100, 10_000] {
            let mut deep: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], depth)
                .flatten()
                .collect();
            deep.extend(std::iter::repeat_n([0u8, 0], depth).flatten());
            assert_eq!(
                read(&deep).unwrap_err(),
                BerError::Malformed("nesting too deep"),
                "{depth}"
            );
        }
        // Within the bound, the same shape reads.
        let mut ok: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 40).flatten().collect();
        ok.extend(std::iter::repeat_n([0u8, 0], 40).flatten());
        let (t, rest) = read(&ok).unwrap();
        assert_eq!(t.raw().len(), ok.len());
        assert!(rest.is_empty());
    }
}
