//! Apple's unified log: an iOS sysdiagnose's `system_logs.logarchive` (in the archive, an
//! unpacked folder, or a bare or zipped `.logarchive`), read into the records that carry
//! SCEP and profile evidence, which become the same iOS evidence as the same messages in
//! a text export ([`records_to_log`]: each record as the `log show` line the iOS parser
//! reads). docs/unified-log.md is the format catalog.
//!
//! A logarchive is many members that only make sense together, so it is not a format of
//! the registry: the session routes members by path ([`recognise`], always compiled) to
//! one [`LogArchive`] per archive root and reads the result at the end. The reader needs
//! `macos-unifiedlogs` and is compiled with the `unified-log` feature; without it the
//! session lists the logarchive as one ignored input.
//!
//! Members are pushed in whatever order an archive yields them. Log files (`.tracev3`) are
//! read chunk by chunk: chunk sets of processes that can write no wanted record
//! ([`Selection`]) are read past without being decompressed, the others kept compressed;
//! string stores (uuidtext, dsc) keep only what wanted records can need. A log file's kept
//! entries are formatted as soon as the stores and clock file they need have arrived (else
//! within a budget, or at the end); `finish` returns the [`Record`]s in time order (held
//! compactly, [`Records`], since they must all be there to be ordered), with
//! counts and [`Notice`]s (missing string stores → partial messages, unreadable members,
//! …). Every call into the
//! parser is contained: a panic in it becomes that member's `ReadError::ParserPanicked`.
//!
//! Files: [`member`] (paths → kinds), `selection` (what is wanted), `tracev3` (chunk
//! reading and skipping, what a file needs), `strings` (string stores), `format`
//! (formatting), `kept` (the records held until the end), `log_archive` (the reader: when
//! to format, the budgets, notices).

pub mod member;

pub use member::{Member, MemberKind, Uuid, recognise};

#[cfg(feature = "unified-log")]
mod format;
#[cfg(feature = "unified-log")]
mod kept;
#[cfg(feature = "unified-log")]
mod log_archive;
#[cfg(feature = "unified-log")]
pub mod selection;
#[cfg(feature = "unified-log")]
mod strings;
#[cfg(feature = "unified-log")]
mod tracev3;

#[cfg(feature = "unified-log")]
pub use kept::Records;
#[cfg(feature = "unified-log")]
pub use log_archive::*;
#[cfg(feature = "unified-log")]
pub(crate) use log_archive::{contained, read_capped};
#[cfg(feature = "unified-log")]
pub use selection::{Rule, Selection};
#[cfg(feature = "unified-log")]
pub use strings::StoreFigures;
#[cfg(feature = "unified-log")]
pub use tracev3::ChunkCounts;

#[cfg(all(test, feature = "unified-log"))]
mod eager_tests;
#[cfg(all(test, feature = "unified-log"))]
mod tests;

/// The logarchive a member path belongs to: the path up to and including its
/// `*.logarchive` component (or, for a zip of an archive's contents, the path before the
/// member's inner path), without a trailing separator or `!`.
pub fn archive_root<'a>(path: &'a str, member: &Member<'_>) -> &'a str {
    let wanted = member.inner_path.split('/').count();
    let mut end = path.len();
    let mut seen = 0;
    // Walk components from the right, counting the ones `recognise` counts.
    while seen < wanted && end > 0 {
        let start = path[..end].rfind(['/', '\\']).map(|i| i + 1).unwrap_or(0);
        let component = &path[start..end];
        if !component.is_empty() && component != "." && component != ".." {
            seen += 1;
        }
        end = start.saturating_sub(1);
        if start == 0 {
            end = 0;
        }
    }
    let root = path[..end].trim_end_matches(['/', '\\', '!']);
    if root.is_empty() {
        "(logarchive)"
    } else {
        root
    }
}

/// The records of a logarchive as a log of the iOS format: each record rendered as the
/// `log show` line the text path reads ([`Record::log_show_line`]), numbered by its
/// place in time order (`path:n` is the n-th record read).
#[cfg(feature = "unified-log")]
pub fn records_to_log<R: std::borrow::Borrow<Record>>(
    path: crate::parsers::InputPath,
    records: impl IntoIterator<Item = R>,
) -> crate::parsers::LogOutput {
    use crate::parsers::LogParser;
    let mut parser = super::ios::IosParser::new(path);
    let mut n = 0u64;
    for record in records {
        n += 1;
        for line in record.borrow().log_show_line().lines() {
            parser.line(n, line);
        }
    }
    let mut out = parser.finish();
    out.records = n;
    out
}

#[cfg(test)]
mod root_tests {
    use super::*;

    #[test]
    fn roots_of_member_paths() {
        let root = |p: &str| archive_root(p, &recognise(p).unwrap()).to_string();
        assert_eq!(
            root("s.tar.gz!/sysdiagnose_x/system_logs.logarchive/Persist/0000000000000001.tracev3"),
            "s.tar.gz!/sysdiagnose_x/system_logs.logarchive"
        );
        assert_eq!(root("a.zip!/Persist/0000000000000001.tracev3"), "a.zip");
        assert_eq!(
            root("d/x.logarchive/dsc/8E21CAB1DCF936B49F85CF860E6F34EC"),
            "d/x.logarchive"
        );
        assert_eq!(root("Persist/1.tracev3"), "(logarchive)");
    }
}
