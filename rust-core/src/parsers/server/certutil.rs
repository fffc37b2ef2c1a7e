//! `certutil -view` text output (server-log-formats.md §6): optional `Schema:` table,
//! `Row N:` blocks of `Label: value` lines (values `0x… (dec)`, quoted strings, dates,
//! `EMPTY`; ticket copies put the value on the next line), hex/ASCII dumps skipped, and
//! the `Maximum Row Index:` / `n Rows` / `CertUtil:` trailer. Labels are localised: the
//! schema's column names map them when present, else the English names.

use std::collections::HashMap;
use std::sync::Arc;

use crate::evidence::ServerComponent;
use crate::evidence::server::Disposition;
use crate::parsers::{LogOutput, LogParser};

use super::Sink;
use super::calist::{Col, emit, row_from, row_text};
use crate::contract::InputKind;
use crate::input::Head;
use crate::parsers::{InputFormat, InputPath, Reader, Signal};

fn col_of(name: &str) -> Option<Col> {
    // Reuse the request list's name table by building a one-field header.
    let fields = vec![name.to_string()];
    let _ = fields;
    let n = name.trim().to_lowercase();
    Some(match n.as_str() {
        "request id" | "issued request id" | "requestid" => Col::RequestId,
        "requester name" | "requestername" => Col::Requester,
        "request status code" | "requeststatuscode" | "statuscode" => Col::StatusCode,
        "request disposition" | "disposition" => Col::Disposition,
        "request disposition message" | "dispositionmessage" => Col::DispositionMessage,
        "request submission date" | "submittedwhen" => Col::SubmittedWhen,
        "request common name" | "issued common name" | "commonname" => Col::CommonName,
        "certificate template" | "certificatetemplate" => Col::Template,
        "serial number" | "serialnumber" => Col::Serial,
        "certificate hash" | "certificatehash" => Col::Hash,
        "certificate effective date" | "notbefore" => Col::NotBefore,
        _ => return None,
    })
}

/// A hex/ASCII dump line: `0000    49 00 73 00 …`.
fn is_dump(t: &str) -> bool {
    let mut it = t.split_whitespace();
    let Some(first) = it.next() else { return false };
    first.len() == 4
        && first.bytes().all(|b| b.is_ascii_hexdigit())
        && it
            .next()
            .is_some_and(|x| x.len() == 2 && x.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A row being read: first line, (column, value) pairs, label lines.
type Row = (u64, Vec<(Option<Col>, String)>, Vec<String>);

/// The `certutil -view` text parser.
pub struct CertutilParser {
    sink: Sink,
    in_schema: bool,
    schema: HashMap<String, Col>,
    row: Option<Row>,
    /// A label whose value is on the next line.
    open_label: Option<Option<Col>>,
}

impl CertutilParser {
    pub fn new(path: Arc<str>) -> Self {
        CertutilParser {
            sink: Sink::new(path),
            in_schema: false,
            schema: HashMap::new(),
            row: None,
            open_label: None,
        }
    }

    fn label_col(&self, label: &str) -> Option<Col> {
        self.schema
            .get(&label.trim().to_lowercase())
            .copied()
            .or_else(|| col_of(label))
    }

    fn flush(&mut self) {
        self.open_label = None;
        let Some((line, pairs, _)) = self.row.take() else {
            return;
        };
        let known: Vec<(Option<Col>, String)> =
            pairs.iter().filter(|(c, _)| c.is_some()).cloned().collect();
        if let Some(row) = row_from(&pairs, Disposition::Unknown) {
            self.sink.record(None);
            emit(&mut self.sink, line, row, &row_text(&known));
        }
    }
}

impl LogParser for CertutilParser {
    fn line(&mut self, number: u64, line: &str) {
        let t = line.trim();
        if t.starts_with("Schema:") {
            self.in_schema = true;
            return;
        }
        if self.in_schema {
            if t.is_empty() {
                self.in_schema = false;
                return;
            }
            if t.starts_with("--") {
                return;
            }
            // Columns are separated by runs of two or more spaces.
            let parts: Vec<&str> = t
                .split("  ")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            if parts.len() >= 2
                && let Some(c) = col_of(parts[0])
            {
                self.schema.insert(parts[1].to_lowercase(), c);
            }
            return;
        }
        let lower = t.to_ascii_lowercase();
        let is_row = t.ends_with(':')
            && t.split_whitespace().count() == 2
            && t.split_whitespace()
                .nth(1)
                .is_some_and(|n| n.trim_end_matches(':').bytes().all(|b| b.is_ascii_digit()));
        if is_row {
            self.flush();
            self.row = Some((number, Vec::new(), Vec::new()));
            return;
        }
        if t.is_empty()
            || lower.starts_with("maximum row index")
            || lower.starts_with("certutil:")
            || (lower.ends_with("rows")
                && t.split_whitespace()
                    .next()
                    .is_some_and(|n| n.parse::<u64>().is_ok()))
        {
            if !t.is_empty() {
                self.flush();
            }
            return;
        }
        if is_dump(t) {
            return;
        }
        // Outside `Row N:` a ticket copy may start with a label directly.
        if let Some(col) = self.open_label.take() {
            if let Some((_, pairs, text)) = self.row.as_mut() {
                pairs.push((col, t.to_string()));
                text.push(t.to_string());
            }
            return;
        }
        if let Some((label, value)) = t.split_once(':') {
            let col = self.label_col(label);
            if col.is_none() && self.row.is_none() {
                return;
            }
            if self.row.is_none() {
                self.row = Some((number, Vec::new(), Vec::new()));
            }
            let value = value.trim();
            if col == Some(Col::RequestId)
                && self
                    .row
                    .as_ref()
                    .is_some_and(|r| r.1.iter().any(|(c, _)| *c == Some(Col::RequestId)))
            {
                // A second request ID without `Row N:` starts the next row of a copy.
                self.flush();
                self.row = Some((number, Vec::new(), Vec::new()));
            }
            if value.is_empty() {
                self.open_label = Some(col);
                return;
            }
            if let Some((_, pairs, text)) = self.row.as_mut() {
                pairs.push((col, value.trim_matches('"').to_string()));
                if col.is_some() {
                    text.push(t.to_string());
                }
            }
        }
    }

    fn finish(&mut self) -> LogOutput {
        self.flush();
        self.sink.seen_on(ServerComponent::Ca);
        self.sink.take(InputKind::CertutilView)
    }
}

/// `certutil -view` text: `Row N:` blocks with a disposition, a `Schema:` table, or a
/// ticket's `Request Status Code:` label line.
pub struct CertutilFormat;

impl InputFormat for CertutilFormat {
    fn name(&self) -> &'static str {
        "certutil -view output"
    }

    fn kind(&self) -> InputKind {
        InputKind::CertutilView
    }

    fn recognise(&self, head: &Head<'_>) -> Option<Signal> {
        let lines = &head.lines;
        let row = lines.iter().any(|l| {
            l.strip_prefix("Row ")
                .and_then(|r| r.strip_suffix(':'))
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
        });
        let found = (row && head.text.contains("Request Disposition:"))
            || (lines.first().is_some_and(|l| l.trim() == "Schema:")
                && head.text.contains("Column Name"))
            || lines.iter().any(|l| {
                // A ticket's copy of a request's fields (the CA console or certutil), the
                // value on the same line or the next.
                let t = l.trim_start();
                [
                    "Request Status Code:",
                    "Request Disposition Message:",
                    "Request Disposition:",
                ]
                .iter()
                .any(|label| t.starts_with(label))
            });
        found.then_some(Signal::Structure)
    }

    fn reader(&self, path: InputPath) -> Reader {
        super::reader(|| Reader::log(CertutilParser::new(path)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::evidence::EventKind;
    use crate::evidence::server::ServerFact;

    #[test]
    fn two_issued_rows_with_schema() {
        let out = run(
            &mut CertutilParser::new("c".into()),
            &sample("certutil-view-issued.txt"),
        );
        assert_eq!(out.records, 2);
        match &out.events[0].kind {
            EventKind::Server(s) => {
                assert!(matches!(
                    s.fact,
                    ServerFact::CaDecision {
                        disposition: Disposition::Issued,
                        ..
                    }
                ));
                assert_eq!(s.keys.ca_request_id.as_deref(), Some("3393"));
                assert_eq!(
                    s.keys.sha1.as_deref(),
                    Some("9B2E71C405AD38F611E0C74A925DBB06E37F28D1")
                );
                assert_eq!(
                    s.keys.serial_hex.as_deref(),
                    Some("3A000000D41C2F9E7B6A5D4C3B000000000D41")
                );
                assert_eq!(s.keys.template.as_deref(), Some("WoodgroveSCEPUser"));
                assert_eq!(s.keys.subject_cn.as_deref(), Some("mei.chen"));
            }
            _ => panic!(),
        }
    }

    #[test]
    fn ticket_copy_value_on_next_line_and_dumps() {
        let text = "Request ID:\n0x2a (42)\nRequest Disposition:\n0x1f (31) -- Denied\nRequest Status Code:\n0x80094012 (-2146877422 CERTSRV_E_TEMPLATE_DENIED)\n\
                    Binary Request:\n0000    49 00 73 00\nRequest Common Name: \"x\"\n";
        let out = run(&mut CertutilParser::new("c".into()), text);
        match &out.events[0].kind {
            EventKind::Server(s) => {
                assert_eq!(s.keys.ca_request_id.as_deref(), Some("42"));
                assert!(
                    matches!(
                        s.fact,
                        ServerFact::CaDecision {
                            disposition: Disposition::Denied,
                            code: Some(0x8009_4012),
                            ..
                        }
                    ),
                    "{:?}",
                    s.fact
                );
            }
            _ => panic!(),
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_lines_never_panic(lines in proptest::collection::vec(".{0,200}", 0..20)) {
            let mut p = CertutilParser::new("p".into());
            p.line(1, "Row 1:");
            for (i, l) in lines.iter().enumerate() {
                p.line(i as u64 + 2, l);
            }
            let _ = p.finish();
        }
    }
}
