//! Input: bytes → normalised lines, and the head of an input that formats recognise
//! themselves from. Format-agnostic: encodings ([`encoding`]), line ends and long lines
//! ([`lines`]), copy-paste debris ([`debris`]), the keyword fast path ([`skim`]) and the
//! decoded head ([`head`]); which format an input is lives with the formats
//! (`crate::parsers`).

pub mod archive;
mod debris;
mod encoding;
mod head;
mod lines;
mod skim;

pub use crate::contract::InputKind;
pub use debris::clean_debris as clean_line;
pub use encoding::cp1252;
pub use head::Head;
pub use lines::{CutLines, LineDecoder, decode_lines};
pub use skim::Skim;

/// Where decoded lines go: a log's parser, seen by the decoder.
pub trait LineSink {
    /// One normalised line, numbered from 1 as in the physical input.
    fn line(&mut self, number: u64, line: &str);
    /// The fast path skipped `records` whole records without handing them over.
    fn skipped(&mut self, _records: u64) {}
}

#[cfg(test)]
mod tests;
