//! SCEP test clients run against NDES (server-log-formats.md §7): `sscep` output and
//! micromdm `scepclient` logfmt. They are client evidence: the neutral SCEP events
//! (`CertRep`, `ScepHttpResponse`, `ScepTransportError`) with `platform: server`, so the
//! device rules apply (FAILURE → rejected, PENDING → pending, HTTP/connection →
//! unreachable).

use std::sync::Arc;

use crate::evidence::{
    EventKind, FailInfo, LogEvent, PkiStatus, Platform, ScepOperation, SourceRef, find_ascii_ci,
};
use crate::limits;
use crate::parsers::{LogOutput, LogParser};

use super::{Sink, has};
use crate::contract::InputKind;
use crate::input::Head;
use crate::parsers::{InputFormat, InputPath, Reader, Signal};

/// RFC 8894 failInfo texts (sscep prints them after `reason:`).
fn fail_info_from_reason(r: &str) -> Option<FailInfo> {
    let l = r.to_ascii_lowercase();
    Some(if l.contains("algorithm") {
        FailInfo::BadAlg
    } else if l.contains("integrity") || l.contains("message check") {
        FailInfo::BadMessageCheck
    } else if l.contains("not permitted") || l.contains("not supported") || l.contains("badrequest")
    {
        FailInfo::BadRequest
    } else if l.contains("time") {
        FailInfo::BadTime
    } else if l.contains("identified") || l.contains("badcertid") {
        FailInfo::BadCertId
    } else {
        return FailInfo::parse(r.trim());
    })
}

/// A logfmt value: `key=value` or `key="quoted value"`.
fn logfmt<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(i) = find_ascii_ci(&line[from..], &format!("{key}=")) {
        let at = from + i;
        if at == 0 || line.as_bytes()[at - 1] == b' ' {
            let v = &line[at + key.len() + 1..];
            if let Some(q) = v.strip_prefix('"') {
                return Some(&q[..q.find('"').unwrap_or(q.len())]);
            }
            return Some(v.split_whitespace().next().unwrap_or(""));
        }
        from = at + key.len() + 1;
    }
    None
}

struct PendingRep {
    line: u64,
    status: PkiStatus,
    fail_info: Option<FailInfo>,
    text: String,
}

/// sscep's network errors (its `net.c`), printed to stderr without the program name.
const SSCEP_NET_ERRORS: &[&str] = &[
    "failed to resolve remote host address",
    "cannot open socket",
    "cannot connect",
    "cannot send data",
    "incomplete send",
    "error receiving data",
    "cannot parse response",
];

/// The text after sscep's program prefix: `sscep: `, `./sscep: `,
/// `/usr/local/bin/sscep: `, `sscep.exe: ` — the program's name as it was started.
fn sscep_body(t: &str) -> Option<&str> {
    let (prog, rest) = t.split_once(": ")?;
    let name = prog.rsplit(['/', '\\']).next()?;
    (name.eq_ignore_ascii_case("sscep") || name.eq_ignore_ascii_case("sscep.exe"))
        .then(|| rest.trim())
}

/// The SCEP URL of an sscep command line pasted with its output
/// (`$ ./sscep getca -u http://… -c ca.crt`).
fn command_url(t: &str) -> Option<&str> {
    let mut toks = t.split_whitespace().skip_while(|x| *x == "$" || *x == "#");
    let prog = toks.next()?;
    let name = prog.rsplit(['/', '\\']).next()?;
    if !(name.eq_ignore_ascii_case("sscep") || name.eq_ignore_ascii_case("sscep.exe")) {
        return None;
    }
    let op = toks.next()?;
    if !SSCEP_OPERATIONS.contains(&op) {
        return None;
    }
    let mut url = None;
    while let Some(x) = toks.next() {
        if x == "-u" {
            url = toks.next();
        }
    }
    Some(url.unwrap_or(""))
}

const SSCEP_OPERATIONS: &[&str] = &["getca", "getnextca", "enroll", "getcert", "getcrl"];

/// The sscep / scepclient parser.
pub struct TestClientParser {
    sink: Sink,
    operation: Option<ScepOperation>,
    transaction_id: Option<String>,
    rep: Option<PendingRep>,
    /// The SCEP server URL of a pasted command line.
    url: Option<String>,
    /// The last HTTP status sscep printed.
    last_status: Option<u16>,
}

impl TestClientParser {
    pub fn new(path: Arc<str>) -> Self {
        TestClientParser {
            sink: Sink::new(path),
            operation: None,
            transaction_id: None,
            rep: None,
            url: None,
            last_status: None,
        }
    }

    fn event(&mut self, line: u64, kind: EventKind, text: &str) {
        self.sink.record(None);
        let e = LogEvent {
            platform: Platform::Server,
            source: SourceRef::line(self.sink.path.clone(), line),
            time: None,
            pid: None,
            kind,
            text: limits::clip(text.trim(), limits::MAX_EVIDENCE_TEXT),
        };
        self.sink.push(e);
    }

    fn flush(&mut self) {
        if let Some(r) = self.rep.take() {
            let kind = EventKind::CertRep {
                status: r.status,
                fail_info: r.fail_info,
                transaction_id: self.transaction_id.clone(),
            };
            self.event(r.line, kind, &r.text);
        }
    }
}

impl LogParser for TestClientParser {
    fn line(&mut self, number: u64, line: &str) {
        let t = line.trim();
        if t.is_empty() {
            return;
        }
        let prefixed = sscep_body(t);
        let body = prefixed.unwrap_or(t);
        if let Some(url) = command_url(t) {
            self.url = Some(url.to_string()).filter(|u| !u.is_empty());
            return;
        }
        // sscep: the reason belongs to the pkistatus before it.
        if let Some(r) = body.strip_prefix("reason:")
            && let Some(p) = self.rep.as_mut()
        {
            p.fail_info = fail_info_from_reason(r);
            p.text.push_str(" / ");
            p.text.push_str(t);
            return;
        }
        if let Some(r) = body
            .strip_prefix("failinfo:")
            .or_else(|| body.strip_prefix("failInfo:"))
            && let Some(p) = self.rep.as_mut()
        {
            p.fail_info = fail_info_from_reason(r);
            return;
        }
        self.flush();
        if let Some(id) = logfmt(t, "transaction_id")
            .or_else(|| body.strip_prefix("reply transaction id:").map(str::trim))
            .or_else(|| body.strip_prefix("transaction id:").map(str::trim))
            && !id.is_empty()
        {
            self.transaction_id = Some(id.to_string());
        }
        if let Some(op) = logfmt(t, "op").or_else(|| logfmt(t, "operation")) {
            self.operation = Some(ScepOperation::from_label(op));
        } else if has(body, "requesting CA certificate") || has(body, "GetCACert") {
            self.operation = Some(ScepOperation::GetCaCert);
        } else if has(body, "GetCACaps") || has(body, "capabilities") {
            self.operation = Some(ScepOperation::GetCaCaps);
        } else if has(body, "sending certificate request")
            || has(body, "PKCSReq")
            || has(body, "PKIOperation")
            || has(body, "GetCertInitial")
        {
            self.operation = Some(ScepOperation::PkiOperation);
        }
        // sscep announcing a request: the exchange with the SCEP server starts.
        if prefixed.is_some()
            && (has(body, "requesting CA certificate")
                || has(body, "sending certificate request")
                || has(body, "requesting certificate"))
        {
            let kind = EventKind::ScepRequest {
                operation: self
                    .operation
                    .clone()
                    .unwrap_or(ScepOperation::PkiOperation),
                url: self.url.clone(),
            };
            self.event(number, kind, t);
            return;
        }
        if let Some(s) = body.strip_prefix("pkistatus:") {
            self.rep = Some(PendingRep {
                line: number,
                status: PkiStatus::parse(s),
                fail_info: None,
                text: t.to_string(),
            });
            return;
        }
        if let Some(i) = find_ascii_ci(t, "failInfo:") {
            // scepclient: `PKCSReq (19) request failed, failInfo: badRequest (2)`
            let v = t[i + 9..].trim();
            let name = v.split_whitespace().next().unwrap_or("");
            let kind = EventKind::CertRep {
                status: PkiStatus::Failure,
                fail_info: FailInfo::parse(name),
                transaction_id: self.transaction_id.clone(),
            };
            self.event(number, kind, t);
            return;
        }
        if has(t, "pkiStatus=PENDING") || has(t, "status=PENDING") {
            let kind = EventKind::CertRep {
                status: PkiStatus::Pending,
                fail_info: None,
                transaction_id: self.transaction_id.clone(),
            };
            self.event(number, kind, t);
            return;
        }
        if let Some(i) = find_ascii_ci(body, "server response status code:") {
            let v = body[i + 29..].trim();
            let code: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
            let status = code.parse::<u16>().ok();
            self.last_status = status;
            if let Some(status) = status
                && !(200..300).contains(&status)
            {
                let reason = v[code.len()..].trim_start_matches([',', ' ']).to_string();
                let kind = EventKind::ScepHttpResponse {
                    operation: self
                        .operation
                        .clone()
                        .unwrap_or(ScepOperation::PkiOperation),
                    status,
                    reason,
                    url: None,
                };
                self.event(number, kind, t);
            }
            return;
        }
        let error = logfmt(t, "err").or_else(|| logfmt(t, "error"));
        let connection = has(body, "cannot connect")
            || has(body, "connection refused")
            || has(body, "could not connect")
            || has(body, "timed out")
            || has(body, "no such host")
            || has(body, "error connecting")
            || has(body, "SSL")
            || has(body, "TLS");
        if let Some(e) = error.filter(|e| !e.is_empty()) {
            if connection
                || has(e, "dial")
                || has(e, "connect")
                || has(e, "timeout")
                || has(e, "x509")
                || has(e, "http")
            {
                let kind = EventKind::ScepTransportError {
                    operation: self.operation.clone(),
                    detail: e.to_string(),
                };
                self.event(number, kind, t);
            }
            return;
        }
        // A reply of the wrong type after a 2xx answer: the server answered, unusably.
        if has(body, "wrong (or missing) MIME content type")
            || has(body, "cannot find pkiStatus")
            || has(body, "wrong pkistatus in reply")
        {
            if self.last_status.is_none_or(|c| (200..300).contains(&c)) {
                let kind = EventKind::ScepInvalidResponse {
                    detail: body.to_string(),
                };
                self.event(number, kind, t);
            }
            return;
        }
        // sscep's own network errors, printed without its name.
        let sscep_net = SSCEP_NET_ERRORS.iter().any(|e| body.starts_with(e));
        if (prefixed.is_some() && connection) || sscep_net {
            let kind = EventKind::ScepTransportError {
                operation: self.operation.clone(),
                detail: body.to_string(),
            };
            self.event(number, kind, t);
        }
    }

    fn finish(&mut self) -> LogOutput {
        self.flush();
        self.sink.take(InputKind::ScepTestClientLog)
    }
}

/// sscep and micromdm `scepclient` output.
pub struct TestClientFormat;

impl InputFormat for TestClientFormat {
    fn name(&self) -> &'static str {
        "scep test client log"
    }

    fn kind(&self) -> InputKind {
        InputKind::ScepTestClientLog
    }

    fn recognise(&self, head: &Head<'_>) -> Option<Signal> {
        let found = head
            .lines
            .iter()
            .any(|l| sscep_body(l.trim()).is_some() || command_url(l.trim()).is_some())
            || head.text.contains("PKCSReq (19)")
            || head
                .lines
                .iter()
                .any(|l| l.contains("op=PKIOperation") && l.contains("level="));
        found.then_some(Signal::Phrase)
    }

    fn reader(&self, path: InputPath) -> Reader {
        super::reader(|| Reader::log(TestClientParser::new(path)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    fn kinds(out: &LogOutput) -> Vec<EventKind> {
        out.events.iter().map(|e| e.kind.clone()).collect()
    }

    #[test]
    fn sscep_failure_with_reason() {
        let text = "$ ./sscep enroll -u http://ndes.contoso.example/certsrv/mscep/mscep.dll -f sscep.conf\n./sscep: sending certificate request\nsscep: reply transaction id: 5A3F\n/usr/bin/sscep: pkistatus: FAILURE\nsscep: reason: Transaction not permitted or supported\n";
        let k = kinds(&run(&mut TestClientParser::new("t".into()), text));
        assert_eq!(
            k,
            vec![
                EventKind::ScepRequest {
                    operation: ScepOperation::PkiOperation,
                    url: Some("http://ndes.contoso.example/certsrv/mscep/mscep.dll".into())
                },
                EventKind::CertRep {
                    status: PkiStatus::Failure,
                    fail_info: Some(FailInfo::BadRequest),
                    transaction_id: Some("5A3F".into())
                }
            ]
        );
        // sscep's network errors come without its name; a MIME complaint after a 200 is an
        // unusable answer, after a 500 the status says it all.
        let k = kinds(&run(
            &mut TestClientParser::new("t".into()),
            "./sscep: requesting CA certificate\nfailed to resolve remote host address h (err=-2)\n",
        ));
        assert!(
            matches!(
                &k[1],
                EventKind::ScepTransportError {
                    operation: Some(ScepOperation::GetCaCert),
                    ..
                }
            ),
            "{k:?}"
        );
        let k = kinds(&run(
            &mut TestClientParser::new("t".into()),
            "sscep.exe: server response status code: 200, MIME header: text/html\nsscep.exe: wrong (or missing) MIME content type\n",
        ));
        assert!(
            matches!(&k[..], [EventKind::ScepInvalidResponse { .. }]),
            "{k:?}"
        );
        let k = kinds(&run(
            &mut TestClientParser::new("t".into()),
            "sscep: server response status code: 500, MIME header: text/html\nsscep: wrong (or missing) MIME content type\n",
        ));
        assert!(
            matches!(&k[..], [EventKind::ScepHttpResponse { status: 500, .. }]),
            "{k:?}"
        );
        assert_eq!(sscep_body("cannot connect: Connection refused"), None);
        assert_eq!(command_url("sscep getca -c ca.crt"), Some(""));
        assert_eq!(command_url("sscep hello -u x"), None);
        let k = kinds(&run(
            &mut TestClientParser::new("t".into()),
            "sscep: requesting CA certificate\nsscep: server response status code: 500, MIME header: text/html\n",
        ));
        assert!(matches!(
            &k[..],
            [
                EventKind::ScepRequest {
                    operation: ScepOperation::GetCaCert,
                    ..
                },
                EventKind::ScepHttpResponse {
                    status: 500,
                    operation: ScepOperation::GetCaCert,
                    ..
                }
            ]
        ));
        let k = kinds(&run(
            &mut TestClientParser::new("t".into()),
            "sscep: pkistatus: PENDING\n",
        ));
        assert!(matches!(
            &k[0],
            EventKind::CertRep {
                status: PkiStatus::Pending,
                ..
            }
        ));
    }

    #[test]
    fn scepclient_logfmt() {
        let text = "level=info ts=2026-01-01T00:00:00Z op=PKIOperation transaction_id=abc msg=\"sending\"\n\
                    level=info ts=2026-01-01T00:00:01Z msg=\"PKCSReq (19) request failed, failInfo: badRequest (2)\"\n\
                    level=info ts=2026-01-01T00:00:02Z op=GetCACert error=\"dial tcp 10.0.0.1:443: connect: connection refused\"\n";
        let k = kinds(&run(&mut TestClientParser::new("t".into()), text));
        assert_eq!(k.len(), 2, "{k:?}");
        assert!(
            matches!(&k[0], EventKind::CertRep { status: PkiStatus::Failure, fail_info: Some(FailInfo::BadRequest), transaction_id: Some(t) } if t == "abc")
        );
        assert!(matches!(
            &k[1],
            EventKind::ScepTransportError {
                operation: Some(ScepOperation::GetCaCert),
                ..
            }
        ));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_lines_never_panic(lines in proptest::collection::vec(".{0,200}", 0..20)) {
            let mut p = TestClientParser::new("p".into());
            for (i, l) in lines.iter().enumerate() {
                p.line(i as u64 + 1, l);
                p.line(i as u64 + 1, &format!("sscep: {l}"));
            }
            let _ = p.finish();
        }
    }
}
