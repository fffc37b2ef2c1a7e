//! The CA's request lists (server-log-formats.md §6): MMC "Export List" (tab- or
//! comma-separated, ANSI or UTF-16LE, headers in the admin's language) and
//! `certutil -view csv`. Columns are located by header name (English and a few other
//! languages, as data), else by the shape of their values.

use std::sync::Arc;

use crate::evidence::ServerComponent;
use crate::evidence::server::Disposition;
use crate::evidence::server::{ServerFact, ServerKeys};
use crate::parsers::{LogOutput, LogParser};

use super::{Sink, code_from_text, find_hresult, is_submit_failure, log_time, norm_hex};
use crate::contract::InputKind;
use crate::input::Head;
use crate::parsers::{InputFormat, InputPath, Reader, Signal};

/// Joins physical lines into CSV/TSV records (quoted fields may span lines) and splits
/// them into fields. Bounded: a record longer than 256 KB is cut.
#[derive(Debug, Default)]
pub struct CsvRecords {
    pub sep: Option<char>,
    buf: String,
    first_line: u64,
    in_quotes: bool,
}

impl CsvRecords {
    /// Feeds one line; returns a complete record with the number of its first line.
    pub fn line(&mut self, number: u64, line: &str) -> Option<(u64, Vec<String>)> {
        let sep = *self
            .sep
            .get_or_insert_with(|| if line.contains('\t') { '\t' } else { ',' });
        if self.buf.is_empty() && !self.in_quotes {
            self.first_line = number;
        } else if self.buf.len() < 256 * 1024 {
            self.buf.push('\n');
        }
        if self.buf.len() < 256 * 1024 {
            self.buf.push_str(line);
        }
        for c in line.chars() {
            if c == '"' {
                self.in_quotes = !self.in_quotes;
            }
        }
        if self.in_quotes && self.buf.len() < 256 * 1024 {
            return None;
        }
        self.in_quotes = false;
        let rec = std::mem::take(&mut self.buf);
        Some((self.first_line, split(&rec, sep)))
    }

    pub fn finish(&mut self) -> Option<(u64, Vec<String>)> {
        if self.buf.is_empty() {
            return None;
        }
        let sep = self.sep.unwrap_or(',');
        let rec = std::mem::take(&mut self.buf);
        Some((self.first_line, split(&rec, sep)))
    }
}

/// Splits one record; `""` inside quotes is a quote.
pub fn split(rec: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut q = false;
    let mut chars = rec.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if q && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => q = !q,
            c if c == sep && !q => out.push(std::mem::take(&mut cur).trim().to_string()),
            c => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

/// A CA column certdoctor uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    RequestId,
    Requester,
    StatusCode,
    Disposition,
    DispositionMessage,
    SubmittedWhen,
    CommonName,
    Template,
    Serial,
    Hash,
    NotBefore,
}

/// Header names per language (data, not code paths). Lower-case, compared after trim.
const NAMES: &[(&str, Col)] = &[
    ("request id", Col::RequestId),
    ("issued request id", Col::RequestId),
    ("requestid", Col::RequestId),
    ("anforderungs-id", Col::RequestId),
    ("id de la demande", Col::RequestId),
    ("requester name", Col::Requester),
    ("requestername", Col::Requester),
    ("name des anforderers", Col::Requester),
    ("request status code", Col::StatusCode),
    ("requeststatuscode", Col::StatusCode),
    ("anforderungsstatuscode", Col::StatusCode),
    ("request disposition", Col::Disposition),
    ("disposition", Col::Disposition),
    ("request disposition message", Col::DispositionMessage),
    ("dispositionmessage", Col::DispositionMessage),
    ("anforderungsdispositionsmeldung", Col::DispositionMessage),
    ("request submission date", Col::SubmittedWhen),
    ("request submitted date", Col::SubmittedWhen),
    ("submittedwhen", Col::SubmittedWhen),
    ("request common name", Col::CommonName),
    ("issued common name", Col::CommonName),
    ("commonname", Col::CommonName),
    ("allgemeiner name der anforderung", Col::CommonName),
    ("certificate template", Col::Template),
    ("certificatetemplate", Col::Template),
    ("zertifikatvorlage", Col::Template),
    ("modèle de certificat", Col::Template),
    ("serial number", Col::Serial),
    ("serialnumber", Col::Serial),
    ("seriennummer", Col::Serial),
    ("numéro de série", Col::Serial),
    ("certificate hash", Col::Hash),
    ("certificatehash", Col::Hash),
    ("zertifikathash", Col::Hash),
    ("certificate effective date", Col::NotBefore),
    ("notbefore", Col::NotBefore),
];

impl Col {
    /// English label used in evidence text (`Label: value; …`).
    pub fn label(self) -> &'static str {
        match self {
            Col::RequestId => "Request ID",
            Col::Requester => "Requester Name",
            Col::StatusCode => "Request Status Code",
            Col::Disposition => "Request Disposition",
            Col::DispositionMessage => "Request Disposition Message",
            Col::SubmittedWhen => "Request Submission Date",
            Col::CommonName => "Request Common Name",
            Col::Template => "Certificate Template",
            Col::Serial => "Serial Number",
            Col::Hash => "Certificate Hash",
            Col::NotBefore => "Certificate Effective Date",
        }
    }
}

/// Evidence text of a CA row: `Label: value; …` (labels let redaction find names).
pub fn row_text(pairs: &[(Option<Col>, String)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(c, v)| match c {
            Some(c) => format!("{}: {}", c.label(), v.trim_matches('"')),
            None => v.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn col_of(name: &str) -> Option<Col> {
    let n = name.trim().trim_matches('"').trim().to_lowercase();
    NAMES.iter().find(|(k, _)| *k == n).map(|&(_, c)| c)
}

/// True when `fields` look like a CA header row (≥3 known columns).
pub fn is_header(fields: &[String]) -> bool {
    fields.iter().filter(|f| col_of(f).is_some()).count() >= 3
}

/// A CA row as facts and keys.
pub struct CaRow {
    pub keys: ServerKeys,
    pub disposition: Disposition,
    pub code: Option<u32>,
    pub message: String,
    pub time: Option<String>,
}

/// Builds the facts of one CA row from (column, value) pairs; `default` is the
/// disposition the view implies (Failed list → denied) when no column says.
#[allow(clippy::field_reassign_with_default)]
pub fn row_from(pairs: &[(Option<Col>, String)], default: Disposition) -> Option<CaRow> {
    let get = |c: Col| {
        pairs
            .iter()
            .find(|(k, v)| *k == Some(c) && !v.is_empty() && v != "EMPTY")
            .map(|(_, v)| v.as_str())
    };
    let mut keys = ServerKeys::default();
    keys.ca_request_id = get(Col::RequestId).map(|v| {
        let t = v.trim();
        // `0xd41 (3393)` → 3393
        t.find('(')
            .and_then(|i| t[i + 1..].split(')').next())
            .unwrap_or(t)
            .trim()
            .to_string()
    });
    keys.subject_cn = get(Col::CommonName).map(|v| v.trim_matches('"').to_string());
    keys.template = get(Col::Template).map(|v| {
        // `"1.3.6…" Name` → Name; an OID alone stays.
        let v = v.trim();
        match v.rfind('"') {
            Some(i) if i + 1 < v.len() => v[i + 1..].trim().to_string(),
            _ => v.trim_matches('"').to_string(),
        }
    });
    keys.serial_hex = get(Col::Serial).and_then(norm_hex);
    keys.sha1 = get(Col::Hash).and_then(norm_hex).filter(|h| h.len() == 40);
    let status = get(Col::StatusCode).unwrap_or("");
    let dmsg = get(Col::DispositionMessage).unwrap_or("");
    let mut code = find_hresult(status).filter(|c| *c != 0);
    if code.is_none() {
        code = code_from_text(status);
    }
    let disposition = match get(Col::Disposition) {
        Some(d) => Disposition::parse(d),
        None if !dmsg.is_empty() => match Disposition::parse(dmsg) {
            Disposition::Unknown => default,
            d => d,
        },
        None if keys.serial_hex.is_some() || keys.sha1.is_some() => Disposition::Issued,
        None => default,
    };
    // A row needs something to link or to say: keys, a code, or a stated disposition (a
    // ticket's `Request Disposition Message: Taken Under Submission` alone).
    let stated =
        get(Col::Disposition).is_some() || Disposition::parse(dmsg) != Disposition::Unknown;
    if keys.is_empty() && code.is_none() && !stated {
        return None;
    }
    let mut message = dmsg.to_string();
    if !status.is_empty() && code.is_some() {
        message = if message.is_empty() {
            status.to_string()
        } else {
            format!("{message}: {status}")
        };
    }
    let time = get(Col::SubmittedWhen)
        .or(get(Col::NotBefore))
        .map(str::to_string);
    Some(CaRow {
        keys,
        disposition,
        code,
        message,
        time,
    })
}

/// Emits a CA row as an event.
pub(crate) fn emit(sink: &mut Sink, line: u64, row: CaRow, text: &str) {
    let fact = match row.code {
        Some(c) if is_submit_failure(c) && row.disposition != Disposition::Issued => {
            ServerFact::CaSubmitFailed {
                code: Some(c),
                detail: row.message.clone(),
            }
        }
        _ => ServerFact::CaDecision {
            disposition: row.disposition,
            code: row.code,
            message: row.message,
            pkcs: false,
        },
    };
    let time = row.time.as_deref().and_then(log_time);
    sink.server(line, time, ServerComponent::Ca, fact, row.keys, text);
}

/// Guesses a column from the shape of a value (headers in an unknown language).
fn col_by_shape(v: &str) -> Option<Col> {
    let t = v.trim().trim_matches('"');
    if t.is_empty() {
        return None;
    }
    if find_hresult(t).is_some() || t.contains("CERTSRV_E_") || t.contains("WIN32:") {
        return Some(Col::StatusCode);
    }
    if log_time(t).is_some() {
        return Some(Col::SubmittedWhen);
    }
    if norm_hex(t).is_some_and(|h| h.len() == 40) && t.contains(' ') {
        return Some(Col::Hash);
    }
    if norm_hex(t).is_some_and(|h| h.len() >= 16) && !t.contains(' ') {
        return Some(Col::Serial);
    }
    if t.len() <= 9 && t.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Col::RequestId);
    }
    None
}

/// The MMC Export List / `certutil -view csv` parser.
pub struct CaListParser {
    sink: Sink,
    csv: CsvRecords,
    columns: Option<Vec<Option<Col>>>,
    header_seen: bool,
}

impl CaListParser {
    pub fn new(path: Arc<str>) -> Self {
        CaListParser {
            sink: Sink::new(path),
            csv: CsvRecords::default(),
            columns: None,
            header_seen: false,
        }
    }

    fn record(&mut self, line: u64, fields: Vec<String>) {
        if fields.iter().all(|f| f.is_empty()) {
            return;
        }
        if is_header(&fields) {
            self.columns = Some(fields.iter().map(|f| col_of(f)).collect());
            self.header_seen = true;
            return;
        }
        if !self.header_seen && self.columns.is_none() {
            // First row with unknown (localised) names: treat it as the header and map
            // columns by the shape of the next row.
            self.columns = Some(vec![None; fields.len()]);
            self.header_seen = true;
            return;
        }
        let cols = self.columns.get_or_insert_with(Vec::new);
        if cols.iter().all(|c| c.is_none()) {
            *cols = fields.iter().map(|v| col_by_shape(v)).collect();
            // The first text column after the ID is the requester; names: the last text
            // column is usually the common name.
            if let Some(i) = fields.iter().rposition(|v| {
                let t = v.trim();
                !t.is_empty() && col_by_shape(t).is_none() && !t.contains(' ') && !t.contains('\\')
            }) {
                cols[i] = Some(Col::CommonName);
            }
        }
        let pairs: Vec<(Option<Col>, String)> = fields
            .iter()
            .enumerate()
            .map(|(i, v)| (cols.get(i).copied().flatten(), v.clone()))
            .collect();
        let text = row_text(&pairs);
        if let Some(row) = row_from(&pairs, Disposition::Denied) {
            self.sink.record(None);
            emit(&mut self.sink, line, row, &text);
        }
    }
}

impl LogParser for CaListParser {
    fn line(&mut self, number: u64, line: &str) {
        if self.csv.sep.is_none() && line.trim().is_empty() {
            return;
        }
        if let Some((n, fields)) = self.csv.line(number, line) {
            self.record(n, fields);
        }
    }

    fn finish(&mut self) -> LogOutput {
        if let Some((n, fields)) = self.csv.finish() {
            self.record(n, fields);
        }
        self.sink.seen_on(ServerComponent::Ca);
        self.sink.take(InputKind::CaRequestList)
    }
}

/// An MMC "Export List" or `certutil -view csv`: a header row naming ≥3 CA columns in any
/// language of the column table, or — headers in another language — a table whose rows
/// hold CA status codes (`0x80094012 (-2146877422 CERTSRV_E_…)`, `0x0 (WIN32: 0)`).
pub struct CaListFormat;

impl InputFormat for CaListFormat {
    fn name(&self) -> &'static str {
        "ca request list"
    }

    fn kind(&self) -> InputKind {
        InputKind::CaRequestList
    }

    fn recognise(&self, head: &Head<'_>) -> Option<Signal> {
        let mut rows = head.lines.iter().filter(|l| !l.trim().is_empty());
        let first = rows.next()?;
        let sep = if first.contains('\t') { '\t' } else { ',' };
        let header = split(first, sep);
        let found = (header.len() >= 3 && is_header(&header))
            || (header.len() >= 4
                && rows.take(50).any(|l| {
                    split(l, sep).len() == header.len()
                        && (l.contains("CERTSRV_E_") || l.contains("(WIN32: "))
                }));
        found.then_some(Signal::Structure)
    }

    fn reader(&self, path: InputPath) -> Reader {
        super::reader(|| Reader::log(CaListParser::new(path)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn mmc_failed_requests_utf16() {
        let out = run(
            &mut CaListParser::new("ca".into()),
            &sample("ca-failed-requests-export.txt"),
        );
        assert_eq!(out.records, 3);
        let e = &out.events[0];
        match &e.kind {
            crate::evidence::EventKind::Server(s) => {
                assert_eq!(s.keys.ca_request_id.as_deref(), Some("3388"));
                assert_eq!(s.keys.subject_cn.as_deref(), Some("mei.chen"));
                match &s.fact {
                    ServerFact::CaDecision {
                        disposition,
                        code,
                        message,
                        ..
                    } => {
                        assert_eq!(*disposition, Disposition::Denied);
                        assert_eq!(*code, Some(0x8009_4012));
                        assert!(message.contains("Denied by Policy Module"));
                    }
                    o => panic!("{o:?}"),
                }
            }
            _ => panic!(),
        }
        assert_eq!(e.time.as_ref().unwrap().text, "6/3/2026 2:10 PM");
    }

    #[test]
    fn certutil_csv_and_unknown_language_by_shape() {
        let text = "\"Issued Request ID\",\"Request Disposition\",\"Serial Number\",\"Certificate Hash\",\"Certificate Template\",\"Issued Common Name\"\n\
                    \"3393\",\"20 -- Issued\",\"3a000000d41c\",\"9b 2e 71 c4 05 ad 38 f6 11 e0 c7 4a 92 5d bb 06 e3 7f 28 d1\",\"WoodgroveSCEPUser\",\"mei\nchen\"\n";
        let out = run(&mut CaListParser::new("ca".into()), text);
        let f = facts(&out);
        assert!(matches!(
            f[0],
            ServerFact::CaDecision {
                disposition: Disposition::Issued,
                ..
            }
        ));
        let text = "Anfrage\tAntragsteller\tStatus\tDatum\tName\n12\tDOM\\svc\tNicht erlaubt 0x80094800 (-2146875392 CERTSRV_E_UNSUPPORTED_CERT_TYPE)\t03.06.2026 14:10\tlena\n";
        let out = run(&mut CaListParser::new("ca".into()), text);
        match &out.events[0].kind {
            crate::evidence::EventKind::Server(s) => {
                assert_eq!(s.keys.ca_request_id.as_deref(), Some("12"));
                assert_eq!(s.keys.subject_cn.as_deref(), Some("lena"));
                assert!(matches!(
                    s.fact,
                    ServerFact::CaDecision {
                        code: Some(0x8009_4800),
                        ..
                    }
                ));
            }
            _ => panic!(),
        }
    }

    #[test]
    fn garbage_csv_gives_nothing() {
        let out = run(
            &mut CaListParser::new("ca".into()),
            "a,b,c\n\"unterminated,x\n1,2\n",
        );
        assert!(out.events.len() <= 1);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_lines_never_panic(lines in proptest::collection::vec(".{0,200}", 0..20)) {
            let mut p = CaListParser::new("p".into());
            p.line(1, "Request ID\tRequester Name\tRequest Status Code\tRequest Common Name");
            for (i, l) in lines.iter().enumerate() {
                p.line(i as u64 + 2, l);
            }
            let _ = p.finish();
        }
    }
}
