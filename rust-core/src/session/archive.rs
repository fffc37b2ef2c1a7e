//! Inputs that are archives, and archive members: a container is walked by
//! `input::archive` and each member comes back here to be recognised like a loose file
//! (`archive!/member` in the report). Members of a logarchive are routed by path to its
//! reader ([`super::logarchive`]); binary `.evtx` members go to the event-log decoder the
//! caller gave ([`EventLogDecoder`], the CLI's), else to the registry like any input.

use std::io::{Cursor, Read, SeekFrom};

use sha2::Digest;

use super::Session;
use crate::contract::InputKind;
use crate::input::archive::{self, Container, Problem, SNIFF_BYTES, Source, Visitor};
use crate::limits;
use crate::report::InputStatus;
use crate::report::messages::Messages;

/// `ElfFile\0`, the first bytes of a binary Windows event log.
const EVTX_MAGIC: &[u8] = b"ElfFile\0";

/// Decodes binary `.evtx` event logs for the session (the core does not: the decoder is
/// too large for the apps' library). The CLI gives one; inside archives too, `.evtx`
/// members reach it.
pub trait EventLogDecoder: Send + Sync {
    /// The records' Event XML in file order, or why nothing could be read.
    fn decode(&self, content: &mut dyn Read) -> Result<DecodedEvents, String>;
}

/// What an [`EventLogDecoder`] read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecodedEvents {
    pub records: Vec<String>,
    /// What of the file could not be decoded, when something could not.
    pub error: Option<String>,
}

impl Session {
    /// Reads an input that may be an archive: its members are added one by one.
    pub(super) fn read_input(&mut self, path: &str, source: Source<'_>) {
        let seekable = matches!(source, Source::Seekable(_));
        let reader: &mut dyn ReadSeekOrRead = match source {
            Source::Stream(r) => &mut StreamOnly(r),
            Source::Seekable(s) => &mut SeekableSource(s),
        };
        if self.logarchives.claim(path, reader.as_read()) {
            return;
        }
        let mut head = vec![0u8; SNIFF_BYTES];
        let n = archive::read_up_to(reader.as_read(), &mut head);
        head.truncate(n);
        let container = Container::sniff(&head);
        // A seekable input goes back to its start: zip and cab read in place, a large log
        // is read at offsets.
        if seekable
            && let Some(s) = reader.as_seek()
            && s.seek(SeekFrom::Start(0)).is_ok()
        {
            match container {
                Some(c) => self.walk(path, c, Source::Seekable(s)),
                None => self.read_plain_seekable(path, s, &head),
            }
            return;
        }
        let mut chained = Cursor::new(head).chain(reader.as_read());
        match container {
            Some(c) => self.walk(path, c, Source::Stream(&mut chained)),
            None => {
                if let Some(parsed) = self.read_plain(path, &mut chained) {
                    self.add(parsed);
                }
            }
        }
    }

    fn walk(&mut self, path: &str, container: Container, source: Source<'_>) {
        let mut members = Members {
            session: self,
            listed_ignored: 0,
            unlisted_ignored: 0,
        };
        archive::walk(path, container, source, &self_limits(), &mut members);
        let unlisted = members.unlisted_ignored;
        if unlisted > 0 {
            let m = Messages::get(self.options.lang);
            self.notices.push(m.text(
                "archive-members-not-listed",
                &[
                    ("archive", path.to_string()),
                    ("count", unlisted.to_string()),
                    ("limit", limits::MAX_IGNORED_MEMBERS_LISTED.to_string()),
                ],
            ));
        }
    }

    /// A loose input that is no container, seekable: `.evtx` to the decoder, else read at
    /// offsets (a large log on two threads) when it is a file.
    fn read_plain_seekable(&mut self, path: &str, s: &mut dyn archive::ReadSeek, head: &[u8]) {
        if head.starts_with(EVTX_MAGIC) && self.decoder.is_some() {
            self.decode_events(path, s);
            return;
        }
        let mut s = InputReader(s);
        if let Some(parsed) = self.read_plain(path, &mut s) {
            self.add(parsed);
        }
    }

    /// A member or input that is no container: `None` when it went to the event-log
    /// decoder, else what the registry's format made of it.
    pub(super) fn read_plain(
        &mut self,
        path: &str,
        content: &mut dyn Read,
    ) -> Option<super::ParsedInput> {
        let mut magic = [0u8; 8];
        let n = archive::read_up_to(content, &mut magic);
        let mut chained = Cursor::new(magic[..n].to_vec()).chain(content);
        if n == 8 && magic == EVTX_MAGIC && self.decoder.is_some() {
            self.decode_events(path, &mut chained);
            return None;
        }
        Some(super::stream_reader(path, &mut chained))
    }

    fn decode_events(&mut self, path: &str, content: &mut dyn Read) {
        let Some(decoder) = self.decoder.clone() else {
            return;
        };
        match decoder.decode(content) {
            Ok(d) => self.add_event_records(path, &d.records, d.error),
            Err(e) => self.add_error(path, InputKind::WindowsDmEvents, &e),
        }
    }
}

fn self_limits() -> archive::Limits {
    archive::Limits::DEFAULT
}

/// Members of one archive into the session.
struct Members<'s> {
    session: &'s mut Session,
    listed_ignored: usize,
    unlisted_ignored: u64,
}

impl Visitor for Members<'_> {
    fn member(&mut self, path: &str, content: &mut dyn Read) {
        if self.session.logarchives.claim(path, content) {
            return;
        }
        let Some(parsed) = self.session.read_plain(path, content) else {
            return;
        };
        if parsed.entry.status == InputStatus::Ignored {
            if self.listed_ignored >= limits::MAX_IGNORED_MEMBERS_LISTED {
                self.unlisted_ignored += 1;
                self.session.key.update(parsed.entry.path.as_bytes());
                return;
            }
            self.listed_ignored += 1;
        }
        self.session.add(parsed);
    }

    fn problem(&mut self, path: &str, problem: Problem) {
        self.session
            .add_error(path, InputKind::Unknown, &problem.to_string());
    }
}

/// A source seen as a reader, and as a seekable one when it is.
trait ReadSeekOrRead {
    fn as_read(&mut self) -> &mut dyn Read;
    fn as_seek(&mut self) -> Option<&mut dyn archive::ReadSeek>;
}

struct StreamOnly<'a>(&'a mut dyn Read);
struct SeekableSource<'a>(&'a mut dyn archive::ReadSeek);

impl ReadSeekOrRead for StreamOnly<'_> {
    fn as_read(&mut self) -> &mut dyn Read {
        self.0
    }
    fn as_seek(&mut self) -> Option<&mut dyn archive::ReadSeek> {
        None
    }
}

impl ReadSeekOrRead for SeekableSource<'_> {
    fn as_read(&mut self) -> &mut dyn Read {
        self.0
    }
    fn as_seek(&mut self) -> Option<&mut dyn archive::ReadSeek> {
        Some(self.0)
    }
}

/// A seekable source read as a plain reader.
struct InputReader<'a>(&'a mut dyn archive::ReadSeek);

impl Read for InputReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}
