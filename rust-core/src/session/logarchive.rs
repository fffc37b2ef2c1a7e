//! Logarchives met among the inputs (a sysdiagnose's `system_logs.logarchive`, an
//! unpacked one, a zipped one): their members are routed here by path, from any input or
//! archive and in any order, and each logarchive becomes one input of kind
//! `ios_unified_log` at `finish`, its records read by the iOS parser
//! (`parsers::unified_log::records_to_log`) and its reader's notices in the report's
//! language. Without the `unified-log` feature a logarchive is one ignored input.

use std::collections::BTreeMap;
use std::io::Read;

use super::Session;
use crate::parsers::unified_log::{archive_root, recognise};

/// Logarchives by root path.
#[derive(Default)]
pub(super) struct LogArchives {
    roots: BTreeMap<String, Slot>,
}

struct Slot {
    /// Members routed here (named in the input's reason when the build cannot read them).
    #[cfg_attr(feature = "unified-log", allow(dead_code))]
    members: u64,
    #[cfg(feature = "unified-log")]
    reader: crate::parsers::unified_log::LogArchive,
}

impl LogArchives {
    /// Takes the member at `path` when the path says it belongs to a logarchive.
    pub(super) fn claim(&mut self, path: &str, content: &mut dyn Read) -> bool {
        let Some(member) = recognise(path) else {
            return false;
        };
        let root = archive_root(path, &member).to_string();
        let slot = self.roots.entry(root).or_insert_with(|| Slot {
            members: 0,
            #[cfg(feature = "unified-log")]
            reader: crate::parsers::unified_log::LogArchive::new(
                crate::parsers::unified_log::Selection::mdm_and_scep(),
            ),
        });
        slot.members += 1;
        #[cfg(feature = "unified-log")]
        slot.reader.add_member_as(member.kind, path, content);
        #[cfg(not(feature = "unified-log"))]
        let _ = content;
        true
    }

    /// Each logarchive, read, into the session.
    pub(super) fn finish_into(self, session: &mut Session) {
        for (root, slot) in self.roots {
            #[cfg(feature = "unified-log")]
            read::add(session, &root, slot.reader);
            #[cfg(not(feature = "unified-log"))]
            {
                use crate::contract::InputKind;
                use crate::report::{InputEntry, InputStatus};
                use sha2::Digest;
                session.key.update(root.as_bytes());
                session.inputs.push(InputEntry {
                    path: root,
                    kind: InputKind::IosUnifiedLog,
                    status: InputStatus::Ignored,
                    records: 0,
                    error: Some(format!(
                        "an iOS unified log ({} members): this build does not read it; the certdoctor CLI and the iOS app do",
                        slot.members
                    )),
                });
            }
        }
    }
}

#[cfg(feature = "unified-log")]
mod read {
    use std::sync::Arc;

    use super::Session;
    use crate::contract::InputKind;
    use crate::parsers::unified_log::{LogArchive, MemberKind, Notice, Record, records_to_log};
    use crate::report::messages::Messages;

    impl Session {
        /// Unified-log records read elsewhere (or built by a test), as one input of kind
        /// `ios_unified_log`: the same evidence as a logarchive's records.
        pub fn add_unified_log_records(&mut self, path: &str, records: &[Record]) {
            let log = records_to_log(Arc::from(path), records);
            self.add_log(path, InputKind::IosUnifiedLog, log, None);
        }
    }

    pub(super) fn add(session: &mut Session, root: &str, reader: LogArchive) {
        let out = reader.finish();
        let log = records_to_log(Arc::from(root), out.records.iter());
        let error = (out.counts.tracev3_files == 0).then(|| {
            "no log file (.tracev3) of the logarchive was found: no record could be read"
                .to_string()
        });
        let m = Messages::get(session.options.lang);
        let notices: Vec<String> = out
            .notices
            .iter()
            .map(|n| notice_text(m, root, n))
            .collect();
        session.add_log(root, InputKind::IosUnifiedLog, log, error);
        session.notices.extend(notices);
    }

    fn what(kind: MemberKind) -> &'static str {
        match kind {
            MemberKind::Tracev3 => "tracev3",
            MemberKind::UuidText(_) => "uuidtext",
            MemberKind::Dsc(_) => "dsc",
            MemberKind::Timesync => "timesync",
            MemberKind::InfoPlist => "info",
        }
    }

    /// A reader's notice in the report's language.
    pub(super) fn notice_text(m: &Messages, root: &str, n: &Notice) -> String {
        let a = |k: &'static str, v: String| (k, v);
        let root = a("archive", root.to_string());
        match n {
            Notice::MemberUnreadable {
                member,
                kind,
                error,
            } => m.text(
                "ul-member-unreadable",
                &[
                    a("member", member.clone()),
                    a("what", what(*kind).to_string()),
                    a("error", error.to_string()),
                ],
            ),
            Notice::PartialMessages {
                records,
                missing_images,
                missing_shared_caches,
                not_kept,
                oversize_missing,
            } => m.text(
                "ul-partial-messages",
                &[
                    root,
                    a("records", records.to_string()),
                    a("images", missing_images.to_string()),
                    a("caches", missing_shared_caches.to_string()),
                    a("notkept", not_kept.to_string()),
                    a("oversize", oversize_missing.to_string()),
                ],
            ),
            Notice::ProcessesUnknown { records } => m.text(
                "ul-processes-unknown",
                &[root, a("records", records.to_string())],
            ),
            Notice::TimesFromLogHeader { boot, records } => m.text(
                "ul-times-from-header",
                &[
                    root,
                    a("boot", boot.clone()),
                    a("records", records.to_string()),
                ],
            ),
            Notice::PendingDropped { chunksets, bytes } => m.text(
                "ul-pending-dropped",
                &[
                    root,
                    a("chunksets", chunksets.to_string()),
                    a("bytes", bytes.to_string()),
                ],
            ),
            Notice::FormattedEarly { files, records } => m.text(
                "ul-formatted-early",
                &[
                    root,
                    a("files", files.to_string()),
                    a("records", records.to_string()),
                ],
            ),
            Notice::ProcessesNeverIdentified { chunksets } => m.text(
                "ul-never-identified",
                &[root, a("chunksets", chunksets.to_string())],
            ),
            Notice::NoStringStores => m.text("ul-no-string-stores", &[root]),
            Notice::NoLogFiles => m.text("ul-no-log-files", &[root]),
        }
    }
}
