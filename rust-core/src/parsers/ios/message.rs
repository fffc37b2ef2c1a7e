//! What a record's text holds beyond its phrase: profile identifiers, NSError domain/code
//! chains (multi-line, flattened or on one line) and the detail quoted in a finding.

use super::MAX_CHAIN;
use crate::limits::{MAX_EVIDENCE_TEXT, clip};

pub(super) fn is_dependent(id: &str) -> bool {
    let l = id.to_ascii_lowercase();
    ["wifi", "wi-fi", "vpn", "email", "exchange", "eas", "802.1x"]
        .iter()
        .any(|w| l.contains(w))
}

/// The identifier between the quotes of `Profile “…” installed.` (curly or straight).
pub(super) fn quoted_identifier(m: &str) -> Option<String> {
    let open = m.find(['“', '"', '‘', '\''])?;
    let open_len = m[open..].chars().next()?.len_utf8();
    let rest = &m[open + open_len..];
    let close = rest.rfind(['”', '"', '’', '\''])?;
    Some(rest[..close].to_string())
}

pub(super) fn is_word_start(b: &[u8], i: usize) -> bool {
    i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

/// Finds `word` at a word start at or after `from`, before `until`.
pub(super) fn find_word(text: &str, word: &str, from: usize, until: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = from;
    while i < until.min(text.len()) {
        let j = text.get(i..)?.find(word)? + i;
        if j >= until {
            return None;
        }
        if is_word_start(b, j) {
            return Some(j);
        }
        i = j + word.len();
    }
    None
}

/// Skips blanks, one `:` or `=`, blanks; returns the offset after them.
pub(super) fn after_separator(text: &str, at: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = at;
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    if i >= b.len() || (b[i] != b':' && b[i] != b'=') {
        return None;
    }
    i += 1;
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    Some(i)
}

/// The NSError chain of a record, outermost first, from multi-line dumps
/// (`Domain : X` / `Code : N` lines), flattened dumps and `Error Domain=X Code=N`.
pub(crate) fn error_chain(text: &str) -> Vec<(String, i64)> {
    let mut chain = Vec::new();
    let b = text.as_bytes();
    let mut pos = 0;
    while chain.len() < MAX_CHAIN {
        let Some(d) = find_word(text, "Domain", pos, text.len()) else {
            break;
        };
        pos = d + 6;
        let Some(vs) = after_separator(text, pos) else {
            continue;
        };
        let mut ve = vs;
        while ve < b.len()
            && !b[ve].is_ascii_whitespace()
            && !matches!(b[ve], b',' | b';' | b'"' | b'}' | b'\'')
        {
            ve += 1;
        }
        let Some(domain) = text.get(vs..ve) else {
            break;
        };
        if domain.is_empty() {
            continue;
        }
        pos = ve;
        let next_domain = find_word(text, "Domain", ve, text.len()).unwrap_or(text.len());
        let Some(c) = find_word(text, "Code", ve, next_domain) else {
            continue;
        };
        let Some(cs) = after_separator(text, c + 4) else {
            continue;
        };
        let mut ce = cs;
        if ce < b.len() && b[ce] == b'-' {
            ce += 1;
        }
        while ce < b.len() && b[ce].is_ascii_digit() && ce - cs < 20 {
            ce += 1;
        }
        if let Some(code) = text.get(cs..ce).and_then(|s| s.parse::<i64>().ok()) {
            chain.push((domain.to_string(), code));
            pos = ce;
        }
    }
    chain
}

/// The English description of the innermost error (`US Desc`, else `Desc`, else
/// `NSLocalizedDescription`), or the message.
pub(super) fn error_detail(full: &str, message: &str) -> String {
    let mut us: Option<&str> = None;
    let mut desc: Option<&str> = None;
    for line in full.lines() {
        let t = line.trim();
        if let Some(r) = t.strip_prefix("US Desc") {
            if let Some(v) = r.trim_start().strip_prefix(':') {
                us = Some(v.trim());
            }
        } else if let Some(r) = t.strip_prefix("Desc")
            && let Some(v) = r.trim_start().strip_prefix(':')
        {
            desc = Some(v.trim());
        }
    }
    if let Some(v) = us.or(desc).filter(|v| !v.is_empty()) {
        return v.to_string();
    }
    if let Some(i) = full.find("NSLocalizedDescription=") {
        let r = &full[i + "NSLocalizedDescription=".len()..];
        let end = r.find([',', '}']).unwrap_or(r.len());
        return r[..end].trim().to_string();
    }
    if message.is_empty() {
        full.to_string()
    } else {
        message.to_string()
    }
}

pub(super) fn transport_detail(chain: &[(String, i64)], full: &str, fallback: &str) -> String {
    let desc = error_detail(full, "");
    let url_code = chain
        .iter()
        .rev()
        .find(|(d, _)| d == "NSURLErrorDomain")
        .map(|(_, c)| *c);
    let s = match url_code {
        Some(c) if !desc.is_empty() && desc != full => format!("NSURLErrorDomain {c}: {desc}"),
        Some(c) => format!("NSURLErrorDomain {c}"),
        None => fallback.trim().trim_start_matches('.').trim().to_string(),
    };
    clip(&s, MAX_EVIDENCE_TEXT)
}
