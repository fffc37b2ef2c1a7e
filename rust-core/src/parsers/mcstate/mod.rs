//! A sysdiagnose's configuration-profile state, `logs/MCState/Shared/`: which profiles
//! are installed (one `profile-<hash>.stub` each), the MDM enrolment (`MDM.plist`) and
//! the profile install/remove history (`MCProfileEvents.plist`); binary or XML property
//! lists. A format of its own, recognised by its path and its property-list head.
//!
//! What they hold becomes iOS evidence through the iOS parser, as the same facts in
//! `profiled`'s log would: an installed profile carrying a SCEP payload is `Profile “…”
//! installed.` at its `InstallDate`; an install in the history is the same message at
//! its time (unless the history later removes the profile). The property-list readers
//! (`plist`, the `plist` crate) come with the `unified-log` feature; without it the files
//! are listed as ignored. docs/unified-log.md §6 lists the files and keys.

#[cfg(feature = "unified-log")]
pub mod plist;

use crate::contract::InputKind;
use crate::input::Head;
use crate::parsers::{InputFormat, InputPath, Reader, Signal};

/// Which MCState file a sysdiagnose path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StateFile {
    /// `logs/MCState/Shared/profile-<hash>.stub`: one installed profile.
    ProfileStub,
    /// `logs/MCState/Shared/MDM.plist`: the MDM enrolment.
    MdmPlist,
    /// `logs/MCState/Shared/MCProfileEvents.plist`: profile installs and removals.
    ProfileEvents,
}

/// Recognises the MCState files this module reads (names only; `\` or `/`).
pub fn recognise_state(path: &str) -> Option<StateFile> {
    let mut parts = path.rsplit(['/', '\\']);
    let file = parts.next()?;
    let shared = parts.next()?;
    let state = parts.next()?;
    if shared != "Shared" || state != "MCState" {
        return None;
    }
    if file.starts_with("profile-") && file.ends_with(".stub") {
        Some(StateFile::ProfileStub)
    } else if file == "MDM.plist" {
        Some(StateFile::MdmPlist)
    } else if file == "MCProfileEvents.plist" {
        Some(StateFile::ProfileEvents)
    } else {
        None
    }
}

/// Largest state file read whole (profile stubs are a few to a few hundred KB).
pub const MAX_STATE_FILE: usize = 8 << 20;

pub struct McStateFormat;

impl InputFormat for McStateFormat {
    fn name(&self) -> &'static str {
        "ios profile state"
    }

    fn kind(&self) -> InputKind {
        InputKind::IosProfileState
    }

    fn recognise(&self, head: &Head<'_>) -> Option<Signal> {
        let plist = head.bytes.starts_with(b"bplist00") || head.text.contains("<plist");
        (plist && recognise_state(head.name).is_some()).then_some(Signal::Structure)
    }

    #[cfg(feature = "unified-log")]
    fn reader(&self, path: InputPath) -> Reader {
        match recognise_state(&path) {
            Some(file) => Reader::Document {
                parser: Box::new(reading::StateParser { path, file }),
                max_bytes: MAX_STATE_FILE,
            },
            None => Reader::Ignored("not a profile state file"),
        }
    }

    #[cfg(not(feature = "unified-log"))]
    fn reader(&self, _path: InputPath) -> Reader {
        Reader::Ignored(
            "an iOS sysdiagnose's profile state: this build does not read it (the certdoctor CLI and the iOS app do)",
        )
    }
}

#[cfg(feature = "unified-log")]
mod reading {
    use super::StateFile;
    use super::plist::{read_mdm_plist, read_profile_events, read_profile_stub};
    use crate::evidence::{EventKind, LogEvent, Platform, SourceRef};
    use crate::parsers::unified_log::{Level, Record};
    use crate::parsers::{DocumentParser, InputPath, LogOutput, LogParser};

    /// Reads one state file into the iOS parser's evidence.
    pub(super) struct StateParser {
        pub(super) path: InputPath,
        pub(super) file: StateFile,
    }

    impl DocumentParser for StateParser {
        fn parse(&mut self, bytes: &[u8]) -> Result<LogOutput, String> {
            // (time, message) facts in the words of profiled's log.
            let mut facts: Vec<(Option<String>, String)> = Vec::new();
            // The CA thumbprints the installed SCEP payloads name.
            let mut ca_thumbprints: Vec<String> = Vec::new();
            // MDM.plist: the enrolment's identifiers, as the file names them.
            let mut identity: crate::evidence::IdentityFacts = Vec::new();
            let mut records = 1u64;
            match self.file {
                StateFile::ProfileStub => {
                    let stub = read_profile_stub(&self.path, bytes).map_err(|e| e.to_string())?;
                    if stub.has_scep()
                        && stub.removal_date.is_none()
                        && let Some(id) = &stub.identifier
                    {
                        facts.push((stub.install_date.clone(), installed(id)));
                        ca_thumbprints.extend(
                            stub.payloads
                                .iter()
                                .filter_map(|p| p.scep.as_ref()?.ca_fingerprint.clone()),
                        );
                    }
                }
                StateFile::ProfileEvents => {
                    let events = read_profile_events(bytes).map_err(|e| e.to_string())?;
                    records = events.len() as u64;
                    for (i, e) in events.iter().enumerate() {
                        let install = e
                            .operation
                            .as_deref()
                            .is_some_and(|o| o.eq_ignore_ascii_case("install"));
                        let removed_later = events[i + 1..].iter().any(|l| {
                            l.profile_identifier == e.profile_identifier
                                && l.operation
                                    .as_deref()
                                    .is_some_and(|o| o.eq_ignore_ascii_case("remove"))
                        });
                        if install && !removed_later && e.profile_identifier.contains(".SCEP.") {
                            facts.push((e.time.clone(), installed(&e.profile_identifier)));
                        }
                    }
                }
                StateFile::MdmPlist => {
                    let mdm = read_mdm_plist(bytes).map_err(|e| e.to_string())?;
                    for (key, value) in [
                        ("ServerURL", mdm.server_url),
                        ("CheckInURL", mdm.check_in_url),
                        ("Topic", mdm.topic),
                        ("IdentityCertificateUUID", mdm.identity_certificate_uuid),
                        ("ManagingProfileIdentifier", mdm.managing_profile_identifier),
                    ] {
                        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
                            identity.push((key, value));
                        }
                    }
                }
            }
            let mut parser = crate::parsers::ios::IosParser::new(self.path.clone());
            for (i, (time, message)) in facts.iter().enumerate() {
                let line = match time.as_deref().and_then(unix_nanos) {
                    Some(time_ns) => Record {
                        time_ns,
                        time_from_header: false,
                        process: Some("profiled".into()),
                        pid: 0,
                        thread_id: 0,
                        subsystem: String::new(),
                        category: String::new(),
                        level: Level::Default,
                        message: message.clone(),
                        library: None,
                        partial: None,
                        arguments: Vec::new(),
                        member: String::new(),
                    }
                    .log_show_line(),
                    None => message.clone(),
                };
                parser.line(i as u64 + 1, &line);
            }
            let mut out = parser.finish();
            out.records = records;
            // Facts of the file as a whole: no time, no line.
            let whole_file = |kind: EventKind, text: String| LogEvent {
                platform: Platform::Ios,
                source: SourceRef::file(self.path.clone()),
                time: None,
                pid: None,
                text,
                kind,
            };
            if !identity.is_empty() {
                let text = crate::evidence::identity_text(&identity, usize::MAX);
                out.events.push(whole_file(
                    EventKind::DeviceIdentity { facts: identity },
                    text,
                ));
            }
            for thumbprint in ca_thumbprints {
                let text = format!("SCEP payload CAFingerprint {thumbprint}");
                out.events
                    .push(whole_file(EventKind::ScepProfileCa { thumbprint }, text));
            }
            Ok(out)
        }
    }

    fn installed(id: &str) -> String {
        format!("Profile “{id}” installed.")
    }

    /// `2024-01-07T22:10:05Z` → nanoseconds since 1970.
    fn unix_nanos(text: &str) -> Option<i64> {
        let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
            .ok()?;
        i64::try_from(t.unix_timestamp_nanos()).ok()
    }
}

#[cfg(all(test, feature = "unified-log"))]
mod tests {
    use super::*;
    use crate::evidence::EventKind;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/../tests/fixtures/mcstate/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    fn parse(path: &str, name: &str) -> crate::parsers::LogOutput {
        let Reader::Document { mut parser, .. } = McStateFormat.reader(std::sync::Arc::from(path))
        else {
            panic!("a document reader")
        };
        parser.parse(&fixture(name)).unwrap()
    }

    #[test]
    fn a_scep_profile_stub_is_an_installed_profile() {
        for name in ["profile-scep.stub", "profile-scep-binary.stub"] {
            let out = parse(&format!("s!/logs/MCState/Shared/{name}"), name);
            assert!(
                out.events
                    .iter()
                    .any(|e| matches!(e.kind, EventKind::CertificateInstalled { .. })),
                "{name}: {:?}",
                out.events
            );
            let e = &out.events[0];
            assert_eq!(
                e.time.as_ref().unwrap().text,
                "2024-01-07 22:10:05.000000+0000"
            );
        }
    }

    #[test]
    fn the_history_and_mdm_plist() {
        let out = parse(
            "s!/logs/MCState/Shared/MCProfileEvents.plist",
            "MCProfileEvents.plist",
        );
        assert_eq!(out.records, 2);
        assert!(
            out.events
                .iter()
                .any(|e| matches!(e.kind, EventKind::CertificateInstalled { .. }))
        );
        let out = parse("s!/logs/MCState/Shared/MDM.plist", "MDM.plist");
        // No profile evidence: the enrolment's identifiers, and the LogRead every log
        // output ends with.
        let kinds: Vec<&EventKind> = out.events.iter().map(|e| &e.kind).collect();
        let [EventKind::LogRead(_), EventKind::DeviceIdentity { facts }] = kinds[..] else {
            panic!("{kinds:?}")
        };
        let keys: Vec<&str> = facts.iter().map(|(k, _)| *k).collect();
        assert!(
            keys.contains(&"ServerURL") && keys.contains(&"Topic"),
            "{facts:?}"
        );
        assert!(facts.iter().all(|(_, v)| !v.is_empty()));
        assert_eq!(out.records, 1);
    }

    #[test]
    fn recognised_by_path_and_head() {
        let stub = fixture("profile-scep-binary.stub");
        let head = Head::new("x/logs/MCState/Shared/profile-1.stub", &stub, true);
        assert_eq!(McStateFormat.recognise(&head), Some(Signal::Structure));
        let head = Head::new("x/other/profile-1.stub", &stub, true);
        assert_eq!(McStateFormat.recognise(&head), None);
    }
}
