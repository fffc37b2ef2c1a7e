//! Recognising an input's kind from its content (first 4 KB), never from its name alone.

use super::InputKind;

/// The result of sniffing an input's head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    pub kind: InputKind,
    /// Content or name says certificate/PKCS#7: a decode failure is an error, not `ignored`.
    pub cert_like: bool,
    /// A binary `.evtx` file (`ElfFile\0`), which only the CLI can read.
    pub evtx: bool,
}

/// Recognises `head` (the first `limits::SNIFF_BYTES` bytes, or the whole input when
/// `complete`); `name` is only a hint for certificate extensions.
pub fn sniff(_name: &str, _head: &[u8], _complete: bool) -> Sniffed {
    todo!("implemented by the input layer")
}
