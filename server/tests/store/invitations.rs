//! The storage contract of invitations (roles granted by accepting them, on sign-in or
//! signed in; single use, expiry, per town; owners, staff, stewards, admins; the open list and
//! revoking; a shop's team), run on a temporary SQLite file and on a fresh PostgreSQL database.

use crate::common::fixtures::{now, session, sign_in, sign_in_link as link, street, Street};
use app::server::{InvitedRole, NewInvitation, Roles, ShopRole, Store, StoreError};
use chrono::TimeDelta;

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

async fn contract(store: &dyn Store) {
    let t0 = now();
    let Street {
        town,
        other_town,
        centre,
        bakery,
        florist,
        arlon_shop,
        ..
    } = street(store).await;
    let marie = sign_in(store, town.id, "marie@habay.be", "a").await.user;
    let paul = sign_in(store, town.id, "paul@habay.be", "c").await.user;

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
            .accept_invitation(town.id, "invitation-own", paul.id, t0)
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
        .accept_invitation(town.id, "invitation-staff", paul.id, t0)
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
        .accept_invitation(town.id, "invitation-staff2", marie.id, t0)
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
            .accept_invitation(town.id, "invitation-old", paul.id, t0 + TimeDelta::days(2))
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
        .accept_invitation(town.id, "invitation-steward", paul.id, t0)
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
    // The shops' owner invitations, used ones included, and nothing else.
    let owners = store.owner_invitations(town.id).await.unwrap();
    assert!(owners.iter().any(|i| i.id == owner_invite.id));
    assert!(owners
        .iter()
        .all(|i| i.role == InvitedRole::Owner && i.shop_id.is_some() && i.town_id == town.id));
    assert!(owners
        .windows(2)
        .all(|w| (w[0].created_at, w[0].id) >= (w[1].created_at, w[1].id)));
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
            .accept_invitation(town.id, "invitation-adm", paul.id, t0)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn invitations_on_sqlite() {
    let (store, _dir) = crate::common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn invitations_on_postgres() {
    let db = crate::common::postgres_store().await;
    contract(&db.store).await;
}
