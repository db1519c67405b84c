//! The authorization matrix: every action of the merchants' and managers' API, tried by every
//! role (and the anonymous visitor) over HTTP, against the expected allow / deny.

use crate::common;

use app::server::store::prelude::*;
use app::server::{InvitedRole, NewInvitation, NewPost, PostAuthor, PostKind, Shop};
use axum::http::{header, StatusCode};
use chrono::{DateTime, TimeDelta, Utc};
use common::web::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Anonymous,
    Resident,
    Staff,
    Owner,
    OtherOwner,
    Steward,
    OtherSteward,
    Admin,
}

const ROLES: [Role; 8] = [
    Role::Anonymous,
    Role::Resident,
    Role::Staff,
    Role::Owner,
    Role::OtherOwner,
    Role::Steward,
    Role::OtherSteward,
    Role::Admin,
];

#[derive(Clone, Copy, Debug)]
enum Action {
    OpenCounter,
    Publish,
    EditPost,
    DeletePost,
    InviteStaff,
    RemoveStaff,
    InviteOwner,
    RevokeOwnerInvitation,
    InviteSteward,
    InviteAdmin,
    ManageShops,
    Follow,
    ReadAccount,
    OpenProfile,
    SaveProfile,
    ManageTown,
    WriteReview,
    ReplyToReview,
    ReadReviewInbox,
    ModerateReview,
    ViewModeration,
    MarkReviewUseful,
    ReportReview,
    SendMessage,
    ReadShopMessages,
    AnswerShopMessage,
    ReadDistrictMessages,
    AnswerDistrictMessage,
    CloseShopMessage,
    SetReviewRules,
    ViewDashboard,
    SaveShopNote,
    OpenDistrictCounter,
    BroadcastAsDistrict,
    EditDistrictPost,
    DeleteDistrictPost,
    OpenDistrictsAdmin,
    RenameDistrict,
    ProposeOutline,
    DiscardOutline,
    CreateDistrict,
    PlaceShop,
}

const ACTIONS: [Action; 42] = [
    Action::OpenCounter,
    Action::Publish,
    Action::EditPost,
    Action::DeletePost,
    Action::InviteStaff,
    Action::RemoveStaff,
    Action::InviteOwner,
    Action::RevokeOwnerInvitation,
    Action::InviteSteward,
    Action::InviteAdmin,
    Action::ManageShops,
    Action::Follow,
    Action::ReadAccount,
    Action::OpenProfile,
    Action::SaveProfile,
    Action::ManageTown,
    Action::WriteReview,
    Action::ReplyToReview,
    Action::ReadReviewInbox,
    Action::ModerateReview,
    Action::ViewModeration,
    Action::MarkReviewUseful,
    Action::ReportReview,
    Action::SendMessage,
    Action::ReadShopMessages,
    Action::AnswerShopMessage,
    Action::ReadDistrictMessages,
    Action::AnswerDistrictMessage,
    Action::CloseShopMessage,
    Action::SetReviewRules,
    Action::ViewDashboard,
    Action::SaveShopNote,
    Action::OpenDistrictCounter,
    Action::BroadcastAsDistrict,
    Action::EditDistrictPost,
    Action::DeleteDistrictPost,
    Action::OpenDistrictsAdmin,
    Action::RenameDistrict,
    Action::ProposeOutline,
    Action::DiscardOutline,
    Action::CreateDistrict,
    Action::PlaceShop,
];

/// Who may do what (the shop is in the steward's district; the other owner has another shop,
/// the other steward another district).
fn expected(action: Action, role: Role) -> bool {
    use Role::*;
    match action {
        Action::OpenCounter
        | Action::Publish
        | Action::EditPost
        | Action::DeletePost
        | Action::OpenProfile
        | Action::SaveProfile
        | Action::ReplyToReview
        | Action::ReadReviewInbox
        | Action::ReadShopMessages
        | Action::AnswerShopMessage
        | Action::CloseShopMessage => {
            matches!(role, Staff | Owner | Steward | Admin)
        }
        // Anyone signed in, except the shop's own team.
        Action::WriteReview => !matches!(role, Anonymous | Staff | Owner),
        Action::ModerateReview => matches!(role, Steward | Admin),
        Action::ViewModeration => matches!(role, Steward | OtherSteward | Admin),
        Action::MarkReviewUseful | Action::ReportReview | Action::SendMessage => true,
        // A district's messages: its stewards (and the admins), no merchant.
        Action::ReadDistrictMessages | Action::AnswerDistrictMessage => {
            matches!(role, Steward | Admin)
        }
        Action::InviteStaff | Action::RemoveStaff => matches!(role, Owner | Steward | Admin),
        Action::InviteOwner | Action::RevokeOwnerInvitation => matches!(role, Steward | Admin),
        Action::InviteSteward
        | Action::InviteAdmin
        | Action::ManageTown
        | Action::SetReviewRules => role == Admin,
        Action::ManageShops => matches!(role, Steward | OtherSteward | Admin),
        // The dashboard of the shop's district: its stewards and the admins.
        Action::ViewDashboard => matches!(role, Steward | Admin),
        // A note about the shop: its district's stewards and the admins (not its merchant).
        Action::SaveShopNote => matches!(role, Steward | Admin),
        // Posting as the shop's district: its stewards and the admins (not its merchants).
        Action::OpenDistrictCounter
        | Action::BroadcastAsDistrict
        | Action::EditDistrictPost
        | Action::DeleteDistrictPost => matches!(role, Steward | Admin),
        // Drawing, naming, deleting districts: the town's administrators only.
        Action::OpenDistrictsAdmin
        | Action::RenameDistrict
        | Action::ProposeOutline
        | Action::DiscardOutline
        | Action::CreateDistrict
        | Action::PlaceShop => role == Admin,
        Action::Follow => true,
        Action::ReadAccount => role != Anonymous,
    }
}

fn now() -> DateTime<Utc> {
    NOW.parse().unwrap()
}

struct World {
    app: TestApp,
    town_id: i64,
    shop: Shop,
    other_shop: Shop,
    district_slug: String,
    counter: u32,
    /// A published review of the shop (the demo's).
    review_id: i64,
    /// The device profile that writes the messages to answer.
    sender_profile: i64,
    district_id: i64,
}

impl World {
    /// A session cookie for `email`, through a sign-in link completed over HTTP.
    async fn session(&mut self, email: &str) -> String {
        sign_in(&self.app, email).await
    }

    async fn grant(
        &mut self,
        email: &str,
        role: InvitedRole,
        shop: Option<i64>,
        district: Option<i64>,
    ) {
        if role == InvitedRole::Admin {
            self.app
                .store
                .grant_admin(self.town_id, email, now())
                .await
                .unwrap();
            return;
        }
        let user = match self.app.store.user_by_email(email).await.unwrap() {
            Some(user) => user,
            None => {
                self.session(email).await;
                self.app.store.user_by_email(email).await.unwrap().unwrap()
            }
        };
        self.counter += 1;
        let token = format!("grant-{}", self.counter);
        self.app
            .store
            .create_invitation(
                self.town_id,
                &NewInvitation {
                    token_hash: token.clone(),
                    role,
                    shop_id: shop,
                    district_id: district,
                    created_by: None,
                    expires_at: now() + TimeDelta::days(14),
                },
                now(),
            )
            .await
            .unwrap();
        self.app
            .store
            .accept_invitation(self.town_id, &token, user.id, now())
            .await
            .unwrap()
            .expect("accepted");
    }

    /// A fresh post of the shop, for edit and delete checks.
    async fn post(&self) -> i64 {
        self.post_by(PostAuthor::Shop(self.shop.id)).await
    }

    async fn post_by(&self, author: PostAuthor) -> i64 {
        self.app
            .store
            .insert_post(
                self.town_id,
                &NewPost {
                    author,
                    kind: PostKind::News,
                    title: "Nouvel arrivage".into(),
                    body: String::new(),
                    photo: None,
                    valid_from: None,
                    valid_until: None,
                    starts_at: None,
                    ends_at: None,
                    place: None,
                    published_at: now(),
                    broadcast: Default::default(),
                },
                now(),
            )
            .await
            .unwrap()
            .id
    }

    /// A fresh message to the shop (or, with `district`, to its district), to answer.
    async fn message(&self, district: bool) -> i64 {
        use app::domain::messages::{NewMessage, Recipient};
        let recipient = if district {
            Recipient::District(self.district_id)
        } else {
            Recipient::Shop(self.shop.id)
        };
        self.app
            .store
            .save_message(
                self.town_id,
                recipient,
                self.sender_profile,
                &NewMessage {
                    body: "Une idée".into(),
                    email: None,
                },
                "fr",
                now(),
            )
            .await
            .unwrap()
            .expect("saved")
            .id
    }

    /// A fresh staff member of the shop (to be removed).
    async fn staff_member(&mut self) -> i64 {
        self.counter += 1;
        let email = format!("staff{}@habay.test", self.counter);
        self.grant(&email, InvitedRole::Staff, Some(self.shop.id), None)
            .await;
        self.app
            .store
            .user_by_email(&email)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    /// A fresh, open owner invitation of the shop.
    async fn owner_invitation(&mut self) -> i64 {
        self.counter += 1;
        self.app
            .store
            .create_invitation(
                self.town_id,
                &NewInvitation {
                    token_hash: format!("open-{}", self.counter),
                    role: InvitedRole::Owner,
                    shop_id: Some(self.shop.id),
                    district_id: None,
                    created_by: None,
                    expires_at: now() + TimeDelta::days(14),
                },
                now(),
            )
            .await
            .unwrap()
            .id
    }

    /// Does `action` as the holder of `cookie`; `Ok` when allowed, else the status.
    async fn attempt(&mut self, action: Action, cookie: Option<&str>) -> Result<(), StatusCode> {
        let slug = self.shop.slug.clone();
        let (uri, body) = match action {
            Action::OpenCounter => ("/api/counter", format!("slug={slug}")),
            Action::Publish => (
                "/api/counter/save",
                format!("slug={slug}&kind=news&title=Info"),
            ),
            Action::EditPost => {
                let id = self.post().await;
                (
                    "/api/counter/save",
                    format!("slug={slug}&post_id={id}&kind=news&title=Modifi%C3%A9"),
                )
            }
            Action::DeletePost => {
                let id = self.post().await;
                ("/api/counter/delete", format!("slug={slug}&post_id={id}"))
            }
            Action::InviteStaff => (
                "/api/invitations/create",
                format!("role=staff&target={slug}"),
            ),
            Action::RemoveStaff => {
                let user = self.staff_member().await;
                ("/api/team/remove", format!("shop={slug}&user_id={user}"))
            }
            Action::InviteOwner => (
                "/api/invitations/create",
                format!("role=owner&target={slug}"),
            ),
            Action::RevokeOwnerInvitation => {
                let id = self.owner_invitation().await;
                ("/api/invitations/revoke", format!("id={id}"))
            }
            Action::InviteSteward => (
                "/api/invitations/create",
                format!("role=steward&target={}", self.district_slug),
            ),
            Action::InviteAdmin => ("/api/invitations/create", "role=admin".to_string()),
            Action::ManageShops => ("/api/manage", String::new()),
            Action::SaveShopNote => ("/api/manage/note", format!("slug={slug}&note=Pass%C3%A9")),
            Action::ViewDashboard => ("/api/dashboard", format!("district={}", self.district_slug)),
            Action::Follow => (
                "/api/follow",
                format!("target=shop&slug={}&follow=true", self.other_shop.slug),
            ),
            Action::ReadAccount => ("/api/me", String::new()),
            Action::WriteReview => (
                "/api/reviews/save",
                format!("slug={slug}&rating=4&body=Tr%C3%A8s+bien"),
            ),
            Action::ReplyToReview => (
                "/api/reviews/reply",
                format!("slug={slug}&review_id={}&body=Merci", self.review_id),
            ),
            Action::ReadReviewInbox => (
                "/api/counter/reviews",
                format!("slug={slug}&unanswered=false"),
            ),
            Action::ModerateReview => (
                "/api/moderation/decide",
                format!("review_id={}&part=review&action=dismiss", self.review_id),
            ),
            Action::ViewModeration => ("/api/moderation", String::new()),
            Action::MarkReviewUseful => (
                "/api/reviews/useful",
                format!("review_id={}", self.review_id),
            ),
            Action::ReportReview => (
                "/api/reviews/report",
                format!("review_id={}&part=review&reason=spam", self.review_id),
            ),
            Action::SendMessage => (
                "/api/messages/send",
                format!("to=shop&slug={slug}&body=Bonjour"),
            ),
            Action::ReadShopMessages => (
                "/api/messages/inbox",
                format!("kind=shop&slug={slug}&open_only=false"),
            ),
            Action::AnswerShopMessage => {
                let id = self.message(false).await;
                ("/api/messages/answer", format!("id={id}&body=Merci"))
            }
            Action::ReadDistrictMessages => (
                "/api/messages/inbox",
                format!("kind=district&slug={}&open_only=false", self.district_slug),
            ),
            Action::AnswerDistrictMessage => {
                let id = self.message(true).await;
                ("/api/messages/answer", format!("id={id}&body=Merci"))
            }
            Action::CloseShopMessage => {
                let id = self.message(false).await;
                ("/api/messages/close", format!("id={id}&close=true"))
            }
            Action::SetReviewRules => ("/api/manage/reviews", "min_account_minutes=0".to_string()),
            Action::OpenDistrictCounter => (
                "/api/counter/district",
                format!("slug={}", self.district_slug),
            ),
            Action::BroadcastAsDistrict => {
                let shop_id = self.shop.id.to_string();
                let (status, _, _) = call_multipart(
                    &self.app,
                    "/api/counter/publish",
                    &[
                        ("district", &self.district_slug),
                        ("kind", "news"),
                        ("title", "Info"),
                        ("notify_shop_followers", "on"),
                        ("co_organisers", &shop_id),
                    ],
                    None,
                    cookie,
                    false,
                )
                .await;
                return if status == StatusCode::OK {
                    Ok(())
                } else {
                    Err(status)
                };
            }
            Action::OpenDistrictsAdmin => ("/api/districts/admin", String::new()),
            Action::DiscardOutline => (
                "/api/districts/outline/discard",
                format!("slug={}", self.district_slug),
            ),
            Action::CreateDistrict => (
                "/api/districts/create",
                format!(
                    "name=Nouveau&outline={}",
                    enc(
                        r#"{"type":"Polygon","coordinates":[[[1.0,1.0],[1.1,1.0],[1.1,1.1],[1.0,1.0]]]}"#
                    )
                ),
            ),
            Action::PlaceShop => (
                "/api/districts/place",
                format!("slug={}&shop={}", self.district_slug, self.shop.slug),
            ),
            Action::RenameDistrict => (
                "/api/districts/rename",
                format!("slug={}&name=Centre", self.district_slug),
            ),
            Action::ProposeOutline => (
                "/api/districts/outline",
                format!(
                    "slug={}&outline={}",
                    self.district_slug,
                    enc(
                        r#"{"type":"Polygon","coordinates":[[[5.0,49.0],[6.0,49.0],[6.0,50.0],[5.0,49.0]]]}"#
                    )
                ),
            ),
            Action::EditDistrictPost => {
                let id = self.post_by(PostAuthor::District(self.district_id)).await;
                (
                    "/api/counter/save",
                    format!(
                        "district={}&post_id={id}&kind=news&title=Modifi%C3%A9",
                        self.district_slug
                    ),
                )
            }
            Action::DeleteDistrictPost => {
                let id = self.post_by(PostAuthor::District(self.district_id)).await;
                (
                    "/api/counter/delete",
                    format!("district={}&post_id={id}", self.district_slug),
                )
            }
            Action::OpenProfile => ("/api/profile", format!("slug={slug}")),
            Action::ManageTown => (
                "/api/notifications/town",
                "quiet=on&quiet_start=21%3A00&quiet_end=08%3A00&shop_pushes_per_day=1\
                 &district_pushes_per_week=3"
                    .to_string(),
            ),
            Action::SaveProfile => {
                let (status, _, _) = call_multipart(
                    &self.app,
                    "/api/profile/save",
                    &[
                        ("slug", &slug),
                        ("category", "bakery"),
                        ("hours_mode", "advanced"),
                        ("hours", "Mo-Sa 07:00-18:00"),
                    ],
                    None,
                    cookie,
                    false,
                )
                .await;
                return if status == StatusCode::OK {
                    Ok(())
                } else {
                    Err(status)
                };
            }
        };
        let (status, _, answer) = call(&self.app, uri, &body, cookie).await;
        match action {
            // Reading one's account as a visitor answers "nobody".
            Action::ReadAccount if status == StatusCode::OK && answer == "null" => {
                Err(StatusCode::UNAUTHORIZED)
            }
            _ if status == StatusCode::OK => Ok(()),
            _ => Err(status),
        }
    }
}

#[tokio::test]
async fn every_action_against_every_role() {
    let app = app().await;
    let town = app.store.first_town().await.unwrap().unwrap();
    let shop = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    let other_shop = app
        .store
        .shop_by_slug(town.id, "boucherie-thomas")
        .await
        .unwrap()
        .unwrap();
    let districts = app.store.districts(town.id).await.unwrap();
    let district = districts
        .iter()
        .find(|d| Some(d.id) == shop.district_id)
        .expect("the shop is in a district");
    let other_district = districts
        .iter()
        .find(|d| d.id != district.id)
        .expect("a second district");
    let mut world = World {
        district_slug: district.slug.clone(),
        town_id: town.id,
        shop: shop.clone(),
        other_shop: other_shop.clone(),
        review_id: app
            .store
            .shop_reviews(shop.id, 0, 1)
            .await
            .unwrap()
            .first()
            .expect("the demo reviews the shop")
            .id,
        sender_profile: app
            .store
            .create_device_profile("sender", now())
            .await
            .unwrap(),
        district_id: district.id,
        app,
        counter: 0,
    };
    let (district_id, other_district_id) = (district.id, other_district.id);

    let mut cookies = Vec::new();
    for role in ROLES {
        let email = format!("{role:?}@habay.test").to_lowercase();
        let cookie = match role {
            Role::Anonymous => None,
            Role::Resident => Some(world.session(&email).await),
            Role::Staff => {
                world
                    .grant(&email, InvitedRole::Staff, Some(shop.id), None)
                    .await;
                Some(world.session(&email).await)
            }
            Role::Owner => {
                world
                    .grant(&email, InvitedRole::Owner, Some(shop.id), None)
                    .await;
                Some(world.session(&email).await)
            }
            Role::OtherOwner => {
                world
                    .grant(&email, InvitedRole::Owner, Some(other_shop.id), None)
                    .await;
                Some(world.session(&email).await)
            }
            Role::Steward => {
                world
                    .grant(&email, InvitedRole::Steward, None, Some(district_id))
                    .await;
                Some(world.session(&email).await)
            }
            Role::OtherSteward => {
                world
                    .grant(&email, InvitedRole::Steward, None, Some(other_district_id))
                    .await;
                Some(world.session(&email).await)
            }
            Role::Admin => {
                world.grant(&email, InvitedRole::Admin, None, None).await;
                Some(world.session(&email).await)
            }
        };
        cookies.push((role, cookie));
    }

    let mut failures = Vec::new();
    let mut table = String::from("action \\ role");
    for (role, _) in &cookies {
        table.push_str(&format!(" | {role:?}"));
    }
    for action in ACTIONS {
        table.push_str(&format!("\n{action:?}"));
        for (role, cookie) in &cookies {
            let outcome = world.attempt(action, cookie.as_deref()).await;
            let allowed = outcome.is_ok();
            table.push_str(if allowed { " | allow" } else { " | deny" });
            if allowed != expected(action, *role) {
                failures.push(format!("{action:?} by {role:?}: {outcome:?}"));
            }
            // Refusals say why: sign in first, or not yours.
            if let Err(status) = outcome {
                let wanted = if *role == Role::Anonymous {
                    StatusCode::UNAUTHORIZED
                } else {
                    StatusCode::FORBIDDEN
                };
                if status != wanted {
                    failures.push(format!(
                        "{action:?} by {role:?}: {status}, expected {wanted}"
                    ));
                }
            }
        }
    }
    println!("{table}");
    assert!(failures.is_empty(), "{}\n{table}", failures.join("\n"));

    // A steward's post on a shop's behalf says so.
    let steward = cookies
        .iter()
        .find(|(r, _)| *r == Role::Steward)
        .unwrap()
        .1
        .clone()
        .unwrap();
    let (status, headers, _) = post_plain_form(
        &world.app,
        "/api/counter/save",
        &format!(
            "slug={}&kind=news&title={}",
            shop.slug,
            enc("Marché de Noël : stand")
        ),
        Some(&steward),
    )
    .await;
    assert!(status.is_redirection());
    let id: i64 = headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .rsplit('=')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let post = world
        .app
        .store
        .post_by_id(town.id, id)
        .await
        .unwrap()
        .unwrap();
    assert!(post.by_steward);
    let (_, _, page) = get(&world.app, &format!("/shops/{}", shop.slug)).await;
    assert!(page.contains("Publié par le quartier pour ce commerce."));
}
