//! Formatting a log file as soon as what it needs has arrived, and the waiting budget,
//! on the real iPad log file of tests/fixtures/unified-log with string stores and a clock
//! file made here to match it (the fixture's own stores belong to other systems): one
//! uuidtext file per image its catalogs name (the image path only, no format strings), an
//! empty shared-cache string file and a timesync file for its boot.

use super::*;

fn ipad_log() -> Vec<u8> {
    let path = format!(
        "{}/../tests/fixtures/unified-log/0000000000000f85.tracev3",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const ROOT: &str = "sysdiagnose_x/system_logs.logarchive";

/// (path in the logarchive, bytes) of stores matching the iPad log file.
fn matching_stores(log: &[u8]) -> Vec<(String, Vec<u8>)> {
    let parsed = macos_unifiedlogs::parser::parse_log(log, "ipad").expect("fixture parses");
    let mut mains = std::collections::BTreeSet::new();
    let mut dscs = std::collections::BTreeSet::new();
    for c in &parsed.catalog_data {
        for e in c.catalog.catalog_process_info_entries.values() {
            mains.insert(e.main_uuid.clone());
            dscs.insert(e.dsc_uuid.clone());
        }
    }
    assert_eq!((mains.len(), dscs.len()), (65, 1), "the fixture's catalogs");
    let mut out = Vec::new();
    for (i, uuid) in mains.iter().enumerate() {
        // The first image is profiled's (a process rule of the selection).
        let path = if i == 0 {
            "/usr/libexec/profiled".to_string()
        } else {
            format!("/usr/libexec/synthetic{i:02}")
        };
        out.push((
            format!("{ROOT}/{}/{}", &uuid[..2], &uuid[2..]),
            uuidtext(&path),
        ));
    }
    let mut dsc = b"hcsd".to_vec();
    dsc.extend_from_slice(&[1, 0, 0, 0]);
    dsc.extend_from_slice(&[0; 8]);
    let dsc_uuid = dscs.first().expect("one dsc");
    out.push((format!("{ROOT}/dsc/{dsc_uuid}"), dsc));
    // Boot record, then one clock record at boot: 2022-02-24T00:00:00Z.
    let boot = u128::from_str_radix(&parsed.header[0].boot_uuid, 16).expect("boot uuid");
    let wall: i64 = 1_645_660_800_000_000_000;
    let mut ts = Vec::new();
    ts.extend_from_slice(&0xbbb0u16.to_le_bytes());
    ts.extend_from_slice(&48u16.to_le_bytes());
    ts.extend_from_slice(&0u32.to_le_bytes());
    ts.extend_from_slice(&boot.to_be_bytes());
    ts.extend_from_slice(&125u32.to_le_bytes());
    ts.extend_from_slice(&3u32.to_le_bytes());
    ts.extend_from_slice(&wall.to_le_bytes());
    ts.extend_from_slice(&[0; 8]);
    ts.extend_from_slice(&0x0020_7354u32.to_le_bytes());
    ts.extend_from_slice(&0u32.to_le_bytes());
    ts.extend_from_slice(&0u64.to_le_bytes());
    ts.extend_from_slice(&wall.to_le_bytes());
    ts.extend_from_slice(&[0; 8]);
    out.push((format!("{ROOT}/timesync/0000000000000001.timesync"), ts));
    out
}

/// A uuidtext file naming its image and holding no format strings.
fn uuidtext(image: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    for word in [0x6677_8899u32, 2, 1, 0] {
        bytes.extend_from_slice(&word.to_le_bytes());
    }
    bytes.extend_from_slice(image.as_bytes());
    bytes.push(0);
    bytes
}

/// `copies` copies of the iPad log file as Persist members.
fn log_copies(log: &[u8], copies: usize) -> Vec<(String, Vec<u8>)> {
    (0..copies)
        .map(|i| {
            (
                format!("{ROOT}/Persist/{:016x}.tracev3", 0x1000 + i),
                log.to_vec(),
            )
        })
        .collect()
}

/// Reads the members in order; returns the output and the bytes held after each member.
fn read(members: &[(String, Vec<u8>)], limits: Limits) -> (UnifiedLog, Vec<usize>) {
    let mut archive = LogArchive::with_limits(Selection::mdm_and_scep(), limits);
    let mut held = Vec::new();
    for (path, bytes) in members {
        assert!(
            archive.add_member(path, &mut bytes.as_slice()).is_some(),
            "{path}"
        );
        held.push(archive.bytes_held());
    }
    (archive.finish(), held)
}

#[test]
fn with_the_stores_first_each_log_file_is_formatted_as_it_arrives() {
    let log = ipad_log();
    let stores = matching_stores(&log);
    let mut members = stores.clone();
    members.extend(log_copies(&log, 6));
    let (out, held) = read(&members, Limits::default());
    // Only the stores are held: nothing of the log files waits after they are read.
    let stores_held = held[stores.len() - 1];
    assert!(
        held[stores.len()..].iter().all(|&h| h == stores_held),
        "{held:?}"
    );
    // profiled's records and the ManagedConfiguration subsystem's, six times over; the
    // process of each is known, and the times come from the clock file.
    let per_copy = out.counts.records_kept / 6;
    assert!(per_copy > 10, "{:?}", out.counts);
    assert_eq!(out.counts.records_kept, per_copy * 6);
    assert!(out.records.iter().all(|r| r.process.is_some()));
    assert!(out.records.iter().all(|r| !r.time_from_header));
    assert!(
        out.records
            .iter()
            .any(|r| r.process.as_deref() == Some("/usr/libexec/profiled"))
    );
    assert!(
        !out.notices.iter().any(|n| matches!(
            n,
            Notice::PendingDropped { .. } | Notice::FormattedEarly { .. }
        )),
        "{:?}",
        out.notices
    );

    // The same records and notices when every log file comes first and waits.
    let mut reversed = log_copies(&log, 6);
    reversed.extend(stores.iter().rev().cloned());
    let (late, held) = read(&reversed, Limits::default());
    assert_eq!(late.records, out.records);
    assert_eq!(late.notices, out.notices);
    assert!(late.counts.peak_bytes_held > out.counts.peak_bytes_held);
    assert_eq!(*held.last().unwrap(), stores_held);
}

/// The counts after the stores and then `copies` copies of the log file.
fn counts_with_copies(log: &[u8], copies: usize) -> Counts {
    let mut members = matching_stores(log);
    members.extend(log_copies(log, copies));
    read(&members, Limits::default()).0.counts
}

#[test]
fn memory_held_does_not_grow_with_the_number_of_log_files() {
    let log = ipad_log();
    let (two, twelve) = (counts_with_copies(&log, 2), counts_with_copies(&log, 12));
    assert_eq!(two.peak_bytes_held, twelve.peak_bytes_held);
}

#[test]
fn repeated_records_cost_an_entry_not_their_text() {
    let log = ipad_log();
    let (two, twelve) = (counts_with_copies(&log, 2), counts_with_copies(&log, 12));
    let more = twelve.records_kept - two.records_kept;
    assert!(more >= 10 * 6, "{more} more records");
    // The file holds a state dump of about 17 KB: were its text held once per copy,
    // each copy would cost kilobytes.
    let per_record = (twelve.records_bytes - two.records_bytes) / more;
    assert!(per_record <= 256, "{per_record} bytes per repeated record");
    assert!(two.records_bytes > 0);
}

#[test]
fn past_the_waiting_budget_the_oldest_files_are_formatted_and_a_late_store_is_told() {
    let log = ipad_log();
    let tight = Limits {
        waiting_bytes: 1,
        ..Limits::default()
    };
    // No stores ever: formatting early changes nothing and says nothing.
    let logs = log_copies(&log, 3);
    let (early, _) = read(&logs, tight);
    let (at_end, _) = read(&logs, Limits::default());
    assert_eq!(early.records, at_end.records);
    assert_eq!(early.notices, at_end.notices);

    // The stores come after the log files: the early files' records are partial and timed
    // by the header, and the notice says how many could have been whole.
    let mut members = logs.clone();
    members.extend(matching_stores(&log));
    let (out, _) = read(&members, tight);
    let told = out.notices.iter().find_map(|n| match n {
        Notice::FormattedEarly { files, records } => Some((*files, *records)),
        _ => None,
    });
    assert_eq!(
        told,
        Some((3, out.counts.records_kept)),
        "{:?}",
        out.notices
    );
    assert!(out.records.iter().all(|r| r.time_from_header));
    // Within the default budget the same order gives records timed by the clock file.
    let (whole, _) = read(&members, Limits::default());
    assert!(whole.records.iter().all(|r| !r.time_from_header));
    assert!(
        !whole
            .notices
            .iter()
            .any(|n| matches!(n, Notice::FormattedEarly { .. }))
    );
}

#[test]
fn a_process_identified_late_needs_and_asks_for_its_other_images() {
    use super::strings::StringStore;
    use super::tracev3::{Group, KeptChunkset, Needs, settle_pending};
    // A catalog entry whose executable was unknown when its chunk set was read, and which
    // lists one more image (the iPad file has no such entry).
    let selection = Selection::mdm_and_scep();
    let (main, library) = (Uuid(0x11 << 120), Uuid(0x22 << 120));
    let mut groups = vec![Group {
        member: std::sync::Arc::from("Persist/1.tracev3"),
        index_in_member: 0,
        header: std::sync::Arc::new(Vec::new()),
        catalog: Vec::new(),
        chunksets: vec![KeptChunkset {
            bytes: vec![0; 8],
            undecided: vec![main],
        }],
        needs: Needs::default(),
        images_of_unknown: vec![(main, vec![library])],
    }];
    let mut store = StringStore::default();
    let profiled = uuidtext("/usr/libexec/profiled");
    store
        .add_uuidtext(main, &mut profiled.as_slice(), &selection)
        .unwrap();
    assert_eq!(
        settle_pending(&mut groups, &selection, &mut store, false),
        (0, 0)
    );
    assert!(groups[0].is_decided());
    // The file waits for the library, as it would had the process been known at once ...
    assert_eq!(groups[0].needs.images, [main, library]);
    assert!(!groups[0].needs.is_met(&store));
    // ... and keeps its strings, though the selection keeps no image of that path.
    let lib = uuidtext("/usr/lib/libsynthetic.dylib");
    store
        .add_uuidtext(library, &mut lib.as_slice(), &selection)
        .unwrap();
    assert!(store.uuidtext_strings_kept(library));
    assert!(groups[0].needs.is_met(&store));
}
