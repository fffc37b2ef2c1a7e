//! certdoctor-core: did the SCEP certificate that Intune sent arrive and install, and if
//! not, at which step and why?
//!
//! Data flows one way: [`input`] (bytes → normalised lines, the head formats recognise
//! themselves from) → [`parsers`] (one module per format, listed once in a registry) →
//! [`evidence`] (typed events, certificate facts, error codes; [`chain`]s) →
//! [`diagnosis`] (rules → findings → verdict) → [`report`] (the contract's `Report`,
//! [`redaction`], renderers). [`contract`] holds the words all of them share, [`limits`]
//! their bounds and [`sorting`] their one sort; [`session`] runs the flow. Imports only
//! ever point down this list (docs/architecture.md). The core does no I/O beyond the bytes
//! and readers handed to it and never reads the clock: "now" is an argument.

pub mod chain;
pub mod contract;
pub mod diagnosis;
pub mod evidence;
pub mod input;
pub mod limits;
pub mod parsers;
pub mod redaction;
pub mod report;
pub mod session;
pub mod sorting;

pub use contract::InputKind;
pub use report::{Format, Lang, Report, Verdict};
pub use session::{DecodedEvents, EventLogDecoder, InputStream, Options, ParsedInput, Session};
