//! Containers: `.gz` (one or several members), `.tar`, `.tar.gz`/`.tgz`, `.zip` and `.cab`
//! (MSZIP and LZX), nested in each other up to `limits::MAX_ARCHIVE_DEPTH` levels.
//! Format-agnostic: a container only hands its members, as display names and readers, to
//! a [`Visitor`] (the session, which recognises each member like a loose file). Nothing is
//! extracted: member names are display names and never reach a file system (`/etc/passwd`
//! and `../../x` are just names). Gzip and tar stream; zip and cab need their central
//! directory, so one that is not seekable is held in memory within a limit.
//!
//! Every bound (entries, inflated bytes per member and in all, compression ratio,
//! nesting, buffered size, name length) is reported to the visitor when hit, as a
//! [`Problem`] or as the read error of the member that was cut. A panic of a container
//! reader is contained to the member (or archive) being read.

#[cfg(feature = "cab")]
mod cab;
mod gzip;
mod tar;
mod zip;

use std::cell::Cell;
use std::io::{self, Cursor, Read, Seek};
use std::rc::Rc;

use crate::limits;

/// Bytes of a member's head looked at to tell a container (tar's magic is at 257).
pub const SNIFF_BYTES: usize = 512;

/// A kind of container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Container {
    Gzip,
    Tar,
    Zip,
    Cab,
}

impl Container {
    /// How messages name it.
    pub fn name(self) -> &'static str {
        match self {
            Container::Gzip => "gzip file",
            Container::Tar => "tar archive",
            Container::Zip => "zip bundle",
            Container::Cab => "cabinet",
        }
    }

    /// The container the first bytes of an input announce (give at least
    /// [`SNIFF_BYTES`] when there are that many, for tar).
    pub fn sniff(head: &[u8]) -> Option<Container> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Container::Gzip)
        } else if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
            Some(Container::Zip)
        } else if head.starts_with(b"MSCF\0\0\0\0") {
            Some(Container::Cab)
        } else if head.get(257..262) == Some(b"ustar") {
            Some(Container::Tar)
        } else {
            None
        }
    }
}

/// The bounds of one walk (`limits` holds the numbers; tests use small ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_entries: usize,
    pub max_entry_bytes: u64,
    pub max_total_bytes: u64,
    pub max_ratio: u64,
    pub min_bomb_check: u64,
    pub max_depth: u8,
    pub max_buffered: u64,
    pub max_nested: u64,
    pub max_name: usize,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        max_entries: limits::MAX_ARCHIVE_ENTRIES,
        max_entry_bytes: limits::MAX_ARCHIVE_ENTRY_BYTES,
        max_total_bytes: limits::MAX_ARCHIVE_TOTAL_BYTES,
        max_ratio: limits::MAX_COMPRESSION_RATIO,
        min_bomb_check: limits::MIN_BOMB_CHECK_BYTES,
        max_depth: limits::MAX_ARCHIVE_DEPTH,
        max_buffered: limits::MAX_BUFFERED_ARCHIVE_BYTES,
        max_nested: limits::MAX_NESTED_ARCHIVE_BYTES,
        max_name: limits::MAX_MEMBER_NAME_BYTES,
    };
}

/// What of an archive could not be read. The display text is the input's `error` in the
/// report (English, like every input error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("not a readable {}: {detail}", container.name())]
    Unreadable {
        container: Container,
        detail: String,
    },
    #[error("the {} has no entries", container.name())]
    Empty { container: Container },
    #[error("the {} is cut short or damaged ({detail}); the members before that point were read", container.name())]
    Truncated {
        container: Container,
        detail: String,
    },
    #[error("the archive has more than {limit} entries; only the first {limit} are read")]
    TooManyEntries { limit: usize },
    #[error("not read: the archive's {} inflated-size limit was reached", size_text(*limit))]
    BudgetSpent { limit: u64 },
    #[error("nested archive deeper than {limit} levels: not read")]
    TooDeep { limit: u8 },
    #[error("a {} that is not a seekable file is held in memory to be read, and this one is larger than {}: not read", container.name(), size_text(*limit))]
    TooLargeToHold { container: Container, limit: u64 },
    #[error("{count} members are links, devices or other special files: not read")]
    SpecialMembers { count: u64 },
    #[error("cannot read this member: {detail}")]
    Member { detail: String },
    #[error("a {}: this build does not read it (the certdoctor CLI does)", container.name())]
    NotInThisBuild { container: Container },
}

/// Where the members of an archive go.
pub trait Visitor {
    /// A member that is not itself a container (or is one the walk does not open),
    /// streamed: `content` ends with an error when the member was cut by a limit.
    fn member(&mut self, path: &str, content: &mut dyn Read);
    /// Something of the archive or of a member at `path` could not be read.
    fn problem(&mut self, path: &str, problem: Problem);
}

/// A reader that can also seek (a file, a buffer).
pub trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// The bytes of an archive: a stream, or something zip and cab can seek in.
pub enum Source<'a> {
    Stream(&'a mut dyn Read),
    Seekable(&'a mut dyn ReadSeek),
}

/// Sizes in messages: whole MiB when they are, else bytes.
pub fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

/// The display path of a member: `archive!/name`, the name as written except a leading
/// `./`, control characters shown as `?`, cut to `max` bytes (marked `…`).
pub fn member_path(archive: &str, name: &str, max: usize) -> String {
    let name = name.strip_prefix("./").unwrap_or(name);
    let mut clean: String = name
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if clean.len() > max {
        let mut cut = max;
        while !clean.is_char_boundary(cut) {
            cut -= 1;
        }
        clean.truncate(cut);
        clean.push('…');
    }
    format!("{archive}!/{clean}")
}

/// Reads an archive of kind `container` at display path `path` into `visitor`.
pub fn walk(
    path: &str,
    container: Container,
    source: Source<'_>,
    limits: &Limits,
    visitor: &mut dyn Visitor,
) {
    let mut w = Walk {
        limits: *limits,
        budget: limits.max_total_bytes,
        entries: 0,
        over_count: false,
        visitor,
    };
    w.container(path, container, source, 0);
    if w.over_count {
        w.visitor.problem(
            path,
            Problem::TooManyEntries {
                limit: w.limits.max_entries,
            },
        );
    }
}

/// One walk's state: what is left of the budget, entries read so far.
pub(crate) struct Walk<'v> {
    limits: Limits,
    budget: u64,
    entries: usize,
    over_count: bool,
    visitor: &'v mut dyn Visitor,
}

impl Walk<'_> {
    fn container(&mut self, path: &str, container: Container, source: Source<'_>, depth: u8) {
        match container {
            Container::Gzip => gzip::walk(self, path, into_stream(source), depth),
            Container::Tar => tar::walk(self, path, into_stream(source), depth),
            #[cfg(not(feature = "cab"))]
            Container::Cab => self.problem(path, Problem::NotInThisBuild { container }),
            _ => {
                let mut held;
                let seekable: &mut dyn ReadSeek = match source {
                    Source::Seekable(s) => s,
                    Source::Stream(r) => {
                        let limit = if depth == 0 {
                            self.limits.max_buffered
                        } else {
                            self.limits.max_nested
                        };
                        let mut buf = Vec::new();
                        if let Err(e) = r.take(limit + 1).read_to_end(&mut buf) {
                            self.problem(
                                path,
                                Problem::Member {
                                    detail: e.to_string(),
                                },
                            );
                            return;
                        }
                        if buf.len() as u64 > limit {
                            self.problem(path, Problem::TooLargeToHold { container, limit });
                            return;
                        }
                        held = Cursor::new(buf);
                        &mut held
                    }
                };
                if container == Container::Zip {
                    zip::walk(self, path, seekable, depth);
                } else {
                    #[cfg(feature = "cab")]
                    cab::walk(self, path, seekable, depth);
                    #[cfg(not(feature = "cab"))]
                    self.problem(path, Problem::NotInThisBuild { container });
                }
            }
        }
    }

    pub(crate) fn problem(&mut self, path: &str, problem: Problem) {
        self.visitor.problem(path, problem);
    }

    /// The display path of member `name` of the archive at `archive`.
    pub(crate) fn member_path(&self, archive: &str, name: &str) -> String {
        member_path(archive, name, self.limits.max_name)
    }

    /// False (and the count is noted) once the walk has read its entries.
    pub(crate) fn admit(&mut self) -> bool {
        if self.entries >= self.limits.max_entries {
            self.over_count = true;
            return false;
        }
        self.entries += 1;
        true
    }

    /// One member of a container at `depth`: opened when it is a container itself and
    /// the depth allows, else handed to the visitor; within the budget, the member's cap
    /// and, when `compressed` is known, the compression ratio.
    pub(crate) fn entry(
        &mut self,
        path: &str,
        content: &mut dyn Read,
        depth: u8,
        compressed: Option<u64>,
    ) {
        if self.budget == 0 {
            self.problem(
                path,
                Problem::BudgetSpent {
                    limit: self.limits.max_total_bytes,
                },
            );
            return;
        }
        let cap = self.limits.max_entry_bytes.min(self.budget);
        let mut limited = Limited {
            inner: content,
            left: cap,
            cap,
            budget_limit: (cap < self.limits.max_entry_bytes)
                .then_some(self.limits.max_total_bytes),
            read: 0,
            bomb: compressed.map(|c| BombCheck {
                compressed: Rc::new(Cell::new(c)),
                ratio: self.limits.max_ratio,
                min: self.limits.min_bomb_check,
            }),
        };
        let mut head = vec![0u8; SNIFF_BYTES];
        let n = read_up_to(&mut limited, &mut head);
        head.truncate(n);
        match Container::sniff(&head) {
            Some(inner) if depth < self.limits.max_depth => {
                let mut chained = Cursor::new(head).chain(&mut limited);
                self.container(path, inner, Source::Stream(&mut chained), depth + 1);
            }
            Some(_) => self.problem(
                path,
                Problem::TooDeep {
                    limit: self.limits.max_depth,
                },
            ),
            None => {
                let mut chained = Cursor::new(head).chain(&mut limited);
                self.visitor.member(path, &mut chained);
            }
        }
        self.budget = self.budget.saturating_sub(limited.read);
    }
}

fn into_stream(source: Source<'_>) -> &mut dyn Read {
    match source {
        Source::Stream(r) => r,
        Source::Seekable(s) => s,
    }
}

/// Reads until `buf` is full or the input ends (errors end it too: the caller's reads
/// meet them again).
pub(crate) fn read_up_to(r: &mut dyn Read, buf: &mut [u8]) -> usize {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    n
}

/// The compression-ratio check of one stream: `compressed` bytes (known, or counted as
/// they are consumed) against what was inflated.
#[derive(Clone)]
pub(crate) struct BombCheck {
    pub(crate) compressed: Rc<Cell<u64>>,
    pub(crate) ratio: u64,
    pub(crate) min: u64,
}

impl BombCheck {
    fn exceeded(&self, inflated: u64) -> bool {
        inflated > self.min && inflated / self.compressed.get().max(1) > self.ratio
    }

    fn message(&self, _inflated: u64) -> String {
        format!(
            "it inflates more than {} times its compressed size (compression bomb?); reading stopped past its first {}, which were analysed",
            self.ratio,
            size_text(self.min)
        )
    }
}

/// A member's content within its cap (the member's own limit or what is left of the
/// archive's budget) and the ratio check: past either, reads fail with the reason, and
/// what was read is still analysed.
struct Limited<'a> {
    inner: &'a mut dyn Read,
    left: u64,
    cap: u64,
    /// `Some(the archive's limit)` when the budget, not the member's own limit, set `cap`.
    budget_limit: Option<u64>,
    read: u64,
    bomb: Option<BombCheck>,
}

impl Limited<'_> {
    fn over_message(&self) -> String {
        let cap = size_text(self.cap);
        match self.budget_limit {
            Some(total) => format!(
                "the archive's {} inflated-size limit was reached in this entry; only its first {cap} were analysed",
                size_text(total)
            ),
            None => format!(
                "the entry inflates beyond the {cap} limit (zip bomb?); only its first {cap} were analysed"
            ),
        }
    }
}

impl Read for Limited<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(b) = &self.bomb
            && b.exceeded(self.read)
        {
            return Err(io::Error::other(b.message(self.read)));
        }
        if self.left == 0 {
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? > 0 {
                return Err(io::Error::other(self.over_message()));
            }
            return Ok(0);
        }
        let max = buf.len().min(self.left as usize);
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        self.read += n as u64;
        Ok(n)
    }
}

/// A reader whose panics (a crafted input meeting a bug of a dependency) become read
/// errors of the member being read.
pub(crate) struct Contained<R>(pub(crate) R);

impl<R: Read> Read for Contained<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.0.read(buf))) {
            Ok(r) => r,
            Err(payload) => Err(io::Error::other(format!(
                "the archive reader failed ({})",
                panic_text(&*payload)
            ))),
        }
    }
}

pub(crate) fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

/// Counts the bytes read through it (a compressed stream's consumed size).
pub(crate) struct Counting<'a> {
    pub(crate) inner: &'a mut dyn Read,
    pub(crate) count: Rc<Cell<u64>>,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

#[cfg(all(test, feature = "cab"))]
mod tests;

#[cfg(all(test, not(feature = "cab")))]
#[test]
fn a_cabinet_is_named_as_not_read_by_this_build() {
    struct Seen(Vec<Problem>);
    impl Visitor for Seen {
        fn member(&mut self, _: &str, _: &mut dyn Read) {}
        fn problem(&mut self, _: &str, p: Problem) {
            self.0.push(p);
        }
    }
    let mut seen = Seen(Vec::new());
    let mut r: &[u8] = b"MSCF\0\0\0\0rest";
    walk(
        "d.cab",
        Container::Cab,
        Source::Stream(&mut r),
        &Limits::DEFAULT,
        &mut seen,
    );
    assert_eq!(
        seen.0,
        [Problem::NotInThisBuild {
            container: Container::Cab
        }]
    );
}
