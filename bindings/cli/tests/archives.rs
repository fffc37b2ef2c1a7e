//! Windows MDM diagnostics as they are handed over: a cabinet made by an independent
//! writer (Debian's `gcab`, MSZIP; tests/run-all.sh installs it) and Intune's zip holding
//! a cab, give the loose files' report apart from the paths; the CLI's `.evtx` decoder is
//! reached inside archives; stdin takes an archive too.

mod common;

use std::io::Write;
use std::process::Command;

use common::{NOW, root, run};

fn scratch(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("certdoctor-archives-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const FILES: [&str; 3] = [
    "tests/fixtures/windows-mdmdiag/MDMDiagReport.xml",
    "tests/fixtures/variants/windows/ev39-309-256.xml",
    "tests/fixtures/variants/windows/fake.evtx",
];

fn report(args: &[&str]) -> String {
    let mut all = vec!["diagnose", "--format", "json", "--no-redact", "--now", NOW];
    all.extend_from_slice(args);
    let o = run(&all);
    assert!(o.status.code().is_some_and(|c| c < 2), "{o:?}");
    String::from_utf8(o.stdout).unwrap()
}

/// A cabinet of `files` (by base name) written by gcab with MSZIP compression.
fn gcab(out: &std::path::Path, files: &[&str]) {
    let status = Command::new("gcab")
        .arg("-c")
        .arg("-z")
        .arg("-n") // names without their folders
        .arg(out)
        .args(files.iter().map(|f| root().join(f)))
        .status()
        .expect(
            "gcab is needed to build test cabinets (apt-get install gcab; tests/run-all.sh does)",
        );
    assert!(status.success());
}

#[test]
fn a_gcab_cabinet_and_a_zip_holding_it_read_like_the_loose_files() {
    let dir = scratch("cab");
    let loose_dir = dir.join("loose");
    std::fs::create_dir_all(&loose_dir).unwrap();
    for f in FILES {
        let name = f.rsplit('/').next().unwrap();
        std::fs::copy(root().join(f), loose_dir.join(name)).unwrap();
    }
    let loose =
        report(&[loose_dir.to_str().unwrap()]).replace(&format!("{}/", loose_dir.display()), "");
    assert!(loose.contains("windows_mdm_diag_report"), "{loose}");

    let cab = dir.join("mdmlogs.cab");
    gcab(&cab, &FILES);
    let c = cab.to_str().unwrap();
    let got = report(&[c]).replace(&format!("{c}!/"), "");
    assert!(got == loose, "{got}\n---\n{loose}");

    // Intune's Collect diagnostics: a zip with the cab inside.
    let zip = dir.join("DiagLogs.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&zip).unwrap());
    w.start_file(
        "(98)Mdmlogs/mdmlogs-2025_03_14.cab",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    w.write_all(&std::fs::read(&cab).unwrap()).unwrap();
    w.finish().unwrap();
    let z = zip.to_str().unwrap();
    let got = report(&[z]).replace(&format!("{z}!/(98)Mdmlogs/mdmlogs-2025_03_14.cab!/"), "");
    assert!(got == loose, "{got}");
}

#[test]
fn stdin_takes_a_tar_gz() {
    let dir = scratch("stdin");
    let tgz = dir.join("logs.tgz");
    let status = Command::new("tar")
        .arg("-czf")
        .arg(&tgz)
        .arg("-C")
        .arg(root().join("tests/fixtures/android"))
        .arg("omadm-success.log")
        .status()
        .unwrap();
    assert!(status.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_certdoctor"))
        .args(["diagnose", "--format", "json", "--now", NOW, "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(&tgz).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["inputs"][0]["path"], "(stdin)!/omadm-success.log");
    assert_eq!(v["verdict"], "delivered");
}
