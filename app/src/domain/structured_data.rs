//! schema.org structured data (JSON-LD) for search engines and other tools.

use serde_json::{json, Map, Value};

use crate::model::{DayHours, PostKindView, PostView, PostalAddress};

const DAY_URIS: [&str; 7] = [
    "https://schema.org/Monday",
    "https://schema.org/Tuesday",
    "https://schema.org/Wednesday",
    "https://schema.org/Thursday",
    "https://schema.org/Friday",
    "https://schema.org/Saturday",
    "https://schema.org/Sunday",
];

/// What the LocalBusiness description is made of.
pub struct BusinessFacts<'a> {
    /// The schema.org `LocalBusiness` subtype of the shop's category.
    pub schema_type: &'a str,
    pub name: &'a str,
    /// The shop's page on this site.
    pub page_url: &'a str,
    /// The shop's own website, if any.
    pub website: Option<&'a str>,
    /// E.164 number, e.g. `+3263422233`.
    pub telephone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub address: &'a PostalAddress,
    pub lat: f64,
    pub lon: f64,
    /// The regular week, Monday first (see `hours::regular_week`).
    pub regular_week: Option<&'a [DayHours]>,
    pub image_url: &'a str,
    /// The merchant's presentation.
    pub description: Option<&'a str>,
}

/// A `LocalBusiness` (or subtype) JSON-LD object.
pub fn local_business(facts: &BusinessFacts) -> Value {
    let mut business = Map::new();
    business.insert("@context".into(), json!("https://schema.org"));
    business.insert("@type".into(), json!(facts.schema_type));
    business.insert("@id".into(), json!(format!("{}#business", facts.page_url)));
    business.insert("name".into(), json!(facts.name));
    business.insert("url".into(), json!(facts.website.unwrap_or(facts.page_url)));
    business.insert("mainEntityOfPage".into(), json!(facts.page_url));
    business.insert("image".into(), json!(facts.image_url));
    if let Some(description) = facts.description.filter(|d| !d.trim().is_empty()) {
        business.insert("description".into(), json!(description));
    }
    let mut address = Map::new();
    address.insert("@type".into(), json!("PostalAddress"));
    if let Some(street) = facts.address.street_line() {
        address.insert("streetAddress".into(), json!(street));
    }
    if let Some(postcode) = &facts.address.postcode {
        address.insert("postalCode".into(), json!(postcode));
    }
    if let Some(city) = &facts.address.city {
        address.insert("addressLocality".into(), json!(city));
    }
    address.insert("addressCountry".into(), json!("BE"));
    business.insert("address".into(), Value::Object(address));
    business.insert(
        "geo".into(),
        json!({ "@type": "GeoCoordinates", "latitude": round6(facts.lat), "longitude": round6(facts.lon) }),
    );
    if let Some(telephone) = facts.telephone {
        business.insert("telephone".into(), json!(telephone));
    }
    if let Some(email) = facts.email {
        business.insert("email".into(), json!(email));
    }
    if let Some(week) = facts.regular_week {
        business.insert(
            "openingHoursSpecification".into(),
            Value::Array(opening_hours_specification(week)),
        );
    }
    Value::Object(business)
}

/// One `OpeningHoursSpecification` per distinct period, listing the days that share it.
/// A period past midnight closes the next day (`closes` earlier than `opens`, as schema.org
/// reads it); a day open around the clock is 00:00–23:59.
pub fn opening_hours_specification(week: &[DayHours]) -> Vec<Value> {
    let mut periods: Vec<((String, String), Vec<u8>)> = Vec::new();
    for day in week {
        for range in &day.ranges {
            let closes = if range.to == "24:00" {
                "23:59".to_owned()
            } else {
                range.to.clone()
            };
            let key = (range.from.clone(), closes);
            match periods.iter_mut().find(|(k, _)| *k == key) {
                Some((_, days)) => days.push(day.weekday),
                None => periods.push((key, vec![day.weekday])),
            }
        }
    }
    periods
        .into_iter()
        .map(|((opens, closes), mut days)| {
            days.sort_unstable();
            days.dedup();
            json!({
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": days.iter().map(|d| DAY_URIS[*d as usize % 7]).collect::<Vec<_>>(),
                "opens": opens,
                "closes": closes,
            })
        })
        .collect()
}

/// The business with its current offers (`makesOffer`) and, when it has upcoming events, a
/// `@graph` of the business and one `Event` per event (organised by the business, at its
/// address unless the event names a place; a district's event it co-organises: by the district
/// and the business).
pub fn with_posts(
    mut business: Value,
    page_url: &str,
    posts: &[PostView],
    events: &[PostView],
) -> Value {
    let business_id = format!("{page_url}#business");
    let offers: Vec<Value> = posts
        .iter()
        .filter(|p| p.kind == PostKindView::Offer && !p.by_district)
        .map(|p| {
            let mut offer = Map::new();
            offer.insert("@type".into(), json!("Offer"));
            offer.insert("name".into(), json!(p.title));
            offer.insert("description".into(), json!(p.body));
            offer.insert("url".into(), json!(format!("{page_url}#post-{}", p.id)));
            offer.insert("validFrom".into(), json!(p.published.iso));
            if let Some(until) = &p.valid_until {
                offer.insert("validThrough".into(), json!(until.iso));
            }
            offer.insert("offeredBy".into(), json!({ "@id": business_id }));
            Value::Object(offer)
        })
        .collect();
    if !offers.is_empty() {
        if let Some(map) = business.as_object_mut() {
            map.insert("makesOffer".into(), Value::Array(offers));
        }
    }
    if events.is_empty() {
        return business;
    }
    let address = business.get("address").cloned();
    let business_name = business.get("name").cloned();
    let mut graph = Vec::with_capacity(events.len() + 1);
    if let Some(map) = business.as_object_mut() {
        map.remove("@context");
    }
    graph.push(business);
    let business_ref = json!({ "@id": business_id });
    // A district's event is not at the shop: at its place (or in the district), in the town.
    let town_address = address.as_ref().map(|a| {
        json!({
            "@type": "PostalAddress",
            "addressLocality": a.get("addressLocality").cloned().unwrap_or(Value::Null),
            "addressCountry": "BE",
        })
    });
    for event in events {
        let (organizer, place, address) = if event.by_district {
            (
                json!([
                    {
                        "@type": "Organization",
                        "name": event.author_name,
                        "url": format!("{}{}", origin(page_url), event.author_url),
                    },
                    business_ref,
                ]),
                json!(event.place.as_ref().unwrap_or(&event.author_name)),
                town_address.as_ref(),
            )
        } else {
            (
                business_ref.clone(),
                event
                    .place
                    .as_ref()
                    .map_or(business_name.clone().unwrap_or(Value::Null), |p| json!(p)),
                address.as_ref(),
            )
        };
        graph.extend(event_node(page_url, event, &organizer, place, address));
    }
    json!({ "@context": "https://schema.org", "@graph": graph })
}

/// The scheme and host of an absolute URL (`https://habay.example/shops/x` → `https://habay.example`).
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

/// A schema.org `Event` for an event post shown on `page_url` (`None` without a start).
fn event_node(
    page_url: &str,
    event: &PostView,
    organizer: &Value,
    place_name: Value,
    address: Option<&Value>,
) -> Option<Value> {
    let starts = event.starts.as_ref()?;
    let mut e = Map::new();
    e.insert("@type".into(), json!("Event"));
    e.insert("@id".into(), json!(format!("{page_url}#post-{}", event.id)));
    e.insert("name".into(), json!(event.title));
    e.insert("description".into(), json!(event.body));
    e.insert("url".into(), json!(format!("{page_url}#post-{}", event.id)));
    e.insert("startDate".into(), json!(starts.iso));
    if let Some(ends) = &event.ends {
        e.insert("endDate".into(), json!(ends.iso));
    }
    e.insert(
        "eventStatus".into(),
        json!("https://schema.org/EventScheduled"),
    );
    e.insert(
        "eventAttendanceMode".into(),
        json!("https://schema.org/OfflineEventAttendanceMode"),
    );
    let mut place = Map::new();
    place.insert("@type".into(), json!("Place"));
    place.insert("name".into(), place_name);
    if let Some(address) = address {
        place.insert("address".into(), address.clone());
    }
    e.insert("location".into(), Value::Object(place));
    e.insert("organizer".into(), organizer.clone());
    Some(Value::Object(e))
}

/// The events of a district's page, organised by the district (its association or the town).
pub fn district_events(
    page_url: &str,
    district_name: &str,
    town_name: &str,
    events: &[PostView],
) -> Option<Value> {
    let organizer = json!({ "@type": "Organization", "name": district_name, "url": page_url });
    let address = json!({
        "@type": "PostalAddress",
        "addressLocality": town_name,
        "addressCountry": "BE",
    });
    let graph: Vec<Value> = events
        .iter()
        .filter_map(|event| {
            let place = json!(event
                .place
                .clone()
                .unwrap_or_else(|| district_name.to_owned()));
            event_node(page_url, event, &organizer, place, Some(&address))
        })
        .collect();
    (!graph.is_empty()).then(|| json!({ "@context": "https://schema.org", "@graph": graph }))
}

/// One published review, as `Review` structured data shows it.
pub struct ReviewFacts<'a> {
    /// The name the author chose (never their e-mail).
    pub author: &'a str,
    pub rating: u8,
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    pub body: &'a str,
}

/// How many reviews the business's structured data carries in full.
pub const REVIEWS_IN_DATA: usize = 3;

/// Adds `sameAs`: the shop's pages on other sites (listings, social networks).
pub fn add_same_as(business: &mut Value, urls: &[String]) {
    if let (Some(object), false) = (business.as_object_mut(), urls.is_empty()) {
        object.insert("sameAs".into(), json!(urls));
    }
}

/// Adds `aggregateRating` (from `count` published reviews averaging `average`) and the first
/// [`REVIEWS_IN_DATA`] of `reviews` to a `LocalBusiness` object; nothing without reviews.
pub fn add_reviews(
    business: &mut Value,
    count: i64,
    average: Option<f64>,
    reviews: &[ReviewFacts],
) {
    let (Some(map), Some(average)) = (business.as_object_mut(), average) else {
        return;
    };
    if count <= 0 {
        return;
    }
    map.insert(
        "aggregateRating".into(),
        json!({
            "@type": "AggregateRating",
            "ratingValue": (average * 10.0).round() / 10.0,
            "reviewCount": count,
            "bestRating": 5,
            "worstRating": 1,
        }),
    );
    let items: Vec<Value> = reviews
        .iter()
        .take(REVIEWS_IN_DATA)
        .map(|r| {
            let mut review = Map::new();
            review.insert("@type".into(), json!("Review"));
            review.insert("author".into(), json!({ "@type": "Person", "name": r.author }));
            review.insert(
                "reviewRating".into(),
                json!({ "@type": "Rating", "ratingValue": r.rating, "bestRating": 5, "worstRating": 1 }),
            );
            review.insert("datePublished".into(), json!(r.date));
            if !r.body.trim().is_empty() {
                review.insert("reviewBody".into(), json!(r.body));
            }
            Value::Object(review)
        })
        .collect();
    if !items.is_empty() {
        map.insert("review".into(), Value::Array(items));
    }
}

/// JSON for a `<script type="application/ld+json">` block: `<` is escaped so that no text in
/// the data can close the script element.
pub fn script_json(value: &Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    #[test]
    fn origin_is_the_scheme_and_host() {
        assert_eq!(
            super::origin("https://habay.example/shops/x#business"),
            "https://habay.example"
        );
        assert_eq!(
            super::origin("http://127.0.0.1:3000/shops/x"),
            "http://127.0.0.1:3000"
        );
        assert_eq!(
            super::origin("https://habay.example"),
            "https://habay.example"
        );
    }
}
