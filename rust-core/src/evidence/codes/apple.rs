//! Apple: NSError domains and codes of `profiled` (MCSCEPErrorDomain 22000–22013, the
//! `PENDING` domain, NSURLErrorDomain causes, the MC… wrappers) and the English error texts
//! quoted without a code.

use super::{CodeVerdict, verdict};
use crate::contract::FindingId;

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
}
