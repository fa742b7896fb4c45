//! The holiday calendar (节假日与调休) every working-day deadline uses.
//!
//! It is a system-wide setting, kept in the `global` settings scope as the
//! canonical text, and managed by the system administrator (ManageSettings)
//! beside the security policy on the settings pages: deadlines run on one
//! calendar for the whole county (the State Council's schedule does not
//! differ per site), so a site editor must not be able to shorten another
//! site's deadlines by editing it, and the system administrator already owns
//! every other installation-wide rule. Nothing is built in: until someone
//! enters a year's schedule, only weekends are days off.

use dangjian_domain::Invalid;
use dangjian_domain::calendar::{FIELD, Summary, WorkCalendar};
use dangjian_domain::role::Permission;
use dangjian_store::Conn;
use dangjian_store::settings::{self as stored, GLOBAL};

use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, Result};

/// The settings key holding the canonical text.
pub const KEY: &str = "calendar.days";

impl App {
    /// The calendar in force. One small read, cheap enough per deadline.
    pub async fn work_calendar(&self) -> Result<WorkCalendar> {
        let mut conn = self.store().read().await?;
        load(&mut conn).await
    }

    /// The calendar, for the person who may change it.
    pub async fn work_calendar_view(&self, actor: &Actor) -> Result<WorkCalendar> {
        self.require(actor, Permission::ManageSettings, "setting.view", object())
            .await?;
        self.work_calendar().await
    }

    /// Replaces the calendar with `text` (refused at its first bad line),
    /// stored in canonical form, with one audit record summing it up.
    pub async fn update_work_calendar(&self, actor: &Actor, text: &str) -> Result<WorkCalendar> {
        self.require(
            actor,
            Permission::ManageSettings,
            "calendar.update",
            object(),
        )
        .await?;
        let calendar = WorkCalendar::parse(text).map_err(Invalid::from)?;
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        let canonical = calendar.to_text();
        stored::put(&mut tx, GLOBAL, KEY, &canonical, Some(actor.user_id), now).await?;
        let event =
            Event::success("calendar.update", object()).with_detail(describe(&calendar.summary()));
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(calendar)
    }
}

fn object() -> String {
    format!("setting:{KEY}")
}

/// The calendar stored in the settings, read on `conn` (a use case inside a
/// transaction passes its own). Stored text is always canonical; should it
/// be damaged anyway, deadlines fall back to weekends only rather than fail.
pub(crate) async fn load(conn: &mut Conn) -> Result<WorkCalendar> {
    let text = stored::get(conn, GLOBAL, KEY).await?.unwrap_or_default();
    Ok(WorkCalendar::parse(&text).unwrap_or_else(|error| {
        tracing::warn!(
            line = error.line,
            code = error.code,
            "stored work calendar unreadable"
        );
        WorkCalendar::default()
    }))
}

/// `9 holidays, 2 make-up days, 2025-2026` for the audit record.
fn describe(summary: &Summary) -> String {
    let years = match summary.years {
        Some((first, last)) if first == last => format!(", {first}"),
        Some((first, last)) => format!(", {first}-{last}"),
        None => String::new(),
    };
    format!(
        "{} holidays, {} make-up days{years}",
        summary.holidays, summary.workdays
    )
}

/// The text of an uploaded calendar file: UTF-8 (with or without a byte
/// order mark) or, as Chinese Windows tools save it, GB18030.
pub fn decode_file(bytes: &[u8]) -> Result<String, Invalid> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
        .ok_or_else(|| Invalid::one(FIELD, "error.calendar.encoding"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_decode_from_utf8_and_gb18030() {
        let text = "2025-10-01..2025-10-08 休\n2025-09-28 班\n";
        assert_eq!(decode_file(text.as_bytes()).as_deref(), Ok(text));
        let (gb, _, _) = encoding_rs::GB18030.encode(text);
        assert_eq!(decode_file(&gb).as_deref(), Ok(text));
        let bom = [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode_file(&bom).as_deref(), Ok(text));
    }

    #[test]
    fn the_audit_detail_sums_the_calendar_up() {
        let calendar =
            WorkCalendar::parse("2025-10-01..2025-10-08 休\n2026-01-04 班").expect("parses");
        assert_eq!(
            describe(&calendar.summary()),
            "8 holidays, 1 make-up days, 2025-2026"
        );
        assert_eq!(
            describe(&WorkCalendar::default().summary()),
            "0 holidays, 0 make-up days"
        );
    }
}
