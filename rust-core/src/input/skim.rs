//! The fast path: a keyword scan over raw chunks that hands a log's parser only the
//! records that may say something to it (see the comment below for the whole design).

use aho_corasick::AhoCorasick;

use super::LineSink;
use super::encoding::Encoding;
use super::lines::LineDecoder;
use crate::limits;

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
pub(super) fn fold_byte(b: u8) -> u8 {
    b | 0x20
}

/// Folds `src` into the first `src.len()` bytes of the scratch buffer `dst` (grown when
/// shorter, never cleared, so that no pass writes it twice) and returns them. Sixteen
/// bytes at a time: the compiler vectorises this at opt-level 3 and the apps' build at
/// "z" (which does not vectorise loops) still takes one operation per 16 bytes.
pub(super) fn fold<'a>(src: &[u8], dst: &'a mut Vec<u8>) -> &'a [u8] {
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
pub(super) struct SkimState {
    /// The parser's open record is one it was given: its continuation lines go to it.
    pub(super) fed: bool,
    /// Skipped record starts not yet reported to the parser.
    pub(super) pending: u64,
    /// A skipped record is open; `carry` holds its raw lines, each ended by `\n`.
    pub(super) carry_open: bool,
    pub(super) carry: Vec<u8>,
    pub(super) carry_first_line: u64,
    /// The open skipped record's lines from this offset of the current chunk on belong
    /// to `carry` but are not copied yet: most skipped records never need a replay, so
    /// their bytes are copied only when one does, or when the chunk ends.
    pub(super) carry_from: Option<usize>,
    /// A line that began in the previous chunk, completed (scratch).
    pub(super) boundary: Vec<u8>,
    /// The case-folded chunk (scratch, at most one chunk).
    pub(super) folded: Vec<u8>,
}

impl LineDecoder {
    /// Like [`LineDecoder::push`], handing lines to `parser` through the fast path of
    /// `skim`. Use either this or `push` for one input, and end with
    /// [`LineDecoder::finish_skim`].
    pub fn push_skim(&mut self, bytes: &[u8], skim: &Skim, parser: &mut dyn LineSink) {
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
    pub fn finish_skim(&mut self, skim: &Skim, parser: &mut dyn LineSink) {
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
    fn slow(&mut self, bytes: &[u8], parser: &mut dyn LineSink) {
        self.sync(parser);
        self.push(bytes, &mut |n, l| parser.line(n, l));
        self.skim.fed = true;
    }

    /// Brings the parser up to date: a skipped record still open is replayed (its next
    /// lines may reach the parser), the others are reported.
    fn sync(&mut self, parser: &mut dyn LineSink) {
        if self.skim.carry_open {
            self.replay(parser);
        } else {
            self.report_skipped(parser);
        }
    }

    fn take_boundary(&mut self, skim: &Skim, parser: &mut dyn LineSink) {
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
        parser: &mut dyn LineSink,
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

    fn report_skipped(&mut self, parser: &mut dyn LineSink) {
        let st = &mut self.skim;
        if st.pending > 0 {
            parser.skipped(st.pending);
            st.pending = 0;
        }
        st.carry_open = false;
        st.carry_from = None;
    }

    /// Hands the open skipped record's lines to the parser with their own numbers.
    fn replay(&mut self, parser: &mut dyn LineSink) {
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

    fn feed_line(&mut self, raw: &[u8], overflow: bool, parser: &mut dyn LineSink) {
        self.line.clear();
        self.overflow = false;
        self.append_raw(raw);
        self.overflow |= overflow;
        self.emit(&mut |n, l| parser.line(n, l));
    }
}
