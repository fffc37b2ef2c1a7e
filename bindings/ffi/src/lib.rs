//! certdoctor-ffi: the core exposed to Kotlin and Swift through uniffi (namespace
//! `certdoctor`). This crate only converts between FFI records and core types; every
//! decision lives in `certdoctor-core`.
//!
//! Every export returns a `Result` and runs its body inside [`guard`], which turns a panic
//! in the core into [`CertdoctorError::Internal`] (the release profile keeps
//! `panic = "unwind"` for this), so the app gets an exception instead of an abort.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use certdoctor_core::{Format, Lang, Options, Session};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[cfg(any(target_os = "android", test))]
mod jni_glue;
mod pipe;
mod platform;
pub mod probe;
pub mod report;

pub use probe::*;
pub use report::*;

uniffi::setup_scaffolding!("certdoctor");

/// Why a call failed. Each case carries its own human-readable message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum CertdoctorError {
    /// A field of `DiagnoseOptions` (or an argument) is not acceptable.
    #[error("invalid option {option}: {reason}")]
    InvalidOption { option: String, reason: String },
    /// The requested report format is not available in this build.
    #[error("unsupported report format {format}: available are {available}")]
    UnsupportedFormat { format: String, available: String },
    /// The requested language is not available in this build.
    #[error("unsupported language {lang:?}: available are {available}")]
    UnsupportedLang { lang: String, available: String },
    /// A report handed back to `render` does not fit the contract (e.g. an unknown finding ID).
    #[error("invalid report: {reason}")]
    InvalidReport { reason: String },
    /// A session or input was used after `finish`, or after an internal error.
    #[error("invalid state: {reason}")]
    InvalidState { reason: String },
    /// certdoctor itself failed (a panic in the core); the message says where.
    #[error("internal error in certdoctor: {panic_message}")]
    Internal { panic_message: String },
}

/// A file the user picked or shared: a display name (used as the input's path in the
/// report) and its content.
#[derive(Debug, Clone, uniffi::Record)]
pub struct InputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// How to diagnose. `now` is given at most once, as unix seconds or as an RFC 3339 string;
/// with neither, the device clock is used.
#[derive(Debug, Clone, uniffi::Record)]
pub struct DiagnoseOptions {
    #[uniffi(default = None)]
    pub now_unix_seconds: Option<i64>,
    #[uniffi(default = None)]
    pub now_rfc3339: Option<String>,
    /// Replace names, e-mail addresses, hosts, IDs … by tokens (the contract's default).
    #[uniffi(default = true)]
    pub redact: bool,
    /// BCP 47 tag of the report's language (`en`, …); see `supported_languages()`.
    #[uniffi(default = "en")]
    pub lang: String,
}

/// The share formats of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ReportFormat {
    Text,
    Markdown,
    Html,
    Json,
}

impl ReportFormat {
    fn name(self) -> &'static str {
        match self {
            ReportFormat::Text => "text",
            ReportFormat::Markdown => "markdown",
            ReportFormat::Html => "html",
            ReportFormat::Json => "json",
        }
    }

    /// The core's renderer for this format, when the core has one. A new core format is
    /// one line here.
    fn core(self) -> Option<Format> {
        match self {
            ReportFormat::Text => Some(Format::Text),
            ReportFormat::Markdown => Some(Format::Markdown),
            ReportFormat::Json => Some(Format::Json),
            ReportFormat::Html => Some(Format::Html),
        }
    }

    const ALL: [ReportFormat; 4] = [
        ReportFormat::Text,
        ReportFormat::Markdown,
        ReportFormat::Html,
        ReportFormat::Json,
    ];
}

/// Runs an export's body; a panic becomes [`CertdoctorError::Internal`].
fn guard<T>(body: impl FnOnce() -> Result<T, CertdoctorError>) -> Result<T, CertdoctorError> {
    platform::init_logging();
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => result,
        Err(payload) => {
            let panic_message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic without a message".to_string());
            log::error!("certdoctor: internal error: {panic_message}");
            Err(CertdoctorError::Internal { panic_message })
        }
    }
}

fn parse_lang(tag: &str) -> Result<Lang, CertdoctorError> {
    Lang::parse(tag).ok_or_else(|| CertdoctorError::UnsupportedLang {
        lang: tag.to_string(),
        available: Lang::ALL
            .iter()
            .map(|l| l.tag())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

fn core_options(o: &DiagnoseOptions) -> Result<Options, CertdoctorError> {
    let now = match (o.now_unix_seconds, o.now_rfc3339.as_deref()) {
        (Some(_), Some(_)) => {
            return Err(CertdoctorError::InvalidOption {
                option: "now".into(),
                reason: "give now_unix_seconds or now_rfc3339, not both".into(),
            });
        }
        (Some(secs), None) => OffsetDateTime::from_unix_timestamp(secs).map_err(|e| {
            CertdoctorError::InvalidOption {
                option: "now_unix_seconds".into(),
                reason: format!("{secs} is out of range: {e}"),
            }
        })?,
        (None, Some(text)) => {
            OffsetDateTime::parse(text, &Rfc3339).map_err(|e| CertdoctorError::InvalidOption {
                option: "now_rfc3339".into(),
                reason: format!("{text:?} is not an RFC 3339 date-time: {e}"),
            })?
        }
        (None, None) => OffsetDateTime::now_utc(),
    };
    Ok(Options {
        now,
        redact: o.redact,
        lang: parse_lang(&o.lang)?,
    })
}

/// Diagnoses files held in memory and returns the report.
#[uniffi::export]
pub fn diagnose(
    inputs: Vec<InputFile>,
    options: DiagnoseOptions,
) -> Result<Report, CertdoctorError> {
    guard(|| {
        let mut session = Session::new(core_options(&options)?);
        for file in &inputs {
            session.add_bytes(&file.name, &file.bytes);
        }
        Ok(session.finish().into())
    })
}

/// Lays a report out in `format`. `lang` is the language of the layout's labels; the
/// report's own texts (summary, titles, remedies) stay in the language it was diagnosed in.
#[uniffi::export]
pub fn render(
    report: Report,
    format: ReportFormat,
    lang: String,
) -> Result<String, CertdoctorError> {
    guard(|| {
        let lang = parse_lang(&lang)?;
        let core_format = format
            .core()
            .ok_or_else(|| CertdoctorError::UnsupportedFormat {
                format: format.name().to_string(),
                available: supported_formats()
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        let mut core_report = certdoctor_core::Report::try_from(report)?;
        core_report.lang = lang.tag().to_string();
        Ok(core_report.render(core_format))
    })
}

/// The formats `render` accepts in this build.
#[uniffi::export]
pub fn supported_formats() -> Vec<ReportFormat> {
    ReportFormat::ALL
        .into_iter()
        .filter(|f| f.core().is_some())
        .collect()
}

/// The language tags `DiagnoseOptions.lang` and `render` accept in this build.
#[uniffi::export]
pub fn supported_languages() -> Vec<String> {
    Lang::ALL.iter().map(|l| l.tag().to_string()).collect()
}

/// The version of certdoctor (the report's `tool.version`).
#[uniffi::export]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A diagnosis fed input by input, for logs and archives too large to hold in memory:
/// `add_file` for small files, `begin_input` → `InputSink.push` (any number of chunks) →
/// `InputSink.finish_input` for large ones (a log, or an archive: `.zip`, `.gz`, `.tar`,
/// `.tar.gz`, `.cab`, a sysdiagnose, read member by member as the chunks arrive), then
/// `finish`. Safe to share between threads; one input streams at a time.
#[derive(uniffi::Object)]
pub struct DiagnosisSession {
    session: Mutex<Option<Session>>,
    /// An input is streaming: the session is with its reader until `finish_input`.
    streaming: AtomicBool,
}

fn take_lock<'a, T>(
    m: &'a Mutex<Option<T>>,
    what: &str,
) -> Result<MutexGuard<'a, Option<T>>, CertdoctorError> {
    m.lock().map_err(|_| CertdoctorError::InvalidState {
        reason: format!("an earlier internal error left this {what} unusable"),
    })
}

fn finished(what: &str) -> CertdoctorError {
    CertdoctorError::InvalidState {
        reason: format!("this {what} is already finished"),
    }
}

impl DiagnosisSession {
    fn unavailable(&self) -> CertdoctorError {
        if self.streaming.load(Ordering::SeqCst) {
            CertdoctorError::InvalidState {
                reason: "an input is being streamed: call finish_input on its InputSink first"
                    .into(),
            }
        } else {
            finished("session")
        }
    }

    fn with_session<T>(&self, f: impl FnOnce(&mut Session) -> T) -> Result<T, CertdoctorError> {
        let mut slot = take_lock(&self.session, "session")?;
        match slot.as_mut() {
            Some(session) => Ok(f(session)),
            None => Err(self.unavailable()),
        }
    }

    /// Gives the session back after an input streamed (or drops it: `None`).
    fn put_back(&self, session: Option<Session>) {
        if let Ok(mut slot) = self.session.lock() {
            *slot = session;
        }
        self.streaming.store(false, Ordering::SeqCst);
    }
}

#[uniffi::export]
impl DiagnosisSession {
    #[uniffi::constructor]
    pub fn new(options: DiagnoseOptions) -> Result<Arc<Self>, CertdoctorError> {
        guard(|| {
            Ok(Arc::new(DiagnosisSession {
                session: Mutex::new(Some(Session::new(core_options(&options)?))),
                streaming: AtomicBool::new(false),
            }))
        })
    }

    /// Adds a file held in memory (an archive is read member by member).
    pub fn add_file(&self, file: InputFile) -> Result<(), CertdoctorError> {
        guard(|| self.with_session(|s| s.add_bytes(&file.name, &file.bytes)))
    }

    /// Starts an input that arrives in chunks; `name` is its display path in the report
    /// (members of an archive are listed as `name!/member`). Until `finish_input`, the
    /// session takes no other input.
    pub fn begin_input(self: Arc<Self>, name: String) -> Result<Arc<InputSink>, CertdoctorError> {
        guard(|| {
            let session = take_lock(&self.session, "session")?
                .take()
                .ok_or_else(|| self.unavailable())?;
            self.streaming.store(true, Ordering::SeqCst);
            match pipe::Pipe::start(session, name) {
                Ok(pipe) => Ok(Arc::new(InputSink {
                    session: self.clone(),
                    pipe: Mutex::new(Some(pipe)),
                })),
                Err(failed) => {
                    let (session, e) = *failed;
                    self.put_back(Some(session));
                    Err(CertdoctorError::Internal {
                        panic_message: format!("cannot start the input's reader: {e}"),
                    })
                }
            }
        })
    }

    /// Runs the diagnosis. The session cannot be used afterwards.
    pub fn finish(&self) -> Result<Report, CertdoctorError> {
        guard(|| {
            let session = take_lock(&self.session, "session")?
                .take()
                .ok_or_else(|| self.unavailable())?;
            Ok(session.finish().into())
        })
    }
}

/// One input of a [`DiagnosisSession`] being streamed: the chunks go to a reader thread
/// through a bounded queue (a few chunks: memory does not grow with the input), which
/// reads a log line by line or an archive member by member. Only parser state is kept,
/// never the whole input.
#[derive(uniffi::Object)]
pub struct InputSink {
    session: Arc<DiagnosisSession>,
    pipe: Mutex<Option<pipe::Pipe>>,
}

impl InputSink {
    /// Ends the input: the reader finishes, the session comes back (or is dropped).
    fn close(&self, keep_session: bool) -> Result<(), CertdoctorError> {
        let pipe = take_lock(&self.pipe, "input")?
            .take()
            .ok_or_else(|| finished("input"))?;
        let (session, panic) = pipe.finish();
        self.session.put_back(keep_session.then_some(session));
        match panic {
            Some(panic_message) => Err(CertdoctorError::Internal { panic_message }),
            None => Ok(()),
        }
    }
}

#[uniffi::export]
impl InputSink {
    /// Feeds the next chunk (any size). Blocks while the reader is a few chunks behind.
    pub fn push(&self, chunk: Vec<u8>) -> Result<(), CertdoctorError> {
        guard(|| {
            take_lock(&self.pipe, "input")?
                .as_ref()
                .ok_or_else(|| finished("input"))?
                .push(chunk);
            Ok(())
        })
    }

    /// Records that reading the input failed part-way (`message` says why); what was
    /// pushed is still analysed. Call `finish_input` afterwards.
    pub fn read_failed(&self, message: String) -> Result<(), CertdoctorError> {
        guard(|| {
            take_lock(&self.pipe, "input")?
                .as_ref()
                .ok_or_else(|| finished("input"))?
                .fail(message);
            Ok(())
        })
    }

    /// Ends the input and adds it to its session.
    pub fn finish_input(&self) -> Result<(), CertdoctorError> {
        guard(|| self.close(true))
    }

    /// Abandons the input and its session (the user cancelled the check): the reader
    /// stops and the session can no longer be used; start a new one.
    pub fn cancel(&self) -> Result<(), CertdoctorError> {
        guard(|| self.close(false))
    }
}

impl Drop for InputSink {
    /// An input dropped without `finish_input` still gives its session back, with what
    /// was pushed.
    fn drop(&mut self) {
        if let Ok(mut slot) = self.pipe.lock()
            && let Some(pipe) = slot.take()
        {
            let (session, _) = pipe.finish();
            self.session.put_back(Some(session));
        }
    }
}

#[cfg(test)]
mod tests;
