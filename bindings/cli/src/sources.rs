//! Where inputs come from: files, directories (walked recursively, symlinks not
//! followed, sorted), `.zip` bundles read in memory with limits (never extracted), and
//! standard input. Everything readable is handed to the core's session as a stream.

use std::fs::{self, File};
use std::io::{self, Cursor, Read, Seek};
use std::path::Path;

use certdoctor_core::Session;
use certdoctor_core::input::InputKind;
use certdoctor_core::limits;
use zip::ZipArchive;

/// Bounds for zip bundles (a zip bomb or a hostile archive must not exhaust memory).
pub struct ZipLimits {
    pub max_entries: usize,
    pub max_entry_bytes: u64,
    pub max_total_bytes: u64,
    pub max_depth: u8,
}

/// The numbers live with every other bound in `certdoctor_core::limits`.
pub const ZIP_LIMITS: ZipLimits = ZipLimits {
    max_entries: limits::MAX_ZIP_ENTRIES,
    max_entry_bytes: limits::MAX_ZIP_ENTRY_BYTES,
    max_total_bytes: limits::MAX_ZIP_TOTAL_BYTES,
    max_depth: limits::MAX_ZIP_DEPTH,
};

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// `.evtx` files are decoded whole (`limits::MAX_EVTX_BYTES`).
const EVTX_LIMIT: u64 = limits::MAX_EVTX_BYTES;
const EMPTY_ZIP_MAGIC: &[u8] = b"PK\x05\x06";

/// Counts what could be read, to tell "no input at all" (exit 2) from bad content.
#[derive(Default)]
pub struct Tally {
    pub read: usize,
    pub unreadable: usize,
}

/// Adds one command-line path (file, directory, zip or `-`) to the session.
pub fn add_path(session: &mut Session, arg: &str, tally: &mut Tally) {
    if arg == "-" {
        add_stream(session, "(stdin)", &mut io::stdin().lock(), tally, 0);
        return;
    }
    let path = Path::new(arg);
    match fs::symlink_metadata(path) {
        Err(e) => {
            tally.unreadable += 1;
            session.add_error(
                arg,
                InputKind::Unknown,
                &format!("cannot read: {}", describe_io(&e)),
            );
        }
        Ok(meta) if meta.is_dir() => walk(session, path, arg, tally),
        Ok(_) => add_file(session, path, arg, tally),
    }
}

fn describe_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn walk(session: &mut Session, dir: &Path, display: &str, tally: &mut Tally) {
    let mut entries: Vec<_> = match fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).collect(),
        Err(e) => {
            tally.unreadable += 1;
            session.add_error(
                display,
                InputKind::Unknown,
                &format!("cannot read directory: {}", describe_io(&e)),
            );
            return;
        }
    };
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().to_string();
        let child_display = format!("{}/{}", display.trim_end_matches('/'), name);
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_symlink() {
            continue;
        } else if ft.is_dir() {
            walk(session, &entry.path(), &child_display, tally);
        } else if ft.is_file() {
            add_file(session, &entry.path(), &child_display, tally);
        }
    }
}

fn add_file(session: &mut Session, path: &Path, display: &str, tally: &mut Tally) {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            tally.unreadable += 1;
            session.add_error(
                display,
                InputKind::Unknown,
                &format!("cannot read: {}", describe_io(&e)),
            );
            return;
        }
    };
    let mut magic = [0u8; 8];
    let n = read_up_to(&mut file, &mut magic);
    if n == 8 && magic == crate::evtx::MAGIC {
        tally.read += 1;
        let mut chained = Cursor::new(magic.to_vec()).chain(file);
        crate::evtx::add(session, display, &mut chained, EVTX_LIMIT);
        return;
    }
    if n >= 4 && (magic[..4] == *ZIP_MAGIC || magic[..4] == *EMPTY_ZIP_MAGIC) {
        tally.read += 1;
        if file.rewind().is_ok() {
            let mut budget = ZIP_LIMITS.max_total_bytes;
            add_zip(session, file, display, 0, &mut budget);
        } else {
            session.add_error(display, InputKind::Unknown, "cannot rewind the zip file");
        }
        return;
    }
    if file.rewind().is_ok() {
        // Read at offsets: a large log is scanned on two threads.
        tally.read += 1;
        session.add_file(display, &file);
        return;
    }
    let mut reader = Cursor::new(magic[..n].to_vec()).chain(file);
    add_stream(session, display, &mut reader, tally, 0);
}

fn read_up_to(r: &mut dyn Read, buf: &mut [u8]) -> usize {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    n
}

/// A non-seekable stream (stdin): a zip must be buffered, anything else streams.
fn add_stream(
    session: &mut Session,
    display: &str,
    reader: &mut dyn Read,
    tally: &mut Tally,
    depth: u8,
) {
    let mut magic = [0u8; 4];
    let n = read_up_to(reader, &mut magic);
    tally.read += 1;
    if n == 4 && (magic == ZIP_MAGIC || magic == EMPTY_ZIP_MAGIC) {
        let mut buf = magic.to_vec();
        let limit = ZIP_LIMITS.max_total_bytes;
        if let Err(e) = reader.take(limit + 1).read_to_end(&mut buf) {
            session.add_error(display, InputKind::Unknown, &format!("read error: {e}"));
            return;
        }
        if buf.len() as u64 > limit {
            session.add_error(
                display,
                InputKind::Unknown,
                &format!("zip bundle larger than {} MiB", limit >> 20),
            );
            return;
        }
        let mut budget = ZIP_LIMITS.max_total_bytes;
        add_zip(session, Cursor::new(buf), display, depth, &mut budget);
        return;
    }
    let mut chained = Cursor::new(magic[..n].to_vec()).chain(reader);
    if n == 4 && magic == crate::evtx::MAGIC[..4] {
        crate::evtx::add(session, display, &mut chained, EVTX_LIMIT);
    } else {
        session.add_reader(display, &mut chained);
    }
}

/// Reads a zip bundle entry by entry into the session; nested zips one level deep.
fn add_zip<R: Read + Seek>(
    session: &mut Session,
    reader: R,
    display: &str,
    depth: u8,
    budget: &mut u64,
) {
    let mut archive = match ZipArchive::new(reader) {
        Ok(a) => a,
        Err(e) => {
            session.add_error(
                display,
                InputKind::Unknown,
                &format!("not a readable zip bundle: {e}"),
            );
            return;
        }
    };
    if archive.is_empty() {
        session.add_error(display, InputKind::Unknown, "the zip bundle has no entries");
        return;
    }
    let count = archive.len();
    if count > ZIP_LIMITS.max_entries {
        session.add_error(
            display,
            InputKind::Unknown,
            &format!(
                "the zip bundle has {count} entries; only the first {} are read",
                ZIP_LIMITS.max_entries
            ),
        );
    }
    // Entry names are display names only: they never reach the file system.
    let mut names: Vec<(String, usize)> = (0..count.min(ZIP_LIMITS.max_entries))
        .filter_map(|i| {
            archive
                .name_for_index(i)
                .and_then(|n| n.ok())
                .map(|n| (n.to_string(), i))
        })
        .collect();
    names.sort();
    for (name, i) in names {
        if name.ends_with('/') {
            continue;
        }
        let entry_display = format!("{display}!/{name}");
        if *budget == 0 {
            session.add_error(
                &entry_display,
                InputKind::Unknown,
                &format!(
                    "not read: the bundle's {} MiB inflated-size limit was reached",
                    ZIP_LIMITS.max_total_bytes >> 20
                ),
            );
            continue;
        }
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                session.add_error(
                    &entry_display,
                    InputKind::Unknown,
                    &format!("cannot read zip entry: {e}"),
                );
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let cap = ZIP_LIMITS.max_entry_bytes.min(*budget);
        let mut limited = Limited {
            inner: &mut entry,
            left: cap,
            cap,
            read: 0,
        };
        let mut magic = [0u8; 4];
        let n = read_up_to(&mut limited, &mut magic);
        if n == 4 && magic == ZIP_MAGIC {
            if depth >= ZIP_LIMITS.max_depth {
                session.add_error(
                    &entry_display,
                    InputKind::Unknown,
                    "nested zip deeper than one level: not read",
                );
                continue;
            }
            let mut buf = magic.to_vec();
            let result = limited.read_to_end(&mut buf);
            *budget = budget.saturating_sub(limited.read);
            if let Err(e) = result {
                session.add_error(&entry_display, InputKind::Unknown, &e.to_string());
                continue;
            }
            add_zip(session, Cursor::new(buf), &entry_display, depth + 1, budget);
            continue;
        }
        let mut chained = Cursor::new(magic[..n].to_vec()).chain(&mut limited);
        if n == 4 && magic == crate::evtx::MAGIC[..4] {
            crate::evtx::add(session, &entry_display, &mut chained, cap);
        } else {
            session.add_reader(&entry_display, &mut chained);
        }
        *budget = budget.saturating_sub(limited.read);
    }
}

/// A reader that fails after `cap` bytes when there is more: the entry is reported as an
/// error while what was read is still analysed.
struct Limited<'a, R: Read> {
    inner: &'a mut R,
    left: u64,
    cap: u64,
    read: u64,
}

impl<R: Read> Read for Limited<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? > 0 {
                return Err(io::Error::other(format!(
                    "the entry inflates beyond the {} MiB limit (zip bomb?); only its first {} MiB were analysed",
                    self.cap >> 20,
                    self.cap >> 20
                )));
            }
            return Ok(0);
        }
        let max = buf.len().min(self.left as usize);
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        self.read += n as u64;
        Ok(n)
    }
}
