//! The contract's finding catalog as one enum: ID, severity and SCEP step of each.

use serde::{Serialize, Serializer};

/// Severity of a finding (report-contract.md § Verdicts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Action,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Action => "action",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

macro_rules! finding_ids {
    ($( $variant:ident => $id:literal, $sev:ident, $step:literal; )*) => {
        /// Every finding ID of the contract. IDs are stable and never translated.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum FindingId { $( $variant, )* }

        impl FindingId {
            pub const ALL: &'static [FindingId] = &[ $( FindingId::$variant, )* ];

            /// The upper snake case ID of the contract.
            pub fn as_str(self) -> &'static str {
                match self { $( FindingId::$variant => $id, )* }
            }

            /// The catalog severity (a resolved finding is reported as `info`).
            pub fn severity(self) -> Severity {
                match self { $( FindingId::$variant => Severity::$sev, )* }
            }

            /// The default SCEP step (1–6) the finding belongs to.
            pub fn default_step(self) -> u8 {
                match self { $( FindingId::$variant => $step, )* }
            }

            pub fn parse(s: &str) -> Option<FindingId> {
                match s { $( $id => Some(FindingId::$variant), )* _ => None }
            }
        }
    };
}

finding_ids! {
    CertExpired => "CERT_EXPIRED", Error, 5;
    CertNotYetValid => "CERT_NOT_YET_VALID", Error, 5;
    CertExpiringSoon => "CERT_EXPIRING_SOON", Warning, 5;
    ChainIncomplete => "CHAIN_INCOMPLETE", Error, 5;
    ChainSignatureInvalid => "CHAIN_SIGNATURE_INVALID", Error, 5;
    CertNoClientAuth => "CERT_NO_CLIENT_AUTH", Warning, 5;
    CertWeakKey => "CERT_WEAK_KEY", Warning, 5;
    CertWeakSignature => "CERT_WEAK_SIGNATURE", Warning, 5;
    CertUnparseable => "CERT_UNPARSEABLE", Warning, 5;
    RootCertNotInstalled => "ROOT_CERT_NOT_INSTALLED", Error, 5;
    RootCertInstallPending => "ROOT_CERT_INSTALL_PENDING", Action, 5;
    ScepServerUnreachable => "SCEP_SERVER_UNREACHABLE", Error, 2;
    ScepServerInvalidResponse => "SCEP_SERVER_INVALID_RESPONSE", Error, 2;
    ScepProfileInvalid => "SCEP_PROFILE_INVALID", Error, 1;
    ScepClientError => "SCEP_CLIENT_ERROR", Error, 2;
    ScepCaThumbprintMismatch => "SCEP_CA_THUMBPRINT_MISMATCH", Error, 2;
    ScepRequestRejected => "SCEP_REQUEST_REJECTED", Error, 4;
    ScepRequestPending => "SCEP_REQUEST_PENDING", Action, 4;
    ScepInstallFailed => "SCEP_INSTALL_FAILED", Error, 5;
    ScepInstallWaitingForUser => "SCEP_INSTALL_WAITING_FOR_USER", Action, 5;
    ScepAccessNotGranted => "SCEP_ACCESS_NOT_GRANTED", Action, 5;
    ProfileWaitingForCertificate => "PROFILE_WAITING_FOR_CERTIFICATE", Info, 5;
    ProfileCertificateNotSelected => "PROFILE_CERTIFICATE_NOT_SELECTED", Warning, 5;
    LogGap => "LOG_GAP", Info, 5;
    NoEvidence => "NO_EVIDENCE", Info, 1;
    NdesServiceFailed => "NDES_SERVICE_FAILED", Error, 2;
    PolicyModuleFailed => "POLICY_MODULE_FAILED", Error, 3;
    ChallengeRejected => "CHALLENGE_REJECTED", Error, 3;
    CaSubmitFailed => "CA_SUBMIT_FAILED", Error, 4;
    CertIssuedNotDelivered => "CERT_ISSUED_NOT_DELIVERED", Error, 5;
    ScepResultNotReported => "SCEP_RESULT_NOT_REPORTED", Warning, 6;
    CertConnectorUnhealthy => "CERT_CONNECTOR_UNHEALTHY", Warning, 3;
    // Probe (issue 23): what a GetCACaps/GetCACert reply shows about the server.
    ScepCapabilitiesWeak => "SCEP_CAPABILITIES_WEAK", Warning, 2;
    ScepRaCertUnusable => "SCEP_RA_CERT_UNUSABLE", Error, 2;
    ScepRaNotRequestAgent => "SCEP_RA_NOT_REQUEST_AGENT", Warning, 2;
}

impl Serialize for FindingId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for FindingId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for id in FindingId::ALL {
            assert!(seen.insert(id.as_str()));
            assert_eq!(FindingId::parse(id.as_str()), Some(*id));
            assert!((1..=6).contains(&id.default_step()));
        }
        assert_eq!(FindingId::ALL.len(), 35);
    }
}
