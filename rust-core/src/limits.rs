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

/// Zip bundles (a zip bomb or a hostile archive must not exhaust memory): entries read
/// from one bundle; the rest are reported as not read.
pub const MAX_ZIP_ENTRIES: usize = 10_000;

/// Bytes one zip entry may inflate to; beyond it the entry is an error and only this
/// much of it is analysed.
pub const MAX_ZIP_ENTRY_BYTES: u64 = 64 * 1024 * 1024;

/// Inflated bytes of all entries of one bundle together (nested zips included); also
/// the most a zip read from standard input may weigh (it is buffered to be read).
pub const MAX_ZIP_TOTAL_BYTES: u64 = 512 * 1024 * 1024;

/// Zip bundles nested inside a bundle are read this many levels deep.
pub const MAX_ZIP_DEPTH: u8 = 1;

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
