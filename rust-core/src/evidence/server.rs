//! Server-side evidence: what NDES (IIS, the NDES service, the Intune policy module),
//! the Intune certificate connector and the CA say about a request
//! (server-log-formats.md). Filled by the server parsers; read by
//! `diagnosis::server`. Parsers classify what a record says; they never decide findings.

use serde::Serialize;

use super::{Platform, ScepOperation};

/// The server machine a piece of evidence came from (`server_components` in the report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerComponent {
    Ca,
    Ndes,
    Connector,
}

impl ServerComponent {
    pub fn as_str(self) -> &'static str {
        match self {
            ServerComponent::Ca => "ca",
            ServerComponent::Ndes => "ndes",
            ServerComponent::Connector => "connector",
        }
    }
}

/// What an IIS request on the NDES server was for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpTarget {
    /// `/certsrv/mscep/mscep.dll[/pkiclient.exe]`; `operation` is `None` for a bare GET
    /// (a browser: 403 is the healthy answer). `admin` for `mscep_admin`.
    Mscep {
        operation: Option<ScepOperation>,
        admin: bool,
    },
    /// `POST /CertificateRegistrationSvc/Certificate/VerifyRequest` (step 3).
    VerifyRequest,
    /// `POST /CertificateRegistrationSvc/Certificate/Notify` (step 6).
    Notify,
    /// Any other `/CertificateRegistrationSvc/…` path.
    OtherCrp,
}

/// The CA's decision on a request (MS-CSRA dispositions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    Issued,
    Pending,
    /// Failed (30) or denied (31): the CA refused the request.
    Denied,
    Revoked,
    Unknown,
}

impl Disposition {
    /// From the numeric disposition (`20`, `0x14 (20) -- Issued`) or its text.
    pub fn parse(s: &str) -> Disposition {
        let t = s.trim().trim_matches('"');
        let lower = t.to_ascii_lowercase();
        // A parenthesised decimal wins (`0x14 (20) -- Issued`), then a leading number.
        let num = t
            .find('(')
            .and_then(|i| t[i + 1..].split(')').next())
            .and_then(|n| n.trim().parse::<u32>().ok())
            .or_else(|| {
                t.split(|c: char| !c.is_ascii_digit())
                    .next()
                    .and_then(|n| n.parse::<u32>().ok())
            });
        match num {
            Some(9) => return Disposition::Pending,
            Some(20) => return Disposition::Issued,
            Some(21) => return Disposition::Revoked,
            Some(30) | Some(31) => return Disposition::Denied,
            _ => {}
        }
        if lower.contains("issued") {
            Disposition::Issued
        } else if lower.contains("pending") || lower.contains("under submission") {
            Disposition::Pending
        } else if lower.contains("denied") || lower.contains("failed") || lower.contains("error") {
            Disposition::Denied
        } else if lower.contains("revoked") {
            Disposition::Revoked
        } else {
            Disposition::Unknown
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Disposition::Issued => "issued",
            Disposition::Pending => "pending",
            Disposition::Denied => "denied",
            Disposition::Revoked => "revoked",
            Disposition::Unknown => "unknown",
        }
    }
}

/// What a server record says happened. `detail` texts are the record's own words
/// (bounded), kept for the finding's detail.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerFact {
    /// An IIS W3C line on the NDES server.
    HttpRequest {
        target: HttpTarget,
        method: String,
        status: u16,
        substatus: u32,
        /// `sc-win32-status`, masked to 32 bits.
        win32: u32,
        /// The device platform the user agent names.
        client: Option<Platform>,
        /// The client address (`c-ip`), a weak hint for grouping.
        client_ip: Option<String>,
    },
    /// The NDES service started (`true`) or stopped.
    NdesService { started: bool },
    /// NDES/IIS could not serve or decode a device request (events 2, 7, 10, 16–18,
    /// w3wp crash, WAS pool failures). `crp` when the failing pool serves the CRP.
    NdesFailure { step: u8, detail: String, crp: bool },
    /// A challenge verification began (step 3).
    VerifyStarted,
    /// The challenge was verified (step 3 ok).
    ChallengeVerified,
    /// The challenge was evaluated and refused.
    ChallengeRejected { detail: String },
    /// A validation phase of the CRP failed (`… finished with status False.`); whether it
    /// is a refusal or an error depends on what follows.
    ValidationPhaseFailed { detail: String },
    /// No verdict from the policy module / CRP: HTML error page, WinHTTP error,
    /// exceptions, ASP.NET compilation errors.
    PolicyModuleError { detail: String },
    /// The request reached the CA submission but no decision came back (RPC, 0x80094015 …).
    CaSubmitFailed { code: Option<u32>, detail: String },
    /// A CA decision (CA views, CA events, NDES 31 with a CA reason, connector 4006/4007).
    CaDecision {
        disposition: Disposition,
        code: Option<u32>,
        /// Disposition message or reason, as written.
        message: String,
        /// PKCS (IssuePfx) rather than SCEP.
        pkcs: bool,
    },
    /// The connector received a SCEP request (4003).
    RequestReceived,
    /// The result was reported to Intune (Notify 204, 4008/4000, `Exiting Notify with 0x0`).
    NotifyOk,
    /// Reporting to Intune failed; `retrying` when another attempt will follow (4009).
    NotifyFailed { detail: String, retrying: bool },
    /// Connector-wide trouble (certificate missing/expired, service stopped).
    ConnectorUnhealthy { detail: String },
    /// Recognised but only for the timeline (CA 128, service notes …).
    Note { detail: String },
}

impl ServerFact {
    /// The SCEP step the fact belongs to.
    pub fn step(&self) -> u8 {
        match self {
            ServerFact::HttpRequest { target, .. } => match target {
                HttpTarget::Mscep {
                    operation: Some(op),
                    ..
                } => op.step(),
                HttpTarget::Mscep {
                    operation: None, ..
                } => 2,
                HttpTarget::VerifyRequest | HttpTarget::OtherCrp => 3,
                HttpTarget::Notify => 6,
            },
            ServerFact::NdesService { .. } => 2,
            ServerFact::NdesFailure { step, .. } => *step,
            ServerFact::VerifyStarted
            | ServerFact::ChallengeVerified
            | ServerFact::ChallengeRejected { .. }
            | ServerFact::ValidationPhaseFailed { .. }
            | ServerFact::PolicyModuleError { .. }
            | ServerFact::RequestReceived
            | ServerFact::ConnectorUnhealthy { .. } => 3,
            ServerFact::CaSubmitFailed { .. } | ServerFact::CaDecision { .. } => 4,
            ServerFact::NotifyOk | ServerFact::NotifyFailed { .. } => 6,
            ServerFact::Note { .. } => 4,
        }
    }
}

/// Keys that link server evidence to one request and to device evidence
/// (server-log-formats.md §9). All optional; hex values uppercase without separators.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerKeys {
    pub transaction_id: Option<String>,
    pub ca_request_id: Option<String>,
    pub serial_hex: Option<String>,
    pub sha1: Option<String>,
    pub device_id: Option<String>,
    /// Intune policy (profile) ID, a GUID with dashes, lower case.
    pub policy_id: Option<String>,
    pub template: Option<String>,
    /// Subject common name (CA `Request Common Name` / `Issued Common Name`, CMS signer).
    pub subject_cn: Option<String>,
    /// WCF `Correlation/@ActivityID`: one CRP call.
    pub activity_id: Option<String>,
}

impl ServerKeys {
    pub fn is_empty(&self) -> bool {
        *self == ServerKeys::default()
    }
}

/// One server-side fact, tied to the machine it was seen on.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerEvent {
    pub component: ServerComponent,
    pub fact: ServerFact,
    pub keys: ServerKeys,
}

impl ServerEvent {
    pub fn new(component: ServerComponent, fact: ServerFact) -> Self {
        ServerEvent {
            component,
            fact,
            keys: ServerKeys::default(),
        }
    }
}
