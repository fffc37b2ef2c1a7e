#![no_main]
//! Containers (rust-core/src/input/archive): the input as a gzip, a tar, a zip and a cab
//! (its magic put in front when missing, so that each reader is reached), walked with
//! small limits, every member read to its end. No panic may escape, and memory stays
//! within the limits.
use std::io::Read;

use certdoctor_core::input::archive::{Container, Limits, Problem, Source, Visitor, walk};
use libfuzzer_sys::fuzz_target;

struct Drain;

impl Visitor for Drain {
    fn member(&mut self, _path: &str, content: &mut dyn Read) {
        let _ = std::io::copy(content, &mut std::io::sink());
    }
    fn problem(&mut self, _path: &str, problem: Problem) {
        let _ = problem.to_string();
    }
}

fuzz_target!(|data: &[u8]| {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        // libfuzzer-sys aborts on any panic, even one a reader contains (the cab crate
        // panics on some crafted cabinets; certdoctor turns that into the member's
        // error). CONTAINED_PANICS_OK=1 puts the default hook back, so that only a panic
        // escaping certdoctor stops the run.
        if std::env::var_os("CONTAINED_PANICS_OK").is_some() {
            let _ = std::panic::take_hook();
        }
    });
    let limits = Limits {
        max_entries: 64,
        max_entry_bytes: 8 << 20,
        max_total_bytes: 32 << 20,
        min_bomb_check: 1 << 20,
        max_buffered: 8 << 20,
        max_nested: 4 << 20,
        ..Limits::DEFAULT
    };
    for (container, magic) in [
        (Container::Gzip, &b"\x1f\x8b"[..]),
        (Container::Zip, b"PK\x03\x04"),
        (Container::Cab, b"MSCF\0\0\0\0"),
        (Container::Tar, b""),
    ] {
        let mut bytes = Vec::with_capacity(data.len() + magic.len());
        if !data.starts_with(magic) {
            bytes.extend_from_slice(magic);
        }
        bytes.extend_from_slice(data);
        // Streamed (zip and cab held in memory) and seekable.
        let mut r = bytes.as_slice();
        walk("f", container, Source::Stream(&mut r), &limits, &mut Drain);
        let mut c = std::io::Cursor::new(bytes.as_slice());
        walk("f", container, Source::Seekable(&mut c), &limits, &mut Drain);
    }
});
