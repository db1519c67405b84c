//! Domain logic: categories, slugs, contact details, translations.

use app::domain::categories::{classify, Classification, CATEGORIES};
use app::domain::{contact, slugs};
use app::i18n::Locale;

fn classify_tags(tags: &[(&str, &str)]) -> Classification {
    classify(|k| tags.iter().find(|(key, _)| *key == k).map(|(_, v)| *v))
}

#[test]
fn osm_tags_map_to_curated_categories() {
    let key = |tags: &[(&str, &str)]| match classify_tags(tags) {
        Classification::Known { category, .. } => category.key.to_owned(),
        Classification::UnknownShop { tag } => format!("unknown:{tag}"),
        Classification::NotABusiness { tag } => format!("skip:{}", tag.unwrap_or_default()),
    };
    assert_eq!(key(&[("shop", "bakery")]), "bakery");
    assert_eq!(key(&[("shop", "chocolate")]), "sweets");
    assert_eq!(key(&[("shop", "deli")]), "grocery");
    assert_eq!(key(&[("amenity", "pharmacy")]), "pharmacy");
    assert_eq!(key(&[("amenity", "fast_food")]), "fast_food");
    assert_eq!(key(&[("amenity", "pub")]), "bar");
    assert_eq!(key(&[("amenity", "bank")]), "bank");
    // A restaurant that is also a hotel is a restaurant; a plain hotel is lodging.
    assert_eq!(
        key(&[("amenity", "restaurant"), ("tourism", "hotel")]),
        "restaurant"
    );
    assert_eq!(key(&[("tourism", "hotel")]), "lodging");
    // shop=* wins over amenity=*; multiple values: the first known one.
    assert_eq!(key(&[("shop", "florist"), ("amenity", "cafe")]), "florist");
    assert_eq!(key(&[("shop", "mazout;bakery")]), "bakery");
    // Unknown shops are kept; public services are not shops.
    assert_eq!(key(&[("shop", "mazout")]), "unknown:shop=mazout");
    assert_eq!(key(&[("amenity", "school")]), "skip:amenity=school");
    assert_eq!(
        key(&[("amenity", "townhall"), ("office", "government")]),
        "skip:amenity=townhall"
    );
    assert_eq!(
        key(&[("office", "employment_agency")]),
        "skip:office=employment_agency"
    );
    assert_eq!(key(&[("shop", "vacant")]), "skip:shop=vacant");
    assert_eq!(key(&[]), "skip:");
}

#[test]
fn every_category_has_a_label_in_every_language_and_a_schema_type() {
    let mut keys: Vec<_> = CATEGORIES.iter().map(|c| c.key).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), CATEGORIES.len(), "category keys are unique");
    for locale in Locale::all() {
        for category in CATEGORIES {
            assert!(
                locale.has(&format!("category.{}", category.key)),
                "{} lacks category.{}",
                locale.code(),
                category.key
            );
        }
    }
    assert!(CATEGORIES.iter().all(|c| !c.schema_type.is_empty()));
    // Each OSM tag maps to one category only.
    let mut tags: Vec<_> = CATEGORIES.iter().flat_map(|c| c.osm_tags.iter()).collect();
    let total = tags.len();
    tags.sort();
    tags.dedup();
    assert_eq!(tags.len(), total);
}

#[test]
fn slugs_are_readable_and_stable() {
    assert_eq!(
        slugs::slugify("Boulangerie Rigaux").as_deref(),
        Some("boulangerie-rigaux")
    );
    assert_eq!(
        slugs::slugify("L'enfant gâté").as_deref(),
        Some("l-enfant-gate")
    );
    assert_eq!(slugs::slugify("Flor'Alex").as_deref(), Some("flor-alex"));
    assert_eq!(
        slugs::slugify("Œuf & Cœur — Épicerie fine").as_deref(),
        Some("oeuf-coeur-epicerie-fine")
    );
    assert_eq!(
        slugs::slugify("555 Express").as_deref(),
        Some("555-express")
    );
    assert_eq!(slugs::slugify("!!!"), None);
    let long = slugs::slugify(&"très long nom ".repeat(20)).unwrap();
    assert!(long.len() <= 60 && !long.ends_with('-'), "{long}");
    let candidates: Vec<_> = slugs::candidates("Spar", Some("Marbehan"), "commerce")
        .take(4)
        .collect();
    assert_eq!(candidates, ["spar", "spar-marbehan", "spar-2", "spar-3"]);
    let candidates: Vec<_> = slugs::candidates("???", None, "commerce").take(2).collect();
    assert_eq!(candidates, ["commerce", "commerce-2"]);
    assert!(slugs::is_valid("boulangerie-rigaux"));
    for bad in ["", "Boulangerie", "a b", "-a", "a-", "a/b", "é"] {
        assert!(!slugs::is_valid(bad), "{bad}");
    }
}

#[test]
fn contact_details_are_normalised() {
    assert_eq!(
        contact::phone_uri("+32 63 42 22 33").as_deref(),
        Some("tel:+3263422233")
    );
    assert_eq!(
        contact::phone_uri("063/42.22.33").as_deref(),
        Some("tel:+3263422233")
    );
    assert_eq!(
        contact::phone_uri("0032 63 42 22 33; +32 470 00 00 00").as_deref(),
        Some("tel:+3263422233")
    );
    assert_eq!(contact::phone_uri("call us"), None);
    assert_eq!(contact::phone_uri("+32 1"), None);
    assert_eq!(
        contact::website_url("www.rigaux.be").as_deref(),
        Some("https://www.rigaux.be")
    );
    assert_eq!(
        contact::website_url("http://x.be/a?b=c").as_deref(),
        Some("http://x.be/a?b=c")
    );
    assert_eq!(contact::website_url("javascript:alert(1)"), None);
    assert_eq!(contact::website_url("ftp://x.be"), None);
    assert_eq!(contact::website_url("not a url"), None);
    assert_eq!(
        contact::email("info@rigaux.be").as_deref(),
        Some("info@rigaux.be")
    );
    assert_eq!(contact::email("info at rigaux"), None);
    assert!(contact::directions_url(49.7282, 5.6445).contains("route=%3B49.728200%2C5.644500"));
}

#[test]
fn every_locale_translates_every_french_key() {
    let french = Locale::parse("fr").unwrap();
    let codes: Vec<_> = Locale::all().map(Locale::code).collect();
    assert!(codes.contains(&"fr") && codes.contains(&"en"), "{codes:?}");
    for locale in Locale::all() {
        for key in french.keys() {
            assert!(locale.has(key), "{} lacks {key}", locale.code());
        }
        for key in locale.keys() {
            assert!(
                french.has(key),
                "{} has {key}, unknown in French",
                locale.code()
            );
        }
    }
}

#[test]
fn locale_negotiation_follows_accept_language() {
    let code = |h: &str| Locale::from_accept_language(h).map(Locale::code);
    assert_eq!(code("en-GB,en;q=0.9,fr;q=0.8"), Some("en"));
    assert_eq!(code("de-CH;q=0.5, fr-BE"), Some("fr"));
    assert_eq!(code("es, it;q=0.9"), None);
    assert_eq!(code("en;q=0, fr;q=0.1"), Some("fr"));
    assert_eq!(code(""), None);
    let fr = Locale::default();
    assert_eq!(fr.code(), "fr");
    assert_eq!(fr.plural("shops.count", 0), "0 commerce");
    assert_eq!(fr.plural("shops.count", 2), "2 commerces");
    let en = Locale::parse("EN-us").unwrap();
    assert_eq!(en.plural("shops.count", 1), "1 shop");
    assert_eq!(en.plural("shops.count", 0), "0 shops");
    assert_eq!(fr.t("no.such.key"), "no.such.key");
}
