//! `--format html`, `--lang` and `--bundle` end to end: the share bundle holds the three
//! reports in a fixed order and its bytes repeat for the same input and `--now`.

mod common;

use std::io::Read;

use common::{NOW, root, run, stdout};

const SEED: &str = "tests/fixtures/seed/android-seed.log";

fn bundle_bytes(name: &str, lang: &str) -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!("certdoctor-bundle-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("out.zip");
    let o = run(&[
        "diagnose",
        "--now",
        NOW,
        "--lang",
        lang,
        "--bundle",
        out.to_str().expect("utf-8 path"),
        SEED,
    ]);
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let bytes = std::fs::read(&out).expect("bundle written");
    let _ = std::fs::remove_dir_all(&dir);
    bytes
}

#[test]
fn bundle_is_byte_identical_and_holds_three_reports() {
    let a = bundle_bytes("a", "en");
    let b = bundle_bytes("b", "en");
    assert_eq!(a, b, "same input and --now must give the same bundle bytes");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(a)).expect("a zip");
    let names: Vec<String> = (0..zip.len())
        .map(|i| {
            zip.by_index(i)
                .expect("entry")
                .name()
                .expect("entry name")
                .to_string()
        })
        .collect();
    assert_eq!(names, ["report.html", "report.txt", "report.json"]);
    let mut html = String::new();
    zip.by_name("report.html")
        .expect("html")
        .read_to_string(&mut html)
        .expect("utf-8");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<html lang=\"en\">"));
    let mut json = String::new();
    zip.by_name("report.json")
        .expect("json")
        .read_to_string(&mut json)
        .expect("utf-8");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json entry parses");
    assert_eq!(v["generated_at"], NOW);
}

#[test]
fn bundle_in_traditional_chinese_differs_only_in_words() {
    let zh = bundle_bytes("zh", "zh-Hant");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zh)).expect("a zip");
    let mut html = String::new();
    zip.by_name("report.html")
        .expect("html")
        .read_to_string(&mut html)
        .expect("utf-8");
    assert!(html.contains("<html lang=\"zh-Hant\">"), "lang attribute");
    assert!(html.contains("憑證"), "Chinese text");
}

#[test]
fn html_format_and_languages_on_stdout() {
    let o = run(&[
        "diagnose", "--format", "html", "--now", NOW, "--lang", "zh-Hant", SEED,
    ]);
    let html = stdout(&o);
    assert!(html.contains("<html lang=\"zh-Hant\">"));
    assert!(html.contains("已送達"), "verdict word in zh-Hant");
    assert!(!html.contains("<script"), "no script needed");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing to fetch"
    );

    let o = run(&["diagnose", "--now", NOW, "--lang", "zh-Hant", SEED]);
    let text = stdout(&o);
    assert!(text.contains("2026年6月1日 00:00 UTC"), "{text}");

    let o = run(&[
        "diagnose", "--format", "json", "--now", NOW, "--lang", "zh-Hant", SEED,
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        v["verdict"], "delivered",
        "enum values are never translated"
    );
    assert_eq!(v["generated_at"], NOW, "JSON keeps RFC 3339");

    let o = run(&["diagnose", "--lang", "fr", SEED]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn environment_picks_traditional_chinese() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_certdoctor"))
        .args(["diagnose", "--format", "json", "--now", NOW, SEED])
        .current_dir(root())
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "zh_TW.UTF-8")
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["lang"], "zh-Hant");
}
