//! Bytes → normalised lines, streaming (log-formats.md §0): `\n` `\r\n` `\r` line ends
//! with physical line numbers, lines cut to a cap, each line decoded (see [`encoding`])
//! and cleaned of copy-paste debris (see [`debris`]).
//!
//! The decoder owns two reusable buffers (the current raw line, capped at the line limit,
//! and the cleaned output line), so memory stays bounded whatever the input size and no
//! allocation happens per line once the buffers have grown.
//!
//! [`encoding`]: super::encoding
//! [`debris`]: super::debris

use super::debris::clean_debris;
use super::encoding::{DETECT_BYTES, Encoding, cp1252, detect};
use super::skim::SkimState;
use crate::limits;

/// Push-based decoder: feed chunks of any size, receive `(line_number, line)` pairs.
///
/// Line numbers are physical (1-based); a `\r\n` pair ends one line. Lines are cleaned of
/// copy-paste debris and cut to the line cap (default `limits::MAX_LINE_BYTES` bytes of
/// UTF-8, cut on a character boundary); the rest of a longer line is skipped without
/// being buffered.
#[derive(Debug)]
pub struct LineDecoder {
    pub(super) enc: Encoding,
    /// The first bytes, kept until the encoding is decided.
    pub(super) head: Vec<u8>,
    pub(super) max_line: usize,
    /// The current line: raw bytes (UTF-8 mode) or UTF-8 of decoded code units (UTF-16).
    pub(super) line: Vec<u8>,
    /// The current line went over the cap; further bytes up to the line end are dropped.
    pub(super) overflow: bool,
    /// The previous line ended with `\r`: a `\n` right after belongs to it.
    pub(super) pending_cr: bool,
    /// Lines handed out so far.
    pub(super) line_no: u64,
    /// UTF-16: an odd byte waiting for its partner.
    pub(super) odd_byte: Option<u8>,
    /// UTF-16: a high surrogate waiting for its low half.
    pub(super) high_surrogate: Option<u16>,
    /// Scratch for the decoded and cleaned line.
    pub(super) text: String,
    pub(super) cleaned: String,
    /// Fast path ([`LineDecoder::push_skim`]) state.
    pub(super) skim: SkimState,
    /// Set when the byte-order mark contradicted the text (see [`LineDecoder::bom_note`]).
    pub(super) bom_note: Option<&'static str>,
    /// Lines that went over the line cap (see [`LineDecoder::cut_lines`]).
    pub(super) cut: CutLines,
    /// The number of the last line counted in `cut`.
    pub(super) last_cut: u64,
}

/// Lines longer than the decoder's line cap: only their first `max_line` bytes were
/// looked at (handed to the parser, or searched for keywords by the fast path).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CutLines {
    /// How many lines were cut.
    pub count: u64,
    /// The first cut line's number.
    pub first_line: Option<u64>,
    /// The cap they were cut to, in bytes.
    pub max_line: usize,
}

impl Default for LineDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl LineDecoder {
    /// A decoder with the default line cap, `limits::MAX_LINE_BYTES`.
    pub fn new() -> Self {
        Self::with_max_line(limits::MAX_LINE_BYTES)
    }

    /// A decoder keeping up to `max_line` bytes (UTF-8) of each line (at least 16).
    pub fn with_max_line(max_line: usize) -> Self {
        LineDecoder {
            enc: Encoding::Undetected,
            head: Vec::new(),
            max_line: max_line.max(16),
            line: Vec::new(),
            overflow: false,
            pending_cr: false,
            line_no: 0,
            odd_byte: None,
            high_surrogate: None,
            text: String::new(),
            cleaned: String::new(),
            skim: SkimState::default(),
            bom_note: None,
            cut: CutLines {
                max_line: max_line.max(16),
                ..CutLines::default()
            },
            last_cut: 0,
        }
    }

    /// The encoding detected so far: `"utf-8"`, `"utf-16le"`, `"utf-16be"` or `None` while
    /// the first bytes are still being collected.
    pub fn encoding(&self) -> Option<&'static str> {
        match self.enc {
            Encoding::Undetected => None,
            Encoding::Utf8 => Some("utf-8"),
            Encoding::Utf16Le => Some("utf-16le"),
            Encoding::Utf16Be => Some("utf-16be"),
        }
    }

    /// Why the byte-order mark was overruled, when the text behind it was in another
    /// encoding than the mark says.
    pub fn bom_note(&self) -> Option<&'static str> {
        self.bom_note
    }

    /// The lines cut to the line cap so far.
    pub fn cut_lines(&self) -> CutLines {
        self.cut
    }

    /// Counts line `line_no` as cut, once: a skipped record's lines replayed to the
    /// parser come back with numbers already counted.
    pub(super) fn note_cut(&mut self, line_no: u64) {
        if self.cut.first_line.is_none() || line_no > self.last_cut {
            self.cut.count += 1;
            self.cut.first_line.get_or_insert(line_no);
            self.last_cut = line_no;
        }
    }

    /// Bytes currently held by the decoder's buffers (capacity); bounded by the line cap
    /// plus small constants, whatever was pushed.
    pub fn buffered_capacity(&self) -> usize {
        self.head.capacity()
            + self.line.capacity()
            + self.text.capacity()
            + self.cleaned.capacity()
            + self.skim.carry.capacity()
            + self.skim.boundary.capacity()
            + self.skim.folded.capacity()
    }

    /// Feeds the next chunk; complete lines are handed to `sink`.
    pub fn push(&mut self, bytes: &[u8], sink: &mut dyn FnMut(u64, &str)) {
        if self.enc == Encoding::Undetected {
            let need = DETECT_BYTES - self.head.len();
            let take = need.min(bytes.len());
            self.head.extend_from_slice(&bytes[..take]);
            if self.head.len() < DETECT_BYTES {
                return;
            }
            self.detect_and_drain(sink);
            self.feed(&bytes[take..], sink);
        } else {
            self.feed(bytes, sink);
        }
    }

    /// End of input: hands over the last line if it had no line end.
    pub fn finish(&mut self, sink: &mut dyn FnMut(u64, &str)) {
        if self.enc == Encoding::Undetected {
            self.detect_and_drain(sink);
        }
        if self.odd_byte.take().is_some() || self.high_surrogate.take().is_some() {
            self.push_char(char::REPLACEMENT_CHARACTER);
        }
        if !self.line.is_empty() || self.overflow {
            self.emit(sink);
        }
        self.pending_cr = false;
    }

    fn detect_and_drain(&mut self, sink: &mut dyn FnMut(u64, &str)) {
        let head = std::mem::take(&mut self.head);
        let (enc, skip, note) = detect(&head);
        self.enc = enc;
        self.bom_note = note;
        self.feed(&head[skip..], sink);
        // Keep no capacity for the head once decided.
        self.head = Vec::new();
    }

    fn feed(&mut self, bytes: &[u8], sink: &mut dyn FnMut(u64, &str)) {
        match self.enc {
            Encoding::Utf8 | Encoding::Undetected => self.feed_bytes(bytes, sink),
            Encoding::Utf16Le | Encoding::Utf16Be => self.feed_utf16(bytes, sink),
        }
    }

    fn feed_bytes(&mut self, mut bytes: &[u8], sink: &mut dyn FnMut(u64, &str)) {
        while !bytes.is_empty() {
            if self.pending_cr {
                self.pending_cr = false;
                if bytes[0] == b'\n' {
                    bytes = &bytes[1..];
                    continue;
                }
            }
            match memchr::memchr2(b'\n', b'\r', bytes) {
                Some(i) => {
                    self.append_raw(&bytes[..i]);
                    self.pending_cr = bytes[i] == b'\r';
                    self.emit(sink);
                    bytes = &bytes[i + 1..];
                }
                None => {
                    self.append_raw(bytes);
                    return;
                }
            }
        }
    }

    pub(super) fn append_raw(&mut self, part: &[u8]) {
        if self.overflow {
            return;
        }
        let room = self.max_line - self.line.len();
        if part.len() > room {
            self.line.extend_from_slice(&part[..room]);
            self.overflow = true;
        } else {
            self.line.extend_from_slice(part);
        }
    }

    fn feed_utf16(&mut self, bytes: &[u8], sink: &mut dyn FnMut(u64, &str)) {
        let mut i = 0;
        if let Some(b0) = self.odd_byte.take() {
            match bytes.first() {
                Some(&b1) => {
                    self.unit(self.combine(b0, b1), sink);
                    i = 1;
                }
                None => {
                    self.odd_byte = Some(b0);
                    return;
                }
            }
        }
        while i + 1 < bytes.len() {
            let u = self.combine(bytes[i], bytes[i + 1]);
            self.unit(u, sink);
            i += 2;
        }
        if i < bytes.len() {
            self.odd_byte = Some(bytes[i]);
        }
    }

    fn combine(&self, a: u8, b: u8) -> u16 {
        if self.enc == Encoding::Utf16Be {
            u16::from_be_bytes([a, b])
        } else {
            u16::from_le_bytes([a, b])
        }
    }

    fn unit(&mut self, u: u16, sink: &mut dyn FnMut(u64, &str)) {
        if let Some(hi) = self.high_surrogate.take() {
            if (0xDC00..0xE000).contains(&u) {
                let c = 0x10000 + (((hi as u32) - 0xD800) << 10) + ((u as u32) - 0xDC00);
                self.push_char(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                return;
            }
            self.push_char(char::REPLACEMENT_CHARACTER);
        }
        if self.pending_cr {
            self.pending_cr = false;
            if u == 0x0A {
                return;
            }
        }
        match u {
            0x0A | 0x0D => {
                self.pending_cr = u == 0x0D;
                self.emit(sink);
            }
            0xD800..=0xDBFF => self.high_surrogate = Some(u),
            0xDC00..=0xDFFF => self.push_char(char::REPLACEMENT_CHARACTER),
            _ => self.push_char(char::from_u32(u as u32).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
    }

    fn push_char(&mut self, c: char) {
        if self.overflow {
            return;
        }
        let mut buf = [0u8; 4];
        let s = c.encode_utf8(&mut buf);
        if self.line.len() + s.len() > self.max_line {
            self.overflow = true;
        } else {
            self.line.extend_from_slice(s.as_bytes());
        }
    }

    pub(super) fn emit(&mut self, sink: &mut dyn FnMut(u64, &str)) {
        self.line_no += 1;
        if self.overflow {
            self.note_cut(self.line_no);
        }
        self.text.clear();
        match std::str::from_utf8(&self.line) {
            Ok(s) => self.text.push_str(s),
            // A line cut inside a multi-byte character: keep the complete prefix.
            Err(e) if self.overflow && e.error_len().is_none() => {
                let valid = &self.line[..e.valid_up_to()];
                self.text
                    .push_str(std::str::from_utf8(valid).unwrap_or_default());
            }
            Err(_) => {
                for &b in &self.line {
                    self.text.push(cp1252(b));
                }
            }
        }
        self.line.clear();
        self.overflow = false;
        let out = clean_debris(&self.text, &mut self.cleaned);
        sink(self.line_no, out);
    }
}

/// A large file read in two parts on two threads (`session::split`): the second part
/// starts at a line that opens a record, so the fast path's state there is the same
/// whatever came before, except for the count of skipped records still to report and
/// the line number, which [`LineDecoder::join`] hands over.
impl LineDecoder {
    /// A decoder for a second part of this decoder's input that starts at a line start:
    /// same line cap, encoding already decided. `None` unless the input was found to be
    /// UTF-8 (the fast path reads nothing else).
    pub(crate) fn continuation(&self) -> Option<LineDecoder> {
        if self.enc != Encoding::Utf8 {
            return None;
        }
        let mut next = LineDecoder::with_max_line(self.max_line);
        next.enc = Encoding::Utf8;
        Some(next)
    }

    /// Adds the cut lines of a second part, whose lines follow the first `offset` lines
    /// of this decoder's input and number `lines`.
    pub(crate) fn add_cut_lines(&mut self, part: CutLines, offset: u64, lines: u64) {
        if part.count > 0 {
            self.cut.count += part.count;
            if self.cut.first_line.is_none() {
                self.cut.first_line = part.first_line.map(|n| n + offset);
            }
            self.last_cut = self.last_cut.max(offset + lines);
        }
    }

    /// Lines handed out so far (the second part's numbers are relative to its start).
    pub(crate) fn lines(&self) -> u64 {
        self.line_no
    }

    /// The end of the first part: returns the skipped records not yet reported (the
    /// second part's first report absorbs them) and continues counting at `total_lines`,
    /// the line count of both parts. The decoder then holds nothing still to report.
    pub(crate) fn join(&mut self, total_lines: u64) -> u64 {
        let pending = std::mem::take(&mut self.skim.pending);
        self.skim.carry_open = false;
        self.skim.carry.clear();
        self.skim.carry_from = None;
        self.skim.fed = false;
        self.line_no = total_lines;
        pending
    }
}

/// Decodes a whole small input into `(line_number, line)` pairs.
pub fn decode_lines(bytes: &[u8]) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    let mut d = LineDecoder::new();
    let mut sink = |n: u64, l: &str| out.push((n, l.to_string()));
    d.push(bytes, &mut sink);
    d.finish(&mut sink);
    out
}
