//! Event Viewer "Copy details as text" blocks (log-formats.md §4.2): `Label:` lines padded
//! to column 15, the message on the lines after `Description:`, an optional `Event Xml:`
//! copy of the same event, trimmed copies starting at `Event ID:`, and records flattened
//! onto one line by web pages.

use super::events::{RawEvent, local_time};

/// Labels of a text block, in the order Event Viewer writes them.
pub(crate) const LABELS: [&str; 11] = [
    "Log Name:",
    "Source:",
    "Date:",
    "Event ID:",
    "Task Category:",
    "Level:",
    "Opcode:",
    "Keywords:",
    "User:",
    "Computer:",
    "Description:",
];

/// Message lines kept per record.
const MAX_DESC_LINES: usize = 2_000;

/// One text record being assembled.
#[derive(Debug, Default, Clone)]
pub(crate) struct TextRecord {
    pub line: u64,
    pub source: Option<String>,
    pub date: Option<String>,
    pub event_id: Option<u32>,
    pub desc: Vec<String>,
    pub in_desc: bool,
    /// `Event Xml:` was seen: the next XML event is this record's own copy.
    pub awaiting_xml: bool,
    /// A message quoted alone (`SCEP: …` without its record): its lines run up to the
    /// next message or record.
    pub message_only: bool,
}

impl TextRecord {
    pub fn new(line: u64) -> Self {
        TextRecord {
            line,
            ..Default::default()
        }
    }

    /// Applies one `Label: value` pair.
    pub fn set(&mut self, label: &str, value: &str) {
        let v = value.trim();
        match label {
            "Source:" => self.source = Some(v.to_string()).filter(|s| !s.is_empty()),
            "Date:" => self.date = Some(v.to_string()).filter(|s| !s.is_empty()),
            "Event ID:" => self.event_id = v.split_whitespace().next().and_then(|n| n.parse().ok()),
            "Description:" => {
                self.in_desc = true;
                if !v.is_empty() {
                    self.desc.push(v.to_string());
                }
            }
            _ => {}
        }
    }

    /// A message quoted alone, starting with `line`.
    pub fn message(line: u64, text: &str) -> Self {
        TextRecord {
            line,
            desc: vec![text.trim().to_string()],
            in_desc: true,
            message_only: true,
            ..Default::default()
        }
    }

    pub fn push_desc(&mut self, line: &str) {
        if self.desc.len() < MAX_DESC_LINES {
            self.desc.push(line.trim().to_string());
        }
    }

    pub fn to_raw(&self) -> RawEvent {
        let mut desc = self.desc.clone();
        while desc.last().is_some_and(|l| l.is_empty()) {
            desc.pop();
        }
        RawEvent {
            line: self.line,
            provider: self.source.clone(),
            event_id: self.event_id,
            time: self.date.as_deref().map(local_time),
            message: Some(desc.join("\n")).filter(|m| !m.trim().is_empty()),
            data: Vec::new(),
            pid: None,
        }
    }
}

/// `Label: value` at the start of a (left-trimmed) line.
pub(crate) fn label_value(line: &str) -> Option<(&'static str, &str)> {
    let t = line.trim_start();
    LABELS
        .iter()
        .find_map(|l| t.strip_prefix(l).map(|v| (*l, v)))
}

fn at_word_start(s: &str, i: usize) -> bool {
    i == 0
        || s.as_bytes()
            .get(i - 1)
            .is_some_and(|b| b.is_ascii_whitespace())
}

fn find_label(s: &str, label: &str, from: usize, until: usize) -> Option<usize> {
    let mut f = from;
    while f < until {
        let i = s.get(f..until)?.find(label)? + f;
        if at_word_start(s, i) {
            return Some(i);
        }
        f = i + label.len();
    }
    None
}

/// A whole record flattened onto one line (`Event ID: 32 Task Category: None Level: Error …
/// Description: …`). Returns the record and whether `Event Xml:` follows on the line.
pub(crate) fn flattened(line: &str, number: u64) -> Option<TextRecord> {
    let t = line.trim();
    if !(t.starts_with("Log Name:") || t.starts_with("Event ID:") || t.starts_with("Source:")) {
        return None;
    }
    let ev = find_label(t, "Event ID:", 0, t.len())?;
    let desc = find_label(t, "Description:", ev, t.len())?;
    let mut found: Vec<(usize, &str)> = Vec::new();
    let mut cursor = 0;
    for l in LABELS.iter().take(LABELS.len() - 1) {
        if let Some(i) = find_label(t, l, cursor, desc) {
            found.push((i, l));
            cursor = i + l.len();
        }
    }
    found.push((desc, "Description:"));
    if found.len() < 3 {
        return None;
    }
    let mut rec = TextRecord::new(number);
    for (k, (i, l)) in found.iter().enumerate() {
        let start = i + l.len();
        let end = found.get(k + 1).map(|(j, _)| *j).unwrap_or(t.len());
        let mut value = t.get(start..end).unwrap_or("");
        if *l == "Description:"
            && let Some(x) = value.find("Event Xml:")
        {
            value = &value[..x];
            rec.awaiting_xml = true;
        }
        rec.set(l, value);
    }
    rec.in_desc = false;
    Some(rec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattened_record() {
        let r = flattened("Log Name: Microsoft-Windows-DeviceManagement-Enterprise-Diagnostics-Provider/Admin Source: Microsoft-Windows-DeviceManagement-Enterprise-Diagnostics-Provider Date: 3/14/2025 8:02:17 AM Event ID: 32 Task Category: None Level: Error Keywords: User: SYSTEM Computer: PC-1 Description: SCEP: Certificate enroll failed. Result: (Level: x).", 7).unwrap();
        assert_eq!(r.event_id, Some(32));
        assert_eq!(r.date.as_deref(), Some("3/14/2025 8:02:17 AM"));
        assert!(
            r.source
                .as_deref()
                .unwrap()
                .ends_with("Diagnostics-Provider")
        );
        assert_eq!(
            r.desc,
            vec!["SCEP: Certificate enroll failed. Result: (Level: x)."]
        );
        assert!(!r.awaiting_xml);
        assert!(flattened("Log Name:      Microsoft-Windows-X/Admin", 1).is_none());
        assert!(flattened("Event ID: Description:", 1).is_none());
    }
}
