//! `.tar` (ustar, GNU and pax), streamed member by member with the `tar` crate (its
//! `xattr` feature off: nothing is ever unpacked). Regular files are members; folders
//! are skipped; links, devices and FIFOs are counted and reported, never followed.
//!
//! The `tar` crate reads a GNU long-name or pax header whole into memory, whatever size
//! the header announces; [`HeaderGuard`] watches the headers as the bytes stream past and
//! refuses such a header over [`MAX_EXTENSION_BYTES`] before the crate reads it.

use std::io::{self, Read};

use super::{Contained, Container, Problem, Walk};

/// Largest GNU long-name / long-link or pax extension header read (real ones are a few
/// hundred bytes).
const MAX_EXTENSION_BYTES: u64 = 1 << 20;

pub(super) fn walk(w: &mut Walk<'_>, path: &str, reader: &mut dyn Read, depth: u8) {
    let guard = HeaderGuard {
        inner: reader,
        pos: 0,
        next_header: 0,
        header: [0; 512],
    };
    let mut archive = tar::Archive::new(Contained(guard));
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => {
            w.problem(
                path,
                Problem::Unreadable {
                    container: Container::Tar,
                    detail: e.to_string(),
                },
            );
            return;
        }
    };
    let mut special = 0u64;
    for (members, entry) in entries.enumerate() {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let problem = if members == 0 {
                    Problem::Unreadable {
                        container: Container::Tar,
                        detail: e.to_string(),
                    }
                } else {
                    Problem::Truncated {
                        container: Container::Tar,
                        detail: e.to_string(),
                    }
                };
                w.problem(path, problem);
                break;
            }
        };
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            continue;
        }
        if !(kind.is_file() || kind.is_contiguous()) {
            special += 1;
            continue;
        }
        if !w.admit() {
            break;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let member = w.member_path(path, &name);
        w.entry(&member, &mut entry, depth, None);
    }
    if special > 0 {
        w.problem(path, Problem::SpecialMembers { count: special });
    }
}

/// Passes the tar stream through, parsing each 512-byte header as it goes by, and fails
/// the read that would start an oversized extension header's data.
struct HeaderGuard<'a> {
    inner: &'a mut dyn Read,
    /// Bytes passed so far.
    pos: u64,
    /// Where the next header starts.
    next_header: u64,
    header: [u8; 512],
}

impl Read for HeaderGuard<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut i = 0usize;
        while i < n {
            let at = self.pos + i as u64;
            if at < self.next_header {
                // Inside a member's data: jump to the next header (or the chunk's end).
                let skip = (self.next_header - at).min((n - i) as u64) as usize;
                i += skip;
                continue;
            }
            // At or inside the header that starts at `next_header`.
            let off = (at - self.next_header) as usize;
            let take = (512 - off).min(n - i);
            self.header[off..off + take].copy_from_slice(&buf[i..i + take]);
            i += take;
            if off + take == 512 {
                let size = entry_size(&self.header);
                let extension = matches!(self.header[156], b'L' | b'K' | b'x' | b'g');
                if extension && size > MAX_EXTENSION_BYTES {
                    return Err(io::Error::other(format!(
                        "a long-name or pax header announces {size} bytes, more than such a header holds"
                    )));
                }
                // Sizes are the input's word: a huge one must not overflow.
                self.next_header = self
                    .next_header
                    .saturating_add(512)
                    .saturating_add(size.div_ceil(512).saturating_mul(512));
            }
        }
        self.pos += n as u64;
        Ok(n)
    }
}

/// The size field of a tar header: octal text, or base-256 when its high bit is set.
fn entry_size(header: &[u8; 512]) -> u64 {
    let field = &header[124..136];
    if field[0] & 0x80 != 0 {
        let mut v: u64 = u64::from(field[0] & 0x7f);
        for &b in &field[1..] {
            v = v.saturating_mul(256).saturating_add(u64::from(b));
        }
        return v;
    }
    let mut v: u64 = 0;
    for &b in field {
        match b {
            b'0'..=b'7' => v = v.saturating_mul(8).saturating_add(u64::from(b - b'0')),
            b' ' if v == 0 => {}
            _ => break,
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing: a header whose size field is the largest base-256 number made
    /// the next header's offset overflow.
    #[test]
    fn a_huge_size_field_does_not_overflow() {
        let mut header = [0u8; 512];
        header[124] = 0xff;
        header[125..136].fill(0xff);
        let mut bytes = header.to_vec();
        bytes.extend_from_slice(&[0u8; 1024]);
        let mut input = bytes.as_slice();
        let mut guard = HeaderGuard {
            inner: &mut input,
            pos: 0,
            next_header: 0,
            header: [0; 512],
        };
        let mut sink = Vec::new();
        assert!(guard.read_to_end(&mut sink).is_ok());
        assert_eq!(guard.next_header, u64::MAX);
    }
}
