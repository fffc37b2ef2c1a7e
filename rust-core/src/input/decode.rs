//! Bytes → normalised lines, streaming (log-formats.md §0): BOM / UTF-16 / Windows-1252
//! decoding, `\n` `\r\n` `\r` line ends with physical line numbers, copy-paste debris,
//! and lines cut to `limits::MAX_LINE_BYTES`.

/// Push-based decoder: feed chunks of any size, receive `(line_number, line)` pairs.
#[derive(Debug, Default)]
pub struct LineDecoder {}

impl LineDecoder {
    pub fn new() -> Self {
        LineDecoder {}
    }

    /// Feeds the next chunk; complete lines are handed to `sink`.
    pub fn push(&mut self, _bytes: &[u8], _sink: &mut dyn FnMut(u64, &str)) {
        todo!("implemented by the input layer")
    }

    /// End of input: hands over the last line if it had no line end.
    pub fn finish(&mut self, _sink: &mut dyn FnMut(u64, &str)) {
        todo!("implemented by the input layer")
    }
}
