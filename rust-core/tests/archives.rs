//! Archives built by the tests from the repository's fixtures give exactly the same
//! report as the loose files, apart from the input paths; a sysdiagnose-shaped archive
//! is read end to end; hostile archives are named in the report and the rest is read.
//! (With the core's `cab` feature, which the workspace's CLI turns on.)
#![cfg(feature = "cab")]

use std::io::{Cursor, Write};

use certdoctor_core::{Format, Lang, Options, Session};

const NOW: i64 = 1_780_000_000; // 2026-05-28

fn options() -> Options {
    Options {
        now: time::OffsetDateTime::from_unix_timestamp(NOW).unwrap(),
        redact: false,
        lang: Lang::En,
    }
}

fn root() -> String {
    format!("{}/..", env!("CARGO_MANIFEST_DIR"))
}

/// (path shown in the report, content), in name order.
fn fixtures() -> Vec<(String, Vec<u8>)> {
    let names = [
        "tests/fixtures/android/omadm-success.log",
        "tests/fixtures/certs/openssl-root.pem",
        "tests/fixtures/certs/openssl-sha1-leaf.pem",
        "tests/fixtures/ios/logshow-network-timeout-22005.log",
        "tests/fixtures/server/iis-w3c-mscep-500-impersonation.log",
        "tests/fixtures/variants/windows/ev39-309-256.xml",
    ];
    names
        .iter()
        .map(|n| {
            let bytes = std::fs::read(format!("{}/{n}", root())).unwrap();
            (n.trim_start_matches("tests/fixtures/").to_string(), bytes)
        })
        .collect()
}

fn json(session: Session) -> String {
    session.finish().render(Format::Json)
}

fn loose() -> String {
    let mut s = Session::new(options());
    for (name, bytes) in fixtures() {
        s.add_bytes(&name, &bytes);
    }
    json(s)
}

fn tar_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, data.as_slice()).unwrap();
    }
    b.into_inner().unwrap()
}

fn gzip_of(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn cab_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut b = cab::CabinetBuilder::new();
    let folder = b.add_folder(cab::CompressionType::MsZip);
    for (name, _) in entries {
        folder.add_file(name.replace('/', "\\"));
    }
    let mut w = b.build(Cursor::new(Vec::new())).unwrap();
    let mut i = 0;
    while let Some(mut f) = w.next_file().unwrap() {
        f.write_all(&entries[i].1).unwrap();
        i += 1;
    }
    w.finish().unwrap().into_inner()
}

/// The report of `archive` at display path `name`, with `name!/` taken out of every path.
fn through(name: &str, archive: &[u8], streamed: bool) -> String {
    let mut s = Session::new(options());
    if streamed {
        let mut r = archive;
        s.add_reader(name, &mut r);
    } else {
        s.add_bytes(name, archive);
    }
    json(s).replace(&format!("{name}!/"), "")
}

#[test]
fn every_container_gives_the_loose_files_report() {
    let expected = loose();
    assert!(expected.contains("\"verdict\""));
    let files = fixtures();
    let tar = tar_of(&files);
    for (name, bytes) in [
        ("b.tar", tar.clone()),
        ("b.tar.gz", gzip_of(&tar)),
        ("b.zip", zip_of(&files)),
        ("b.cab", cab_of(&files)),
    ] {
        for streamed in [false, true] {
            let got = through(name, &bytes, streamed);
            assert!(got == expected, "{name} (streamed: {streamed}): {got}");
        }
    }
}

#[test]
fn gzipped_members_and_nested_archives_give_the_same_report() {
    let expected = loose();
    // Each file gzipped on its own (`x.log.gz!/x.log`), in a zip, in a tar.gz.
    let gzipped: Vec<(String, Vec<u8>)> = fixtures()
        .into_iter()
        .map(|(n, b)| (format!("{n}.gz"), gzip_of(&b)))
        .collect();
    let zip = zip_of(&gzipped);
    let outer = gzip_of(&tar_of(&[("inner.zip".to_string(), zip)]));
    let mut s = Session::new(options());
    s.add_bytes("o.tgz", &outer);
    let mut got = json(s);
    for (n, _) in fixtures() {
        // The member of a gzip without a stored name is named after the file, less `.gz`.
        let base = n.rsplit('/').next().unwrap();
        got = got.replace(&format!("o.tgz!/inner.zip!/{n}.gz!/{base}"), &n);
    }
    assert!(got == expected, "{got}");
}

fn unified(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/unified-log/{rel}", root())).unwrap()
}

fn mcstate(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/mcstate/{rel}", root())).unwrap()
}

/// A sysdiagnose's layout: the logarchive (string stores before and after the log files),
/// MCState, a text log, and other members.
fn sysdiagnose(with_strings: bool) -> Vec<(String, Vec<u8>)> {
    let d = "sysdiagnose_2024.01.07_23-20-38-0500_iPhone-OS_iPhone_20F66";
    let la = format!("{d}/system_logs.logarchive");
    let mut v = vec![
        (
            format!("{d}/logs/MCState/Shared/MDM.plist"),
            mcstate("MDM.plist"),
        ),
        (
            format!("{d}/logs/MCState/Shared/profile-0a1b.stub"),
            mcstate("profile-scep-binary.stub"),
        ),
        (
            format!("{d}/summaries/crashes_and_spins.log"),
            b"nothing here\n".to_vec(),
        ),
    ];
    if with_strings {
        v.push((
            format!("{la}/dsc/8E21CAB1DCF936B49F85CF860E6F34EC"),
            unified("uuidtext/dsc/8E21CAB1DCF936B49F85CF860E6F34EC"),
        ));
        v.push((
            format!("{la}/00/7EF56328D53A78B59CCCE3E3189F57"),
            unified("uuidtext/00/7EF56328D53A78B59CCCE3E3189F57"),
        ));
    }
    v.push((
        format!("{la}/Persist/0000000000000f85.tracev3"),
        unified("0000000000000f85.tracev3"),
    ));
    v.push((
        format!("{la}/Special/0000000000000030.tracev3"),
        unified("0000000000000030.tracev3"),
    ));
    if with_strings {
        v.push((
            format!("{la}/22/0D3C2953A33917B333DD8366AC25F2"),
            unified("uuidtext/22/0D3C2953A33917B333DD8366AC25F2"),
        ));
        v.push((
            format!("{la}/timesync/0000000000000002.timesync"),
            unified("timesync/0000000000000002.timesync"),
        ));
    }
    v.push((
        format!("{la}/Info.plist"),
        b"<?xml version=\"1.0\"?><plist version=\"1.0\"><dict/></plist>".to_vec(),
    ));
    v
}

fn report_of(name: &str, bytes: &[u8]) -> serde_json::Value {
    let mut s = Session::new(options());
    let mut r = bytes;
    s.add_reader(name, &mut r);
    serde_json::from_str(&json(s)).unwrap()
}

fn input<'a>(report: &'a serde_json::Value, suffix: &str) -> &'a serde_json::Value {
    report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("{suffix} in {}", report["inputs"]))
}

#[cfg(feature = "unified-log")]
#[test]
fn a_sysdiagnose_is_read_end_to_end() {
    let tgz = gzip_of(&tar_of(&sysdiagnose(true)));
    let report = report_of("sysdiagnose.tar.gz", &tgz);
    let la = input(&report, "system_logs.logarchive");
    assert_eq!(la["kind"], "ios_unified_log");
    assert_eq!(la["status"], "ok");
    // The iPad log file's ten ManagedConfiguration records (tests/fixtures/unified-log).
    assert_eq!(la["records"], 10);
    assert_eq!(
        input(&report, "profile-0a1b.stub")["kind"],
        "ios_profile_state"
    );
    assert_eq!(input(&report, "MDM.plist")["records"], 1);
    assert_eq!(input(&report, "crashes_and_spins.log")["status"], "ignored");
    // No member of the logarchive is an input of its own.
    let inputs = report["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 4, "{inputs:?}");
    // The installed SCEP profile of the stub is the delivery evidence.
    assert_eq!(report["verdict"], "delivered");
    let notices = report["notices"].to_string();
    assert!(
        notices.contains("the messages of 10 records are partial"),
        "{notices}"
    );
}

#[cfg(feature = "unified-log")]
#[test]
fn a_logarchive_without_string_stores_says_its_messages_are_partial() {
    let tgz = gzip_of(&tar_of(&sysdiagnose(false)));
    let report = report_of("s.tgz", &tgz);
    assert_eq!(input(&report, "system_logs.logarchive")["records"], 10);
    let notices = report["notices"].to_string();
    assert!(
        notices.contains("has log files but no string stores"),
        "{notices}"
    );
}

#[cfg(feature = "unified-log")]
#[test]
fn an_unpacked_sysdiagnose_folder_is_the_same_as_its_archive() {
    let files = sysdiagnose(true);
    let mut s = Session::new(options());
    for (name, bytes) in &files {
        s.add_bytes(name, bytes);
    }
    let loose = json(s);
    let mut s = Session::new(options());
    s.add_bytes("x.tar", &tar_of(&files));
    assert_eq!(json(s).replace("x.tar!/", ""), loose);
}

#[cfg(feature = "unified-log")]
#[test]
fn a_random_tracev3_is_named_and_the_rest_is_read() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let noise: Vec<u8> = (0..100_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let mut files = sysdiagnose(true);
    files.push((
        "sysdiagnose_x/system_logs.logarchive/Persist/0000000000000001.tracev3".into(),
        noise,
    ));
    let report = report_of("r.tar", &tar_of(&files));
    let notices = report["notices"].to_string();
    assert!(
        notices.contains("Persist/0000000000000001.tracev3: this log file could not be read"),
        "{notices}"
    );
    assert_eq!(report["verdict"], "delivered");
}

#[test]
fn hostile_archives_are_named_and_the_rest_is_read() {
    let log = std::fs::read(format!(
        "{}/tests/fixtures/android/omadm-success.log",
        root()
    ))
    .unwrap();
    // Tar members named like system files: names only.
    let mut b = tar::Builder::new(Vec::new());
    for name in ["/etc/passwd", "../../x"] {
        let mut h = tar::Header::new_gnu();
        h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        h.set_size(log.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append(&h, log.as_slice()).unwrap();
    }
    let tar = b.into_inner().unwrap();
    let report = report_of("h.tar", &tar);
    assert_eq!(
        input(&report, "h.tar!//etc/passwd")["kind"],
        "android_omadm_log"
    );
    assert_eq!(input(&report, "h.tar!/../../x")["status"], "ok");
    assert!(!std::path::Path::new("/etc/passwd.certdoctor").exists());

    // A truncated .tar.gz beside a good log: the cut is named, the log read.
    let tgz = gzip_of(&tar_of(&[
        ("a.log".into(), log.clone()),
        ("b.log".into(), log.clone()),
    ]));
    let mut s = Session::new(options());
    s.add_bytes("cut.tgz", &tgz[..tgz.len() * 2 / 3]);
    s.add_bytes("OMADM.log", &log);
    let report: serde_json::Value = serde_json::from_str(&json(s)).unwrap();
    assert_eq!(report["verdict"], "delivered");
    let text = report["inputs"].to_string();
    assert!(text.contains("cut.tgz"), "{text}");
    assert!(
        report["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["status"] == "error"),
        "{text}"
    );

    // A gzip bomb: 10 GiB of zeros in one multi-member stream, cut after 64 MiB.
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&vec![0u8; 16 << 20]).unwrap();
    let bomb = e.finish().unwrap().repeat(640);
    let started = std::time::Instant::now();
    let report = report_of("bomb.log.gz", &bomb);
    let b = input(&report, "bomb.log.gz!/bomb.log");
    assert_eq!(b["status"], "error");
    assert!(
        b["error"].as_str().unwrap().contains("compression bomb"),
        "{b}"
    );
    // Bounded: far from inflating 10 GiB (not a timing test: a loose upper bound).
    assert!(started.elapsed().as_secs() < 120);

    // A cabinet whose data checksum is wrong.
    let mut cab = cab_of(&[("a.log".into(), log.clone())]);
    let n = cab.len();
    cab[n - 20] ^= 0xff;
    let report = report_of("bad.cab", &cab);
    assert!(
        report["inputs"]
            .to_string()
            .to_lowercase()
            .contains("checksum"),
        "{}",
        report["inputs"]
    );
}
