//! Android Company Portal OMADM log parser (log-formats.md §2): line grammar, jscep and
//! Company Portal messages → typed events.
//!
//! Streaming and line by line: a header line (§2.1) opens a record, any other line
//! continues it (stack traces, wrapped text; bounded). A record is classified when the
//! next one opens or at the end. A single multi-pattern scan gates classification, so
//! noise records cost one pass. No `regex`: the grammar is tokenised by hand.

use std::sync::OnceLock;

mod line;
mod message;

use super::{InputFormat, InputPath, LogOutput, LogParser, Reader, Signal};
use crate::contract::InputKind;
use crate::evidence::{
    EventKind, FailInfo, LogEvent, LogRead, ManagementMode, PkiStatus, Platform, ProfileId,
    SourceRef, TimeSpan, find_ascii_ci,
};
use crate::input::{Head, Skim};
use crate::limits;
pub use line::{Header, parse_header};
use line::{is_record_start, log_time, parse_ts};
use message::{
    P, PATTERNS, SKIM_KEYWORDS, after, applied_profile, cert_rep, criteria_count, encoding,
    enroll_id, invalid_response, is_error_level, line_containing, matcher, received, sending,
    skipping_profile, state_change, there_are, transport_error,
};

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
    /// The times of the first and last records.
    span: TimeSpan,
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
            span: TimeSpan::default(),
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
        // A placeholder word in the time column (`Time` in docs) is no time.
        if let Some((t, key)) = h.time.and_then(|t| Some((t, parse_ts(t)?))) {
            self.span.see_parts(t, Some(key), true);
        }
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
        // The message's first line: most shapes live there. A line a mail client wrapped
        // (a state change cut after `to`, a CertRep cut inside its brackets) is rejoined
        // with the lines that complete it.
        let first = text.split('\n').next().unwrap_or("");
        let joined = rejoin_wrapped(first, text);
        let msg = joined.as_deref().unwrap_or(first);
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
        let span = std::mem::take(&mut self.span);
        self.out.read_as(
            &self.path,
            Platform::Android,
            LogRead::new(InputKind::AndroidOmadmLog, span),
        );
        std::mem::replace(
            &mut self.out,
            LogOutput {
                platform: Some(Platform::Android),
                ..LogOutput::default()
            },
        )
    }
}

/// Lines of a record kept to rejoin a wrapped message.
const MAX_WRAPPED_LINES: usize = 3;

/// The first line of a record and the lines that complete it, when the first line was cut
/// by a mail client: a state change ending in `from`/`to`, or a CertRep whose `[…]` does
/// not close. A wrap at a comma rejoins without a space, else with one. `None` when the
/// first line is whole.
fn rejoin_wrapped(first: &str, text: &str) -> Option<String> {
    let t = first.trim_end();
    let cut_state =
        t.contains(" state changed from") && (t.ends_with(" to") || t.ends_with(" from"));
    let open_rep =
        |s: &str| s.contains("CertRep@") && s.matches('[').count() > s.matches(']').count();
    if !cut_state && !open_rep(t) {
        return None;
    }
    let mut out = t.to_string();
    for next in text.split('\n').skip(1).take(MAX_WRAPPED_LINES) {
        let n = next.trim();
        if n.is_empty() {
            break;
        }
        if !out.ends_with(',') {
            out.push(' ');
        }
        out.push_str(n);
        let done = if cut_state { true } else { !open_rep(&out) };
        if done {
            break;
        }
    }
    Some(out)
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

#[cfg(test)]
mod tests;
