//! PEM: finds `-----BEGIN …-----`/`-----END …-----` blocks anywhere in a text (openssl
//! "Bag Attributes", `subject=` lines and other junk around or between them) and decodes
//! their base64 leniently (CRLF, spaces and tabs, RFC 1421 header lines, missing padding).

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// One PEM block: its label, where it starts, and its decoded body or why not.
#[derive(Debug)]
pub struct PemBlock {
    /// 1-based position among the blocks of the file.
    pub number: usize,
    pub label: String,
    pub body: Result<Vec<u8>, String>,
}

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";
const DASHES: &[u8] = b"-----";

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > hay.len() {
        return None;
    }
    memchr::memmem::find(&hay[from..], needle).map(|i| i + from)
}

/// True when `bytes` holds at least one BEGIN line.
pub fn looks_like_pem(bytes: &[u8]) -> bool {
    find(bytes, BEGIN, 0).is_some()
}

/// Every block of the text, in order.
pub fn blocks(text: &[u8]) -> Vec<PemBlock> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(begin) = find(text, BEGIN, pos) {
        let number = out.len() + 1;
        let label_start = begin + BEGIN.len();
        let Some(label_end) =
            find(text, DASHES, label_start).filter(|&e| !text[label_start..e].contains(&b'\n'))
        else {
            out.push(PemBlock {
                number,
                label: String::new(),
                body: Err("BEGIN line is not closed by -----".to_string()),
            });
            pos = label_start;
            continue;
        };
        let label = String::from_utf8_lossy(&text[label_start..label_end])
            .trim()
            .to_string();
        let body_start = label_end + DASHES.len();
        let end_line = [END, label.as_bytes(), DASHES].concat();
        // A block ends at its END line, or is cut short by the next BEGIN.
        let next_begin = find(text, BEGIN, body_start);
        match find(text, &end_line, body_start) {
            Some(end) if next_begin.is_none_or(|nb| end < nb) => {
                let body = decode_body(&text[body_start..end], body_start, text);
                out.push(PemBlock {
                    number,
                    label,
                    body,
                });
                pos = end + end_line.len();
            }
            _ => {
                out.push(PemBlock {
                    number,
                    label: label.clone(),
                    body: Err(format!("no -----END {label}----- line")),
                });
                pos = next_begin.unwrap_or(text.len());
            }
        }
    }
    out
}

fn engine() -> GeneralPurpose {
    GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    )
}

fn line_of(text: &[u8], offset: usize) -> usize {
    text[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Decodes a block body; `offset` is where `body` starts in `whole` (for messages).
fn decode_body(body: &[u8], offset: usize, whole: &[u8]) -> Result<Vec<u8>, String> {
    let mut clean = Vec::with_capacity(body.len());
    let mut line_start = 0;
    for line in body.split(|&b| b == b'\n') {
        let here = offset + line_start;
        line_start += line.len() + 1;
        // RFC 1421 headers (`Proc-Type: …`) are not base64.
        if line.contains(&b':') {
            continue;
        }
        for (i, &b) in line.iter().enumerate() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' | b'=' => clean.push(b),
                b' ' | b'\t' | b'\r' => {}
                _ => {
                    return Err(format!(
                        "bad base64 at line {}: unexpected byte 0x{:02X}",
                        line_of(whole, here + i),
                        b
                    ));
                }
            }
        }
    }
    // Padding may only end the data.
    if let Some(p) = clean.iter().position(|&b| b == b'=') {
        if clean[p..].iter().any(|&b| b != b'=') {
            return Err("bad base64: padding '=' in the middle of the data".to_string());
        }
        clean.truncate(p);
    }
    if clean.is_empty() {
        return Err("empty block".to_string());
    }
    if clean.len() % 4 == 1 {
        return Err("bad base64: length is not a whole number of bytes (truncated?)".to_string());
    }
    engine()
        .decode(&clean)
        .map_err(|e| format!("bad base64: {e}"))
}

/// Decodes a whole text as bare base64 (no PEM armour), e.g. a SCEP reply pasted from a
/// log; `None` when it is not base64.
pub fn bare_base64(text: &[u8]) -> Option<Vec<u8>> {
    let clean: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if clean.len() < 16
        || !clean
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    {
        return None;
    }
    let trimmed: Vec<u8> = clean.iter().copied().take_while(|&b| b != b'=').collect();
    engine().decode(&trimmed).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_and_whitespace() {
        let text = b"Bag Attributes\r\n  localKeyID: 01\r\nsubject=CN = x\r\n-----BEGIN CERTIFICATE-----\r\nMA\tMC\r\n AQU=\r\n-----END CERTIFICATE-----\r\njunk\n-----BEGIN X509 CERTIFICATE-----\nMAMCAQU\n-----END X509 CERTIFICATE-----\n";
        let b = blocks(text);
        assert_eq!(b.len(), 2);
        assert_eq!(
            b[0].body.as_deref().unwrap(),
            &[0x30, 0x03, 0x02, 0x01, 0x05]
        );
        assert_eq!(b[1].label, "X509 CERTIFICATE");
        assert_eq!(
            b[1].body.as_deref().unwrap(),
            &[0x30, 0x03, 0x02, 0x01, 0x05]
        );
    }

    #[test]
    fn bad_base64_and_missing_end() {
        let b = blocks(b"-----BEGIN CERTIFICATE-----\nMA*C\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMAMC\n");
        assert_eq!(b.len(), 2);
        assert!(
            b[0].body
                .as_ref()
                .unwrap_err()
                .contains("bad base64 at line 2")
        );
        assert!(b[1].body.as_ref().unwrap_err().contains("no -----END"));
    }
}
