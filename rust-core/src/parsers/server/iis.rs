//! NDES IIS W3C logs (server-log-formats.md §2): `#Fields:` maps the columns (any order,
//! redefined by a later header); headerless copies are read by shape (status, substatus,
//! win32[, time-taken] at the end; method, stem, query by pattern).

use std::sync::Arc;

use crate::evidence::server::HttpTarget;
use crate::evidence::server::{ServerFact, ServerKeys};
use crate::evidence::{LogTime, Platform, ScepOperation, ServerComponent};
use crate::parsers::{LogOutput, LogParser};

use super::{Sink, cms, has, log_time};
use crate::contract::InputKind;
use crate::input::Head;
use crate::parsers::{InputFormat, InputPath, Reader, Signal};

#[derive(Debug, Default, Clone)]
struct Columns {
    date: Option<usize>,
    time: Option<usize>,
    method: Option<usize>,
    stem: Option<usize>,
    query: Option<usize>,
    client_ip: Option<usize>,
    agent: Option<usize>,
    status: Option<usize>,
    substatus: Option<usize>,
    win32: Option<usize>,
    count: usize,
}

impl Columns {
    fn from_fields(fields: &str) -> Columns {
        let mut c = Columns::default();
        for (i, f) in fields.split_whitespace().enumerate() {
            let slot = match f.to_ascii_lowercase().as_str() {
                "date" => &mut c.date,
                "time" => &mut c.time,
                "cs-method" => &mut c.method,
                "cs-uri-stem" => &mut c.stem,
                "cs-uri-query" => &mut c.query,
                "c-ip" => &mut c.client_ip,
                "cs(user-agent)" => &mut c.agent,
                "sc-status" => &mut c.status,
                "sc-substatus" => &mut c.substatus,
                "sc-win32-status" => &mut c.win32,
                _ => {
                    c.count = i + 1;
                    continue;
                }
            };
            *slot = Some(i);
            c.count = i + 1;
        }
        c
    }
}

/// One request, however it was read.
#[derive(Debug, Default)]
struct Request<'a> {
    date: Option<&'a str>,
    time: Option<&'a str>,
    method: &'a str,
    stem: &'a str,
    query: Option<&'a str>,
    client_ip: Option<&'a str>,
    agent: Option<&'a str>,
    status: u16,
    substatus: u32,
    win32: u32,
}

/// The device platform a user agent names (`Dalvik/…` Android; `CFNetwork`/`Darwin`
/// iOS; `NDES client` Windows).
pub fn client_platform(agent: &str) -> Option<Platform> {
    if has(agent, "Dalvik") || has(agent, "Android") {
        Some(Platform::Android)
    } else if has(agent, "CFNetwork")
        || has(agent, "Darwin")
        || has(agent, "profiled")
        || has(agent, "iPhone")
    {
        Some(Platform::Ios)
    } else if has(agent, "NDES+client")
        || has(agent, "NDES client")
        || (has(agent, "compatible;+Win32") && !has(agent, "Mozilla/5"))
    {
        Some(Platform::Windows)
    } else {
        None
    }
}

/// What the request stem addresses; `None` for paths that are not NDES or the CRP.
pub fn target_of(stem: &str, query: Option<&str>) -> Option<HttpTarget> {
    let s = stem.to_ascii_lowercase();
    if s.contains("/certsrv/mscep") {
        let operation = query.and_then(ScepOperation::from_url);
        return Some(HttpTarget::Mscep {
            operation,
            admin: s.contains("mscep_admin"),
        });
    }
    if s.contains("/certificateregistrationsvc") {
        let last = s.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        return Some(match last {
            "verifyrequest" => HttpTarget::VerifyRequest,
            "notify" => HttpTarget::Notify,
            _ => HttpTarget::OtherCrp,
        });
    }
    None
}

fn is_method(t: &str) -> bool {
    matches!(t, "GET" | "POST" | "HEAD" | "PUT" | "OPTIONS")
}

fn all_digits(t: &str) -> bool {
    !t.is_empty() && t.len() <= 12 && t.bytes().all(|b| b.is_ascii_digit())
}

/// Where the status sits in a headerless line's tokens: the trailing run of numbers is
/// `status substatus win32` and whatever numeric columns the admin added after them
/// (`sc-bytes`, `cs-bytes`, `time-taken`); the status is the run's first three-digit
/// HTTP code. A port written just before it (`… 443 200 0 0 15`, custom orders) is
/// skipped.
fn status_index(toks: &[&str]) -> Option<usize> {
    let n = toks.len();
    let run = toks.iter().rev().take_while(|t| all_digits(t)).count();
    if run < 3 {
        return None;
    }
    let is_status =
        |t: &str| t.len() == 3 && t.parse::<u16>().is_ok_and(|v| (100..=599).contains(&v));
    let start = n - run;
    if is_status(toks[start])
        && !(run >= 4 && matches!(toks[start], "443") && is_status(toks[start + 1]))
    {
        return Some(start);
    }
    (run >= 4 && is_status(toks[start + 1])).then_some(start + 1)
}

/// Parses a headerless line by shape.
fn by_shape(line: &str) -> Option<Request<'_>> {
    let line = line.trim_end().trim_end_matches('.').trim_end();
    let toks: Vec<&str> = line.split_whitespace().collect();
    let status_at = status_index(&toks)?;
    let mi = toks[..status_at].iter().position(|t| is_method(t))?;
    let stem = *toks.get(mi + 1)?;
    let query = toks
        .get(mi + 2)
        .copied()
        .filter(|q| mi + 2 < status_at && (q.contains('=') || *q == "-"));
    let agent = toks[..status_at]
        .iter()
        .copied()
        .find(|t| client_platform(t).is_some() || has(t, "NDES_Plugin"));
    let (date, time) = leading_date_time(&toks);
    Some(Request {
        date,
        time,
        method: toks[mi],
        stem,
        query,
        client_ip: None,
        agent,
        status: toks[status_at].parse().ok()?,
        substatus: toks[status_at + 1].parse().unwrap_or(0),
        win32: toks[status_at + 2]
            .parse::<u64>()
            .map(|v| v as u32)
            .unwrap_or(0),
    })
}

/// An HTTP.sys error log line (`LogFiles\\HTTPERR`): `… cs-version cs-method cs-uri
/// streamid sc-status s-siteid s-reason s-queuename` — the request never reached IIS (a
/// stopped or disabled pool answers `503 … AppOffline`/`QueueFull`/`Disabled`).
fn by_httperr(line: &str) -> Option<Request<'_>> {
    let toks: Vec<&str> = line.split_whitespace().collect();
    let mi = toks.iter().position(|t| is_method(t))?;
    if !toks.get(mi.checked_sub(1)?)?.starts_with("HTTP/") {
        return None;
    }
    let uri = *toks.get(mi + 1)?;
    let (stem, query) = match uri.split_once('?') {
        Some((s, q)) => (s, Some(q)),
        None => (uri, None),
    };
    let status_at = (mi + 2..toks.len().min(mi + 4)).find(|&i| {
        toks[i].len() == 3
            && toks[i]
                .parse::<u16>()
                .is_ok_and(|v| (100..=599).contains(&v))
    })?;
    let (date, time) = leading_date_time(&toks);
    Some(Request {
        date,
        time,
        method: toks[mi],
        stem,
        query,
        client_ip: toks.get(2).copied().filter(|_| date.is_some()),
        agent: None,
        status: toks[status_at].parse().ok()?,
        substatus: 0,
        win32: 0,
    })
}

fn by_columns<'a>(c: &Columns, line: &'a str) -> Option<Request<'a>> {
    let toks: Vec<&'a str> = line.split_whitespace().collect();
    if toks.len() != c.count {
        return None;
    }
    let get = |i: Option<usize>| i.and_then(|i| toks.get(i).copied()).filter(|t| *t != "-");
    Some(Request {
        date: get(c.date),
        time: get(c.time),
        method: get(c.method)?,
        stem: get(c.stem)?,
        query: get(c.query),
        client_ip: get(c.client_ip),
        agent: get(c.agent),
        status: get(c.status)?.parse().ok()?,
        substatus: get(c.substatus).and_then(|s| s.parse().ok()).unwrap_or(0),
        win32: get(c.win32)
            .and_then(|s| s.parse::<u64>().ok())
            .map(|v| v as u32)
            .unwrap_or(0),
    })
}

/// `message=` of a GET PKIOperation, URL-decoded.
fn message_param(query: &str) -> Option<String> {
    let i = crate::evidence::find_ascii_ci(query, "message=")?;
    let v = &query[i + 8..];
    let v = v.split('&').next().unwrap_or(v);
    let mut out = Vec::with_capacity(v.len());
    let b = v.as_bytes();
    let mut k = 0;
    while k < b.len() {
        match b[k] {
            b'%' if k + 2 < b.len() => {
                match std::str::from_utf8(&b[k + 1..k + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or(())
                {
                    Ok(x) => {
                        out.push(x);
                        k += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b'+'),
            x => out.push(x),
        }
        k += 1;
    }
    String::from_utf8(out).ok()
}

/// The IIS log parser.
pub struct IisParser {
    sink: Sink,
    columns: Option<Columns>,
    /// A record split over two lines: the part with method and stem.
    pending: Option<(u64, String)>,
}

impl IisParser {
    pub fn new(path: Arc<str>) -> Self {
        IisParser {
            sink: Sink::new(path),
            columns: None,
            pending: None,
        }
    }

    fn record(&mut self, number: u64, line: &str) {
        let req = by_httperr(line).or_else(|| match &self.columns {
            Some(c) => by_columns(c, line).or_else(|| by_shape(line)),
            None => by_shape(line),
        });
        let Some(r) = req else { return };
        let time: Option<LogTime> = match (r.date, r.time) {
            (Some(d), Some(t)) => log_time(&format!("{d} {t}")),
            _ => None,
        };
        // Every request is a record of the log (its time counts for the span it covers);
        // only NDES and CRP requests are evidence.
        self.sink.record(time.as_ref());
        let Some(target) = target_of(r.stem, r.query) else {
            return;
        };
        let mut keys = ServerKeys::default();
        if let (
            HttpTarget::Mscep {
                operation: Some(ScepOperation::PkiOperation),
                ..
            },
            Some(q),
        ) = (&target, r.query)
            && let Some(m) = message_param(q)
        {
            let k = cms::scep_keys_from_base64(&m);
            keys.transaction_id = k.transaction_id;
            keys.subject_cn = k.subject_cn;
        }
        let fact = ServerFact::HttpRequest {
            target,
            method: r.method.to_string(),
            status: r.status,
            substatus: r.substatus,
            win32: r.win32,
            client: r.agent.and_then(client_platform),
            client_ip: r.client_ip.map(str::to_string),
        };
        self.sink
            .server(number, time, ServerComponent::Ndes, fact, keys, line);
    }
}

impl LogParser for IisParser {
    fn line(&mut self, number: u64, line: &str) {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix('#') {
            if let Some((num, p)) = self.pending.take() {
                self.record(num, &p);
            }
            if let Some(f) = rest.strip_prefix("Fields:") {
                self.columns = Some(Columns::from_fields(f));
            }
            return;
        }
        if t.is_empty() {
            return;
        }
        let toks: Vec<&str> = t.split_whitespace().collect();
        let has_method = toks.iter().any(|x| is_method(x));
        if let Some((num, p)) = self.pending.take() {
            if !has_method {
                let joined = format!("{p} {t}");
                self.record(num, &joined);
                return;
            }
            self.record(num, &p);
        }
        let complete = match &self.columns {
            Some(c) if toks.len() == c.count => true,
            _ => by_shape(t).is_some() || by_httperr(t).is_some(),
        };
        if !complete && has_method && toks.iter().any(|x| x.starts_with('/')) {
            self.pending = Some((number, t.to_string()));
            return;
        }
        self.record(number, t);
    }

    fn finish(&mut self) -> LogOutput {
        if let Some((num, p)) = self.pending.take() {
            self.record(num, &p);
        }
        self.sink.seen_on(ServerComponent::Ndes);
        self.sink.take(InputKind::IisW3cLog)
    }
}

/// NDES IIS W3C logs: a `#Fields:` directive, or headerless request lines to NDES or the
/// CRP ending in `status substatus win32 [time]`.
pub struct IisFormat;

impl InputFormat for IisFormat {
    fn name(&self) -> &'static str {
        "iis w3c log"
    }

    fn kind(&self) -> InputKind {
        InputKind::IisW3cLog
    }

    fn recognise(&self, head: &Head<'_>) -> Option<Signal> {
        if head.lines.iter().any(|l| {
            l.starts_with("#Fields:")
                && (l.contains("cs-uri-stem") || (l.contains("cs-uri") && l.contains("s-reason")))
        }) {
            Some(Signal::Structure)
        } else if head.lines.iter().any(|l| is_request_line(l)) {
            Some(Signal::Grammar)
        } else {
            None
        }
    }

    fn reader(&self, path: InputPath) -> Reader {
        super::reader(|| Reader::log(IisParser::new(path)))
    }
}

/// A headerless IIS line, or the first half of one a mail client wrapped: an HTTP method
/// token followed by a path of NDES (`/certsrv/mscep…`) or of the certificate
/// registration point (`/CertificateRegistrationSvc/…`). Other sites' lines and access
/// logs of other servers (`"GET /… HTTP/1.1"`) do not match.
fn is_request_line(l: &str) -> bool {
    let mut toks = l.split_whitespace();
    while let Some(t) = toks.next() {
        if is_method(t) {
            return toks.next().is_some_and(is_ndes_path);
        }
    }
    false
}

/// A request stem of NDES or the certificate registration point.
fn is_ndes_path(stem: &str) -> bool {
    let s = stem.as_bytes();
    let starts = |p: &str| s.len() >= p.len() && s[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    starts("/certsrv/mscep") || starts("/CertificateRegistrationSvc")
}

/// The `date time` a W3C line starts with (`2026-05-31 08:15:02`), when it has them.
fn leading_date_time<'a>(toks: &[&'a str]) -> (Option<&'a str>, Option<&'a str>) {
    match (toks.first(), toks.get(1)) {
        (Some(d), Some(t)) if d.len() == 10 && d.as_bytes()[4] == b'-' && t.contains(':') => {
            (Some(*d), Some(*t))
        }
        _ => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    fn http(f: &ServerFact) -> (&HttpTarget, u16, u32, Option<Platform>) {
        match f {
            ServerFact::HttpRequest {
                target,
                status,
                win32,
                client,
                ..
            } => (target, *status, *win32, *client),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn default_fields_android_success() {
        let out = run(
            &mut IisParser::new("iis.log".into()),
            &sample("iis-w3c-android-success.log"),
        );
        let f = facts(&out);
        assert_eq!(out.records as usize, f.len());
        assert_eq!(f.len(), 6);
        assert_eq!(
            http(&f[0]),
            (
                &HttpTarget::Mscep {
                    operation: None,
                    admin: false
                },
                403,
                0,
                None
            )
        );
        assert_eq!(
            http(&f[1]),
            (
                &HttpTarget::Mscep {
                    operation: Some(ScepOperation::GetCaCert),
                    admin: false
                },
                200,
                0,
                Some(Platform::Android)
            )
        );
        assert_eq!(http(&f[3]).0, &HttpTarget::VerifyRequest);
        assert_eq!(http(&f[3]).1, 201);
        assert_eq!(http(&f[4]).0, &HttpTarget::Notify);
        assert_eq!(
            out.events[1].time.as_ref().unwrap().text,
            "2026-03-02 08:15:04"
        );
    }

    #[test]
    fn custom_fields_second_header_ipv6() {
        let out = run(
            &mut IisParser::new("iis.log".into()),
            &sample("iis-w3c-mscep-500-impersonation.log"),
        );
        let f = facts(&out);
        assert_eq!(f.len(), 5);
        assert_eq!(http(&f[0]).1, 500);
        assert_eq!(http(&f[0]).2, 1346);
        assert_eq!(http(&f[0]).3, Some(Platform::Ios));
        assert_eq!(http(&f[2]).3, Some(Platform::Windows));
        assert_eq!(
            http(&f[2]).0,
            &HttpTarget::Mscep {
                operation: Some(ScepOperation::GetCaCaps),
                admin: false
            }
        );
    }

    #[test]
    fn headerless_split_and_admin() {
        let text = "2026-01-01 00:00:00 x.x.x.x GET /certsrv/mscep_admin/ - 443 - 10.0.0.1 Mozilla/5.0 - 401 2 5 3\n\
                    GET /certsrv/mscep/mscep.dll operation=GetCACert&message=ca 443 - 10.0.0.2\n\
                    Dalvik/2.1.0+(Linux;+U;+Android+13) - 503 0 0 1\n\
                    POST /CertificateRegistrationSvc/Certificate/VerifyRequest - 443 - ::1 NDES_Plugin - 403 16 2148204809 5.\n";
        let out = run(&mut IisParser::new("x".into()), text);
        let f = facts(&out);
        assert_eq!(f.len(), 3, "{f:?}");
        assert_eq!(
            http(&f[0]).0,
            &HttpTarget::Mscep {
                operation: None,
                admin: true
            }
        );
        assert_eq!(http(&f[1]).1, 503);
        assert_eq!(http(&f[1]).3, Some(Platform::Android));
        assert_eq!(http(&f[2]).2, 0x800B_0109);
    }

    #[test]
    fn doc_style_wrapped_and_httperr_lines() {
        // Microsoft's pages: no date, a zone ID, five numbers at the end, a trailing dot;
        // a VerifyRequest wrapped before its client address.
        let text = "fe80::1%13 GET /certsrv/mscep/mscep.dll/pkiclient.exe operation=GetCACaps&message=default 80 - fe80::1%13 Mozilla/4.0+(compatible;+Win32;+NDES+client) - 200 0 0 186 0.\n\
                    fe80::1%13 POST /CertificateRegistrationSvc/Certificate/VerifyRequest - 443 -\n\
                    fe80::1%13 NDES_Plugin - 201 0 0 341 875\n\
                    2026-06-30 22:14:03 10.8.4.79 51712 10.8.1.2 443 HTTP/1.1 GET /certsrv/mscep/mscep.dll?operation=GetCACert&message=ca - 503 1 AppOffline SCEP\n\
                    2026-06-30 22:15:00 10.8.1.2 GET /certsrv/mscep/mscep.dll operation=GetCACert&message=ca 443 - 10.0.0.9 - - 443 200 0 0 5\n";
        let out = run(&mut IisParser::new("x".into()), text);
        let f = facts(&out);
        assert_eq!(f.len(), 4, "{f:?}");
        assert_eq!(http(&f[0]).1, 200);
        assert_eq!(http(&f[0]).3, Some(Platform::Windows));
        assert_eq!(
            (http(&f[1]).0, http(&f[1]).1),
            (&HttpTarget::VerifyRequest, 201)
        );
        assert_eq!(http(&f[2]).1, 503);
        assert_eq!(
            http(&f[2]).0,
            &HttpTarget::Mscep {
                operation: Some(ScepOperation::GetCaCert),
                admin: false
            }
        );
        assert_eq!(
            out.events[2].time.as_ref().unwrap().text,
            "2026-06-30 22:14:03"
        );
        // A port written before the status is skipped.
        assert_eq!(http(&f[3]).1, 200);
        // Other sites' lines and other servers' access logs are not NDES requests.
        assert!(!is_request_line(
            "2026-03-02 08:15:04 10.0.0.5 GET /owa/ - 443 - 10.0.0.9 - - 200 0 0 4"
        ));
        assert!(!is_request_line(
            "10.0.0.1 - - [02/Mar/2026:08:15:04 +0000] \"GET /certsrv/mscep/mscep.dll HTTP/1.1\" 200 1"
        ));
        assert!(is_request_line(
            "x\tGET\t/certsrv/mscep/mscep.dll\toperation=GetCACert"
        ));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_lines_never_panic(lines in proptest::collection::vec(".{0,200}", 0..20)) {
            let mut p = IisParser::new("p".into());
            p.line(1, "#Fields: date time cs-method cs-uri-stem cs-uri-query sc-status sc-substatus sc-win32-status");
            for (i, l) in lines.iter().enumerate() {
                p.line(i as u64 + 2, l);
            }
            let _ = p.finish();
        }
    }
}
