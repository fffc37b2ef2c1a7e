//! Certificate files: DER, PEM (many blocks, junk around them), PKCS#7 certs-only (DER,
//! PEM, BER indefinite lengths) → [`Certificate`] facts.

use crate::evidence::Certificate;
use crate::input::InputKind;

/// The certificates of one file.
#[derive(Debug, Clone)]
pub struct CertificateFile {
    /// `Certificate` or `Pkcs7`.
    pub kind: InputKind,
    pub certificates: Vec<Certificate>,
    /// Problems with some blocks while others decoded (e.g. one bad PEM block).
    pub warnings: Vec<String>,
}

/// Why a certificate file could not be decoded at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    #[error("the file is empty")]
    Empty,
    #[error("{0}")]
    Invalid(String),
}

/// Decodes a certificate or PKCS#7 file of any supported shape.
pub fn parse_certificate_file(_bytes: &[u8]) -> Result<CertificateFile, CertError> {
    todo!("implemented by the certificate parser")
}
