//! The line layouts of log-formats.md §3.1: which lines open a record (Console copy,
//! `log show` default/compact/syslog styles, legacy syslog, glued web copies) and what
//! their header says (time, process, pid), which lines continue one (NSError and plist
//! dumps), and the `log show` furniture that is neither.

use crate::evidence::LogTime;

/// The type words of a Console copy line.
pub(super) const TYPE_WORDS: [&str; 5] = ["default", "info", "debug", "error", "fault"];

/// What the start of a record line says.
pub(super) struct Header {
    pub(super) time: Option<LogTime>,
    pub(super) process: Option<String>,
    pub(super) pid: Option<u32>,
    pub(super) msg_start: usize,
}

pub(super) fn is_time_of_day(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 8
        && b[2] == b':'
        && b[5] == b':'
        && [0, 1, 3, 4, 6, 7].iter().all(|&i| b[i].is_ascii_digit())
        && (b.len() == 8 || b[8] == b'.')
}

pub(super) fn is_ymd(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// A §3.1 line shape (Console copy, `log show` styles, legacy syslog).
pub(super) fn layout_line(l: &str) -> bool {
    let mut it = l.split_whitespace();
    let (Some(a), Some(b)) = (it.next(), it.next()) else {
        return false;
    };
    if TYPE_WORDS.iter().any(|t| a.eq_ignore_ascii_case(t)) && is_time_of_day(b) {
        return true;
    }
    if is_ymd(a) && is_time_of_day(b) {
        return true;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    if MONTHS.contains(&a) && b.bytes().all(|c| c.is_ascii_digit()) {
        return it.next().is_some_and(is_time_of_day);
    }
    false
}

pub(super) fn is_furniture(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("Timestamp ")
        || t.starts_with("Filtering the log data")
        || t.starts_with("Skipping ")
        || t.starts_with("----")
        || (t.starts_with("Log ") && t.contains("- Default:"))
        || t.starts_with("Activity - ")
        || t.starts_with("** Processed")
}

pub(super) const NSERROR_KEYS: [&str; 8] = [
    "US Desc", "US Sugg", "Desc", "Sugg", "Domain", "Code", "Type", "Params",
];

pub(super) fn is_continuation(line: &str) -> bool {
    if line.starts_with([' ', '\t']) {
        return true;
    }
    let t = line.trim();
    if t.starts_with("NSError:")
        || t.starts_with("...Underlying error")
        || t.starts_with(')')
        || t.starts_with('"')
        || t.starts_with('}')
        || t.starts_with('{')
        || t.starts_with("<CF")
    {
        return true;
    }
    for k in NSERROR_KEYS {
        if let Some(rest) = t.strip_prefix(k)
            && rest.trim_start().starts_with(':')
        {
            return true;
        }
    }
    false
}

/// Distinctive §3.2 phrases that make a line without a header a message-only record.
pub(super) const PHRASES: [&str; 16] = [
    "Performing synchronous URL request",
    "URL request to ",
    "URL request failed. Status code",
    "GetCACert returned",
    "Did not receive GetCACaps information",
    "Attempting to retrieve issued certificate",
    "Sending CSR via",
    "Certificate retrieval reported error",
    "Could not retrieve issued certificate",
    "Sleeping before polling SCEP server",
    "Issued certificate received",
    "Successfully installed certificate",
    "Cannot retrieve SCEP identity",
    "Rolling back installation of profile",
    "PayloadDependencyDomainCertificate",
    "Insufficient required capability",
];

pub(super) fn has_known_phrase(line: &str) -> bool {
    let t = line.trim_start();
    if PHRASES.iter().any(|p| t.contains(p)) {
        return true;
    }
    (t.starts_with("Profile ") && t.trim_end_matches(['.', ' ']).ends_with("installed"))
        || names_scep_error_text(t)
}

/// §3.3's English error texts that map without a code (22003, 22013), when they name
/// SCEP: enough to make a quoted message an iOS record (and an input an iOS log).
pub(crate) fn names_scep_error_text(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("scep")
        && (lower.contains("registration authority")
            || lower.contains("scep server returned an invalid response"))
}

/// Byte offsets (> 0) where a glued web copy starts another record:
/// `\b(default|info|debug|error|fault) \d\d:\d\d:\d\d\.\d+`.
pub(super) fn glued_record_starts(line: &str) -> Vec<usize> {
    let b = line.as_bytes();
    let mut cuts = Vec::new();
    for i in 1..b.len() {
        if !b[i].is_ascii_alphabetic() || b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' {
            continue;
        }
        for w in TYPE_WORDS {
            let end = i + w.len();
            if end + 10 <= b.len()
                && b[i..end].eq_ignore_ascii_case(w.as_bytes())
                && b[end] == b' '
                && time_shape(&b[end + 1..])
            {
                cuts.push(i);
                break;
            }
        }
    }
    // Cut before the blank(s) that precede the glued record too.
    cuts
}

/// `hh:mm:ss.d` at the start of `b`.
pub(super) fn time_shape(b: &[u8]) -> bool {
    b.len() >= 10
        && b[0].is_ascii_digit()
        && b[1].is_ascii_digit()
        && b[2] == b':'
        && b[3].is_ascii_digit()
        && b[4].is_ascii_digit()
        && b[5] == b':'
        && b[6].is_ascii_digit()
        && b[7].is_ascii_digit()
        && b[8] == b'.'
        && b[9].is_ascii_digit()
}

/// Whitespace-separated tokens with their byte ranges, at most `max`.
pub(super) fn tokens(s: &str, max: usize) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() && out.len() < max {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let start = i;
        while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
            i += 1;
        }
        out.push((start, i));
    }
    out
}

/// Time of day `hh:mm:ss[.f…]` → nanoseconds since midnight; the whole string must match.
pub(crate) fn time_of_day_ns(s: &str) -> Option<i128> {
    let (hms, frac) = match s.split_once('.') {
        Some((a, f)) => (a, Some(f)),
        None => (s, None),
    };
    let mut parts = hms.split(':');
    let h: i128 = parse_small(parts.next()?, 2)?;
    let m: i128 = parse_small(parts.next()?, 2)?;
    let sec: i128 = parse_small(parts.next()?, 2)?;
    if parts.next().is_some() || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let mut ns: i128 = 0;
    if let Some(f) = frac {
        if f.is_empty() || f.len() > 9 || !f.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let v: i128 = f.parse().ok()?;
        ns = v * 10i128.pow(9 - f.len() as u32);
    }
    Some(((h * 60 + m) * 60 + sec) * 1_000_000_000 + ns)
}

pub(super) fn parse_small(s: &str, max_len: usize) -> Option<i128> {
    if s.is_empty() || s.len() > max_len || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> Option<i64> {
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(-100_000..=100_000).contains(&y) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// `YYYY-MM-DD` → days since epoch.
pub(crate) fn iso_date_days(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = parse_small(s.get(0..4)?, 4)? as i64;
    let m = parse_small(s.get(5..7)?, 2)? as u32;
    let d = parse_small(s.get(8..10)?, 2)? as u32;
    days_from_civil(y, m, d)
}

/// Splits `hh:mm:ss.ffffff±hhmm` into the time and whether an offset was attached.
pub(super) fn split_offset(tok: &str) -> (&str, bool) {
    match tok.rfind(['+', '-']) {
        Some(i)
            if i > 0
                && tok
                    .get(i + 1..)
                    .is_some_and(|o| o.len() == 4 && o.bytes().all(|c| c.is_ascii_digit())) =>
        {
            (&tok[..i], true)
        }
        _ => (tok, false),
    }
}

pub(super) fn is_offset(tok: &str) -> bool {
    let b = tok.as_bytes();
    b.len() == 5 && (b[0] == b'+' || b[0] == b'-') && b[1..].iter().all(|c| c.is_ascii_digit())
}

pub(super) const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub(super) fn parse_header(line: &str) -> Option<Header> {
    let toks = tokens(line, 12);
    let tok = |i: usize| toks.get(i).and_then(|&(a, b)| line.get(a..b));
    let t0 = tok(0)?;
    let t1 = tok(1).unwrap_or("");

    // Console copy: TYPE TIME [OFFSET] PROCESS MESSAGE
    if TYPE_WORDS.iter().any(|w| t0.eq_ignore_ascii_case(w)) {
        let (time, attached) = split_offset(t1);
        let tod = time_of_day_ns(time)?;
        let mut next = 2;
        let mut time_end = toks.get(1)?.1;
        if !attached && tok(2).is_some_and(is_offset) {
            time_end = toks.get(2)?.1;
            next = 3;
        }
        let text = line.get(toks.get(1)?.0..time_end)?.to_string();
        let (process, pid) = match tok(next) {
            Some(p) => split_process(p),
            None => (String::new(), None),
        };
        let msg_start = toks.get(next + 1).map(|t| t.0).unwrap_or(line.len());
        return Some(Header {
            time: Some(LogTime {
                text,
                order_key: Some(tod),
                has_date: false,
            }),
            process: Some(process),
            pid,
            msg_start,
        });
    }

    // `log show` styles: DATE TIME[OFFSET] …
    if let Some(days) = iso_date_days(t0) {
        let (time, _) = split_offset(t1);
        let tod = time_of_day_ns(time)?;
        let key = days as i128 * 86_400_000_000_000 + tod;
        let text = line.get(toks.first()?.0..toks.get(1)?.1)?.to_string();
        let time = Some(LogTime {
            text,
            order_key: Some(key),
            has_date: true,
        });
        for i in 2..toks.len().min(10) {
            let t = tok(i)?;
            let (process, pid) = if t.contains('[')
                && (t.ends_with(']') || t.ends_with("]:"))
                && !t.starts_with('[')
            {
                split_process(t)
            } else if t.len() > 1 && t.ends_with(':') && !t.starts_with("0x") && !t.starts_with('[')
            {
                (t.trim_end_matches(':').to_string(), None)
            } else {
                continue;
            };
            let mut j = i + 1;
            // `(library)` then `[subsystem:category]`
            if tok(j).is_some_and(|t| t.starts_with('(') && t.ends_with(')'))
                && tok(j + 1).is_some_and(|t| t.starts_with('['))
            {
                j += 1;
            }
            if tok(j).is_some_and(|t| t.starts_with('[') && t.ends_with(']') && t.contains(':')) {
                j += 1;
            }
            let msg_start = toks.get(j).map(|t| t.0).unwrap_or(line.len());
            return Some(Header {
                time,
                process: Some(process),
                pid,
                msg_start,
            });
        }
        return Some(Header {
            time,
            // A dated line without a recognisable process: a record, but not profiled's.
            process: Some(String::new()),
            pid: None,
            msg_start: line.len(),
        });
    }

    // Legacy syslog: Mon dd hh:mm:ss HOST PROCESS[PID] <Level>: MESSAGE
    if MONTHS.contains(&t0) && parse_small(t1, 2).is_some() {
        let t2 = tok(2)?;
        let tod = time_of_day_ns(t2)?;
        let text = line.get(toks.first()?.0..toks.get(2)?.1)?.to_string();
        let time = Some(LogTime {
            text,
            order_key: Some(tod),
            has_date: false,
        });
        let (process, pid) = split_process(tok(4)?);
        let mut j = 5;
        if tok(j).is_some_and(|t| t.starts_with('<')) {
            j += 1;
        }
        let mut msg_start = toks.get(j).map(|t| t.0).unwrap_or(line.len());
        let rest = line.get(msg_start..).unwrap_or("");
        // `(Note ) MC:` / `(Warn ) MC:` / `(Error) MC:`
        if rest.starts_with('(')
            && let Some(close) = rest.get(..10).unwrap_or(rest).find(')')
        {
            let mut k = msg_start + close + 1;
            let after = line.get(k..).unwrap_or("");
            let trimmed = after.trim_start();
            k += after.len() - trimmed.len();
            if let Some(r) = trimmed.strip_prefix("MC:") {
                k += 3 + (r.len() - r.trim_start().len());
            }
            msg_start = k;
        }
        return Some(Header {
            time,
            process: Some(process),
            pid,
            msg_start,
        });
    }
    None
}

/// `profiled[412:2b41c]:` → (`profiled`, 412).
pub(super) fn split_process(tok: &str) -> (String, Option<u32>) {
    let t = tok.trim_end_matches(':');
    match t.find('[') {
        Some(i) => {
            let inner = t.get(i + 1..).unwrap_or("").trim_end_matches(']');
            let pid = inner.split(':').next().and_then(|p| p.parse().ok());
            (t[..i].to_string(), pid)
        }
        None => (t.to_string(), None),
    }
}
