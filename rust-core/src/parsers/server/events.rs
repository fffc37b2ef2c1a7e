//! Windows event exports from the servers (server-log-formats.md §5): NDES, CA, IIS
//! hosting (Application Error, WAS, ASP.NET) and the Intune certificate connector, in
//! the export shapes of log-formats.md §4.2 — Event Viewer XML, "Copy details as text"
//! blocks, CSV — or message-only excerpts.
//!
//! The reader (shape → [`EventRecord`]) is kept apart from the classification
//! (`classify`), so that the Windows device event readers can replace it once they
//! land; the classification stays.

use std::sync::Arc;

use crate::evidence::server::Disposition;
use crate::evidence::server::{ServerFact, ServerKeys};
use crate::evidence::{ServerComponent, find_ascii_ci};
use crate::parsers::{LogOutput, LogParser};

use super::calist::CsvRecords;
use super::svclog::{attr, decode_entities, element};
use super::{
    Sink, code_from_text, code_label, find_guid, find_hresult, has, is_submit_failure, log_time,
    norm_hex,
};
use crate::contract::InputKind;
use crate::input::Head;
use crate::parsers::{InputFormat, InputPath, Reader, Signal};

/// One exported event, whatever the shape.
#[derive(Debug, Default, Clone)]
pub struct EventRecord {
    pub line: u64,
    pub provider: String,
    pub event_id: u32,
    pub time: Option<String>,
    pub level: String,
    pub channel: String,
    /// Rendered message (or description); for XML without RenderingInfo, the data values.
    pub message: String,
    /// `EventData/Data` values and the `EventData/@Name` symbol, in order.
    pub data: Vec<String>,
}

impl EventRecord {
    fn all_text(&self) -> String {
        let mut s = self.message.clone();
        for d in &self.data {
            s.push(' ');
            s.push_str(d);
        }
        s
    }
}

fn provider_component(p: &str) -> Option<ServerComponent> {
    if has(p, "NetworkDeviceEnrollment") || has(p, "MSCEP") {
        Some(ServerComponent::Ndes)
    } else if has(p, "CertificationAuthority") || has(p, "CertSvc") {
        Some(ServerComponent::Ca)
    } else if has(p, "Intune") || has(p, "NDESConnector") || has(p, "CertificateConnector") {
        Some(ServerComponent::Connector)
    } else if p == "Application Error"
        || p.eq_ignore_ascii_case("WAS")
        || has(p, "Windows-WAS")
        || has(p, "ASP.NET")
    {
        Some(ServerComponent::Ndes)
    } else {
        None
    }
}

/// `Label: value` lines of a description (connector bodies are unpublished: optional).
fn body_value(text: &str, label: &str) -> Option<String> {
    let i = find_ascii_ci(text, label)?;
    let rest = text[i + label.len()..].trim_start_matches([':', ' ', '=']);
    let v: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ',' && *c != ';')
        .collect();
    (!v.is_empty()).then_some(v)
}

#[allow(clippy::field_reassign_with_default)]
fn keys_of(text: &str) -> ServerKeys {
    let mut k = ServerKeys::default();
    k.device_id = body_value(text, "DeviceId")
        .or_else(|| body_value(text, "Device ID"))
        .and_then(|v| find_guid(&v));
    k.policy_id = body_value(text, "PolicyId")
        .or_else(|| body_value(text, "Policy ID"))
        .and_then(|v| find_guid(&v));
    k.sha1 = body_value(text, "Thumbprint")
        .and_then(|v| norm_hex(&v))
        .filter(|h| h.len() == 40);
    k.serial_hex = body_value(text, "SerialNumber")
        .or_else(|| body_value(text, "Serial Number"))
        .and_then(|v| norm_hex(&v));
    k.template = body_value(text, "TemplateName").or_else(|| body_value(text, "Template"));
    k.transaction_id = body_value(text, "TransactionId");
    k
}

/// What an event says (provider + ID first; phrases for message-only excerpts).
pub fn classify(r: &EventRecord) -> Option<(ServerComponent, ServerFact, ServerKeys)> {
    let text = r.all_text();
    let msg = crate::limits::clip(r.message.trim(), 300);
    let component = provider_component(&r.provider).or_else(|| {
        if has(&text, "Network Device Enrollment Service") {
            Some(ServerComponent::Ndes)
        } else if has(&text, "Active Directory Certificate Services") {
            Some(ServerComponent::Ca)
        } else {
            None
        }
    })?;
    let mut keys = keys_of(&text);
    let p = r.provider.as_str();
    let id = r.event_id;
    let code = || {
        let c = find_hresult(&text).filter(|c| *c != 0x8000_4005);
        c.or_else(|| code_from_text(&text))
    };
    let fact = match component {
        ServerComponent::Ndes if p == "Application Error" || id == 1000 && has(&text, "w3wp") => {
            if !has(&text, "w3wp") {
                return None;
            }
            ServerFact::NdesFailure {
                step: 2,
                detail: msg,
                crp: false,
            }
        }
        ServerComponent::Ndes if has(p, "WAS") => match id {
            5009 | 5002 | 5021 | 5057 | 5059 => {
                let crp = has(&text, "CertificateRegistrationSvc") || has(&text, "CRP");
                ServerFact::NdesFailure {
                    step: if crp { 3 } else { 2 },
                    detail: msg,
                    crp,
                }
            }
            _ => return None,
        },
        ServerComponent::Ndes if has(p, "ASP.NET") => {
            if id == 1310 || has(&text, "compilation error") {
                ServerFact::PolicyModuleError { detail: msg }
            } else {
                return None;
            }
        }
        ServerComponent::Ndes => {
            let id = if id == 0 {
                ndes_id_by_phrase(&text)?
            } else {
                id
            };
            match id {
                1 => ServerFact::NdesService { started: true },
                3 => ServerFact::NdesService { started: false },
                2 | 7 | 10 => ServerFact::NdesFailure {
                    step: 2,
                    detail: msg,
                    crp: false,
                },
                16..=18 => ServerFact::NdesFailure {
                    step: 4,
                    detail: msg,
                    crp: false,
                },
                29 => ServerFact::ChallengeRejected { detail: msg },
                31 => match code() {
                    Some(c) if is_submit_failure(c) => ServerFact::CaSubmitFailed {
                        code: Some(c),
                        detail: msg,
                    },
                    c => ServerFact::CaDecision {
                        disposition: Disposition::Denied,
                        code: c,
                        message: c
                            .map(code_label)
                            .map(|l| format!("{msg} [{l}]"))
                            .unwrap_or(msg),
                        pkcs: false,
                    },
                },
                _ => return None,
            }
        }
        ServerComponent::Ca => {
            let id = if id == 0 { ca_id_by_phrase(&text)? } else { id };
            if let Some(i) = find_ascii_ci(&text, "denied request ") {
                keys.ca_request_id = Some(
                    text[i + 15..]
                        .chars()
                        .take_while(|c| c.is_ascii_digit())
                        .collect(),
                );
            }
            if let Some(i) = find_ascii_ci(&text, "The request was for ") {
                let rest = &text[i + 20..];
                let end = find_ascii_ci(rest, "Additional information")
                    .or_else(|| rest.find('\n'))
                    .unwrap_or(rest.len());
                let s = rest[..end].trim().trim_end_matches('.');
                let cn = s
                    .split("CN=")
                    .nth(1)
                    .map(|x| x.split(',').next().unwrap_or(x))
                    .unwrap_or(s);
                keys.subject_cn = Some(cn.trim().to_string()).filter(|x| !x.is_empty());
            }
            match id {
                6 => ServerFact::CaDecision {
                    disposition: Disposition::Issued,
                    code: None,
                    message: msg,
                    pkcs: false,
                },
                7 | 53 | 21 | 22 => {
                    let c = code();
                    match c {
                        Some(c) if is_submit_failure(c) => ServerFact::CaSubmitFailed {
                            code: Some(c),
                            detail: msg,
                        },
                        _ => ServerFact::CaDecision {
                            disposition: Disposition::Denied,
                            code: c,
                            message: msg,
                            pkcs: false,
                        },
                    }
                }
                8 => ServerFact::CaDecision {
                    disposition: Disposition::Pending,
                    code: None,
                    message: msg,
                    pkcs: false,
                },
                128 => ServerFact::Note { detail: msg },
                _ => return None,
            }
        }
        ServerComponent::Connector => match id {
            4003 => ServerFact::RequestReceived,
            4004 | 20500 => ServerFact::ChallengeVerified,
            4005 | 20501 => {
                if has(&text, "Exception") {
                    ServerFact::PolicyModuleError { detail: msg }
                } else {
                    ServerFact::ChallengeRejected { detail: msg }
                }
            }
            20502 => ServerFact::PolicyModuleError { detail: msg },
            4006 => ServerFact::CaDecision {
                disposition: Disposition::Issued,
                code: None,
                message: msg,
                pkcs: false,
            },
            4007 | 4001 => match code() {
                Some(c) if is_submit_failure(c) => ServerFact::CaSubmitFailed {
                    code: Some(c),
                    detail: msg,
                },
                c => ServerFact::CaDecision {
                    disposition: Disposition::Denied,
                    code: c,
                    message: msg,
                    pkcs: false,
                },
            },
            4008 | 4000 | 20600 => ServerFact::NotifyOk,
            4009 => ServerFact::NotifyFailed {
                detail: msg,
                retrying: true,
            },
            4010 | 4002 | 20602 => ServerFact::NotifyFailed {
                detail: msg,
                retrying: false,
            },
            10102 | 10301 | 10302 => ServerFact::ConnectorUnhealthy { detail: msg },
            20102 => ServerFact::CaSubmitFailed {
                code: code(),
                detail: msg,
            },
            _ => return None,
        },
    };
    Some((component, fact, keys))
}

fn ndes_id_by_phrase(t: &str) -> Option<u32> {
    Some(if has(t, "cannot submit the certificate request") {
        31
    } else if has(t, "started successfully") {
        1
    } else if has(t, "password in the certificate request cannot be verified") {
        29
    } else if has(t, "cannot be started") {
        2
    } else if has(t, "cannot retrieve one of its required certificates") {
        10
    } else if has(t, "failed to return the CA certificate") {
        7
    } else if has(t, "cannot decode") || has(t, "cannot decrypt") || has(t, "cannot read") {
        17
    } else {
        return None;
    })
}

fn ca_id_by_phrase(t: &str) -> Option<u32> {
    Some(if has(t, "denied request") {
        53
    } else if has(t, "pending") && has(t, "request") {
        8
    } else if has(t, "could not process request") {
        22
    } else {
        return None;
    })
}

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
        }
    }

    fn emit(&mut self, r: EventRecord) {
        self.sink.out.records += 1;
        if let Some((component, fact, keys)) = classify(&r) {
            let time = r.time.as_deref().and_then(log_time);
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
        let r = EventRecord {
            line: number,
            message: t.trim().to_string(),
            ..EventRecord::default()
        };
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
            self.shape = if t.starts_with('<') {
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
        self.sink.take()
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
            || head.lines.iter().any(|l| {
                l.trim_start()
                    .strip_prefix("Source:")
                    .is_some_and(|v| v.trim() == "WAS")
            });
        if server && crate::parsers::windows::export_shape(head) {
            Some(Signal::Structure)
        } else if head.has_any(PHRASES) {
            Some(Signal::Phrase)
        } else {
            None
        }
    }

    fn reader(&self, path: InputPath) -> Reader {
        Reader::Log {
            parser: Box::new(ServerEventsParser::new(path)),
            max_line: crate::limits::MAX_XML_LINE_BYTES,
        }
    }
}

/// Messages of server events that name them on their own.
const PHRASES: &[&str] = &[
    "The Network Device Enrollment Service",
    "Active Directory Certificate Services denied request",
    "Faulting application name: w3wp.exe",
    "A process serving application pool",
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
    "Provider Name=\"WAS\"",
    "Provider Name='WAS'",
    ",WAS,",
    "\tWAS\t",
];

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::evidence::EventKind;

    #[test]
    fn ndes_xml_submit_rpc() {
        let out = run(
            &mut ServerEventsParser::new("e".into()),
            &sample("ndes-app-events-submit-rpc.xml"),
        );
        let f = facts(&out);
        assert_eq!(f.len(), 3, "{f:?}");
        assert_eq!(f[0], ServerFact::NdesService { started: true });
        assert!(
            matches!(
                f[1],
                ServerFact::CaSubmitFailed {
                    code: Some(0x8007_06BE),
                    ..
                }
            ),
            "{:?}",
            f[1]
        );
        assert!(
            matches!(
                f[2],
                ServerFact::CaSubmitFailed {
                    code: Some(0x8007_06BA),
                    ..
                }
            ),
            "{:?}",
            f[2]
        );
    }

    #[test]
    fn connector_text_blocks() {
        let out = run(
            &mut ServerEventsParser::new("e".into()),
            &sample("connector-events-notify-failed.txt"),
        );
        let f = facts(&out);
        assert_eq!(f.len(), 6);
        assert_eq!(f[0], ServerFact::RequestReceived);
        assert_eq!(f[1], ServerFact::ChallengeVerified);
        assert!(matches!(
            f[2],
            ServerFact::CaDecision {
                disposition: Disposition::Issued,
                ..
            }
        ));
        assert!(matches!(
            f[3],
            ServerFact::NotifyFailed { retrying: true, .. }
        ));
        assert!(matches!(
            f[5],
            ServerFact::NotifyFailed {
                retrying: false,
                ..
            }
        ));
        match &out.events[2].kind {
            EventKind::Server(s) => {
                assert_eq!(
                    s.keys.sha1.as_deref(),
                    Some("9B2E71C405AD38F611E0C74A925DBB06E37F28D1")
                );
                assert_eq!(
                    s.keys.device_id.as_deref(),
                    Some("3f6b2a90-5c1d-4e7f-8a2b-9c0d1e2f3a4b")
                );
                assert_eq!(
                    s.keys.policy_id.as_deref(),
                    Some("8d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d")
                );
            }
            _ => panic!(),
        }
        assert_eq!(
            out.events[0].time.as_ref().unwrap().text,
            "6/3/2026 2:45:02 PM"
        );
    }

    #[test]
    fn csv_and_message_only_and_ca_denial() {
        let text = "Level,Date and Time,Source,Event ID,Task Category\n\
                    Error,6/3/2026 2:10:00 PM,Microsoft-Windows-CertificationAuthority,53,None,\"Active Directory Certificate Services denied request 3388 because The permissions on the certificate template do not allow the current user to enroll for this type of certificate. 0x80094012 (-2146877422 CERTSRV_E_TEMPLATE_DENIED).  The request was for CN=mei.chen.\"\n\
                    Error,6/3/2026 2:11:00 PM,WAS,5009,None,A process serving application pool 'SCEP' terminated unexpectedly.\n";
        let out = run(&mut ServerEventsParser::new("e".into()), text);
        let f = facts(&out);
        assert!(
            matches!(
                f[0],
                ServerFact::CaDecision {
                    disposition: Disposition::Denied,
                    code: Some(0x8009_4012),
                    ..
                }
            ),
            "{f:?}"
        );
        match &out.events[0].kind {
            EventKind::Server(s) => {
                assert_eq!(s.keys.ca_request_id.as_deref(), Some("3388"));
                assert_eq!(s.keys.subject_cn.as_deref(), Some("mei.chen"));
            }
            _ => panic!(),
        }
        assert!(matches!(
            f[1],
            ServerFact::NdesFailure {
                step: 2,
                crp: false,
                ..
            }
        ));
        let f = facts(&run(
            &mut ServerEventsParser::new("e".into()),
            "The Network Device Enrollment Service cannot submit the certificate request (0x80004005). The requested certificate template is not supported by this CA.\n",
        ));
        assert!(
            matches!(
                f[0],
                ServerFact::CaDecision {
                    code: Some(0x8009_4800),
                    ..
                }
            ),
            "{f:?}"
        );
    }

    #[test]
    fn powershell_format_list_and_export_csv() {
        let fl = "\nTimeCreated  : 7/9/2026 6:03:47 AM\nProviderName : Microsoft-Windows-NetworkDeviceEnrollmentService\nId           : 31\nMessage      : The Network Device Enrollment Service cannot submit the certificate\n               request (0x800706ba). The RPC server is unavailable.\n\n\
                  TimeCreated  : 7/9/2026 6:09:02 AM\nProviderName : Microsoft-Windows-CertificationAuthority\nId           : 8\nMessage      : Active Directory Certificate Services left request 12 pending.\n";
        let f = facts(&run(&mut ServerEventsParser::new("e".into()), fl));
        assert!(
            matches!(
                f[0],
                ServerFact::CaSubmitFailed {
                    code: Some(0x8007_06BA),
                    ..
                }
            ),
            "{f:?}"
        );
        assert!(
            matches!(
                f[1],
                ServerFact::CaDecision {
                    disposition: Disposition::Pending,
                    ..
                }
            ),
            "{f:?}"
        );
        let csv = "#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord\n\"Id\",\"ProviderName\",\"TimeCreated\",\"Message\"\n\"4009\",\"Microsoft-Intune-CertificateConnectors\",\"6/3/2026 2:45:35 PM\",\"ScepNotifyAttemptFailed\"\n";
        let f = facts(&run(&mut ServerEventsParser::new("e".into()), csv));
        assert!(
            matches!(f[0], ServerFact::NotifyFailed { retrying: true, .. }),
            "{f:?}"
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_lines_never_panic(lines in proptest::collection::vec(".{0,200}", 0..20), shape in 0..3u8) {
            let mut p = ServerEventsParser::new("p".into());
            let first = ["<Events>", "Log Name: Application", "Level,Date and Time,Source,Event ID,Task Category"][shape as usize];
            p.line(1, first);
            for (i, l) in lines.iter().enumerate() {
                p.line(i as u64 + 2, l);
            }
            let _ = p.finish();
        }
    }
}
