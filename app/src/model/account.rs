//! What the account, counter, invitation and management screens show.

use serde::{Deserialize, Serialize};

use super::{DistrictLink, PostView, ShopSummary};

/// The signed-in user, as the interface needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub email: String,
    pub admin: bool,
    /// Shops whose counter this user may open (their own; a steward's come from `/manage`).
    pub shops: Vec<ShopLink>,
    /// Districts this user stewards.
    pub districts: Vec<DistrictLink>,
}

impl Me {
    /// Has something to manage: the counter or the shops list.
    pub fn has_duties(&self) -> bool {
        self.admin || !self.shops.is_empty() || !self.districts.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopLink {
    pub slug: String,
    pub name: String,
    /// `owner` or `staff`.
    pub role: String,
}

/// What the page of a sign-in link asks before signing in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInLinkView {
    /// Opened in another browser than the one that asked for the link, which follows shops or
    /// districts: whether to add them to the account is asked.
    pub ask_to_merge: bool,
    /// How many shops and districts this browser follows.
    pub follows: usize,
}

/// A sign-in link went out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInSent {
    /// `m…@habay.be`.
    pub masked_email: String,
    pub minutes_valid: i64,
}

/// The counter form (new or edited post), as fields of an HTML form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostForm {
    /// `offer`, `event` or `news`.
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// Offers: `YYYY-MM-DD`.
    #[serde(default)]
    pub valid_from: Option<String>,
    #[serde(default)]
    pub valid_until: Option<String>,
    /// Events: `YYYY-MM-DDTHH:MM`, local time.
    #[serde(default)]
    pub starts_at: Option<String>,
    #[serde(default)]
    pub ends_at: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    /// Schedule: `YYYY-MM-DDTHH:MM`; empty = now.
    #[serde(default)]
    pub publish_at: Option<String>,
    /// Chosen once per post by the form, so that a resent form publishes once.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// A district's post: notify the followers of its shops too (of the co-organisers, if any).
    #[serde(default)]
    pub notify_shop_followers: bool,
    /// A district's post: the shops of the district that co-organise it (their ids).
    #[serde(default)]
    pub co_organisers: Vec<i64>,
}

/// Where a merchant's post stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PostStatus {
    Scheduled,
    Live,
    /// An offer past its validity, or an event that is over.
    Ended,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterPost {
    pub post: PostView,
    pub status: PostStatus,
    /// How many times it was shown in feeds and on pages.
    pub views: i64,
    /// How its notifications went (`None` before any was queued).
    pub push: Option<PushSummary>,
    /// The post as form values, for editing.
    pub form: PostForm,
}

/// A post's notifications, for its merchant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSummary {
    /// Phones and browsers it was meant for.
    pub targeted: i64,
    /// Accepted by their push services.
    pub delivered: i64,
    /// Still to go (quiet hours, retries).
    pub pending: i64,
    /// Not sent: the resident had had their share of pushes (the post is in their feed).
    pub capped: i64,
    /// Given up after retrying for a day.
    pub failed: i64,
    /// Subscriptions their push service said were gone (deleted).
    pub pruned: i64,
    /// Taps on the notification.
    pub clicks: i64,
}

#[cfg(feature = "ssr")]
impl From<crate::domain::push::PushSummary> for PushSummary {
    fn from(s: crate::domain::push::PushSummary) -> PushSummary {
        // Taken apart whole: a field added to the record fails to compile here until mapped.
        let crate::domain::push::PushSummary {
            targeted,
            delivered,
            pending,
            capped,
            failed,
            pruned,
            clicks,
        } = s;
        PushSummary {
            targeted,
            delivered,
            pending,
            capped,
            failed,
            pruned,
            clicks,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub user_id: i64,
    pub email: String,
    /// `owner` or `staff`.
    pub role: String,
    pub is_me: bool,
}

/// A merchant's view of their shop: posting, its posts, its numbers, its team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterView {
    pub shop: ShopSummary,
    /// The user is a steward or admin acting for the shop.
    pub on_behalf: bool,
    pub posts: Vec<CounterPost>,
    pub followers: i64,
    pub new_followers_week: i64,
    /// Phones and browsers the shop's next offer would be pushed to.
    pub push_reach: i64,
    /// The shop's notifications queued in the last 30 days.
    pub push_month: PushSummary,
    /// A blank form: a fresh idempotency key and the default offer dates.
    pub blank: PostForm,
    /// `None` when the user may not see the team.
    pub team: Option<Vec<TeamMember>>,
    pub can_invite_staff: bool,
    /// Published reviews of the shop without a reply.
    pub reviews_to_answer: i64,
    /// Private messages waiting for an answer.
    pub messages_to_answer: i64,
    /// The shop's "visibilité": its score and checklist.
    pub visibility: VisibilityView,
}

/// A district's counter, for its stewards: broadcasting as the district, its posts and reach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictCounterView {
    pub district: DistrictLink,
    pub posts: Vec<CounterPost>,
    /// Residents following the district itself.
    pub followers: i64,
    /// Residents following the district or one of its shops (each once).
    pub with_shop_followers: i64,
    /// Phones and browsers the district's next event is pushed to: its followers', and with its
    /// shops' followers.
    pub push_reach: i64,
    pub push_reach_with_shops: i64,
    /// A blank form: a fresh idempotency key and the default offer dates.
    pub blank: PostForm,
    /// The district's shops, the possible co-organisers (by name).
    pub shops: Vec<ShopChoice>,
    /// Private messages to the district waiting for an answer.
    pub messages_to_answer: i64,
}

/// A shop one can pick in a form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopChoice {
    pub id: i64,
    pub name: String,
}

/// A shop's "visibilité" (0–100) and what makes it: missing items first, each with where to
/// fix it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisibilityView {
    pub score: u8,
    pub items: Vec<VisibilityItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisibilityItem {
    /// `hours`, `photo`… (`visibility.item.{key}`).
    pub key: String,
    pub done: bool,
    /// What it adds to the score.
    pub points: u8,
    /// Where to fix it (the profile's field, the composer, the reviews to answer).
    pub href: String,
}

/// A freshly made invitation: its link is shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationCreated {
    pub url: String,
    /// The link as a QR code (SVG markup made by the server).
    pub qr_svg: String,
    /// Local date, `YYYY-MM-DD`.
    pub expires_on: String,
}

/// One card of a printed sheet of invitations: a shop's owner invitation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationCard {
    pub shop_name: String,
    pub address_line: String,
    pub url: String,
    pub qr_svg: String,
    /// Local date, `YYYY-MM-DD`.
    pub expires_on: String,
}

/// A printed sheet of invitations (one card per shop without a merchant).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationSheet {
    /// The district's or the town's name.
    pub title: String,
    pub cards: Vec<InvitationCard>,
    /// Shops without a merchant in all (more than the cards past the sheet's limit).
    pub waiting: usize,
}

/// How long an invitation link stays valid, in days.
pub const INVITATION_DAYS: i64 = 14;

/// The longest note a steward may keep about a shop, in characters.
pub const NOTE_MAX_CHARS: usize = 500;

/// What an invitation link leads to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    /// `owner`, `staff`, `steward` or `admin`.
    pub role: String,
    /// The shop, district or town it is for.
    pub target_name: String,
    pub open: bool,
    pub signed_in_as: Option<String>,
}

/// An invitation waiting to be used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenInvitation {
    pub id: i64,
    pub role: String,
    pub target_name: String,
    pub expires_on: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedShop {
    pub slug: String,
    pub name: String,
    pub address_line: Option<String>,
    pub has_merchant: bool,
    pub invitation_pending: bool,
    /// Its "visibilité", 0–100.
    pub visibility: u8,
    /// Its onboarding step (`imported`, `invited`, … `manage.step.{key}`).
    pub step: String,
    pub has_hours: bool,
    pub has_photo: bool,
    /// Its owner's invitation is open and older than [`STALE_INVITATION_DAYS`] days.
    pub stale_invitation: bool,
    /// The stewards' note about it, and the local date (`YYYY-MM-DD`) it was last changed.
    pub note: Option<String>,
    pub note_on: Option<String>,
}

/// An invitation older than this, still unused, is on the steward's to-do list.
pub const STALE_INVITATION_DAYS: i64 = 7;

/// A count on `/manage` with the filter that lists its shops (`?step=invited`, `?todo=no_hours`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManageCount {
    /// `step=invited`, `todo=no_hours`…
    pub filter: String,
    /// The text's key (`manage.step.invited`, `manage.todo.no_hours`).
    pub key: String,
    pub count: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedDistrict {
    /// `None`: shops outside any district (admins only).
    pub slug: Option<String>,
    pub name: String,
    pub shops: Vec<ManagedShop>,
    /// The average visibility of its shops (`None` without shops).
    pub average_visibility: Option<u8>,
    /// Its shops without a merchant (all of them, whatever the filter).
    pub waiting: usize,
}

/// The shops a steward or admin onboards.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManageView {
    pub admin: bool,
    pub districts: Vec<ManagedDistrict>,
    pub invitations: Vec<OpenInvitation>,
    pub claimed: usize,
    pub total: usize,
    /// The town's push defaults (administrators only).
    pub town_push: Option<TownPushView>,
    /// The town's rules for new reviews (administrators only).
    pub review_rules: Option<ReviewRulesView>,
    /// How many shops are at each onboarding step (all of them, before any filter).
    pub steps: Vec<ManageCount>,
    /// The steward's to-do list: only what has shops.
    pub todos: Vec<ManageCount>,
    /// The filter the districts' lists are limited to (`step=invited`…), if any.
    pub filter: Option<String>,
}

/// The town's rules for new reviews, as the admins' form shows them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRulesView {
    /// A new account's first review waits for a moderator.
    pub hold_first: bool,
    /// Minutes an account must exist before it may review (0: none).
    pub min_account_minutes: i64,
}

/// Quiet hours and limits as a form shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TownPushView {
    pub quiet_enabled: bool,
    /// `HH:MM`.
    pub quiet_start: String,
    pub quiet_end: String,
    pub shop_pushes_per_day: i64,
    pub district_pushes_per_week: i64,
}

/// A passkey ceremony under way: its id, and the options for `navigator.credentials` (JSON, with
/// binary fields in base64url).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyChallenge {
    pub ceremony: String,
    pub options: String,
}

/// A passkey of the account, as the account page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyView {
    pub id: i64,
    pub name: String,
    /// `YYYY-MM-DD`, in the town's time zone.
    pub created_on: String,
    pub last_used_on: Option<String>,
}
