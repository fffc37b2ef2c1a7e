//! Server event exports in every shape.

use super::*;
use crate::evidence::EventKind;
use crate::evidence::server::{Disposition, ServerFact};
use crate::parsers::server::test_util::*;

#[test]
fn ndes_xml_submit_rpc() {
    let out = run(
        &mut ServerEventsParser::new("e".into()),
        &sample("ndes-app-events-submit-rpc.xml"),
    );
    let f = facts(&out);
    assert_eq!(f.len(), 3, "{f:?}");
    assert_eq!(f[0], ServerFact::NdesService { started: true });
    assert!(
        matches!(
            f[1],
            ServerFact::CaSubmitFailed {
                code: Some(0x8007_06BE),
                ..
            }
        ),
        "{:?}",
        f[1]
    );
    assert!(
        matches!(
            f[2],
            ServerFact::CaSubmitFailed {
                code: Some(0x8007_06BA),
                ..
            }
        ),
        "{:?}",
        f[2]
    );
}

#[test]
fn connector_text_blocks() {
    let out = run(
        &mut ServerEventsParser::new("e".into()),
        &sample("connector-events-notify-failed.txt"),
    );
    let f = facts(&out);
    assert_eq!(f.len(), 6);
    assert_eq!(f[0], ServerFact::RequestReceived);
    assert_eq!(f[1], ServerFact::ChallengeVerified);
    assert!(matches!(
        f[2],
        ServerFact::CaDecision {
            disposition: Disposition::Issued,
            ..
        }
    ));
    assert!(matches!(
        f[3],
        ServerFact::NotifyFailed { retrying: true, .. }
    ));
    assert!(matches!(
        f[5],
        ServerFact::NotifyFailed {
            retrying: false,
            ..
        }
    ));
    match &out.events[2].kind {
        EventKind::Server(s) => {
            assert_eq!(
                s.keys.sha1.as_deref(),
                Some("9B2E71C405AD38F611E0C74A925DBB06E37F28D1")
            );
            assert_eq!(
                s.keys.device_id.as_deref(),
                Some("3f6b2a90-5c1d-4e7f-8a2b-9c0d1e2f3a4b")
            );
            assert_eq!(
                s.keys.policy_id.as_deref(),
                Some("8d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d")
            );
        }
        _ => panic!(),
    }
    assert_eq!(
        out.events[0].time.as_ref().unwrap().text,
        "6/3/2026 2:45:02 PM"
    );
}

#[test]
fn csv_and_message_only_and_ca_denial() {
    let text = "Level,Date and Time,Source,Event ID,Task Category\n\
                Error,6/3/2026 2:10:00 PM,Microsoft-Windows-CertificationAuthority,53,None,\"Active Directory Certificate Services denied request 3388 because The permissions on the certificate template do not allow the current user to enroll for this type of certificate. 0x80094012 (-2146877422 CERTSRV_E_TEMPLATE_DENIED).  The request was for CN=mei.chen.\"\n\
                Error,6/3/2026 2:11:00 PM,WAS,5009,None,A process serving application pool 'SCEP' terminated unexpectedly.\n";
    let out = run(&mut ServerEventsParser::new("e".into()), text);
    let f = facts(&out);
    assert!(
        matches!(
            f[0],
            ServerFact::CaDecision {
                disposition: Disposition::Denied,
                code: Some(0x8009_4012),
                ..
            }
        ),
        "{f:?}"
    );
    match &out.events[0].kind {
        EventKind::Server(s) => {
            assert_eq!(s.keys.ca_request_id.as_deref(), Some("3388"));
            assert_eq!(s.keys.subject_cn.as_deref(), Some("mei.chen"));
        }
        _ => panic!(),
    }
    assert!(matches!(
        f[1],
        ServerFact::NdesFailure {
            step: 2,
            crp: false,
            ..
        }
    ));
    let f = facts(&run(
        &mut ServerEventsParser::new("e".into()),
        "The Network Device Enrollment Service cannot submit the certificate request (0x80004005). The requested certificate template is not supported by this CA.\n",
    ));
    assert!(
        matches!(
            f[0],
            ServerFact::CaDecision {
                code: Some(0x8009_4800),
                ..
            }
        ),
        "{f:?}"
    );
}

#[test]
fn powershell_format_list_and_export_csv() {
    let fl = "\nTimeCreated  : 7/9/2026 6:03:47 AM\nProviderName : Microsoft-Windows-NetworkDeviceEnrollmentService\nId           : 31\nMessage      : The Network Device Enrollment Service cannot submit the certificate\n               request (0x800706ba). The RPC server is unavailable.\n\n\
              TimeCreated  : 7/9/2026 6:09:02 AM\nProviderName : Microsoft-Windows-CertificationAuthority\nId           : 8\nMessage      : Active Directory Certificate Services left request 12 pending.\n";
    let f = facts(&run(&mut ServerEventsParser::new("e".into()), fl));
    assert!(
        matches!(
            f[0],
            ServerFact::CaSubmitFailed {
                code: Some(0x8007_06BA),
                ..
            }
        ),
        "{f:?}"
    );
    assert!(
        matches!(
            f[1],
            ServerFact::CaDecision {
                disposition: Disposition::Pending,
                ..
            }
        ),
        "{f:?}"
    );
    let csv = "#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord\n\"Id\",\"ProviderName\",\"TimeCreated\",\"Message\"\n\"4009\",\"Microsoft-Intune-CertificateConnectors\",\"6/3/2026 2:45:35 PM\",\"ScepNotifyAttemptFailed\"\n";
    let f = facts(&run(&mut ServerEventsParser::new("e".into()), csv));
    assert!(
        matches!(f[0], ServerFact::NotifyFailed { retrying: true, .. }),
        "{f:?}"
    );
}

proptest::proptest! {
    #[test]
    fn arbitrary_lines_never_panic(lines in proptest::collection::vec(".{0,200}", 0..20), shape in 0..3u8) {
        let mut p = ServerEventsParser::new("p".into());
        let first = ["<Events>", "Log Name: Application", "Level,Date and Time,Source,Event ID,Task Category"][shape as usize];
        p.line(1, first);
        for (i, l) in lines.iter().enumerate() {
            p.line(i as u64 + 2, l);
        }
        let _ = p.finish();
    }
}
