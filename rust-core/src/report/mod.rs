//! The report: the contract's JSON document as Rust types (`Report`), built once from
//! the diagnosis, redacted once, then laid out by the renderers (json, text, markdown).
//! Renderers never compute: everything they print is a field of `Report`.

pub mod build;
pub mod html;
pub mod json;
pub mod markdown;
pub mod messages;
pub mod probe;
pub mod text;

use serde::Serialize;

pub use crate::contract::{FindingId, InputKind, Severity, Verdict, format_utc};
pub use crate::evidence::{CertRole, KeyAlgorithm, KeyInfo, ManagementMode, Platform};
pub use messages::Lang;

/// Version of the JSON document's shape (report-contract.md).
pub const SCHEMA_VERSION: u32 = 1;

/// Output formats of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
    /// One self-contained HTML page (inline CSS, nothing fetched).
    Html,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputStatus {
    Ok,
    Error,
    Ignored,
}

#[derive(Debug, Clone, Serialize)]
pub struct InputEntry {
    pub path: String,
    pub kind: InputKind,
    pub status: InputStatus,
    pub records: u64,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CertificateEntry {
    pub sha256: String,
    pub sha1: String,
    pub serial_hex: String,
    pub subject: String,
    pub subject_cn: Option<String>,
    pub issuer: String,
    pub issuer_cn: Option<String>,
    pub not_before: String,
    pub not_after: String,
    pub role: CertRole,
    pub key: KeyInfo,
    pub signature_algorithm: String,
    pub extended_key_usage: Vec<String>,
    pub subject_alt_names: Vec<String>,
    pub template: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChainEntry {
    pub leaf_sha256: String,
    pub path: Vec<String>,
    pub complete: bool,
    pub signatures_valid: bool,
}

/// Keys that link one enrollment's evidence across sources; all optional.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EnrollmentIds {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial_hex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha1: Option<String>,
    /// Additive (issue 9): Intune device ID from connector evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intune_device_id: Option<String>,
    /// Additive (issue 9): Intune policy (profile) ID from connector evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_id: Option<String>,
    /// Additive (issue 9): certificate template named by the CA or the connector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

/// Additive (issue 9): one of the six steps of an enrollment, with the machines that
/// showed it (`device`, `ndes`, `connector`, `ca`) and how it went
/// (`ok`, `failed`, `seen`, `not_seen`).
#[derive(Debug, Clone, Serialize)]
pub struct StepEntry {
    pub step: u8,
    pub seen_on: Vec<String>,
    pub status: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnrollmentEntry {
    pub platform: Platform,
    pub profile: Option<String>,
    pub state: String,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub ids: EnrollmentIds,
    /// Additive: how the Android device is managed, when the log shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub management: Option<ManagementMode>,
    /// Additive (issue 9): the six steps and the machines each was seen on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<StepEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    pub time: Option<String>,
    pub source: String,
    pub step: u8,
    pub event: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceEntry {
    pub source: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingEntry {
    pub id: FindingId,
    pub severity: Severity,
    pub step: u8,
    pub title: String,
    pub detail: String,
    pub remedy: String,
    pub certificate: Option<String>,
    pub resolved: bool,
    pub evidence: Vec<EvidenceEntry>,
    /// Additive: the enrollment (profile) the finding belongs to, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enrollment: Option<String>,
}

/// Additive: whether values were replaced by tokens, and which kinds were.
#[derive(Debug, Clone, Serialize)]
pub struct RedactionInfo {
    pub applied: bool,
    pub kinds: Vec<String>,
}

/// The delivery report (report-contract.md § JSON report). Field order is the JSON order.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub generated_at: String,
    pub verdict: Verdict,
    pub summary: String,
    /// Additive: the one thing to do next, in words for the reader.
    pub next_action: String,
    pub lang: String,
    pub platforms: Vec<Platform>,
    pub server_components: Vec<String>,
    pub redaction: RedactionInfo,
    pub inputs: Vec<InputEntry>,
    pub certificates: Vec<CertificateEntry>,
    pub chains: Vec<ChainEntry>,
    pub enrollments: Vec<EnrollmentEntry>,
    pub timeline: Vec<TimelineEntry>,
    pub findings: Vec<FindingEntry>,
    /// Additive: notices about the run itself (limits reached, entries dropped).
    pub notices: Vec<String>,
    /// Additive (issue 23): the SCEP endpoint probe, in probe reports only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<probe::ProbeEntry>,
}

impl Report {
    /// Lays the report out in `format`. JSON is pretty-printed with a final newline.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => json::render(self),
            Format::Text => text::render(self),
            Format::Markdown => markdown::render(self),
            Format::Html => html::render(self),
        }
    }
}
