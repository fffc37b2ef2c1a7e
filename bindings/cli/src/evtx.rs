//! Binary `.evtx` event logs (CLI only: the mobile library lists them as ignored). The
//! `evtx` crate decodes each record to Event XML; the session reads that XML as if it had
//! been exported from Event Viewer (`Session::add_event_records`). The record's ordinal in the
//! file is its "line" in the report's `source`.

use std::io::Read;

use certdoctor_core::InputKind;
use certdoctor_core::Session;
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
    let error = first_error.map(|e| format!("{broken} records could not be decoded (first: {e})"));
    // Device-management events or a server's events: decided by content, as for exports.
    session.add_event_records(display, &records, error);
}
