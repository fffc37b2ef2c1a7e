//! Platform glue: where `log` records go. Only this module knows about Android; the
//! exported API is the same on every target.

use std::sync::Once;

/// Sets up log routing once per process; called on entry of every export.
pub(crate) fn init_logging() {
    static INIT: Once = Once::new();
    INIT.call_once(route_logs);
}

/// Android: `log` records go to logcat under the tag `certdoctor`.
#[cfg(target_os = "android")]
fn route_logs() {
    android_logger::init_once(
        android_logger::Config::default()
            .with_tag("certdoctor")
            .with_max_level(log::LevelFilter::Info),
    );
}

/// Elsewhere the host application installs its own `log` implementation, if any
/// (iOS: the app's oslog bridge; host tests: none).
#[cfg(not(target_os = "android"))]
fn route_logs() {}
