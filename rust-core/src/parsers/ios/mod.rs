//! iOS / iPadOS `profiled` log parser (log-formats.md §3): every layout of §3.1 (Console
//! copy, `log show` default/compact/syslog styles, legacy syslog, message-only excerpts,
//! glued web copies), multi-line / flattened / one-line NSError dumps, and the §3.2
//! messages → typed events. It never decides: error chains are handed over as
//! `ErrorCode::Apple` for `evidence::codes` to explain.

use crate::evidence::{
    ErrorCode, EventKind, LogEvent, LogRead, LogTime, PkiStatus, Platform, ProfileId,
    ScepOperation, SourceRef, TimeSpan,
};
use crate::limits::{MAX_EVENTS_PER_INPUT, MAX_EVIDENCE_TEXT, clip};

mod layout;
mod message;

use super::{InputFormat, InputPath, LogOutput, LogParser, Reader, Signal};
use crate::contract::InputKind;
use crate::input::Head;
pub(crate) use layout::{days_from_civil, iso_date_days, time_of_day_ns};
use layout::{
    glued_record_starts, has_known_phrase, is_continuation, is_furniture, layout_line,
    names_scep_error_text, parse_header,
};
use message::{error_chain, error_detail, is_dependent, quoted_identifier, transport_detail};

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

/// Streaming parser for `profiled` logs.
pub struct IosParser {
    path: InputPath,
    current: Option<Record>,
    out: LogOutput,
    last_op: Option<ScepOperation>,
    last_url: Option<String>,
    polling: bool,
    profile: Option<ProfileId>,
    /// The times of the first and last records.
    span: TimeSpan,
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
            span: TimeSpan::default(),
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
            self.span.see_opt(h.time.as_ref());
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
        let span = std::mem::take(&mut self.span);
        self.out.read_as(
            &self.path,
            Platform::Ios,
            LogRead::new(InputKind::IosProfiledLog, span),
        );
        std::mem::take(&mut self.out)
    }
}

#[cfg(test)]
mod tests;
