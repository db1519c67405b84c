//! The storage port of reviews: [`ReviewStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::reviews::{
    ModerationAction, NewReview, Reply, ReportReason, Review, ReviewPart, ReviewStats,
    ReviewStatus, ReviewSummary,
};

/// An open report, as the moderation queue lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenReport {
    pub id: i64,
    pub part: ReviewPart,
    pub reason: ReportReason,
    pub details: String,
    pub created_at: DateTime<Utc>,
}

/// A review waiting for a moderator: held, or reported (it or its reply).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModerationItem {
    pub review: Review,
    pub reports: Vec<OpenReport>,
}

/// A moderator's decision, as the log keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModerationDecision {
    pub review_id: Option<i64>,
    pub shop_id: Option<i64>,
    pub part: ReviewPart,
    pub action: ModerationAction,
    pub reason: String,
    pub actor_user_id: Option<i64>,
    /// The moderator's e-mail address (the log is for admins).
    pub actor_email: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A moderator's decision to apply to a review or its reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDecision {
    pub part: ReviewPart,
    pub action: ModerationAction,
    /// Shown to the author when hiding; may be empty otherwise.
    pub reason: String,
    pub actor_user_id: i64,
}

/// An earlier version of a review (for moderators).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewVersion {
    pub content: NewReview,
    pub written_at: DateTime<Utc>,
}

/// The town's rules for new reviews.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReviewSettings {
    /// Hold a new account's first review for a moderator.
    pub hold_first: bool,
    /// Minutes an account must exist before it may review (0: none).
    pub min_account_minutes: i64,
}

/// Reviews of shops, their replies, "useful" marks, reports and moderation.
#[async_trait]
pub trait ReviewStore: Send + Sync {
    /// Writes the account's review of a shop of the town, or replaces it (the previous text is
    /// kept as a version, and the review says it was edited), with the given status; a review
    /// being replaced that is not published (held, or hidden by a moderator) becomes held.
    /// `None` if the shop is not of the town. Returns the review and whether it is new.
    async fn save_review(
        &self,
        town_id: i64,
        shop_id: i64,
        user_id: i64,
        review: &NewReview,
        status: ReviewStatus,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Review, bool)>>;

    async fn review_by_id(&self, town_id: i64, id: i64) -> StoreResult<Option<Review>>;

    /// The account's review of a shop, whatever its status.
    async fn user_review(&self, shop_id: i64, user_id: i64) -> StoreResult<Option<Review>>;

    /// Every review the account wrote in the town, newest first.
    async fn user_reviews(&self, town_id: i64, user_id: i64) -> StoreResult<Vec<Review>>;

    /// The folded texts of the account's other reviews (all statuses), to find near-duplicates.
    async fn user_review_fingerprints(
        &self,
        user_id: i64,
        except_shop_id: i64,
    ) -> StoreResult<Vec<String>>;

    /// A shop's published reviews, newest first, `offset` of them skipped.
    async fn shop_reviews(&self, shop_id: i64, offset: i64, limit: i64)
        -> StoreResult<Vec<Review>>;

    /// A shop's published reviews for its counter, newest first; with `unanswered`, only those
    /// without a reply (or whose reply a moderator hid).
    async fn review_inbox(
        &self,
        shop_id: i64,
        unanswered: bool,
        limit: i64,
    ) -> StoreResult<Vec<Review>>;

    /// The count and distribution of a shop's published reviews.
    async fn review_summary(&self, shop_id: i64) -> StoreResult<ReviewSummary>;

    /// A shop's figures: its summary, reviews published since `month_start`, replies and the
    /// median time to reply.
    async fn review_stats(
        &self,
        shop_id: i64,
        month_start: DateTime<Utc>,
    ) -> StoreResult<ReviewStats>;

    /// Deletes the account's review (with its reply and reports); `false` if there was none.
    async fn delete_review(&self, user_id: i64, id: i64) -> StoreResult<bool>;

    /// Writes or replaces the shop's reply to a review; `None` if there is no such review.
    async fn save_reply(
        &self,
        review_id: i64,
        body: &str,
        author_user_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Reply>>;

    /// Deletes the reply to a review; `false` if there was none, or if a moderator hid it (it
    /// stays, hidden, until they restore it).
    async fn delete_reply(&self, review_id: i64) -> StoreResult<bool>;

    /// Marks a review useful for a device; `false` if that device had already.
    async fn mark_useful(
        &self,
        review_id: i64,
        profile_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// The reviews among `review_ids` that a device marked useful.
    async fn useful_marks(&self, profile_id: i64, review_ids: &[i64]) -> StoreResult<Vec<i64>>;

    /// Reports a review or its reply from a device; `false` if that device had already
    /// reported it (an open or closed report).
    async fn report_review(
        &self,
        review_id: i64,
        part: ReviewPart,
        reason: ReportReason,
        details: &str,
        profile_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Reviews of the town's shops (of `shop_ids` only, when given) for moderators: held ones,
    /// those with open reports on them or their reply, and those hidden (or whose reply is) to
    /// restore; oldest first.
    async fn moderation_queue(
        &self,
        town_id: i64,
        shop_ids: Option<&[i64]>,
    ) -> StoreResult<Vec<ModerationItem>>;

    /// Applies a moderator's decision on a review or its reply, closes the open reports about
    /// that part and writes the log, in one transaction: `hide` (with the reason shown to the
    /// author), `restore` or `publish` (shown again), `dismiss` (reports closed, nothing
    /// changes). `false` if the review (or its reply) does not exist in the town.
    async fn moderate(
        &self,
        town_id: i64,
        review_id: i64,
        decision: &NewDecision,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// The town's moderation decisions, newest first.
    async fn moderation_log(
        &self,
        town_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<ModerationDecision>>;

    /// Whether a moderator ever hid a review this account wrote of this shop (one written again
    /// after the hidden one was deleted waits for them).
    async fn hidden_before(&self, shop_id: i64, user_id: i64) -> StoreResult<bool>;

    /// The earlier versions of a review, oldest first.
    async fn review_versions(&self, review_id: i64) -> StoreResult<Vec<ReviewVersion>>;

    /// The name the account chose for its reviews (`None`: the default).
    async fn set_display_name(&self, user_id: i64, name: Option<&str>) -> StoreResult<()>;

    /// The name the account chose, if any.
    async fn display_name(&self, user_id: i64) -> StoreResult<Option<String>>;

    async fn review_settings(&self, town_id: i64) -> StoreResult<ReviewSettings>;

    async fn set_review_settings(&self, town_id: i64, settings: ReviewSettings) -> StoreResult<()>;
}
