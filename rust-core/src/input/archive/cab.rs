//! `.cab` (Windows cabinets: MSZIP and LZX folders, data checksums checked) with the `cab`
//! crate. Files are read in folder order (a folder is one compressed stream). The crate
//! can panic on crafted cabinets: every call into it is contained.

use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};

use cab::Cabinet;

use super::{Contained, Container, Problem, ReadSeek, Walk, panic_text};

pub(super) fn walk(w: &mut Walk<'_>, path: &str, reader: &mut dyn ReadSeek, depth: u8) {
    let unreadable = |detail: String| Problem::Unreadable {
        container: Container::Cab,
        detail,
    };
    let cabinet = match catch_unwind(AssertUnwindSafe(|| Cabinet::new(reader))) {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => return w.problem(path, unreadable(e.to_string())),
        Err(p) => {
            return w.problem(
                path,
                unreadable(format!("the cabinet reader failed ({})", panic_text(&*p))),
            );
        }
    };
    let mut cabinet = cabinet;
    // (name, its folder has data blocks or the file is empty)
    let names: Vec<(String, bool)> = match catch_unwind(AssertUnwindSafe(|| {
        cabinet
            .folder_entries()
            .flat_map(|f| {
                let blocks = f.num_data_blocks();
                f.file_entries()
                    .map(|e| {
                        (
                            e.name().to_string(),
                            blocks > 0 || e.uncompressed_size() == 0,
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    })) {
        Ok(n) => n,
        Err(p) => {
            return w.problem(
                path,
                unreadable(format!("the cabinet reader failed ({})", panic_text(&*p))),
            );
        }
    };
    if names.is_empty() {
        return w.problem(
            path,
            Problem::Empty {
                container: Container::Cab,
            },
        );
    }
    for (name, has_data) in names {
        if !w.admit() {
            break;
        }
        // Cabinets write Windows paths.
        let member = w.member_path(path, &name.replace('\\', "/"));
        if !has_data {
            // (cab 0.6.0 indexes past the blocks of such a folder; asked, it would panic.)
            w.problem(
                &member,
                Problem::Member {
                    detail: "the cabinet is damaged: the folder holding this file has no data"
                        .into(),
                },
            );
            continue;
        }
        let cab = &mut cabinet;
        let file = match catch_unwind(AssertUnwindSafe(move || {
            let cab = cab;
            cab.read_file(&name)
        })) {
            Ok(Ok(f)) => f,
            Ok(Err(e)) => {
                w.problem(
                    &member,
                    Problem::Member {
                        detail: e.to_string(),
                    },
                );
                continue;
            }
            Err(p) => {
                w.problem(
                    &member,
                    Problem::Member {
                        detail: format!("the cabinet reader failed ({})", panic_text(&*p)),
                    },
                );
                continue;
            }
        };
        let mut contained = Contained(file);
        w.entry(&member, &mut contained as &mut dyn Read, depth, None);
    }
}
