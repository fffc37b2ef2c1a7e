//! Which encoding a text input is in (log-formats.md §0.1): a byte-order mark, or UTF-16
//! without one (every second byte zero), else UTF-8 with a line that is not valid UTF-8
//! read as Windows-1252. A mark the text contradicts is overruled, with a notice.

/// Bytes looked at to detect the encoding (BOM, or BOM-less UTF-16).
pub(super) const DETECT_BYTES: usize = 512;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Encoding {
    /// Not decided yet: the first bytes are still being collected.
    #[default]
    Undetected,
    /// UTF-8 per line, a line that is not valid UTF-8 is read as Windows-1252.
    Utf8,
    Utf16Le,
    Utf16Be,
}

/// Decides the encoding from the first bytes; returns it and the BOM length to skip.
pub(super) fn detect(head: &[u8]) -> (Encoding, usize, Option<&'static str>) {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return (Encoding::Utf8, 3, None);
    }
    for (bom, said) in [
        ([0xFF, 0xFE], Encoding::Utf16Le),
        ([0xFE, 0xFF], Encoding::Utf16Be),
    ] {
        if !head.starts_with(&bom) {
            continue;
        }
        // A byte-order mark that the text behind it contradicts (an editor re-saved the
        // text but kept the mark): the text decides, and the report says so.
        let found = zero_pattern(&head[2..]);
        return match found {
            Some(enc) if enc != said => (enc, 2, Some(mismatch(said, enc))),
            None if head.len() >= 18 && !head[2..].contains(&0) && utf8_prefix(&head[2..]) => {
                (Encoding::Utf8, 2, Some(mismatch(said, Encoding::Utf8)))
            }
            _ => (said, 2, None),
        };
    }
    (zero_pattern(head).unwrap_or(Encoding::Utf8), 0, None)
}

/// Valid UTF-8, but for a character cut at the end of the head.
fn utf8_prefix(b: &[u8]) -> bool {
    match std::str::from_utf8(b) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

/// The notice for a mark that said `bom` over text read as `read_as`.
fn mismatch(bom: Encoding, read_as: Encoding) -> &'static str {
    match (bom, read_as) {
        (Encoding::Utf16Le, Encoding::Utf16Be) => {
            "byte-order mark says UTF-16LE but the text is UTF-16BE; read as UTF-16BE"
        }
        (Encoding::Utf16Be, Encoding::Utf16Le) => {
            "byte-order mark says UTF-16BE but the text is UTF-16LE; read as UTF-16LE"
        }
        (Encoding::Utf16Le, _) => {
            "byte-order mark says UTF-16LE but the text is not UTF-16; read as UTF-8"
        }
        _ => "byte-order mark says UTF-16BE but the text is not UTF-16; read as UTF-8",
    }
}

/// UTF-16 without a mark: "every second byte is 00", tolerating a few non-Latin
/// characters (CJK text).
fn zero_pattern(head: &[u8]) -> Option<Encoding> {
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let even_zero = head.chunks_exact(2).filter(|p| p[0] == 0).count();
    let odd_zero = head.chunks_exact(2).filter(|p| p[1] == 0).count();
    let mostly = |n: usize| n * 8 >= pairs * 7;
    let rarely = |n: usize| n * 8 <= pairs;
    if mostly(odd_zero) && rarely(even_zero) {
        Some(Encoding::Utf16Le)
    } else if mostly(even_zero) && rarely(odd_zero) {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// Windows-1252 byte → character (0x80–0x9F per the code page; undefined slots map to
/// the C1 control of the same value, as browsers do).
pub fn cp1252(b: u8) -> char {
    const HIGH: [u16; 32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ];
    if (0x80..0xA0).contains(&b) {
        char::from_u32(HIGH[(b - 0x80) as usize] as u32).unwrap_or(char::REPLACEMENT_CHARACTER)
    } else {
        b as char
    }
}
