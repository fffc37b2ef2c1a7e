//! Where inputs come from: files, directories (walked recursively, symlinks not
//! followed, sorted), `.zip` bundles read in memory with limits (never extracted), and
//! standard input. Everything readable is handed to the core's session as a stream.

use std::fs::{self, File};
use std::io::{self, Cursor, Read, Seek};
use std::path::Path;

use certdoctor_core::InputKind;
use certdoctor_core::Session;
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
            add_zip(session, file, display, 0, &mut budget, &ZIP_LIMITS);
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
        add_zip(
            session,
            Cursor::new(buf),
            display,
            depth,
            &mut budget,
            &ZIP_LIMITS,
        );
        return;
    }
    let mut chained = Cursor::new(magic[..n].to_vec()).chain(reader);
    if n == 4 && magic == crate::evtx::MAGIC[..4] {
        crate::evtx::add(session, display, &mut chained, EVTX_LIMIT);
    } else {
        session.add_reader(display, &mut chained);
    }
}

/// Sizes in the messages of the zip limits: whole MiB when they are, else bytes.
fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads a zip bundle entry by entry into the session; nested zips one level deep.
/// `budget` is what the bundle may still inflate to (`limits.max_total_bytes` at the top).
fn add_zip<R: Read + Seek>(
    session: &mut Session,
    reader: R,
    display: &str,
    depth: u8,
    budget: &mut u64,
    limits: &ZipLimits,
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
    if count > limits.max_entries {
        session.add_error(
            display,
            InputKind::Unknown,
            &format!(
                "the zip bundle has {count} entries; only the first {} are read",
                limits.max_entries
            ),
        );
    }
    // Entry names are display names only: they never reach the file system.
    let mut names: Vec<(String, usize)> = (0..count.min(limits.max_entries))
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
                    "not read: the bundle's {} inflated-size limit was reached",
                    size_text(limits.max_total_bytes)
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
        let cap = limits.max_entry_bytes.min(*budget);
        let mut limited = Limited {
            inner: &mut entry,
            left: cap,
            cap,
            bundle_limit: (cap < limits.max_entry_bytes).then_some(limits.max_total_bytes),
            read: 0,
        };
        let mut magic = [0u8; 4];
        let n = read_up_to(&mut limited, &mut magic);
        if n == 4 && magic == ZIP_MAGIC {
            if depth >= limits.max_depth {
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
            add_zip(
                session,
                Cursor::new(buf),
                &entry_display,
                depth + 1,
                budget,
                limits,
            );
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
    /// `Some(the bundle's limit)` when the bundle's remaining budget, not the entry's own
    /// limit, set `cap`.
    bundle_limit: Option<u64>,
    read: u64,
}

impl<R: Read> Limited<'_, R> {
    /// Why the entry was cut, for the error that reports it.
    fn over_message(&self) -> String {
        let cap = size_text(self.cap);
        match self.bundle_limit {
            Some(total) => format!(
                "the bundle's {} inflated-size limit was reached in this entry; only its first {cap} were analysed",
                size_text(total)
            ),
            None => format!(
                "the entry inflates beyond the {cap} limit (zip bomb?); only its first {cap} were analysed"
            ),
        }
    }
}

impl<R: Read> Read for Limited<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? > 0 {
                return Err(io::Error::other(self.over_message()));
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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use certdoctor_core::{Format, Lang, Options};

    fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for (name, data) in entries {
            w.start_file(name.as_str(), opts).expect("start entry");
            w.write_all(data).expect("write entry");
        }
        w.finish().expect("finish zip").into_inner()
    }

    /// The bundle read with `limits`, as the JSON report's `inputs`.
    fn inputs_of(bundle: Vec<u8>, limits: &ZipLimits) -> Vec<serde_json::Value> {
        let mut session = Session::new(Options {
            now: time::OffsetDateTime::UNIX_EPOCH,
            redact: false,
            lang: Lang::En,
        });
        let mut budget = limits.max_total_bytes;
        add_zip(
            &mut session,
            Cursor::new(bundle),
            "b.zip",
            0,
            &mut budget,
            limits,
        );
        let report: serde_json::Value =
            serde_json::from_str(&session.finish().render(Format::Json)).expect("JSON");
        report["inputs"].as_array().expect("inputs").clone()
    }

    fn input<'a>(inputs: &'a [serde_json::Value], path: &str) -> &'a serde_json::Value {
        inputs
            .iter()
            .find(|i| i["path"] == path)
            .unwrap_or_else(|| panic!("{path} in {inputs:?}"))
    }

    fn text(n: usize) -> Vec<u8> {
        "plain text, no evidence.\n".repeat(n).into_bytes()
    }

    #[test]
    fn entries_beyond_the_count_are_named_and_not_read() {
        let entries: Vec<_> = (0..7).map(|i| (format!("{i}.txt"), text(1))).collect();
        let limits = ZipLimits {
            max_entries: 5,
            ..ZIP_LIMITS
        };
        let inputs = inputs_of(zip_of(&entries), &limits);
        let bundle = input(&inputs, "b.zip");
        assert_eq!(bundle["status"], "error");
        assert_eq!(
            bundle["error"],
            "the zip bundle has 7 entries; only the first 5 are read"
        );
        let read = inputs.iter().filter(|i| i["path"] != "b.zip").count();
        assert_eq!(read, 5);
    }

    #[test]
    fn the_bundle_budget_cuts_an_entry_and_refuses_the_next() {
        // 1,000-byte entries, 2,500 bytes for the bundle, 4,096 per entry.
        let one = text(40);
        assert_eq!(one.len(), 1_000);
        let entries: Vec<_> = (0..4).map(|i| (format!("{i}.txt"), one.clone())).collect();
        let limits = ZipLimits {
            max_entry_bytes: 4_096,
            max_total_bytes: 2_500,
            ..ZIP_LIMITS
        };
        let inputs = inputs_of(zip_of(&entries), &limits);
        let by_path = |p: &str| input(&inputs, p);
        // Read whole; plain text is no evidence, so "ignored", not an error.
        assert_eq!(by_path("b.zip!/0.txt")["status"], "ignored");
        assert_eq!(by_path("b.zip!/1.txt")["status"], "ignored");
        let cut = by_path("b.zip!/2.txt");
        assert_eq!(cut["status"], "error");
        assert_eq!(
            cut["error"],
            "read error: the bundle's 2500 bytes inflated-size limit was reached in this entry; only its first 500 bytes were analysed"
        );
        assert_eq!(
            by_path("b.zip!/3.txt")["error"],
            "not read: the bundle's 2500 bytes inflated-size limit was reached"
        );
    }

    #[test]
    fn an_entry_beyond_its_own_cap_is_cut() {
        let limits = ZipLimits {
            max_entry_bytes: 1 << 20,
            ..ZIP_LIMITS
        };
        let inputs = inputs_of(
            zip_of(&[("big.txt".into(), text(50_000))]), // 1.25 MB
            &limits,
        );
        let big = input(&inputs, "b.zip!/big.txt");
        assert_eq!(big["status"], "error");
        assert_eq!(
            big["error"],
            "read error: the entry inflates beyond the 1 MiB limit (zip bomb?); only its first 1 MiB were analysed"
        );
    }
}
