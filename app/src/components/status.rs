use leptos::prelude::*;

use crate::i18n::{use_locale, Locale};
use crate::model::{NextChange, OpenState, OpenStatus};

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

pub fn state_class(state: OpenState) -> &'static str {
    match state {
        OpenState::Open => "badge badge-open",
        OpenState::ClosingSoon => "badge badge-soon",
        OpenState::Closed => "badge badge-closed",
        OpenState::Unknown => "badge badge-unknown",
    }
}

/// "Ouvert · ferme à 19 h".
#[component]
pub fn StatusBadge(status: OpenStatus) -> impl IntoView {
    let locale = use_locale();
    let (label, detail) = status_texts(locale, &status);
    view! {
        <span class="status">
            <span class=state_class(status.state) data-state=format!("{:?}", status.state)>{label}</span>
            {detail.map(|d| view! { <span class="status-detail">{d}</span> })}
        </span>
    }
}
