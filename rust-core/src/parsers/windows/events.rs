//! Windows event → typed events (log-formats.md §4.1, §4.4): DeviceManagement-Enterprise-
//! Diagnostics-Provider 306, 36, 307, 32, 39, 309, 256 and CertificateServicesClient-
//! CertEnroll 86/87, whatever export shape they came from; plus the time rules for XML
//! `SystemTime` and locale-formatted dates.

use crate::evidence::codes::{hresult_from_message, is_failure, parse_hresult};
use crate::evidence::{
    ErrorCode, EventKind, FailInfo, LogTime, PkiStatus, ProfileId, ScepOperation,
};
use crate::parsers::ios::{days_from_civil, iso_date_days, time_of_day_ns};

/// One event, whatever the export shape, before classification.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RawEvent {
    pub line: u64,
    pub provider: Option<String>,
    pub event_id: Option<u32>,
    pub time: Option<LogTime>,
    pub message: Option<String>,
    pub data: Vec<(String, String)>,
    pub pid: Option<u32>,
}

impl RawEvent {
    pub fn data(&self, name: &str) -> Option<&str> {
        self.data
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The rendered message, else `EventID n: k=v, …` from the data.
    pub fn text(&self) -> String {
        if let Some(m) = self.message.as_ref().filter(|m| !m.trim().is_empty()) {
            return m.trim().to_string();
        }
        let mut s = match self.event_id {
            Some(id) => format!("EventID {id}"),
            None => "Event".to_string(),
        };
        for (i, (k, v)) in self.data.iter().enumerate() {
            s.push_str(if i == 0 { ": " } else { ", " });
            if !k.is_empty() {
                s.push_str(k);
                s.push('=');
            }
            s.push_str(v);
        }
        s
    }
}

const NS_PER_DAY: i128 = 86_400_000_000_000;

/// `2024-11-03T22:27:49.1043318Z` (7–9 fraction digits, UTC) kept as written.
pub(crate) fn xml_time(text: &str) -> LogTime {
    let t = text.trim();
    let key = t.split_once(['T', ' ']).and_then(|(d, rest)| {
        let days = iso_date_days(d)?;
        let tod = rest.trim_end_matches('Z');
        let tod = match tod.find(['+', '-']) {
            Some(i) => &tod[..i],
            None => tod,
        };
        Some(days as i128 * NS_PER_DAY + time_of_day_ns(tod)?)
    });
    LogTime {
        text: t.to_string(),
        order_key: key,
        has_date: key.is_some(),
    }
}

/// A locale-formatted local date (`11/3/2024 4:27:49 PM`, `03.11.2024 16:27:49`,
/// `2024-11-03 16:27:49`) kept as written; `order_key` only when it parses unambiguously.
pub(crate) fn local_time(text: &str) -> LogTime {
    let t = text.trim();
    let key = local_key(t);
    LogTime {
        text: t.to_string(),
        order_key: key,
        has_date: key.is_some(),
    }
}

fn local_key(t: &str) -> Option<i128> {
    let mut parts = t.split_whitespace();
    let date = parts.next()?;
    let time = parts.next()?;
    let ampm = parts.next();
    if parts.next().is_some() {
        return None;
    }
    // Time of day, with an English AM/PM marker if present.
    let mut tod = time_of_day_ns(time).or_else(|| {
        // `4:27:49` → pad the hour.
        let padded = format!("0{time}");
        time_of_day_ns(&padded)
    })?;
    let pm = match ampm.map(|s| s.to_ascii_uppercase()) {
        None => None,
        Some(s) if s == "AM" => Some(false),
        Some(s) if s == "PM" => Some(true),
        Some(_) => return None,
    };
    if let Some(pm) = pm {
        let hour = tod / 3_600_000_000_000;
        if !(1..=12).contains(&hour) {
            return None;
        }
        if hour == 12 {
            tod -= 12 * 3_600_000_000_000;
        }
        if pm {
            tod += 12 * 3_600_000_000_000;
        }
    }
    let nums = |sep: char| -> Option<Vec<i64>> {
        let v: Vec<i64> = date
            .split(sep)
            .map(|p| p.parse::<i64>().ok())
            .collect::<Option<_>>()?;
        (v.len() == 3).then_some(v)
    };
    let days = if let Some(d) = iso_date_days(date) {
        d
    } else if let Some(v) = nums('.') {
        // Day.Month.Year
        if v[2] < 1000 {
            return None;
        }
        days_from_civil(v[2], u32::try_from(v[1]).ok()?, u32::try_from(v[0]).ok()?)?
    } else if let Some(v) = nums('/') {
        if v[0] >= 1000 {
            days_from_civil(v[0], u32::try_from(v[1]).ok()?, u32::try_from(v[2]).ok()?)?
        } else {
            if v[2] < 1000 {
                return None;
            }
            let (m, d) = if pm.is_some() {
                (v[0], v[1]) // en-US writes AM/PM with month first
            } else if v[0] > 12 && v[1] <= 12 {
                (v[1], v[0])
            } else if v[1] > 12 && v[0] <= 12 {
                (v[0], v[1])
            } else {
                return None;
            };
            days_from_civil(v[2], u32::try_from(m).ok()?, u32::try_from(d).ok()?)?
        }
    } else {
        return None;
    };
    Some(days as i128 * NS_PER_DAY + tod)
}

/// `Name : (value)` / `Name: (value)` in a rendered message; the value up to the matching
/// parenthesis (or the end when the text was cut).
pub(crate) fn field_paren<'a>(msg: &'a str, name: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(rel) = msg.get(from..)?.find(name) {
        let at = from + rel;
        from = at + name.len();
        let rest = msg.get(from..)?.trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(inner) = rest.strip_prefix('(') else {
            continue;
        };
        let mut depth = 1usize;
        for (i, c) in inner.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(&inner[..i]);
                    }
                }
                _ => {}
            }
        }
        return Some(inner);
    }
    None
}

/// The first `0x…` hex number in a text; with `complete`, only eight-digit values count
/// (a 307 text cut inside the hex gives `None`).
pub(crate) fn hex_in_text(text: &str, complete: bool) -> Option<u32> {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(rel) = text.get(from..)?.find("0x") {
        let at = from + rel + 2;
        let mut end = at;
        while end < b.len() && b[end].is_ascii_hexdigit() {
            end += 1;
        }
        from = at;
        let digits = end - at;
        if digits == 0 || (complete && digits != 8) || digits > 8 {
            continue;
        }
        return text
            .get(at..end)
            .and_then(|h| u32::from_str_radix(h, 16).ok());
    }
    None
}

/// An HRESULT named in a result text: a hex number, else the English system text.
fn result_code(text: &str) -> Option<u32> {
    hex_in_text(text, false).or_else(|| hresult_from_message(text))
}

fn is_dm(provider: &str) -> bool {
    provider.contains("DeviceManagement-Enterprise-Diagnostic")
}

fn is_certenroll(provider: &str) -> bool {
    provider.contains("CertificateServicesClient-CertEnroll") || provider.contains("CertEnroll")
}

/// Event ID inferred from the message when the export has none (message-only lines).
fn infer_id(msg: &str) -> Option<u32> {
    let m = msg.trim_start();
    Some(if m.starts_with("SCEP: CspExecute") {
        306
    } else if m.starts_with("SCEP: Certificate request generated") {
        36
    } else if m.starts_with("SCEP: Failed LogError")
        || m.starts_with("SCEPInstallCertificateWithScepHelper")
    {
        307
    } else if m.starts_with("SCEP: Certificate enroll failed") {
        32
    } else if m.starts_with("SCEP: Certificate installed successfully") {
        39
    } else if m.starts_with("SCEP: InstallFromRegEntries") {
        309
    } else if m.contains("SCEPcertinstall.result") {
        256
    } else if m.starts_with("SCEP Certificate enrollment") && m.contains("PkiStatus(") {
        87
    } else if m.starts_with("SCEP Certificate enrollment") {
        86
    } else {
        return None;
    })
}

fn profile_of(raw: &RawEvent, msg: &str) -> Option<ProfileId> {
    if let Some(v) = field_paren(msg, "UniqueId")
        && let Some(p) = ProfileId::parse(v)
    {
        return Some(p);
    }
    raw.data
        .iter()
        .find_map(|(_, v)| ProfileId::parse(v))
        .or_else(|| ProfileId::parse(msg))
}

/// The event ID used for classification, and the typed events of one Windows event.
pub(crate) fn classify(raw: &RawEvent) -> (Option<u32>, Vec<EventKind>) {
    let provider = raw.provider.as_deref().unwrap_or("");
    let msg = raw.text();
    let known = provider.is_empty() || is_dm(provider) || is_certenroll(provider);
    if !known {
        return (raw.event_id, Vec::new());
    }
    let id = match raw.event_id.or_else(|| infer_id(&msg)) {
        Some(id) => id,
        None => return (None, Vec::new()),
    };
    let mut out = Vec::new();
    let certenroll = is_certenroll(provider)
        || (provider.is_empty() && msg.contains("SCEP Certificate enrollment"));
    if certenroll {
        match id {
            86 => out.push(EventKind::InstallError {
                profile: None,
                code: hex_in_text(&msg, true).map(ErrorCode::Hresult),
                detail: msg.clone(),
            }),
            87 => {
                let status = field_paren_loose(&msg, "PkiStatus").map(PkiStatus::parse);
                let fail_info = field_paren_loose(&msg, "FailInfo").and_then(FailInfo::parse);
                match status {
                    Some(status) => out.push(EventKind::CertRep {
                        status,
                        fail_info,
                        transaction_id: None,
                    }),
                    None => out.push(EventKind::InstallError {
                        profile: None,
                        code: hex_in_text(&msg, true).map(ErrorCode::Hresult),
                        detail: msg.clone(),
                    }),
                }
            }
            _ => {}
        }
        if is_certenroll(provider) {
            return (Some(id), out);
        }
    }
    match id {
        306 => {
            let profile = profile_of(raw, &msg);
            out.push(EventKind::ProfileReceived {
                profile: profile.clone(),
                root: false,
            });
            if let Some(p) = &profile {
                out.push(EventKind::EnrollmentAttempt { profile: p.clone() });
            }
            let result = field_paren(&msg, "Result")
                .and_then(result_code)
                .or_else(|| raw.data("HexInt3").and_then(parse_hresult));
            if let Some(r) = result.filter(|r| is_failure(*r)) {
                out.push(EventKind::InstallError {
                    profile,
                    code: Some(ErrorCode::Hresult(r)),
                    detail: msg.clone(),
                });
            }
        }
        36 => {
            let url = field_paren(&msg, "NDES URL")
                .map(str::to_string)
                .or_else(|| raw.data("Message2").map(str::to_string))
                .filter(|u| !u.is_empty());
            out.push(EventKind::ScepRequestBuilt {
                transaction_id: None,
                poll: false,
            });
            out.push(EventKind::ScepRequest {
                operation: ScepOperation::PkiOperation,
                url,
            });
        }
        307 => {
            let text = field_paren(&msg, "Message")
                .map(str::to_string)
                .or_else(|| raw.data("Message1").map(str::to_string))
                .unwrap_or_else(|| msg.clone());
            let code = text
                .find("LogError")
                .and_then(|i| hex_in_text(&text[i..], true));
            out.push(EventKind::InstallError {
                profile: ProfileId::parse(&text),
                code: code.map(ErrorCode::Hresult),
                detail: text,
            });
        }
        32 => {
            let result = field_paren(&msg, "Result").map(str::to_string);
            let code = raw
                .data("HRESULT")
                .and_then(parse_hresult)
                .or_else(|| result.as_deref().and_then(result_code))
                .or_else(|| {
                    if raw.message.is_some() {
                        hex_in_text(&msg, false)
                    } else {
                        None
                    }
                });
            let detail = result.unwrap_or_else(|| msg.clone());
            out.push(EventKind::InstallError {
                profile: None,
                code: code.map(ErrorCode::Hresult),
                detail,
            });
        }
        39 => out.push(EventKind::CertificateInstalled {
            profile: None,
            thumbprint: None,
        }),
        309 => {
            let profile = profile_of(raw, &msg);
            let thumb = field_paren(&msg, "Certificate Thumbprint")
                .map(str::to_string)
                .or_else(|| {
                    raw.data("Message3")
                        .filter(|v| v.len() == 40 && v.bytes().all(|b| b.is_ascii_hexdigit()))
                        .map(str::to_string)
                })
                .map(|t| {
                    t.chars()
                        .filter(|c| !c.is_whitespace())
                        .collect::<String>()
                        .to_ascii_uppercase()
                })
                .filter(|t| !t.is_empty());
            let result = field_paren(&msg, "Result").and_then(result_code);
            match result.filter(|r| is_failure(*r)) {
                Some(r) => out.push(EventKind::InstallError {
                    profile,
                    code: Some(ErrorCode::Hresult(r)),
                    detail: msg.clone(),
                }),
                None => out.push(EventKind::CertificateInstalled {
                    profile,
                    thumbprint: thumb,
                }),
            }
        }
        256 if msg.contains("SCEPcertinstall.result")
            || raw
                .data
                .iter()
                .any(|(_, v)| v.contains("SCEPcertinstall.result")) =>
        {
            out.push(EventKind::ResultReported);
        }
        _ => {}
    }
    (Some(id), out)
}

/// `PkiStatus(2)` / `FailInfo(2)`: the number in parentheses right after the name.
fn field_paren_loose<'a>(msg: &'a str, name: &str) -> Option<&'a str> {
    let i = msg.find(name)? + name.len();
    let rest = msg.get(i..)?.strip_prefix('(')?;
    let end = rest.find(')')?;
    Some(rest[..end].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        let t = xml_time("2024-11-03T22:27:49.1043318Z");
        assert_eq!(t.text, "2024-11-03T22:27:49.1043318Z");
        assert!(t.has_date);
        let day = days_from_civil(2024, 11, 3).unwrap() as i128;
        assert_eq!(
            t.order_key,
            Some(
                day * NS_PER_DAY + (22 * 3600 + 27 * 60 + 49) as i128 * 1_000_000_000 + 104_331_800
            )
        );
        assert!(
            xml_time("2024-11-03T22:27:49.123456789Z")
                .order_key
                .is_some()
        );
        let base = day * NS_PER_DAY + (16 * 3600 + 27 * 60 + 49) as i128 * 1_000_000_000;
        assert_eq!(local_time("11/3/2024 4:27:49 PM").order_key, Some(base));
        assert_eq!(local_time("03.11.2024 16:27:49").order_key, Some(base));
        assert_eq!(local_time("2024-11-03 16:27:49").order_key, Some(base));
        assert_eq!(local_time("2024/11/03 16:27:49").order_key, Some(base));
        assert!(local_time("13/11/2024 16:27:49").order_key.is_some());
        assert_eq!(local_time("03/11/2024 16:27:49").order_key, None);
        assert_eq!(
            local_time("12/3/2024 12:05:00 AM").order_key,
            Some(days_from_civil(2024, 12, 3).unwrap() as i128 * NS_PER_DAY + 300_000_000_000)
        );
        assert_eq!(local_time("2024/11/3 下午 4:27:49").order_key, None);
        assert_eq!(
            local_time("11/3/2024 4:27:49 PM").text,
            "11/3/2024 4:27:49 PM"
        );
    }

    #[test]
    fn fields_and_hex() {
        let m =
            "SCEP: Failed LogError Message : (SCEPInstall:Failed to Initialize (x) LogError 0x8019";
        assert_eq!(
            field_paren(m, "Message"),
            Some("SCEPInstall:Failed to Initialize (x) LogError 0x8019")
        );
        assert_eq!(hex_in_text("LogError 0x8019", true), None);
        assert_eq!(hex_in_text("LogError 0x80190194)", true), Some(0x8019_0194));
        assert_eq!(hex_in_text("code: 0x2ab0003).", false), Some(0x02AB_0003));
        assert_eq!(field_paren("Result: (a (b) c).", "Result"), Some("a (b) c"));
        assert_eq!(field_paren("Result", "Result"), None);
    }

    fn raw(provider: &str, id: Option<u32>, msg: &str) -> RawEvent {
        RawEvent {
            provider: Some(provider.to_string()),
            event_id: id,
            message: Some(msg.to_string()),
            ..Default::default()
        }
    }

    #[test]
    fn certenroll_86_87() {
        let p = "Microsoft-Windows-CertificateServicesClient-CertEnroll";
        let (_, k) = classify(&raw(
            p,
            Some(87),
            "SCEP Certificate enrollment for WORKGROUP\\x via https://h/certsrv/mscep/mscep.dll failed:\n\n  PKIOperation\n  Method: POST\n  Stage: PKIOperation\n  PkiStatus(2): SCEPDispositionFailure\n  FailInfo(2): SCEPFailBadRequest",
        ));
        assert_eq!(
            k,
            vec![EventKind::CertRep {
                status: PkiStatus::Failure,
                fail_info: Some(FailInfo::BadRequest),
                transaction_id: None
            }]
        );
        let (_, k) = classify(&raw(
            p,
            Some(86),
            "SCEP Certificate enrollment initialization for WORKGROUP\\x via https://h/x failed:\n\n  GetCACaps\n  Method: GET(0ms)\n  Stage: GetCACaps\n  The operation timed out 0x80072ee2 (WinHttp: 12002 ERROR_WINHTTP_TIMEOUT)",
        ));
        assert!(matches!(
            &k[0],
            EventKind::InstallError {
                code: Some(ErrorCode::Hresult(0x8007_2EE2)),
                ..
            }
        ));
        // Not SCEP: another provider.
        let (_, k) = classify(&raw(
            "Microsoft-Windows-Kernel-General",
            Some(39),
            "SCEP: Certificate installed successfully.",
        ));
        assert!(k.is_empty());
        // Without the `s` of Diagnostics.
        let (_, k) = classify(&raw(
            "Microsoft-Windows-DeviceManagement-Enterprise-Diagnostic-Provider",
            Some(39),
            "x",
        ));
        assert_eq!(k.len(), 1);
        // Message-only line: the ID is inferred.
        let (id, k) = classify(&RawEvent {
            message: Some(
                "SCEP: Certificate enroll failed. Result: (The hash value is not correct.).".into(),
            ),
            ..Default::default()
        });
        assert_eq!(id, Some(32));
        assert!(matches!(
            &k[0],
            EventKind::InstallError {
                code: Some(ErrorCode::Hresult(0x8009_1007)),
                ..
            }
        ));
    }

    #[test]
    fn result_reported_and_failed_309() {
        let p = "Microsoft-Windows-DeviceManagement-Enterprise-Diagnostics-Provider";
        let (_, k) = classify(&raw(
            p,
            Some(256),
            "OmaDmLogOmaDmApiInitiateSession: Server: (x), First Alert Name : (com.microsoft:mdm.SCEPcertinstall.result), Alert count: (1)",
        ));
        assert_eq!(k, vec![EventKind::ResultReported]);
        let (_, k) = classify(&raw(
            p,
            Some(256),
            "OmaDmLogOmaDmApiInitiateSession: First Alert Name : (com.microsoft:mdm.periodic)",
        ));
        assert!(k.is_empty());
        let (_, k) = classify(&raw(
            p,
            Some(309),
            "SCEP: InstallFromRegEntries. UniqueId : (ModelName_AC_a_LogicalName_b_Hash_1) Certificate Thumbprint : () Result : (The hash value is not correct.)",
        ));
        assert!(matches!(
            &k[0],
            EventKind::InstallError {
                code: Some(ErrorCode::Hresult(0x8009_1007)),
                profile: Some(_),
                ..
            }
        ));
    }
}
