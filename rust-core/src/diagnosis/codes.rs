//! TEMPORARY placeholder replaced by the platform code tables on merge.
use super::FindingId;

pub struct CodeVerdict {
    pub finding: FindingId,
    pub step: u8,
    pub name: String,
    pub explanation: String,
}

pub fn apple_error(chain: &[(String, i64)]) -> CodeVerdict {
    let (d, c) = chain.last().cloned().unwrap_or_default();
    CodeVerdict {
        finding: FindingId::ScepInstallFailed,
        step: 5,
        name: format!("{d} {c}"),
        explanation: String::new(),
    }
}

pub fn hresult(code: u32) -> CodeVerdict {
    CodeVerdict {
        finding: FindingId::ScepInstallFailed,
        step: 5,
        name: format!("0x{code:08X}"),
        explanation: String::new(),
    }
}

pub fn from_text(text: &str) -> CodeVerdict {
    CodeVerdict {
        finding: FindingId::ScepInstallFailed,
        step: 5,
        name: String::new(),
        explanation: text.to_string(),
    }
}
