//! Invitations: a link that grants a role in a shop, a district or the town.

use chrono::{DateTime, Utc};

/// The role an invitation grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InvitedRole {
    /// Owner of `shop_id`.
    Owner,
    /// Staff of `shop_id`.
    Staff,
    /// Steward of `district_id`.
    Steward,
    /// Administrator of the town.
    Admin,
}

impl InvitedRole {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitedRole::Owner => "owner",
            InvitedRole::Staff => "staff",
            InvitedRole::Steward => "steward",
            InvitedRole::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<InvitedRole> {
        [
            InvitedRole::Owner,
            InvitedRole::Staff,
            InvitedRole::Steward,
            InvitedRole::Admin,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewInvitation {
    /// SHA-256 of the link's token.
    pub token_hash: String,
    pub role: InvitedRole,
    /// For owners and staff.
    pub shop_id: Option<i64>,
    /// For stewards.
    pub district_id: Option<i64>,
    pub created_by: Option<i64>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    pub id: i64,
    pub town_id: i64,
    pub role: InvitedRole,
    pub shop_id: Option<i64>,
    pub district_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub used_by: Option<i64>,
}

impl Invitation {
    /// Not used yet and not expired.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.used_at.is_none() && self.expires_at > now
    }
}
