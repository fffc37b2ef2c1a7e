//! The records kept from a logarchive until its end, held compactly: records of every log
//! file must all be there to be put in time order (an archive yields the files one after
//! the other, never side by side), so what they cost decides how memory grows with the
//! archive. What many records share is held once ([`Shared`]): their origin (process,
//! library, subsystem, category) and their texts, which repeat (the same state dump, the
//! same request, at every sync); long texts (dumps of several KiB are common) are held
//! deflated. [`Records`] gives each [`Record`] back whole, one at a time, so a reader
//! never holds them all at their full size.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::sync::Arc;

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;

use super::format::Place;
use super::{Level, Partial, Record};

/// Messages and argument values of at least this many bytes are held deflated.
const DEFLATE_FROM: usize = 512;

/// Where a record comes from, shared by the records of the same origin.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Origin {
    process: Option<Box<str>>,
    library: Option<Box<str>>,
    subsystem: Box<str>,
    category: Box<str>,
}

/// One copy of each origin and each text, shared by the records that carry them.
#[derive(Default)]
pub(crate) struct Shared {
    origins: HashSet<Arc<Origin>>,
    plain: HashSet<Arc<str>>,
    deflated: HashSet<Arc<[u8]>>,
}

impl Shared {
    fn origin(&mut self, record: &mut Record) -> Arc<Origin> {
        let origin = Origin {
            process: record.process.take().map(String::into_boxed_str),
            library: record.library.take().map(String::into_boxed_str),
            subsystem: std::mem::take(&mut record.subsystem).into_boxed_str(),
            category: std::mem::take(&mut record.category).into_boxed_str(),
        };
        if let Some(known) = self.origins.get(&origin) {
            return Arc::clone(known);
        }
        let new = Arc::new(origin);
        self.origins.insert(Arc::clone(&new));
        new
    }

    /// The text as held: deflated when long (and smaller so), one copy of each.
    fn text(&mut self, s: String) -> Text {
        if s.len() >= DEFLATE_FROM {
            let mut e = DeflateEncoder::new(Vec::with_capacity(s.len() / 4), Compression::fast());
            // Writing into a Vec cannot fail.
            if e.write_all(s.as_bytes()).is_ok()
                && let Ok(bytes) = e.finish()
                && bytes.len() < s.len()
            {
                return Text::Deflated(intern(&mut self.deflated, &bytes[..]));
            }
        }
        Text::Plain(intern(&mut self.plain, s.as_str()))
    }
}

fn intern<T: ?Sized + Eq + std::hash::Hash>(set: &mut HashSet<Arc<T>>, value: &T) -> Arc<T>
where
    Arc<T>: for<'a> From<&'a T> + std::borrow::Borrow<T>,
{
    if let Some(known) = set.get(value) {
        return Arc::clone(known);
    }
    let new: Arc<T> = Arc::from(value);
    set.insert(Arc::clone(&new));
    new
}

/// A message or argument value as held.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Text {
    Plain(Arc<str>),
    /// Raw deflate of the UTF-8 bytes.
    Deflated(Arc<[u8]>),
}

impl Text {
    fn text(&self) -> String {
        match self {
            Text::Plain(s) => s.to_string(),
            Text::Deflated(bytes) => {
                let mut out = Vec::with_capacity(bytes.len() * 4);
                // The bytes were deflated from a string by `Shared::text`: inflating them
                // gives it back; a failure would be a bug, and yields what was inflated.
                let _ = DeflateDecoder::new(&bytes[..]).read_to_end(&mut out);
                String::from_utf8_lossy(&out).into_owned()
            }
        }
    }
}

/// One kept record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Kept {
    pub(crate) time_ns: i64,
    /// Its place (member path, group, position), which also names its log file.
    pub(crate) place: Place,
    pub(crate) time_from_header: bool,
    pub(crate) partial: Option<Partial>,
    level: Level,
    origin: Arc<Origin>,
    pid: u64,
    thread_id: u64,
    message: Text,
    arguments: Box<[Text]>,
}

impl Kept {
    /// Holds `record`, found at `place` (whose member is the record's log file).
    pub(crate) fn new(mut record: Record, place: Place, shared: &mut Shared) -> Kept {
        let origin = shared.origin(&mut record);
        Kept {
            time_ns: record.time_ns,
            place,
            time_from_header: record.time_from_header,
            partial: record.partial,
            level: record.level,
            origin,
            pid: record.pid,
            thread_id: record.thread_id,
            message: shared.text(record.message),
            arguments: (record.arguments.into_iter())
                .map(|a| shared.text(a))
                .collect(),
        }
    }

    /// Whether the process's executable is known.
    pub(crate) fn has_process(&self) -> bool {
        self.origin.process.is_some()
    }

    /// The log file the record came from.
    pub(crate) fn member(&self) -> &str {
        &self.place.0
    }

    /// The record, whole.
    pub(crate) fn record(&self) -> Record {
        let o = &*self.origin;
        Record {
            time_ns: self.time_ns,
            time_from_header: self.time_from_header,
            process: o.process.as_deref().map(str::to_string),
            pid: self.pid,
            thread_id: self.thread_id,
            subsystem: o.subsystem.to_string(),
            category: o.category.to_string(),
            level: self.level,
            message: self.message.text(),
            library: o.library.as_deref().map(str::to_string),
            partial: self.partial,
            arguments: self.arguments.iter().map(Text::text).collect(),
            member: self.member().to_string(),
        }
    }
}

/// A logarchive's records in time order (ties: member path, then place in the file),
/// held compactly; [`Records::iter`] gives them whole, one at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records(Vec<Kept>);

impl Records {
    /// Puts kept records in time order.
    pub(crate) fn sorted(mut kept: Vec<Kept>) -> Records {
        crate::sorting::stable_by(&mut kept, |a, b| {
            (a.time_ns, &a.place).cmp(&(b.time_ns, &b.place))
        });
        Records(kept)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each record, whole, in time order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Record> + '_ {
        self.0.iter().map(Kept::record)
    }

    /// The records as held.
    pub(crate) fn kept(&self) -> &[Kept] {
        &self.0
    }

    /// Bytes the records hold: their entries and argument lists, and each text and
    /// origin once however many records share it (allocator overhead not counted).
    pub(crate) fn bytes(&self) -> usize {
        let mut seen: HashSet<*const u8> = HashSet::new();
        let mut bytes = 0;
        for k in &self.0 {
            bytes += std::mem::size_of::<Kept>() + k.arguments.len() * std::mem::size_of::<Text>();
            let o = &k.origin;
            if seen.insert(Arc::as_ptr(o).cast()) {
                bytes += std::mem::size_of::<Origin>()
                    + o.process.as_ref().map_or(0, |p| p.len())
                    + o.library.as_ref().map_or(0, |l| l.len())
                    + o.subsystem.len()
                    + o.category.len();
            }
            for t in std::iter::once(&k.message).chain(k.arguments.iter()) {
                let (at, len) = match t {
                    Text::Plain(p) => (p.as_ptr(), p.len()),
                    Text::Deflated(d) => (d.as_ptr(), d.len()),
                };
                if len > 0 && seen.insert(at) {
                    bytes += len;
                }
            }
        }
        bytes
    }

    /// All records at once (tests, small logs).
    pub fn to_vec(&self) -> Vec<Record> {
        self.iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(message: &str) -> Record {
        Record {
            time_ns: 1_650_000_000_000_000_000,
            time_from_header: false,
            process: Some("/usr/libexec/profiled".into()),
            pid: 7,
            thread_id: 0x1b3,
            subsystem: "com.apple.ManagedConfiguration".into(),
            category: "MC".into(),
            level: Level::Default,
            message: message.into(),
            library: None,
            partial: None,
            arguments: vec!["x".into()],
            member: "Persist/1.tracev3".into(),
        }
    }

    #[test]
    fn records_come_back_whole() {
        let mut shared = Shared::default();
        let long = "Installed configuration profile: 'ScepProfile'\n".repeat(400);
        let accents = "é".repeat(300);
        for message in ["", "short", long.as_str(), accents.as_str()] {
            let mut r = record(message);
            r.arguments = vec![message.to_string(), String::new()];
            let k = Kept::new(
                r.clone(),
                (Arc::from("Persist/1.tracev3"), 0, 0),
                &mut shared,
            );
            assert_eq!(k.record(), r);
        }
        let mut unknown = record("m");
        (unknown.process, unknown.library) = (None, Some("/usr/lib/libMC.dylib".into()));
        unknown.partial = Some(Partial::ProcessUnknown);
        let k = Kept::new(
            unknown.clone(),
            (Arc::from("Persist/1.tracev3"), 0, 1),
            &mut shared,
        );
        assert!(!k.has_process());
        assert_eq!(k.record(), unknown);
    }

    #[test]
    fn long_texts_are_deflated_and_what_repeats_is_held_once() {
        let mut shared = Shared::default();
        let long = "<key>PayloadIdentifier</key><string>com.example.scep</string>\n".repeat(300);
        let a = Kept::new(record(&long), (Arc::from("a"), 0, 0), &mut shared);
        let mut partial = record("");
        partial.arguments = vec![long.clone(), "short".into()];
        partial.member = "a".into();
        let b = Kept::new(partial.clone(), (Arc::from("a"), 0, 1), &mut shared);
        assert!(matches!(a.message, Text::Deflated(_)));
        assert!(matches!(
            b.arguments[..],
            [Text::Deflated(_), Text::Plain(_)]
        ));
        assert!(b.record() == partial, "the record comes back changed");
        // One deflated copy of the long text, small beside it; one origin.
        assert_eq!(shared.deflated.len(), 1);
        let both = Records::sorted(vec![a.clone(), b.clone()]).bytes();
        assert!(both < 2 * 300 + long.len() / 10, "{both} bytes");
        assert!(Arc::ptr_eq(&a.origin, &b.origin));
        let mut other = record("m");
        other.category = "PIH".into();
        let c = Kept::new(other, (Arc::from("a"), 0, 2), &mut shared);
        assert!(!Arc::ptr_eq(&a.origin, &c.origin));
    }

    #[test]
    fn records_sort_by_time_then_place() {
        let mut shared = Shared::default();
        let mut at = |t: i64, member: &str, pos: usize| {
            let mut r = record(&format!("{member}{pos}"));
            r.time_ns = t;
            r.member = member.into();
            Kept::new(r, (Arc::from(member), 0, pos), &mut shared)
        };
        let kept = vec![at(2, "b", 0), at(1, "b", 1), at(1, "a", 5), at(1, "b", 0)];
        let records = Records::sorted(kept);
        assert_eq!(records.len(), 4);
        let order: Vec<(i64, String)> = records.iter().map(|r| (r.time_ns, r.message)).collect();
        let want = [(1, "a5"), (1, "b0"), (1, "b1"), (2, "b0")];
        assert_eq!(order, want.map(|(t, m)| (t, m.to_string())));
    }
}
