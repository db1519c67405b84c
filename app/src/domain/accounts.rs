//! Accounts: users, sign-in links, sessions, roles and shop teams.

use chrono::{DateTime, Utc};

use super::invitations::Invitation;

/// An account, known by its (lower-cased) e-mail address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    /// The device profile holding the account's follows.
    pub profile_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// A merchant's place in a shop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ShopRole {
    Owner,
    Staff,
}

impl ShopRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ShopRole::Owner => "owner",
            ShopRole::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<ShopRole> {
        match s {
            "owner" => Some(ShopRole::Owner),
            "staff" => Some(ShopRole::Staff),
            _ => None,
        }
    }
}

/// What a user may do in one town beyond reading and following (a resident has none of it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roles {
    pub admin: bool,
    /// `(shop id, role)`, by shop id.
    pub shops: Vec<(i64, ShopRole)>,
    /// Districts the user stewards, by id.
    pub districts: Vec<i64>,
}

/// A sign-in link to send by e-mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSignInLink {
    /// SHA-256 of the link's token.
    pub token_hash: String,
    /// Lower-cased.
    pub email: String,
    /// Accepted on sign-in, if still open.
    pub invitation_id: Option<i64>,
    /// Where to go once signed in (a local path).
    pub return_to: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// A new session to open on sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSession {
    /// SHA-256 of the cookie's token.
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    /// The town it is opened on: valid there only (`None`: on every town, for tools).
    pub town_id: Option<i64>,
}

/// What a sign-in did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub user: User,
    /// True when this sign-in created the account.
    pub new_account: bool,
    pub return_to: Option<String>,
    /// The link's invitation: `Some(Ok)` accepted, `Some(Err)` no longer open.
    pub invitation: Option<Result<Invitation, Invitation>>,
}

/// A signed-in browser's session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionUser {
    pub session_id: i64,
    pub user: User,
    /// The session's new expiry when this request extended it (the cookie is then renewed).
    pub extended_until: Option<DateTime<Utc>>,
}

/// A member of a shop's team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShopMember {
    pub user_id: i64,
    pub email: String,
    pub role: ShopRole,
    pub since: DateTime<Utc>,
}

/// What deleting an account did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountDeletion {
    Deleted,
    /// There was no such account.
    NotFound,
    /// Refused: the account is the only owner of a shop (someone else must be invited first).
    LastOwner,
    /// Refused: the account is the only administrator of a town.
    LastAdmin,
}
