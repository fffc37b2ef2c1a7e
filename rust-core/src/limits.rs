//! Every resource bound of certdoctor in one place. Each bound is enforced where the
//! resource is consumed, and hitting it is reported to the user, never silent.

/// Bytes of a line that parsers look at; the rest of a longer line is skipped in
/// bounded memory (SyncML documents and GET PKIOperation URLs reach hundreds of KB).
/// Cut lines are counted and reported in the report's notices.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Raw bytes of a skipped log record kept by the fast path in case a later line of it
/// holds a keyword and the record has to be replayed to the parser (the parser keeps
/// `MAX_LINE_BYTES` of a record's text).
pub const MAX_SKIPPED_RECORD_BYTES: usize = 2 * MAX_LINE_BYTES;

/// A log read on two threads (`session::split`): the second thread's keyword lines wait
/// for the parser in batches of this many bytes of text ...
pub const SPLIT_BATCH_BYTES: usize = 256 * 1024;

/// ... at most this many batches at a time (then it waits: a file of nothing but keyword
/// lines reads at one thread's pace, in bounded memory).
pub const SPLIT_BATCHES_IN_FLIGHT: usize = 8;

/// Line cap for Windows event XML, where an export may put thousands of events on one
/// line; still bounded.
pub const MAX_XML_LINE_BYTES: usize = 16 * 1024 * 1024;

/// Bytes of the head of an input used to recognise its kind.
pub const SNIFF_BYTES: usize = 4 * 1024;

/// Largest certificate/PKCS#7 file read whole (certificate stores are a few MB).
pub const MAX_CERT_FILE_BYTES: usize = 16 * 1024 * 1024;

/// Characters of a log record kept as evidence text.
pub const MAX_EVIDENCE_TEXT: usize = 600;

/// Typed events kept per input; beyond this, events are counted but not kept.
pub const MAX_EVENTS_PER_INPUT: usize = 100_000;

/// Evidence entries attached to one finding; the report's notices count the rest per
/// finding.
pub const MAX_EVIDENCE_PER_FINDING: usize = 20;

/// Findings in one report; the least severe beyond it are left out and counted in the
/// report's notices.
pub const MAX_FINDINGS: usize = 500;

/// Entries in the report's timeline; the earliest beyond it are left out and counted in
/// the report's notices.
pub const MAX_TIMELINE: usize = 2_000;

/// Certificates in one report's inventory, per file and for all inputs together; the
/// rest are counted in the report's notices.
pub const MAX_CERTIFICATES: usize = 5_000;

/// Archives (zip, gzip, tar, tar.gz, cab, nested in each other): a compression bomb or a
/// hostile archive must not exhaust memory or time. Members are streamed, never extracted;
/// every bound below is reported in the report when hit. Members read from one archive
/// (nested archives' members included); the rest are reported as not read.
pub const MAX_ARCHIVE_ENTRIES: usize = 100_000;

/// Bytes one member may inflate to; beyond it the member is an error and only this much
/// of it is analysed (members stream, so this bounds time, not memory).
pub const MAX_ARCHIVE_ENTRY_BYTES: u64 = 1024 * 1024 * 1024;

/// Inflated bytes of all members of one archive together (nested archives included). A
/// 500 MB sysdiagnose inflates to about 2 GB.
pub const MAX_ARCHIVE_TOTAL_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// A compressed stream or member that inflates to more than this many times its
/// compressed size, once past [`MIN_BOMB_CHECK_BYTES`], is cut as a compression bomb
/// (text logs compress 5 to 30 times, a gzip of zeros about 1,000 times).
pub const MAX_COMPRESSION_RATIO: u64 = 200;

/// Inflated bytes read before the ratio check applies (small, highly compressible files
/// are harmless).
pub const MIN_BOMB_CHECK_BYTES: u64 = 64 * 1024 * 1024;

/// Archives nested inside an archive are read this many levels deep (`a.zip!/b.tar.gz!/c.log`
/// is one level; a `.tar.gz` is one container, not two).
pub const MAX_ARCHIVE_DEPTH: u8 = 2;

/// Zip and cab archives are read through their central directory: one that is not a
/// seekable file (standard input, a stream from an app) is held in memory up to this size.
pub const MAX_BUFFERED_ARCHIVE_BYTES: u64 = 512 * 1024 * 1024;

/// A zip or cab nested in another archive is held in memory up to this size.
pub const MAX_NESTED_ARCHIVE_BYTES: u64 = 64 * 1024 * 1024;

/// Bytes of a member's name kept for its display path; longer names are cut (marked `…`).
pub const MAX_MEMBER_NAME_BYTES: usize = 1024;

/// Members of one archive that hold nothing certdoctor reads and are listed one by one in
/// the report's inputs as `ignored`; the rest are counted in one notice (a sysdiagnose
/// holds thousands of such files).
pub const MAX_IGNORED_MEMBERS_LISTED: usize = 200;

/// A binary `.evtx` event log is decoded whole; Windows caps event logs near this size
/// by default.
pub const MAX_EVTX_BYTES: u64 = 512 * 1024 * 1024;

/// SCEP probe: bytes of a reply body kept (a GetCACert reply is a few kilobytes); a
/// transport reads one byte more to know the body was cut.
pub const MAX_PROBE_BODY_BYTES: usize = 1024 * 1024;

/// SCEP probe: redirects followed per operation (never https → http).
pub const MAX_PROBE_REDIRECTS: usize = 3;

/// SCEP probe: characters kept of a transport's error reason.
pub const MAX_PROBE_REASON_CHARS: usize = 400;

/// Cuts `text` to at most `max` characters on a char boundary, marking the cut with `…`.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((i, _)) => {
            let mut s = text[..i].to_string();
            s.push('…');
            s
        }
    }
}
