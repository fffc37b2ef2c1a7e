//! Hostile and broken inputs: every one gets a clear message naming the file, the rest
//! of the input is still analysed, nothing panics, and the exit code follows the contract.

mod common;

use std::io::Write;
use std::path::PathBuf;

use common::*;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "certdoctor-bad-input-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sample() -> String {
    root()
        .join("tests/fixtures/android/omadm-success.log")
        .to_string_lossy()
        .into_owned()
}

fn input<'a>(report: &'a serde_json::Value, suffix: &str) -> &'a serde_json::Value {
    report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no input ending {suffix} in {}", report["inputs"]))
}

fn no_panic(o: &std::process::Output) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn broken_files_are_errors_and_the_rest_is_analysed() {
    let dir = scratch("files");
    std::fs::write(dir.join("empty.cer"), b"").unwrap();
    std::fs::write(dir.join("empty.log"), b"").unwrap();
    let mut truncated = vec![
        0x30, 0x82, 0x04, 0x00, 0x30, 0x82, 0x03, 0xe8, 0xa0, 0x03, 0x02, 0x01, 0x02,
    ];
    truncated.extend(std::iter::repeat_n(0x41, 40));
    std::fs::write(dir.join("truncated.der"), &truncated).unwrap();
    std::fs::write(
        dir.join("bad-base64.pem"),
        "-----BEGIN CERTIFICATE-----\n!!not*base64@@\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let random: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(dir.join("random.cer"), &random).unwrap();
    std::fs::copy(sample(), dir.join("OMADM.log")).unwrap();

    let o = run(&[
        "diagnose",
        "--format",
        "json",
        "--now",
        NOW,
        dir.to_str().unwrap(),
    ]);
    no_panic(&o);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["verdict"], "delivered", "the good log still decides");
    assert_eq!(o.status.code(), Some(0));
    for (name, needle) in [
        ("empty.cer", "empty"),
        ("truncated.der", "truncated"),
        ("bad-base64.pem", "base64"),
        ("random.cer", ""),
    ] {
        let i = input(&report, name);
        assert_eq!(i["status"], "error", "{name}: {i}");
        let msg = i["error"].as_str().unwrap_or_default().to_ascii_lowercase();
        assert!(!msg.is_empty() && msg.contains(needle), "{name}: {msg}");
    }
    assert_eq!(input(&report, "empty.log")["status"], "ignored");
    assert_eq!(input(&report, "OMADM.log")["status"], "ok");
    let unparseable = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "CERT_UNPARSEABLE")
        .count();
    assert_eq!(unparseable, 4);
}

fn write_zip(path: &PathBuf, entries: &[(&str, &[u8])]) {
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        z.start_file(*name, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap();
}

#[test]
fn zip_bomb_and_escaping_names_stay_in_memory() {
    let dir = scratch("zip");
    let log = std::fs::read(sample()).unwrap();
    let zeros = vec![0u8; 70 * 1024 * 1024];
    let bundle = dir.join("bundle.zip");
    write_zip(
        &bundle,
        &[
            ("bomb.log", &zeros),
            ("../x", &log),
            ("logs/OMADM.log", &log),
        ],
    );
    let o = run(&[
        "diagnose",
        "--format",
        "json",
        "--now",
        NOW,
        bundle.to_str().unwrap(),
    ]);
    no_panic(&o);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let bomb = input(&report, "bundle.zip!/bomb.log");
    assert_eq!(bomb["status"], "error", "{bomb}");
    assert!(bomb["error"].as_str().unwrap().contains("64 MiB"), "{bomb}");
    assert_eq!(
        input(&report, "bundle.zip!/../x")["kind"],
        "android_omadm_log"
    );
    assert_eq!(input(&report, "bundle.zip!/logs/OMADM.log")["status"], "ok");
    assert!(!dir.join("x").exists() && !dir.parent().unwrap().join("x").exists());
    assert_eq!(report["verdict"], "delivered");
}

#[test]
fn nested_archives_two_levels_are_read_deeper_is_refused() {
    let dir = scratch("nested");
    let log = std::fs::read(sample()).unwrap();
    let zip_of = |name: &str, entries: &[(&str, &[u8])]| {
        let p = dir.join(name);
        write_zip(&p, entries);
        std::fs::read(&p).unwrap()
    };
    let inner = zip_of("inner.zip", &[("OMADM.log", &log)]);
    let middle = zip_of("middle.zip", &[("inner.zip", &inner)]);
    let deep = zip_of("deep.zip", &[("middle.zip", &middle)]);
    let outer = dir.join("outer.zip");
    write_zip(&outer, &[("deep.zip", &deep), ("middle.zip", &middle)]);
    let o = run(&[
        "diagnose",
        "--format",
        "json",
        "--now",
        NOW,
        outer.to_str().unwrap(),
    ]);
    no_panic(&o);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        input(&report, "outer.zip!/middle.zip!/inner.zip!/OMADM.log")["status"],
        "ok"
    );
    let deep = input(&report, "outer.zip!/deep.zip!/middle.zip!/inner.zip");
    assert_eq!(deep["status"], "error");
    assert!(deep["error"].as_str().unwrap().contains("nested"));
}

#[test]
fn missing_paths() {
    let o = run(&[
        "diagnose",
        "--format",
        "json",
        "--now",
        NOW,
        "/nonexistent/certdoctor-x",
        &sample(),
    ]);
    no_panic(&o);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let missing = input(&report, "certdoctor-x");
    assert_eq!(missing["status"], "error");
    assert!(missing["error"].as_str().unwrap().contains("no such file"));
    assert_eq!(o.status.code(), Some(0), "the exit follows the verdict");

    let o = run(&["diagnose", "/nonexistent/a", "/nonexistent/b"]);
    no_panic(&o);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("/nonexistent/a") && err.contains("/nonexistent/b"),
        "{err}"
    );

    let empty = scratch("emptydir");
    let o = run(&["diagnose", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn readable_files_without_evidence_are_inconclusive() {
    let dir = scratch("noevidence");
    std::fs::write(dir.join("notes.txt"), "hello, nothing to see here\n").unwrap();
    let (report, code) = json(&[dir.to_str().unwrap()]);
    assert_eq!(report["verdict"], "inconclusive");
    assert_eq!(code, 1);
    assert!(ids(&report).contains(&"NO_EVIDENCE".to_string()));
    assert_eq!(report["inputs"][0]["kind"], "unknown");
    assert_eq!(report["inputs"][0]["status"], "ignored");
}

#[test]
fn stdin_is_an_input() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_certdoctor"))
        .args(["diagnose", "--format", "json", "--now", NOW, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(sample()).unwrap())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["verdict"], "delivered");
    assert_eq!(report["inputs"][0]["path"], "(stdin)");
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["diagnose", "--now", "yesterday", "x"],
        vec!["diagnose", "--format", "pdf", "x"],
        vec!["diagnose"],
        vec!["frobnicate"],
    ] {
        let o = run(&args);
        no_panic(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(!o.stderr.is_empty());
    }
}

#[test]
fn windows_and_ios_bad_input() {
    let dir = scratch("platforms");
    let xml = std::fs::read_to_string(root().join("tests/fixtures/windows/event39.xml")).unwrap();
    let cut = xml.find("<EventID>39</EventID>").unwrap() + 200;
    std::fs::write(dir.join("cut.xml"), &xml[..cut]).unwrap();
    std::fs::write(
        dir.join("Admin.evtx"),
        b"not an event log at all, just text\n",
    )
    .unwrap();
    // UTF-16LE text behind a UTF-16BE byte-order mark.
    let ios = std::fs::read_to_string(root().join("tests/fixtures/ios/console-scep-installed.log"))
        .unwrap();
    let mut wrong = vec![0xFE, 0xFF];
    for u in ios.encode_utf16() {
        wrong.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(dir.join("wrong-bom.log"), &wrong).unwrap();
    let o = run(&[
        "diagnose",
        "--format",
        "json",
        "--now",
        NOW,
        dir.to_str().unwrap(),
    ]);
    no_panic(&o);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cut = input(&report, "cut.xml");
    assert_eq!(cut["kind"], "windows_dm_events");
    assert_eq!(cut["status"], "ok");
    assert!(
        report["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("cut off")),
        "{}",
        report["notices"]
    );
    let evtx = input(&report, "Admin.evtx");
    assert_eq!(evtx["status"], "error");
    assert!(evtx["error"].as_str().unwrap().contains("ElfFile"));
    // The text behind the mark decides, and a notice names the contradiction.
    let bom = input(&report, "wrong-bom.log");
    assert_eq!(bom["kind"], "ios_profiled_log", "{bom}");
    assert_eq!(bom["status"], "ok", "{bom}");
    assert!(
        report["notices"].as_array().unwrap().iter().any(|n| {
            let n = n.as_str().unwrap();
            n.contains("wrong-bom.log") && n.contains("says UTF-16BE but the text is UTF-16LE")
        }),
        "{}",
        report["notices"]
    );
    // The complete events before the cut still count: 306 and 36 were read.
    assert!(report["timeline"].as_array().unwrap().len() >= 2);
}
