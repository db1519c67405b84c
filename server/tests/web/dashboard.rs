//! `/dashboard` and its CSV export (issue 17): who sees what (a steward of one district sees
//! neither the town nor another district), the figures from the daily counters and the tables,
//! "< 5" for fewer than five people, periods (a bad one said, never a 500), sorting.

use app::domain::activity::{Hit, Metric, Tally};
use app::server::store::prelude::*;
use app::server::{Shop, Town};
use axum::http::{header, StatusCode};
use chrono::{DateTime, NaiveDate, Utc};

use crate::common;
use common::web::*;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// Counts `n` unmarked hits of `metric` about the shop on `on`.
async fn count(app: &TestApp, town: &Town, shop: &Shop, metric: Metric, on: &str, n: usize) {
    let hit = Hit {
        tally: Tally::shop(metric, shop.id, shop.district_id),
        mark: None,
    };
    app.store
        .count_hits(town.id, day(on), &vec![hit; n])
        .await
        .unwrap();
}

/// Parses CSV (RFC 4180: quoted fields, doubled quotes, CRLF) back into rows.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "the last line ends with CRLF"
    );
    rows
}

async fn csv(app: &TestApp, query: &str, cookie: &str) -> Vec<Vec<String>> {
    let (status, headers, body) =
        get_with_cookie(app, &format!("/dashboard/export.csv?{query}"), cookie).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    assert!(content_type(&headers).starts_with("text/csv; charset=utf-8"));
    assert!(headers
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("attachment; filename=\"quartier-")));
    assert!(body.contains("\r\n"));
    let rows = parse_csv(&body);
    let width = rows[0].len();
    assert!(rows.iter().all(|r| r.len() == width), "{body}");
    rows
}

/// The row whose first field is `first`.
fn row<'a>(rows: &'a [Vec<String>], first: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r[0] == first)
        .unwrap_or_else(|| panic!("no row {first} in {rows:?}"))
}

#[tokio::test]
async fn the_dashboard_shows_the_counted_figures_and_hides_small_numbers() {
    let app = app().await;
    let now: DateTime<Utc> = NOW.parse().unwrap();
    let (town, bakery) = town_and_shop(&app, "boulangerie-jacob").await;
    app.store
        .grant_admin(town.id, "mairie@habay.test", now)
        .await
        .unwrap();
    let admin = sign_in(&app, "mairie@habay.test").await;

    // The last 30 days (to 26 November): 12 + 3 views of the bakery's page, 7 poster scans;
    // the 30 days before: 5 views. Six phones follow the bakery today.
    count(&app, &town, &bakery, Metric::ShopView, "2026-11-20", 12).await;
    count(&app, &town, &bakery, Metric::ShopView, "2026-11-25", 3).await;
    count(&app, &town, &bakery, Metric::PosterScan, "2026-11-24", 7).await;
    count(&app, &town, &bakery, Metric::ShopView, "2026-10-10", 5).await;
    // Shares of its page and notification taps (of its posts) too.
    count(&app, &town, &bakery, Metric::Share, "2026-11-22", 6).await;
    count(&app, &town, &bakery, Metric::PushOpen, "2026-11-21", 2).await;
    for _ in 0..6 {
        follow_bakery_without_js(&app).await;
    }

    let figures = csv(&app, "table=figures", &admin).await;
    assert_eq!(figures[0][1], "2026-10-28 – 2026-11-26");
    assert_eq!(figures[0][2], "2026-09-28 – 2026-10-27");
    assert_eq!(
        row(&figures, "Vues des pages des commerces")[1..],
        ["15", "5"]
    );
    assert_eq!(row(&figures, "Scans des affiches QR")[1..], ["7", "0"]);
    assert_eq!(row(&figures, "Nouveaux abonnements")[1..], ["6", "0"]);
    assert_eq!(
        row(&figures, "Visites depuis un lien partagé")[1..],
        ["6", "0"]
    );
    assert_eq!(row(&figures, "Abonnés (aujourd’hui)")[1..], ["6", ""]);

    // Each day: 12 on the 20th, "< 5" for the 3 of the 25th, 0 where nothing was counted.
    let days = csv(&app, "table=days", &admin).await;
    assert_eq!(days.len(), 31, "a header and 30 days");
    assert_eq!(
        days[0],
        [
            "Jour",
            "Vues",
            "Nouveaux abonnements",
            "Notifications ouvertes",
            "Via un partage"
        ]
    );
    assert_eq!(row(&days, "2026-11-21")[3], "< 5");
    assert_eq!(row(&days, "2026-11-22")[4], "6");
    assert_eq!(row(&days, "2026-11-20")[1], "12");
    assert_eq!(row(&days, "2026-11-25")[1], "< 5");
    assert_eq!(row(&days, "2026-11-26")[2], "6");
    assert_eq!(row(&days, "2026-11-01")[1..], ["0", "0", "0", "0"]);

    // The shops: the bakery first (most views), every shop of the town listed.
    let shops = csv(&app, "table=shops", &admin).await;
    assert_eq!(shops[0][0], "Commerce");
    assert_eq!(shops[1][0], bakery.fields.name);
    assert_eq!(shops[1][2..5], ["6", "6", "15"]);
    assert_eq!(shops[1][5], "7");
    let shares = shops[0].iter().position(|c| c == "Via un partage").unwrap();
    assert_eq!(shops[1][shares], "6");
    let all = app.store.shops(town.id, &Default::default()).await.unwrap();
    assert_eq!(shops.len(), all.len() + 1);
    // By name: alphabetical.
    let by_name = csv(&app, "table=shops&sort=name", &admin).await;
    let names: Vec<String> = by_name[1..].iter().map(|r| r[0].to_lowercase()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    // The districts' table: each district of the town.
    let districts = app.store.districts(town.id).await.unwrap();
    let district_rows = csv(&app, "table=districts", &admin).await;
    assert_eq!(district_rows.len(), districts.len() + 1);

    // The page: figures, both charts (with their tables), the sortable shops' table.
    let (status, _, page) = get_with_cookie(&app, "/dashboard", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Tableau de bord : Habay"), "{page}");
    assert!(has_tag(&page, "svg", &[("role", "img")]));
    assert!(
        page.contains("Notifications ouvertes, au jour de l’ouverture"),
        "the taps' chart"
    );
    assert!(
        page.contains("<td>&lt; 5</td>"),
        "the 25th's views in the days' table"
    );
    assert!(has_tag(&page, "th", &[("aria-sort", "descending")]));
    assert!(page.contains(
        "href=\"/dashboard/export.csv?table=shops&amp;from=2026-10-28&amp;to=2026-11-26\""
    ));
    assert!(
        page.contains("aria-current=\"page\""),
        "the preset shown is marked"
    );

    // A month without any data: zeros, not an error.
    let empty = csv(&app, "table=figures&from=2025-01-01&to=2025-01-31", &admin).await;
    assert_eq!(row(&empty, "Vues des pages des commerces")[1..], ["0", "0"]);
    assert_eq!(
        empty[0][2], "2024-12-01 – 2024-12-31",
        "compared with the month before"
    );

    // Bad periods: said in the page (the last 30 days shown), refused by the export.
    for (query, message) in [
        (
            "from=2016-01-01&to=2026-11-26",
            "Une période compte au plus deux ans.",
        ),
        (
            "from=2026-11-20&to=2026-11-01",
            "La fin de la période est avant son début.",
        ),
        ("from=%3Cscript%3E", "Cette date n’est pas lisible"),
    ] {
        let (status, _, page) = get_with_cookie(&app, &format!("/dashboard?{query}"), &admin).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert!(page.contains(message), "{query}");
        assert!(!page.contains("<script>"));
        let (status, _, body) = get_with_cookie(
            &app,
            &format!("/dashboard/export.csv?table=shops&{query}"),
            &admin,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(body.contains(message), "{body}");
    }
    let (status, _, _) = get_with_cookie(&app, "/dashboard/export.csv?table=secrets", &admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_steward_sees_their_district_only() {
    let app = app().await;
    let (town, bakery) = town_and_shop(&app, "boulangerie-jacob").await;
    let districts = app.store.districts(town.id).await.unwrap();
    let theirs = districts
        .iter()
        .find(|d| Some(d.id) == bakery.district_id)
        .expect("the bakery is in a district");
    let other = districts
        .iter()
        .find(|d| d.id != theirs.id)
        .expect("another district");
    let steward = steward_session(&app, theirs.id, "asbl@habay.test").await.0;
    count(&app, &town, &bakery, Metric::ShopView, "2026-11-20", 9).await;

    // Without a district: theirs, never the town.
    let (status, _, page) = get_with_cookie(&app, "/dashboard", &steward).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("Tableau de bord : {}", theirs.name)));
    let shops = csv(&app, "table=shops", &steward).await;
    let all = app.store.shops(town.id, &Default::default()).await.unwrap();
    let in_theirs: Vec<_> = all
        .iter()
        .filter(|s| s.district_id == Some(theirs.id))
        .collect();
    assert_eq!(shops.len(), in_theirs.len() + 1);
    assert!(shops[1..]
        .iter()
        .all(|r| in_theirs.iter().any(|s| s.fields.name == r[0])));
    assert_eq!(row(&shops, &bakery.fields.name)[4], "9");
    assert_eq!(
        csv(&app, "table=districts", &steward).await.len(),
        1,
        "no other district's line"
    );

    // Another district: refused, on the page, the API and the export.
    let query = format!("district={}", other.slug);
    let (status, _, _) =
        get_with_cookie(&app, &format!("/dashboard/export.csv?{query}"), &steward).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = call(&app, "/api/dashboard", &query, Some(&steward)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, page) = get_with_cookie(&app, &format!("/dashboard?{query}"), &steward).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!page.contains(&format!("Tableau de bord : {}", other.name)));

    // A resident and a visitor: nothing.
    let resident = sign_in(&app, "habitant@habay.test").await;
    let (status, _, _) = get_with_cookie(&app, "/dashboard/export.csv", &resident).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = get(&app, "/dashboard/export.csv").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = call(&app, "/api/dashboard", "", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) =
        get_with_cookie(&app, "/dashboard/export.csv?district=nowhere", &steward).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_monthly_report_says_the_month_in_sentences() {
    let app = app().await;
    let now: DateTime<Utc> = NOW.parse().unwrap();
    let (town, bakery) = town_and_shop(&app, "boulangerie-jacob").await;
    app.store
        .grant_admin(town.id, "mairie@habay.test", now)
        .await
        .unwrap();
    let admin = sign_in(&app, "mairie@habay.test").await;
    count(&app, &town, &bakery, Metric::ShopView, "2026-11-02", 40).await;
    count(&app, &town, &bakery, Metric::ShopView, "2026-10-15", 20).await;
    count(&app, &town, &bakery, Metric::PosterScan, "2026-11-03", 2).await;

    let (status, _, page) = get_with_cookie(&app, "/dashboard/report?month=2026-11", &admin).await;
    assert_eq!(status, StatusCode::OK);
    let page = shown(&page);
    assert!(
        page.contains("Rapport mensuel : Habay, novembre 2026"),
        "{page}"
    );
    assert!(page.contains(
        "Les pages des commerces et des quartiers ont été consultées 40 fois et les publications \
         vues 0 fois (+100 % par rapport à octobre 2026)."
    ));
    assert!(page.contains(
        "Les affiches QR en vitrine ont été scannées moins de 5 fois et ont amené 0 abonnements."
    ));
    // The demo's reviews were written in November.
    let reviews = app.store.review_summary(bakery.id).await.unwrap();
    assert!(reviews.count > 0);
    assert!(
        page.contains("avis publiés, note moyenne")
            && page.contains("/ 5 ; réponse du commerçant à"),
        "{page}"
    );
    // The most viewed shops: the bakery first.
    let top = &page[page.find("Les commerces les plus consultés").unwrap()..];
    assert!(top.contains(&bakery.fields.name));
    assert!(has_tag(&page, "svg", &[("role", "img")]));
    assert!(page.contains("href=\"/dashboard/report?month=2026-10\""));

    // A month without anything: said, not an error; a month that cannot be read: last month.
    let (status, _, empty) = get_with_cookie(&app, "/dashboard/report?month=2025-01", &admin).await;
    assert_eq!(status, StatusCode::OK);
    let empty = shown(&empty);
    assert!(empty.contains("Aucune visite comptée ce mois-là."));
    assert!(empty.contains("consultées 0 fois"));
    assert!(empty.contains("Aucun avis publié ce mois-ci."));
    let (status, _, bad) = get_with_cookie(&app, "/dashboard/report?month=2026-13", &admin).await;
    assert_eq!(status, StatusCode::OK);
    let bad = shown(&bad);
    assert!(bad.contains("Ce mois n’est pas lisible (AAAA-MM). Voici le mois passé."));
    assert!(bad.contains("Rapport mensuel : Habay, octobre 2026"));

    // In Dutch, from the language cookie.
    let (_, _, dutch) = get_with_cookie(
        &app,
        "/dashboard/report?month=2026-11",
        &format!("{admin}; quartier_lang=nl"),
    )
    .await;
    assert!(shown(&dutch).contains("Maandverslag: Habay, november 2026"));

    // A steward of another district: refused.
    let districts = app.store.districts(town.id).await.unwrap();
    let other = districts
        .iter()
        .find(|d| Some(d.id) != bakery.district_id)
        .unwrap();
    let theirs = districts
        .iter()
        .find(|d| Some(d.id) == bakery.district_id)
        .unwrap();
    let steward = steward_session(&app, other.id, "asbl@habay.test").await.0;
    let (status, _, _) = get_with_cookie(
        &app,
        &format!("/dashboard/report?district={}", theirs.slug),
        &steward,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
