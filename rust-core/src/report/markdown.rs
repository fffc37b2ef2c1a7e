//! Markdown renderer: pastes into a ticket (GitHub/Azure DevOps/Jira flavoured tables).

use std::fmt::Write;

use super::messages::Messages;
use super::text::{human_time, lang_of, serde_plain, verdict_symbol};
use super::{InputStatus, Report};

/// Escapes text for a table cell or inline use.
fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
        .replace('`', "'")
}

fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'").replace('\n', " "))
}

pub fn render(r: &Report) -> String {
    let m = Messages::get(lang_of(r));
    let l = |id: &str| m.text(id, &[]);
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", l("heading-title"));
    let _ = writeln!(
        o,
        "**{}: {} {}**\n",
        l("heading-verdict"),
        verdict_symbol(r.verdict),
        l(&format!("verdict-{}", r.verdict.as_str()))
    );
    let _ = writeln!(o, "{}\n", esc(&r.summary));
    let _ = writeln!(o, "**{}:** {}\n", l("heading-next"), esc(&r.next_action));
    let platforms: Vec<&str> = r.platforms.iter().map(|p| p.as_str()).collect();
    let _ = writeln!(
        o,
        "- {}: {}",
        l("label-generated"),
        human_time(&r.generated_at, lang_of(r))
    );
    if !platforms.is_empty() {
        let _ = writeln!(o, "- {}: {}", l("label-platforms"), platforms.join(", "));
    }
    let red = super::messages::redaction_statement(m, &r.redaction);
    let _ = writeln!(o, "- {}\n", esc(&red));

    let _ = writeln!(o, "## {} ({})\n", l("heading-findings"), r.findings.len());
    if r.findings.is_empty() {
        let _ = writeln!(o, "{}\n", l("label-none"));
    }
    for f in &r.findings {
        let resolved = if f.resolved {
            format!(" — _{}_", l("label-resolved"))
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "### {} {} · {} {}{}\n",
            code(f.id.as_str()),
            esc(&f.title),
            l("label-step"),
            f.step,
            resolved
        );
        let _ = writeln!(
            o,
            "- {}: {}",
            l(&format!("severity-{}", f.severity.as_str())),
            esc(&f.detail)
        );
        let _ = writeln!(o, "- **{}:** {}", l("label-remedy"), esc(&f.remedy));
        if let Some(c) = &f.certificate {
            let _ = writeln!(o, "- SHA-256 {}", code(c));
        }
        if !f.evidence.is_empty() {
            let _ = writeln!(o, "- {}:", l("label-evidence"));
            for e in &f.evidence {
                let _ = writeln!(o, "  - {} {}", code(&e.source), code(&e.text));
            }
        }
        o.push('\n');
    }

    let probe = super::probe::lines(r, m);
    if !probe.is_empty() {
        let _ = writeln!(o, "## {}\n", l("heading-probe"));
        for line in &probe {
            let _ = writeln!(o, "- {}", esc(line));
        }
        o.push('\n');
    }

    if !r.enrollments.is_empty() {
        let _ = writeln!(o, "## {}\n", l("heading-enrollments"));
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            l("label-platform"),
            l("label-profile"),
            l("label-state"),
            l("label-seen")
        );
        let _ = writeln!(o, "|---|---|---|---|");
        for e in &r.enrollments {
            let seen = match (&e.first_seen, &e.last_seen) {
                (Some(a), Some(b)) => format!("{a} → {b}"),
                _ => String::new(),
            };
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                e.platform.as_str(),
                e.profile.as_deref().map(code).unwrap_or_default(),
                code(&e.state),
                esc(&seen)
            );
        }
        o.push('\n');
        // Issue 9: the six steps of each enrollment with the machines that showed them.
        for (n, e) in r.enrollments.iter().enumerate() {
            if e.steps.is_empty() {
                continue;
            }
            let _ = writeln!(
                o,
                "**{} — {} {} ({})**\n",
                l("label-steps"),
                e.platform.as_str(),
                n + 1,
                esc(&e.state)
            );
            let _ = writeln!(o, "| {} | | | |", l("label-step"));
            let _ = writeln!(o, "|---|---|---|---|");
            for st in &e.steps {
                let on: Vec<String> = st
                    .seen_on
                    .iter()
                    .map(|x| l(&format!("machine-{x}")))
                    .collect();
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} |",
                    st.step,
                    esc(&l(&format!("step-{}", st.step))),
                    l(&format!("step-status-{}", st.status)),
                    esc(&on.join(", "))
                );
            }
            o.push('\n');
        }
    }

    if !r.certificates.is_empty() {
        let _ = writeln!(
            o,
            "## {} ({})\n",
            l("heading-certificates"),
            r.certificates.len()
        );
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | SHA-256 |",
            l("label-role"),
            l("label-subject"),
            l("label-issuer"),
            l("label-valid"),
            l("label-key")
        );
        let _ = writeln!(o, "|---|---|---|---|---|---|");
        for c in &r.certificates {
            let bits = c.key.bits.map(|b| format!(" {b}")).unwrap_or_default();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} → {} | {}{} | {} |",
                serde_plain(&c.role),
                esc(&c.subject),
                esc(&c.issuer),
                c.not_before,
                c.not_after,
                serde_plain(&c.key.algorithm),
                bits,
                code(&c.sha256)
            );
        }
        o.push('\n');
        for ch in &r.chains {
            let short: Vec<String> = ch
                .path
                .iter()
                .map(|s| code(&s.chars().take(12).collect::<String>()))
                .collect();
            let state = if ch.complete {
                l("label-chain-complete")
            } else {
                l("label-chain-incomplete")
            };
            let sig = if ch.signatures_valid {
                l("label-signatures-valid")
            } else {
                l("label-signatures-invalid")
            };
            let _ = writeln!(
                o,
                "- {}: {} ({state}, {sig})",
                l("heading-chains"),
                short.join(" → ")
            );
        }
        if !r.chains.is_empty() {
            o.push('\n');
        }
    }

    if !r.timeline.is_empty() {
        let _ = writeln!(o, "## {}\n", l("heading-timeline"));
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            l("label-time"),
            l("label-step"),
            l("label-event"),
            l("label-source")
        );
        let _ = writeln!(o, "|---|---|---|---|");
        for t in &r.timeline {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                t.time.as_deref().map(esc).unwrap_or_default(),
                t.step,
                esc(&t.text),
                code(&t.source)
            );
        }
        o.push('\n');
    }

    if super::probe::shows_inputs(r) {
        let _ = writeln!(o, "## {}\n", l("heading-inputs"));
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            l("label-status"),
            l("label-path"),
            l("label-kind"),
            l("label-records"),
            l("label-error")
        );
        let _ = writeln!(o, "|---|---|---|---|---|");
        for i in &r.inputs {
            let status = match i.status {
                InputStatus::Ok => l("label-status-ok"),
                InputStatus::Error => l("label-status-error"),
                InputStatus::Ignored => l("label-status-ignored"),
            };
            let _ = writeln!(
                o,
                "| {status} | {} | {} | {} | {} |",
                code(&i.path),
                i.kind.as_str(),
                i.records,
                i.error.as_deref().map(esc).unwrap_or_default()
            );
        }
    }
    if !r.notices.is_empty() {
        let _ = writeln!(o, "\n## {}\n", l("heading-notices"));
        for n in &r.notices {
            let _ = writeln!(o, "- {}", esc(n));
        }
    }
    o
}
