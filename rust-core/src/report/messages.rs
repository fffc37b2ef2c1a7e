//! Localised text: Fluent message files under `rust-core/locales/{lang}/`, one bundle per
//! language, built once. IDs, enum values and JSON keys are never translated.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    /// Traditional Chinese as written in Taiwan.
    ZhHant,
}

impl Lang {
    pub const ALL: &'static [Lang] = &[Lang::En, Lang::ZhHant];

    /// BCP 47 tag as used by `--lang`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhHant => "zh-Hant",
        }
    }

    pub fn parse(tag: &str) -> Option<Lang> {
        match tag {
            "en" => Some(Lang::En),
            "zh-Hant" => Some(Lang::ZhHant),
            _ => None,
        }
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../../locales/en/certdoctor.ftl"),
            Lang::ZhHant => include_str!("../../locales/zh-Hant/certdoctor.ftl"),
        }
    }
}

/// The message bundle of one language.
pub struct Messages {
    bundle: FluentBundle<FluentResource>,
}

impl Messages {
    /// The bundle of `lang`, parsed on first use.
    pub fn get(lang: Lang) -> &'static Messages {
        static EN: OnceLock<Messages> = OnceLock::new();
        static ZH_HANT: OnceLock<Messages> = OnceLock::new();
        let cell = match lang {
            Lang::En => &EN,
            Lang::ZhHant => &ZH_HANT,
        };
        cell.get_or_init(|| Messages::load(lang))
    }

    fn load(lang: Lang) -> Messages {
        // The message files are part of the binary and covered by tests: a syntax error
        // would fail `every_message_parses`; keep what parsed rather than abort.
        let resource =
            FluentResource::try_new(lang.source().to_string()).unwrap_or_else(|(res, _)| res);
        let langid = lang.tag().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        bundle.set_use_isolating(false);
        let _ = bundle.add_resource(resource);
        Messages { bundle }
    }

    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    /// Formats message `id` with `args`; an unknown ID yields the ID itself.
    pub fn text(&self, id: &str, args: &[(&str, String)]) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_string();
        };
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            match v.parse::<i64>() {
                Ok(n) if !v.starts_with('0') || v == "0" => fargs.set(*k, FluentValue::from(n)),
                _ => fargs.set(*k, FluentValue::from(v.clone())),
            }
        }
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(&fargs), &mut errors)
            .into_owned()
    }

    /// An attribute (`.title`, `.remedy`) of message `id`.
    pub fn attr(&self, id: &str, attr: &str, args: &[(&str, String)]) -> String {
        let Some(pattern) = self
            .bundle
            .get_message(id)
            .and_then(|m| m.get_attribute(attr))
            .map(|a| a.value())
        else {
            return format!("{id}.{attr}");
        };
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            fargs.set(*k, FluentValue::from(v.clone()));
        }
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(&fargs), &mut errors)
            .into_owned()
    }
}

/// The sentence that tells the reader whether and how the report was redacted; every
/// renderer shows this same statement.
pub fn redaction_statement(m: &Messages, redaction: &super::RedactionInfo) -> String {
    if !redaction.applied {
        m.text("redaction-off", &[])
    } else if redaction.kinds.is_empty() {
        m.text("redaction-none", &[])
    } else {
        m.text(
            "redaction-applied",
            &[("kinds", redaction.kinds.join(", "))],
        )
    }
}

/// Fluent ID of a finding ID: `CERT_EXPIRED` → `finding-cert-expired`.
pub fn finding_message_id(id: crate::diagnosis::FindingId) -> String {
    format!(
        "finding-{}",
        id.as_str().to_ascii_lowercase().replace('_', "-")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::FindingId;

    #[test]
    fn every_message_parses() {
        for lang in Lang::ALL {
            let r = FluentResource::try_new(lang.source().to_string());
            assert!(r.is_ok(), "{}: {:?}", lang.tag(), r.err().map(|e| e.1));
        }
    }

    #[test]
    fn every_finding_has_title_and_remedy_in_every_language() {
        for lang in Lang::ALL {
            let m = Messages::get(*lang);
            for id in FindingId::ALL {
                let key = finding_message_id(*id);
                assert!(m.has(&key), "{} lacks {key}", lang.tag());
                let title = m.attr(&key, "title", &[]);
                assert!(
                    !title.contains(".title"),
                    "{} lacks {key}.title",
                    lang.tag()
                );
                let remedy = m.attr(&key, "remedy", &[("variant", "other".into())]);
                assert!(
                    !remedy.contains(".remedy"),
                    "{} lacks {key}.remedy",
                    lang.tag()
                );
            }
        }
    }

    /// Every message and attribute of one language, as `id` and `id.attr`.
    fn keys(lang: Lang) -> std::collections::BTreeSet<String> {
        use fluent_bundle::FluentResource;
        use fluent_syntax::ast::Entry;
        let res = FluentResource::try_new(lang.source().to_string()).unwrap_or_else(|(r, _)| r);
        let mut out = std::collections::BTreeSet::new();
        for entry in res.entries() {
            if let Entry::Message(m) = entry {
                if m.value.is_some() {
                    out.insert(m.id.name.to_string());
                }
                for a in &m.attributes {
                    out.insert(format!("{}.{}", m.id.name, a.id.name));
                }
            }
        }
        out
    }

    #[test]
    fn every_language_has_the_same_messages_and_attributes() {
        let en = keys(Lang::En);
        assert!(en.len() > 100, "English bundle looks empty: {}", en.len());
        for lang in Lang::ALL {
            let other = keys(*lang);
            let missing: Vec<_> = en.difference(&other).collect();
            let extra: Vec<_> = other.difference(&en).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.tag());
            assert!(
                extra.is_empty(),
                "{} has messages English lacks: {extra:?}",
                lang.tag()
            );
        }
    }

    #[test]
    fn every_message_formats_without_errors_in_every_language() {
        // Formatting with no arguments must not fall back to the ID (a broken reference).
        for lang in Lang::ALL {
            let m = Messages::get(*lang);
            for k in keys(*lang) {
                if !k.contains('.') {
                    assert_ne!(m.text(&k, &[]), k, "{}: {k}", lang.tag());
                }
            }
        }
    }

    #[test]
    fn traditional_chinese_uses_the_article_terms() {
        let m = Messages::get(Lang::ZhHant);
        assert_eq!(m.text("verdict-delivered", &[]), "已送達");
        assert!(
            m.attr("finding-root-cert-not-installed", "title", &[])
                .contains("根憑證")
        );
        assert!(
            m.attr("finding-scep-request-rejected", "title", &[])
                .contains("憑證授權單位")
        );
        let t = m.text(
            "date-time",
            &[
                ("year", "2026".into()),
                ("month", "6".into()),
                ("day", "1".into()),
                ("hour", "08".into()),
                ("minute", "00".into()),
            ],
        );
        assert_eq!(t, "2026年6月1日 08:00 UTC");
    }

    #[test]
    fn arguments_are_substituted() {
        let m = Messages::get(Lang::En);
        let t = m.text(
            "detail-scep-rejected",
            &[
                ("fail_info_kind", "badRequest".into()),
                ("fail_info", "badRequest".into()),
            ],
        );
        assert!(t.contains("badRequest"), "{t}");
        let t = m.text(
            "detail-scep-rejected",
            &[
                ("fail_info_kind", "other".into()),
                ("fail_info", "weird".into()),
            ],
        );
        assert!(t.contains("weird"), "{t}");
    }

    #[test]
    fn right_log_without_scep_names_the_log_and_its_range() {
        let args = |logs: &str, kind: &str, range: &str| {
            vec![
                ("logs", logs.to_string()),
                ("kind", kind.to_string()),
                ("range", range.to_string()),
                ("from", "2026-02-10T09:00:01".to_string()),
                ("to", "2026-02-10T09:00:04".to_string()),
            ]
        };
        let en = Messages::get(Lang::En);
        let t = en.text(
            "detail-no-evidence-right-log",
            &args("one", "android_omadm_log", "span"),
        );
        assert_eq!(
            t,
            "This is the right log, the device's Company Portal OMADM log, but it holds no SCEP activity in its time range (from 2026-02-10T09:00:01 to 2026-02-10T09:00:04)."
        );
        let t = en.text(
            "summary-inconclusive-right-log",
            &args("other", "several", "none"),
        );
        assert!(t.starts_with("These are the right logs (several logs), but they hold no SCEP activity in their time ranges:"), "{t}");
        let zh = Messages::get(Lang::ZhHant);
        let t = zh.text(
            "detail-no-evidence-right-log",
            &args("one", "iis_w3c_log", "one"),
        );
        assert_eq!(
            t,
            "這是正確的記錄：NDES 伺服器的 IIS 記錄，但它涵蓋的時間範圍（於 2026-02-10T09:00:01）內沒有任何 SCEP 活動。"
        );
        for lang in Lang::ALL {
            let m = Messages::get(*lang);
            let right = m.attr(
                "finding-no-evidence",
                "remedy",
                &[("variant", "right_log".into())],
            );
            let other = m.attr(
                "finding-no-evidence",
                "remedy",
                &[("variant", "other".into())],
            );
            assert_ne!(right, other, "{}", lang.tag());
            assert_eq!(
                right,
                m.text("next-collect-covering", &[]),
                "{}",
                lang.tag()
            );
        }
    }
}
