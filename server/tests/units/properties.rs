//! Property tests over what strangers send (issue 13): the OSM GeoJSON importer, OSM
//! `opening_hours` strings read by the weekly editor, the counter's form values, push
//! subscriptions and multipart bodies. None may panic; each refusal has a translated message.
//!
//! Bounded: `PROPTEST_CASES` (default 64 per property here) keeps the run to seconds in CI.

use crate::common;

use app::i18n::Locale;
use app::model::PostForm;
use app::server::store::prelude::*;
use app::server::{NewTown, PostAuthor, Store};
use proptest::prelude::*;

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A translation key has a text of its own in every language (not the key echoed back).
fn translated(key: &str) -> bool {
    Locale::all().all(|locale| {
        let text = locale.t(key);
        text != key && !text.is_empty()
    })
}

/// Text with what breaks naive code: combining marks, right-to-left, emoji, NUL and controls,
/// lone surrogates' replacements, long runs.
fn nasty_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "a",
        "é",
        "e\u{301}",
        "\u{202e}",
        "שלום",
        "مرحبا",
        "🥐",
        "👨‍👩‍👧",
        "\0",
        "\u{7}",
        "\r\n",
        "\t",
        " ",
        "<b>",
        "&amp;",
        "\"",
        "'",
        "%",
        "\u{fffd}",
        "\u{200b}",
        "𝒜",
        "9",
        "-",
        ":",
        "T",
        "+",
        "/",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|parts| parts.concat())
}

/// Date-like text: real shapes with out-of-range parts, six-digit and negative years.
fn date_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (-300_000i64..300_000, 0u32..15, 0u32..40)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (-300_000i64..300_000, 0u32..15, 0u32..40, 0u32..30, 0u32..70)
            .prop_map(|(y, m, d, h, mi)| format!("{y:+}-{m:02}-{d:02}T{h:02}:{mi:02}")),
        (2020i32..2032, 1u32..13, 1u32..29, 0u32..24, 0u32..60)
            .prop_map(|(y, m, d, h, mi)| format!("{y}-{m:02}-{d:02}T{h:02}:{mi:02}")),
        nasty_text(),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    /// The counter's form: any values give a post or a field error with a French message.
    #[test]
    fn post_forms_never_panic(
        kind in prop::sample::select(vec!["offer", "event", "news", "", "OFFER", "évent"]),
        title in nasty_text(),
        body in nasty_text(),
        valid_from in proptest::option::of(date_text()),
        valid_until in proptest::option::of(date_text()),
        starts_at in proptest::option::of(date_text()),
        ends_at in proptest::option::of(date_text()),
        place in proptest::option::of(nasty_text()),
        publish_at in proptest::option::of(date_text()),
    ) {
        let form = PostForm {
            kind: kind.to_owned(),
            title,
            body,
            valid_from,
            valid_until,
            starts_at,
            ends_at,
            place,
            publish_at,
            idempotency_key: None,
            ..PostForm::default()
        };
        let now = "2026-11-26T09:00:00Z".parse().unwrap();
        match app::domain::posting::post_from_form(
            &form,
            PostAuthor::Shop(1),
            now,
            chrono_tz::Europe::Brussels,
        ) {
            Ok(post) => {
                prop_assert!(!post.title.is_empty());
                prop_assert!(post.title.chars().count() <= app::domain::posting::TITLE_MAX);
            }
            Err(error) => prop_assert!(translated(error.key), "{}", error.key),
        }
    }

    /// Push subscriptions as browsers (or anyone) send them.
    #[test]
    fn push_subscriptions_never_panic(
        endpoint in prop_oneof![
            nasty_text(),
            "https://[a-z.]{1,20}(:[0-9]{1,6})?/[a-zA-Z0-9/_-]{0,30}",
            "[a-z]{2,8}://[^ ]{0,40}",
        ],
        p256dh in prop_oneof!["[A-Za-z0-9_=+/-]{0,100}", nasty_text()],
        auth in prop_oneof!["[A-Za-z0-9_=+/-]{0,30}", nasty_text()],
        loopback in any::<bool>(),
    ) {
        if let Err(error) = app::domain::push::parse_subscription(&endpoint, &p256dh, &auth, loopback) {
            prop_assert!(translated(error.message_key()), "{}", error.message_key());
        }
    }

    /// OSM `opening_hours` into the weekly editor: read or left to the OSM-syntax field, and
    /// what is read writes back to a string that reads the same.
    #[test]
    fn opening_hours_strings_never_panic(
        raw in prop_oneof![
            "(Mo|Tu|We|Th|Fr|Sa|Su|PH|SH|off|open|,|-|;| |[0-9]{1,2}:[0-9]{2}|24/7|\\+|\\[1\\]|Jan|Dec|2026|easter|sunrise|\")*",
            nasty_text(),
        ],
    ) {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        if let Some(week) = app::domain::weekly_hours::from_osm(&raw, today) {
            if let Some(written) = app::domain::weekly_hours::to_osm(&week) {
                prop_assert_eq!(app::domain::weekly_hours::from_osm(&written, today), Some(week));
            }
        }
        // The open-now reader too.
        let _ = app::domain::hours::status(
            Some(&raw),
            "2026-03-29T00:30:00Z".parse().unwrap(),
            chrono_tz::Europe::Brussels,
        );
    }
}

/// A GeoJSON value with arbitrary tags, coordinates and shapes.
fn geojson_feature() -> impl Strategy<Value = serde_json::Value> {
    let tag_value = prop_oneof![
        nasty_text().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        any::<bool>().prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
        Just(serde_json::json!([1, "a"])),
    ];
    let key = prop::sample::select(vec![
        "@id",
        "name",
        "shop",
        "amenity",
        "craft",
        "opening_hours",
        "website",
        "phone",
        "contact:email",
        "addr:street",
        "addr:housenumber",
        "description",
        "x",
    ]);
    let tags = prop::collection::btree_map(key, tag_value, 0..10);
    let coordinate = prop_oneof![
        (-200.0f64..200.0),
        any::<f64>().prop_filter("JSON numbers", |f| f.is_finite()),
    ];
    let geometry = prop_oneof![
        (coordinate.clone(), coordinate.clone())
            .prop_map(|(x, y)| serde_json::json!({"type": "Point", "coordinates": [x, y]})),
        prop::collection::vec((coordinate.clone(), coordinate), 0..6).prop_map(|ring| {
            let ring: Vec<_> = ring
                .into_iter()
                .map(|(x, y)| serde_json::json!([x, y]))
                .collect();
            serde_json::json!({"type": "Polygon", "coordinates": [ring]})
        }),
        Just(serde_json::json!({"type": "Point", "coordinates": []})),
        Just(serde_json::json!({"type": "LineString", "coordinates": "x"})),
        Just(serde_json::Value::Null),
    ];
    (tags, geometry).prop_map(|(tags, geometry)| {
        serde_json::json!({"type": "Feature", "properties": tags, "geometry": geometry})
    })
}

/// The importer over arbitrary features: a report (with reasons for what it skipped) or an
/// error, never a panic; the database stays usable.
#[test]
fn osm_imports_never_panic() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (store, _dir) = runtime.block_on(common::sqlite_store());
    let town = runtime.block_on(async {
        store
            .upsert_town(&NewTown {
                slug: "habay".into(),
                name: "Habay".into(),
                timezone: "Europe/Brussels".into(),
            })
            .await
            .unwrap()
    });
    let mut runner = proptest::test_runner::TestRunner::new(config(64));
    runner
        .run(
            &prop::collection::vec(geojson_feature(), 0..8),
            |features| {
                let text = serde_json::json!({"type": "FeatureCollection", "features": features})
                    .to_string();
                let result = runtime.block_on(server::cli::import_osm::import_geojson(
                    &store, &town, &text,
                ));
                if let Ok(report) = result {
                    for skipped in &report.skipped {
                        prop_assert!(!skipped.reason.is_empty());
                    }
                }
                Ok(())
            },
        )
        .unwrap();
    // Not JSON, or not a collection: errors, not panics.
    for text in ["", "{", "[]", "{\"type\":\"FeatureCollection\"}", "\u{0}"] {
        assert!(runtime
            .block_on(server::cli::import_osm::import_geojson(&store, &town, text))
            .is_err());
    }
    assert!(runtime.block_on(store.ping()).is_ok());
}

/// Multipart bodies, well-formed or not, sent to the counter and the profile by a signed-in
/// merchant: answered with 200 or a 4xx and a message, never a 5xx or a dropped connection.
#[test]
fn multipart_bodies_never_panic() {
    use axum::body::Body;
    use axum::http::{header, Request};
    use common::web::*;

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (app, owner) = runtime.block_on(async {
        let app = app().await;
        let owner = owner_session(&app, "boulangerie-jacob", "jacob@boulangerie.test").await;
        (app, owner)
    });
    let part = (
        prop::sample::select(vec![
            "slug",
            "kind",
            "title",
            "body",
            "photo",
            "valid_from",
            "place",
            "unknown",
            "",
        ]),
        nasty_text(),
        any::<bool>(),
    );
    let body = (
        prop::collection::vec(part, 0..12),
        prop::collection::vec(any::<u8>(), 0..64),
        any::<bool>(),
    );
    let mut runner = proptest::test_runner::TestRunner::new(config(48));
    runner
        .run(&body, |(parts, garbage, truncate)| {
            let boundary = "XyZ-boundary";
            let mut bytes = Vec::new();
            for (name, value, as_file) in &parts {
                let disposition = if *as_file {
                    format!("form-data; name=\"{name}\"; filename=\"f.jpg\"")
                } else {
                    format!("form-data; name=\"{name}\"")
                };
                bytes.extend_from_slice(
                    format!("--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n")
                        .as_bytes(),
                );
                bytes.extend_from_slice(value.as_bytes());
                bytes.extend_from_slice(b"\r\n");
            }
            bytes.extend_from_slice(&garbage);
            if !truncate {
                bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
            }
            for uri in ["/api/counter/publish", "/api/profile/save"] {
                let request = Request::post(uri)
                    .header(
                        header::CONTENT_TYPE,
                        format!("multipart/form-data; boundary={boundary}"),
                    )
                    .header(header::ACCEPT, "application/json")
                    .header(header::COOKIE, &owner)
                    .body(Body::from(bytes.clone()))
                    .unwrap();
                let (status, _, answer) = runtime.block_on(send(&app, request));
                prop_assert!(
                    status.is_success() || status.is_client_error(),
                    "{uri}: {status} {answer}"
                );
            }
            Ok(())
        })
        .unwrap();
}
