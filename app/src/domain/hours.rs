//! Opening hours: OSM `opening_hours` strings evaluated in the town's time zone with the
//! `opening-hours` crate (Belgian public holidays for `PH`).

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, TimeZone, Utc};
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

/// Parses an OSM `opening_hours` value for a place in `tz` (after [`normalise`]), with the
/// Belgian public holidays for `PH`.
pub fn parse(raw: &str, tz: Tz) -> Result<LocalHours, String> {
    let context = Context::default().with_holidays(Country::BE.holidays());
    Ok(parse_normalised(raw)?.with_context(
        context
            .approx_bound_interval_size(HORIZON)
            .with_locale(TzLocation::new(tz)),
    ))
}

/// Same as [`parse`] without public holidays: the regular week, as published in structured data.
fn parse_regular(raw: &str, tz: Tz) -> Result<LocalHours, String> {
    Ok(parse_normalised(raw)?.with_context(
        Context::default()
            .approx_bound_interval_size(HORIZON)
            .with_locale(TzLocation::new(tz)),
    ))
}

/// Whether `raw` is a readable `opening_hours` value.
pub fn is_valid(raw: &str) -> bool {
    parse_normalised(raw).is_ok()
}

fn parse_normalised(raw: &str) -> Result<OpeningHours, String> {
    let text = normalise(raw);
    if text.is_empty() {
        return Err("empty".into());
    }
    text.parse::<OpeningHours>().map_err(|e| e.to_string())
}

const DAY_TOKENS: [&str; 9] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su", "PH", "SH"];
const STATE_WORDS: [&str; 4] = ["open", "closed", "off", "unknown"];

/// Repairs the mistakes people commonly make in `opening_hours`, reading them the way the OSM
/// community's evaluator (opening_hours.js) or, failing that, the evident intent does:
/// - empty rules and trailing separators: `Mo-Fr 08:00-17:00;` → `Mo-Fr 08:00-17:00`;
/// - a doubled colon after a month range: `May-Oct: : Mo-Fr` → `May-Oct: Mo-Fr`;
/// - spaces in weekday lists: `Mo, We, Fr 08:00-12:00` → `Mo,We,Fr 08:00-12:00`;
/// - a rule of times only that continues the previous day's times:
///   `Tu 10:00-12:00; 13:30-18:30` → `Tu 10:00-12:00,13:30-18:30`;
/// - a comment with no state ("sur rendez-vous") means the state is unknown, as opening_hours.js
///   reads it: `Sa 10:00-12:00 "sur rendez-vous"` → `Sa 10:00-12:00 unknown "sur rendez-vous"`.
pub fn normalise(raw: &str) -> String {
    let text = raw.trim().replace('\u{2013}', "-");
    let text = collapse_double_colons(&text);
    let text = join_weekday_lists(&text);
    let mut rules: Vec<String> = Vec::new();
    for rule in text.split(';').map(str::trim).filter(|r| !r.is_empty()) {
        let times_only = rule.starts_with(|c: char| c.is_ascii_digit()) && !rule.contains('"');
        match rules.last_mut() {
            Some(previous)
                if times_only
                    && previous.starts_with(|c: char| c.is_ascii_alphabetic())
                    && ends_with_time(previous) =>
            {
                previous.push(',');
                previous.push_str(rule);
            }
            _ => rules.push(rule.to_owned()),
        }
    }
    rules
        .iter()
        .map(|rule| comment_means_unknown(rule))
        .collect::<Vec<_>>()
        .join("; ")
}

fn collapse_double_colons(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_colon = false;
    for c in text.chars() {
        if c == ':' && pending_colon {
            continue;
        }
        if c == ':' {
            // A colon followed (after spaces) by another colon is one colon; times (12:00) are not
            // affected since a digit comes between.
            pending_colon = true;
        } else if !c.is_whitespace() {
            pending_colon = false;
        }
        out.push(c);
    }
    // Remove the space left before the dropped colon: "May-Oct: : Mo" became "May-Oct:  Mo".
    out.split(' ')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn join_weekday_lists(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(',') {
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        let after_comma = &after[1..];
        let trimmed = after_comma.trim_start();
        let prev_is_day = DAY_TOKENS.iter().any(|d| before.trim_end().ends_with(d));
        let next_is_day = DAY_TOKENS.iter().any(|d| trimmed.starts_with(d));
        out.push(',');
        rest = if prev_is_day && next_is_day {
            trimmed
        } else {
            after_comma
        };
    }
    out.push_str(rest);
    out
}

fn ends_with_time(rule: &str) -> bool {
    let bytes = rule.trim_end().as_bytes();
    bytes.len() >= 5 && bytes[bytes.len() - 3] == b':' && bytes[bytes.len() - 1].is_ascii_digit()
}

fn comment_means_unknown(rule: &str) -> String {
    let Some(quote) = rule.find('"') else {
        return rule.to_owned();
    };
    let before = rule[..quote].trim_end();
    let has_state = STATE_WORDS.iter().any(|w| before.ends_with(w));
    if has_state || before.is_empty() {
        rule.to_owned()
    } else {
        format!("{before} unknown {}", &rule[quote..])
    }
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
    let next = hours
        .next_change(local_now)
        // The crate maps a local time that occurs twice (02:00 on the autumn night) to its
        // later occurrence; the state changes when the clock first shows it (unless that is
        // already past).
        .map(|at| {
            tz.from_local_datetime(&at.naive_local())
                .earliest()
                .filter(|first| *first > local_now)
                .unwrap_or(at)
        })
        .filter(|at| *at - local_now <= HORIZON);
    let next_change = next.map(|at| NextChange {
        day_offset: (at.date_naive() - local_now.date_naive()).num_days(),
        weekday: at.weekday().num_days_from_monday() as u8,
        time: at.format("%H:%M").to_string(),
    });
    let state = match hours.state(local_now).0 {
        RuleKind::Open => match next {
            Some(at) if at - local_now <= CLOSING_SOON && !hours.is_open(at) => {
                OpenState::ClosingSoon
            }
            _ => OpenState::Open,
        },
        RuleKind::Closed => OpenState::Closed,
        RuleKind::Unknown => OpenState::Unknown,
    };
    OpenStatus { state, next_change }
}

/// One day's open periods (minutes from midnight) and whether part of it is "unknown".
type DaySchedule = (NaiveDate, Vec<(u16, u16)>, bool);

/// The hours of the seven days starting with today (local date of `now`), holidays included.
pub fn week(raw: &str, now: DateTime<Utc>, tz: Tz) -> Option<Vec<DayHours>> {
    let hours = parse(raw, tz).ok()?;
    Some(seven_days(&hours, now.with_timezone(&tz).date_naive()))
}

/// The regular hours, Monday to Sunday, of the week of `now` (public holidays left out).
pub fn regular_week(raw: &str, now: DateTime<Utc>, tz: Tz) -> Option<Vec<DayHours>> {
    let hours = parse_regular(raw, tz).ok()?;
    let today = now.with_timezone(&tz).date_naive();
    let monday = today - TimeDelta::days(today.weekday().num_days_from_monday() as i64);
    Some(seven_days(&hours, monday))
}

/// Seven days of hours from `first`; `day_offset` counts from `first`.
fn seven_days(hours: &LocalHours, first: NaiveDate) -> Vec<DayHours> {
    // Open periods in minutes from midnight, from the day before to the day after.
    let mut days: Vec<DaySchedule> = (-1..=7)
        .map(|offset| {
            let date = first + TimeDelta::days(offset);
            let mut open = Vec::new();
            let mut unknown = false;
            for range in hours.schedule_at(date) {
                match range.kind {
                    RuleKind::Open => open.push((
                        range.range.start.mins_from_midnight(),
                        range.range.end.mins_from_midnight(),
                    )),
                    RuleKind::Unknown => unknown = true,
                    RuleKind::Closed => {}
                }
            }
            (date, open, unknown)
        })
        .collect();
    // A period running past midnight is shown on the day it starts ("16:00–01:00"), not again as
    // "00:00–01:00" on the next day. A day open around the clock is left as it is.
    const DAY: u16 = 24 * 60;
    for i in 0..days.len() - 1 {
        let Some(&(_, end)) = days[i].1.last() else {
            continue;
        };
        let Some(&(next_start, next_end)) = days[i + 1].1.first() else {
            continue;
        };
        if next_start != 0 || next_end >= DAY {
            continue;
        }
        if end == DAY {
            days[i].1.last_mut().expect("checked").1 = DAY + next_end;
            days[i + 1].1.remove(0);
        } else if end > DAY && next_end <= end - DAY {
            days[i + 1].1.remove(0);
        }
    }
    days[1..8]
        .iter()
        .enumerate()
        .map(|(offset, (date, open, unknown))| DayHours {
            day_offset: offset as i64,
            weekday: date.weekday().num_days_from_monday() as u8,
            date: date.format("%Y-%m-%d").to_string(),
            ranges: open
                .iter()
                .map(|&(from, to)| HourRange {
                    from: hhmm(from),
                    to: hhmm(to),
                })
                .collect(),
            unknown: *unknown,
        })
        .collect()
}

/// `HH:MM` from minutes after midnight, folding times past midnight (25:00 → 01:00) but keeping
/// 24:00 for "until midnight".
fn hhmm(minutes: u16) -> String {
    let minutes = if minutes > 24 * 60 {
        minutes - 24 * 60
    } else {
        minutes
    };
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}
