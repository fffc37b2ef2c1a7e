//! `certdoctor probe` against a real SCEP responder on 127.0.0.1 (tests/scep_responder):
//! a working NDES over HTTP and HTTPS, and each way an endpoint fails. Every case checks
//! the finding, the exit code and that the run ended within its bound without a panic.
//! No traffic leaves the loopback: the one name lookup is of a name RFC 6761 reserves as
//! never resolving, which the CLI answers itself without a query.

mod common;
mod scep_responder;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rcgen::KeyUsagePurpose;
use scep_responder::{Ca, Issued, Reply, Responder, pkcs7, tls_config};

const CAPS: &[u8] = b"POSTPKIOperation\r\nRenewal\r\nSHA-512\r\nSHA-256\r\nSHA-1\r\nDES3\r\n";
const CA_RA: &str = "application/x-x509-ca-ra-cert";

/// The longest any probe run may take here: every server wait is shorter.
const RUN_BOUND: Duration = Duration::from_secs(30);

struct Run {
    report: serde_json::Value,
    code: i32,
    stderr: String,
    took: Duration,
}

/// Runs the probe with `args`, no proxy from the environment, and a bound on the wait.
fn probe(args: &[&str]) -> Run {
    let mut all = vec![
        "probe",
        "--format",
        "json",
        "--now",
        common::NOW,
        "--no-redact",
    ];
    all.extend_from_slice(args);
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_certdoctor"))
        .args(&all)
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run certdoctor");
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > RUN_BOUND {
            let _ = child.kill();
            panic!("certdoctor probe {args:?} ran past {RUN_BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report = if out.stdout.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
    };
    Run {
        report,
        code: out.status.code().unwrap_or(-1),
        stderr,
        took,
    }
}

/// The findings as (id, detail).
fn findings(r: &Run) -> Vec<(String, String)> {
    r.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn ids(r: &Run) -> Vec<String> {
    findings(r).into_iter().map(|(id, _)| id).collect()
}

/// Expects exactly one finding `id` whose detail contains `words`, verdict failed, exit 1.
fn fails_with(r: &Run, id: &str, words: &str) {
    let f = findings(r);
    assert_eq!(ids(r), vec![id.to_string()], "{f:?}");
    assert!(f[0].1.contains(words), "{:?} lacks {words:?}", f[0].1);
    assert_eq!(r.report["verdict"], "failed");
    assert_eq!(r.report["probe"]["working"], false);
    assert_eq!(r.code, 1, "{}", r.stderr);
}

struct Ndes {
    ca: Ca,
    sign: Issued,
    enc: Issued,
}

fn ndes() -> Ndes {
    let ca = Ca::new("Contoso Issuing CA");
    let sign = ca.ra(KeyUsagePurpose::DigitalSignature, true, (2028, 1, 1));
    let enc = ca.ra(KeyUsagePurpose::KeyEncipherment, true, (2028, 1, 1));
    Ndes { ca, sign, enc }
}

/// A responder that answers GetCACaps with NDES's list and GetCACert with `reply`.
fn serving(reply: Vec<u8>) -> impl Fn(&scep_responder::Request) -> Reply + Send + Sync {
    move |req| match req.operation() {
        "GetCACaps" => Reply::ok("text/plain", CAPS),
        "GetCACert" => Reply::ok(CA_RA, &reply),
        _ => Reply::status(400, "text/plain", b"bad operation"),
    }
}

fn full_reply(n: &Ndes) -> Vec<u8> {
    pkcs7(&[&n.sign.der, &n.enc.der, &n.ca.der])
}

#[test]
fn a_working_ndes_over_http() {
    let n = ndes();
    let server = Responder::http(serving(full_reply(&n)));
    let r = probe(&[&server.url("http", "127.0.0.1")]);
    assert_eq!(ids(&r), Vec::<String>::new(), "{:?}", findings(&r));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.report["verdict"], "inconclusive");
    let p = &r.report["probe"];
    assert_eq!(p["working"], true);
    let requests = p["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0]["operation"], "GetCACaps");
    assert_eq!(requests[1]["operation"], "GetCACert");
    assert_eq!(requests[1]["status"], 200);
    assert_eq!(requests[1]["content_type"], CA_RA);
    assert_eq!(requests[1]["size"], full_reply(&n).len());
    assert!(p["tls"].is_null());
    assert_eq!(p["capabilities"].as_array().unwrap().len(), 6);
    assert_eq!(p["ra"].as_array().unwrap().len(), 2);
    assert_eq!(r.report["certificates"].as_array().unwrap().len(), 3);
    // Read-only: exactly the two GETs, never a PKIOperation.
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter()
            .all(|l| l.starts_with("GET ") && !l.contains("PKIOperation"))
    );
}

#[test]
fn a_working_ndes_over_https_and_its_tls_chain() {
    let n = ndes();
    let tls_root = Ca::new("Test TLS Root");
    let cert = tls_root.server(&["127.0.0.1"], (2024, 1, 1), (2040, 1, 1));
    let server = Responder::https(tls_config(&cert, &tls_root), serving(full_reply(&n)));
    let ca_file = ca_file(&tls_root);
    let r = probe(&[
        "--ca-file",
        ca_file.to_str().unwrap(),
        &server.url("https", "127.0.0.1"),
    ]);
    assert_eq!(ids(&r), Vec::<String>::new(), "{:?}", findings(&r));
    assert_eq!(r.code, 0);
    let tls = &r.report["probe"]["tls"];
    assert_eq!(tls["result"], "ok");
    assert!(tls["protocol"].as_str().unwrap().starts_with("TLSv1."));
    let peers = tls["peer_certificates"].as_array().unwrap();
    assert_eq!(peers.len(), 2);
    assert_eq!(peers[0]["subject"], "CN=127.0.0.1");
    assert_eq!(peers[1]["subject"], "CN=Test TLS Root");
}

#[test]
fn http_403_404_and_500() {
    for (status, words) in [
        (403, "HTTP 403 Forbidden"),
        (404, "HTTP 404 Not Found"),
        (500, "HTTP 500: NDES itself failed"),
    ] {
        let server = Responder::http(move |_| {
            Reply::status(status, "text/html", b"<html><body>IIS</body></html>")
        });
        let r = probe(&[&server.url("http", "127.0.0.1")]);
        fails_with(&r, "SCEP_SERVER_UNREACHABLE", words);
        let requests = r.report["probe"]["requests"].as_array().unwrap();
        assert!(requests.iter().all(|q| q["status"] == status));
    }
}

#[test]
fn a_slow_server_past_the_timeout() {
    let server = Responder::http(|_| Reply::Silence(Duration::from_secs(3)));
    let r = probe(&["--timeout", "1", &server.url("http", "127.0.0.1")]);
    fails_with(&r, "SCEP_SERVER_UNREACHABLE", "got no answer in time");
    assert_eq!(r.report["probe"]["requests"][0]["failure"], "timeout");
    assert!(r.took < Duration::from_secs(3), "took {:?}", r.took);
}

#[test]
fn a_closed_port() {
    // Bind, learn the port, close: nothing listens there any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let r = probe(&[&format!("http://127.0.0.1:{port}/certsrv/mscep/mscep.dll")]);
    fails_with(&r, "SCEP_SERVER_UNREACHABLE", "no connection to 127.0.0.1");
    assert_eq!(r.report["probe"]["requests"][0]["failure"], "connect");
    assert_eq!(
        r.report["probe"]["requests"].as_array().unwrap().len(),
        1,
        "GetCACert is not tried once GetCACaps found no server"
    );
}

#[test]
fn a_name_that_does_not_resolve() {
    let r = probe(&["https://ndes.contoso.invalid/certsrv/mscep/mscep.dll"]);
    fails_with(&r, "SCEP_SERVER_UNREACHABLE", "did not resolve");
    assert_eq!(r.report["probe"]["requests"][0]["failure"], "dns");
}

#[test]
fn an_html_page_where_pkcs7_was_expected() {
    let server = Responder::http(|req| match req.operation() {
        "GetCACaps" => Reply::ok("text/plain", CAPS),
        _ => Reply::ok(
            "text/html",
            b"<!DOCTYPE html><html><head><title>Sign in to your account</title></head></html>",
        ),
    });
    let r = probe(&[&server.url("http", "127.0.0.1")]);
    fails_with(
        &r,
        "SCEP_SERVER_INVALID_RESPONSE",
        "HTML page (Sign in to your account)",
    );
}

#[test]
fn a_pkcs7_without_an_ra() {
    let n = ndes();
    let server = Responder::http(serving(pkcs7(&[&n.ca.der])));
    let r = probe(&[&server.url("http", "127.0.0.1")]);
    fails_with(&r, "SCEP_SERVER_INVALID_RESPONSE", "no RA certificate");
}

#[test]
fn an_expired_ra() {
    let n = ndes();
    let old =
        n.ca.ra(KeyUsagePurpose::KeyEncipherment, true, (2026, 3, 1));
    let server = Responder::http(serving(pkcs7(&[&n.sign.der, &old.der, &n.ca.der])));
    let r = probe(&[&server.url("http", "127.0.0.1")]);
    fails_with(&r, "CERT_EXPIRED", "NDES01-MSCEP-RA");
    assert_eq!(r.report["findings"][0]["step"], 2);
}

#[test]
fn an_ra_lacking_its_usages() {
    let n = ndes();
    let bare = n.ca.ra(KeyUsagePurpose::CrlSign, false, (2028, 1, 1));
    let server = Responder::http(serving(pkcs7(&[&bare.der, &n.ca.der])));
    let r = probe(&[&server.url("http", "127.0.0.1")]);
    assert_eq!(
        ids(&r),
        vec![
            "SCEP_RA_CERT_UNUSABLE",
            "SCEP_RA_CERT_UNUSABLE",
            "SCEP_RA_NOT_REQUEST_AGENT"
        ]
    );
    let f = findings(&r);
    assert!(f[0].1.contains("digital signatures") && f[1].1.contains("key encipherment"));
    assert_eq!(r.code, 1);
}

#[test]
fn a_ca_thumbprint_mismatch_and_match() {
    let n = ndes();
    let server = Responder::http(serving(full_reply(&n)));
    let url = server.url("http", "127.0.0.1");
    let r = probe(&["--ca-thumbprint", &"AB".repeat(20), &url]);
    fails_with(&r, "SCEP_CA_THUMBPRINT_MISMATCH", &"AB".repeat(20));
    let ca_sha1 = r.report["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["subject_cn"] == "Contoso Issuing CA")
        .unwrap()["sha1"]
        .as_str()
        .unwrap()
        .to_string();
    let r = probe(&["--ca-thumbprint", &ca_sha1.to_lowercase(), &url]);
    assert_eq!(ids(&r), Vec::<String>::new());
    assert_eq!(r.code, 0);
}

#[test]
fn tls_untrusted_expired_and_wrong_host() {
    let n = ndes();
    let tls_root = Ca::new("Test TLS Root");
    let ca_file = ca_file(&tls_root);
    let ca_arg = ca_file.to_str().unwrap();
    let cases: [(Issued, bool, &str, &str); 3] = [
        // A root the system does not trust (no --ca-file).
        (
            tls_root.server(&["127.0.0.1"], (2024, 1, 1), (2040, 1, 1)),
            false,
            "untrusted",
            "is not trusted",
        ),
        (
            tls_root.server(&["127.0.0.1"], (2019, 1, 1), (2020, 1, 1)),
            true,
            "expired",
            "has expired",
        ),
        (
            tls_root.server(&["ndes.example.test"], (2024, 1, 1), (2040, 1, 1)),
            true,
            "wrong_host",
            "does not name 127.0.0.1",
        ),
    ];
    for (cert, trust, result, words) in cases {
        let server = Responder::https(tls_config(&cert, &tls_root), serving(full_reply(&n)));
        let url = server.url("https", "127.0.0.1");
        let mut args = vec![url.as_str()];
        if trust {
            args.splice(0..0, ["--ca-file", ca_arg]);
        }
        let r = probe(&args);
        fails_with(&r, "SCEP_SERVER_UNREACHABLE", words);
        let tls = &r.report["probe"]["tls"];
        assert_eq!(tls["result"], result);
        assert_eq!(
            tls["peer_certificates"][0]["sha256"]
                .as_str()
                .unwrap()
                .len(),
            64,
            "the chain the server sent is recorded even when refused"
        );
        assert_eq!(r.report["probe"]["requests"][0]["failure"], "tls");
    }
}

#[test]
fn a_redirect_loop_and_a_downgrade() {
    let server = Responder::http(|req| Reply::redirect(&req.target));
    let r = probe(&[&server.url("http", "127.0.0.1")]);
    let f = findings(&r);
    assert_eq!(ids(&r), vec!["SCEP_SERVER_UNREACHABLE"], "{f:?}");
    assert!(f[0].1.contains("more than 3 times"), "{}", f[0].1);
    assert_eq!(r.code, 1);
    // Each operation: the request and 3 redirects followed.
    assert_eq!(r.report["probe"]["requests"].as_array().unwrap().len(), 8);
    assert_eq!(server.seen.lock().unwrap().len(), 8);

    let tls_root = Ca::new("Test TLS Root");
    let cert = tls_root.server(&["127.0.0.1"], (2024, 1, 1), (2040, 1, 1));
    let plain = Responder::http(|_| Reply::ok("text/plain", CAPS));
    let target = plain.url("http", "127.0.0.1");
    let server = Responder::https(tls_config(&cert, &tls_root), move |_| {
        Reply::redirect(&target)
    });
    let ca_file = ca_file(&tls_root);
    let r = probe(&[
        "--ca-file",
        ca_file.to_str().unwrap(),
        &server.url("https", "127.0.0.1"),
    ]);
    fails_with(&r, "SCEP_SERVER_UNREACHABLE", "from https to http");
    assert!(
        plain.seen.lock().unwrap().is_empty(),
        "the http target is never asked"
    );
}

#[test]
fn a_100_mb_body() {
    let server = Responder::http(|req| match req.operation() {
        "GetCACaps" => Reply::ok("text/plain", CAPS),
        _ => Reply::Huge(100 * 1024 * 1024),
    });
    let r = probe(&[&server.url("http", "127.0.0.1")]);
    fails_with(
        &r,
        "SCEP_SERVER_INVALID_RESPONSE",
        "larger than 1048576 bytes",
    );
    let q = &r.report["probe"]["requests"][1];
    assert_eq!(q["truncated"], true);
    assert_eq!(q["size"], 1024 * 1024);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["ndes.contoso.com"],
        vec!["https://user:secret@ndes.contoso.com/"],
        vec!["--ca-thumbprint", "12345", "https://ndes.contoso.com/"],
        vec!["--timeout", "0", "https://ndes.contoso.com/"],
        vec![
            "--ca-file",
            "/nonexistent/ca.pem",
            "https://ndes.contoso.com/",
        ],
        vec!["--now", "yesterday", "https://ndes.contoso.com/"],
    ] {
        let r = probe(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.report.is_null(), "no report for a usage error");
    }
}

#[test]
fn redacted_by_default_and_the_same_bytes_for_the_same_answers() {
    let n = ndes();
    let server = Responder::http(serving(full_reply(&n)));
    let url = server.url("http", "localhost");
    let run = |fmt: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_certdoctor"))
            .args(["probe", "--format", fmt, "--now", common::NOW, &url])
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy")
            .env_remove("ALL_PROXY")
            .env_remove("all_proxy")
            .env("LANG", "C.UTF-8")
            .output()
            .unwrap();
        (String::from_utf8(o.stdout).unwrap(), o.status.code())
    };
    let (text, code) = run("text");
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("localhost"), "{text}");
    assert!(text.contains("‹host-"), "{text}");
    assert!(text.contains("SCEP server test"));
    // Timings differ run to run; everything else is the same.
    let strip = |s: String| {
        s.lines()
            .filter(|l| !l.contains("\"millis\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(run("json").0), strip(run("json").0));
}

/// A fresh directory under the target directory, for files the CLI reads.
fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "probe-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `root`'s certificate in a PEM file of its own, for `--ca-file`.
fn ca_file(root: &Ca) -> std::path::PathBuf {
    let file = tempdir().join("tls-root.pem");
    std::fs::write(&file, root.pem()).unwrap();
    file
}

#[test]
fn diagnose_names_the_probe_for_the_scep_url_of_the_evidence() {
    let next = |args: &[&str]| {
        let mut all = vec!["diagnose", "--format", "json", "--now", common::NOW];
        all.extend_from_slice(args);
        let out = common::run(&all);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["next_action"].as_str().unwrap().to_string()
    };
    let log = "tests/fixtures/android/omadm-ndes-http-500.log";
    // Without redaction the command is given in full, ready to run.
    assert!(
        next(&["--no-redact", log])
            .ends_with("certdoctor probe https://scep.litware-example.org/certsrv/mscep/mscep.dll"),
        "{}",
        next(&["--no-redact", log])
    );
    // Redacted, the host is a token: the words say where the real URL is.
    let redacted = next(&[log]);
    assert!(redacted.contains("run certdoctor probe with the NDES URL of the SCEP profile"));
    assert!(!redacted.contains("litware-example"), "{redacted}");
    // A delivered certificate needs no probe.
    assert!(!next(&["tests/fixtures/android/omadm-success.log"]).contains("certdoctor probe"));
}
