//! Codes that server logs carry (server-log-formats.md §8): the symbolic names of the
//! CA, RPC and policy codes NDES, the connector and the CA write, the English CA/RPC
//! texts that stand for them, and how to find a code written anywhere in free text.

/// Finds a Windows error code in free text: `0x8009…` (8 hex digits, or shorter with a
/// leading `0x8`), `(-2146877422 …)` decimals, or a bare `800706BA`. Masked to 32 bits.
pub fn find_hresult(text: &str) -> Option<u32> {
    let b = text.as_bytes();
    let mut i = 0;
    while i + 2 < b.len() {
        if b[i] == b'0'
            && (b[i + 1] == b'x' || b[i + 1] == b'X')
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
        {
            let start = i + 2;
            let mut j = start;
            while j < b.len() && b[j].is_ascii_hexdigit() && j - start < 16 {
                j += 1;
            }
            if j - start >= 3
                && let Ok(v) = u64::from_str_radix(&text[start..j], 16)
            {
                let v = v as u32;
                if v >= 0x8000_0000 || (j - start == 8) {
                    return Some(v);
                }
            }
            i = j.max(i + 1);
            continue;
        }
        if b[i] == b'-' && (i == 0 || !b[i - 1].is_ascii_digit()) && b[i + 1] == b'2' {
            let start = i;
            let mut j = i + 1;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j - start >= 10
                && let Ok(v) = text[start..j].parse::<i64>()
                && (i32::MIN as i64..0).contains(&v)
            {
                return Some(v as i32 as u32);
            }
            i = j;
            continue;
        }
        i += 1;
    }
    None
}

/// Symbolic names of the codes server logs carry (server-log-formats.md §8).
pub fn code_name(code: u32) -> Option<&'static str> {
    Some(match code {
        0x8009_4001 => "CERTSRV_E_BAD_REQUESTSUBJECT",
        0x8009_4012 => "CERTSRV_E_TEMPLATE_DENIED",
        0x8009_4014 => "CERTSRV_E_ADMIN_DENIED_REQUEST",
        0x8009_4015 => "CERTSRV_E_NO_POLICY_SERVER",
        0x8009_4800 => "CERTSRV_E_UNSUPPORTED_CERT_TYPE",
        0x8009_4801 => "CERTSRV_E_NO_CERT_TYPE",
        0x8009_480D => "CERTSRV_E_SUBJECT_UPN_REQUIRED",
        0x8009_480F => "CERTSRV_E_SUBJECT_DNS_REQUIRED",
        0x8009_4811 => "CERTSRV_E_KEY_LENGTH",
        0x8009_4812 => "CERTSRV_E_SUBJECT_EMAIL_REQUIRED",
        0x800B_0114 => "CERT_E_INVALID_NAME",
        0x8009_2013 => "CRYPT_E_REVOCATION_OFFLINE",
        0x8007_06BA => "RPC_S_SERVER_UNAVAILABLE",
        0x8007_06BE => "RPC_S_CALL_FAILED",
        0x8007_0057 => "E_INVALIDARG",
        0x8000_4005 => "E_FAIL",
        0x800B_0109 => "CERT_E_UNTRUSTEDROOT",
        0x8007_0542 => "ERROR_BAD_IMPERSONATION_LEVEL",
        0x8007_0005 => "E_ACCESSDENIED",
        0x8009_1002 => "CRYPT_E_UNKNOWN_ALGO",
        0x8009_0016 => "NTE_BAD_KEYSET",
        0x8009_2012 => "CRYPT_E_NO_REVOCATION_CHECK",
        0x800B_0101 => "CERT_E_EXPIRED",
        0x800B_010A => "CERT_E_CHAINING",
        0x800B_010C => "CERT_E_REVOKED",
        0x800B_010F => "CERT_E_CN_NO_MATCH",
        0x800B_0110 => "CERT_E_WRONG_USAGE",
        0x8007_0643 => "ERROR_INSTALL_FAILURE",
        _ => return None,
    })
}

/// `0x80094012 (CERTSRV_E_TEMPLATE_DENIED)` or `0x…` alone.
pub fn code_label(code: u32) -> String {
    match code_name(code) {
        Some(n) => format!("0x{code:08X} ({n})"),
        None => format!("0x{code:08X}"),
    }
}

/// Codes that mean the request never reached a CA decision.
pub fn is_submit_failure(code: u32) -> bool {
    matches!(code, 0x8007_06BA | 0x8007_06BE | 0x8009_4015 | 0x8007_0057)
}

/// Reverse table of English CA/RPC messages (NDES 31 swaps text and code, and
/// `0x80004005` only wraps): text → code.
pub fn code_from_text(text: &str) -> Option<u32> {
    let l = text.to_ascii_lowercase();
    let table: &[(&str, u32)] = &[
        ("rpc server is unavailable", 0x8007_06BA),
        ("remote procedure call failed", 0x8007_06BE),
        ("do not allow the current user to enroll", 0x8009_4012),
        ("denied by an administrator", 0x8009_4014),
        ("enrollment policy server cannot be located", 0x8009_4015),
        (
            "requested certificate template is not supported by this ca",
            0x8009_4800,
        ),
        ("template is not supported", 0x8009_4800),
        (
            "does not contain a certificate template extension",
            0x8009_4801,
        ),
        ("public key does not meet the minimum size", 0x8009_4811),
        ("e-mail name is unavailable", 0x8009_4812),
        ("upn is unavailable", 0x8009_480D),
        ("dns name is unavailable", 0x8009_480F),
        ("name constraint", 0x800B_0114),
        ("revocation server was offline", 0x8009_2013),
        ("the parameter is incorrect", 0x8007_0057),
        ("subject name is invalid or too long", 0x8009_4001),
    ];
    table.iter().find(|(t, _)| l.contains(t)).map(|&(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_by_pattern() {
        assert_eq!(
            find_hresult("denied 0x80094012 (-2146877422 CERTSRV_E_TEMPLATE_DENIED)"),
            Some(0x8009_4012)
        );
        assert_eq!(
            find_hresult("(-2146877422 CERTSRV_E_TEMPLATE_DENIED)"),
            Some(0x8009_4012)
        );
        assert_eq!(find_hresult("request (0x800706be). The"), Some(0x8007_06BE));
        assert_eq!(find_hresult("0x14 (20) -- Issued"), None);
        assert_eq!(
            code_from_text("The RPC server is unavailable."),
            Some(0x8007_06BA)
        );
    }
}
