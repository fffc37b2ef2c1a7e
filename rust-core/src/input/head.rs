//! The head of an input as formats see it to recognise themselves: the first
//! `limits::SNIFF_BYTES` bytes, raw and decoded into normalised lines with the same
//! decoding the parsers get (BOM, UTF-16, Windows-1252, debris).

use super::lines::LineDecoder;
use crate::limits;

/// Lines of the head kept for recognition.
const MAX_HEAD_LINES: usize = 400;

/// What recognition looks at.
pub struct Head<'a> {
    /// The input's display name: a hint for a few formats (certificate extensions),
    /// never decisive on its own.
    pub name: &'a str,
    /// The raw first bytes.
    pub bytes: &'a [u8],
    /// `bytes` is the whole input.
    pub complete: bool,
    /// The head decoded into normalised lines (the last one may be cut unless `complete`).
    pub lines: Vec<String>,
    /// `lines` joined by `\n`.
    pub text: String,
}

impl<'a> Head<'a> {
    /// The head of an input whose first bytes (at most `limits::SNIFF_BYTES` are looked at)
    /// are `bytes`; `complete` when they are all of it.
    pub fn new(name: &'a str, bytes: &'a [u8], complete: bool) -> Self {
        let bytes = &bytes[..bytes.len().min(limits::SNIFF_BYTES)];
        let mut lines = Vec::new();
        let mut d = LineDecoder::with_max_line(limits::SNIFF_BYTES);
        let mut sink = |_: u64, l: &str| {
            if lines.len() < MAX_HEAD_LINES {
                lines.push(l.to_string());
            }
        };
        d.push(bytes, &mut sink);
        d.finish(&mut sink);
        let text = lines.join("\n");
        Head {
            name,
            bytes,
            complete,
            lines,
            text,
        }
    }

    /// True when the head's text contains any of `needles`.
    pub fn has_any(&self, needles: &[&str]) -> bool {
        needles.iter().any(|n| self.text.contains(n))
    }
}
