//! Open-now on the real Habay `opening_hours` strings, at chosen instants, in Brussels time,
//! across daylight-saving changes.

use app::domain::hours;
use app::model::{OpenState, OpenStatus};
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Brussels;

fn at(utc: &str) -> DateTime<Utc> {
    utc.parse().unwrap()
}

fn status(raw: &str, utc: &str) -> OpenStatus {
    hours::status(Some(raw), at(utc), Brussels)
}

fn summary(raw: &str, utc: &str) -> (OpenState, Option<(i64, u8, String)>) {
    let s = status(raw, utc);
    (
        s.state,
        s.next_change.map(|c| (c.day_offset, c.weekday, c.time)),
    )
}

const MULTIPHARMA: &str = "Mo-Fr 09:00-12:30,14:00-19:00; Sa 09:00-12:30";

#[test]
fn pharmacy_through_a_thursday_in_november() {
    // 2026-11-26 is a Thursday; Brussels is UTC+1 in winter.
    assert_eq!(
        summary(MULTIPHARMA, "2026-11-26T07:30:00Z"),
        (OpenState::Closed, Some((0, 3, "09:00".into())))
    );
    assert_eq!(
        summary(MULTIPHARMA, "2026-11-26T09:00:00Z"),
        (OpenState::Open, Some((0, 3, "12:30".into())))
    );
    assert_eq!(
        summary(MULTIPHARMA, "2026-11-26T11:00:00Z"),
        (OpenState::ClosingSoon, Some((0, 3, "12:30".into())))
    );
    assert_eq!(
        summary(MULTIPHARMA, "2026-11-26T12:00:00Z"),
        (OpenState::Closed, Some((0, 3, "14:00".into())))
    );
    assert_eq!(
        summary(MULTIPHARMA, "2026-11-26T18:30:00Z"),
        (OpenState::Closed, Some((1, 4, "09:00".into())))
    );
    // Saturday afternoon: next opening is Monday morning.
    assert_eq!(
        summary(MULTIPHARMA, "2026-11-28T13:00:00Z"),
        (OpenState::Closed, Some((2, 0, "09:00".into())))
    );
}

#[test]
fn late_opening_past_midnight() {
    // "Th 16:00-01:00, Fr-Sa 16:00-02:00, Su 11:00-21:00" (L'Enfant Terrible).
    let raw = "Th 16:00-01:00, Fr-Sa 16:00-02:00, Su 11:00-21:00";
    // Friday 00:30 local is still Thursday night's opening.
    assert_eq!(
        status(raw, "2026-11-26T23:30:00Z").state,
        OpenState::ClosingSoon
    );
    assert_eq!(status(raw, "2026-11-27T01:30:00Z").state, OpenState::Closed);
    // Saturday 01:30 local: Friday night's opening, closing at 02:00.
    assert_eq!(
        status(raw, "2026-11-28T00:30:00Z").state,
        OpenState::ClosingSoon
    );
    assert_eq!(
        summary(raw, "2026-11-27T23:00:00Z"),
        (OpenState::Open, Some((0, 5, "02:00".into())))
    );
}

#[test]
fn daylight_saving_changes_follow_brussels_time() {
    // Big Ben: "We-Mo 08:00-00:00". Clocks go forward on Sunday 2026-03-29 at 02:00.
    let raw = "We-Mo 08:00-00:00";
    // Saturday 07:30 UTC = 08:30 CET: open. Sunday 06:30 UTC = 08:30 CEST: open.
    assert_eq!(status(raw, "2026-03-28T07:30:00Z").state, OpenState::Open);
    assert_eq!(status(raw, "2026-03-29T06:30:00Z").state, OpenState::Open);
    // Sunday 05:30 UTC = 07:30 CEST: closed, opens at 08:00 local.
    assert_eq!(
        summary(raw, "2026-03-29T05:30:00Z"),
        (OpenState::Closed, Some((0, 6, "08:00".into())))
    );
    // Clocks go back on Sunday 2026-10-25 at 03:00: 07:30 UTC = 08:30 CET is open, 06:30 UTC closed.
    assert_eq!(status(raw, "2026-10-25T07:30:00Z").state, OpenState::Open);
    assert_eq!(status(raw, "2026-10-25T06:30:00Z").state, OpenState::Closed);
}

#[test]
fn open_past_midnight_on_daylight_saving_nights() {
    let raw = "Fr-Sa 11:00-02:00";
    // Spring: Sunday 01:30 CET (00:30 UTC) is Saturday night's opening; 02:00 CET does not
    // exist, the shop closes at 01:00 UTC, shown as 03:00 CEST.
    assert_eq!(
        summary(raw, "2026-03-29T00:30:00Z"),
        (OpenState::ClosingSoon, Some((0, 6, "03:00".into())))
    );
    assert_ne!(
        summary(raw, "2026-03-29T00:00:00Z").0,
        OpenState::Closed,
        "01:00 CET, an hour before closing"
    );
    assert_eq!(
        summary(raw, "2026-03-29T01:00:00Z"),
        (OpenState::Closed, Some((5, 4, "11:00".into())))
    );
    // Autumn: Sunday 01:30 CEST (23:30 UTC) closes at the first 02:00 (00:00 UTC), in 30 min.
    assert_eq!(
        summary(raw, "2026-10-24T23:30:00Z"),
        (OpenState::ClosingSoon, Some((0, 6, "02:00".into())))
    );
    assert_eq!(
        summary(raw, "2026-10-25T00:00:00Z"),
        (OpenState::Closed, Some((5, 4, "11:00".into())))
    );
}

#[test]
fn public_holidays_use_the_belgian_calendar() {
    // Library: "...; Su 09:00-12:30; PH off" — 2026-11-01 (Toussaint) is a Sunday and a holiday.
    let raw = "Mo 15:00-20:00; Tu 14:00-17:00; We 09:00-12:00,14:00-17:30; Th 09:00-12:00; Su 09:00-12:30; PH off";
    assert_eq!(status(raw, "2026-11-01T09:00:00Z").state, OpenState::Closed);
    assert_eq!(status(raw, "2026-11-08T09:00:00Z").state, OpenState::Open);
}

#[test]
fn unknown_and_malformed_hours_never_panic() {
    assert_eq!(
        hours::status(None, at("2026-11-26T10:00:00Z"), Brussels),
        OpenStatus::unknown()
    );
    for raw in [
        "",
        "   ",
        "Nov-Apr: Mo-Fr 12:00-18:00; Sa 09:00-18:00; May-Oct: : Mo-Fr 13:00-19:00; Sa 09:00-18:00",
        "tous les jours",
        "Mo-Fr 25:00-26:00",
        "Mo-Fr 09:00-",
        "24/7; ;;",
    ] {
        let s = hours::status(Some(raw), at("2026-11-26T10:00:00Z"), Brussels);
        let week = hours::week(raw, at("2026-11-26T10:00:00Z"), Brussels);
        if !hours::is_valid(raw) {
            assert_eq!(s, OpenStatus::unknown(), "{raw}");
            assert!(week.is_none(), "{raw}");
        }
    }
    // "Mo off; Tu off" says nothing about other days: closed, with no next opening.
    assert_eq!(
        summary("Mo off; Tu off", "2026-11-26T10:00:00Z"),
        (OpenState::Closed, None)
    );
    // Always open has no next change.
    assert_eq!(
        summary("24/7", "2026-11-26T10:00:00Z"),
        (OpenState::Open, None)
    );
}

#[test]
fn week_table_starts_today_and_folds_past_midnight() {
    // L'Enfant Terrible: "," keeps Thursday's night running into Friday (";" would cut it).
    let week = hours::week(
        "Th 16:00-01:00, Fr-Sa 16:00-02:00, Su 11:00-21:00",
        at("2026-11-26T10:00:00Z"),
        Brussels,
    )
    .unwrap();
    assert_eq!(week.len(), 7);
    assert_eq!(
        (week[0].day_offset, week[0].weekday, week[0].date.as_str()),
        (0, 3, "2026-11-26")
    );
    let ranges = |i: usize| {
        week[i]
            .ranges
            .iter()
            .map(|r| format!("{}-{}", r.from, r.to))
            .collect::<Vec<_>>()
    };
    assert_eq!(ranges(0), ["16:00-01:00"]);
    assert_eq!(
        ranges(1),
        ["16:00-02:00"],
        "Friday does not repeat Thursday's 00:00-01:00"
    );
    assert_eq!(ranges(3), ["11:00-21:00"]);
    assert!(ranges(4).is_empty(), "Monday closed");

    let pharmacy = hours::week(MULTIPHARMA, at("2026-11-26T10:00:00Z"), Brussels).unwrap();
    let thursday: Vec<_> = pharmacy[0]
        .ranges
        .iter()
        .map(|r| (r.from.as_str(), r.to.as_str()))
        .collect();
    assert_eq!(thursday, [("09:00", "12:30"), ("14:00", "19:00")]);
    assert!(pharmacy[3].ranges.is_empty(), "Sunday closed");

    // With ";" the Friday rule replaces all of Friday, the part after midnight included.
    let cut = hours::week(
        "Th 16:00-01:00; Fr 16:00-02:00",
        at("2026-11-26T10:00:00Z"),
        Brussels,
    )
    .unwrap();
    assert_eq!(
        cut[0]
            .ranges
            .iter()
            .map(|r| format!("{}-{}", r.from, r.to))
            .collect::<Vec<_>>(),
        ["16:00-24:00"]
    );
    // Open around the clock stays 00:00-24:00 every day.
    let always = hours::week("24/7", at("2026-11-26T10:00:00Z"), Brussels).unwrap();
    assert!(always
        .iter()
        .all(|d| d.ranges.len() == 1 && d.ranges[0].from == "00:00" && d.ranges[0].to == "24:00"));
}

#[test]
fn every_real_habay_hours_string_gets_a_status() {
    let files = [
        include_str!("../../data/habay-2020.geojson"),
        include_str!("../../data/test/habay-shops-2016.geojson"),
    ];
    let mut readable = 0;
    let mut total = 0;
    for text in files {
        let json: serde_json::Value = serde_json::from_str(text).unwrap();
        for feature in json["features"].as_array().unwrap() {
            let Some(raw) = feature["properties"]["opening_hours"].as_str() else {
                continue;
            };
            total += 1;
            let s = hours::status(Some(raw), at("2026-11-26T10:00:00Z"), Brussels);
            if hours::is_valid(raw) {
                readable += 1;
                assert_ne!(s.state, OpenState::Unknown, "{raw}");
                assert_eq!(
                    hours::week(raw, at("2026-11-26T10:00:00Z"), Brussels).map(|w| w.len()),
                    Some(7)
                );
            } else {
                assert_eq!(s, OpenStatus::unknown(), "{raw}");
            }
        }
    }
    assert!(total >= 60, "{total}");
    assert!(readable >= total - 3, "{readable} of {total} readable");
}

#[test]
fn common_mistakes_are_read_as_intended() {
    let cases = [
        ("Mo-Fr 08:00-17:00;", "Mo-Fr 08:00-17:00"),
        (
            "Mo-Fr 08:00-17:00;; Sa 09:00-12:00 ;",
            "Mo-Fr 08:00-17:00; Sa 09:00-12:00",
        ),
        ("Mo, We, Fr 08:00-12:00", "Mo,We,Fr 08:00-12:00"),
        // A comma after a time separates rules (an "additional rule"): left alone.
        (
            "Th 16:00-01:00, Fr-Sa 16:00-02:00",
            "Th 16:00-01:00, Fr-Sa 16:00-02:00",
        ),
        (
            "Nov-Apr: Mo-Fr 12:00-18:00; May-Oct: : Mo-Fr 13:00-19:00",
            "Nov-Apr: Mo-Fr 12:00-18:00; May-Oct: Mo-Fr 13:00-19:00",
        ),
        (
            "Tu 10:00-12:00; 13:30-18:30; Sa 10:00-18:00",
            "Tu 10:00-12:00,13:30-18:30; Sa 10:00-18:00",
        ),
        (
            "Sa 10:00-12:00 \"sur rendez-vous\"",
            "Sa 10:00-12:00 unknown \"sur rendez-vous\"",
        ),
        (
            "Sa 10:00-12:00 open \"sur rendez-vous\"",
            "Sa 10:00-12:00 open \"sur rendez-vous\"",
        ),
        ("Mo-Fr 09:00\u{2013}18:00", "Mo-Fr 09:00-18:00"),
    ];
    for (raw, expected) in cases {
        assert_eq!(hours::normalise(raw), expected, "{raw}");
    }
    // The malformed Habay strings become readable, with the meaning their authors gave them.
    let recycling =
        "Nov-Apr: Mo-Fr 12:00-18:00; Sa 09:00-18:00; May-Oct: : Mo-Fr 13:00-19:00; Sa 09:00-18:00";
    assert_eq!(
        summary(recycling, "2026-11-26T10:00:00Z"),
        (OpenState::Closed, Some((0, 3, "12:00".into())))
    );
    let split = "Tu 10:00-12:00; 13:30-18:30; We 09:00-12:00; 13:30-18:30; Th-Fr 10:00-12:00; 13:30-18:30; Sa 10:00-18:00";
    assert_eq!(
        status(split, "2026-11-26T09:30:00Z").state,
        OpenState::Open,
        "Thursday 10:30"
    );
    assert_eq!(
        status(split, "2026-11-26T11:45:00Z").state,
        OpenState::Closed,
        "Thursday 12:45"
    );
    assert_eq!(
        status(split, "2026-11-23T13:00:00Z").state,
        OpenState::Closed,
        "closed on Mondays"
    );
    assert_eq!(
        summary("Mo, We, Fr 08:00-12:00", "2026-11-26T09:00:00Z"),
        (OpenState::Closed, Some((1, 4, "08:00".into())))
    );
    assert_eq!(
        status("Sa 10:00-12:00 \"sur rendez-vous\"", "2026-11-28T10:00:00Z").state,
        OpenState::Unknown
    );
}
