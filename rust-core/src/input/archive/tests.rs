//! Archives built in memory by the tests: what the walker hands over, and what it says
//! when a bound is hit or the archive is damaged.

use std::io::{Cursor, Read, Write};

use super::*;

/// What a walk produced: members (path, content, read error) and problems.
#[derive(Default, Debug)]
struct Seen {
    members: Vec<(String, Vec<u8>, Option<String>)>,
    problems: Vec<(String, Problem)>,
}

impl Visitor for Seen {
    fn member(&mut self, path: &str, content: &mut dyn Read) {
        let mut buf = Vec::new();
        let err = content.read_to_end(&mut buf).err().map(|e| e.to_string());
        self.members.push((path.to_string(), buf, err));
    }
    fn problem(&mut self, path: &str, problem: Problem) {
        self.problems.push((path.to_string(), problem));
    }
}

fn walk_bytes(path: &str, bytes: &[u8], limits: &Limits) -> Seen {
    let mut seen = Seen::default();
    let container = Container::sniff(bytes).expect("a container");
    let mut cursor = Cursor::new(bytes);
    walk(
        path,
        container,
        Source::Seekable(&mut cursor),
        limits,
        &mut seen,
    );
    seen
}

fn walk_stream(path: &str, bytes: &[u8], limits: &Limits) -> Seen {
    let mut seen = Seen::default();
    let container = Container::sniff(bytes).expect("a container");
    let mut reader = bytes;
    walk(
        path,
        container,
        Source::Stream(&mut reader),
        limits,
        &mut seen,
    );
    seen
}

pub(crate) fn tar_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = ::tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = ::tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(::tar::EntryType::Regular);
        // Raw names: the builder would refuse `..` and absolute paths.
        let raw = name.as_bytes();
        if raw.len() < 100 {
            h.as_old_mut().name[..raw.len()].copy_from_slice(raw);
            h.set_cksum();
            b.append(&h, *data).unwrap();
        } else {
            b.append_data(&mut h, name, *data).unwrap();
        }
    }
    b.into_inner().unwrap()
}

pub(crate) fn gzip_of(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub(crate) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

pub(crate) fn cab_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = ::cab::CabinetBuilder::new();
    let folder = b.add_folder(::cab::CompressionType::MsZip);
    for (name, _) in entries {
        folder.add_file(*name);
    }
    let mut w = b.build(Cursor::new(Vec::new())).unwrap();
    let mut i = 0;
    while let Some(mut f) = w.next_file().unwrap() {
        f.write_all(entries[i].1).unwrap();
        i += 1;
    }
    w.finish().unwrap().into_inner()
}

const LOG: &[u8] = b"line one\nline two\n";

#[test]
fn sniffs_each_container() {
    assert_eq!(Container::sniff(&gzip_of(LOG)), Some(Container::Gzip));
    assert_eq!(
        Container::sniff(&tar_of(&[("a", LOG)])),
        Some(Container::Tar)
    );
    assert_eq!(
        Container::sniff(&zip_of(&[("a", LOG)])),
        Some(Container::Zip)
    );
    assert_eq!(
        Container::sniff(&cab_of(&[("a", LOG)])),
        Some(Container::Cab)
    );
    assert_eq!(Container::sniff(LOG), None);
}

#[test]
fn members_of_every_container_and_their_paths() {
    let tar = tar_of(&[("logs/a.log", LOG), ("./b.log", b"bee")]);
    let seen = walk_stream("x.tar", &tar, &Limits::DEFAULT);
    let paths: Vec<&str> = seen.members.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(paths, ["x.tar!/logs/a.log", "x.tar!/b.log"]);
    assert_eq!(seen.members[0].1, LOG);
    assert!(seen.problems.is_empty(), "{:?}", seen.problems);

    let tgz = gzip_of(&tar);
    let seen = walk_stream("x.tgz", &tgz, &Limits::DEFAULT);
    assert_eq!(seen.members[1].0, "x.tgz!/b.log");

    let gz = gzip_of(LOG);
    let seen = walk_stream("dir/OMADM.log.gz", &gz, &Limits::DEFAULT);
    assert_eq!(seen.members[0].0, "dir/OMADM.log.gz!/OMADM.log");
    assert_eq!(seen.members[0].1, LOG);

    let cab = cab_of(&[("mdmlogs\\admin.evtx", b"evtx"), ("b.txt", LOG)]);
    let seen = walk_bytes("d.cab", &cab, &Limits::DEFAULT);
    assert_eq!(seen.members[0].0, "d.cab!/mdmlogs/admin.evtx");
    assert_eq!(seen.members[1].1, LOG);
    // Not seekable: held in memory.
    let seen = walk_stream("d.cab", &cab, &Limits::DEFAULT);
    assert_eq!(seen.members.len(), 2);
}

#[test]
fn nested_one_level_more_than_zip_in_zip() {
    // zip → tar.gz → cab → log: three containers, two levels of nesting.
    let cab = cab_of(&[("c.log", LOG)]);
    let tgz = gzip_of(&tar_of(&[("b.cab", &cab)]));
    let zip = zip_of(&[("a.tar.gz", &tgz)]);
    let seen = walk_bytes("z.zip", &zip, &Limits::DEFAULT);
    assert_eq!(seen.members.len(), 1, "{seen:?}");
    assert_eq!(seen.members[0].0, "z.zip!/a.tar.gz!/b.cab!/c.log");
    // One level deeper is refused, by name.
    let zip2 = zip_of(&[("z.zip", &zip)]);
    let seen = walk_bytes("top.zip", &zip2, &Limits::DEFAULT);
    assert!(seen.members.is_empty());
    assert_eq!(seen.problems[0].0, "top.zip!/z.zip!/a.tar.gz!/b.cab");
    assert_eq!(seen.problems[0].1, Problem::TooDeep { limit: 2 });
}

#[test]
fn hostile_names_are_only_names() {
    let tar = tar_of(&[
        ("/etc/passwd", b"root:x:0:0"),
        ("../../x", LOG),
        ("dev/\x1b[2Jname", LOG),
    ]);
    let seen = walk_stream("h.tar", &tar, &Limits::DEFAULT);
    let paths: Vec<&str> = seen.members.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(
        paths,
        [
            "h.tar!//etc/passwd",
            "h.tar!/../../x",
            "h.tar!/dev/?[2Jname"
        ]
    );
    let long = "d/".repeat(1000);
    let p = member_path("a", &long, 16);
    assert_eq!(p, "a!/d/d/d/d/d/d/d/d/…");
}

#[test]
fn special_members_are_counted_not_followed() {
    let mut b = ::tar::Builder::new(Vec::new());
    let mut h = ::tar::Header::new_gnu();
    h.set_entry_type(::tar::EntryType::Symlink);
    h.set_size(0);
    b.append_link(&mut h, "link", "/etc/shadow").unwrap();
    let mut h = ::tar::Header::new_gnu();
    h.set_entry_type(::tar::EntryType::Char);
    h.set_size(0);
    b.append_data(&mut h, "dev/null", &[][..]).unwrap();
    let mut h = ::tar::Header::new_gnu();
    h.set_size(LOG.len() as u64);
    b.append_data(&mut h, "ok.log", LOG).unwrap();
    let tar = b.into_inner().unwrap();
    let seen = walk_stream("s.tar", &tar, &Limits::DEFAULT);
    assert_eq!(seen.members.len(), 1);
    assert_eq!(
        seen.problems,
        [("s.tar".to_string(), Problem::SpecialMembers { count: 2 })]
    );
}

#[test]
fn truncated_gzip_is_said_and_what_came_before_is_read() {
    let tar = tar_of(&[("a.log", LOG), ("b.log", &vec![b'x'; 100_000])]);
    let tgz = gzip_of(&tar);
    // Cut inside the trailer: every member is whole, only the drain sees the cut.
    let cut = &tgz[..tgz.len() - 4];
    let seen = walk_stream("t.tgz", cut, &Limits::DEFAULT);
    assert_eq!(seen.members.len(), 2);
    assert!(
        seen.problems.iter().any(|(p, pr)| p == "t.tgz"
            && matches!(
                pr,
                Problem::Truncated {
                    container: Container::Gzip,
                    ..
                }
            )),
        "{:?}",
        seen.problems
    );
    // Cut in the middle: the first member whole, the second cut with a read error.
    let cut = &tgz[..tgz.len() / 2];
    let seen = walk_stream("t.tgz", cut, &Limits::DEFAULT);
    assert_eq!(seen.members[0].1, LOG);
    assert!(!seen.problems.is_empty() || seen.members.iter().any(|m| m.2.is_some()));
    // A single gzipped log cut short: its member's read fails.
    let gz = gzip_of(&vec![b'y'; 200_000]);
    let seen = walk_stream("l.gz", &gz[..gz.len() / 2], &Limits::DEFAULT);
    assert!(seen.members[0].2.is_some(), "{seen:?}");
    // Not a gzip after its magic.
    let seen = walk_stream("n.gz", &[0x1f, 0x8b, 0, 0], &Limits::DEFAULT);
    assert!(matches!(
        seen.problems[0].1,
        Problem::Unreadable {
            container: Container::Gzip,
            ..
        }
    ));
}

/// A gzip of `members` × `chunk` zero bytes, built from one compressed member repeated
/// (a multi-member gzip): 10 GB of zeros in about 10 MB, built in milliseconds.
fn zero_bomb(chunk: usize, members: usize) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&vec![0u8; chunk]).unwrap();
    let one = e.finish().unwrap();
    one.repeat(members)
}

#[test]
fn gzip_bomb_is_cut_by_its_ratio() {
    let limits = Limits {
        min_bomb_check: 8 << 20,
        ..Limits::DEFAULT
    };
    // 16 MiB × 640 = 10 GiB of zeros.
    let bomb = zero_bomb(16 << 20, 640);
    assert!(bomb.len() < 20 << 20, "{}", bomb.len());
    let seen = walk_stream("bomb.log.gz", &bomb, &limits);
    let (path, content, err) = &seen.members[0];
    assert_eq!(path, "bomb.log.gz!/bomb.log");
    // Cut within one read of the limit, far from 10 GiB.
    assert!(content.len() as u64 <= 32 << 20, "{}", content.len());
    let err = err.as_deref().expect("cut");
    assert!(err.contains("compression bomb"), "{err}");
}

#[test]
fn zip_entry_bomb_and_budget() {
    let zeros = vec![0u8; 9 << 20];
    let zip = zip_of(&[("bomb.log", &zeros), ("ok.log", LOG)]);
    let limits = Limits {
        min_bomb_check: 1 << 20,
        ..Limits::DEFAULT
    };
    let seen = walk_bytes("z.zip", &zip, &limits);
    assert!(
        seen.members[0]
            .2
            .as_deref()
            .unwrap()
            .contains("compression bomb")
    );
    assert_eq!(seen.members[1].1, LOG);

    // 1,000-byte entries, 2,500 bytes for the archive, 4,096 per entry.
    let one = vec![b'a'; 1000];
    let zip = zip_of(&[("0", &one), ("1", &one), ("2", &one), ("3", &one)]);
    let limits = Limits {
        max_entry_bytes: 4096,
        max_total_bytes: 2500,
        ..Limits::DEFAULT
    };
    let seen = walk_bytes("b.zip", &zip, &limits);
    assert_eq!(seen.members.len(), 3);
    assert_eq!(
        seen.members[2].2.as_deref(),
        Some(
            "the archive's 2500 bytes inflated-size limit was reached in this entry; only its first 500 bytes were analysed"
        )
    );
    assert_eq!(
        seen.problems,
        [("b.zip!/3".to_string(), Problem::BudgetSpent { limit: 2500 })]
    );
    // An entry beyond its own cap.
    let limits = Limits {
        max_entry_bytes: 1 << 20,
        ..Limits::DEFAULT
    };
    let big: Vec<u8> = (0..(5u32 << 18)).flat_map(|i| i.to_le_bytes()).collect();
    let seen = walk_bytes("b.zip", &zip_of(&[("big", &big)]), &limits);
    assert_eq!(
        seen.members[0].2.as_deref(),
        Some(
            "the entry inflates beyond the 1 MiB limit (zip bomb?); only its first 1 MiB were analysed"
        )
    );
}

#[test]
fn entries_beyond_the_count_are_reported() {
    let names: Vec<String> = (0..7).map(|i| format!("{i}.txt")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), LOG)).collect();
    let limits = Limits {
        max_entries: 5,
        ..Limits::DEFAULT
    };
    for (bytes, path) in [(zip_of(&entries), "c.zip"), (tar_of(&entries), "c.tar")] {
        let seen = walk_stream(path, &bytes, &limits);
        assert_eq!(seen.members.len(), 5);
        assert_eq!(
            seen.problems,
            [(path.to_string(), Problem::TooManyEntries { limit: 5 })]
        );
    }
}

#[test]
fn cab_with_a_bad_checksum_is_an_error_of_its_member() {
    let mut cab = cab_of(&[("a.log", &vec![b'q'; 5000])]);
    // The first data block follows the headers; flip a byte of its compressed data.
    let n = cab.len();
    cab[n - 10] ^= 0xff;
    let seen = walk_bytes("bad.cab", &cab, &Limits::DEFAULT);
    let err = seen
        .members
        .first()
        .and_then(|m| m.2.clone())
        .or_else(|| seen.problems.first().map(|p| p.1.to_string()))
        .expect("an error");
    assert!(err.to_lowercase().contains("checksum"), "{err}");
}

#[test]
fn oversized_tar_extension_header_is_refused_before_it_is_read() {
    // A GNU long-name header announcing 8 GiB.
    let mut h = ::tar::Header::new_gnu();
    h.as_old_mut().name[..13].copy_from_slice(b"././@LongLink");
    h.set_entry_type(::tar::EntryType::GNULongName);
    h.set_size(8 << 30);
    h.set_cksum();
    let mut bytes = h.as_bytes().to_vec();
    bytes.extend_from_slice(&[b'a'; 4096]);
    let seen = walk_stream("l.tar", &bytes, &Limits::DEFAULT);
    assert!(seen.members.is_empty());
    let text = seen.problems[0].1.to_string();
    assert!(text.contains("long-name or pax header"), "{text}");
}

#[test]
fn random_bytes_after_a_magic_never_panic() {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let noise: Vec<u8> = (0..50_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    for magic in [&b"\x1f\x8b\x08\x00"[..], b"PK\x03\x04", b"MSCF\0\0\0\0"] {
        let mut bytes = magic.to_vec();
        bytes.extend_from_slice(&noise);
        let _ = walk_stream("r", &bytes, &Limits::DEFAULT);
    }
    let mut tar = tar_of(&[("a", LOG)]);
    tar.extend_from_slice(&noise);
    let _ = walk_stream("r.tar", &tar, &Limits::DEFAULT);
    // Every prefix and flipped byte of a small cabinet.
    let cab = cab_of(&[("a.log", LOG), ("b.log", LOG)]);
    for i in 0..cab.len() {
        let _ = walk_bytes("c.cab", &cab[..i.max(8)], &Limits::DEFAULT);
        let mut b = cab.clone();
        b[i] ^= 0x5a;
        let mut seen = Seen::default();
        let mut reader = &b[..];
        walk(
            "c.cab",
            Container::Cab,
            Source::Stream(&mut reader),
            &Limits::DEFAULT,
            &mut seen,
        );
    }
}

#[test]
fn zip_entries_are_checked_and_unsupported_ones_named() {
    // A stored entry with one byte changed: its CRC-32 no longer matches.
    let mut w = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Stored);
    w.start_file("a.log", stored).unwrap();
    w.write_all(b"AAAAAAAAAAAAAAAAAAAA").unwrap();
    let mut bytes = w.finish().unwrap().into_inner();
    let at = bytes.windows(4).position(|x| x == b"AAAA").unwrap();
    bytes[at] = b'B';
    let seen = walk_bytes("d.zip", &bytes, &Limits::DEFAULT);
    let err = seen.members[0].2.as_deref().unwrap();
    assert!(err.contains("damaged"), "{err}");
    // Method 12 (bzip2) is named, not read.
    let mut w = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("b.log", stored).unwrap();
    w.write_all(LOG).unwrap();
    let mut bytes = w.finish().unwrap().into_inner();
    for sig in [&b"PK\x03\x04"[..], b"PK\x01\x02"] {
        let i = bytes.windows(4).position(|x| x == sig).unwrap();
        let m = if sig[2] == 3 { i + 8 } else { i + 10 };
        bytes[m] = 12;
    }
    let seen = walk_bytes("m.zip", &bytes, &Limits::DEFAULT);
    assert!(seen.members.is_empty());
    assert!(
        seen.problems[0].1.to_string().contains("method 12"),
        "{:?}",
        seen.problems
    );
    // Not a zip after its magic.
    let seen = walk_bytes("n.zip", b"PK\x03\x04garbage", &Limits::DEFAULT);
    assert!(matches!(
        seen.problems[0].1,
        Problem::Unreadable {
            container: Container::Zip,
            ..
        }
    ));
}

#[test]
fn a_cab_folder_without_data_is_named_before_the_cab_crate_would_panic() {
    // Found by fuzzing (tests/fuzz-corpus/archive/cab-empty-folder): cab 0.6.0 indexes
    // past the data blocks of a folder that has none.
    let bytes = std::fs::read(format!(
        "{}/../tests/fuzz-corpus/archive/cab-empty-folder",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let seen = walk_bytes("f.cab", &bytes, &Limits::DEFAULT);
    let text: Vec<String> = seen.problems.iter().map(|p| p.1.to_string()).collect();
    assert!(text.iter().any(|t| t.contains("has no data")), "{text:?}");
    assert!(
        !text.iter().any(|t| t.contains("reader failed")),
        "{text:?}"
    );
}
