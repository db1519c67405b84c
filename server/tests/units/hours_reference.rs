//! Differential test: our open-now against the OSM community's evaluator (npm `opening_hours`,
//! run with Node in the Brussels time zone), on the real Habay strings and on generated ones,
//! at many instants including DST nights. Needs `npm ci` in end2end/ (scripts/test.sh does it).

use std::io::Write;
use std::process::{Command, Stdio};

use app::domain::hours;
use app::model::OpenState;
use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Europe::Brussels;
use serde_json::{json, Value};

fn habay_strings() -> Vec<String> {
    let mut all = Vec::new();
    for text in [
        include_str!("../../data/habay-2020.geojson"),
        include_str!("../../data/test/habay-shops-2016.geojson"),
    ] {
        let json: Value = serde_json::from_str(text).unwrap();
        for feature in json["features"].as_array().unwrap() {
            if let Some(raw) = feature["properties"]["opening_hours"].as_str() {
                if !all.iter().any(|s| s == raw) {
                    all.push(raw.to_owned());
                }
            }
        }
    }
    all
}

/// Strings that people really type, including the mistakes the reference tolerates.
const GENERATED: &[&str] = &[
    "Mo-Fr 09:00-18:00",
    "Mo,We,Fr 08:00-12:00",
    "Mo, We, Fr 08:00-12:00",
    "Mo-Sa 09:00-12:00,13:30-18:30; Su off",
    "Mo-Su 22:00-04:00",
    "Fr-Sa 18:00-03:00; Su 12:00-15:00",
    "Mo-Fr 08:00-17:00;",
    "Mo-Fr 8:00-17:00",
    "Mo-Fr 09:00-19:00; PH off",
    "24/7",
    "Mo-Fr 09:00-12:00 open; Sa 10:00-12:00 \"sur rendez-vous\"",
    "Mo-Fr 10:00-18:00; Dec 24 off",
    "Tu-Su 11:30-14:00,18:30-22:00; Mo off",
    "Sa 09:00-13:00; Mo-Fr 09:00-18:00",
    "Mo-Fr 09:00-18:00; We 09:00-12:00",
    // Open past midnight on the nights the clocks change (issue 13).
    "Fr-Sa 11:00-02:00",
    "Fr-Sa 18:00-03:00; Su 12:00-15:00",
];

/// Strings where we read the author's evident intent rather than the reference's reading (our
/// reading of each is tested in hours.rs).
const INTENT_OVER_REFERENCE: &[(&str, &str)] = &[(
    "Tu 10:00-12:00; 13:30-18:30; We 09:00-12:00; 13:30-18:30; Th-Fr 10:00-12:00; 13:30-18:30; Sa 10:00-18:00",
    "opening_hours.js applies each bare afternoon to every day, so the shop would be open on Monday \
     and Sunday afternoons; the author gives the afternoon of the days just before it",
)];

/// Instants where the reference is wrong, with why; they are not compared.
const REFERENCE_BUGS: &[(&str, &str, &str, &str)] = &[(
    "Fr-Sa 18:00-03:00; Su 12:00-15:00",
    "2026-03-29T12:00:00Z",
    "2026-03-30T00:00:00Z",
    "on the night clocks go forward, opening_hours.js moves Saturday's 02:00-03:00 to Monday \
     00:00-01:00 and so gives Monday 00:00 as the next opening",
)];

fn reference_bug(raw: &str, at: DateTime<Utc>) -> bool {
    REFERENCE_BUGS.iter().any(|(hours, from, to, _)| {
        *hours == raw
            && at >= from.parse::<DateTime<Utc>>().unwrap()
            && at < to.parse::<DateTime<Utc>>().unwrap()
    })
}

fn instants() -> Vec<DateTime<Utc>> {
    let mut all = Vec::new();
    // A winter week every 47 minutes (odd step: covers many minute values).
    let start = Utc.with_ymd_and_hms(2026, 11, 23, 0, 3, 0).unwrap();
    let mut t = start;
    while t < start + Duration::days(7) {
        all.push(t);
        t += Duration::minutes(47);
    }
    // Around both DST changes of 2026, every 30 minutes for 30 hours.
    for day in [
        Utc.with_ymd_and_hms(2026, 3, 28, 12, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 10, 24, 12, 0, 0).unwrap(),
    ] {
        for step in 0..60 {
            all.push(day + Duration::minutes(30 * step));
        }
    }
    // Belgian public holidays: Toussaint (a Sunday in 2026), Christmas Eve and Christmas.
    for (m, d) in [(11, 1), (12, 24), (12, 25)] {
        for hour in [8, 10, 14] {
            all.push(
                Brussels
                    .with_ymd_and_hms(2026, m, d, hour, 0, 0)
                    .unwrap()
                    .with_timezone(&Utc),
            );
        }
    }
    all
}

fn reference(cases: &[(String, Vec<DateTime<Utc>>)]) -> Vec<Value> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../end2end/reference/opening-hours.cjs"
    );
    let mut child = Command::new("node")
        .arg(script)
        .env("TZ", "Europe/Brussels")
        .env(
            "NODE_PATH",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/node_modules"),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node must be installed for the differential test");
    let input = json!({ "cases": cases.iter().map(|(hours, instants)| json!({
        "hours": hours,
        "instants": instants.iter().map(|t| t.to_rfc3339()).collect::<Vec<_>>(),
    })).collect::<Vec<_>>() });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "reference evaluator failed (run `npm ci` in end2end/): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn ours(state: OpenState) -> &'static str {
    match state {
        OpenState::Open | OpenState::ClosingSoon => "open",
        OpenState::Closed => "closed",
        OpenState::Unknown => "unknown",
    }
}

#[test]
fn open_now_agrees_with_opening_hours_js() {
    let strings: Vec<String> = habay_strings()
        .into_iter()
        .chain(GENERATED.iter().map(|s| s.to_string()))
        .filter(|s| !INTENT_OVER_REFERENCE.iter().any(|(known, _)| known == s))
        .collect();
    let instants = instants();
    let cases: Vec<_> = strings
        .iter()
        .map(|s| (s.clone(), instants.clone()))
        .collect();
    let expected = reference(&cases);

    let mut disagreements = Vec::new();
    let mut compared = 0;
    for ((raw, instants), reference) in cases.iter().zip(&expected) {
        if let Some(error) = reference.get("error") {
            // The reference refuses it: so must we (no status rather than a wrong one).
            if hours::is_valid(raw) {
                disagreements.push(format!("{raw:?}: reference refuses ({error}), we accept"));
            }
            continue;
        }
        if !hours::is_valid(raw) {
            disagreements.push(format!("{raw:?}: reference reads it, we cannot"));
            continue;
        }
        for (at, result) in instants
            .iter()
            .zip(reference["results"].as_array().unwrap())
        {
            if reference_bug(raw, *at) {
                continue;
            }
            compared += 1;
            let status = hours::status(Some(raw), *at, Brussels);
            let want_state = result["state"].as_str().unwrap();
            if ours(status.state) != want_state {
                disagreements.push(format!(
                    "{raw:?} at {at}: reference {want_state}, we {:?}",
                    status.state
                ));
                continue;
            }
            // The next change, when the reference gives one within the week we look at.
            if let (Some(next), Some(change)) = (result["next"].as_str(), &status.next_change) {
                let next: DateTime<Utc> = next.parse().unwrap();
                let local = next.with_timezone(&Brussels);
                if local.format("%H:%M").to_string() != change.time
                    || (local.date_naive() - at.with_timezone(&Brussels).date_naive()).num_days()
                        != change.day_offset
                {
                    disagreements.push(format!(
                        "{raw:?} at {at}: reference next change {local}, we {change:?}"
                    ));
                }
            }
        }
    }
    assert!(compared > 10_000, "{compared}");
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
