//! The logarchive reader: members in ([`LogArchive::add_member`]), records, counts and
//! notices out ([`LogArchive::finish`]).

use std::io::Read;
use std::sync::Arc;

use super::format;
use super::kept::{Kept, Records, Shared};
use super::member::{MemberKind, Uuid, recognise};
use super::selection::{self, Selection};
use super::strings::{StoreFigures, StringStore};
use super::tracev3::{self, ChunkCounts, Group, Needs};

/// Bytes of pending chunk sets (processes not identified yet) kept by default.
pub const DEFAULT_PENDING_BUDGET: usize = 32 << 20;
/// Bytes of decided chunk sets and catalogs waiting for their string stores or clock
/// file, kept by default.
pub const DEFAULT_WAITING_BUDGET: usize = 16 << 20;

/// Level (type) of a record, as `log show` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Default,
    Info,
    Debug,
    Error,
    Fault,
    Activity,
    UserAction,
    Signpost,
    StateDump,
    SimpleDump,
    Loss,
}

impl Level {
    /// The word `log show` prints in its Type column.
    pub fn log_show_name(self) -> &'static str {
        match self {
            Level::Default => "Default",
            Level::Info => "Info",
            Level::Debug => "Debug",
            Level::Error => "Error",
            Level::Fault => "Fault",
            Level::Activity => "Activity",
            Level::UserAction => "UserAction",
            Level::Signpost => "Signpost",
            Level::StateDump => "State",
            Level::SimpleDump => "Default",
            Level::Loss => "Loss",
        }
    }
}

/// Why a record's message (or process) is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Partial {
    /// The uuidtext file of the image that wrote it is not in the archive.
    ImageStringsMissing { image: Uuid },
    /// The image's uuidtext file came before the log file that needed it and only its
    /// path was kept (the image is not in the selection's `images`).
    ImageStringsNotKept { image: Uuid },
    /// The image's strings are there but hold no string at the record's offset.
    FormatStringNotFound { image: Uuid },
    /// The shared-cache string file is not in the archive.
    SharedCacheStringsMissing { dsc: Uuid },
    /// The shared-cache string file is there but the image's range was not kept.
    SharedCacheStringsNotKept { dsc: Uuid },
    /// The long-message (oversize) chunk the record points to was not read.
    OversizeMissing,
    /// The message is whole but the process's executable is unknown (its uuidtext file
    /// is missing).
    ProcessUnknown,
}

/// One unified-log record. All fields are public so that tests can build records
/// directly (a record of `profiled` must give the same evidence as the text line
/// [`Record::log_show_line`] renders).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Nanoseconds since 1970-01-01T00:00:00Z (precise to about a microsecond).
    pub time_ns: i64,
    /// The time comes from the log file's header because the boot's timesync file is
    /// missing: right to within the clock drift of the file's span.
    pub time_from_header: bool,
    /// Path of the process's executable (`None`: unknown).
    pub process: Option<String>,
    pub pid: u64,
    pub thread_id: u64,
    /// Empty when the record has none.
    pub subsystem: String,
    pub category: String,
    pub level: Level,
    /// The formatted message; empty when `partial` says it could not be formatted.
    pub message: String,
    /// Path of the image (executable or library) that wrote the record, when known.
    pub library: Option<String>,
    pub partial: Option<Partial>,
    /// For a partial record: the argument values the parser read (strings, numbers),
    /// which may still name a profile or a URL.
    pub arguments: Vec<String>,
    /// The logarchive member (tracev3 file) it came from.
    pub member: String,
}

impl Record {
    /// The process name: the executable's file name.
    pub fn process_name(&self) -> Option<&str> {
        self.process.as_deref().map(selection::file_name)
    }

    /// The time as RFC 3339 in UTC with microseconds (`2022-04-13T13:14:30.341146Z`).
    pub fn rfc3339(&self) -> String {
        let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.time_ns))
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.microsecond()
        )
    }

    /// The record as one line of `log show` (default style, UTC):
    /// `2022-04-13 13:14:30.341146+0000 0x1b3 Default 0x0 123 0 profiled: [subsystem:category] message`.
    /// Newlines in the message are kept, as `log show` keeps them.
    pub fn log_show_line(&self) -> String {
        let t = self.rfc3339();
        let (date, clock) = (&t[..10], &t[11..26]);
        let mut line = format!(
            "{date} {clock}+0000 {:#x} {:<7} 0x0 {} 0 {}: ",
            self.thread_id,
            self.level.log_show_name(),
            self.pid,
            self.process_name().unwrap_or("<unknown>"),
        );
        if !self.subsystem.is_empty() {
            line.push_str(&format!("[{}:{}] ", self.subsystem, self.category));
        }
        line.push_str(&self.message);
        line
    }
}

/// Why one member could not be read (wholly or from some point on).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("reading failed: {0}")]
    Io(String),
    #[error("cut short at byte {offset}")]
    Truncated { offset: u64 },
    #[error("a chunk of {size} bytes at byte {offset} is larger than a log file holds")]
    ChunkTooLarge { offset: u64, size: u64 },
    #[error("larger than {limit} bytes, more than such a file holds")]
    TooLarge { limit: u64 },
    #[error("{0}")]
    Malformed(&'static str),
    #[error("{what} at byte {offset}")]
    MalformedAt { what: &'static str, offset: u64 },
    #[error("the unified-log parser failed on it ({0})")]
    ParserPanicked(String),
}

impl ReadError {
    /// The same error, placed at a chunk's offset.
    pub(crate) fn at(self, offset: u64) -> ReadError {
        match self {
            ReadError::Malformed(what) => ReadError::MalformedAt { what, offset },
            ReadError::ChunkTooLarge { size, .. } => ReadError::ChunkTooLarge { offset, size },
            other => other,
        }
    }
}

/// What the reader has to tell besides records. Never silent: every member that could
/// not be read and every record whose message is partial is counted here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A member could not be read, wholly or from some point on (what was read before
    /// that point is kept).
    MemberUnreadable {
        member: String,
        kind: MemberKind,
        error: ReadError,
    },
    /// Messages are partial: `records` kept records could not be formatted in full
    /// because string stores are missing (`missing_images`, `missing_shared_caches`
    /// distinct stores absent from the archive) or were not kept (`not_kept`).
    PartialMessages {
        records: u64,
        missing_images: u64,
        missing_shared_caches: u64,
        not_kept: u64,
        oversize_missing: u64,
    },
    /// Kept records whose process is unknown (its uuidtext file is missing).
    ProcessesUnknown { records: u64 },
    /// The boot's timesync file is missing: these records' times come from their log
    /// file's header clock.
    TimesFromLogHeader { boot: String, records: u64 },
    /// Chunk sets of processes not identified yet were dropped to stay within the
    /// pending budget (their uuidtext files had not arrived: after the log files, or
    /// never).
    PendingDropped { chunksets: u64, bytes: u64 },
    /// Log files were formatted before all the string stores or clock files they need
    /// had arrived, to stay within the waiting budget, and some of those arrived later:
    /// these records' messages may be partial, or their times from the header clock,
    /// where formatting at the end would have given them whole.
    FormattedEarly { files: u64, records: u64 },
    /// Chunk sets of processes never identified (no uuidtext file named them) were
    /// skipped; records chosen by subsystem were still read.
    ProcessesNeverIdentified { chunksets: u64 },
    /// Log files were read but no string store at all (no uuidtext, no dsc).
    NoStringStores,
    /// String stores but no log file.
    NoLogFiles,
}

/// Counts of what was read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tracev3_files: u64,
    pub uuidtext_files: u64,
    pub dsc_files: u64,
    pub timesync_files: u64,
    pub other_members: u64,
    pub chunks: ChunkCounts,
    /// Entries in the chunk sets that were decompressed (skipped chunk sets' entries are
    /// not counted: they were never decompressed).
    pub entries_read: u64,
    pub records_kept: u64,
    /// Bytes the kept records hold at the end: an entry each, and one copy of each text
    /// and origin they share, long texts deflated.
    pub records_bytes: u64,
    /// Largest number of bytes held (kept chunk sets + string stores) while members
    /// were added.
    pub peak_bytes_held: u64,
}

/// What [`LogArchive::finish`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnifiedLog {
    /// In time order (ties: member path, then position in the file), held compactly.
    pub records: Records,
    pub counts: Counts,
    pub notices: Vec<Notice>,
    pub strings: StoreFigures,
}

/// Limits of a [`LogArchive`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of pending chunk sets (processes not identified yet) kept.
    pub pending_bytes: usize,
    /// Bytes of decided chunk sets and their catalogs kept while the string stores or
    /// clock files they need have not arrived; beyond it the oldest log files are
    /// formatted with what has ([`Notice::FormattedEarly`] when that made a difference).
    pub waiting_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            pending_bytes: DEFAULT_PENDING_BUDGET,
            waiting_bytes: DEFAULT_WAITING_BUDGET,
        }
    }
}

/// A logarchive being read: members in, records out.
///
/// A log file's kept chunk sets are formatted as soon as what they need has arrived
/// ([`tracev3::Needs`]): with the string stores first (a sysdiagnose's usual order) only
/// records are held, and memory does not grow with the number of log files.
pub struct LogArchive {
    selection: Selection,
    limits: Limits,
    store: StringStore,
    /// Kept chunk sets not formatted yet, in arrival order.
    groups: Vec<Group>,
    /// Records formatted so far.
    done: format::Formatted,
    shared: Shared,
    /// Log files formatted before all they needed had arrived, with what was missing.
    early: Vec<(Arc<str>, Needs)>,
    notices: Vec<Notice>,
    counts: Counts,
    pending_dropped: (u64, u64),
}

impl LogArchive {
    pub fn new(selection: Selection) -> LogArchive {
        LogArchive::with_limits(selection, Limits::default())
    }

    pub fn with_limits(selection: Selection, limits: Limits) -> LogArchive {
        LogArchive {
            selection,
            limits,
            store: StringStore::default(),
            groups: Vec::new(),
            done: format::Formatted::default(),
            shared: Shared::default(),
            early: Vec::new(),
            notices: Vec::new(),
            counts: Counts::default(),
            pending_dropped: (0, 0),
        }
    }

    /// Reads a member if `path` names one ([`recognise`]); returns its kind, or `None`
    /// (reader untouched) for other paths. A member that cannot be read is counted in
    /// the notices; what came before the error is kept.
    pub fn add_member(&mut self, path: &str, reader: &mut dyn Read) -> Option<MemberKind> {
        let kind = recognise(path)?.kind;
        self.add_member_as(kind, path, reader);
        Some(kind)
    }

    /// Reads a member whose kind the caller established (e.g. by [`MemberKind::sniff`]).
    pub fn add_member_as(&mut self, kind: MemberKind, path: &str, reader: &mut dyn Read) {
        let result = match kind {
            MemberKind::Tracev3 => {
                self.counts.tracev3_files += 1;
                let member: Arc<str> = Arc::from(path);
                tracev3::read_tracev3(
                    &member,
                    reader,
                    &self.selection,
                    &mut self.store,
                    &mut self.groups,
                    &mut self.counts.chunks,
                )
            }
            MemberKind::UuidText(uuid) => {
                self.counts.uuidtext_files += 1;
                self.store.add_uuidtext(uuid, reader, &self.selection)
            }
            MemberKind::Dsc(uuid) => {
                self.counts.dsc_files += 1;
                self.store.add_dsc(uuid, reader, &self.selection)
            }
            MemberKind::Timesync => {
                self.counts.timesync_files += 1;
                self.store.add_timesync(reader)
            }
            MemberKind::InfoPlist => {
                self.counts.other_members += 1;
                Ok(())
            }
        };
        if let Err(error) = result {
            self.notices.push(Notice::MemberUnreadable {
                member: path.to_string(),
                kind,
                error,
            });
        }
        // Chunk sets whose processes are now known are decided.
        if matches!(kind, MemberKind::UuidText(_)) && self.groups.iter().any(|g| !g.is_decided()) {
            // Those dropped are of processes now known and not wanted: nothing lost.
            tracev3::settle_pending(&mut self.groups, &self.selection, &mut self.store, false);
        }
        if tracev3::pending_bytes(&self.groups) > self.limits.pending_bytes {
            let trimmed = tracev3::trim_pending(&mut self.groups, self.limits.pending_bytes);
            self.pending_dropped.0 += trimmed.0;
            self.pending_dropped.1 += trimmed.1;
        }
        let held = self.bytes_held() as u64;
        self.counts.peak_bytes_held = self.counts.peak_bytes_held.max(held);
        if kind != MemberKind::InfoPlist {
            self.format_ready();
        }
        while self.groups.iter().map(Group::decided_bytes).sum::<usize>()
            > self.limits.waiting_bytes
        {
            let Some(oldest) = self.groups.iter().find(|g| g.decided_bytes() > 0) else {
                break;
            };
            let oldest = Arc::clone(&oldest.member);
            self.format_member(&oldest, true);
        }
    }

    /// Formats every log file whose kept chunk sets are all decided and need nothing
    /// that has not arrived.
    fn format_ready(&mut self) {
        let mut blocked: Vec<&str> = Vec::new();
        for g in &self.groups {
            if !g.is_decided() || !g.needs.is_met(&self.store) {
                blocked.push(&g.member);
            }
        }
        let mut ready: Vec<Arc<str>> = Vec::new();
        for g in &self.groups {
            if !blocked.contains(&&*g.member) && !ready.contains(&g.member) {
                ready.push(Arc::clone(&g.member));
            }
        }
        for member in ready {
            self.format_member(&member, false);
        }
    }

    /// Formats the kept chunk sets of one log file now. `early`: some of what they need
    /// has not arrived (the waiting budget is reached): its pending chunk sets stay
    /// pending, and what is missing is remembered for [`Notice::FormattedEarly`].
    fn format_member(&mut self, member: &Arc<str>, early: bool) {
        let (mut mine, rest): (Vec<Group>, Vec<Group>) = std::mem::take(&mut self.groups)
            .into_iter()
            .partition(|g| g.member == *member);
        self.groups = rest;
        if early {
            let pending: Vec<Group> = mine.iter_mut().filter_map(Group::split_pending).collect();
            self.groups.extend(pending);
            mine.retain(|g| !g.chunksets.is_empty());
            let mut missing = Needs::default();
            for g in &mine {
                missing.extend(g.needs.unmet(&self.store));
            }
            match self.early.iter_mut().find(|(m, _)| m == member) {
                Some((_, known)) => known.extend(missing),
                None => self.early.push((Arc::clone(member), missing)),
            }
        }
        let formatted =
            format::format_groups(mine, &mut self.store, &self.selection, &mut self.shared);
        self.done.merge(formatted);
    }

    /// Bytes held now: kept chunk sets and catalogs, string stores.
    pub fn bytes_held(&self) -> usize {
        self.groups.iter().map(Group::bytes).sum::<usize>() + self.store.figures().bytes_kept
    }

    /// Formats the kept records and says what was missing.
    pub fn finish(mut self) -> UnifiedLog {
        let (never, _) =
            tracev3::settle_pending(&mut self.groups, &self.selection, &mut self.store, true);
        let figures = self.store.figures();
        let formatted_now = format::format_groups(
            std::mem::take(&mut self.groups),
            &mut self.store,
            &self.selection,
            &mut self.shared,
        );
        let mut formatted = std::mem::take(&mut self.done);
        formatted.merge(formatted_now);
        let early = self.early_notice(&formatted.records);
        self.counts.entries_read = formatted.entries_read;
        let records = Records::sorted(std::mem::take(&mut formatted.records));
        self.counts.records_bytes = records.bytes() as u64;
        self.counts.records_kept = records.len() as u64;

        let mut notices = std::mem::take(&mut self.notices);
        notices.extend(formatted.notices);
        crate::sorting::stable_by_key(&mut notices, notice_key);
        notices.extend(partial_notice(&records));
        for (boot, n) in formatted.header_times {
            notices.push(Notice::TimesFromLogHeader { boot, records: n });
        }
        notices.extend(early);
        if self.pending_dropped.0 > 0 {
            notices.push(Notice::PendingDropped {
                chunksets: self.pending_dropped.0,
                bytes: self.pending_dropped.1,
            });
        }
        if never > 0 {
            notices.push(Notice::ProcessesNeverIdentified { chunksets: never });
        }
        if self.counts.tracev3_files > 0 && figures.uuidtext_files == 0 && figures.dsc_files == 0 {
            notices.push(Notice::NoStringStores);
        }
        if self.counts.tracev3_files == 0 && (figures.uuidtext_files > 0 || figures.dsc_files > 0) {
            notices.push(Notice::NoLogFiles);
        }
        UnifiedLog {
            records,
            counts: self.counts,
            notices,
            strings: figures,
        }
    }
}

impl LogArchive {
    /// [`Notice::FormattedEarly`]: log files formatted early some of whose missing stores
    /// or clock files arrived afterwards, and their records that may be the worse for it
    /// (partial, or timed by the header clock).
    fn early_notice(&self, records: &[Kept]) -> Option<Notice> {
        let late: Vec<&str> = (self.early.iter())
            .filter(|(_, missing)| missing.unmet(&self.store) != *missing)
            .map(|(member, _)| &**member)
            .collect();
        if late.is_empty() {
            return None;
        }
        let records = (records.iter())
            .filter(|r| (r.partial.is_some() || r.time_from_header) && late.contains(&r.member()))
            .count() as u64;
        Some(Notice::FormattedEarly {
            files: late.len() as u64,
            records,
        })
    }
}

/// Unreadable members sorted by path, so that the order of arrival does not show.
fn notice_key(n: &Notice) -> (String, String) {
    match n {
        Notice::MemberUnreadable { member, error, .. } => (member.clone(), error.to_string()),
        other => (String::new(), format!("{other:?}")),
    }
}

/// The partial-messages and unknown-process notices, from the records.
fn partial_notice(records: &Records) -> Vec<Notice> {
    use std::collections::BTreeSet;
    let mut partial = 0;
    let mut unknown = 0;
    let mut images = BTreeSet::new();
    let mut caches = BTreeSet::new();
    let mut not_kept = 0;
    let mut oversize = 0;
    for r in records.kept() {
        match r.partial {
            None => {}
            Some(Partial::ProcessUnknown) => unknown += 1,
            Some(p) => {
                partial += 1;
                match p {
                    Partial::ImageStringsMissing { image } => {
                        images.insert(image);
                    }
                    Partial::SharedCacheStringsMissing { dsc } => {
                        caches.insert(dsc);
                    }
                    Partial::ImageStringsNotKept { .. }
                    | Partial::SharedCacheStringsNotKept { .. } => not_kept += 1,
                    Partial::OversizeMissing => oversize += 1,
                    Partial::FormatStringNotFound { .. } | Partial::ProcessUnknown => {}
                }
                if !r.has_process() {
                    unknown += 1;
                }
            }
        }
    }
    let mut out = Vec::new();
    if partial > 0 {
        out.push(Notice::PartialMessages {
            records: partial,
            missing_images: images.len() as u64,
            missing_shared_caches: caches.len() as u64,
            not_kept,
            oversize_missing: oversize,
        });
    }
    if unknown > 0 {
        out.push(Notice::ProcessesUnknown { records: unknown });
    }
    out
}

/// Runs a call into the parser; a panic becomes [`ReadError::ParserPanicked`].
pub(crate) fn contained<T>(f: impl FnOnce() -> T) -> Result<T, ReadError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        let text = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        ReadError::ParserPanicked(text)
    })
}

/// Reads a whole member of at most `limit` bytes.
pub(crate) fn read_capped(reader: &mut dyn Read, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut buf = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| ReadError::Io(e.to_string()))?;
    if buf.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(buf)
}
