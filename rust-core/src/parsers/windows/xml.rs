//! A minimal, allocation-light tokenizer for one Windows event's XML (`<Event>…</Event>`),
//! as written by Event Viewer, `wevtutil qe /f:xml` and `ToXml()`: double- or single-quoted
//! attributes, namespace prefixes, comments, CDATA and the five XML entities plus numeric
//! references. It reads only what the SCEP rules need; malformed or cut input yields what
//! was read so far, never a panic. (Hand-written to keep the mobile library small: the
//! event schema is flat and a general XML crate would add size for no gain.)

/// The fields of one event that the Windows parser uses.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct XmlEvent {
    pub provider: Option<String>,
    pub event_id: Option<u32>,
    pub level: Option<String>,
    /// `TimeCreated SystemTime` exactly as written.
    pub system_time: Option<String>,
    pub record_id: Option<String>,
    pub pid: Option<u32>,
    /// `EventData/Data` (name or `""`) and `UserData` leaf elements, in order.
    pub data: Vec<(String, String)>,
    /// `RenderingInfo/Message`.
    pub message: Option<String>,
}

/// Elements deeper than this are read as text only.
const MAX_DEPTH: usize = 64;

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Decodes `&lt; &gt; &amp; &quot; &apos; &#N; &#xH;`; unknown entities stay as written.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.get(..tail.len().min(12)).and_then(|t| t.find(';'));
        let decoded = end.and_then(|e| {
            let ent = &tail[1..e];
            let c = match ent {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    if let Some(h) = ent.strip_prefix("#x").or_else(|| ent.strip_prefix("#X")) {
                        u32::from_str_radix(h, 16).ok().and_then(char::from_u32)
                    } else if let Some(d) = ent.strip_prefix('#') {
                        d.parse::<u32>().ok().and_then(char::from_u32)
                    } else {
                        None
                    }
                }
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
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

/// Attributes of an open tag's inside (`Name="x" Guid='y'`).
fn attributes(inner: &str) -> Vec<(&str, String)> {
    let b = inner.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let ns = i;
        while i < b.len() && b[i] != b'=' && !b[i].is_ascii_whitespace() && b[i] != b'/' {
            i += 1;
        }
        let name = match inner.get(ns..i) {
            Some(n) if !n.is_empty() => n,
            _ => {
                i += 1;
                continue;
            }
        };
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            continue;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let q = b[i];
        if q != b'"' && q != b'\'' {
            continue;
        }
        i += 1;
        let vs = i;
        while i < b.len() && b[i] != q {
            i += 1;
        }
        let value = inner.get(vs..i).unwrap_or("");
        out.push((local(name), decode_entities(value)));
        i += 1;
    }
    out
}

/// Finds the end (`>`) of a tag starting at `from`, skipping quoted attribute values.
fn tag_end(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        match quote {
            Some(q) if b[i] == q => quote = None,
            Some(_) => {}
            None if b[i] == b'"' || b[i] == b'\'' => quote = Some(b[i]),
            None if b[i] == b'>' => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

/// Reads one event's XML.
pub(crate) fn parse_event(xml: &str) -> XmlEvent {
    let b = xml.as_bytes();
    let mut ev = XmlEvent::default();
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut data_name: Option<String> = None;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            let end = xml
                .get(i..)
                .and_then(|r| r.find('<'))
                .map(|e| i + e)
                .unwrap_or(b.len());
            if let Some(t) = xml.get(i..end) {
                text.push_str(&decode_entities(t));
            }
            i = end;
            continue;
        }
        let rest = xml.get(i..).unwrap_or("");
        if rest.starts_with("<!--") {
            i = rest.find("-->").map(|e| i + e + 3).unwrap_or(b.len());
            continue;
        }
        if let Some(cdata) = rest.strip_prefix("<![CDATA[") {
            let e = cdata.find("]]>").unwrap_or(cdata.len());
            text.push_str(&cdata[..e]);
            i += 9 + e + 3;
            continue;
        }
        if rest.starts_with("<?") || rest.starts_with("<!") {
            i = tag_end(b, i + 1).map(|e| e + 1).unwrap_or(b.len());
            continue;
        }
        let Some(end) = tag_end(b, i + 1) else { break };
        let inner = xml.get(i + 1..end).unwrap_or("");
        i = end + 1;
        if let Some(name) = inner.strip_prefix('/') {
            let name = local(name.trim()).to_string();
            let parent = if stack.len() >= 2 {
                stack.get(stack.len() - 2).cloned()
            } else {
                None
            };
            let in_user_data = stack.iter().any(|s| s == "UserData");
            close_element(
                &mut ev,
                &name,
                parent.as_deref(),
                in_user_data,
                &text,
                &mut data_name,
            );
            if stack.last().is_some_and(|s| *s == name) {
                stack.pop();
            }
            text.clear();
            continue;
        }
        let self_closing = inner.ends_with('/');
        let inner = inner.trim_end_matches('/');
        let name_end = inner
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(inner.len());
        let name = local(&inner[..name_end]).to_string();
        let attrs = attributes(&inner[name_end..]);
        for (k, v) in &attrs {
            match (name.as_str(), *k) {
                ("Provider", "Name") => ev.provider = Some(v.clone()),
                ("TimeCreated", "SystemTime") => ev.system_time = Some(v.clone()),
                ("Execution", "ProcessID") => ev.pid = v.parse().ok(),
                ("Data", "Name") => data_name = Some(v.clone()),
                _ => {}
            }
        }
        if self_closing {
            if name == "Data" {
                ev.data
                    .push((data_name.take().unwrap_or_default(), String::new()));
            }
            continue;
        }
        if stack.len() < MAX_DEPTH {
            stack.push(name);
        }
        text.clear();
    }
    ev
}

fn close_element(
    ev: &mut XmlEvent,
    name: &str,
    parent: Option<&str>,
    in_user_data: bool,
    text: &str,
    data_name: &mut Option<String>,
) {
    let t = text.trim();
    match (name, parent) {
        ("EventID", _) => ev.event_id = t.parse().ok(),
        ("Level", Some("System")) => ev.level = Some(t.to_string()),
        ("EventRecordID", _) => ev.record_id = Some(t.to_string()),
        ("Data", _) => ev
            .data
            .push((data_name.take().unwrap_or_default(), t.to_string())),
        ("Message", Some("RenderingInfo")) => ev.message = Some(t.to_string()),
        _ if in_user_data && !t.is_empty() => ev.data.push((name.to_string(), t.to_string())),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_wevtutil_event() {
        let x = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-DeviceManagement-Enterprise-Diagnostics-Provider' Guid='{3da494e4-0fe2-415c-b895-fb5265c5c83b}'/><EventID Qualifiers='0'>32</EventID><Level>2</Level><TimeCreated SystemTime='2024-11-03T22:27:53.779120512Z'/><Execution ProcessID='6408' ThreadID='1'/></System><EventData><Data Name='HRESULT'>-2146875392</Data><Data/></EventData></Event>";
        let e = parse_event(x);
        assert_eq!(e.event_id, Some(32));
        assert_eq!(e.level.as_deref(), Some("2"));
        assert_eq!(
            e.system_time.as_deref(),
            Some("2024-11-03T22:27:53.779120512Z")
        );
        assert_eq!(e.pid, Some(6408));
        assert_eq!(
            e.data[0],
            ("HRESULT".to_string(), "-2146875392".to_string())
        );
        assert_eq!(e.data.len(), 2);
        assert!(e.provider.unwrap().contains("Diagnostics"));
        assert_eq!(e.message, None);
    }

    #[test]
    fn entities_cdata_comments_and_user_data() {
        let x = "<e:Event><!-- c --><e:UserData><X><First_Alert_Name>com.microsoft:mdm.SCEPcertinstall.result</First_Alert_Name></X></e:UserData><RenderingInfo><Message>a &lt;b&gt; &amp; &#65;&#x42; &bogus; <![CDATA[<raw>]]></Message></RenderingInfo></e:Event>";
        let e = parse_event(x);
        assert_eq!(e.message.as_deref(), Some("a <b> & AB &bogus; <raw>"));
        assert_eq!(e.data[0].1, "com.microsoft:mdm.SCEPcertinstall.result");
    }

    #[test]
    fn cut_input_does_not_panic() {
        for x in [
            "<Event><System><EventID>3",
            "<Event a='",
            "<",
            "<Event><Data Name=\"x\">é&#xZZ;",
            "&#99999999999;",
            "<!--",
            "<![CDATA[",
        ] {
            let _ = parse_event(x);
        }
    }
}
