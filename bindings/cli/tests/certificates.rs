//! Certificates end to end: inventory, chains and their findings together with logs.

mod common;

use common::{active, run};

const C: &str = "tests/fixtures/certs";
/// The openssl fixtures are valid from 2026-11-25 for a century.
const CERT_NOW: &str = "2027-01-01T00:00:00Z";

fn cert_args(files: &[&str]) -> Vec<String> {
    files.iter().map(|f| format!("{C}/{f}")).collect()
}

fn run_json(now: &str, paths: &[String]) -> (serde_json::Value, i32) {
    let mut args = vec!["diagnose", "--format", "json", "--now", now];
    args.extend(paths.iter().map(String::as_str));
    let o = run(&args);
    (
        serde_json::from_slice(&o.stdout).expect("json"),
        o.status.code().unwrap_or(-1),
    )
}

#[test]
fn a_client_leaf_with_its_root_is_delivered() {
    let (r, code) = run_json(
        CERT_NOW,
        &cert_args(&["openssl-pss-sha256-leaf.pem", "openssl-root.pem"]),
    );
    assert_eq!(r["verdict"], "delivered", "{}", r["findings"]);
    assert_eq!(code, 0);
    let chain = &r["chains"][0];
    assert_eq!(chain["complete"], true);
    assert_eq!(chain["signatures_valid"], true);
    assert_eq!(chain["path"].as_array().unwrap().len(), 2);
    let leaf = r["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == "leaf")
        .unwrap();
    assert_eq!(leaf["signature_algorithm"], "rsassaPss");
    assert_eq!(
        leaf["extended_key_usage"],
        serde_json::json!(["client_auth"])
    );
}

#[test]
fn a_leaf_without_its_root_is_incomplete() {
    let (r, code) = run_json(CERT_NOW, &cert_args(&["openssl-pss-sha256-leaf.pem"]));
    assert_eq!(r["verdict"], "failed");
    assert_eq!(code, 1);
    assert!(active(&r, "error").contains(&"CHAIN_INCOMPLETE".to_string()));
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "CHAIN_INCOMPLETE")
        .unwrap();
    assert_eq!(f["certificate"], r["chains"][0]["leaf_sha256"]);
}

#[test]
fn the_wrong_ca_is_named_as_the_store_check_says() {
    let (r, _) = run_json(
        CERT_NOW,
        &cert_args(&[
            "openssl-pss-sha256-leaf.pem",
            "openssl-ec-p384-sha256-root.pem",
        ]),
    );
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "CHAIN_INCOMPLETE")
        .unwrap();
    assert!(f["detail"].as_str().unwrap().contains("Issued By"), "{f}");
}

#[test]
fn weak_signatures_and_keys_are_warnings() {
    let (r, _) = run_json(
        CERT_NOW,
        &cert_args(&[
            "openssl-sha1-leaf.pem",
            "openssl-md5-leaf.pem",
            "openssl-rsa1024-leaf.pem",
            "openssl-root.pem",
        ]),
    );
    let warnings = active(&r, "warning");
    assert_eq!(
        warnings
            .iter()
            .filter(|w| *w == "CERT_WEAK_SIGNATURE")
            .count(),
        2,
        "{warnings:?}"
    );
    assert!(warnings.contains(&"CERT_WEAK_KEY".to_string()));
    assert_eq!(
        r["verdict"], "delivered",
        "warnings never change the verdict"
    );
}

#[test]
fn a_pkcs7_bundle_deduplicates_with_pem_files_and_keeps_every_source() {
    let (r, _) = run_json(
        CERT_NOW,
        &cert_args(&["openssl-bundle.p7b", "openssl-root.pem"]),
    );
    let certs = r["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 3);
    let root = certs.iter().find(|c| c["role"] == "root").unwrap();
    assert_eq!(root["sources"].as_array().unwrap().len(), 2, "{root}");
    let kinds: Vec<&str> = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["pkcs7", "certificate"]);
}

#[test]
fn a_log_that_says_installed_and_an_expired_certificate_is_failed() {
    let mut paths = cert_args(&["openssl-pss-sha256-leaf.pem", "openssl-root.pem"]);
    paths.push("tests/fixtures/android/omadm-success.log".into());
    let (r, code) = run_json("2130-01-01T00:00:00Z", &paths);
    assert_eq!(r["verdict"], "failed");
    assert_eq!(code, 1);
    assert!(active(&r, "error").contains(&"CERT_EXPIRED".to_string()));
    let (r, code) = run_json(CERT_NOW, &paths);
    assert_eq!((r["verdict"].as_str().unwrap(), code), ("delivered", 0));
}

#[test]
fn the_leaf_subject_is_redacted_but_the_ca_name_is_not() {
    let (r, _) = run_json(
        CERT_NOW,
        &cert_args(&["openssl-pss-sha256-leaf.pem", "openssl-root.pem"]),
    );
    let certs = r["certificates"].as_array().unwrap();
    let leaf = certs.iter().find(|c| c["role"] == "leaf").unwrap();
    let root = certs.iter().find(|c| c["role"] == "root").unwrap();
    assert!(
        leaf["subject_cn"].as_str().unwrap().starts_with("‹person-"),
        "{leaf}"
    );
    assert_eq!(root["subject_cn"], "certdoctor Fixture RSA Root");
    assert_eq!(leaf["issuer_cn"], "certdoctor Fixture RSA Root");
}
