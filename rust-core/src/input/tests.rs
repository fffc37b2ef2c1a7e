//! Tests of the line decoder: encodings, line ends, debris, long lines, chunking, the
//! fast path's case folding.

use super::encoding::cp1252;
use super::skim::{fold, fold_byte};
use super::*;
use crate::limits;
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
