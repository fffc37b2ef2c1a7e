//! Property tests over the whole session: any bytes, under any name, in any chunking →
//! no panic, and the JSON report parses. Case counts stay modest so the suite is fast.

use certdoctor_core::{Format, InputStream, Lang, Options, Session};
use proptest::prelude::*;

const NAMES: [&str; 8] = [
    "OMADM.log",
    "profiled.log",
    "events.xml",
    "DeviceManagement.csv",
    "cert.pem",
    "bundle.p7b",
    "x.cer",
    "notes.txt",
];

fn options() -> Options {
    Options {
        now: time::OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("constant"),
        redact: true,
        lang: Lang::En,
    }
}

fn check(inputs: &[(usize, Vec<u8>, usize)]) -> Result<(), TestCaseError> {
    let mut s = Session::new(options());
    for (name, bytes, chunk) in inputs {
        let mut stream = InputStream::new(NAMES[name % NAMES.len()]);
        for c in bytes.chunks((*chunk).max(1)) {
            stream.push(c);
        }
        s.add(stream.finish());
    }
    let report = s.finish();
    let json = report.render(Format::Json);
    let parsed: Result<serde_json::Value, _> = serde_json::from_str(&json);
    prop_assert!(parsed.is_ok(), "invalid JSON: {json}");
    let _ = report.render(Format::Text);
    Ok(())
}

/// Bytes that look like the logs (so parsers get past their headers) mixed with noise.
fn loglike() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::sample::select(vec![
        &b"2019-10-22T07:15:04.0980000    INFO    org.jscep.transport.UrlConnectionGetTransport    27604    03318    "[..],
        b"SCEP cert 'ModelName=AC_1/LogicalName_x;Hash=-12' state changed from A to B",
        b"Received '500 Internal Server Error' when sending PKIOperation to https://h/x?operation=PKIOperation",
        b"CertRep@1[pkiStatus=FAILURE,failInfo=badRequest,transId=ab]",
        b"\n", b"\r\n", b"\r", b"\tat com.x.Y(Y.java:1)", b"\xff\xfe", b"\xef\xbb\xbf", b"\\'93",
        b"<Event><System><EventID>32</EventID></System></Event>",
        b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        b"Line 12: ", b"> ", b"\x00", b"\xe9",
    ]);
    prop::collection::vec(
        prop_oneof![
            pieces.prop_map(|p| p.to_vec()),
            prop::collection::vec(any::<u8>(), 0..40)
        ],
        0..60,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_any_name(inputs in prop::collection::vec(
        (0usize..8, prop::collection::vec(any::<u8>(), 0..9000), 1usize..5000), 1..4)) {
        check(&inputs)?;
    }

    #[test]
    fn loglike_bytes_any_chunking(inputs in prop::collection::vec(
        (0usize..8, loglike(), 1usize..700), 1..4)) {
        check(&inputs)?;
    }
}
