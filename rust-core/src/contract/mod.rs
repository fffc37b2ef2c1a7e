//! The words of the report contract that every stage shares: the verdict, severities and
//! finding IDs, the kinds of input, and the contract's way of writing an instant. It sits
//! at the bottom of the crate and imports nothing of it, so that parsers, evidence,
//! diagnosis and the report can all speak it without importing each other.

mod finding_id;
mod input_kind;
mod time;

pub use finding_id::{FindingId, Severity};
pub use input_kind::InputKind;
pub use time::format_utc;

use serde::Serialize;

/// The overall answer (report-contract.md § Verdicts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Delivered,
    Failed,
    ActionRequired,
    InProgress,
    Inconclusive,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Delivered => "delivered",
            Verdict::Failed => "failed",
            Verdict::ActionRequired => "action_required",
            Verdict::InProgress => "in_progress",
            Verdict::Inconclusive => "inconclusive",
        }
    }
}
