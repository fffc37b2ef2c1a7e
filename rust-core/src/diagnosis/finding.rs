//! A finding before localisation: ID, step, evidence and the message arguments that the
//! report layer turns into title, detail and remedy in the reader's language.

use crate::evidence::{LogEvent, SourceRef};
use crate::limits;

use super::{FindingId, Severity};

/// One piece of evidence: where, and the text as logged (or a certificate fact).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub source: String,
    pub text: String,
}

impl Evidence {
    pub fn from_event(e: &LogEvent) -> Self {
        Evidence {
            source: e.source.to_string(),
            text: e.text.clone(),
        }
    }
    pub fn new(source: &SourceRef, text: impl Into<String>) -> Self {
        Evidence {
            source: source.to_string(),
            text: text.into(),
        }
    }
}

/// A finding as the rules produce it.
#[derive(Debug, Clone)]
pub struct Finding {
    pub id: FindingId,
    pub severity: Severity,
    pub step: u8,
    pub resolved: bool,
    /// Index into the certificate inventory when the finding is about one certificate.
    pub certificate: Option<usize>,
    /// Display of the enrollment's profile, when the finding belongs to one.
    pub enrollment: Option<String>,
    pub evidence: Vec<Evidence>,
    /// Evidence entries not kept because `evidence` held `limits::MAX_EVIDENCE_PER_FINDING`
    /// (exact duplicates of kept evidence are not counted).
    pub evidence_omitted: usize,
    /// Fluent message ID of the detail, and its arguments.
    pub detail: &'static str,
    pub args: Vec<(&'static str, String)>,
    /// Selector for the remedy (e.g. the Android management mode); `other` when none.
    pub remedy_variant: &'static str,
}

impl Finding {
    pub fn new(id: FindingId, detail: &'static str) -> Self {
        Finding {
            id,
            severity: id.severity(),
            step: id.default_step(),
            resolved: false,
            certificate: None,
            enrollment: None,
            evidence: Vec::new(),
            evidence_omitted: 0,
            detail,
            args: Vec::new(),
            remedy_variant: "other",
        }
    }

    pub fn step(mut self, step: u8) -> Self {
        self.step = step;
        self
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    pub fn certificate(mut self, index: usize) -> Self {
        self.certificate = Some(index);
        self
    }

    pub fn enrollment(mut self, profile: Option<String>) -> Self {
        self.enrollment = profile;
        self
    }

    pub fn remedy_variant(mut self, variant: &'static str) -> Self {
        self.remedy_variant = variant;
        self
    }

    /// Adds evidence, skipping exact duplicates and keeping at most the bound; what the
    /// bound turns away is counted in `evidence_omitted`.
    pub fn push_evidence(&mut self, e: Evidence) {
        if self.evidence.contains(&e) {
            return;
        }
        if self.evidence.len() < limits::MAX_EVIDENCE_PER_FINDING {
            self.evidence.push(e);
        } else {
            self.evidence_omitted += 1;
        }
    }

    pub fn with_evidence(mut self, e: Evidence) -> Self {
        self.push_evidence(e);
        self
    }

    /// Later evidence of the same enrollment superseded this finding.
    pub fn resolve(&mut self) {
        if matches!(self.severity, Severity::Error | Severity::Action) {
            self.severity = Severity::Info;
        }
        self.resolved = true;
    }

    pub fn get_arg(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(i: usize) -> Evidence {
        Evidence {
            source: format!("OMADM.log:{i}"),
            text: "Received '500 Internal Server Error'".into(),
        }
    }

    #[test]
    fn evidence_beyond_the_bound_is_counted_and_duplicates_are_not() {
        let mut f = Finding::new(FindingId::ScepServerUnreachable, "detail");
        for i in 0..limits::MAX_EVIDENCE_PER_FINDING {
            f.push_evidence(ev(i));
            f.push_evidence(ev(i)); // an exact duplicate is neither kept nor counted
        }
        assert_eq!(f.evidence.len(), limits::MAX_EVIDENCE_PER_FINDING);
        assert_eq!(f.evidence_omitted, 0);
        for i in 0..3 {
            f.push_evidence(ev(i)); // still duplicates of kept evidence
        }
        for i in 100..105 {
            f.push_evidence(ev(i));
        }
        assert_eq!(f.evidence.len(), limits::MAX_EVIDENCE_PER_FINDING);
        assert_eq!(f.evidence_omitted, 5);
        assert_eq!(f.evidence[0], ev(0), "the first evidence is kept");
    }
}
