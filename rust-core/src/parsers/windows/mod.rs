//! Windows DeviceManagement-Enterprise-Diagnostics-Provider (and CertEnroll 86/87) event
//! export parser (log-formats.md §4): XML (`<Events>` or bare `<Event>`s, any line layout),
//! "Copy details as text" blocks (with their `Event Xml:` copy de-duplicated), Event
//! Viewer CSV / tab-delimited text and PowerShell `Export-Csv` → typed events.
//!
//! Lines may be long (whole XML exports on one line): callers should give this parser a
//! line cap of 16 MiB (`LineDecoder::with_max_line`). An event cut in the middle is
//! counted in [`WindowsParser::truncated_events`] and ignored.

mod csv;
mod events;
pub mod evtx;
pub mod mdmdiag;
pub(crate) mod text;
mod xml;

use crate::contract::InputKind;
use crate::evidence::{ErrorCode, EventKind, LogEvent, LogRead, Platform, SourceRef, TimeSpan};
use crate::input::Head;
use crate::limits::{self, MAX_EVENTS_PER_INPUT, MAX_EVIDENCE_TEXT, clip};

use super::{InputFormat, InputPath, LogOutput, LogParser, Reader, Signal};
use events::{RawEvent, classify, xml_time};
use text::TextRecord;

/// The device's DeviceManagement (and CertEnroll) events in any export shape.
pub struct WindowsEventsFormat;

impl InputFormat for WindowsEventsFormat {
    fn name(&self) -> &'static str {
        "windows device-management events"
    }

    fn kind(&self) -> InputKind {
        InputKind::WindowsDmEvents
    }

    fn recognise(&self, head: &Head<'_>) -> Option<Signal> {
        if export_shape(head) && names_device(&head.text) {
            Some(Signal::Structure)
        } else if head.has_any(DEVICE_PHRASES) {
            Some(Signal::Phrase)
        } else {
            None
        }
    }

    fn reader(&self, path: InputPath) -> Reader {
        Reader::Log {
            parser: Box::new(WindowsParser::new(path)),
            max_line: limits::MAX_XML_LINE_BYTES,
        }
    }
}

/// Messages of the DeviceManagement provider's SCEP events and of CertEnroll 86/87 that
/// name them on their own (log-formats.md §4.1).
const DEVICE_PHRASES: &[&str] = &[
    "SCEP: CspExecute",
    "SCEP: Certificate request generated",
    "SCEP: Failed LogError",
    "SCEPInstallCertificateWithScepHelper",
    "SCEP: Certificate enroll failed",
    "SCEP: Certificate installed successfully",
    "SCEP: InstallFromRegEntries",
    "SCEPcertinstall.result",
    "SCEPDispositionFailure",
    "SCEP Certificate enrollment initialization",
];

/// The text names the device's provider, a SCEP event of it, or CertEnroll's SCEP client.
fn names_device(text: &str) -> bool {
    text.contains("DeviceManagement-Enterprise-Diagnostic")
        || super::has_any(text, DEVICE_PHRASES)
        || (text.contains("CertEnroll") && text.contains("SCEP"))
}

/// One of the export shapes of log-formats.md §4.2, whatever the provider: Event XML,
/// "Copy details as text", the Event Viewer CSV/TSV header, or a bare `SCEP: ` message
/// line. Server event formats share it.
pub(crate) fn export_shape(head: &Head<'_>) -> bool {
    let csv_header = |l: &str| {
        let n = l.replace('\t', ",");
        n.starts_with("Level,Date and Time,Source,Event ID,Task Category")
    };
    // PowerShell `Export-Csv` of `Get-WinEvent`: its `#TYPE` line, or a header naming the
    // record's `Id` and `ProviderName` columns.
    let ps_header = |l: &str| {
        l.starts_with("#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord")
            || (l.contains("\"ProviderName\"") && l.contains("\"Id\""))
    };
    head.text.contains("<Event xmlns=")
        || head.text.contains("<Event xmlns='")
        || head.lines.iter().any(|l| {
            let t = l.trim_start();
            t.starts_with("Log Name:")
                || t.starts_with("Event ID:")
                || csv_header(t)
                || ps_header(t)
                || t.starts_with("SCEP: ")
        })
}

/// Bytes of one event's XML held while waiting for `</Event>`.
const MAX_EVENT_XML_BYTES: usize = 16 * 1024 * 1024;
/// How many records apart a 307 and its 32 may be.
const NEIGHBOUR_RECORDS: u64 = 3;

#[derive(Debug)]
enum Mode {
    Undecided,
    /// PowerShell `#TYPE` line seen: the header comes next.
    AwaitingHeader,
    Csv(csv::CsvReader),
    Lines,
}

/// Streaming parser for Windows event exports.
pub struct WindowsParser {
    path: InputPath,
    out: LogOutput,
    mode: Mode,
    xml_buf: String,
    xml_active: bool,
    xml_line: u64,
    xml_scan_from: usize,
    text: Option<TextRecord>,
    truncated: u64,
    /// Per kept event: (index in `out.events`, record number, event ID).
    meta: Vec<(usize, u64, u32)>,
    /// The times of the first and last records.
    span: TimeSpan,
}

impl WindowsParser {
    pub fn new(path: InputPath) -> Self {
        WindowsParser {
            path,
            out: LogOutput::default(),
            mode: Mode::Undecided,
            xml_buf: String::new(),
            xml_active: false,
            xml_line: 0,
            xml_scan_from: 0,
            text: None,
            truncated: 0,
            meta: Vec::new(),
            span: TimeSpan::default(),
        }
    }

    /// Events whose XML was cut before `</Event>` (ignored, not counted as records).
    pub fn truncated_events(&self) -> u64 {
        self.truncated
    }

    fn emit_raw(&mut self, raw: RawEvent) {
        self.out.records += 1;
        self.out.platform = Some(Platform::Windows);
        self.span.see_opt(raw.time.as_ref());
        let record_no = self.out.records;
        let (id, kinds) = classify(&raw);
        let text = clip(&raw.text(), MAX_EVIDENCE_TEXT);
        for kind in kinds {
            if self.out.events.len() >= MAX_EVENTS_PER_INPUT {
                self.out.events_dropped += 1;
                continue;
            }
            if let Some(id) = id {
                self.meta.push((self.out.events.len(), record_no, id));
            }
            self.out.events.push(LogEvent {
                platform: Platform::Windows,
                source: SourceRef::line(self.path.clone(), raw.line),
                time: raw.time.clone(),
                pid: raw.pid,
                kind,
                text: text.clone(),
            });
        }
    }

    // --- text blocks -------------------------------------------------------------------

    fn flush_text(&mut self) {
        if let Some(rec) = self.text.take() {
            self.emit_raw(rec.to_raw());
        }
    }

    fn text_line(&mut self, number: u64, line: &str) {
        let t = line.trim();
        if let Some(rec) = text::flattened(t, number) {
            self.flush_text();
            let awaiting = rec.awaiting_xml;
            self.text = Some(rec);
            if !awaiting {
                self.flush_text();
            }
            return;
        }
        if t.starts_with("Log Name:")
            || (t.starts_with("Event ID:")
                && self
                    .text
                    .as_ref()
                    .is_none_or(|r| r.event_id.is_some() || r.in_desc || r.awaiting_xml))
        {
            self.flush_text();
            self.text = Some(TextRecord::new(number));
        }
        // A message quoted alone (`SCEP: …`, a 307's `SCEPInstall…` text, CertEnroll's
        // `SCEP Certificate enrollment …`): its following lines belong to it (86/87 spread
        // the stage and the code over several) up to the next such message.
        if t.starts_with("SCEP") && self.text.as_ref().is_none_or(|r| r.message_only) {
            self.flush_text();
            self.text = Some(TextRecord::message(number, t));
            return;
        }
        let Some(rec) = self.text.as_mut() else {
            return;
        };
        if t.starts_with("Event Xml:") {
            rec.in_desc = false;
            rec.awaiting_xml = true;
            return;
        }
        if rec.in_desc {
            rec.push_desc(t);
            return;
        }
        if let Some((label, value)) = text::label_value(t) {
            rec.set(label, value);
        }
    }

    // --- XML ---------------------------------------------------------------------------

    fn xml_event(&mut self, number: u64, x: &str) {
        let ev = xml::parse_event(x);
        // The `Event Xml:` copy of the text record being read: merge, do not duplicate.
        if let Some(rec) = self.text.as_ref().filter(|r| r.awaiting_xml)
            && (rec.event_id.is_none() || rec.event_id == ev.event_id)
        {
            let mut raw = rec.to_raw();
            self.text = None;
            raw.event_id = raw.event_id.or(ev.event_id);
            raw.provider = raw.provider.or(ev.provider);
            if raw.time.is_none() {
                raw.time = ev.system_time.as_deref().map(xml_time);
            }
            if raw.message.is_none() {
                raw.message = ev.message;
            }
            raw.pid = ev.pid;
            raw.data = ev.data;
            self.emit_raw(raw);
            return;
        }
        self.flush_text();
        self.emit_raw(RawEvent {
            line: number,
            provider: ev.provider,
            event_id: ev.event_id,
            time: ev.system_time.as_deref().map(xml_time),
            message: ev.message,
            data: ev.data,
            pid: ev.pid,
        });
    }

    /// Feeds a line (or its part from `<Event`) while an event is open.
    fn xml_feed(&mut self, number: u64, part: &str) {
        if self.xml_buf.len() + part.len() + 1 > MAX_EVENT_XML_BYTES {
            self.truncated += 1;
            self.xml_buf.clear();
            self.xml_active = false;
            // Resume at a later event on this line, if any.
            if let Some(p) = find_event_open(part, 1) {
                self.xml_start(number, &part[p..]);
            }
            return;
        }
        if !self.xml_buf.is_empty() {
            self.xml_buf.push('\n');
        }
        self.xml_buf.push_str(part);
        // `xml_buf[start..]` begins with the open event's `<Event`.
        let mut start = 0usize;
        let mut from = floor_boundary(&self.xml_buf, self.xml_scan_from.max(1));
        loop {
            let close = self
                .xml_buf
                .get(from..)
                .and_then(|r| r.find("</Event>"))
                .map(|i| i + from);
            let reopen = find_event_open(&self.xml_buf, from);
            if let Some(o) = reopen.filter(|o| close.is_none_or(|c| *o < c)) {
                // A new event starts before this one closed: the first was cut.
                self.truncated += 1;
                start = o;
                from = o + 1;
                self.xml_line = number;
                continue;
            }
            let Some(c) = close else {
                if start > 0 {
                    self.xml_buf.drain(..start);
                }
                let back = self.xml_buf.len().saturating_sub("</Event>".len()).max(1);
                self.xml_scan_from = floor_boundary(&self.xml_buf, back).max(1);
                return;
            };
            let end = c + "</Event>".len();
            let one = self.xml_buf.get(start..end).unwrap_or("").to_string();
            let line = self.xml_line;
            self.xml_event(line, &one);
            match find_event_open(&self.xml_buf, end) {
                Some(o) => {
                    start = o;
                    from = o + 1;
                    self.xml_line = number;
                }
                None => {
                    let rest = self.xml_buf.get(end..).unwrap_or("").trim().to_string();
                    self.xml_buf.clear();
                    self.xml_scan_from = 0;
                    self.xml_active = false;
                    if !rest.is_empty() && !rest.starts_with('<') {
                        self.text_line(number, &rest);
                    }
                    return;
                }
            }
        }
    }

    fn xml_start(&mut self, number: u64, from_event: &str) {
        self.xml_active = true;
        self.xml_line = number;
        self.xml_scan_from = 0;
        self.xml_buf.clear();
        self.xml_feed(number, from_event);
    }

    fn lines_mode(&mut self, number: u64, line: &str) {
        if self.xml_active {
            self.xml_feed(number, line);
            return;
        }
        if let Some(p) = find_event_open(line, 0) {
            let before = &line[..p];
            if !before.trim().is_empty() {
                self.text_line(number, before);
            }
            self.xml_start(number, &line[p..]);
            return;
        }
        self.text_line(number, line);
    }

    fn csv_record(&mut self, number: u64, record: &str) {
        let Mode::Csv(reader) = &self.mode else {
            return;
        };
        if let Some(row) = reader.row(record) {
            self.emit_raw(RawEvent {
                line: number,
                provider: row.provider,
                event_id: row.event_id,
                time: row.time.as_deref().map(events::local_time),
                message: row.message,
                data: Vec::new(),
                pid: row.pid,
            });
        }
    }

    /// 307 texts may be cut inside the hex: the neighbouring 32's HRESULT is preferred.
    fn fix_307_codes(&mut self) {
        let with_code: Vec<(u64, ErrorCode)> = self
            .meta
            .iter()
            .filter(|(_, _, id)| *id == 32)
            .filter_map(|(i, rec, _)| match &self.out.events.get(*i)?.kind {
                EventKind::InstallError { code: Some(c), .. } => Some((*rec, c.clone())),
                _ => None,
            })
            .collect();
        for (i, rec, id) in &self.meta {
            if *id != 307 {
                continue;
            }
            let best = with_code
                .iter()
                .filter(|(r, _)| r.abs_diff(*rec) <= NEIGHBOUR_RECORDS)
                .min_by_key(|(r, _)| r.abs_diff(*rec))
                .map(|(_, c)| c.clone());
            if let (Some(c), Some(ev)) = (best, self.out.events.get_mut(*i))
                && let EventKind::InstallError { code, .. } = &mut ev.kind
            {
                *code = Some(c);
            }
        }
    }
}

/// The largest char boundary of `s` at or below `i`.
fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Offset of an `<Event` open tag (not `<Events`, `<EventData`, `<EventID`…) at or after `from`.
fn find_event_open(s: &str, from: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut f = floor_boundary(s, from);
    while f < s.len() {
        let i = s.get(f..)?.find("<Event")? + f;
        match b.get(i + 6) {
            None | Some(b' ' | b'>' | b'\t' | b'\r' | b'\n' | b'/') => return Some(i),
            _ => f = i + 6,
        }
    }
    None
}

impl LogParser for WindowsParser {
    fn line(&mut self, number: u64, line: &str) {
        let line = line.trim_end_matches(['\r', '\n']);
        if matches!(self.mode, Mode::Undecided) {
            let t = line.trim_start_matches('\u{feff}').trim();
            if t.is_empty() {
                return;
            }
            if t.starts_with("#TYPE") {
                self.mode = Mode::AwaitingHeader;
                return;
            }
            self.mode = match csv::header(t) {
                Some((delim, layout)) => {
                    let mut r = csv::CsvReader::new();
                    r.delim = delim;
                    r.layout = Some(layout);
                    Mode::Csv(r)
                }
                None => Mode::Lines,
            };
            if matches!(self.mode, Mode::Csv(_)) {
                return;
            }
        }
        match &mut self.mode {
            Mode::AwaitingHeader => {
                let t = line.trim();
                if t.is_empty() {
                    return;
                }
                let mut r = csv::CsvReader::new();
                if let Some((delim, layout)) = csv::header(t) {
                    r.delim = delim;
                    r.layout = Some(layout);
                }
                self.mode = Mode::Csv(r);
            }
            Mode::Csv(reader) => {
                if let Some((n, rec)) = reader.push(number, line) {
                    self.csv_record(n, &rec);
                }
            }
            Mode::Lines | Mode::Undecided => self.lines_mode(number, line),
        }
    }

    fn finish(&mut self) -> LogOutput {
        if let Mode::Csv(reader) = &mut self.mode
            && let Some((n, rec)) = reader.finish()
        {
            self.csv_record(n, &rec);
        }
        if self.xml_active {
            self.truncated += 1;
            self.xml_active = false;
            self.xml_buf.clear();
        }
        self.flush_text();
        self.fix_307_codes();
        self.meta.clear();
        let span = std::mem::take(&mut self.span);
        self.out.read_as(
            &self.path,
            Platform::Windows,
            LogRead::new(InputKind::WindowsDmEvents, span),
        );
        let mut out = std::mem::take(&mut self.out);
        if self.truncated > 0 {
            out.notes.push(format!(
                "{} event(s) cut off before their end were not read",
                self.truncated
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests;
