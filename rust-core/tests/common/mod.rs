//! Helpers shared by the core's integration tests.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// `der` as one PEM `CERTIFICATE` block, base64 in lines of 64 characters.
pub fn pem_of(der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut s = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        s.push('\n');
    }
    s.push_str("-----END CERTIFICATE-----\n");
    s
}
