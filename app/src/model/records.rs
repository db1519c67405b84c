//! Turning the domain's records into what pages show (server side only).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{CategoryCount, PostKindView, PostView, PostalAddress, ShopSummary, TownSummary};
use crate::domain::districts::District;
use crate::domain::posts::{Post, PostAuthor, PostKind};
use crate::domain::shops::Shop;
use crate::domain::towns::Town;
use crate::domain::{contact, hours};

pub fn town_tz(town: &Town) -> Tz {
    town.timezone.parse().unwrap_or(chrono_tz::Europe::Brussels)
}

pub fn town_summary(town: &Town) -> TownSummary {
    TownSummary {
        name: town.name.clone(),
        slug: town.slug.clone(),
    }
}

pub fn address(shop: &Shop) -> PostalAddress {
    PostalAddress {
        street: shop.fields.street.clone(),
        housenumber: shop.fields.housenumber.clone(),
        postcode: shop.fields.postcode.clone(),
        city: shop.fields.city.clone(),
    }
}

pub fn shop_summaries(
    shops: &[Shop],
    districts: &[District],
    tz: Tz,
    now: DateTime<Utc>,
) -> Vec<ShopSummary> {
    let district_names: HashMap<i64, &str> =
        districts.iter().map(|d| (d.id, d.name.as_str())).collect();
    shops
        .iter()
        .map(|shop| ShopSummary {
            slug: shop.slug.clone(),
            name: shop.fields.name.clone(),
            category: shop.fields.category.clone(),
            address_line: address(shop).street_line(),
            district_name: shop
                .district_id
                .and_then(|id| district_names.get(&id))
                .map(|n| n.to_string()),
            status: hours::status(shop.fields.opening_hours.as_deref(), now, tz),
        })
        .collect()
}

pub fn category_counts(counts: Vec<(String, i64)>) -> Vec<CategoryCount> {
    counts
        .into_iter()
        .map(|(key, count)| CategoryCount { key, count })
        .collect()
}

/// A category filter from the query string: known keys only, anything else means "all".
pub fn known_category(category: Option<String>) -> Option<String> {
    category.filter(|c| crate::domain::categories::by_key(c).is_some())
}

pub fn website(shop: &Shop) -> Option<String> {
    shop.fields
        .website
        .as_deref()
        .and_then(contact::website_url)
}

/// A UTC instant as the town's local date and time, relative to `now`.
pub fn local_moment(t: DateTime<Utc>, tz: Tz, now: DateTime<Utc>) -> super::LocalMoment {
    use chrono::{Datelike, Timelike};
    let local = t.with_timezone(&tz);
    let today = now.with_timezone(&tz).date_naive();
    super::LocalMoment {
        iso: local.to_rfc3339(),
        day_offset: (local.date_naive() - today).num_days(),
        weekday: local.weekday().num_days_from_monday() as u8,
        day: local.day() as u8,
        month: local.month() as u8,
        time: format!("{:02}:{:02}", local.hour(), local.minute()),
    }
}

/// Names and pages of post authors.
pub struct Authors {
    shops: HashMap<i64, (String, String)>,
    districts: HashMap<i64, (String, String)>,
    /// Each shop's district, for the counters of its posts.
    shop_districts: HashMap<i64, i64>,
}

impl Authors {
    pub fn new(shops: &[Shop], districts: &[District]) -> Authors {
        Authors {
            shops: shops
                .iter()
                .map(|s| (s.id, (s.fields.name.clone(), s.slug.clone())))
                .collect(),
            districts: districts
                .iter()
                .map(|d| (d.id, (d.name.clone(), d.slug.clone())))
                .collect(),
            shop_districts: shops
                .iter()
                .filter_map(|s| Some((s.id, s.district_id?)))
                .collect(),
        }
    }

    /// The counter of a view of `post`: about the post, its shop and the shop's district (or
    /// the district that published it).
    pub fn view_tally(&self, post: &Post) -> crate::domain::activity::Tally {
        use crate::domain::activity::Tally;
        match post.content.author {
            PostAuthor::Shop(id) => {
                Tally::post(post.id, Some(id), self.shop_districts.get(&id).copied())
            }
            PostAuthor::District(id) => Tally::post(post.id, None, Some(id)),
        }
    }

    /// The author's name and page path.
    fn of(&self, author: PostAuthor) -> Option<(String, String, bool)> {
        match author {
            PostAuthor::Shop(id) => self
                .shops
                .get(&id)
                .map(|(name, slug)| (name.clone(), format!("/shops/{slug}"), false)),
            PostAuthor::District(id) => self
                .districts
                .get(&id)
                .map(|(name, slug)| (name.clone(), format!("/districts/{slug}"), true)),
        }
    }
}

pub fn post_view(post: &Post, authors: &Authors, tz: Tz, now: DateTime<Utc>) -> Option<PostView> {
    let (author_name, author_url, by_district) = authors.of(post.content.author)?;
    let c = &post.content;
    let kind = match c.kind {
        PostKind::Offer => PostKindView::Offer,
        PostKind::Event => PostKindView::Event,
        PostKind::News => PostKindView::News,
    };
    Some(PostView {
        id: post.id,
        kind,
        title: c.title.clone(),
        body: c.body.clone(),
        url: format!("{author_url}#post-{}", post.id),
        author_name,
        author_url,
        by_district,
        on_behalf: post.by_steward,
        photo: c.photo.as_deref().map(media_urls),
        published: local_moment(c.published_at, tz, now),
        minutes_ago: (now - c.published_at).num_minutes().max(0),
        valid_until: c.valid_until.map(|t| local_moment(t, tz, now)),
        starts: c.starts_at.map(|t| local_moment(t, tz, now)),
        ends: c.ends_at.map(|t| local_moment(t, tz, now)),
        place: c.place.clone(),
        ics_url: (c.kind == PostKind::Event).then(|| format!("/events/{}.ics", post.id)),
        co_organisers: c
            .broadcast
            .co_organisers
            .iter()
            .filter_map(|&id| {
                let (name, url, _) = authors.of(PostAuthor::Shop(id))?;
                Some(super::NamedLink { name, url })
            })
            .collect(),
    })
}

pub fn post_views(posts: &[Post], authors: &Authors, tz: Tz, now: DateTime<Utc>) -> Vec<PostView> {
    posts
        .iter()
        .filter_map(|p| post_view(p, authors, tz, now))
        .collect()
}

/// The thumbnail's and the large image's paths of a stored photo.
pub fn media_urls(name: &str) -> (String, String) {
    (
        format!("/media/{name}-t.jpg"),
        format!("/media/{name}-l.jpg"),
    )
}

/// A UTC instant's day in the town.
pub fn calendar_day(t: DateTime<Utc>, tz: Tz) -> super::CalendarDay {
    day_of_calendar(t.with_timezone(&tz).date_naive())
}

/// A calendar day for "28 novembre 2026".
pub fn day_of_calendar(day: chrono::NaiveDate) -> super::CalendarDay {
    use chrono::Datelike;
    super::CalendarDay {
        iso: day.format("%Y-%m-%d").to_string(),
        day: day.day() as u8,
        month: day.month() as u8,
        year: day.year(),
    }
}

/// A shop's review figures as bars, five stars first.
pub fn review_summary_view(
    summary: &crate::domain::reviews::ReviewSummary,
) -> super::ReviewSummaryView {
    let bars = (1..=5u8)
        .rev()
        .map(|stars| {
            let count = summary.distribution[usize::from(stars - 1)];
            super::RatingBar {
                stars,
                count,
                percent: if summary.count > 0 {
                    (count * 100 + summary.count / 2) / summary.count
                } else {
                    0
                },
            }
        })
        .collect();
    super::ReviewSummaryView {
        count: summary.count,
        average: summary.average().map(|a| (a * 10.0).round() / 10.0),
        bars,
    }
}

/// A review as pages show it; `shop` is its shop's (name, slug). A reply a moderator hid is
/// left out unless `team_view` (the shop's team and the moderators see it, with the reason).
pub fn review_view(
    review: &crate::domain::reviews::Review,
    shop: (&str, &str),
    marked_useful: bool,
    team_view: bool,
    tz: Tz,
) -> super::ReviewView {
    super::ReviewView {
        id: review.id,
        author: review.author_name.clone(),
        rating: review.content.rating,
        body: review.content.body.clone(),
        visited_on: review.content.visited_on.map(day_of_calendar),
        date: calendar_day(review.created_at, tz),
        edited: review.edited_at.map(|t| calendar_day(t, tz)),
        reply: review
            .reply
            .as_ref()
            .filter(|reply| team_view || reply.hidden_reason.is_none())
            .map(|reply| super::ReplyView {
                body: reply.body.clone(),
                date: calendar_day(reply.created_at, tz),
                edited: reply.edited_at.map(|t| calendar_day(t, tz)),
                hidden_reason: reply.hidden_reason.clone(),
            }),
        useful: review.useful,
        marked_useful,
        status: review.status.as_str().to_owned(),
        status_reason: review.status_reason.clone(),
        shop_name: shop.0.to_owned(),
        shop_slug: shop.1.to_owned(),
    }
}

/// A message as pages show it.
pub fn message_view(message: &crate::domain::messages::Message, tz: Tz) -> super::MessageView {
    super::MessageView {
        id: message.id,
        recipient_name: message.recipient_name.clone(),
        recipient_path: message.recipient_path.clone(),
        body: message.content.body.clone(),
        date: calendar_day(message.created_at, tz),
        answer: message.answer.as_ref().map(|a| a.body.clone()),
        answered: message
            .answer
            .as_ref()
            .map(|a| calendar_day(a.answered_at, tz)),
        state: message.state().as_str().to_owned(),
        by_email: message.content.email.is_some(),
        edited: message.edited_at.map(|t| calendar_day(t, tz)),
    }
}

/// The start of the month of `now` in the town's time zone.
pub fn month_start(now: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    use chrono::{Datelike, TimeZone};
    let local = now.with_timezone(&tz);
    tz.with_ymd_and_hms(local.year(), local.month(), 1, 0, 0, 0)
        .earliest()
        .map_or(now, |t| t.with_timezone(&Utc))
}
