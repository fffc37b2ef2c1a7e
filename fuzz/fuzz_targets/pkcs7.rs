#![no_main]
use libfuzzer_sys::fuzz_target;

// A PKCS#7 bundle through the whole session (sniffed by its name), so parsing, chain
// building and the report all see whatever certificates come out of it.
fuzz_target!(|data: &[u8]| {
    let mut s = certdoctor_core::Session::new(certdoctor_fuzz::options());
    s.add_bytes("bundle.p7b", data);
    certdoctor_fuzz::finish(s);
});
