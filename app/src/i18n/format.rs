//! Dates, times and opening states in words, in the reader's language: the same wording for
//! the pages and for the Atom feeds' entries.

use super::Locale;
use crate::model::{LocalMoment, NextChange, OpenState, OpenStatus, PostView};

/// `09:00` in the locale's style (`9 h`, `9 h 30` in French).
pub fn format_time(locale: Locale, hhmm: &str) -> String {
    let (hour, minute) = hhmm.split_once(':').unwrap_or((hhmm, "00"));
    let hour = hour.trim_start_matches('0');
    let hour = if hour.is_empty() { "0" } else { hour };
    if minute == "00" {
        locale.tf("time.hour", &[("h", hour), ("hh", &format!("{hour:0>2}"))])
    } else {
        locale.tf(
            "time.hour_minute",
            &[("h", hour), ("hh", &format!("{hour:0>2}")), ("m", minute)],
        )
    }
}

/// The name of a weekday, 0 = Monday.
pub fn weekday_name(locale: Locale, weekday: u8) -> String {
    locale.t(&format!("weekday.{weekday}"))
}

/// "à 19 h", "demain à 9 h", "lundi à 9 h".
fn when(locale: Locale, change: &NextChange) -> String {
    let time = format_time(locale, &change.time);
    match change.day_offset {
        0 => locale.tf("status.at_today", &[("time", &time)]),
        1 => locale.tf("status.at_tomorrow", &[("time", &time)]),
        _ => locale.tf(
            "status.at_weekday",
            &[
                ("time", &time),
                ("day", &weekday_name(locale, change.weekday)),
            ],
        ),
    }
}

/// The short label and the detail sentence of a status.
pub fn status_texts(locale: Locale, status: &OpenStatus) -> (String, Option<String>) {
    let detail = |key: &str| {
        status
            .next_change
            .as_ref()
            .map(|c| locale.tf(key, &[("when", &when(locale, c))]))
    };
    match status.state {
        OpenState::Open => (locale.t("status.open"), detail("status.closes")),
        OpenState::ClosingSoon => (locale.t("status.closing_soon"), detail("status.closes")),
        OpenState::Closed => (locale.t("status.closed"), detail("status.opens")),
        OpenState::Unknown => (locale.t("status.unknown"), None),
    }
}

/// "4 novembre 2026" from `2026-11-04` (the text itself if it is not such a date).
pub fn long_date(locale: Locale, iso: &str) -> String {
    let mut parts = iso.splitn(3, '-').map(|p| p.parse::<u32>().ok());
    match (
        parts.next().flatten(),
        parts.next().flatten(),
        parts.next().flatten(),
    ) {
        (Some(year), Some(month @ 1..=12), Some(day @ 1..=31)) => locale.tf(
            "date.day_month_year",
            &[
                ("day", &day.to_string()),
                ("month", &locale.t(&format!("month.{month}"))),
                ("year", &year.to_string()),
            ],
        ),
        _ => iso.to_owned(),
    }
}

/// "aujourd'hui", "demain", "hier" or "samedi 28 novembre".
pub fn date_label(locale: Locale, m: &LocalMoment) -> String {
    match m.day_offset {
        0 => locale.t("date.today"),
        1 => locale.t("date.tomorrow"),
        -1 => locale.t("date.yesterday"),
        _ => locale.tf(
            "date.day_month",
            &[
                ("weekday", &weekday_name(locale, m.weekday)),
                ("day", &m.day.to_string()),
                ("month", &locale.t(&format!("month.{}", m.month))),
            ],
        ),
    }
}

/// "à l'instant", "il y a 5 min", "il y a 3 h", then the date.
pub fn published_label(locale: Locale, post: &PostView) -> String {
    let minutes = post.minutes_ago;
    if minutes < 1 {
        locale.t("date.just_now")
    } else if minutes < 60 {
        locale.tf("date.minutes_ago", &[("n", &minutes.to_string())])
    } else if post.published.day_offset == 0 {
        locale.tf("date.hours_ago", &[("n", &(minutes / 60).to_string())])
    } else {
        date_label(locale, &post.published)
    }
}

/// "samedi 28 novembre, 14 h – 21 h" (the end's date is written when it differs).
pub fn event_when(locale: Locale, starts: &LocalMoment, ends: Option<&LocalMoment>) -> String {
    let start = locale.tf(
        "date.at",
        &[
            ("date", &date_label(locale, starts)),
            ("time", &format_time(locale, &starts.time)),
        ],
    );
    match ends {
        Some(end) if end.day_offset == starts.day_offset => locale.tf(
            "date.range",
            &[("from", &start), ("to", &format_time(locale, &end.time))],
        ),
        Some(end) => locale.tf(
            "date.range",
            &[
                ("from", &start),
                (
                    "to",
                    &locale.tf(
                        "date.at",
                        &[
                            ("date", &date_label(locale, end)),
                            ("time", &format_time(locale, &end.time)),
                        ],
                    ),
                ),
            ],
        ),
        None => start,
    }
}
