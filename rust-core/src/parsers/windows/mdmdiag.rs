//! Windows MDM diagnostics reports: `MDMDiagReport.xml` (Settings → Accounts → Access work
//! or school → Export your management log files; `MdmDiagnosticsTool.exe`; Intune's
//! Collect diagnostics) and, when that is all there is, the `MDMDiagReport.html` /
//! `MDMDiagHtmlReport.html` beside it. Read whole (bounded), as evidence with `path:line`
//! sources:
//!
//! - every SCEP resource the enrolment lists (`./Vendor/MSFT/ClientCertificateInstall/SCEP/<id>`,
//!   `./User/…` too) → the profile reached the device (step 1), once per resource;
//! - every error-log entry on such a resource (`Diagnostics/ErrorLog`: `Error` HRESULT,
//!   `Metadata2` LocURI, `Component`, `Time`) → an install error with its HRESULT, which
//!   the Windows rules explain like event 32/307.
//!
//! The element names come from public descriptions of the report (no public sample
//! exists): best effort, docs/archives.md §3 says what is verified. Certificates are not
//! in the report.

use crate::contract::InputKind;
use crate::evidence::codes::parse_hresult;
use crate::evidence::{
    ErrorCode, EventKind, IdentityFacts, LogEvent, Platform, ProfileId, SourceRef,
};
use crate::input::Head;
use crate::limits;
use crate::parsers::{DocumentParser, InputFormat, InputPath, LogOutput, Reader, Signal};

use super::events::xml_time;

/// Largest report read (real ones are hundreds of KB to a few MB).
pub const MAX_REPORT_BYTES: usize = 32 * 1024 * 1024;

const XML_ROOT: &str = "<MDMEnterpriseDiagnosticsReport";
const SCEP_NODE: &str = "ClientCertificateInstall/SCEP/";

pub struct MdmDiagFormat;

impl InputFormat for MdmDiagFormat {
    fn name(&self) -> &'static str {
        "windows mdm diagnostics report"
    }

    fn kind(&self) -> InputKind {
        InputKind::WindowsMdmDiagReport
    }

    fn recognise(&self, head: &Head<'_>) -> Option<Signal> {
        if head.text.contains(XML_ROOT) {
            return Some(Signal::Structure);
        }
        let lower = head.name.to_ascii_lowercase();
        let html_name =
            lower.ends_with("mdmdiagreport.html") || lower.ends_with("mdmdiaghtmlreport.html");
        (html_name && head.text.to_ascii_lowercase().contains("<html")).then_some(Signal::Structure)
    }

    fn reader(&self, path: InputPath) -> Reader {
        Reader::Document {
            parser: Box::new(MdmDiagParser { path }),
            max_bytes: MAX_REPORT_BYTES,
        }
    }
}

struct MdmDiagParser {
    path: InputPath,
}

/// One element's text and where it starts.
#[derive(Debug)]
struct Element {
    /// The element path from the root, `/`-separated, without the root.
    path: String,
    text: String,
    line: u64,
    /// Ids of the open elements above it, root first (siblings share their parent's).
    ids: Vec<u64>,
}

impl DocumentParser for MdmDiagParser {
    fn parse(&mut self, bytes: &[u8]) -> Result<LogOutput, String> {
        let text = decode(bytes);
        let html = !text.contains(XML_ROOT);
        let elements = if html {
            html_cells(&text)
        } else {
            elements(&text)?
        };
        let mut out = LogOutput {
            platform: Some(Platform::Windows),
            records: elements.len() as u64,
            ..LogOutput::default()
        };
        let mut seen: Vec<String> = Vec::new();
        let event = |line: u64, time: Option<&str>, kind: EventKind, text: &str| LogEvent {
            platform: Platform::Windows,
            source: SourceRef::line(self.path.clone(), line),
            time: time.map(xml_time),
            pid: None,
            kind,
            text: limits::clip(text, limits::MAX_EVIDENCE_TEXT),
        };
        // Resources: SCEP nodes the enrolment holds.
        for e in &elements {
            if let Some(node) = scep_node(&e.text)
                && !e.path.contains("ErrorLog")
                && !seen.contains(&node)
            {
                seen.push(node.clone());
                out.events.push(event(
                    e.line,
                    None,
                    EventKind::ProfileReceived {
                        profile: ProfileId::parse(&node),
                        root: false,
                    },
                    &e.text,
                ));
            }
        }
        // Error-log entries: the fields of one entry share its element path prefix.
        for e in &elements {
            if !(e.path.contains("ErrorLog") && e.path.ends_with("/Error")) {
                continue;
            }
            let entry = &e.path[..e.path.len() - "/Error".len()];
            // The entry: the element holding this `Error` (its parent), and what it holds.
            let depth = e.ids.len() - 1;
            let parent = e.ids[depth];
            let field = |name: &str| {
                elements
                    .iter()
                    .find(|s| {
                        s.ids.get(depth) == Some(&parent)
                            && s.path.len() > entry.len()
                            && s.path[entry.len()..].trim_start_matches('/') == name
                    })
                    .map(|s| s.text.as_str())
            };
            let Some(node) = field("Metadata2").and_then(scep_node) else {
                continue;
            };
            let Some(code) = parse_hresult(&e.text) else {
                continue;
            };
            // The component sits beside the fields, or (fields nested in `SubComponent`)
            // directly under the `ErrorLog` entry.
            let component = field("Component")
                .or_else(|| {
                    let parts: Vec<&str> = e.path.split('/').collect();
                    let log = parts.iter().position(|p| *p == "ErrorLog")?;
                    let id = e.ids.get(log + 1)?;
                    let path = format!("{}/Component", parts[..=log].join("/"));
                    (elements.iter())
                        .find(|s| s.path == path && s.ids.get(log + 1) == Some(id))
                        .map(|s| s.text.as_str())
                })
                .unwrap_or("");
            let detail = format!(
                "Error 0x{code:08X} ({component}) on {}",
                field("Metadata2").unwrap_or("")
            );
            out.events.push(event(
                e.line,
                field("Time"),
                EventKind::InstallError {
                    profile: ProfileId::parse(&node),
                    code: Some(ErrorCode::Hresult(code)),
                    detail: detail.clone(),
                },
                &detail,
            ));
        }
        if html {
            out.notes.push(
                "read from the HTML diagnostics report: its layout is not documented; MDMDiagReport.xml, when present, is the better source".into(),
            );
        } else {
            for (line, facts) in identity_facts(&elements) {
                let text = crate::evidence::identity_text(&facts, usize::MAX);
                out.events.push(event(
                    line,
                    None,
                    EventKind::DeviceIdentity { facts },
                    &text,
                ));
            }
        }
        Ok(out)
    }
}

/// Elements of an enrolment (`DeviceManagementAccount/Enrollment/…`, `Enrollments/…`)
/// that identify it and the device, as the report names them.
const ENROLLMENT_KEYS: [&str; 13] = [
    "EnrollmentId",
    "MDMServerName",
    "DMClientServerName",
    "DiscoveryServiceFullURL",
    "ProviderID",
    "EnrollmentState",
    "EnrollmentType",
    "UPN",
    "EnterpriseDeviceManagementID",
    "EnterpriseDeviceName",
    "ServerLastSuccessTime",
    "ServerLastFailureTime",
    "LastSessionResult",
];
/// Elements of `SystemInformation` that identify the device.
const DEVICE_KEYS: [&str; 3] = ["SerialNumber", "OSVersion", "DeviceName"];

/// The device's and each enrolment's identifying facts, with the line of the first:
/// one entry for the device (`SystemInformation`), one per enrolment, the sections that
/// name the same `EnrollmentId` merged, each key once (the first value).
fn identity_facts(elements: &[Element]) -> Vec<(u64, IdentityFacts)> {
    // (group element id, line, enrolment id, facts)
    type Group = (u64, u64, Option<String>, IdentityFacts);
    let mut groups: Vec<Group> = Vec::new();
    for e in elements {
        let parts: Vec<&str> = e.path.split('/').collect();
        let (Some(&section), Some(&name)) = (parts.first(), parts.last()) else {
            continue;
        };
        let (keys, group): (&[&'static str], Option<u64>) = match section {
            "DeviceManagementAccount" | "Enrollments" => {
                // The nearest `Enrollment` above, else the section's element.
                let at = (parts[..parts.len() - 1].iter())
                    .rposition(|p| *p == "Enrollment")
                    .unwrap_or(0);
                (&ENROLLMENT_KEYS, e.ids.get(at + 1).copied())
            }
            "SystemInformation" if parts.len() == 2 => (&DEVICE_KEYS, e.ids.get(1).copied()),
            _ => continue,
        };
        let Some(key) = keys.iter().find(|k| k.eq_ignore_ascii_case(name)) else {
            continue;
        };
        let (Some(group), value) = (group, e.text.trim()) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let at = match groups.iter().position(|g| g.0 == group) {
            Some(at) => at,
            None => {
                groups.push((group, e.line, None, Vec::new()));
                groups.len() - 1
            }
        };
        let g = &mut groups[at];
        if *key == "EnrollmentId" {
            g.2 = Some(value.trim_matches(['{', '}']).to_ascii_uppercase());
        }
        add_fact(&mut g.3, key, value.to_string());
    }
    // Sections that name the same enrolment become one.
    let mut out: Vec<(Option<String>, u64, IdentityFacts)> = Vec::new();
    for (_, line, id, facts) in groups {
        match out.iter_mut().find(|o| id.is_some() && o.0 == id) {
            Some(o) => {
                for (k, v) in facts {
                    add_fact(&mut o.2, k, v);
                }
                o.1 = o.1.min(line);
            }
            None => out.push((id, line, facts)),
        }
    }
    out.into_iter()
        .map(|(_, line, facts)| (line, facts))
        .collect()
}

/// Adds a fact unless its key is there already (the first value stays).
fn add_fact(facts: &mut IdentityFacts, key: &'static str, value: String) {
    if !facts.iter().any(|(known, _)| *known == key) {
        facts.push((key, value));
    }
}

/// The SCEP node id of a LocURI / resource name, with the node path.
fn scep_node(text: &str) -> Option<String> {
    let i = text.find(SCEP_NODE)?;
    let rest = &text[i + SCEP_NODE.len()..];
    let id = rest.split(['/', ' ', '<', '"', '\'']).next()?;
    (!id.is_empty()).then(|| id.to_string())
}

/// UTF-8 (BOM or not) or UTF-16 with a BOM.
fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    String::from_utf8_lossy(bytes).into_owned()
}

/// Leaf elements of an XML document with their path and line. A small scanner: tags,
/// text, comments, CDATA and declarations; entity references in text are decoded.
fn elements(text: &str) -> Result<Vec<Element>, String> {
    let mut out = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut line = 1u64;
    let mut i = 0usize;
    let b = text.as_bytes();
    let mut pending_text = String::new();
    let mut text_line = 1u64;
    let mut saw_root = false;
    let mut ids: Vec<u64> = Vec::new();
    let mut next_id = 0u64;
    while i < b.len() {
        if b[i] == b'<' {
            let end = if text[i..].starts_with("<!--") {
                text[i..].find("-->").map(|e| i + e + 3)
            } else if text[i..].starts_with("<![CDATA[") {
                let e = text[i..].find("]]>").map(|e| i + e);
                if let Some(e) = e {
                    pending_text.push_str(&text[i + 9..e]);
                }
                e.map(|e| e + 3)
            } else {
                text[i..].find('>').map(|e| i + e + 1)
            };
            let Some(end) = end else {
                return Err(format!("the XML is cut short at line {line}"));
            };
            let tag = &text[i..end];
            let tag_line = line;
            line += tag.bytes().filter(|&c| c == b'\n').count() as u64;
            if tag.starts_with("</") {
                let name = tag[2..tag.len() - 1].trim();
                if stack.last().map(String::as_str) == Some(name) {
                    let t = pending_text.trim();
                    if !t.is_empty() && stack.len() > 1 {
                        out.push(Element {
                            path: stack[1..].join("/"),
                            text: unescape(t),
                            line: text_line,
                            ids: ids[..ids.len() - 1].to_vec(),
                        });
                    }
                    stack.pop();
                    ids.pop();
                }
                pending_text.clear();
            } else if tag.starts_with("<?") || tag.starts_with("<!") {
            } else {
                let inner = tag[1..tag.len() - 1].trim_end();
                let self_closing = inner.ends_with('/');
                let name = inner
                    .trim_end_matches('/')
                    .split(|c: char| c.is_whitespace())
                    .next()
                    .unwrap_or("")
                    .to_string();
                saw_root = true;
                if !self_closing {
                    stack.push(name);
                    ids.push(next_id);
                    next_id += 1;
                    if stack.len() > 256 {
                        return Err("the XML nests deeper than 256 elements".into());
                    }
                }
                pending_text.clear();
                text_line = tag_line;
            }
            i = end;
        } else {
            let next = text[i..].find('<').map(|n| i + n).unwrap_or(b.len());
            let chunk = &text[i..next];
            if pending_text.trim().is_empty() {
                let lead = chunk.len() - chunk.trim_start().len();
                text_line = line + chunk[..lead].bytes().filter(|&c| c == b'\n').count() as u64;
            }
            pending_text.push_str(chunk);
            line += chunk.bytes().filter(|&c| c == b'\n').count() as u64;
            i = next;
        }
    }
    if !saw_root {
        return Err("no XML element".into());
    }
    Ok(out)
}

fn unescape(t: &str) -> String {
    t.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The HTML report's table cells and text, one element per text run (path `html`), with
/// their lines: enough to find SCEP nodes.
fn html_cells(text: &str) -> Vec<Element> {
    let mut out = Vec::new();
    let mut line = 1u64;
    let mut rest = text;
    while !rest.is_empty() {
        match rest.find('<') {
            Some(0) => {
                let end = rest.find('>').map(|e| e + 1).unwrap_or(rest.len());
                line += rest[..end].bytes().filter(|&c| c == b'\n').count() as u64;
                rest = &rest[end..];
            }
            other => {
                let end = other.unwrap_or(rest.len());
                let t = rest[..end].trim();
                let lead = rest[..end].len() - rest[..end].trim_start().len();
                let at = line + rest[..lead].bytes().filter(|&c| c == b'\n').count() as u64;
                if !t.is_empty() {
                    out.push(Element {
                        path: "html".into(),
                        text: unescape(t),
                        line: at,
                        ids: Vec::new(),
                    });
                }
                line += rest[..end].bytes().filter(|&c| c == b'\n').count() as u64;
                rest = &rest[end..];
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/../tests/fixtures/windows-mdmdiag/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    fn parse(name: &str) -> LogOutput {
        let Reader::Document { mut parser, .. } = MdmDiagFormat.reader(std::sync::Arc::from(name))
        else {
            panic!("a document reader")
        };
        parser.parse(&fixture(name)).unwrap()
    }

    #[test]
    fn xml_report_gives_scep_resources_and_errors() {
        let out = parse("MDMDiagReport.xml");
        let received: Vec<_> = out
            .events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::ProfileReceived { .. }))
            .collect();
        assert_eq!(received.len(), 2, "{:?}", out.events);
        let EventKind::ProfileReceived {
            profile: Some(p), ..
        } = &received[0].kind
        else {
            panic!("{:?}", received[0])
        };
        assert_eq!(p.hash, "644129870");
        let errors: Vec<_> = out
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::InstallError { code, .. } => {
                    Some((code.clone(), e.source.line, e.time.clone()))
                }
                _ => None,
            })
            .collect();
        assert_eq!(errors.len(), 1, "{:?}", out.events);
        assert_eq!(errors[0].0, Some(ErrorCode::Hresult(0x8019_0194)));
        let line = errors[0].1.unwrap();
        let text = String::from_utf8(fixture("MDMDiagReport.xml")).unwrap();
        assert!(
            text.lines()
                .nth(line as usize - 1)
                .unwrap()
                .contains("<Error>"),
            "line {line}"
        );
        assert!(errors[0].2.as_ref().unwrap().has_date);
    }

    #[test]
    fn device_and_enrolment_identity_with_their_lines() {
        let out = parse("MDMDiagReport.xml");
        let text = String::from_utf8(fixture("MDMDiagReport.xml")).unwrap();
        let identities: Vec<_> = (out.events.iter())
            .filter_map(|e| match &e.kind {
                EventKind::DeviceIdentity { facts } => Some((e.source.line.unwrap(), facts)),
                _ => None,
            })
            .collect();
        assert_eq!(identities.len(), 2, "{identities:?}");
        let (device_line, device) = &identities[0];
        assert_eq!(
            **device,
            [
                ("OSVersion", "10.0.22631.4890".to_string()),
                ("SerialNumber", "PF3XK2LM".to_string())
            ]
        );
        assert!(
            text.lines()
                .nth(*device_line as usize - 1)
                .unwrap()
                .contains("<OSVersion>")
        );
        // `Enrollments` and `DeviceManagementAccount` name the same enrolment (one with
        // braces): one entry, at the first line that names it.
        let (line, enrolment) = &identities[1];
        assert!(
            text.lines()
                .nth(*line as usize - 1)
                .unwrap()
                .contains("<EnrollmentId>{5A3F")
        );
        let keys: Vec<&str> = enrolment.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            [
                "EnrollmentId",
                "EnrollmentState",
                "EnrollmentType",
                "ProviderID",
                "DiscoveryServiceFullURL",
                "DMClientServerName",
                "EnterpriseDeviceName",
                "EnterpriseDeviceManagementID",
                "MDMServerName",
                "UPN",
                "ServerLastSuccessTime",
                "ServerLastFailureTime"
            ]
        );
        let value = |k: &str| {
            enrolment
                .iter()
                .find(|(key, _)| *key == k)
                .unwrap()
                .1
                .as_str()
        };
        assert_eq!(value("UPN"), "user@contoso.example");
        assert_eq!(
            value("EnterpriseDeviceManagementID"),
            "9f8e7d6c-5b4a-4938-8271-605f4e3d2c1b"
        );
        // Resources and error logs hold no identity facts.
        assert!(!keys.contains(&"ResourceName"));
    }

    #[test]
    fn error_log_entries_nested_in_their_sub_component() {
        // The shape some reports have: the entry's fields inside `SubComponent`, the
        // component beside it, a decimal HRESULT and a time without `T`.
        let xml = format!(
            "{XML_ROOT}>\n<Diagnostics>\n<ErrorLog>\n<Component>ConfigManager</Component>\n\
             <SubComponent>\n<Name>ClientCertificateInstall</Name>\n<Error>-2145844844</Error>\n\
             <Metadata1>CmdType_Exec</Metadata1>\n\
             <Metadata2>./Vendor/MSFT/ClientCertificateInstall/SCEP/ModelName_AC_1_LogicalName_2_Hash_3/Install/Enroll</Metadata2>\n\
             <Time>2021-09-23 07:07:05.463</Time>\n</SubComponent>\n</ErrorLog>\n</Diagnostics>\n\
             </MDMEnterpriseDiagnosticsReport>\n"
        );
        let mut p = MdmDiagParser {
            path: std::sync::Arc::from("x.xml"),
        };
        let out = p.parse(xml.as_bytes()).unwrap();
        let error = (out.events.iter())
            .find(|e| matches!(e.kind, EventKind::InstallError { .. }))
            .expect("the install error");
        let EventKind::InstallError { code, detail, .. } = &error.kind else {
            unreachable!()
        };
        assert_eq!(*code, Some(ErrorCode::Hresult(0x8019_0194)));
        assert!(detail.contains("(ConfigManager)"), "{detail}");
        assert_eq!(error.source.line, Some(7));
        assert!(
            error.time.as_ref().is_some_and(|t| t.has_date),
            "{:?}",
            error.time
        );
    }

    #[test]
    fn recognised_by_root_or_html_name() {
        let xml = fixture("MDMDiagReport.xml");
        assert_eq!(
            MdmDiagFormat.recognise(&Head::new("a.xml", &xml, true)),
            Some(Signal::Structure)
        );
        let html = fixture("MDMDiagReport.html");
        assert_eq!(
            MdmDiagFormat.recognise(&Head::new("x/MDMDiagReport.html", &html, true)),
            Some(Signal::Structure)
        );
        assert_eq!(
            MdmDiagFormat.recognise(&Head::new("x/other.html", &html, true)),
            None
        );
        let out = parse("MDMDiagReport.html");
        assert!(
            out.events
                .iter()
                .any(|e| matches!(e.kind, EventKind::ProfileReceived { .. }))
        );
        assert_eq!(out.notes.len(), 1);
    }

    #[test]
    fn cut_and_hostile_reports_never_panic() {
        let xml = fixture("MDMDiagReport.xml");
        for n in (0..xml.len()).step_by(7) {
            let mut p = MdmDiagParser {
                path: std::sync::Arc::from("x"),
            };
            let _ = p.parse(&xml[..n]);
        }
        let mut p = MdmDiagParser {
            path: std::sync::Arc::from("x"),
        };
        let deep = format!("{XML_ROOT}>{}", "<a>".repeat(300));
        assert!(p.parse(deep.as_bytes()).is_err());
    }
}
