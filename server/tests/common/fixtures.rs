//! What the storage contract tests build before they test: a town, its districts and shops,
//! posts and accounts, with the values the tests then assert on.

use app::server::{
    District, NewDistrict, NewPost, NewSession, NewSignInLink, NewTown, Post, PostAuthor, PostKind,
    Shop, ShopFields, SignedIn, Store, Town,
};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};

/// The instant the contract tests call "now".
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap()
}

/// A square around Habay (WGS 84), large enough to hold every test shop.
pub const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[5.0,49.0],[6.0,49.0],[6.0,50.0],[5.0,50.0],[5.0,49.0]]]}"#;

/// The town `slug` (created, or renamed to `name`), in Brussels' time.
pub async fn town(store: &dyn Store, slug: &str, name: &str) -> Town {
    store
        .upsert_town(&NewTown {
            slug: slug.into(),
            name: name.into(),
            timezone: "Europe/Brussels".into(),
        })
        .await
        .unwrap()
}

/// The district `slug` of the town, over [`SQUARE`].
pub async fn district(store: &dyn Store, town_id: i64, slug: &str, name: &str) -> District {
    store
        .upsert_district(
            town_id,
            &NewDistrict {
                slug: slug.into(),
                name: name.into(),
                boundary: SQUARE.into(),
            },
        )
        .await
        .unwrap()
}

/// A shop's imported fields: a name, a category and a place.
pub fn shop_fields(name: &str, category: &str, lat: f64, lon: f64) -> ShopFields {
    ShopFields {
        name: name.into(),
        category: category.into(),
        lat,
        lon,
        ..ShopFields::default()
    }
}

/// A bakery of Habay-la-Neuve as OpenStreetMap describes it, every field but the web ones set.
pub fn bakery(name: &str, lat: f64, lon: f64) -> ShopFields {
    ShopFields {
        name: name.into(),
        category: "bakery".into(),
        source_tag: Some("shop=bakery".into()),
        street: Some("Rue de la Courtière".into()),
        housenumber: Some("3".into()),
        postcode: Some("6720".into()),
        city: Some("Habay-la-Neuve".into()),
        lat,
        lon,
        phone: Some("+32 63 42 22 33".into()),
        website: None,
        email: None,
        opening_hours: Some("Mo-Sa 07:00-18:30".into()),
        description: None,
    }
}

/// The slugs an import tries for a shop of Habay-la-Neuve named `name`.
pub fn slugs_for(name: &str) -> impl Iterator<Item = String> + Send {
    app::domain::slugs::candidates(name, Some("Habay-la-Neuve"), "commerce")
        .take(50)
        .collect::<Vec<_>>()
        .into_iter()
}

/// Imports the shop `osm_id` of the town with the slug `slug`.
pub async fn shop(
    store: &dyn Store,
    town_id: i64,
    osm_id: &str,
    slug: &str,
    fields: &ShopFields,
) -> Shop {
    let mut slugs = vec![slug.to_owned()].into_iter();
    store
        .upsert_osm_shop(town_id, osm_id, fields, &mut slugs)
        .await
        .unwrap()
        .0
}

/// A post of `kind` by `author`, with nothing but its title (and a body made of it).
pub fn post(author: PostAuthor, kind: PostKind, title: &str, published: DateTime<Utc>) -> NewPost {
    NewPost {
        author,
        kind,
        title: title.into(),
        body: format!("{title} — détails"),
        photo: None,
        valid_from: None,
        valid_until: None,
        starts_at: None,
        ends_at: None,
        place: None,
        published_at: published,
        broadcast: Default::default(),
    }
}

/// A sign-in link of `email` (hash `link-<token>`), valid for 15 minutes from [`now`].
pub fn sign_in_link(token: &str, email: &str, invitation_id: Option<i64>) -> NewSignInLink {
    NewSignInLink {
        token_hash: format!("link-{token}"),
        email: email.into(),
        invitation_id,
        return_to: None,
        expires_at: now() + TimeDelta::minutes(15),
    }
}

/// A session (hash `session-<token>`) of 30 days from [`now`].
pub fn session(token: &str) -> NewSession {
    NewSession {
        token_hash: format!("session-{token}"),
        expires_at: now() + TimeDelta::days(30),
        town_id: None,
    }
}

/// Signs `email` in through a link (creating the account), opening the session `token`.
pub async fn sign_in(store: &dyn Store, town_id: i64, email: &str, token: &str) -> SignedIn {
    store
        .create_sign_in_link(&sign_in_link(token, email, None), now())
        .await
        .unwrap();
    store
        .complete_sign_in(
            town_id,
            &format!("link-{token}"),
            &session(token),
            None,
            now(),
        )
        .await
        .unwrap()
        .expect("an open link signs in")
}

/// The town most feed, follow and search tests read: Habay, with two districts (Centre,
/// Marbehan) and four shops, and Arlon, another town, with one café.
pub struct Habay {
    pub town: Town,
    pub other_town: Town,
    pub centre: District,
    pub marbehan: District,
    /// In the centre; described with "pâtisseries".
    pub cafe: Shop,
    /// In the centre; "pâtisserie" is its category's label.
    pub bakery: Shop,
    /// In Marbehan.
    pub florist: Shop,
    /// Outside every "near me" rectangle of the tests.
    pub far: Shop,
    /// Arlon's, a few metres from the café.
    pub arlon_cafe: Shop,
}

fn described(
    name: &str,
    category: &str,
    description: Option<&str>,
    lat: f64,
    lon: f64,
) -> ShopFields {
    ShopFields {
        description: description.map(Into::into),
        ..shop_fields(name, category, lat, lon)
    }
}

/// Builds [`Habay`].
pub async fn habay(store: &dyn Store) -> Habay {
    let home = town(store, "habay", "Habay").await;
    let other_town = town(store, "arlon", "Arlon").await;
    let centre = district(store, home.id, "centre", "Centre").await;
    let marbehan = district(store, home.id, "marbehan", "Marbehan").await;
    let add = |fields: ShopFields, osm: &'static str| {
        let slug = app::domain::slugs::candidates(&fields.name, None, "commerce")
            .next()
            .unwrap();
        let town_id = home.id;
        async move { shop(store, town_id, osm, &slug, &fields).await }
    };
    let cafe = add(
        described(
            "Café de la Place",
            "cafe",
            Some("Petits déjeuners et pâtisseries maison"),
            49.7240,
            5.6460,
        ),
        "node/1",
    )
    .await;
    let bakery = add(
        described("Maison Lejeune", "bakery", None, 49.7250, 5.6470),
        "node/2",
    )
    .await;
    let florist = add(
        described("Au Bouquet d'Œillets", "florist", None, 49.7000, 5.6200),
        "node/3",
    )
    .await;
    let far = add(
        described("Garage du Bout", "car_repair", None, 49.6000, 5.5000),
        "node/4",
    )
    .await;
    let arlon_cafe = shop(
        store,
        other_town.id,
        "node/9",
        "cafe-arlon",
        &described("Café Arlonais", "cafe", None, 49.7245, 5.6465),
    )
    .await;
    store
        .set_shop_districts(
            home.id,
            &[
                (cafe.id, Some(centre.id)),
                (bakery.id, Some(centre.id)),
                (florist.id, Some(marbehan.id)),
            ],
        )
        .await
        .unwrap();
    Habay {
        town: home,
        other_town,
        centre,
        marbehan,
        cafe,
        bakery,
        florist,
        far,
        arlon_cafe,
    }
}

/// The posts of [`habay`] at [`now`]: one of each state a feed or search tells apart.
pub struct HabayPosts {
    /// The bakery's, valid from yesterday for a week, published 3 hours ago.
    pub offer: Post,
    /// The bakery's, expired an hour ago.
    pub expired: Post,
    /// The café's news, published tomorrow.
    pub scheduled: Post,
    /// The centre's, in two days, for five hours.
    pub event: Post,
    /// The florist's, started an hour ago, without an end.
    pub started: Post,
    /// The café's, three days ago.
    pub past_event: Post,
}

/// Publishes [`HabayPosts`].
pub async fn habay_posts(store: &dyn Store, habay: &Habay) -> HabayPosts {
    let t0 = now();
    let insert =
        |post: NewPost| async move { store.insert_post(habay.town.id, &post, t0).await.unwrap() };
    let offer = insert(NewPost {
        valid_from: Some(t0 - TimeDelta::days(1)),
        valid_until: Some(t0 + TimeDelta::days(6)),
        ..post(
            PostAuthor::Shop(habay.bakery.id),
            PostKind::Offer,
            "Cramique à moitié prix",
            t0 - TimeDelta::hours(3),
        )
    })
    .await;
    let expired = insert(NewPost {
        valid_until: Some(t0 - TimeDelta::hours(1)),
        ..post(
            PostAuthor::Shop(habay.bakery.id),
            PostKind::Offer,
            "Galettes des rois",
            t0 - TimeDelta::days(5),
        )
    })
    .await;
    let scheduled = insert(post(
        PostAuthor::Shop(habay.cafe.id),
        PostKind::News,
        "Fermeture annuelle",
        t0 + TimeDelta::days(1),
    ))
    .await;
    let event = insert(NewPost {
        starts_at: Some(t0 + TimeDelta::days(2)),
        ends_at: Some(t0 + TimeDelta::days(2) + TimeDelta::hours(5)),
        place: Some("Place de l'Hôtel de Ville".into()),
        // For the followers of the district's shops too.
        broadcast: app::server::Broadcast {
            co_organisers: Vec::new(),
            notify_shop_followers: true,
        },
        ..post(
            PostAuthor::District(habay.centre.id),
            PostKind::Event,
            "Marché de Noël",
            t0 - TimeDelta::hours(2),
        )
    })
    .await;
    let started = insert(NewPost {
        starts_at: Some(t0 - TimeDelta::hours(1)),
        ..post(
            PostAuthor::Shop(habay.florist.id),
            PostKind::Event,
            "Atelier couronnes",
            t0 - TimeDelta::days(1),
        )
    })
    .await;
    let past_event = insert(NewPost {
        starts_at: Some(t0 - TimeDelta::days(3)),
        ends_at: Some(t0 - TimeDelta::days(3) + TimeDelta::hours(2)),
        ..post(
            PostAuthor::Shop(habay.cafe.id),
            PostKind::Event,
            "Concert",
            t0 - TimeDelta::days(4),
        )
    })
    .await;
    HabayPosts {
        offer,
        expired,
        scheduled,
        event,
        started,
        past_event,
    }
}

/// A simpler town for the account tests: Habay with a Centre district and three shops in a
/// row (the bakery in the centre), and Arlon with one shop.
pub struct Street {
    pub town: Town,
    pub other_town: Town,
    pub centre: District,
    pub bakery: i64,
    pub florist: i64,
    pub bookshop: i64,
    pub arlon_shop: Shop,
}

/// Builds [`Street`].
pub async fn street(store: &dyn Store) -> Street {
    let home = town(store, "habay", "Habay").await;
    let other_town = town(store, "arlon", "Arlon").await;
    let centre = district(store, home.id, "centre", "Centre").await;
    let mut ids = Vec::new();
    for (i, name) in ["Boulangerie", "Fleuriste", "Librairie"].iter().enumerate() {
        let fields = shop_fields(name, "bakery", 49.72, 5.64);
        let slug = name.to_lowercase();
        ids.push(
            shop(store, home.id, &format!("node/{i}"), &slug, &fields)
                .await
                .id,
        );
    }
    store
        .set_shop_districts(home.id, &[(ids[0], Some(centre.id))])
        .await
        .unwrap();
    let arlon_shop = shop(
        store,
        other_town.id,
        "node/99",
        "arlon-shop",
        &shop_fields("Arlon", "bakery", 0.0, 0.0),
    )
    .await;
    Street {
        town: home,
        other_town,
        centre,
        bakery: ids[0],
        florist: ids[1],
        bookshop: ids[2],
        arlon_shop,
    }
}

/// A browser's push subscription `name` (an endpoint of a push service, valid keys).
pub fn browser(name: &str) -> app::domain::push::Subscription {
    app::domain::push::Subscription {
        endpoint: format!("https://push.example.net/{name}"),
        p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
            .into(),
        auth: "tBHItJI5svbpez7KI4CCXg".into(),
    }
}

/// An 800 × 600 photo as a phone sends it (a JPEG, quality 90); another `seed`, another
/// picture (and another stored name).
pub fn phone_photo(seed: u8) -> Vec<u8> {
    use image::ImageEncoder;
    let picture = image::RgbImage::from_fn(800, 600, |x, y| {
        image::Rgb([x as u8, y as u8, 90u8.wrapping_add(seed.wrapping_mul(37))])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(picture.as_raw(), 800, 600, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}
