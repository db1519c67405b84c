//! The merchant's weekly hours editor: a regular week of at most two periods a day (morning and
//! afternoon), public holidays closed or not, and exceptional closures ("fermé le 24/12"),
//! turned into an OSM `opening_hours` value and read back from one.
//!
//! Reading is checked rather than guessed: a value is shown in the editor only if the week it
//! describes, written back, gives the same hours on every day of the coming year (evaluated by
//! the `opening-hours` crate). Anything richer (seasons, "sunset", comments) is left to the
//! advanced field, untouched.

use chrono::{Datelike, Month, NaiveDate, TimeDelta};
use opening_hours::{OpeningHours, RuleKind};

/// Minutes from midnight; 24:00 is 1440.
pub type Minutes = u16;

/// One exceptional closure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Closure {
    /// One day: `2026 Dec 24 off`.
    Once(NaiveDate),
    /// The same day every year: `Dec 24 off`.
    Yearly { month: u32, day: u32 },
}

/// A regular week, Monday first, with its exceptions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Weekly {
    /// Open periods of each day, in order, not overlapping.
    pub days: [Vec<(Minutes, Minutes)>; 7],
    /// `PH off`: closed on (Belgian) public holidays.
    pub holidays_closed: bool,
    pub closures: Vec<Closure>,
}

const DAY_CODES: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

/// The OSM `opening_hours` value of `week`, or `None` when it is never open.
pub fn to_osm(week: &Weekly) -> Option<String> {
    let mut rules = regular_rules(&week.days);
    if rules.is_empty() {
        return None;
    }
    if week.holidays_closed {
        rules.push("PH off".into());
    }
    let mut closures = week.closures.clone();
    closures.sort();
    closures.dedup();
    rules.extend(
        closures
            .iter()
            .map(|c| format!("{} off", closure_selector(*c))),
    );
    Some(rules.join("; "))
}

fn closure_selector(closure: Closure) -> String {
    match closure {
        Closure::Once(date) => format!(
            "{} {} {:02}",
            date.year(),
            month_code(date.month()),
            date.day()
        ),
        Closure::Yearly { month, day } => format!("{} {day:02}", month_code(month)),
    }
}

fn month_code(month: u32) -> &'static str {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    MONTHS[(month.clamp(1, 12) - 1) as usize]
}

/// `Mo-Fr 09:00-12:00,13:30-18:00; Sa 09:00-17:00`: days with the same periods share a rule,
/// consecutive days written as a range.
fn regular_rules(days: &[Vec<(Minutes, Minutes)>; 7]) -> Vec<String> {
    let mut done = [false; 7];
    let mut rules = Vec::new();
    for first in 0..7 {
        if done[first] || days[first].is_empty() {
            continue;
        }
        let same: Vec<usize> = (first..7).filter(|&d| days[d] == days[first]).collect();
        for &d in &same {
            done[d] = true;
        }
        // Runs of consecutive days: [0,1,2,4] → "Mo-We,Fr".
        let mut selectors = Vec::new();
        let mut i = 0;
        while i < same.len() {
            let mut j = i;
            while j + 1 < same.len() && same[j + 1] == same[j] + 1 {
                j += 1;
            }
            selectors.push(match j - i {
                0 => DAY_CODES[same[i]].to_owned(),
                1 => format!("{},{}", DAY_CODES[same[i]], DAY_CODES[same[j]]),
                _ => format!("{}-{}", DAY_CODES[same[i]], DAY_CODES[same[j]]),
            });
            i = j + 1;
        }
        let times: Vec<String> = days[first]
            .iter()
            .map(|&(from, to)| format!("{}-{}", hhmm(from), hhmm(to)))
            .collect();
        rules.push(format!("{} {}", selectors.join(","), times.join(",")));
    }
    rules
}

/// `HH:MM`.
pub fn hhmm(minutes: Minutes) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A time as the form's time field holds it: midnight at the end of a day (24:00, which a time
/// field cannot hold) as `00:00`, which [`day_periods`] reads back as the end of the day.
pub fn form_time(minutes: Minutes) -> String {
    hhmm(minutes % (24 * 60))
}

/// Minutes from an `HH:MM` (or `HH:MM:SS`, as some time inputs send) value; `24:00` allowed.
pub fn parse_time(text: &str) -> Option<Minutes> {
    let text = text.trim();
    let mut parts = text.split(':');
    let hours: u16 = parts.next()?.parse().ok()?;
    let minutes: u16 = parts.next()?.parse().ok()?;
    if let Some(seconds) = parts.next() {
        if seconds.parse::<u16>().ok()? != 0 || parts.next().is_some() {
            return None;
        }
    }
    let total = hours * 60 + minutes;
    (minutes < 60 && (hours < 24 || total == 24 * 60)).then_some(total)
}

/// The week described by `raw` (an OSM value, already normalised), if the editor can show it
/// exactly; past one-off closures (before `today`) are left out.
pub fn from_osm(raw: &str, today: NaiveDate) -> Option<Weekly> {
    // Fallback rules, comments and times that move with the sun are beyond a weekly grid.
    const BEYOND: [&str; 6] = ["||", "\"", "sunrise", "sunset", "dawn", "dusk"];
    if BEYOND.iter().any(|word| raw.contains(word)) {
        return None;
    }
    let mut week = Weekly::default();
    let mut regular = Vec::new();
    for rule in raw.split(';').map(str::trim).filter(|r| !r.is_empty()) {
        if let Some(closure) = parse_closure(rule) {
            match closure {
                Closure::Once(date) if date < today => {}
                closure => week.closures.push(closure),
            }
        } else if matches!(rule, "PH off" | "PH closed") {
            week.holidays_closed = true;
        } else if rule.contains("PH") || rule.contains("SH") {
            return None;
        } else {
            regular.push(rule);
        }
    }
    if regular.is_empty() {
        return None;
    }
    let original: OpeningHours = regular.join("; ").parse().ok()?;
    // The week of the Monday after today, read day by day.
    let monday = today + TimeDelta::days(7 - today.weekday().num_days_from_monday() as i64);
    for (i, day) in week.days.iter_mut().enumerate() {
        *day = open_periods(&original, monday + TimeDelta::days(i as i64))?;
        if day.len() > 2 {
            return None;
        }
    }
    // Written back, the same hours every day of the coming year?
    let written: OpeningHours = regular_rules(&week.days).join("; ").parse().ok()?;
    let same = (0..366).all(|offset| {
        let date = today + TimeDelta::days(offset);
        open_periods(&original, date) == open_periods(&written, date)
    });
    same.then_some(week)
}

/// The open periods of `date` (`None` if part of the day is "unknown").
fn open_periods(hours: &OpeningHours, date: NaiveDate) -> Option<Vec<(Minutes, Minutes)>> {
    let mut periods = Vec::new();
    for range in hours.schedule_at(date) {
        match range.kind {
            RuleKind::Open => periods.push((
                range.range.start.mins_from_midnight(),
                range.range.end.mins_from_midnight(),
            )),
            RuleKind::Unknown => return None,
            RuleKind::Closed => {}
        }
    }
    Some(periods)
}

/// `2026 Dec 24 off`, `Dec 24 closed` → a closure.
fn parse_closure(rule: &str) -> Option<Closure> {
    let words: Vec<&str> = rule.split_whitespace().collect();
    let (year, rest) = match words.as_slice() {
        [year, rest @ ..] if year.len() == 4 && year.chars().all(|c| c.is_ascii_digit()) => {
            (Some(year.parse::<i32>().ok()?), rest)
        }
        rest => (None, rest),
    };
    let [month, day, state] = rest else {
        return None;
    };
    if !matches!(*state, "off" | "closed") {
        return None;
    }
    let month = month.parse::<Month>().ok()?.number_from_month();
    let day: u32 = day.parse().ok()?;
    match year {
        Some(year) => NaiveDate::from_ymd_opt(year, month, day).map(Closure::Once),
        // 29 February exists in leap years.
        None => NaiveDate::from_ymd_opt(2024, month, day).map(|_| Closure::Yearly { month, day }),
    }
}

/// Why a week cannot be saved (the key of a translated message).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeekError {
    /// A time that is not HH:MM.
    BadTime,
    /// A period that ends before it starts (or a start without an end).
    EndBeforeStart,
    /// The afternoon starts before the morning ends.
    Overlap,
    /// Never open.
    Empty,
    /// A closure date that is not a date.
    BadDate,
    TooManyClosures,
}

impl WeekError {
    pub fn message_key(self) -> &'static str {
        match self {
            WeekError::BadTime => "hours.error.time",
            WeekError::EndBeforeStart => "hours.error.order",
            WeekError::Overlap => "hours.error.overlap",
            WeekError::Empty => "hours.error.empty",
            WeekError::BadDate => "hours.error.date",
            WeekError::TooManyClosures => "hours.error.closures",
        }
    }
}

/// At most this many exceptional closures.
pub const MAX_CLOSURES: usize = 30;

/// The periods of one day from the form's two `(from, to)` pairs (empty pairs are ignored).
pub fn day_periods(slots: &[(&str, &str)]) -> Result<Vec<(Minutes, Minutes)>, WeekError> {
    let mut periods: Vec<(Minutes, Minutes)> = Vec::new();
    for &(from, to) in slots {
        match (from.trim().is_empty(), to.trim().is_empty()) {
            (true, true) => continue,
            (false, false) => {}
            _ => return Err(WeekError::EndBeforeStart),
        }
        let from = parse_time(from).ok_or(WeekError::BadTime)?;
        // A period ends at midnight with 00:00 (as OpenStreetMap's `13:00-00:00`, and as a
        // time field shows it): the end of the day.
        let to = match parse_time(to).ok_or(WeekError::BadTime)? {
            0 => 24 * 60,
            to => to,
        };
        if to <= from {
            return Err(WeekError::EndBeforeStart);
        }
        if periods.last().is_some_and(|&(_, end)| from < end) {
            return Err(WeekError::Overlap);
        }
        periods.push((from, to));
    }
    Ok(periods)
}

/// A closure from a date input (`YYYY-MM-DD`); `yearly` keeps only the day and month.
pub fn closure_from_form(date: &str, yearly: bool) -> Result<Option<Closure>, WeekError> {
    let date = date.trim();
    if date.is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| WeekError::BadDate)?;
    Ok(Some(if yearly {
        Closure::Yearly {
            month: date.month(),
            day: date.day(),
        }
    } else {
        Closure::Once(date)
    }))
}

/// The date a closure shows in the form (a yearly one on its next occurrence from `today`).
pub fn closure_date(closure: Closure, today: NaiveDate) -> NaiveDate {
    match closure {
        Closure::Once(date) => date,
        Closure::Yearly { month, day } => (0..8)
            .filter_map(|y| NaiveDate::from_ymd_opt(today.year() + y, month, day))
            .find(|d| *d >= today)
            .unwrap_or(today),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn week(days: [&[(Minutes, Minutes)]; 7]) -> Weekly {
        Weekly {
            days: days.map(|d| d.to_vec()),
            ..Weekly::default()
        }
    }

    const MORNING: (Minutes, Minutes) = (9 * 60, 12 * 60);
    const AFTERNOON: (Minutes, Minutes) = (13 * 60 + 30, 18 * 60);

    #[test]
    fn groups_days_with_the_same_hours() {
        let w = week([
            &[MORNING, AFTERNOON],
            &[MORNING, AFTERNOON],
            &[],
            &[MORNING, AFTERNOON],
            &[MORNING, AFTERNOON],
            &[(9 * 60, 17 * 60)],
            &[],
        ]);
        assert_eq!(
            to_osm(&w).unwrap(),
            "Mo,Tu,Th,Fr 09:00-12:00,13:30-18:00; Sa 09:00-17:00"
        );
        let w = week([&[MORNING]; 7]);
        assert_eq!(to_osm(&w).unwrap(), "Mo-Su 09:00-12:00");
        let w = week([
            &[MORNING],
            &[MORNING],
            &[MORNING],
            &[],
            &[MORNING],
            &[],
            &[],
        ]);
        assert_eq!(to_osm(&w).unwrap(), "Mo-We,Fr 09:00-12:00");
    }

    #[test]
    fn holidays_and_closures_come_last_and_parse() {
        let mut w = week([&[MORNING, AFTERNOON], &[], &[], &[], &[], &[], &[]]);
        w.holidays_closed = true;
        w.closures = vec![
            Closure::Once(d(2026, 12, 24)),
            Closure::Yearly { month: 1, day: 1 },
        ];
        let osm = to_osm(&w).unwrap();
        assert_eq!(
            osm,
            "Mo 09:00-12:00,13:30-18:00; PH off; 2026 Dec 24 off; Jan 01 off"
        );
        let parsed: OpeningHours = osm.parse().unwrap();
        // 21 Dec 2026 is a Monday: open; 28 Dec: open; Thursday 24 Dec would be closed anyway,
        // so check with a Monday closure.
        assert!(!parsed.schedule_at(d(2026, 12, 21)).is_empty());
        let mut w2 = w.clone();
        w2.closures = vec![Closure::Once(d(2026, 12, 21))];
        let parsed: OpeningHours = to_osm(&w2).unwrap().parse().unwrap();
        assert!(open_periods(&parsed, d(2026, 12, 21)).unwrap().is_empty());
        assert_eq!(
            open_periods(&parsed, d(2026, 12, 28)).unwrap(),
            vec![MORNING, AFTERNOON]
        );
    }

    #[test]
    fn never_open_is_no_value() {
        assert_eq!(to_osm(&Weekly::default()), None);
    }

    #[test]
    fn reads_back_what_it_writes() {
        let today = d(2026, 11, 26);
        let mut w = week([
            &[MORNING, AFTERNOON],
            &[MORNING, AFTERNOON],
            &[MORNING, AFTERNOON],
            &[],
            &[MORNING, AFTERNOON],
            &[(8 * 60, 13 * 60)],
            &[],
        ]);
        w.holidays_closed = true;
        w.closures = vec![
            Closure::Once(d(2026, 12, 24)),
            Closure::Yearly { month: 12, day: 26 },
        ];
        let osm = to_osm(&w).unwrap();
        assert_eq!(from_osm(&osm, today), Some(w));
    }

    #[test]
    fn reads_the_usual_osm_forms() {
        let today = d(2026, 11, 26);
        let w = from_osm("Tu-Sa 08:30-12:30,14:00-18:30; Su 08:00-12:00", today).unwrap();
        assert!(w.days[0].is_empty());
        assert_eq!(w.days[1], vec![(510, 750), (840, 1110)]);
        assert_eq!(w.days[6], vec![(480, 720)]);
        // Later rules override earlier ones, as OSM says.
        let w = from_osm("Mo-Sa 09:00-18:00; We off", today).unwrap();
        assert!(w.days[2].is_empty());
        assert_eq!(w.days[3], vec![(540, 1080)]);
        let w = from_osm("24/7", today).unwrap();
        assert_eq!(w.days[4], vec![(0, 1440)]);
        // Until midnight (Habay's 555 Express): shown as 00:00, written back as 24:00.
        let w = from_osm("Mo-Th 11:00-23:00;Fr-Sa 13:00-00:00", today).unwrap();
        assert_eq!(w.days[4], vec![(780, 1440)]);
        assert_eq!(form_time(w.days[4][0].1), "00:00");
        assert_eq!(
            to_osm(&w).as_deref(),
            Some("Mo-Th 11:00-23:00; Fr,Sa 13:00-24:00")
        );
        // A past closure is dropped; a future one kept.
        let w = from_osm("Mo 09:00-12:00; 2025 Dec 24 off; 2026 Dec 31 off", today).unwrap();
        assert_eq!(w.closures, vec![Closure::Once(d(2026, 12, 31))]);
    }

    #[test]
    fn leaves_richer_values_to_the_advanced_field() {
        let today = d(2026, 11, 26);
        for raw in [
            "Mo-Sa 09:00-18:00; Jul-Aug Mo-Sa 10:00-19:00",
            "Mo-Fr 08:00-10:00,11:00-12:00,14:00-18:00",
            "Mo-Fr 09:00-18:00 \"sur rendez-vous\"",
            "Mo-Fr 09:00-18:00; PH 10:00-12:00",
            "Mo-Fr 09:00-18:00 || \"sur rendez-vous\"",
            "Mo-Fr sunrise-sunset",
            "week 01-53/2 Mo 09:00-12:00",
        ] {
            assert_eq!(from_osm(raw, today), None, "{raw}");
        }
    }

    #[test]
    fn day_periods_are_validated() {
        assert_eq!(
            day_periods(&[("09:00", "12:00"), ("13:30", "18:00")]),
            Ok(vec![MORNING, AFTERNOON])
        );
        assert_eq!(day_periods(&[("", ""), ("", "")]), Ok(vec![]));
        assert_eq!(
            day_periods(&[("09:00:00", "24:00"), ("", "")]),
            Ok(vec![(540, 1440)])
        );
        // Until midnight, as a time field writes it.
        assert_eq!(
            day_periods(&[("13:00", "00:00"), ("", "")]),
            Ok(vec![(780, 1440)])
        );
        assert_eq!(form_time(1440), "00:00");
        assert_eq!(form_time(780), "13:00");
        assert_eq!(
            day_periods(&[("12:00", "09:00")]),
            Err(WeekError::EndBeforeStart)
        );
        assert_eq!(
            day_periods(&[("09:00", "")]),
            Err(WeekError::EndBeforeStart)
        );
        assert_eq!(
            day_periods(&[("09:00", "13:00"), ("12:30", "18:00")]),
            Err(WeekError::Overlap)
        );
        assert_eq!(day_periods(&[("9h", "12:00")]), Err(WeekError::BadTime));
        assert_eq!(day_periods(&[("25:00", "26:00")]), Err(WeekError::BadTime));
    }

    #[test]
    fn closures_from_the_form() {
        assert_eq!(closure_from_form("", false), Ok(None));
        assert_eq!(
            closure_from_form("2026-12-24", false),
            Ok(Some(Closure::Once(d(2026, 12, 24))))
        );
        assert_eq!(
            closure_from_form("2026-12-24", true),
            Ok(Some(Closure::Yearly { month: 12, day: 24 }))
        );
        assert_eq!(
            closure_from_form("24/12/2026", false),
            Err(WeekError::BadDate)
        );
        assert_eq!(
            closure_date(Closure::Yearly { month: 1, day: 1 }, d(2026, 11, 26)),
            d(2027, 1, 1)
        );
    }
}
