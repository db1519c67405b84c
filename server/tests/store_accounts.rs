//! The storage contract for accounts, sessions, sign-in links, roles, invitations, rate limits
//! and merchants' posts, run on a temporary SQLite file and on a fresh PostgreSQL database.

mod common;

use app::server::{
    InvitedRole, NewDistrict, NewInvitation, NewPost, NewSession, NewSignInLink, NewTown,
    PostAuthor, PostKind, PostOrigin, Roles, ShopFields, ShopRole, Store, StoreError,
};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap()
}

fn link(token: &str, email: &str, invitation_id: Option<i64>) -> NewSignInLink {
    NewSignInLink {
        token_hash: format!("link-{token}"),
        email: email.into(),
        invitation_id,
        return_to: None,
        expires_at: now() + TimeDelta::minutes(15),
    }
}

fn session(token: &str) -> NewSession {
    NewSession {
        token_hash: format!("session-{token}"),
        expires_at: now() + TimeDelta::days(30),
    }
}

fn invitation(
    token: &str,
    role: InvitedRole,
    shop: Option<i64>,
    district: Option<i64>,
) -> NewInvitation {
    NewInvitation {
        token_hash: format!("invitation-{token}"),
        role,
        shop_id: shop,
        district_id: district,
        created_by: None,
        expires_at: now() + TimeDelta::days(14),
    }
}

fn offer(shop_id: i64, title: &str, published: DateTime<Utc>) -> NewPost {
    NewPost {
        author: PostAuthor::Shop(shop_id),
        kind: PostKind::Offer,
        title: title.into(),
        body: String::new(),
        photo: None,
        valid_from: Some(published),
        valid_until: Some(published + TimeDelta::days(7)),
        starts_at: None,
        ends_at: None,
        place: None,
        published_at: published,
    }
}

trait SortedById {
    fn sorted_by_id(self) -> Vec<(i64, i64)>;
}

impl<I: Iterator<Item = (i64, i64)>> SortedById for I {
    fn sorted_by_id(self) -> Vec<(i64, i64)> {
        let mut all: Vec<_> = self.collect();
        all.sort();
        all
    }
}

async fn contract(store: &dyn Store) {
    let t0 = now();
    let town = store
        .upsert_town(&NewTown {
            slug: "habay".into(),
            name: "Habay".into(),
            timezone: "Europe/Brussels".into(),
        })
        .await
        .unwrap();
    let other_town = store
        .upsert_town(&NewTown {
            slug: "arlon".into(),
            name: "Arlon".into(),
            timezone: "Europe/Brussels".into(),
        })
        .await
        .unwrap();
    let square = r#"{"type":"Polygon","coordinates":[[[5.0,49.0],[6.0,49.0],[6.0,50.0],[5.0,50.0],[5.0,49.0]]]}"#;
    let centre = store
        .upsert_district(
            town.id,
            &NewDistrict {
                slug: "centre".into(),
                name: "Centre".into(),
                boundary: square.into(),
            },
        )
        .await
        .unwrap();
    let mut shop_ids = Vec::new();
    for (i, name) in ["Boulangerie", "Fleuriste", "Librairie"].iter().enumerate() {
        let mut slugs = vec![name.to_lowercase()].into_iter();
        let fields = ShopFields {
            name: name.to_string(),
            category: "bakery".into(),
            lat: 49.72,
            lon: 5.64,
            ..ShopFields::default()
        };
        let (shop, _) = store
            .upsert_osm_shop(town.id, &format!("node/{i}"), &fields, &mut slugs)
            .await
            .unwrap();
        shop_ids.push(shop.id);
    }
    let (bakery, florist, bookshop) = (shop_ids[0], shop_ids[1], shop_ids[2]);
    store
        .set_shop_districts(town.id, &[(bakery, Some(centre.id))])
        .await
        .unwrap();
    let mut slugs = vec!["arlon-shop".to_string()].into_iter();
    let (arlon_shop, _) = store
        .upsert_osm_shop(
            other_town.id,
            "node/99",
            &ShopFields {
                name: "Arlon".into(),
                category: "bakery".into(),
                ..ShopFields::default()
            },
            &mut slugs,
        )
        .await
        .unwrap();

    // --- A resident follows two shops on their phone, then signs in: a new account adopts
    // the device's profile.
    let phone = store.create_device_profile("phone", t0).await.unwrap();
    store
        .set_shop_follow(phone, bakery, true, t0)
        .await
        .unwrap();
    store
        .set_shop_follow(phone, florist, true, t0)
        .await
        .unwrap();
    store
        .create_sign_in_link(&link("a", "marie@habay.be", None), t0)
        .await
        .unwrap();
    let signed = store
        .complete_sign_in(town.id, "link-a", &session("a"), Some(phone), t0)
        .await
        .unwrap()
        .expect("a fresh link signs in");
    assert!(signed.new_account);
    assert_eq!(signed.user.email, "marie@habay.be");
    assert_eq!(signed.user.profile_id, Some(phone));
    assert_eq!(signed.invitation, None);
    let marie = signed.user.clone();
    // Single use.
    assert_eq!(
        store
            .complete_sign_in(town.id, "link-a", &session("a2"), None, t0)
            .await
            .unwrap(),
        None
    );
    // Expired after 15 minutes.
    store
        .create_sign_in_link(&link("late", "marie@habay.be", None), t0)
        .await
        .unwrap();
    assert_eq!(
        store
            .complete_sign_in(
                town.id,
                "link-late",
                &session("late"),
                None,
                t0 + TimeDelta::minutes(16)
            )
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .complete_sign_in(town.id, "link-unknown", &session("u"), None, t0)
            .await
            .unwrap(),
        None
    );

    // --- On a tablet, Marie follows the florist (again) and the bookshop, then signs in: the
    // tablet's follows merge into the account, nothing lost or doubled.
    let tablet = store.create_device_profile("tablet", t0).await.unwrap();
    store
        .set_shop_follow(tablet, florist, true, t0)
        .await
        .unwrap();
    store
        .set_shop_follow(tablet, bookshop, true, t0)
        .await
        .unwrap();
    store
        .set_district_follow(tablet, centre.id, true, t0)
        .await
        .unwrap();
    store
        .create_sign_in_link(&link("b", "marie@habay.be", None), t0)
        .await
        .unwrap();
    let again = store
        .complete_sign_in(town.id, "link-b", &session("b"), Some(tablet), t0)
        .await
        .unwrap()
        .unwrap();
    assert!(!again.new_account);
    assert_eq!(again.user.id, marie.id);
    let follows = store.follows(phone).await.unwrap();
    assert_eq!(follows.shop_ids, vec![bakery, florist, bookshop]);
    assert_eq!(follows.district_ids, vec![centre.id]);
    assert_eq!(store.device_profile("tablet", t0).await.unwrap(), None);
    assert_eq!(store.shop_follower_count(florist).await.unwrap(), 1);

    // --- Someone else signing in on Marie's phone (her profile) does not take her follows.
    store
        .create_sign_in_link(&link("c", "paul@habay.be", None), t0)
        .await
        .unwrap();
    let paul = store
        .complete_sign_in(town.id, "link-c", &session("c"), Some(phone), t0)
        .await
        .unwrap()
        .unwrap()
        .user;
    assert_eq!(paul.profile_id, None);
    assert_eq!(store.follows(phone).await.unwrap().shop_ids.len(), 3);
    let paul_profile = store.ensure_user_profile(paul.id, t0).await.unwrap();
    assert_ne!(paul_profile, phone);
    assert_eq!(
        store.ensure_user_profile(paul.id, t0).await.unwrap(),
        paul_profile
    );

    // --- Sessions: found, extended once a day, ended one by one or all at once.
    let lifetime = TimeDelta::days(30);
    let found = store
        .session_user("session-a", t0, lifetime)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.user.id, marie.id);
    assert_eq!(found.extended_until, None, "seen today already");
    let tomorrow = t0 + TimeDelta::days(1);
    let next_day = store
        .session_user("session-a", tomorrow, lifetime)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(next_day.extended_until, Some(tomorrow + lifetime));
    assert_eq!(
        store
            .session_user("session-a", tomorrow + TimeDelta::days(29), lifetime)
            .await
            .unwrap()
            .map(|s| s.user.id),
        Some(marie.id),
        "extended past its first expiry"
    );
    assert_eq!(
        store
            .session_user("session-b", t0 + TimeDelta::days(31), lifetime)
            .await
            .unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        store.session_user("nope", t0, lifetime).await.unwrap(),
        None
    );
    // Used every day, a session still ends 90 days after it was opened.
    let mut day = t0;
    let mut last_seen = None;
    while day < t0 + TimeDelta::days(100) {
        match store
            .session_user("session-a", day, lifetime)
            .await
            .unwrap()
        {
            Some(found) => {
                if let Some(until) = found.extended_until {
                    assert!(until <= t0 + TimeDelta::days(90), "{until}");
                }
                last_seen = Some(day);
            }
            None => break,
        }
        day += TimeDelta::days(1);
    }
    let last_seen = last_seen.expect("the session worked at first");
    assert!(
        last_seen >= t0 + TimeDelta::days(88) && last_seen < t0 + TimeDelta::days(90),
        "last worked on {last_seen}"
    );
    store.delete_session("session-a").await.unwrap();
    assert_eq!(
        store.session_user("session-a", t0, lifetime).await.unwrap(),
        None
    );
    assert!(store
        .session_user("session-b", t0, lifetime)
        .await
        .unwrap()
        .is_some());
    assert_eq!(store.delete_user_sessions(marie.id).await.unwrap(), 1);
    assert_eq!(
        store.session_user("session-b", t0, lifetime).await.unwrap(),
        None
    );
    assert_eq!(
        store
            .user_by_email("marie@habay.be")
            .await
            .unwrap()
            .map(|u| u.id),
        Some(marie.id)
    );

    // --- Roles through invitations.
    assert_eq!(
        store.roles(town.id, marie.id).await.unwrap(),
        Roles::default()
    );
    let owner_invite = store
        .create_invitation(
            town.id,
            &invitation("own", InvitedRole::Owner, Some(bakery), None),
            t0,
        )
        .await
        .unwrap();
    assert!(owner_invite.is_open(t0));
    assert_eq!(owner_invite.role, InvitedRole::Owner);
    // An invitation for another town's shop is refused.
    assert!(matches!(
        store
            .create_invitation(
                town.id,
                &invitation("x", InvitedRole::Owner, Some(arlon_shop.id), None),
                t0
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    store
        .create_sign_in_link(&link("d", "marie@habay.be", Some(owner_invite.id)), t0)
        .await
        .unwrap();
    let with_invite = store
        .complete_sign_in(town.id, "link-d", &session("d"), None, t0)
        .await
        .unwrap()
        .unwrap();
    match with_invite.invitation {
        Some(Ok(accepted)) => {
            assert_eq!(accepted.id, owner_invite.id);
            assert_eq!(accepted.used_by, Some(marie.id));
        }
        other => panic!("invitation not accepted: {other:?}"),
    }
    assert_eq!(
        store.roles(town.id, marie.id).await.unwrap().shops,
        vec![(bakery, ShopRole::Owner)]
    );
    // Single use: Paul cannot use it again.
    assert_eq!(
        store
            .accept_invitation("invitation-own", paul.id, t0)
            .await
            .unwrap(),
        None
    );
    // The invitation of a sign-in link used after the invitation was used: sign-in works,
    // the invitation is reported closed.
    store
        .create_sign_in_link(&link("e", "paul@habay.be", Some(owner_invite.id)), t0)
        .await
        .unwrap();
    let late = store
        .complete_sign_in(town.id, "link-e", &session("e"), None, t0)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(late.invitation, Some(Err(_))));
    assert!(store
        .roles(town.id, paul.id)
        .await
        .unwrap()
        .shops
        .is_empty());

    // Staff; an owner invited as staff stays owner.
    store
        .create_invitation(
            town.id,
            &invitation("staff", InvitedRole::Staff, Some(bakery), None),
            t0,
        )
        .await
        .unwrap();
    assert!(store
        .accept_invitation("invitation-staff", paul.id, t0)
        .await
        .unwrap()
        .is_some());
    store
        .create_invitation(
            town.id,
            &invitation("staff2", InvitedRole::Staff, Some(bakery), None),
            t0,
        )
        .await
        .unwrap();
    store
        .accept_invitation("invitation-staff2", marie.id, t0)
        .await
        .unwrap();
    let team = store.shop_members(bakery).await.unwrap();
    assert_eq!(
        team.iter()
            .map(|m| (m.email.as_str(), m.role))
            .collect::<Vec<_>>(),
        vec![
            ("marie@habay.be", ShopRole::Owner),
            ("paul@habay.be", ShopRole::Staff)
        ]
    );
    assert_eq!(store.claimed_shop_ids(town.id).await.unwrap(), vec![bakery]);
    assert!(store.remove_shop_member(bakery, paul.id).await.unwrap());
    assert!(!store.remove_shop_member(bakery, paul.id).await.unwrap());
    assert!(store
        .roles(town.id, paul.id)
        .await
        .unwrap()
        .shops
        .is_empty());

    // Expired invitations cannot be accepted; stewards; admins; open list; revoking.
    store
        .create_invitation(
            town.id,
            &NewInvitation {
                expires_at: t0 + TimeDelta::days(1),
                ..invitation("old", InvitedRole::Staff, Some(florist), None)
            },
            t0,
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .accept_invitation("invitation-old", paul.id, t0 + TimeDelta::days(2))
            .await
            .unwrap(),
        None
    );
    store
        .create_invitation(
            town.id,
            &invitation("steward", InvitedRole::Steward, None, Some(centre.id)),
            t0,
        )
        .await
        .unwrap();
    store
        .accept_invitation("invitation-steward", paul.id, t0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.roles(town.id, paul.id).await.unwrap().districts,
        vec![centre.id]
    );
    // Roles are per town.
    assert_eq!(
        store.roles(other_town.id, paul.id).await.unwrap(),
        Roles::default()
    );
    let admin = store
        .grant_admin(town.id, "mayor@habay.be", t0)
        .await
        .unwrap();
    assert!(store.roles(town.id, admin.id).await.unwrap().admin);
    assert!(!store.roles(other_town.id, admin.id).await.unwrap().admin);
    assert_eq!(
        store
            .grant_admin(town.id, "mayor@habay.be", t0)
            .await
            .unwrap()
            .id,
        admin.id,
        "idempotent"
    );
    let admin_invite = store
        .create_invitation(
            town.id,
            &invitation("adm", InvitedRole::Admin, None, None),
            t0,
        )
        .await
        .unwrap();
    let open = store.open_invitations(town.id, t0).await.unwrap();
    assert!(open.iter().any(|i| i.id == admin_invite.id));
    assert!(open.iter().all(|i| i.is_open(t0)));
    assert!(!open.iter().any(|i| i.id == owner_invite.id), "used");
    assert!(store
        .revoke_invitation(town.id, admin_invite.id)
        .await
        .unwrap());
    assert!(!store
        .revoke_invitation(town.id, admin_invite.id)
        .await
        .unwrap());
    assert!(
        !store
            .revoke_invitation(town.id, owner_invite.id)
            .await
            .unwrap(),
        "used: kept"
    );
    assert_eq!(
        store
            .accept_invitation("invitation-adm", paul.id, t0)
            .await
            .unwrap(),
        None
    );

    // --- Posts from the counter: idempotent publication, edit, delete, scheduled ones listed.
    let origin = PostOrigin {
        user_id: Some(marie.id),
        by_steward: false,
        idempotency_key: Some("key-1".into()),
    };
    let (first, created) = store
        .publish_post(town.id, &offer(bakery, "Galettes -20 %", t0), &origin, t0)
        .await
        .unwrap();
    assert!(created);
    assert_eq!(first.author_user_id, Some(marie.id));
    assert!(!first.by_steward);
    let (again, created_again) = store
        .publish_post(town.id, &offer(bakery, "Galettes -20 %", t0), &origin, t0)
        .await
        .unwrap();
    assert!(!created_again);
    assert_eq!(again.id, first.id);
    let (by_steward, _) = store
        .publish_post(
            town.id,
            &offer(bakery, "Marché de Noël : stand", t0 + TimeDelta::hours(30)),
            &PostOrigin {
                user_id: Some(paul.id),
                by_steward: true,
                idempotency_key: Some("key-2".into()),
            },
            t0,
        )
        .await
        .unwrap();
    assert!(by_steward.by_steward);
    let mine = store.shop_posts(town.id, bakery, 10).await.unwrap();
    assert_eq!(
        mine.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![by_steward.id, first.id],
        "scheduled post included, newest first"
    );
    assert_eq!(
        app::server::Store::search_shops(
            store,
            town.id,
            &["galettes".to_string()],
            &Default::default(),
            t0,
            10
        )
        .await
        .unwrap()
        .len(),
        1
    );
    let edited = store
        .update_post(
            town.id,
            first.id,
            &NewPost {
                title: "Couques -30 %".into(),
                ..offer(bakery, "", t0)
            },
            t0 + TimeDelta::minutes(5),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(edited.content.title, "Couques -30 %");
    assert_eq!(edited.author_user_id, Some(marie.id), "author kept");
    assert_eq!(edited.updated_at, t0 + TimeDelta::minutes(5));
    let search = |term: &'static str| async move {
        app::server::Store::search_shops(
            store,
            town.id,
            &[term.to_string()],
            &Default::default(),
            t0,
            10,
        )
        .await
        .unwrap()
        .len()
    };
    assert_eq!(search("galettes").await, 0, "search follows the edit");
    assert_eq!(search("couques").await, 1);
    assert_eq!(
        store
            .update_post(other_town.id, first.id, &offer(bakery, "x", t0), t0)
            .await
            .unwrap(),
        None,
        "another town's post"
    );
    assert!(store.delete_post(town.id, first.id, t0).await.unwrap());
    assert!(!store.delete_post(town.id, first.id, t0).await.unwrap());
    assert_eq!(search("couques").await, 0);
    assert_eq!(
        store.shop_posts(town.id, bakery, 10).await.unwrap().len(),
        1
    );

    // Views: counted per day, summed; a deleted post takes its views along.
    let (viewed, _) = store
        .publish_post(
            town.id,
            &offer(florist, "Roses", t0),
            &PostOrigin::default(),
            t0,
        )
        .await
        .unwrap();
    store
        .record_post_views(&[viewed.id, by_steward.id], t0)
        .await
        .unwrap();
    store.record_post_views(&[viewed.id], t0).await.unwrap();
    store
        .record_post_views(&[viewed.id, 999_999], t0 + TimeDelta::days(1))
        .await
        .unwrap();
    store.record_post_views(&[], t0).await.unwrap();
    assert_eq!(
        store
            .post_view_counts(&[viewed.id, by_steward.id, 999_999])
            .await
            .unwrap(),
        vec![(by_steward.id, 1), (viewed.id, 3)]
            .into_iter()
            .sorted_by_id()
    );
    assert!(store.delete_post(town.id, viewed.id, t0).await.unwrap());
    assert_eq!(store.post_view_counts(&[viewed.id]).await.unwrap(), vec![]);

    // Followers: all, and new this week.
    let week_ago = t0 - TimeDelta::days(7);
    let old = store.create_device_profile("old", t0).await.unwrap();
    store
        .set_shop_follow(old, bakery, true, t0 - TimeDelta::days(20))
        .await
        .unwrap();
    let stats = store.shop_follower_stats(bakery, week_ago).await.unwrap();
    assert_eq!((stats.total, stats.new_since), (2, 1));

    // --- Rate limits: fixed windows.
    let window = TimeDelta::hours(1);
    for expected in 1..=3 {
        assert_eq!(
            store.hit_rate_limit("k", window, t0).await.unwrap(),
            expected
        );
    }
    assert_eq!(
        store
            .hit_rate_limit("k", window, t0 + TimeDelta::minutes(59))
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        store
            .hit_rate_limit("k", window, t0 + TimeDelta::minutes(61))
            .await
            .unwrap(),
        1,
        "a new window"
    );
    assert_eq!(store.hit_rate_limit("other", window, t0).await.unwrap(), 1);

    // --- Purge: expired links, sessions and old windows go.
    let purged = store.purge_expired(t0 + TimeDelta::days(60)).await.unwrap();
    assert!(purged >= 5, "purged {purged}");
    assert_eq!(
        store.purge_expired(t0 + TimeDelta::days(60)).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn accounts_roles_and_invitations_on_sqlite() {
    let (store, _dir) = common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn accounts_roles_and_invitations_on_postgres() {
    let db = common::postgres_store().await;
    contract(&db.store).await;
}

/// A phone that follows nothing, has no subscription, is no account's and was not seen for 90
/// days is deleted by the purge; the others stay.
async fn idle_device_profiles(store: &dyn Store) {
    let t0 = now();
    let town = store
        .upsert_town(&NewTown {
            slug: "habay".into(),
            name: "Habay".into(),
            timezone: "Europe/Brussels".into(),
        })
        .await
        .unwrap();
    let mut slugs = vec!["boulangerie".to_string()].into_iter();
    let fields = ShopFields {
        name: "Boulangerie".into(),
        category: "bakery".into(),
        lat: 49.72,
        lon: 5.64,
        ..ShopFields::default()
    };
    let shop = store
        .upsert_osm_shop(town.id, "node/1", &fields, &mut slugs)
        .await
        .unwrap()
        .0
        .id;
    let empty = store.create_device_profile("empty", t0).await.unwrap();
    let follower = store.create_device_profile("follower", t0).await.unwrap();
    store
        .set_shop_follow(follower, shop, true, t0)
        .await
        .unwrap();
    let later = t0 + TimeDelta::days(80);
    let recent = store.create_device_profile("recent", later).await.unwrap();
    assert_ne!(empty, recent);
    let purge_at = t0 + TimeDelta::days(91);
    store.purge_expired(purge_at).await.unwrap();
    assert_eq!(store.device_profile("empty", purge_at).await.unwrap(), None);
    assert_eq!(
        store.device_profile("follower", purge_at).await.unwrap(),
        Some(follower)
    );
    assert_eq!(
        store.device_profile("recent", purge_at).await.unwrap(),
        Some(recent)
    );
}

#[tokio::test]
async fn idle_device_profiles_on_sqlite() {
    let (store, _dir) = common::sqlite_store().await;
    idle_device_profiles(&store).await;
}

#[tokio::test]
async fn idle_device_profiles_on_postgres() {
    let db = common::postgres_store().await;
    idle_device_profiles(&db.store).await;
}
