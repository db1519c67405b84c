//! What a merchant types at the counter, checked and turned into a post.
//!
//! Dates come from the form's `date` (`YYYY-MM-DD`) and `datetime-local` (`YYYY-MM-DDTHH:MM`)
//! fields, in the town's time zone.

use chrono::{
    DateTime, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc,
};
use chrono_tz::Tz;

use super::posts::{NewPost, PostAuthor, PostKind};
use crate::model::PostForm;

pub const TITLE_MAX: usize = 80;
pub const BODY_MAX: usize = 1000;
pub const PLACE_MAX: usize = 120;
/// Offers run this many days after today unless the merchant says otherwise.
pub const DEFAULT_OFFER_DAYS: u64 = 7;
/// How far ahead a post may be scheduled or an event announced.
pub const MAX_AHEAD: TimeDelta = TimeDelta::days(366);
/// Dates typed in a post are accepted this far from today, either way (a typo such as a
/// six-digit year is refused with a message instead of reaching date arithmetic).
pub const DATE_RANGE: TimeDelta = TimeDelta::days(2 * 366);
/// An idempotency key is short and plain.
pub const KEY_MAX: usize = 64;

/// A field that failed, and the translation key of why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub key: &'static str,
}

fn fail<T>(field: &'static str, key: &'static str) -> Result<T, FieldError> {
    Err(FieldError { field, key })
}

/// The local instant, resolving DST gaps (the first valid instant after) and folds (the
/// earlier one).
fn local(tz: Tz, naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, _) => Some(a.with_timezone(&Utc)),
        LocalResult::None => tz
            .from_local_datetime(&naive.checked_add_signed(TimeDelta::hours(1))?)
            .earliest()
            .map(|t| t.with_timezone(&Utc)),
    }
}

fn optional(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

/// Whether a day is within [`DATE_RANGE`] of `today`.
fn in_range(day: NaiveDate, today: NaiveDate) -> bool {
    (day - today).abs() <= DATE_RANGE
}

fn date(
    field: &'static str,
    text: Option<&str>,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, FieldError> {
    let Some(t) = text else { return Ok(None) };
    let day =
        NaiveDate::parse_from_str(t, "%Y-%m-%d").or_else(|_| fail(field, "post.error.date"))?;
    if !in_range(day, today) {
        return fail(field, "post.error.date_range");
    }
    Ok(Some(day))
}

fn date_time(
    field: &'static str,
    text: Option<&str>,
    tz: Tz,
    today: NaiveDate,
) -> Result<Option<DateTime<Utc>>, FieldError> {
    let Some(t) = text else { return Ok(None) };
    let naive = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| fail(field, "post.error.date_time"))?;
    if !in_range(naive.date(), today) {
        return fail(field, "post.error.date_range");
    }
    local(tz, naive).map(Some).ok_or(FieldError {
        field,
        key: "post.error.date_time",
    })
}

/// Start of a local day.
fn day_start(tz: Tz, day: NaiveDate) -> Option<DateTime<Utc>> {
    local(tz, day.and_time(NaiveTime::MIN))
}

/// The defaults of a new offer: valid from today to today + 7 days, as form values.
pub fn default_offer_dates(now: DateTime<Utc>, tz: Tz) -> (String, String) {
    let today = now.with_timezone(&tz).date_naive();
    let until = today
        .checked_add_days(Days::new(DEFAULT_OFFER_DAYS))
        .unwrap_or(today);
    (today.to_string(), until.to_string())
}

/// A local instant as a `datetime-local` value.
pub fn form_date_time(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
}

/// A local instant's day as a `date` value.
pub fn form_date(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d").to_string()
}

/// The form as a post of `author`, or the first field that is wrong.
pub fn post_from_form(
    form: &PostForm,
    author: PostAuthor,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<NewPost, FieldError> {
    let kind = PostKind::parse(form.kind.trim()).ok_or(FieldError {
        field: "kind",
        key: "post.error.kind",
    })?;
    let title = form.title.trim().to_owned();
    if title.is_empty() {
        return fail("title", "post.error.title_missing");
    }
    if title.chars().count() > TITLE_MAX {
        return fail("title", "post.error.title_long");
    }
    let body = form.body.trim().replace("\r\n", "\n");
    if body.chars().count() > BODY_MAX {
        return fail("body", "post.error.body_long");
    }
    if title
        .chars()
        .chain(body.chars())
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return fail("body", "post.error.characters");
    }
    let today = now.with_timezone(&tz).date_naive();
    let published_at = match date_time("publish_at", optional(&form.publish_at), tz, today)? {
        Some(t) if t > now + MAX_AHEAD => return fail("publish_at", "post.error.too_far"),
        Some(t) if t > now => t,
        // A time in the past (or now) publishes now.
        _ => now,
    };
    let mut post = NewPost {
        author,
        kind,
        title,
        body,
        photo: None,
        valid_from: None,
        valid_until: None,
        starts_at: None,
        ends_at: None,
        place: None,
        published_at,
        broadcast: Default::default(),
    };
    match kind {
        PostKind::Offer => {
            let from = date("valid_from", optional(&form.valid_from), today)?.unwrap_or(today);
            let until = match date("valid_until", optional(&form.valid_until), today)? {
                Some(until) => until,
                None => from
                    .checked_add_days(Days::new(DEFAULT_OFFER_DAYS))
                    .ok_or(FieldError {
                        field: "valid_from",
                        key: "post.error.date_range",
                    })?,
            };
            if until < from {
                return fail("valid_until", "post.error.ends_before");
            }
            if until < today {
                return fail("valid_until", "post.error.in_past");
            }
            let from_t = day_start(tz, from).ok_or(FieldError {
                field: "valid_from",
                key: "post.error.date",
            })?;
            let until_t = until
                .succ_opt()
                .and_then(|d| day_start(tz, d))
                .ok_or(FieldError {
                    field: "valid_until",
                    key: "post.error.date",
                })?;
            if until_t > now + MAX_AHEAD {
                return fail("valid_until", "post.error.too_far");
            }
            post.valid_from = Some(from_t);
            // Valid through the whole last day.
            post.valid_until = Some(until_t);
        }
        PostKind::Event => {
            let starts = date_time("starts_at", optional(&form.starts_at), tz, today)?.ok_or(
                FieldError {
                    field: "starts_at",
                    key: "post.error.start_missing",
                },
            )?;
            let ends = date_time("ends_at", optional(&form.ends_at), tz, today)?;
            if ends.is_some_and(|e| e <= starts) {
                return fail("ends_at", "post.error.ends_before");
            }
            if ends.unwrap_or(starts) < now {
                return fail("starts_at", "post.error.in_past");
            }
            if starts > now + MAX_AHEAD {
                return fail("starts_at", "post.error.too_far");
            }
            let place = optional(&form.place).map(str::to_owned);
            if place
                .as_ref()
                .is_some_and(|p| p.chars().count() > PLACE_MAX)
            {
                return fail("place", "post.error.place_long");
            }
            post.starts_at = Some(starts);
            post.ends_at = ends;
            post.place = place;
        }
        PostKind::News => {}
    }
    Ok(post)
}

/// A client's idempotency key, if usable (letters, digits, `-`, `_`; at most 64).
pub fn idempotency_key(text: Option<&str>) -> Result<Option<String>, FieldError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(key)
            if key.len() <= KEY_MAX
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            Ok(Some(key.to_owned()))
        }
        Some(_) => fail("idempotency_key", "post.error.key"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str, title: &str) -> PostForm {
        PostForm {
            kind: kind.into(),
            title: title.into(),
            ..PostForm::default()
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-11-26T09:00:00Z".parse().unwrap()
    }

    const BRUSSELS: Tz = chrono_tz::Europe::Brussels;

    #[test]
    fn an_offer_runs_from_today_for_a_week_by_default() {
        let post = post_from_form(
            &form("offer", " -20 % "),
            PostAuthor::Shop(1),
            now(),
            BRUSSELS,
        )
        .unwrap();
        assert_eq!(post.title, "-20 %");
        assert_eq!(
            post.valid_from.unwrap().to_rfc3339(),
            "2026-11-25T23:00:00+00:00"
        );
        // Through 3 December, local time.
        assert_eq!(
            post.valid_until.unwrap().to_rfc3339(),
            "2026-12-03T23:00:00+00:00"
        );
        assert_eq!(post.published_at, now());
        assert_eq!(
            default_offer_dates(now(), BRUSSELS),
            ("2026-11-26".into(), "2026-12-03".into())
        );
    }

    #[test]
    fn bad_input_names_its_field() {
        let check = |f: PostForm, field: &str| {
            let error = post_from_form(&f, PostAuthor::Shop(1), now(), BRUSSELS).unwrap_err();
            assert_eq!(error.field, field, "{f:?}");
        };
        check(form("offer", ""), "title");
        check(form("offer", &"x".repeat(81)), "title");
        check(form("poll", "x"), "kind");
        check(
            PostForm {
                body: "é".repeat(1001),
                ..form("news", "x")
            },
            "body",
        );
        check(form("event", "Marché"), "starts_at");
        check(
            PostForm {
                starts_at: Some("demain".into()),
                ..form("event", "x")
            },
            "starts_at",
        );
        check(
            PostForm {
                starts_at: Some("2026-11-28T14:00".into()),
                ends_at: Some("2026-11-28T13:00".into()),
                ..form("event", "x")
            },
            "ends_at",
        );
        check(
            PostForm {
                starts_at: Some("2026-11-20T14:00".into()),
                ..form("event", "x")
            },
            "starts_at",
        );
        check(
            PostForm {
                valid_from: Some("2026-11-30".into()),
                valid_until: Some("2026-11-29".into()),
                ..form("offer", "x")
            },
            "valid_until",
        );
        check(
            PostForm {
                publish_at: Some("2031-01-01T10:00".into()),
                ..form("news", "x")
            },
            "publish_at",
        );
        assert_eq!(
            idempotency_key(Some("abc-123_X")),
            Ok(Some("abc-123_X".into()))
        );
        assert!(idempotency_key(Some("a b")).is_err());
        assert!(idempotency_key(Some(&"a".repeat(65))).is_err());
    }

    #[test]
    fn events_and_schedules_are_local_times() {
        let post = post_from_form(
            &PostForm {
                starts_at: Some("2026-11-28T14:00".into()),
                ends_at: Some("2026-11-28T21:00".into()),
                place: Some(" Place Pierre Nothomb ".into()),
                publish_at: Some("2026-11-27T08:30".into()),
                ..form("event", "Marché de Noël")
            },
            PostAuthor::Shop(1),
            now(),
            BRUSSELS,
        )
        .unwrap();
        assert_eq!(
            post.starts_at.unwrap().to_rfc3339(),
            "2026-11-28T13:00:00+00:00"
        );
        assert_eq!(post.place.as_deref(), Some("Place Pierre Nothomb"));
        assert_eq!(post.published_at.to_rfc3339(), "2026-11-27T07:30:00+00:00");
        // 02:30 does not exist on 29 March 2026 in Brussels: the next valid instant.
        let today = now().date_naive();
        let gap = date_time("starts_at", Some("2026-03-29T02:30"), BRUSSELS, today)
            .unwrap()
            .unwrap();
        assert_eq!(gap.to_rfc3339(), "2026-03-29T01:30:00+00:00");
    }

    /// Years far away (six digits, the calendar's ends) are refused with a message, never
    /// reach date arithmetic (`+262143-12-28` panicked in the offer's default end).
    #[test]
    fn dates_far_from_today_are_refused_not_panicking() {
        let far = [
            "+262143-12-28",
            "+262142-12-28",
            "262143-12-28",
            "-262143-01-01",
            "9999-12-31",
            "0001-01-01",
            "2029-01-01",
        ];
        for value in far {
            let offer = PostForm {
                valid_from: Some(value.into()),
                ..form("offer", "Soldes")
            };
            let error = post_from_form(&offer, PostAuthor::Shop(1), now(), BRUSSELS).unwrap_err();
            assert_eq!(error.field, "valid_from", "{value}");
            // Beyond the calendar's ends (±262 142) it is no date at all; the rest is out of
            // the accepted range.
            let expected = if value.ends_with("262143-12-28") {
                "post.error.date"
            } else {
                "post.error.date_range"
            };
            assert_eq!(error.key, expected, "{value}");
            for field in ["starts_at", "ends_at", "publish_at"] {
                let mut event = PostForm {
                    starts_at: Some("2026-11-28T14:00".into()),
                    ..form("event", "Marché")
                };
                let text = Some(format!("{value}T10:00"));
                match field {
                    "starts_at" => event.starts_at = text,
                    "ends_at" => event.ends_at = text,
                    _ => event.publish_at = text,
                }
                let result = post_from_form(&event, PostAuthor::Shop(1), now(), BRUSSELS);
                assert!(result.is_err(), "{field} = {value}");
            }
        }
        // Within the range, as before.
        let offer = PostForm {
            valid_from: Some("2027-06-01".into()),
            valid_until: Some("2027-06-02".into()),
            ..form("offer", "Été")
        };
        assert!(post_from_form(&offer, PostAuthor::Shop(1), now(), BRUSSELS).is_ok());
        let offer = PostForm {
            valid_from: Some("2026-12-01".into()),
            ..form("offer", "Hiver")
        };
        assert!(post_from_form(&offer, PostAuthor::Shop(1), now(), BRUSSELS).is_ok());
    }
}
