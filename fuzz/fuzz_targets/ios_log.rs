#![no_main]
use certdoctor_core::input::InputKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    certdoctor_fuzz::parse_log(InputKind::IosProfiledLog, "profiled.log", data);
    // And through the session, as a file of that name.
    let mut s = certdoctor_core::Session::new(certdoctor_fuzz::options());
    s.add_bytes("profiled.log", data);
    certdoctor_fuzz::finish(s);
});
