//! `.gz`: one or several gzip members inflated as one stream (`MultiGzDecoder`). A stream
//! holding a tar is a `.tar.gz` (one container, its members listed as
//! `x.tar.gz!/member`); anything else is one member, named by the gzip header's file name
//! or by the archive's name without `.gz` (`log.txt.gz!/log.txt`). After a tar, the rest
//! of the stream is drained: a stream cut inside its trailer only shows there.

use std::cell::Cell;
use std::io::{self, Cursor, Read};
use std::rc::Rc;

use flate2::read::MultiGzDecoder;

use super::{BombCheck, Contained, Container, Counting, Problem, SNIFF_BYTES, Walk};

/// The inflated stream, checked for its compression ratio as it is read.
struct Guarded<R> {
    inner: R,
    inflated: u64,
    check: BombCheck,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.check.exceeded(self.inflated) {
            return Err(io::Error::other(self.check.message(self.inflated)));
        }
        let n = self.inner.read(buf)?;
        self.inflated += n as u64;
        Ok(n)
    }
}

pub(super) fn walk(w: &mut Walk<'_>, path: &str, reader: &mut dyn Read, depth: u8) {
    let consumed = Rc::new(Cell::new(0u64));
    let counting = Counting {
        inner: reader,
        count: consumed.clone(),
    };
    let decoder = MultiGzDecoder::new(counting);
    let mut stream = Guarded {
        inner: Contained(decoder),
        inflated: 0,
        check: BombCheck {
            compressed: consumed,
            ratio: w.limits.max_ratio,
            min: w.limits.min_bomb_check,
        },
    };
    let mut head = vec![0u8; SNIFF_BYTES];
    let n = match read_head(&mut stream, &mut head) {
        Ok(n) => n,
        Err(e) => {
            w.problem(
                path,
                Problem::Unreadable {
                    container: Container::Gzip,
                    detail: e.to_string(),
                },
            );
            return;
        }
    };
    head.truncate(n);
    let name = stream
        .inner
        .0
        .header()
        .and_then(|h| h.filename())
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| default_name(path));
    if Container::sniff(&head) == Some(Container::Tar) {
        let mut chained = Cursor::new(head).chain(&mut stream);
        super::tar::walk(w, path, &mut chained, depth);
        if let Err(e) = io::copy(&mut stream, &mut io::sink()) {
            w.problem(
                path,
                Problem::Truncated {
                    container: Container::Gzip,
                    detail: e.to_string(),
                },
            );
        }
        return;
    }
    if !w.admit() {
        return;
    }
    let member = w.member_path(path, &name);
    let mut chained = Cursor::new(head).chain(&mut stream);
    w.entry(&member, &mut chained, depth, None);
}

/// Reads the head; an error before any byte is the stream's (not a gzip, cut header).
fn read_head(stream: &mut dyn Read, head: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < head.len() {
        match stream.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if n == 0 => return Err(e),
            // The member's own read meets the error again and reports it.
            Err(_) => break,
        }
    }
    Ok(n)
}

/// The member name when the header has none: the archive's file name without `.gz`.
fn default_name(path: &str) -> String {
    let file = path
        .rsplit(['/', '\\', '!'])
        .next()
        .filter(|f| !f.is_empty())
        .unwrap_or(path);
    let lower = file.to_ascii_lowercase();
    for suffix in [".gz", ".gzip", ".z"] {
        if lower.len() > suffix.len() && lower.ends_with(suffix) {
            return file[..file.len() - suffix.len()].to_string();
        }
    }
    format!("{file}.content")
}
