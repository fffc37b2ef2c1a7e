//! Error codes as evidence: what an Apple NSError domain/code chain or a Windows HRESULT
//! (Win32, WinHTTP, CERTSRV_E_, CRYPT_E_, CERT_E_, HTTP) means for the SCEP flow — a
//! symbolic name, the English system text, the step it points at, the catalog ID that
//! names it and one plain sentence for a helpdesk (log-formats.md §3.3, §4.3,
//! server-log-formats.md §8). Parsers read these tables to recognise codes and texts;
//! rules read them to name causes. Pure tables and functions: nothing here parses a
//! log line or decides a verdict.

mod apple;
mod hresult;
mod hresult_table;
mod server;

pub use apple::{
    MC_SCEP_DOMAIN, NSURL_DOMAIN, PENDING_DOMAIN, apple_error, apple_text, nsurl_error_name,
};
pub use hresult::{
    FACILITY_CERT, FACILITY_HTTP, FACILITY_SECURITY, FACILITY_WIN32, code_part, facility, hresult,
    hresult_from_message, hresult_message, hresult_name, hresult_with_context, is_failure,
    parse_hresult, winhttp_label,
};
pub use server::{code_from_text, code_label, code_name, find_hresult, is_submit_failure};

use crate::contract::FindingId;

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

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
