//! A diagnosis session: inputs go in one by one (whole byte slices, readers, or chunks
//! pushed through an [`InputStream`]), `finish` runs the pipeline and returns the
//! `Report`. Memory does not grow with log size: logs are parsed as they stream and only
//! typed events are kept.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use xxhash_rust::xxh3::Xxh3;

use crate::diagnosis::{self, Facts};
use crate::evidence::{Certificate, LogEvent, Platform};
use crate::input::{CutLines, InputKind, LineDecoder, Sniffed, sniff};
use crate::limits;
use crate::parsers::android::AndroidParser;
use crate::parsers::certs::{CertError, parse_certificate_file};
use crate::parsers::ios::IosParser;
use crate::parsers::windows::WindowsParser;
use crate::parsers::{LogOutput, LogParser};
use crate::report::build::{Parts, build};
use crate::report::{InputEntry, InputStatus, Lang, Report};
use crate::{chain, redaction};

mod split;

/// Bytes per read (and per chunk of an input held in memory). Small enough that the
/// buffer, its case-folded copy and the scan's state stay in the CPU's L2 cache while the
/// kernel copies the next chunk in: on the 200 MB benchmark log (bench/run.sh) 256 KiB
/// chunks cost 166 ms of system time, 64 KiB 42 ms.
pub(crate) const READ_CHUNK: usize = 64 * 1024;

/// How to diagnose.
#[derive(Debug, Clone)]
pub struct Options {
    /// The instant validity is evaluated at (the core never reads the clock).
    pub now: OffsetDateTime,
    /// Replace personal values by tokens (the default of the contract).
    pub redact: bool,
    pub lang: Lang,
}

/// The outcome of one input, ready to join a session.
pub struct ParsedInput {
    entry: InputEntry,
    events: Vec<LogEvent>,
    certificates: Vec<Certificate>,
    unparseable: Option<String>,
    fingerprint: (u64, u64),
    notices: Vec<String>,
}

enum State {
    Sniffing,
    Log {
        decoder: Box<LineDecoder>,
        parser: Box<dyn LogParser + Send>,
        kind: InputKind,
    },
    Certificate {
        buf: Vec<u8>,
        kind: InputKind,
        too_big: bool,
    },
    Ignored {
        kind: InputKind,
        reason: String,
    },
    /// The name promises a kind the content is not (e.g. `.evtx` without `ElfFile`).
    Rejected {
        kind: InputKind,
        reason: String,
    },
}

/// The streaming parser of a log kind, for callers that decode records themselves.
pub fn log_parser(kind: InputKind, path: &str) -> Option<Box<dyn LogParser + Send>> {
    let path: Arc<str> = Arc::from(path);
    match kind {
        InputKind::AndroidOmadmLog => Some(Box::new(AndroidParser::new(path))),
        InputKind::IosProfiledLog => Some(Box::new(IosParser::new(path))),
        InputKind::WindowsDmEvents => Some(Box::new(WindowsParser::new(path))),
        // Server-side inputs (server-log-formats.md; issue 9): one parser per kind.
        InputKind::IisW3cLog
        | InputKind::NdesPluginLog
        | InputKind::IntuneConnectorSvclog
        | InputKind::WindowsServerEvents
        | InputKind::CaRequestList
        | InputKind::CertutilView
        | InputKind::ScepTestClientLog => crate::parsers::server::parser_for(kind, path),
        _ => None,
    }
}

/// The line decoder for a log kind: Windows XML exports may hold many events on one line.
fn decoder_for(kind: InputKind) -> LineDecoder {
    match kind {
        InputKind::WindowsDmEvents | InputKind::WindowsServerEvents => {
            LineDecoder::with_max_line(limits::MAX_XML_LINE_BYTES)
        }
        _ => LineDecoder::new(),
    }
}

/// The fingerprint of an input's bytes, for the redaction key: xxh3-64 of the bytes
/// when they fit in one [`FINGERPRINT_BLOCK`]; beyond, xxh3-64 over the xxh3-64 of each
/// block, so that two threads can fingerprint two parts of one file ([`split`]) and get
/// what one thread reading it all gets. Holds 8 bytes per block of a second part.
#[derive(Default)]
struct Fingerprint {
    block: Xxh3,
    in_block: usize,
    /// Digests of the full blocks so far, folded into `blocks`, or (a second part's
    /// fingerprint) kept in `kept` for the first part to fold in.
    blocks: Xxh3,
    full_blocks: u64,
    keep: bool,
    kept: Vec<u64>,
}

/// Bytes per fingerprint block (a multiple of [`READ_CHUNK`]).
const FINGERPRINT_BLOCK: usize = 1024 * 1024;

impl Fingerprint {
    fn update(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            self.close_full_block();
            let take = bytes.len().min(FINGERPRINT_BLOCK - self.in_block);
            self.block.update(&bytes[..take]);
            self.in_block += take;
            bytes = &bytes[take..];
        }
    }

    /// A full block is closed lazily, when more bytes (or blocks) follow it: an input of
    /// exactly one block keeps the plain xxh3.
    fn close_full_block(&mut self) {
        if self.in_block == FINGERPRINT_BLOCK {
            self.block_done(self.block.digest());
            self.block.reset();
            self.in_block = 0;
        }
    }

    fn block_done(&mut self, digest: u64) {
        if self.keep {
            self.kept.push(digest);
        } else {
            self.blocks.update(&digest.to_le_bytes());
        }
        self.full_blocks += 1;
    }

    /// A second part's fingerprint, starting on a block boundary.
    fn second_part() -> Self {
        Fingerprint {
            keep: true,
            ..Fingerprint::default()
        }
    }

    /// Appends `second` (read from the block boundary where this one stopped).
    fn append(&mut self, mut second: Fingerprint) {
        if second.in_block > 0 {
            second.block_done(second.block.digest());
        }
        for d in second.kept {
            // This part ends on a block boundary: its last block is full.
            self.close_full_block();
            self.block_done(d);
        }
    }

    fn digest(&self) -> u64 {
        if self.full_blocks == 0 {
            return self.block.digest();
        }
        let mut all = self.blocks.clone();
        if self.in_block > 0 {
            all.update(&self.block.digest().to_le_bytes());
        }
        all.digest()
    }
}

/// One input being read: push chunks of any size, then `finish`.
pub struct InputStream {
    path: Arc<str>,
    head: Vec<u8>,
    state: State,
    hasher: Fingerprint,
    len: u64,
    read_error: Option<String>,
}

impl InputStream {
    pub fn new(path: &str) -> Self {
        InputStream {
            path: Arc::from(path),
            head: Vec::new(),
            state: State::Sniffing,
            hasher: Fingerprint::default(),
            len: 0,
            read_error: None,
        }
    }

    /// Feeds the next chunk of the input.
    pub fn push(&mut self, chunk: &[u8]) {
        self.hash(chunk);
        self.consume(chunk);
    }

    /// Scans the chunk without counting it into the fingerprint (another thread did:
    /// [`split`]).
    fn consume(&mut self, chunk: &[u8]) {
        if let State::Sniffing = self.state {
            let room = limits::SNIFF_BYTES.saturating_sub(self.head.len());
            let take = room.min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
            if self.head.len() >= limits::SNIFF_BYTES {
                let head = std::mem::take(&mut self.head);
                self.start(sniff(&self.path, &head, false));
                self.feed(&head);
                self.feed(&chunk[take..]);
            }
            return;
        }
        self.feed(chunk);
    }

    /// Counts the chunk into the input's fingerprint only (its lines were scanned
    /// elsewhere: [`split`]).
    fn hash(&mut self, chunk: &[u8]) {
        self.hasher.update(chunk);
        self.len += chunk.len() as u64;
    }

    /// Records that reading the input failed part-way; what was read is still analysed.
    pub fn fail(&mut self, message: String) {
        self.read_error = Some(message);
    }

    fn start(&mut self, s: Sniffed) {
        let path = self.path.clone();
        self.state = if s.evtx {
            State::Ignored {
                kind: InputKind::WindowsDmEvents,
                reason: "binary .evtx event log: this build cannot read it; export the events as XML (Event Viewer → Save Selected Events → XML) or use the certdoctor CLI".into(),
            }
        } else if s.own_report {
            State::Ignored {
                kind: InputKind::Unknown,
                reason: "a certdoctor report, not evidence: diagnose the logs and certificates it was made from".into(),
            }
        } else {
            match s.kind {
                InputKind::Certificate | InputKind::Pkcs7 => State::Certificate {
                    buf: Vec::new(),
                    kind: s.kind,
                    too_big: false,
                },
                kind @ (InputKind::AndroidOmadmLog
                | InputKind::IosProfiledLog
                | InputKind::WindowsDmEvents
                | InputKind::IisW3cLog
                | InputKind::NdesPluginLog
                | InputKind::IntuneConnectorSvclog
                | InputKind::WindowsServerEvents
                | InputKind::CaRequestList
                | InputKind::CertutilView
                | InputKind::ScepTestClientLog) => match log_parser(kind, &path) {
                    Some(parser) => State::Log {
                        decoder: Box::new(decoder_for(kind)),
                        parser,
                        kind,
                    },
                    None => State::Ignored {
                        kind,
                        reason: "no parser".into(),
                    },
                },
                InputKind::Unknown if s.cert_like => State::Certificate {
                    buf: Vec::new(),
                    kind: InputKind::Certificate,
                    too_big: false,
                },
                InputKind::Unknown if self.path.to_ascii_lowercase().ends_with(".evtx") => {
                    State::Rejected {
                        kind: InputKind::WindowsDmEvents,
                        reason: "named .evtx but not a Windows event log (no ElfFile header)"
                            .into(),
                    }
                }
                InputKind::Unknown => State::Ignored {
                    kind: InputKind::Unknown,
                    reason: "not a certificate or a log certdoctor recognises".into(),
                },
                // Every kind has a reader now (issue 9 added the server kinds).
            }
        };
    }

    fn feed(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        match &mut self.state {
            State::Log {
                decoder, parser, ..
            } => match parser.skim() {
                Some(skim) => decoder.push_skim(bytes, skim, &mut **parser),
                None => decoder.push(bytes, &mut |n, line| parser.line(n, line)),
            },
            State::Certificate { buf, too_big, .. } => {
                if buf.len() + bytes.len() > limits::MAX_CERT_FILE_BYTES {
                    *too_big = true;
                } else {
                    buf.extend_from_slice(bytes);
                }
            }
            State::Sniffing | State::Ignored { .. } | State::Rejected { .. } => {}
        }
    }

    /// End of input: parse what is buffered and report.
    pub fn finish(mut self) -> ParsedInput {
        if let State::Sniffing = self.state {
            let head = std::mem::take(&mut self.head);
            if head.is_empty() {
                let cert_like = sniff(&self.path, &head, true).cert_like;
                let entry = InputEntry {
                    path: self.path.to_string(),
                    kind: if cert_like {
                        InputKind::Certificate
                    } else {
                        InputKind::Unknown
                    },
                    status: if cert_like {
                        InputStatus::Error
                    } else {
                        InputStatus::Ignored
                    },
                    records: 0,
                    error: Some("the file is empty".into()),
                };
                return ParsedInput {
                    unparseable: cert_like.then(|| "the file is empty".to_string()),
                    entry,
                    events: Vec::new(),
                    certificates: Vec::new(),
                    fingerprint: (0, 0),
                    notices: Vec::new(),
                };
            }
            self.start(sniff(&self.path, &head, true));
            self.feed(&head);
        }
        let fingerprint = (self.len, self.hasher.digest());
        let path = self.path.to_string();
        let mut notices = Vec::new();
        let (entry, events, certificates, unparseable) = match self.state {
            State::Log {
                mut decoder,
                mut parser,
                kind,
            } => {
                match parser.skim() {
                    Some(skim) => decoder.finish_skim(skim, &mut *parser),
                    None => decoder.finish(&mut |n, line| parser.line(n, line)),
                }
                let LogOutput {
                    events,
                    records,
                    platform: _,
                    events_dropped,
                    notes,
                } = parser.finish();
                notices.extend(decoder.bom_note().map(|n| format!("{path}: {n}")));
                notices.extend(cut_lines_notice(&path, decoder.cut_lines()));
                notices.extend(notes.into_iter().map(|n| format!("{path}: {n}")));
                if events_dropped > 0 {
                    notices.push(format!(
                        "{path}: {events_dropped} events beyond the limit of {} per input were not kept",
                        limits::MAX_EVENTS_PER_INPUT
                    ));
                }
                (
                    InputEntry {
                        path: path.clone(),
                        kind,
                        status: InputStatus::Ok,
                        records,
                        error: None,
                    },
                    events,
                    Vec::new(),
                    None,
                )
            }
            State::Certificate { buf, kind, too_big } => {
                let result = if too_big {
                    Err(CertError::Invalid(format!(
                        "larger than {} MiB, not a certificate file",
                        limits::MAX_CERT_FILE_BYTES / (1024 * 1024)
                    )))
                } else {
                    parse_certificate_file(&buf)
                };
                match result {
                    Ok(file) => {
                        let error = (!file.warnings.is_empty()).then(|| file.warnings.join("; "));
                        let mut certs = file.certificates;
                        for c in &mut certs {
                            c.sources = vec![path.clone()];
                        }
                        (
                            InputEntry {
                                path: path.clone(),
                                kind: file.kind,
                                status: InputStatus::Ok,
                                records: certs.len() as u64,
                                error,
                            },
                            Vec::new(),
                            certs,
                            None,
                        )
                    }
                    Err(e) => {
                        let msg = e.to_string();
                        (
                            InputEntry {
                                path: path.clone(),
                                kind,
                                status: InputStatus::Error,
                                records: 0,
                                error: Some(msg.clone()),
                            },
                            Vec::new(),
                            Vec::new(),
                            Some(msg),
                        )
                    }
                }
            }
            State::Ignored { kind, reason } => (
                InputEntry {
                    path: path.clone(),
                    kind,
                    status: InputStatus::Ignored,
                    records: 0,
                    error: Some(reason),
                },
                Vec::new(),
                Vec::new(),
                None,
            ),
            State::Rejected { kind, reason } => (
                InputEntry {
                    path: path.clone(),
                    kind,
                    status: InputStatus::Error,
                    records: 0,
                    error: Some(reason),
                },
                Vec::new(),
                Vec::new(),
                None,
            ),
            State::Sniffing => unreachable_state(&path),
        };
        let mut entry = entry;
        // A read that failed part-way: what was read is analysed, the input is an error.
        if let Some(e) = self.read_error {
            entry.status = InputStatus::Error;
            entry.error = Some(match entry.error.take() {
                Some(prev) if entry.kind != InputKind::Unknown => format!("{e}; {prev}"),
                _ => e,
            });
        }
        ParsedInput {
            entry,
            events,
            certificates,
            unparseable,
            fingerprint,
            notices,
        }
    }
}

/// The notice for lines cut to the line cap: what of them was not read.
fn cut_lines_notice(path: &str, cut: CutLines) -> Option<String> {
    let first = cut.first_line?;
    let cap = match cut.max_line {
        n if n % (1024 * 1024) == 0 => format!("{} MiB", n / (1024 * 1024)),
        n if n % 1024 == 0 => format!("{} KiB", n / 1024),
        n => format!("{n} bytes"),
    };
    Some(if cut.count == 1 {
        format!("{path}: line {first} is longer than {cap}; only its first {cap} were read")
    } else {
        format!(
            "{path}: {} lines are longer than {cap} (the first is line {first}); only the first {cap} of each were read",
            cut.count
        )
    })
}

fn unreachable_state(path: &str) -> (InputEntry, Vec<LogEvent>, Vec<Certificate>, Option<String>) {
    (
        InputEntry {
            path: path.to_string(),
            kind: InputKind::Unknown,
            status: InputStatus::Error,
            records: 0,
            error: Some("internal: input was never recognised".into()),
        },
        Vec::new(),
        Vec::new(),
        None,
    )
}

/// A diagnosis in the making.
pub struct Session {
    options: Options,
    inputs: Vec<InputEntry>,
    events: Vec<Vec<LogEvent>>,
    certificates: Vec<Certificate>,
    by_sha256: HashMap<String, usize>,
    unparseable: Vec<(String, String)>,
    key: Sha256,
    notices: Vec<String>,
    /// Certificates not kept because the report already held `limits::MAX_CERTIFICATES`.
    certificates_dropped: usize,
}

impl Session {
    pub fn new(options: Options) -> Self {
        let mut key = Sha256::new();
        key.update(b"certdoctor redaction key v1\0");
        Session {
            options,
            inputs: Vec::new(),
            events: Vec::new(),
            certificates: Vec::new(),
            by_sha256: HashMap::new(),
            unparseable: Vec::new(),
            key,
            notices: Vec::new(),
            certificates_dropped: 0,
        }
    }

    /// Adds an input held in memory.
    pub fn add_bytes(&mut self, path: &str, bytes: &[u8]) {
        let mut s = InputStream::new(path);
        for chunk in bytes.chunks(READ_CHUNK) {
            s.push(chunk);
        }
        self.add(s.finish());
    }

    /// Adds an input read to its end in chunks; a read error keeps what was read and
    /// marks the input as an error.
    pub fn add_reader(&mut self, path: &str, reader: &mut dyn Read) {
        let mut s = InputStream::new(path);
        let mut buf = vec![0u8; READ_CHUNK];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => s.push(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    s.fail(format!("read error: {e}"));
                    break;
                }
            }
        }
        self.add(s.finish());
    }

    /// Adds a file, read at offsets: a large log with a fast path is scanned on two
    /// threads ([`split`]), with the same report as [`Session::add_reader`] would give.
    pub fn add_file(&mut self, path: &str, file: &std::fs::File) {
        self.add_file_split(path, file, split::MIN_SPLIT_BYTES);
    }

    /// [`Session::add_file`], splitting files of at least `min` bytes (tests split small
    /// ones); returns whether the file was split.
    fn add_file_split(&mut self, path: &str, file: &std::fs::File, min: u64) -> bool {
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut s = InputStream::new(path);
        // The first chunk decides what the input is.
        let pos = split::read_range(&mut s, file, 0, READ_CHUNK as u64, true);
        let split = split::read_rest(&mut s, file, pos, len, min);
        self.add(s.finish());
        split
    }

    /// Adds the result of an [`InputStream`].
    pub fn add(&mut self, parsed: ParsedInput) {
        self.key.update(parsed.entry.path.as_bytes());
        self.key.update(parsed.fingerprint.0.to_le_bytes());
        self.key.update(parsed.fingerprint.1.to_le_bytes());
        if let Some(reason) = parsed.unparseable {
            self.unparseable.push((parsed.entry.path.clone(), reason));
        }
        for c in parsed.certificates {
            match self.by_sha256.get(&c.sha256) {
                Some(&i) => {
                    for s in c.sources {
                        if !self.certificates[i].sources.contains(&s) {
                            self.certificates[i].sources.push(s);
                        }
                    }
                }
                None if self.certificates.len() < limits::MAX_CERTIFICATES => {
                    self.by_sha256
                        .insert(c.sha256.clone(), self.certificates.len());
                    self.certificates.push(c);
                }
                None => self.certificates_dropped += 1,
            }
        }
        self.notices.extend(parsed.notices);
        self.events.push(parsed.events);
        self.inputs.push(parsed.entry);
    }

    /// An input that could not be read at all (missing path, permission, zip limit …).
    pub fn add_error(&mut self, path: &str, kind: InputKind, message: &str) {
        self.key.update(path.as_bytes());
        self.inputs.push(InputEntry {
            path: path.to_string(),
            kind,
            status: InputStatus::Error,
            records: 0,
            error: Some(message.to_string()),
        });
    }

    /// A log parsed outside the core's byte streams (the CLI's `.evtx` reader hands over
    /// records it decoded with a parser from [`log_parser`]).
    pub fn add_log(
        &mut self,
        path: &str,
        kind: InputKind,
        output: LogOutput,
        error: Option<String>,
    ) {
        self.key.update(path.as_bytes());
        self.key.update(output.records.to_le_bytes());
        self.notices
            .extend(output.notes.iter().map(|n| format!("{path}: {n}")));
        let status = if error.is_some() {
            InputStatus::Error
        } else {
            InputStatus::Ok
        };
        self.inputs.push(InputEntry {
            path: path.to_string(),
            kind,
            status,
            records: output.records,
            error,
        });
        self.events.push(output.events);
    }

    /// Number of inputs added so far.
    pub fn input_count(&self) -> usize {
        self.inputs.len()
    }

    /// Runs the diagnosis and builds the report.
    pub fn finish(self) -> Report {
        let Session {
            options,
            inputs,
            events,
            certificates,
            unparseable,
            key,
            mut notices,
            certificates_dropped,
            ..
        } = self;
        if certificates_dropped > 0 {
            notices.push(format!(
                "{certificates_dropped} certificates beyond the limit of {} per report were not kept",
                limits::MAX_CERTIFICATES
            ));
        }
        let events = merge_events(events);
        let roles: Vec<_> = certificates.iter().map(chain::role).collect();
        let chains = chain::build_chains(&certificates);
        let facts = Facts {
            events: &events,
            certificates: &certificates,
            roles: &roles,
            chains: &chains,
            unparseable: &unparseable,
            now: options.now,
        };
        let outcome = diagnosis::diagnose(&facts);
        let mut report = build(Parts {
            outcome: &outcome,
            events: &events,
            certificates: &certificates,
            roles: &roles,
            chains: &chains,
            inputs,
            notices,
            now: options.now,
            lang: options.lang,
        });
        if options.redact {
            let secret: [u8; 32] = key.finalize().into();
            let pairs: Vec<_> = certificates.iter().zip(roles.iter().copied()).collect();
            redaction::redact_report(&mut report, &pairs, secret);
        }
        report
    }
}

/// Puts every input's events on one time line: dated events by their written time (log
/// times are never converted), undated ones after them in input order; drops lines that
/// overlapping Android log rotations repeat.
fn merge_events(per_input: Vec<Vec<LogEvent>>) -> Vec<LogEvent> {
    let mut keyed: Vec<((u8, i128, usize, usize), LogEvent)> = Vec::new();
    for (i, events) in per_input.into_iter().enumerate() {
        for (j, e) in events.into_iter().enumerate() {
            let k = match e.time.as_ref() {
                Some(t) if t.has_date => (0, t.order_key.unwrap_or(0), i, j),
                _ => (1, 0, i, j),
            };
            keyed.push((k, e));
        }
    }
    keyed.sort_by_key(|a| a.0);
    let mut seen: HashMap<(String, String), Arc<str>> = HashMap::new();
    let mut out = Vec::with_capacity(keyed.len());
    for (_, e) in keyed {
        if e.platform == Platform::Android
            && let Some(t) = &e.time
        {
            let k = (t.text.clone(), e.text.clone());
            match seen.get(&k) {
                Some(p) if *p != e.source.path => continue,
                Some(_) => {}
                None => {
                    seen.insert(k, e.source.path.clone());
                }
            }
        }
        out.push(e);
    }
    out
}
