//! Opening hours: OSM `opening_hours` strings evaluated in the town's time zone with the
//! `opening-hours` crate (Belgian public holidays for `PH`).

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use opening_hours::localization::{Country, TzLocation};
use opening_hours::{Context, OpeningHours, RuleKind};

use crate::model::{DayHours, HourRange, NextChange, OpenState, OpenStatus};

/// A shop closing within this delay is shown as "closing soon".
pub const CLOSING_SOON: TimeDelta = TimeDelta::minutes(60);

/// How far ahead a next change is looked for; beyond it a shop is simply "closed".
const HORIZON: TimeDelta = TimeDelta::days(8);

/// Parsed hours bound to a time zone.
pub type LocalHours = OpeningHours<TzLocation<Tz>>;

/// Parses an OSM `opening_hours` value for a place in `tz`.
pub fn parse(raw: &str, tz: Tz) -> Result<LocalHours, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("empty".into());
    }
    let hours = raw.parse::<OpeningHours>().map_err(|e| e.to_string())?;
    let context = Context::default()
        .with_holidays(Country::BE.holidays())
        .approx_bound_interval_size(HORIZON)
        .with_locale(TzLocation::new(tz));
    Ok(hours.with_context(context))
}

/// Whether `raw` is a readable `opening_hours` value.
pub fn is_valid(raw: &str) -> bool {
    !raw.trim().is_empty() && raw.trim().parse::<OpeningHours>().is_ok()
}

/// Open, closing soon, closed or unknown at `now`, with the next change if it is within a week.
pub fn status(raw: Option<&str>, now: DateTime<Utc>, tz: Tz) -> OpenStatus {
    let Some(hours) = raw.and_then(|raw| parse(raw, tz).ok()) else {
        return OpenStatus::unknown();
    };
    status_of(&hours, now, tz)
}

/// Same as [`status`] for already parsed hours.
pub fn status_of(hours: &LocalHours, now: DateTime<Utc>, tz: Tz) -> OpenStatus {
    let local_now = now.with_timezone(&tz);
    let next = hours.next_change(local_now).filter(|at| *at - local_now <= HORIZON);
    let next_change = next.map(|at| NextChange {
        day_offset: (at.date_naive() - local_now.date_naive()).num_days(),
        weekday: at.weekday().num_days_from_monday() as u8,
        time: at.format("%H:%M").to_string(),
    });
    let state = match hours.state(local_now).0 {
        RuleKind::Open => match next {
            Some(at) if at - local_now <= CLOSING_SOON && !hours.is_open(at) => OpenState::ClosingSoon,
            _ => OpenState::Open,
        },
        RuleKind::Closed => OpenState::Closed,
        RuleKind::Unknown => OpenState::Unknown,
    };
    OpenStatus { state, next_change }
}

/// The hours of the seven days starting with today (local date of `now`).
pub fn week(raw: &str, now: DateTime<Utc>, tz: Tz) -> Option<Vec<DayHours>> {
    let hours = parse(raw, tz).ok()?;
    let today = now.with_timezone(&tz).date_naive();
    Some((0..7).map(|offset| day(&hours, today, offset)).collect())
}

fn day(hours: &LocalHours, today: NaiveDate, offset: i64) -> DayHours {
    let date = today + TimeDelta::days(offset);
    let mut ranges = Vec::new();
    let mut unknown = false;
    for range in hours.schedule_at(date) {
        match range.kind {
            RuleKind::Open => ranges.push(HourRange {
                from: hhmm(range.range.start.hour(), range.range.start.minute()),
                to: hhmm(range.range.end.hour(), range.range.end.minute()),
            }),
            RuleKind::Unknown => unknown = true,
            RuleKind::Closed => {}
        }
    }
    // A period running past midnight is shown on the day it starts ("16:00–01:00"), not again as
    // "00:00–01:00" on the next day.
    if ranges.first().is_some_and(|r| r.from == "00:00") {
        let previous = hours.schedule_at(date - TimeDelta::days(1));
        let spills_over = previous
            .into_iter()
            .any(|r| r.kind == RuleKind::Open && r.range.end.hour() >= 24 && r.range.end.mins_from_midnight() > 24 * 60);
        if spills_over {
            ranges.remove(0);
        }
    }
    DayHours {
        day_offset: offset,
        weekday: date.weekday().num_days_from_monday() as u8,
        date: date.format("%Y-%m-%d").to_string(),
        ranges,
        unknown,
    }
}

/// `HH:MM`, folding extended times (25:00 → 01:00, 24:00 stays 24:00 for "until midnight").
fn hhmm(hour: u8, minute: u8) -> String {
    let hour = if hour > 24 || (hour == 24 && minute > 0) { hour - 24 } else { hour };
    format!("{hour:02}:{minute:02}")
}
