//! How the contract writes an instant it computed (`generated_at`, `not_before`,
//! `not_after`): UTC, whole seconds, with `Z`. Log times are never rewritten: they keep
//! the text the log had.

use time::OffsetDateTime;

/// `2026-06-01T00:00:00Z`.
pub fn format_utc(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}
