//! The storage contract of private messages (a device writes to a shop or a district, the team
//! answers once or closes, figures, the sender's list and deletion, the profile carried into
//! an account) and of push notices (queued per browser of a profile, leased, their outcomes),
//! run on a temporary SQLite file and on a fresh PostgreSQL database.

use crate::common::fixtures::{habay, now, Habay};
use app::domain::messages::{MessageState, NewMessage, Recipient};
use app::domain::outbox::{Notice, Outcome};
use app::domain::push::Subscription;
use app::server::{AccountDeletion, InvitedRole, NewInvitation, Store};
use chrono::TimeDelta;

fn message(body: &str, email: Option<&str>) -> NewMessage {
    NewMessage {
        body: body.into(),
        email: email.map(Into::into),
    }
}

fn notice(tag: &str, quiet: bool) -> Notice {
    Notice {
        title: "Nouveau message pour Boulangerie".into(),
        body: "Ouvrez-vous le lundi ?".into(),
        path: "/counter/boulangerie/messages#message-1".into(),
        tag: tag.into(),
        lang: "fr".into(),
        respects_quiet_hours: quiet,
        message_id: None,
    }
}

async fn grant(
    store: &dyn Store,
    town_id: i64,
    email: &str,
    role: InvitedRole,
    shop_id: Option<i64>,
    district_id: Option<i64>,
) -> i64 {
    let user = store.ensure_user(email, now()).await.unwrap();
    let token = format!("grant-{email}");
    store
        .create_invitation(
            town_id,
            &NewInvitation {
                token_hash: token.clone(),
                role,
                shop_id,
                district_id,
                created_by: None,
                expires_at: now() + TimeDelta::days(14),
            },
            now(),
        )
        .await
        .unwrap();
    store
        .accept_invitation(town_id, &token, user.id, now())
        .await
        .unwrap()
        .expect("accepted");
    store.ensure_user_profile(user.id, now()).await.unwrap()
}

async fn contract(store: &dyn Store) {
    let t0 = now();
    let Habay {
        town,
        other_town,
        centre,
        marbehan,
        cafe,
        bakery,
        arlon_cafe,
        ..
    } = habay(store).await;
    let phone = store.create_device_profile("phone", t0).await.unwrap();
    let tablet = store.create_device_profile("tablet", t0).await.unwrap();

    // --- Sending: to a shop or a district of the town only.
    let first = store
        .save_message(
            town.id,
            Recipient::Shop(bakery.id),
            phone,
            &message(
                "Ouvrez-vous le lundi ? <b>merci</b> 😀",
                Some("anne@habay.be"),
            ),
            "nl",
            t0,
        )
        .await
        .unwrap()
        .expect("saved");
    assert_eq!(first.recipient, Recipient::Shop(bakery.id));
    assert_eq!(first.recipient_name, bakery.fields.name);
    assert_eq!(first.recipient_path, format!("/shops/{}", bakery.slug));
    assert_eq!(first.content.body, "Ouvrez-vous le lundi ? <b>merci</b> 😀");
    assert_eq!(first.content.email.as_deref(), Some("anne@habay.be"));
    assert_eq!(
        (first.locale.as_str(), first.profile_id),
        ("nl", Some(phone))
    );
    assert_eq!(first.state(), MessageState::Open);
    assert_eq!(first.created_at, t0);
    let to_district = store
        .save_message(
            town.id,
            Recipient::District(centre.id),
            phone,
            &message("Des bancs sur la place ?", None),
            "fr",
            t0 + TimeDelta::minutes(1),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        to_district.recipient_path,
        format!("/districts/{}", centre.slug)
    );
    assert_eq!(to_district.content.email, None);
    let from_tablet = store
        .save_message(
            town.id,
            Recipient::Shop(bakery.id),
            tablet,
            &message("Du pain sans gluten ?", None),
            "fr",
            t0 + TimeDelta::minutes(2),
        )
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .save_message(
                town.id,
                Recipient::Shop(arlon_cafe.id),
                phone,
                &message("x", None),
                "fr",
                t0
            )
            .await
            .unwrap()
            .is_none(),
        "another town's shop"
    );
    assert!(store
        .save_message(
            town.id,
            Recipient::Shop(i64::MAX),
            phone,
            &message("x", None),
            "fr",
            t0
        )
        .await
        .unwrap()
        .is_none());
    assert!(store
        .save_message(
            other_town.id,
            Recipient::District(centre.id),
            phone,
            &message("x", None),
            "fr",
            t0
        )
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        store.message_by_id(town.id, first.id).await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(
        store.message_by_id(other_town.id, first.id).await.unwrap(),
        None
    );

    // --- The sender's list, the team's inbox.
    let mine = store.profile_messages(town.id, phone).await.unwrap();
    assert_eq!(
        mine.iter().map(|m| m.id).collect::<Vec<_>>(),
        [to_district.id, first.id],
        "newest first"
    );
    assert!(store
        .profile_messages(other_town.id, phone)
        .await
        .unwrap()
        .is_empty());
    let inbox = store
        .message_inbox(Recipient::Shop(bakery.id), false, 50)
        .await
        .unwrap();
    assert_eq!(
        inbox.iter().map(|m| m.id).collect::<Vec<_>>(),
        [from_tablet.id, first.id]
    );
    assert!(store
        .message_inbox(Recipient::Shop(cafe.id), false, 50)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .message_inbox(Recipient::District(centre.id), false, 50)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(store
        .message_inbox(Recipient::District(marbehan.id), false, 50)
        .await
        .unwrap()
        .is_empty());

    // --- Answering: once; closing and opening again.
    let marie = store.ensure_user("marie@habay.be", t0).await.unwrap();
    let t1 = t0 + TimeDelta::hours(2);
    let answered = store
        .answer_message(first.id, "Oui, de 8 h à 12 h.", marie.id, t1)
        .await
        .unwrap()
        .expect("answered");
    assert_eq!(answered.state(), MessageState::Answered);
    let answer = answered.answer.clone().unwrap();
    assert_eq!(
        (answer.body.as_str(), answer.answered_by, answer.answered_at),
        ("Oui, de 8 h à 12 h.", Some(marie.id), t1)
    );
    assert_eq!(
        store
            .answer_message(first.id, "Autre chose", marie.id, t1)
            .await
            .unwrap(),
        None,
        "answered once"
    );
    assert_eq!(
        store
            .message_by_id(town.id, first.id)
            .await
            .unwrap()
            .unwrap()
            .answer,
        Some(answer)
    );
    assert!(
        !store.close_message(first.id, true, t1).await.unwrap(),
        "an answered one stays"
    );
    assert!(store.close_message(from_tablet.id, true, t1).await.unwrap());
    assert!(!store.close_message(from_tablet.id, true, t1).await.unwrap());
    assert_eq!(
        store
            .message_by_id(town.id, from_tablet.id)
            .await
            .unwrap()
            .unwrap()
            .state(),
        MessageState::Closed
    );
    assert!(
        store
            .message_inbox(Recipient::Shop(bakery.id), true, 50)
            .await
            .unwrap()
            .is_empty(),
        "nothing open"
    );
    let stats = store
        .message_stats(Recipient::Shop(bakery.id), t0 + TimeDelta::minutes(1))
        .await
        .unwrap();
    assert_eq!(
        (stats.received, stats.this_month, stats.answered, stats.open),
        (2, 1, 1, 0)
    );
    assert!(store
        .close_message(from_tablet.id, false, t1)
        .await
        .unwrap());
    assert_eq!(
        store
            .message_inbox(Recipient::Shop(bakery.id), true, 50)
            .await
            .unwrap()
            .iter()
            .map(|m| m.id)
            .collect::<Vec<_>>(),
        [from_tablet.id]
    );
    // A closed message can still be answered (and then it is no longer closed).
    store.close_message(from_tablet.id, true, t1).await.unwrap();
    let late = store
        .answer_message(from_tablet.id, "Oui, le vendredi.", marie.id, t1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (late.state(), late.closed_at),
        (MessageState::Answered, None)
    );

    // --- Editing: the sender's device, while the team has neither answered nor closed it.
    let t2 = t0 + TimeDelta::hours(3);
    let changed = store
        .edit_message(phone, to_district.id, "Des bancs et des arbres ?", t2)
        .await
        .unwrap()
        .expect("changed");
    assert_eq!(
        (changed.content.body.as_str(), changed.edited_at),
        ("Des bancs et des arbres ?", Some(t2))
    );
    assert_eq!(changed.content.email, to_district.content.email);
    assert!(
        store
            .edit_message(tablet, to_district.id, "x", t2)
            .await
            .unwrap()
            .is_none(),
        "someone else's"
    );
    assert!(
        store
            .edit_message(phone, first.id, "x", t2)
            .await
            .unwrap()
            .is_none(),
        "answered"
    );
    assert!(
        store
            .edit_message(tablet, from_tablet.id, "x", t2)
            .await
            .unwrap()
            .is_none(),
        "answered too"
    );
    assert_eq!(
        store
            .message_by_id(town.id, first.id)
            .await
            .unwrap()
            .unwrap()
            .edited_at,
        None,
        "the answered one is as it was"
    );
    let filed = store
        .save_message(
            town.id,
            Recipient::Shop(bakery.id),
            phone,
            &message("Une idée", None),
            "fr",
            t2,
        )
        .await
        .unwrap()
        .unwrap();
    assert!(store.close_message(filed.id, true, t2).await.unwrap());
    assert!(
        store
            .edit_message(phone, filed.id, "Une autre idée", t2)
            .await
            .unwrap()
            .is_none(),
        "filed by the team"
    );
    assert!(store.delete_message(phone, filed.id).await.unwrap());

    // --- Deleting: only the sender's device.
    assert!(!store.delete_message(tablet, to_district.id).await.unwrap());
    assert!(store.delete_message(phone, to_district.id).await.unwrap());
    assert!(store
        .message_by_id(town.id, to_district.id)
        .await
        .unwrap()
        .is_none());

    // --- The phone signs in: its messages follow it into the account.
    let account = store.ensure_user_profile(marie.id, t0).await.unwrap();
    store.merge_device_profiles(phone, account).await.unwrap();
    assert_eq!(
        store
            .profile_messages(town.id, account)
            .await
            .unwrap()
            .iter()
            .map(|m| m.id)
            .collect::<Vec<_>>(),
        [first.id]
    );

    // --- Who answers: the shop's team; for a shop without one, its district's stewards.
    let owner = grant(
        store,
        town.id,
        "owner@habay.be",
        InvitedRole::Owner,
        Some(bakery.id),
        None,
    )
    .await;
    let staff = grant(
        store,
        town.id,
        "staff@habay.be",
        InvitedRole::Staff,
        Some(bakery.id),
        None,
    )
    .await;
    let steward = grant(
        store,
        town.id,
        "steward@habay.be",
        InvitedRole::Steward,
        None,
        Some(centre.id),
    )
    .await;
    let mut team = store
        .recipient_team_profiles(Recipient::Shop(bakery.id))
        .await
        .unwrap();
    team.sort_unstable();
    let mut expected = vec![owner, staff];
    expected.sort_unstable();
    assert_eq!(team, expected, "the team, not the stewards");
    assert_eq!(
        store
            .recipient_team_profiles(Recipient::Shop(cafe.id))
            .await
            .unwrap(),
        [steward],
        "a shop without a team: its district's stewards"
    );
    assert_eq!(
        store
            .recipient_team_profiles(Recipient::District(centre.id))
            .await
            .unwrap(),
        [steward]
    );
    assert!(store
        .recipient_team_profiles(Recipient::District(marbehan.id))
        .await
        .unwrap()
        .is_empty());

    // --- Notices: one per browser of the profiles, leased, their outcomes.
    let browser = |n: &str| {
        Subscription {
        endpoint: format!("https://push.example.net/{n}"),
        p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM".into(),
        auth: "tBHItJI5svbpez7KI4CCXg".into(),
    }
    };
    let owner_phone = store
        .save_push_subscription(owner, None, &browser("a"), t0)
        .await
        .unwrap();
    store
        .save_push_subscription(owner, None, &browser("b"), t0)
        .await
        .unwrap();
    store
        .save_push_subscription(staff, None, &browser("c"), t0)
        .await
        .unwrap();
    assert_eq!(
        store
            .queue_notice(
                town.id,
                &[owner, staff, steward],
                &notice("message-1", true),
                t0
            )
            .await
            .unwrap(),
        3,
        "every browser of the team (the steward has none)"
    );
    assert_eq!(
        store
            .queue_notice(town.id, &[], &notice("x", true), t0)
            .await
            .unwrap(),
        0
    );
    store
        .queue_notice(
            town.id,
            &[owner],
            &notice("answer-1", false),
            t0 + TimeDelta::seconds(1),
        )
        .await
        .unwrap();
    assert_eq!(store.next_push_due().await.unwrap(), Some(t0));
    let lease = TimeDelta::seconds(30);
    let claimed = store
        .claim_push_notices(t0 + TimeDelta::seconds(1), lease, 10)
        .await
        .unwrap();
    assert_eq!(
        claimed.len(),
        5,
        "three browsers for the message, two for the answer"
    );
    assert!(
        store
            .claim_push_notices(t0 + TimeDelta::seconds(2), lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "leased"
    );
    let find = |tag: &str, browser: &str| {
        claimed
            .iter()
            .find(|c| {
                c.notice.tag == tag
                    && c.target.as_ref().map(|t| t.endpoint.as_str())
                        == Some(&*format!("https://push.example.net/{browser}"))
            })
            .unwrap_or_else(|| panic!("{tag} for {browser}"))
    };
    let message_a = find("message-1", "a");
    assert_eq!(message_a.notice, notice("message-1", true));
    assert_eq!(message_a.attempts, 1);
    let quiet = message_a.quiet.expect("the town's quiet hours");
    assert_eq!((quiet.start, quiet.end), (21 * 60, 8 * 60));
    assert_eq!(message_a.timezone, town.timezone);
    assert_eq!(find("answer-1", "a").quiet, None, "this one does not wait");
    // Delivered, retried, deferred, gone (the subscription deleted).
    let outcomes = vec![
        (message_a.id, Outcome::Delivered { status: 201 }),
        (
            find("message-1", "b").id,
            Outcome::Retry {
                status: Some(503),
                at: t0 + TimeDelta::minutes(5),
            },
        ),
        (
            find("message-1", "c").id,
            Outcome::Deferred {
                until: t0 + TimeDelta::hours(8),
            },
        ),
        (
            find("answer-1", "a").id,
            Outcome::Gone {
                status: Some(410),
                subscription_id: owner_phone,
            },
        ),
        (find("answer-1", "b").id, Outcome::Delivered { status: 201 }),
    ];
    store
        .record_notice_outcomes(t0 + TimeDelta::seconds(3), &outcomes)
        .await
        .unwrap();
    assert!(store
        .push_subscriptions(owner)
        .await
        .unwrap()
        .iter()
        .all(|s| s.id != owner_phone));
    let states: Vec<String> = store
        .profile_notices(owner)
        .await
        .unwrap()
        .into_iter()
        .map(|(state, _, _)| state)
        .collect();
    assert_eq!(states, ["pending", "delivered"], "browser b's (a is gone)");
    assert_eq!(
        store.next_push_due().await.unwrap(),
        Some(t0 + TimeDelta::minutes(5)),
        "the retry"
    );
    let again = store
        .claim_push_notices(t0 + TimeDelta::minutes(5), lease, 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
    store
        .record_notice_outcomes(
            t0 + TimeDelta::minutes(5),
            &[(again[0].id, Outcome::Delivered { status: 201 })],
        )
        .await
        .unwrap();
    let staff_notice = store
        .claim_push_notices(t0 + TimeDelta::hours(8), lease, 10)
        .await
        .unwrap();
    assert_eq!(staff_notice.len(), 1);
    assert_eq!(staff_notice[0].attempts, 1, "a deferral is no attempt");
    store
        .record_notice_outcomes(
            t0 + TimeDelta::hours(8),
            &[(staff_notice[0].id, Outcome::Expired)],
        )
        .await
        .unwrap();
    let message_notice = notice("message-1", true);
    assert_eq!(
        store.profile_notices(staff).await.unwrap(),
        [(
            "dropped".to_owned(),
            message_notice.title,
            message_notice.path
        )]
    );
    assert_eq!(store.next_push_due().await.unwrap(), None);

    // --- Deleting an account: the messages sent from it go; its answers stay, unsigned.
    assert_eq!(
        store.delete_account(marie.id).await.unwrap(),
        AccountDeletion::Deleted
    );
    assert_eq!(
        store.delete_account(marie.id).await.unwrap(),
        AccountDeletion::NotFound
    );
    assert!(store
        .user_by_email("marie@habay.be")
        .await
        .unwrap()
        .is_none());
    assert!(store
        .message_by_id(town.id, first.id)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .profile_messages(town.id, account)
        .await
        .unwrap()
        .is_empty());
    let kept = store
        .message_by_id(town.id, from_tablet.id)
        .await
        .unwrap()
        .expect("another device's message stays");
    assert_eq!(
        kept.answer.map(|a| (a.body, a.answered_by)),
        Some(("Oui, le vendredi.".to_owned(), None))
    );
    // Not a shop's only owner, nor a town's only administrator: nothing is deleted then.
    let owner_user = store
        .user_by_email("owner@habay.be")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.delete_account(owner_user.id).await.unwrap(),
        AccountDeletion::LastOwner
    );
    assert!(store
        .user_by_email("owner@habay.be")
        .await
        .unwrap()
        .is_some());
    let staff_user = store
        .user_by_email("staff@habay.be")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.delete_account(staff_user.id).await.unwrap(),
        AccountDeletion::Deleted
    );
    let admin = store
        .grant_admin(town.id, "admin@habay.be", t0)
        .await
        .unwrap();
    assert_eq!(
        store.delete_account(admin.id).await.unwrap(),
        AccountDeletion::LastAdmin
    );
    store
        .grant_admin(town.id, "admin2@habay.be", t0)
        .await
        .unwrap();
    assert_eq!(
        store.delete_account(admin.id).await.unwrap(),
        AccountDeletion::Deleted
    );
    let _ = other_town;
}

#[tokio::test]
async fn messages_on_sqlite() {
    let (store, _dir) = crate::common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn messages_on_postgres() {
    let db = crate::common::postgres_store().await;
    contract(&db.store).await;
}
