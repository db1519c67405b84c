//! Row types shared by both drivers, and their conversion to the app's records.

use app::server::{
    Broadcast, District, Invitation, InvitedRole, Listings, NewPost, Post, PostAuthor, PostKind,
    Shop, ShopFields, ShopMember, ShopRole, Town, User,
};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
pub struct TownRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub timezone: String,
    pub host: Option<String>,
    pub base_url: Option<String>,
    pub default_locale: Option<String>,
    pub vapid_subject: Option<String>,
    pub tile_url: Option<String>,
    pub tile_attribution: Option<String>,
    pub mail_from: Option<String>,
}

impl From<TownRow> for Town {
    fn from(r: TownRow) -> Town {
        Town {
            id: r.id,
            slug: r.slug,
            name: r.name,
            timezone: r.timezone,
            host: r.host,
            base_url: r.base_url,
            default_locale: r.default_locale,
            vapid_subject: r.vapid_subject,
            tile_url: r.tile_url,
            tile_attribution: r.tile_attribution,
            mail_from: r.mail_from,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct DistrictRow {
    pub id: i64,
    pub town_id: i64,
    pub slug: String,
    pub name: String,
    pub boundary: String,
}

impl From<DistrictRow> for District {
    fn from(r: DistrictRow) -> District {
        District {
            id: r.id,
            town_id: r.town_id,
            slug: r.slug,
            name: r.name,
            boundary: r.boundary,
        }
    }
}

pub const SHOP_COLUMNS: &str =
    "id, town_id, district_id, slug, osm_id, name, category, source_tag, \
     street, housenumber, postcode, city, lat, lon, phone, website, email, opening_hours, \
     description, photos, merchant_fields, google_place_id, listings, created_at, updated_at";

#[derive(sqlx::FromRow)]
pub struct ShopRow {
    pub id: i64,
    pub town_id: i64,
    pub district_id: Option<i64>,
    pub slug: String,
    pub osm_id: Option<String>,
    pub name: String,
    pub category: String,
    pub source_tag: Option<String>,
    pub street: Option<String>,
    pub housenumber: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub lat: f64,
    pub lon: f64,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub opening_hours: Option<String>,
    pub description: Option<String>,
    pub photos: String,
    pub merchant_fields: String,
    pub google_place_id: Option<String>,
    pub listings: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ShopRow> for Shop {
    fn from(r: ShopRow) -> Shop {
        Shop {
            id: r.id,
            town_id: r.town_id,
            district_id: r.district_id,
            slug: r.slug,
            osm_id: r.osm_id,
            fields: ShopFields {
                name: r.name,
                category: r.category,
                source_tag: r.source_tag,
                street: r.street,
                housenumber: r.housenumber,
                postcode: r.postcode,
                city: r.city,
                lat: r.lat,
                lon: r.lon,
                phone: r.phone,
                website: r.website,
                email: r.email,
                opening_hours: r.opening_hours,
                description: r.description,
            },
            photos: words(&r.photos),
            merchant_fields: words(&r.merchant_fields),
            listings: Listings {
                google_place_id: r.google_place_id,
                others: r.listings.lines().map(str::to_owned).collect(),
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A space-separated list.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_owned).collect()
}

#[derive(sqlx::FromRow)]
pub struct CategoryCountRow {
    pub category: String,
    pub n: i64,
}

pub const POST_COLUMNS: &str =
    "id, town_id, shop_id, district_id, kind, title, body, photo, valid_from, valid_until, \
     starts_at, ends_at, place, published_at, created_at, updated_at, author_user_id, by_steward, \
     notify_shop_followers";

#[derive(sqlx::FromRow)]
pub struct PostRow {
    pub id: i64,
    pub town_id: i64,
    pub shop_id: Option<i64>,
    pub district_id: Option<i64>,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub photo: Option<String>,
    pub valid_from: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub place: Option<String>,
    pub published_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub author_user_id: Option<i64>,
    pub by_steward: bool,
    pub notify_shop_followers: bool,
}

impl PostRow {
    /// `None` for a row the schema's checks should have refused (unknown kind, no author).
    pub fn into_post(self) -> Option<Post> {
        let author = match (self.shop_id, self.district_id) {
            (Some(id), None) => PostAuthor::Shop(id),
            (None, Some(id)) => PostAuthor::District(id),
            _ => return None,
        };
        Some(Post {
            id: self.id,
            town_id: self.town_id,
            content: NewPost {
                author,
                kind: PostKind::parse(&self.kind)?,
                title: self.title,
                body: self.body,
                photo: self.photo,
                valid_from: self.valid_from,
                valid_until: self.valid_until,
                starts_at: self.starts_at,
                ends_at: self.ends_at,
                place: self.place,
                published_at: self.published_at,
                // The co-organisers are in their own table: `with_co_organisers` reads them.
                broadcast: Broadcast {
                    co_organisers: Vec::new(),
                    notify_shop_followers: self.notify_shop_followers,
                },
            },
            created_at: self.created_at,
            updated_at: self.updated_at,
            author_user_id: self.author_user_id,
            by_steward: self.by_steward,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct SearchTextRow {
    pub id: i64,
    pub a: String,
    pub b: Option<String>,
    pub c: Option<String>,
}

pub const USER_COLUMNS: &str = "id, email, profile_id, created_at";

#[derive(sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub profile_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> User {
        User {
            id: r.id,
            email: r.email,
            profile_id: r.profile_id,
            created_at: r.created_at,
        }
    }
}

pub const INVITATION_COLUMNS: &str = "id, town_id, role, shop_id, district_id, created_by, \
     created_at, expires_at, used_at, used_by";

#[derive(sqlx::FromRow)]
pub struct InvitationRow {
    pub id: i64,
    pub town_id: i64,
    pub role: String,
    pub shop_id: Option<i64>,
    pub district_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub used_by: Option<i64>,
}

impl InvitationRow {
    /// `None` for a role the schema's check should have refused.
    pub fn into_invitation(self) -> Option<Invitation> {
        Some(Invitation {
            id: self.id,
            town_id: self.town_id,
            role: InvitedRole::parse(&self.role)?,
            shop_id: self.shop_id,
            district_id: self.district_id,
            created_by: self.created_by,
            created_at: self.created_at,
            expires_at: self.expires_at,
            used_at: self.used_at,
            used_by: self.used_by,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct MemberRow {
    pub user_id: i64,
    pub email: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
}

impl MemberRow {
    pub fn into_member(self) -> Option<ShopMember> {
        Some(ShopMember {
            user_id: self.user_id,
            email: self.email,
            role: ShopRole::parse(&self.role)?,
            since: self.created_at,
        })
    }
}
