//! The kinds of input the contract names (`inputs[].kind`).

use serde::Serialize;

/// The kind of an input, as the report contract names it (`inputs[].kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    Certificate,
    Pkcs7,
    AndroidOmadmLog,
    IosProfiledLog,
    WindowsDmEvents,
    IisW3cLog,
    NdesPluginLog,
    IntuneConnectorSvclog,
    WindowsServerEvents,
    CaRequestList,
    CertutilView,
    ScepTestClientLog,
    IosUnifiedLog,
    IosProfileState,
    WindowsMdmDiagReport,
    /// The Intune Certificate Connector's installer log (Windows Installer verbose log or
    /// its setup bundle's log); addition of issue 21.
    IntuneConnectorSetupLog,
    Unknown,
}

impl InputKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Certificate => "certificate",
            InputKind::Pkcs7 => "pkcs7",
            InputKind::AndroidOmadmLog => "android_omadm_log",
            InputKind::IosProfiledLog => "ios_profiled_log",
            InputKind::WindowsDmEvents => "windows_dm_events",
            InputKind::IisW3cLog => "iis_w3c_log",
            InputKind::NdesPluginLog => "ndes_plugin_log",
            InputKind::IntuneConnectorSvclog => "intune_connector_svclog",
            InputKind::WindowsServerEvents => "windows_server_events",
            InputKind::CaRequestList => "ca_request_list",
            InputKind::CertutilView => "certutil_view",
            InputKind::ScepTestClientLog => "scep_test_client_log",
            InputKind::IosUnifiedLog => "ios_unified_log",
            InputKind::IosProfileState => "ios_profile_state",
            InputKind::WindowsMdmDiagReport => "windows_mdm_diag_report",
            InputKind::IntuneConnectorSetupLog => "intune_connector_setup_log",
            InputKind::Unknown => "unknown",
        }
    }
}
