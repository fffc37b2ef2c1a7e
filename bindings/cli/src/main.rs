//! `certdoctor`: the command line of certdoctor for helpdesk staff who receive log
//! bundles. Argument parsing, the file system, zip bundles and stdin live here; the
//! diagnosis is the core's. Exit status per report-contract.md: 0 delivered, 1 any other
//! verdict, 2 usage error or no input could be read at all. `certdoctor probe` (issue 23):
//! 0 when the SCEP endpoint answers as a working SCEP server, 1 otherwise, 2 usage error.

mod bundle;
mod evtx;
mod probe;
mod sources;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use certdoctor_core::{Format, Lang, Options, Session, Verdict};
use clap::{Parser, Subcommand, ValueEnum};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[derive(Parser)]
#[command(
    name = "certdoctor",
    version,
    about = "Did the SCEP certificate Intune sent arrive and install? If not, at which step and why."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Diagnose certificate delivery from device logs, certificates and bundles.
    Diagnose(DiagnoseArgs),
    /// Test a SCEP endpoint read-only (GetCACaps, GetCACert; never PKIOperation).
    Probe(ProbeArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Text,
    Markdown,
    Html,
    Json,
}

#[derive(clap::Args)]
struct DiagnoseArgs {
    /// Files, directories, .zip bundles, or - for standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: FormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also write report.html, report.txt and report.json into this zip (the file to send to a helpdesk).
    #[arg(long, value_name = "FILE.zip")]
    bundle: Option<PathBuf>,
    /// Evaluate validity at this instant (RFC 3339), default: now.
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Show names, e-mail addresses, UPNs, host names and device IDs instead of tokens.
    #[arg(long)]
    no_redact: bool,
    /// Language of the human-readable text: en or zh-Hant (default from LC_ALL, LC_MESSAGES, LANG).
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
}

#[derive(clap::Args)]
struct ProbeArgs {
    /// The SCEP URL as the profile holds it (https://host/certsrv/mscep/mscep.dll).
    #[arg(value_name = "URL")]
    url: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: FormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Evaluate validity at this instant (RFC 3339), default: now.
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Show the host names instead of tokens.
    #[arg(long)]
    no_redact: bool,
    /// Language of the human-readable text: en or zh-Hant (default from LC_ALL, LC_MESSAGES, LANG).
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// The CA thumbprint the profile trusts (SHA-1 or SHA-256, hex).
    #[arg(long, value_name = "HEX")]
    ca_thumbprint: Option<String>,
    /// Seconds each request may take in all (connect, TLS, answer).
    #[arg(long, value_name = "SECONDS", default_value = "15", value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
    /// Also trust the CA certificates of this PEM or DER file (besides the system's).
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("certdoctor: {msg}");
    ExitCode::from(2)
}

/// The language from `--lang`, else from the environment (contract § CLI).
fn choose_lang(arg: Option<&str>) -> Result<Lang, String> {
    if let Some(tag) = arg {
        return Lang::parse(tag).ok_or_else(|| {
            format!(
                "--lang {tag}: this version writes reports in: {}",
                Lang::ALL
                    .iter()
                    .map(|l| l.tag())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
    }
    let env = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
    let wants_hant = env.is_some_and(|v| {
        ["zh_TW", "zh_HK", "zh_MO", "zh-Hant"]
            .iter()
            .any(|p| v.starts_with(p))
    });
    Ok(if wants_hant { Lang::ZhHant } else { Lang::En })
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Diagnose(args) => diagnose(args),
        Command::Probe(args) => run_probe(args),
    }
}

fn format_of(arg: FormatArg) -> Format {
    match arg {
        FormatArg::Text => Format::Text,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Json => Format::Json,
        FormatArg::Html => Format::Html,
    }
}

fn parse_now(arg: Option<&str>) -> Result<OffsetDateTime, String> {
    match arg {
        Some(s) => OffsetDateTime::parse(s, &Rfc3339).map_err(|e| {
            format!("--now {s}: not an RFC 3339 time ({e}); example: 2026-06-01T00:00:00Z")
        }),
        None => Ok(OffsetDateTime::now_utc()),
    }
}

/// Writes the rendered report to `--output` or standard output.
fn write_report(out: &str, output: Option<&PathBuf>) -> Result<(), String> {
    match output {
        Some(path) => {
            std::fs::write(path, out.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(out.as_bytes())
                .and_then(|_| stdout.flush())
                .map_err(|e| format!("standard output: {e}"))
        }
    }
}

fn run_probe(args: ProbeArgs) -> ExitCode {
    use certdoctor_core::session::probe::{ProbeInput, parse_thumbprint, plan, probe_report};
    let now = match parse_now(args.now.as_deref()) {
        Ok(t) => t,
        Err(e) => return usage_error(&e),
    };
    let lang = match choose_lang(args.lang.as_deref()) {
        Ok(l) => l,
        Err(e) => return usage_error(&e),
    };
    let target = match plan(&args.url) {
        Ok(t) => t,
        Err(e) => return usage_error(&e.to_string()),
    };
    if let Some(t) = &args.ca_thumbprint
        && let Err(e) = parse_thumbprint(t)
    {
        return usage_error(&format!("--ca-thumbprint: {e}"));
    }
    let transport = match probe::ProbeTransport::new(
        args.ca_file.as_deref(),
        std::time::Duration::from_secs(args.timeout),
    ) {
        Ok(t) => t,
        Err(e) => return usage_error(&e.to_string()),
    };
    let mut exchanges = Vec::new();
    for (operation, url) in &target.requests {
        let ex = transport.exchanges(*operation, url);
        // No connection at all: the next operation would fail the same way.
        let unreachable = ex.last().is_some_and(|e| {
            matches!(
                &e.result,
                certdoctor_core::session::probe::ExchangeResult::Failed { .. }
            )
        });
        exchanges.extend(ex);
        if unreachable {
            break;
        }
    }
    let options = Options {
        now,
        redact: !args.no_redact,
        lang,
    };
    let report = match probe_report(
        ProbeInput {
            url: args.url.clone(),
            expected_ca_thumbprint: args.ca_thumbprint.clone(),
            exchanges,
        },
        &options,
    ) {
        Ok(r) => r,
        Err(e) => return usage_error(&e.to_string()),
    };
    if let Err(e) = write_report(&report.render(format_of(args.format)), args.output.as_ref()) {
        eprintln!("certdoctor: cannot write the report: {e}");
        return ExitCode::from(2);
    }
    if report.probe.as_ref().is_some_and(|p| p.working) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn diagnose(args: DiagnoseArgs) -> ExitCode {
    let format = match args.format {
        FormatArg::Text => Format::Text,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Json => Format::Json,
        FormatArg::Html => Format::Html,
    };
    let now = match &args.now {
        Some(s) => match OffsetDateTime::parse(s, &Rfc3339) {
            Ok(t) => t,
            Err(e) => {
                return usage_error(&format!(
                    "--now {s}: not an RFC 3339 time ({e}); example: 2026-06-01T00:00:00Z"
                ));
            }
        },
        None => OffsetDateTime::now_utc(),
    };
    let lang = match choose_lang(args.lang.as_deref()) {
        Ok(l) => l,
        Err(e) => return usage_error(&e),
    };

    let mut session = Session::new(Options {
        now,
        redact: !args.no_redact,
        lang,
    });
    session.set_event_log_decoder(std::sync::Arc::new(evtx::Decoder {
        limit: certdoctor_core::session::MAX_EVTX_BYTES,
    }));
    let mut tally = sources::Tally::default();
    for p in &args.paths {
        sources::add_path(&mut session, p, &mut tally);
    }
    if tally.read == 0 {
        let report = session.finish();
        for i in &report.inputs {
            eprintln!(
                "certdoctor: {}: {}",
                i.path,
                i.error.as_deref().unwrap_or("not read")
            );
        }
        if report.inputs.is_empty() {
            eprintln!("certdoctor: no file found under the given paths");
        }
        return ExitCode::from(2);
    }
    let report = session.finish();
    if let Some(path) = &args.bundle {
        let written = bundle::bundle(&report)
            .map_err(|e| e.to_string())
            .and_then(|bytes| std::fs::write(path, bytes).map_err(|e| e.to_string()));
        if let Err(e) = written {
            eprintln!(
                "certdoctor: cannot write the bundle {}: {e}",
                path.display()
            );
            return ExitCode::from(2);
        }
    }
    let out = report.render(format);
    let written = write_report(&out, args.output.as_ref());
    if let Err(e) = written {
        eprintln!("certdoctor: cannot write the report: {e}");
        return ExitCode::from(2);
    }
    if report.verdict == Verdict::Delivered {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
