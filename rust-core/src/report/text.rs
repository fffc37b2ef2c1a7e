//! Plain-text renderer: fits an 80-column terminal and a chat message. Lays out the
//! `Report` only; every label comes from the message files.

use std::fmt::Write;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

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

/// Punctuation that must not start a line in CJK text: it stays with the unit before it.
const NO_LINE_START: &str = "，。、：；！？）」』】〉》…．,.:;!?)]";

/// Opening brackets that must not end a line: they go with the unit after them.
const NO_LINE_END: &str = "（「『【〈《";

/// Splits a paragraph into units a line may break between: `(space before, unit)`.
/// Latin words are units; in CJK text every wide character is a unit of its own.
fn units(para: &str) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    for word in para.split(' ').filter(|w| !w.is_empty()) {
        let mut first = true;
        let mut narrow = String::new();
        for ch in word.chars() {
            let wide = ch.width().unwrap_or(0) >= 2;
            if NO_LINE_START.contains(ch)
                && narrow.is_empty()
                && !first
                && let Some(last) = out.last_mut()
            {
                last.1.push(ch);
                continue;
            }
            let only_open = |s: &str| s.chars().all(|c| NO_LINE_END.contains(c));
            if NO_LINE_END.contains(ch) {
                if !narrow.is_empty() && !only_open(&narrow) {
                    out.push((first, std::mem::take(&mut narrow)));
                    first = false;
                }
                narrow.push(ch);
                continue;
            }
            if wide {
                let mut unit = String::new();
                if !narrow.is_empty() {
                    if only_open(&narrow) {
                        unit = std::mem::take(&mut narrow);
                    } else {
                        out.push((first, std::mem::take(&mut narrow)));
                        first = false;
                    }
                }
                unit.push(ch);
                out.push((first, unit));
                first = false;
            } else {
                narrow.push(ch);
            }
        }
        if !narrow.is_empty() {
            out.push((first, narrow));
        }
    }
    out
}

/// Wraps `text` at `width` display columns (CJK characters count two), every line
/// prefixed by `indent`. Breaks at spaces, and between CJK characters.
pub fn wrap(text: &str, indent: &str, width: usize) -> String {
    let iw = indent.width();
    let mut out = String::new();
    for para in text.split('\n') {
        let mut line = String::from(indent);
        let mut len = iw;
        let mut empty = true;
        for (space_before, unit) in units(para) {
            let ul = unit.width();
            let sep = usize::from(space_before && !empty);
            if !empty && len + sep + ul > width {
                out.push_str(line.trim_end());
                out.push('\n');
                line = String::from(indent);
                len = iw;
                empty = true;
            }
            if space_before && !empty {
                line.push(' ');
                len += 1;
            }
            if ul > width.saturating_sub(iw) {
                // A unit longer than a whole line is cut into pieces.
                for ch in unit.chars() {
                    let cw = ch.width().unwrap_or(0);
                    if len + cw > width && len > iw {
                        out.push_str(&line);
                        out.push('\n');
                        line = String::from(indent);
                        len = iw;
                    }
                    line.push(ch);
                    len += cw;
                }
            } else {
                line.push_str(&unit);
                len += ul;
            }
            empty = false;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// An RFC 3339 UTC time (`2026-06-01T08:00:00Z`) written for the reader's language
/// (`1 Jun 2026 08:00 UTC`, `2026年6月1日 08:00 UTC`). Anything else, such as a log
/// time kept as the log wrote it, is returned unchanged.
pub fn human_time(s: &str, lang: Lang) -> String {
    use time::format_description::well_known::Rfc3339;
    if !s.ends_with('Z') {
        return s.to_string();
    }
    let Ok(t) = time::OffsetDateTime::parse(s, &Rfc3339) else {
        return s.to_string();
    };
    Messages::get(lang).text(
        "date-time",
        &[
            ("year", t.year().to_string()),
            ("month", u8::from(t.month()).to_string()),
            ("day", t.day().to_string()),
            ("hour", format!("{:02}", t.hour())),
            ("minute", format!("{:02}", t.minute())),
        ],
    )
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
    let _ = writeln!(
        o,
        "{}: {}",
        l("label-generated"),
        human_time(&r.generated_at, lang_of(r))
    );
    if !r.platforms.is_empty() {
        let p: Vec<&str> = r.platforms.iter().map(|p| p.as_str()).collect();
        let _ = writeln!(o, "{}: {}", l("label-platforms"), p.join(", "));
    }
    o.push_str(&wrap(
        &super::messages::redaction_statement(m, &r.redaction),
        "",
        WIDTH,
    ));

    let section = |o: &mut String, title: String| {
        let _ = writeln!(o);
        let _ = writeln!(o, "{title}");
        let _ = writeln!(o, "{}", "-".repeat(title.width().min(WIDTH)));
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

    let probe = super::probe::lines(r, m);
    if !probe.is_empty() {
        section(&mut o, l("heading-probe"));
        for line in &probe {
            o.push_str(&wrap(line, "", WIDTH));
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
                o.push_str(&wrap(
                    &format!("{}: {t}", l("label-transaction")),
                    "  ",
                    WIDTH,
                ));
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
                human_time(&c.not_before, lang_of(r)),
                human_time(&c.not_after, lang_of(r))
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
            let _ = writeln!(o, "  {}: {}", l("label-serial"), c.serial_hex);
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

    if super::probe::shows_inputs(r) {
        section(&mut o, l("heading-inputs"));
        for i in &r.inputs {
            let status = match i.status {
                InputStatus::Ok => l("label-status-ok"),
                InputStatus::Error => l("label-status-error"),
                InputStatus::Ignored => l("label-status-ignored"),
            };
            let records = m.text("label-record-count", &[("count", i.records.to_string())]);
            let mut line = format!("{status} {} ({}, {records})", i.path, i.kind.as_str());
            if let Some(e) = &i.error {
                line.push_str(": ");
                line.push_str(e);
            }
            o.push_str(&wrap(&line, "", WIDTH));
        }
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
    fn wrap_counts_cjk_characters_as_two_columns() {
        let text = "請在 Intune 的 SCEP 設定檔以及 CA 的憑證範本中，將「用戶端驗證」加入擴充金鑰使用方法，然後讓裝置重新註冊。".repeat(3);
        let out = wrap(&text, "  ", 40);
        for line in out.lines() {
            assert!(line.width() <= 40, "{line} is {} columns", line.width());
            assert!(
                !line.trim_start().starts_with('，') && !line.trim_start().starts_with('。'),
                "{line}"
            );
        }
        assert!(out.lines().count() > 3);
        assert!(out.contains("Intune"), "Latin words stay whole: {out}");
    }

    #[test]
    fn opening_brackets_stay_with_what_follows() {
        let text = "更新已過期的 MSCEP-RA 憑證（CEP Encryption、Exchange Enrollment Agent）並授與「讀取」權限。".repeat(4);
        for width in 20..60 {
            for line in wrap(&text, "", width).lines() {
                assert!(
                    !line.ends_with('（') && !line.ends_with('「'),
                    "{width}: {line}"
                );
                assert!(line.width() <= width, "{width}: {line}");
            }
        }
    }

    #[test]
    fn dates_follow_the_language() {
        assert_eq!(
            human_time("2026-06-01T08:00:00Z", Lang::En),
            "1 Jun 2026 08:00 UTC"
        );
        assert_eq!(
            human_time("2026-06-01T08:00:00Z", Lang::ZhHant),
            "2026年6月1日 08:00 UTC"
        );
        assert_eq!(
            human_time("2018-02-27T05:16:28.034", Lang::ZhHant),
            "2018-02-27T05:16:28.034"
        );
    }

    #[test]
    fn wrap_keeps_lines_within_width() {
        let text = "word ".repeat(50) + &"x".repeat(200);
        for line in wrap(&text, "  ", 40).lines() {
            assert!(line.chars().count() <= 40, "{line}");
        }
    }
}
