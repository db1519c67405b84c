//! The dashboard of a town or a district (issue 17): the period it shows and the one it is
//! compared with, the "fewer than 5 people" rule, the records its figures come from, a
//! spreadsheet-safe CSV, and the geometry of its charts.

use chrono::{Datelike, NaiveDate, TimeDelta};

/// The longest period a dashboard or an export covers: two years (a leap day included).
pub const MAX_PERIOD_DAYS: i64 = 731;

/// A range of local days, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Why a requested period was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodError {
    /// A date that is not `YYYY-MM-DD`.
    BadDate,
    /// The end before the start.
    Reversed,
    /// Longer than [`MAX_PERIOD_DAYS`].
    TooLong,
}

impl PeriodError {
    /// The key of its translated message.
    pub fn key(self) -> &'static str {
        match self {
            PeriodError::BadDate => "dashboard.error.bad_date",
            PeriodError::Reversed => "dashboard.error.reversed",
            PeriodError::TooLong => "dashboard.error.too_long",
        }
    }
}

/// A date of a form or a link (`2026-11-30`), of a year from 1000 to 9999 (whatever is
/// computed from it then stays far from the calendar's limits).
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (1000..=9999).contains(&d.year()))
}

/// A month of a link (`2026-11`), as its first day.
pub fn parse_month(text: &str) -> Option<NaiveDate> {
    parse_day(&format!("{}-01", text.trim()))
}

impl Period {
    /// The period asked for: `from` and `to` (either may be empty), by default the 30 days up
    /// to `today`; a start alone runs to today (or 30 days if that is in the future), an end
    /// alone starts 30 days before.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<Period, PeriodError> {
        let day = |text: Option<&str>| match text.map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(text) => parse_day(text).map(Some).ok_or(PeriodError::BadDate),
        };
        let (from, to) = match (day(from)?, day(to)?) {
            (Some(from), Some(to)) => (from, to),
            (Some(from), None) if from <= today => (from, today),
            (Some(from), None) => (from, from + TimeDelta::days(29)),
            (None, Some(to)) => (to - TimeDelta::days(29), to),
            (None, None) => (today - TimeDelta::days(29), today),
        };
        if to < from {
            return Err(PeriodError::Reversed);
        }
        let period = Period { from, to };
        if period.days() > MAX_PERIOD_DAYS {
            return Err(PeriodError::TooLong);
        }
        Ok(period)
    }

    /// The calendar month that starts on `first` (any day of it will do).
    pub fn month(first: NaiveDate) -> Period {
        let from = first.with_day(1).unwrap_or(first);
        let next = from
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(from);
        Period {
            from,
            to: next - TimeDelta::days(1),
        }
    }

    /// How many days, both ends included.
    pub fn days(self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// What it is compared with: a month from its first day (whole or to date) with the same
    /// days of the month before (as far as that month goes), otherwise the same number of days
    /// just before.
    pub fn previous(self) -> Period {
        if self.from.day() == 1 && self.to <= Period::month(self.from).to {
            let before = Period::month(self.from - TimeDelta::days(1));
            let to = (before.from + TimeDelta::days(self.days() - 1)).min(before.to);
            return Period {
                from: before.from,
                to: if self == Period::month(self.from) {
                    before.to
                } else {
                    to
                },
            };
        }
        let to = self.from - TimeDelta::days(1);
        Period {
            from: to - TimeDelta::days(self.days() - 1),
            to,
        }
    }

    /// Every day of the period, in order.
    pub fn each_day(self) -> impl Iterator<Item = NaiveDate> {
        self.from.iter_days().take_while(move |d| *d <= self.to)
    }

    /// The instants it covers in time zone `tz`: from the first day's local midnight to the day
    /// after the last's, never after `now` (what is scheduled for later today is not out yet).
    pub fn instants(
        self,
        tz: chrono_tz::Tz,
        now: chrono::DateTime<chrono::Utc>,
    ) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
        (
            day_start(tz, self.from),
            day_start(tz, self.to + TimeDelta::days(1)).min(now),
        )
    }

    /// The presets offered as links, by key: the last 7 and 30 days, this month (to today),
    /// last month.
    pub fn presets(today: NaiveDate) -> [(&'static str, Period); 4] {
        let this_month = Period {
            from: Period::month(today).from,
            to: today,
        };
        [
            (
                "last_7_days",
                Period {
                    from: today - TimeDelta::days(6),
                    to: today,
                },
            ),
            (
                "last_30_days",
                Period {
                    from: today - TimeDelta::days(29),
                    to: today,
                },
            ),
            ("this_month", this_month),
            (
                "last_month",
                Period::month(this_month.from - TimeDelta::days(1)),
            ),
        ]
    }
}

pub use crate::model::Shown;

/// When `day` starts in time zone `tz`: its local midnight, or the first instant after a
/// daylight-saving gap that skips it.
pub fn day_start(tz: chrono_tz::Tz, day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    (0..=3)
        .find_map(|hour| {
            let time = chrono::NaiveTime::from_hms_opt(hour, 0, 0)?;
            tz.from_local_datetime(&day.and_time(time)).earliest()
        })
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// The posts a shop (or a district: `shop_id` `None`) published in a period, of one kind, with
/// their pushes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostFigures {
    pub shop_id: Option<i64>,
    /// A district's own posts: that district.
    pub district_id: Option<i64>,
    pub kind: crate::domain::posts::PostKind,
    pub posts: i64,
    /// Notifications meant for a device (one per subscribed device of each follower).
    pub targeted: i64,
    /// Accepted by the push service.
    pub delivered: i64,
    /// Notifications tapped.
    pub opened: i64,
}

/// A shop's reviews published in a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReviewFigures {
    pub shop_id: i64,
    pub reviews: i64,
    pub rating_sum: i64,
    /// With a published reply.
    pub answered: i64,
}

/// What the stewards and the town did in a period (the monthly report).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StewardActivity {
    /// Invitations made for merchants, their staff and stewards.
    pub invitations: i64,
    /// Of those, accepted.
    pub accepted: i64,
    /// Posts published as a district.
    pub district_posts: i64,
    /// Posts a steward or an admin published on a shop's behalf.
    pub posts_on_behalf: i64,
}

/// The followers of a town's shops and districts now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FollowerCounts {
    /// (shop id, followers), shops without followers left out.
    pub shops: Vec<(i64, i64)>,
    /// (district id, followers of the district itself).
    pub districts: Vec<(i64, i64)>,
}

/// `part` of `whole` in whole per cent (rounded), if there is a whole.
pub fn percent(part: i64, whole: i64) -> Option<u8> {
    (whole > 0).then(|| u8::try_from((part * 100 + whole / 2) / whole).unwrap_or(100))
}

/// The average of `sum` over `count` in tenths (4.25 → 43), if any.
pub fn tenths(sum: i64, count: i64) -> Option<i64> {
    (count > 0).then(|| (sum * 10 + count / 2) / count)
}

/// One CSV field (RFC 4180): quoted when it holds a separator, a quote or a line break; a text
/// a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, carriage return first) is
/// prefixed with `'` so that it stays text.
pub fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) && text.parse::<f64>().is_err()
    {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// A CSV document: one line per row, CRLF line ends (RFC 4180).
pub fn csv(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in rows {
        let fields: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        parse_day(text).unwrap()
    }

    #[test]
    fn periods() {
        let today = day("2026-12-03");
        let default = Period::parse(None, None, today).unwrap();
        assert_eq!((default.from, default.to), (day("2026-11-04"), today));
        assert_eq!(default.days(), 30);
        assert_eq!(
            default.previous(),
            Period {
                from: day("2026-10-05"),
                to: day("2026-11-03")
            }
        );
        let november = Period::parse(Some("2026-11-01"), Some("2026-11-30"), today).unwrap();
        assert_eq!(november, Period::month(day("2026-11-17")));
        // A whole month compares with the whole month before (31 days).
        assert_eq!(november.previous(), Period::month(day("2026-10-01")));
        assert_eq!(november.previous().days(), 31);
        assert_eq!(Period::month(day("2028-02-10")).days(), 29);
        assert_eq!(
            Period::parse(Some("2026-13-01"), None, today),
            Err(PeriodError::BadDate)
        );
        assert_eq!(
            Period::parse(Some("<script>"), None, today),
            Err(PeriodError::BadDate)
        );
        assert_eq!(
            Period::parse(Some("2026-12-01"), Some("2026-11-01"), today),
            Err(PeriodError::Reversed)
        );
        assert_eq!(
            Period::parse(Some("2016-12-01"), Some("2026-11-30"), today),
            Err(PeriodError::TooLong)
        );
        assert!(Period::parse(Some("2024-12-03"), Some("2026-12-03"), today).is_ok());
        assert_eq!(Period::parse(Some(""), Some(" "), today).unwrap(), default);
        let presets = Period::presets(today);
        assert_eq!(presets[0].1.days(), 7);
        // This month to date: compared with the same days of the month before.
        assert_eq!(
            presets[2].1,
            Period {
                from: day("2026-12-01"),
                to: today
            }
        );
        assert_eq!(
            presets[2].1.previous(),
            Period {
                from: day("2026-11-01"),
                to: day("2026-11-03")
            }
        );
        // March 1–31 against all of February; March 1–30 against February as far as it goes.
        let march = Period::month(day("2026-03-01"));
        assert_eq!(march.previous(), Period::month(day("2026-02-01")));
        let most_of_march = Period {
            from: day("2026-03-01"),
            to: day("2026-03-30"),
        };
        assert_eq!(most_of_march.previous(), Period::month(day("2026-02-01")));
        assert_eq!(presets[3].1, Period::month(day("2026-11-01")));
        assert_eq!(november.each_day().count(), 30);
        assert_eq!(parse_month("2026-11"), Some(day("2026-11-01")));
        assert_eq!(parse_month("2026-1x"), None);
        assert_eq!(parse_day("262143-12-31"), None);
        assert_eq!(parse_month("+99999-01"), None);
        assert_eq!(parse_day("0999-12-31"), None);
    }

    #[test]
    fn days_start_at_local_midnight() {
        let brussels = chrono_tz::Europe::Brussels;
        assert_eq!(
            day_start(brussels, day("2026-11-26")).to_rfc3339(),
            "2026-11-25T23:00:00+00:00"
        );
        assert_eq!(
            day_start(brussels, day("2026-07-01")).to_rfc3339(),
            "2026-06-30T22:00:00+00:00"
        );
        // Where the clocks skip midnight (Cuba in spring), the day starts at 01:00.
        let havana = chrono_tz::America::Havana;
        assert_eq!(
            day_start(havana, day("2026-03-08")).to_rfc3339(),
            "2026-03-08T05:00:00+00:00"
        );
        let period = Period {
            from: day("2026-11-01"),
            to: day("2026-11-30"),
        };
        let now: chrono::DateTime<chrono::Utc> = "2026-11-26T09:00:00Z".parse().unwrap();
        let (from, to) = period.instants(brussels, now);
        assert_eq!(from.to_rfc3339(), "2026-10-31T23:00:00+00:00");
        assert_eq!(to, now);
    }

    #[test]
    fn fewer_than_five_people() {
        assert_eq!(Shown::people(0), Shown::Count(0));
        for n in 1..5 {
            assert_eq!(Shown::people(n), Shown::FewerThanFive);
            assert_eq!(Shown::people(n).text(), "< 5");
        }
        assert_eq!(Shown::people(5), Shown::Count(5));
        assert_eq!(Shown::people(12).change(Shown::people(7)), Some(5));
        assert_eq!(Shown::people(12).change(Shown::people(3)), None);
    }

    #[test]
    fn csv_is_safe_for_spreadsheets() {
        assert_eq!(csv_field("Boulangerie"), "Boulangerie");
        assert_eq!(
            csv_field("Chez \"Jo\", Habay"),
            "\"Chez \"\"Jo\"\", Habay\""
        );
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("-12"), "-12");
        assert_eq!(csv_field("< 5"), "< 5");
        assert_eq!(csv(&[vec!["a".into(), "b\nc".into()]]), "a,\"b\nc\"\r\n");
    }

    #[test]
    fn rates_and_scales() {
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(1, 0), None);
        assert_eq!(tenths(17, 4), Some(43));
        assert_eq!(tenths(0, 0), None);
    }
}
