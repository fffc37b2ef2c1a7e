//! `.zip` through its central directory (the `zip` crate, reading only): entries in name
//! order, folders skipped, each entry checked against its compressed size for the ratio.

use std::io::Read;

use zip::ZipArchive;

use super::{Contained, Container, Problem, ReadSeek, Walk};

pub(super) fn walk(w: &mut Walk<'_>, path: &str, reader: &mut dyn ReadSeek, depth: u8) {
    let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ZipArchive::new(reader)));
    let mut archive = match opened {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => {
            w.problem(
                path,
                Problem::Unreadable {
                    container: Container::Zip,
                    detail: e.to_string(),
                },
            );
            return;
        }
        Err(p) => {
            w.problem(
                path,
                Problem::Unreadable {
                    container: Container::Zip,
                    detail: format!("the zip reader failed ({})", super::panic_text(&*p)),
                },
            );
            return;
        }
    };
    if archive.is_empty() {
        w.problem(
            path,
            Problem::Empty {
                container: Container::Zip,
            },
        );
        return;
    }
    // Entry names are display names only: they never reach the file system.
    let mut names: Vec<(String, usize)> = (0..archive.len())
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
        if !w.admit() {
            break;
        }
        let member = w.member_path(path, &name);
        let entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                w.problem(
                    &member,
                    Problem::Member {
                        detail: format!("cannot read zip entry: {e}"),
                    },
                );
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let compressed = entry.compressed_size();
        let mut contained = Contained(entry);
        w.entry(
            &member,
            &mut contained as &mut dyn Read,
            depth,
            Some(compressed),
        );
    }
}
