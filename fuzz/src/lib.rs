//! Shared helpers of the fuzz targets.

use certdoctor_core::input::{InputKind, LineDecoder};
use certdoctor_core::parsers::log_parser;
use certdoctor_core::{Format, Lang, Options, Session};

/// Feeds `data` to the streaming parser of `kind` in uneven chunks (exercises chunk
/// boundaries and the decoder's fast path).
pub fn parse_log(kind: InputKind, path: &str, data: &[u8]) {
    let Some(mut parser) = log_parser(kind, path) else { return };
    let mut decoder = LineDecoder::new();
    let cut = data.first().map(|&b| b as usize + 1).unwrap_or(1);
    for chunk in data.chunks(cut) {
        decoder.push(chunk, &mut |n, l| parser.line(n, l));
    }
    decoder.finish(&mut |n, l| parser.line(n, l));
    let _ = parser.finish();
}

pub fn options() -> Options {
    Options {
        now: time::OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("constant"),
        redact: true,
        lang: Lang::En,
    }
}

/// Finishes a session and checks the JSON output parses.
pub fn finish(session: Session) {
    let report = session.finish();
    let json = report.render(Format::Json);
    serde_json::from_str::<serde_json::Value>(&json).expect("report JSON parses");
    let _ = report.render(Format::Text);
}
