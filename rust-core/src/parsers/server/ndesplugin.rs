//! The Intune NDES plug-in log, `NDESPlugin.log` (server-log-formats.md §3). The line
//! prefix is unknown: messages are matched anywhere in the line, and lines that match
//! nothing continue the record before them (the CRP's HTML error pages span lines).

use std::sync::Arc;

use crate::evidence::server::{ServerFact, ServerKeys};
use crate::evidence::{LogTime, ServerComponent, find_ascii_ci};
use crate::parsers::{LogOutput, LogParser};

use super::{Sink, has, log_time};
use crate::contract::InputKind;
use crate::evidence::codes;
use crate::input::Head;
use crate::parsers::{InputFormat, InputPath, Reader, Signal};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Msg {
    CallingVerify,
    Sending,
    VerifyReturns,
    ExitVerify,
    HttpFailed,
    CallingNotify,
    ExitNotify,
    /// `WINHTTP_CALLBACK_STATUS_FLAG_…`: why a TLS connection to the CRP failed; it may
    /// stand alone or precede (or follow) its `Failed to send http request` line.
    Flag,
}

fn classify(line: &str) -> Option<Msg> {
    if has(line, "Calling VerifyRequest") {
        Some(Msg::CallingVerify)
    } else if has(line, "Sending request to certificate registration point") {
        Some(Msg::Sending)
    } else if has(line, "Verify challenge returns") {
        Some(Msg::VerifyReturns)
    } else if has(line, "Exiting VerifyRequest with") {
        Some(Msg::ExitVerify)
    } else if has(line, "Failed to send http request")
        || (has(line, "/CertificateRegistrationSvc/") && winhttp_error(line).is_some())
    {
        Some(Msg::HttpFailed)
    } else if has(line, "Calling Notifyrequest") || has(line, "Calling NotifyRequest") {
        Some(Msg::CallingNotify)
    } else if has(line, "Exiting Notify") {
        Some(Msg::ExitNotify)
    } else if has(line, FLAG) {
        Some(Msg::Flag)
    } else {
        None
    }
}

/// A time at the start of the line: `[yyyy-mm-dd hh:mm:ss.fff]`, or the first two tokens.
fn leading_time(line: &str) -> Option<LogTime> {
    let t = line.trim_start();
    if let Some(rest) = t.strip_prefix('[') {
        return log_time(rest.split(']').next()?);
    }
    let mut it = t.split_whitespace();
    let a = it.next()?;
    let b = it.next()?;
    log_time(&format!("{a} {b}"))
}

const FLAG: &str = "WINHTTP_CALLBACK_STATUS_FLAG_";

/// `Error 12xxx`: a WinHTTP error number (12001–12192) in the line.
fn winhttp_error(text: &str) -> Option<u32> {
    let mut from = 0;
    while let Some(i) = find_ascii_ci(&text[from..], "Error ") {
        let at = from + i + 6;
        let n: String = text[at..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if let Ok(n) = n.parse::<u32>()
            && (12001..=12192).contains(&n)
        {
            return Some(n);
        }
        from = at;
    }
    None
}

/// The `WINHTTP_CALLBACK_STATUS_FLAG_…` names in a text, with what each says.
fn flags(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = find_ascii_ci(&text[from..], FLAG) {
        let at = from + i + FLAG.len();
        let name: String = text[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        from = at;
        if name.is_empty() || out.iter().any(|o: &String| o.starts_with(&name)) {
            continue;
        }
        let what = match name.as_str() {
            "CERT_CN_INVALID" => " (the CRP's TLS certificate does not name the host called)",
            "CERT_DATE_INVALID" => " (the CRP's TLS certificate is expired or not yet valid)",
            "INVALID_CA" => " (the CRP's TLS certificate chains to an untrusted root)",
            "CERT_REV_FAILED" => " (the revocation check of the CRP's TLS certificate failed)",
            "CERT_REVOKED" => " (the CRP's TLS certificate is revoked)",
            "INVALID_CERT" => " (the CRP's TLS certificate is invalid)",
            "SECURITY_CHANNEL_ERROR" => " (the TLS channel could not be set up)",
            _ => "",
        };
        out.push(format!("{name}{what}"));
    }
    out
}

/// `0x…` after `with`: the HRESULT the call exited with.
fn exit_code(line: &str) -> Option<u32> {
    let i = find_ascii_ci(line, " with ")?;
    let v = line[i + 6..].trim();
    let v = v.trim_start_matches("0x").trim_start_matches("0X");
    let h: String = v.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    u32::from_str_radix(&h, 16).ok()
}

/// The title of an HTML error page (`<title>…</title>` or the first `<h2>`).
fn html_title(text: &str) -> Option<String> {
    for (open, close) in [
        ("<title>", "</title>"),
        ("<h2>", "</h2>"),
        ("<h1>", "</h1>"),
    ] {
        if let Some(i) = find_ascii_ci(text, open) {
            let rest = &text[i + open.len()..];
            let end = find_ascii_ci(rest, close).unwrap_or(rest.len().min(120));
            let t = rest[..end].trim();
            if !t.is_empty() {
                return Some(t.to_string());
            }
        }
    }
    None
}

struct Pending {
    line: u64,
    time: Option<LogTime>,
    msg: Msg,
    text: String,
}

/// The NDESPlugin.log parser.
pub struct NdesPluginParser {
    sink: Sink,
    pending: Option<Pending>,
    /// The current VerifyRequest already has a verdict line.
    verdict_seen: bool,
}

impl NdesPluginParser {
    pub fn new(path: Arc<str>) -> Self {
        NdesPluginParser {
            sink: Sink::new(path),
            pending: None,
            verdict_seen: false,
        }
    }

    fn flush(&mut self) {
        let Some(p) = self.pending.take() else { return };
        self.sink.record(p.time.as_ref());
        let text = p.text.as_str();
        let fact = match p.msg {
            Msg::CallingVerify => {
                self.verdict_seen = false;
                ServerFact::VerifyStarted
            }
            Msg::Sending | Msg::CallingNotify => return,
            Msg::VerifyReturns => {
                self.verdict_seen = true;
                let i = find_ascii_ci(text, "returns").map(|i| i + 7).unwrap_or(0);
                let v = text[i..].trim_start();
                if v.get(..4).is_some_and(|x| x.eq_ignore_ascii_case("true")) {
                    ServerFact::ChallengeVerified
                } else if v.get(..5).is_some_and(|x| x.eq_ignore_ascii_case("false")) {
                    ServerFact::ChallengeRejected {
                        detail: "Verify challenge returns false".into(),
                    }
                } else if v.starts_with('<') {
                    let title = html_title(v).unwrap_or_else(|| "an HTML error page".into());
                    ServerFact::PolicyModuleError {
                        detail: format!("the certificate registration point answered with {title}"),
                    }
                } else {
                    ServerFact::PolicyModuleError {
                        detail: crate::limits::clip(v, 160),
                    }
                }
            }
            Msg::ExitVerify => match exit_code(text) {
                Some(0) => return,
                Some(c) if !self.verdict_seen => ServerFact::PolicyModuleError {
                    detail: format!("VerifyRequest exited with 0x{c:08X}"),
                },
                _ => return,
            },
            Msg::HttpFailed => {
                let mut detail = match winhttp_error(text) {
                    Some(n) => codes::winhttp_label(n),
                    None => "WinHTTP error".to_string(),
                };
                for f in flags(text) {
                    detail.push_str(&format!(", {f}"));
                }
                if has(text, "/Notify") {
                    ServerFact::NotifyFailed {
                        detail,
                        retrying: false,
                    }
                } else {
                    self.verdict_seen = true;
                    ServerFact::PolicyModuleError { detail }
                }
            }
            Msg::Flag => {
                self.verdict_seen = true;
                ServerFact::PolicyModuleError {
                    detail: format!(
                        "a TLS connection to the certificate registration point failed: {}",
                        flags(text).join(", ")
                    ),
                }
            }
            Msg::ExitNotify => match exit_code(text) {
                Some(0) => ServerFact::NotifyOk,
                Some(c) => ServerFact::NotifyFailed {
                    detail: format!("Notify exited with 0x{c:08X}"),
                    retrying: false,
                },
                None => return,
            },
        };
        let step_text = p.text.clone();
        self.sink.server(
            p.line,
            p.time,
            ServerComponent::Ndes,
            fact,
            ServerKeys::default(),
            &step_text,
        );
    }
}

impl LogParser for NdesPluginParser {
    fn line(&mut self, number: u64, line: &str) {
        match classify(line) {
            // A flag line before its `Failed to send` line: one record, the call's.
            Some(Msg::HttpFailed) if self.pending.as_ref().is_some_and(|p| p.msg == Msg::Flag) => {
                if let Some(p) = self.pending.as_mut() {
                    p.msg = Msg::HttpFailed;
                    p.line = number;
                    p.time = leading_time(line).or(p.time.take());
                    p.text = format!("{} {}", line.trim(), p.text);
                }
            }
            // A flag line after its `Failed to send` line continues it.
            Some(Msg::Flag)
                if self
                    .pending
                    .as_ref()
                    .is_some_and(|p| p.msg == Msg::HttpFailed && p.text.len() < 4096) =>
            {
                if let Some(p) = self.pending.as_mut() {
                    p.text.push(' ');
                    p.text.push_str(line.trim());
                }
            }
            Some(msg) => {
                self.flush();
                self.pending = Some(Pending {
                    line: number,
                    time: leading_time(line),
                    msg,
                    text: line.trim().to_string(),
                });
            }
            None => {
                if let Some(p) = self.pending.as_mut()
                    && p.text.len() < 4096
                    && !line.trim().is_empty()
                {
                    p.text.push(' ');
                    p.text.push_str(line.trim());
                }
            }
        }
    }

    fn finish(&mut self) -> LogOutput {
        self.flush();
        self.sink.seen_on(ServerComponent::Ndes);
        self.sink.take(InputKind::NdesPluginLog)
    }
}

/// `NDESPlugin.log`, recognised by its own messages (its line prefix is unknown).
pub struct NdesPluginFormat;

impl InputFormat for NdesPluginFormat {
    fn name(&self) -> &'static str {
        "ndes plug-in log"
    }

    fn kind(&self) -> InputKind {
        InputKind::NdesPluginLog
    }

    fn recognise(&self, head: &Head<'_>) -> Option<Signal> {
        let found = head.has_any(&[
            "Calling VerifyRequest",
            "Calling Notifyrequest",
            "Verify challenge returns",
            "Exiting VerifyRequest with",
            "Exiting Notify with",
            "Sending request to certificate registration point",
            "Failed to send http request /CertificateRegistrationSvc",
            FLAG,
        ]) || head
            .lines
            .iter()
            .any(|l| has(l, "/CertificateRegistrationSvc/") && winhttp_error(l).is_some());
        found.then_some(Signal::Phrase)
    }

    fn reader(&self, path: InputPath) -> Reader {
        super::reader(|| Reader::log(NdesPluginParser::new(path)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn html_403_then_winhttp_12029() {
        let out = run(
            &mut NdesPluginParser::new("p".into()),
            &sample("ndesplugin-verify-403.log"),
        );
        let f = facts(&out);
        assert_eq!(f.len(), 4, "{f:?}");
        assert_eq!(f[0], ServerFact::VerifyStarted);
        match &f[1] {
            ServerFact::PolicyModuleError { detail } => {
                assert!(detail.contains("403 - Forbidden"), "{detail}")
            }
            o => panic!("{o:?}"),
        }
        match &f[3] {
            ServerFact::PolicyModuleError { detail } => {
                assert!(detail.contains("12029"), "{detail}")
            }
            o => panic!("{o:?}"),
        }
        assert_eq!(
            out.events[1].time.as_ref().unwrap().text,
            "2026-05-06 10:12:40.498"
        );
    }

    #[test]
    fn verdicts_and_notify() {
        let text = "Calling VerifyRequest ...\nVerify challenge returns false\nExiting VerifyRequest with 0x80070005\n\
                    Calling VerifyRequest\nVerify challenge returns true\nExiting VerifyRequest with 0x0\n\
                    Calling Notifyrequest ...\nExiting Notify with 0x0\n\
                    Failed to send http request /CertificateRegistrationSvc/Certificate/Notify. Error 12175 WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID\n";
        let f = facts(&run(&mut NdesPluginParser::new("p".into()), text));
        assert!(matches!(f[1], ServerFact::ChallengeRejected { .. }));
        assert_eq!(f[3], ServerFact::ChallengeVerified);
        assert_eq!(f[4], ServerFact::NotifyOk);
        match &f[5] {
            ServerFact::NotifyFailed { detail, .. } => assert!(detail.contains("CERT_CN_INVALID")),
            o => panic!("{o:?}"),
        }
    }

    #[test]
    fn flags_and_winhttp_errors_in_any_order() {
        // The flag before its call (as Microsoft's page shows it), one record.
        let text = "WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID\nFailed to send http request /CertificateRegistrationSvc/Certificate/VerifyRequest. Error 12175\n";
        let f = facts(&run(&mut NdesPluginParser::new("p".into()), text));
        assert_eq!(f.len(), 1, "{f:?}");
        match &f[0] {
            ServerFact::PolicyModuleError { detail } => {
                assert!(detail.contains("ERROR_WINHTTP_SECURE_FAILURE"), "{detail}");
                assert!(detail.contains("does not name the host"), "{detail}");
            }
            o => panic!("{o:?}"),
        }
        // A flag alone, and an `Error 121xx` line naming the CRP path.
        let f = facts(&run(
            &mut NdesPluginParser::new("p".into()),
            "WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA\n",
        ));
        assert!(
            matches!(&f[..], [ServerFact::PolicyModuleError { detail }] if detail.contains("INVALID_CA"))
        );
        let f = facts(&run(
            &mut NdesPluginParser::new("p".into()),
            "Error 12030 while sending /CertificateRegistrationSvc/Certificate/Notify\n",
        ));
        assert!(
            matches!(&f[..], [ServerFact::NotifyFailed { detail, .. }] if detail.contains("ERROR_WINHTTP_CONNECTION_ERROR"))
        );
        // A number that is no WinHTTP error is not one.
        assert_eq!(
            winhttp_error("Error 404 on /CertificateRegistrationSvc/x"),
            None
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_lines_never_panic(lines in proptest::collection::vec(".{0,200}", 0..20)) {
            let mut p = NdesPluginParser::new("p".into());
            for (i, l) in lines.iter().enumerate() {
                p.line(i as u64 + 1, l);
                p.line(i as u64 + 1, &format!("Verify challenge returns {l}"));
                p.line(i as u64 + 1, &format!("Failed to send http request /x. Error {l}"));
            }
            let _ = p.finish();
        }
    }
}
