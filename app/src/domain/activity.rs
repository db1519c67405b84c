//! What residents do, counted for the town's and the merchants' figures (issue 17): daily
//! counters per town, local day, metric and subject, never a row per person. A view, a tap, a
//! share or a poster scan counts once per visitor (the device's cookie, or without one the client
//! address) per subject per day; the "already counted" marks are keyed hashes with a salt drawn
//! for each day, and both are deleted two days later.

use sha2::{Digest, Sha256};

/// What is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// A shop's page opened by a person.
    ShopView,
    /// A district's page opened by a person.
    DistrictView,
    /// A post shown in a feed (the resident's, a shop's or a district's page).
    PostView,
    /// A shop's page opened from its window poster's QR code (`?follow=1`).
    PosterScan,
    /// A follow made by a device that scanned that shop's poster the same day.
    PosterFollow,
    /// A new follower (of a shop or a district).
    Follow,
    /// A follower who left.
    Unfollow,
    /// A post's notification tapped (reported by the service worker).
    PushOpen,
    /// A shop's page opened from a link shared with its "Partager" button (`?via=share`).
    Share,
}

impl Metric {
    pub const ALL: [Metric; 9] = [
        Metric::ShopView,
        Metric::DistrictView,
        Metric::PostView,
        Metric::PosterScan,
        Metric::PosterFollow,
        Metric::Follow,
        Metric::Unfollow,
        Metric::PushOpen,
        Metric::Share,
    ];

    /// The name stored in `daily_counts.metric`.
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::ShopView => "shop_view",
            Metric::DistrictView => "district_view",
            Metric::PostView => "post_view",
            Metric::PosterScan => "poster_scan",
            Metric::PosterFollow => "poster_follow",
            Metric::Follow => "follow",
            Metric::Unfollow => "unfollow",
            Metric::PushOpen => "push_open",
            Metric::Share => "share",
        }
    }

    pub fn parse(value: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.as_str() == value)
    }
}

/// One counter: a metric about a subject. Ids are 0 where there is none; a shop's counters also
/// name its district at the time, a post's its shop (or district) at the time, so that the
/// figures of a district or a shop add up without joins (and survive a deleted post).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tally {
    pub metric: Metric,
    pub district_id: i64,
    pub shop_id: i64,
    pub post_id: i64,
}

impl Tally {
    pub fn shop(metric: Metric, shop_id: i64, district_id: Option<i64>) -> Tally {
        Tally {
            metric,
            district_id: district_id.unwrap_or(0),
            shop_id,
            post_id: 0,
        }
    }

    pub fn district(metric: Metric, district_id: i64) -> Tally {
        Tally {
            metric,
            district_id,
            shop_id: 0,
            post_id: 0,
        }
    }

    pub fn post(post_id: i64, shop_id: Option<i64>, district_id: Option<i64>) -> Tally {
        Tally::post_metric(Metric::PostView, post_id, shop_id, district_id)
    }

    /// A metric about a post other than its views (a tap on its notification).
    pub fn post_metric(
        metric: Metric,
        post_id: i64,
        shop_id: Option<i64>,
        district_id: Option<i64>,
    ) -> Tally {
        Tally {
            metric,
            district_id: district_id.unwrap_or(0),
            shop_id: shop_id.unwrap_or(0),
            post_id,
        }
    }

    /// The subject's part of a mark: counted once per visitor per metric per subject.
    fn subject(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.metric.as_str(),
            self.district_id,
            self.shop_id,
            self.post_id
        )
    }
}

/// What a figure is about: the whole town, a district (its own page and posts, and its shops'),
/// a shop, or a post.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    Town,
    District(i64),
    Shop(i64),
    Post(i64),
}

/// One thing to count, once per `mark` (a keyed hash; see [`mark`]), or every time without one
/// (follows: a follow is saved once already).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub tally: Tally,
    pub mark: Option<String>,
}

/// The mark of `visitor` for `tally` on the day of `salt`: 128 bits of SHA-256 over the day's
/// secret salt, the visitor and the subject. Without the salt (deleted two days later) the
/// marks cannot be matched to a device or an address, even by trying every IPv4 address.
pub fn mark(salt: &str, visitor: &str, tally: &Tally) -> String {
    let mut hash = Sha256::new();
    for part in [salt, visitor, &tally.subject()] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    hex::encode(&hash.finalize()[..16])
}

/// Words in a `User-Agent` that name robots, link previewers and tools rather than a person's
/// browser. A request without one is not a person's either.
const ROBOT_WORDS: &[&str] = &[
    "bot",
    "crawl",
    "spider",
    "slurp",
    "preview",
    "facebookexternalhit",
    "embedly",
    "lighthouse",
    "pagespeed",
    "curl/",
    "wget/",
    "python",
    "go-http-client",
    "java/",
    "okhttp",
    "libwww",
    "httpclient",
    "axios/",
    "node-fetch",
    "monitor",
    "uptime",
    "scan",
];

/// Whether a `User-Agent` is a robot's (or missing).
pub fn is_robot(user_agent: Option<&str>) -> bool {
    let Some(ua) = user_agent.map(str::trim).filter(|ua| !ua.is_empty()) else {
        return true;
    };
    let ua = ua.to_ascii_lowercase();
    ROBOT_WORDS.iter().any(|w| ua.contains(w))
}

/// Whether a request's headers say it is not a person looking now: a prefetch or prerender
/// (`Sec-Purpose`, `Purpose`, `X-Moz`, `X-Purpose`), or a page fetched by the service worker
/// to keep it for offline reading (`Sec-Fetch-Mode` other than `navigate` on a page's address;
/// browsers that send no `Sec-Fetch-Mode` are taken at their word).
pub fn is_background(
    sec_purpose: Option<&str>,
    purpose: Option<&str>,
    sec_fetch_mode: Option<&str>,
) -> bool {
    let prefetch = |v: Option<&str>| {
        v.is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("prefetch") || v.contains("prerender") || v.contains("preview")
        })
    };
    prefetch(sec_purpose)
        || prefetch(purpose)
        || sec_fetch_mode.is_some_and(|mode| !mode.eq_ignore_ascii_case("navigate"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names_round_trip_and_are_distinct() {
        let names: std::collections::HashSet<_> = Metric::ALL.iter().map(|m| m.as_str()).collect();
        assert_eq!(names.len(), Metric::ALL.len());
        for metric in Metric::ALL {
            assert_eq!(Metric::parse(metric.as_str()), Some(metric));
        }
        assert_eq!(Metric::parse("views"), None);
    }

    #[test]
    fn marks_depend_on_salt_visitor_and_subject() {
        let shop = Tally::shop(Metric::ShopView, 7, Some(2));
        let a = mark("salt", "d:abc", &shop);
        assert_eq!(a, mark("salt", "d:abc", &shop));
        assert_eq!(a.len(), 32);
        assert_ne!(a, mark("other salt", "d:abc", &shop));
        assert_ne!(a, mark("salt", "d:abd", &shop));
        assert_ne!(
            a,
            mark("salt", "d:abc", &Tally::shop(Metric::ShopView, 8, Some(2)))
        );
        assert_ne!(
            a,
            mark(
                "salt",
                "d:abc",
                &Tally::shop(Metric::PosterScan, 7, Some(2))
            )
        );
        // Lengths are part of the hash: moving a character from one part to the next changes it.
        assert_ne!(mark("ab", "c", &shop), mark("a", "bc", &shop));
    }

    #[test]
    fn robots_and_tools_are_not_people() {
        for ua in [
            None,
            Some(""),
            Some("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
            Some("Mozilla/5.0 (compatible; bingbot/2.0)"),
            Some("facebookexternalhit/1.1"),
            Some("WhatsApp/2.23 link preview"),
            Some("curl/8.5.0"),
            Some("python-requests/2.31"),
            Some("Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse"),
        ] {
            assert!(is_robot(ua), "{ua:?}");
        }
        for ua in [
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        ] {
            assert!(!is_robot(Some(ua)), "{ua}");
        }
    }

    #[test]
    fn prefetches_and_background_fetches_are_not_views() {
        assert!(is_background(
            Some("prefetch;prerender"),
            None,
            Some("navigate")
        ));
        assert!(is_background(None, Some("prefetch"), None));
        assert!(is_background(None, None, Some("same-origin")));
        assert!(is_background(None, None, Some("cors")));
        assert!(!is_background(None, None, Some("navigate")));
        assert!(!is_background(None, None, None));
    }
}
