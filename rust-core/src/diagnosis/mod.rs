//! Diagnosis: rules read the evidence, produce findings, and derive the verdict.

pub mod codes;
pub mod finding_id;

pub use finding_id::{FindingId, Severity};
