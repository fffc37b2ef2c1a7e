//! Parsers: one module per format. Each format recognises its own input from the head of
//! the content ([`InputFormat::recognise`]) and turns normalised lines (or a certificate
//! file's bytes) into typed evidence; none of them decides anything.
//!
//! [`REGISTRY`] lists every format once, in the order that breaks ties between equally
//! strong signals. Adding a format means: its module, its line in the registry, its kind
//! in the contract ([`InputKind`]) and its tests (docs/architecture.md has the recipe).

pub mod android;
pub mod certs;
pub mod ios;
pub mod mcstate;
pub mod own_report;
pub mod scep_reply;
pub mod server;
pub mod unified_log;
pub mod windows;

use std::sync::Arc;

pub use crate::contract::InputKind;
use crate::evidence::{EventKind, LogEvent, LogRead, Platform, SourceRef};
use crate::input::{Head, LineSink, Skim};
use crate::limits;

/// A streaming, line-oriented log parser. Lines arrive in order, already decoded and
/// cleaned by [`crate::input::LineDecoder`], numbered from 1 as in the physical file.
pub trait LogParser {
    fn line(&mut self, number: u64, line: &str);
    /// End of input: flush a pending record and hand over what was found.
    fn finish(&mut self) -> LogOutput;
    /// The keyword fast path of this format ([`Skim`]), if it has one: then only records
    /// with a keyword reach [`LogParser::line`].
    fn skim(&self) -> Option<&'static Skim> {
        None
    }
    /// The fast path skipped `records` whole records (none held a keyword); they count
    /// as records and close the open one, as if they had been parsed.
    fn skipped(&mut self, _records: u64) {}
}

/// A log parser seen as the line decoder's sink.
pub struct Feed<'a>(pub &'a mut dyn LogParser);

impl LineSink for Feed<'_> {
    fn line(&mut self, number: u64, line: &str) {
        self.0.line(number, line);
    }
    fn skipped(&mut self, records: u64) {
        self.0.skipped(records);
    }
}

/// What a log parser found in one input.
#[derive(Debug, Default)]
pub struct LogOutput {
    pub events: Vec<LogEvent>,
    /// Records recognised (a record may span several physical lines).
    pub records: u64,
    pub platform: Option<Platform>,
    /// Events were dropped because `limits::MAX_EVENTS_PER_INPUT` was reached.
    pub events_dropped: u64,
    /// What the reader of the report should know about this input (records cut off …).
    pub notes: Vec<String>,
}

impl LogOutput {
    /// Ends the output with the input's [`LogRead`]: the log it was read as (on
    /// `platform`) and the span of its record times. One per input, outside the events
    /// cap; its text is the kind and the span as written (`android_omadm_log: first –
    /// last`), the same in every language.
    pub fn read_as(&mut self, path: &InputPath, platform: Platform, read: LogRead) {
        self.platform = Some(platform);
        self.events.push(LogEvent {
            platform,
            source: SourceRef::file(path.clone()),
            time: None,
            pid: None,
            text: match read.span.text() {
                t if t.is_empty() => read.kind.as_str().to_string(),
                t => format!("{}: {t}", read.kind.as_str()),
            },
            kind: EventKind::LogRead(read),
        });
    }
}

/// The display path shared by all events of one input.
pub type InputPath = Arc<str>;

/// How strong a recognition is. A stronger signal wins over a weaker one whatever the
/// registry order; between equal signals the earlier format of [`REGISTRY`] wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Signal {
    /// Magic bytes or a binary encoding (`ElfFile`, a DER SEQUENCE).
    Binary,
    /// A document's own structure: PEM armour, an XML root, a header row, a directive.
    Structure,
    /// The line grammar of a log (timestamp, level, class … in their places).
    Grammar,
    /// A distinctive phrase of a message quoted alone (tickets, forum posts).
    Phrase,
}

/// How a recognised input is read.
pub enum Reader {
    /// Line by line through the line decoder, lines of up to `max_line` bytes.
    Log {
        parser: Box<dyn LogParser + Send>,
        max_line: usize,
    },
    /// Kept whole (up to `limits::MAX_CERT_FILE_BYTES`) and decoded at the end by
    /// [`certs::parse_certificate_file`]; a failure is an error, never `ignored`.
    Certificates,
    /// Kept whole (up to `max_bytes`; beyond, the input is an error) and read at the end
    /// by a [`DocumentParser`] (property lists, report documents).
    Document {
        parser: Box<dyn DocumentParser + Send>,
        max_bytes: usize,
    },
    /// Recognised, but not evidence this build reads: listed as `ignored` with the reason.
    Ignored(&'static str),
}

/// A format read as a whole document rather than line by line.
pub trait DocumentParser {
    /// Reads the whole input; `Err` says why it is not readable (the input is an error).
    fn parse(&mut self, bytes: &[u8]) -> Result<LogOutput, String>;
}

impl Reader {
    /// A line reader with the default line cap.
    pub fn log(parser: impl LogParser + Send + 'static) -> Reader {
        Reader::Log {
            parser: Box::new(parser),
            max_line: limits::MAX_LINE_BYTES,
        }
    }
}

/// What a file's name alone says when its content is not recognised.
pub enum NameClaim {
    /// Read it as this format anyway, so that a failure is reported as an error
    /// (`.cer` holding junk is a broken certificate, not an unknown file).
    ReadAnyway,
    /// The name promises this format but the content is not it: an error with the reason.
    Reject(&'static str),
}

/// One input format: recognition and reading, nothing else.
pub trait InputFormat: Sync {
    /// A short name for tests and diagnostics (`"android omadm log"`).
    fn name(&self) -> &'static str;
    /// The contract's kind of the inputs this format reads.
    fn kind(&self) -> InputKind;
    /// Recognises the format from the head of an input; `None` when it is not this one.
    fn recognise(&self, head: &Head<'_>) -> Option<Signal>;
    /// What the name alone says when no format recognised the content.
    fn claim_by_name(&self, _lower_name: &str) -> Option<NameClaim> {
        None
    }
    /// A fresh reader for one input displayed as `path`.
    fn reader(&self, path: InputPath) -> Reader;
}

/// Every format, once. The order breaks ties between equal [`Signal`]s.
pub static REGISTRY: &[&dyn InputFormat] = &[
    &windows::evtx::EvtxFormat,
    &mcstate::McStateFormat,
    &windows::mdmdiag::MdmDiagFormat,
    &certs::CertificateFormat,
    &certs::Pkcs7Format,
    &own_report::OwnReportFormat,
    &server::ndesplugin::NdesPluginFormat,
    &server::svclog::SvclogFormat,
    &server::iis::IisFormat,
    &server::testclient::TestClientFormat,
    &server::setup::SetupFormat,
    &android::AndroidFormat,
    &ios::IosFormat,
    &windows::WindowsEventsFormat,
    &server::events::ServerEventsFormat,
    &server::certutil::CertutilFormat,
    &server::calist::CaListFormat,
];

/// The format an input's head belongs to, and how strongly; `None` when no format
/// recognises it.
pub fn recognise(head: &Head<'_>) -> Option<(&'static dyn InputFormat, Signal)> {
    let mut best: Option<(&'static dyn InputFormat, Signal)> = None;
    for &format in REGISTRY {
        if let Some(signal) = format.recognise(head)
            && best.is_none_or(|(_, b)| signal < b)
        {
            best = Some((format, signal));
        }
    }
    best
}

/// The first format whose claim on `name` applies (content not recognised).
pub fn claim_by_name(name: &str) -> Option<(&'static dyn InputFormat, NameClaim)> {
    let lower = name.to_ascii_lowercase();
    REGISTRY
        .iter()
        .find_map(|&f| f.claim_by_name(&lower).map(|c| (f, c)))
}

/// The streaming parser of a log kind, for callers that hold records of a known kind
/// (fuzz targets, benchmarks).
pub fn log_parser(kind: InputKind, path: &str) -> Option<Box<dyn LogParser + Send>> {
    let path: InputPath = Arc::from(path);
    REGISTRY
        .iter()
        .filter(|f| f.kind() == kind)
        .find_map(|f| match f.reader(path.clone()) {
            Reader::Log { parser, .. } => Some(parser),
            Reader::Certificates | Reader::Document { .. } | Reader::Ignored(_) => None,
        })
}

/// True when `text` contains any of `needles`.
pub(crate) fn has_any(text: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| text.contains(n))
}

/// Test helper: ends `parser` and strips the [`LogRead`] every log output ends with
/// (checked to be there, last and alone), so that tests compare the SCEP events only.
#[cfg(test)]
pub(crate) fn finish_events(parser: &mut dyn LogParser) -> LogOutput {
    finish_read(parser).0
}

/// Test helper: ends `parser` and returns its events without the trailing [`LogRead`],
/// and that `LogRead`.
#[cfg(test)]
pub(crate) fn finish_read(parser: &mut dyn LogParser) -> (LogOutput, LogRead) {
    let mut out = parser.finish();
    let last = out.events.pop().expect("a LogRead ends every log output");
    let EventKind::LogRead(read) = last.kind else {
        panic!("the last event is not a LogRead: {:?}", last.kind)
    };
    assert!(
        !out.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::LogRead(_))),
        "one LogRead per input"
    );
    (out, read)
}

#[cfg(test)]
mod recognition_tests;
