#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = certdoctor_core::parsers::certs::parse_certificate_file(data);
});
