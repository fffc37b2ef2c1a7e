//! Server-side parsers (server-log-formats.md §2–§7): NDES IIS W3C logs, the Intune NDES
//! plug-in log, CRP/connector `.svclog`, server Windows event exports, the CA's request
//! list exports and `certutil -view`, and SCEP test clients. Each is a streaming
//! [`LogParser`](super::LogParser) over normalised lines; memory does not grow with the
//! input beyond the typed events kept. Hand-written tokenising, no regular expressions.

pub mod calist;
pub mod certutil;
pub mod cms;
pub mod events;
pub mod iis;
pub mod ndesplugin;
pub mod setup;
pub mod svclog;
pub mod testclient;

use std::sync::Arc;

use crate::evidence::server::{ServerFact, ServerKeys};
use crate::evidence::{
    EventKind, LogEvent, LogRead, LogTime, Platform, ServerComponent, ServerEvent, SourceRef,
    TimeSpan,
};
use crate::limits;

pub(crate) use crate::evidence::codes::{
    code_from_text, code_label, find_hresult, is_submit_failure,
};

use super::{LogOutput, Reader};

/// The reader of a server log: `make`'s parser where the `server-logs` feature is on (the
/// CLI), otherwise [`Reader::Ignored`] naming the CLI; `make` is then never called, so the
/// parser is not linked into the apps' library (a phone holds no server logs).
pub(crate) fn reader(make: impl FnOnce() -> Reader) -> Reader {
    #[cfg(feature = "server-logs")]
    {
        make()
    }
    #[cfg(not(feature = "server-logs"))]
    {
        let _ = make;
        Reader::Ignored(
            "a server-side log (NDES, IIS, the certificate connector, the CA): the app does not read server logs; the helpdesk reads it with the certdoctor CLI",
        )
    }
}

/// Collects events of one input within `limits::MAX_EVENTS_PER_INPUT`, and what the
/// input covered: the span of its record times and the machines its records came from.
#[derive(Debug)]
pub(crate) struct Sink {
    pub path: Arc<str>,
    pub out: LogOutput,
    pub span: TimeSpan,
    pub components: Vec<ServerComponent>,
}

impl Sink {
    pub fn new(path: Arc<str>) -> Self {
        Sink {
            path,
            out: LogOutput {
                platform: Some(Platform::Server),
                ..LogOutput::default()
            },
            span: TimeSpan::default(),
            components: Vec::new(),
        }
    }

    /// One record read: counted, its time (if any) taken into the span.
    pub fn record(&mut self, time: Option<&LogTime>) {
        self.out.records += 1;
        self.span.see_opt(time);
    }

    /// The input's records came from `c` (kept once).
    pub fn seen_on(&mut self, c: ServerComponent) {
        if !self.components.contains(&c) {
            self.components.push(c);
        }
    }

    pub fn push(&mut self, e: LogEvent) {
        if self.out.events.len() >= limits::MAX_EVENTS_PER_INPUT {
            self.out.events_dropped += 1;
        } else {
            self.out.events.push(e);
        }
    }

    /// A server event at `line`.
    pub fn server(
        &mut self,
        line: u64,
        time: Option<LogTime>,
        component: ServerComponent,
        fact: ServerFact,
        keys: ServerKeys,
        text: &str,
    ) {
        self.seen_on(component);
        self.span.see_opt(time.as_ref());
        let e = LogEvent {
            platform: Platform::Server,
            source: SourceRef::line(self.path.clone(), line),
            time,
            pid: None,
            kind: EventKind::Server(ServerEvent {
                component,
                fact,
                keys,
            }),
            text: limits::clip(text.trim(), limits::MAX_EVIDENCE_TEXT),
        };
        self.push(e);
    }

    /// The output, ended with the input's [`LogRead`] as `kind`.
    pub fn take(&mut self, kind: crate::contract::InputKind) -> LogOutput {
        let read = LogRead::new(kind, std::mem::take(&mut self.span))
            .on(std::mem::take(&mut self.components));
        let path = self.path.clone();
        self.out.read_as(&path, Platform::Server, read);
        std::mem::take(&mut self.out)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn key_of(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, nanos: u32) -> Option<i128> {
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(y, mo, d) as i128;
    Some(((days * 86_400 + (h * 3600 + mi * 60 + s) as i128) * 1_000_000_000) + nanos as i128)
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `hh:mm[:ss[.fffffff]]` with an optional `AM`/`PM` token → (h, m, s, nanos).
fn parse_clock(t: &str, ampm: Option<&str>) -> Option<(u32, u32, u32, u32)> {
    let t = t.trim_end_matches('Z');
    let (hms, frac) = match t.split_once(['.', ',']) {
        Some((a, b)) => (a, Some(b)),
        None => (t, None),
    };
    let mut it = hms.split(':');
    let mut h = digits(it.next()?)?;
    let mi = digits(it.next()?)?;
    let s = match it.next() {
        Some(x) => digits(x)?,
        None => 0,
    };
    let nanos = match frac {
        Some(f) => {
            let f: String = f
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .take(9)
                .collect();
            if f.is_empty() {
                0
            } else {
                digits(&f)? * 10u32.pow(9 - f.len() as u32)
            }
        }
        None => 0,
    };
    match ampm.map(|a| a.to_ascii_uppercase()) {
        Some(a) if a == "PM" && h < 12 => h += 12,
        Some(a) if a == "AM" && h == 12 => h = 0,
        _ => {}
    }
    Some((h, mi, s, nanos))
}

/// A date: `yyyy-mm-dd`, `m/d/yyyy` (US order unless the first part exceeds 12),
/// `dd.mm.yyyy`.
fn parse_date(d: &str) -> Option<(i64, u32, u32)> {
    let d = d.trim();
    if let Some((y, rest)) = d.split_once('-') {
        let (m, day) = rest.split_once('-')?;
        if y.len() == 4 {
            return Some((digits(y)? as i64, digits(m)?, digits(day)?));
        }
        return None;
    }
    let sep = if d.contains('/') {
        '/'
    } else if d.contains('.') {
        '.'
    } else {
        return None;
    };
    let parts: Vec<&str> = d.split(sep).collect();
    if parts.len() != 3 {
        return None;
    }
    if parts[0].len() == 4 {
        return Some((
            digits(parts[0])? as i64,
            digits(parts[1])?,
            digits(parts[2])?,
        ));
    }
    let (a, b, y) = (digits(parts[0])?, digits(parts[1])?, digits(parts[2])?);
    let y = if y < 100 { 2000 + y as i64 } else { y as i64 };
    if sep == '.' || a > 12 {
        Some((y, b, a))
    } else {
        Some((y, a, b))
    }
}

/// Parses a written date-time (`2026-03-02 08:15:04`, `2026-05-20T13:44:10.1023341Z`,
/// `6/3/2026 2:45:02 PM`, `03.06.2026 14:45`) into a [`LogTime`] that keeps the text as
/// written; `None` when it holds no date and time.
pub fn log_time(text: &str) -> Option<LogTime> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let (date, rest) = match t.split_once('T') {
        Some((d, r)) if d.len() == 10 && d.as_bytes()[4] == b'-' => (d, r.to_string()),
        _ => {
            let (d, r) = t.split_once(' ')?;
            (d, r.trim().to_string())
        }
    };
    let (y, mo, d) = parse_date(date)?;
    let mut toks = rest.split_whitespace();
    let clock = toks.next()?;
    let ampm = toks
        .next()
        .filter(|a| a.eq_ignore_ascii_case("AM") || a.eq_ignore_ascii_case("PM"));
    // Drop a `+01:00` offset from the clock part; the written text keeps it.
    let clock = clock.split(['+']).next().unwrap_or(clock);
    let (h, mi, s, ns) = parse_clock(clock, ampm)?;
    let key = key_of(y, mo, d, h, mi, s, ns)?;
    Some(LogTime {
        text: t.to_string(),
        order_key: Some(key),
        has_date: true,
    })
}

/// The first GUID (8-4-4-4-12 hex) in `text`, lower case with dashes.
pub(crate) fn find_guid(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let shape = [8usize, 4, 4, 4, 12];
    let total = 36;
    let mut i = 0;
    while i + total <= b.len() {
        let mut ok = true;
        let mut p = i;
        for (k, &n) in shape.iter().enumerate() {
            if !b[p..p + n].iter().all(|c| c.is_ascii_hexdigit()) {
                ok = false;
                break;
            }
            p += n;
            if k < 4 {
                if b[p] != b'-' {
                    ok = false;
                    break;
                }
                p += 1;
            }
        }
        if ok
            && (i == 0 || !b[i - 1].is_ascii_hexdigit())
            && (p == b.len() || !b[p].is_ascii_hexdigit())
        {
            return Some(text[i..p].to_ascii_lowercase());
        }
        i += 1;
    }
    None
}

/// Uppercase hex without separators, `None` unless 16–64 hex digits.
pub(crate) fn norm_hex(s: &str) -> Option<String> {
    let h: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':' && *c != '"')
        .collect();
    (h.len() >= 8 && h.len() <= 64 && h.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| h.to_ascii_uppercase())
}

/// Case-insensitive "contains".
pub(crate) fn has(hay: &str, needle: &str) -> bool {
    crate::evidence::find_ascii_ci(hay, needle).is_some()
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::super::LogParser;
    use super::*;

    /// Feeds `text` line by line (as the line decoder would, BOM and CR removed).
    pub fn run(parser: &mut dyn LogParser, text: &str) -> LogOutput {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (i, l) in text.split('\n').enumerate() {
            parser.line(i as u64 + 1, l.trim_end_matches('\r'));
        }
        crate::parsers::finish_events(parser)
    }

    /// Decodes a sample file (UTF-8, UTF-8 BOM, UTF-16LE BOM).
    pub fn sample(name: &str) -> String {
        let path = format!(
            "{}/../tests/fixtures/server/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        if bytes.starts_with(&[0xFF, 0xFE]) {
            let u: Vec<u16> = bytes[2..]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&u)
        } else {
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }

    pub fn facts(out: &LogOutput) -> Vec<ServerFact> {
        out.events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Server(s) => Some(s.fact.clone()),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_every_shape() {
        let a = log_time("2026-03-02 08:15:04").unwrap();
        let b = log_time("2026-03-02T08:15:04.0000000Z").unwrap();
        assert_eq!(a.order_key, b.order_key);
        let c = log_time("3/2/2026 8:15:04 AM").unwrap();
        assert_eq!(a.order_key, c.order_key);
        let d = log_time("6/3/2026 2:45:02 PM").unwrap();
        let e = log_time("2026-06-03 14:45:02").unwrap();
        assert_eq!(d.order_key, e.order_key);
        assert_eq!(
            log_time("03.06.2026 14:45:02").unwrap().order_key,
            e.order_key
        );
        assert!(log_time("garbage").is_none());
        assert!(log_time("13/45/2026 99:00").is_none());
    }

    #[test]
    fn guids_by_pattern() {
        assert_eq!(
            find_guid("DeviceId: 3F6B2A90-5c1d-4e7f-8a2b-9c0d1e2f3a4b."),
            Some("3f6b2a90-5c1d-4e7f-8a2b-9c0d1e2f3a4b".into())
        );
    }
}
