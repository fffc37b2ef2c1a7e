//! Evidence of a SCEP endpoint probe (`certdoctor probe`, the apps' "Test the SCEP
//! server"): the requests a transport made and what came back, as typed values. The
//! transport (the CLI's HTTP client, `HttpsURLConnection`, `URLSession`) fills them in;
//! the core never opens a socket. Also the URL rules every transport follows, so that all
//! of them ask the same two questions and stop at the same redirects.

use serde::Serialize;

use crate::limits;

/// The two read-only SCEP operations a probe sends (RFC 8894 § 3.5, § 4.2), both `GET`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ProbeOperation {
    #[serde(rename = "GetCACaps")]
    GetCaCaps,
    #[serde(rename = "GetCACert")]
    GetCaCert,
}

impl ProbeOperation {
    /// In the order a client asks them.
    pub const ALL: [ProbeOperation; 2] = [ProbeOperation::GetCaCaps, ProbeOperation::GetCaCert];

    pub fn label(self) -> &'static str {
        match self {
            ProbeOperation::GetCaCaps => "GetCACaps",
            ProbeOperation::GetCaCert => "GetCACert",
        }
    }
}

/// Why a TLS handshake failed, as the transport's verifier said it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsProblem {
    /// The server certificate (or one of its chain) is past its notAfter.
    Expired,
    /// Before its notBefore.
    NotYetValid,
    /// The chain does not end in a root the client trusts (or is incomplete).
    Untrusted,
    /// The certificate does not name the host that was asked for.
    WrongHost,
    /// The certificate was revoked.
    Revoked,
    /// Anything else: protocol version, cipher, alert, handshake cut.
    Handshake,
}

impl TlsProblem {
    pub fn as_str(self) -> &'static str {
        match self {
            TlsProblem::Expired => "expired",
            TlsProblem::NotYetValid => "not_yet_valid",
            TlsProblem::Untrusted => "untrusted",
            TlsProblem::WrongHost => "wrong_host",
            TlsProblem::Revoked => "revoked",
            TlsProblem::Handshake => "handshake",
        }
    }
}

/// Why a request got no HTTP answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransportFailure {
    /// The host name did not resolve.
    Dns,
    /// No TCP connection: refused, unreachable, reset before an answer.
    Connect,
    /// The connect or the total timeout passed.
    Timeout,
    /// The TLS handshake failed.
    Tls(TlsProblem),
    /// The server answered something that is not HTTP.
    Protocol,
    /// Anything else the transport could not classify.
    Other,
}

impl TransportFailure {
    pub fn as_str(self) -> &'static str {
        match self {
            TransportFailure::Dns => "dns",
            TransportFailure::Connect => "connect",
            TransportFailure::Timeout => "timeout",
            TransportFailure::Tls(_) => "tls",
            TransportFailure::Protocol => "protocol",
            TransportFailure::Other => "other",
        }
    }
}

/// What the TLS layer showed: the server's chain as sent (DER, leaf first) and how the
/// handshake ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TlsObservation {
    pub peer_chain: Vec<Vec<u8>>,
    /// The negotiated protocol (`TLSv1.3`, …) when the handshake succeeded.
    pub protocol: Option<String>,
    /// `None` when the handshake succeeded.
    pub problem: Option<TlsProblem>,
}

/// An HTTP answer, its body cut at [`limits::MAX_PROBE_BODY_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpAnswer {
    pub status: u16,
    pub content_type: Option<String>,
    /// The `Location` header of a redirect.
    pub location: Option<String>,
    pub body: Vec<u8>,
    /// More than the cap arrived; `body` holds the first bytes only.
    pub truncated: bool,
}

/// How one request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExchangeResult {
    Answer(HttpAnswer),
    Failed {
        failure: TransportFailure,
        /// The operating system's or the library's words.
        reason: String,
    },
}

/// One HTTP request the transport made (each redirect hop is a request of its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeExchange {
    pub operation: ProbeOperation,
    pub url: String,
    /// Wall time from sending to the end of the body or the failure, measured by the
    /// transport (an input: the core never reads a clock).
    pub millis: u64,
    /// `None` for plain HTTP.
    pub tls: Option<TlsObservation>,
    pub result: ExchangeResult,
}

/// What a reply body turned out to be when it is not what the operation returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyProblem {
    Empty,
    /// An HTML page, with its `<title>` when it has one.
    Html {
        title: Option<String>,
    },
    /// More than the cap arrived.
    TooLarge {
        limit: usize,
    },
    /// Text that is not a capability list.
    NotCapabilities {
        first_line: String,
    },
    /// Bytes that are neither a certificate nor a PKCS#7 with certificates.
    NotCertificates {
        reason: String,
    },
}

/// A GetCACert reply as decoded: the certificates and whether they came as a PKCS#7.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaCertReply {
    pub pkcs7: bool,
    /// Indices into the probe's certificate inventory, in reply order.
    pub certificates: Vec<usize>,
}

/// A parsed SCEP URL: `scheme://authority/path`, no query, no fragment, no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScepUrl {
    pub https: bool,
    /// Host and optional port as written (IPv6 in brackets), case kept.
    pub authority: String,
    /// The host in lowercase, brackets removed.
    pub host: String,
    /// Starts with `/`.
    pub path: String,
}

/// Why a URL cannot be probed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScepUrlError {
    #[error("the URL must start with https:// or http://")]
    Scheme,
    #[error("the URL names no host")]
    NoHost,
    #[error("the URL carries credentials (user@host); certdoctor sends none")]
    Credentials,
    #[error("{0:?} is not a host name or an IP address")]
    Host(String),
    #[error("the port {0:?} is not a number from 1 to 65535")]
    Port(String),
    #[error("the URL contains spaces or control characters")]
    Characters,
}

impl ScepUrl {
    /// Parses an absolute `http(s)://` URL. A query or fragment is dropped: the probe adds
    /// its own `operation=` query.
    pub fn parse(text: &str) -> Result<ScepUrl, ScepUrlError> {
        let t = text.trim();
        if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ScepUrlError::Characters);
        }
        let lower = t.to_ascii_lowercase();
        let (https, rest) = if lower.starts_with("https://") {
            (true, &t[8..])
        } else if lower.starts_with("http://") {
            (false, &t[7..])
        } else {
            return Err(ScepUrlError::Scheme);
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..end];
        if authority.contains('@') {
            return Err(ScepUrlError::Credentials);
        }
        let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
            match inner.split_once(']') {
                Some((h, p)) => (h, p.strip_prefix(':')),
                None => return Err(ScepUrlError::NoHost),
            }
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        if host.is_empty() {
            return Err(ScepUrlError::NoHost);
        }
        let bracketed = authority.starts_with('[');
        let host_char = |c: char| {
            c.is_ascii_alphanumeric()
                || matches!(c, '-' | '.' | '_')
                || (bracketed && matches!(c, ':' | '%'))
        };
        if !host.chars().all(host_char) {
            return Err(ScepUrlError::Host(host.to_string()));
        }
        if let Some(p) = port
            && !matches!(p.parse::<u16>(), Ok(n) if n > 0)
        {
            return Err(ScepUrlError::Port(p.to_string()));
        }
        let tail = &rest[end..];
        let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
        let path = if path_end == 0 {
            "/".to_string()
        } else {
            tail[..path_end].to_string()
        };
        Ok(ScepUrl {
            https,
            authority: authority.to_string(),
            host: host.to_ascii_lowercase(),
            path,
        })
    }

    /// `scheme://authority/path`.
    pub fn base(&self) -> String {
        format!(
            "{}://{}{}",
            if self.https { "https" } else { "http" },
            self.authority,
            self.path
        )
    }

    /// The URL of `operation` (`message` is the CA identifier, which NDES ignores).
    pub fn request(&self, operation: ProbeOperation) -> String {
        format!("{}?operation={}&message=CA", self.base(), operation.label())
    }

    /// Microsoft NDES (`/certsrv/mscep/…`): its RA certificates carry the Certificate
    /// Request Agent EKU.
    pub fn is_ndes(&self) -> bool {
        self.path.to_ascii_lowercase().contains("/certsrv/mscep")
    }
}

/// Why a redirect is not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RedirectStop {
    #[error("more than {} redirects", limits::MAX_PROBE_REDIRECTS)]
    TooMany,
    #[error("a redirect from https to http (refused: it would drop TLS)")]
    Downgrade,
    #[error("a redirect without a usable Location")]
    BadLocation,
}

/// Where a redirect from `from` to `location` leads, when it may be followed after
/// `followed` redirects already (at most [`limits::MAX_PROBE_REDIRECTS`]; never https →
/// http). Relative locations resolve against `from`. The query of the target is kept.
pub fn follow_redirect(
    from: &str,
    location: &str,
    followed: usize,
) -> Result<String, RedirectStop> {
    if followed >= limits::MAX_PROBE_REDIRECTS {
        return Err(RedirectStop::TooMany);
    }
    let current = ScepUrl::parse(from).map_err(|_| RedirectStop::BadLocation)?;
    let loc = location.trim();
    if loc.is_empty() || loc.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(RedirectStop::BadLocation);
    }
    let scheme = if current.https { "https" } else { "http" };
    let target = if loc.contains("://") {
        loc.to_string()
    } else if let Some(rest) = loc.strip_prefix("//") {
        format!("{scheme}://{rest}")
    } else if loc.starts_with('/') {
        format!("{scheme}://{}{loc}", current.authority)
    } else {
        let dir = current.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        format!("{scheme}://{}{dir}/{loc}", current.authority)
    };
    let next = ScepUrl::parse(&target).map_err(|_| RedirectStop::BadLocation)?;
    if current.https && !next.https {
        return Err(RedirectStop::Downgrade);
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_with_and_without_pkiclient() {
        let u = ScepUrl::parse("https://NDES.contoso.com/certsrv/mscep/mscep.dll/pkiclient.exe")
            .unwrap();
        assert!(u.https && u.is_ndes());
        assert_eq!(u.host, "ndes.contoso.com");
        assert_eq!(
            u.request(ProbeOperation::GetCaCaps),
            "https://NDES.contoso.com/certsrv/mscep/mscep.dll/pkiclient.exe?operation=GetCACaps&message=CA"
        );
        let v = ScepUrl::parse("http://127.0.0.1:8080?operation=GetCACert").unwrap();
        assert_eq!(v.base(), "http://127.0.0.1:8080/");
        assert_eq!(ScepUrl::parse("[::1]:1").unwrap_err(), ScepUrlError::Scheme);
        assert_eq!(ScepUrl::parse("https://[::1]:443/x").unwrap().host, "::1");
        assert_eq!(
            ScepUrl::parse("https://u:p@h/").unwrap_err(),
            ScepUrlError::Credentials
        );
        assert_eq!(
            ScepUrl::parse("https:///x").unwrap_err(),
            ScepUrlError::NoHost
        );
        assert_eq!(
            ScepUrl::parse("https://h:0/").unwrap_err(),
            ScepUrlError::Port("0".into())
        );
        assert_eq!(
            ScepUrl::parse("https://<server>-contoso.msappproxy.net/certsrv/mscep/mscep.dll")
                .unwrap_err(),
            ScepUrlError::Host("<server>-contoso.msappproxy.net".into())
        );
        assert_eq!(
            ScepUrl::parse("https://h/a b").unwrap_err(),
            ScepUrlError::Characters
        );
    }

    #[test]
    fn redirects_resolve_and_stop() {
        let from = "https://h/certsrv/mscep/mscep.dll?operation=GetCACaps&message=CA";
        assert_eq!(
            follow_redirect(from, "/other?x=1", 0).unwrap(),
            "https://h/other?x=1"
        );
        assert_eq!(
            follow_redirect(from, "next.dll", 2).unwrap(),
            "https://h/certsrv/mscep/next.dll"
        );
        assert_eq!(follow_redirect(from, "//g/x", 0).unwrap(), "https://g/x");
        assert_eq!(
            follow_redirect(from, "http://h/x", 0),
            Err(RedirectStop::Downgrade)
        );
        assert_eq!(
            follow_redirect("http://h/x", "https://h/x", 0).unwrap(),
            "https://h/x"
        );
        assert_eq!(
            follow_redirect(from, "/x", limits::MAX_PROBE_REDIRECTS),
            Err(RedirectStop::TooMany)
        );
        assert_eq!(
            follow_redirect(from, " ", 0),
            Err(RedirectStop::BadLocation)
        );
        assert_eq!(
            follow_redirect(from, "ftp://h/x", 0),
            Err(RedirectStop::BadLocation)
        );
    }
}
