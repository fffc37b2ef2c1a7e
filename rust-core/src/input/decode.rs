//! Bytes → normalised lines, streaming (log-formats.md §0): BOM / UTF-16 / Windows-1252
//! decoding, `\n` `\r\n` `\r` line ends with physical line numbers, copy-paste debris,
//! and lines cut to `limits::MAX_LINE_BYTES`.
//!
//! The decoder owns two reusable buffers (the current raw line, capped at the line limit,
//! and the cleaned output line), so memory stays bounded whatever the input size and no
//! allocation happens per line once the buffers have grown.

use aho_corasick::AhoCorasick;

use crate::limits;
use crate::parsers::LogParser;

/// Bytes looked at to detect the encoding (BOM, or BOM-less UTF-16).
const DETECT_BYTES: usize = 512;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Encoding {
    /// Not decided yet: the first bytes are still being collected.
    #[default]
    Undetected,
    /// UTF-8 per line, a line that is not valid UTF-8 is read as Windows-1252.
    Utf8,
    Utf16Le,
    Utf16Be,
}

/// Push-based decoder: feed chunks of any size, receive `(line_number, line)` pairs.
///
/// Line numbers are physical (1-based); a `\r\n` pair ends one line. Lines are cleaned of
/// copy-paste debris and cut to the line cap (default `limits::MAX_LINE_BYTES` bytes of
/// UTF-8, cut on a character boundary); the rest of a longer line is skipped without
/// being buffered.
#[derive(Debug)]
pub struct LineDecoder {
    enc: Encoding,
    /// The first bytes, kept until the encoding is decided.
    head: Vec<u8>,
    max_line: usize,
    /// The current line: raw bytes (UTF-8 mode) or UTF-8 of decoded code units (UTF-16).
    line: Vec<u8>,
    /// The current line went over the cap; further bytes up to the line end are dropped.
    overflow: bool,
    /// The previous line ended with `\r`: a `\n` right after belongs to it.
    pending_cr: bool,
    /// Lines handed out so far.
    line_no: u64,
    /// UTF-16: an odd byte waiting for its partner.
    odd_byte: Option<u8>,
    /// UTF-16: a high surrogate waiting for its low half.
    high_surrogate: Option<u16>,
    /// Scratch for the decoded and cleaned line.
    text: String,
    cleaned: String,
    /// Fast path ([`LineDecoder::push_skim`]) state.
    skim: SkimState,
    /// Set when the byte-order mark contradicted the text (see [`LineDecoder::bom_note`]).
    bom_note: Option<&'static str>,
    /// Lines that went over the line cap (see [`LineDecoder::cut_lines`]).
    cut: CutLines,
    /// The number of the last line counted in `cut`.
    last_cut: u64,
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
    fn note_cut(&mut self, line_no: u64) {
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

    fn append_raw(&mut self, part: &[u8]) {
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

    fn emit(&mut self, sink: &mut dyn FnMut(u64, &str)) {
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

// ---------------------------------------------------------------------------------------
// The fast path. Everything that makes a large log cheap lives here.
//
// A log is mostly noise: records (a header line plus continuation lines) that say
// nothing certdoctor looks for. On UTF-8 input with `\n` line ends, one keyword scan
// (aho-corasick) runs over each raw chunk; a line is decoded, cleaned and handed to the
// parser only when
//   * it holds a keyword, or
//   * it continues a record the parser was given (stack traces after an ERROR record), or
//   * it opens the record that a later keyword line turns out to continue: the skipped
//     record's raw lines are kept (bounded) and replayed, so its header reaches the
//     parser first.
// Every other line costs a `memchr` for its end and, when it could open a record, the
// format's header check; skipped records are reported in bulk (`LogParser::skipped`) so
// record counts, line numbers (one per `\n`) and record boundaries stay exact. UTF-16,
// `\r` line ends and the first bytes (encoding detection) take the ordinary path.
// ---------------------------------------------------------------------------------------

/// What a format tells the fast path: its keywords and how a record begins.
pub struct Skim {
    /// Keywords, ASCII case folded (see [`fold`]), in groups of at most
    /// [`KEYWORDS_PER_GROUP`]: Teddy (SIMD) when the CPU has it, else one aho-corasick
    /// automaton over all of them.
    teddy: Vec<aho_corasick::packed::Searcher>,
    keywords: AhoCorasick,
    /// Whether a raw line (copy-paste debris included) opens a record.
    record_start: fn(&[u8]) -> bool,
}

/// Teddy checks every keyword whose first bytes match at a position; with many keywords
/// the candidates pile up and it slows down faster than the number of passes grows, so
/// two small groups (two passes) scan faster than one big one (measured on the 200 MB
/// benchmark log: 23 keywords in one pass ~110 ms, in two ~55 ms).
const KEYWORDS_PER_GROUP: usize = 12;

impl Skim {
    /// `keywords` must cover every line that may say something to the parser, ASCII case
    /// insensitively (matching raw UTF-8 or Windows-1252 bytes is then the same as
    /// matching decoded text). They are searched case-sensitively in a folded copy of
    /// the chunk, which lets aho-corasick use its SIMD (Teddy) search.
    pub fn new(keywords: &[&str], record_start: fn(&[u8]) -> bool) -> Self {
        let folded: Vec<Vec<u8>> = keywords
            .iter()
            .map(|k| k.bytes().map(fold_byte).collect())
            .collect();
        let automaton = AhoCorasick::new(&folded)
            .unwrap_or_else(|_| AhoCorasick::new([""]).expect("empty pattern"));
        let teddy: Option<Vec<_>> = folded
            .chunks(KEYWORDS_PER_GROUP)
            .map(|group| {
                aho_corasick::packed::Config::new()
                    .builder()
                    .extend(group)
                    .build()
            })
            .collect();
        Skim {
            teddy: teddy.unwrap_or_default(),
            keywords: automaton,
            record_start,
        }
    }

    /// Whether a raw line opens a record, as this format's fast path decides it.
    pub fn record_start(&self) -> fn(&[u8]) -> bool {
        self.record_start
    }
}

/// The next keyword hit of each group in one folded chunk, so that a group is searched
/// again only once the scan has passed its hit.
struct Hits {
    /// Per group: `Some(Some(at))` the next hit, `Some(None)` none left in the chunk,
    /// `None` not searched yet from the current position.
    next: Vec<Option<Option<usize>>>,
}

impl Hits {
    fn new(skim: &Skim) -> Self {
        Hits {
            next: vec![None; skim.teddy.len().max(1)],
        }
    }

    /// Start of the first keyword in `folded` (a [`fold`]ed haystack) at or after `from`.
    fn find(&mut self, skim: &Skim, folded: &[u8], from: usize) -> Option<usize> {
        let hay = &folded[from.min(folded.len())..];
        let mut first: Option<usize> = None;
        for (i, slot) in self.next.iter_mut().enumerate() {
            if matches!(slot, Some(Some(at)) if *at < from) {
                *slot = None;
            }
            let at = *slot.get_or_insert_with(|| {
                match skim.teddy.get(i) {
                    Some(t) => t.find(hay).map(|m| m.start()),
                    None => skim.keywords.find(hay).map(|m| m.start()),
                }
                .map(|h| from + h)
            });
            first = match (first, at) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        first
    }
}

/// ASCII case folding for the keyword scan: sets bit 5, so `A`–`Z` meet `a`–`z`. Other
/// bytes may meet too (`@` and `` ` ``): a superset of the matches, never fewer.
fn fold_byte(b: u8) -> u8 {
    b | 0x20
}

/// Folds `src` into the first `src.len()` bytes of the scratch buffer `dst` (grown when
/// shorter, never cleared, so that no pass writes it twice) and returns them. Sixteen
/// bytes at a time: the compiler vectorises this at opt-level 3 and the apps' build at
/// "z" (which does not vectorise loops) still takes one operation per 16 bytes.
fn fold<'a>(src: &[u8], dst: &'a mut Vec<u8>) -> &'a [u8] {
    const MASK: u128 = u128::from_ne_bytes([0x20; 16]);
    if dst.len() < src.len() {
        dst.resize(src.len(), 0);
    }
    let out = &mut dst[..src.len()];
    let mut to = out.chunks_exact_mut(16);
    let mut from = src.chunks_exact(16);
    for (d, s) in (&mut to).zip(&mut from) {
        let mut w = [0u8; 16];
        w.copy_from_slice(s);
        d.copy_from_slice(&(u128::from_ne_bytes(w) | MASK).to_ne_bytes());
    }
    for (d, &s) in to.into_remainder().iter_mut().zip(from.remainder()) {
        *d = fold_byte(s);
    }
    out
}

/// A line of the chunk being scanned: the chunk and the line's offset in it.
#[derive(Clone, Copy)]
struct ChunkLine<'a> {
    chunk: &'a [u8],
    at: usize,
}

/// Raw bytes of a skipped record kept for replay: enough for the parser's record cap.
const MAX_CARRY_BYTES: usize = limits::MAX_SKIPPED_RECORD_BYTES;

#[derive(Debug, Default)]
struct SkimState {
    /// The parser's open record is one it was given: its continuation lines go to it.
    fed: bool,
    /// Skipped record starts not yet reported to the parser.
    pending: u64,
    /// A skipped record is open; `carry` holds its raw lines, each ended by `\n`.
    carry_open: bool,
    carry: Vec<u8>,
    carry_first_line: u64,
    /// The open skipped record's lines from this offset of the current chunk on belong
    /// to `carry` but are not copied yet: most skipped records never need a replay, so
    /// their bytes are copied only when one does, or when the chunk ends.
    carry_from: Option<usize>,
    /// A line that began in the previous chunk, completed (scratch).
    boundary: Vec<u8>,
    /// The case-folded chunk (scratch, at most one chunk).
    folded: Vec<u8>,
}

impl LineDecoder {
    /// Like [`LineDecoder::push`], handing lines to `parser` through the fast path of
    /// `skim`. Use either this or `push` for one input, and end with
    /// [`LineDecoder::finish_skim`].
    pub fn push_skim(&mut self, bytes: &[u8], skim: &Skim, parser: &mut dyn LogParser) {
        if self.enc != Encoding::Utf8 || self.pending_cr || memchr::memchr(b'\r', bytes).is_some() {
            self.slow(bytes, parser);
            return;
        }
        let mut rest = bytes;
        if !self.line.is_empty() || self.overflow {
            // The line begun in the previous chunk.
            let Some(i) = memchr::memchr(b'\n', rest) else {
                self.append_raw(rest);
                return;
            };
            self.append_raw(&rest[..i]);
            self.take_boundary(skim, parser);
            rest = &rest[i + 1..];
        }
        let mut scratch = std::mem::take(&mut self.skim.folded);
        let folded = fold(rest, &mut scratch);
        let mut hits = Hits::new(skim);
        let mut next_hit = hits.find(skim, folded, 0);
        let mut start = 0;
        while let Some(len) = memchr::memchr(b'\n', &rest[start..]) {
            let end = start + len;
            let hit = matches!(next_hit, Some(h) if h < end);
            let line = ChunkLine {
                chunk: rest,
                at: start,
            };
            self.skim_line(&rest[start..end], Some(line), false, hit, skim, parser);
            start = end + 1;
            if hit {
                next_hit = hits.find(skim, folded, start);
            }
        }
        self.skim.folded = scratch;
        self.copy_carry(rest, start);
        self.append_raw(&rest[start..]);
    }

    /// End of input for [`LineDecoder::push_skim`].
    pub fn finish_skim(&mut self, skim: &Skim, parser: &mut dyn LogParser) {
        if self.enc == Encoding::Utf8
            && !self.pending_cr
            && (!self.line.is_empty() || self.overflow)
        {
            self.take_boundary(skim, parser);
        }
        self.sync(parser);
        self.finish(&mut |n, l| parser.line(n, l));
    }

    /// A chunk the fast path does not handle: the parser first catches up with what was
    /// skipped, then sees every line.
    fn slow(&mut self, bytes: &[u8], parser: &mut dyn LogParser) {
        self.sync(parser);
        self.push(bytes, &mut |n, l| parser.line(n, l));
        self.skim.fed = true;
    }

    /// Brings the parser up to date: a skipped record still open is replayed (its next
    /// lines may reach the parser), the others are reported.
    fn sync(&mut self, parser: &mut dyn LogParser) {
        if self.skim.carry_open {
            self.replay(parser);
        } else {
            self.report_skipped(parser);
        }
    }

    fn take_boundary(&mut self, skim: &Skim, parser: &mut dyn LogParser) {
        let mut b = std::mem::take(&mut self.skim.boundary);
        b.clear();
        b.extend_from_slice(&self.line);
        let overflow = self.overflow;
        self.line.clear();
        self.overflow = false;
        let mut scratch = std::mem::take(&mut self.skim.folded);
        let hit = Hits::new(skim)
            .find(skim, fold(&b, &mut scratch), 0)
            .is_some();
        self.skim.folded = scratch;
        self.skim_line(&b, None, overflow, hit, skim, parser);
        self.skim.boundary = b;
    }

    /// One complete line `raw`; `place` says where it lies in the chunk being scanned
    /// (`None`: a line assembled across chunks).
    fn skim_line(
        &mut self,
        raw: &[u8],
        place: Option<ChunkLine<'_>>,
        overflow: bool,
        hit: bool,
        skim: &Skim,
        parser: &mut dyn LogParser,
    ) {
        if !hit && (overflow || raw.len() > self.max_line) {
            // Skipped, but its keyword search saw only the first `max_line` bytes (a
            // line assembled across chunks) or it would reach the parser cut.
            self.note_cut(self.line_no + 1);
        }
        if hit {
            if !self.skim.fed && self.skim.carry_open && !(skim.record_start)(raw) {
                // A keyword in a continuation line of a skipped record.
                if let Some(p) = place {
                    self.copy_carry(p.chunk, p.at);
                }
                self.replay(parser);
            } else {
                self.report_skipped(parser);
            }
            self.feed_line(raw, overflow, parser);
            self.skim.fed = true;
        } else if (skim.record_start)(raw) {
            let st = &mut self.skim;
            st.fed = false;
            st.pending += 1;
            st.carry_open = true;
            st.carry.clear();
            st.carry_first_line = self.line_no + 1;
            st.carry_from = None;
            self.carry_line(raw, place);
            self.line_no += 1;
        } else if self.skim.fed {
            self.feed_line(raw, overflow, parser);
        } else {
            if self.skim.carry_open {
                self.carry_line(raw, place);
            }
            self.line_no += 1;
        }
    }

    /// Adds a line of the open skipped record to the carry: a line of the chunk only
    /// marks where the uncopied part begins.
    fn carry_line(&mut self, raw: &[u8], place: Option<ChunkLine<'_>>) {
        match place {
            Some(p) => {
                self.skim.carry_from.get_or_insert(p.at);
            }
            None => {
                debug_assert!(self.skim.carry_from.is_none(), "chunk lines come after");
                self.carry_push(raw);
            }
        }
    }

    /// Copies the open skipped record's uncopied lines, `chunk[carry_from..upto]` (whole
    /// lines, each ended by `\n`), into the carry.
    fn copy_carry(&mut self, chunk: &[u8], upto: usize) {
        let Some(from) = self.skim.carry_from.take() else {
            return;
        };
        let region = &chunk[from..upto];
        let body = region.strip_suffix(b"\n").unwrap_or(region);
        for l in body.split(|&b| b == b'\n') {
            if self.skim.carry.len() >= MAX_CARRY_BYTES {
                break;
            }
            self.carry_push(l);
        }
    }

    fn carry_push(&mut self, raw: &[u8]) {
        let carry = &mut self.skim.carry;
        let room = MAX_CARRY_BYTES.saturating_sub(carry.len());
        if room > 0 {
            carry.extend_from_slice(&raw[..raw.len().min(room - 1)]);
            carry.push(b'\n');
        }
    }

    fn report_skipped(&mut self, parser: &mut dyn LogParser) {
        let st = &mut self.skim;
        if st.pending > 0 {
            parser.skipped(st.pending);
            st.pending = 0;
        }
        st.carry_open = false;
        st.carry_from = None;
    }

    /// Hands the open skipped record's lines to the parser with their own numbers.
    fn replay(&mut self, parser: &mut dyn LogParser) {
        self.skim.pending = self.skim.pending.saturating_sub(1);
        self.report_skipped(parser);
        let carry = std::mem::take(&mut self.skim.carry);
        // A line begun in this chunk may be waiting in `line`: keep it aside.
        let partial = std::mem::take(&mut self.line);
        let partial_overflow = std::mem::replace(&mut self.overflow, false);
        let now = self.line_no;
        self.line_no = self.skim.carry_first_line.saturating_sub(1);
        let body = carry.strip_suffix(b"\n").unwrap_or(&carry);
        for l in body.split(|&b| b == b'\n') {
            self.feed_line(l, false, parser);
        }
        // A record longer than the carry: its tail was not kept (the parser keeps less).
        self.line_no = now;
        self.line = partial;
        self.overflow = partial_overflow;
        self.skim.carry = carry;
        self.skim.carry.clear();
        self.skim.fed = true;
    }

    fn feed_line(&mut self, raw: &[u8], overflow: bool, parser: &mut dyn LogParser) {
        self.line.clear();
        self.overflow = false;
        self.append_raw(raw);
        self.overflow |= overflow;
        self.emit(&mut |n, l| parser.line(n, l));
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

/// Decides the encoding from the first bytes; returns it and the BOM length to skip.
fn detect(head: &[u8]) -> (Encoding, usize, Option<&'static str>) {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return (Encoding::Utf8, 3, None);
    }
    for (bom, said) in [
        ([0xFF, 0xFE], Encoding::Utf16Le),
        ([0xFE, 0xFF], Encoding::Utf16Be),
    ] {
        if !head.starts_with(&bom) {
            continue;
        }
        // A byte-order mark that the text behind it contradicts (an editor re-saved the
        // text but kept the mark): the text decides, and the report says so.
        let found = zero_pattern(&head[2..]);
        return match found {
            Some(enc) if enc != said => (enc, 2, Some(mismatch(said, enc))),
            None if head.len() >= 18 && !head[2..].contains(&0) && utf8_prefix(&head[2..]) => {
                (Encoding::Utf8, 2, Some(mismatch(said, Encoding::Utf8)))
            }
            _ => (said, 2, None),
        };
    }
    (zero_pattern(head).unwrap_or(Encoding::Utf8), 0, None)
}

/// Valid UTF-8, but for a character cut at the end of the head.
fn utf8_prefix(b: &[u8]) -> bool {
    match std::str::from_utf8(b) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

/// The notice for a mark that said `bom` over text read as `read_as`.
fn mismatch(bom: Encoding, read_as: Encoding) -> &'static str {
    match (bom, read_as) {
        (Encoding::Utf16Le, Encoding::Utf16Be) => {
            "byte-order mark says UTF-16LE but the text is UTF-16BE; read as UTF-16BE"
        }
        (Encoding::Utf16Be, Encoding::Utf16Le) => {
            "byte-order mark says UTF-16BE but the text is UTF-16LE; read as UTF-16LE"
        }
        (Encoding::Utf16Le, _) => {
            "byte-order mark says UTF-16LE but the text is not UTF-16; read as UTF-8"
        }
        _ => "byte-order mark says UTF-16BE but the text is not UTF-16; read as UTF-8",
    }
}

/// UTF-16 without a mark: "every second byte is 00", tolerating a few non-Latin
/// characters (CJK text).
fn zero_pattern(head: &[u8]) -> Option<Encoding> {
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let even_zero = head.chunks_exact(2).filter(|p| p[0] == 0).count();
    let odd_zero = head.chunks_exact(2).filter(|p| p[1] == 0).count();
    let mostly = |n: usize| n * 8 >= pairs * 7;
    let rarely = |n: usize| n * 8 <= pairs;
    if mostly(odd_zero) && rarely(even_zero) {
        Some(Encoding::Utf16Le)
    } else if mostly(even_zero) && rarely(odd_zero) {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// Windows-1252 byte → character (0x80–0x9F per the code page; undefined slots map to
/// the C1 control of the same value, as browsers do).
pub fn cp1252(b: u8) -> char {
    const HIGH: [u16; 32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ];
    if (0x80..0xA0).contains(&b) {
        char::from_u32(HIGH[(b - 0x80) as usize] as u32).unwrap_or(char::REPLACEMENT_CHARACTER)
    } else {
        b as char
    }
}

/// Removes copy-paste debris (§0.3) from one line. Returns `line` itself when there is
/// nothing to clean, else the cleaned text written into `buf`.
pub(crate) fn clean_debris<'a>(line: &'a str, buf: &'a mut String) -> &'a str {
    let mut s = strip_prefixes(line);
    // One trailing RTF line break (`\`, not an escaped `\\`) plus blanks around it.
    let trimmed = s.trim_end_matches([' ', '\t']);
    if let Some(before) = trimmed.strip_suffix('\\') {
        let n = trimmed.len() - trimmed.trim_end_matches('\\').len();
        if n % 2 == 1 {
            s = before.trim_end_matches([' ', '\t']);
        }
    }
    if !s.contains('\\') {
        return s;
    }
    buf.clear();
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        buf.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let b = after.as_bytes();
        match b.first() {
            Some(b'\'') if b.len() >= 3 => match (hex_val(b[1]), hex_val(b[2])) {
                (Some(h), Some(l)) => {
                    buf.push(cp1252(h * 16 + l));
                    rest = &after[3..];
                }
                _ => {
                    buf.push('\\');
                    rest = after;
                }
            },
            Some(c @ (b'\\' | b'{' | b'}')) => {
                buf.push(*c as char);
                rest = &after[1..];
            }
            _ => {
                buf.push('\\');
                rest = after;
            }
        }
    }
    buf.push_str(rest);
    buf.as_str()
}

fn hex_val(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Strips a leading Notepad++ `Line 12345: ` (possibly indented) or a quote `> `.
fn strip_prefixes(line: &str) -> &str {
    let t = line.trim_start_matches([' ', '\t']);
    if let Some(r) = t.strip_prefix("Line ") {
        let digits = r.len() - r.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            if let Some(rest) = r[digits..].strip_prefix(": ") {
                return rest;
            }
            if r[digits..] == *":" {
                return "";
            }
        }
    }
    let mut s = line;
    while let Some(r) = s.strip_prefix("> ") {
        s = r;
    }
    if s == ">" {
        return "";
    }
    strip_rtf_furniture(s)
}

/// A whole `.rtf` file (TextEdit, WordPad) rather than text pasted out of one: its header
/// groups (`{\rtf1…`, `{\fonttbl…}`, `{\colortbl…}`, `{\*\…}`) become empty lines and
/// the control words that open a line (`\f0\fs24 \cf0 `, `\pard\tx560…`) are dropped.
/// Escapes (`\'93`, `\\`) are not control words and stay for [`clean_debris`].
fn strip_rtf_furniture(line: &str) -> &str {
    const GROUPS: [&str; 5] = ["{\\rtf", "{\\fonttbl", "{\\colortbl", "{\\*\\", "{\\info"];
    let b = line.as_bytes();
    if b.first() != Some(&b'\\') && b.first() != Some(&b'{') {
        return line;
    }
    if GROUPS.iter().any(|g| line.starts_with(g)) {
        return "";
    }
    let mut i = 0;
    // `\word` or `\word-12`, then at most one space that ends it.
    while b.get(i) == Some(&b'\\') {
        let letters = b[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_lowercase())
            .count();
        if letters == 0 || letters > 32 {
            break;
        }
        let mut j = i + 1 + letters;
        if b.get(j) == Some(&b'-') {
            j += 1;
        }
        j += b[j..].iter().take_while(|c| c.is_ascii_digit()).count();
        if b.get(j) == Some(&b' ') {
            j += 1;
        }
        i = j;
    }
    let rest = &line[i..];
    if i > 0 && GROUPS.iter().any(|g| rest.starts_with(g)) {
        return "";
    }
    rest
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lines(bytes: &[u8]) -> Vec<String> {
        decode_lines(bytes).into_iter().map(|(_, l)| l).collect()
    }

    fn chunked(bytes: &[u8], cuts: &[usize]) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        let mut d = LineDecoder::new();
        let mut sink = |n: u64, l: &str| out.push((n, l.to_string()));
        let mut start = 0;
        for &c in cuts {
            let c = c.min(bytes.len()).max(start);
            d.push(&bytes[start..c], &mut sink);
            start = c;
        }
        d.push(&bytes[start..], &mut sink);
        d.finish(&mut sink);
        out
    }

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { vec![] };
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        v
    }

    fn utf16be(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFE, 0xFF] } else { vec![] };
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_be_bytes());
        }
        v
    }

    #[test]
    fn fold_is_bytewise_at_every_length_and_reuses_its_scratch() {
        let src: Vec<u8> = (0..=255u8)
            .chain(b"SCEP Cert STATE".iter().copied())
            .collect();
        let mut scratch = vec![0xAA; 300];
        for len in (0..40).chain([255, 256, 271]) {
            let want: Vec<u8> = src[..len].iter().map(|&b| fold_byte(b)).collect();
            assert_eq!(fold(&src[..len], &mut scratch), &want[..], "length {len}");
        }
        // A shorter input after a longer one: only its own length is returned.
        assert_eq!(fold(b"AbC", &mut scratch), b"abc");
        let mut empty = Vec::new();
        assert_eq!(fold(&src, &mut empty).len(), src.len());
    }

    #[test]
    fn utf8_plain_and_bom() {
        assert_eq!(lines(b"a\nb\n"), ["a", "b"]);
        assert_eq!(lines(b"\xEF\xBB\xBFa\nb"), ["a", "b"]);
        assert_eq!(
            lines("caf\u{e9} \u{2018}x\u{2019}".as_bytes()),
            ["caf\u{e9} \u{2018}x\u{2019}"]
        );
    }

    #[test]
    fn a_contradicted_byte_order_mark_is_overruled() {
        let text = "2024-06-18T09:31:02.0040000 INFO x 1 2 SCEP cert state changed\nsecond line\n";
        let decode = |bytes: &[u8]| {
            let mut d = LineDecoder::new();
            let mut out = Vec::new();
            let mut sink = |_: u64, l: &str| out.push(l.to_string());
            d.push(bytes, &mut sink);
            d.finish(&mut sink);
            (out, d.bom_note())
        };
        let expect = vec![
            text.lines().next().unwrap().to_string(),
            "second line".into(),
        ];
        // A mark, then text in another encoding: read as the text says, with a note.
        let overruled = |mark: [u8; 2], body: Vec<u8>, says: &str| {
            let (out, note) = decode(&[&mark[..], &body].concat());
            assert_eq!(out, expect);
            assert!(note.is_some_and(|n| n.contains(says)), "{note:?}");
        };
        overruled(
            [0xFE, 0xFF],
            utf16le(text, false),
            "says UTF-16BE but the text is UTF-16LE",
        );
        overruled(
            [0xFF, 0xFE],
            utf16be(text, false),
            "says UTF-16LE but the text is UTF-16BE",
        );
        overruled(
            [0xFF, 0xFE],
            text.as_bytes().to_vec(),
            "says UTF-16LE but the text is not UTF-16; read as UTF-8",
        );
        // Marks that tell the truth leave no note, CJK text included.
        assert_eq!(decode(&utf16le("憑證 installed\n", true)).1, None);
        assert_eq!(
            decode(&utf16le("層級日期和時間來源事件識別碼工作類別", true)).1,
            None
        );
        assert_eq!(decode(&utf16be(text, true)), (expect, None));
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let text = "SCEP cert \u{2018}x\u{2019} \u{1F600}\r\nline two\n";
        assert_eq!(
            lines(&utf16le(text, true)),
            ["SCEP cert \u{2018}x\u{2019} \u{1F600}", "line two"]
        );
        assert_eq!(
            lines(&utf16be(text, true)),
            ["SCEP cert \u{2018}x\u{2019} \u{1F600}", "line two"]
        );
        assert_eq!(lines(&utf16le("ab\ncd\n", false)), ["ab", "cd"]);
        assert_eq!(lines(&utf16be("ab\ncd\n", false)), ["ab", "cd"]);
        let mut d = LineDecoder::new();
        d.push(&utf16le("ab", false), &mut |_, _| {});
        d.finish(&mut |_, _| {});
        assert_eq!(d.encoding(), Some("utf-16le"));
    }

    #[test]
    fn invalid_utf8_line_is_cp1252_others_stay_utf8() {
        let bytes = b"\x93quoted\x94 \x80 \x81\n\xe2\x80\x9cok\xe2\x80\x9d\n";
        assert_eq!(
            lines(bytes),
            [
                "\u{201C}quoted\u{201D} \u{20AC} \u{81}",
                "\u{201C}ok\u{201D}"
            ]
        );
        assert_eq!(cp1252(0x9F), '\u{178}');
        assert_eq!(cp1252(0xE9), '\u{e9}');
    }

    #[test]
    fn line_ends_and_numbers() {
        let got = decode_lines(b"a\r\nb\rc\n\nd\r");
        let want: Vec<(u64, String)> = vec![
            (1, "a".into()),
            (2, "b".into()),
            (3, "c".into()),
            (4, "".into()),
            (5, "d".into()),
        ];
        assert_eq!(got, want);
        // `\r` at the end of one chunk and `\n` at the start of the next: one line end.
        assert_eq!(
            chunked(b"a\r\nb", &[2]),
            vec![(1, "a".to_string()), (2, "b".to_string())]
        );
        assert_eq!(lines(b""), Vec::<String>::new());
    }

    #[test]
    fn debris_is_removed() {
        assert_eq!(
            lines(b"SCEP cert \\'91ModelName=x\\'92 state\\\n"),
            ["SCEP cert \u{2018}ModelName=x\u{2019} state"]
        );
        assert_eq!(
            lines(b"a \\\\ b \\{c\\} \\'93q\\'94 \\x\n"),
            ["a \\ b {c} \u{201C}q\u{201D} \\x"]
        );
        assert_eq!(lines(b"text\\  \n"), ["text"]);
        assert_eq!(lines(b"path C:\\\\\n"), ["path C:\\"]);
        assert_eq!(
            lines(b"Line 12345: 2018-02-27T04:50:49.9010000 INFO x\n"),
            ["2018-02-27T04:50:49.9010000 INFO x"]
        );
        assert_eq!(lines(b"\tLine 7: hello\n"), ["hello"]);
        assert_eq!(lines(b"> quoted\n> > twice\n"), ["quoted", "twice"]);
        assert_eq!(
            lines(b"Linear: no\n\tat com.x.Y\n"),
            ["Linear: no", "\tat com.x.Y"]
        );
    }

    #[test]
    fn a_whole_rtf_file_reads_as_its_text() {
        let rtf = b"{\\rtf1\\ansi\\ansicpg1252\\cocoartf2639\n\
{\\fonttbl\\f0\\fswiss\\fcharset0 Helvetica;}\n\
{\\colortbl;\\red255\\green255\\blue255;}\n\
{\\*\\expandedcolortbl;;}\n\
\\paperw11900\\paperh16840\\margl1440\\margr1440\\vieww11520\\viewh8400\\viewkind0\n\
\\pard\\tx566\\tx1133\\pardirnatural\\partightenfactor0\n\
\n\
\\f0\\fs24 \\cf0 default\t09:12:43.000000 +0100\tprofiled\tProfile \\'93x\\'94 installed.\\\n\
error\t09:12:44.000000 +0100\tprofiled\tdone\\\n\
}";
        let got = lines(rtf);
        assert!(got[..7].iter().all(|l| l.is_empty()), "{got:?}");
        assert_eq!(
            got[7],
            "default\t09:12:43.000000 +0100\tprofiled\tProfile \u{201C}x\u{201D} installed."
        );
        assert_eq!(got[8], "error\t09:12:44.000000 +0100\tprofiled\tdone");
        // Escapes at a line's start are not control words.
        assert_eq!(lines(b"\\'93q\\'94\n"), ["\u{201C}q\u{201D}"]);
        assert_eq!(lines(b"\\\\server\\\\share\n"), ["\\server\\share"]);
    }

    #[test]
    fn long_lines_are_cut_on_char_boundary() {
        let mut d = LineDecoder::with_max_line(20);
        let mut out = Vec::new();
        let s = "0123456789012345678\u{e9}xyz\nnext\n";
        d.push(s.as_bytes(), &mut |n, l| out.push((n, l.to_string())));
        d.finish(&mut |n, l| out.push((n, l.to_string())));
        assert_eq!(
            out,
            vec![
                (1, "0123456789012345678".to_string()),
                (2, "next".to_string())
            ]
        );
        let mut d = LineDecoder::with_max_line(20);
        let mut out = Vec::new();
        d.push(&utf16le(s, true), &mut |n, l| out.push((n, l.to_string())));
        d.finish(&mut |n, l| out.push((n, l.to_string())));
        assert_eq!(
            out,
            vec![
                (1, "0123456789012345678".to_string()),
                (2, "next".to_string())
            ]
        );
    }

    #[test]
    fn ten_megabyte_line_in_bounded_memory() {
        let mut d = LineDecoder::new();
        let chunk = vec![b'x'; 64 * 1024];
        let mut count = 0usize;
        let mut first_len = 0usize;
        let mut sink = |_: u64, l: &str| {
            count += 1;
            if count == 1 {
                first_len = l.len();
            }
        };
        for _ in 0..160 {
            d.push(&chunk, &mut sink);
            assert!(d.buffered_capacity() <= 4 * limits::MAX_LINE_BYTES + 4096);
        }
        d.push(b"\nnext", &mut sink);
        d.finish(&mut sink);
        assert_eq!(count, 2);
        assert_eq!(first_len, limits::MAX_LINE_BYTES);
    }

    #[test]
    fn utf16_chunked_at_every_offset() {
        let text = "first \u{4e2d}\u{6587}\r\nsecond \u{1F600} end\rthird\nfourth";
        for bytes in [
            utf16le(text, true),
            utf16be(text, true),
            utf16le(text, false),
        ] {
            let whole = decode_lines(&bytes);
            assert_eq!(whole.len(), 4);
            for i in 0..=bytes.len() {
                assert_eq!(chunked(&bytes, &[i]), whole, "cut at {i}");
                for j in i..=bytes.len() {
                    assert_eq!(chunked(&bytes, &[i, j]), whole, "cuts at {i},{j}");
                }
            }
        }
    }

    #[test]
    fn utf8_chunked_mid_sequence() {
        let text = "\u{2018}a\u{2019}\r\n\u{4e2d}\r";
        let bytes = text.as_bytes();
        let whole = decode_lines(bytes);
        for i in 0..=bytes.len() {
            assert_eq!(chunked(bytes, &[i]), whole);
        }
    }

    proptest! {
        #[test]
        fn chunking_never_changes_lines(bytes in proptest::collection::vec(any::<u8>(), 0..1500),
                                        cuts in proptest::collection::vec(0usize..1500, 0..8)) {
            let mut cuts = cuts;
            cuts.sort_unstable();
            let whole = decode_lines(&bytes);
            prop_assert_eq!(chunked(&bytes, &cuts), whole);
        }

        #[test]
        fn utf16_text_chunking(s in "[a-z\u{e9}\u{4e2d}\u{1F600}\r\n\\\\']{0,300}", cut in 0usize..700) {
            let bytes = utf16le(&s, true);
            prop_assert_eq!(chunked(&bytes, &[cut]), decode_lines(&bytes));
        }
    }
}
