#![no_main]
//! Windows MDM diagnostics reports (parsers/windows/mdmdiag): the input as
//! `MDMDiagReport.xml` (its root element put in front when missing) and as the HTML
//! report, through a session.
use certdoctor_core::Session;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut s = Session::new(certdoctor_fuzz::options());
    let root = b"<MDMEnterpriseDiagnosticsReport>";
    let mut xml = Vec::with_capacity(data.len() + root.len());
    if !data.windows(root.len()).any(|w| w == root) {
        xml.extend_from_slice(root);
    }
    xml.extend_from_slice(data);
    s.add_bytes("MDMDiagReport.xml", &xml);
    let mut html = b"<html>".to_vec();
    html.extend_from_slice(data);
    s.add_bytes("MDMDiagnostics/MDMDiagReport.html", &html);
    certdoctor_fuzz::finish(s);
});
