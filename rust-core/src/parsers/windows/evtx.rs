//! Binary `.evtx` event logs, recognised by their `ElfFile` magic. The core reads no
//! binary event log: the CLI decodes the records and hands their XML to the event formats
//! (`Session::add_event_records`); elsewhere the file is listed as ignored with a hint,
//! and a file named `.evtx` that is not one is an error.

use crate::contract::InputKind;
use crate::input::Head;
use crate::parsers::{InputFormat, InputPath, NameClaim, Reader, Signal};

/// `ElfFile\0`, the first bytes of every `.evtx` file.
pub const MAGIC: &[u8] = b"ElfFile\0";

pub struct EvtxFormat;

impl InputFormat for EvtxFormat {
    fn name(&self) -> &'static str {
        "windows evtx"
    }

    fn kind(&self) -> InputKind {
        InputKind::WindowsDmEvents
    }

    fn recognise(&self, head: &Head<'_>) -> Option<Signal> {
        head.bytes.starts_with(MAGIC).then_some(Signal::Binary)
    }

    fn claim_by_name(&self, lower_name: &str) -> Option<NameClaim> {
        lower_name.ends_with(".evtx").then_some(NameClaim::Reject(
            "named .evtx but not a Windows event log (no ElfFile header)",
        ))
    }

    fn reader(&self, _path: InputPath) -> Reader {
        Reader::Ignored(
            "binary .evtx event log: this build cannot read it; export the events as XML (Event Viewer → Save Selected Events → XML) or use the certdoctor CLI",
        )
    }
}
