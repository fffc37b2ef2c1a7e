//! Turning kept chunk sets into [`Record`]s once the string stores they need have
//! arrived (or at the end): each
//! group (a catalog and its kept chunk sets) is parsed by `macos-unifiedlogs`, entries of
//! unwanted processes and subsystems are dropped *before* their messages are formatted,
//! the rest is formatted against the [`StringStore`], and the parser's stand-in texts for
//! strings it could not resolve are recognised and turned into [`Partial`] marks.

use std::collections::BTreeMap;

use macos_unifiedlogs::parser::{build_log, parse_log};
use macos_unifiedlogs::timesync::{Timesync, TimesyncBoot};
use macos_unifiedlogs::unified_log::{LogData, LogType, UnifiedLogData};

use super::kept::{Kept, Shared};
use super::member::{MemberKind, Uuid};
use super::selection::Selection;
use super::strings::StringStore;
use super::tracev3::Group;
use super::{Level, Notice, Partial, ReadError, Record, contained};

/// A record's place in the logarchive, to order records of the same time: member path,
/// group in the member, position in the group.
pub(crate) type Place = (std::sync::Arc<str>, usize, usize);

/// What formatting found: the records, held compactly, and counts and notices.
#[derive(Default)]
pub(crate) struct Formatted {
    pub(crate) records: Vec<Kept>,
    pub(crate) entries_read: u64,
    pub(crate) notices: Vec<Notice>,
    /// Boot UUID → records whose time came from the tracev3 header.
    pub(crate) header_times: BTreeMap<String, u64>,
}

impl Formatted {
    /// Adds what a later call formatted.
    pub(crate) fn merge(&mut self, other: Formatted) {
        self.records.extend(other.records);
        self.entries_read += other.entries_read;
        self.notices.extend(other.notices);
        for (boot, n) in other.header_times {
            *self.header_times.entry(boot).or_default() += n;
        }
    }
}

/// The parser's texts in place of a format string it could not find (macos-unifiedlogs
/// 0.7.0, `chunks/firehose/message.rs`).
const STRING_FAILURES: [&str; 4] = [
    "Failed to get string message from",
    "Error: Invalid offset",
    "Error: Invalid UUID index",
    "Error: Invalid shared string offset",
];
const SHARED_FAILURE: &str = "Unknown shared string message";
const PATH_FAILURE: &str = "Failed to get path string from UUIDText file";
const MISSING_DATA: &str = "<Missing message data>";

/// Formats every group, in a fixed order (member path, then position in the member).
/// `shared` holds what the records share.
pub(crate) fn format_groups(
    mut groups: Vec<Group>,
    store: &mut StringStore,
    selection: &Selection,
    shared: &mut Shared,
) -> Formatted {
    crate::sorting::stable_by(&mut groups, |a, b| {
        (a.member.as_ref(), a.index_in_member).cmp(&(b.member.as_ref(), b.index_in_member))
    });
    let mut out = Formatted::default();
    // Oversize strings (long messages stored apart) are carried from one group to the
    // next within a file, as the parser expects.
    let mut carried: Option<(std::sync::Arc<str>, Vec<_>)> = None;
    for group in &groups {
        let image = group.file_image();
        let parsed = match contained(|| parse_log(image.as_slice(), &group.member).ok()) {
            Ok(Some(parsed)) => parsed,
            Ok(None) => {
                out.notices.push(unreadable(
                    group,
                    ReadError::Malformed("kept chunks not readable"),
                ));
                continue;
            }
            Err(e) => {
                out.notices.push(unreadable(group, e));
                continue;
            }
        };
        drop(image);
        let mut parsed = parsed;
        if let Some((member, oversize)) = carried.take()
            && member == group.member
        {
            let mut own = std::mem::take(&mut parsed.oversize);
            parsed.oversize = oversize;
            parsed.oversize.append(&mut own);
        }
        let Some(boot) = parsed.header.first().map(|h| h.boot_uuid.clone()) else {
            out.notices
                .push(unreadable(group, ReadError::Malformed("no header chunk")));
            continue;
        };
        let from_header = !store.timesync.contains_key(&boot);
        if from_header && let Some(h) = parsed.header.first() {
            let clock = HeaderClock {
                seconds: h.unknown_time & 0xffff_ffff,
                microseconds: h.unknown,
                numerator: h.mach_time_numerator,
                denominator: h.mach_time_denominator,
                ticks: h.sub_chunk_continous_time,
            };
            store.timesync.insert(boot.clone(), clock.boot(&boot));
        }
        out.entries_read += filter_entries(&mut parsed, store, selection);
        let built = contained(|| build_log(&parsed, &*store, &*store, &store.timesync, false));
        if from_header {
            store.timesync.remove(&boot);
        }
        let logs = match built {
            Ok((logs, _)) => logs,
            Err(e) => {
                out.notices.push(unreadable(group, e));
                continue;
            }
        };
        let mut kept = 0;
        for (position, log) in logs.into_iter().enumerate() {
            if let Some(record) = to_record(log, &parsed, group, store, selection, from_header) {
                kept += 1;
                let place = (group.member.clone(), group.index_in_member, position);
                out.records.push(Kept::new(record, place, shared));
            }
        }
        if from_header && kept > 0 {
            *out.header_times.entry(boot).or_default() += kept;
        }
        carried = Some((group.member.clone(), std::mem::take(&mut parsed.oversize)));
    }
    out
}

fn unreadable(group: &Group, error: ReadError) -> Notice {
    Notice::MemberUnreadable {
        member: group.member.to_string(),
        kind: MemberKind::Tracev3,
        error,
    }
}

/// The tracev3 header's clock: the wall clock (seconds at byte 32, which the parser reads
/// as a 64-bit word, and microseconds at byte 40) and the continuous time of the file's
/// start (the header's continuous-time sub chunk). On an iPad file the header's other
/// time (byte 24) is smaller by the device's sleep time, so it is taken for absolute,
/// not continuous, time (docs/unified-log.md, *verify*).
struct HeaderClock {
    seconds: u64,
    microseconds: u32,
    numerator: u32,
    denominator: u32,
    ticks: u64,
}

impl HeaderClock {
    /// A clock record for a boot whose timesync file is missing.
    fn boot(&self, boot: &str) -> TimesyncBoot {
        let wall = i64::try_from(self.seconds)
            .unwrap_or(0)
            .saturating_mul(1_000_000_000)
            .saturating_add(i64::from(self.microseconds).saturating_mul(1000));
        let numerator = self.numerator.max(1);
        let denominator = self.denominator.max(1);
        let since_boot = (self.ticks as f64) * f64::from(numerator) / f64::from(denominator);
        TimesyncBoot {
            boot_uuid: boot.to_string(),
            timebase_numerator: numerator,
            timebase_denominator: denominator,
            boot_time: wall.saturating_sub(since_boot as i64),
            timesync: vec![Timesync {
                kernel_time: self.ticks,
                walltime: wall,
                ..Timesync::default()
            }],
            ..TimesyncBoot::default()
        }
    }
}

/// Drops, before formatting, the entries no rule can want. Returns the entries read.
fn filter_entries(parsed: &mut UnifiedLogData, store: &StringStore, selection: &Selection) -> u64 {
    let mut read = 0u64;
    for data in &mut parsed.catalog_data {
        let catalog = &data.catalog;
        let path_of = |first: u64, second: u64| -> Option<&str> {
            let entry = catalog
                .catalog_process_info_entries
                .get(&format!("{first}_{second}"))?;
            store.image_path(Uuid::parse(&entry.main_uuid)?)
        };
        for preamble in &mut data.firehose {
            let first = preamble.first_number_proc_id;
            let second = preamble.second_number_proc_id;
            read += preamble.public_data.len() as u64;
            let path = path_of(first, u64::from(second));
            if path.is_some_and(|p| selection.names_process(p)) {
                continue;
            }
            preamble.public_data.retain(|entry| {
                let value = match entry.log_activity_type {
                    0x4 => entry.firehose_non_activity.subsystem_value,
                    0x6 => entry.firehose_signpost.subsystem,
                    _ => 0,
                };
                let subsystem = if value == 0 {
                    String::new()
                } else {
                    catalog
                        .get_subsystem(value, first, second)
                        .map(|(_, s)| s.subsystem)
                        .unwrap_or_default()
                };
                selection.may_want(path, &subsystem)
            });
        }
        data.firehose.retain(|p| !p.public_data.is_empty());
        read += (data.statedump.len() + data.simpledump.len()) as u64;
        data.statedump.retain(|s| {
            selection.may_want(path_of(s.first_proc_id, u64::from(s.second_proc_id)), "")
        });
        data.simpledump.retain(|s| {
            selection.may_want(path_of(s.first_proc_id, s.second_proc_id), &s.subsystem)
        });
    }
    read
}

/// One formatted entry → a record, if the selection wants it.
fn to_record(
    log: LogData,
    parsed: &UnifiedLogData,
    group: &Group,
    store: &StringStore,
    selection: &Selection,
    from_header: bool,
) -> Option<Record> {
    let process = if log.process.is_empty() || log.process.starts_with(PATH_FAILURE) {
        process_by_pid(parsed, log.pid, store).map(str::to_string)
    } else {
        Some(log.process.clone())
    };
    let partial = partial_of(&log, parsed, store);
    let message = if partial.is_some() {
        String::new()
    } else {
        log.message
    };
    if partial.is_none() && !selection.wants(process.as_deref(), &log.subsystem, &message) {
        return None;
    }
    if partial.is_some() && !selection.may_want(process.as_deref(), &log.subsystem) {
        return None;
    }
    let arguments = if partial.is_some() {
        log.message_entries
            .iter()
            .map(|e| e.message_strings.clone())
            .filter(|s| !s.is_empty())
            .collect()
    } else {
        Vec::new()
    };
    let partial = match (partial, process.is_none()) {
        (None, true) => Some(Partial::ProcessUnknown),
        (p, _) => p,
    };
    Some(Record {
        time_ns: log.time as i64,
        time_from_header: from_header,
        process,
        pid: log.pid,
        thread_id: log.thread_id,
        subsystem: log.subsystem,
        category: log.category,
        level: level_of(log.log_type),
        message,
        library: Some(log.library).filter(|l| !l.is_empty() && !l.starts_with(PATH_FAILURE)),
        partial,
        arguments,
        member: group.member.to_string(),
    })
}

/// The executable of the process with this pid in the group's catalogs.
fn process_by_pid<'s>(
    parsed: &UnifiedLogData,
    pid: u64,
    store: &'s StringStore,
) -> Option<&'s str> {
    parsed
        .catalog_data
        .iter()
        .flat_map(|d| d.catalog.catalog_process_info_entries.values())
        .filter(|e| u64::from(e.pid) == pid)
        .find_map(|e| store.image_path(Uuid::parse(&e.main_uuid)?))
}

/// Why this entry's message could not be formatted, if it could not.
fn partial_of(log: &LogData, parsed: &UnifiedLogData, store: &StringStore) -> Option<Partial> {
    let raw = log.raw_message.as_str();
    if raw.starts_with(SHARED_FAILURE) || raw.starts_with("Error: Invalid shared string offset") {
        let dsc = parsed
            .catalog_data
            .iter()
            .flat_map(|d| d.catalog.catalog_process_info_entries.values())
            .find(|e| u64::from(e.pid) == log.pid)
            .and_then(|e| Uuid::parse(&e.dsc_uuid));
        return Some(match dsc {
            Some(uuid) if store.has_dsc(uuid) => Partial::SharedCacheStringsNotKept { dsc: uuid },
            Some(uuid) => Partial::SharedCacheStringsMissing { dsc: uuid },
            None => Partial::SharedCacheStringsMissing { dsc: Uuid(0) },
        });
    }
    if STRING_FAILURES.iter().any(|f| raw.starts_with(f)) {
        // The texts end with the image's UUID.
        let image = raw
            .rsplit(' ')
            .next()
            .and_then(Uuid::parse)
            .or_else(|| Uuid::parse(&log.library_uuid))
            .unwrap_or(Uuid(0));
        return Some(
            if store.has_uuidtext(image) && !store.uuidtext_strings_kept(image) {
                Partial::ImageStringsNotKept { image }
            } else if store.has_uuidtext(image) {
                Partial::FormatStringNotFound { image }
            } else {
                Partial::ImageStringsMissing { image }
            },
        );
    }
    if log.message.contains(MISSING_DATA) {
        return Some(Partial::OversizeMissing);
    }
    None
}

fn level_of(t: LogType) -> Level {
    match t {
        LogType::Debug => Level::Debug,
        LogType::Info => Level::Info,
        LogType::Default => Level::Default,
        LogType::Error => Level::Error,
        LogType::Fault => Level::Fault,
        LogType::Create => Level::Activity,
        LogType::Useraction => Level::UserAction,
        LogType::Statedump => Level::StateDump,
        LogType::Simpledump => Level::SimpleDump,
        LogType::Loss => Level::Loss,
        _ => Level::Signpost,
    }
}
