//! Certificate facts (what a certificate file says, read once by the certificate
//! parsers) and the chains built from them.

use serde::Serialize;

/// Public-key algorithm of a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyAlgorithm {
    Rsa,
    Ec,
    Ed25519,
    Other,
}

/// Key facts: algorithm and size (RSA modulus bits, EC curve bits, 256 for Ed25519).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    pub algorithm: KeyAlgorithm,
    pub bits: Option<u32>,
}

/// Everything certdoctor knows about one certificate, deduplicated by SHA-256.
///
/// Strings follow the report contract: fingerprints and serial in uppercase hex without
/// separators, names in RFC 4514-like `CN=…, O=…` order as encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// The DER encoding, kept for signature checks.
    pub der: Vec<u8>,
    pub sha256: String,
    pub sha1: String,
    pub serial_hex: String,
    pub subject: String,
    pub subject_cn: Option<String>,
    pub issuer: String,
    pub issuer_cn: Option<String>,
    /// DER of the subject and issuer Names, for exact name comparison in chain building.
    pub subject_der: Vec<u8>,
    pub issuer_der: Vec<u8>,
    pub not_before: time::OffsetDateTime,
    pub not_after: time::OffsetDateTime,
    pub key: KeyInfo,
    /// Name as in the contract (`sha256WithRSAEncryption`, `ecdsa-with-SHA256`, `ED25519`,
    /// `rsassaPss`, …), or the dotted OID when unknown.
    pub signature_algorithm: String,
    /// `None` when the certificate has no EKU extension; names `client_auth`,
    /// `server_auth`, `email_protection`, `code_signing`, `time_stamping`, `ocsp_signing`,
    /// `smartcard_logon`, `certificate_request_agent`, `any`, else the dotted OID.
    pub extended_key_usage: Option<Vec<String>>,
    /// `None` when the certificate has no keyUsage extension; names `digital_signature`,
    /// `non_repudiation`, `key_encipherment`, `data_encipherment`, `key_agreement`,
    /// `key_cert_sign`, `crl_sign`, `encipher_only`, `decipher_only`.
    pub key_usage: Option<Vec<String>>,
    /// `upn:…`, `email:…`, `dns:…`, `uri:…`, `ip:…`, `dn:…`, `other:{oid}`.
    pub subject_alt_names: Vec<String>,
    /// Microsoft template name (1.3.6.1.4.1.311.20.2) or template OID (…311.21.7).
    pub template: Option<String>,
    /// basicConstraints cA, `None` when the extension is absent.
    pub is_ca: Option<bool>,
    pub subject_key_id: Option<Vec<u8>>,
    pub authority_key_id: Option<Vec<u8>>,
    /// Display paths of every input that contained this certificate, in input order.
    pub sources: Vec<String>,
}

impl Certificate {
    /// Issued to itself (subject == issuer); the signature check is the chain's job.
    pub fn self_issued(&self) -> bool {
        self.subject_der == self.issuer_der
    }
}

/// The role of a certificate in the inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertRole {
    Root,
    Intermediate,
    Leaf,
}

/// Why a chain stops short or fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainProblem {
    /// No certificate in the input is the issuer of `cert` (index into the inventory).
    MissingIssuer { cert: usize },
    /// An issuer by name/key ID is present but the signature of `cert` does not verify.
    BadSignature { cert: usize, issuer: usize },
    /// The signature algorithm is not one certdoctor can verify.
    UnsupportedAlgorithm { cert: usize, algorithm: String },
}

/// A path from a leaf towards a root; indices into the certificate inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub leaf: usize,
    /// Leaf first, then each issuer.
    pub path: Vec<usize>,
    /// Ends in a self-signed certificate present in the input.
    pub complete: bool,
    /// Every link of `path` (and the root's self-signature) verified cryptographically.
    pub signatures_valid: bool,
    pub problem: Option<ChainProblem>,
}
