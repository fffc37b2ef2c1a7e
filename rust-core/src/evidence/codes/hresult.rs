//! Windows HRESULTs: the facility layout, the HTTP (`0x8019xxxx`) and WinHTTP
//! (`0x8007_2EE1`…) families, the spellings logs use (hex, signed and unsigned decimal)
//! and the reverse lookup from an English system text to its code.

use super::hresult_table::TABLE;
use super::{CodeVerdict, verdict};
use crate::contract::FindingId;

/// HRESULT facility numbers used in the tables.
pub const FACILITY_WIN32: u32 = 7;
pub const FACILITY_SECURITY: u32 = 9;
pub const FACILITY_CERT: u32 = 11;
pub const FACILITY_HTTP: u32 = 25;

/// Bit 31: the code is a failure.
pub fn is_failure(code: u32) -> bool {
    code & 0x8000_0000 != 0
}

/// Bits 16–26.
pub fn facility(code: u32) -> u32 {
    (code >> 16) & 0x7FF
}

/// Bits 0–15.
pub fn code_part(code: u32) -> u32 {
    code & 0xFFFF
}

fn facility_name(f: u32) -> &'static str {
    match f {
        0 => "NULL",
        1 => "RPC",
        2 => "DISPATCH",
        3 => "STORAGE",
        4 => "ITF",
        7 => "WIN32",
        8 => "WINDOWS",
        9 => "SECURITY",
        10 => "CONTROL",
        11 => "CERT",
        12 => "INTERNET",
        25 => "HTTP",
        _ => "unknown",
    }
}

/// HTTP status names of the `0x8019xxxx` family.
fn http_status_name(status: u32) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        414 => "URI Too Long",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "HTTP error",
    }
}

/// `FormatMessage` texts of `HTTP_E_STATUS_*` codes (status → English text).
const HTTP_MESSAGES: &[(u32, &str, &str)] = &[
    (400, "HTTP_E_STATUS_BAD_REQUEST", "Invalid syntax (400)."),
    (401, "HTTP_E_STATUS_DENIED", "Access denied (401)."),
    (403, "HTTP_E_STATUS_FORBIDDEN", "Forbidden (403)."),
    (404, "HTTP_E_STATUS_NOT_FOUND", "Not found (404)."),
    (405, "HTTP_E_STATUS_BAD_METHOD", "Method not allowed (405)."),
    (
        408,
        "HTTP_E_STATUS_REQUEST_TIMEOUT",
        "Server timed out waiting for request (408).",
    ),
    (
        414,
        "HTTP_E_STATUS_URI_TOO_LONG",
        "Request URI too long (414).",
    ),
    (
        500,
        "HTTP_E_STATUS_SERVER_ERROR",
        "Internal server error (500).",
    ),
    (501, "HTTP_E_STATUS_NOT_SUPPORTED", "Not supported (501)."),
    (
        502,
        "HTTP_E_STATUS_BAD_GATEWAY",
        "Error response received from gateway (502).",
    ),
    (
        503,
        "HTTP_E_STATUS_SERVICE_UNAVAIL",
        "Temporarily overloaded (503).",
    ),
    (
        504,
        "HTTP_E_STATUS_GATEWAY_TIMEOUT",
        "Timed out waiting for gateway (504).",
    ),
];

/// WinHTTP errors 12001–12192 beyond the table rows: what they are about (winhttp.h).
fn winhttp_name(err: u32) -> Option<&'static str> {
    Some(match err {
        12044 => "TLS error: the server asks for a client certificate",
        12057 => "TLS error: the certificate revocation check failed",
        12169 => "TLS error: the server certificate is invalid",
        12170 => "TLS error: the server certificate is revoked",
        12037 | 12038 | 12045 | 12157 | 12175 => "TLS error",
        12152 => "invalid server response",
        12178 | 12180 | 12166 | 12167 => "proxy detection error",
        _ => return None,
    })
}

/// A WinHTTP error number (`Error 12175` in NDESPlugin.log) named for a reader: its
/// symbolic name from the table, else what it is about, else `WinHTTP error n`.
pub fn winhttp_label(err: u32) -> String {
    let code = 0x8007_0000 | (err & 0xFFFF);
    match TABLE.iter().find(|r| r.code == code) {
        Some(r) => format!("WinHTTP error {err} ({})", r.name),
        None => match winhttp_name(err) {
            Some(what) => format!("WinHTTP error {err} ({what})"),
            None => format!("WinHTTP error {err}"),
        },
    }
}

/// The symbolic name of a code in the tables, if known.
pub fn hresult_name(code: u32) -> Option<String> {
    if let Some(r) = TABLE.iter().find(|r| r.code == code) {
        return Some(r.name.to_string());
    }
    if facility(code) == FACILITY_HTTP && is_failure(code) {
        let status = code_part(code);
        return Some(match HTTP_MESSAGES.iter().find(|(s, _, _)| *s == status) {
            Some((_, n, _)) => n.to_string(),
            None => format!("HTTP status {status}"),
        });
    }
    if code == 0 {
        return Some("S_OK".to_string());
    }
    None
}

/// Classifies a Windows HRESULT (see [`hresult_with_context`] for `CERT_E_UNTRUSTEDROOT`
/// seen on a TLS connection). Callers check [`is_failure`] first: a success code still
/// gets a verdict, but it names no failure.
pub fn hresult(code: u32) -> CodeVerdict {
    hresult_with_context(code, false)
}

/// Like [`hresult`]; `tls` says the code came from the HTTPS connection to the SCEP server
/// (e.g. a WinHTTP/TLS stage), which turns `CERT_E_UNTRUSTEDROOT` into
/// `SCEP_SERVER_UNREACHABLE` instead of a CA-chain problem.
pub fn hresult_with_context(code: u32, tls: bool) -> CodeVerdict {
    let hex = format!("0x{code:08X}");
    if code == 0x800B_0109 && tls {
        return verdict(
            FindingId::ScepServerUnreachable,
            2,
            "CERT_E_UNTRUSTEDROOT",
            "The SCEP server's TLS certificate chains to a root the device does not trust.",
        );
    }
    if let Some(r) = TABLE.iter().find(|r| r.code == code) {
        return verdict(r.finding, r.step, r.name, r.explanation);
    }
    let fac = facility(code);
    let low = code_part(code);
    if is_failure(code) && fac == FACILITY_HTTP {
        let name = hresult_name(code).unwrap_or_else(|| format!("HTTP status {low}"));
        return verdict(
            FindingId::ScepServerUnreachable,
            2,
            name,
            format!(
                "The SCEP server answered HTTP {low} {} ({hex}).",
                http_status_name(low)
            ),
        );
    }
    if is_failure(code) && fac == FACILITY_WIN32 && (12001..=12192).contains(&low) {
        let what = winhttp_name(low).unwrap_or("WinHTTP error");
        return verdict(
            FindingId::ScepServerUnreachable,
            2,
            format!("WinHTTP {low}"),
            format!(
                "The device could not talk to the SCEP server: WinHTTP error {low} ({what}, {hex})."
            ),
        );
    }
    if !is_failure(code) {
        return verdict(
            FindingId::ScepInstallFailed,
            5,
            hresult_name(code).unwrap_or_else(|| hex.clone()),
            format!("{hex} is not a failure code."),
        );
    }
    let fname = facility_name(fac);
    let detail = if fac == FACILITY_WIN32 {
        format!("Windows error {low}")
    } else {
        format!("code 0x{low:04X}")
    };
    verdict(
        FindingId::ScepInstallFailed,
        5,
        hex.clone(),
        format!(
            "Installing the certificate failed with {hex}: facility {fac} ({fname}), {detail}."
        ),
    )
}

/// Parses an HRESULT written as `0x80190194`, `80190194`, `-2145844844` or `2148204809`;
/// masks to 32 bits. Eight bare hex digits are hex; other bare digit runs are decimal.
pub fn parse_hresult(text: &str) -> Option<u32> {
    let t = text.trim().trim_end_matches(['.', ')', ',']);
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        if h.is_empty() || h.len() > 16 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        return u64::from_str_radix(h, 16).ok().map(|v| v as u32);
    }
    if let Some(d) = t.strip_prefix('-') {
        if d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: i64 = d.parse().ok()?;
        return Some((-v) as u32);
    }
    if t.is_empty() {
        return None;
    }
    let all_digits = t.bytes().all(|b| b.is_ascii_digit());
    let all_hex = t.bytes().all(|b| b.is_ascii_hexdigit());
    if t.len() == 8 && all_hex && (!all_digits || t.starts_with(['8', '9'])) {
        // Eight hex digits starting with 8 or 9 are a failure HRESULT in hex (`80190194`); a decimal
        // failure HRESULT has ten digits (`2148204809`).
        return u32::from_str_radix(t, 16).ok();
    }
    if all_digits {
        return t.parse::<u64>().ok().map(|v| v as u32);
    }
    None
}

fn norm_message(s: &str) -> String {
    s.trim().trim_end_matches(['.', ' ']).to_ascii_lowercase()
}

/// Reverse table: the English `FormatMessage` text of a code in the tables → the code.
/// Matching ignores case, surrounding blanks and a final period.
pub fn hresult_from_message(text: &str) -> Option<u32> {
    let n = norm_message(text);
    if n.is_empty() {
        return None;
    }
    if n == "the operation completed successfully" {
        return Some(0);
    }
    if let Some(r) = TABLE.iter().find(|r| norm_message(r.message) == n) {
        return Some(r.code);
    }
    HTTP_MESSAGES
        .iter()
        .find(|(_, _, m)| norm_message(m) == n)
        .map(|(s, _, _)| 0x8019_0000 | s)
}

/// The English text of a code in the tables.
pub fn hresult_message(code: u32) -> Option<&'static str> {
    if code == 0 {
        return Some("The operation completed successfully.");
    }
    if let Some(r) = TABLE.iter().find(|r| r.code == code) {
        return Some(r.message);
    }
    if facility(code) == FACILITY_HTTP && is_failure(code) {
        return HTTP_MESSAGES
            .iter()
            .find(|(s, _, _)| *s == code_part(code))
            .map(|(_, _, m)| *m);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use FindingId::*;

    #[test]
    fn every_table_row_round_trips() {
        for r in TABLE {
            let v = hresult(r.code);
            assert_eq!(v.finding, r.finding, "{}", r.name);
            assert_eq!(v.name, r.name);
            assert_eq!(hresult_from_message(r.message), Some(r.code), "{}", r.name);
            assert_eq!(hresult_message(r.code), Some(r.message));
            assert_eq!(hresult_name(r.code).as_deref(), Some(r.name));
        }
    }

    #[test]
    fn specific_rows() {
        assert_eq!(hresult(0x8009_1006).finding, ScepServerInvalidResponse);
        assert_eq!(hresult(0x8009_1007).finding, ScepCaThumbprintMismatch);
        assert_eq!(hresult(0x8009_2021).finding, ScepProfileInvalid);
        assert_eq!(hresult(0x8009_0029).finding, ScepClientError);
        for c in [
            0x8009_4800u32,
            0x8009_4811,
            0x8009_4812,
            0x8009_4012,
            0x8009_4014,
            0x8009_4001,
            0x8009_4801,
            0x8009_480D,
            0x8009_480F,
        ] {
            assert_eq!(hresult(c).finding, ScepRequestRejected, "{c:x}");
        }
        for c in [0x8007_06BAu32, 0x8007_06BE] {
            let v = hresult(c);
            assert_eq!(v.finding, ScepInstallFailed);
            assert!(v.explanation.contains("RPC"));
        }
        assert_eq!(hresult(0x800B_0109).finding, ScepServerInvalidResponse);
        assert_eq!(hresult(0x800B_010A).name, "CERT_E_CHAINING");
        assert_eq!(hresult(0x8009_2013).step, 4);
        assert_eq!(hresult(0x8009_0016).finding, ScepClientError);
        assert_eq!(
            hresult_with_context(0x800B_0109, true).finding,
            ScepServerUnreachable
        );
    }

    #[test]
    fn http_family() {
        for (c, s, w) in [
            (0x8019_0194u32, 404, "Not Found"),
            (0x8019_01F4, 500, "Internal Server Error"),
            (0x8019_01F7, 503, "Service Unavailable"),
            (0x8019_0193, 403, "Forbidden"),
            (0x8019_0199, 409, "HTTP error"),
        ] {
            let v = hresult(c);
            assert_eq!(v.finding, ScepServerUnreachable);
            assert!(
                v.explanation.contains(&format!("HTTP {s} {w}")),
                "{}",
                v.explanation
            );
        }
        assert_eq!(
            hresult_name(0x8019_0194).as_deref(),
            Some("HTTP_E_STATUS_NOT_FOUND")
        );
        assert_eq!(hresult_from_message("Not found (404)."), Some(0x8019_0194));
        for (status, name, message) in HTTP_MESSAGES {
            let code = 0x8019_0000 | status;
            assert_eq!(hresult_from_message(message), Some(code), "{name}");
            assert_eq!(hresult_name(code).as_deref(), Some(*name));
            assert_eq!(hresult_message(code), Some(*message));
            assert_eq!(hresult(code).finding, ScepServerUnreachable);
        }
    }

    #[test]
    fn winhttp_family() {
        for (c, w) in [
            (0x8007_2EE2u32, 12002),
            (0x8007_2EE7, 12007),
            (0x8007_2EFD, 12029),
            (0x8007_2EFE, 12030),
            (0x8007_2F05, 12037),
            (0x8007_2F06, 12038),
            (0x8007_2F0D, 12045),
            (0x8007_2F8F, 12175),
            (0x8007_2F78, 12152),
            (0x8007_2EE1, 12001),
            (0x8007_2F50, 12112),
            (0x8007_2FA0, 12192),
        ] {
            assert_eq!(hresult(c).finding, ScepServerUnreachable, "{w}");
        }
        assert!(hresult(0x8007_2F50).explanation.contains("12112"));
        assert!(hresult(0x8007_2F19).explanation.contains("revocation"));
        assert_eq!(
            winhttp_label(12175),
            "WinHTTP error 12175 (ERROR_WINHTTP_SECURE_FAILURE)"
        );
        assert_eq!(
            winhttp_label(12057),
            "WinHTTP error 12057 (TLS error: the certificate revocation check failed)"
        );
        assert_eq!(winhttp_label(12111), "WinHTTP error 12111");
        assert_eq!(hresult(0x8007_2FA1).finding, ScepInstallFailed);
    }

    #[test]
    fn unknown_codes_are_explained() {
        // (0x80090016 and 0x80070005 were the examples here until issue 21 named them.)
        let v = hresult(0x8009_0017);
        assert_eq!(v.finding, ScepInstallFailed);
        assert!(
            v.explanation.contains("facility 9 (SECURITY)"),
            "{}",
            v.explanation
        );
        assert!(v.explanation.contains("0x0017"));
        let v = hresult(0x8007_0006);
        assert!(
            v.explanation.contains("facility 7 (WIN32)")
                && v.explanation.contains("Windows error 6")
        );
        assert!(hresult(0).explanation.contains("not a failure"));
        assert!(!is_failure(0x02AB_0003));
    }

    #[test]
    fn parses_every_spelling() {
        assert_eq!(parse_hresult("0x80190194"), Some(0x8019_0194));
        assert_eq!(parse_hresult("0X80190194"), Some(0x8019_0194));
        assert_eq!(parse_hresult("80190194"), Some(0x8019_0194));
        assert_eq!(parse_hresult("-2145844844"), Some(0x8019_0194));
        assert_eq!(parse_hresult("2148204809"), Some(0x800B_0109));
        assert_eq!(parse_hresult("0x2ab0003"), Some(0x02AB_0003));
        assert_eq!(parse_hresult("0xFFFFFFFF80094800"), Some(0x8009_4800));
        assert_eq!(parse_hresult(" 0x80094800). "), Some(0x8009_4800));
        assert_eq!(parse_hresult("0"), Some(0));
        assert_eq!(parse_hresult("0x"), None);
        assert_eq!(parse_hresult("0x8019g"), None);
        assert_eq!(parse_hresult("hello"), None);
        assert_eq!(parse_hresult(""), None);
        assert_eq!(parse_hresult("-"), None);
    }

    #[test]
    fn reverse_messages() {
        assert_eq!(
            hresult_from_message("The hash value is not correct."),
            Some(0x8009_1007)
        );
        assert_eq!(
            hresult_from_message("The requested certificate template is not supported by this CA."),
            Some(0x8009_4800)
        );
        assert_eq!(
            hresult_from_message("The string contains a non-printable character."),
            Some(0x8009_2021)
        );
        assert_eq!(
            hresult_from_message("The operation timed out"),
            Some(0x8007_2EE2)
        );
        assert_eq!(
            hresult_from_message("the server name or address could not be resolved."),
            Some(0x8007_2EE7)
        );
        assert_eq!(
            hresult_from_message("A connection with the server could not be established"),
            Some(0x8007_2EFD)
        );
        assert_eq!(
            hresult_from_message("The operation completed successfully."),
            Some(0)
        );
        assert_eq!(
            hresult_from_message("Die Vorlage wird nicht unterstützt."),
            None
        );
        assert_eq!(hresult_from_message(""), None);
    }

    proptest::proptest! {
        #[test]
        fn hex_and_decimal_spellings_agree(code in proptest::num::u32::ANY) {
            proptest::prop_assert_eq!(parse_hresult(&format!("0x{code:08x}")), Some(code));
            let dec = format!("{}", code as i32);
            // Eight decimal digits starting with 8 or 9 read as hex (documented ambiguity).
            if !(dec.len() == 8 && dec.starts_with(['8', '9'])) {
                proptest::prop_assert_eq!(parse_hresult(&dec), Some(code));
            }
            if code >= 0x8000_0000 {
                proptest::prop_assert_eq!(parse_hresult(&format!("{code}")), Some(code));
                proptest::prop_assert_eq!(parse_hresult(&format!("{code:08X}")), Some(code));
            }
        }
    }
}
