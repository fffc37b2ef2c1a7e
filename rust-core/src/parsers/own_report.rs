//! certdoctor's own reports (a share bundle sent back in), in any of its formats: not
//! evidence of their own — their evidence quotes log lines, which reading them as a log
//! would count twice — so they are listed as ignored with a hint.

use crate::contract::InputKind;
use crate::input::Head;
use crate::parsers::{InputFormat, InputPath, Reader, Signal};

pub struct OwnReportFormat;

impl InputFormat for OwnReportFormat {
    fn name(&self) -> &'static str {
        "certdoctor report"
    }

    fn kind(&self) -> InputKind {
        InputKind::Unknown
    }

    fn recognise(&self, head: &Head<'_>) -> Option<Signal> {
        is_own_report(&head.lines, &head.text).then_some(Signal::Structure)
    }

    fn reader(&self, _path: InputPath) -> Reader {
        Reader::Ignored(
            "a certdoctor report, not evidence: diagnose the logs and certificates it was made from",
        )
    }
}

/// A certdoctor report in text, markdown, HTML or JSON.
fn is_own_report(lines: &[String], text: &str) -> bool {
    let first = lines.iter().map(|l| l.trim()).find(|l| !l.is_empty());
    let Some(first) = first else {
        return false;
    };
    // text and markdown: the heading (its tool name is never translated).
    if first
        .trim_start_matches("# ")
        .starts_with("certdoctor \u{2014} ")
    {
        return true;
    }
    // html: the generator meta tag.
    if text.contains("<meta name=\"generator\" content=\"certdoctor ") {
        return true;
    }
    // json: the tool object near the top.
    first.starts_with('{')
        && text.contains("\"schema_version\"")
        && text
            .split_whitespace()
            .collect::<String>()
            .contains("\"tool\":{\"name\":\"certdoctor\"")
}
