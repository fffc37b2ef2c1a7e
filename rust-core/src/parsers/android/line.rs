//! The line grammar of log-formats.md §2.1 — `TS SEP LEVEL SEP [Event SEP] CLASS SEP PID
//! SEP TID [SEP MESSAGE]` — tokenised by hand, its timestamps (a word-wise check for the
//! fast path), and which raw lines open a record.

use crate::evidence::LogTime;

/// The fields of a §2.1 header line; `message` borrows from the line.
#[derive(Debug, PartialEq)]
pub struct Header<'a> {
    /// `None` for a placeholder word (`Time`) instead of a timestamp.
    pub time: Option<&'a str>,
    pub level: &'a str,
    pub class: &'a str,
    pub pid: u32,
    pub tid: u32,
    pub message: &'a str,
}

pub(super) fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Splits off the next blank-separated token: `(token, rest after the blanks, had_blanks)`.
pub(super) fn token(s: &str) -> Option<(&str, &str, bool)> {
    let b = s.as_bytes();
    let end = b.iter().position(|&c| is_blank(c)).unwrap_or(b.len());
    if end == 0 {
        return None;
    }
    let tok = &s[..end];
    let rest = &s[end..];
    let trimmed = rest.trim_start_matches([' ', '\t']);
    Some((tok, trimmed, trimmed.len() != rest.len()))
}

/// The fast path's test for a skipped line that starts with a digit: a §2.1 timestamp
/// token followed by a blank opens a record. This is the one documented approximation of
/// the fast path: such a line that breaks the rest of the header grammar is still counted
/// as a record (the line-by-line path would call it a continuation). Company Portal
/// writes every line but stack frames with its header, so the two agree on real logs and
/// on every fixture (tests); the exact check cost half of the scan time.
pub(super) fn starts_with_timestamp(raw: &[u8]) -> bool {
    // `YYYY-MM-DDThh:mm:ss` is 19 bytes, then `.` and fraction digits, then a blank.
    if raw.len() < 21 || raw[10] != b'T' {
        return false;
    }
    let mut end = 19;
    if raw[19] == b'.' {
        end = 20 + raw[20..].iter().take_while(|c| c.is_ascii_digit()).count();
    }
    // The fraction's digits were just counted: only the 19 fixed bytes are left to check.
    end != 20
        && raw.get(end).is_some_and(|&c| is_blank(c))
        && raw.first_chunk::<19>().and_then(ts_head).is_some()
}

/// Parses a §2.1 header line:
/// `TS SEP LEVEL SEP [Event SEP] CLASS SEP PID SEP TID [SEP MESSAGE]`.
pub fn parse_header(line: &str) -> Option<Header<'_>> {
    let first = *line.as_bytes().first()?;
    if !first.is_ascii_alphanumeric() {
        return None;
    }
    let (ts, rest, sep) = token(line)?;
    let time = if is_timestamp(ts) {
        Some(ts)
    } else if ts.bytes().all(|c| c.is_ascii_alphabetic()) && ts.len() <= 16 {
        None
    } else {
        return None;
    };
    if !sep {
        return None;
    }
    let (level, rest, sep) = token(rest)?;
    if !(3..=8).contains(&level.len()) || !level.bytes().all(|c| c.is_ascii_uppercase()) || !sep {
        return None;
    }
    let (mut class, mut rest, mut sep) = token(rest)?;
    if class == "Event" && sep {
        (class, rest, sep) = token(rest)?;
    }
    if !is_class(class) || !sep {
        return None;
    }
    let (pid, rest, sep) = token(rest)?;
    let pid: u32 = digits(pid)?;
    let (tid, message) = match token(rest) {
        Some((tid, msg, sep2)) => {
            if !msg.is_empty() && !sep2 {
                return None;
            }
            (tid, msg)
        }
        None => return None,
    };
    let _ = sep;
    let tid: u32 = digits(tid)?;
    // A placeholder word needs the full shape to be trusted; it has it by now.
    Some(Header {
        time,
        level,
        class,
        pid,
        tid,
        message,
    })
}

pub(super) fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 10 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

pub(super) fn is_class(s: &str) -> bool {
    /// Bytes of a Java class name after the first: letters, digits, `_`, `$`, `.`.
    const CLASS_BYTE: [bool; 256] = {
        let mut t = [false; 256];
        let mut i = 0;
        while i < 256 {
            let c = i as u8;
            t[i] = c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c == b'.';
            i += 1;
        }
        t
    };
    let mut b = s.bytes();
    match b.next() {
        Some(c) if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {}
        _ => return false,
    }
    b.all(|c| CLASS_BYTE[c as usize])
}

/// `YYYY-MM-DDThh:mm:ss[.f…]` (a space instead of `T` is not part of one token).
pub(super) fn is_timestamp(s: &str) -> bool {
    ts_fields(s).is_some()
}

/// The fields of `YYYY-MM-DDThh:mm:ss[.fraction]`, checked, without date arithmetic.
pub(super) fn ts_fields(s: &str) -> Option<[i64; 6]> {
    ts_bytes(s.as_bytes())
}

/// [`ts_fields`] on bytes.
pub(super) fn ts_bytes(b: &[u8]) -> Option<[i64; 6]> {
    // On bytes: the fields may hold multi-byte characters (fuzzing found a panic when an
    // earlier version sliced the `&str`).
    let fields = ts_head(b.first_chunk::<19>()?)?;
    if b.len() > 19 && (b[19] != b'.' || b.len() == 20 || !b[20..].iter().all(u8::is_ascii_digit)) {
        return None;
    }
    Some(fields)
}

/// The shape of `YYYY-MM-DDThh:mm:ss`, one 0xFF byte per digit position (little endian,
/// byte `i` of a word is bits `8i..8i + 8`), the separators' mask and their bytes.
pub(super) const fn ts_shape(pattern: &[u8; 8]) -> (u64, u64, u64) {
    let (mut digits, mut seps, mut values) = (0u64, 0u64, 0u64);
    let mut i = 0;
    while i < 8 {
        let lane = 0xFFu64 << (8 * i);
        if pattern[i] == b'd' {
            digits |= lane;
        } else {
            seps |= lane;
            values |= (pattern[i] as u64) << (8 * i);
        }
        i += 1;
    }
    (digits, seps, values)
}

/// Whether the bytes of `w` under `digits` (a [`ts_shape`] mask) are all ASCII digits,
/// all at once: high nibble 3, and adding 6 keeps it 3 (0x3A..0x3F become 0x40..0x45;
/// no byte overflows into the next).
pub(super) fn swar_digits(w: u64, digits: u64) -> bool {
    let ones = digits / 0xFF;
    let x = w & digits;
    x & (ones * 0xF0) == ones * 0x30 && (x + ones * 0x06) & (ones * 0xF0) == ones * 0x30
}

/// Up to 8 bytes as a little-endian word, zero-padded.
#[inline(always)]
pub(super) fn le_word(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w[..b.len()].copy_from_slice(b);
    u64::from_le_bytes(w)
}

/// The fields of `YYYY-MM-DDThh:mm:ss` when `b` is one with every field in range. Word
/// at a time (three loads): the fast path's record-start check calls this for every line
/// of a log that starts with a digit, the hottest check of a large log's scan.
pub(super) fn ts_head(b: &[u8; 19]) -> Option<[i64; 6]> {
    const W0: (u64, u64, u64) = ts_shape(b"dddd-dd-");
    const W1: (u64, u64, u64) = ts_shape(b"ddTdd:dd");
    const W2: (u64, u64, u64) = ts_shape(b"d:dd\0\0\0\0");
    // "YYYY-MM-", "DDThh:mm", then "m:ss" (the minute's last digit again) padded with
    // zero bytes, which the pattern's `\0` separators expect.
    let words = [le_word(&b[..8]), le_word(&b[8..16]), le_word(&b[15..])];
    for (w, (digits, seps, values)) in words.into_iter().zip([W0, W1, W2]) {
        if w & seps != values & seps || !swar_digits(w, digits) {
            return None;
        }
    }
    let n = |i: usize| i64::from(b[i] - b'0') * 10 + i64::from(b[i + 1] - b'0');
    let (y, mo, d) = (n(0) * 100 + n(2), n(5), n(8));
    let (h, mi, se) = (n(11), n(14), n(17));
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    Some([y, mo, d, h, mi, se])
}

/// Parses `YYYY-MM-DDThh:mm:ss[.fraction]` into nanoseconds since 1970 (wall clock).
pub(super) fn parse_ts(s: &str) -> Option<i128> {
    let [y, mo, d, h, mi, se] = ts_fields(s)?;
    let b = s.as_bytes();
    let mut nanos: i128 = 0;
    if b.len() > 19 {
        let frac = &s[20..];
        let mut scale: i128 = 100_000_000;
        for c in frac.bytes().take(9) {
            nanos += (c - b'0') as i128 * scale;
            scale /= 10;
        }
    }
    let days = days_from_civil(y, mo, d) as i128;
    let secs = days * 86_400 + (h * 3600 + mi * 60 + se) as i128;
    Some(secs * 1_000_000_000 + nanos)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(super) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(super) fn log_time(ts: &str) -> LogTime {
    LogTime {
        text: ts.to_string(),
        order_key: parse_ts(ts),
        has_date: true,
    }
}

/// Whether a raw line opens a record, as [`AndroidParser::line`] would decide after
/// decoding and cleaning it: a §2.1 header. Only the head of the line is decoded.
pub(super) fn is_record_start(raw: &[u8]) -> bool {
    const HEAD: usize = 256;
    // The common case, a timestamped header: decided on the bytes.
    if raw.first().is_some_and(u8::is_ascii_digit) {
        return starts_with_timestamp(raw);
    }
    let first = raw.iter().copied().find(|&b| b != b' ' && b != b'\t');
    // Header lines start with a letter or digit (possibly behind `Line N: `, `> ` or the
    // RTF control words that open a line of an .rtf file).
    if !first.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'>' || b == b'\\') {
        return false;
    }
    let head = &raw[..raw.len().min(HEAD)];
    let text = match std::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or(""),
    };
    let mut buf = String::new();
    let line = crate::input::clean_line(text, &mut buf);
    if parse_header(line).is_some() {
        return true;
    }
    if head.len() == raw.len() && text.len() == raw.len() {
        return false;
    }
    // Cut inside the header: decide on the whole line.
    let whole: String = match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => raw.iter().map(|&b| crate::input::cp1252(b)).collect(),
    };
    let line = crate::input::clean_line(&whole, &mut buf);
    parse_header(line).is_some()
}
