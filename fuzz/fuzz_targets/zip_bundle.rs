#![no_main]
use certdoctor_core::Session;
use libfuzzer_sys::fuzz_target;

// A bundle the way the CLI and the apps read it: the session reads any archive (zip, gzip,
// tar, cab, nested) member by member, from a stream and from memory.
fuzz_target!(|data: &[u8]| {
    let mut s = Session::new(certdoctor_fuzz::options());
    let mut r = data;
    s.add_reader("bundle", &mut r);
    s.add_bytes("bundle.zip", data);
    certdoctor_fuzz::finish(s);
});
