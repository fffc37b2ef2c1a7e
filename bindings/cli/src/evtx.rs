//! Binary `.evtx` event logs (CLI only: the mobile library lists them as ignored). The
//! `evtx` crate decodes each record to Event XML; the session reads that XML as if it had
//! been exported from Event Viewer (`Session::add_event_records`). The session hands
//! `.evtx` files to this decoder wherever it finds them, loose or inside archives (a
//! `.cab` of MDM diagnostics, a zip of Intune's *Collect diagnostics*). The record's
//! ordinal in the file is its "line" in the report's `source`.

use std::io::Read;

use certdoctor_core::{DecodedEvents, EventLogDecoder};
use evtx::EvtxParser;

/// The CLI's event-log decoder: a whole `.evtx` of at most `limit` bytes.
pub struct Decoder {
    pub limit: u64,
}

impl EventLogDecoder for Decoder {
    fn decode(&self, content: &mut dyn Read) -> Result<DecodedEvents, String> {
        let mut bytes = Vec::new();
        if let Err(e) = content.take(self.limit + 1).read_to_end(&mut bytes) {
            return Err(format!("read error: {e}"));
        }
        if bytes.len() as u64 > self.limit {
            return Err(format!(
                "event log larger than {} MiB: export the relevant events as XML instead",
                self.limit >> 20
            ));
        }
        let mut parser = EvtxParser::from_buffer(bytes)
            .map_err(|e| format!("not a readable .evtx file: {e}"))?;
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
        let error =
            first_error.map(|e| format!("{broken} records could not be decoded (first: {e})"));
        Ok(DecodedEvents { records, error })
    }
}
