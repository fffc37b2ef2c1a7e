//! Which records of the unified log are wanted, as data: rules on the process (the file
//! name of its executable), the subsystem and, for chatty processes, words the message
//! must mention; and which binary images' strings are worth keeping for them.
//!
//! The process and subsystem parts are decided before any message is formatted (from the
//! tracev3 catalog and the uuidtext files' image paths); the mention part only after.

/// One rule: a record matches when every part that is set matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// File name of the process's executable, exact (`profiled`).
    pub process: Option<String>,
    /// Subsystem, exact (`com.apple.ManagedConfiguration`).
    pub subsystem: Option<String>,
    /// When not empty, the formatted message must contain one of these (ASCII case
    /// ignored).
    pub mentions: Vec<String>,
}

impl Rule {
    /// Every record of a process.
    pub fn process(name: &str) -> Rule {
        Rule {
            process: Some(name.to_string()),
            subsystem: None,
            mentions: Vec::new(),
        }
    }

    /// Every record of a subsystem, whichever process wrote it.
    pub fn subsystem(name: &str) -> Rule {
        Rule {
            process: None,
            subsystem: Some(name.to_string()),
            mentions: Vec::new(),
        }
    }

    /// Records of a process whose message mentions one of `words`.
    pub fn process_mentioning(name: &str, words: &[&str]) -> Rule {
        Rule {
            process: Some(name.to_string()),
            subsystem: None,
            mentions: words.iter().map(|w| w.to_string()).collect(),
        }
    }
}

/// The wanted records and the images whose strings are kept for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub rules: Vec<Rule>,
    /// Path fragments of binary images (uuidtext files, shared-cache ranges) whose format
    /// strings are kept whatever order the archive's members come in, besides the
    /// executables of the processes named in `rules`. Strings of other images are kept
    /// only when a record already read needs them.
    pub images: Vec<String>,
}

impl Selection {
    /// What carries SCEP and profile evidence on iOS, iPadOS and macOS (documented in
    /// docs/unified-log.md): the configuration-profile daemon and framework, the MDM
    /// clients, and the keychain and trust daemons where they name SCEP.
    pub fn mdm_and_scep() -> Selection {
        let scep_words = ["SCEP", "PKIOperation", "GetCACert"];
        Selection {
            rules: vec![
                Rule::process("profiled"),
                Rule::process("dmd"),
                Rule::process("mdmd"),
                Rule::process("mdmclient"),
                Rule::process("ManagedClient"),
                Rule::subsystem("com.apple.ManagedConfiguration"),
                Rule::subsystem("com.apple.ManagedClient"),
                Rule::subsystem("com.apple.dmd"),
                Rule::process_mentioning("securityd", &scep_words),
                Rule::process_mentioning("trustd", &scep_words),
            ],
            images: vec![
                "ManagedConfiguration".to_string(),
                "/Security.framework/".to_string(),
                "DeviceManagement".to_string(),
                "ManagedClient".to_string(),
            ],
        }
    }

    /// Could a record of this process (by its executable's path) be wanted, whatever its
    /// subsystem? `None` when no rule names a process.
    pub(crate) fn names_process(&self, image_path: &str) -> bool {
        let name = file_name(image_path);
        self.rules
            .iter()
            .any(|r| r.process.as_deref() == Some(name))
    }

    /// Does any rule name a process at all (so that an unknown process may matter)?
    pub(crate) fn has_process_rules(&self) -> bool {
        self.rules.iter().any(|r| r.process.is_some())
    }

    /// Could a record with this subsystem, of a process with this executable (`None`:
    /// not known), be wanted? The mention part is not looked at.
    pub(crate) fn may_want(&self, process: Option<&str>, subsystem: &str) -> bool {
        let name = process.map(file_name);
        self.rules.iter().any(|r| {
            let process_ok = match (&r.process, name) {
                (None, _) => true,
                (Some(p), Some(n)) => p == n,
                (Some(_), None) => false,
            };
            let subsystem_ok = r.subsystem.as_deref().is_none_or(|s| s == subsystem);
            process_ok && subsystem_ok && (r.process.is_some() || r.subsystem.is_some())
        })
    }

    /// Is this formatted record wanted?
    pub(crate) fn wants(&self, process: Option<&str>, subsystem: &str, message: &str) -> bool {
        let name = process.map(file_name);
        self.rules.iter().any(|r| {
            let process_ok = match (&r.process, name) {
                (None, _) => true,
                (Some(p), Some(n)) => p == n,
                (Some(_), None) => false,
            };
            let subsystem_ok = r.subsystem.as_deref().is_none_or(|s| s == subsystem);
            let mention_ok = r.mentions.is_empty()
                || r.mentions.iter().any(|w| contains_ignore_case(message, w));
            process_ok
                && subsystem_ok
                && mention_ok
                && (r.process.is_some() || r.subsystem.is_some())
        })
    }

    /// Is a subsystem named by a rule (so that a process using it may write wanted
    /// records)?
    pub(crate) fn names_subsystem(&self, subsystem: &str) -> bool {
        self.rules
            .iter()
            .any(|r| r.subsystem.as_deref() == Some(subsystem))
    }

    /// Are this image's format strings kept whatever the order of members?
    pub(crate) fn keeps_image(&self, image_path: &str) -> bool {
        self.names_process(image_path)
            || self.images.iter().any(|f| image_path.contains(f.as_str()))
    }
}

/// The last component of an image path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    let n = needle.as_bytes();
    n.is_empty()
        || haystack
            .as_bytes()
            .windows(n.len())
            .any(|w| w.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILED: &str =
        "/System/Library/PrivateFrameworks/ManagedConfiguration.framework/Support/profiled";

    #[test]
    fn default_selection() {
        let s = Selection::mdm_and_scep();
        assert!(s.names_process(PROFILED));
        assert!(!s.names_process("/usr/libexec/lsd"));
        assert!(s.may_want(Some("/usr/libexec/lsd"), "com.apple.ManagedConfiguration"));
        assert!(s.may_want(None, "com.apple.ManagedConfiguration"));
        assert!(!s.may_want(None, "com.apple.UIKit"));
        assert!(s.may_want(Some(PROFILED), "com.apple.UIKit"));
        assert!(s.wants(
            Some("/usr/libexec/trustd"),
            "com.apple.securityd",
            "SCEP payload's CA"
        ));
        assert!(!s.wants(
            Some("/usr/libexec/trustd"),
            "com.apple.securityd",
            "cert chain ok"
        ));
        assert!(s.keeps_image("/System/Library/Frameworks/Security.framework/Security"));
        assert!(s.keeps_image(PROFILED));
        assert!(!s.keeps_image("/System/Library/Frameworks/UIKit.framework/UIKit"));
        assert!(s.names_subsystem("com.apple.ManagedConfiguration"));
        assert!(s.has_process_rules());
    }

    #[test]
    fn empty_rules_match_nothing() {
        let s = Selection {
            rules: vec![Rule {
                process: None,
                subsystem: None,
                mentions: vec![],
            }],
            images: vec![],
        };
        assert!(!s.wants(Some(PROFILED), "x", "y"));
        assert!(!s.may_want(None, ""));
    }
}
