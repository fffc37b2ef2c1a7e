//! `.zip` through its central directory: entries in name order, folders skipped, stored
//! and deflated entries inflated (flate2) and checked against their CRC-32 and size,
//! ZIP64 sizes and offsets understood; encrypted entries and other methods are named, not
//! read. A reader of its own rather than the `zip` crate: that crate alone added about
//! 40 KB to the apps' stripped library, whose 2 MiB budget it broke (docs/performance.md).

use std::io::{self, Read, SeekFrom};

use flate2::read::DeflateDecoder;

use super::{Contained, Container, Problem, ReadSeek, Walk};

const EOCD: u32 = 0x0605_4b50;
const EOCD64_LOCATOR: u32 = 0x0706_4b50;
const EOCD64: u32 = 0x0606_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const LOCAL: u32 = 0x0403_4b50;
/// Largest central directory read (a few hundred bytes per entry).
const MAX_DIRECTORY: u64 = 64 << 20;

/// One central-directory entry.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    local_offset: u64,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .map(|x| u16::from_le_bytes([x[0], x[1]]))
        .unwrap_or(0)
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
        .unwrap_or(0)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8)
        .map(|x| u64::from_le_bytes(x.try_into().unwrap_or([0; 8])))
        .unwrap_or(0)
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

/// The central directory's entries.
fn directory(r: &mut dyn ReadSeek) -> io::Result<Vec<Entry>> {
    let len = r.seek(SeekFrom::End(0))?;
    let tail_len = len.min(22 + 65_535);
    r.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; tail_len as usize];
    r.read_exact(&mut tail)?;
    let at = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| u32_at(&tail, i) == EOCD)
        .ok_or_else(|| invalid("no end of central directory record"))?;
    let eocd_pos = len - tail_len + at as u64;
    let mut count = u64::from(u16_at(&tail, at + 10));
    let mut dir_size = u64::from(u32_at(&tail, at + 12));
    let mut dir_offset = u64::from(u32_at(&tail, at + 16));
    if (count == 0xFFFF || dir_size == 0xFFFF_FFFF || dir_offset == 0xFFFF_FFFF) && eocd_pos >= 20 {
        let mut loc = [0u8; 20];
        r.seek(SeekFrom::Start(eocd_pos - 20))?;
        r.read_exact(&mut loc)?;
        if u32_at(&loc, 0) == EOCD64_LOCATOR {
            let mut rec = [0u8; 56];
            r.seek(SeekFrom::Start(u64_at(&loc, 8)))?;
            r.read_exact(&mut rec)?;
            if u32_at(&rec, 0) != EOCD64 {
                return Err(invalid("bad ZIP64 end of central directory record"));
            }
            count = u64_at(&rec, 32);
            dir_size = u64_at(&rec, 40);
            dir_offset = u64_at(&rec, 48);
        }
    }
    if dir_size > MAX_DIRECTORY || dir_offset.saturating_add(dir_size) > len {
        return Err(invalid(
            "the central directory is larger than the file or than 64 MiB",
        ));
    }
    let mut dir = vec![0u8; dir_size as usize];
    r.seek(SeekFrom::Start(dir_offset))?;
    r.read_exact(&mut dir)?;
    let mut entries = Vec::new();
    let mut i = 0usize;
    while i + 46 <= dir.len() && (entries.len() as u64) < count {
        if u32_at(&dir, i) != CENTRAL {
            return Err(invalid("bad central directory entry"));
        }
        let name_len = usize::from(u16_at(&dir, i + 28));
        let extra_len = usize::from(u16_at(&dir, i + 30));
        let comment_len = usize::from(u16_at(&dir, i + 32));
        let name = dir
            .get(i + 46..i + 46 + name_len)
            .ok_or_else(|| invalid("central directory entry cut short"))?;
        let extra = dir
            .get(i + 46 + name_len..i + 46 + name_len + extra_len)
            .unwrap_or(&[]);
        let mut e = Entry {
            name: String::from_utf8_lossy(name).into_owned(),
            flags: u16_at(&dir, i + 8),
            method: u16_at(&dir, i + 10),
            crc: u32_at(&dir, i + 16),
            compressed: u64::from(u32_at(&dir, i + 20)),
            size: u64::from(u32_at(&dir, i + 24)),
            local_offset: u64::from(u32_at(&dir, i + 42)),
        };
        zip64_extra(&mut e, extra);
        entries.push(e);
        i += 46 + name_len + extra_len + comment_len;
    }
    Ok(entries)
}

/// Sizes and offset from the ZIP64 extra field, for those the entry marks 0xFFFFFFFF.
fn zip64_extra(e: &mut Entry, extra: &[u8]) {
    let mut i = 0;
    while i + 4 <= extra.len() {
        let id = u16_at(extra, i);
        let len = usize::from(u16_at(extra, i + 2));
        if id == 1 {
            let mut at = i + 4;
            for field in [&mut e.size, &mut e.compressed, &mut e.local_offset] {
                if *field == 0xFFFF_FFFF && at + 8 <= i + 4 + len {
                    *field = u64_at(extra, at);
                    at += 8;
                }
            }
        }
        i += 4 + len;
    }
}

/// An entry's bytes as stored, then inflated, checked at their end against the CRC-32
/// and size of the directory.
struct Checked<R> {
    inner: R,
    crc: crc32fast::Hasher,
    read: u64,
    expect_crc: u32,
    expect_size: u64,
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            let crc = self.crc.clone().finalize();
            if self.read != self.expect_size || crc != self.expect_crc {
                return Err(invalid(&format!(
                    "the entry is damaged: {} bytes with CRC-32 {crc:08x}, the zip says {} bytes with {:08x}",
                    self.read, self.expect_size, self.expect_crc
                )));
            }
            return Ok(0);
        }
        self.crc.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

pub(super) fn walk(w: &mut Walk<'_>, path: &str, reader: &mut dyn ReadSeek, depth: u8) {
    let mut entries = match directory(reader) {
        Ok(e) => e,
        Err(e) => {
            return w.problem(
                path,
                Problem::Unreadable {
                    container: Container::Zip,
                    detail: e.to_string(),
                },
            );
        }
    };
    if entries.is_empty() {
        return w.problem(
            path,
            Problem::Empty {
                container: Container::Zip,
            },
        );
    }
    // Entry names are display names only: they never reach the file system.
    crate::sorting::stable_by(&mut entries, |a, b| a.name.cmp(&b.name));
    for e in entries {
        if e.name.ends_with('/') {
            continue;
        }
        if !w.admit() {
            break;
        }
        let member = w.member_path(path, &e.name);
        let detail = if e.flags & 1 != 0 {
            Some("cannot read zip entry: it is encrypted".to_string())
        } else if e.method != 0 && e.method != 8 {
            Some(format!(
                "cannot read zip entry: compression method {} is not supported (stored and deflated are)",
                e.method
            ))
        } else {
            None
        };
        if let Some(detail) = detail {
            w.problem(&member, Problem::Member { detail });
            continue;
        }
        if let Err(err) = seek_to_data(reader, &e) {
            w.problem(
                &member,
                Problem::Member {
                    detail: format!("cannot read zip entry: {err}"),
                },
            );
            continue;
        }
        let stored = Read::take(&mut *reader, e.compressed);
        let compressed = Some(e.compressed);
        if e.method == 8 {
            let mut content = Contained(Checked {
                inner: DeflateDecoder::new(stored),
                crc: crc32fast::Hasher::new(),
                read: 0,
                expect_crc: e.crc,
                expect_size: e.size,
            });
            w.entry(&member, &mut content, depth, compressed);
        } else {
            let mut content = Checked {
                inner: stored,
                crc: crc32fast::Hasher::new(),
                read: 0,
                expect_crc: e.crc,
                expect_size: e.size,
            };
            w.entry(&member, &mut content, depth, compressed);
        }
    }
}

/// Positions the reader at an entry's data, after its local header.
fn seek_to_data(r: &mut dyn ReadSeek, e: &Entry) -> io::Result<()> {
    let mut local = [0u8; 30];
    r.seek(SeekFrom::Start(e.local_offset))?;
    r.read_exact(&mut local)?;
    if u32_at(&local, 0) != LOCAL {
        return Err(invalid("bad local header"));
    }
    let skip = u64::from(u16_at(&local, 26)) + u64::from(u16_at(&local, 28));
    r.seek(SeekFrom::Current(skip as i64))?;
    Ok(())
}
