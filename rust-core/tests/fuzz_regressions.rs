//! Inputs found by fuzzing (fuzz/, `fuzz/run.sh`) that once crashed or misbehaved, kept
//! in tests/fuzz-corpus/<target>/ and replayed on every `cargo test`: through each log
//! parser (line by line and through the fast path, in small chunks) and through the
//! whole session under every kind of name, whose JSON report must parse.

use std::sync::Arc;

use certdoctor_core::input::{InputKind, LineDecoder};
use certdoctor_core::parsers::android::AndroidParser;
use certdoctor_core::parsers::{Feed, LogParser, log_parser};
use certdoctor_core::{Format, Lang, Options, Session};

fn corpus() -> Vec<(String, Vec<u8>)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fuzz-corpus");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(root).expect("tests/fuzz-corpus") {
        let dir = dir.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).expect("target dir") {
            let p = f.expect("entry").path();
            out.push((p.display().to_string(), std::fs::read(&p).expect("read")));
        }
    }
    out.sort();
    out
}

#[test]
fn every_corpus_entry_through_every_parser_and_the_session() {
    let entries = corpus();
    assert!(!entries.is_empty());
    for (name, data) in &entries {
        for kind in [
            InputKind::AndroidOmadmLog,
            InputKind::IosProfiledLog,
            InputKind::WindowsDmEvents,
        ] {
            let mut p = log_parser(kind, "fuzz.log").expect("log kind");
            let mut d = LineDecoder::new();
            for c in data.chunks(3) {
                d.push(c, &mut |n, l| p.line(n, l));
            }
            d.finish(&mut |n, l| p.line(n, l));
            let _ = p.finish();
        }
        let mut p = AndroidParser::new(Arc::from("fuzz.log"));
        let skim = p.skim().expect("fast path");
        let mut d = LineDecoder::new();
        for c in data.chunks(5) {
            d.push_skim(c, skim, &mut Feed(&mut p));
        }
        d.finish_skim(skim, &mut Feed(&mut p));
        let _ = p.finish();

        let mut s = Session::new(Options {
            now: time::OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("constant"),
            redact: true,
            lang: Lang::En,
        });
        for n in [
            "OMADM.log",
            "profiled.log",
            "events.xml",
            "events.csv",
            "cert.pem",
            "b.p7b",
        ] {
            s.add_bytes(n, data);
        }
        let json = s.finish().render(Format::Json);
        assert!(
            serde_json::from_str::<serde_json::Value>(&json).is_ok(),
            "{name}: invalid JSON"
        );
    }
}
