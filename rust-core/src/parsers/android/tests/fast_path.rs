//! The fast path and the timestamp check it relies on: same events as the line-by-line
//! path on every fixture and around noise, bounded memory, exhaustive byte changes.

use super::*;
use crate::parsers::android::line::{starts_with_timestamp, ts_head};
use crate::parsers::android::message::JSCEP_KINDS;

proptest::proptest! {
    #[test]
    fn arbitrary_lines_never_panic(lines in proptest::collection::vec(
        "(2018-02-27T04:50:49\\.9010000|Time|x)[ \t]{1,3}(VERB|INFO|ERROR|e)[ \t]+(Event[ \t]+)?(org\\.jscep\\.A|com\\.microsoft\\.omadm\\.B|C)[ \t]+[0-9]{1,6}[ \t]+[0-9]{1,5}[ \t]?(.|\\PC){0,80}",
        0..40,
    ), noise in "\\PC{0,200}") {
        let mut p = AndroidParser::new(Arc::from("p.log"));
        for (i, l) in lines.iter().enumerate() {
            p.line(i as u64 * 2 + 1, l);
            p.line(i as u64 * 2 + 2, &noise);
        }
        let out = crate::parsers::finish_events(&mut p);
        proptest::prop_assert!(out.events.len() as u64 <= out.records * 4 + 4);
    }

    #[test]
    fn word_wise_timestamp_check_agrees_with_bytewise(
        picks in proptest::collection::vec(0usize..TS_BYTES.len(), 19),
        base in proptest::sample::select(vec![
            "2019-10-22T07:15:04", "0000-00-00T00:00:00", "9999-12-31T23:59:60", "2020-13-32T24:60:61",
        ]),
        changes in proptest::collection::vec((0usize..19, 0usize..TS_BYTES.len()), 0..3),
    ) {
        // Mostly near-timestamps (one or two bytes changed), also random bytes.
        let mut b: [u8; 19] = base.as_bytes().try_into().expect("19 bytes");
        for (at, pick) in changes {
            b[at] = TS_BYTES[pick];
        }
        proptest::prop_assert_eq!(ts_head(&b), ts_head_bytewise(&b), "{:?}", String::from_utf8_lossy(&b));
        let random: Vec<u8> = picks.iter().map(|&i| TS_BYTES[i]).collect();
        let r: [u8; 19] = random.try_into().expect("19 bytes");
        proptest::prop_assert_eq!(ts_head(&r), ts_head_bytewise(&r));
    }
}

/// Bytes around the digits and separators, and the ones a SWAR digit test can confuse.
const TS_BYTES: &[u8] = b"0123456789-T:/.: \x2f\x3a\x3f\x40\x30\x39\xb0\xb9\x00\xff";

/// The timestamp check written byte by byte (the reference for [`ts_head`]).
fn ts_head_bytewise(b: &[u8; 19]) -> Option<[i64; 6]> {
    for (i, &c) in b.iter().enumerate() {
        let ok = match i {
            4 | 7 => c == b'-',
            10 => c == b'T',
            13 | 16 => c == b':',
            _ => c.is_ascii_digit(),
        };
        if !ok {
            return None;
        }
    }
    let n = |i: usize| i64::from(b[i] - b'0') * 10 + i64::from(b[i + 1] - b'0');
    let f = [n(0) * 100 + n(2), n(5), n(8), n(11), n(14), n(17)];
    let ok = (1..=12).contains(&f[1])
        && (1..=31).contains(&f[2])
        && f[3] <= 23
        && f[4] <= 59
        && f[5] <= 60;
    ok.then_some(f)
}

#[test]
fn word_wise_timestamp_check_on_every_single_byte_change() {
    let good: [u8; 19] = *b"2019-10-22T07:15:04";
    assert_eq!(ts_head(&good), Some([2019, 10, 22, 7, 15, 4]));
    for at in 0..19 {
        for v in 0..=255u8 {
            let mut b = good;
            b[at] = v;
            assert_eq!(ts_head(&b), ts_head_bytewise(&b), "byte {at} = {v:#04x}");
        }
    }
}

#[test]
fn huge_get_pkioperation_url_is_bounded() {
    let msg = "A".repeat(300_000);
    let line = format!(
        "{L}Sending org.spongycastle.cms.CMSSignedData@1 to https://h/m.dll?operation=PKIOperation&message={msg}\n"
    );
    let out = run(&line);
    match &out.events[..] {
        [e] => {
            let EventKind::ScepRequest {
                operation,
                url: Some(url),
            } = &e.kind
            else {
                panic!("{:?}", e.kind)
            };
            assert_eq!(operation, &ScepOperation::PkiOperation);
            assert!(url.chars().count() <= MAX_URL_CHARS + 1);
            assert!(e.text.chars().count() <= limits::MAX_EVIDENCE_TEXT + 1);
        }
        other => panic!("{other:?}"),
    }
}

/// The fast path (`LineDecoder::push_skim`) in chunks of `chunk` bytes.
fn run_skim(bytes: &[u8], chunk: usize) -> LogOutput {
    let mut p = AndroidParser::new(Arc::from("test.log"));
    let skim = p.skim().expect("android has a fast path");
    let mut d = LineDecoder::new();
    for c in bytes.chunks(chunk.max(1)) {
        d.push_skim(c, skim, &mut Feed(&mut p));
    }
    d.finish_skim(skim, &mut Feed(&mut p));
    crate::parsers::finish_events(&mut p)
}

fn same_as_slow(bytes: &[u8], what: &str) {
    let slow = run_bytes(bytes);
    for chunk in [1, 7, 64, 600, 4096, 1 << 20] {
        let fast = run_skim(bytes, chunk);
        assert_eq!(fast.records, slow.records, "{what}: records, chunk {chunk}");
        assert_eq!(
            format!("{:?}", fast.events),
            format!("{:?}", slow.events),
            "{what}: events, chunk {chunk}"
        );
    }
}

#[test]
fn fast_path_matches_every_fixture() {
    let dir = format!("{}/../tests/fixtures/android", env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for sub in ["", "variants/"] {
        for e in std::fs::read_dir(format!("{dir}/{sub}")).expect("fixtures") {
            let path = e.expect("entry").path();
            if path.extension().is_some_and(|x| x == "log") {
                let bytes = std::fs::read(&path).expect("read");
                same_as_slow(&bytes, &path.display().to_string());
                seen += 1;
            }
        }
    }
    assert!(seen >= 6);
}

#[test]
fn fast_path_keeps_records_around_noise() {
    let noise = "2019-10-22T07:15:04.0980000    INFO    com.microsoft.omadm.Noise    27604    03318    Nothing to see here\n";
    let warn = "2019-10-22T07:15:05.0980000    WARN    com.microsoft.omadm.Http    27604    03318    Request done\n";
    let mut text = String::new();
    // Message-only excerpt lines before any header, with and without a keyword.
    text.push_str("SCEP cert 'ModelName=AC_1/LogicalName_x;Hash=-1' state changed from A to B\n");
    text.push_str("just words\n\n");
    for i in 0..300 {
        text.push_str(noise);
        if i % 50 == 7 {
            // A keyword only in the stack trace of a record whose header has none.
            text.push_str(warn);
            text.push_str("\tat com.x.Y.z(Y.java:1)\n");
            text.push_str("Caused by: javax.net.ssl.SSLHandshakeException: bad cert\n");
            text.push_str("\tat com.x.Y.w(Y.java:2)\n");
        }
        if i % 70 == 3 {
            text.push_str(&format!("{L}Received '500 Internal Server Error' when sending PKIOperation to https://ndes/certsrv/mscep/mscep.dll?operation=PKIOperation\n"));
            text.push_str("\tcontinued line of the record\n");
        }
        if i % 90 == 5 {
            text.push_str("2019-10-22T07:15:06.0000000    INFO    com.microsoft.omadm.utils.CertUtils    27604    03318    2 cert(s) matched criteria\n");
            text.push_str(noise);
            text.push_str("2019-10-22T07:15:06.0000000    INFO    com.microsoft.omadm.utils.CertUtils    27604    03318    1 cert(s) excluded by criteria\n");
        }
        if i % 111 == 9 {
            text.push_str("Line 12: > 2019-10-22T07:15:04.0980000    INFO    com.microsoft.omadm.Knox    1    2    \\'93quoted\\'94\n");
        }
    }
    text.push_str("\u{e9}t\u{e9} 2019 not a header\n");
    text.push_str(noise.trim_end());
    same_as_slow(text.as_bytes(), "synthetic");
    // Windows-1252 bytes and a CRLF stretch take the ordinary path mid-stream.
    let mut bytes = text.clone().into_bytes();
    bytes.extend_from_slice(
        b"2019-10-22T07:15:04.0980000    INFO    com.x.Noise    1    2    caf\xe9\r\n",
    );
    bytes.extend_from_slice(text.as_bytes());
    same_as_slow(&bytes, "mixed line ends");
    let out = run_skim(text.as_bytes(), 333);
    assert!(out.events.len() >= 10, "{}", out.events.len());
}

#[test]
fn fast_path_long_line_in_bounded_memory() {
    let mut p = AndroidParser::new(Arc::from("test.log"));
    let skim = p.skim().expect("fast path");
    let mut d = LineDecoder::new();
    let chunk = vec![b'x'; 256 * 1024];
    d.push_skim(format!("{L}start\n").as_bytes(), skim, &mut Feed(&mut p));
    for _ in 0..256 {
        d.push_skim(&chunk, skim, &mut Feed(&mut p));
        assert!(d.buffered_capacity() <= 8 * limits::MAX_LINE_BYTES);
    }
    d.push_skim(
        format!("\n{L}There are 2 requests\n").as_bytes(),
        skim,
        &mut Feed(&mut p),
    );
    d.finish_skim(skim, &mut Feed(&mut p));
    let out = crate::parsers::finish_events(&mut p);
    assert_eq!(out.events.len(), 1);
    assert_eq!(out.events[0].source.line, Some(3));
    let cut = d.cut_lines();
    assert_eq!((cut.count, cut.first_line), (1, Some(2)));
}

/// Counts the cut lines of `bytes` read line by line and, in chunks of `chunk`, on the
/// fast path.
fn cut_lines(bytes: &[u8], chunk: Option<usize>) -> crate::input::CutLines {
    let mut p = AndroidParser::new(Arc::from("test.log"));
    let mut d = LineDecoder::new();
    match chunk {
        None => {
            let mut sink = |n: u64, l: &str| p.line(n, l);
            d.push(bytes, &mut sink);
            d.finish(&mut sink);
        }
        Some(size) => {
            let skim = p.skim().expect("fast path");
            for c in bytes.chunks(size) {
                d.push_skim(c, skim, &mut Feed(&mut p));
            }
            d.finish_skim(skim, &mut Feed(&mut p));
        }
    }
    d.cut_lines()
}

#[test]
fn cut_lines_are_counted_once_on_both_paths() {
    let cap = limits::MAX_LINE_BYTES;
    let payload = "QUJD".repeat(cap / 4 + 100);
    let noise = "2019-10-22T07:15:04.0980000    INFO    com.microsoft.omadm.Noise    27604    03318    Nothing to see here\n";
    let mut text = String::new();
    text.push_str(&noise.repeat(50));
    // Line 51: a long record header without a keyword, whose continuation line has one:
    // the record is replayed to the parser, the long line must not count twice.
    text.push_str(&format!("{L}Payload: {payload}\n"));
    text.push_str("Caused by: javax.net.ssl.SSLHandshakeException: bad cert\n");
    text.push_str(&noise.repeat(50));
    // Line 103: a long line with a keyword at its start.
    text.push_str(&format!("{L}Received 12 commands from server {payload}\n"));
    // Line 104: a long continuation line of the record the parser is fed.
    text.push_str(&format!("\t{payload}\n"));
    text.push_str(&noise.repeat(50));
    // Line 155: a long noise record, then a line exactly at the cap (not cut).
    text.push_str(&format!("{}{payload}\n", noise.trim_end()));
    text.push_str(&format!("{}\n", "x".repeat(cap)));
    // The last line: long, no line end.
    text.push_str(&noise.repeat(3));
    text.push_str(&format!("{L}Payload: {payload}"));
    let expect = crate::input::CutLines {
        count: 5,
        first_line: Some(51),
        max_line: cap,
    };
    assert_eq!(cut_lines(text.as_bytes(), None), expect, "line by line");
    for chunk in [1000, 4096, 64 * 1024, 1 << 20] {
        assert_eq!(
            cut_lines(text.as_bytes(), Some(chunk)),
            expect,
            "chunk {chunk}"
        );
    }
}

#[test]
fn skim_keywords_cover_every_pattern() {
    for (p, kind) in PATTERNS {
        if matches!(kind, P::Fail) || JSCEP_KINDS.contains(kind) {
            continue;
        }
        let p = p.to_ascii_lowercase();
        assert!(
            SKIM_KEYWORDS
                .iter()
                .any(|k| p.contains(&k.to_ascii_lowercase())),
            "no fast-path keyword covers {p:?}"
        );
    }
}

#[test]
fn timestamp_check_agrees_with_parse_header_on_real_lines() {
    // Every digit-first line of every fixture: the fast path's timestamp test and the
    // parser's grammar agree (the documented approximation never shows on them).
    let mut checked = 0;
    for name in SAMPLES
        .iter()
        .chain(&["variants/success-tabs.log", "variants/success-tid5.log"])
    {
        for raw in fixture(name).split(|&b| b == b'\n') {
            if !raw.first().is_some_and(u8::is_ascii_digit) {
                continue;
            }
            let text = String::from_utf8_lossy(raw);
            assert_eq!(
                starts_with_timestamp(raw),
                parse_header(&text).is_some(),
                "{name}: {text}"
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
    // The shapes it accepts and refuses.
    assert!(starts_with_timestamp(
        b"2024-06-18T09:31:02.0040000\tINFO c 1 2 m"
    ));
    assert!(starts_with_timestamp(b"2024-06-18T09:31:02 x"));
    assert!(!starts_with_timestamp(b"2024-06-18T09:31:02.0040000"));
    assert!(!starts_with_timestamp(b"2024-06-18 09:31:02.004 INFO"));
    assert!(!starts_with_timestamp(b"2024-13-18T09:31:02.004 INFO"));
    assert!(!starts_with_timestamp(b"12 more frames"));
}

#[test]
fn message_only_lines_before_any_header_reach_the_parser_on_the_fast_path() {
    // No keyword in them (jscep's messages without its class): still parsed.
    let text = "Received '500 Internal Server Error' when sending GetCACert(ca) to https://h/certsrv/mscep/mscep.dll?operation=GetCACert&message=ca\n".repeat(20);
    let text = text.as_str();
    let slow = run(text);
    let mut p = AndroidParser::new(Arc::from("t.log"));
    let mut d = LineDecoder::new();
    let skim = p.skim().unwrap();
    // The first chunk decides the encoding on the line-by-line path; the next ones skim.
    for c in text.as_bytes().chunks(600) {
        d.push_skim(c, skim, &mut Feed(&mut p));
    }
    d.finish_skim(skim, &mut Feed(&mut p));
    let fast = crate::parsers::finish_events(&mut p);
    assert_eq!(signature(&fast), signature(&slow));
    assert_eq!(fast.events.len(), 20);
}

#[test]
fn fast_path_sees_the_first_and_last_record_times() {
    // Noise first and last (no keyword: skipped by the fast path), SCEP in between: the
    // time span of the log (issue 21) is the same as on the line-by-line path.
    let noise = |t: &str| {
        format!(
            "{t}\tINFO\tcom.microsoft.omadm.client.OMADMClient\t4410\t00017\tSession step done\n"
        )
    };
    let mut text = noise("2026-02-10T09:00:01.1230000");
    for i in 0..50 {
        text.push_str(&noise(&format!("2026-02-10T09:01:{:02}.0000000", i % 60)));
    }
    text.push_str("2026-02-10T09:02:00.0000000\tVERB\torg.jscep.transport.UrlConnectionGetTransport\t4410\t00017\tReceived '500 Internal Server Error' when sending GetCACert(ca) to https://h/certsrv/mscep/mscep.dll?operation=GetCACert&message=ca\n");
    for i in 0..50 {
        text.push_str(&noise(&format!("2026-02-10T09:03:{:02}.0000000", i % 60)));
    }
    text.push_str(&noise("2026-02-10T09:59:59.9990000"));
    let slow = {
        let mut p = AndroidParser::new(Arc::from("t.log"));
        for (i, l) in text.lines().enumerate() {
            p.line(i as u64 + 1, l);
        }
        crate::parsers::finish_read(&mut p).1
    };
    assert_eq!(slow.kind, InputKind::AndroidOmadmLog);
    assert_eq!(
        slow.span.text(),
        "2026-02-10T09:00:01.1230000 – 2026-02-10T09:59:59.9990000"
    );
    for chunk in [1, 64, 600, 4096, 1 << 20] {
        let mut p = AndroidParser::new(Arc::from("t.log"));
        let skim = p.skim().unwrap();
        let mut d = LineDecoder::new();
        for c in text.as_bytes().chunks(chunk) {
            d.push_skim(c, skim, &mut Feed(&mut p));
        }
        d.finish_skim(skim, &mut Feed(&mut p));
        let (out, fast) = crate::parsers::finish_read(&mut p);
        assert_eq!(fast, slow, "chunk {chunk}");
        assert_eq!(out.records, 103, "chunk {chunk}");
    }
}
