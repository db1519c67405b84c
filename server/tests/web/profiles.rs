//! A merchant edits the shop's profile over HTTP: the weekly hours editor pre-filled from the
//! OpenStreetMap import, the OSM value it writes, contact checks, photos, errors with and
//! without JavaScript, and who may do it.

use crate::common;

use app::model::ProfileView;
use app::server::store::prelude::*;
use axum::http::{header, StatusCode};
use common::web::*;

/// A JPEG `width` × `height` (plain grey).
fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([128, 128, 128]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .unwrap();
    out
}

async fn profile(app: &TestApp, cookie: &str) -> ProfileView {
    let (status, _, body) = call(app, "/api/profile", "slug=boulangerie-jacob", Some(cookie)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// The week of the form: Tuesday to Friday with a lunch break, Saturday morning.
const WEEK: [(&str, &str); 27] = [
    ("slug", "boulangerie-jacob"),
    ("category", "bakery"),
    (
        "description",
        "Pain au levain cuit au feu de bois.\n\nSpéculoos maison.",
    ),
    ("phone", "063 41 11 88"),
    ("website", "www.boulangerie-jacob.be"),
    ("email", "contact@boulangerie-jacob.be"),
    ("hours_mode", "week"),
    ("d0_closed", "on"),
    ("d1_from1", "07:00"),
    ("d1_to1", "12:30"),
    ("d1_from2", "14:00"),
    ("d1_to2", "18:30"),
    ("d2_from1", "07:00"),
    ("d2_to1", "12:30"),
    ("d2_from2", "14:00"),
    ("d2_to2", "18:30"),
    ("d3_from1", "07:00"),
    ("d3_to1", "12:30"),
    ("d3_from2", "14:00"),
    ("d3_to2", "18:30"),
    ("d4_from1", "07:00"),
    ("d4_to1", "12:30"),
    ("d4_from2", "14:00"),
    ("d4_to2", "18:30"),
    ("d5_from1", "07:00"),
    ("d5_to1", "13:00"),
    ("d6_closed", "on"),
];

#[tokio::test]
async fn a_merchant_edits_hours_contact_and_photos() {
    let app = app().await;
    let town = app.store.first_town().await.unwrap().unwrap();
    let cookie = owner_session(&app, "boulangerie-jacob", "jacob@example.be").await;

    // The editor starts from the imported hours: Mo-Th and Sa-Su 07:15-19:00, Friday closed.
    let view = profile(&app, &cookie).await;
    assert!(!view.hours_beyond_week);
    assert!(view.from_osm);
    assert_eq!(view.form.days[0].from1, "07:15");
    assert_eq!(view.form.days[0].to1, "19:00");
    assert!(!view.form.days[0].closed);
    assert!(view.form.days[4].closed, "Friday");
    assert_eq!(view.form.days[6].from1, "07:15");
    assert_eq!(view.form.phone, "+32 63 41 11 88");

    // Saved with a photo, public holidays off, Christmas Eve this year and Christmas every year.
    let mut fields = WEEK.to_vec();
    fields.extend([
        ("holidays_closed", "on"),
        ("closure0_date", "2026-12-24"),
        ("closure1_date", "2026-12-25"),
        ("closure1_yearly", "on"),
        ("closure2_date", ""),
        (
            "google_place",
            "https://www.google.com/maps/search/?api=1&query=Jacob&query_place_id=ChIJN1t_tDeuEmsRUsoyG83frY4",
        ),
        (
            "listings",
            "www.facebook.com/boulangeriejacob\r\n\r\nhttps://www.pagesdor.be/jacob",
        ),
    ]);
    let photo = jpeg(800, 600);
    let (status, _, body) = call_multipart(
        &app,
        "/api/profile/save",
        &fields,
        Some(("boutique.jpg", &photo)),
        Some(&cookie),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let shop = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        shop.fields.opening_hours.as_deref(),
        Some("Tu-Fr 07:00-12:30,14:00-18:30; Sa 07:00-13:00; PH off; 2026 Dec 24 off; Dec 25 off")
    );
    assert_eq!(
        shop.fields.website.as_deref(),
        Some("https://www.boulangerie-jacob.be")
    );
    assert_eq!(shop.fields.phone.as_deref(), Some("063 41 11 88"));
    assert_eq!(shop.photos.len(), 1);
    for field in ["opening_hours", "description", "website", "email", "phone"] {
        assert!(
            shop.merchant_fields.iter().any(|f| f == field),
            "{field} is the merchant's now"
        );
    }
    assert!(!shop.merchant_fields.iter().any(|f| f == "category"));

    // The shop page: description, photo, and structured data with both.
    let (status, _, page) = get(&app, "/shops/boulangerie-jacob").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Pain au levain cuit au feu de bois."));
    let large = format!("/media/{}-l.jpg", shop.photos[0]);
    assert!(page.contains(&large), "the photo is on the page");
    let ld = json_ld(&page);
    let business = ld
        .get("@graph")
        .and_then(|g| g.as_array())
        .and_then(|g| g.iter().find(|n| n["@type"] == "Bakery"))
        .unwrap_or(&ld);
    assert_eq!(
        business["description"],
        "Pain au levain cuit au feu de bois.\n\nSpéculoos maison."
    );
    assert!(business["image"].as_str().unwrap().ends_with(&large));
    // The shop elsewhere: on the page and in the data.
    let maps = "https://www.google.com/maps/search/?api=1&amp;query=Boulangerie+Jacob&amp;query_place_id=ChIJN1t_tDeuEmsRUsoyG83frY4";
    assert!(page.contains(maps), "the Google Maps link");
    assert!(page.contains(">facebook.com</a>") && page.contains(">pagesdor.be</a>"));
    assert_eq!(
        business["sameAs"],
        serde_json::json!([
            maps.replace("&amp;", "&"),
            "https://www.facebook.com/boulangeriejacob",
            "https://www.pagesdor.be/jacob"
        ])
    );
    // After a review of four or five stars, the confirmation offers Google's review form.
    let (_, _, confirmed) = get(&app, "/shops/boulangerie-jacob?review=published&stars=5").await;
    assert!(confirmed.contains(
        "href=\"https://search.google.com/local/writereview?placeid=ChIJN1t_tDeuEmsRUsoyG83frY4\""
    ));
    assert!(confirmed.contains("Le partager aussi sur Google Maps"));
    let specs = business["openingHoursSpecification"].as_array().unwrap();
    assert!(specs.iter().any(|s| s["opens"] == "14:00"
        && s["dayOfWeek"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d.as_str().unwrap().ends_with("Tuesday"))));
    let (status, _, _) = get(&app, &large).await;
    assert_eq!(status, StatusCode::OK);

    // The editor shows the saved week back, closures included.
    let view = profile(&app, &cookie).await;
    assert!(view.form.days[0].closed);
    assert_eq!(
        (
            view.form.days[1].from2.as_str(),
            view.form.days[1].to2.as_str()
        ),
        ("14:00", "18:30")
    );
    assert_eq!(view.form.days[5].to1, "13:00");
    assert_eq!(view.form.google_place, "ChIJN1t_tDeuEmsRUsoyG83frY4");
    assert_eq!(
        view.form.listings,
        "https://www.facebook.com/boulangeriejacob\nhttps://www.pagesdor.be/jacob"
    );
    assert_eq!(view.form.days[5].from2, "");
    assert!(view.form.holidays_closed);
    let closures: Vec<(&str, bool)> = view
        .form
        .closures
        .iter()
        .map(|c| (c.date.as_str(), c.yearly))
        .collect();
    assert_eq!(closures, [("2026-12-24", false), ("2026-12-25", true)]);
    assert_eq!(view.photos.len(), 1);

    // Saving the same week again keeps the text as it is.
    let (status, _, _) = call_multipart(
        &app,
        "/api/profile/save",
        &fields,
        None,
        Some(&cookie),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let again = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.fields.opening_hours, shop.fields.opening_hours);
    assert_eq!(again.photos, shop.photos, "no photo sent: the photos stay");

    // Removing the photo; a name that is not the shop's is ignored. Its files, older than the
    // grace given to uploads, go with it (nothing else shows it).
    let files: Vec<_> = ["l", "t"]
        .iter()
        .map(|size| {
            app.store_media_dir()
                .join(format!("{}-{size}.jpg", shop.photos[0]))
        })
        .collect();
    for file in &files {
        std::fs::File::options()
            .write(true)
            .open(file)
            .unwrap()
            .set_modified(std::time::SystemTime::now() - 2 * app::server::PHOTO_GRACE)
            .unwrap();
    }
    let mut removing = fields.clone();
    removing.push(("remove_photo", shop.photos[0].as_str()));
    removing.push(("remove_photo", "../../etc/passwd"));
    let (status, _, _) = call_multipart(
        &app,
        "/api/profile/save",
        &removing,
        None,
        Some(&cookie),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let removed = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    assert!(removed.photos.is_empty());
    assert!(
        files.iter().all(|f| !f.exists()),
        "the removed photo's files"
    );

    // Advanced mode: the OSM value as typed (normalised), and empty means "hours unknown".
    let advanced = [
        ("slug", "boulangerie-jacob"),
        ("category", "sweets"),
        ("hours_mode", "advanced"),
        ("hours", "Mo-Sa 07:00-19:00; Jul-Aug Su 08:00-12:00"),
    ];
    let (status, _, body) = call_multipart(
        &app,
        "/api/profile/save",
        &advanced,
        None,
        Some(&cookie),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let view = profile(&app, &cookie).await;
    assert!(
        view.hours_beyond_week,
        "seasons are beyond the weekly editor"
    );
    assert!(view.form.advanced_hours);
    assert_eq!(view.form.hours, "Mo-Sa 07:00-19:00; Jul-Aug Su 08:00-12:00");
    assert_eq!(view.form.category, "sweets");
    assert_eq!(view.form.website, "", "cleared fields are cleared");
}

/// Fields changed, the field refused, and part of its message.
type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);

#[tokio::test]
async fn refused_profiles_say_why_and_lose_nothing() {
    let app = app().await;
    let town = app.store.first_town().await.unwrap().unwrap();
    let cookie = owner_session(&app, "boulangerie-jacob", "jacob@example.be").await;
    let before = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    let with = |changes: &[(&'static str, &'static str)]| {
        let mut fields: Vec<(&str, &str)> = WEEK
            .iter()
            .filter(|(name, _)| !changes.iter().any(|(n, _)| n == name))
            .copied()
            .collect();
        fields.extend_from_slice(changes);
        fields
    };
    let cases: [Case; 11] = [
        (
            &[("google_place", "https://maps.app.goo.gl/xyz")],
            "google_place",
            "Cet identifiant de lieu Google n’est pas reconnu",
        ),
        (
            &[("listings", "www.facebook.com/jacob\njavascript:alert(1)")],
            "listings",
            "Une des adresses web n’est pas valable",
        ),
        (
            &[("phone", "appelez-nous")],
            "phone",
            "Ce numéro de téléphone n’est pas valable",
        ),
        (
            &[("website", "javascript:alert(1)")],
            "website",
            "Cette adresse de site web n’est pas valable",
        ),
        (
            &[("email", "contact@")],
            "email",
            "Cette adresse e-mail n’est pas valable",
        ),
        (
            &[("category", "casino")],
            "category",
            "Choisissez une catégorie",
        ),
        (
            &[("d1_from1", "12:30"), ("d1_to1", "07:00")],
            "hours",
            "Chaque plage a une heure de début",
        ),
        (
            &[("d1_from2", "11:00")],
            "hours",
            "La deuxième plage commence après la fin de la première",
        ),
        (
            &[("d2_from1", "7h")],
            "hours",
            "Une heure n’est pas valable",
        ),
        (
            &[
                ("d1_from1", ""),
                ("d1_to1", ""),
                ("d1_from2", ""),
                ("d1_to2", ""),
                ("d2_closed", "on"),
                ("d3_closed", "on"),
                ("d4_closed", "on"),
                ("d5_closed", "on"),
            ],
            "hours",
            "Indiquez au moins un jour d’ouverture",
        ),
        (
            &[("hours_mode", "advanced"), ("hours", "Mo-Fr 25:00-26:00")],
            "hours",
            "pas dans la syntaxe OpenStreetMap",
        ),
    ];
    for (changes, field, message) in cases {
        let fields = with(changes);
        let (status, _, body) = call_multipart(
            &app,
            "/api/profile/save",
            &fields,
            None,
            Some(&cookie),
            false,
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{changes:?}: {body}"
        );
        assert!(body.contains(message), "{changes:?}: {body}");
        assert!(
            body.contains(&format!("\"{field}\"")),
            "{changes:?}: {body}"
        );
    }
    let long = "é".repeat(601);
    let fields = with(&[]);
    let mut too_long = fields.clone();
    too_long.retain(|(n, _)| *n != "description");
    too_long.push(("description", &long));
    let (status, _, body) = call_multipart(
        &app,
        "/api/profile/save",
        &too_long,
        None,
        Some(&cookie),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("600 caractères"), "{body}");
    // A text file named .jpg.
    let (status, _, body) = call_multipart(
        &app,
        "/api/profile/save",
        &fields,
        Some(("photo.jpg", b"not a photo at all")),
        Some(&cookie),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("\"photo\""), "{body}");

    // Nothing was saved by any of these.
    let after = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after, before);

    // Without JavaScript: back to the form, with the reason and what was typed.
    let fields = with(&[("d1_from2", "11:00")]);
    let (status, headers, _) = call_multipart(
        &app,
        "/api/profile/save",
        &fields,
        None,
        Some(&cookie),
        true,
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    let location = headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        location.starts_with(
            "/counter/boulangerie-jacob/profile?error=invalid-hours&reason=hours.error.overlap"
        ),
        "{location}"
    );
    let (status, _, page) = get_with_cookie(&app, &location, &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("La deuxième plage commence après la fin de la première"));
    assert!(
        page.contains("Pain au levain cuit au feu de bois."),
        "the description is kept"
    );
    assert!(page.contains("value=\"11:00\""), "the refused time is kept");
    assert!(page.contains("www.boulangerie-jacob.be"));

    // A success without JavaScript goes back to the form, saying so.
    let (status, headers, _) = call_multipart(
        &app,
        "/api/profile/save",
        &with(&[]),
        None,
        Some(&cookie),
        true,
    )
    .await;
    assert!(status.is_redirection());
    assert_eq!(
        headers.get(header::LOCATION).unwrap(),
        "/counter/boulangerie-jacob/profile?saved=1"
    );
}

#[tokio::test]
async fn only_the_shops_people_edit_its_profile() {
    let app = app().await;
    let town = app.store.first_town().await.unwrap().unwrap();
    let before = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    let other = owner_session(&app, "boucherie-thomas", "thomas@example.be").await;
    let resident = sign_in(&app, "resident@example.be").await;
    for (cookie, expected) in [
        (None, StatusCode::UNAUTHORIZED),
        (Some(resident.as_str()), StatusCode::FORBIDDEN),
        (Some(other.as_str()), StatusCode::FORBIDDEN),
    ] {
        let (status, _, _) =
            call_multipart(&app, "/api/profile/save", &WEEK, None, cookie, false).await;
        assert_eq!(status, expected);
        let (status, _, _) = call(&app, "/api/profile", "slug=boulangerie-jacob", cookie).await;
        assert_eq!(status, expected);
    }
    let after = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after, before);
    // The page itself asks a visitor to sign in.
    let (status, _, page) = get(&app, "/counter/boulangerie-jacob/profile").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        page.contains("value=\"/counter/boulangerie-jacob/profile\""),
        "a sign-in form that comes back here"
    );
}
