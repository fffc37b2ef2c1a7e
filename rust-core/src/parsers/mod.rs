//! Parsers: one module per format. Each turns normalised lines (or a certificate file's
//! bytes) into typed evidence; none of them decides anything.

pub mod android;
pub mod certs;
pub mod ios;
pub mod server;
pub mod windows;

use std::sync::Arc;

use crate::evidence::{LogEvent, Platform};

/// A streaming, line-oriented log parser. Lines arrive in order, already decoded and
/// cleaned by [`crate::input::LineDecoder`], numbered from 1 as in the physical file.
pub trait LogParser {
    fn line(&mut self, number: u64, line: &str);
    /// End of input: flush a pending record and hand over what was found.
    fn finish(&mut self) -> LogOutput;
    /// The keyword fast path of this format ([`crate::input::Skim`]), if it has one:
    /// then only records with a keyword reach [`LogParser::line`].
    fn skim(&self) -> Option<&'static crate::input::Skim> {
        None
    }
    /// The fast path skipped `records` whole records (none held a keyword); they count
    /// as records and close the open one, as if they had been parsed.
    fn skipped(&mut self, _records: u64) {}
}

/// What a log parser found in one input.
#[derive(Debug, Default)]
pub struct LogOutput {
    pub events: Vec<LogEvent>,
    /// Records recognised (a record may span several physical lines).
    pub records: u64,
    pub platform: Option<Platform>,
    /// Events were dropped because `limits::MAX_EVENTS_PER_INPUT` was reached.
    pub events_dropped: u64,
    /// What the reader of the report should know about this input (records cut off …).
    pub notes: Vec<String>,
}

/// The display path shared by all events of one input.
pub type InputPath = Arc<str>;
