//! What a log input covered: its kind, the server machines it came from and the times of
//! its first and last records. Parsers fill a [`TimeSpan`] record by record and end their
//! output with a [`LogRead`]; the diagnosis tells "the right log, but no SCEP activity in
//! its time range" from "not a log certdoctor reads" with it.

use std::cmp::Ordering;

use crate::contract::InputKind;

use super::{LogTime, ServerComponent};

/// The earliest and the latest record time of a log, as written.
///
/// Exports are not always in time order (Event Viewer CSV is newest first), so the span
/// compares times rather than taking the first and last lines: a time with a date ranks
/// above a time of day only, and among times of the same kind the order key decides.
/// Times that carry no order key keep the file's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimeSpan {
    pub first: Option<LogTime>,
    pub last: Option<LogTime>,
}

/// How much a time says: 2 a full date with an order key, 1 a time of day with one, 0
/// text only.
fn rank(order_key: Option<i128>, has_date: bool) -> u8 {
    match (order_key.is_some(), has_date) {
        (true, true) => 2,
        (true, false) => 1,
        _ => 0,
    }
}

/// Overwrites `slot` with the time, reusing its buffer (called for every record of a log
/// read line by line: no allocation once the buffers have grown).
fn put(slot: &mut Option<LogTime>, text: &str, order_key: Option<i128>, has_date: bool) {
    match slot {
        Some(t) => {
            t.text.clear();
            t.text.push_str(text);
            t.order_key = order_key;
            t.has_date = has_date;
        }
        None => {
            *slot = Some(LogTime {
                text: text.to_string(),
                order_key,
                has_date,
            })
        }
    }
}

impl TimeSpan {
    /// Takes one record's time into the span.
    pub fn see(&mut self, t: &LogTime) {
        self.see_parts(&t.text, t.order_key, t.has_date);
    }

    /// [`TimeSpan::see`] for a time not built as a [`LogTime`].
    pub fn see_parts(&mut self, text: &str, order_key: Option<i128>, has_date: bool) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let r = rank(order_key, has_date);
        let earlier = match &self.first {
            None => true,
            Some(f) => match r.cmp(&rank(f.order_key, f.has_date)) {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => matches!((order_key, f.order_key), (Some(a), Some(b)) if a < b),
            },
        };
        if earlier {
            put(&mut self.first, text, order_key, has_date);
        }
        let later = match &self.last {
            None => true,
            Some(l) => match r.cmp(&rank(l.order_key, l.has_date)) {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => match (order_key, l.order_key) {
                    (Some(a), Some(b)) => a > b,
                    _ => true,
                },
            },
        };
        if later {
            put(&mut self.last, text, order_key, has_date);
        }
    }

    /// Takes an optional time into the span.
    pub fn see_opt(&mut self, t: Option<&LogTime>) {
        if let Some(t) = t {
            self.see(t);
        }
    }

    /// `first – last` as written, or the one time there is; empty when no record had one.
    pub fn text(&self) -> String {
        match (&self.first, &self.last) {
            (Some(f), Some(l)) if f.text != l.text => format!("{} – {}", f.text, l.text),
            (Some(f), _) => f.text.clone(),
            (None, Some(l)) => l.text.clone(),
            (None, None) => String::new(),
        }
    }
}

/// One input read as a log: its kind, the server machines its records came from (none
/// for device logs and test clients) and the span of its record times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRead {
    pub kind: InputKind,
    pub components: Vec<ServerComponent>,
    pub span: TimeSpan,
}

impl LogRead {
    pub fn new(kind: InputKind, span: TimeSpan) -> Self {
        LogRead {
            kind,
            components: Vec::new(),
            span,
        }
    }

    /// The same, from these server machines (sorted, once each).
    pub fn on(mut self, components: impl IntoIterator<Item = ServerComponent>) -> Self {
        self.components.extend(components);
        crate::sorting::sort(&mut self.components);
        self.components.dedup();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dated(text: &str, key: i128) -> LogTime {
        LogTime {
            text: text.into(),
            order_key: Some(key),
            has_date: true,
        }
    }

    #[test]
    fn span_orders_by_key_not_by_line() {
        let mut s = TimeSpan::default();
        s.see(&dated("b", 20));
        s.see(&dated("a", 10));
        s.see(&dated("c", 30));
        s.see(&dated("a2", 15));
        assert_eq!(s.first.as_ref().unwrap().text, "a");
        assert_eq!(s.last.as_ref().unwrap().text, "c");
        assert_eq!(s.text(), "a – c");
    }

    #[test]
    fn dates_outrank_times_of_day_and_text() {
        let mut s = TimeSpan::default();
        s.see(&LogTime::unordered("Time"));
        s.see(&LogTime {
            text: "10:12:01".into(),
            order_key: Some(5),
            has_date: false,
        });
        assert_eq!(s.text(), "10:12:01");
        s.see(&dated("2026-03-02 08:15:04", 1_000));
        assert_eq!(s.text(), "2026-03-02 08:15:04");
        // Unordered texts keep the file order.
        let mut u = TimeSpan::default();
        u.see(&LogTime::unordered("x"));
        u.see(&LogTime::unordered("y"));
        assert_eq!(u.text(), "x – y");
        u.see(&LogTime::unordered("  "));
        assert_eq!(u.text(), "x – y");
        assert_eq!(TimeSpan::default().text(), "");
    }

    #[test]
    fn components_sorted_once() {
        let r = LogRead::new(InputKind::WindowsServerEvents, TimeSpan::default()).on([
            ServerComponent::Ndes,
            ServerComponent::Ca,
            ServerComponent::Ndes,
        ]);
        assert_eq!(
            r.components,
            vec![ServerComponent::Ca, ServerComponent::Ndes]
        );
    }
}
