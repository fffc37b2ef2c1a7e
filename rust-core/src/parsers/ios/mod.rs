//! iOS / iPadOS `profiled` log parser (log-formats.md §3): every layout of §3.1 (Console
//! copy, `log show` default/compact/syslog styles, legacy syslog, message-only excerpts,
//! glued web copies), multi-line / flattened / one-line NSError dumps, and the §3.2
//! messages → typed events. It never decides: error chains are handed over as
//! `ErrorCode::Apple` for `evidence::codes` to explain.

use crate::evidence::{
    ErrorCode, EventKind, LogEvent, LogTime, PkiStatus, Platform, ProfileId, ScepOperation,
    SourceRef,
};
use crate::limits::{MAX_EVENTS_PER_INPUT, MAX_EVIDENCE_TEXT, clip};

use super::{InputFormat, InputPath, LogOutput, LogParser, Reader, Signal};
use crate::contract::InputKind;
use crate::input::Head;

/// `profiled`'s log in any §3.1 layout, an NSError dump, or its messages quoted alone.
pub struct IosFormat;

impl InputFormat for IosFormat {
    fn name(&self) -> &'static str {
        "ios profiled log"
    }

    fn kind(&self) -> InputKind {
        InputKind::IosProfiledLog
    }

    fn recognise(&self, head: &Head<'_>) -> Option<Signal> {
        if layout_with_evidence(&head.lines, &head.text) {
            Some(Signal::Grammar)
        } else if head.has_any(SIGNATURE_PHRASES)
            || is_nserror(&head.lines)
            || names_scep_error_text(&head.text)
        {
            Some(Signal::Phrase)
        } else {
            None
        }
    }

    fn reader(&self, path: InputPath) -> Reader {
        Reader::log(IosParser::new(path))
    }
}

/// `profiled` messages and error domains distinctive enough to name the log on their own.
const SIGNATURE_PHRASES: &[&str] = &[
    "Performing synchronous URL request:",
    "GetCACert returned a",
    "Did not receive GetCACaps information",
    "Attempting to retrieve issued certificate",
    "Sending CSR via",
    "Certificate retrieval reported error",
    "Could not retrieve issued certificate",
    "Issued certificate received.",
    "Storing SCEP identity",
    "Cannot retrieve SCEP identity",
    "Rolling back installation of profile",
    "PayloadDependencyDomainCertificate",
    "Sleeping before polling SCEP server",
    "Successfully installed certificate.",
    "MCSCEPErrorDomain",
    "MCInstallationErrorDomain",
    "MCProfileErrorDomain",
    "MCCertificateErrorDomain",
];

fn is_time_of_day(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 8
        && b[2] == b':'
        && b[5] == b':'
        && [0, 1, 3, 4, 6, 7].iter().all(|&i| b[i].is_ascii_digit())
        && (b.len() == 8 || b[8] == b'.')
}

fn is_ymd(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// A §3.1 line shape (Console copy, `log show` styles, legacy syslog).
fn layout_line(l: &str) -> bool {
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

/// An NSError dump: a `NSError:` line and a `Domain … ErrorDomain` key.
fn is_nserror(lines: &[String]) -> bool {
    lines.iter().any(|l| l.trim() == "NSError:")
        && lines
            .iter()
            .any(|l| l.starts_with("Domain") && l.contains("ErrorDomain"))
}

/// A §3.1 layout (or an NSError dump) that also names `profiled`, an MC… error domain,
/// Intune's profile identifiers or a §3.2 phrase (other processes' logs share the layout).
fn layout_with_evidence(lines: &[String], text: &str) -> bool {
    let shape = lines.iter().any(|l| layout_line(l)) || is_nserror(lines);
    if !shape {
        return false;
    }
    let mc_domain = text.match_indices("ErrorDomain").any(|(i, _)| {
        let start = text[..i]
            .rfind(|c: char| !c.is_ascii_alphanumeric())
            .map(|j| j + text[j..].chars().next().map_or(1, char::len_utf8))
            .unwrap_or(0);
        text[start..i].starts_with("MC")
    });
    text.contains("profiled")
        || mc_domain
        || text.contains("windowsintune.com")
        || super::has_any(text, SIGNATURE_PHRASES)
}

/// Continuation lines kept per record (NSError and plist dumps are short).
const MAX_CONTINUATION_LINES: usize = 400;
/// Bytes of continuation text kept per record.
const MAX_CONTINUATION_BYTES: usize = 64 * 1024;
/// NSError frames read from one record.
const MAX_CHAIN: usize = 16;

const TYPE_WORDS: [&str; 5] = ["default", "info", "debug", "error", "fault"];

/// Streaming parser for `profiled` logs.
pub struct IosParser {
    path: InputPath,
    current: Option<Record>,
    out: LogOutput,
    last_op: Option<ScepOperation>,
    last_url: Option<String>,
    polling: bool,
    profile: Option<ProfileId>,
}

#[derive(Debug)]
struct Record {
    line: u64,
    time: Option<LogTime>,
    pid: Option<u32>,
    /// `None` for message-only records.
    process: Option<String>,
    message: String,
    cont: Vec<String>,
    cont_bytes: usize,
}

/// What the start of a record line says.
struct Header {
    time: Option<LogTime>,
    process: Option<String>,
    pid: Option<u32>,
    msg_start: usize,
}

impl IosParser {
    pub fn new(path: InputPath) -> Self {
        IosParser {
            path,
            current: None,
            out: LogOutput::default(),
            last_op: None,
            last_url: None,
            polling: false,
            profile: None,
        }
    }

    fn handle_segment(&mut self, number: u64, seg: &str) {
        let seg = seg.trim_end();
        if seg.trim().is_empty() {
            return;
        }
        if is_furniture(seg) {
            return;
        }
        if let Some(h) = parse_header(seg) {
            self.flush();
            let message = seg.get(h.msg_start..).unwrap_or("").trim().to_string();
            self.current = Some(Record {
                line: number,
                time: h.time,
                pid: h.pid,
                process: h.process,
                message,
                cont: Vec::new(),
                cont_bytes: 0,
            });
            return;
        }
        let cont = is_continuation(seg);
        if !cont && has_known_phrase(seg) {
            self.flush();
            self.current = Some(Record {
                line: number,
                time: None,
                pid: None,
                process: None,
                message: seg.trim().to_string(),
                cont: Vec::new(),
                cont_bytes: 0,
            });
            return;
        }
        match self.current.as_mut() {
            Some(rec)
                if rec.cont.len() < MAX_CONTINUATION_LINES
                    && rec.cont_bytes + seg.len() <= MAX_CONTINUATION_BYTES =>
            {
                rec.cont_bytes += seg.len();
                rec.cont.push(seg.to_string());
            }
            Some(_) => {}
            None if cont => {
                // A bare NSError dump: a message-only record.
                self.current = Some(Record {
                    line: number,
                    time: None,
                    pid: None,
                    process: None,
                    message: String::new(),
                    cont: vec![seg.to_string()],
                    cont_bytes: seg.len(),
                });
            }
            None => {}
        }
    }

    fn emit(&mut self, rec: &Record, kind: EventKind) {
        if self.out.events.len() >= MAX_EVENTS_PER_INPUT {
            self.out.events_dropped += 1;
            return;
        }
        let text = if rec.message.is_empty() {
            rec.cont.join("\n")
        } else {
            rec.message.clone()
        };
        self.out.events.push(LogEvent {
            platform: Platform::Ios,
            source: SourceRef::line(self.path.clone(), rec.line),
            time: rec.time.clone(),
            pid: rec.pid,
            kind,
            text: clip(&text, MAX_EVIDENCE_TEXT),
        });
    }

    fn flush(&mut self) {
        let Some(rec) = self.current.take() else {
            return;
        };
        self.out.records += 1;
        self.out.platform = Some(Platform::Ios);
        if let Some(p) = &rec.process
            && !p.to_ascii_lowercase().starts_with("profiled")
        {
            return;
        }
        self.classify(&rec);
    }

    fn classify(&mut self, rec: &Record) {
        let m = rec.message.trim();
        let full = if rec.cont.is_empty() {
            m.to_string()
        } else {
            let mut s = m.to_string();
            for c in &rec.cont {
                s.push('\n');
                s.push_str(c);
            }
            s
        };
        let chain = error_chain(&full);

        if let Some(rest) = m.strip_prefix("Performing synchronous URL request:") {
            let url = rest.trim().to_string();
            let op = ScepOperation::from_url(&url)
                .unwrap_or_else(|| ScepOperation::Other(String::new()));
            self.last_op = Some(op.clone());
            self.last_url = Some(url.clone());
            self.emit(
                rec,
                EventKind::ScepRequest {
                    operation: op,
                    url: Some(url),
                },
            );
            return;
        }
        if let Some(rest) = m.strip_prefix("URL request to ")
            && let Some(i) = rest.find(" failed")
        {
            let url = &rest[..i];
            let op = ScepOperation::from_url(url).or_else(|| self.last_op.clone());
            let detail = transport_detail(&chain, &full, rest.get(i + 7..).unwrap_or(""));
            self.emit(
                rec,
                EventKind::ScepTransportError {
                    operation: op,
                    detail,
                },
            );
            return;
        }
        if let Some(rest) = m.strip_prefix("URL request failed. Status code:") {
            let digits: String = rest
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if let Ok(status) = digits.parse::<u16>()
                && status >= 300
            {
                let operation = self
                    .last_op
                    .clone()
                    .unwrap_or_else(|| ScepOperation::Other(String::new()));
                let url = self.last_url.clone();
                self.emit(
                    rec,
                    EventKind::ScepHttpResponse {
                        operation,
                        status,
                        reason: String::new(),
                        url,
                    },
                );
            }
            return;
        }
        if m.contains("Did not receive GetCACaps information")
            || m.contains("Insufficient required capability")
        {
            self.emit(
                rec,
                EventKind::ScepCapabilitiesMissing {
                    detail: clip(m, MAX_EVIDENCE_TEXT),
                },
            );
            return;
        }
        if m.starts_with("Attempting to retrieve issued certificate") {
            let poll = self.polling;
            self.emit(
                rec,
                EventKind::ScepRequestBuilt {
                    transaction_id: None,
                    poll,
                },
            );
            return;
        }
        if m.starts_with("Sleeping before polling SCEP server") {
            self.polling = true;
            return;
        }
        if m.starts_with("Issued certificate received") {
            self.polling = false;
            self.emit(
                rec,
                EventKind::CertRep {
                    status: PkiStatus::Success,
                    fail_info: None,
                    transaction_id: None,
                },
            );
            return;
        }
        if m.starts_with("Successfully installed certificate") {
            self.emit(
                rec,
                EventKind::CertificateInstalled {
                    profile: None,
                    thumbprint: None,
                },
            );
            return;
        }
        if m.starts_with("Rolling back installation of profile") {
            let profile = ProfileId::parse(m);
            self.emit(rec, EventKind::ProfileRolledBack { profile });
            return;
        }
        if m.starts_with("Profile ") && m.trim_end_matches(['.', ' ']).ends_with("installed") {
            if let Some(id) = quoted_identifier(m) {
                if id.to_ascii_lowercase().contains(".scep.")
                    || (id.contains("ModelName") && !is_dependent(&id))
                {
                    let profile = ProfileId::parse(&id);
                    self.emit(
                        rec,
                        EventKind::CertificateInstalled {
                            profile,
                            thumbprint: None,
                        },
                    );
                } else if is_dependent(&id) {
                    self.emit(rec, EventKind::DependentProfileApplied { profile: id });
                }
            }
            return;
        }
        if let Some(rest) = m.strip_prefix("Adding dependent ") {
            if let Some(p) = ProfileId::parse(rest) {
                self.profile = Some(p);
            }
            if rest.contains("PayloadDependencyDomainCertificate") {
                let dependent = rest.split_whitespace().next().unwrap_or("");
                if let Some(profile) =
                    ProfileId::parse(dependent).or_else(|| ProfileId::parse(rest))
                {
                    self.emit(
                        rec,
                        EventKind::ProfileReceived {
                            profile: Some(profile),
                            root: false,
                        },
                    );
                }
            }
            return;
        }
        if m.starts_with("Sending CSR via") || m.starts_with("URL request succeeded") {
            return;
        }
        // Errors carried by an NSError (any form).
        if !chain.is_empty() {
            if chain.iter().any(|(d, _)| d == "PENDING") {
                let dup = matches!(
                    self.out.events.last(),
                    Some(LogEvent {
                        kind: EventKind::CertRep {
                            status: PkiStatus::Pending,
                            ..
                        },
                        ..
                    })
                );
                if !dup {
                    self.emit(
                        rec,
                        EventKind::CertRep {
                            status: PkiStatus::Pending,
                            fail_info: None,
                            transaction_id: None,
                        },
                    );
                }
                return;
            }
            if chain.iter().all(|(d, _)| d == "NSURLErrorDomain") {
                let detail = transport_detail(&chain, &full, m);
                let operation = self.last_op.clone();
                self.emit(rec, EventKind::ScepTransportError { operation, detail });
                return;
            }
            let detail = clip(&error_detail(&full, m), MAX_EVIDENCE_TEXT);
            let profile = self.profile.clone();
            self.emit(
                rec,
                EventKind::InstallError {
                    profile,
                    code: Some(ErrorCode::Apple { chain }),
                    detail,
                },
            );
            return;
        }
        if [
            "Cannot retrieve SCEP identity",
            "Could not retrieve issued certificate",
            "Certificate retrieval reported error",
        ]
        .iter()
        .any(|p| m.starts_with(p))
            && !full.contains("PENDING error 3")
        {
            // A failure without a readable domain/code: keep it, `codes::apple_text` may explain it.
            let detail = clip(&error_detail(&full, m), MAX_EVIDENCE_TEXT);
            let profile = self.profile.clone();
            self.emit(
                rec,
                EventKind::InstallError {
                    profile,
                    code: None,
                    detail,
                },
            );
            return;
        }
        if full.contains("PENDING error 3") {
            self.emit(
                rec,
                EventKind::CertRep {
                    status: PkiStatus::Pending,
                    fail_info: None,
                    transaction_id: None,
                },
            );
            return;
        }
        let lower = full.to_ascii_lowercase();
        if lower.contains("registration authority")
            && (lower.contains("invalid") || lower.contains("error"))
            || lower.contains("scep server returned an invalid response")
        {
            let detail = clip(&error_detail(&full, m), MAX_EVIDENCE_TEXT);
            let profile = self.profile.clone();
            self.emit(
                rec,
                EventKind::InstallError {
                    profile,
                    code: None,
                    detail,
                },
            );
        }
    }
}

impl LogParser for IosParser {
    fn line(&mut self, number: u64, line: &str) {
        let line = line.trim_end_matches(['\r', '\n']);
        let mut start = 0;
        for cut in glued_record_starts(line) {
            if let Some(seg) = line.get(start..cut) {
                self.handle_segment(number, seg);
            }
            start = cut;
        }
        if let Some(seg) = line.get(start..) {
            self.handle_segment(number, seg);
        }
    }

    fn finish(&mut self) -> LogOutput {
        self.flush();
        std::mem::take(&mut self.out)
    }
}

// ---------------------------------------------------------------------------------------
// Line shapes
// ---------------------------------------------------------------------------------------

fn is_furniture(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("Timestamp ")
        || t.starts_with("Filtering the log data")
        || t.starts_with("Skipping ")
        || t.starts_with("----")
        || (t.starts_with("Log ") && t.contains("- Default:"))
        || t.starts_with("Activity - ")
        || t.starts_with("** Processed")
}

const NSERROR_KEYS: [&str; 8] = [
    "US Desc", "US Sugg", "Desc", "Sugg", "Domain", "Code", "Type", "Params",
];

fn is_continuation(line: &str) -> bool {
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
const PHRASES: [&str; 16] = [
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

fn has_known_phrase(line: &str) -> bool {
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
fn glued_record_starts(line: &str) -> Vec<usize> {
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
fn time_shape(b: &[u8]) -> bool {
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
fn tokens(s: &str, max: usize) -> Vec<(usize, usize)> {
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

fn parse_small(s: &str, max_len: usize) -> Option<i128> {
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
fn split_offset(tok: &str) -> (&str, bool) {
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

fn is_offset(tok: &str) -> bool {
    let b = tok.as_bytes();
    b.len() == 5 && (b[0] == b'+' || b[0] == b'-') && b[1..].iter().all(|c| c.is_ascii_digit())
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn parse_header(line: &str) -> Option<Header> {
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
fn split_process(tok: &str) -> (String, Option<u32>) {
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

// ---------------------------------------------------------------------------------------
// Message contents
// ---------------------------------------------------------------------------------------

fn is_dependent(id: &str) -> bool {
    let l = id.to_ascii_lowercase();
    ["wifi", "wi-fi", "vpn", "email", "exchange", "eas", "802.1x"]
        .iter()
        .any(|w| l.contains(w))
}

/// The identifier between the quotes of `Profile “…” installed.` (curly or straight).
fn quoted_identifier(m: &str) -> Option<String> {
    let open = m.find(['“', '"', '‘', '\''])?;
    let open_len = m[open..].chars().next()?.len_utf8();
    let rest = &m[open + open_len..];
    let close = rest.rfind(['”', '"', '’', '\''])?;
    Some(rest[..close].to_string())
}

fn is_word_start(b: &[u8], i: usize) -> bool {
    i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

/// Finds `word` at a word start at or after `from`, before `until`.
fn find_word(text: &str, word: &str, from: usize, until: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = from;
    while i < until.min(text.len()) {
        let j = text.get(i..)?.find(word)? + i;
        if j >= until {
            return None;
        }
        if is_word_start(b, j) {
            return Some(j);
        }
        i = j + word.len();
    }
    None
}

/// Skips blanks, one `:` or `=`, blanks; returns the offset after them.
fn after_separator(text: &str, at: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = at;
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    if i >= b.len() || (b[i] != b':' && b[i] != b'=') {
        return None;
    }
    i += 1;
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    Some(i)
}

/// The NSError chain of a record, outermost first, from multi-line dumps
/// (`Domain : X` / `Code : N` lines), flattened dumps and `Error Domain=X Code=N`.
pub(crate) fn error_chain(text: &str) -> Vec<(String, i64)> {
    let mut chain = Vec::new();
    let b = text.as_bytes();
    let mut pos = 0;
    while chain.len() < MAX_CHAIN {
        let Some(d) = find_word(text, "Domain", pos, text.len()) else {
            break;
        };
        pos = d + 6;
        let Some(vs) = after_separator(text, pos) else {
            continue;
        };
        let mut ve = vs;
        while ve < b.len()
            && !b[ve].is_ascii_whitespace()
            && !matches!(b[ve], b',' | b';' | b'"' | b'}' | b'\'')
        {
            ve += 1;
        }
        let Some(domain) = text.get(vs..ve) else {
            break;
        };
        if domain.is_empty() {
            continue;
        }
        pos = ve;
        let next_domain = find_word(text, "Domain", ve, text.len()).unwrap_or(text.len());
        let Some(c) = find_word(text, "Code", ve, next_domain) else {
            continue;
        };
        let Some(cs) = after_separator(text, c + 4) else {
            continue;
        };
        let mut ce = cs;
        if ce < b.len() && b[ce] == b'-' {
            ce += 1;
        }
        while ce < b.len() && b[ce].is_ascii_digit() && ce - cs < 20 {
            ce += 1;
        }
        if let Some(code) = text.get(cs..ce).and_then(|s| s.parse::<i64>().ok()) {
            chain.push((domain.to_string(), code));
            pos = ce;
        }
    }
    chain
}

/// The English description of the innermost error (`US Desc`, else `Desc`, else
/// `NSLocalizedDescription`), or the message.
fn error_detail(full: &str, message: &str) -> String {
    let mut us: Option<&str> = None;
    let mut desc: Option<&str> = None;
    for line in full.lines() {
        let t = line.trim();
        if let Some(r) = t.strip_prefix("US Desc") {
            if let Some(v) = r.trim_start().strip_prefix(':') {
                us = Some(v.trim());
            }
        } else if let Some(r) = t.strip_prefix("Desc")
            && let Some(v) = r.trim_start().strip_prefix(':')
        {
            desc = Some(v.trim());
        }
    }
    if let Some(v) = us.or(desc).filter(|v| !v.is_empty()) {
        return v.to_string();
    }
    if let Some(i) = full.find("NSLocalizedDescription=") {
        let r = &full[i + "NSLocalizedDescription=".len()..];
        let end = r.find([',', '}']).unwrap_or(r.len());
        return r[..end].trim().to_string();
    }
    if message.is_empty() {
        full.to_string()
    } else {
        message.to_string()
    }
}

fn transport_detail(chain: &[(String, i64)], full: &str, fallback: &str) -> String {
    let desc = error_detail(full, "");
    let url_code = chain
        .iter()
        .rev()
        .find(|(d, _)| d == "NSURLErrorDomain")
        .map(|(_, c)| *c);
    let s = match url_code {
        Some(c) if !desc.is_empty() && desc != full => format!("NSURLErrorDomain {c}: {desc}"),
        Some(c) => format!("NSURLErrorDomain {c}"),
        None => fallback.trim().trim_start_matches('.').trim().to_string(),
    };
    clip(&s, MAX_EVIDENCE_TEXT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn run(text: &str) -> LogOutput {
        let mut p = IosParser::new(Arc::from("test.log"));
        for (i, l) in text.split('\n').enumerate() {
            p.line(i as u64 + 1, l.strip_suffix('\r').unwrap_or(l));
        }
        p.finish()
    }

    fn kinds(out: &LogOutput) -> Vec<&EventKind> {
        out.events.iter().map(|e| &e.kind).collect()
    }

    fn apple(items: &[(&str, i64)]) -> Option<ErrorCode> {
        Some(ErrorCode::Apple {
            chain: items.iter().map(|(d, c)| (d.to_string(), *c)).collect(),
        })
    }

    #[test]
    fn console_copy_scep_installed() {
        let out = run(include_str!(
            "../../../../tests/fixtures/ios/console-scep-installed.log"
        ));
        assert_eq!(out.records, 19);
        assert_eq!(out.platform, Some(Platform::Ios));
        let k = kinds(&out);
        let ops: Vec<_> = k
            .iter()
            .filter_map(|k| match k {
                EventKind::ScepRequest { operation, .. } => Some(operation.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            ops,
            vec![
                ScepOperation::GetCaCert,
                ScepOperation::GetCaCaps,
                ScepOperation::PkiOperation
            ]
        );
        assert!(
            matches!(k[0], EventKind::ProfileReceived { profile: Some(p), root: false } if p.hash == "-1877342201")
        );
        assert!(k.iter().any(|k| matches!(
            k,
            EventKind::CertRep {
                status: PkiStatus::Success,
                ..
            }
        )));
        assert!(
            k.iter()
                .any(|k| matches!(k, EventKind::ScepRequestBuilt { poll: false, .. }))
        );
        let last = k.last().unwrap();
        assert!(
            matches!(last, EventKind::CertificateInstalled { profile: Some(p), .. } if p.hash == "-1877342201")
        );
        assert!(!k.iter().any(|k| matches!(
            k,
            EventKind::InstallError { .. } | EventKind::ScepTransportError { .. }
        )));
        let t = out.events[0].time.as_ref().unwrap();
        assert_eq!(t.text, "09:12:39.201733 +0100");
        assert!(!t.has_date);
        assert_eq!(
            t.order_key,
            Some(((9 * 60 + 12) * 60 + 39) * 1_000_000_000 + 201_733_000)
        );
        assert_eq!(out.events[0].source.line, Some(1));
    }

    #[test]
    fn log_show_network_timeout() {
        let out = run(include_str!(
            "../../../../tests/fixtures/ios/logshow-network-timeout-22005.log"
        ));
        assert_eq!(out.records, 6);
        let k = kinds(&out);
        assert!(matches!(k[0], EventKind::ProfileReceived { .. }));
        assert!(matches!(
            k[1],
            EventKind::ScepRequest {
                operation: ScepOperation::GetCaCert,
                ..
            }
        ));
        match k[2] {
            EventKind::ScepTransportError { operation, detail } => {
                assert_eq!(operation, &Some(ScepOperation::GetCaCert));
                assert!(
                    detail.contains("-1001") && detail.contains("timed out"),
                    "{detail}"
                );
            }
            other => panic!("{other:?}"),
        }
        match k[3] {
            EventKind::InstallError {
                profile,
                code,
                detail,
            } => {
                assert_eq!(
                    code,
                    &apple(&[("MCSCEPErrorDomain", 22005), ("NSURLErrorDomain", -1001)])
                );
                assert!(profile.as_ref().is_some_and(|p| p.hash == "315604882"));
                assert_eq!(detail, "The request timed out.");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(k[4], EventKind::ProfileRolledBack { profile: Some(p) } if p.hash == "315604882")
        );
        assert_eq!(k.len(), 5);
        let t = out.events[0].time.as_ref().unwrap();
        assert_eq!(t.text, "2024-05-06 08:41:06.950871-0400");
        assert!(t.has_date);
    }

    #[test]
    fn bare_nserror_22013() {
        let out = run(include_str!(
            "../../../../tests/fixtures/ios/nserror-22013.txt"
        ));
        assert_eq!(out.records, 1);
        let k = kinds(&out);
        assert_eq!(k.len(), 1);
        match k[0] {
            EventKind::InstallError { code, detail, .. } => {
                assert_eq!(
                    code,
                    &apple(&[("MCProfileErrorDomain", 1009), ("MCSCEPErrorDomain", 22013)])
                );
                assert_eq!(detail, "The SCEP server returned an invalid response.");
            }
            other => panic!("{other:?}"),
        }
        assert!(out.events[0].time.is_none());
    }

    /// The seed article's lines after the decoder removed the RTF debris.
    #[test]
    fn seed_article_lines() {
        let text = "Debug 18:30:53.691033 -0500 profiled Performing synchronous URL request: https://<server>-contoso.msappproxy.net/certsrv/mscep/mscep.dll?operation=GetCACert&message=SCEP%20Authority\n\
Debug 18:30:54.640644 -0500 profiled Performing synchronous URL request: https://<server>-contoso.msappproxy.net/certsrv/mscep/mscep.dll?operation=GetCACaps&message=SCEP%20Authority\n\
Debug 18:30:55.487908 -0500 profiled Performing synchronous URL request: https://<server>-contoso.msappproxy.net/certsrv/mscep/mscep.dll?operation=PKIOperation&message=MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgMFADCABgkqhkiG9w0BBwGggCSABIIZfzCABgkq\n\
Debug 18:30:57.285730 -0500 profiled Adding dependent Microsoft.Profiles.MDM to parent www.windowsintune.com.SCEP.ModelName=AC_51bad41f.../LogicalName_1892fe4c...;Hash=-912418295 in domain ManagedProfileToManagingProfile to system\n\
Default 18:30:57.320616 -0500 profiled Profile \u{201c}www.windowsintune.com.SCEP.ModelName=AC_51bad41f.../LogicalName_1892fe4c...;Hash=-912418295\u{201d} installed.";
        let out = run(text);
        assert_eq!(out.records, 5);
        let k = kinds(&out);
        assert_eq!(k.len(), 4);
        assert!(matches!(
            k[2],
            EventKind::ScepRequest {
                operation: ScepOperation::PkiOperation,
                ..
            }
        ));
        match k[3] {
            EventKind::CertificateInstalled {
                profile: Some(p), ..
            } => {
                assert_eq!(p.hash, "-912418295");
                assert_eq!(p.account, "51bad41f...");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            out.events[0].time.as_ref().unwrap().text,
            "18:30:53.691033 -0500"
        );
    }

    #[test]
    fn straight_quotes_and_dependent_profiles() {
        let out = run(
            "default 10:00:00.000001 +0000 profiled Profile \"www.windowsintune.com.wifi.Corp-WiFi\" installed.\n\
default 10:00:00.000002 +0000 profiled Profile 'www.windowsintune.com.SCEP.ModelName=AC_a/LogicalName_b;Hash=1' installed.",
        );
        let k = kinds(&out);
        assert!(
            matches!(k[0], EventKind::DependentProfileApplied { profile } if profile == "www.windowsintune.com.wifi.Corp-WiFi")
        );
        assert!(
            matches!(k[1], EventKind::CertificateInstalled { profile: Some(p), .. } if p.hash == "1")
        );
    }

    #[test]
    fn other_processes_are_records_only() {
        let out = run("default\t09:12:39.880112 +0100\tmdmd\tIssued certificate received.");
        assert_eq!(out.records, 1);
        assert!(out.events.is_empty());
    }

    #[test]
    fn pending_and_polling() {
        let out = run(
            "error 09:00:00.000001 +0100 profiled Certificate retrieval reported error: Error Domain=PENDING Code=3 \"The operation couldn\u{2019}t be completed. (PENDING error 3.)\"\n\
default 09:00:00.000002 +0100 profiled Could not retrieve issued certificate: Error Domain=PENDING Code=3 \"(PENDING error 3.)\"\n\
default 09:00:00.000003 +0100 profiled Sleeping before polling SCEP server again.\n\
default 09:00:10.000003 +0100 profiled Attempting to retrieve issued certificate...",
        );
        let k = kinds(&out);
        assert_eq!(k.len(), 2, "{k:?}");
        assert!(matches!(
            k[0],
            EventKind::CertRep {
                status: PkiStatus::Pending,
                ..
            }
        ));
        assert!(matches!(
            k[1],
            EventKind::ScepRequestBuilt { poll: true, .. }
        ));
    }

    #[test]
    fn http_status_and_caps() {
        let out = run(
            "debug 09:00:00.1 +0100 profiled Performing synchronous URL request: https://h/certsrv/mscep/mscep.dll?operation=GetCACaps&message=x\n\
debug 09:00:00.2 +0100 profiled URL request failed. Status code: 404\n\
debug 09:00:00.3 +0100 profiled URL request failed. Status code: 0\n\
default 09:00:00.4 +0100 profiled Did not receive GetCACaps information from SCEP server. Assuming support for SHA-1 only.",
        );
        let k = kinds(&out);
        assert_eq!(k.len(), 3);
        assert!(matches!(
            k[1],
            EventKind::ScepHttpResponse {
                operation: ScepOperation::GetCaCaps,
                status: 404,
                ..
            }
        ));
        assert!(matches!(k[2], EventKind::ScepCapabilitiesMissing { .. }));
    }

    fn fixture_chain_tests(text: &str) -> LogOutput {
        run(text)
    }

    #[test]
    fn legacy_syslog_fixture() {
        let out = fixture_chain_tests(include_str!(
            "../../../../tests/fixtures/ios/legacy-syslog.log"
        ));
        let k = kinds(&out);
        assert!(out.records >= 6);
        assert!(k.iter().any(|k| matches!(
            k,
            EventKind::ScepRequest {
                operation: ScepOperation::GetCaCert,
                ..
            }
        )));
        assert!(k.iter().any(|k| matches!(
            k,
            EventKind::CertRep {
                status: PkiStatus::Success,
                ..
            }
        )));
        assert!(k.iter().any(|k| matches!(
            k,
            EventKind::CertificateInstalled {
                profile: Some(_),
                ..
            }
        )));
        let e = &out.events[0];
        assert_eq!(e.time.as_ref().unwrap().text, "May  6 08:41:06");
        assert_eq!(e.pid, Some(412));
        // Warnings are not failures; other processes produce no events.
        assert!(
            !k.iter()
                .any(|k| matches!(k, EventKind::InstallError { .. }))
        );
    }

    #[test]
    fn compact_style_fixture() {
        let out = run(include_str!(
            "../../../../tests/fixtures/ios/logshow-compact-22003.log"
        ));
        let k = kinds(&out);
        assert!(k.iter().any(|k| matches!(
            k,
            EventKind::ScepRequest {
                operation: ScepOperation::GetCaCert,
                ..
            }
        )));
        let err = k.iter().find_map(|k| match k {
            EventKind::InstallError { code, .. } => Some(code.clone()),
            _ => None,
        });
        assert_eq!(
            err,
            Some(apple(&[
                ("MCInstallationErrorDomain", 4001),
                ("MCSCEPErrorDomain", 22003)
            ]))
        );
        assert_eq!(out.events[0].pid, Some(412));
        assert_eq!(
            out.events[0].time.as_ref().unwrap().text,
            "2024-05-06 08:41:06.950"
        );
        assert!(
            k.iter()
                .any(|k| matches!(k, EventKind::ProfileRolledBack { .. }))
        );
    }

    #[test]
    fn glued_web_copy_fixture() {
        let out = run(include_str!(
            "../../../../tests/fixtures/ios/web-copy-glued.txt"
        ));
        let k = kinds(&out);
        assert_eq!(out.records, 6, "{k:?}");
        let ops: Vec<_> = k
            .iter()
            .filter_map(|k| match k {
                EventKind::ScepRequest { operation, .. } => Some(operation.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            ops,
            vec![
                ScepOperation::GetCaCert,
                ScepOperation::GetCaCaps,
                ScepOperation::PkiOperation
            ]
        );
        assert!(matches!(
            k.last().unwrap(),
            EventKind::CertificateInstalled {
                profile: Some(_),
                ..
            }
        ));
    }

    #[test]
    fn flattened_nserror_fixture() {
        let out = run(include_str!(
            "../../../../tests/fixtures/ios/nserror-flattened-22013.txt"
        ));
        let k = kinds(&out);
        assert_eq!(k.len(), 1, "{k:?}");
        assert!(matches!(k[0], EventKind::InstallError { code, .. }
            if code == &apple(&[("MCProfileErrorDomain", 1009), ("MCSCEPErrorDomain", 22013)])));
    }

    #[test]
    fn one_line_nsurl_error_in_nested_userinfo() {
        let chain = error_chain(
            "Error Domain=MCSCEPErrorDomain Code=22005 \"x\" UserInfo={NSUnderlyingError=0x1 {Error Domain=NSURLErrorDomain Code=-1003 \"A server with the specified hostname could not be found.\" UserInfo={_kCFStreamErrorDomainKey=12, _kCFStreamErrorCodeKey=8}}}",
        );
        assert_eq!(
            chain,
            vec![
                ("MCSCEPErrorDomain".to_string(), 22005),
                ("NSURLErrorDomain".to_string(), -1003)
            ]
        );
    }

    #[test]
    fn furniture_is_skipped_and_message_only_lines_accepted() {
        let out = run(
            "Timestamp                       Thread     Type        Activity             PID    TTL\n\
Skipping info and debug messages, pass --info and/or --debug to include.\n\
Issued certificate received.\n\
** Processed 12 entries, done. **",
        );
        assert_eq!(out.records, 1);
        assert!(out.events[0].time.is_none());
        assert!(matches!(
            out.events[0].kind,
            EventKind::CertRep {
                status: PkiStatus::Success,
                ..
            }
        ));
    }

    #[test]
    fn text_fallback_without_code() {
        let out = run(
            "error 09:00:00.1 +0100 profiled Cannot retrieve SCEP identity: Invalid Registration Authority certificate.",
        );
        assert!(matches!(
            out.events[0].kind,
            EventKind::InstallError { code: None, .. }
        ));
    }

    #[test]
    fn message_only_error_texts() {
        let out = run("The SCEP server returned an invalid response.\n\
The SCEP server returned an invalid Registration Authority certificate.\n\
The Registration Authority of the city was invalid.");
        assert_eq!(out.records, 2);
        let k = kinds(&out);
        assert!(
            k.iter()
                .all(|k| matches!(k, EventKind::InstallError { code: None, .. })),
            "{k:?}"
        );
    }

    #[test]
    fn log_show_syslog_and_default_with_library() {
        let out = run(
            "2024-05-06 08:41:07.322190-0400  localhost profiled[412]: (ManagedConfiguration) [com.apple.ManagedConfiguration:MC] Performing synchronous URL request: https://h/certsrv/mscep/mscep.dll?operation=GetCACaps&message=x\n\
2024-05-06 08:41:07.322191-0400 0x2b41c    Default     0x0                  412    0    profiled: (ManagedConfiguration) [com.apple.ManagedConfiguration:MC] Issued certificate received.\n\
2024-05-06 08:41:07.322192-0400 0x2b41c    Error       0x0                  412    0    profiled: [com.apple.ManagedConfiguration:MC] Cannot retrieve SCEP identity: (null)",
        );
        let k = kinds(&out);
        assert_eq!(k.len(), 3, "{k:?}");
        assert!(matches!(
            k[0],
            EventKind::ScepRequest {
                operation: ScepOperation::GetCaCaps,
                ..
            }
        ));
        assert_eq!(out.events[0].pid, Some(412));
        assert!(matches!(
            k[1],
            EventKind::CertRep {
                status: PkiStatus::Success,
                ..
            }
        ));
        assert!(matches!(k[2], EventKind::InstallError { code: None, .. }));
    }

    #[test]
    fn garbage_does_not_panic() {
        for s in [
            "",
            "\u{0}",
            "error",
            "error 99:99:99.9",
            "default 1:2",
            "2024-13-45 xx",
            "May 99",
            "Domain : ",
            "Domain=X Code=",
            "“",
            "Profile “ installed.",
            "Jan 1 12:00:00",
            "Domain : x Code : 99999999999999999999999",
        ] {
            let _ = run(s);
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_lines_never_panic(lines in proptest::collection::vec(".{0,200}", 0..20)) {
            let mut p = IosParser::new(Arc::from("p"));
            for (i, l) in lines.iter().enumerate() {
                p.line(i as u64 + 1, l);
            }
            let _ = p.finish();
        }
    }
}
