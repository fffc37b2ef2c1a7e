//! Server-side evidence: what NDES (IIS, the NDES service, the Intune policy module),
//! the Intune certificate connector and the CA say about a request
//! (server-log-formats.md). Filled by the server parsers.

use serde::Serialize;

/// The server machine a piece of evidence came from (`server_components` in the report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerComponent {
    Ca,
    Ndes,
    Connector,
}

impl ServerComponent {
    pub fn as_str(self) -> &'static str {
        match self {
            ServerComponent::Ca => "ca",
            ServerComponent::Ndes => "ndes",
            ServerComponent::Connector => "connector",
        }
    }
}

/// One server-side fact, tied to the machine it was seen on.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerEvent {
    pub component: ServerComponent,
}
