//! Recognising the members of a logarchive by their path (and, optionally, their first
//! bytes): which files of a sysdiagnose, an unpacked sysdiagnose folder or a bare
//! `.logarchive` belong to the unified log, and what each one is.
//!
//! Paths are names only, never joined to a file system path: `\` and `/` both separate
//! components, and `.`, `..` or a leading `/` are dropped.

use std::fmt;

/// A 128-bit identifier of a binary image (uuidtext), a shared-cache string file (dsc)
/// or a boot, as the logarchive names them: 32 hexadecimal digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uuid(pub u128);

impl Uuid {
    /// Parses 32 hexadecimal digits (either case), as found in file names and in the
    /// parser's output.
    pub fn parse(hex: &str) -> Option<Uuid> {
        if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u128::from_str_radix(hex, 16).ok().map(Uuid)
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032X}", self.0)
    }
}

impl fmt::Debug for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uuid({self})")
    }
}

/// What a logarchive member is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MemberKind {
    /// A log file: `Persist/`, `Special/`, `Signpost/`, `HighVolume/` `*.tracev3`, or
    /// `logdata.LiveData.tracev3` at the root.
    Tracev3,
    /// Format strings and the path of one binary image: `XX/` + 30 hex digits, named
    /// by the image's UUID.
    UuidText(Uuid),
    /// Format strings of the dyld shared cache: `dsc/` + 32 hex digits.
    Dsc(Uuid),
    /// Boot and clock records: `timesync/*.timesync`.
    Timesync,
    /// The archive's own `Info.plist`.
    InfoPlist,
}

impl MemberKind {
    /// A short English name for notices.
    pub fn name(self) -> &'static str {
        match self {
            MemberKind::Tracev3 => "tracev3 log file",
            MemberKind::UuidText(_) => "uuidtext string file",
            MemberKind::Dsc(_) => "shared-cache string file",
            MemberKind::Timesync => "timesync file",
            MemberKind::InfoPlist => "Info.plist",
        }
    }

    /// The kind the first bytes of a file announce, for a file whose name says nothing
    /// (renamed, or found outside a logarchive). uuidtext and dsc files are named by
    /// their UUID, which their content does not hold, so they are not recognised here.
    pub fn sniff(first: &[u8]) -> Option<MemberKind> {
        // Header chunk: tag 0x1000, sub tag 0x11, data size 0xd0.
        const TRACEV3: [u8; 16] = [0, 0x10, 0, 0, 0x11, 0, 0, 0, 0xd0, 0, 0, 0, 0, 0, 0, 0];
        // Boot record signature 0xbbb0.
        if first.starts_with(&TRACEV3) {
            Some(MemberKind::Tracev3)
        } else if first.starts_with(&[0xb0, 0xbb]) && first.len() >= 4 {
            Some(MemberKind::Timesync)
        } else {
            None
        }
    }
}

/// A path recognised as a logarchive member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member<'a> {
    pub kind: MemberKind,
    /// The path below the logarchive's root, `/`-separated (e.g. `Persist/0000000000000001.tracev3`).
    pub inner_path: String,
    /// The archive path as given.
    pub path: &'a str,
}

/// Log file folders of a logarchive.
const TRACE_FOLDERS: [&str; 4] = ["Persist", "Special", "Signpost", "HighVolume"];

/// Is `path` (as it appears in a sysdiagnose tar, an unpacked folder, or a zipped or bare
/// `.logarchive`) a member of a logarchive, and which kind?
///
/// Inside a `*.logarchive` folder every kind is recognised; a path with no such folder
/// (a zip made of a logarchive's contents) is recognised only from its tell-tale shape
/// (`Persist/….tracev3`, `XX/<30 hex>`, `dsc/<32 hex>`, `timesync/….timesync`), never
/// `Info.plist`.
pub fn recognise(path: &str) -> Option<Member<'_>> {
    let parts: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .collect();
    let root = parts
        .iter()
        .rposition(|p| p.len() > ".logarchive".len() && ends_with_ignore_case(p, ".logarchive"));
    let inner: &[&str] = match root {
        Some(i) => &parts[i + 1..],
        // Without the archive folder, only the last two components are looked at.
        None => &parts[parts.len().saturating_sub(2)..],
    };
    let kind = match *inner {
        [file] if root.is_some() && file == "Info.plist" => MemberKind::InfoPlist,
        [file]
            if file.ends_with(".tracev3")
                && (root.is_some() || file == "logdata.LiveData.tracev3") =>
        {
            MemberKind::Tracev3
        }
        [folder, file] if TRACE_FOLDERS.contains(&folder) && file.ends_with(".tracev3") => {
            MemberKind::Tracev3
        }
        [folder, file] if folder == "timesync" && file.ends_with(".timesync") => {
            MemberKind::Timesync
        }
        ["dsc", file] => MemberKind::Dsc(Uuid::parse(file)?),
        [folder, file] if folder.len() == 2 && file.len() == 30 => {
            MemberKind::UuidText(Uuid::parse(&format!("{folder}{file}"))?)
        }
        _ => return None,
    };
    Some(Member {
        kind,
        inner_path: inner.join("/"),
        path,
    })
}

fn ends_with_ignore_case(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(path: &str) -> Option<MemberKind> {
        recognise(path).map(|m| m.kind)
    }

    #[test]
    fn sysdiagnose_paths() {
        let root =
            "sysdiagnose_2024.01.07_23-20-38-0500_iPhone-OS_iPhone_20F66/system_logs.logarchive";
        assert_eq!(
            kind(&format!("{root}/Persist/0000000000000001.tracev3")),
            Some(MemberKind::Tracev3)
        );
        assert_eq!(
            kind(&format!("{root}/logdata.LiveData.tracev3")),
            Some(MemberKind::Tracev3)
        );
        assert_eq!(
            kind(&format!("{root}/Info.plist")),
            Some(MemberKind::InfoPlist)
        );
        assert_eq!(
            kind(&format!("{root}/timesync/0000000000000002.timesync")),
            Some(MemberKind::Timesync)
        );
        assert_eq!(
            kind(&format!("{root}/22/0D3C2953A33917B333DD8366AC25F2")),
            Some(MemberKind::UuidText(Uuid(
                0x220D3C2953A33917B333DD8366AC25F2
            )))
        );
        assert_eq!(
            kind(&format!("{root}/dsc/8E21CAB1DCF936B49F85CF860E6F34EC")),
            Some(MemberKind::Dsc(Uuid(0x8E21CAB1DCF936B49F85CF860E6F34EC)))
        );
        let special = format!("{root}/Special/0000000000000003.tracev3");
        let m = recognise(&special).unwrap();
        assert_eq!(m.inner_path, "Special/0000000000000003.tracev3");
        // Other members of a sysdiagnose.
        assert_eq!(kind("sysdiagnose_x/logs/MCState/Shared/MDM.plist"), None);
        assert_eq!(kind(&format!("{root}/Extra/whatever.txt")), None);
        assert_eq!(kind(&format!("{root}/dsc/not-a-uuid")), None);
        assert_eq!(
            kind(&format!("{root}/ZZ/0D3C2953A33917B333DD8366AC25F2")),
            None
        );
    }

    #[test]
    fn bare_and_zipped_archives() {
        assert_eq!(
            kind("Persist/0000000000000001.tracev3"),
            Some(MemberKind::Tracev3)
        );
        assert_eq!(
            kind("C:\\logs\\my.LOGARCHIVE\\HighVolume\\0000000000000001.tracev3"),
            Some(MemberKind::Tracev3)
        );
        assert_eq!(
            kind("dsc/8E21CAB1DCF936B49F85CF860E6F34EC"),
            Some(MemberKind::Dsc(Uuid(0x8E21CAB1DCF936B49F85CF860E6F34EC)))
        );
        // Without the archive folder, a lone Info.plist or tracev3 is not claimed.
        assert_eq!(kind("Info.plist"), None);
        assert_eq!(kind("notes/0000000000000001.tracev3"), None);
        // Names only: traversal components are just names.
        assert_eq!(
            kind("../../x.logarchive/../Persist/1.tracev3"),
            Some(MemberKind::Tracev3)
        );
    }

    #[test]
    fn sniffing() {
        let mut head = vec![0, 0x10, 0, 0, 0x11, 0, 0, 0, 0xd0, 0, 0, 0, 0, 0, 0, 0];
        head.extend_from_slice(&[1, 2, 3]);
        assert_eq!(MemberKind::sniff(&head), Some(MemberKind::Tracev3));
        assert_eq!(
            MemberKind::sniff(&[0xb0, 0xbb, 0x30, 0]),
            Some(MemberKind::Timesync)
        );
        assert_eq!(MemberKind::sniff(b"hcsd"), None);
    }
}
