//! A large log file read on two cores. The calling thread reads the file from its start
//! and scans the first part; a second thread scans the second part, which begins at a
//! line that opens a record, and hands what its fast path lets through (lines for the
//! parser, counts of skipped records) back in bounded batches. The parser sees exactly
//! the calls a one-thread read would make, in the same order: the report is the same.
//! Sniffing stays on the calling thread; each thread fingerprints the blocks it reads
//! (`Fingerprint`), and the calling thread appends the second part's.

use std::fs::File;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::READ_CHUNK;
use super::fingerprint::{FINGERPRINT_BLOCK, Fingerprint};
use super::stream::{InputStream, State};
use crate::input::{CutLines, LineDecoder, LineSink, Skim};
use crate::limits;
use crate::parsers::LogParser;

/// Files smaller than this are read on one thread: a second one would not pay.
pub(crate) const MIN_SPLIT_BYTES: u64 = 8 * 1024 * 1024;

/// How far past the middle the split looks for a line that opens a record.
const SEARCH_BYTES: usize = 256 * 1024;

/// Batches of the second part's lines: [`limits::SPLIT_BATCH_BYTES`] each, at most
/// [`limits::SPLIT_BATCHES_IN_FLIGHT`] waiting for the parser.
const BATCH_BYTES: usize = limits::SPLIT_BATCH_BYTES;
const BATCHES_IN_FLIGHT: usize = limits::SPLIT_BATCHES_IN_FLIGHT;

/// What the second part's fast path hands the parser.
enum Op {
    /// A line, numbered from the second part's start.
    Line(u64, String),
    /// Skipped records.
    Skipped(u64),
}

/// Stands in for the parser on the second thread.
struct Recorder {
    batch: Vec<Op>,
    bytes: usize,
    tx: SyncSender<Vec<Op>>,
}

impl Recorder {
    fn send(&mut self) {
        if !self.batch.is_empty() {
            // The receiver only goes away once the calling thread stopped wanting lines.
            let _ = self.tx.send(std::mem::take(&mut self.batch));
            self.bytes = 0;
        }
    }
}

impl LineSink for Recorder {
    fn line(&mut self, number: u64, line: &str) {
        self.bytes += line.len() + 16;
        self.batch.push(Op::Line(number, line.to_string()));
        if self.bytes >= BATCH_BYTES {
            self.send();
        }
    }

    fn skipped(&mut self, records: u64) {
        self.batch.push(Op::Skipped(records));
    }
}

/// Reads `buf.len()` bytes at `offset` unless the file ends first; returns the count.
pub(crate) fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match read_some_at(file, &mut buf[n..], offset + n as u64) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(unix)]
fn read_some_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_some_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(not(any(unix, windows)))]
fn read_some_at(_: &File, _: &[u8], _: u64) -> std::io::Result<usize> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Where the second part starts: the first line after the middle of `[from, len)` that
/// opens a record, in a read chunk (of the grid every part reads on) without `\r`, so
/// that each chunk takes the same path (fast or line by line) as in a one-thread read.
fn split_point(file: &File, skim: &Skim, from: u64, len: u64) -> Option<u64> {
    let mid = from + (len - from) / 2;
    let chunk = READ_CHUNK as u64;
    let grid = mid / chunk * chunk;
    let mut window = vec![0u8; SEARCH_BYTES];
    let n = read_at(file, &mut window, grid).ok()?;
    let window = &window[..n];
    let mut pos = usize::try_from(mid - grid).ok()?;
    loop {
        let start = pos + memchr::memchr(b'\n', window.get(pos..)?)? + 1;
        let end = start + memchr::memchr(b'\n', window.get(start..)?)?;
        let cell = start / READ_CHUNK * READ_CHUNK;
        let cell_bytes = &window[cell..window.len().min(cell + READ_CHUNK)];
        let whole_cell = cell_bytes.len() == READ_CHUNK || grid + n as u64 == len;
        if whole_cell
            && memchr::memchr(b'\r', cell_bytes).is_none()
            && (skim.record_start())(&window[start..end])
        {
            return Some(grid + start as u64);
        }
        pos = end;
    }
}

/// The second part, on its own thread: fingerprints `[block, end)` and scans `[at,
/// end)`; returns its fingerprint, byte and line counts, and a read error.
struct SecondPart {
    fingerprint: Fingerprint,
    bytes: u64,
    lines: u64,
    /// The second part's cut lines, numbered from its start.
    cut: CutLines,
    error: Option<String>,
}

fn scan_second_part(
    file: &File,
    block: u64,
    at: u64,
    mut decoder: LineDecoder,
    skim: &Skim,
    tx: SyncSender<Vec<Op>>,
) -> SecondPart {
    let mut rec = Recorder {
        batch: Vec::new(),
        bytes: 0,
        tx,
    };
    let mut part = SecondPart {
        fingerprint: Fingerprint::second_part(),
        bytes: 0,
        lines: 0,
        cut: CutLines::default(),
        error: None,
    };
    let mut buf = vec![0u8; READ_CHUNK];
    let mut pos = block;
    loop {
        match read_at(file, &mut buf, pos) {
            Ok(0) => break,
            Ok(n) => {
                let chunk = &buf[..n];
                part.fingerprint.update(chunk);
                part.bytes += n as u64;
                let skip = usize::try_from(at.saturating_sub(pos)).map_or(n, |k| k.min(n));
                if skip < n {
                    decoder.push_skim(&chunk[skip..], skim, &mut rec);
                }
                pos += n as u64;
            }
            Err(e) => {
                part.error = Some(format!("read error: {e}"));
                break;
            }
        }
    }
    decoder.finish_skim(skim, &mut rec);
    rec.send();
    part.lines = decoder.lines();
    part.cut = decoder.cut_lines();
    part
}

/// Replays the second part's batches into the real parser, in order. `pending`: the
/// first part's skipped records not yet reported, merged into the first report as the
/// one-thread read would have made it.
struct Join {
    offset: u64,
    pending: u64,
}

impl Join {
    fn apply(&mut self, batch: Vec<Op>, parser: &mut dyn LogParser) {
        for op in batch {
            match op {
                Op::Skipped(k) => parser.skipped(std::mem::take(&mut self.pending) + k),
                Op::Line(n, line) => {
                    if self.pending > 0 {
                        parser.skipped(std::mem::take(&mut self.pending));
                    }
                    parser.line(self.offset + n, &line);
                }
            }
        }
    }

    /// Replays every batch until the second thread is done.
    fn drain(&mut self, rx: &Receiver<Vec<Op>>, s: &mut InputStream) {
        let State::Log { parser, .. } = &mut s.state else {
            return;
        };
        while let Ok(batch) = rx.recv() {
            self.apply(batch, &mut **parser);
        }
    }
}

/// Reads `file` (of `len` bytes, `s` already fed `[0, from)`) to its end into `s`, on two
/// threads when the input is a log with a fast path and at least `min` bytes long;
/// otherwise on this one. Returns whether it used two threads.
pub(crate) fn read_rest(s: &mut InputStream, file: &File, from: u64, len: u64, min: u64) -> bool {
    let plan = match &s.state {
        State::Log {
            decoder, parser, ..
        } if len.saturating_sub(from) >= min => parser
            .skim()
            .and_then(|skim| Some((skim, decoder.continuation()?)))
            .and_then(|(skim, next)| Some((skim, next, split_point(file, skim, from, len)?))),
        _ => None,
    };
    // The second part's fingerprint starts on the block boundary before its first line.
    let block_of = |at: u64| at / FINGERPRINT_BLOCK as u64 * FINGERPRINT_BLOCK as u64;
    let Some((skim, next, at)) = plan.filter(|&(_, _, at)| block_of(at) >= from) else {
        read_range(s, file, from, u64::MAX, true);
        return false;
    };
    let block = block_of(at);
    std::thread::scope(|scope| {
        // Made in here so that, should this thread panic, the receiver goes before the
        // scope waits for the second thread (which would wait on a full channel).
        let (tx, rx) = sync_channel(BATCHES_IN_FLIGHT);
        let second = scope.spawn(move || scan_second_part(file, block, at, next, skim, tx));
        let reached = read_range(s, file, from, block, true) == block
            && read_range(s, file, block, at, false) == at;
        let mut join = None;
        if reached && let State::Log { decoder, .. } = &mut s.state {
            let offset = decoder.lines();
            join = Some(Join {
                offset,
                pending: decoder.join(offset),
            });
        }
        let Some(mut join) = join else {
            // The first part ended early (a read error, a file cut short): the second
            // part is not wanted.
            drop(rx);
            let _ = second.join();
            return true;
        };
        join.drain(&rx, s);
        let part = second.join().unwrap_or_else(|_| SecondPart {
            fingerprint: Fingerprint::second_part(),
            bytes: 0,
            lines: 0,
            cut: CutLines::default(),
            error: Some("internal error: the second reader thread stopped".to_string()),
        });
        s.hasher.append(part.fingerprint);
        s.len += part.bytes;
        if let State::Log { decoder, .. } = &mut s.state {
            decoder.join(join.offset + part.lines);
            decoder.add_cut_lines(part.cut, join.offset, part.lines);
        }
        if let Some(e) = part.error {
            s.fail(e);
        }
        true
    })
}

/// Feeds `[from, to)` of `file` (to its end when `to` is past it) to `s`, counting it
/// into the fingerprint when `hash`, in chunks on the [`READ_CHUNK`] grid; returns
/// where it stopped.
pub(crate) fn read_range(s: &mut InputStream, file: &File, from: u64, to: u64, hash: bool) -> u64 {
    let mut buf = vec![0u8; READ_CHUNK];
    let mut pos = from;
    while pos < to {
        let grid_end = (pos / READ_CHUNK as u64 + 1) * READ_CHUNK as u64;
        let want = (grid_end.min(to) - pos) as usize;
        match read_at(file, &mut buf[..want], pos) {
            Ok(0) => break,
            Ok(n) => {
                if hash {
                    s.push(&buf[..n]);
                } else {
                    s.consume(&buf[..n]);
                }
                pos += n as u64;
            }
            Err(e) => {
                s.fail(format!("read error: {e}"));
                break;
            }
        }
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Format, Lang};
    use crate::session::{Options, Session};
    use std::io::Write;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/android");

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
    }

    /// Company Portal noise lines (no keyword), numbered so that no two are alike.
    fn noise(out: &mut String, bytes: usize, crlf: bool) {
        let end = out.len() + bytes;
        let mut i = 0u64;
        while out.len() < end {
            i += 1;
            let (m, s) = (i / 60 % 60, i % 60);
            out.push_str(&format!(
                "2021-03-09T11:{m:02}:{s:02}.{i:07}    VERB    Event     com.microsoft.omadm.syncml.SyncmlSession    22841       12    Policy {i} is compliant{}",
                if crlf { "\r\n" } else { "\n" }
            ));
            if i.is_multiple_of(97) {
                // A continuation line (a stack frame) in the noise.
                out.push_str("    at com.microsoft.omadm.Foo.bar(Foo.java:12)\n");
            }
        }
    }

    fn report(path: &std::path::Path, split: bool) -> (String, bool) {
        let mut s = Session::new(Options {
            now: time::macros::datetime!(2026-01-01 0:00 UTC),
            redact: true,
            lang: Lang::En,
        });
        let file = File::open(path).unwrap();
        let was_split = if split {
            s.add_file_split("omadm.log", &file, 0)
        } else {
            s.add_reader("omadm.log", &mut &file);
            false
        };
        (s.finish().render(Format::Json), was_split)
    }

    /// Writes `text`, then checks that the two-thread read gives the one-thread report,
    /// which it returns.
    fn same_report(name: &str, text: &str, expect_split: bool) -> String {
        let path =
            std::env::temp_dir().join(format!("certdoctor-split-{}-{name}", std::process::id()));
        std::fs::File::create(&path)
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let (one, _) = report(&path, false);
        let (two, was_split) = report(&path, true);
        std::fs::remove_file(&path).ok();
        assert_eq!(was_split, expect_split, "{name}: split");
        assert!(
            one.contains("\"kind\": \"android_omadm_log\""),
            "{name}: {one}"
        );
        assert_eq!(one, two, "{name}");
        one
    }

    #[test]
    fn two_threads_give_the_one_thread_report() {
        let failure = fixture("omadm-pkistatus-failure.log");
        let success = fixture("omadm-success.log");
        let mut text = String::new();
        noise(&mut text, 300_000, false);
        text.push_str(&failure);
        noise(&mut text, 1_500_000, false);
        // Records around the middle, where the second part begins.
        text.push_str(&success);
        // A record whose keyword is only in a continuation line.
        text.push_str("2021-03-09T12:00:00.0000000    WARN    Event     com.microsoft.omadm.Foo    22841       12    failed\n    caused by java.net.SocketTimeoutException: jscep read timed out\n");
        text.push_str(&failure);
        noise(&mut text, 1_400_000, false);
        text.push_str(&success);
        noise(&mut text, 10_000, false);
        same_report("mixed", &text, true);
        // Without a line end at the end of the file.
        same_report("cut", text.trim_end(), true);
    }

    #[test]
    fn cut_lines_of_both_parts_make_one_notice() {
        let long = format!(
            "2021-03-09T12:00:00.0000000    VERB    Event     com.microsoft.omadm.syncml.SyncmlSession    22841       12    Payload: {}\n",
            "QUJD".repeat(20_000)
        );
        let mut text = String::new();
        noise(&mut text, 300_000, false);
        text.push_str(&long);
        let first = text.lines().count();
        noise(&mut text, 1_500_000, false);
        text.push_str(&long);
        text.push_str(&fixture("omadm-success.log"));
        noise(&mut text, 1_400_000, false);
        text.push_str(&long);
        let report = same_report("long-lines", &text, true);
        let notice = format!(
            "omadm.log: 3 lines are longer than 64 KiB (the first is line {first}); only the first 64 KiB of each were read"
        );
        assert!(report.contains(&notice), "{notice}\n{report}");
    }

    #[test]
    fn crlf_in_the_first_part_and_everywhere() {
        let failure = fixture("omadm-pkistatus-failure.log");
        let mut text = String::new();
        noise(&mut text, 400_000, true);
        text.push_str(&failure.replace('\n', "\r\n"));
        noise(&mut text, 3_000_000, false);
        text.push_str(&failure);
        same_report("crlf-head", &text, true);
        // `\r` in every chunk: no line near the middle can start the second part.
        let all = text.replace("\r\n", "\n").replace('\n', "\r\n");
        same_report("crlf-all", &all, false);
    }

    #[test]
    fn fingerprint_of_two_parts_is_the_fingerprint_of_the_whole() {
        let data: Vec<u8> = (0..3_500_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let block = FINGERPRINT_BLOCK;
        for (len, at) in [
            (3_500_000, 2 * block),
            (3 * block, block),
            (3 * block, 2 * block),
            (block + 1, block),
        ] {
            let mut whole = Fingerprint::default();
            for c in data[..len].chunks(70_000) {
                whole.update(c);
            }
            let mut first = Fingerprint::default();
            first.update(&data[..at]);
            let mut second = Fingerprint::second_part();
            for c in data[at..len].chunks(READ_CHUNK) {
                second.update(c);
            }
            first.append(second);
            assert_eq!(first.digest(), whole.digest(), "len {len} at {at}");
        }
        // Up to one block: the plain xxh3 of the bytes.
        let mut small = Fingerprint::default();
        small.update(&data[..block]);
        assert_eq!(small.digest(), xxhash_rust::xxh3::xxh3_64(&data[..block]));
    }
}
