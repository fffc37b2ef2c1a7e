//! Binary `.evtx` event logs (CLI only: the mobile library lists them as ignored). The
//! `evtx` crate decodes each record to Event XML; the core's Windows event parser reads
//! that XML as if it had been exported from Event Viewer. The record's ordinal in the
//! file is its "line" in the report's `source`.

use std::io::Read;

use certdoctor_core::Session;
use certdoctor_core::input::{InputKind, sniff};
use certdoctor_core::session::log_parser;
use evtx::EvtxParser;

/// `ElfFile\0`, the first bytes of every `.evtx` file.
pub const MAGIC: &[u8] = b"ElfFile\0";

/// Reads a whole `.evtx` (bounded by the caller) into the session.
pub fn add(session: &mut Session, display: &str, reader: &mut dyn Read, limit: u64) {
    let mut bytes = Vec::new();
    if let Err(e) = reader.take(limit + 1).read_to_end(&mut bytes) {
        session.add_error(
            display,
            InputKind::WindowsDmEvents,
            &format!("read error: {e}"),
        );
        return;
    }
    if bytes.len() as u64 > limit {
        session.add_error(
            display,
            InputKind::WindowsDmEvents,
            &format!(
                "event log larger than {} MiB: export the relevant events as XML instead",
                limit >> 20
            ),
        );
        return;
    }
    let mut parser = match EvtxParser::from_buffer(bytes) {
        Ok(p) => p,
        Err(e) => {
            session.add_error(
                display,
                InputKind::WindowsDmEvents,
                &format!("not a readable .evtx file: {e}"),
            );
            return;
        }
    };
    let mut records: Vec<String> = Vec::new();
    let mut broken = 0u64;
    let mut first_error = None;
    for r in parser.records() {
        match r {
            Ok(rec) => records.push(rec.data),
            Err(e) => {
                broken += 1;
                first_error.get_or_insert_with(|| e.to_string());
            }
        }
    }
    // Device-management events or a server's events: decided by content, as for exports.
    let head: String = records
        .iter()
        .take(8)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n");
    let mut kind = sniff(display, head.as_bytes(), true).kind;
    if !matches!(
        kind,
        InputKind::WindowsDmEvents | InputKind::WindowsServerEvents
    ) {
        kind = InputKind::WindowsDmEvents;
    }
    let Some(mut log) = log_parser(kind, display) else {
        session.add_error(display, kind, "this build has no reader for these events");
        return;
    };
    for (i, xml) in records.iter().enumerate() {
        let line = i as u64 + 1;
        for part in xml.lines() {
            log.line(line, part);
        }
    }
    let output = log.finish();
    let error = first_error.map(|e| format!("{broken} records could not be decoded (first: {e})"));
    session.add_log(display, kind, output, error);
}
