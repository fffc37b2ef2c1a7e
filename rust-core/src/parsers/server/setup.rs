//! The Intune Certificate Connector's setup log (issue 21): the Windows Installer verbose
//! log of the connector's MSI (`msiexec /l*v`, `MSI (s) (A8:3C) [09:41:31:150]: …`) or the
//! log of its setup bundle (`[2E44:1A08][2026-02-03T09:40:58]i001: Burn v3.14 …`), from
//! the legacy Microsoft Intune Connector, the PFX connector or the Certificate Connector
//! for Microsoft Intune. The connector is the server component; a failed setup is
//! connector-wide trouble (no request can be verified), a successful one holds no SCEP
//! activity. Lines are matched by their message anywhere; nothing here decides.

use std::sync::Arc;

use crate::evidence::server::{ServerFact, ServerKeys};
use crate::evidence::{LogTime, ServerComponent, find_ascii_ci};
use crate::parsers::{LogOutput, LogParser};

use super::{Sink, code_label, find_hresult, has, log_time};
use crate::contract::InputKind;
use crate::input::Head;
use crate::parsers::{InputFormat, InputPath, Reader, Signal};

/// Names of the connector products in their installers.
const PRODUCTS: &[&str] = &[
    "Intune Connector",
    "Certificate Connector for Microsoft Intune",
    "PFX Certificate Connector",
    "NDESConnector",
    "IntuneCertificateConnector",
    "Certificate_Connector_for_Microsoft_Intune",
];

/// Causes kept for the finding's detail.
const MAX_CAUSES: usize = 4;

/// A line of a Windows Installer verbose log or of a WiX setup bundle's log.
fn installer_line(l: &str) -> bool {
    let t = l.trim_start();
    t.starts_with("MSI (s) (")
        || t.starts_with("MSI (c) (")
        || t.starts_with("=== Verbose logging started")
        || t.starts_with("=== Logging started")
        || t.starts_with("Action start ")
        || (t.starts_with('[') && bundle_time(t).is_some())
}

/// The date-time of a bundle line, `[2E44:1A08][2026-02-03T09:40:58]…`.
fn bundle_time(t: &str) -> Option<LogTime> {
    let rest = t.strip_prefix('[')?;
    let (_, rest) = rest.split_once("][")?;
    let (ts, _) = rest.split_once(']')?;
    log_time(ts)
}

/// The time of day of an MSI line, `MSI (s) (A8:3C) [09:41:31:150]: …`.
fn msi_time(t: &str) -> Option<LogTime> {
    let i = t.find(") [")?;
    let rest = &t[i + 3..];
    let (clock, _) = rest.split_once(']')?;
    let mut parts = clock.split(':');
    let mut n = || parts.next()?.parse::<i128>().ok();
    let (h, m, s, ms) = (n()?, n()?, n()?, n().unwrap_or(0));
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(LogTime {
        text: clock.to_string(),
        order_key: Some((((h * 60 + m) * 60 + s) * 1000 + ms) * 1_000_000),
        has_date: false,
    })
}

/// `=== Verbose logging started: 2/3/2026  9:41:07  Build type: …` → its date and time.
fn banner_time(t: &str) -> Option<LogTime> {
    let i = t.find(": ")?;
    let rest = t[i + 2..].trim_start();
    let mut toks = rest.split_whitespace();
    let d = toks.next()?;
    let c = toks.next()?;
    log_time(&format!("{d} {c}"))
}

/// What a line says about the installation's outcome.
enum Outcome {
    Succeeded,
    /// A failure, with the code it names (if any).
    Failed(Option<u32>),
    /// A cause of failure (a custom action's error, a crypto call that failed).
    Cause(Option<u32>),
}

fn outcome(t: &str) -> Option<Outcome> {
    let code = || find_hresult(t);
    if has(t, "Installation completed successfully")
        || has(t, "Configuration completed successfully")
    {
        return Some(Outcome::Succeeded);
    }
    if let Some(i) = find_ascii_ci(t, "Installation success or error status:") {
        let n: String = t[i + 37..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        return match n.parse::<u32>() {
            Ok(0) => Some(Outcome::Succeeded),
            Ok(e) => Some(Outcome::Failed(Some(win32_hresult(e)))),
            Err(_) => None,
        };
    }
    if let Some(i) = find_ascii_ci(t, "Apply complete, result: ") {
        let v = t[i + 24..].split([',', ' ']).next().unwrap_or("");
        return match u32::from_str_radix(v.trim_start_matches("0x"), 16) {
            Ok(0) => Some(Outcome::Succeeded),
            Ok(c) => Some(Outcome::Failed(Some(c))),
            Err(_) => None,
        };
    }
    if has(t, "-- Installation failed") || has(t, "-- Configuration failed") {
        return Some(Outcome::Failed(None));
    }
    if has(t, "CryptAcquireContext") && (has(t, "fail") || has(t, "error") || has(t, "Could not")) {
        return Some(Outcome::Cause(code()));
    }
    if has(t, "returned actual error code") {
        let i = find_ascii_ci(t, "returned actual error code")? + 26;
        let n: String = t[i..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        return Some(Outcome::Cause(n.parse::<u32>().ok().map(win32_hresult)));
    }
    // A bundle's error line: `…]e000: Error 0x80070643: Failed to install MSI package.`
    if t.contains("]e") && has(t, "Error 0x") {
        return Some(Outcome::Cause(code()));
    }
    None
}

/// A Win32 error number as its HRESULT (1603 → 0x80070643).
fn win32_hresult(e: u32) -> u32 {
    if e == 0 || e > 0xFFFF {
        e
    } else {
        0x8007_0000 | e
    }
}

/// The setup log parser.
pub struct SetupParser {
    sink: Sink,
    /// The product's name, and whether the installer named it.
    product: Option<(String, bool)>,
    failed: Option<(u64, Option<LogTime>)>,
    causes: Vec<String>,
    texts: Vec<String>,
}

impl SetupParser {
    pub fn new(path: Arc<str>) -> Self {
        SetupParser {
            sink: Sink::new(path),
            product: None,
            failed: None,
            causes: Vec::new(),
            texts: Vec::new(),
        }
    }

    /// The product: named by its installer (`Product: X -- …`, `Product Name: X.`, the
    /// bundle's `WixBundleName`), else guessed from the first line mentioning it.
    fn note_product(&mut self, t: &str) {
        if self.product.as_ref().is_some_and(|(_, named)| *named) {
            return;
        }
        let named = t
            .find("Product: ")
            .map(|j| t[j + 9..].split(" -- ").next().unwrap_or(""))
            .or_else(|| {
                t.find("Product Name: ")
                    .map(|j| t[j + 14..].split(". Product").next().unwrap_or(""))
            })
            .or_else(|| {
                t.find("'WixBundleName' to value '")
                    .map(|j| t[j + 26..].split('\'').next().unwrap_or(""))
            })
            .map(str::trim)
            .filter(|n| PRODUCTS.iter().any(|p| has(n, p)));
        if let Some(n) = named {
            self.product = Some((n.to_string(), true));
        } else if self.product.is_none()
            && let Some((p, i)) = PRODUCTS
                .iter()
                .find_map(|p| Some((p, find_ascii_ci(t, p)?)))
        {
            self.product = Some((t[i..i + p.len()].to_string(), false));
        }
    }

    fn cause(&mut self, number: u64, time: Option<LogTime>, t: &str, code: Option<u32>) {
        if self.failed.is_none() {
            self.failed = Some((number, time));
        }
        let text = crate::limits::clip(t.trim(), 200);
        if self.texts.len() < MAX_CAUSES && !self.texts.contains(&text) {
            self.texts.push(text);
        }
        if let Some(c) = code.map(code_label)
            && self.causes.len() < MAX_CAUSES
            && !self.causes.contains(&c)
        {
            self.causes.push(c);
        }
    }
}

impl LogParser for SetupParser {
    fn line(&mut self, number: u64, line: &str) {
        let t = line.trim();
        if t.is_empty() {
            return;
        }
        let time = msi_time(t).or_else(|| bundle_time(t)).or_else(|| {
            (t.starts_with("=== ") && t.contains("logging") || t.starts_with("=== Logging"))
                .then(|| banner_time(t))
                .flatten()
        });
        self.sink.record(time.as_ref());
        self.note_product(t);
        match outcome(t) {
            Some(Outcome::Succeeded) | None => {}
            Some(Outcome::Failed(code)) | Some(Outcome::Cause(code)) => {
                self.cause(number, time, t, code)
            }
        }
    }

    fn finish(&mut self) -> LogOutput {
        if let Some((line, time)) = self.failed.take() {
            let product = self
                .product
                .take()
                .map(|(p, _)| p)
                .unwrap_or_else(|| "the certificate connector".to_string());
            let mut detail = format!("the setup of {product} failed");
            if !self.causes.is_empty() {
                detail.push_str(&format!(" ({})", self.causes.join(", ")));
            }
            let text = self.texts.join(" / ");
            detail.push_str(&format!(": {text}"));
            self.sink.server(
                line,
                time,
                ServerComponent::Connector,
                ServerFact::ConnectorUnhealthy {
                    detail: crate::limits::clip(&detail, 400),
                },
                ServerKeys::default(),
                &text,
            );
        }
        self.sink.seen_on(ServerComponent::Connector);
        self.sink.take(InputKind::IntuneConnectorSetupLog)
    }
}

/// The connector's setup logs: installer log lines naming a connector product, or the
/// installer's outcome line for it quoted alone.
pub struct SetupFormat;

impl InputFormat for SetupFormat {
    fn name(&self) -> &'static str {
        "intune connector setup log"
    }

    fn kind(&self) -> InputKind {
        InputKind::IntuneConnectorSetupLog
    }

    fn recognise(&self, head: &Head<'_>) -> Option<Signal> {
        if !head.has_any(PRODUCTS) {
            return None;
        }
        if head.lines.iter().any(|l| installer_line(l)) {
            Some(Signal::Grammar)
        } else if head.lines.iter().any(|l| {
            l.contains("Product: ")
                && (has(l, "-- Installation") || has(l, "-- Configuration") || has(l, "-- Removal"))
                && PRODUCTS.iter().any(|p| has(l, p))
        }) {
            Some(Signal::Phrase)
        } else {
            None
        }
    }

    fn reader(&self, path: InputPath) -> Reader {
        super::reader(|| Reader::log(SetupParser::new(path)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn failed_msi_setup_names_product_and_codes() {
        let text = "=== Verbose logging started: 2/3/2026  9:41:07  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\n\
            MSI (s) (A8:F0) [09:41:22:470]: Invoking remote custom action.\n\
            CustomAction ConfigureNDESConnector: CryptAcquireContext failed with error 0x80090016 (Keyset does not exist)\n\
            CustomAction ConfigureNDESConnector returned actual error code 1603 (note this may not be 100% accurate)\n\
            MSI (s) (A8:3C) [09:41:30:998]: Product: Microsoft Intune Connector -- Installation failed.\n\
            === Logging stopped: 2/3/2026  9:41:31 ===\n";
        let out = run(&mut SetupParser::new("s".into()), text);
        let f = facts(&out);
        match &f[..] {
            [ServerFact::ConnectorUnhealthy { detail }] => {
                assert!(
                    detail.starts_with("the setup of Microsoft Intune Connector failed"),
                    "{detail}"
                );
                assert!(detail.contains("0x80090016 (NTE_BAD_KEYSET)"), "{detail}");
                assert!(
                    detail.contains("0x80070643 (ERROR_INSTALL_FAILURE)"),
                    "{detail}"
                );
            }
            o => panic!("{o:?}"),
        }
        assert_eq!(out.events[0].source.line, Some(3));
        assert_eq!(out.records, 6);
    }

    #[test]
    fn successful_bundle_is_no_fact_and_spans_its_times() {
        let text = "[2E44:1A08][2026-02-03T09:40:58]i001: Burn v3.14.0.8606, path: C:\\Temp\\IntuneCertificateConnector.exe\n\
            [2E44:1A08][2026-02-03T09:41:33]i399: Apply complete, result: 0x0, restart: None\n";
        let mut p = SetupParser::new("s".into());
        for (i, l) in text.lines().enumerate() {
            p.line(i as u64 + 1, l);
        }
        let (out, read) = crate::parsers::finish_read(&mut p);
        assert!(out.events.is_empty());
        assert_eq!(read.kind, InputKind::IntuneConnectorSetupLog);
        assert_eq!(read.components, vec![ServerComponent::Connector]);
        assert_eq!(
            read.span.text(),
            "2026-02-03T09:40:58 – 2026-02-03T09:41:33"
        );
    }

    #[test]
    fn recognised_only_for_the_connector() {
        let ok = Head::new("x", b"MSI (s) (A8:3C) [09:41:31:150]: Product: Microsoft Intune Connector -- Installation completed successfully.\n", true);
        assert_eq!(SetupFormat.recognise(&ok), Some(Signal::Grammar));
        let alone = Head::new(
            "x",
            b"Product: Certificate Connector for Microsoft Intune -- Installation failed.\n",
            true,
        );
        assert_eq!(SetupFormat.recognise(&alone), Some(Signal::Phrase));
        let other = Head::new(
            "x",
            b"MSI (s) (A8:3C) [09:41:31:150]: Product: Contoso Agent -- Installation failed.\n",
            true,
        );
        assert_eq!(SetupFormat.recognise(&other), None);
        let prose = Head::new(
            "x",
            b"We reinstalled the Intune Connector yesterday.\n",
            true,
        );
        assert_eq!(SetupFormat.recognise(&prose), None);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_lines_never_panic(lines in proptest::collection::vec(".{0,200}", 0..20)) {
            let mut p = SetupParser::new("p".into());
            for (i, l) in lines.iter().enumerate() {
                p.line(i as u64 + 1, l);
                p.line(i as u64 + 1, &format!("MSI (s) (A8:3C) [{l}]: Installation success or error status: {l}"));
                p.line(i as u64 + 1, &format!("[1:2][{l}]e000: Error 0x{l}: Apply complete, result: {l}"));
            }
            let _ = p.finish();
        }
    }
}
