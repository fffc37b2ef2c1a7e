//! `NO_EVIDENCE`, told two ways (issue 21): nothing certdoctor reads was sent, or the
//! right log was sent but it holds no SCEP activity in the time it covers. The first needs
//! other files; the second the same log again, covering the enrollment.

use crate::evidence::{EventKind, LogEvent, TimeSpan};

use super::FindingId;
use super::finding::{Evidence, Finding};

/// The `NO_EVIDENCE` finding for `events` (which hold no SCEP activity) and whether it is
/// the right-log case.
pub(super) fn finding(events: &[LogEvent]) -> (Finding, bool) {
    let reads: Vec<&LogEvent> = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::LogRead(_)))
        .collect();
    if reads.is_empty() {
        return (
            Finding::new(FindingId::NoEvidence, "detail-no-evidence"),
            false,
        );
    }
    let mut kinds: Vec<&'static str> = Vec::new();
    let mut span = TimeSpan::default();
    for e in &reads {
        if let EventKind::LogRead(r) = &e.kind {
            if !kinds.contains(&r.kind.as_str()) {
                kinds.push(r.kind.as_str());
            }
            span.see_opt(r.span.first.as_ref());
            span.see_opt(r.span.last.as_ref());
        }
    }
    let mut f = Finding::new(FindingId::NoEvidence, "detail-no-evidence-right-log")
        .remedy_variant("right_log");
    for (name, value) in right_log_args(reads.len(), &kinds, &span) {
        f = f.arg(name, value);
    }
    for e in reads {
        f.push_evidence(Evidence::from_event(e));
    }
    (f, true)
}

/// The message arguments of the right-log case: how many logs (`one`/`other`), their kind
/// (`several` when they differ), and the time range (`range`: `none`, `one`, `span`).
pub(super) fn right_log_args(
    logs: usize,
    kinds: &[&'static str],
    span: &TimeSpan,
) -> Vec<(&'static str, String)> {
    let kind = match kinds {
        [one] => one.to_string(),
        _ => "several".to_string(),
    };
    let (range, from, to) = match (&span.first, &span.last) {
        (Some(f), Some(l)) if f.text != l.text => ("span", f.text.clone(), l.text.clone()),
        (Some(t), _) | (None, Some(t)) => ("one", t.text.clone(), t.text.clone()),
        (None, None) => ("none", String::new(), String::new()),
    };
    vec![
        ("logs", if logs == 1 { "one" } else { "other" }.to_string()),
        ("kind", kind),
        ("range", range.to_string()),
        ("from", from),
        ("to", to),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::InputKind;
    use crate::evidence::{LogRead, LogTime, Platform, SourceRef};

    fn read(path: &str, platform: Platform, kind: InputKind, times: &[(&str, i128)]) -> LogEvent {
        let mut span = TimeSpan::default();
        for (t, k) in times {
            span.see(&LogTime {
                text: t.to_string(),
                order_key: Some(*k),
                has_date: true,
            });
        }
        LogEvent {
            platform,
            source: SourceRef::file(path.into()),
            time: None,
            pid: None,
            text: span.text(),
            kind: EventKind::LogRead(LogRead::new(kind, span)),
        }
    }

    #[test]
    fn nothing_read_is_the_other_case() {
        let (f, right) = finding(&[]);
        assert!(!right);
        assert_eq!(f.detail, "detail-no-evidence");
        assert!(f.evidence.is_empty());
    }

    #[test]
    fn one_log_names_its_kind_and_range() {
        let e = read(
            "OMADM.log",
            Platform::Android,
            InputKind::AndroidOmadmLog,
            &[("2026-02-10T09:00:04", 4), ("2026-02-10T09:00:01", 1)],
        );
        let (f, right) = finding(&[e]);
        assert!(right);
        assert_eq!(f.detail, "detail-no-evidence-right-log");
        assert_eq!(f.remedy_variant, "right_log");
        assert_eq!(f.get_arg("kind"), Some("android_omadm_log"));
        assert_eq!(f.get_arg("range"), Some("span"));
        assert_eq!(f.get_arg("from"), Some("2026-02-10T09:00:01"));
        assert_eq!(f.get_arg("to"), Some("2026-02-10T09:00:04"));
        assert_eq!(f.evidence.len(), 1);
        assert_eq!(f.evidence[0].source, "OMADM.log");
    }

    #[test]
    fn several_logs_and_missing_times() {
        let a = read("a.log", Platform::Ios, InputKind::IosProfiledLog, &[]);
        let b = read(
            "b.txt",
            Platform::Windows,
            InputKind::WindowsDmEvents,
            &[("2026-01-01 00:00:00", 9)],
        );
        let (f, _) = finding(&[a.clone(), b]);
        assert_eq!(f.get_arg("logs"), Some("other"));
        assert_eq!(f.get_arg("kind"), Some("several"));
        assert_eq!(f.get_arg("range"), Some("one"));
        let (f, _) = finding(&[a]);
        assert_eq!(f.get_arg("range"), Some("none"));
    }
}
