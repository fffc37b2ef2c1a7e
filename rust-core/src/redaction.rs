//! Redaction: personal values in the report become stable tokens `‹kind-xxxxxx›`
//! (report-contract.md § Privacy). Applied once to the finished `Report`, before any
//! renderer, so no format can show what another hides.
//!
//! Values are found two ways: structured facts (a leaf certificate's subject and SANs)
//! and scanning the report's free text (e-mail addresses, URL hosts and query values,
//! IPs, GUIDs, SIDs, IMEIs, host names, computer names, challenges, DN names in logs).
//! Tokens are an HMAC-SHA-256 of the value keyed by a secret derived from the whole
//! input: byte-identical for the same input, different across reports, and not
//! reversible by hashing guessed names.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aho_corasick::{AhoCorasick, MatchKind};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::evidence::{CertRole, Certificate};
use crate::report::{RedactionInfo, Report};

/// The kinds of replaced values, as the token prefix shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Person,
    Email,
    Upn,
    Host,
    Ip,
    Id,
    Secret,
    Query,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Email => "email",
            Kind::Upn => "upn",
            Kind::Host => "host",
            Kind::Ip => "ip",
            Kind::Id => "id",
            Kind::Secret => "secret",
            Kind::Query => "query",
        }
    }
}

/// Collects values and hands out tokens.
pub struct Redactor {
    key: [u8; 32],
    values: BTreeMap<String, Kind>,
}

/// Query keys whose values are protocol words, not personal data.
const KEEP_QUERY_KEYS: &[&str] = &["operation"];

/// Top-level domains that mark a dotted word as a host name (Java class names and file
/// names never end in one of these).
const HOST_TLDS: &[&str] = &[
    "com",
    "net",
    "org",
    "edu",
    "gov",
    "mil",
    "int",
    "io",
    "local",
    "lan",
    "corp",
    "internal",
    "home",
    "intra",
    "example",
    "test",
    "invalid",
    "localhost",
    "tw",
    "hk",
    "mo",
    "cn",
    "jp",
    "kr",
    "sg",
    "uk",
    "de",
    "fr",
    "nl",
    "be",
    "ch",
    "at",
    "se",
    "no",
    "fi",
    "dk",
    "it",
    "es",
    "pl",
    "au",
    "nz",
    "ca",
    "us",
    "eu",
    "info",
    "biz",
    "cloud",
    "onmicrosoft",
];

impl Redactor {
    pub fn new(key: [u8; 32]) -> Self {
        Redactor {
            key,
            values: BTreeMap::new(),
        }
    }

    /// Registers a value to replace (trimmed; values under 2 characters are ignored).
    pub fn register(&mut self, kind: Kind, value: &str) {
        let v = value
            .trim()
            .trim_matches(|c| matches!(c, '\'' | '"' | '“' | '”'));
        if v.chars().count() < 2 || v.starts_with('‹') {
            return;
        }
        self.values.entry(v.to_string()).or_insert(kind);
    }

    /// Registers the personal values of a leaf certificate: subject names and SANs.
    pub fn register_certificate(&mut self, cert: &Certificate, role: CertRole) {
        if role != CertRole::Leaf {
            return;
        }
        for part in split_dn(&cert.subject) {
            if let Some((k, v)) = part.split_once('=') {
                match k.trim().to_ascii_uppercase().as_str() {
                    "CN" | "UID" | "SN" | "GN" | "GIVENNAME" | "SURNAME" | "SERIALNUMBER" => self
                        .register(
                            if v.contains('@') {
                                Kind::Email
                            } else {
                                Kind::Person
                            },
                            v,
                        ),
                    "E" | "EMAIL" | "EMAILADDRESS" | "1.2.840.113549.1.9.1" => {
                        self.register(Kind::Email, v)
                    }
                    _ => {}
                }
            }
        }
        for san in &cert.subject_alt_names {
            match san.split_once(':') {
                Some(("upn", v)) => self.register(Kind::Upn, v),
                Some(("email", v)) => self.register(Kind::Email, v),
                Some(("dns", v)) => self.register(Kind::Host, v),
                Some(("ip", v)) => self.register(Kind::Ip, v),
                Some(("uri", v)) => self.register(Kind::Id, v),
                Some(("dn", v)) => {
                    for part in split_dn(v) {
                        if let Some((_, val)) = part.split_once('=') {
                            self.register(Kind::Person, val);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Finds personal values in free text and registers them.
    pub fn scan(&mut self, text: &str) {
        scan_urls(text, self);
        scan_emails(text, self);
        scan_words(text, self);
        scan_contexts(text, self);
    }

    fn token_for(&self, kind: Kind, value: &str, used: &HashMap<String, String>) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key)
            .expect("HMAC takes any key length");
        mac.update(kind.as_str().as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        let digest = mac.finalize().into_bytes();
        // Three bytes give the six hex digits; on a collision within the report take the
        // next three, so two values never share a token.
        for chunk in digest.chunks(3) {
            if chunk.len() < 3 {
                break;
            }
            let t = format!(
                "‹{}-{:02x}{:02x}{:02x}›",
                kind.as_str(),
                chunk[0],
                chunk[1],
                chunk[2]
            );
            match used.get(&t) {
                Some(v) if v != value => continue,
                _ => return t,
            }
        }
        format!("‹{}-{}›", kind.as_str(), hex_prefix(&digest, 8))
    }

    /// The replacement table: value → token, longest values first.
    pub fn finish(self) -> Replacer {
        let mut used: HashMap<String, String> = HashMap::new();
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut kinds = BTreeSet::new();
        for (value, kind) in &self.values {
            let token = self.token_for(*kind, value, &used);
            used.insert(token.clone(), value.clone());
            kinds.insert(*kind);
            pairs.push((value.clone(), token));
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(pairs.iter().map(|(v, _)| v.as_str()))
            .ok();
        Replacer {
            pairs,
            automaton,
            kinds,
        }
    }
}

fn hex_prefix(bytes: &[u8], n: usize) -> String {
    bytes.iter().take(n).map(|b| format!("{b:02x}")).collect()
}

/// Replaces registered values by their tokens.
pub struct Replacer {
    pairs: Vec<(String, String)>,
    automaton: Option<AhoCorasick>,
    kinds: BTreeSet<Kind>,
}

impl Replacer {
    /// Replaces every registered value that stands as a whole word: a value that begins
    /// or ends with a letter or digit must not continue a longer word there (`ca` is
    /// replaced in `(ca)`, never inside `certificate`).
    pub fn apply(&self, text: &str) -> String {
        let Some(ac) = self.automaton.as_ref().filter(|_| !self.pairs.is_empty()) else {
            return text.to_string();
        };
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for m in ac.find_iter(text) {
            let (start, end) = (m.start(), m.end());
            let value = &text[start..end];
            let word_char = |c: char| c.is_alphanumeric();
            let starts_word = value.chars().next().is_some_and(word_char);
            let ends_word = value.chars().next_back().is_some_and(word_char);
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            if (starts_word && before.is_some_and(word_char))
                || (ends_word && after.is_some_and(word_char))
            {
                continue;
            }
            out.push_str(&text[last..start]);
            out.push_str(&self.pairs[m.pattern().as_usize()].1);
            last = end;
        }
        out.push_str(&text[last..]);
        out
    }

    pub fn apply_in_place(&self, text: &mut String) {
        let r = self.apply(text);
        *text = r;
    }

    pub fn kinds(&self) -> Vec<String> {
        self.kinds.iter().map(|k| k.as_str().to_string()).collect()
    }
}

fn split_dn(dn: &str) -> Vec<&str> {
    dn.split([',', '+', '/'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

fn is_host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_'
}

fn scan_urls(text: &str, r: &mut Redactor) {
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let after = &rest[i + 3..];
        let end = after
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '\'' | '"' | '<' | '>' | ')' | '”' | '“' | '\\')
            })
            .unwrap_or(after.len());
        let url = &after[..end];
        let host_end = url.find(['/', '?', '#']).unwrap_or(url.len());
        let authority = &url[..host_end];
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let host = if authority.starts_with('[') {
            authority
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
        } else {
            authority.split(':').next().unwrap_or("")
        };
        if !host.is_empty() {
            let kind = if host.parse::<std::net::IpAddr>().is_ok() {
                Kind::Ip
            } else {
                Kind::Host
            };
            r.register(kind, host);
        }
        if let Some(q) = url.find('?') {
            // GetCACert/GetCACaps carry the CA identifier in `message=`: a CA name, which
            // stays visible; every other query value (the PKIOperation request with its
            // challenge among them) is replaced.
            let ca_query = matches!(
                crate::evidence::ScepOperation::from_url(url),
                Some(
                    crate::evidence::ScepOperation::GetCaCert
                        | crate::evidence::ScepOperation::GetCaCaps
                )
            );
            register_query(&url[q + 1..], ca_query, r);
        }
        rest = &after[end..];
    }
}

fn register_query(query: &str, ca_query: bool, r: &mut Redactor) {
    for pair in query.split('&') {
        if let Some((k, v)) = pair.split_once('=') {
            let keep = KEEP_QUERY_KEYS.iter().any(|x| k.eq_ignore_ascii_case(x))
                || (ca_query && k.eq_ignore_ascii_case("message"));
            if !keep && !v.is_empty() && v != "…" && v != "..." {
                r.register(Kind::Query, v);
            }
        }
    }
}

fn scan_emails(text: &str, r: &mut Redactor) {
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices('@') {
        let local_start = text[..i]
            .rfind(|c: char| {
                !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-'))
            })
            .map(|p| p + text[p..].chars().next().map_or(1, char::len_utf8))
            .unwrap_or(0);
        let domain_end = text[i + 1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-')))
            .map(|p| i + 1 + p)
            .unwrap_or(bytes.len());
        let local = &text[local_start..i];
        let domain = text[i + 1..domain_end].trim_end_matches('.');
        if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') {
            let before = &text[..local_start];
            let kind = if before.to_ascii_lowercase().ends_with("upn:") || before.contains("UPN") {
                Kind::Upn
            } else {
                Kind::Email
            };
            r.register(kind, &text[local_start..i + 1 + domain.len()]);
        }
    }
}

fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// GUID with `-` or `_` separators (8-4-4-4-12).
fn is_guid(w: &str) -> bool {
    let parts: Vec<&str> = w.split(['-', '_']).collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && is_hex(p))
}

fn is_sid(w: &str) -> bool {
    let Some(rest) = w.strip_prefix("S-1-") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('-').collect();
    parts.len() >= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn is_ipv4(w: &str) -> bool {
    let parts: Vec<&str> = w.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

fn is_ipv6(w: &str) -> bool {
    let colons = w.matches(':').count();
    (w.contains("::") || colons >= 5) && colons >= 2 && w.parse::<std::net::Ipv6Addr>().is_ok()
}

fn is_hostname(w: &str) -> bool {
    let labels: Vec<&str> = w.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty() || l.len() > 63) {
        return false;
    }
    let tld = labels[labels.len() - 1].to_ascii_lowercase();
    HOST_TLDS.contains(&tld.as_str()) && !w.starts_with("www.windowsintune.com.")
}

/// Scans words (runs of host/ID characters) for GUIDs, SIDs, IPs, IMEIs and host names.
fn scan_words(text: &str, r: &mut Redactor) {
    let mut start = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut words: Vec<&str> = Vec::new();
    for &(i, c) in &chars {
        let ok = is_host_char(c) || c == ':';
        match (ok, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(&text[s..]);
    }
    for word in words {
        let w = word.trim_matches(|c| matches!(c, '.' | ':' | '-' | '_'));
        if is_ipv6(w) {
            r.register(Kind::Ip, w);
            continue;
        }
        for piece in w.split(':') {
            let p = piece.trim_matches(|c| matches!(c, '.' | '-' | '_'));
            if is_sid(p) {
                r.register(Kind::Id, p);
            } else if is_ipv4(p) {
                r.register(Kind::Ip, p);
            } else if p.len() == 15 && p.bytes().all(|b| b.is_ascii_digit()) {
                r.register(Kind::Id, p);
            } else if is_hostname(p) {
                r.register(Kind::Host, p);
            } else {
                // GUIDs may be glued to prefixes (`AC_…`, `LogicalName_…`): look inside.
                register_guids(p, r);
            }
        }
    }
}

fn register_guids(w: &str, r: &mut Redactor) {
    if w.len() < 36 {
        return;
    }
    let b = w.as_bytes();
    let mut i = 0;
    while i + 36 <= b.len() {
        if w.is_char_boundary(i) && w.is_char_boundary(i + 36) && is_guid(&w[i..i + 36]) {
            let before_ok = i == 0 || !b[i - 1].is_ascii_hexdigit();
            let after_ok = i + 36 == b.len() || !b[i + 36].is_ascii_hexdigit();
            if before_ok && after_ok {
                r.register(Kind::Id, &w[i..i + 36]);
                i += 36;
                continue;
            }
        }
        i += 1;
    }
}

/// Values named by their context: computer names, people in DNs, challenges.
fn scan_contexts(text: &str, r: &mut Redactor) {
    for (label, kind) in [
        ("Computer:", Kind::Host),
        ("<Computer>", Kind::Host),
        // Device identity facts (MDMDiagReport.xml).
        ("EnterpriseDeviceName=", Kind::Host),
        ("SerialNumber=", Kind::Id),
        ("dn=CN=", Kind::Person),
        ("challenge=", Kind::Secret),
        ("Challenge:", Kind::Secret),
        ("challengePassword=", Kind::Secret),
        ("User:", Kind::Person),
        // Issue 9: CA rows and events name the requester and the subject.
        ("Requester Name:", Kind::Person),
        ("Common Name:", Kind::Person),
        ("The request was for CN=", Kind::Person),
    ] {
        let mut rest = text;
        while let Some(i) = rest.find(label) {
            let after = rest[i + label.len()..].trim_start();
            let end = after
                .find(|c: char| {
                    matches!(c, ';' | ',' | ']' | '<' | '\r' | '\n' | '"' | '\'')
                        || (kind != Kind::Person && c.is_whitespace())
                })
                .unwrap_or(after.len());
            let value = after[..end].trim();
            // Well-known accounts are not personal.
            let generic = matches!(
                value,
                "SYSTEM" | "N/A" | "LOCAL SERVICE" | "NETWORK SERVICE" | "-"
            ) || value.starts_with("S-1-5-18")
                || value.starts_with('‹');
            if !value.is_empty() && !generic {
                r.register(kind, value);
            }
            rest = &after[end..];
        }
    }
}

/// A probe's hosts: the URLs asked and redirected to, the reasons given, and the names
/// the TLS server certificate holds (its subject's CN and its DNS and IP SANs).
fn register_probe(p: &crate::report::probe::ProbeEntry, r: &mut Redactor) {
    r.scan(&p.url);
    for q in &p.requests {
        r.scan(&q.url);
        for s in [q.location.as_ref(), q.error.as_ref()]
            .into_iter()
            .flatten()
        {
            r.scan(s);
        }
    }
    // The server's own certificate comes first; the CAs after it keep their names.
    for c in p.tls.iter().filter_map(|t| t.peer_certificates.first()) {
        for part in split_dn(&c.subject) {
            if let Some(("CN", v)) = part.split_once('=') {
                r.register(Kind::Host, v.trim_start_matches("*."));
            }
        }
        for san in &c.subject_alt_names {
            match san.split_once(':') {
                Some(("dns", v)) => r.register(Kind::Host, v.trim_start_matches("*.")),
                Some(("ip", v)) => r.register(Kind::Ip, v),
                _ => {}
            }
        }
    }
}

/// Redacts `report` in place: scans its free text, registers leaf certificate facts,
/// replaces every value everywhere a person could read it, and records what was done.
pub fn redact_report(report: &mut Report, certs: &[(&Certificate, CertRole)], key: [u8; 32]) {
    let mut r = Redactor::new(key);
    for (c, role) in certs {
        r.register_certificate(c, *role);
    }
    for f in &report.findings {
        r.scan(&f.detail);
        for e in &f.evidence {
            r.scan(&e.text);
        }
        if let Some(p) = &f.enrollment {
            r.scan(p);
        }
    }
    for t in &report.timeline {
        r.scan(&t.text);
    }
    for e in &report.enrollments {
        if let Some(p) = &e.profile {
            r.scan(p);
        }
        // Issue 9: the Intune device ID is an identifier of the contract's Privacy list.
        if let Some(d) = &e.ids.intune_device_id {
            r.register(Kind::Id, d);
        }
    }
    for i in &report.inputs {
        if let Some(err) = &i.error {
            r.scan(err);
        }
    }
    if let Some(p) = &report.probe {
        register_probe(p, &mut r);
    }
    // Issue 23: the next action may name the SCEP URL to probe.
    r.scan(&report.next_action);
    let rep = r.finish();

    rep.apply_in_place(&mut report.summary);
    rep.apply_in_place(&mut report.next_action);
    for f in &mut report.findings {
        rep.apply_in_place(&mut f.detail);
        for e in &mut f.evidence {
            rep.apply_in_place(&mut e.text);
            rep.apply_in_place(&mut e.source);
        }
        if let Some(p) = f.enrollment.as_mut() {
            rep.apply_in_place(p);
        }
    }
    for t in &mut report.timeline {
        rep.apply_in_place(&mut t.text);
        rep.apply_in_place(&mut t.source);
    }
    for e in &mut report.enrollments {
        if let Some(p) = e.profile.as_mut() {
            rep.apply_in_place(p);
        }
        if let Some(d) = e.ids.intune_device_id.as_mut() {
            rep.apply_in_place(d);
        }
    }
    for i in &mut report.inputs {
        rep.apply_in_place(&mut i.path);
        if let Some(err) = i.error.as_mut() {
            rep.apply_in_place(err);
        }
    }
    for c in &mut report.certificates {
        if c.role == CertRole::Leaf {
            rep.apply_in_place(&mut c.subject);
            if let Some(cn) = c.subject_cn.as_mut() {
                rep.apply_in_place(cn);
            }
            for s in &mut c.subject_alt_names {
                rep.apply_in_place(s);
            }
        }
        for s in &mut c.sources {
            rep.apply_in_place(s);
        }
    }
    for n in &mut report.notices {
        rep.apply_in_place(n);
    }
    if let Some(p) = report.probe.as_mut() {
        rep.apply_in_place(&mut p.url);
        for q in &mut p.requests {
            rep.apply_in_place(&mut q.url);
            for s in [q.location.as_mut(), q.error.as_mut()]
                .into_iter()
                .flatten()
            {
                rep.apply_in_place(s);
            }
        }
        for c in p
            .tls
            .iter_mut()
            .filter_map(|t| t.peer_certificates.first_mut())
        {
            rep.apply_in_place(&mut c.subject);
            for s in &mut c.subject_alt_names {
                rep.apply_in_place(s);
            }
        }
    }
    report.redaction = RedactionInfo {
        applied: true,
        kinds: rep.kinds(),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> String {
        let mut r = Redactor::new([7; 32]);
        r.scan(text);
        r.finish().apply(text)
    }

    /// Redacts `text` and checks that none of `secrets` is left; returns the result.
    fn hidden(text: &str, secrets: &[&str]) -> String {
        let out = tokens(text);
        for secret in secrets {
            assert!(!out.contains(secret), "{secret} left in {out}");
        }
        out
    }

    #[test]
    fn short_values_are_replaced_only_as_whole_words() {
        let mut r = Redactor::new([3; 32]);
        r.register(Kind::Query, "ca");
        let out = r.finish().apply("application certificate (ca) ca");
        assert!(out.starts_with("application certificate (‹query-"), "{out}");
        assert!(!out.ends_with(" ca"), "{out}");
    }

    #[test]
    fn ca_identifier_of_getcacert_stays_but_pkioperation_message_goes() {
        let out = tokens(
            "Sending GetCACert(ca) to https://h.example.com/certsrv/mscep/mscep.dll?operation=GetCACert&message=ca",
        );
        assert!(
            out.contains("GetCACert(ca)") && out.contains("message=ca"),
            "{out}"
        );
        let out = tokens(
            "GET https://h.example.com/certsrv/mscep/mscep.dll?operation=PKIOperation&message=MIAGCSqGSIb3DQEHAqCAMIACAQExDzAN",
        );
        assert!(!out.contains("MIAGCSqGSIb3"), "{out}");
    }

    #[test]
    fn urls_lose_host_and_query_values_but_keep_operation() {
        let out = tokens(
            "URL https://ndes.fabrikam-example.org/certsrv/mscep/mscep.dll?operation=PKIOperation&message=Q2hhbGxlbmdl&extra=kai",
        );
        assert!(!out.contains("fabrikam-example"), "{out}");
        assert!(out.contains("operation=PKIOperation"), "{out}");
        assert!(
            !out.contains("Q2hhbGxlbmdl") && !out.contains("=kai"),
            "{out}"
        );
        assert!(out.contains("‹host-") && out.contains("‹query-"), "{out}");
    }

    #[test]
    fn identifiers_emails_people_and_computers() {
        let text = "UniqueId : (ModelName_AC_6c5b4a39-2817-4f6e-9d5c-4b3a29180f7e_LogicalName_0a1b2c3d_4e5f_4a6b_8c7d_9e0f1a2b3c4d_Hash_-2098417755) InstallUserSid : (S-1-12-1-3314920871-1093226812-1451992186-2240771905) mail kai.lindqvist@contoso-example.com [dn=CN=Kai Lindqvist; serial=1] Computer: KIOSK-7F2A.adventure-example.com from 10.20.0.40 and fe80::1ff:fe23:4567:890a";
        let out = hidden(
            text,
            &[
                "6c5b4a39-2817",
                "0a1b2c3d_4e5f",
                "S-1-12-1-3314920871",
                "kai.lindqvist@",
                "Kai Lindqvist",
                "KIOSK-7F2A",
                "10.20.0.40",
                "fe80::1ff",
            ],
        );
        assert!(out.contains("Hash_-2098417755"), "{out}");
    }

    #[test]
    fn device_identity_facts() {
        let text = "Device and its management enrolment: EnrollmentId={5A3F1C2B-0000-4D5E-8F70-112233445566}, EnterpriseDeviceName=DESKTOP-7QK2M1, SerialNumber=PF3XK2LM, UPN=user@contoso.example, MDMServerName=DM.MANAGE.MICROSOFT.COM, EnrollmentType=6";
        let secrets = [
            "5A3F1C2B",
            "DESKTOP-7QK2M1",
            "PF3XK2LM",
            "user@contoso",
            "DM.MANAGE",
        ];
        let out = hidden(text, &secrets);
        assert!(out.contains("EnrollmentType=6"), "{out}");
    }

    #[test]
    fn java_classes_times_and_file_names_are_not_hosts() {
        let text = "2018-02-27T05:16:08.2500000 com.microsoft.omadm.platforms.android.certmgr.CertificateEnrollmentManager 18327 10 OMADM.log bundle.zip 08:15:04";
        assert_eq!(tokens(text), text);
    }

    #[test]
    fn tokens_are_stable_within_and_differ_across_reports() {
        let mut a = Redactor::new([1; 32]);
        a.register(Kind::Person, "Kai Lindqvist");
        let a = a.finish();
        let t1 = a.apply("Kai Lindqvist and Kai Lindqvist");
        let tok: Vec<&str> = t1.split(" and ").collect();
        assert_eq!(tok[0], tok[1]);
        assert!(
            tok[0].starts_with("‹person-")
                && tok[0].chars().count() == "‹person-000000›".chars().count()
        );
        let mut b = Redactor::new([2; 32]);
        b.register(Kind::Person, "Kai Lindqvist");
        assert_ne!(b.finish().apply("Kai Lindqvist"), tok[0]);
    }
}
