//! Peer check against the openssl CLI: every certificate file of the system store
//! (`/etc/ssl/certs`) is parsed by certdoctor and by `openssl x509`; fingerprints, serial,
//! notAfter and subject CN must agree, and every self-signed root's signature must verify
//! (unless its algorithm is one certdoctor does not support). Skips, with a message, when
//! openssl or the store is missing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use certdoctor_core::chain::signature::Verification;
use certdoctor_core::chain::verify_signature;
use certdoctor_core::evidence::Certificate;
use certdoctor_core::parsers::certs::parse_certificate_file;

const STORE: &str = "/etc/ssl/certs";

fn openssl(args: &[&str], file: &Path) -> Option<String> {
    let out = Command::new("openssl")
        .arg("x509")
        .arg("-in")
        .arg(file)
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn value<'a>(out: &'a str, prefix: &str) -> Option<&'a str> {
    out.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .map(str::trim)
}

fn openssl_date(t: time::OffsetDateTime) -> String {
    let f = time::macros::format_description!(
        "[month repr:short] [day padding:space] [hour]:[minute]:[second] [year] GMT"
    );
    t.format(&f).unwrap_or_default()
}

/// Certificate files of the store: symlinks resolved, each target once.
fn store_files() -> Vec<PathBuf> {
    let Ok(dir) = std::fs::read_dir(STORE) else {
        return Vec::new();
    };
    let mut seen = BTreeSet::new();
    for entry in dir.flatten() {
        if let Ok(real) = std::fs::canonicalize(entry.path())
            && real.is_file()
        {
            seen.insert(real);
        }
    }
    seen.into_iter().collect()
}

fn compare(file: &Path, cert: &Certificate, problems: &mut Vec<String>) -> bool {
    let Some(main) = openssl(
        &[
            "-noout",
            "-fingerprint",
            "-sha256",
            "-serial",
            "-enddate",
            "-subject",
            "-nameopt",
            "multiline,utf8,-esc_msb",
        ],
        file,
    ) else {
        return false;
    };
    let Some(sha1) = openssl(&["-noout", "-fingerprint", "-sha1"], file) else {
        return false;
    };
    let name = file.display();
    let fp = |s: Option<&str>| s.map(|v| v.replace(':', "")).unwrap_or_default();
    let sha256 =
        fp(value(&main, "sha256 Fingerprint=").or_else(|| value(&main, "SHA256 Fingerprint=")));
    if sha256 != cert.sha256 {
        problems.push(format!(
            "{name}: sha256 {} vs openssl {sha256}",
            cert.sha256
        ));
    }
    let sha1 = fp(value(&sha1, "sha1 Fingerprint=").or_else(|| value(&sha1, "SHA1 Fingerprint=")));
    if sha1 != cert.sha1 {
        problems.push(format!("{name}: sha1 {} vs openssl {sha1}", cert.sha1));
    }
    let serial = value(&main, "serial=").unwrap_or_default();
    if serial != cert.serial_hex {
        problems.push(format!(
            "{name}: serial {} vs openssl {serial}",
            cert.serial_hex
        ));
    }
    let not_after = value(&main, "notAfter=").unwrap_or_default();
    if not_after != openssl_date(cert.not_after) {
        problems.push(format!(
            "{name}: notAfter {} vs openssl {not_after}",
            openssl_date(cert.not_after)
        ));
    }
    let cns: Vec<&str> = main
        .lines()
        .filter_map(|l| l.trim().strip_prefix("commonName"))
        .map(|l| l.trim_start().trim_start_matches('=').trim())
        .collect();
    match (&cert.subject_cn, cns.as_slice()) {
        (None, []) => {}
        (Some(cn), [only]) if cn == only => {}
        (Some(cn), many) if many.len() > 1 && many.contains(&cn.as_str()) => {}
        (mine, theirs) => {
            problems.push(format!("{name}: subject CN {mine:?} vs openssl {theirs:?}"))
        }
    }
    true
}

#[test]
fn openssl_peer() {
    if Command::new("openssl").arg("version").output().is_err() {
        println!("openssl peer: SKIPPED, the openssl CLI is not installed");
        return;
    }
    let files = store_files();
    if files.is_empty() {
        println!("openssl peer: SKIPPED, no certificate files in {STORE}");
        return;
    }
    let mut compared = 0usize;
    let mut roots = 0usize;
    let mut unsupported = Vec::new();
    let mut problems = Vec::new();
    // Roots already checked (the store's bundle repeats every single-file root).
    let mut checked = BTreeSet::new();
    for file in &files {
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        let Ok(parsed) = parse_certificate_file(&bytes) else {
            // Not a certificate file (e.g. a stray text file); openssl must agree.
            if openssl(&["-noout"], file).is_some() {
                problems.push(format!(
                    "{}: openssl reads it, certdoctor does not",
                    file.display()
                ));
            }
            continue;
        };
        for cert in &parsed.certificates {
            if cert.self_issued() && checked.insert(cert.sha256.clone()) {
                roots += 1;
                match verify_signature(cert, cert) {
                    Verification::Valid => {}
                    Verification::Invalid => problems.push(format!(
                        "{}: self-signature of {} does not verify",
                        file.display(),
                        cert.subject
                    )),
                    Verification::Unsupported(a) => {
                        unsupported.push(format!("{} ({a})", cert.subject))
                    }
                }
            }
        }
        // openssl x509 reads only the first certificate of a file; bundles are compared
        // through their single-certificate copies in the store.
        if parsed.certificates.len() == 1 && compare(file, &parsed.certificates[0], &mut problems) {
            compared += 1;
        }
    }
    println!(
        "openssl peer: {compared} certificates compared, {roots} self-signed signatures checked"
    );
    for u in &unsupported {
        println!("openssl peer: self-signature not checked, unsupported algorithm: {u}");
    }
    assert!(
        problems.is_empty(),
        "{} disagreements:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
