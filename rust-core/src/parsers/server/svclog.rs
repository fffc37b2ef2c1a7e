//! WCF `.svclog` traces of the CertificateRegistrationPoint (CRP) and the NDESConnector
//! (server-log-formats.md §4): `<E2ETraceEvent>` fragments without a root element,
//! usually one per line, the last one possibly cut; also web copies that give only the
//! message text (entities decoded, stack frames on following lines, dangling end tags).

use std::sync::Arc;

use crate::evidence::server::Disposition;
use crate::evidence::server::{ServerFact, ServerKeys};
use crate::evidence::{LogTime, ServerComponent, find_ascii_ci};
use crate::parsers::{LogOutput, LogParser};

use super::{Sink, find_guid, find_hresult, has, is_submit_failure, log_time};
use crate::contract::InputKind;
use crate::input::Head;
use crate::parsers::{InputFormat, InputPath, Reader, Signal};

const MAX_RECORD: usize = 256 * 1024;

/// Decodes XML entities (`&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#n;` `&#xh;`).
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Removes XML tags, keeping text.
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = false;
    for c in s.chars() {
        match c {
            '<' => depth = true,
            '>' if depth => {
                depth = false;
                out.push(' ');
            }
            _ if !depth => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The value of attribute `attr` in the first element `<elem …>`.
pub fn attr<'a>(xml: &'a str, elem: &str, attr: &str) -> Option<&'a str> {
    let i = find_ascii_ci(xml, &format!("<{elem}"))?;
    let rest = &xml[i..];
    let end = rest.find('>')?;
    let tag = &rest[..end];
    let a = find_ascii_ci(tag, &format!("{attr}="))?;
    let v = &tag[a + attr.len() + 1..];
    let q = v.chars().next()?;
    if q != '"' && q != '\'' {
        return None;
    }
    let v = &v[1..];
    Some(&v[..v.find(q)?])
}

/// The text content of the first `<elem>…</elem>` (may contain child elements).
pub fn element<'a>(xml: &'a str, elem: &str) -> Option<&'a str> {
    let open = format!("<{elem}");
    let mut from = 0;
    loop {
        let i = from + find_ascii_ci(&xml[from..], &open)?;
        let after = &xml[i + open.len()..];
        let c = after.chars().next()?;
        if c == '>' || c == ' ' || c == '/' {
            let gt = after.find('>')?;
            if after[..gt].ends_with('/') {
                return Some("");
            }
            let body = &after[gt + 1..];
            let close = format!("</{elem}>");
            let end = find_ascii_ci(body, &close).unwrap_or(body.len());
            return Some(&body[..end]);
        }
        from = i + open.len();
    }
}

/// Per-stream state: is a VerifyRequest open, and did an exception happen in it.
#[derive(Default)]
struct VerifyState {
    open: bool,
    exception: bool,
}

/// What a CRP/connector message says.
fn classify(msg: &str, st: &mut VerifyState) -> Option<ServerFact> {
    let detail = || crate::limits::clip(msg.trim(), 200);
    if has(msg, "VerifyRequest Started") {
        *st = VerifyState {
            open: true,
            exception: false,
        };
        return Some(ServerFact::VerifyStarted);
    }
    if has(msg, "Validation Phase") && has(msg, "finished with status") {
        return has(msg, "status False")
            .then(|| ServerFact::ValidationPhaseFailed { detail: detail() });
    }
    if has(msg, "Finished with status") {
        let ok = has(msg, "status True");
        let exception = st.exception;
        *st = VerifyState::default();
        return Some(if ok {
            ServerFact::ChallengeVerified
        } else if exception {
            ServerFact::Note { detail: detail() }
        } else {
            ServerFact::ChallengeRejected { detail: detail() }
        });
    }
    if has(msg, "IssuePfx") || has(msg, "Issuing Pfx") {
        if has(msg, "submission is pending") {
            return Some(ServerFact::CaDecision {
                disposition: Disposition::Pending,
                code: find_hresult(msg),
                message: detail(),
                pkcs: true,
            });
        }
        if has(msg, "submission failed") || has(msg, "failed") {
            let code = find_hresult(msg);
            if let Some(c) = code.filter(|c| is_submit_failure(*c)) {
                return Some(ServerFact::CaSubmitFailed {
                    code: Some(c),
                    detail: detail(),
                });
            }
            return Some(ServerFact::CaDecision {
                disposition: Disposition::Denied,
                code,
                message: detail(),
                pkcs: true,
            });
        }
    }
    if has(msg, "COMException")
        || has(msg, "CCertRequest::Submit")
        || has(msg, "CCertRequest.Submit")
    {
        let code = find_hresult(msg);
        st.exception = true;
        return Some(match code {
            Some(c) if is_submit_failure(c) => ServerFact::CaSubmitFailed {
                code,
                detail: detail(),
            },
            Some(c) if (c & 0xFFFF_0000) == 0x8009_0000 => ServerFact::CaDecision {
                disposition: Disposition::Denied,
                code,
                message: detail(),
                pkcs: false,
            },
            _ => ServerFact::PolicyModuleError { detail: detail() },
        });
    }
    if has(msg, "Signing certificate could not be retrieved")
        || has(msg, "Cryptography Exception")
        || has(msg, "m_safeCertContext is an invalid handle")
        || (has(msg, "Exception")
            && (st.open
                || has(msg, "ValidateChallenge")
                || has(msg, "ValidationPhase")
                || has(msg, "RetrieveSigningCert")))
    {
        st.exception = true;
        return Some(ServerFact::PolicyModuleError { detail: detail() });
    }
    None
}

/// The `.svclog` parser.
pub struct SvclogParser {
    sink: Sink,
    buf: Option<(u64, String)>,
    state: VerifyState,
}

impl SvclogParser {
    pub fn new(path: Arc<str>) -> Self {
        SvclogParser {
            sink: Sink::new(path),
            buf: None,
            state: VerifyState::default(),
        }
    }

    #[allow(clippy::field_reassign_with_default)]
    fn record(&mut self, line: u64, xml: &str) {
        let time: Option<LogTime> = attr(xml, "TimeCreated", "SystemTime").and_then(log_time);
        self.sink.record(time.as_ref());
        let source = attr(xml, "Source", "Name").unwrap_or("");
        let component = ServerComponent::Connector;
        let data = element(xml, "ApplicationData").unwrap_or("");
        let msg = decode_entities(&strip_tags(data));
        let mut keys = ServerKeys::default();
        keys.activity_id = attr(xml, "Correlation", "ActivityID")
            .map(|a| a.trim_matches(['{', '}']).to_ascii_lowercase());
        if let Some(i) = find_ascii_ci(&msg, "Device ID") {
            keys.device_id = find_guid(&msg[i..]);
        }
        let _ = source;
        if let Some(fact) = classify(&msg, &mut self.state) {
            self.sink.server(line, time, component, fact, keys, &msg);
        }
    }

    /// A line of a web copy (message text only).
    fn plain(&mut self, line: u64, text: &str) {
        let t = decode_entities(&strip_tags(text));
        let t = t.trim();
        if t.is_empty() || t.starts_with("at ") {
            return;
        }
        self.sink.record(None);
        if let Some(fact) = classify(t, &mut self.state) {
            let mut keys = ServerKeys::default();
            if let Some(i) = find_ascii_ci(t, "Device ID") {
                keys.device_id = find_guid(&t[i..]);
            }
            self.sink
                .server(line, None, ServerComponent::Connector, fact, keys, t);
        }
    }
}

impl LogParser for SvclogParser {
    fn line(&mut self, number: u64, line: &str) {
        let mut rest = line;
        loop {
            if let Some((_, buf)) = self.buf.as_mut() {
                match find_ascii_ci(rest, "</E2ETraceEvent>") {
                    Some(e) => {
                        if buf.len() < MAX_RECORD {
                            buf.push_str(&rest[..e]);
                        }
                        let (n, xml) = self.buf.take().unwrap_or_default();
                        self.record(n, &xml);
                        rest = &rest[e + "</E2ETraceEvent>".len()..];
                    }
                    None => {
                        if buf.len() < MAX_RECORD {
                            buf.push_str(rest);
                            buf.push('\n');
                        }
                        return;
                    }
                }
            } else {
                match find_ascii_ci(rest, "<E2ETraceEvent") {
                    Some(s) => {
                        let before = &rest[..s];
                        if !before.trim().is_empty() {
                            self.plain(number, before);
                        }
                        self.buf = Some((number, String::new()));
                        rest = &rest[s..];
                    }
                    None => {
                        if !rest.trim().is_empty() {
                            self.plain(number, rest);
                        }
                        return;
                    }
                }
            }
        }
    }

    fn finish(&mut self) -> LogOutput {
        if let Some((n, xml)) = self.buf.take() {
            // A cut last record: use what it holds if its message is complete.
            if find_ascii_ci(&xml, "</ApplicationData>").is_some() {
                self.record(n, &xml);
            } else {
                self.sink.server(
                    n,
                    None,
                    ServerComponent::Connector,
                    ServerFact::Note {
                        detail: "the last trace record is cut off".into(),
                    },
                    ServerKeys::default(),
                    &crate::limits::clip(&xml, 200),
                );
            }
        }
        self.sink.seen_on(ServerComponent::Connector);
        self.sink.take(InputKind::IntuneConnectorSvclog)
    }
}

/// CRP and NDESConnector `.svclog` traces: `<E2ETraceEvent>` fragments, or their messages
/// quoted alone.
pub struct SvclogFormat;

impl InputFormat for SvclogFormat {
    fn name(&self) -> &'static str {
        "intune connector svclog"
    }

    fn kind(&self) -> InputKind {
        InputKind::IntuneConnectorSvclog
    }

    fn recognise(&self, head: &Head<'_>) -> Option<Signal> {
        if head.text.contains("<E2ETraceEvent") {
            return Some(Signal::Structure);
        }
        head.has_any(&[
            "VerifyRequest Started.",
            "VerifyRequest Finished with status",
            "Validation Phase",
            "CertRegPoint.",
            "IssuePfx",
            "Issuing Pfx certificate",
            "CCertRequest::Submit",
            "CCertRequest.Submit",
            "Signing certificate could not be retrieved",
            "m_safeCertContext is an invalid handle",
        ])
        .then_some(Signal::Phrase)
    }

    fn reader(&self, path: InputPath) -> Reader {
        super::reader(|| Reader::log(SvclogParser::new(path)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn crp_challenge_rejected_with_cut_record() {
        let out = run(
            &mut SvclogParser::new("s".into()),
            &sample("crp-challenge-rejected.svclog"),
        );
        let f = facts(&out);
        assert_eq!(f[0], ServerFact::VerifyStarted);
        assert!(matches!(f[1], ServerFact::ValidationPhaseFailed { .. }));
        assert!(
            matches!(f[2], ServerFact::ChallengeRejected { .. }),
            "{f:?}"
        );
        assert!(matches!(f[3], ServerFact::Note { .. }));
        assert_eq!(
            out.events[0].time.as_ref().unwrap().text,
            "2026-05-20T13:44:10.1023341Z"
        );
        match &out.events[0].kind {
            crate::evidence::EventKind::Server(s) => {
                assert_eq!(
                    s.keys.activity_id.as_deref(),
                    Some("6a1f0c2e-94b3-4d7a-8e15-2c9b7f3d0a41")
                )
            }
            _ => panic!(),
        }
    }

    #[test]
    fn exceptions_and_pfx_and_web_copies() {
        let text = "VerifyRequest Started.\n\
                    Cryptography Exception: m_safeCertContext is an invalid handle. in RetrieveSigningCert\n   at Microsoft.Intune.X.Y()\n\
                    VerifyRequest Finished with status False</ApplicationData></E2ETraceEvent>\n\
                    IssuePfx - The submission failed: Denied by Policy Module 0x80094012\n\
                    IssuePfx - The submission is pending: Taken Under Submission\n\
                    System.Runtime.InteropServices.COMException (0x800706BA): The RPC server is unavailable.\n\
                    <E2ETraceEvent><System><TimeCreated SystemTime=\"2026-01-01T00:00:00Z\" /></System><ApplicationData>VerifyRequest Finished with status True &amp; more</ApplicationData></E2ETraceEvent>";
        let f = facts(&run(&mut SvclogParser::new("s".into()), text));
        assert!(
            matches!(f[1], ServerFact::PolicyModuleError { .. }),
            "{f:?}"
        );
        assert!(matches!(f[2], ServerFact::Note { .. }), "{f:?}");
        assert!(matches!(
            f[3],
            ServerFact::CaDecision {
                disposition: Disposition::Denied,
                pkcs: true,
                ..
            }
        ));
        assert!(matches!(
            f[4],
            ServerFact::CaDecision {
                disposition: Disposition::Pending,
                ..
            }
        ));
        assert!(matches!(
            f[5],
            ServerFact::CaSubmitFailed {
                code: Some(0x8007_06BA),
                ..
            }
        ));
        assert_eq!(f[6], ServerFact::ChallengeVerified);
        assert_eq!(
            decode_entities("a &lt;b&gt; &#65;&#x42; &bogus; &"),
            "a <b> AB &bogus; &"
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_lines_never_panic(lines in proptest::collection::vec(".{0,200}", 0..20)) {
            let mut p = SvclogParser::new("p".into());
            for (i, l) in lines.iter().enumerate() {
                p.line(i as u64 + 1, l);
                p.line(i as u64 + 1, &format!("<E2ETraceEvent><ApplicationData>{l}"));
            }
            let _ = p.finish();
        }
    }
}
