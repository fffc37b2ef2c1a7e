//! Plain-text renderer: fits an 80-column terminal and a chat message. Lays out the
//! `Report` only; every label comes from the message files.

use std::fmt::Write;

use super::messages::{Lang, Messages};
use super::{InputStatus, Report, Verdict};

pub const WIDTH: usize = 80;

/// A symbol per verdict, so the verdict never relies on colour.
pub fn verdict_symbol(v: Verdict) -> &'static str {
    match v {
        Verdict::Delivered => "✔",
        Verdict::Failed => "✘",
        Verdict::ActionRequired => "!",
        Verdict::InProgress => "…",
        Verdict::Inconclusive => "?",
    }
}

/// Wraps `text` at `width` columns, every line prefixed by `indent`.
pub fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    for para in text.split('\n') {
        let mut line = String::from(indent);
        let mut len = indent.chars().count();
        let mut empty = true;
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let wl = word.chars().count();
            if !empty && len + 1 + wl > width {
                out.push_str(line.trim_end());
                out.push('\n');
                line = String::from(indent);
                len = indent.chars().count();
                empty = true;
            }
            if !empty {
                line.push(' ');
                len += 1;
            }
            // A single word longer than the line is cut into pieces.
            if len + wl > width && wl > width.saturating_sub(indent.chars().count()) {
                let room = width.saturating_sub(len).max(1);
                let mut chunk = String::new();
                let mut n = 0;
                for ch in word.chars() {
                    if n == room {
                        line.push_str(&chunk);
                        out.push_str(&line);
                        out.push('\n');
                        line = String::from(indent);
                        len = indent.chars().count();
                        chunk.clear();
                        n = 0;
                    }
                    chunk.push(ch);
                    n += 1;
                }
                line.push_str(&chunk);
                len += n;
            } else {
                line.push_str(word);
                len += wl;
            }
            empty = false;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub(crate) fn lang_of(report: &Report) -> Lang {
    Lang::parse(&report.lang).unwrap_or(Lang::En)
}

pub fn render(r: &Report) -> String {
    let m = Messages::get(lang_of(r));
    let l = |id: &str| m.text(id, &[]);
    let mut o = String::new();
    let rule = "=".repeat(WIDTH);
    let _ = writeln!(o, "{}", l("heading-title"));
    let _ = writeln!(o, "{rule}");
    let _ = writeln!(
        o,
        "{}: {} {}",
        l("heading-verdict"),
        verdict_symbol(r.verdict),
        l(&format!("verdict-{}", r.verdict.as_str())).to_uppercase()
    );
    o.push_str(&wrap(&r.summary, "", WIDTH));
    o.push_str(&wrap(
        &format!("{}: {}", l("heading-next"), r.next_action),
        "",
        WIDTH,
    ));
    let _ = writeln!(o, "{}: {}", l("label-generated"), r.generated_at);
    if !r.platforms.is_empty() {
        let p: Vec<&str> = r.platforms.iter().map(|p| p.as_str()).collect();
        let _ = writeln!(o, "{}: {}", l("label-platforms"), p.join(", "));
    }
    if r.redaction.applied {
        o.push_str(&wrap(
            &m.text(
                "redaction-applied",
                &[("kinds", r.redaction.kinds.join(", "))],
            ),
            "",
            WIDTH,
        ));
    } else {
        o.push_str(&wrap(&l("redaction-off"), "", WIDTH));
    }

    let section = |o: &mut String, title: String| {
        let _ = writeln!(o);
        let _ = writeln!(o, "{title}");
        let _ = writeln!(o, "{}", "-".repeat(title.chars().count().min(WIDTH)));
    };

    section(
        &mut o,
        format!("{} ({})", l("heading-findings"), r.findings.len()),
    );
    if r.findings.is_empty() {
        let _ = writeln!(o, "{}", l("label-none"));
    }
    for f in &r.findings {
        let resolved = if f.resolved {
            format!(" — {}", l("label-resolved"))
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "[{}] {} · {} {}{}",
            l(&format!("severity-{}", f.severity.as_str())),
            f.id,
            l("label-step"),
            f.step,
            resolved
        );
        o.push_str(&wrap(&f.title, "  ", WIDTH));
        o.push_str(&wrap(&f.detail, "  ", WIDTH));
        o.push_str(&wrap(
            &format!("{}: {}", l("label-remedy"), f.remedy),
            "  ",
            WIDTH,
        ));
        if let Some(c) = &f.certificate {
            let _ = writeln!(o, "  SHA-256 {c}");
        }
        if !f.evidence.is_empty() {
            let _ = writeln!(o, "  {}:", l("label-evidence"));
            for e in &f.evidence {
                o.push_str(&wrap(&format!("{}  {}", e.source, e.text), "    ", WIDTH));
            }
        }
    }

    if !r.enrollments.is_empty() {
        section(&mut o, l("heading-enrollments"));
        for e in &r.enrollments {
            let _ = writeln!(
                o,
                "{} · {}: {}",
                e.platform.as_str(),
                l("label-state"),
                e.state
            );
            if let Some(p) = &e.profile {
                o.push_str(&wrap(
                    &format!("{}: {}", l("label-profile"), p),
                    "  ",
                    WIDTH,
                ));
            }
            if let (Some(a), Some(b)) = (&e.first_seen, &e.last_seen) {
                let _ = writeln!(o, "  {}: {a} → {b}", l("label-seen"));
            }
            if let Some(t) = &e.ids.transaction_id {
                o.push_str(&wrap(&format!("transaction ID: {t}"), "  ", WIDTH));
            }
            // Issue 9: server keys and the six steps with the machines that showed them.
            let keys: Vec<String> = [
                ("CA request ID", &e.ids.ca_request_id),
                ("serial", &e.ids.serial_hex),
                ("SHA-1", &e.ids.sha1),
                ("Intune device ID", &e.ids.intune_device_id),
                ("policy ID", &e.ids.policy_id),
                ("template", &e.ids.template),
            ]
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}: {v}")))
            .collect();
            if !keys.is_empty() {
                o.push_str(&wrap(&keys.join(" · "), "  ", WIDTH));
            }
            if !e.steps.is_empty() {
                let _ = writeln!(o, "  {}:", l("label-steps"));
                for st in &e.steps {
                    let on: Vec<String> = st
                        .seen_on
                        .iter()
                        .map(|x| l(&format!("machine-{x}")))
                        .collect();
                    let on = if on.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", on.join(", "))
                    };
                    let line = format!(
                        "{} {}: {}{on}",
                        st.step,
                        l(&format!("step-{}", st.step)),
                        l(&format!("step-status-{}", st.status))
                    );
                    o.push_str(&wrap(&line, "    ", WIDTH));
                }
            }
        }
    }

    if !r.certificates.is_empty() {
        section(
            &mut o,
            format!("{} ({})", l("heading-certificates"), r.certificates.len()),
        );
        for c in &r.certificates {
            let name = c.subject_cn.clone().unwrap_or_else(|| c.subject.clone());
            let _ = writeln!(o, "{} · {}", serde_plain(&c.role), name);
            o.push_str(&wrap(
                &format!("{}: {}", l("label-issuer"), c.issuer),
                "  ",
                WIDTH,
            ));
            let _ = writeln!(
                o,
                "  {}: {} → {}",
                l("label-valid"),
                c.not_before,
                c.not_after
            );
            let bits = c.key.bits.map(|b| format!(" {b}")).unwrap_or_default();
            let _ = writeln!(
                o,
                "  {}: {}{} · {}",
                l("label-key"),
                serde_plain(&c.key.algorithm),
                bits,
                c.signature_algorithm
            );
            if !c.extended_key_usage.is_empty() {
                o.push_str(&wrap(
                    &format!("{}: {}", l("label-eku"), c.extended_key_usage.join(", ")),
                    "  ",
                    WIDTH,
                ));
            }
            if !c.subject_alt_names.is_empty() {
                o.push_str(&wrap(
                    &format!("{}: {}", l("label-san"), c.subject_alt_names.join(", ")),
                    "  ",
                    WIDTH,
                ));
            }
            if let Some(t) = &c.template {
                o.push_str(&wrap(&format!("{}: {t}", l("label-template")), "  ", WIDTH));
            }
            let _ = writeln!(o, "  SHA-256 {}", c.sha256);
            let _ = writeln!(o, "  serial  {}", c.serial_hex);
        }
        for ch in &r.chains {
            let short: Vec<String> = ch
                .path
                .iter()
                .map(|s| s.chars().take(12).collect())
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
            o.push_str(&wrap(
                &format!(
                    "{}: {} ({state}, {sig})",
                    l("heading-chains"),
                    short.join(" → ")
                ),
                "",
                WIDTH,
            ));
        }
    }

    if !r.timeline.is_empty() {
        section(&mut o, l("heading-timeline"));
        for t in &r.timeline {
            let time = t.time.clone().unwrap_or_else(|| "—".into());
            o.push_str(&wrap(
                &format!("{time} [{}] {} ({})", t.step, t.text, t.source),
                "",
                WIDTH,
            ));
        }
    }

    section(&mut o, l("heading-inputs"));
    for i in &r.inputs {
        let status = match i.status {
            InputStatus::Ok => "ok",
            InputStatus::Error => "error",
            InputStatus::Ignored => "ignored",
        };
        let mut line = format!(
            "{status:7} {} ({}, {} {})",
            i.path,
            i.kind.as_str(),
            i.records,
            l("label-records")
        );
        if let Some(e) = &i.error {
            line.push_str(": ");
            line.push_str(e);
        }
        o.push_str(&wrap(&line, "", WIDTH));
    }
    if !r.notices.is_empty() {
        section(&mut o, l("heading-notices"));
        for n in &r.notices {
            o.push_str(&wrap(n, "", WIDTH));
        }
    }
    o
}

/// The serde name of a unit enum value (`leaf`, `rsa`, …).
pub(crate) fn serde_plain<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_lines_within_width() {
        let text = "word ".repeat(50) + &"x".repeat(200);
        for line in wrap(&text, "  ", 40).lines() {
            assert!(line.chars().count() <= 40, "{line}");
        }
    }
}
