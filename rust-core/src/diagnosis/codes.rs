//! Error-code knowledge tables (log-formats.md §3.3, §4.3, with the contract's more specific
//! IDs): Apple NSError domain/code chains and Windows HRESULTs → finding ID, SCEP step, a
//! name and one plain-English sentence for a helpdesk. Pure tables and functions; no raw
//! log parsing happens here.

use super::FindingId;

/// What an error code means for the SCEP flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeVerdict {
    pub finding: FindingId,
    /// SCEP step 1–6 the code points at.
    pub step: u8,
    /// Symbolic name, e.g. `CERTSRV_E_UNSUPPORTED_CERT_TYPE` or `MCSCEPErrorDomain 22013`.
    pub name: String,
    /// One plain-English sentence for a helpdesk.
    pub explanation: String,
}

fn verdict(
    finding: FindingId,
    step: u8,
    name: impl Into<String>,
    explanation: impl Into<String>,
) -> CodeVerdict {
    CodeVerdict {
        finding,
        step,
        name: name.into(),
        explanation: explanation.into(),
    }
}

// ---------------------------------------------------------------------------------------
// Apple
// ---------------------------------------------------------------------------------------

/// `MCSCEPErrorDomain`.
pub const MC_SCEP_DOMAIN: &str = "MCSCEPErrorDomain";
/// The domain of a CA `PENDING` answer (code 3).
pub const PENDING_DOMAIN: &str = "PENDING";
/// `NSURLErrorDomain`.
pub const NSURL_DOMAIN: &str = "NSURLErrorDomain";

/// Name of a common `NSURLErrorDomain` code.
pub fn nsurl_error_name(code: i64) -> Option<&'static str> {
    Some(match code {
        -999 => "the request was cancelled",
        -1000 => "the URL is malformed",
        -1001 => "the request timed out",
        -1003 => "the server's host name was not found (DNS)",
        -1004 => "the device could not connect to the server",
        -1005 => "the network connection was lost",
        -1009 => "the device is not connected to the Internet",
        -1011 => "the server sent a bad response",
        -1200 => "the secure (TLS) connection failed",
        -1201 => "the server's TLS certificate has a bad date",
        -1202 => "the server's TLS certificate is not trusted",
        -1203 => "the server's TLS certificate has an unknown root",
        -1204 => "the server's TLS certificate is not yet valid",
        -1206 => "the server requires a client certificate",
        _ => return None,
    })
}

fn nsurl_words(code: i64) -> String {
    match nsurl_error_name(code) {
        Some(n) => format!("NSURLErrorDomain {code}: {n}"),
        None => format!("NSURLErrorDomain {code}"),
    }
}

/// The meaning of one `MCSCEPErrorDomain` code, `None` outside 22000–22013.
fn mcscep(code: i64, url_cause: Option<i64>) -> Option<CodeVerdict> {
    use FindingId::*;
    let name = format!("{MC_SCEP_DOMAIN} {code}");
    let v = match code {
        22000 => verdict(
            ScepProfileInvalid,
            1,
            name,
            "The SCEP profile is invalid (its key usage setting is not accepted); the administrator must fix the profile.",
        ),
        22001 => verdict(
            ScepClientError,
            2,
            name,
            "The device could not generate the key pair for the certificate request.",
        ),
        22002 => verdict(
            ScepServerInvalidResponse,
            2,
            name,
            "The SCEP server's GetCACert answer did not contain a usable CA certificate.",
        ),
        22003 => verdict(
            ScepCaThumbprintMismatch,
            2,
            name,
            "The CA/RA certificates the SCEP server returned do not match the CA the profile trusts (Registration Authority check failed).",
        ),
        22004 => verdict(
            ScepServerInvalidResponse,
            2,
            name,
            "The SCEP server returned no usable CA or RA certificate (often an HTML error page instead of certificates).",
        ),
        22005 => {
            let cause = url_cause.map(nsurl_words);
            let text = match cause {
                Some(c) => format!("The device could not reach the SCEP server ({c})."),
                None => "The device could not reach the SCEP server (network error).".to_string(),
            };
            verdict(ScepServerUnreachable, 2, name, text)
        }
        22006 => verdict(
            ScepServerInvalidResponse,
            2,
            name,
            "The SCEP server does not advertise the capabilities (GetCACaps) the profile requires.",
        ),
        22007 => verdict(
            ScepServerInvalidResponse,
            4,
            name,
            "The SCEP server's reply to the certificate request contained no signed certificate.",
        ),
        22008 => verdict(
            ScepInstallFailed,
            5,
            name,
            "The issued certificate does not match the device's key, so the identity could not be created.",
        ),
        22009 => verdict(
            ScepClientError,
            2,
            name,
            "The device could not create its temporary identity for the SCEP request.",
        ),
        22010 => verdict(
            ScepClientError,
            2,
            name,
            "The device could not store its temporary identity for the SCEP request.",
        ),
        22011 => verdict(
            ScepClientError,
            2,
            name,
            "The device could not generate the certificate signing request (CSR).",
        ),
        22012 => verdict(
            ScepClientError,
            2,
            name,
            "The device could not store the CA certificate.",
        ),
        22013 => verdict(
            ScepServerInvalidResponse,
            4,
            name,
            "The SCEP server returned an invalid response to the certificate request (on iOS this also covers a CA rejection).",
        ),
        _ => return None,
    };
    Some(v)
}

/// Classifies an NSError chain (outermost first): the innermost `MCSCEPErrorDomain` or
/// `PENDING` error decides, else an `NSURLErrorDomain` cause, else the wrapper.
pub fn apple_error(chain: &[(String, i64)]) -> CodeVerdict {
    use FindingId::*;
    let url_cause = chain
        .iter()
        .rev()
        .find(|(d, _)| d == NSURL_DOMAIN)
        .map(|(_, c)| *c);
    for (domain, code) in chain.iter().rev() {
        if domain == PENDING_DOMAIN {
            return verdict(
                ScepRequestPending,
                4,
                format!("PENDING {code}"),
                "The CA is holding the certificate request for approval (pending); the device keeps polling.",
            );
        }
        if domain == MC_SCEP_DOMAIN {
            if let Some(v) = mcscep(*code, url_cause) {
                return v;
            }
            return verdict(
                ScepInstallFailed,
                5,
                format!("{MC_SCEP_DOMAIN} {code}"),
                format!("The SCEP payload failed with an undocumented SCEP error code {code}."),
            );
        }
    }
    if let Some(code) = url_cause {
        return verdict(
            ScepServerUnreachable,
            2,
            format!("{NSURL_DOMAIN} {code}"),
            format!(
                "The device could not reach the SCEP server ({}).",
                nsurl_words(code)
            ),
        );
    }
    // Wrappers only: the innermost known wrapper names the failure.
    for (domain, code) in chain.iter().rev() {
        let text = match (domain.as_str(), code) {
            ("MCInstallationErrorDomain", 4001) => "The profile installation failed on the device.",
            ("MCProfileErrorDomain", 1009) => "The profile could not be installed on the device.",
            ("MCCertificateErrorDomain", 9002) => "The device could not store the certificate.",
            _ => continue,
        };
        return verdict(ScepInstallFailed, 5, format!("{domain} {code}"), text);
    }
    match chain.last() {
        Some((d, c)) => verdict(
            ScepInstallFailed,
            5,
            format!("{d} {c}"),
            format!("The profile installation failed with error {d} {c}."),
        ),
        None => verdict(
            ScepInstallFailed,
            5,
            "unknown",
            "The profile installation failed without an error code.",
        ),
    }
}

/// Text fallback for an iOS error without a domain/code: "Registration Authority" maps like
/// 22003, "SCEP server returned an invalid response" like 22013.
pub fn apple_text(text: &str) -> Option<CodeVerdict> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("registration authority") {
        return mcscep(22003, None);
    }
    if lower.contains("scep server returned an invalid response") {
        return mcscep(22013, None);
    }
    None
}

// ---------------------------------------------------------------------------------------
// Windows
// ---------------------------------------------------------------------------------------

/// HRESULT facility numbers used in the tables.
pub const FACILITY_WIN32: u32 = 7;
pub const FACILITY_SECURITY: u32 = 9;
pub const FACILITY_CERT: u32 = 11;
pub const FACILITY_HTTP: u32 = 25;

/// What a device's install error means: its code when it has one (Apple domain/code chain,
/// failure HRESULT), else its English text (§3.3), else `SCEP_INSTALL_FAILED` quoting it.
pub fn install_error(code: Option<&crate::evidence::ErrorCode>, detail: &str) -> CodeVerdict {
    use crate::evidence::ErrorCode;
    match code {
        Some(ErrorCode::Apple { chain }) => apple_error(chain),
        Some(ErrorCode::Hresult(h)) if is_failure(*h) => hresult(*h),
        _ => apple_text(detail).unwrap_or_else(|| CodeVerdict {
            finding: FindingId::ScepInstallFailed,
            step: 5,
            name: String::new(),
            explanation: crate::limits::clip(detail, 300),
        }),
    }
}

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

/// One row of the HRESULT table: code, symbolic name, English `FormatMessage` text,
/// finding, step, helpdesk sentence.
struct Row {
    code: u32,
    name: &'static str,
    message: &'static str,
    finding: FindingId,
    step: u8,
    explanation: &'static str,
}

const fn row(
    code: u32,
    name: &'static str,
    message: &'static str,
    finding: FindingId,
    step: u8,
    explanation: &'static str,
) -> Row {
    Row {
        code,
        name,
        message,
        finding,
        step,
        explanation,
    }
}

use FindingId::{
    ScepCaThumbprintMismatch as THUMB, ScepClientError as CLIENT, ScepInstallFailed as INSTALL,
    ScepProfileInvalid as PROFILE, ScepRequestRejected as REJECTED,
    ScepServerInvalidResponse as INVALID, ScepServerUnreachable as UNREACHABLE,
};

const TABLE: &[Row] = &[
    row(
        0x8009_1006,
        "CRYPT_E_AUTH_ATTR_MISSING",
        "The cryptographic message does not contain an expected authenticated attribute.",
        INVALID,
        4,
        "The SCEP server's reply lacks a signed attribute the device expects, so it cannot be used.",
    ),
    row(
        0x8009_1007,
        "CRYPT_E_HASH_VALUE",
        "The hash value is not correct.",
        THUMB,
        2,
        "The CA certificate the SCEP server returned does not match the CA thumbprint in the profile (wrong trusted root chosen).",
    ),
    row(
        0x800B_0109,
        "CERT_E_UNTRUSTEDROOT",
        "A certificate chain processed, but terminated in a root certificate which is not trusted by the trust provider.",
        INVALID,
        2,
        "A certificate chain ends in a root the device does not trust (the SCEP server's CA chain, or its TLS certificate).",
    ),
    row(
        0x8009_4800,
        "CERTSRV_E_UNSUPPORTED_CERT_TYPE",
        "The requested certificate template is not supported by this CA.",
        REJECTED,
        4,
        "The CA does not issue the certificate template the request names (template not published on this CA).",
    ),
    row(
        0x8009_4801,
        "CERTSRV_E_NO_CERT_TYPE",
        "The request contains no certificate template information.",
        REJECTED,
        4,
        "The CA rejected the request because it names no certificate template.",
    ),
    row(
        0x8009_480D,
        "CERTSRV_E_SUBJECT_UPN_REQUIRED",
        "The UPN is unavailable and cannot be added to the Subject Alternate name.",
        REJECTED,
        4,
        "The CA rejected the request because the template requires a UPN the request does not provide.",
    ),
    row(
        0x8009_480F,
        "CERTSRV_E_SUBJECT_DNS_REQUIRED",
        "The DNS name is unavailable and cannot be added to the Subject Alternate name.",
        REJECTED,
        4,
        "The CA rejected the request because the template requires a DNS name the request does not provide.",
    ),
    row(
        0x8009_4811,
        "CERTSRV_E_KEY_LENGTH",
        "The public key does not meet the minimum size required by the specified certificate template.",
        REJECTED,
        4,
        "The CA rejected the request because the key is smaller than the template's minimum size.",
    ),
    row(
        0x8009_4812,
        "CERTSRV_E_SUBJECT_EMAIL_REQUIRED",
        "The email name is unavailable and cannot be added to the Subject or Subject Alternate name.",
        REJECTED,
        4,
        "The CA rejected the request because the template requires an e-mail address the request does not provide.",
    ),
    row(
        0x8009_4012,
        "CERTSRV_E_TEMPLATE_DENIED",
        "The permissions on the certificate template do not allow the current user to enroll for this type of certificate.",
        REJECTED,
        4,
        "The CA rejected the request because the template's permissions do not allow the NDES account to enrol.",
    ),
    row(
        0x8009_4014,
        "CERTSRV_E_ADMIN_DENIED_REQUEST",
        "The request was denied by a certificate manager or CA administrator.",
        REJECTED,
        4,
        "A CA administrator or certificate manager denied the request.",
    ),
    row(
        0x8009_4001,
        "CERTSRV_E_BAD_REQUESTSUBJECT",
        "The request subject name is invalid or too long.",
        REJECTED,
        4,
        "The CA rejected the request because its subject name is invalid or too long.",
    ),
    row(
        0x8009_2021,
        "CRYPT_E_INVALID_PRINTABLE_STRING",
        "The string contains a non-printable character.",
        PROFILE,
        1,
        "The challenge or subject in the profile contains characters a PrintableString forbids; fix the profile.",
    ),
    row(
        0x8009_0029,
        "NTE_NOT_SUPPORTED",
        "The requested operation is not supported.",
        CLIENT,
        2,
        "The device's key storage provider (often the TPM) does not support the requested key.",
    ),
    row(
        0x8007_06BA,
        "RPC_S_SERVER_UNAVAILABLE",
        "The RPC server is unavailable.",
        INSTALL,
        5,
        "A local Windows service needed for the certificate could not be reached over RPC (the RPC server is unavailable).",
    ),
    row(
        0x8007_06BE,
        "RPC_S_CALL_FAILED",
        "The remote procedure call failed.",
        INSTALL,
        5,
        "A local Windows RPC call needed for the certificate failed.",
    ),
    row(
        0x8007_2EE1,
        "ERROR_WINHTTP_OUT_OF_HANDLES",
        "No more handles could be generated at this time.",
        UNREACHABLE,
        2,
        "The device ran out of HTTP handles while contacting the SCEP server.",
    ),
    row(
        0x8007_2EE2,
        "ERROR_WINHTTP_TIMEOUT",
        "The operation timed out",
        UNREACHABLE,
        2,
        "The request to the SCEP server timed out.",
    ),
    row(
        0x8007_2EE4,
        "ERROR_WINHTTP_INTERNAL_ERROR",
        "An internal error occurred in the Microsoft Windows HTTP Services",
        UNREACHABLE,
        2,
        "Windows HTTP Services failed internally while contacting the SCEP server.",
    ),
    row(
        0x8007_2EE5,
        "ERROR_WINHTTP_INVALID_URL",
        "The URL is invalid",
        UNREACHABLE,
        2,
        "The SCEP server URL in the profile is invalid.",
    ),
    row(
        0x8007_2EE6,
        "ERROR_WINHTTP_UNRECOGNIZED_SCHEME",
        "The URL does not use a recognized protocol",
        UNREACHABLE,
        2,
        "The SCEP server URL does not use http or https.",
    ),
    row(
        0x8007_2EE7,
        "ERROR_WINHTTP_NAME_NOT_RESOLVED",
        "The server name or address could not be resolved",
        UNREACHABLE,
        2,
        "The SCEP server's host name could not be resolved (DNS).",
    ),
    row(
        0x8007_2EFD,
        "ERROR_WINHTTP_CANNOT_CONNECT",
        "A connection with the server could not be established",
        UNREACHABLE,
        2,
        "The device could not connect to the SCEP server.",
    ),
    row(
        0x8007_2EFE,
        "ERROR_WINHTTP_CONNECTION_ERROR",
        "The connection with the server was terminated abnormally",
        UNREACHABLE,
        2,
        "The connection to the SCEP server was aborted.",
    ),
    row(
        0x8007_2F05,
        "ERROR_WINHTTP_SECURE_CERT_DATE_INVALID",
        "The date in the certificate is invalid or has expired",
        UNREACHABLE,
        2,
        "The SCEP server's TLS certificate is expired or not yet valid.",
    ),
    row(
        0x8007_2F06,
        "ERROR_WINHTTP_SECURE_CERT_CN_INVALID",
        "The host name in the certificate is invalid or does not match",
        UNREACHABLE,
        2,
        "The SCEP server's TLS certificate does not match its host name.",
    ),
    row(
        0x8007_2F0D,
        "ERROR_WINHTTP_SECURE_INVALID_CA",
        "The certificate authority is invalid or incorrect",
        UNREACHABLE,
        2,
        "The SCEP server's TLS certificate is issued by a CA the device does not trust.",
    ),
    row(
        0x8007_2F78,
        "ERROR_WINHTTP_INVALID_SERVER_RESPONSE",
        "The server returned an invalid or unrecognized response",
        UNREACHABLE,
        2,
        "The SCEP server's HTTP answer was invalid or unrecognised.",
    ),
    row(
        0x8007_2F7D,
        "ERROR_WINHTTP_SECURE_CHANNEL_ERROR",
        "An error occurred in the secure channel support",
        UNREACHABLE,
        2,
        "The TLS channel to the SCEP server failed.",
    ),
    row(
        0x8007_2F8F,
        "ERROR_WINHTTP_SECURE_FAILURE",
        "A security error occurred",
        UNREACHABLE,
        2,
        "A TLS security error occurred while contacting the SCEP server.",
    ),
];

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

/// WinHTTP error names for 12001–12192 beyond the table rows.
fn winhttp_name(err: u32) -> Option<&'static str> {
    Some(match err {
        12037 | 12038 | 12044 | 12045 | 12057 | 12157 | 12169 | 12175 => "TLS error",
        12152 => "invalid server response",
        12178 | 12180 | 12166 | 12167 => "proxy detection error",
        _ => return None,
    })
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

    fn chain(items: &[(&str, i64)]) -> Vec<(String, i64)> {
        items.iter().map(|(d, c)| (d.to_string(), *c)).collect()
    }

    #[test]
    fn every_mcscep_code() {
        let expect = [
            (22000, ScepProfileInvalid),
            (22001, ScepClientError),
            (22002, ScepServerInvalidResponse),
            (22003, ScepCaThumbprintMismatch),
            (22004, ScepServerInvalidResponse),
            (22005, ScepServerUnreachable),
            (22006, ScepServerInvalidResponse),
            (22007, ScepServerInvalidResponse),
            (22008, ScepInstallFailed),
            (22009, ScepClientError),
            (22010, ScepClientError),
            (22011, ScepClientError),
            (22012, ScepClientError),
            (22013, ScepServerInvalidResponse),
        ];
        for (code, f) in expect {
            let v = apple_error(&chain(&[("MCSCEPErrorDomain", code)]));
            assert_eq!(v.finding, f, "{code}");
            assert_eq!(v.name, format!("MCSCEPErrorDomain {code}"));
            assert!(!v.explanation.is_empty());
        }
        assert_eq!(
            apple_error(&chain(&[("MCSCEPErrorDomain", 22099)])).finding,
            ScepInstallFailed
        );
    }

    #[test]
    fn inner_scep_error_decides_over_wrappers() {
        let v = apple_error(&chain(&[
            ("MCProfileErrorDomain", 1009),
            ("MCSCEPErrorDomain", 22013),
        ]));
        assert_eq!(v.finding, ScepServerInvalidResponse);
        assert_eq!(v.step, 4);
        let v = apple_error(&chain(&[
            ("MCInstallationErrorDomain", 4001),
            ("MCSCEPErrorDomain", 22003),
        ]));
        assert_eq!(v.finding, ScepCaThumbprintMismatch);
    }

    #[test]
    fn network_error_names_its_nsurl_cause() {
        for (c, word) in [
            (-1001, "timed out"),
            (-1003, "not found"),
            (-1004, "could not connect"),
            (-1200, "TLS"),
            (-1202, "not trusted"),
            (-1234, "-1234"),
        ] {
            let v = apple_error(&chain(&[
                ("MCSCEPErrorDomain", 22005),
                ("NSURLErrorDomain", c),
            ]));
            assert_eq!(v.finding, ScepServerUnreachable);
            assert!(v.explanation.contains(word), "{c}: {}", v.explanation);
        }
        let v = apple_error(&chain(&[("NSURLErrorDomain", -1003)]));
        assert_eq!(v.finding, ScepServerUnreachable);
        assert!(v.explanation.contains("DNS"));
    }

    #[test]
    fn wrappers_alone_and_pending() {
        for (d, c) in [
            ("MCInstallationErrorDomain", 4001),
            ("MCProfileErrorDomain", 1009),
            ("MCCertificateErrorDomain", 9002),
        ] {
            let v = apple_error(&chain(&[(d, c)]));
            assert_eq!(v.finding, ScepInstallFailed);
            assert_eq!(v.name, format!("{d} {c}"));
        }
        assert_eq!(
            apple_error(&chain(&[("FooDomain", 1)])).finding,
            ScepInstallFailed
        );
        assert_eq!(apple_error(&[]).finding, ScepInstallFailed);
        let v = apple_error(&chain(&[("MCSCEPErrorDomain", 22013), ("PENDING", 3)]));
        assert_eq!(v.finding, ScepRequestPending);
        assert_eq!(
            apple_error(&chain(&[("PENDING", 3)])).finding,
            ScepRequestPending
        );
    }

    #[test]
    fn apple_text_fallback() {
        assert_eq!(
            apple_text("Invalid Registration Authority response").map(|v| v.finding),
            Some(ScepCaThumbprintMismatch)
        );
        assert_eq!(
            apple_text("The SCEP server returned an invalid response.").map(|v| v.finding),
            Some(ScepServerInvalidResponse)
        );
        assert_eq!(apple_text("something else"), None);
    }

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
        assert_eq!(hresult(0x8007_2FA1).finding, ScepInstallFailed);
    }

    #[test]
    fn unknown_codes_are_explained() {
        let v = hresult(0x8009_0016);
        assert_eq!(v.finding, ScepInstallFailed);
        assert!(
            v.explanation.contains("facility 9 (SECURITY)"),
            "{}",
            v.explanation
        );
        assert!(v.explanation.contains("0x0016"));
        let v = hresult(0x8007_0005);
        assert!(
            v.explanation.contains("facility 7 (WIN32)")
                && v.explanation.contains("Windows error 5")
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
        fn any_input_is_total(code in proptest::num::u32::ANY, text in ".{0,40}", c in proptest::num::i64::ANY) {
            let v = hresult(code);
            proptest::prop_assert!((1..=6).contains(&v.step));
            proptest::prop_assert!(!v.explanation.is_empty());
            let _ = hresult_with_context(code, true);
            let _ = parse_hresult(&text);
            let _ = hresult_from_message(&text);
            let _ = apple_text(&text);
            let v = apple_error(&[(text.clone(), c), ("MCSCEPErrorDomain".to_string(), c)]);
            proptest::prop_assert!((1..=6).contains(&v.step));
        }

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
