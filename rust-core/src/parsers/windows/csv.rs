//! Delimited Windows event exports (log-formats.md §4.2): Event Viewer "Save as CSV"
//! (`Level,Date and Time,Source,Event ID,Task Category` — five names, six fields, localised
//! headers read by position), the tab-delimited `.txt` variant, and PowerShell
//! `Export-Csv` (optional `#TYPE` line, columns located by name). Quoted fields may hold
//! the delimiter, `""` and newlines; records are assembled across physical lines here.

/// How the columns of the export are laid out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Layout {
    /// Event Viewer: Level, Date and Time, Source, Event ID, Task Category, message.
    Positional,
    /// PowerShell `Export-Csv`: indices of the named columns.
    Named {
        id: Option<usize>,
        message: Option<usize>,
        time: Option<usize>,
        provider: Option<usize>,
        pid: Option<usize>,
    },
}

/// One data row, by meaning.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Row {
    pub event_id: Option<u32>,
    pub time: Option<String>,
    pub provider: Option<String>,
    pub message: Option<String>,
    pub pid: Option<u32>,
}

/// Bytes of one quoted record held while waiting for its closing quote.
const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;

/// Splits one complete record into fields (quotes removed, `""` → `"`).
pub(crate) fn split_fields(record: &str, delim: char) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut in_quote = false;
    let mut chars = record.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quote {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cur.push('"');
                    chars.next();
                } else {
                    in_quote = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' {
            in_quote = true;
        } else if c == delim {
            fields.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    fields.push(cur);
    fields
}

fn norm(name: &str) -> String {
    name.trim().trim_matches('"').trim().to_ascii_lowercase()
}

/// Recognises a header line; returns the delimiter and layout.
pub(crate) fn header(line: &str) -> Option<(char, Layout)> {
    let t = line.trim_start_matches('\u{feff}').trim_end();
    if t.is_empty() || t.contains('<') {
        return None;
    }
    let delim = if t.contains('\t') { '\t' } else { ',' };
    let fields = split_fields(t, delim);
    let names: Vec<String> = fields.iter().map(|f| norm(f)).collect();
    let find = |cands: &[&str]| names.iter().position(|n| cands.contains(&n.as_str()));
    let id = find(&["id", "eventid", "event id"]);
    let message = find(&["message"]);
    if id.is_some() && message.is_some() && names.len() >= 2 && find(&["date and time"]).is_none() {
        return Some((
            delim,
            Layout::Named {
                id,
                message,
                time: find(&["timecreated", "time created"]),
                provider: find(&["providername", "provider", "source"]),
                pid: find(&["processid"]),
            },
        ));
    }
    let english = names.len() >= 5
        && names[0] == "level"
        && names[1] == "date and time"
        && names[2] == "source"
        && names[3] == "event id";
    // Localised headers: five short names without digits or colons.
    let localised = (names.len() == 5 || (names.len() == 6 && names[5].is_empty()))
        && names
            .iter()
            .take(5)
            .all(|n| !n.is_empty() && n.chars().count() <= 40 && !n.contains(':'))
        && !names.iter().any(|n| n.chars().any(|c| c.is_ascii_digit()));
    if english || localised {
        return Some((delim, Layout::Positional));
    }
    None
}

/// Assembles records across lines and maps them to [`Row`]s.
#[derive(Debug)]
pub(crate) struct CsvReader {
    pub delim: char,
    pub layout: Option<Layout>,
    pending: String,
    pending_line: u64,
    in_quote: bool,
    /// Records dropped because a quoted field never closed within the bound.
    pub oversized: u64,
}

impl CsvReader {
    pub fn new() -> Self {
        CsvReader {
            delim: ',',
            layout: None,
            pending: String::new(),
            pending_line: 0,
            in_quote: false,
            oversized: 0,
        }
    }

    /// Feeds one physical line; returns a complete record (first line number, text) when one ends.
    pub fn push(&mut self, number: u64, line: &str) -> Option<(u64, String)> {
        if self.pending.is_empty() && !self.in_quote {
            self.pending_line = number;
        } else {
            self.pending.push('\n');
        }
        if self.pending.len() + line.len() > MAX_RECORD_BYTES {
            self.oversized += 1;
            self.pending.clear();
            self.in_quote = false;
            return None;
        }
        self.pending.push_str(line);
        for c in line.bytes() {
            if c == b'"' {
                self.in_quote = !self.in_quote;
            }
        }
        if self.in_quote {
            return None;
        }
        Some((self.pending_line, std::mem::take(&mut self.pending)))
    }

    /// End of input: an unterminated quoted record is handed over as it is.
    pub fn finish(&mut self) -> Option<(u64, String)> {
        self.in_quote = false;
        if self.pending.trim().is_empty() {
            self.pending.clear();
            return None;
        }
        Some((self.pending_line, std::mem::take(&mut self.pending)))
    }

    /// Maps a data record to a row; `None` for blank records.
    pub fn row(&self, record: &str) -> Option<Row> {
        if record.trim().is_empty() {
            return None;
        }
        let f = split_fields(record, self.delim);
        let get = |i: Option<usize>| {
            i.and_then(|i| f.get(i))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        match self.layout.as_ref()? {
            Layout::Positional => {
                if f.len() < 4 {
                    return None;
                }
                let message = if f.len() > 5 {
                    let d = self.delim.to_string();
                    Some(f[5..].join(&d).trim().to_string())
                } else {
                    None
                };
                Some(Row {
                    event_id: f.get(3).and_then(|s| s.trim().parse().ok()),
                    time: get(Some(1)),
                    provider: get(Some(2)),
                    message,
                    pid: None,
                })
            }
            Layout::Named {
                id,
                message,
                time,
                provider,
                pid,
            } => Some(Row {
                event_id: get(*id).and_then(|s| s.parse().ok()),
                time: get(*time),
                provider: get(*provider),
                message: get(*message),
                pid: get(*pid).and_then(|s| s.parse().ok()),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        assert_eq!(
            header("Level,Date and Time,Source,Event ID,Task Category").map(|h| h.1),
            Some(Layout::Positional)
        );
        assert_eq!(
            header("Level\tDate and Time\tSource\tEvent ID\tTask Category").map(|h| h.0),
            Some('\t')
        );
        assert_eq!(
            header("Ebene,Datum und Uhrzeit,Quelle,Ereignis-ID,Aufgabenkategorie").map(|h| h.1),
            Some(Layout::Positional)
        );
        let (_, l) =
            header("\"Message\",\"Id\",\"Version\",\"TimeCreated\",\"ProviderName\"").unwrap();
        assert_eq!(
            l,
            Layout::Named {
                id: Some(1),
                message: Some(0),
                time: Some(3),
                provider: Some(4),
                pid: None
            }
        );
        assert_eq!(
            header("Log Name:      Microsoft-Windows-DeviceManagement"),
            None
        );
        assert_eq!(header("<?xml version=\"1.0\"?>"), None);
        assert_eq!(header("Error,3/14/2025 8:02:17 AM,X,32,None,msg"), None);
    }

    #[test]
    fn quoted_fields_span_lines() {
        let mut r = CsvReader::new();
        r.layout = Some(Layout::Positional);
        assert_eq!(
            r.push(
                2,
                "Error,1/2/2025 1:00:00 PM,S,307,None,\"a \"\"quoted\"\", b"
            ),
            None
        );
        let (n, rec) = r.push(3, "second line\"").unwrap();
        assert_eq!(n, 2);
        let row = r.row(&rec).unwrap();
        assert_eq!(row.event_id, Some(307));
        assert_eq!(row.message.as_deref(), Some("a \"quoted\", b\nsecond line"));
    }
}
