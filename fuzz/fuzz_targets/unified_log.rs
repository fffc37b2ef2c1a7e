#![no_main]
//! The unified-log reader (certdoctor-core feature `unified-log`): the input is read as a
//! tracev3 file, then as each string store, then as an MCState property list.
//!
//! libfuzzer-sys aborts on any panic, even one the reader contains (its calls into
//! macos-unifiedlogs run under catch_unwind and become a notice). With
//! CONTAINED_PANICS_OK=1 in the environment the default panic hook is put back, so that
//! only a panic escaping the reader stops the run.
use certdoctor_core::parsers::mcstate::plist as mcstate;
use certdoctor_core::parsers::unified_log::{LogArchive, MemberKind, Rule, Selection, Uuid};
use libfuzzer_sys::fuzz_target;

fn selection() -> Selection {
    let mut s = Selection::mdm_and_scep();
    // Subsystem rules decide chunk sets from the catalog alone: more code is reached.
    s.rules.push(Rule::subsystem("com.apple.UIKit"));
    s
}

fuzz_target!(|data: &[u8]| {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        if std::env::var_os("CONTAINED_PANICS_OK").is_some() {
            let _ = std::panic::take_hook();
        }
    });
    let uuid = Uuid(0x0123_4567_89AB_CDEF_0123_4567_89AB_CDEF);
    // Alone, as a log file.
    let mut a = LogArchive::new(selection());
    a.add_member_as(MemberKind::Tracev3, "x.logarchive/Persist/1.tracev3", &mut &data[..]);
    let _ = a.finish();
    // As each string store, then a log file of the same bytes after them.
    let mut a = LogArchive::new(selection());
    a.add_member_as(MemberKind::UuidText(uuid), "x.logarchive/01/23456789ABCDEF0123456789ABCDEF", &mut &data[..]);
    a.add_member_as(MemberKind::Dsc(uuid), "x.logarchive/dsc/0123456789ABCDEF0123456789ABCDEF", &mut &data[..]);
    a.add_member_as(MemberKind::Timesync, "x.logarchive/timesync/1.timesync", &mut &data[..]);
    a.add_member_as(MemberKind::Tracev3, "x.logarchive/Special/1.tracev3", &mut &data[..]);
    let _ = a.finish();
    // As MCState property lists.
    let _ = mcstate::read_profile_stub("logs/MCState/Shared/profile-x.stub", data);
    let _ = mcstate::read_mdm_plist(data);
});
