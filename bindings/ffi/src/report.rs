//! The report as uniffi records and enums: the JSON contract's shape, field for field
//! (report-contract.md § JSON report), with `From` conversions from the core's `Report`
//! and back (the way back lets `render` lay out a report the app kept).
//!
//! Finding IDs cross as their contract strings (`"CERT_EXPIRED"`): the catalog only ever
//! grows, and apps compare IDs as the JSON does.

use certdoctor_core::report as core;
use certdoctor_core::report::{
    CertRole as CoreCertRole, FindingId, InputKind as CoreInputKind,
    KeyAlgorithm as CoreKeyAlgorithm, KeyInfo as CoreKeyInfo, ManagementMode as CoreManagementMode,
    Platform as CorePlatform, Severity as CoreSeverity,
};

use crate::CertdoctorError;

/// The overall answer: did the SCEP certificate arrive?
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Verdict {
    Delivered,
    Failed,
    ActionRequired,
    InProgress,
    Inconclusive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum InputStatus {
    Ok,
    Error,
    Ignored,
}

/// What an input was recognised as, from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum InputKind {
    Certificate,
    Pkcs7,
    AndroidOmadmLog,
    IosProfiledLog,
    WindowsDmEvents,
    IisW3cLog,
    NdesPluginLog,
    IntuneConnectorSvclog,
    WindowsServerEvents,
    CaRequestList,
    CertutilView,
    ScepTestClientLog,
    IosUnifiedLog,
    IosProfileState,
    WindowsMdmDiagReport,
    IntuneConnectorSetupLog,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Platform {
    Android,
    Ios,
    Windows,
    Server,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ManagementMode {
    DeviceAdministrator,
    AndroidEnterprise,
    Knox,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CertRole {
    Root,
    Intermediate,
    Leaf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum KeyAlgorithm {
    Rsa,
    Ec,
    Ed25519,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Severity {
    Error,
    Action,
    Warning,
    Info,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InputEntry {
    pub path: String,
    pub kind: InputKind,
    pub status: InputStatus,
    pub records: u64,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct KeyInfo {
    pub algorithm: KeyAlgorithm,
    pub bits: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
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

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChainEntry {
    pub leaf_sha256: String,
    pub path: Vec<String>,
    pub complete: bool,
    pub signatures_valid: bool,
}

/// Keys that link one enrollment's evidence across sources; all optional.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EnrollmentIds {
    pub transaction_id: Option<String>,
    pub ca_request_id: Option<String>,
    pub serial_hex: Option<String>,
    pub sha1: Option<String>,
    pub intune_device_id: Option<String>,
    pub policy_id: Option<String>,
    pub template: Option<String>,
}

/// One of the six steps of an enrollment: the machines that showed it (`device`, `ndes`,
/// `connector`, `ca`) and how it went (`ok`, `failed`, `seen`, `not_seen`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StepEntry {
    pub step: u8,
    pub seen_on: Vec<String>,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EnrollmentEntry {
    pub platform: Platform,
    pub profile: Option<String>,
    pub state: String,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub ids: EnrollmentIds,
    pub management: Option<ManagementMode>,
    pub steps: Vec<StepEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TimelineEntry {
    pub time: Option<String>,
    pub source: String,
    pub step: u8,
    pub event: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EvidenceEntry {
    pub source: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FindingEntry {
    /// The stable upper snake case ID of the contract's catalog, e.g. `CERT_EXPIRED`.
    pub id: String,
    pub severity: Severity,
    pub step: u8,
    pub title: String,
    pub detail: String,
    pub remedy: String,
    pub certificate: Option<String>,
    pub resolved: bool,
    pub evidence: Vec<EvidenceEntry>,
    pub enrollment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RedactionInfo {
    pub applied: bool,
    pub kinds: Vec<String>,
}

/// The delivery report (report-contract.md § JSON report).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub generated_at: String,
    pub verdict: Verdict,
    pub summary: String,
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
    pub notices: Vec<String>,
    /// The SCEP endpoint probe (issue 23), in probe reports only.
    #[uniffi(default = None)]
    pub probe: Option<crate::probe::ProbeEntry>,
}

/// Both directions of a fieldless enum whose variants have the same names on both sides.
macro_rules! same_variants {
    ($ffi:ident, $core:path { $($v:ident),* $(,)? }) => {
        impl From<$core> for $ffi {
            fn from(v: $core) -> Self {
                use $core as C;
                match v { $( C::$v => $ffi::$v, )* }
            }
        }
        impl From<$ffi> for $core {
            fn from(v: $ffi) -> Self {
                use $core as C;
                match v { $( $ffi::$v => C::$v, )* }
            }
        }
    };
}

same_variants!(
    Verdict,
    core::Verdict {
        Delivered,
        Failed,
        ActionRequired,
        InProgress,
        Inconclusive
    }
);
same_variants!(InputStatus, core::InputStatus { Ok, Error, Ignored });
same_variants!(
    InputKind,
    CoreInputKind {
        Certificate,
        Pkcs7,
        AndroidOmadmLog,
        IosProfiledLog,
        WindowsDmEvents,
        IisW3cLog,
        NdesPluginLog,
        IntuneConnectorSvclog,
        WindowsServerEvents,
        CaRequestList,
        CertutilView,
        ScepTestClientLog,
        IosUnifiedLog,
        IosProfileState,
        WindowsMdmDiagReport,
        IntuneConnectorSetupLog,
        Unknown,
    }
);
same_variants!(
    Platform,
    CorePlatform {
        Android,
        Ios,
        Windows,
        Server
    }
);
same_variants!(
    ManagementMode,
    CoreManagementMode {
        DeviceAdministrator,
        AndroidEnterprise,
        Knox
    }
);
same_variants!(
    CertRole,
    CoreCertRole {
        Root,
        Intermediate,
        Leaf
    }
);
same_variants!(
    KeyAlgorithm,
    CoreKeyAlgorithm {
        Rsa,
        Ec,
        Ed25519,
        Other
    }
);
same_variants!(
    Severity,
    CoreSeverity {
        Error,
        Action,
        Warning,
        Info
    }
);

fn map<A, B: From<A>>(v: Vec<A>) -> Vec<B> {
    v.into_iter().map(B::from).collect()
}

impl From<core::Report> for Report {
    fn from(r: core::Report) -> Self {
        let core::Tool {
            name: _,
            version: _,
        } = &r.tool;
        let core::RedactionInfo {
            applied: _,
            kinds: _,
        } = &r.redaction;
        // Exhaustive: a field the core adds fails to compile here until it is mirrored.
        let core::Report {
            schema_version: _,
            tool: _,
            generated_at: _,
            verdict: _,
            summary: _,
            next_action: _,
            lang: _,
            platforms: _,
            server_components: _,
            redaction: _,
            inputs: _,
            certificates: _,
            chains: _,
            enrollments: _,
            timeline: _,
            findings: _,
            notices: _,
            probe: _,
        } = &r;
        Report {
            schema_version: r.schema_version,
            tool: Tool {
                name: r.tool.name,
                version: r.tool.version,
            },
            generated_at: r.generated_at,
            verdict: r.verdict.into(),
            summary: r.summary,
            next_action: r.next_action,
            lang: r.lang,
            platforms: map(r.platforms),
            server_components: r.server_components,
            redaction: RedactionInfo {
                applied: r.redaction.applied,
                kinds: r.redaction.kinds,
            },
            inputs: map(r.inputs),
            certificates: map(r.certificates),
            chains: map(r.chains),
            enrollments: map(r.enrollments),
            timeline: map(r.timeline),
            findings: map(r.findings),
            notices: r.notices,
            probe: r.probe.map(Into::into),
        }
    }
}

impl From<core::InputEntry> for InputEntry {
    fn from(e: core::InputEntry) -> Self {
        // Exhaustive: a field the core adds fails to compile here until it is mirrored.
        let core::InputEntry {
            path: _,
            kind: _,
            status: _,
            records: _,
            error: _,
        } = &e;
        InputEntry {
            path: e.path,
            kind: e.kind.into(),
            status: e.status.into(),
            records: e.records,
            error: e.error,
        }
    }
}

impl From<InputEntry> for core::InputEntry {
    fn from(e: InputEntry) -> Self {
        core::InputEntry {
            path: e.path,
            kind: e.kind.into(),
            status: e.status.into(),
            records: e.records,
            error: e.error,
        }
    }
}

impl From<CoreKeyInfo> for KeyInfo {
    fn from(k: CoreKeyInfo) -> Self {
        let CoreKeyInfo {
            algorithm: _,
            bits: _,
        } = &k;
        KeyInfo {
            algorithm: k.algorithm.into(),
            bits: k.bits,
        }
    }
}

impl From<KeyInfo> for CoreKeyInfo {
    fn from(k: KeyInfo) -> Self {
        CoreKeyInfo {
            algorithm: k.algorithm.into(),
            bits: k.bits,
        }
    }
}

impl From<core::CertificateEntry> for CertificateEntry {
    fn from(c: core::CertificateEntry) -> Self {
        // Exhaustive: a field the core adds fails to compile here until it is mirrored.
        let core::CertificateEntry {
            sha256: _,
            sha1: _,
            serial_hex: _,
            subject: _,
            subject_cn: _,
            issuer: _,
            issuer_cn: _,
            not_before: _,
            not_after: _,
            role: _,
            key: _,
            signature_algorithm: _,
            extended_key_usage: _,
            subject_alt_names: _,
            template: _,
            sources: _,
        } = &c;
        CertificateEntry {
            sha256: c.sha256,
            sha1: c.sha1,
            serial_hex: c.serial_hex,
            subject: c.subject,
            subject_cn: c.subject_cn,
            issuer: c.issuer,
            issuer_cn: c.issuer_cn,
            not_before: c.not_before,
            not_after: c.not_after,
            role: c.role.into(),
            key: c.key.into(),
            signature_algorithm: c.signature_algorithm,
            extended_key_usage: c.extended_key_usage,
            subject_alt_names: c.subject_alt_names,
            template: c.template,
            sources: c.sources,
        }
    }
}

impl From<CertificateEntry> for core::CertificateEntry {
    fn from(c: CertificateEntry) -> Self {
        core::CertificateEntry {
            sha256: c.sha256,
            sha1: c.sha1,
            serial_hex: c.serial_hex,
            subject: c.subject,
            subject_cn: c.subject_cn,
            issuer: c.issuer,
            issuer_cn: c.issuer_cn,
            not_before: c.not_before,
            not_after: c.not_after,
            role: c.role.into(),
            key: c.key.into(),
            signature_algorithm: c.signature_algorithm,
            extended_key_usage: c.extended_key_usage,
            subject_alt_names: c.subject_alt_names,
            template: c.template,
            sources: c.sources,
        }
    }
}

impl From<core::ChainEntry> for ChainEntry {
    fn from(c: core::ChainEntry) -> Self {
        // Exhaustive: a field the core adds fails to compile here until it is mirrored.
        let core::ChainEntry {
            leaf_sha256: _,
            path: _,
            complete: _,
            signatures_valid: _,
        } = &c;
        ChainEntry {
            leaf_sha256: c.leaf_sha256,
            path: c.path,
            complete: c.complete,
            signatures_valid: c.signatures_valid,
        }
    }
}

impl From<ChainEntry> for core::ChainEntry {
    fn from(c: ChainEntry) -> Self {
        core::ChainEntry {
            leaf_sha256: c.leaf_sha256,
            path: c.path,
            complete: c.complete,
            signatures_valid: c.signatures_valid,
        }
    }
}

impl From<core::EnrollmentIds> for EnrollmentIds {
    fn from(i: core::EnrollmentIds) -> Self {
        // Destructured so that a field the core adds fails to compile here until mirrored.
        let core::EnrollmentIds {
            transaction_id,
            ca_request_id,
            serial_hex,
            sha1,
            intune_device_id,
            policy_id,
            template,
        } = i;
        EnrollmentIds {
            transaction_id,
            ca_request_id,
            serial_hex,
            sha1,
            intune_device_id,
            policy_id,
            template,
        }
    }
}

impl From<EnrollmentIds> for core::EnrollmentIds {
    fn from(i: EnrollmentIds) -> Self {
        let EnrollmentIds {
            transaction_id,
            ca_request_id,
            serial_hex,
            sha1,
            intune_device_id,
            policy_id,
            template,
        } = i;
        core::EnrollmentIds {
            transaction_id,
            ca_request_id,
            serial_hex,
            sha1,
            intune_device_id,
            policy_id,
            template,
        }
    }
}

impl From<core::StepEntry> for StepEntry {
    fn from(e: core::StepEntry) -> Self {
        let core::StepEntry {
            step,
            seen_on,
            status,
        } = e;
        StepEntry {
            step,
            seen_on,
            status,
        }
    }
}

impl From<StepEntry> for core::StepEntry {
    fn from(e: StepEntry) -> Self {
        core::StepEntry {
            step: e.step,
            seen_on: e.seen_on,
            status: e.status,
        }
    }
}

impl From<core::EnrollmentEntry> for EnrollmentEntry {
    fn from(e: core::EnrollmentEntry) -> Self {
        let core::EnrollmentEntry {
            platform,
            profile,
            state,
            first_seen,
            last_seen,
            ids,
            management,
            steps,
        } = e;
        EnrollmentEntry {
            platform: platform.into(),
            profile,
            state,
            first_seen,
            last_seen,
            ids: ids.into(),
            management: management.map(Into::into),
            steps: map(steps),
        }
    }
}

impl From<EnrollmentEntry> for core::EnrollmentEntry {
    fn from(e: EnrollmentEntry) -> Self {
        core::EnrollmentEntry {
            platform: e.platform.into(),
            profile: e.profile,
            state: e.state,
            first_seen: e.first_seen,
            last_seen: e.last_seen,
            ids: e.ids.into(),
            management: e.management.map(Into::into),
            steps: map(e.steps),
        }
    }
}

impl From<core::TimelineEntry> for TimelineEntry {
    fn from(t: core::TimelineEntry) -> Self {
        // Exhaustive: a field the core adds fails to compile here until it is mirrored.
        let core::TimelineEntry {
            time: _,
            source: _,
            step: _,
            event: _,
            text: _,
        } = &t;
        TimelineEntry {
            time: t.time,
            source: t.source,
            step: t.step,
            event: t.event,
            text: t.text,
        }
    }
}

impl From<TimelineEntry> for core::TimelineEntry {
    fn from(t: TimelineEntry) -> Self {
        core::TimelineEntry {
            time: t.time,
            source: t.source,
            step: t.step,
            event: t.event,
            text: t.text,
        }
    }
}

impl From<core::EvidenceEntry> for EvidenceEntry {
    fn from(e: core::EvidenceEntry) -> Self {
        // Exhaustive: a field the core adds fails to compile here until it is mirrored.
        let core::EvidenceEntry { source: _, text: _ } = &e;
        EvidenceEntry {
            source: e.source,
            text: e.text,
        }
    }
}

impl From<EvidenceEntry> for core::EvidenceEntry {
    fn from(e: EvidenceEntry) -> Self {
        core::EvidenceEntry {
            source: e.source,
            text: e.text,
        }
    }
}

impl From<core::FindingEntry> for FindingEntry {
    fn from(f: core::FindingEntry) -> Self {
        // Exhaustive: a field the core adds fails to compile here until it is mirrored.
        let core::FindingEntry {
            id: _,
            severity: _,
            step: _,
            title: _,
            detail: _,
            remedy: _,
            certificate: _,
            resolved: _,
            evidence: _,
            enrollment: _,
        } = &f;
        FindingEntry {
            id: f.id.as_str().to_string(),
            severity: f.severity.into(),
            step: f.step,
            title: f.title,
            detail: f.detail,
            remedy: f.remedy,
            certificate: f.certificate,
            resolved: f.resolved,
            evidence: map(f.evidence),
            enrollment: f.enrollment,
        }
    }
}

impl TryFrom<FindingEntry> for core::FindingEntry {
    type Error = CertdoctorError;

    fn try_from(f: FindingEntry) -> Result<Self, CertdoctorError> {
        let id = FindingId::parse(&f.id).ok_or_else(|| CertdoctorError::InvalidReport {
            reason: format!("unknown finding id {:?}", f.id),
        })?;
        Ok(core::FindingEntry {
            id,
            severity: f.severity.into(),
            step: f.step,
            title: f.title,
            detail: f.detail,
            remedy: f.remedy,
            certificate: f.certificate,
            resolved: f.resolved,
            evidence: map(f.evidence),
            enrollment: f.enrollment,
        })
    }
}

impl TryFrom<Report> for core::Report {
    type Error = CertdoctorError;

    fn try_from(r: Report) -> Result<Self, CertdoctorError> {
        Ok(core::Report {
            schema_version: r.schema_version,
            tool: core::Tool {
                name: r.tool.name,
                version: r.tool.version,
            },
            generated_at: r.generated_at,
            verdict: r.verdict.into(),
            summary: r.summary,
            next_action: r.next_action,
            lang: r.lang,
            platforms: map(r.platforms),
            server_components: r.server_components,
            redaction: core::RedactionInfo {
                applied: r.redaction.applied,
                kinds: r.redaction.kinds,
            },
            inputs: map(r.inputs),
            certificates: map(r.certificates),
            chains: map(r.chains),
            enrollments: map(r.enrollments),
            timeline: map(r.timeline),
            findings: r
                .findings
                .into_iter()
                .map(TryInto::try_into)
                .collect::<Result<_, _>>()?,
            notices: r.notices,
            probe: r.probe.map(Into::into),
        })
    }
}
