//! The SCEP endpoint probe across the FFI (issue 23): the apps' transport
//! (`HttpsURLConnection`, `URLSession`) asks what [`probe_plan`] lists, follows redirects
//! by [`probe_follow_redirect`], reads bodies to `max_body_bytes` + 1, and hands every
//! exchange to [`probe_report`]. Conversions only; the core decides.

use certdoctor_core::report::probe as core_report;
use certdoctor_core::session::probe::{self as session, ProbeError};

use crate::{CertdoctorError, DiagnoseOptions, DiagnosisSession, Report, core_options, guard};

/// The two read-only SCEP operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ProbeOperation {
    GetCaCaps,
    GetCaCert,
}

impl From<ProbeOperation> for session::ProbeOperation {
    fn from(o: ProbeOperation) -> Self {
        match o {
            ProbeOperation::GetCaCaps => session::ProbeOperation::GetCaCaps,
            ProbeOperation::GetCaCert => session::ProbeOperation::GetCaCert,
        }
    }
}

impl From<session::ProbeOperation> for ProbeOperation {
    fn from(o: session::ProbeOperation) -> Self {
        match o {
            session::ProbeOperation::GetCaCaps => ProbeOperation::GetCaCaps,
            session::ProbeOperation::GetCaCert => ProbeOperation::GetCaCert,
        }
    }
}

/// One request to make.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProbeRequest {
    pub operation: ProbeOperation,
    pub url: String,
}

/// What a transport must do for a SCEP URL, and its bounds.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProbePlan {
    /// `scheme://host/path` of the URL given.
    pub base_url: String,
    /// In order; skip the rest once a request got no connection at all.
    pub requests: Vec<ProbeRequest>,
    /// Keep at most this many body bytes; read one more to know the body was longer.
    pub max_body_bytes: u64,
    /// Redirects to follow per request at most (through `probe_follow_redirect`).
    pub max_redirects: u32,
}

/// Why a request got no HTTP answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ProbeFailure {
    Dns,
    Connect,
    Timeout,
    TlsExpired,
    TlsNotYetValid,
    TlsUntrusted,
    TlsWrongHost,
    TlsRevoked,
    TlsHandshake,
    Protocol,
    Other,
}

impl From<ProbeFailure> for session::TransportFailure {
    fn from(f: ProbeFailure) -> Self {
        use session::{TlsProblem as T, TransportFailure as F};
        match f {
            ProbeFailure::Dns => F::Dns,
            ProbeFailure::Connect => F::Connect,
            ProbeFailure::Timeout => F::Timeout,
            ProbeFailure::TlsExpired => F::Tls(T::Expired),
            ProbeFailure::TlsNotYetValid => F::Tls(T::NotYetValid),
            ProbeFailure::TlsUntrusted => F::Tls(T::Untrusted),
            ProbeFailure::TlsWrongHost => F::Tls(T::WrongHost),
            ProbeFailure::TlsRevoked => F::Tls(T::Revoked),
            ProbeFailure::TlsHandshake => F::Tls(T::Handshake),
            ProbeFailure::Protocol => F::Protocol,
            ProbeFailure::Other => F::Other,
        }
    }
}

/// One request the transport made: an HTTP answer (`status` set) or a failure
/// (`failure` set), with the TLS chain the server sent (DER, leaf first) when https.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProbeExchange {
    pub operation: ProbeOperation,
    pub url: String,
    pub millis: u64,
    #[uniffi(default = None)]
    pub status: Option<u16>,
    #[uniffi(default = None)]
    pub content_type: Option<String>,
    #[uniffi(default = None)]
    pub location: Option<String>,
    pub body: Vec<u8>,
    /// More than `max_body_bytes` arrived.
    #[uniffi(default = false)]
    pub truncated: bool,
    #[uniffi(default = None)]
    pub failure: Option<ProbeFailure>,
    /// The platform's words for the failure.
    #[uniffi(default = None)]
    pub error: Option<String>,
    /// The request went over TLS (https).
    #[uniffi(default = false)]
    pub tls: bool,
    pub tls_peer_chain: Vec<Vec<u8>>,
    #[uniffi(default = None)]
    pub tls_protocol: Option<String>,
}

fn invalid(option: &str, reason: impl Into<String>) -> CertdoctorError {
    CertdoctorError::InvalidOption {
        option: option.to_string(),
        reason: reason.into(),
    }
}

impl TryFrom<ProbeExchange> for session::ProbeExchange {
    type Error = CertdoctorError;

    fn try_from(e: ProbeExchange) -> Result<Self, CertdoctorError> {
        let failure = e.failure.map(session::TransportFailure::from);
        let result = match (e.status, failure) {
            (Some(status), None) => session::ExchangeResult::Answer(session::HttpAnswer {
                status,
                content_type: e.content_type,
                location: e.location,
                body: e.body,
                truncated: e.truncated,
            }),
            (None, Some(failure)) => session::ExchangeResult::Failed {
                failure,
                reason: e.error.unwrap_or_default(),
            },
            _ => {
                return Err(invalid(
                    "exchanges",
                    format!("{}: give either status or failure", e.url),
                ));
            }
        };
        let problem = match failure {
            Some(session::TransportFailure::Tls(p)) => Some(p),
            _ => None,
        };
        Ok(session::ProbeExchange {
            operation: e.operation.into(),
            url: e.url,
            millis: e.millis,
            tls: e.tls.then_some(session::TlsObservation {
                peer_chain: e.tls_peer_chain,
                protocol: e.tls_protocol,
                problem,
            }),
            result,
        })
    }
}

/// A probe's exchanges and what to compare the CA with.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProbeInput {
    pub url: String,
    #[uniffi(default = None)]
    pub expected_ca_thumbprint: Option<String>,
    pub exchanges: Vec<ProbeExchange>,
}

fn probe_error(e: ProbeError) -> CertdoctorError {
    let option = match e {
        ProbeError::Url { .. } => "url",
        ProbeError::Thumbprint(_) => "expected_ca_thumbprint",
        ProbeError::NoExchange | ProbeError::TooManyExchanges(_) => "exchanges",
    };
    invalid(option, e.to_string())
}

/// The requests to make for a SCEP URL (`InvalidOption` when it is not one).
#[uniffi::export]
pub fn probe_plan(url: String) -> Result<ProbePlan, CertdoctorError> {
    guard(|| {
        let plan = session::plan(&url).map_err(probe_error)?;
        Ok(ProbePlan {
            base_url: plan.base,
            requests: plan
                .requests
                .into_iter()
                .map(|(op, url)| ProbeRequest {
                    operation: op.into(),
                    url,
                })
                .collect(),
            max_body_bytes: session::MAX_PROBE_BODY_BYTES as u64,
            max_redirects: session::MAX_PROBE_REDIRECTS as u32,
        })
    })
}

/// Where to go after a redirect from `from` to `location` when `followed` redirects were
/// already followed for this request; `None` when it must not be followed (too many, https
/// to http, no usable Location): then hand the redirect answer over as the last exchange.
#[uniffi::export]
pub fn probe_follow_redirect(
    from: String,
    location: String,
    followed: u32,
) -> Result<Option<String>, CertdoctorError> {
    guard(|| Ok(session::follow_redirect(&from, &location, followed as usize).ok()))
}

/// The report of a probe: the contract's report with its `probe` object.
#[uniffi::export]
pub fn probe_report(
    input: ProbeInput,
    options: DiagnoseOptions,
) -> Result<Report, CertdoctorError> {
    guard(|| {
        let report = session::probe_report(core_input(input)?, &core_options(&options)?)
            .map_err(probe_error)?;
        Ok(report.into())
    })
}

fn core_input(input: ProbeInput) -> Result<session::ProbeInput, CertdoctorError> {
    Ok(session::ProbeInput {
        url: input.url,
        expected_ca_thumbprint: input.expected_ca_thumbprint,
        exchanges: input
            .exchanges
            .into_iter()
            .map(session::ProbeExchange::try_from)
            .collect::<Result<Vec<_>, _>>()?,
    })
}

/// The probe joins a diagnosis: "Test the SCEP server" from the device's network, its
/// result in the same report as the device's evidence.
#[uniffi::export]
impl DiagnosisSession {
    /// Adds a probe whose findings, certificates and `probe` object join the report made by
    /// `finish` (one redaction for both). A second probe replaces the first.
    pub fn add_probe(&self, input: ProbeInput) -> Result<(), CertdoctorError> {
        guard(|| {
            let input = core_input(input)?;
            self.with_session(|s| s.add_probe(input))?
                .map_err(probe_error)
        })
    }

    /// The SCEP URL of the latest device request in the inputs added so far, to offer for a
    /// probe (never redacted: it stays on the device until the user shares a report).
    pub fn scep_url(&self) -> Result<Option<String>, CertdoctorError> {
        guard(|| self.with_session(|s| s.scep_url()))
    }
}

/// One HTTP request of the probe, as reported.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProbeRequestEntry {
    pub operation: ProbeOperation,
    pub url: String,
    pub status: Option<u16>,
    pub content_type: Option<String>,
    pub size: u64,
    pub truncated: bool,
    pub millis: u64,
    pub location: Option<String>,
    pub failure: Option<String>,
    pub error: Option<String>,
}

/// A certificate the TLS server presented.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PeerCertificateEntry {
    pub sha256: String,
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    pub subject_alt_names: Vec<String>,
}

/// How TLS went (`ok`, `expired`, `not_yet_valid`, `untrusted`, `wrong_host`, `revoked`,
/// `handshake`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TlsEntry {
    pub result: String,
    pub protocol: Option<String>,
    pub peer_certificates: Vec<PeerCertificateEntry>,
}

/// An RA certificate of the GetCACert reply.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RaEntry {
    pub sha256: String,
    pub signing: bool,
    pub encryption: bool,
    pub key_usage: Vec<String>,
}

/// The report's `probe` object.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProbeEntry {
    pub url: String,
    pub working: bool,
    pub requests: Vec<ProbeRequestEntry>,
    pub tls: Option<TlsEntry>,
    pub capabilities: Vec<String>,
    pub ca: Option<String>,
    pub ra: Vec<RaEntry>,
    pub expected_ca_thumbprint: Option<String>,
}

/// Both directions between a core record and its FFI twin with the same field names.
macro_rules! mirror {
    ($ffi:ident, $core:path { $($f:ident),* $(,)? }) => {
        impl From<$core> for $ffi {
            fn from(v: $core) -> Self {
                let $core { $($f),* } = v;
                $ffi { $($f: $f.into()),* }
            }
        }
        impl From<$ffi> for $core {
            fn from(v: $ffi) -> Self {
                let $ffi { $($f),* } = v;
                $core { $($f: $f.into()),* }
            }
        }
    };
}

mirror!(
    ProbeRequestEntry,
    core_report::ProbeRequestEntry {
        operation,
        url,
        status,
        content_type,
        size,
        truncated,
        millis,
        location,
        failure,
        error
    }
);
mirror!(
    PeerCertificateEntry,
    core_report::PeerCertificateEntry {
        sha256,
        subject,
        issuer,
        not_before,
        not_after,
        subject_alt_names
    }
);
mirror!(
    RaEntry,
    core_report::RaEntry {
        sha256,
        signing,
        encryption,
        key_usage
    }
);

impl From<core_report::TlsEntry> for TlsEntry {
    fn from(t: core_report::TlsEntry) -> Self {
        TlsEntry {
            result: t.result,
            protocol: t.protocol,
            peer_certificates: t.peer_certificates.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<TlsEntry> for core_report::TlsEntry {
    fn from(t: TlsEntry) -> Self {
        core_report::TlsEntry {
            result: t.result,
            protocol: t.protocol,
            peer_certificates: t.peer_certificates.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<core_report::ProbeEntry> for ProbeEntry {
    fn from(p: core_report::ProbeEntry) -> Self {
        ProbeEntry {
            url: p.url,
            working: p.working,
            requests: p.requests.into_iter().map(Into::into).collect(),
            tls: p.tls.map(Into::into),
            capabilities: p.capabilities,
            ca: p.ca,
            ra: p.ra.into_iter().map(Into::into).collect(),
            expected_ca_thumbprint: p.expected_ca_thumbprint,
        }
    }
}

impl From<ProbeEntry> for core_report::ProbeEntry {
    fn from(p: ProbeEntry) -> Self {
        core_report::ProbeEntry {
            url: p.url,
            working: p.working,
            requests: p.requests.into_iter().map(Into::into).collect(),
            tls: p.tls.map(Into::into),
            capabilities: p.capabilities,
            ca: p.ca,
            ra: p.ra.into_iter().map(Into::into).collect(),
            expected_ca_thumbprint: p.expected_ca_thumbprint,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> DiagnoseOptions {
        DiagnoseOptions {
            now_unix_seconds: Some(1_780_272_000),
            now_rfc3339: None,
            redact: false,
            lang: "en".into(),
        }
    }

    fn failed(op: ProbeOperation, url: &str, failure: ProbeFailure) -> ProbeExchange {
        ProbeExchange {
            operation: op,
            url: url.into(),
            millis: 5,
            status: None,
            content_type: None,
            location: None,
            body: Vec::new(),
            truncated: false,
            failure: Some(failure),
            error: Some("java.net.UnknownHostException: ndes.invalid".into()),
            tls: true,
            tls_peer_chain: Vec::new(),
            tls_protocol: None,
        }
    }

    #[test]
    fn plan_redirects_and_a_report_through_the_ffi() {
        let plan = probe_plan("https://ndes.invalid/certsrv/mscep/mscep.dll".into()).unwrap();
        assert_eq!(plan.requests.len(), 2);
        assert_eq!(plan.requests[1].operation, ProbeOperation::GetCaCert);
        assert_eq!(plan.max_body_bytes, 1024 * 1024);
        assert!(matches!(
            probe_plan("ndes".into()),
            Err(CertdoctorError::InvalidOption { option, .. }) if option == "url"
        ));
        assert_eq!(
            probe_follow_redirect("https://h/a".into(), "http://h/b".into(), 0).unwrap(),
            None
        );
        assert_eq!(
            probe_follow_redirect("https://h/a".into(), "/b".into(), 0).unwrap(),
            Some("https://h/b".into())
        );
        let url = plan.requests[0].url.clone();
        let report = probe_report(
            ProbeInput {
                url: plan.base_url.clone(),
                expected_ca_thumbprint: None,
                exchanges: vec![failed(ProbeOperation::GetCaCaps, &url, ProbeFailure::Dns)],
            },
            options(),
        )
        .unwrap();
        assert_eq!(report.findings[0].id, "SCEP_SERVER_UNREACHABLE");
        let p = report.probe.clone().unwrap();
        assert!(!p.working);
        assert_eq!(p.requests[0].failure.as_deref(), Some("dns"));
        // Back to the core for rendering: the probe object survives the round trip.
        let text = crate::render(report, crate::ReportFormat::Text, "en".into()).unwrap();
        assert!(text.contains("SCEP server test"), "{text}");
    }

    #[test]
    fn a_session_offers_the_evidence_url_and_joins_a_probe() {
        let s = DiagnosisSession::new(options()).unwrap();
        s.add_file(crate::InputFile {
            name: "OMADM.log".into(),
            bytes: include_bytes!("../../../tests/fixtures/android/omadm-ndes-http-500.log")
                .to_vec(),
        })
        .unwrap();
        let url = s.scep_url().unwrap().unwrap();
        assert_eq!(
            url,
            "https://scep.litware-example.org/certsrv/mscep/mscep.dll"
        );
        let plan = probe_plan(url.clone()).unwrap();
        s.add_probe(ProbeInput {
            url,
            expected_ca_thumbprint: None,
            exchanges: vec![failed(
                ProbeOperation::GetCaCaps,
                &plan.requests[0].url,
                ProbeFailure::TlsWrongHost,
            )],
        })
        .unwrap();
        let r = s.finish().unwrap();
        assert_eq!(r.probe.unwrap().tls.unwrap().result, "wrong_host");
        assert!(matches!(
            s.add_probe(ProbeInput {
                url: "x".into(),
                expected_ca_thumbprint: None,
                exchanges: vec![]
            }),
            Err(CertdoctorError::InvalidOption { .. }) | Err(CertdoctorError::InvalidState { .. })
        ));
    }

    #[test]
    fn an_exchange_with_neither_or_both_outcomes_is_refused() {
        let mut e = failed(
            ProbeOperation::GetCaCaps,
            "https://h/x",
            ProbeFailure::TlsUntrusted,
        );
        e.status = Some(200);
        let r = probe_report(
            ProbeInput {
                url: "https://h/x".into(),
                expected_ca_thumbprint: None,
                exchanges: vec![e],
            },
            options(),
        );
        assert!(
            matches!(r, Err(CertdoctorError::InvalidOption { option, .. }) if option == "exchanges")
        );
    }
}
