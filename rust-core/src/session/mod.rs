//! A diagnosis session: inputs go in one by one (whole byte slices, readers, or chunks
//! pushed through an [`InputStream`]), `finish` runs the pipeline and returns the
//! `Report`. Memory does not grow with log size: logs are parsed as they stream and only
//! typed events are kept.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::contract::InputKind;
use crate::diagnosis::{self, Facts};
use crate::evidence::{Certificate, EventKind, LogEvent, Platform};
use crate::input::Head;
use crate::limits;
use crate::parsers::{self, LogOutput};
use crate::report::build::{Parts, build};
use crate::report::{InputEntry, InputStatus, Lang, Report};
use crate::{chain, redaction};

mod archive;
mod fingerprint;
mod logarchive;
pub mod probe;
mod split;
mod stream;

/// The most of one `.evtx` file an [`EventLogDecoder`] is asked to read.
pub use crate::limits::MAX_EVTX_BYTES;
pub use archive::{DecodedEvents, EventLogDecoder};
pub use stream::{InputStream, ParsedInput};

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
    /// Members of logarchives, per archive root, read at `finish`.
    logarchives: logarchive::LogArchives,
    /// Binary `.evtx` event logs go there when set.
    decoder: Option<Arc<dyn EventLogDecoder>>,
    /// Issue 23: a SCEP endpoint probe whose result joins the report.
    probe: Option<probe::ProbeInput>,
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
            logarchives: logarchive::LogArchives::default(),
            decoder: None,
            probe: None,
        }
    }

    /// Issue 23: a probe of the SCEP endpoint (the apps' "Test the SCEP server") whose
    /// result joins this report: its findings, certificates and `probe` object. A second
    /// probe replaces the first.
    pub fn add_probe(&mut self, input: probe::ProbeInput) -> Result<(), probe::ProbeError> {
        self.probe = Some(probe::validate(input)?);
        Ok(())
    }

    /// Issue 23: the SCEP URL of the latest device request in the inputs so far
    /// (`scheme://host/path`), to offer for a probe; never redacted.
    pub fn scep_url(&self) -> Option<String> {
        let events: Vec<LogEvent> = self.events.iter().flatten().cloned().collect();
        match diagnosis::probe_hint(&events) {
            Some(diagnosis::ProbeHint::Url(u)) => Some(u),
            _ => None,
        }
    }

    /// Binary `.evtx` event logs, loose or inside archives, are decoded by `decoder`
    /// (without one they are listed as ignored with a hint to export XML).
    pub fn set_event_log_decoder(&mut self, decoder: Arc<dyn EventLogDecoder>) {
        self.decoder = Some(decoder);
    }

    /// Adds an input held in memory (an archive's members one by one).
    pub fn add_bytes(&mut self, path: &str, bytes: &[u8]) {
        let mut cursor = std::io::Cursor::new(bytes);
        self.read_input(path, crate::input::archive::Source::Seekable(&mut cursor));
    }

    /// Adds an input read to its end in chunks (an archive's members one by one; zip and
    /// cab are held in memory within `limits::MAX_BUFFERED_ARCHIVE_BYTES` to be read); a
    /// read error keeps what was read and marks the input as an error.
    pub fn add_reader(&mut self, path: &str, reader: &mut dyn Read) {
        self.read_input(path, crate::input::archive::Source::Stream(reader));
    }

    /// Adds a file, read at offsets: a large log with a fast path is scanned on two
    /// threads ([`split`]), with the same report as [`Session::add_reader`] would give;
    /// an archive is read in place, member by member.
    pub fn add_file(&mut self, path: &str, file: &std::fs::File) {
        let mut f = file;
        let mut head = vec![0u8; crate::input::archive::SNIFF_BYTES];
        let n = crate::input::archive::read_up_to(&mut f, &mut head);
        head.truncate(n);
        let plain_log = crate::input::archive::Container::sniff(&head).is_none()
            && !head.starts_with(b"ElfFile\0")
            && parsers::unified_log::recognise(path).is_none();
        if plain_log && std::io::Seek::rewind(&mut f).is_ok() {
            self.add_file_split(path, file, split::MIN_SPLIT_BYTES);
            return;
        }
        let mut f = file;
        if std::io::Seek::rewind(&mut f).is_ok() {
            self.read_input(path, crate::input::archive::Source::Seekable(&mut f));
        } else {
            let mut chained = std::io::Cursor::new(head).chain(f);
            self.add_reader(path, &mut chained);
        }
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

    /// Windows event records decoded outside the core (the CLI's `.evtx` reader hands over
    /// each record's Event XML), numbered from 1 in their file: read by the device or the
    /// server event format, as their content says (device events when it says neither).
    /// `error` says what of the file could not be decoded.
    pub fn add_event_records(&mut self, path: &str, records: &[String], error: Option<String>) {
        let head = records
            .iter()
            .take(8)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n");
        let kind = match parsers::recognise(&Head::new(path, head.as_bytes(), true)) {
            Some((f, _))
                if matches!(
                    f.kind(),
                    InputKind::WindowsDmEvents | InputKind::WindowsServerEvents
                ) =>
            {
                f.kind()
            }
            _ => InputKind::WindowsDmEvents,
        };
        let Some(mut log) = parsers::log_parser(kind, path) else {
            self.add_error(path, kind, "this build has no reader for these events");
            return;
        };
        for (i, xml) in records.iter().enumerate() {
            let line = i as u64 + 1;
            for part in xml.lines() {
                log.line(line, part);
            }
        }
        self.add_log(path, kind, log.finish(), error);
    }

    /// A log parsed outside the core's byte streams.
    fn add_log(
        &mut self,
        path: &str,
        kind: InputKind,
        mut output: LogOutput,
        error: Option<String>,
    ) {
        // The log was read by a parser of another kind's text (a logarchive's records as
        // `log show` lines): the input's own kind names it.
        for e in &mut output.events {
            if let EventKind::LogRead(read) = &mut e.kind {
                read.kind = kind;
            }
        }
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
    pub fn finish(mut self) -> Report {
        let logarchives = std::mem::take(&mut self.logarchives);
        logarchives.finish_into(&mut self);
        let Session {
            options,
            inputs,
            events,
            certificates,
            unparseable,
            key,
            mut notices,
            certificates_dropped,
            probe,
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
            redact: options.redact,
        });
        let mut key = key;
        let mut probe_certs = (Vec::new(), Vec::new());
        // A probe's analysis cannot fail here: its input was validated when added.
        // No thumbprint given: the one the profile in the evidence names, if any.
        let probe = probe.map(|mut input| {
            if input.expected_ca_thumbprint.is_none() {
                input.expected_ca_thumbprint = diagnosis::profile_ca_thumbprint(&events);
            }
            input
        });
        if let Some(Ok(p)) = probe.map(|input| probe::analyse(input, &options)) {
            key.update(p.key);
            probe::join(&mut report, p.report);
            probe_certs = (p.certificates, p.roles);
        }
        if options.redact {
            let secret: [u8; 32] = key.finalize().into();
            let pairs: Vec<_> = certificates
                .iter()
                .zip(roles.iter().copied())
                .chain(probe_certs.0.iter().zip(probe_certs.1.iter().copied()))
                .collect();
            redaction::redact_report(&mut report, &pairs, secret);
        }
        report
    }
}

/// Reads a plain input to its end in chunks; a read error keeps what was read and marks
/// the input as an error.
pub(crate) fn stream_reader(path: &str, reader: &mut dyn Read) -> ParsedInput {
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
    s.finish()
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
    crate::sorting::stable_by_key(&mut keyed, |a| a.0);
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

#[cfg(test)]
mod server_tests;
