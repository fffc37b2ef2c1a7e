//! Copy-paste debris (log-formats.md §0.3): what pasting a log through TextEdit, WordPad,
//! Word, Notepad++ or a mail quote leaves on each line — RTF escapes and control words,
//! a trailing RTF line break, `Line 123: ` and `> ` prefixes.

use super::encoding::cp1252;

/// Removes copy-paste debris (§0.3) from one line. Returns `line` itself when there is
/// nothing to clean, else the cleaned text written into `buf`.
pub fn clean_debris<'a>(line: &'a str, buf: &'a mut String) -> &'a str {
    let mut s = strip_prefixes(line);
    // One trailing RTF line break (`\`, not an escaped `\\`) plus blanks around it.
    let trimmed = s.trim_end_matches([' ', '\t']);
    if let Some(before) = trimmed.strip_suffix('\\') {
        let n = trimmed.len() - trimmed.trim_end_matches('\\').len();
        if n % 2 == 1 {
            s = before.trim_end_matches([' ', '\t']);
        }
    }
    if !s.contains('\\') {
        return s;
    }
    buf.clear();
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        buf.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let b = after.as_bytes();
        match b.first() {
            Some(b'\'') if b.len() >= 3 => match (hex_val(b[1]), hex_val(b[2])) {
                (Some(h), Some(l)) => {
                    buf.push(cp1252(h * 16 + l));
                    rest = &after[3..];
                }
                _ => {
                    buf.push('\\');
                    rest = after;
                }
            },
            Some(c @ (b'\\' | b'{' | b'}')) => {
                buf.push(*c as char);
                rest = &after[1..];
            }
            _ => {
                buf.push('\\');
                rest = after;
            }
        }
    }
    buf.push_str(rest);
    buf.as_str()
}

fn hex_val(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Strips a leading Notepad++ `Line 12345: ` (possibly indented) or a quote `> `.
fn strip_prefixes(line: &str) -> &str {
    let t = line.trim_start_matches([' ', '\t']);
    if let Some(r) = t.strip_prefix("Line ") {
        let digits = r.len() - r.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            if let Some(rest) = r[digits..].strip_prefix(": ") {
                return rest;
            }
            if r[digits..] == *":" {
                return "";
            }
        }
    }
    let mut s = line;
    while let Some(r) = s.strip_prefix("> ") {
        s = r;
    }
    if s == ">" {
        return "";
    }
    strip_rtf_furniture(s)
}

/// A whole `.rtf` file (TextEdit, WordPad) rather than text pasted out of one: its header
/// groups (`{\rtf1…`, `{\fonttbl…}`, `{\colortbl…}`, `{\*\…}`) become empty lines and
/// the control words that open a line (`\f0\fs24 \cf0 `, `\pard\tx560…`) are dropped.
/// Escapes (`\'93`, `\\`) are not control words and stay for [`clean_debris`].
fn strip_rtf_furniture(line: &str) -> &str {
    const GROUPS: [&str; 5] = ["{\\rtf", "{\\fonttbl", "{\\colortbl", "{\\*\\", "{\\info"];
    let b = line.as_bytes();
    if b.first() != Some(&b'\\') && b.first() != Some(&b'{') {
        return line;
    }
    if GROUPS.iter().any(|g| line.starts_with(g)) {
        return "";
    }
    let mut i = 0;
    // `\word` or `\word-12`, then at most one space that ends it.
    while b.get(i) == Some(&b'\\') {
        let letters = b[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_lowercase())
            .count();
        if letters == 0 || letters > 32 {
            break;
        }
        let mut j = i + 1 + letters;
        if b.get(j) == Some(&b'-') {
            j += 1;
        }
        j += b[j..].iter().take_while(|c| c.is_ascii_digit()).count();
        if b.get(j) == Some(&b' ') {
            j += 1;
        }
        i = j;
    }
    let rest = &line[i..];
    if i > 0 && GROUPS.iter().any(|g| rest.starts_with(g)) {
        return "";
    }
    rest
}
