//! Windows event exports from the servers (server-log-formats.md §5): NDES, CA, IIS
//! hosting (Application Error, WAS, ASP.NET) and the Intune certificate connector, in
//! the export shapes of log-formats.md §4.2 — Event Viewer XML, "Copy details as text"
//! blocks, CSV — or message-only excerpts.
//!
//! This module reads the shapes into [`EventRecord`]s; what a record means is
//! `classify`'s.

use std::sync::Arc;

use crate::evidence::find_ascii_ci;
use crate::parsers::{LogOutput, LogParser};

use super::calist::CsvRecords;
use super::svclog::{attr, decode_entities, element};
use super::{Sink, has, log_time};
use crate::contract::InputKind;
use crate::input::Head;
use crate::parsers::{InputFormat, InputPath, Reader, Signal};

mod classify;

pub use classify::{EventRecord, classify};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    Unknown,
    Xml,
    Text,
    Csv,
}

/// The server events parser.
pub struct ServerEventsParser {
    sink: Sink,
    shape: Shape,
    xml: Option<(u64, String)>,
    block: Option<EventRecord>,
    in_description: bool,
    skip_xml_block: bool,
    csv: CsvRecords,
    csv_cols: Vec<String>,
    fl: Option<EventRecord>,
    fl_in_message: bool,
    /// A CAPI2 detail snippet is being read (its chain element was seen).
    capi2: bool,
}

impl ServerEventsParser {
    pub fn new(path: Arc<str>) -> Self {
        ServerEventsParser {
            sink: Sink::new(path),
            shape: Shape::Unknown,
            xml: None,
            block: None,
            in_description: false,
            skip_xml_block: false,
            csv: CsvRecords::default(),
            csv_cols: Vec::new(),
            fl: None,
            fl_in_message: false,
            capi2: false,
        }
    }

    fn emit(&mut self, r: EventRecord) {
        let time = r.time.as_deref().and_then(log_time);
        self.sink.record(time.as_ref());
        if let Some(c) = classify::provider_component(&r.provider) {
            self.sink.seen_on(c);
        }
        if let Some((component, fact, keys)) = classify(&r) {
            let text = if r.message.is_empty() {
                r.data.join(" ")
            } else {
                r.message.clone()
            };
            let text = format!(
                "{} {}: {}",
                short_provider(&r.provider),
                r.event_id,
                text.trim()
            );
            self.sink.server(
                r.line,
                time,
                component,
                fact,
                keys,
                text.trim_start_matches(" 0: "),
            );
        }
    }

    fn xml_event(&mut self, line: u64, xml: &str) {
        let mut r = EventRecord {
            line,
            ..EventRecord::default()
        };
        r.provider = attr(xml, "Provider", "Name").unwrap_or("").to_string();
        r.event_id = element(xml, "EventID")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        r.time = attr(xml, "TimeCreated", "SystemTime").map(str::to_string);
        r.channel = element(xml, "Channel").unwrap_or("").to_string();
        r.level = element(xml, "Level").unwrap_or("").to_string();
        r.message = element(xml, "Message")
            .map(decode_entities)
            .unwrap_or_default();
        if let Some(name) = attr(xml, "EventData", "Name") {
            r.data.push(name.to_string());
        }
        if let Some(ed) = element(xml, "EventData") {
            let mut rest = ed;
            while let Some(i) = find_ascii_ci(rest, "<Data") {
                let after = &rest[i..];
                let Some(gt) = after.find('>') else { break };
                if after[..gt].ends_with('/') {
                    rest = &after[gt + 1..];
                    continue;
                }
                let body = &after[gt + 1..];
                let end = find_ascii_ci(body, "</Data>").unwrap_or(body.len());
                r.data.push(decode_entities(&body[..end]));
                rest = &body[end..];
            }
        }
        self.emit(r);
    }

    /// PowerShell `Get-WinEvent | Format-List` output: `Key : value` lines, the message
    /// continued on indented lines; a repeated `TimeCreated`/`ProviderName` starts the
    /// next record.
    fn format_list_line(&mut self, number: u64, t: &str) -> bool {
        let key_value = t.split_once(':').and_then(|(k, v)| {
            let k = k.trim();
            let known = [
                "TimeCreated",
                "ProviderName",
                "Id",
                "Message",
                "LevelDisplayName",
                "LogName",
                "MachineName",
            ];
            (!t.starts_with(' ') && known.iter().any(|x| x.eq_ignore_ascii_case(k)))
                .then_some((k.to_string(), v.trim()))
        });
        match key_value {
            Some((k, v)) => {
                let starts =
                    k.eq_ignore_ascii_case("TimeCreated") || k.eq_ignore_ascii_case("ProviderName");
                let repeat = self.fl.as_ref().is_some_and(|r| {
                    (k.eq_ignore_ascii_case("TimeCreated") && r.time.is_some())
                        || (k.eq_ignore_ascii_case("ProviderName") && !r.provider.is_empty())
                        || (k.eq_ignore_ascii_case("Id") && r.event_id != 0)
                });
                if repeat && let Some(r) = self.fl.take() {
                    self.emit(r);
                }
                if self.fl.is_none() && !(starts || k.eq_ignore_ascii_case("Id")) {
                    return false;
                }
                let r = self.fl.get_or_insert_with(|| EventRecord {
                    line: number,
                    ..EventRecord::default()
                });
                self.fl_in_message = false;
                match k.to_ascii_lowercase().as_str() {
                    "timecreated" => r.time = Some(v.to_string()),
                    "providername" => r.provider = v.to_string(),
                    "id" => r.event_id = v.parse().unwrap_or(0),
                    "leveldisplayname" => r.level = v.to_string(),
                    "logname" => r.channel = v.to_string(),
                    "message" => {
                        r.message = v.to_string();
                        self.fl_in_message = true;
                    }
                    _ => {}
                }
                true
            }
            None => match self.fl.as_mut() {
                Some(r) if self.fl_in_message && !t.trim().is_empty() && r.message.len() < 8192 => {
                    r.message.push('\n');
                    r.message.push_str(t.trim());
                    true
                }
                Some(_) => t.trim().is_empty(),
                None => false,
            },
        }
    }

    fn text_line(&mut self, number: u64, line: &str) {
        let t = line.trim_end();
        // A whole record flattened onto one line by a web page or a mail.
        if !self.in_description
            && let Some(rec) = crate::parsers::windows::text::flattened(t, number)
        {
            if let Some(b) = self.block.take() {
                self.emit(b);
            }
            self.emit(EventRecord {
                line: number,
                provider: rec.source.clone().unwrap_or_default(),
                event_id: rec.event_id.unwrap_or(0),
                time: rec.date.clone(),
                message: rec.desc.join("\n"),
                ..EventRecord::default()
            });
            return;
        }
        if self.block.is_none() && !t.starts_with("Log Name:") && self.format_list_line(number, t) {
            return;
        }
        if let Some(v) = t.strip_prefix("Log Name:") {
            if let Some(b) = self.block.take() {
                self.emit(b);
            }
            self.in_description = false;
            self.skip_xml_block = false;
            self.block = Some(EventRecord {
                line: number,
                channel: v.trim().to_string(),
                ..EventRecord::default()
            });
            return;
        }
        if self.skip_xml_block {
            // The event's XML copy: its data (CAPI2 keeps its result code there only).
            if let Some(b) = self.block.as_mut()
                && b.data.iter().map(String::len).sum::<usize>() < 8192
            {
                b.data.push(t.trim().to_string());
            }
            return;
        }
        let Some(b) = self.block.as_mut() else {
            // A message-only excerpt between blocks.
            self.message_only(number, t);
            return;
        };
        if self.in_description {
            if t.starts_with("Event Xml:") {
                self.skip_xml_block = true;
                self.in_description = false;
                return;
            }
            if b.message.len() < 8192 {
                if !b.message.is_empty() {
                    b.message.push('\n');
                }
                b.message.push_str(t.trim());
            }
            return;
        }
        let field = |name: &str| t.strip_prefix(name).map(|v| v.trim().to_string());
        if let Some(v) = field("Source:") {
            b.provider = v;
        } else if let Some(v) = field("Date:") {
            b.time = Some(v);
        } else if let Some(v) = field("Event ID:") {
            b.event_id = v.parse().unwrap_or(0);
        } else if let Some(v) = field("Level:") {
            b.level = v;
        } else if let Some(rest) = t.strip_prefix("Description:") {
            self.in_description = true;
            let rest = rest.trim();
            if !rest.is_empty() {
                b.message.push_str(rest);
            }
        }
    }

    fn message_only(&mut self, number: u64, t: &str) {
        if t.trim().is_empty() {
            return;
        }
        if has(t, "CertGetCertificateChain") || has(t, "CertVerifyCertificateChainPolicy") {
            self.capi2 = true;
        }
        let mut r = EventRecord {
            line: number,
            message: t.trim().to_string(),
            ..EventRecord::default()
        };
        // The message alone: its provider and ID as its words name them.
        if let Some((provider, id)) = classify::provider_by_phrase(&r.message) {
            r.provider = provider.to_string();
            r.event_id = id;
        } else if self.capi2 && classify::capi2_result_code(t).is_some() {
            // A CAPI2 detail snippet: its result line below the chain element.
            r.provider = "Microsoft-Windows-CAPI2".to_string();
            r.event_id = 11;
        }
        if classify(&r).is_some() {
            self.emit(r);
        }
    }

    fn csv_record(&mut self, line: u64, fields: Vec<String>) {
        if self.csv_cols.is_empty() {
            self.csv_cols = fields.iter().map(|f| f.to_ascii_lowercase()).collect();
            return;
        }
        let col = |names: &[&str]| {
            self.csv_cols
                .iter()
                .position(|c| names.iter().any(|n| c == n))
        };
        let get = |i: Option<usize>| i.and_then(|i| fields.get(i)).cloned().unwrap_or_default();
        let mut r = EventRecord {
            line,
            ..EventRecord::default()
        };
        r.level = get(col(&["level", "keywords"]));
        r.time =
            Some(get(col(&["date and time", "date", "timecreated"]))).filter(|s| !s.is_empty());
        r.provider = get(col(&["source", "providername", "provider"]));
        r.event_id = get(col(&["event id", "id", "eventid"]))
            .trim()
            .parse()
            .unwrap_or(0);
        // The description is the first unnamed column (Event Viewer leaves it blank), or
        // `Message`.
        let desc = col(&["message", "description", ""])
            .or_else(|| (fields.len() > self.csv_cols.len()).then_some(self.csv_cols.len()));
        r.message = get(desc);
        if r.message.is_empty() && fields.len() > 5 {
            r.message = fields[5..].join(" ");
        }
        self.emit(r);
    }
}

fn short_provider(p: &str) -> &str {
    p.strip_prefix("Microsoft-Windows-").unwrap_or(p)
}

impl LogParser for ServerEventsParser {
    fn line(&mut self, number: u64, line: &str) {
        if self.shape == Shape::Unknown {
            let t = line.trim_start();
            if t.is_empty() {
                return;
            }
            // An XML fragment that is no event (a CAPI2 detail snippet) is read as text.
            self.shape = if t.starts_with('<')
                && (find_ascii_ci(t, "<Event").is_some() || t.starts_with("<?xml"))
            {
                Shape::Xml
            } else if t.starts_with("Log Name:") {
                Shape::Text
            } else if has(t, "Event ID") && (t.contains(',') || t.contains('\t'))
                || t.starts_with("#TYPE")
                || (has(t, "ProviderName") && (t.contains(',') || t.contains('\t')))
            {
                Shape::Csv
            } else {
                Shape::Text
            };
        }
        match self.shape {
            Shape::Xml => {
                let mut rest = line;
                loop {
                    if let Some((_, buf)) = self.xml.as_mut() {
                        match find_ascii_ci(rest, "</Event>") {
                            Some(e) => {
                                if buf.len() < 256 * 1024 {
                                    buf.push_str(&rest[..e]);
                                }
                                let (n, x) = self.xml.take().unwrap_or_default();
                                self.xml_event(n, &x);
                                rest = &rest[e + 8..];
                            }
                            None => {
                                if buf.len() < 256 * 1024 {
                                    buf.push_str(rest);
                                    buf.push('\n');
                                }
                                return;
                            }
                        }
                    } else {
                        // `<Event ` or `<Event>`, not `<Events>` / `<EventData>`.
                        let mut from = 0;
                        let mut found = None;
                        while let Some(i) = find_ascii_ci(&rest[from..], "<Event") {
                            let at = from + i;
                            let next = rest.as_bytes().get(at + 6).copied();
                            if matches!(next, Some(b' ') | Some(b'>')) {
                                found = Some(at);
                                break;
                            }
                            from = at + 6;
                        }
                        match found {
                            Some(s) => {
                                self.xml = Some((number, String::new()));
                                rest = &rest[s..];
                            }
                            None => return,
                        }
                    }
                }
            }
            Shape::Text | Shape::Unknown => self.text_line(number, line),
            Shape::Csv if line.trim_start().starts_with("#TYPE") => {}
            Shape::Csv => {
                if let Some((n, f)) = self.csv.line(number, line) {
                    self.csv_record(n, f);
                }
            }
        }
    }

    fn finish(&mut self) -> LogOutput {
        if let Some(b) = self.block.take() {
            self.emit(b);
        }
        if let Some(r) = self.fl.take() {
            self.emit(r);
        }
        if let Some((n, f)) = self.csv.finish()
            && self.shape == Shape::Csv
        {
            self.csv_record(n, f);
        }
        if let Some((n, x)) = self.xml.take()
            && find_ascii_ci(&x, "</System>").is_some()
        {
            self.xml_event(n, &x);
        }
        self.sink.take(InputKind::WindowsServerEvents)
    }
}

/// Windows event exports from the servers (NDES, CA, IIS hosting, the connector), in the
/// device events' export shapes, or their messages quoted alone.
pub struct ServerEventsFormat;

impl InputFormat for ServerEventsFormat {
    fn name(&self) -> &'static str {
        "windows server events"
    }

    fn kind(&self) -> InputKind {
        InputKind::WindowsServerEvents
    }

    fn recognise(&self, head: &Head<'_>) -> Option<Signal> {
        let server = head.has_any(PROVIDERS)
            || head.has_any(PHRASES)
            || classify::capi2_failure(&head.text).is_some()
            || head.lines.iter().any(|l| {
                l.trim_start()
                    .strip_prefix("Source:")
                    .is_some_and(|v| v.trim() == "WAS")
            });
        // PowerShell `Get-WinEvent | Format-List`: `ProviderName : …` lines.
        let format_list = head.lines.iter().any(|l| {
            l.strip_prefix("ProviderName")
                .is_some_and(|r| r.trim_start().starts_with(':'))
        });
        if server && (crate::parsers::windows::export_shape(head) || format_list) {
            Some(Signal::Structure)
        } else if head.has_any(PHRASES) || classify::capi2_failure(&head.text).is_some() {
            Some(Signal::Phrase)
        } else {
            None
        }
    }

    fn reader(&self, path: InputPath) -> Reader {
        super::reader(|| Reader::Log {
            parser: Box::new(ServerEventsParser::new(path)),
            max_line: crate::limits::MAX_XML_LINE_BYTES,
        })
    }
}

/// Messages of server events that name them on their own.
const PHRASES: &[&str] = &[
    "The Network Device Enrollment Service",
    "Active Directory Certificate Services denied request",
    "Active Directory Certificate Services could not process request",
    "Faulting application name: w3wp.exe",
    "A process serving application pool",
    "is being automatically disabled due to a series of failures",
    "The identity of application pool",
    "Windows Process Activation Service (WAS) encountered a failure",
    "A compilation error has occurred",
];

/// Providers (and their spellings in each export shape) of the servers' events.
const PROVIDERS: &[&str] = &[
    "NetworkDeviceEnrollmentService",
    "CertificationAuthority",
    "CertificateConnectors",
    "Microsoft Intune Connector",
    "NDESConnector",
    "w3wp.exe",
    "ASP.NET",
    "Microsoft-Windows-WAS",
    "Provider Name=\"WAS\"",
    "Provider Name='WAS'",
    ",WAS,",
    "\tWAS\t",
];

#[cfg(test)]
mod tests;
