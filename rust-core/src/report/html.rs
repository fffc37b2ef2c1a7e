//! HTML renderer: one self-contained page (inline CSS, no script, nothing fetched) for the
//! share sheet and the helpdesk. Lays out the `Report` only: the step overview is read
//! from the findings' and timeline entries' steps, never from rules of its own.

use std::fmt::Write;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::messages::Messages;
use super::text::{human_time, lang_of, serde_plain};
use super::{CertificateEntry, InputStatus, Report, Verdict};
use crate::diagnosis::Severity;
use crate::evidence::CertRole;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const CSS: &str = r#"
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1b1b;--muted:#4d4d4d;--card:#f6f7f9;--line:#c9ccd1;--code:#eef0f3;--link:#0b57d0;
--ok:#0b6b2b;--ok-bg:#e6f4ea;--err:#b3261e;--err-bg:#fce8e6;--act:#8a4b00;--act-bg:#fef3e0;--run:#0b57d0;--run-bg:#e8f0fe;--unk:#4d4d4d;--unk-bg:#eceff1}
@media (prefers-color-scheme:dark){:root{--bg:#121212;--fg:#e8e8e8;--muted:#b8b8b8;--card:#1e1f22;--line:#4a4d52;--code:#2a2c30;--link:#a8c7fa;
--ok:#81d99b;--ok-bg:#10291a;--err:#ffb4ab;--err-bg:#3b1412;--act:#ffcc80;--act-bg:#33240a;--run:#a8c7fa;--run-bg:#102040;--unk:#c4c7c5;--unk-bg:#26282b}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);overflow-wrap:break-word;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK TC","PingFang TC","Microsoft JhengHei",sans-serif}
a{color:var(--link)}
.wrap{max-width:60rem;margin:0 auto;padding:1rem}
.skip{position:absolute;left:-999px;top:0;background:var(--bg);padding:.5rem}
.skip:focus{left:.5rem}
h1{font-size:1.25rem;margin:0 0 .75rem}
h2{font-size:1.2rem;margin:2rem 0 .75rem;padding-bottom:.25rem;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:0 0 .4rem}
h4{font-size:.95rem;margin:.75rem 0 .25rem}
code,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"Noto Sans Mono CJK TC",monospace;font-size:.875em;overflow-wrap:anywhere;word-break:break-word}
code{background:var(--code);padding:0 .2em;border-radius:3px}
.verdict{border:2px solid var(--v);background:var(--vbg);border-radius:10px;padding:1rem;margin-bottom:1rem}
.verdict .word{display:flex;align-items:center;gap:.6rem;font-size:1.6rem;font-weight:700;color:var(--v);margin:0 0 .5rem}
.verdict svg{width:2.2rem;height:2.2rem;flex:none}
.verdict p{margin:.4rem 0}
.v-delivered{--v:var(--ok);--vbg:var(--ok-bg)}.v-failed{--v:var(--err);--vbg:var(--err-bg)}
.v-action_required{--v:var(--act);--vbg:var(--act-bg)}.v-in_progress{--v:var(--run);--vbg:var(--run-bg)}.v-inconclusive{--v:var(--unk);--vbg:var(--unk-bg)}
.summary{font-size:1.1rem}
.meta{color:var(--muted);font-size:.9rem}
.privacy{border-left:4px solid var(--line);padding-left:.6rem}
nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;margin:0;list-style:none}
ol.steps{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.5rem}
ol.steps li{border:1px solid var(--line);border-top:6px solid var(--s,var(--line));border-radius:6px;padding:.5rem;background:var(--card)}
ol.steps .n{display:block;font-size:.8rem;color:var(--muted)}
ol.steps .st{display:block;font-weight:700;color:var(--s,var(--muted))}
.s-reached{--s:var(--ok)}.s-failed{--s:var(--err)}.s-waiting{--s:var(--act)}.s-none{--s:var(--muted)}
.s-none{opacity:1;border-style:dashed}
article.finding,article.cert{border:1px solid var(--line);border-left:6px solid var(--f,var(--line));border-radius:6px;padding:.75rem 1rem;margin:0 0 1rem;background:var(--card);break-inside:avoid}
.f-error{--f:var(--err)}.f-action{--f:var(--act)}.f-warning{--f:var(--act)}.f-info{--f:var(--run)}.f-resolved{--f:var(--ok)}
.badge{display:inline-block;border:1px solid currentColor;border-radius:4px;padding:0 .35rem;font-size:.8rem;font-weight:700;margin-right:.25rem}
.remedy{background:var(--bg);border-radius:6px;padding:.5rem .75rem}
ul.evidence{padding-left:1.1rem;margin:.25rem 0}
ul.evidence li{margin:.2rem 0}
ol.chain{list-style:none;padding:0;margin:.25rem 0 1rem}
ol.chain li{border:1px solid var(--line);border-radius:6px;padding:.4rem .6rem;background:var(--card);margin:0}
ol.chain li+li::before{content:"\2193";display:block;text-align:center;color:var(--muted);margin:-.1rem 0 .1rem}
ol.chain .missing{border-style:dashed;color:var(--err)}
dl{display:grid;grid-template-columns:minmax(6rem,max-content) 1fr;gap:.2rem .75rem;margin:.5rem 0}
dt{color:var(--muted)}
dd{margin:0;min-width:0}
.bar{position:relative;height:.7rem;border:1px solid var(--line);border-radius:4px;background:var(--bg);margin:.4rem 0 .2rem}
.bar .fill{position:absolute;left:0;top:0;bottom:0;background:var(--ok);border-radius:3px 0 0 3px}
.bar.gone .fill{background:var(--err)}
.bar .now{position:absolute;top:-.3rem;bottom:-.3rem;width:3px;margin-left:-1px;background:var(--fg)}
.scroll{overflow-x:auto;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}
thead th{background:var(--card)}
footer{margin:2rem 0 1rem;color:var(--muted);font-size:.85rem;border-top:1px solid var(--line);padding-top:.75rem}
@media (max-width:30rem){.wrap{padding:.6rem}.verdict .word{font-size:1.35rem}dl{grid-template-columns:1fr}dt{margin-top:.3rem}table{font-size:.8rem}}
@media print{:root{--bg:#fff;--fg:#000;--muted:#333;--card:#fff;--code:#f2f2f2;--line:#999}
body{font-size:11pt}nav,.skip{display:none}.wrap{max-width:none;padding:0}.scroll{overflow:visible}
h2{break-after:avoid}article,ol.steps li,tr{break-inside:avoid}a{color:inherit;text-decoration:none}}
"#;

/// A shape per verdict (check, cross, triangle, clock, question mark) so it never relies
/// on colour; the verdict word is always written next to it.
fn icon(v: Verdict) -> String {
    let body = match v {
        Verdict::Delivered => {
            r#"<circle cx="12" cy="12" r="10"/><path d="M7 12.5l3.2 3.2L17 8.8"/>"#
        }
        Verdict::Failed => r#"<circle cx="12" cy="12" r="10"/><path d="M8 8l8 8M16 8l-8 8"/>"#,
        Verdict::ActionRequired => {
            r#"<path d="M12 2.8L22.2 20.5H1.8Z"/><path d="M12 9v5.5M12 17.3v.4"/>"#
        }
        Verdict::InProgress => r#"<circle cx="12" cy="12" r="10"/><path d="M12 6.5V12l3.8 2.6"/>"#,
        Verdict::Inconclusive => {
            r#"<circle cx="12" cy="12" r="10"/><path d="M9.2 9.3a2.9 2.9 0 1 1 4 2.7c-.8.4-1.2 1-1.2 1.8v.6M12 17.3v.4"/>"#
        }
    };
    format!(
        r#"<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round">{body}</svg>"#
    )
}

/// Where delivery got to on one step, as the report's entries show it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StepState {
    Failed,
    Waiting,
    Reached,
    None,
}

fn step_states(r: &Report) -> [StepState; 6] {
    let mut s = [StepState::None; 6];
    let idx = |step: u8| (step as usize).checked_sub(1).filter(|i| *i < 6);
    for t in &r.timeline {
        if let Some(i) = idx(t.step) {
            s[i] = StepState::Reached;
        }
    }
    // Per-enrollment step statuses, when the report carries them (device and servers).
    for st in r.enrollments.iter().flat_map(|e| &e.steps) {
        let Some(i) = idx(st.step) else { continue };
        match st.status.as_str() {
            "failed" => s[i] = StepState::Failed,
            "ok" | "seen" if s[i] == StepState::None => s[i] = StepState::Reached,
            _ => {}
        }
    }
    for f in r.findings.iter().filter(|f| !f.resolved) {
        let Some(i) = idx(f.step) else { continue };
        match f.severity {
            Severity::Error => s[i] = StepState::Failed,
            Severity::Action if s[i] != StepState::Failed => s[i] = StepState::Waiting,
            _ => {}
        }
    }
    s
}

fn unix(s: &str) -> Option<i64> {
    OffsetDateTime::parse(s, &Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

pub fn render(r: &Report) -> String {
    let lang = lang_of(r);
    let m = Messages::get(lang);
    let l = |id: &str| escape(&m.text(id, &[]));
    let when = |s: &str| escape(&human_time(s, lang));
    // ": " in English, a full-width "：" in Chinese.
    let colon = escape(&m.text("label-colon", &[]));
    let colon = colon.as_str();
    let mut o = String::with_capacity(32 * 1024);
    let v = r.verdict.as_str();

    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"color-scheme\" content=\"light dark\">\n\
<meta name=\"generator\" content=\"{} {}\">\n<title>{} — {}</title>\n<style>{}</style>\n</head>\n<body>\n",
        escape(lang.tag()),
        escape(&r.tool.name),
        escape(&r.tool.version),
        l(&format!("verdict-{v}")),
        l("heading-title"),
        CSS.trim()
    );
    let _ = writeln!(
        o,
        "<a class=\"skip\" href=\"#findings\">{}</a>\n<div class=\"wrap\">",
        l("label-skip")
    );

    // Verdict, summary, next action, privacy.
    let _ = writeln!(o, "<header>\n<h1>{}</h1>", l("heading-title"));
    let _ = writeln!(
        o,
        "<section class=\"verdict v-{v}\" aria-labelledby=\"verdict\">"
    );
    let _ = writeln!(
        o,
        "<h2 id=\"verdict\" class=\"word\" style=\"border:0;margin-top:0\">{}<span><span class=\"meta\" style=\"display:block;font-size:.85rem;font-weight:400\">{}</span>{}</span></h2>",
        icon(r.verdict),
        l("heading-verdict"),
        l(&format!("verdict-{v}"))
    );
    let _ = writeln!(o, "<p class=\"summary\">{}</p>", escape(&r.summary));
    let _ = writeln!(
        o,
        "<p><strong>{}{}</strong>{}</p>",
        l("heading-next"),
        colon,
        escape(&r.next_action)
    );
    let red = super::messages::redaction_statement(m, &r.redaction);
    let _ = writeln!(
        o,
        "<p class=\"privacy\"><strong>{}{}</strong>{}</p>",
        l("heading-privacy"),
        colon,
        escape(&red)
    );
    let mut meta = format!("{}{}{}", l("label-generated"), colon, when(&r.generated_at));
    if !r.platforms.is_empty() {
        let p: Vec<&str> = r.platforms.iter().map(|p| p.as_str()).collect();
        let _ = write!(
            meta,
            " · {}{}{}",
            l("label-platforms"),
            colon,
            escape(&p.join(", "))
        );
    }
    let _ = writeln!(o, "<p class=\"meta\">{meta}</p>\n</section>\n</header>");

    // Contents.
    let mut toc: Vec<(&str, String)> = vec![
        ("steps", l("heading-steps")),
        ("findings", l("heading-findings")),
    ];
    let probe = super::probe::lines(r, m);
    if !probe.is_empty() {
        toc.push(("probe", l("heading-probe")));
    }
    if !r.certificates.is_empty() {
        toc.push(("certificates", l("heading-certificates")));
    }
    if !r.enrollments.is_empty() {
        toc.push(("enrollments", l("heading-enrollments")));
    }
    if !r.timeline.is_empty() {
        toc.push(("timeline", l("heading-timeline")));
    }
    if super::probe::shows_inputs(r) {
        toc.push(("inputs", l("heading-inputs")));
    }
    let _ = writeln!(o, "<nav aria-label=\"{}\"><ul>", l("heading-contents"));
    for (id, t) in &toc {
        let _ = writeln!(o, "<li><a href=\"#{id}\">{t}</a></li>");
    }
    let _ = writeln!(o, "</ul></nav>\n<main>");

    // The six steps.
    let _ = writeln!(
        o,
        "<section id=\"steps\" aria-labelledby=\"h-steps\">\n<h2 id=\"h-steps\">{}</h2>\n<ol class=\"steps\">",
        l("heading-steps")
    );
    for (i, st) in step_states(r).iter().enumerate() {
        let n = i + 1;
        // The machines each step was seen on (device, NDES, connector, CA), if known.
        let mut machines: Vec<&str> = Vec::new();
        for step in r
            .enrollments
            .iter()
            .flat_map(|e| &e.steps)
            .filter(|s| usize::from(s.step) == n)
        {
            for m in &step.seen_on {
                if !machines.contains(&m.as_str()) {
                    machines.push(m);
                }
            }
        }
        let seen_on = if machines.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = machines
                .iter()
                .map(|k| l(&format!("machine-{k}")))
                .collect();
            format!(
                "<span class=\"n\">{}{}{}</span>",
                l("label-seen-on"),
                colon,
                names.join(" · ")
            )
        };
        let (class, sym, word) = match st {
            StepState::Failed => ("failed", "✘", "label-step-failed"),
            StepState::Waiting => ("waiting", "!", "label-step-waiting"),
            StepState::Reached => ("reached", "✔", "label-step-reached"),
            StepState::None => ("none", "○", "label-step-not-reached"),
        };
        let _ = writeln!(
            o,
            "<li class=\"s-{class}\"><span class=\"n\">{}</span>{}<span class=\"st\"><span aria-hidden=\"true\">{sym} </span>{}</span>{seen_on}</li>",
            escape(&m.text("label-step-count", &[("step", n.to_string())])),
            l(&format!("step-{n}")),
            l(word)
        );
    }
    let _ = writeln!(o, "</ol>\n</section>");

    // Findings.
    let _ = writeln!(
        o,
        "<section id=\"findings\" aria-labelledby=\"h-findings\">\n<h2 id=\"h-findings\">{} ({})</h2>",
        l("heading-findings"),
        r.findings.len()
    );
    if r.findings.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", l("label-none"));
    }
    for f in &r.findings {
        let sev = f.severity.as_str();
        let class = if f.resolved {
            "resolved".to_string()
        } else {
            sev.to_string()
        };
        let _ = writeln!(o, "<article class=\"finding f-{class}\">");
        let _ = writeln!(o, "<h3>{}</h3>", escape(&f.title));
        let mut line = format!(
            "<span class=\"badge\">{}</span> <code>{}</code> · {} {} ({})",
            l(&format!("severity-{sev}")),
            escape(f.id.as_str()),
            l("label-step"),
            f.step,
            l(&format!("step-{}", f.step.clamp(1, 6)))
        );
        if f.resolved {
            let _ = write!(line, " · {}", l("label-resolved"));
        }
        let _ = writeln!(o, "<p class=\"meta\">{line}</p>");
        let _ = writeln!(o, "<p>{}</p>", escape(&f.detail));
        let _ = writeln!(
            o,
            "<p class=\"remedy\"><strong>{}{}</strong>{}</p>",
            l("label-remedy"),
            colon,
            escape(&f.remedy)
        );
        if let Some(c) = &f.certificate {
            let _ = writeln!(
                o,
                "<p class=\"meta\">{} <code>{}</code></p>",
                l("label-fingerprint"),
                escape(c)
            );
        }
        if !f.evidence.is_empty() {
            let _ = writeln!(
                o,
                "<h4>{}</h4>\n<ul class=\"evidence\">",
                l("label-evidence")
            );
            for e in &f.evidence {
                let _ = writeln!(
                    o,
                    "<li><code>{}</code><br><code>{}</code></li>",
                    escape(&e.source),
                    escape(&e.text)
                );
            }
            let _ = writeln!(o, "</ul>");
        }
        let _ = writeln!(o, "</article>");
    }
    let _ = writeln!(o, "</section>");

    if !probe.is_empty() {
        let _ = writeln!(
            o,
            "<section id=\"probe\" aria-labelledby=\"h-probe\">\n<h2 id=\"h-probe\">{}</h2>\n<ul>",
            l("heading-probe")
        );
        for line in &probe {
            let _ = writeln!(o, "<li>{}</li>", escape(line));
        }
        let _ = writeln!(o, "</ul>\n</section>");
    }

    // Certificates: chains as paths from the root down, then one card per certificate.
    if !r.certificates.is_empty() {
        let now = unix(&r.generated_at);
        let by_sha = |s: &str| r.certificates.iter().find(|c| c.sha256 == s);
        let _ = writeln!(
            o,
            "<section id=\"certificates\" aria-labelledby=\"h-certs\">\n<h2 id=\"h-certs\">{} ({})</h2>",
            l("heading-certificates"),
            r.certificates.len()
        );
        if !r.chains.is_empty() {
            let _ = writeln!(o, "<h3>{}</h3>", l("heading-chains"));
        }
        for ch in &r.chains {
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
                "<p class=\"meta\">{} ({state}, {sig})</p>",
                l("label-chain-path")
            );
            let _ = writeln!(o, "<ol class=\"chain\">");
            if !ch.complete {
                let missing = ch
                    .path
                    .last()
                    .and_then(|s| by_sha(s))
                    .map(|c| c.issuer.clone())
                    .unwrap_or_default();
                let _ = writeln!(
                    o,
                    "<li class=\"missing\"><span aria-hidden=\"true\">✘ </span>{} — {}</li>",
                    escape(&missing),
                    l("label-chain-missing")
                );
            }
            for sha in ch.path.iter().rev() {
                match by_sha(sha) {
                    Some(c) => {
                        let _ = writeln!(
                            o,
                            "<li><strong>{}</strong> <span class=\"meta\">({})</span><br><code>{}</code></li>",
                            escape(&display_name(c)),
                            l(role_label(c.role)),
                            escape(&sha.chars().take(16).collect::<String>())
                        );
                    }
                    None => {
                        let _ = writeln!(
                            o,
                            "<li><code>{}</code> {}</li>",
                            escape(sha),
                            l("label-not-in-input")
                        );
                    }
                }
            }
            let _ = writeln!(o, "</ol>");
        }
        for c in &r.certificates {
            cert_card(&mut o, c, now, m, lang);
        }
        let _ = writeln!(o, "</section>");
    }

    // Enrollments.
    if !r.enrollments.is_empty() {
        let _ = writeln!(
            o,
            "<section id=\"enrollments\">\n<h2 id=\"h-enr\">{}</h2>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"h-enr\">\n<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>",
            l("heading-enrollments"),
            l("label-platforms"),
            l("label-profile"),
            l("label-state"),
            l("label-seen")
        );
        for e in &r.enrollments {
            let seen = match (&e.first_seen, &e.last_seen) {
                (Some(a), Some(b)) => format!("{} → {}", escape(a), escape(b)),
                _ => String::new(),
            };
            let _ = writeln!(
                o,
                "<tr><th scope=\"row\">{}</th><td><code>{}</code></td><td><code>{}</code></td><td>{seen}</td></tr>",
                escape(e.platform.as_str()),
                escape(e.profile.as_deref().unwrap_or("—")),
                escape(&e.state)
            );
        }
        let _ = writeln!(o, "</tbody>\n</table>\n</div>\n</section>");
    }

    // Timeline.
    if !r.timeline.is_empty() {
        let _ = writeln!(
            o,
            "<section id=\"timeline\">\n<h2 id=\"h-tl\">{}</h2>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"h-tl\">\n<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>",
            l("heading-timeline"),
            l("label-time"),
            l("label-step"),
            l("label-event"),
            l("label-source")
        );
        for t in &r.timeline {
            let _ = writeln!(
                o,
                "<tr><td class=\"mono\">{}</td><td>{}</td><th scope=\"row\" style=\"font-weight:400\">{}</th><td><code>{}</code></td></tr>",
                escape(t.time.as_deref().unwrap_or("—")),
                t.step,
                escape(&t.text),
                escape(&t.source)
            );
        }
        let _ = writeln!(o, "</tbody>\n</table>\n</div>\n</section>");
    }

    // Inputs (a probe report has none).
    if super::probe::shows_inputs(r) {
        let _ = writeln!(
            o,
            "<section id=\"inputs\">\n<h2 id=\"h-in\">{}</h2>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"h-in\">\n<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>",
            l("heading-inputs"),
            l("label-path"),
            l("label-status"),
            l("label-kind"),
            l("label-records"),
            l("label-error")
        );
        for i in &r.inputs {
            let (status, sym) = match i.status {
                InputStatus::Ok => ("label-status-ok", "✔"),
                InputStatus::Error => ("label-status-error", "✘"),
                InputStatus::Ignored => ("label-status-ignored", "–"),
            };
            let _ = writeln!(
                o,
                "<tr><th scope=\"row\"><code>{}</code></th><td><span aria-hidden=\"true\">{sym} </span>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                escape(&i.path),
                l(status),
                escape(i.kind.as_str()),
                i.records,
                escape(i.error.as_deref().unwrap_or(""))
            );
        }
        let _ = writeln!(o, "</tbody>\n</table>\n</div>\n</section>");
    }

    if !r.notices.is_empty() {
        let _ = writeln!(
            o,
            "<section id=\"notices\" aria-labelledby=\"h-no\">\n<h2 id=\"h-no\">{}</h2>\n<ul>",
            l("heading-notices")
        );
        for n in &r.notices {
            let _ = writeln!(o, "<li>{}</li>", escape(n));
        }
        let _ = writeln!(o, "</ul>\n</section>");
    }

    let _ = writeln!(
        o,
        "</main>\n<footer><p>{}</p></footer>\n</div>\n</body>\n</html>",
        escape(&m.text(
            "label-footer",
            &[
                ("tool", r.tool.name.clone()),
                ("version", r.tool.version.clone())
            ]
        ))
    );
    o
}

fn role_label(role: CertRole) -> &'static str {
    match role {
        CertRole::Root => "role-root",
        CertRole::Intermediate => "role-intermediate",
        CertRole::Leaf => "role-leaf",
    }
}

fn display_name(c: &CertificateEntry) -> String {
    c.subject_cn.clone().unwrap_or_else(|| c.subject.clone())
}

fn cert_card(
    o: &mut String,
    c: &CertificateEntry,
    now: Option<i64>,
    m: &Messages,
    lang: super::Lang,
) {
    let l = |id: &str| escape(&m.text(id, &[]));
    let colon = escape(&m.text("label-colon", &[]));
    let (nb, na) = (unix(&c.not_before), unix(&c.not_after));
    let mut class = "f-info";
    let mut status = String::new();
    let mut bar = String::new();
    if let (Some(nb), Some(na), Some(now)) = (nb, na, now) {
        let span = (na - nb).max(1) as f64;
        let pct = (((now - nb) as f64 / span) * 100.0).clamp(0.0, 100.0);
        let gone = now > na || now < nb;
        status = if now > na {
            l("label-expired")
        } else if now < nb {
            l("label-not-yet-valid")
        } else {
            escape(&m.text(
                "label-days-left",
                &[("days", ((na - now) / 86_400).to_string())],
            ))
        };
        if gone {
            class = "f-error";
        }
        let label = format!(
            "{}{}{} – {} · {}",
            l("label-validity-bar"),
            colon,
            escape(&human_time(&c.not_before, lang)),
            escape(&human_time(&c.not_after, lang)),
            status
        );
        bar = format!(
            "<div class=\"bar{}\" role=\"img\" aria-label=\"{label}\"><span class=\"fill\" style=\"width:{pct:.1}%\"></span><span class=\"now\" style=\"left:{pct:.1}%\" title=\"{}\"></span></div>",
            if gone { " gone" } else { "" },
            l("label-report-time")
        );
    }
    let _ = writeln!(o, "<article class=\"cert {class}\">");
    let _ = writeln!(
        o,
        "<h3>{} <span class=\"meta\" style=\"font-weight:400\">({})</span></h3>",
        escape(&display_name(c)),
        l(role_label(c.role))
    );
    let _ = writeln!(o, "{bar}");
    let _ = writeln!(
        o,
        "<p class=\"meta\">{}{}{} – {}{}{}</p>",
        l("label-valid"),
        colon,
        escape(&human_time(&c.not_before, lang)),
        escape(&human_time(&c.not_after, lang)),
        if status.is_empty() { "" } else { " · " },
        status
    );
    let _ = writeln!(o, "<dl>");
    let mut row = |k: String, v: String| {
        let _ = writeln!(o, "<dt>{k}</dt><dd>{v}</dd>");
    };
    row(l("label-subject"), escape(&c.subject));
    row(l("label-issuer"), escape(&c.issuer));
    let bits = c.key.bits.map(|b| format!(" {b}")).unwrap_or_default();
    row(
        l("label-key"),
        format!("{}{}", escape(&serde_plain(&c.key.algorithm)), bits),
    );
    row(l("label-signature"), escape(&c.signature_algorithm));
    if !c.extended_key_usage.is_empty() {
        row(l("label-eku"), escape(&c.extended_key_usage.join(", ")));
    }
    if !c.subject_alt_names.is_empty() {
        row(l("label-san"), escape(&c.subject_alt_names.join(", ")));
    }
    if let Some(t) = &c.template {
        row(l("label-template"), escape(t));
    }
    row(
        l("label-fingerprint"),
        format!("<code>{}</code>", escape(&c.sha256)),
    );
    row(
        l("label-serial"),
        format!("<code>{}</code>", escape(&c.serial_hex)),
    );
    row(l("label-sources"), escape(&c.sources.join(", ")));
    let _ = writeln!(o, "</dl>\n</article>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaper_neutralises_markup() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'q'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"
        );
        assert_eq!(escape("憑證 ‹host-a1b2c3›"), "憑證 ‹host-a1b2c3›");
    }
}
