//! Android Company Portal OMADM log parser (log-formats.md §2): line grammar, jscep and
//! Company Portal messages → typed events.
//!
//! Streaming and line by line: a header line (§2.1) opens a record, any other line
//! continues it (stack traces, wrapped text; bounded). A record is classified when the
//! next one opens or at the end. A single multi-pattern scan gates classification, so
//! noise records cost one pass. No `regex`: the grammar is tokenised by hand.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use super::{InputFormat, InputPath, LogOutput, LogParser, Reader, Signal};
use crate::contract::InputKind;
use crate::evidence::{
    EventKind, FailInfo, LogEvent, LogTime, ManagementMode, PkiStatus, Platform, ProfileId,
    ScepOperation, SourceRef, find_ascii_ci,
};
use crate::input::{Head, Skim};
use crate::limits;

/// Company Portal's OMADM log: its line grammar (§2.1) or its messages quoted alone.
pub struct AndroidFormat;

impl InputFormat for AndroidFormat {
    fn name(&self) -> &'static str {
        "android omadm log"
    }

    fn kind(&self) -> InputKind {
        InputKind::AndroidOmadmLog
    }

    fn recognise(&self, head: &Head<'_>) -> Option<Signal> {
        if grammar_lines(&head.lines) {
            Some(Signal::Grammar)
        } else if head.has_any(PHRASES) {
            Some(Signal::Phrase)
        } else {
            None
        }
    }

    fn reader(&self, path: InputPath) -> Reader {
        Reader::log(AndroidParser::new(path))
    }
}

/// Company Portal and jscep messages distinctive enough to name the log on their own.
const PHRASES: &[&str] = &[
    "Trying to enroll certificate request:",
    "SCEP cert '",
    "SCEP cert \u{2018}",
    "Root cert '",
    "Root cert \u{2018}",
    "state changed from CERT_",
    "Skipping Wifi profile",
    "cert(s) matched criteria",
    "cert(s) excluded by criteria",
    "as it does not have any purpose EKU",
    "com.microsoft.omadm.",
    "org.jscep.",
];

/// A §2.1 header line of a Company Portal or jscep class, or three header lines of any.
fn grammar_lines(lines: &[String]) -> bool {
    let mut n = 0;
    for l in lines {
        if let Some(h) = parse_header(l) {
            if h.class.starts_with("com.microsoft.omadm.") || h.class.starts_with("org.jscep.") {
                return true;
            }
            n += 1;
            if n >= 3 {
                return true;
            }
        }
    }
    false
}

/// Bytes of one record's text (message plus continuation lines) kept for matching.
const MAX_RECORD_BYTES: usize = limits::MAX_LINE_BYTES;

/// Characters kept of a URL in an event (GET PKIOperation URLs carry the whole CMS).
const MAX_URL_CHARS: usize = 512;

/// Bytes/characters kept of identifiers, state names and reasons in an event.
const MAX_ID_BYTES: usize = 1024;

/// The first `max` bytes of `s`, cut on a char boundary.
fn head(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    &s[..cut]
}

/// Streaming parser for Company Portal `OMADM.log` / `OMADMLog_n.log` files.
pub struct AndroidParser {
    path: InputPath,
    out: LogOutput,
    /// The record being assembled.
    rec: Record,
    open: bool,
    /// A §2.1 header line was seen (else message-only lines are records of their own).
    seen_header: bool,
    /// Management modes already reported.
    modes: [bool; 3],
    /// Index in `out.events` of a `CertificateSelection` still waiting for its companion
    /// count, with the PID of its record.
    selection: Option<(usize, Option<u32>, bool, bool)>,
}

#[derive(Default)]
struct Record {
    line: u64,
    /// The timestamp as written; empty when the record has none.
    time: String,
    level: String,
    class: String,
    pid: Option<u32>,
    text: String,
    full: bool,
}

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

impl AndroidParser {
    pub fn new(path: InputPath) -> Self {
        AndroidParser {
            path,
            out: LogOutput {
                platform: Some(Platform::Android),
                ..LogOutput::default()
            },
            rec: Record::default(),
            open: false,
            seen_header: false,
            modes: [false; 3],
            selection: None,
        }
    }

    fn start(&mut self, number: u64, h: &Header<'_>) {
        self.flush();
        let r = &mut self.rec;
        r.line = number;
        r.time.clear();
        r.time.push_str(h.time.unwrap_or(""));
        r.level.clear();
        r.level.push_str(h.level);
        r.class.clear();
        r.class.push_str(h.class);
        r.pid = Some(h.pid);
        r.text.clear();
        r.full = false;
        push_bounded(&mut r.text, &mut r.full, h.message);
        self.open = true;
        self.out.records += 1;
    }

    fn flush(&mut self) {
        if !self.open {
            return;
        }
        self.open = false;
        let rec = std::mem::take(&mut self.rec);
        self.classify(&rec);
        // Keep the buffers' capacity for the next record.
        self.rec = rec;
    }

    fn emit(&mut self, rec: &Record, kind: EventKind) -> Option<usize> {
        if self.out.events.len() >= limits::MAX_EVENTS_PER_INPUT {
            self.out.events_dropped += 1;
            return None;
        }
        self.out.events.push(LogEvent {
            platform: Platform::Android,
            source: SourceRef::line(self.path.clone(), rec.line),
            time: (!rec.time.is_empty()).then(|| log_time(&rec.time)),
            pid: rec.pid,
            kind,
            text: limits::clip(&rec.text, limits::MAX_EVIDENCE_TEXT),
        });
        Some(self.out.events.len() - 1)
    }

    fn classify(&mut self, rec: &Record) {
        let text = rec.text.as_str();
        // The message's first line: most shapes live there.
        let msg = text.split('\n').next().unwrap_or("");
        let mut hits = 0u64;
        for hay in [text, rec.class.as_str()] {
            for m in matcher().find_overlapping_iter(hay) {
                if let Some((_, p)) = PATTERNS.get(m.pattern().as_usize()) {
                    hits |= 1 << *p as u64;
                }
            }
        }
        let has = |p: P| hits & (1 << p as u64) != 0;

        if !rec.class.ends_with("CertUtils") {
            self.selection = None;
        }
        if hits == 0 {
            return;
        }
        self.management_hints(rec, has(P::Afw), has(P::Knox), has(P::DeviceAdmin));

        if has(P::ThereAre)
            && let Some(n) = there_are(msg)
        {
            self.emit(rec, EventKind::PendingRequests { count: n });
        }
        if has(P::TryingToEnroll)
            && let Some(rest) = after(msg, "Trying to enroll certificate request:")
            && let Some(profile) = ProfileId::parse(head(rest, MAX_ID_BYTES))
        {
            self.emit(rec, EventKind::EnrollmentAttempt { profile });
        }
        if has(P::Sending)
            && let Some(kind) = sending(msg, &rec.class)
        {
            self.emit(rec, kind);
        }
        if has(P::Received)
            && let Some(kind) = received(msg)
        {
            self.emit(rec, kind);
        }
        if has(P::CertRep)
            && let Some(kind) = cert_rep(msg)
        {
            self.emit(rec, kind);
        }
        if has(P::Encoding)
            && let Some(kind) = encoding(msg)
        {
            self.emit(rec, kind);
        }
        if has(P::Invalid)
            && let Some(detail) = invalid_response(text)
        {
            self.emit(rec, EventKind::ScepInvalidResponse { detail });
        }
        if has(P::Capabilities) {
            let detail = line_containing(text, "problem when determining capabilities");
            self.emit(rec, EventKind::ScepCapabilitiesMissing { detail });
        }
        if has(P::OperationFailed)
            && let Some(rest) = after(text, "Operation failed due to")
        {
            let word: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            self.emit(
                rec,
                EventKind::CertRep {
                    status: PkiStatus::Failure,
                    fail_info: FailInfo::parse(&word),
                    transaction_id: None,
                },
            );
        }
        if has(P::Transport)
            && let Some(kind) = transport_error(text)
        {
            self.emit(rec, kind);
        }
        if has(P::StateChanged)
            && let Some(kind) = state_change(msg)
        {
            self.emit(rec, kind);
        }
        if has(P::PendingCerts)
            && let Some(profile) = skipping_profile(msg)
        {
            self.emit(rec, EventKind::DependentProfileWaiting { profile });
        }
        if has(P::Applied)
            && let Some(profile) = applied_profile(msg)
        {
            self.emit(rec, EventKind::DependentProfileApplied { profile });
        }
        if has(P::Criteria) {
            self.selection_count(rec, msg);
        }
        if has(P::Excluding)
            && let Some(i) = msg.find("Excluding cert")
        {
            let detail = limits::clip(msg[i..].trim_end(), limits::MAX_EVIDENCE_TEXT);
            self.emit(rec, EventKind::CertificateExcluded { detail });
        }
        if has(P::CertStore) {
            self.syncml(rec, text);
        }
        if has(P::ModelName)
            && has(P::Fail)
            && is_error_level(&rec.level)
            && find_ascii_ci(text, "enrol").is_some()
        {
            let detail = limits::clip(msg.trim(), limits::MAX_EVIDENCE_TEXT);
            let profile = text
                .find("ModelName")
                .and_then(|i| ProfileId::parse(head(&text[i..], MAX_ID_BYTES)));
            self.emit(rec, EventKind::EnrollmentFailed { profile, detail });
        }
    }

    fn management_hints(&mut self, rec: &Record, afw: bool, knox: bool, da: bool) {
        for (i, (hit, mode)) in [
            (afw, ManagementMode::AndroidEnterprise),
            (knox, ManagementMode::Knox),
            (da, ManagementMode::DeviceAdministrator),
        ]
        .into_iter()
        .enumerate()
        {
            if hit && !self.modes[i] {
                self.modes[i] = true;
                self.emit(rec, EventKind::Management(mode));
            }
        }
    }

    fn selection_count(&mut self, rec: &Record, msg: &str) {
        let (n, matched) = match criteria_count(msg) {
            Some(x) => x,
            None => return,
        };
        if let Some((idx, pid, has_m, has_e)) = self.selection {
            let slot_free = if matched { !has_m } else { !has_e };
            if pid == rec.pid && slot_free {
                if let Some(ev) = self.out.events.get_mut(idx)
                    && let EventKind::CertificateSelection {
                        matched: m,
                        excluded: e,
                    } = &mut ev.kind
                {
                    if matched {
                        *m = n;
                    } else {
                        *e = n;
                    }
                    ev.text = limits::clip(
                        &format!("{}\n{}", ev.text, rec.text),
                        limits::MAX_EVIDENCE_TEXT,
                    );
                }
                self.selection = None;
                return;
            }
        }
        let kind = if matched {
            EventKind::CertificateSelection {
                matched: n,
                excluded: 0,
            }
        } else {
            EventKind::CertificateSelection {
                matched: 0,
                excluded: n,
            }
        };
        self.selection = self
            .emit(rec, kind)
            .map(|i| (i, rec.pid, matched, !matched));
    }

    fn syncml(&mut self, rec: &Record, text: &str) {
        let mut seen: Vec<String> = Vec::new();
        for needle in [
            "CertificateStore/Enroll/",
            "CertificateStore%2FEnroll%2F",
            "CertificateStore%2fEnroll%2f",
        ] {
            let mut from = 0;
            while let Some(i) = text[from..].find(needle) {
                let start = from + i + needle.len();
                from = start;
                let rest = &text[start..];
                let Some(raw) = enroll_id(rest) else { continue };
                let after_id = &rest[raw.len()..];
                let install = after_id.starts_with("/Install")
                    || after_id
                        .get(..10)
                        .is_some_and(|s| s.eq_ignore_ascii_case("%2FInstall"));
                if !install || seen.iter().any(|s| s == raw) {
                    continue;
                }
                seen.push(raw.to_string());
                if let Some(profile) = ProfileId::parse(head(raw, MAX_ID_BYTES)) {
                    self.emit(
                        rec,
                        EventKind::ProfileReceived {
                            profile: Some(profile),
                            root: false,
                        },
                    );
                }
            }
        }
        if text.contains("CertificateStore/Root/")
            || find_ascii_ci(text, "CertificateStore%2FRoot%2F").is_some()
        {
            self.emit(
                rec,
                EventKind::ProfileReceived {
                    profile: None,
                    root: true,
                },
            );
        }
    }
}

impl LogParser for AndroidParser {
    fn line(&mut self, number: u64, line: &str) {
        if let Some(h) = parse_header(line) {
            self.seen_header = true;
            self.start(number, &h);
            return;
        }
        if self.open {
            let r = &mut self.rec;
            if !r.full {
                push_bounded(&mut r.text, &mut r.full, "\n");
                push_bounded(&mut r.text, &mut r.full, line);
            }
            return;
        }
        // Message-only excerpts (tickets, forum posts): before any header line, a line
        // with a known phrase is a record of its own, without time.
        if !self.seen_header && !line.trim().is_empty() && matcher().is_match(line) {
            self.flush();
            let r = &mut self.rec;
            r.line = number;
            r.time.clear();
            r.level.clear();
            r.class.clear();
            r.pid = None;
            r.text.clear();
            r.full = false;
            push_bounded(&mut r.text, &mut r.full, line.trim());
            let before = self.out.events.len() as u64 + self.out.events_dropped;
            let rec = std::mem::take(&mut self.rec);
            self.classify(&rec);
            self.rec = rec;
            // Counted as a record only when it said something recognisable.
            if self.out.events.len() as u64 + self.out.events_dropped > before {
                self.out.records += 1;
            }
        }
    }

    fn skim(&self) -> Option<&'static Skim> {
        static S: OnceLock<Skim> = OnceLock::new();
        Some(S.get_or_init(|| Skim::new(SKIM_KEYWORDS, is_record_start)))
    }

    fn skipped(&mut self, records: u64) {
        if records == 0 {
            return;
        }
        // What `line` would have done with their headers: close the open record; the
        // skipped ones hold no keyword (so no `CertUtils` class either).
        self.flush();
        self.selection = None;
        self.seen_header = true;
        self.out.records += records;
    }

    fn finish(&mut self) -> LogOutput {
        self.flush();
        self.selection = None;
        std::mem::replace(
            &mut self.out,
            LogOutput {
                platform: Some(Platform::Android),
                ..LogOutput::default()
            },
        )
    }
}

fn push_bounded(buf: &mut String, full: &mut bool, s: &str) {
    if *full {
        return;
    }
    let room = MAX_RECORD_BYTES.saturating_sub(buf.len());
    if s.len() <= room {
        buf.push_str(s);
    } else {
        let mut cut = room;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        buf.push_str(&s[..cut]);
        *full = true;
    }
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Splits off the next blank-separated token: `(token, rest after the blanks, had_blanks)`.
fn token(s: &str) -> Option<(&str, &str, bool)> {
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
fn starts_with_timestamp(raw: &[u8]) -> bool {
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

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 10 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn is_class(s: &str) -> bool {
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
fn is_timestamp(s: &str) -> bool {
    ts_fields(s).is_some()
}

/// The fields of `YYYY-MM-DDThh:mm:ss[.fraction]`, checked, without date arithmetic.
fn ts_fields(s: &str) -> Option<[i64; 6]> {
    ts_bytes(s.as_bytes())
}

/// [`ts_fields`] on bytes.
fn ts_bytes(b: &[u8]) -> Option<[i64; 6]> {
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
const fn ts_shape(pattern: &[u8; 8]) -> (u64, u64, u64) {
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
fn swar_digits(w: u64, digits: u64) -> bool {
    let ones = digits / 0xFF;
    let x = w & digits;
    x & (ones * 0xF0) == ones * 0x30 && (x + ones * 0x06) & (ones * 0xF0) == ones * 0x30
}

/// Up to 8 bytes as a little-endian word, zero-padded.
#[inline(always)]
fn le_word(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w[..b.len()].copy_from_slice(b);
    u64::from_le_bytes(w)
}

/// The fields of `YYYY-MM-DDThh:mm:ss` when `b` is one with every field in range. Word
/// at a time (three loads): the fast path's record-start check calls this for every line
/// of a log that starts with a digit, the hottest check of a large log's scan.
fn ts_head(b: &[u8; 19]) -> Option<[i64; 6]> {
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
fn parse_ts(s: &str) -> Option<i128> {
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
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn log_time(ts: &str) -> LogTime {
    LogTime {
        text: ts.to_string(),
        order_key: parse_ts(ts),
        has_date: true,
    }
}

/// Patterns of the prefilter; the enum value is the pattern index.
#[derive(Clone, Copy, PartialEq)]
#[repr(u8)]
enum P {
    ThereAre,
    TryingToEnroll,
    Sending,
    Received,
    CertRep,
    Encoding,
    Invalid,
    Capabilities,
    OperationFailed,
    Transport,
    StateChanged,
    PendingCerts,
    Applied,
    Criteria,
    Excluding,
    CertStore,
    ModelName,
    Fail,
    Afw,
    Knox,
    DeviceAdmin,
}

const PATTERNS: &[(&str, P)] = &[
    ("There are ", P::ThereAre),
    ("Trying to enroll certificate request", P::TryingToEnroll),
    ("Sending ", P::Sending),
    ("Received ", P::Received),
    ("CertRep@", P::CertRep),
    ("Encoding message", P::Encoding),
    ("pkiMessage verification failed", P::Invalid),
    ("signedData contained no certificates", P::Invalid),
    ("Content-Type mismatch", P::Invalid),
    ("Expected [application/x-", P::Invalid),
    ("RA not issued by CA", P::Invalid),
    ("Transaction ID Mismatch", P::Invalid),
    ("Nonce mismatch", P::Invalid),
    ("problem when determining capabilities", P::Capabilities),
    ("Operation failed due to", P::OperationFailed),
    ("UnknownHostException", P::Transport),
    ("SSLHandshakeException", P::Transport),
    ("SSLException", P::Transport),
    ("ConnectException", P::Transport),
    ("SocketTimeoutException", P::Transport),
    ("NoRouteToHostException", P::Transport),
    ("CertPathValidatorException", P::Transport),
    ("Error connecting to server", P::Transport),
    ("state changed from", P::StateChanged),
    ("pending certificate", P::PendingCerts),
    ("Applied profile", P::Applied),
    ("applied, enabled and saved", P::Applied),
    ("cert(s) matched criteria", P::Criteria),
    ("cert(s) excluded by criteria", P::Criteria),
    ("Excluding cert", P::Excluding),
    ("CertificateStore", P::CertStore),
    ("ModelName", P::ModelName),
    ("fail", P::Fail),
    // Management hints (log-formats.md §7; real markers: Company Portal packages
    // `com.microsoft.omadm.platforms.afw.*`, messages naming the work profile).
    (".afw.", P::Afw),
    (" afw ", P::Afw),
    ("android enterprise", P::Afw),
    ("android for work", P::Afw),
    ("androidforwork", P::Afw),
    ("work profile", P::Afw),
    ("workprofile", P::Afw),
    ("device owner", P::Afw),
    ("deviceowner", P::Afw),
    ("profile owner", P::Afw),
    ("profileowner", P::Afw),
    ("knox", P::Knox),
    ("device administrator", P::DeviceAdmin),
    ("deviceadministrator", P::DeviceAdmin),
    ("device admin mode", P::DeviceAdmin),
    ("legacy device admin", P::DeviceAdmin),
];

/// The fast path's keywords (ASCII case-insensitive). Each is a rare substring of the
/// classifier patterns it covers — Teddy, the SIMD search, slows down with every keyword
/// and with common leading letters, so these are few and start with rare trigrams. A test
/// checks that every pattern contains one, except jscep's own messages ([`JSCEP_KINDS`]),
/// which jscep logs under its `org.jscep.` class and which `jscep` therefore covers (and
/// the lines before a file's first header, message-only excerpts, are always parsed).
/// `CertUtils` records are never skipped (they pair up with the next record); `fail` only
/// counts next to `ModelName`, so it needs none of its own.
const SKIM_KEYWORDS: &[&str] = &[
    "jscep",
    "here are ",
    "enroll cert",
    "xception",
    "necting to",
    "changed from",
    "pending cert",
    "pplied",
    "t(s) ",
    "xcluding",
    "certificatestore",
    "elname",
    "afw",
    "rprise",
    "r work",
    "rwork",
    "k profile",
    "kprofile",
    " owner",
    "eowner",
    "nox",
    "dmin",
    "tutils",
];

/// Pattern kinds that only jscep writes, under its own `org.jscep.` class.
#[cfg(test)]
const JSCEP_KINDS: &[P] = &[
    P::Sending,
    P::Received,
    P::CertRep,
    P::Encoding,
    P::Invalid,
    P::Capabilities,
    P::OperationFailed,
];

/// Whether a raw line opens a record, as [`AndroidParser::line`] would decide after
/// decoding and cleaning it: a §2.1 header. Only the head of the line is decoded.
fn is_record_start(raw: &[u8]) -> bool {
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

fn matcher() -> &'static AhoCorasick {
    static M: OnceLock<AhoCorasick> = OnceLock::new();
    M.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(PATTERNS.iter().map(|(p, _)| *p))
            .unwrap_or_else(|_| AhoCorasick::new(["\u{0}never\u{0}"]).expect("static pattern"))
    })
}

fn after<'a>(s: &'a str, needle: &str) -> Option<&'a str> {
    s.find(needle).map(|i| &s[i + needle.len()..])
}

fn line_containing(text: &str, needle: &str) -> String {
    let l = text
        .lines()
        .find(|l| find_ascii_ci(l, needle).is_some())
        .unwrap_or(text);
    limits::clip(l.trim(), limits::MAX_EVIDENCE_TEXT)
}

fn there_are(msg: &str) -> Option<u32> {
    let rest = after(msg, "There are ")?;
    let (n, tail) = rest.split_once(' ')?;
    if tail.trim_end_matches('.').trim() == "requests" || tail.trim() == "request" {
        n.parse().ok()
    } else {
        None
    }
}

/// `Sending {req} to {url}` (GET) or EnrollmentTransaction `Sending {cms}` (POST).
fn sending(msg: &str, class: &str) -> Option<EventKind> {
    let i = msg.find("Sending ")?;
    let rest = msg[i + "Sending ".len()..].trim();
    let jscep =
        class.contains("jscep") || class.contains("Transport") || class.contains("Transaction");
    if let Some((req, url)) = rest.split_once(" to ") {
        let url = url.split_whitespace().next().unwrap_or("");
        let op = ScepOperation::from_url(url).unwrap_or_else(|| ScepOperation::from_label(req));
        if !jscep && matches!(op, ScepOperation::Other(_)) {
            return None;
        }
        return Some(EventKind::ScepRequest {
            operation: op,
            url: Some(limits::clip(url, MAX_URL_CHARS)).filter(|u| !u.is_empty()),
        });
    }
    let label = rest.split_whitespace().next().unwrap_or("");
    if label.contains("CMSSignedData")
        || (class.ends_with("EnrollmentTransaction") && label.contains('@'))
    {
        return Some(EventKind::ScepRequest {
            operation: ScepOperation::PkiOperation,
            url: None,
        });
    }
    None
}

const QUOTES: [char; 5] = ['\'', '‘', '’', '"', '`'];

/// `Received '{code} {reason}' when sending {req} to {url}`.
fn received(msg: &str) -> Option<EventKind> {
    let i = msg.find("Received ")?;
    let rest = &msg[i + "Received ".len()..];
    let rest = rest.strip_prefix(QUOTES)?;
    let end = rest.find(QUOTES)?;
    let status_text = &rest[..end];
    let (code, reason) = match status_text.split_once(' ') {
        Some((c, r)) => (c, r.trim()),
        None => (status_text, ""),
    };
    if code.len() != 3 {
        return None;
    }
    let status: u16 = code.parse().ok()?;
    let tail = &rest[end..];
    let tail = tail.get(tail.chars().next()?.len_utf8()..)?;
    let sending = after(tail, "when sending ")?;
    let (req, url) = match sending.split_once(" to ") {
        Some((r, u)) => (r, u.split_whitespace().next()),
        None => (sending, None),
    };
    let operation = url
        .and_then(ScepOperation::from_url)
        .unwrap_or_else(|| ScepOperation::from_label(req));
    Some(EventKind::ScepHttpResponse {
        operation,
        status,
        reason: limits::clip(reason, MAX_ID_BYTES),
        url: url.map(|u| limits::clip(u, MAX_URL_CHARS)),
    })
}

/// Key/value pairs of a commons-lang reflection `toString`: `Name@hash[k=v,k2=v2]`.
fn reflection_fields(s: &str) -> Vec<(&str, &str)> {
    let Some(open) = s.find('[') else {
        return Vec::new();
    };
    let body = &s[open + 1..];
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = body.as_bytes();
    let mut end = body.len();
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'[' => depth += 1,
            b']' if depth == 0 => {
                end = i;
                break;
            }
            b']' => depth -= 1,
            b',' if depth == 0 => {
                out.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start <= end {
        out.push(&body[start..end]);
    }
    out.into_iter()
        .filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.trim(), v.trim())))
        .collect()
}

fn non_null(v: &str) -> Option<String> {
    let v = v.trim();
    if v.is_empty() || v == "<null>" || v.eq_ignore_ascii_case("null") {
        None
    } else {
        Some(limits::clip(v, MAX_ID_BYTES))
    }
}

fn cert_rep(msg: &str) -> Option<EventKind> {
    let i = msg.find("CertRep@")?;
    let fields = reflection_fields(&msg[i..]);
    let get = |k: &str| fields.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
    let status = PkiStatus::parse(get("pkiStatus")?);
    Some(EventKind::CertRep {
        status,
        fail_info: get("failInfo").and_then(FailInfo::parse),
        transaction_id: get("transId").and_then(non_null),
    })
}

fn encoding(msg: &str) -> Option<EventKind> {
    let rest = after(msg, "Encoding message")?;
    let poll = if rest.contains("GetCertInitial@") {
        true
    } else if rest.contains("PkcsReq@") {
        false
    } else {
        return None;
    };
    let fields = reflection_fields(rest);
    let transaction_id = fields
        .iter()
        .find(|(k, _)| *k == "transId")
        .and_then(|(_, v)| non_null(v));
    Some(EventKind::ScepRequestBuilt {
        transaction_id,
        poll,
    })
}

fn invalid_response(text: &str) -> Option<String> {
    const PHRASES: [&str; 8] = [
        "pkiMessage verification failed",
        "Unable to verify message",
        "signedData contained no certificates",
        "Content-Type mismatch",
        "Expected [application/x-",
        "RA not issued by CA",
        "Transaction ID Mismatch",
        "Nonce mismatch",
    ];
    for p in PHRASES {
        for l in text.lines() {
            if let Some(i) = l.find(p) {
                // From the start of the sentence (after an exception class prefix, if any).
                let start = l[..i]
                    .rfind(": ")
                    .map(|j| j + 2)
                    .filter(|&j| j <= i)
                    .unwrap_or(i);
                return Some(limits::clip(l[start..].trim(), limits::MAX_EVIDENCE_TEXT));
            }
        }
    }
    None
}

fn transport_error(text: &str) -> Option<EventKind> {
    const NEEDLES: [&str; 8] = [
        "UnknownHostException",
        "SSLHandshakeException",
        "SSLException",
        "NoRouteToHostException",
        "ConnectException",
        "SocketTimeoutException",
        "CertPathValidatorException",
        "Error connecting to server",
    ];
    let mut detail = None;
    'outer: for l in text.lines() {
        for n in NEEDLES {
            if let Some(i) = l.find(n) {
                // Start at the exception's qualified name when there is one.
                let start = l[..i].rfind([' ', ':', '(']).map(|j| j + 1).unwrap_or(0);
                detail = Some(limits::clip(l[start..].trim(), limits::MAX_EVIDENCE_TEXT));
                break 'outer;
            }
        }
    }
    let detail = detail?;
    Some(EventKind::ScepTransportError {
        operation: operation_in(text),
        detail,
    })
}

/// The SCEP operation a free text names, if any.
fn operation_in(text: &str) -> Option<ScepOperation> {
    if let Some(op) = ScepOperation::from_url(text) {
        return Some(op);
    }
    for (needle, op) in [
        ("GetCACert", ScepOperation::GetCaCert),
        ("GetCACaps", ScepOperation::GetCaCaps),
        ("PKIOperation", ScepOperation::PkiOperation),
        ("CMSSignedData", ScepOperation::PkiOperation),
    ] {
        if text.contains(needle) {
            return Some(op);
        }
    }
    None
}

/// Strips quotes (straight, curly, RTF-escaped) around an identifier.
fn unquote(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let before = s;
        for q in [
            "\\'91", "\\'92", "\\'93", "\\'94", "'", "‘", "’", "\"", "“", "”",
        ] {
            s = s.strip_prefix(q).unwrap_or(s);
            s = s.strip_suffix(q).unwrap_or(s);
        }
        if s == before {
            return s.trim();
        }
    }
}

/// `SCEP cert '{id}' state changed from S1 to S2` / `Root cert '{id}' …`.
fn state_change(msg: &str) -> Option<EventKind> {
    let i = msg.find(" state changed from ")?;
    let subject = &msg[..i];
    let tail = &msg[i + " state changed from ".len()..];
    let (from, to) = tail.split_once(" to ")?;
    let from = limits::clip(from.trim(), MAX_ID_BYTES);
    let to = to.split_whitespace().next()?.trim_end_matches(['.', ',']);
    let to = limits::clip(to, MAX_ID_BYTES);
    if let Some(j) = subject.find("SCEP cert") {
        let id = unquote(&subject[j + "SCEP cert".len()..]);
        let profile = ProfileId::parse(head(id, MAX_ID_BYTES))?;
        return Some(EventKind::ScepInstallState { profile, from, to });
    }
    if let Some(j) = subject.find("Root cert") {
        let root = limits::clip(unquote(&subject[j + "Root cert".len()..]), MAX_ID_BYTES);
        return Some(EventKind::RootInstallState { root, from, to });
    }
    None
}

fn skipping_profile(msg: &str) -> Option<String> {
    let i = msg.find("Skipping ")?;
    let rest = &msg[i..];
    let p = rest.find("profile ")?;
    let after_p = &rest[p + "profile ".len()..];
    let end = after_p.find(" because").unwrap_or(after_p.len());
    let id = unquote(&after_p[..end]);
    (!id.is_empty()).then(|| limits::clip(id, MAX_ID_BYTES))
}

fn applied_profile(msg: &str) -> Option<String> {
    if let Some(rest) = after(msg, "Applied profile ") {
        let id = unquote(rest.trim_end_matches('.'));
        return (!id.is_empty()).then(|| limits::clip(id, MAX_ID_BYTES));
    }
    if let Some(rest) = after(msg, "applied, enabled and saved ") {
        // `… saved wifi profile '<id>'`
        let rest = rest.split_once("profile ").map(|(_, r)| r).unwrap_or(rest);
        let id = unquote(rest.trim_end_matches('.'));
        return (!id.is_empty()).then(|| limits::clip(id, MAX_ID_BYTES));
    }
    None
}

/// `{n} cert(s) matched criteria` → `(n, true)`; `… excluded by criteria` → `(n, false)`.
fn criteria_count(msg: &str) -> Option<(u32, bool)> {
    let (i, matched) = match msg.find(" cert(s) matched criteria") {
        Some(i) => (i, true),
        None => (msg.find(" cert(s) excluded by criteria")?, false),
    };
    let head = &msg[..i];
    let start = head
        .rfind(|c: char| !c.is_ascii_digit())
        .map(|j| j + head[j..].chars().next().map_or(1, char::len_utf8))
        .unwrap_or(0);
    Some((head[start..].parse().ok()?, matched))
}

/// The SCEP profile identifier at the start of an `Enroll/` node path segment.
fn enroll_id(rest: &str) -> Option<&str> {
    if !rest.starts_with("ModelName") {
        return None;
    }
    let hash_at = [
        "%3BHash=",
        "%3bHash=",
        ";Hash=",
        "_Hash_",
        "%3BHash%3D",
        "%3bHash%3d",
    ]
    .iter()
    .filter_map(|n| rest.find(n).map(|i| i + n.len()))
    .min()?;
    let tail = &rest[hash_at..];
    let len = tail
        .char_indices()
        .take_while(|&(k, c)| c.is_ascii_digit() || (k == 0 && c == '-'))
        .count();
    Some(&rest[..hash_at + len])
}

fn is_error_level(level: &str) -> bool {
    matches!(
        level,
        "ERROR" | "ERR" | "SEVERE" | "FATAL" | "CRIT" | "CRITICAL"
    )
}

#[cfg(test)]
mod tests;
