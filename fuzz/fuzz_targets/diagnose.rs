#![no_main]
use libfuzzer_sys::fuzz_target;

// The whole diagnose entry: the input split into up to four inputs named by the first
// byte, so sniffing by name and content, merging and the report are all exercised.
fuzz_target!(|data: &[u8]| {
    const NAMES: [&str; 8] = [
        "OMADM.log", "profiled.log", "events.xml", "cert.pem", "bundle.p7b", "x.cer",
        "DeviceManagement.csv", "notes.txt",
    ];
    let mut s = certdoctor_core::Session::new(certdoctor_fuzz::options());
    let sel = data.first().copied().unwrap_or(0) as usize;
    let rest = data.get(1..).unwrap_or(&[]);
    for (i, part) in rest.split(|&b| b == 0xFF).take(4).enumerate() {
        s.add_bytes(NAMES[(sel + i) % NAMES.len()], part);
    }
    certdoctor_fuzz::finish(s);
});
