//! Where inputs come from: files, directories (walked recursively, symlinks not
//! followed, sorted) and standard input. Everything readable is handed to the core's
//! session, which reads archives (zip, gzip, tar, cab, nested) member by member in
//! memory, never extracting them (`certdoctor_core::input::archive`).

use std::fs::{self, File};
use std::io;
use std::path::Path;

use certdoctor_core::InputKind;
use certdoctor_core::Session;

/// Counts what could be read, to tell "no input at all" (exit 2) from bad content.
#[derive(Default)]
pub struct Tally {
    pub read: usize,
    pub unreadable: usize,
}

/// Adds one command-line path (file, directory or `-`) to the session.
pub fn add_path(session: &mut Session, arg: &str, tally: &mut Tally) {
    if arg == "-" {
        tally.read += 1;
        session.add_reader("(stdin)", &mut io::stdin().lock());
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
    match File::open(path) {
        Ok(file) => {
            tally.read += 1;
            session.add_file(display, &file);
        }
        Err(e) => {
            tally.unreadable += 1;
            session.add_error(
                display,
                InputKind::Unknown,
                &format!("cannot read: {}", describe_io(&e)),
            );
        }
    }
}
