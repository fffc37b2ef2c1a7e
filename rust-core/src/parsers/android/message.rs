//! The messages of log-formats.md §2.2 (jscep) and §2.3 (Company Portal): the patterns
//! that gate classification (one multi-pattern scan), the fast path's keywords, and the
//! readers of each message shape → typed events.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use super::{MAX_ID_BYTES, MAX_URL_CHARS, head};
use crate::evidence::{EventKind, FailInfo, PkiStatus, ProfileId, ScepOperation, find_ascii_ci};
use crate::limits;

/// Patterns of the prefilter; the enum value is the pattern index.
#[derive(Clone, Copy, PartialEq)]
#[repr(u8)]
pub(super) enum P {
    ThereAre,
    TryingToEnroll,
    Sending,
    Received,
    CertRep,
    Encoding,
    Invalid,
    Capabilities,
    OperationFailed,
    Transport,
    StateChanged,
    PendingCerts,
    Applied,
    Criteria,
    Excluding,
    CertStore,
    ModelName,
    Fail,
    Afw,
    Knox,
    DeviceAdmin,
}

pub(super) const PATTERNS: &[(&str, P)] = &[
    ("There are ", P::ThereAre),
    ("Trying to enroll certificate request", P::TryingToEnroll),
    ("Sending ", P::Sending),
    ("Received ", P::Received),
    ("CertRep@", P::CertRep),
    ("Encoding message", P::Encoding),
    ("pkiMessage verification failed", P::Invalid),
    ("signedData contained no certificates", P::Invalid),
    ("Content-Type mismatch", P::Invalid),
    ("Expected [application/x-", P::Invalid),
    ("RA not issued by CA", P::Invalid),
    ("Transaction ID Mismatch", P::Invalid),
    ("Nonce mismatch", P::Invalid),
    ("problem when determining capabilities", P::Capabilities),
    ("Operation failed due to", P::OperationFailed),
    ("UnknownHostException", P::Transport),
    ("SSLHandshakeException", P::Transport),
    ("SSLException", P::Transport),
    ("ConnectException", P::Transport),
    ("SocketTimeoutException", P::Transport),
    ("NoRouteToHostException", P::Transport),
    ("CertPathValidatorException", P::Transport),
    ("Error connecting to server", P::Transport),
    ("state changed from", P::StateChanged),
    ("pending certificate", P::PendingCerts),
    ("Applied profile", P::Applied),
    ("applied, enabled and saved", P::Applied),
    ("cert(s) matched criteria", P::Criteria),
    ("cert(s) excluded by criteria", P::Criteria),
    ("Excluding cert", P::Excluding),
    ("CertificateStore", P::CertStore),
    ("ModelName", P::ModelName),
    ("fail", P::Fail),
    // Management hints (log-formats.md §7; real markers: Company Portal packages
    // `com.microsoft.omadm.platforms.afw.*`, messages naming the work profile).
    (".afw.", P::Afw),
    (" afw ", P::Afw),
    ("android enterprise", P::Afw),
    ("android for work", P::Afw),
    ("androidforwork", P::Afw),
    ("work profile", P::Afw),
    ("workprofile", P::Afw),
    ("device owner", P::Afw),
    ("deviceowner", P::Afw),
    ("profile owner", P::Afw),
    ("profileowner", P::Afw),
    ("knox", P::Knox),
    ("device administrator", P::DeviceAdmin),
    ("deviceadministrator", P::DeviceAdmin),
    ("device admin mode", P::DeviceAdmin),
    ("legacy device admin", P::DeviceAdmin),
];

/// The fast path's keywords (ASCII case-insensitive). Each is a rare substring of the
/// classifier patterns it covers — Teddy, the SIMD search, slows down with every keyword
/// and with common leading letters, so these are few and start with rare trigrams. A test
/// checks that every pattern contains one, except jscep's own messages ([`JSCEP_KINDS`]),
/// which jscep logs under its `org.jscep.` class and which `jscep` therefore covers (and
/// the lines before a file's first header, message-only excerpts, are always parsed).
/// `CertUtils` records are never skipped (they pair up with the next record); `fail` only
/// counts next to `ModelName`, so it needs none of its own.
pub(super) const SKIM_KEYWORDS: &[&str] = &[
    "jscep",
    "here are ",
    "enroll cert",
    "xception",
    "necting to",
    "changed from",
    "pending cert",
    "pplied",
    "t(s) ",
    "xcluding",
    "certificatestore",
    "elname",
    "afw",
    "rprise",
    "r work",
    "rwork",
    "k profile",
    "kprofile",
    " owner",
    "eowner",
    "nox",
    "dmin",
    "tutils",
];

/// Pattern kinds that only jscep writes, under its own `org.jscep.` class.
#[cfg(test)]
pub(super) const JSCEP_KINDS: &[P] = &[
    P::Sending,
    P::Received,
    P::CertRep,
    P::Encoding,
    P::Invalid,
    P::Capabilities,
    P::OperationFailed,
];

pub(super) fn matcher() -> &'static AhoCorasick {
    static M: OnceLock<AhoCorasick> = OnceLock::new();
    M.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(PATTERNS.iter().map(|(p, _)| *p))
            .unwrap_or_else(|_| AhoCorasick::new(["\u{0}never\u{0}"]).expect("static pattern"))
    })
}

pub(super) fn after<'a>(s: &'a str, needle: &str) -> Option<&'a str> {
    s.find(needle).map(|i| &s[i + needle.len()..])
}

pub(super) fn line_containing(text: &str, needle: &str) -> String {
    let l = text
        .lines()
        .find(|l| find_ascii_ci(l, needle).is_some())
        .unwrap_or(text);
    limits::clip(l.trim(), limits::MAX_EVIDENCE_TEXT)
}

pub(super) fn there_are(msg: &str) -> Option<u32> {
    let rest = after(msg, "There are ")?;
    let (n, tail) = rest.split_once(' ')?;
    if tail.trim_end_matches('.').trim() == "requests" || tail.trim() == "request" {
        n.parse().ok()
    } else {
        None
    }
}

/// `Sending {req} to {url}` (GET) or EnrollmentTransaction `Sending {cms}` (POST).
pub(super) fn sending(msg: &str, class: &str) -> Option<EventKind> {
    let i = msg.find("Sending ")?;
    let rest = msg[i + "Sending ".len()..].trim();
    let jscep =
        class.contains("jscep") || class.contains("Transport") || class.contains("Transaction");
    if let Some((req, url)) = rest.split_once(" to ") {
        let url = url.split_whitespace().next().unwrap_or("");
        let op = ScepOperation::from_url(url).unwrap_or_else(|| ScepOperation::from_label(req));
        if !jscep && matches!(op, ScepOperation::Other(_)) {
            return None;
        }
        return Some(EventKind::ScepRequest {
            operation: op,
            url: Some(limits::clip(url, MAX_URL_CHARS)).filter(|u| !u.is_empty()),
        });
    }
    let label = rest.split_whitespace().next().unwrap_or("");
    if label.contains("CMSSignedData")
        || (class.ends_with("EnrollmentTransaction") && label.contains('@'))
    {
        return Some(EventKind::ScepRequest {
            operation: ScepOperation::PkiOperation,
            url: None,
        });
    }
    None
}

pub(super) const QUOTES: [char; 5] = ['\'', '‘', '’', '"', '`'];

/// `Received '{code} {reason}' when sending {req} to {url}`.
pub(super) fn received(msg: &str) -> Option<EventKind> {
    let i = msg.find("Received ")?;
    let rest = &msg[i + "Received ".len()..];
    let rest = rest.strip_prefix(QUOTES)?;
    let end = rest.find(QUOTES)?;
    let status_text = &rest[..end];
    let (code, reason) = match status_text.split_once(' ') {
        Some((c, r)) => (c, r.trim()),
        None => (status_text, ""),
    };
    if code.len() != 3 {
        return None;
    }
    let status: u16 = code.parse().ok()?;
    let tail = &rest[end..];
    let tail = tail.get(tail.chars().next()?.len_utf8()..)?;
    let sending = after(tail, "when sending ")?;
    let (req, url) = match sending.split_once(" to ") {
        Some((r, u)) => (r, u.split_whitespace().next()),
        None => (sending, None),
    };
    let operation = url
        .and_then(ScepOperation::from_url)
        .unwrap_or_else(|| ScepOperation::from_label(req));
    Some(EventKind::ScepHttpResponse {
        operation,
        status,
        reason: limits::clip(reason, MAX_ID_BYTES),
        url: url.map(|u| limits::clip(u, MAX_URL_CHARS)),
    })
}

/// Key/value pairs of a commons-lang reflection `toString`: `Name@hash[k=v,k2=v2]`.
pub(super) fn reflection_fields(s: &str) -> Vec<(&str, &str)> {
    let Some(open) = s.find('[') else {
        return Vec::new();
    };
    let body = &s[open + 1..];
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = body.as_bytes();
    let mut end = body.len();
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'[' => depth += 1,
            b']' if depth == 0 => {
                end = i;
                break;
            }
            b']' => depth -= 1,
            b',' if depth == 0 => {
                out.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start <= end {
        out.push(&body[start..end]);
    }
    out.into_iter()
        .filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.trim(), v.trim())))
        .collect()
}

pub(super) fn non_null(v: &str) -> Option<String> {
    let v = v.trim();
    if v.is_empty() || v == "<null>" || v.eq_ignore_ascii_case("null") {
        None
    } else {
        Some(limits::clip(v, MAX_ID_BYTES))
    }
}

pub(super) fn cert_rep(msg: &str) -> Option<EventKind> {
    let i = msg.find("CertRep@")?;
    let fields = reflection_fields(&msg[i..]);
    let get = |k: &str| fields.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
    let status = PkiStatus::parse(get("pkiStatus")?);
    Some(EventKind::CertRep {
        status,
        fail_info: get("failInfo").and_then(FailInfo::parse),
        transaction_id: get("transId").and_then(non_null),
    })
}

pub(super) fn encoding(msg: &str) -> Option<EventKind> {
    let rest = after(msg, "Encoding message")?;
    let poll = if rest.contains("GetCertInitial@") {
        true
    } else if rest.contains("PkcsReq@") {
        false
    } else {
        return None;
    };
    let fields = reflection_fields(rest);
    let transaction_id = fields
        .iter()
        .find(|(k, _)| *k == "transId")
        .and_then(|(_, v)| non_null(v));
    Some(EventKind::ScepRequestBuilt {
        transaction_id,
        poll,
    })
}

pub(super) fn invalid_response(text: &str) -> Option<String> {
    const PHRASES: [&str; 8] = [
        "pkiMessage verification failed",
        "Unable to verify message",
        "signedData contained no certificates",
        "Content-Type mismatch",
        "Expected [application/x-",
        "RA not issued by CA",
        "Transaction ID Mismatch",
        "Nonce mismatch",
    ];
    for p in PHRASES {
        for l in text.lines() {
            if let Some(i) = l.find(p) {
                // From the start of the sentence (after an exception class prefix, if any).
                let start = l[..i]
                    .rfind(": ")
                    .map(|j| j + 2)
                    .filter(|&j| j <= i)
                    .unwrap_or(i);
                return Some(limits::clip(l[start..].trim(), limits::MAX_EVIDENCE_TEXT));
            }
        }
    }
    None
}

pub(super) fn transport_error(text: &str) -> Option<EventKind> {
    const NEEDLES: [&str; 8] = [
        "UnknownHostException",
        "SSLHandshakeException",
        "SSLException",
        "NoRouteToHostException",
        "ConnectException",
        "SocketTimeoutException",
        "CertPathValidatorException",
        "Error connecting to server",
    ];
    let mut detail = None;
    'outer: for l in text.lines() {
        for n in NEEDLES {
            if let Some(i) = l.find(n) {
                // Start at the exception's qualified name when there is one.
                let start = l[..i].rfind([' ', ':', '(']).map(|j| j + 1).unwrap_or(0);
                detail = Some(limits::clip(l[start..].trim(), limits::MAX_EVIDENCE_TEXT));
                break 'outer;
            }
        }
    }
    let detail = detail?;
    Some(EventKind::ScepTransportError {
        operation: operation_in(text),
        detail,
    })
}

/// The SCEP operation a free text names, if any.
pub(super) fn operation_in(text: &str) -> Option<ScepOperation> {
    if let Some(op) = ScepOperation::from_url(text) {
        return Some(op);
    }
    for (needle, op) in [
        ("GetCACert", ScepOperation::GetCaCert),
        ("GetCACaps", ScepOperation::GetCaCaps),
        ("PKIOperation", ScepOperation::PkiOperation),
        ("CMSSignedData", ScepOperation::PkiOperation),
    ] {
        if text.contains(needle) {
            return Some(op);
        }
    }
    None
}

/// Strips quotes (straight, curly, RTF-escaped) around an identifier.
pub(super) fn unquote(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let before = s;
        for q in [
            "\\'91", "\\'92", "\\'93", "\\'94", "'", "‘", "’", "\"", "“", "”",
        ] {
            s = s.strip_prefix(q).unwrap_or(s);
            s = s.strip_suffix(q).unwrap_or(s);
        }
        if s == before {
            return s.trim();
        }
    }
}

/// `SCEP cert '{id}' state changed from S1 to S2` / `Root cert '{id}' …`.
pub(super) fn state_change(msg: &str) -> Option<EventKind> {
    let i = msg.find(" state changed from ")?;
    let subject = &msg[..i];
    let tail = &msg[i + " state changed from ".len()..];
    let (from, to) = tail.split_once(" to ")?;
    let from = limits::clip(from.trim(), MAX_ID_BYTES);
    let to = to.split_whitespace().next()?.trim_end_matches(['.', ',']);
    let to = limits::clip(to, MAX_ID_BYTES);
    if let Some(j) = subject.find("SCEP cert") {
        let id = unquote(&subject[j + "SCEP cert".len()..]);
        let profile = ProfileId::parse(head(id, MAX_ID_BYTES))?;
        return Some(EventKind::ScepInstallState { profile, from, to });
    }
    if let Some(j) = subject.find("Root cert") {
        let root = limits::clip(unquote(&subject[j + "Root cert".len()..]), MAX_ID_BYTES);
        return Some(EventKind::RootInstallState { root, from, to });
    }
    None
}

pub(super) fn skipping_profile(msg: &str) -> Option<String> {
    let i = msg.find("Skipping ")?;
    let rest = &msg[i..];
    let p = rest.find("profile ")?;
    let after_p = &rest[p + "profile ".len()..];
    let end = after_p.find(" because").unwrap_or(after_p.len());
    let id = unquote(&after_p[..end]);
    (!id.is_empty()).then(|| limits::clip(id, MAX_ID_BYTES))
}

pub(super) fn applied_profile(msg: &str) -> Option<String> {
    if let Some(rest) = after(msg, "Applied profile ") {
        let id = unquote(rest.trim_end_matches('.'));
        return (!id.is_empty()).then(|| limits::clip(id, MAX_ID_BYTES));
    }
    if let Some(rest) = after(msg, "applied, enabled and saved ") {
        // `… saved wifi profile '<id>'`
        let rest = rest.split_once("profile ").map(|(_, r)| r).unwrap_or(rest);
        let id = unquote(rest.trim_end_matches('.'));
        return (!id.is_empty()).then(|| limits::clip(id, MAX_ID_BYTES));
    }
    None
}

/// `{n} cert(s) matched criteria` → `(n, true)`; `… excluded by criteria` → `(n, false)`.
pub(super) fn criteria_count(msg: &str) -> Option<(u32, bool)> {
    let (i, matched) = match msg.find(" cert(s) matched criteria") {
        Some(i) => (i, true),
        None => (msg.find(" cert(s) excluded by criteria")?, false),
    };
    let head = &msg[..i];
    let start = head
        .rfind(|c: char| !c.is_ascii_digit())
        .map(|j| j + head[j..].chars().next().map_or(1, char::len_utf8))
        .unwrap_or(0);
    Some((head[start..].parse().ok()?, matched))
}

/// The SCEP profile identifier at the start of an `Enroll/` node path segment.
pub(super) fn enroll_id(rest: &str) -> Option<&str> {
    if !rest.starts_with("ModelName") {
        return None;
    }
    let hash_at = [
        "%3BHash=",
        "%3bHash=",
        ";Hash=",
        "_Hash_",
        "%3BHash%3D",
        "%3bHash%3d",
    ]
    .iter()
    .filter_map(|n| rest.find(n).map(|i| i + n.len()))
    .min()?;
    let tail = &rest[hash_at..];
    let len = tail
        .char_indices()
        .take_while(|&(k, c)| c.is_ascii_digit() || (k == 0 && c == '-'))
        .count();
    Some(&rest[..hash_at + len])
}

pub(super) fn is_error_level(level: &str) -> bool {
    matches!(
        level,
        "ERROR" | "ERR" | "SEVERE" | "FATAL" | "CRIT" | "CRITICAL"
    )
}
