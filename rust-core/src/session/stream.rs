//! One input being read: pushed in chunks of any size, recognised from its head by the
//! formats' registry, then read by the format's reader (a log's line decoder and parser,
//! or a certificate file kept whole) and, at its end, turned into a [`ParsedInput`].

use std::sync::Arc;

use super::fingerprint::Fingerprint;
use crate::contract::InputKind;
use crate::evidence::{Certificate, LogEvent};
use crate::input::{CutLines, Head, LineDecoder};
use crate::limits;
use crate::parsers::certs::{CertError, parse_certificate_file};
use crate::parsers::{self, DocumentParser, Feed, LogOutput, LogParser, NameClaim, Reader};
use crate::report::{InputEntry, InputStatus};

/// The outcome of one input, ready to join a session.
pub struct ParsedInput {
    pub(super) entry: InputEntry,
    pub(super) events: Vec<LogEvent>,
    pub(super) certificates: Vec<Certificate>,
    pub(super) unparseable: Option<String>,
    pub(super) fingerprint: (u64, u64),
    pub(super) notices: Vec<String>,
}

pub(super) enum State {
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
    Document {
        buf: Vec<u8>,
        parser: Box<dyn DocumentParser + Send>,
        kind: InputKind,
        max_bytes: usize,
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

impl State {
    /// The state that reads an input of `kind` with `reader`.
    fn reading(kind: InputKind, reader: Reader) -> State {
        match reader {
            Reader::Log { parser, max_line } => State::Log {
                decoder: Box::new(LineDecoder::with_max_line(max_line)),
                parser,
                kind,
            },
            Reader::Certificates => State::Certificate {
                buf: Vec::new(),
                kind,
                too_big: false,
            },
            Reader::Document { parser, max_bytes } => State::Document {
                buf: Vec::new(),
                parser,
                kind,
                max_bytes,
                too_big: false,
            },
            Reader::Ignored(reason) => State::Ignored {
                kind,
                reason: reason.into(),
            },
        }
    }
}

/// One input being read: push chunks of any size, then `finish`.
pub struct InputStream {
    pub(super) path: Arc<str>,
    pub(super) head: Vec<u8>,
    pub(super) state: State,
    pub(super) hasher: Fingerprint,
    pub(super) len: u64,
    pub(super) read_error: Option<String>,
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
    pub(super) fn consume(&mut self, chunk: &[u8]) {
        if let State::Sniffing = self.state {
            let room = limits::SNIFF_BYTES.saturating_sub(self.head.len());
            let take = room.min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
            if self.head.len() >= limits::SNIFF_BYTES {
                let head = std::mem::take(&mut self.head);
                self.start(&head, false);
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

    /// Recognises the input from its head and prepares its reader.
    fn start(&mut self, head: &[u8], complete: bool) {
        let path = self.path.clone();
        let head = Head::new(&path, head, complete);
        self.state = match parsers::recognise(&head) {
            Some((format, _)) => State::reading(format.kind(), format.reader(path.clone())),
            None => match parsers::claim_by_name(&path) {
                Some((format, NameClaim::ReadAnyway)) => {
                    State::reading(format.kind(), format.reader(path.clone()))
                }
                Some((format, NameClaim::Reject(reason))) => State::Rejected {
                    kind: format.kind(),
                    reason: reason.into(),
                },
                None => State::Ignored {
                    kind: InputKind::Unknown,
                    reason: "not a certificate or a log certdoctor recognises".into(),
                },
            },
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
                Some(skim) => decoder.push_skim(bytes, skim, &mut Feed(&mut **parser)),
                None => decoder.push(bytes, &mut |n, line| parser.line(n, line)),
            },
            State::Certificate { buf, too_big, .. } => {
                if buf.len() + bytes.len() > limits::MAX_CERT_FILE_BYTES {
                    *too_big = true;
                } else {
                    buf.extend_from_slice(bytes);
                }
            }
            State::Document {
                buf,
                max_bytes,
                too_big,
                ..
            } => {
                if buf.len() + bytes.len() > *max_bytes {
                    *too_big = true;
                } else {
                    buf.extend_from_slice(bytes);
                }
            }
            State::Sniffing | State::Ignored { .. } | State::Rejected { .. } => {}
        }
    }

    /// An input that gave no byte: a read that failed before its first byte is an error
    /// with that read error; an empty file is an error when its name promises a
    /// certificate, else ignored.
    fn finish_empty(self) -> ParsedInput {
        let cert_like = matches!(
            parsers::claim_by_name(&self.path),
            Some((_, NameClaim::ReadAnyway))
        );
        let unreadable = self.read_error.is_some();
        let (kind, status, error) = match (self.read_error, cert_like) {
            (Some(e), true) => (InputKind::Certificate, InputStatus::Error, e),
            (Some(e), false) => (InputKind::Unknown, InputStatus::Error, e),
            (None, true) => (
                InputKind::Certificate,
                InputStatus::Error,
                "the file is empty".to_string(),
            ),
            (None, false) => (
                InputKind::Unknown,
                InputStatus::Ignored,
                "the file is empty".to_string(),
            ),
        };
        ParsedInput {
            unparseable: (cert_like && !unreadable).then(|| error.clone()),
            entry: InputEntry {
                path: self.path.to_string(),
                kind,
                status,
                records: 0,
                error: Some(error),
            },
            events: Vec::new(),
            certificates: Vec::new(),
            fingerprint: (0, 0),
            notices: Vec::new(),
        }
    }

    /// End of input: parse what is buffered and report.
    pub fn finish(mut self) -> ParsedInput {
        if let State::Sniffing = self.state {
            let head = std::mem::take(&mut self.head);
            if head.is_empty() {
                return self.finish_empty();
            }
            self.start(&head, true);
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
                    Some(skim) => decoder.finish_skim(skim, &mut Feed(&mut *parser)),
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
            State::Document {
                buf,
                mut parser,
                kind,
                max_bytes,
                too_big,
            } => {
                let result = if too_big {
                    Err(format!(
                        "larger than {} MiB, more than such a document holds; not read",
                        max_bytes / (1024 * 1024)
                    ))
                } else {
                    parser.parse(&buf)
                };
                match result {
                    Ok(out) => {
                        notices.extend(out.notes.iter().map(|n| format!("{path}: {n}")));
                        (
                            InputEntry {
                                path: path.clone(),
                                kind,
                                status: InputStatus::Ok,
                                records: out.records,
                                error: None,
                            },
                            out.events,
                            Vec::new(),
                            None,
                        )
                    }
                    Err(e) => (
                        InputEntry {
                            path: path.clone(),
                            kind,
                            status: InputStatus::Error,
                            records: 0,
                            error: Some(e),
                        },
                        Vec::new(),
                        Vec::new(),
                        None,
                    ),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, fail: Option<&str>) -> (InputEntry, Option<String>) {
        let mut s = InputStream::new(name);
        if let Some(e) = fail {
            s.fail(e.to_string());
        }
        let p = s.finish();
        (p.entry, p.unparseable)
    }

    #[test]
    fn a_read_that_fails_before_its_first_byte_is_an_error_with_its_reason() {
        let (e, unparseable) = entry("shared.log", Some("read error: permission revoked"));
        assert_eq!(e.status, InputStatus::Error);
        assert_eq!(e.kind, InputKind::Unknown);
        assert_eq!(e.error.as_deref(), Some("read error: permission revoked"));
        assert_eq!(unparseable, None);
        let (e, unparseable) = entry("user.cer", Some("read error: gone"));
        assert_eq!(
            (e.status, e.kind),
            (InputStatus::Error, InputKind::Certificate)
        );
        assert_eq!(e.error.as_deref(), Some("read error: gone"));
        assert_eq!(
            unparseable, None,
            "a failed read is not a broken certificate"
        );
    }

    #[test]
    fn an_empty_file_is_ignored_unless_its_name_promises_a_certificate() {
        let (e, unparseable) = entry("OMADM.log", None);
        assert_eq!(
            (e.status, e.kind),
            (InputStatus::Ignored, InputKind::Unknown)
        );
        assert_eq!(e.error.as_deref(), Some("the file is empty"));
        assert_eq!(unparseable, None);
        let (e, unparseable) = entry("root.crt", None);
        assert_eq!(
            (e.status, e.kind),
            (InputStatus::Error, InputKind::Certificate)
        );
        assert_eq!(unparseable.as_deref(), Some("the file is empty"));
    }
}
