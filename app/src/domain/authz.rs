//! Who may do what: one pure function, deny by default. Every server function and route that
//! changes something asks [`allows`] before touching the store.
//!
//! Roles (per town): a *resident* is anyone signed in; a *merchant* is the owner or staff of a
//! shop; a *steward* manages the shops of a district on their merchants' behalf; an *admin* runs
//! the town.

use super::accounts::{Roles, ShopRole};

/// Who is asking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    User { id: i64, roles: Roles },
}

/// A shop as authorization sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShopRef {
    pub id: i64,
    pub district_id: Option<i64>,
}

/// Everything that needs a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Pages, feeds, search: everyone.
    Read,
    /// Follow or unfollow (a device profile or an account): everyone.
    Follow,
    /// See and change one's own account (sign out everywhere…).
    ManageAccount,
    /// The counter of a shop: write, edit and delete its posts, see its post list.
    PostForShop(ShopRef),
    /// Edit a shop's description, contact, category, hours.
    EditShop(ShopRef),
    /// A shop's followers and post views.
    ViewShopStats(ShopRef),
    /// See a shop's team.
    ViewShopTeam(ShopRef),
    /// Invite staff to a shop, or remove someone from its team.
    ManageShopStaff(ShopRef),
    /// Invite a shop's owner (hand a shop over to its merchant).
    InviteShopOwner(ShopRef),
    /// Keep the onboarding note about a shop (its district's stewards; not its merchant).
    EditShopNote(ShopRef),
    /// The list of shops to onboard: the whole town (`None`) or one district.
    ManageShops(Option<i64>),
    /// Broadcast as a district.
    PostForDistrict(i64),
    /// Invite a steward of a district.
    InviteSteward(i64),
    /// The dashboard and the monthly report: the whole town (`None`) or one district.
    ViewDashboard(Option<i64>),
    /// Invite another administrator of the town.
    InviteAdmin,
    /// The town's settings (e.g. its push defaults: quiet hours and limits).
    ManageTown,
    /// Create, rename, delete and draw the town's districts, remove their stewards.
    ManageDistricts,
    /// Write (or change) one's review of a shop: any account outside the shop's team.
    ReviewShop(ShopRef),
    /// Reply publicly to the reviews of a shop, and see them on its counter.
    ReplyToReviews(ShopRef),
    /// Hide, restore or publish a review of the shop or its reply, close reports about them.
    ModerateReviews(ShopRef),
    /// The moderation queue: the whole town (`None`) or one district's shops.
    ViewModerationQueue(Option<i64>),
    /// The log of every moderator's decision in the town.
    ViewModerationLog,
    /// Write privately to a shop or a district (no account needed: the device's profile).
    SendMessage,
    /// Read and answer the private messages sent to a shop.
    AnswerShopMessages(ShopRef),
    /// Read and answer the private messages sent to a district's association.
    AnswerDistrictMessages(i64),
}

impl Actor {
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Actor::Anonymous => None,
            Actor::User { id, .. } => Some(*id),
        }
    }

    pub fn roles(&self) -> Option<&Roles> {
        match self {
            Actor::Anonymous => None,
            Actor::User { roles, .. } => Some(roles),
        }
    }

    /// The actor's role in the shop's team, if any.
    pub fn shop_role(&self, shop_id: i64) -> Option<ShopRole> {
        self.roles()?
            .shops
            .iter()
            .find(|(id, _)| *id == shop_id)
            .map(|(_, role)| *role)
    }

    fn stewards(&self, district_id: Option<i64>) -> bool {
        match (self.roles(), district_id) {
            (Some(roles), Some(district)) => roles.districts.contains(&district),
            _ => false,
        }
    }

    fn is_admin(&self) -> bool {
        self.roles().is_some_and(|r| r.admin)
    }

    /// Whether the actor acts for the shop as a steward or admin rather than as its merchant
    /// (their posts then say so).
    pub fn acts_on_behalf(&self, shop: ShopRef) -> bool {
        self.shop_role(shop.id).is_none() && (self.stewards(shop.district_id) || self.is_admin())
    }

    /// Whether the actor can do anything beyond reading (merchants, stewards, admins).
    pub fn has_duties(&self) -> bool {
        self.roles()
            .is_some_and(|r| r.admin || !r.shops.is_empty() || !r.districts.is_empty())
    }
}

/// Whether `actor` may do `action`. Anything not granted here is refused.
pub fn allows(actor: &Actor, action: Action) -> bool {
    match action {
        Action::Read | Action::Follow | Action::SendMessage => true,
        _ if matches!(actor, Actor::Anonymous) => false,
        Action::ManageAccount => true,
        // Before the administrators' rule: nobody reviews a shop they work for.
        Action::ReviewShop(shop) => actor.shop_role(shop.id).is_none(),
        _ if actor.is_admin() => true,
        Action::PostForShop(shop)
        | Action::EditShop(shop)
        | Action::ViewShopStats(shop)
        | Action::ViewShopTeam(shop)
        | Action::ReplyToReviews(shop)
        | Action::AnswerShopMessages(shop) => {
            actor.shop_role(shop.id).is_some() || actor.stewards(shop.district_id)
        }
        Action::ManageShopStaff(shop) => {
            actor.shop_role(shop.id) == Some(ShopRole::Owner) || actor.stewards(shop.district_id)
        }
        Action::InviteShopOwner(shop)
        | Action::EditShopNote(shop)
        | Action::ModerateReviews(shop) => actor.stewards(shop.district_id),
        Action::ViewModerationQueue(Some(district)) => actor.stewards(Some(district)),
        Action::ViewModerationQueue(None) | Action::ViewModerationLog => false,
        Action::ManageShops(Some(district))
        | Action::ViewDashboard(Some(district))
        | Action::PostForDistrict(district)
        | Action::AnswerDistrictMessages(district) => actor.stewards(Some(district)),
        Action::ManageShops(None)
        | Action::ViewDashboard(None)
        | Action::InviteSteward(_)
        | Action::InviteAdmin
        | Action::ManageTown
        | Action::ManageDistricts => false,
    }
}
