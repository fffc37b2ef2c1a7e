//! `certdoctor probe`: the CLI's transport for a SCEP endpoint probe. It asks what the
//! core plans (GetCACaps, GetCACert; GET only, never PKIOperation), follows redirects by
//! the core's rule, and hands every exchange to the core, which decides.
//!
//! HTTP is ureq's; TLS is a rustls connector of our own so that the certificate verifier
//! can record the chain the server sent and why it was refused. Trust: the operating
//! system's roots plus `--ca-file`. Bounded: connect and total timeouts, bodies read to
//! 1 MiB + 1 byte, no cookies, no credentials. Proxies from `HTTPS_PROXY`, `HTTP_PROXY`,
//! `ALL_PROXY` and `NO_PROXY` (ureq reads them).

use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use certdoctor_core::session::probe::{
    ExchangeResult, HttpAnswer, MAX_PROBE_BODY_BYTES, ProbeExchange, ProbeOperation,
    TlsObservation, TlsProblem, TransportFailure, follow_redirect,
};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectProxyConnector, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout,
    TcpConnector, Transport, TransportAdapter,
};

/// Longest wait for a TCP connection, within the total timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The cryptography of rustls: *ring* (a small C and assembly build that needs no cmake).
/// rustls 0.23.48 deprecates it for lacking post-quantum key exchange, which a read-only
/// probe of an NDES server does not need; aws-lc-rs would add a cmake build and about
/// 1.5 MB to the binary.
#[allow(deprecated)]
fn crypto() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

/// Why the transport cannot be set up (a usage error).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("--ca-file {path}: {reason}")]
    CaFile { path: String, reason: String },
}

/// What one connection's TLS and name lookup showed, written by the resolver and the
/// certificate verifier while ureq runs the request.
#[derive(Debug, Default)]
struct Record {
    dns_error: Option<String>,
    tls: Option<TlsObservation>,
    tls_reason: Option<String>,
}

type Shared = Arc<Mutex<Record>>;

fn with_record<T>(r: &Shared, f: impl FnOnce(&mut Record) -> T) -> T {
    // A poisoned lock only means another request thread panicked; the record is plain data.
    let mut guard = r.lock().unwrap_or_else(|p| p.into_inner());
    f(&mut guard)
}

/// The probe's transport.
pub struct ProbeTransport {
    roots: Arc<RootCertStore>,
    /// Why no verifier could be built (no root at all), reported as an untrusted server.
    roots_problem: Option<String>,
    timeout: Duration,
}

impl ProbeTransport {
    /// Trusts the operating system's roots and the certificates of `ca_file`.
    pub fn new(ca_file: Option<&std::path::Path>, timeout: Duration) -> Result<Self, SetupError> {
        let mut roots = RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
        if let Some(path) = ca_file {
            let err = |reason: String| SetupError::CaFile {
                path: path.display().to_string(),
                reason,
            };
            let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
            let certs: Vec<CertificateDer<'static>> = if bytes.first() == Some(&0x30) {
                vec![CertificateDer::from(bytes)]
            } else {
                CertificateDer::pem_slice_iter(&bytes)
                    .collect::<Result<_, _>>()
                    .map_err(|e| err(format!("not PEM certificates: {e}")))?
            };
            if certs.is_empty() {
                return Err(err("holds no certificate".into()));
            }
            for c in certs {
                roots
                    .add(c)
                    .map_err(|e| err(format!("not a usable CA certificate: {e}")))?;
            }
        }
        let roots_problem = roots.is_empty().then(|| {
            "no trusted root certificate on this machine (install the CA certificates or pass --ca-file)"
                .to_string()
        });
        Ok(ProbeTransport {
            roots: Arc::new(roots),
            roots_problem,
            timeout,
        })
    }

    /// Makes the request of `url` and follows its redirects: one exchange per request.
    pub fn exchanges(&self, operation: ProbeOperation, url: &str) -> Vec<ProbeExchange> {
        let mut out = Vec::new();
        let mut current = url.to_string();
        loop {
            let e = self.request(operation, &current);
            let next = match &e.result {
                ExchangeResult::Answer(a) if (300..400).contains(&a.status) => a
                    .location
                    .as_deref()
                    .and_then(|l| follow_redirect(&current, l, out.len()).ok()),
                _ => None,
            };
            out.push(e);
            match next {
                Some(n) => current = n,
                // The core names why a redirect was not followed.
                None => return out,
            }
        }
    }

    /// One GET, no redirect followed.
    fn request(&self, operation: ProbeOperation, url: &str) -> ProbeExchange {
        let record: Shared = Arc::default();
        let https = url.to_ascii_lowercase().starts_with("https://");
        let started = Instant::now();
        let result = self.get(url, &record);
        let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let (dns_error, tls, tls_reason) = with_record(&record, |r| {
            (r.dns_error.take(), r.tls.take(), r.tls_reason.take())
        });
        let result = match result {
            Ok(answer) => ExchangeResult::Answer(answer),
            Err(e) => {
                let (failure, reason) = if let Some(reason) = dns_error {
                    (TransportFailure::Dns, reason)
                } else if let Some(p) = tls.as_ref().and_then(|t| t.problem) {
                    (
                        TransportFailure::Tls(p),
                        tls_reason.unwrap_or_else(|| e.to_string()),
                    )
                } else {
                    classify(&e)
                };
                ExchangeResult::Failed { failure, reason }
            }
        };
        ProbeExchange {
            operation,
            url: url.to_string(),
            millis,
            tls: if https { tls } else { None },
            result,
        }
    }

    fn get(&self, url: &str, record: &Shared) -> Result<HttpAnswer, ureq::Error> {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .save_redirect_history(false)
            .timeout_global(Some(self.timeout))
            .timeout_connect(Some(self.timeout.min(CONNECT_TIMEOUT)))
            .user_agent(concat!("certdoctor/", env!("CARGO_PKG_VERSION")))
            .build();
        let connector =
            ().chain(ConnectProxyConnector::default())
                .chain(TcpConnector::default())
                .chain(RecordingTls {
                    roots: self.roots.clone(),
                    roots_problem: self.roots_problem.clone(),
                    record: record.clone(),
                });
        let agent = ureq::Agent::with_parts(
            config,
            connector,
            ReservedNames {
                record: record.clone(),
            },
        );
        let response = agent.get(url).call()?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let status = response.status().as_u16();
        let content_type = header("content-type");
        let location = header("location");
        let mut body = Vec::new();
        response
            .into_body()
            .into_reader()
            .take(MAX_PROBE_BODY_BYTES as u64 + 1)
            .read_to_end(&mut body)
            .map_err(ureq::Error::Io)?;
        let truncated = body.len() > MAX_PROBE_BODY_BYTES;
        body.truncate(MAX_PROBE_BODY_BYTES);
        Ok(HttpAnswer {
            status,
            content_type,
            location,
            body,
            truncated,
        })
    }
}

/// The failure class and words of a ureq error with nothing recorded.
fn classify(e: &ureq::Error) -> (TransportFailure, String) {
    let failure = match e {
        ureq::Error::HostNotFound => TransportFailure::Dns,
        ureq::Error::Timeout(_) => TransportFailure::Timeout,
        ureq::Error::ConnectionFailed => TransportFailure::Connect,
        ureq::Error::Protocol(_) => TransportFailure::Protocol,
        ureq::Error::Io(io) => match io.kind() {
            io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::NotConnected
            | io::ErrorKind::AddrNotAvailable
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::UnexpectedEof => TransportFailure::Connect,
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => TransportFailure::Timeout,
            _ => TransportFailure::Other,
        },
        _ => TransportFailure::Other,
    };
    (failure, e.to_string())
}

/// The operating system's resolver, except for the names RFC 6761 reserves as never
/// resolving (`invalid` and below it), which fail at once without a query; a lookup
/// error is recorded as a DNS failure.
#[derive(Debug)]
struct ReservedNames {
    record: Shared,
}

impl Resolver for ReservedNames {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri
            .host()
            .unwrap_or("")
            .trim_end_matches('.')
            .to_ascii_lowercase();
        if host == "invalid" || host.ends_with(".invalid") {
            with_record(&self.record, |r| {
                r.dns_error = Some(format!(
                    "{host}: a reserved name that never resolves (RFC 6761)"
                ))
            });
            return Err(ureq::Error::HostNotFound);
        }
        DefaultResolver::default()
            .resolve(uri, config, timeout)
            .inspect_err(|e| {
                if matches!(e, ureq::Error::Io(_) | ureq::Error::HostNotFound) {
                    with_record(&self.record, |r| r.dns_error = Some(format!("{host}: {e}")));
                }
            })
    }
}

/// Wraps an https connection in rustls with a verifier that records what it saw.
#[derive(Debug)]
struct RecordingTls {
    roots: Arc<RootCertStore>,
    roots_problem: Option<String>,
    record: Shared,
}

impl<In: Transport> Connector<In> for RecordingTls {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Err(ureq::Error::ConnectionFailed);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details.uri.host().unwrap_or("");
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(host.to_string())
            .map_err(|_| ureq::Error::Tls("the host is not a valid TLS server name"))?;
        let verifier = Recorder {
            inner: self.roots_problem.is_none().then(|| {
                WebPkiServerVerifier::builder_with_provider(self.roots.clone(), Arc::new(crypto()))
                    .build()
            }),
            roots_problem: self.roots_problem.clone(),
            record: self.record.clone(),
        };
        let config = ClientConfig::builder_with_provider(Arc::new(crypto()))
            .with_safe_default_protocol_versions()
            .map_err(rustls_error)?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        let mut conn = ClientConnection::new(Arc::new(config), name).map_err(rustls_error)?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        if let Err(e) = conn.complete_io(&mut sock) {
            with_record(&self.record, |r| {
                let t = r.tls.get_or_insert_with(TlsObservation::default);
                if t.problem.is_none() {
                    t.problem = Some(TlsProblem::Handshake);
                    r.tls_reason = Some(e.to_string());
                }
            });
            return Err(ureq::Error::Io(e));
        }
        let protocol = conn.protocol_version().map(|v| match v {
            rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".to_string(),
            rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".to_string(),
            other => format!("{other:?}"),
        });
        with_record(&self.record, |r| {
            r.tls.get_or_insert_with(TlsObservation::default).protocol = protocol
        });
        Ok(Some(Either::B(TlsTransport {
            buffers: LazyBuffers::new(
                details.config.input_buffer_size(),
                details.config.output_buffer_size(),
            ),
            stream: StreamOwned { conn, sock },
        })))
    }
}

fn rustls_error(e: rustls::Error) -> ureq::Error {
    ureq::Error::Io(io::Error::other(e))
}

/// A TLS connection as ureq's transport.
struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl std::fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsTransport").finish_non_exhaustive()
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let n = self.stream.read(input)?;
        self.buffers.input_appended(n);
        Ok(n > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

/// The web PKI verifier, recording the chain it was shown and why it refused it.
#[derive(Debug)]
struct Recorder {
    inner: Option<Result<Arc<WebPkiServerVerifier>, rustls::client::VerifierBuilderError>>,
    roots_problem: Option<String>,
    record: Shared,
}

fn problem_of(e: &rustls::Error) -> TlsProblem {
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                TlsProblem::Expired
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                TlsProblem::NotYetValid
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                TlsProblem::WrongHost
            }
            CertificateError::Revoked => TlsProblem::Revoked,
            CertificateError::UnknownIssuer
            | CertificateError::BadSignature
            | CertificateError::InvalidPurpose
            | CertificateError::InvalidPurposeContext { .. }
            | CertificateError::ApplicationVerificationFailure => TlsProblem::Untrusted,
            _ => TlsProblem::Untrusted,
        },
        _ => TlsProblem::Handshake,
    }
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let chain: Vec<Vec<u8>> = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.as_ref().to_vec())
            .collect();
        let result = match (&self.inner, &self.roots_problem) {
            (Some(Ok(v)), _) => {
                v.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            }
            (_, Some(reason)) => Err(rustls::Error::General(reason.clone())),
            (Some(Err(e)), None) => Err(rustls::Error::General(e.to_string())),
            (None, None) => Err(rustls::Error::General("no verifier".into())),
        };
        with_record(&self.record, |r| {
            let t = r.tls.get_or_insert_with(TlsObservation::default);
            t.peer_chain = chain;
            if let Err(e) = &result {
                t.problem = Some(match e {
                    rustls::Error::General(_) => TlsProblem::Untrusted,
                    e => problem_of(e),
                });
                r.tls_reason = Some(e.to_string());
            }
        });
        result
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &crypto().signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &crypto().signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        crypto()
            .signature_verification_algorithms
            .supported_schemes()
    }
}
