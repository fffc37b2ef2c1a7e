//! The typed evidence every parser produces and every diagnosis rule reads.
//!
//! Parsers turn raw lines and certificate files into these values; they never decide
//! (no findings, no verdicts). Rules read only these types, never raw lines.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

pub mod certificate;
pub mod codes;
pub mod oids;
pub mod probe;
pub mod server;

pub use certificate::{CertRole, Certificate, Chain, ChainProblem, KeyAlgorithm, KeyInfo};
pub use coverage::{LogRead, TimeSpan};
pub use server::{ServerComponent, ServerEvent};

mod coverage;

/// The device platform a piece of evidence came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Android,
    Ios,
    Windows,
    /// Evidence from NDES, the connector or the CA, with no device platform known.
    Server,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Android => "android",
            Platform::Ios => "ios",
            Platform::Windows => "windows",
            Platform::Server => "server",
        }
    }

    /// A device platform (the report's `platforms` lists only these).
    pub fn is_device(self) -> bool {
        self != Platform::Server
    }
}

/// Where a record came from: the input's display path and, for logs, the physical line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceRef {
    pub path: Arc<str>,
    pub line: Option<u64>,
}

impl SourceRef {
    pub fn file(path: Arc<str>) -> Self {
        SourceRef { path, line: None }
    }
    pub fn line(path: Arc<str>, line: u64) -> Self {
        SourceRef {
            path,
            line: Some(line),
        }
    }
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}", self.path, l),
            None => f.write_str(&self.path),
        }
    }
}

/// A log time exactly as written, plus a key for ordering.
///
/// The text is never converted: Android has no offset, iOS Console copies have no date,
/// Windows XML is UTC. `order_key` is nanoseconds since 1970-01-01 of the written wall
/// clock (offset ignored) when a full date is present, or nanoseconds since midnight
/// when only a time of day is; `has_date` tells which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogTime {
    pub text: String,
    pub order_key: Option<i128>,
    pub has_date: bool,
}

impl LogTime {
    pub fn unordered(text: impl Into<String>) -> Self {
        LogTime {
            text: text.into(),
            order_key: None,
            has_date: false,
        }
    }
}

/// The SCEP operation of an HTTP request (RFC 8894 `operation=` values).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ScepOperation {
    GetCaCert,
    GetCaCaps,
    PkiOperation,
    Other(String),
}

impl ScepOperation {
    /// Parses an `operation=` value or a jscep request label (`GetCACert(ca)`).
    pub fn from_label(label: &str) -> Self {
        let l = label.trim();
        let name = l.split(['(', ' ', '&']).next().unwrap_or(l);
        if name.eq_ignore_ascii_case("GetCACert") {
            ScepOperation::GetCaCert
        } else if name.eq_ignore_ascii_case("GetCACaps") {
            ScepOperation::GetCaCaps
        } else if name.eq_ignore_ascii_case("PKIOperation")
            || name.contains("CMSSignedData")
            || name.contains("PkiMessage")
        {
            ScepOperation::PkiOperation
        } else {
            ScepOperation::Other(name.to_string())
        }
    }

    /// Finds `operation=` in a URL's query.
    pub fn from_url(url: &str) -> Option<Self> {
        let idx = find_ascii_ci(url, "operation=")?;
        let rest = &url[idx + "operation=".len()..];
        let end = rest.find(['&', ' ', '#', '\'', '"']).unwrap_or(rest.len());
        Some(Self::from_label(&rest[..end]))
    }

    pub fn label(&self) -> &str {
        match self {
            ScepOperation::GetCaCert => "GetCACert",
            ScepOperation::GetCaCaps => "GetCACaps",
            ScepOperation::PkiOperation => "PKIOperation",
            ScepOperation::Other(s) => s,
        }
    }

    /// The SCEP step of the operation: 2 for the CA queries, 4 for PKIOperation.
    pub fn step(&self) -> u8 {
        match self {
            ScepOperation::GetCaCert | ScepOperation::GetCaCaps => 2,
            ScepOperation::PkiOperation => 4,
            ScepOperation::Other(_) => 2,
        }
    }
}

/// `pkiStatus` of a CertRep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PkiStatus {
    Success,
    Failure,
    Pending,
    Other(String),
}

impl PkiStatus {
    pub fn parse(s: &str) -> Self {
        match s.trim() {
            x if x.eq_ignore_ascii_case("SUCCESS") || x == "0" => PkiStatus::Success,
            x if x.eq_ignore_ascii_case("FAILURE") || x == "2" => PkiStatus::Failure,
            x if x.eq_ignore_ascii_case("PENDING") || x == "3" => PkiStatus::Pending,
            x => PkiStatus::Other(x.to_string()),
        }
    }
    pub fn label(&self) -> &str {
        match self {
            PkiStatus::Success => "SUCCESS",
            PkiStatus::Failure => "FAILURE",
            PkiStatus::Pending => "PENDING",
            PkiStatus::Other(s) => s,
        }
    }
}

/// `failInfo` of a failed CertRep (RFC 8894 §3.2.1.4.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailInfo {
    BadAlg,
    BadMessageCheck,
    BadRequest,
    BadTime,
    BadCertId,
    Other(String),
}

impl FailInfo {
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        if t.is_empty() || t == "<null>" || t.eq_ignore_ascii_case("null") {
            return None;
        }
        Some(match t {
            x if x.eq_ignore_ascii_case("badAlg") || x == "0" => FailInfo::BadAlg,
            x if x.eq_ignore_ascii_case("badMessageCheck") || x == "1" => FailInfo::BadMessageCheck,
            x if x.eq_ignore_ascii_case("badRequest") || x == "2" => FailInfo::BadRequest,
            x if x.eq_ignore_ascii_case("badTime") || x == "3" => FailInfo::BadTime,
            x if x.eq_ignore_ascii_case("badCertId") || x == "4" => FailInfo::BadCertId,
            x => FailInfo::Other(x.to_string()),
        })
    }
    pub fn label(&self) -> &str {
        match self {
            FailInfo::BadAlg => "badAlg",
            FailInfo::BadMessageCheck => "badMessageCheck",
            FailInfo::BadRequest => "badRequest",
            FailInfo::BadTime => "badTime",
            FailInfo::BadCertId => "badCertId",
            FailInfo::Other(s) => s,
        }
    }
}

/// The Intune SCEP profile identity, `ModelName=AC_{account}/LogicalName_{id};Hash={n}`,
/// recognised in its Android (`%2F`), iOS (`/`, `.SCEP.` prefix) and Windows
/// (`ModelName_AC_…_LogicalName_…_Hash_…`) spellings.
///
/// Parts shortened with `…` or `...` are wildcards when comparing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProfileId {
    /// As written in the first record that named it.
    pub raw: String,
    pub account: String,
    pub logical: String,
    pub hash: String,
}

impl ProfileId {
    /// Parses any of the three spellings; `None` when the text holds no `ModelName`.
    pub fn parse(text: &str) -> Option<ProfileId> {
        let start = text.find("ModelName")?;
        let s = &text[start..];
        // The end: quotes, whitespace or a closing parenthesis end the identifier.
        let end = s
            .find(|c: char| {
                c.is_whitespace()
                    || matches!(c, '\'' | '"' | ')' | '“' | '”' | '‘' | '’' | ',' | '<')
            })
            .unwrap_or(s.len());
        let raw = s[..end].trim_end_matches(['.', ':']).to_string();
        let body = raw
            .replace("%2F", "/")
            .replace("%2f", "/")
            .replace("%3B", ";")
            .replace("%3b", ";");
        let body = body.strip_prefix("ModelName").unwrap_or(&body);
        let body = body.trim_start_matches(['=', '_']);
        let body = body.strip_prefix("AC_").unwrap_or(body);
        let (account, rest) = match body.find("LogicalName_") {
            Some(i) => (
                body[..i].trim_end_matches(['/', '_']),
                &body[i + "LogicalName_".len()..],
            ),
            None => (body, ""),
        };
        let (logical, hash) = match rest
            .rfind(";Hash=")
            .map(|i| (i, 6))
            .or_else(|| rest.rfind("_Hash_").map(|i| (i, 6)))
        {
            Some((i, n)) => (&rest[..i], &rest[i + n..]),
            None => (rest, ""),
        };
        Some(ProfileId {
            raw: raw.clone(),
            account: account.to_string(),
            logical: logical.to_string(),
            hash: hash.to_string(),
        })
    }

    /// Canonical spelling used to group evidence: `ModelName=AC_{a}/LogicalName_{l};Hash={h}`.
    pub fn canonical(&self) -> String {
        format!(
            "ModelName=AC_{}/LogicalName_{};Hash={}",
            self.account, self.logical, self.hash
        )
    }

    /// True when both name the same profile, treating elided parts as wildcards.
    pub fn matches(&self, other: &ProfileId) -> bool {
        part_matches(&self.account, &other.account)
            && part_matches(&self.logical, &other.logical)
            && part_matches(&self.hash, &other.hash)
    }
}

fn strip_elision(s: &str) -> Option<&str> {
    s.strip_suffix('…').or_else(|| s.strip_suffix("..."))
}

fn part_matches(a: &str, b: &str) -> bool {
    // Windows writes the GUIDs with `_` where the others use `-`; compare loosely.
    let norm = |s: &str| s.replace('-', "_").to_ascii_lowercase();
    match (strip_elision(a), strip_elision(b)) {
        (Some(pa), Some(pb)) => {
            let (pa, pb) = (norm(pa), norm(pb));
            pa.starts_with(&pb) || pb.starts_with(&pa)
        }
        (Some(pa), None) => norm(b).starts_with(&norm(pa)),
        (None, Some(pb)) => norm(a).starts_with(&norm(pb)),
        (None, None) => norm(a) == norm(b),
    }
}

/// How the Android device is managed, when the log shows it: it decides who must act
/// when an install waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ManagementMode {
    DeviceAdministrator,
    AndroidEnterprise,
    Knox,
}

/// Identifying facts as (the source's name for the value, the value), in source order.
pub type IdentityFacts = Vec<(&'static str, String)>;

/// Identifying facts as text, `Name=value, …`, each value clipped to `max_value` chars.
pub fn identity_text(facts: &[(&'static str, String)], max_value: usize) -> String {
    (facts.iter())
        .map(|(k, v)| format!("{k}={}", crate::limits::clip(v, max_value)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A platform error code with its domain, as logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCode {
    /// Apple NSError: domain and code, outermost first (`Underlying error:` nesting).
    Apple { chain: Vec<(String, i64)> },
    /// A Windows HRESULT, masked to 32 bits.
    Hresult(u32),
}

/// One typed event from a device log. `kind` is what happened; `text` is the record's
/// message as written (bounded, see `limits`), for evidence.
#[derive(Debug, Clone)]
pub struct LogEvent {
    pub platform: Platform,
    pub source: SourceRef,
    pub time: Option<LogTime>,
    /// Process ID where the log has one (Android attaches jscep lines by PID).
    pub pid: Option<u32>,
    pub kind: EventKind,
    pub text: String,
}

/// What a log record says, in the language of the SCEP flow.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// Step 1: the SCEP (or trusted-root) profile reached the device.
    ProfileReceived {
        profile: Option<ProfileId>,
        root: bool,
    },
    /// Android `There are {n} requests`.
    PendingRequests { count: u32 },
    /// Step 2: an attempt to enrol this profile starts.
    EnrollmentAttempt { profile: ProfileId },
    /// An HTTP request to the SCEP server goes out.
    ScepRequest {
        operation: ScepOperation,
        url: Option<String>,
    },
    /// The SCEP server's HTTP answer.
    ScepHttpResponse {
        operation: ScepOperation,
        status: u16,
        reason: String,
        url: Option<String>,
    },
    /// No HTTP answer: DNS, connection, TLS or timeout error.
    ScepTransportError {
        operation: Option<ScepOperation>,
        detail: String,
    },
    /// The server answered but the reply could not be used.
    ScepInvalidResponse { detail: String },
    /// GetCACaps failed or the capabilities are insufficient.
    ScepCapabilitiesMissing { detail: String },
    /// The CSR / PKCSReq (or GetCertInitial poll) was built.
    ScepRequestBuilt {
        transaction_id: Option<String>,
        poll: bool,
    },
    /// A decoded CertRep (or its platform equivalent).
    CertRep {
        status: PkiStatus,
        fail_info: Option<FailInfo>,
        transaction_id: Option<String>,
    },
    /// Android SCEP install state machine transition.
    ScepInstallState {
        profile: ProfileId,
        from: String,
        to: String,
    },
    /// Android trusted-root install state machine transition.
    RootInstallState {
        root: String,
        from: String,
        to: String,
    },
    /// The SCEP certificate is installed (iOS profile installed, Windows event 39, …).
    CertificateInstalled {
        profile: Option<ProfileId>,
        thumbprint: Option<String>,
    },
    /// The SCEP payload of an installed profile names its CA by thumbprint (iOS
    /// `CAFingerprint`, uppercase hex): what a probe's CA must match when no thumbprint is
    /// given (issue 23).
    ScepProfileCa { thumbprint: String },
    /// Installation failed with a platform error code.
    InstallError {
        profile: Option<ProfileId>,
        code: Option<ErrorCode>,
        detail: String,
    },
    /// A whole profile installation was rolled back (iOS).
    ProfileRolledBack { profile: Option<ProfileId> },
    /// The result was reported back to the MDM service (step 6).
    ResultReported,
    /// A Wi-Fi/VPN/e-mail profile waits for its certificate.
    DependentProfileWaiting { profile: String },
    /// A Wi-Fi/VPN/e-mail profile was applied or installed.
    DependentProfileApplied { profile: String },
    /// Certificate selection for a dependent profile: how many matched / were excluded.
    CertificateSelection { matched: u32, excluded: u32 },
    /// A certificate was excluded from selection, with the reason as logged.
    CertificateExcluded { detail: String },
    /// The log shows how the device is managed.
    Management(ManagementMode),
    /// Who the device is and how it is enrolled in device management: the identifiers
    /// that correlate the evidence with the MDM service's records (MDM server, enrolment
    /// and device IDs, user, serial number), each under the name its source gives it
    /// (`MDMServerName`, `ServerURL`, …). Neutral: no rule reads it.
    DeviceIdentity { facts: IdentityFacts },
    /// A client-side failure reported by the MDM client without a finer classification.
    EnrollmentFailed {
        profile: Option<ProfileId>,
        detail: String,
    },
    /// Evidence from a server (NDES, connector, CA); `LogEvent::platform` is `Server`.
    Server(ServerEvent),
    /// The input was read as a log of this kind: which log it is (its platform is the
    /// event's) and the times of its first and last records. Every log parser ends its
    /// output with one, so that an input without SCEP activity is still known as the
    /// right log, and over which time.
    LogRead(LogRead),
}

/// Case-insensitive ASCII substring search; returns the byte offset.
pub fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_ids_of_all_platforms_match() {
        let android = ProfileId::parse(
            "SCEP cert 'ModelName=AC_0b6d4f2e-8a1c-4e3b-9d7f-2c5a8e1b4d60%2FLogicalName_f1e2d3c4_b5a6_4978_8a9b_0c1d2e3f4a5b;Hash=58812094' state",
        )
        .unwrap();
        assert_eq!(android.account, "0b6d4f2e-8a1c-4e3b-9d7f-2c5a8e1b4d60");
        assert_eq!(android.logical, "f1e2d3c4_b5a6_4978_8a9b_0c1d2e3f4a5b");
        assert_eq!(android.hash, "58812094");
        let ios = ProfileId::parse(
            "Profile “www.windowsintune.com.SCEP.ModelName=AC_0b6d4f2e-8a1c-4e3b-9d7f-2c5a8e1b4d60/LogicalName_f1e2d3c4_b5a6_4978_8a9b_0c1d2e3f4a5b;Hash=58812094” installed.",
        )
        .unwrap();
        assert!(android.matches(&ios));
        let win = ProfileId::parse(
            "UniqueId : (ModelName_AC_0b6d4f2e-8a1c-4e3b-9d7f-2c5a8e1b4d60_LogicalName_f1e2d3c4_b5a6_4978_8a9b_0c1d2e3f4a5b_Hash_58812094)",
        )
        .unwrap();
        assert_eq!(win.hash, "58812094");
        assert!(win.matches(&android));
        let other = ProfileId::parse("ModelName=AC_x%2FLogicalName_y;Hash=1").unwrap();
        assert!(!other.matches(&android));
    }

    #[test]
    fn elided_parts_are_wildcards() {
        let a = ProfileId::parse("ModelName=AC_51…%2FLogicalName_39907…;Hash=1677525787").unwrap();
        let b =
            ProfileId::parse("ModelName=AC_51bad41f/LogicalName_39907abc;Hash=1677525787").unwrap();
        assert!(a.matches(&b));
        let c =
            ProfileId::parse("ModelName=AC_52bad41f/LogicalName_39907abc;Hash=1677525787").unwrap();
        assert!(!a.matches(&c));
    }

    #[test]
    fn operations_from_urls_and_labels() {
        assert_eq!(
            ScepOperation::from_url(
                "https://h/certsrv/mscep/mscep.dll?operation=GetCACaps&message=ca"
            ),
            Some(ScepOperation::GetCaCaps)
        );
        assert_eq!(
            ScepOperation::from_label("GetCACert(ca)"),
            ScepOperation::GetCaCert
        );
        assert_eq!(
            ScepOperation::from_label("org.spongycastle.cms.CMSSignedData@58c3a1f0"),
            ScepOperation::PkiOperation
        );
        assert_eq!(ScepOperation::from_url("https://h/x"), None);
    }
}
