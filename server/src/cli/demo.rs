//! `quartier demo`: Habay's real shops (OpenStreetMap, 2020) as a demo town with two districts.

use app::server::{
    Broadcast, FeedScope, NewDistrict, NewPost, NewTown, PostAuthor, PostKind, ShopFilter, Store,
    StoreError, Town,
};
use chrono::{DateTime, Datelike, Days, NaiveTime, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::import_osm::{import_geojson, ImportError, ImportReport};
use crate::config::Config;

/// The Habay extract shipped with the binary (© OpenStreetMap contributors, ODbL).
pub const HABAY_GEOJSON: &str = include_str!("../../data/habay-2020.geojson");

/// Two plausible shopping districts, drawn by hand around the shops of each village centre.
pub const DEMO_DISTRICTS: [(&str, &str, &str); 2] = [
    (
        "habay-la-neuve-centre",
        "Habay-la-Neuve centre",
        r#"{"type":"Polygon","coordinates":[[[5.6385,49.7248],[5.6440,49.7252],[5.6500,49.7240],[5.6528,49.7262],[5.6562,49.7292],[5.6560,49.7332],[5.6505,49.7336],[5.6420,49.7310],[5.6385,49.7290],[5.6385,49.7248]]]}"#,
    ),
    (
        "marbehan",
        "Marbehan",
        r#"{"type":"Polygon","coordinates":[[[5.5290,49.7195],[5.5370,49.7190],[5.5425,49.7215],[5.5430,49.7262],[5.5400,49.7282],[5.5290,49.7282],[5.5290,49.7195]]]}"#,
    ),
];

#[derive(Debug)]
pub struct DemoReport {
    pub town: Town,
    pub import: ImportReport,
    /// Posts added (0 when the demo already had a recent week of posts).
    pub posts_added: usize,
    /// Reviews added (0 when the demo's reviewers had written them already).
    pub reviews_added: usize,
}

/// Loads (or refreshes) the demo town, with a week of posts up to `now`. Idempotent.
pub async fn load_demo(
    store: &dyn Store,
    timezone: &str,
    now: DateTime<Utc>,
) -> Result<DemoReport, ImportError> {
    let store_err = |e: app::server::StoreError| ImportError::Store(e.to_string());
    let town = store
        .upsert_town(&NewTown {
            slug: "habay".into(),
            name: "Habay".into(),
            timezone: timezone.into(),
        })
        .await
        .map_err(store_err)?;
    for (slug, name, boundary) in DEMO_DISTRICTS {
        store
            .upsert_district(
                town.id,
                &NewDistrict {
                    slug: slug.into(),
                    name: name.into(),
                    boundary: boundary.into(),
                },
            )
            .await
            .map_err(store_err)?;
    }
    let import = import_geojson(store, &town, HABAY_GEOJSON).await?;
    app::server::districts::assign_shops(store, &town)
        .await
        .map_err(store_err)?;
    let tz: Tz = town.timezone.parse().unwrap_or(chrono_tz::Europe::Brussels);
    let posts_added = seed_posts(store, &town, now, tz).await.map_err(store_err)?;
    let reviews_added = seed_reviews(store, &town, now).await.map_err(store_err)?;
    Ok(DemoReport {
        town,
        import,
        posts_added,
        reviews_added,
    })
}

/// One demo post: the shop's OSM name (or a district slug), and the post relative to `now`.
struct DemoPost {
    author: &'static str,
    kind: PostKind,
    title: &'static str,
    body: &'static str,
    /// Published this many hours ago.
    hours_ago: i64,
    /// Offers: valid for this many days after publication.
    valid_days: Option<u64>,
    /// Events: start (days from today, local hour and minute), duration in minutes, place.
    event: Option<(u64, u32, u32, i64, &'static str)>,
    /// A district's post: the shops (by name) that co-organise it; their followers are notified.
    with: &'static [&'static str],
}

const fn offer(
    author: &'static str,
    title: &'static str,
    body: &'static str,
    hours_ago: i64,
    valid_days: u64,
) -> DemoPost {
    DemoPost {
        author,
        kind: PostKind::Offer,
        title,
        body,
        hours_ago,
        valid_days: Some(valid_days),
        event: None,
        with: &[],
    }
}

const fn news(
    author: &'static str,
    title: &'static str,
    body: &'static str,
    hours_ago: i64,
) -> DemoPost {
    DemoPost {
        author,
        kind: PostKind::News,
        title,
        body,
        hours_ago,
        valid_days: None,
        event: None,
        with: &[],
    }
}

const DEMO_POSTS: &[DemoPost] = &[
    offer("Boulangerie Jacob", "Spéculoos de Saint-Nicolas : 3 pour 2",
        "Nos grands spéculoos au beurre, moulés à l'ancienne, sont de retour. Le troisième est offert jusqu'à dimanche.", 20, 5),
    offer("Boucherie Thomas", "Colis raclette pour 4 personnes : 39 €",
        "Jambon d'Ardenne, lard fumé, rosette et fromage à raclette au lait cru. À commander la veille, prêt le lendemain dès 9 h.", 50, 7),
    news("Leonidas", "Les pralines de Saint-Nicolas sont arrivées",
        "Ballotins, figurines en chocolat et massepain : venez composer votre assortiment, nous emballons sur place.", 74),
    offer("Max & Eme", "−30 % sur les pulls en laine",
        "Toute la collection de pulls et de cardigans en laine et en cachemire, dans la limite des stocks.", 98, 7),
    DemoPost {
        author: "Flor'Alex",
        kind: PostKind::Event,
        title: "Atelier couronnes de l'Avent",
        body: "Réalisez votre couronne avec des branches de sapin, des pommes de pin et des bougies. Matériel fourni, 25 € par personne, inscription au magasin.",
        hours_ago: 120,
        valid_days: None,
        event: Some((2, 14, 0, 150, "Au magasin")),
        with: &[],
    },
    news("Optique Dussart", "Nouvelle collection de montures",
        "Les montures de créateurs belges de l'hiver sont en vitrine. Examen de la vue sur rendez-vous.", 140),
    offer("Le marché de Julien", "Panier de légumes de saison à 15 €",
        "Poireaux, potimarron, carottes, céleri-rave et pommes de la région : de quoi cuisiner pour quatre toute la semaine.", 2, 6),
    DemoPost {
        author: "Les Plats Canailles",
        kind: PostKind::Event,
        title: "Soirée gibier",
        body: "Menu trois services autour du gibier de nos forêts, accord mets et vins. Réservation conseillée.",
        hours_ago: 46,
        valid_days: None,
        event: Some((3, 19, 0, 240, "Les Plats Canailles")),
        with: &[],
    },
    news("Pharmacie Berg", "Vaccination contre la grippe le samedi matin",
        "Sans rendez-vous, de 9 h à 12 h, pour les personnes de plus de 18 ans. Pensez à votre carte d'identité.", 26),
    offer("Mr Bricolage Habay", "Sapins de Noël Nordmann dès 29 €",
        "Sapins coupés de 1,50 m à 2,50 m, filetés sur place. Pieds en bois et en fonte disponibles.", 5, 10),
    news("Papa d'Eugénie", "Arrivage de jouets en bois",
        "Trains, puzzles et cuisines de seconde main, révisés et comme neufs : parfaits pour Saint-Nicolas.", 70),
    offer("Friterie Aux 4 Fontaines", "Le mardi, la 2e portion de frites offerte",
        "Pour toute portion de frites achetée, la deuxième est offerte, le mardi soir de 17 h à 21 h.", 95, 6),
    news("Press shop", "Calendriers 2027 disponibles",
        "Calendriers, agendas et almanachs 2027 sont arrivés, ainsi que les cartes de vœux.", 150),
    offer("Boulangerie Rigaux", "Tartes au riz à 12 €",
        "La grande tarte au riz pour 8 personnes, le week-end seulement.", 200, 3),
    DemoPost {
        author: "habay-la-neuve-centre",
        kind: PostKind::Event,
        title: "Marché de Noël de Habay-la-Neuve",
        body: "Chalets des commerçants et des artisans, vin chaud, animations pour les enfants et arrivée de saint Nicolas le samedi à 16 h.",
        hours_ago: 30,
        valid_days: None,
        event: Some((DAYS_TO_SATURDAY, 14, 0, 420, "Centre de Habay-la-Neuve")),
        with: &[],
    },
    DemoPost {
        author: "habay-la-neuve-centre",
        kind: PostKind::Event,
        title: "Balade des vitrines illuminées",
        body: "De vitrine en vitrine à la nuit tombée : chocolat chaud chez les commerçants participants et un concours de la plus belle vitrine.",
        hours_ago: 20,
        valid_days: None,
        event: Some((5, 17, 0, 180, "Place de Habay-la-Neuve")),
        with: &["Boulangerie Rigaux", "Press shop", "Optique Dussart"],
    },
    news("marbehan", "Les illuminations de Marbehan s'allument",
        "Les commerçants de Marbehan décorent leurs vitrines : venez les découvrir en fin de journée.", 12),
];

/// Marks an event day as "the coming Saturday" (a week later if today is Saturday).
const DAYS_TO_SATURDAY: u64 = u64::MAX;

/// Adds a realistic week of posts (French) relative to `now`, unless the town already has posts
/// from the last three days. Returns how many were added.
pub async fn seed_posts(
    store: &dyn Store,
    town: &Town,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<usize, StoreError> {
    let recent = store.recent_posts(town.id, FeedScope::Town, now, 1).await?;
    if recent
        .first()
        .is_some_and(|p| now - p.content.published_at < TimeDelta::days(3))
    {
        return Ok(0);
    }
    let shops = store.shops(town.id, &ShopFilter::default()).await?;
    let districts = store.districts(town.id).await?;
    let today = now.with_timezone(&tz).date_naive();
    let mut added = 0;
    for demo in DEMO_POSTS {
        let author = if let Some(shop) = shops.iter().find(|s| s.fields.name == demo.author) {
            PostAuthor::Shop(shop.id)
        } else if let Some(district) = districts.iter().find(|d| d.slug == demo.author) {
            PostAuthor::District(district.id)
        } else {
            tracing::warn!(
                author = demo.author,
                "demo post skipped: no such shop or district"
            );
            continue;
        };
        let published_at = now - TimeDelta::hours(demo.hours_ago);
        let (starts_at, ends_at, place) = match demo.event {
            Some((days, hour, minute, minutes, place)) => {
                let days = if days == DAYS_TO_SATURDAY {
                    let from_monday = u64::from(today.weekday().num_days_from_monday());
                    let saturday = u64::from(Weekday::Sat.num_days_from_monday());
                    if from_monday < saturday {
                        saturday - from_monday
                    } else {
                        7 + saturday - from_monday
                    }
                } else {
                    days
                };
                let day = today.checked_add_days(Days::new(days)).unwrap_or(today);
                let local =
                    day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default());
                let start = tz
                    .from_local_datetime(&local)
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or(now);
                (
                    Some(start),
                    Some(start + TimeDelta::minutes(minutes)),
                    Some(place.to_string()),
                )
            }
            None => (None, None, None),
        };
        let valid_until = demo.valid_days.map(|days| {
            let last_day = published_at
                .with_timezone(&tz)
                .date_naive()
                .checked_add_days(Days::new(days))
                .unwrap_or(today);
            tz.from_local_datetime(
                &last_day.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default()),
            )
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now)
        });
        store
            .insert_post(
                town.id,
                &NewPost {
                    author,
                    kind: demo.kind,
                    title: demo.title.into(),
                    body: demo.body.into(),
                    photo: None,
                    valid_from: demo.valid_days.map(|_| published_at),
                    valid_until,
                    starts_at,
                    ends_at,
                    place,
                    published_at,
                    broadcast: Broadcast {
                        co_organisers: shops
                            .iter()
                            .filter(|s| demo.with.contains(&s.fields.name.as_str()))
                            .map(|s| s.id)
                            .collect(),
                        notify_shop_followers: matches!(author, PostAuthor::District(_)),
                    },
                },
                now,
            )
            .await?;
        added += 1;
    }
    Ok(added)
}

/// One demo review. The reviewers' addresses are on `example.org` (no mail is ever sent there).
struct DemoReview {
    reviewer: &'static str,
    /// The name shown on the review.
    name: &'static str,
    /// The shop's OSM name.
    shop: &'static str,
    rating: u8,
    body: &'static str,
    days_ago: i64,
    /// The shop's reply, five hours later.
    reply: Option<&'static str>,
}

const DEMO_REVIEWS: &[DemoReview] = &[
    DemoReview {
        reviewer: "claire.demo@example.org",
        name: "Claire",
        shop: "Boulangerie Jacob",
        rating: 5,
        body: "Le meilleur pain de Habay, et toujours un mot gentil au comptoir. Les cramiques \
               du dimanche partent vite : venez tôt !",
        days_ago: 12,
        reply: Some(
            "Merci beaucoup Claire ! Pour le dimanche, vous pouvez aussi réserver votre \
             cramique la veille.",
        ),
    },
    DemoReview {
        reviewer: "marc.demo@example.org",
        name: "Marc D.",
        shop: "Boulangerie Jacob",
        rating: 4,
        body: "Très bons croissants. Un peu d'attente le samedi matin.",
        days_ago: 5,
        reply: None,
    },
    DemoReview {
        reviewer: "claire.demo@example.org",
        name: "Claire",
        shop: "Pharmacie Berg",
        rating: 5,
        body: "Accueil attentif et de bons conseils.",
        days_ago: 20,
        reply: None,
    },
];

/// Writes the demo's reviews (once: a reviewer's review of a shop is kept if it exists).
pub async fn seed_reviews(
    store: &dyn Store,
    town: &Town,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let shops = store.shops(town.id, &ShopFilter::default()).await?;
    let mut added = 0;
    for demo in DEMO_REVIEWS {
        let Some(shop) = shops.iter().find(|s| s.fields.name == demo.shop) else {
            tracing::warn!(shop = demo.shop, "demo review skipped: no such shop");
            continue;
        };
        let written = now - TimeDelta::days(demo.days_ago);
        let user = store.ensure_user(demo.reviewer, written).await?;
        store.set_display_name(user.id, Some(demo.name)).await?;
        if store.user_review(shop.id, user.id).await?.is_some() {
            continue;
        }
        let review = app::server::NewReview {
            rating: demo.rating,
            body: demo.body.to_owned(),
            visited_on: None,
        };
        let Some((saved, _)) = store
            .save_review(
                town.id,
                shop.id,
                user.id,
                &review,
                app::server::ReviewStatus::Published,
                written,
            )
            .await?
        else {
            continue;
        };
        if let Some(reply) = demo.reply {
            let owner = store.ensure_user("jacob.demo@example.org", written).await?;
            store
                .save_reply(saved.id, reply, owner.id, written + TimeDelta::hours(5))
                .await?;
        }
        added += 1;
    }
    Ok(added)
}

/// `quartier demo`.
pub async fn run(config: &Config) -> Result<(), String> {
    let store = super::open_store(config).await?;
    let report = load_demo(&store, config.timezone.name(), chrono::Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "demo town '{}' loaded (© OpenStreetMap contributors, ODbL)",
        report.town.name
    );
    print!("{}", report.import.summary());
    println!("{} demo posts added", report.posts_added);
    println!("{} demo reviews added", report.reviews_added);
    Ok(())
}
