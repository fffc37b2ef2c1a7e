//! End-to-end tests on the libyal dtformats unified-log test data
//! (tests/fixtures/unified-log, README there) and on hostile inputs.

use super::*;

fn fixture(rel: &str) -> Vec<u8> {
    let path = format!(
        "{}/../tests/fixtures/unified-log/{rel}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const ROOT: &str =
    "sysdiagnose_2022.04.13_09-14-30-0400_iPhone-OS_iPad_19D52/system_logs.logarchive";

/// (path inside the logarchive, file under the fixture folder)
const MEMBERS: [(&str, &str); 6] = [
    (
        "Persist/0000000000000f85.tracev3",
        "0000000000000f85.tracev3",
    ),
    (
        "Special/0000000000000030.tracev3",
        "0000000000000030.tracev3",
    ),
    (
        "timesync/0000000000000002.timesync",
        "timesync/0000000000000002.timesync",
    ),
    (
        "00/7EF56328D53A78B59CCCE3E3189F57",
        "uuidtext/00/7EF56328D53A78B59CCCE3E3189F57",
    ),
    (
        "22/0D3C2953A33917B333DD8366AC25F2",
        "uuidtext/22/0D3C2953A33917B333DD8366AC25F2",
    ),
    (
        "dsc/8E21CAB1DCF936B49F85CF860E6F34EC",
        "uuidtext/dsc/8E21CAB1DCF936B49F85CF860E6F34EC",
    ),
];

fn read_all(selection: Selection, order: &[usize]) -> UnifiedLog {
    let mut archive = LogArchive::new(selection);
    for &i in order {
        let (inner, file) = MEMBERS[i];
        let bytes = fixture(file);
        let kind = archive.add_member(&format!("{ROOT}/{inner}"), &mut bytes.as_slice());
        assert!(kind.is_some(), "{inner} not recognised");
    }
    archive.finish()
}

const ALL: [usize; 6] = [0, 1, 2, 3, 4, 5];
const BOOT: &str = "A6EBC8E30A1C40E893B9DA3A7F671D19";
const DSC: Uuid = Uuid(0x671E082086AB3339A38401EFBD8017A4);

/// Subsystem rules only: no process needs its uuidtext file to be decided.
fn mc_subsystem() -> Selection {
    Selection {
        rules: vec![Rule::subsystem("com.apple.ManagedConfiguration")],
        images: vec![],
    }
}

#[test]
fn real_logarchive_end_to_end() {
    let out = read_all(Selection::mdm_and_scep(), &ALL);
    let c = out.counts;
    assert_eq!(
        (
            c.tracev3_files,
            c.uuidtext_files,
            c.dsc_files,
            c.timesync_files
        ),
        (2, 2, 1, 1)
    );
    // 0000000000000f85.tracev3 (an iPad, iOS 15.3 19D52): 6 catalogs, 47 chunk sets;
    // 0000000000000030.tracev3 (a Mac mini): 1 catalog, 1 chunk set.
    assert_eq!(c.chunks.catalogs, 7);
    assert_eq!(c.chunks.chunksets_read, 48);
    // No uuidtext file names these processes: every chunk set with a process that is
    // not known to be unwanted waits, then is dropped at the end, except those of
    // processes that log to com.apple.ManagedConfiguration.
    assert_eq!(c.chunks.chunksets_kept, 7);
    assert_eq!(c.chunks.chunksets_pending, 41);
    assert_eq!(c.records_kept, 10);
    assert!(
        out.records
            .iter()
            .all(|r| r.subsystem == "com.apple.ManagedConfiguration")
    );
    let records = out.records.to_vec();
    assert!(records.windows(2).all(|w| w[0].time_ns <= w[1].time_ns));
    // The string stores of the fixture belong to other systems: every message is partial,
    // and said to be.
    assert!(
        out.records
            .iter()
            .all(|r| r.partial.is_some() && r.message.is_empty())
    );
    let first = &records[0];
    assert_eq!(first.rfc3339(), "2022-04-11T11:37:24.407812Z");
    assert_eq!(
        (first.pid, first.category.as_str(), first.level),
        (49549, "MC", Level::Default)
    );
    assert_eq!(
        first.partial,
        Some(Partial::SharedCacheStringsMissing { dsc: DSC })
    );
    assert_eq!(
        first.arguments,
        [
            "systemgroup.com.apple.configurationprofiles",
            "/private/var/containers/Shared/SystemGroup/systemgroup.com.apple.configurationprofiles"
        ]
    );
    let pih: Vec<&Record> = records.iter().filter(|r| r.category == "PIH").collect();
    assert_eq!(pih.len(), 2);
    assert_eq!(pih[0].rfc3339(), "2022-04-13T13:18:15.437107Z");
    assert!(matches!(
        pih[0].partial,
        Some(Partial::ImageStringsMissing { .. })
    ));
    assert!(out.notices.contains(&Notice::PartialMessages {
        records: 10,
        missing_images: 1,
        missing_shared_caches: 1,
        not_kept: 0,
        oversize_missing: 0,
    }));
    assert!(out.notices.contains(&Notice::TimesFromLogHeader {
        boot: BOOT.to_string(),
        records: 10
    }));
    assert!(
        out.notices
            .contains(&Notice::ProcessesNeverIdentified { chunksets: 41 })
    );
    // The dsc file of the fixture is a 205-byte stub whose path offset points past its end.
    assert!(out.notices.iter().any(|n| matches!(
        n,
        Notice::MemberUnreadable { kind: MemberKind::Dsc(_), error: ReadError::Malformed(_), member }
            if member.ends_with("dsc/8E21CAB1DCF936B49F85CF860E6F34EC")
    )));
    // Only image paths are kept of uuidtext files no record needs.
    assert_eq!(
        (out.strings.uuidtext_files, out.strings.uuidtext_kept),
        (2, 0)
    );
}

#[test]
fn subsystem_rules_skip_chunksets_undecompressed() {
    let out = read_all(mc_subsystem(), &ALL);
    let c = out.counts;
    assert_eq!(c.records_kept, 10);
    assert_eq!(c.chunks.chunksets_pending, 0);
    assert_eq!(c.chunks.chunksets_kept, 7);
    assert_eq!(c.chunks.chunksets_skipped, 41);
    assert!(c.chunks.bytes_skipped > 500_000, "{c:?}");
    // Only the kept chunk sets were decompressed and parsed: 3,262 of the 8,654 entries
    // (8,158 firehose entries and 496 state dumps) the parser finds in the whole file.
    assert_eq!(c.entries_read, 3262);
    assert!(
        !out.notices
            .iter()
            .any(|n| matches!(n, Notice::ProcessesNeverIdentified { .. }))
    );
}

#[test]
fn member_order_does_not_change_the_output() {
    let reference = read_all(Selection::mdm_and_scep(), &ALL);
    for order in [[5, 4, 3, 2, 1, 0], [2, 0, 3, 5, 1, 4], [3, 4, 5, 0, 2, 1]] {
        let out = read_all(Selection::mdm_and_scep(), &order);
        assert_eq!(out.records, reference.records, "order {order:?}");
        assert_eq!(out.notices, reference.notices, "order {order:?}");
        assert_eq!(out.counts.records_kept, reference.counts.records_kept);
    }
}

#[test]
fn string_stores_missing_give_partial_messages_and_say_so() {
    let mut archive = LogArchive::new(mc_subsystem());
    let bytes = fixture("0000000000000f85.tracev3");
    archive.add_member(
        &format!("{ROOT}/Persist/0000000000000f85.tracev3"),
        &mut bytes.as_slice(),
    );
    let out = archive.finish();
    assert_eq!(out.counts.records_kept, 10);
    assert!(out.records.iter().all(|r| r.partial.is_some()));
    assert!(out.notices.contains(&Notice::NoStringStores));
    assert!(
        out.notices
            .iter()
            .any(|n| matches!(n, Notice::PartialMessages { records: 10, .. }))
    );
    assert!(
        out.notices
            .iter()
            .any(|n| matches!(n, Notice::TimesFromLogHeader { records: 10, .. }))
    );
}

#[test]
fn only_string_stores_say_no_log_files() {
    let out = read_all(Selection::mdm_and_scep(), &[2, 3, 4]);
    assert!(out.records.is_empty());
    assert!(out.notices.contains(&Notice::NoLogFiles));
}

/// Feeds one tracev3 member and returns what came out.
fn read_tracev3(bytes: &[u8]) -> UnifiedLog {
    let mut archive = LogArchive::new(mc_subsystem());
    archive.add_member(
        "x.logarchive/Persist/0000000000000001.tracev3",
        &mut &bytes[..],
    );
    archive.finish()
}

fn unreadable(out: &UnifiedLog) -> Vec<&ReadError> {
    out.notices
        .iter()
        .filter_map(|n| match n {
            Notice::MemberUnreadable { error, .. } => Some(error),
            _ => None,
        })
        .collect()
}

#[test]
fn random_bytes_are_an_unreadable_member() {
    // A fixed xorshift stream: no clock, no randomness between runs.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..200_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let out = read_tracev3(&bytes);
    assert!(out.records.is_empty());
    assert_eq!(unreadable(&out).len(), 1, "{:?}", out.notices);
    // Random bytes after a genuine header chunk.
    let mut headed = fixture("0000000000000f85.tracev3")[..224].to_vec();
    headed.extend_from_slice(&bytes);
    let out = read_tracev3(&headed);
    assert!(out.records.is_empty());
    assert_eq!(unreadable(&out).len(), 1, "{:?}", out.notices);
}

#[test]
fn truncated_log_files_keep_what_came_before_the_cut() {
    let bytes = fixture("0000000000000f85.tracev3");
    let whole = read_tracev3(&bytes).counts.records_kept;
    let mut last = 0;
    for cut in [
        0, 1, 15, 16, 100, 224, 230, 5_000, 100_000, 300_000, 500_000, 700_000, 717_000,
    ] {
        let out = read_tracev3(&bytes[..cut]);
        let errors = unreadable(&out);
        // An empty file has no header chunk: unreadable too. Cut after the header chunk, the
        // file is whole (and empty).
        assert_eq!(
            errors.len(),
            usize::from(cut != 224),
            "cut {cut}: {:?}",
            out.notices
        );
        assert!(out.counts.records_kept >= last, "cut {cut}");
        assert!(out.counts.records_kept <= whole);
        last = out.counts.records_kept;
    }
    assert!(last > 0);
}

#[test]
fn flipped_bytes_never_panic() {
    let bytes = fixture("0000000000000030.tracev3");
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0xff;
        let _ = read_tracev3(&b);
    }
}

/// A record of the unified log and the same message in a text export give the same
/// evidence: records built from the Console-copy fixture (as the reader would return
/// them), rendered with [`Record::log_show_line`], read by the text parser, give the same
/// events as the fixture itself.
#[test]
fn records_give_the_same_events_as_the_text_log() {
    use crate::parsers::LogParser;
    use crate::parsers::ios::IosParser;

    let text = std::fs::read_to_string(format!(
        "{}/../tests/fixtures/ios/console-scep-installed.log",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let run = |text: &str| {
        let mut p = IosParser::new(std::sync::Arc::from("test.log"));
        for (i, l) in text.lines().enumerate() {
            p.line(i as u64 + 1, l);
        }
        p.finish()
    };
    let mut records: Vec<Record> = Vec::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.splitn(4, '\t').collect();
        let level = match cols[0] {
            "default" => Some(Level::Default),
            "debug" => Some(Level::Debug),
            "info" => Some(Level::Info),
            "error" => Some(Level::Error),
            "fault" => Some(Level::Fault),
            _ => None,
        };
        match (level, cols.as_slice()) {
            (Some(level), [_, time, process, message]) => {
                // "09:12:39.201733 +0100" on 2024-01-07 → UTC nanoseconds.
                let (clock, _) = time.split_once(' ').unwrap();
                let (hms, micros) = clock.split_once('.').unwrap();
                let mut hms = hms.split(':').map(|x| x.parse::<i64>().unwrap());
                let (h, m, s) = (
                    hms.next().unwrap(),
                    hms.next().unwrap(),
                    hms.next().unwrap(),
                );
                let day = 1_704_585_600; // 2024-01-07T00:00:00Z
                let secs = day + (h - 1) * 3600 + m * 60 + s;
                records.push(Record {
                    time_ns: secs * 1_000_000_000 + micros.parse::<i64>().unwrap() * 1000,
                    time_from_header: false,
                    process: Some(match *process {
                        "profiled" => {
                            "/System/Library/PrivateFrameworks/ManagedConfiguration.framework/Support/profiled"
                                .to_string()
                        }
                        other => format!("/usr/libexec/{other}"),
                    }),
                    pid: 311,
                    thread_id: 0x1f2e,
                    subsystem: "com.apple.ManagedConfiguration".to_string(),
                    category: "MC".to_string(),
                    level,
                    message: message.to_string(),
                    library: None,
                    partial: None,
                    arguments: Vec::new(),
                    member: "Persist/0000000000000001.tracev3".to_string(),
                });
            }
            // A continuation line (NSError dump) belongs to the message before it.
            _ => {
                let last = records.last_mut().unwrap();
                last.message.push('\n');
                last.message.push_str(line);
            }
        }
    }
    let rendered: Vec<String> = records.iter().map(Record::log_show_line).collect();
    assert!(
        rendered[0]
            .starts_with("2024-01-07 08:12:39.201733+0000 0x1f2e Debug   0x0 311 0 profiled: ")
    );
    let from_text = run(&text);
    let from_records = run(&rendered.join("\n"));
    // Every event but the closing LogRead, whose time span is written as each source
    // writes times (a Console copy has no date).
    let kinds = |o: &crate::parsers::LogOutput| {
        o.events
            .iter()
            .filter(|e| !matches!(e.kind, crate::evidence::EventKind::LogRead(_)))
            .map(|e| e.kind.clone())
            .collect::<Vec<_>>()
    };
    assert!(!from_text.events.is_empty());
    assert_eq!(kinds(&from_records), kinds(&from_text));
    assert_eq!(from_records.records, from_text.records);
}
