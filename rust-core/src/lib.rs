//! certdoctor-core: did the SCEP certificate that Intune sent arrive and install, and if
//! not, at which step and why?
//!
//! Data flows one way: [`input`] (sniff, decode) → [`parsers`] (certificates, device
//! logs) → [`evidence`] (typed events and certificate facts, [`chain`]s) →
//! [`diagnosis`] (rules → findings → verdict) → [`report`] (the contract's `Report`,
//! [`redaction`], renderers). The core does no I/O beyond the bytes and readers handed
//! to it and never reads the clock: "now" is an argument.

pub mod chain;
pub mod diagnosis;
pub mod evidence;
pub mod input;
pub mod limits;
pub mod parsers;
pub mod redaction;
pub mod report;
pub mod session;
#[cfg(feature = "unified-log")]
pub mod unified_log;

pub use report::{Format, Lang, Report, Verdict};
pub use session::{InputStream, Options, ParsedInput, Session};
