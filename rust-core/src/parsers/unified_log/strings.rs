//! The string stores a logarchive carries beside its log files, kept only as far as the
//! wanted records can need them, and served to `macos-unifiedlogs` when messages are
//! formatted:
//!
//! - **uuidtext** (`XX/…`, one file per binary image): the image path (its last string)
//!   is kept for every file, a few hundred bytes each, so that every process can be
//!   named; the format strings only for images the [`Selection`] keeps or a kept log
//!   chunk names.
//! - **dsc** (`dsc/…`, the shared cache's strings, several MB each): read whole, then
//!   only the ranges of kept images stay; the image table stays whole.
//! - **timesync** (`timesync/*.timesync`, boot and clock records): kept whole (small).

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::Arc;

use macos_unifiedlogs::dsc::SharedCacheStrings;
use macos_unifiedlogs::timesync::TimesyncBoot;
use macos_unifiedlogs::traits::{FileProvider, SourceFile, StringCache};
use macos_unifiedlogs::uuidtext::UUIDText;

use super::member::Uuid;
use super::selection::Selection;
use super::{ReadError, contained, read_capped};

/// Largest uuidtext file read (real ones are a few KB to a few MB).
const MAX_UUIDTEXT: u64 = 64 << 20;
/// Largest dsc file read (real ones are tens of MB).
const MAX_DSC: u64 = 512 << 20;
/// Largest timesync file read (real ones are 128 KiB or so).
const MAX_TIMESYNC: u64 = 16 << 20;

/// One binary image named by a uuidtext file.
struct Image {
    /// Its path, and its format strings when kept (a stub with the path only when not).
    text: Arc<UUIDText>,
    /// Were the format strings kept?
    strings_kept: bool,
}

/// One shared-cache string file.
struct SharedCache {
    strings: Arc<SharedCacheStrings>,
    /// Ranges whose strings were dropped (images not kept).
    ranges_dropped: usize,
}

/// What the store holds (for notices and figures).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreFigures {
    pub uuidtext_files: usize,
    pub uuidtext_kept: usize,
    pub dsc_files: usize,
    pub dsc_ranges_kept: usize,
    pub dsc_ranges_dropped: usize,
    pub timesync_files: usize,
    /// Bytes of strings and paths held.
    pub bytes_kept: usize,
}

/// The string stores and clock records of one logarchive.
#[derive(Default)]
pub(crate) struct StringStore {
    images: HashMap<Uuid, Image>,
    shared: HashMap<Uuid, SharedCache>,
    pub(crate) timesync: HashMap<String, TimesyncBoot>,
    timesync_files: usize,
    /// Images named by kept log chunks: their format strings are kept if they arrive.
    requested: HashSet<Uuid>,
    bytes_kept: usize,
}

impl StringStore {
    /// The executable path of an image, if its uuidtext file has been read.
    pub(crate) fn image_path(&self, uuid: Uuid) -> Option<&str> {
        let img = self.images.get(&uuid)?;
        image_path_of(&img.text)
    }

    /// A kept log chunk names this image: keep its strings if it arrives later.
    pub(crate) fn request(&mut self, uuid: Uuid) {
        self.requested.insert(uuid);
    }

    pub(crate) fn has_uuidtext(&self, uuid: Uuid) -> bool {
        self.images.contains_key(&uuid)
    }

    pub(crate) fn uuidtext_strings_kept(&self, uuid: Uuid) -> bool {
        self.images.get(&uuid).is_some_and(|i| i.strings_kept)
    }

    pub(crate) fn has_dsc(&self, uuid: Uuid) -> bool {
        self.shared.contains_key(&uuid)
    }

    pub(crate) fn figures(&self) -> StoreFigures {
        StoreFigures {
            uuidtext_files: self.images.len(),
            uuidtext_kept: self.images.values().filter(|i| i.strings_kept).count(),
            dsc_files: self.shared.len(),
            dsc_ranges_kept: self
                .shared
                .values()
                .map(|s| s.strings.ranges.len() - s.ranges_dropped)
                .sum(),
            dsc_ranges_dropped: self.shared.values().map(|s| s.ranges_dropped).sum(),
            timesync_files: self.timesync_files,
            bytes_kept: self.bytes_kept,
        }
    }

    /// Reads one uuidtext file.
    pub(crate) fn add_uuidtext(
        &mut self,
        uuid: Uuid,
        reader: &mut dyn Read,
        selection: &Selection,
    ) -> Result<(), ReadError> {
        let bytes = read_capped(reader, MAX_UUIDTEXT)?;
        let mut text = contained(|| UUIDText::parse_uuidtext(&bytes).map(|(_, t)| t).ok())?
            .ok_or(ReadError::Malformed("not a uuidtext file"))?;
        let path = image_path_of(&text)
            .ok_or(ReadError::Malformed("uuidtext file without an image path"))?
            .to_string();
        let keep = self.requested.contains(&uuid) || selection.keeps_image(&path);
        if !keep {
            text = stub(&path);
        }
        text.uuid = uuid.to_string();
        self.bytes_kept += text.footer_data.len() + 8 * text.entry_descriptors.len();
        if let Some(old) = self.images.insert(
            uuid,
            Image {
                text: Arc::new(text),
                strings_kept: keep,
            },
        ) {
            self.bytes_kept -= old.text.footer_data.len() + 8 * old.text.entry_descriptors.len();
        }
        Ok(())
    }

    /// Reads one dsc file, keeping the ranges of kept images and of images already
    /// requested.
    pub(crate) fn add_dsc(
        &mut self,
        uuid: Uuid,
        reader: &mut dyn Read,
        selection: &Selection,
    ) -> Result<(), ReadError> {
        let bytes = read_capped(reader, MAX_DSC)?;
        let mut dsc = contained(|| SharedCacheStrings::parse_dsc(&bytes).map(|(_, d)| d).ok())?
            .ok_or(ReadError::Malformed("not a shared-cache string file"))?;
        drop(bytes);
        let kept_images: Vec<bool> = dsc
            .uuids
            .iter()
            .map(|u| {
                selection.keeps_image(&u.path_string)
                    || Uuid::parse(&u.uuid).is_some_and(|id| self.requested.contains(&id))
            })
            .collect();
        let mut dropped = 0;
        for range in &mut dsc.ranges {
            let keep = usize::try_from(range.uuid_index)
                .ok()
                .and_then(|i| kept_images.get(i))
                .copied()
                .unwrap_or(false);
            if !keep {
                range.strings = Vec::new();
                dropped += 1;
            }
        }
        dsc.ranges.shrink_to_fit();
        dsc.dsc_uuid = uuid.to_string();
        let held: usize = dsc
            .ranges
            .iter()
            .map(|r| r.strings.len() + 32)
            .sum::<usize>()
            + dsc
                .uuids
                .iter()
                .map(|u| u.path_string.len() + 40)
                .sum::<usize>();
        self.bytes_kept += held;
        self.shared.insert(
            uuid,
            SharedCache {
                strings: Arc::new(dsc),
                ranges_dropped: dropped,
            },
        );
        Ok(())
    }

    /// Reads one timesync file.
    pub(crate) fn add_timesync(&mut self, reader: &mut dyn Read) -> Result<(), ReadError> {
        let bytes = read_capped(reader, MAX_TIMESYNC)?;
        let boots = contained(|| {
            TimesyncBoot::parse_timesync_data(&bytes)
                .map(|(_, b)| b)
                .ok()
        })?
        .ok_or(ReadError::Malformed("not a timesync file"))?;
        self.timesync_files += 1;
        self.bytes_kept += bytes.len();
        for (boot, mut records) in boots {
            match self.timesync.get_mut(&boot) {
                Some(known) => known.timesync.append(&mut records.timesync),
                None => {
                    self.timesync.insert(boot, records);
                }
            }
        }
        Ok(())
    }
}

/// The image path: the string after all format-string ranges.
fn image_path_of(text: &UUIDText) -> Option<&str> {
    let start: usize = text
        .entry_descriptors
        .iter()
        .try_fold(0usize, |acc, e| acc.checked_add(e.entry_size as usize))?;
    let rest = text.footer_data.get(start..)?;
    let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    std::str::from_utf8(&rest[..end])
        .ok()
        .filter(|p| !p.is_empty())
}

/// A uuidtext with the image path and no format strings.
fn stub(path: &str) -> UUIDText {
    let mut footer = path.as_bytes().to_vec();
    footer.push(0);
    UUIDText {
        signature: 0x6677_8899,
        major_version: 2,
        minor_version: 1,
        footer_data: footer,
        ..UUIDText::default()
    }
}

/// `macos-unifiedlogs` asks for strings by UUID through these two traits; the store
/// answers from memory. No file listing is offered: members are pushed in, not found.
impl FileProvider for StringStore {
    fn tracev3_files(&self) -> impl Iterator<Item = impl SourceFile> {
        std::iter::empty::<NoFile>()
    }

    fn uuidtext_files(&self) -> impl Iterator<Item = impl SourceFile> {
        std::iter::empty::<NoFile>()
    }

    fn read_uuidtext(&self, uuid: &str) -> Result<UUIDText, std::io::Error> {
        Err(not_here(uuid))
    }

    fn dsc_files(&self) -> impl Iterator<Item = impl SourceFile> {
        std::iter::empty::<NoFile>()
    }

    fn read_dsc_uuid(&self, uuid: &str) -> Result<SharedCacheStrings, std::io::Error> {
        Err(not_here(uuid))
    }

    fn timesync_files(&self) -> impl Iterator<Item = impl SourceFile> {
        std::iter::empty::<NoFile>()
    }
}

impl StringCache for StringStore {
    fn get_or_load_uuidtext(
        &self,
        uuid: &str,
        _provider: &impl FileProvider,
    ) -> Option<Arc<UUIDText>> {
        let id = Uuid::parse(uuid)?;
        self.images.get(&id).map(|i| Arc::clone(&i.text))
    }

    fn get_or_load_dsc(
        &self,
        uuid: &str,
        _provider: &impl FileProvider,
    ) -> Option<Arc<SharedCacheStrings>> {
        let id = Uuid::parse(uuid)?;
        self.shared.get(&id).map(|s| Arc::clone(&s.strings))
    }
}

fn not_here(uuid: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::NotFound,
        format!("{uuid} is not in the archive"),
    )
}

/// The file listing type the provider never yields.
struct NoFile;

impl SourceFile for NoFile {
    fn reader(&mut self) -> impl Read {
        std::io::empty()
    }

    fn source_path(&self) -> &str {
        ""
    }
}
