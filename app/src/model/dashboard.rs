//! What the dashboard of a town or a district shows (`/dashboard`).

use serde::{Deserialize, Serialize};

use super::ManageCount;

/// Figures about fewer people than this are shown as "< 5": nobody can be singled out.
pub const PRIVACY_THRESHOLD: i64 = 5;

/// A figure as the dashboard may show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shown {
    Count(i64),
    /// 1 to 4 people: "< 5".
    FewerThanFive,
}

impl Shown {
    /// A count of people (followers, visitors, scans): 1 to 4 hidden.
    pub fn people(n: i64) -> Shown {
        if (1..PRIVACY_THRESHOLD).contains(&n) {
            Shown::FewerThanFive
        } else {
            Shown::Count(n)
        }
    }

    pub fn count(self) -> Option<i64> {
        match self {
            Shown::Count(n) => Some(n),
            Shown::FewerThanFive => None,
        }
    }

    /// As a cell of a table or CSV: the number, or `< 5`.
    pub fn text(self) -> String {
        match self {
            Shown::Count(n) => n.to_string(),
            Shown::FewerThanFive => format!("< {PRIVACY_THRESHOLD}"),
        }
    }

    /// The change from `previous`, when both are exact.
    pub fn change(self, previous: Shown) -> Option<i64> {
        Some(self.count()? - previous.count()?)
    }
}

/// A link to another period or scope of the dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardLink {
    /// Its text's key (`dashboard.period.last_30_days`), or a district's name.
    pub label: String,
    /// The query string (`from=…&to=…`, `district=…`).
    pub query: String,
    pub current: bool,
}

/// One headline figure, this period and the previous one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardFigure {
    /// `dashboard.figure.{key}`.
    pub key: String,
    pub value: Shown,
    /// `None` where there is nothing to compare with (followers now).
    pub previous: Option<Shown>,
}

/// One day of the trend chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Pages and posts seen (shop, district and post views).
    pub views: Shown,
    /// New follows.
    pub follows: Shown,
    /// Notifications tapped (once per phone per post).
    pub opened: Shown,
    /// Shops' pages shared.
    pub shares: Shown,
}

/// A district's line of the districts' table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardDistrict {
    pub slug: String,
    pub name: String,
    pub shops: usize,
    /// Residents following the district or one of its shops.
    pub followers: Shown,
    pub views: Shown,
    pub posts: i64,
    pub average_visibility: Option<u8>,
}

/// A shop's line of the shops' table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardShop {
    pub slug: String,
    pub name: String,
    pub district: Option<String>,
    pub followers: Shown,
    pub new_follows: Shown,
    pub views: Shown,
    pub poster_scans: Shown,
    pub poster_follows: Shown,
    pub shares: Shown,
    pub posts: i64,
    pub reviews: i64,
    /// Average rating in tenths (43 = 4.3).
    pub rating_tenths: Option<i64>,
    pub visibility: u8,
    /// Its onboarding step (`manage.step_label.{step}`).
    pub step: String,
}

/// Posts by kind, this period and the previous one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCount {
    /// `offer`, `event`, `news`.
    pub kind: String,
    pub count: i64,
    pub previous: i64,
}

/// The dashboard of the town or of one district over a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardView {
    /// The town's or the district's name.
    pub scope_name: String,
    /// The district shown (`None`: the whole town).
    pub district: Option<String>,
    /// Where else the viewer may look: the town (admins) and their districts.
    pub scopes: Vec<DashboardLink>,
    /// `YYYY-MM-DD`, both included.
    pub from: String,
    pub to: String,
    pub previous_from: String,
    pub previous_to: String,
    /// The period asked for could not be shown (translated); the last 30 days are.
    pub period_error: Option<String>,
    pub periods: Vec<DashboardLink>,
    pub figures: Vec<DashboardFigure>,
    pub posts: Vec<KindCount>,
    /// Average rating of the period's reviews in tenths, and the share answered.
    pub rating_tenths: Option<i64>,
    pub answered_percent: Option<u8>,
    /// Notifications tapped per notification delivered, in per cent.
    pub open_rate_percent: Option<u8>,
    pub trend: Vec<TrendDay>,
    /// Average visibility and how many shops score 0–24, 25–49, 50–74, 75–100.
    pub average_visibility: Option<u8>,
    pub visibility_bands: [usize; 4],
    /// Shops at each onboarding step.
    pub funnel: Vec<ManageCount>,
    /// Shops in view, and how many have a merchant.
    pub shop_count: usize,
    pub claimed: usize,
    pub districts: Vec<DashboardDistrict>,
    pub shops: Vec<DashboardShop>,
    /// The column the shops are sorted by.
    pub sort: String,
}

/// The monthly report for elected officials: the month's dashboard and what the stewards did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthlyReportView {
    pub dashboard: DashboardView,
    /// `YYYY-MM`, and the month before.
    pub month: String,
    pub previous_month: String,
    /// The month asked for could not be read (translated); the last whole month is shown.
    pub month_error: Option<String>,
    /// The twelve months before this one and this one, newest first.
    pub months: Vec<DashboardLink>,
    /// Today, `YYYY-MM-DD` (when the report was made).
    pub made_on: String,
    /// The shops' and districts' pages seen this month and the month before.
    pub page_views: Shown,
    pub previous_page_views: Shown,
    pub invitations: i64,
    pub accepted: i64,
    pub district_posts: i64,
    pub posts_on_behalf: i64,
}
