#![no_main]
use certdoctor_core::Session;
use libfuzzer_sys::fuzz_target;

// A bundle the way the CLI and the apps read it: the session reads any archive (zip, gzip,
// tar, cab, nested) member by member, from a stream and from memory.
fuzz_target!(|data: &[u8]| {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        // libfuzzer-sys aborts on any panic, even one a reader contains (the cab crate
        // panics on some crafted cabinets; certdoctor turns that into the member's
        // error). CONTAINED_PANICS_OK=1 puts the default hook back, so that only a panic
        // escaping certdoctor stops the run.
        if std::env::var_os("CONTAINED_PANICS_OK").is_some() {
            let _ = std::panic::take_hook();
        }
    });
    let mut s = Session::new(certdoctor_fuzz::options());
    let mut r = data;
    s.add_reader("bundle", &mut r);
    s.add_bytes("bundle.zip", data);
    certdoctor_fuzz::finish(s);
});
