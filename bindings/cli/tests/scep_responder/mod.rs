//! A small SCEP responder for the probe's end-to-end tests: HTTP or HTTPS on 127.0.0.1 at
//! an ephemeral port, answering each request with what the test's handler says. Started
//! and stopped by each test (stopping joins every thread it started); every wait is
//! bounded. Certificates are made by rcgen at test time; GetCACert's PKCS#7 certs-only
//! envelope by a tiny DER encoder.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};

/// Longest a connection thread waits for a request or may take to write.
const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// What the responder answers to one request.
pub enum Reply {
    Answer {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
        location: Option<String>,
    },
    /// Holds the connection this long, then closes it without answering.
    Silence(Duration),
    /// A 200 whose body is `size` bytes of `A`, written until the client hangs up.
    Huge(usize),
}

impl Reply {
    pub fn ok(content_type: &'static str, body: &[u8]) -> Reply {
        Reply::Answer {
            status: 200,
            content_type,
            body: body.to_vec(),
            location: None,
        }
    }

    pub fn status(status: u16, content_type: &'static str, body: &[u8]) -> Reply {
        Reply::Answer {
            status,
            content_type,
            body: body.to_vec(),
            location: None,
        }
    }

    pub fn redirect(location: &str) -> Reply {
        Reply::Answer {
            status: 302,
            content_type: "text/html",
            body: Vec::new(),
            location: Some(location.to_string()),
        }
    }
}

/// A request as the handler sees it: the target (path and query) of the request line.
pub struct Request {
    pub method: String,
    pub target: String,
}

impl Request {
    /// The `operation=` value of the query.
    pub fn operation(&self) -> &str {
        self.target
            .split_once("operation=")
            .map(|(_, r)| r.split('&').next().unwrap_or(""))
            .unwrap_or("")
    }
}

type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// A running responder; dropping it stops it.
pub struct Responder {
    pub port: u16,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
    /// Every request line received, in order.
    pub seen: Arc<Mutex<Vec<String>>>,
}

impl Responder {
    pub fn http(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Responder {
        Self::start(None, Arc::new(handler))
    }

    pub fn https(
        tls: Arc<rustls::ServerConfig>,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Responder {
        Self::start(Some(tls), Arc::new(handler))
    }

    fn start(tls: Option<Arc<rustls::ServerConfig>>, handler: Handler) -> Responder {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let connections: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let accept = {
            let (stop, connections, seen) = (stop.clone(), connections.clone(), seen.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (tls, handler, seen) = (tls.clone(), handler.clone(), seen.clone());
                    let h = std::thread::spawn(move || serve(stream, tls, handler, seen));
                    connections.lock().unwrap().push(h);
                }
            })
        };
        Responder {
            port,
            stop,
            accept: Some(accept),
            connections,
            seen,
        }
    }

    pub fn url(&self, scheme: &str, host: &str) -> String {
        format!("{scheme}://{host}:{}/certsrv/mscep/mscep.dll", self.port)
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
        for h in std::mem::take(&mut *self.connections.lock().unwrap()) {
            let _ = h.join();
        }
    }
}

fn serve(
    stream: TcpStream,
    tls: Option<Arc<rustls::ServerConfig>>,
    handler: Handler,
    seen: Arc<Mutex<Vec<String>>>,
) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    match tls {
        None => {
            let mut s = stream;
            exchange(&mut s, &handler, &seen);
            let _ = s.shutdown(Shutdown::Both);
        }
        Some(config) => {
            let Ok(conn) = rustls::ServerConnection::new(config) else {
                return;
            };
            let mut s = rustls::StreamOwned::new(conn, stream);
            exchange(&mut s, &handler, &seen);
            s.conn.send_close_notify();
            let _ = s.flush();
            let _ = s.sock.shutdown(Shutdown::Both);
        }
    }
}

/// Reads one request head (at most 16 KiB) and writes the handler's reply.
fn exchange(s: &mut (impl Read + Write), handler: &Handler, seen: &Mutex<Vec<String>>) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        if head.len() > 16 * 1024 {
            return;
        }
    }
    let text = String::from_utf8_lossy(&head);
    let line = text.lines().next().unwrap_or("").to_string();
    seen.lock().unwrap().push(line.clone());
    let mut parts = line.split_whitespace();
    let request = Request {
        method: parts.next().unwrap_or("").to_string(),
        target: parts.next().unwrap_or("").to_string(),
    };
    match handler(&request) {
        Reply::Answer {
            status,
            content_type,
            body,
            location,
        } => {
            let mut out = format!(
                "HTTP/1.1 {status} Status\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            if let Some(l) = location {
                out.push_str(&format!("Location: {l}\r\n"));
            }
            out.push_str("\r\n");
            let _ = s.write_all(out.as_bytes());
            let _ = s.write_all(&body);
            let _ = s.flush();
        }
        Reply::Silence(d) => std::thread::sleep(d),
        Reply::Huge(size) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/x-x509-ca-ra-cert\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
            );
            if s.write_all(head.as_bytes()).is_err() {
                return;
            }
            let chunk = vec![b'A'; 64 * 1024];
            let mut left = size;
            while left > 0 {
                let n = left.min(chunk.len());
                // The client stops after its cap and closes: the write fails and we stop.
                if s.write_all(&chunk[..n]).is_err() {
                    return;
                }
                left -= n;
            }
            let _ = s.flush();
        }
    }
}

/// DER TLV with a definite length.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes = n.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend(&bytes[skip..]);
    }
    out.extend(content);
    out
}

/// A PKCS#7 certs-only: ContentInfo { signedData, SignedData { version 1, no digest
/// algorithms, content type data, certificates, no signers } }.
pub fn pkcs7(certs: &[&[u8]]) -> Vec<u8> {
    const SIGNED_DATA: [u8; 11] = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ];
    const DATA: [u8; 11] = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
    ];
    let signed = tlv(
        0x30,
        &[
            &[0x02, 0x01, 0x01][..],
            &tlv(0x31, &[]),
            &tlv(0x30, &DATA),
            &tlv(0xa0, &certs.concat()),
            &tlv(0x31, &[]),
        ]
        .concat(),
    );
    tlv(0x30, &[&SIGNED_DATA[..], &tlv(0xa0, &signed)].concat())
}

/// A CA that signs certificates for the tests.
pub struct Ca {
    pub der: Vec<u8>,
    params: CertificateParams,
    key: KeyPair,
}

/// A certificate with its key.
pub struct Issued {
    pub der: Vec<u8>,
    pub key: KeyPair,
}

fn dated(p: &mut CertificateParams, from: (i32, u8, u8), until: (i32, u8, u8)) {
    p.not_before = rcgen::date_time_ymd(from.0, from.1, from.2);
    p.not_after = rcgen::date_time_ymd(until.0, until.1, until.2);
}

impl Ca {
    pub fn new(cn: &str) -> Ca {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        dated(&mut p, (2024, 1, 1), (2040, 1, 1));
        let key = KeyPair::generate().unwrap();
        let der = p.self_signed(&key).unwrap().der().to_vec();
        Ca {
            der,
            params: p,
            key,
        }
    }

    pub fn issue(&self, params: CertificateParams) -> Issued {
        let key = KeyPair::generate().unwrap();
        let issuer = Issuer::from_params(&self.params, &self.key);
        let der = params.signed_by(&key, &issuer).unwrap().der().to_vec();
        Issued { der, key }
    }

    /// An NDES RA certificate: `usage`, the Certificate Request Agent EKU when `agent`.
    pub fn ra(&self, usage: KeyUsagePurpose, agent: bool, until: (i32, u8, u8)) -> Issued {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name
            .push(DnType::CommonName, "NDES01-MSCEP-RA");
        dated(&mut p, (2026, 1, 1), until);
        p.key_usages = vec![usage];
        p.extended_key_usages = if agent {
            vec![ExtendedKeyUsagePurpose::Other(vec![
                1, 3, 6, 1, 4, 1, 311, 20, 2, 1,
            ])]
        } else {
            vec![ExtendedKeyUsagePurpose::ServerAuth]
        };
        self.issue(p)
    }

    /// A TLS server certificate for `names` (IP addresses or DNS names).
    pub fn server(&self, names: &[&str], from: (i32, u8, u8), until: (i32, u8, u8)) -> Issued {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, names[0]);
        p.subject_alt_names = names
            .iter()
            .map(|n| match n.parse() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName((*n).try_into().unwrap()),
            })
            .collect();
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        dated(&mut p, from, until);
        self.issue(p)
    }

    pub fn pem(&self) -> String {
        use std::fmt::Write as _;
        const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut b64 = String::new();
        for chunk in self.der.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
            for i in 0..4 {
                if i <= chunk.len() {
                    b64.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    b64.push('=');
                }
            }
        }
        let mut s = String::from("-----BEGIN CERTIFICATE-----\n");
        for line in b64.as_bytes().chunks(64) {
            let _ = writeln!(s, "{}", std::str::from_utf8(line).unwrap());
        }
        s.push_str("-----END CERTIFICATE-----\n");
        s
    }
}

/// A rustls server configuration presenting `cert` (and its CA).
#[allow(deprecated)] // ring, as the CLI uses it (see bindings/cli/src/probe.rs).
pub fn tls_config(cert: &Issued, ca: &Ca) -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let chain = vec![
        CertificateDer::from(cert.der.clone()),
        CertificateDer::from(ca.der.clone()),
    ];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap();
    Arc::new(config)
}
