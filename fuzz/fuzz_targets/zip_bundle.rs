#![no_main]
use std::io::{Cursor, Read};

use certdoctor_core::limits;
use libfuzzer_sys::fuzz_target;

// A bundle the way the CLI reads it: entries in name order, each capped, through one
// session.
fuzz_target!(|data: &[u8]| {
    let mut s = certdoctor_core::Session::new(certdoctor_fuzz::options());
    if let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(data)) {
        let n = archive.len().min(limits::MAX_ARCHIVE_ENTRIES).min(64);
        for i in 0..n {
            let Ok(entry) = archive.by_index(i) else { continue };
            let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
            let mut limited = entry.take(4 << 20);
            s.add_reader(&name, &mut limited);
        }
    }
    certdoctor_fuzz::finish(s);
});
