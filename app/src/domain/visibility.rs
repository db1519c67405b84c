//! A shop's "visibilité" (issue 17): 0–100 from what makes a shop findable and trusted, and
//! what is missing, each item one tap from its fix.

use chrono::{DateTime, TimeDelta, Utc};

use super::shops::Shop;

/// What counts, and how much (the weights add up to 100).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    /// Opening hours: "open now" and search engines need them.
    Hours,
    /// At least one photo.
    Photo,
    /// A description of at least [`MIN_DESCRIPTION`] characters.
    Description,
    /// A phone number or an e-mail address.
    Contact,
    /// A website or a listing elsewhere (Google Maps, a directory).
    Web,
    /// A precise category (not "other").
    Category,
    /// A post published in the last [`RECENT_POST_DAYS`] days.
    RecentPost,
    /// Every published review answered.
    ReviewsAnswered,
}

impl Item {
    pub const ALL: [Item; 8] = [
        Item::Hours,
        Item::Photo,
        Item::Description,
        Item::Contact,
        Item::Web,
        Item::Category,
        Item::RecentPost,
        Item::ReviewsAnswered,
    ];

    pub fn weight(self) -> u8 {
        match self {
            Item::Hours => 20,
            Item::Photo | Item::Description => 15,
            Item::Contact
            | Item::Web
            | Item::Category
            | Item::RecentPost
            | Item::ReviewsAnswered => 10,
        }
    }

    /// Its name in texts and addresses (`visibility.item.hours`).
    pub fn key(self) -> &'static str {
        match self {
            Item::Hours => "hours",
            Item::Photo => "photo",
            Item::Description => "description",
            Item::Contact => "contact",
            Item::Web => "web",
            Item::Category => "category",
            Item::RecentPost => "recent_post",
            Item::ReviewsAnswered => "reviews_answered",
        }
    }
}

/// A description shorter than this says too little to count.
pub const MIN_DESCRIPTION: usize = 40;
/// How recent a post must be to say the shop is alive.
pub const RECENT_POST_DAYS: i64 = 30;

/// What the storage knows of a shop's life for its visibility: its latest published post and its
/// published reviews without a visible reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShopActivity {
    pub shop_id: i64,
    pub last_post: Option<DateTime<Utc>>,
    pub unanswered_reviews: i64,
    /// Its visible replies to published reviews.
    pub replies: i64,
    /// Posts written by its merchants (not by a steward on its behalf, not imported).
    pub merchant_posts: i64,
}

/// Which items a shop has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visibility {
    pub done: Vec<Item>,
    pub missing: Vec<Item>,
}

impl Visibility {
    /// Whether what a merchant fills in on the profile is there: hours, a photo, a description
    /// and a way to get in touch (the onboarding's "profile completed").
    pub fn profile_completed(&self) -> bool {
        [Item::Hours, Item::Photo, Item::Description, Item::Contact]
            .iter()
            .all(|item| self.done.contains(item))
    }

    /// 0–100.
    pub fn score(&self) -> u8 {
        self.done.iter().map(|i| i.weight()).sum()
    }
}

fn filled(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.trim().is_empty())
}

/// The average of these scores, rounded to the nearest whole point (`None` without any).
pub fn average(scores: impl IntoIterator<Item = u8>) -> Option<u8> {
    let (sum, count) = scores.into_iter().fold((0usize, 0usize), |(sum, n), s| {
        (sum + usize::from(s), n + 1)
    });
    (count > 0).then(|| u8::try_from((sum + count / 2) / count).unwrap_or(100))
}

/// The shop's visibility now, given its latest published post and its published reviews
/// without a reply.
pub fn visibility(
    shop: &Shop,
    last_post: Option<DateTime<Utc>>,
    unanswered_reviews: i64,
    now: DateTime<Utc>,
) -> Visibility {
    let f = &shop.fields;
    let has = |item: Item| match item {
        Item::Hours => filled(&f.opening_hours),
        Item::Photo => !shop.photos.is_empty(),
        Item::Description => f
            .description
            .as_deref()
            .is_some_and(|d| d.trim().chars().count() >= MIN_DESCRIPTION),
        Item::Contact => filled(&f.phone) || filled(&f.email),
        Item::Web => filled(&f.website) || !shop.listings.is_empty(),
        Item::Category => !f.category.is_empty() && f.category != super::categories::OTHER,
        Item::RecentPost => {
            last_post.is_some_and(|t| t <= now && now - t <= TimeDelta::days(RECENT_POST_DAYS))
        }
        Item::ReviewsAnswered => unanswered_reviews <= 0,
    };
    let (done, missing) = Item::ALL.into_iter().partition(|&item| has(item));
    Visibility { done, missing }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::shops::{Listings, ShopFields};

    fn bare() -> Shop {
        let t = "2026-11-26T09:00:00Z".parse().unwrap();
        Shop {
            id: 1,
            town_id: 1,
            district_id: None,
            slug: "s".into(),
            osm_id: None,
            fields: ShopFields {
                name: "S".into(),
                category: "other".into(),
                source_tag: None,
                street: None,
                housenumber: None,
                postcode: None,
                city: None,
                lat: 49.7,
                lon: 5.6,
                phone: None,
                website: None,
                email: None,
                opening_hours: None,
                description: None,
            },
            photos: vec![],
            merchant_fields: vec![],
            listings: Listings::default(),
            created_at: t,
            updated_at: t,
        }
    }

    #[test]
    fn weights_add_up_to_a_hundred() {
        assert_eq!(
            Item::ALL.iter().map(|i| i.weight() as u32).sum::<u32>(),
            100
        );
    }

    #[test]
    fn a_bare_import_scores_what_it_has() {
        let now: DateTime<Utc> = "2026-11-26T09:00:00Z".parse().unwrap();
        let shop = bare();
        let v = visibility(&shop, None, 0, now);
        // No reviews to answer is not a fault.
        assert_eq!(v.done, vec![Item::ReviewsAnswered]);
        assert_eq!(v.score(), 10);
        assert_eq!(v.missing.len(), 7);
        assert!(!v.profile_completed());
        // One unanswered review, a post 31 days old, a blank description: still missing.
        let mut shop = bare();
        shop.fields.description = Some("   ".into());
        shop.fields.phone = Some(" ".into());
        let v = visibility(&shop, Some(now - TimeDelta::days(31)), 1, now);
        assert_eq!(v.score(), 0);
    }

    #[test]
    fn a_complete_profile_scores_a_hundred() {
        let now: DateTime<Utc> = "2026-11-26T09:00:00Z".parse().unwrap();
        let mut shop = bare();
        shop.fields.category = "bakery".into();
        shop.fields.opening_hours = Some("Tu-Sa 07:00-18:00".into());
        shop.fields.description =
            Some("Pain au levain, cougnous et pralines faites maison.".into());
        shop.fields.email = Some("bonjour@example.be".into());
        shop.fields.website = Some("https://example.be".into());
        shop.photos = vec!["a.jpg".into()];
        let v = visibility(&shop, Some(now - TimeDelta::days(30)), 0, now);
        assert_eq!(v.score(), 100, "{v:?}");
        assert!(v.profile_completed());
        assert!(v.missing.is_empty());
        // A post scheduled for later does not count yet.
        let v = visibility(&shop, Some(now + TimeDelta::hours(1)), 0, now);
        assert_eq!(v.missing, vec![Item::RecentPost]);
    }
}
