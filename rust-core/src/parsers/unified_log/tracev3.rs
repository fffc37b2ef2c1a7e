//! Reading one `.tracev3` log file from a reader, chunk by chunk, and keeping only the
//! compressed chunk sets that may hold wanted records.
//!
//! A tracev3 file is a header chunk, then catalogs, each followed by the chunk sets it
//! describes. The catalog names every process of its chunk sets (with the executable's
//! UUID and the subsystems it logs to) and, for each chunk set, which processes appear in
//! it. A chunk set none of whose processes can write a wanted record is read past without
//! being decompressed. Kept chunk sets stay compressed until the string stores and the
//! clock file they need ([`Needs`]) have arrived; then [`super::LogArchive`] formats them
//! and keeps only the records.
//!
//! A chunk set whose processes are not known yet (their uuidtext file, which names the
//! executable, has not arrived) is kept *pending*, within a budget; pending chunk sets are
//! decided again as uuidtext files arrive, when the budget is reached and at the end.

use std::collections::HashSet;
use std::io::Read;
use std::sync::Arc;

use macos_unifiedlogs::parser::parse_log;

use super::member::Uuid;
use super::selection::Selection;
use super::strings::StringStore;
use super::{ReadError, contained};

pub(crate) const TAG_HEADER: u32 = 0x1000;
pub(crate) const TAG_CATALOG: u32 = 0x600b;
pub(crate) const TAG_CHUNKSET: u32 = 0x600d;
/// Largest chunk read (real chunk sets are under 100 KB compressed, catalogs a few KB).
const MAX_CHUNK: u64 = 16 << 20;
/// Largest uncompressed chunk set accepted (real ones are about 64 KB).
const MAX_UNCOMPRESSED: u32 = 16 << 20;
/// The header chunk's data size.
const HEADER_DATA_SIZE: u64 = 208;

/// What the process of one catalog entry is, for the selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Wanted,
    Unwanted,
    /// The executable is not known yet, and some rule names a process.
    Unknown,
}

/// One kept chunk set, still compressed.
pub(crate) struct KeptChunkset {
    /// The chunk as read, preamble included.
    pub(crate) bytes: Vec<u8>,
    /// Executables of its processes not known when it was read (empty when decided).
    pub(crate) undecided: Vec<Uuid>,
}

/// What formatting a group's records needs from the rest of the logarchive: the uuidtext
/// files of its wanted processes' images, their shared-cache string files and the clock
/// file of its boot. When all have arrived, formatting now gives what formatting at the
/// end would.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Needs {
    pub(crate) images: Vec<Uuid>,
    pub(crate) dscs: Vec<Uuid>,
    pub(crate) boot: Option<String>,
}

impl Needs {
    /// The part not arrived yet (empty when everything has).
    pub(crate) fn unmet(&self, store: &StringStore) -> Needs {
        Needs {
            images: (self.images.iter().copied())
                .filter(|u| u.0 != 0 && !store.has_uuidtext(*u))
                .collect(),
            dscs: (self.dscs.iter().copied())
                .filter(|u| u.0 != 0 && !store.has_dsc(*u))
                .collect(),
            boot: (self.boot.clone()).filter(|b| !store.timesync.contains_key(b)),
        }
    }

    /// Has everything arrived? (What `unmet` would find empty, without building it.)
    pub(crate) fn is_met(&self, store: &StringStore) -> bool {
        self.images
            .iter()
            .all(|u| u.0 == 0 || store.has_uuidtext(*u))
            && self.dscs.iter().all(|u| u.0 == 0 || store.has_dsc(*u))
            && self
                .boot
                .as_ref()
                .is_none_or(|b| store.timesync.contains_key(b))
    }

    pub(crate) fn extend(&mut self, other: Needs) {
        for u in other.images {
            if !self.images.contains(&u) {
                self.images.push(u);
            }
        }
        for u in other.dscs {
            if !self.dscs.contains(&u) {
                self.dscs.push(u);
            }
        }
        if self.boot.is_none() {
            self.boot = other.boot;
        }
    }
}

/// A catalog and the chunk sets kept from it.
pub(crate) struct Group {
    /// Index of the member (in arrival order) and its path, for notices and ordering.
    pub(crate) member: Arc<str>,
    pub(crate) index_in_member: usize,
    pub(crate) header: Arc<Vec<u8>>,
    pub(crate) catalog: Vec<u8>,
    pub(crate) chunksets: Vec<KeptChunkset>,
    pub(crate) needs: Needs,
    /// Executables not known yet → their other images: what a pending chunk set decided
    /// wanted later needs besides its executable.
    pub(crate) images_of_unknown: Vec<(Uuid, Vec<Uuid>)>,
}

impl Group {
    pub(crate) fn bytes(&self) -> usize {
        self.catalog.len() + self.chunksets.iter().map(|c| c.bytes.len()).sum::<usize>()
    }

    /// Bytes of the decided chunk sets and, if there are any, the catalog (pending
    /// chunk sets are the pending budget's).
    pub(crate) fn decided_bytes(&self) -> usize {
        let decided: usize = (self.chunksets.iter())
            .filter(|c| c.undecided.is_empty())
            .map(|c| c.bytes.len())
            .sum();
        if decided == 0 {
            0
        } else {
            decided + self.catalog.len()
        }
    }

    /// Moves the pending chunk sets out into a group of their own (same catalog).
    pub(crate) fn split_pending(&mut self) -> Option<Group> {
        if self.is_decided() {
            return None;
        }
        let (pending, decided) = std::mem::take(&mut self.chunksets)
            .into_iter()
            .partition(|c| !c.undecided.is_empty());
        self.chunksets = decided;
        Some(Group {
            member: Arc::clone(&self.member),
            index_in_member: self.index_in_member,
            header: Arc::clone(&self.header),
            catalog: self.catalog.clone(),
            chunksets: pending,
            needs: self.needs.clone(),
            images_of_unknown: self.images_of_unknown.clone(),
        })
    }

    pub(crate) fn is_decided(&self) -> bool {
        self.chunksets.iter().all(|c| c.undecided.is_empty())
    }

    /// The bytes `macos-unifiedlogs` parses: header, catalog, chunk sets, 8-aligned.
    pub(crate) fn file_image(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(self.header.len() + self.bytes() + 8 * (2 + self.chunksets.len()));
        for part in std::iter::once(self.header.as_slice())
            .chain(std::iter::once(self.catalog.as_slice()))
            .chain(self.chunksets.iter().map(|c| c.bytes.as_slice()))
        {
            out.extend_from_slice(part);
            out.resize(out.len().next_multiple_of(8), 0);
        }
        out
    }
}

/// Counts of one file's chunks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChunkCounts {
    pub catalogs: u64,
    pub chunksets_read: u64,
    pub chunksets_kept: u64,
    pub chunksets_pending: u64,
    pub chunksets_skipped: u64,
    pub other_chunks: u64,
    /// Bytes read past without decompressing.
    pub bytes_skipped: u64,
}

/// The parsed catalog's decisions for its chunk sets.
struct CatalogPlan {
    /// Per chunk set: keep? and the executables still unknown.
    chunksets: Vec<(Verdict, Vec<Uuid>)>,
    /// Executables of wanted processes and their other images (their strings are asked
    /// for), their shared caches and the boot.
    needs: Needs,
    /// Executables not known yet, with their other images.
    images_of_unknown: Vec<(Uuid, Vec<Uuid>)>,
}

/// Reads one tracev3 file; the kept groups are appended to `groups`.
pub(crate) fn read_tracev3(
    member: &Arc<str>,
    reader: &mut dyn Read,
    selection: &Selection,
    store: &mut StringStore,
    groups: &mut Vec<Group>,
    counts: &mut ChunkCounts,
) -> Result<(), ReadError> {
    let mut header: Option<Arc<Vec<u8>>> = None;
    let mut current: Option<(Group, CatalogPlan, usize)> = None;
    let mut offset: u64 = 0;
    let mut groups_in_member = 0;
    let result = loop {
        let mut preamble = [0u8; 16];
        match read_full(reader, &mut preamble) {
            Ok(0) => break Ok(()),
            Ok(16) => {}
            Ok(_) => break Err(ReadError::Truncated { offset }),
            Err(e) => break Err(ReadError::Io(e.to_string())),
        }
        let tag = u32::from_le_bytes([preamble[0], preamble[1], preamble[2], preamble[3]]);
        let size = u64::from_le_bytes(preamble[8..16].try_into().expect("8 bytes"));
        if size > MAX_CHUNK {
            break Err(ReadError::ChunkTooLarge { offset, size });
        }
        let padded = size.next_multiple_of(8);
        let keep_bytes = match tag {
            TAG_HEADER => true,
            TAG_CATALOG => true,
            TAG_CHUNKSET => match &current {
                Some((_, plan, next)) => plan
                    .chunksets
                    .get(*next)
                    .is_none_or(|(v, _)| *v != Verdict::Unwanted),
                None => false,
            },
            _ => false,
        };
        let chunk = if keep_bytes {
            let mut buf = Vec::with_capacity(16 + size as usize);
            buf.extend_from_slice(&preamble);
            match reader.take(size).read_to_end(&mut buf) {
                Ok(n) if n as u64 == size => {}
                Ok(_) => break Err(ReadError::Truncated { offset }),
                Err(e) => break Err(ReadError::Io(e.to_string())),
            }
            Some(buf)
        } else {
            match std::io::copy(&mut reader.take(size), &mut std::io::sink()) {
                Ok(n) if n == size => {}
                Ok(_) => break Err(ReadError::Truncated { offset }),
                Err(e) => break Err(ReadError::Io(e.to_string())),
            }
            None
        };
        // Padding to 8 bytes; the last chunk of a file may go without it.
        if padded > size {
            let mut pad = [0u8; 8];
            if let Err(e) = read_full(reader, &mut pad[..(padded - size) as usize]) {
                break Err(ReadError::Io(e.to_string()));
            }
        }
        let at = offset;
        offset += 16 + padded;
        match (tag, chunk) {
            (TAG_HEADER, Some(bytes)) => {
                if header.is_some() || size != HEADER_DATA_SIZE {
                    break Err(ReadError::Malformed("unexpected header chunk"));
                }
                header = Some(Arc::new(bytes));
            }
            (TAG_CATALOG, Some(bytes)) => {
                let Some(h) = &header else {
                    break Err(ReadError::Malformed("catalog before the header chunk"));
                };
                close_group(current.take(), groups, store);
                let plan = match plan_catalog(h, &bytes, selection, store) {
                    Ok(plan) => plan,
                    Err(e) => break Err(e.at(at)),
                };
                counts.catalogs += 1;
                current = Some((
                    Group {
                        member: Arc::clone(member),
                        index_in_member: groups_in_member,
                        header: Arc::clone(h),
                        catalog: bytes,
                        chunksets: Vec::new(),
                        needs: Needs::default(),
                        images_of_unknown: Vec::new(),
                    },
                    plan,
                    0,
                ));
                groups_in_member += 1;
            }
            (TAG_CHUNKSET, bytes) => {
                counts.chunksets_read += 1;
                let Some((group, plan, next)) = current.as_mut() else {
                    break Err(ReadError::Malformed("chunk set before any catalog"));
                };
                let decision = plan.chunksets.get(*next).cloned();
                *next += 1;
                match bytes {
                    None => {
                        counts.chunksets_skipped += 1;
                        counts.bytes_skipped += size;
                    }
                    Some(bytes) => {
                        if let Err(e) = check_chunkset(&bytes) {
                            break Err(e.at(at));
                        }
                        let undecided = match decision {
                            Some((Verdict::Unknown, unknown)) => unknown,
                            _ => Vec::new(),
                        };
                        if undecided.is_empty() {
                            counts.chunksets_kept += 1;
                        } else {
                            counts.chunksets_pending += 1;
                        }
                        group.chunksets.push(KeptChunkset { bytes, undecided });
                    }
                }
            }
            _ => counts.other_chunks += 1,
        }
    };
    close_group(current, groups, store);
    if header.is_none() && result.is_ok() {
        return Err(ReadError::Malformed("no header chunk"));
    }
    result
}

/// Keeps a group that kept any chunk set, and asks for the strings of its wanted images.
fn close_group(
    current: Option<(Group, CatalogPlan, usize)>,
    groups: &mut Vec<Group>,
    store: &mut StringStore,
) {
    if let Some((mut group, plan, _)) = current
        && !group.chunksets.is_empty()
    {
        for uuid in &plan.needs.images {
            store.request(*uuid);
        }
        group.needs = plan.needs;
        group.images_of_unknown = plan.images_of_unknown;
        groups.push(group);
    }
}

/// Decides, from a catalog alone, which of its chunk sets to keep.
fn plan_catalog(
    header: &[u8],
    catalog: &[u8],
    selection: &Selection,
    store: &StringStore,
) -> Result<CatalogPlan, ReadError> {
    let mut image = header.to_vec();
    image.resize(image.len().next_multiple_of(8), 0);
    image.extend_from_slice(catalog);
    let parsed = contained(|| parse_log(image.as_slice(), "catalog").ok())?
        .ok_or(ReadError::Malformed("catalog not readable"))?;
    let cat = &parsed
        .catalog_data
        .first()
        .ok_or(ReadError::Malformed("catalog not readable"))?
        .catalog;
    let process_rules = selection.has_process_rules();
    // Verdict per process entry index.
    let mut verdicts: Vec<(u16, Verdict, Option<Uuid>)> = Vec::new();
    let mut needs = Needs {
        boot: parsed.header.first().map(|h| h.boot_uuid.clone()),
        ..Needs::default()
    };
    let mut images_of_unknown: Vec<(Uuid, Vec<Uuid>)> = Vec::new();
    for entry in cat.catalog_process_info_entries.values() {
        let main = Uuid::parse(&entry.main_uuid);
        let others = || -> Vec<Uuid> {
            (entry.uuid_info_entries.iter())
                .filter_map(|u| Uuid::parse(&u.uuid))
                .collect()
        };
        let path = main.and_then(|u| store.image_path(u));
        let uses_wanted_subsystem = entry.subsystem_entries.iter().any(|s| {
            c_string_at(&cat.catalog_subsystem_strings, s.subsystem_offset)
                .is_some_and(|name| selection.names_subsystem(name))
        });
        let verdict = match path {
            Some(p) if selection.names_process(p) => Verdict::Wanted,
            _ if uses_wanted_subsystem => Verdict::Wanted,
            None if process_rules && main.is_some() => Verdict::Unknown,
            _ => Verdict::Unwanted,
        };
        match (verdict, main) {
            (Verdict::Wanted, _) => needs.extend(Needs {
                images: main.into_iter().chain(others()).collect(),
                ..Needs::default()
            }),
            (Verdict::Unknown, Some(main)) => {
                let others = others();
                if !others.is_empty() && !images_of_unknown.iter().any(|(m, _)| *m == main) {
                    images_of_unknown.push((main, others));
                }
            }
            _ => {}
        }
        // Every process's shared cache (one or two per file): a pending chunk set decided
        // wanted later needs it too.
        needs.extend(Needs {
            dscs: Uuid::parse(&entry.dsc_uuid).into_iter().collect(),
            ..Needs::default()
        });
        verdicts.push((entry.index, verdict, main));
    }
    let chunksets = cat
        .catalog_subchunks
        .iter()
        .map(|sub| {
            let mut unknown = HashSet::new();
            let mut verdict = Verdict::Unwanted;
            for idx in &sub.indexes {
                match verdicts.iter().find(|(i, _, _)| i == idx) {
                    Some((_, Verdict::Wanted, _)) => verdict = Verdict::Wanted,
                    Some((_, Verdict::Unknown, main)) => {
                        unknown.extend(*main);
                    }
                    // An index the catalog does not list: decide when formatting.
                    None => verdict = Verdict::Wanted,
                    Some((_, Verdict::Unwanted, _)) => {}
                }
            }
            if verdict == Verdict::Unwanted && !unknown.is_empty() {
                let mut unknown: Vec<Uuid> = unknown.into_iter().collect();
                crate::sorting::sort(&mut unknown);
                (Verdict::Unknown, unknown)
            } else {
                (verdict, Vec::new())
            }
        })
        .collect();
    crate::sorting::stable_by(&mut images_of_unknown, |a, b| a.0.cmp(&b.0));
    Ok(CatalogPlan {
        chunksets,
        needs,
        images_of_unknown,
    })
}

/// Refuses a chunk set whose announced uncompressed size is out of bounds, before the
/// parser allocates it.
fn check_chunkset(bytes: &[u8]) -> Result<(), ReadError> {
    const BV41: u32 = u32::from_le_bytes(*b"bv41");
    const BV41_RAW: u32 = u32::from_le_bytes(*b"bv4-");
    let word = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    match (word(16), word(20)) {
        (Some(BV41 | BV41_RAW), Some(size)) if size > MAX_UNCOMPRESSED => {
            Err(ReadError::ChunkTooLarge {
                offset: 0,
                size: u64::from(size),
            })
        }
        _ => Ok(()),
    }
}

/// The NUL-terminated string at `offset`.
fn c_string_at(data: &[u8], offset: u16) -> Option<&str> {
    let rest = data.get(usize::from(offset)..)?;
    let end = rest.iter().position(|&b| b == 0)?;
    std::str::from_utf8(&rest[..end]).ok()
}

/// Reads until `buf` is full or the input ends; the count read.
fn read_full(reader: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Decides pending chunk sets again with the images known now: those whose processes
/// are all known and unwanted are dropped, those with a wanted one become kept. Returns
/// (chunk sets dropped, bytes dropped).
pub(crate) fn settle_pending(
    groups: &mut Vec<Group>,
    selection: &Selection,
    store: &mut StringStore,
    final_pass: bool,
) -> (u64, u64) {
    let mut dropped = (0, 0);
    for group in groups.iter_mut() {
        let needs = &mut group.needs;
        let images_of_unknown = &group.images_of_unknown;
        group.chunksets.retain_mut(|c| {
            if c.undecided.is_empty() {
                return true;
            }
            let mut still_unknown = false;
            for uuid in &c.undecided {
                match store.image_path(*uuid) {
                    Some(p) if selection.names_process(p) => {
                        // Its other images, as for a process wanted from the start: their
                        // strings are asked for, and the file waits for them.
                        let others = (images_of_unknown.iter())
                            .find(|(main, _)| main == uuid)
                            .map(|(_, others)| others.as_slice())
                            .unwrap_or_default();
                        for image in others {
                            store.request(*image);
                        }
                        needs.extend(Needs {
                            images: std::iter::once(*uuid)
                                .chain(others.iter().copied())
                                .collect(),
                            ..Needs::default()
                        });
                        c.undecided.clear();
                        return true;
                    }
                    Some(_) => {}
                    None => still_unknown = true,
                }
            }
            if still_unknown && !final_pass {
                return true;
            }
            dropped.0 += 1;
            dropped.1 += c.bytes.len() as u64;
            false
        });
    }
    groups.retain(|g| !g.chunksets.is_empty());
    dropped
}

/// Drops the oldest pending chunk sets until at most `budget` bytes are pending.
/// Returns (chunk sets dropped, bytes dropped).
pub(crate) fn trim_pending(groups: &mut Vec<Group>, budget: usize) -> (u64, u64) {
    let mut pending: usize = pending_bytes(groups);
    let mut dropped = (0, 0);
    for group in groups.iter_mut() {
        if pending <= budget {
            break;
        }
        group.chunksets.retain(|c| {
            if pending > budget && !c.undecided.is_empty() {
                pending -= c.bytes.len();
                dropped.0 += 1;
                dropped.1 += c.bytes.len() as u64;
                false
            } else {
                true
            }
        });
    }
    groups.retain(|g| !g.chunksets.is_empty());
    dropped
}

pub(crate) fn pending_bytes(groups: &[Group]) -> usize {
    groups
        .iter()
        .flat_map(|g| &g.chunksets)
        .filter(|c| !c.undecided.is_empty())
        .map(|c| c.bytes.len())
        .sum()
}
