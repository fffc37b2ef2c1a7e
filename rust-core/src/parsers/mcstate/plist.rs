//! A sysdiagnose's configuration-profile state (`logs/MCState/Shared/`), read into typed
//! facts: which profiles are installed, since when, whether MDM installed them, which
//! payloads they carry (SCEP ones with their URL, subject and CA fingerprint), the MDM
//! enrolment (`MDM.plist`) and the profile install/remove history
//! (`MCProfileEvents.plist`). Binary and XML property lists alike.
//!
//! The keys are those of Apple's configuration-profile reference and of public forensic
//! tools' readers (docs/unified-log.md names them); the fixtures are synthetic. Secrets
//! (a SCEP payload's `Challenge`) are never copied out: only whether one is present.

use plist::{Dictionary, Value};

#[cfg(test)]
use super::{StateFile, recognise_state};

/// Why a state file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    #[error("not a property list ({0})")]
    NotPlist(String),
    #[error("the property list is not a dictionary")]
    NotDictionary,
    #[error("larger than {0} bytes")]
    TooLarge(usize),
}

/// Largest state file read (profile stubs are a few to a few hundred KB).
pub const MAX_STATE_FILE: usize = 8 << 20;

/// One installed profile, from its stub.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileStub {
    pub identifier: Option<String>,
    pub uuid: Option<String>,
    pub display_name: Option<String>,
    pub organization: Option<String>,
    /// RFC 3339, UTC.
    pub install_date: Option<String>,
    pub removal_date: Option<String>,
    /// `InstallOptions.installedByMDM` (*verify* on a real stub).
    pub installed_by_mdm: Option<bool>,
    pub payloads: Vec<Payload>,
}

impl ProfileStub {
    /// Does the profile carry a SCEP payload?
    pub fn has_scep(&self) -> bool {
        self.payloads.iter().any(|p| p.scep.is_some())
    }
}

/// One payload of a profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Payload {
    /// `PayloadType`, e.g. `com.apple.security.scep`, `com.apple.security.pkcs1`,
    /// `com.apple.security.root`, `com.apple.wifi.managed`, `com.apple.mdm`.
    pub payload_type: String,
    pub identifier: Option<String>,
    pub uuid: Option<String>,
    pub display_name: Option<String>,
    /// For certificate payloads: the subject the stub records (`CertSubject`, *verify*).
    pub certificate_subject: Option<String>,
    pub scep: Option<Scep>,
}

/// What a SCEP payload says (its `PayloadContent`, or its own keys).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scep {
    pub url: Option<String>,
    pub name: Option<String>,
    /// `Subject` as `C=US, O=Contoso, CN=device` (RDNs in order).
    pub subject: Option<String>,
    /// `CAFingerprint` in upper-case hex.
    pub ca_fingerprint: Option<String>,
    pub key_size: Option<u64>,
    pub key_usage: Option<u64>,
    /// Is a challenge present? (Its value is never copied.)
    pub has_challenge: bool,
}

/// The MDM enrolment, from `MDM.plist` (the keys of the `com.apple.mdm` payload;
/// *verify* on a real file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MdmState {
    pub server_url: Option<String>,
    pub check_in_url: Option<String>,
    pub topic: Option<String>,
    pub identity_certificate_uuid: Option<String>,
    pub managing_profile_identifier: Option<String>,
}

/// One profile install or removal, from `MCProfileEvents.plist`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileEvent {
    pub profile_identifier: String,
    /// `install`, `remove`, … as written.
    pub operation: Option<String>,
    /// The process that did it (`profiled`, `mdmd`, …).
    pub process: Option<String>,
    /// RFC 3339, UTC.
    pub time: Option<String>,
}

fn dictionary(bytes: &[u8]) -> Result<Dictionary, StateError> {
    if bytes.len() > MAX_STATE_FILE {
        return Err(StateError::TooLarge(MAX_STATE_FILE));
    }
    let value = Value::from_reader(std::io::Cursor::new(bytes))
        .map_err(|e| StateError::NotPlist(e.to_string()))?;
    value.into_dictionary().ok_or(StateError::NotDictionary)
}

fn text(d: &Dictionary, key: &str) -> Option<String> {
    d.get(key).and_then(Value::as_string).map(str::to_string)
}

fn date(d: &Dictionary, key: &str) -> Option<String> {
    match d.get(key)? {
        Value::Date(t) => rfc3339(std::time::SystemTime::from(*t)),
        // Some tools write dates as text.
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn rfc3339(t: std::time::SystemTime) -> Option<String> {
    let t = time::OffsetDateTime::from(t);
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    ))
}

/// Reads a `profile-*.stub` (the path is only for the caller's notices).
pub fn read_profile_stub(_path: &str, bytes: &[u8]) -> Result<ProfileStub, StateError> {
    let d = dictionary(bytes)?;
    let payloads = d
        .get("PayloadContent")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_dictionary)
                .map(payload)
                .collect()
        })
        .unwrap_or_default();
    Ok(ProfileStub {
        identifier: text(&d, "PayloadIdentifier"),
        uuid: text(&d, "PayloadUUID"),
        display_name: text(&d, "PayloadDisplayName"),
        organization: text(&d, "PayloadOrganization"),
        install_date: date(&d, "InstallDate"),
        removal_date: date(&d, "RemovalDate"),
        installed_by_mdm: d
            .get("InstallOptions")
            .and_then(Value::as_dictionary)
            .and_then(|o| o.get("installedByMDM"))
            .and_then(Value::as_boolean),
        payloads,
    })
}

fn payload(d: &Dictionary) -> Payload {
    let payload_type = text(d, "PayloadType").unwrap_or_default();
    let scep = (payload_type == "com.apple.security.scep").then(|| {
        // The SCEP settings sit in the payload's own PayloadContent dictionary.
        let inner = d
            .get("PayloadContent")
            .and_then(Value::as_dictionary)
            .unwrap_or(d);
        scep(inner)
    });
    Payload {
        identifier: text(d, "PayloadIdentifier"),
        uuid: text(d, "PayloadUUID"),
        display_name: text(d, "PayloadDisplayName"),
        certificate_subject: text(d, "CertSubject"),
        scep,
        payload_type,
    }
}

fn scep(d: &Dictionary) -> Scep {
    let number = |key: &str| d.get(key).and_then(Value::as_unsigned_integer);
    Scep {
        url: text(d, "URL"),
        name: text(d, "Name"),
        subject: d.get("Subject").and_then(subject),
        ca_fingerprint: d
            .get("CAFingerprint")
            .and_then(Value::as_data)
            .map(|b| b.iter().map(|x| format!("{x:02X}")).collect()),
        key_size: number("Keysize"),
        key_usage: number("KeyUsage"),
        has_challenge: d
            .get("Challenge")
            .is_some_and(|c| c.as_string().is_some_and(|s| !s.is_empty())),
    }
}

/// `[[["C","US"]],[["CN","x"]]]` → `C=US, CN=x`.
fn subject(v: &Value) -> Option<String> {
    let mut parts = Vec::new();
    for rdn in v.as_array()? {
        for pair in rdn.as_array()? {
            let pair = pair.as_array()?;
            let (Some(k), Some(val)) = (
                pair.first().and_then(Value::as_string),
                pair.get(1).and_then(Value::as_string),
            ) else {
                continue;
            };
            parts.push(format!("{k}={val}"));
        }
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Reads `MDM.plist`.
pub fn read_mdm_plist(bytes: &[u8]) -> Result<MdmState, StateError> {
    let d = dictionary(bytes)?;
    Ok(MdmState {
        server_url: text(&d, "ServerURL"),
        check_in_url: text(&d, "CheckInURL"),
        topic: text(&d, "Topic"),
        identity_certificate_uuid: text(&d, "IdentityCertificateUUID"),
        managing_profile_identifier: text(&d, "ManagingProfileIdentifier"),
    })
}

/// Reads `MCProfileEvents.plist`: `ProfileEvents` is a list of one-key dictionaries,
/// profile identifier → {`Operation`, `Process`, `Timestamp`}.
pub fn read_profile_events(bytes: &[u8]) -> Result<Vec<ProfileEvent>, StateError> {
    let d = dictionary(bytes)?;
    let mut out = Vec::new();
    for event in d
        .get("ProfileEvents")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(event) = event.as_dictionary() else {
            continue;
        };
        for (id, detail) in event {
            let detail = detail.as_dictionary();
            out.push(ProfileEvent {
                profile_identifier: id.clone(),
                operation: detail.and_then(|x| text(x, "Operation")),
                process: detail.and_then(|x| text(x, "Process")),
                time: detail.and_then(|x| date(x, "Timestamp")),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/../tests/fixtures/mcstate/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn recognises_state_paths() {
        let root =
            "sysdiagnose_2024.01.07_23-20-38-0500_iPhone-OS_iPhone_20F66/logs/MCState/Shared";
        assert_eq!(
            recognise_state(&format!("{root}/profile-0a1b2c.stub")),
            Some(StateFile::ProfileStub)
        );
        assert_eq!(
            recognise_state(&format!("{root}/MDM.plist")),
            Some(StateFile::MdmPlist)
        );
        assert_eq!(
            recognise_state(&format!("{root}/MCProfileEvents.plist")),
            Some(StateFile::ProfileEvents)
        );
        assert_eq!(recognise_state(&format!("{root}/ProfileTruth.plist")), None);
        assert_eq!(recognise_state("profile-0a1b2c.stub"), None);
    }

    #[test]
    fn scep_profile_stub() {
        for name in ["profile-scep.stub", "profile-scep-binary.stub"] {
            let stub = read_profile_stub(name, &fixture(name)).unwrap();
            assert_eq!(
                stub.identifier.as_deref(),
                Some(
                    "www.windowsintune.com.SCEP.ModelName=AC_00000000-1111-2222-3333-444444444444/LogicalName_5555;Hash=-123456789"
                )
            );
            assert_eq!(
                stub.display_name.as_deref(),
                Some("Contoso SCEP (synthetic)")
            );
            assert_eq!(stub.install_date.as_deref(), Some("2024-01-07T22:10:05Z"));
            assert_eq!(stub.installed_by_mdm, Some(true));
            assert!(stub.has_scep());
            let scep = stub.payloads[0].scep.as_ref().unwrap();
            assert_eq!(
                scep.url.as_deref(),
                Some("https://ndes.contoso.example/certsrv/mscep/mscep.dll")
            );
            assert_eq!(
                scep.subject.as_deref(),
                Some("C=US, O=Contoso, CN=device-0001")
            );
            assert_eq!(
                scep.ca_fingerprint.as_deref(),
                Some("00112233445566778899AABBCCDDEEFF00112233")
            );
            assert_eq!((scep.key_size, scep.key_usage), (Some(2048), Some(5)));
            assert!(scep.has_challenge);
            assert_eq!(stub.payloads[1].payload_type, "com.apple.security.root");
            assert_eq!(
                stub.payloads[1].certificate_subject.as_deref(),
                Some("CN=Contoso Root CA")
            );
        }
    }

    #[test]
    fn mdm_plist_and_events() {
        let mdm = read_mdm_plist(&fixture("MDM.plist")).unwrap();
        assert_eq!(
            mdm.server_url.as_deref(),
            Some("https://r.manage.microsoft.com/devicegatewayproxy/ioshandler.ashx")
        );
        assert_eq!(
            mdm.topic.as_deref(),
            Some("com.apple.mgmt.External.00000000-aaaa-bbbb-cccc-dddddddddddd")
        );
        let events = read_profile_events(&fixture("MCProfileEvents.plist")).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[1].operation.as_deref(), Some("install"));
        assert_eq!(events[1].process.as_deref(), Some("profiled"));
        assert_eq!(events[1].time.as_deref(), Some("2024-01-07T22:10:05Z"));
    }

    #[test]
    fn hostile_state_files() {
        assert!(matches!(
            read_profile_stub("x", b"not a plist"),
            Err(StateError::NotPlist(_))
        ));
        assert_eq!(
            read_mdm_plist(b"<?xml version=\"1.0\"?><plist version=\"1.0\"><array/></plist>"),
            Err(StateError::NotDictionary)
        );
        assert!(read_profile_events(&[0u8; 64]).is_err());
        let cut = fixture("profile-scep-binary.stub");
        for n in 0..cut.len() {
            let _ = read_profile_stub("x", &cut[..n]);
        }
    }
}
