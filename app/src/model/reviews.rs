//! What pages show of reviews: a shop's summary and list, the merchant's inbox, the moderation
//! queue, the resident's own reviews.

use serde::{Deserialize, Serialize};

/// The reasons a review can be reported for (`domain::reviews::ReportReason`'s names).
pub const REPORT_REASONS: [&str; 6] = [
    "insult",
    "personal_data",
    "spam",
    "conflict_of_interest",
    "off_topic",
    "other",
];

/// A calendar day, for "28 novembre 2026".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    /// `YYYY-MM-DD`, for `<time datetime>`.
    pub iso: String,
    pub day: u8,
    /// 1 = January.
    pub month: u8,
    pub year: i32,
}

/// One bar of the distribution: how many reviews gave `stars`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingBar {
    pub stars: u8,
    pub count: i64,
    /// Share of all reviews, 0–100.
    pub percent: i64,
}

/// A shop's published reviews in figures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReviewSummaryView {
    pub count: i64,
    /// The mean rating, rounded to one decimal.
    pub average: Option<f64>,
    /// Five stars first.
    pub bars: Vec<RatingBar>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyView {
    pub body: String,
    pub date: CalendarDay,
    pub edited: Option<CalendarDay>,
    /// Hidden by a moderator (shown only to the shop's team, with the reason).
    pub hidden_reason: Option<String>,
}

/// A review as a page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewView {
    pub id: i64,
    pub author: String,
    pub rating: u8,
    pub body: String,
    pub visited_on: Option<CalendarDay>,
    pub date: CalendarDay,
    pub edited: Option<CalendarDay>,
    pub reply: Option<ReplyView>,
    pub useful: i64,
    /// This device marked it useful.
    pub marked_useful: bool,
    /// `published`, `held` or `hidden` (the author's and moderators' views).
    pub status: String,
    pub status_reason: Option<String>,
    /// The shop's name and page (lists across shops).
    pub shop_name: String,
    pub shop_slug: String,
}

/// Whether the visitor may write a review here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewAccess {
    /// Not signed in: the form leads to the sign-in, keeping what was typed.
    SignIn,
    /// A member of the shop's team.
    OwnShop,
    Allowed,
}

/// The reviews part of a shop page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShopReviews {
    pub summary: ReviewSummaryView,
    /// Published reviews, newest first (the signed-in author's own one included).
    pub reviews: Vec<ReviewView>,
    /// The `reviews` page parameter that shows more, if there are more.
    pub more_pages: Option<u32>,
    pub access: ReviewAccess,
    /// The signed-in account's review of this shop, whatever its status.
    pub mine: Option<ReviewView>,
    /// The name the account's reviews are signed with.
    pub display_name: Option<String>,
    /// The shop's "write a review" page on Google Maps, when the merchant gave its place.
    pub google_review_url: Option<String>,
    /// Today in the town, `YYYY-MM-DD` (the visit date's upper bound).
    pub today: String,
}

/// A shop's reviews on its counter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewInbox {
    pub summary: ReviewSummaryView,
    pub reviews: Vec<ReviewView>,
    /// Published reviews without a reply.
    pub unanswered: i64,
    /// Published this month.
    pub this_month: i64,
    /// Replied reviews in percent.
    pub reply_rate: Option<i64>,
    /// Median time to reply, in hours.
    pub median_reply_hours: Option<i64>,
    /// Only the unanswered ones are listed.
    pub only_unanswered: bool,
}

/// An open report, for moderators.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    /// `review` or `reply`.
    pub part: String,
    /// The reason's key (`insult`, `personal_data`…).
    pub reason: String,
    pub details: String,
    pub date: CalendarDay,
}

/// A review waiting for a decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationItemView {
    pub review: ReviewView,
    pub reports: Vec<ReportView>,
    /// Earlier versions' texts, oldest first.
    pub versions: Vec<String>,
}

/// A decision in the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionView {
    pub date: CalendarDay,
    pub time: String,
    pub moderator: String,
    pub shop_name: String,
    pub part: String,
    pub action: String,
    pub reason: String,
}

/// The moderation page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationView {
    pub items: Vec<ModerationItemView>,
    /// Admins only.
    pub log: Option<Vec<DecisionView>>,
}

/// "Mes avis" on the account page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyReviews {
    pub display_name: String,
    /// The account chose it (else it is the default).
    pub chosen: bool,
    pub reviews: Vec<ReviewView>,
}
