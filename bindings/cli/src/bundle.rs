//! The share bundle (`--bundle FILE.zip`): report.html, report.txt and report.json in one
//! zip, the file the apps hand to the share sheet. Its bytes depend only on the report:
//! fixed entry order, fixed timestamps (1980-01-01, the zip epoch), fixed permissions and
//! one compression method and level, so the same input and `--now` give the same file.

use std::io::{Cursor, Write};

use certdoctor_core::{Format, Report};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipWriter};

/// The entries of the bundle, in their order in the zip.
pub const ENTRIES: [(&str, Format); 3] = [
    ("report.html", Format::Html),
    ("report.txt", Format::Text),
    ("report.json", Format::Json),
];

/// The bundle's bytes.
pub fn bundle(report: &Report) -> zip::result::ZipResult<Vec<u8>> {
    let options = SimpleFileOptions::DEFAULT
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(DateTime::DEFAULT)
        .system(System::Unix)
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, format) in ENTRIES {
        zip.start_file(name, options)?;
        zip.write_all(report.render(format).as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}
