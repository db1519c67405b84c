//! What Quartier stores about people, why and for how long (shared: the page renders it). The privacy page (`/privacy`) is
//! written from [`RECORDS`] and [`COOKIES`], the purge job deletes with the durations defined
//! here, and a test checks that every table of the database is in [`RECORDS`]: the page cannot
//! drift from what the software keeps.

use serde::{Deserialize, Serialize};

/// Days a notification's delivery (which names a subscription and a resident) is kept as a
/// row; after that only the post's counts by outcome remain.
pub const DELIVERY_ROWS_DAYS: i64 = 30;
/// Days after which a phone's profile that follows nothing, has no notifications and wrote no
/// message is deleted (every visit without a cookie would otherwise leave one).
pub const IDLE_DEVICE_PROFILE_DAYS: i64 = 90;
/// Days after the last visit when a phone's profile without notifications is deleted with
/// its follows and settings: its cookie, which lasts a day less (the last visit is kept to the
/// day), has expired by then, so nobody can use them any more.
pub const FORGOTTEN_DEVICE_DAYS: i64 = DEVICE_COOKIE_DAYS + 1;
/// Days a private message (and its answer) is kept after the last exchange.
pub const MESSAGE_DAYS: i64 = 365;
/// Days an invitation is kept after it was used or expired, then deleted: the dashboard's
/// onboarding figures read them, over periods of up to two years compared with the two years
/// before.
pub const INVITATION_DAYS: i64 = 1463;
/// Days the push caps look back (a week, and a day's margin).
pub const CAP_LEDGER_DAYS: i64 = 8;
/// Days a notice (whose text may quote a message or a review) is kept once sent.
pub const NOTICE_DAYS: i64 = 1;
/// Days the daily counters' marks ("this phone was already counted today") and the day's salt
/// are kept: two days, as a town's day ends up to 12 hours after UTC's.
pub const DAILY_MARK_DAYS: i64 = 2;
/// Days a rate limit's window (keyed by a hash of the address) is kept.
pub const RATE_LIMIT_DAYS: i64 = 1;
/// Minutes a sign-in link is valid (then deleted).
pub const SIGN_IN_LINK_MINUTES: i64 = 15;
/// Days a session lasts without being used.
pub const SESSION_DAYS: i64 = 30;
/// Days the device cookie lasts (browsers cap cookies at 400 days).
pub const DEVICE_COOKIE_DAYS: i64 = 400;
/// Days the language cookie lasts.
pub const LANGUAGE_COOKIE_DAYS: i64 = 365;

/// How long something is kept: a duration whose figure comes from the constants above (the
/// text `privacy.keep.{key}` says from when, with `{n}`), or until someone removes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Keep {
    pub key: &'static str,
    pub n: i64,
}

const fn keep(key: &'static str, n: i64) -> Keep {
    Keep { key, n }
}

/// One kind of data: its texts are `privacy.record.{key}.what` and `.why`; `tables` are the
/// database tables that hold it; `personal` is false for what the town and the shops publish
/// and for counts that name no one.
#[derive(Clone, Copy, Debug)]
pub struct Record {
    pub key: &'static str,
    pub personal: bool,
    pub tables: &'static [&'static str],
    pub keep: &'static [Keep],
}

/// Everything the database holds, by kind.
pub const RECORDS: &[Record] = &[
    Record {
        key: "device",
        personal: true,
        tables: &[
            "device_profiles",
            "shop_follows",
            "district_follows",
            "push_settings",
            "review_useful",
        ],
        keep: &[
            keep("device_idle", IDLE_DEVICE_PROFILE_DAYS),
            keep("device_forgotten", FORGOTTEN_DEVICE_DAYS),
        ],
    },
    Record {
        key: "subscriptions",
        personal: true,
        tables: &["push_subscriptions"],
        keep: &[keep("subscription", 0)],
    },
    Record {
        key: "deliveries",
        personal: true,
        tables: &[
            "push_jobs",
            "push_deliveries",
            "push_cap_ledger",
            "push_notices",
        ],
        keep: &[
            keep("deliveries", DELIVERY_ROWS_DAYS),
            keep("cap_ledger", CAP_LEDGER_DAYS),
            keep("notices", NOTICE_DAYS),
        ],
    },
    Record {
        key: "account",
        personal: true,
        tables: &[
            "users",
            "sessions",
            "passkeys",
            "passkey_ceremonies",
            "sign_in_links",
        ],
        keep: &[
            keep("account", 0),
            keep("sessions", SESSION_DAYS),
            keep("sign_in_links", SIGN_IN_LINK_MINUTES),
        ],
    },
    Record {
        key: "roles",
        personal: true,
        tables: &[
            "town_admins",
            "shop_members",
            "district_stewards",
            "invitations",
            "shop_notes",
        ],
        keep: &[keep("roles", 0), keep("invitations", INVITATION_DAYS)],
    },
    Record {
        key: "reviews",
        personal: true,
        tables: &[
            "reviews",
            "review_versions",
            "review_replies",
            "review_reports",
            "moderation_log",
        ],
        keep: &[keep("reviews", 0), keep("moderation", 0)],
    },
    Record {
        key: "messages",
        personal: true,
        tables: &["messages"],
        keep: &[keep("messages", MESSAGE_DAYS)],
    },
    Record {
        key: "counters",
        personal: false,
        tables: &[
            "daily_counts",
            "daily_marks",
            "daily_salts",
            "push_delivery_tallies",
        ],
        keep: &[keep("counters", 0), keep("daily_marks", DAILY_MARK_DAYS)],
    },
    Record {
        key: "security",
        personal: true,
        tables: &["rate_limits"],
        keep: &[keep("rate_limits", RATE_LIMIT_DAYS)],
    },
    Record {
        key: "public",
        personal: false,
        tables: &[
            "towns",
            "districts",
            "shops",
            "shops_fts",
            "posts",
            "post_shops",
            "town_vapid_keys",
        ],
        keep: &[keep("public", 0)],
    },
];

/// The cookies Quartier sets, all first-party and none for tracking: name, text key
/// (`privacy.cookie.{key}`) and lifetime.
pub const COOKIES: &[(&str, &str, Keep)] = &[
    (
        "quartier_device",
        "device",
        keep("cookie_days", DEVICE_COOKIE_DAYS),
    ),
    (
        "quartier_session",
        "session",
        keep("cookie_days", SESSION_DAYS),
    ),
    (
        "quartier_sign_in",
        "sign_in",
        keep("cookie_minutes", SIGN_IN_LINK_MINUTES),
    ),
    (
        "quartier_lang",
        "lang",
        keep("cookie_days", LANGUAGE_COOKIE_DAYS),
    ),
];

/// The record that lists `table`, if any.
pub fn record_of(table: &str) -> Option<&'static Record> {
    RECORDS.iter().find(|r| r.tables.contains(&table))
}

/// Everything Quartier keeps about one phone (or the phone of a signed-in account) and, when
/// signed in, the account: what "Mes données" downloads, as JSON. Dates are RFC 3339 (UTC).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct PersonalData {
    pub town: String,
    pub generated_at: String,
    pub device: Option<DeviceData>,
    pub account: Option<AccountData>,
    /// Signed out on a phone whose follows belong to an account: they are the account's, shown
    /// and erased only once signed in.
    #[serde(default)]
    pub account_profile_hidden: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct DeviceData {
    pub created_at: String,
    pub last_seen_at: String,
    pub followed_shops: Vec<FollowData>,
    pub followed_districts: Vec<FollowData>,
    pub notification_settings: Option<NotificationSettingsData>,
    pub push_subscriptions: Vec<SubscriptionData>,
    /// Notifications sent to this phone in the last [`DELIVERY_ROWS_DAYS`] days.
    pub notifications: Vec<NotificationData>,
    pub reviews_found_useful: Vec<UsefulData>,
    pub reports: Vec<ReportData>,
    pub messages: Vec<MessageData>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FollowData {
    pub slug: String,
    pub name: String,
    /// `all`, `events` or `none`: which posts notify.
    pub notify: String,
    pub since: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct NotificationSettingsData {
    /// Minutes after midnight.
    pub quiet_start: Option<i32>,
    pub quiet_end: Option<i32>,
    pub shop_pushes_per_day: Option<i32>,
    pub district_pushes_per_week: Option<i32>,
    pub updated_at: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SubscriptionData {
    /// The address the browser's push service gave (it names no person).
    pub endpoint: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct NotificationData {
    pub post_title: String,
    /// pending, delivered, capped, failed or gone.
    pub state: String,
    pub created_at: String,
    pub finished_at: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct UsefulData {
    pub review_id: i64,
    pub shop: String,
    pub at: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ReportData {
    pub review_id: i64,
    pub target: String,
    pub reason: String,
    pub details: String,
    pub created_at: String,
    pub resolved_at: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct MessageData {
    /// The shop's or the district's name.
    pub to: String,
    pub body: String,
    pub email: Option<String>,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub answer: Option<String>,
    pub answered_at: Option<String>,
    pub closed_at: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct AccountData {
    pub email: String,
    /// The name shown with the account's reviews.
    pub display_name: Option<String>,
    pub created_at: String,
    pub last_sign_in_at: Option<String>,
    pub administrator: bool,
    pub shops: Vec<RoleData>,
    pub districts: Vec<RoleData>,
    pub passkeys: Vec<PasskeyData>,
    pub sessions: Vec<SessionData>,
    pub reviews: Vec<ReviewData>,
    /// Posts the account wrote for a shop or a district (they stay the shop's if the account
    /// goes, without its name).
    pub posts_written: Vec<WrittenData>,
    /// Replies to reviews the account wrote for a shop.
    pub replies_written: Vec<WrittenData>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct WrittenData {
    /// The shop's or the district's name.
    pub for_whom: String,
    /// A post's title, or a reply's text.
    pub text: String,
    pub at: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct RoleData {
    pub slug: String,
    pub name: String,
    /// owner, staff or steward.
    pub role: String,
    pub since: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct PasskeyData {
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SessionData {
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ReviewData {
    pub id: i64,
    pub shop: String,
    pub rating: i32,
    pub body: String,
    pub visited_on: Option<String>,
    pub status: String,
    /// Why a moderator held or hid it.
    pub status_reason: Option<String>,
    pub created_at: String,
    pub edited_at: Option<String>,
    /// Earlier versions, oldest first.
    pub versions: Vec<ReviewVersionData>,
    pub reply: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ReviewVersionData {
    pub rating: i32,
    pub body: String,
    pub visited_on: Option<String>,
    pub written_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn invitations_outlive_the_dashboards_longest_comparison() {
        assert_eq!(
            INVITATION_DAYS,
            2 * crate::domain::dashboard::MAX_PERIOD_DAYS + 1
        );
    }

    #[test]
    fn each_table_is_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for record in RECORDS {
            assert!(!record.keep.is_empty(), "{} says how long", record.key);
            for table in record.tables {
                assert!(seen.insert(*table), "{table} is listed twice");
            }
        }
        assert_eq!(record_of("messages").map(|r| r.key), Some("messages"));
        assert!(record_of("nothing").is_none());
    }

    /// The page builds its keys from the records: each must be written in every language.
    #[cfg(not(feature = "hydrate"))]
    #[test]
    fn every_text_of_the_page_is_translated() {
        let mut keys = Vec::new();
        for record in RECORDS {
            keys.push(format!("privacy.record.{}.what", record.key));
            keys.push(format!("privacy.record.{}.why", record.key));
            keys.extend(
                record
                    .keep
                    .iter()
                    .map(|k| format!("privacy.keep.{}", k.key)),
            );
        }
        for (_, key, keep) in COOKIES {
            keys.push(format!("privacy.cookie.{key}"));
            keys.push(format!("privacy.keep.{}", keep.key));
        }
        // The page's own texts (the pages' file asks for these).
        let page = include_str!("../pages/privacy.rs");
        for quoted in page
            .split("locale.t(\"")
            .skip(1)
            .chain(page.split("locale.tf(\"").skip(1))
        {
            keys.push(quoted[..quoted.find('"').unwrap()].to_owned());
        }
        for quoted in page.split("{ \"my_data.").skip(1) {
            keys.push(format!("my_data.{}", &quoted[..quoted.find('"').unwrap()]));
        }
        assert!(keys.iter().any(|k| k == "privacy.rights_text"), "{keys:?}");
        for locale in crate::i18n::Locale::all() {
            for key in &keys {
                assert!(locale.has(key), "{key} in {}", locale.code());
                let text = locale.t(key);
                let durations = keep_of(key).map_or(0, |k| k.n);
                assert_eq!(
                    text.contains("{n}"),
                    durations != 0,
                    "{key} in {} says its duration",
                    locale.code()
                );
            }
        }
    }

    #[cfg(not(feature = "hydrate"))]
    fn keep_of(key: &str) -> Option<Keep> {
        let name = key.strip_prefix("privacy.keep.")?;
        RECORDS
            .iter()
            .flat_map(|r| r.keep.iter())
            .chain(COOKIES.iter().map(|(_, _, k)| k))
            .find(|k| k.key == name)
            .copied()
    }
}
