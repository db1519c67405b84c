//! The storage contract of reviews (writing and editing with versions, the shop's list and
//! figures, replies, "useful" marks, reports, moderation and its log, display names, the
//! town's settings), run on a temporary SQLite file and on a fresh PostgreSQL database.

use crate::common::fixtures::{habay, now, Habay};
use app::domain::reviews::{ModerationAction, NewReview, ReportReason, ReviewPart};
use app::server::{NewDecision, ReviewSettings, ReviewStatus, Store};
use chrono::{NaiveDate, TimeDelta};

fn decision(
    part: ReviewPart,
    action: ModerationAction,
    reason: &str,
    actor_user_id: i64,
) -> NewDecision {
    NewDecision {
        part,
        action,
        reason: reason.into(),
        actor_user_id,
    }
}

fn review(rating: u8, body: &str) -> NewReview {
    NewReview {
        rating,
        body: body.into(),
        visited_on: None,
    }
}

async fn contract(store: &dyn Store) {
    let t0 = now();
    let Habay {
        town,
        other_town,
        cafe,
        bakery,
        arlon_cafe,
        ..
    } = habay(store).await;
    let marie = store
        .ensure_user("marie.dupont@habay.be", t0)
        .await
        .unwrap();
    let paul = store.ensure_user("paul@habay.be", t0).await.unwrap();
    let again = store
        .ensure_user("marie.dupont@habay.be", t0)
        .await
        .unwrap();
    assert_eq!(again.id, marie.id, "one account per address");

    // --- Writing: new, then edited (the earlier text kept as a version).
    let visit = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let (first, created) = store
        .save_review(
            town.id,
            bakery.id,
            marie.id,
            &NewReview {
                visited_on: Some(visit),
                ..review(4, "Bon pain, <b>accueil</b> souriant 😀")
            },
            ReviewStatus::Published,
            t0,
        )
        .await
        .unwrap()
        .unwrap();
    assert!(created);
    assert_eq!(
        first.author_name, "marie.dupont",
        "the e-mail's first part, never all of it"
    );
    assert_eq!(first.content.body, "Bon pain, <b>accueil</b> souriant 😀");
    assert_eq!(first.content.visited_on, Some(visit));
    assert_eq!(
        (first.status, first.edited_at, first.useful),
        (ReviewStatus::Published, None, 0)
    );
    let t1 = t0 + TimeDelta::hours(2);
    let (edited, created) = store
        .save_review(
            town.id,
            bakery.id,
            marie.id,
            &review(2, "Moins bien"),
            ReviewStatus::Published,
            t1,
        )
        .await
        .unwrap()
        .unwrap();
    assert!(!created);
    assert_eq!(edited.id, first.id, "one review per account per shop");
    assert_eq!(edited.content.rating, 2);
    assert_eq!(edited.content.visited_on, None);
    assert_eq!(edited.created_at, first.created_at);
    assert_eq!(edited.edited_at, Some(t1));
    let versions = store.review_versions(first.id).await.unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].content.rating, 4);
    assert_eq!(versions[0].content.visited_on, Some(visit));
    assert_eq!(versions[0].written_at, t0);
    // Another town's shop is not reviewed from this town.
    assert!(store
        .save_review(
            town.id,
            arlon_cafe.id,
            marie.id,
            &review(5, "x"),
            ReviewStatus::Published,
            t0
        )
        .await
        .unwrap()
        .is_none());
    assert!(store
        .review_by_id(other_town.id, first.id)
        .await
        .unwrap()
        .is_none());

    // --- The shop's list and figures: published reviews only.
    store
        .set_display_name(paul.id, Some("Paul H."))
        .await
        .unwrap();
    assert_eq!(
        store.display_name(paul.id).await.unwrap().as_deref(),
        Some("Paul H.")
    );
    let (pauls, _) = store
        .save_review(
            town.id,
            bakery.id,
            paul.id,
            &review(5, ""),
            ReviewStatus::Published,
            t1 + TimeDelta::hours(1),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pauls.author_name, "Paul H.");
    let (held, _) = store
        .save_review(
            town.id,
            cafe.id,
            paul.id,
            &review(1, "Attend la modération"),
            ReviewStatus::Held,
            t1,
        )
        .await
        .unwrap()
        .unwrap();
    let listed = store.shop_reviews(bakery.id, 0, 10).await.unwrap();
    assert_eq!(
        listed.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![pauls.id, first.id],
        "newest first"
    );
    assert_eq!(store.shop_reviews(bakery.id, 1, 10).await.unwrap().len(), 1);
    assert!(
        store.shop_reviews(cafe.id, 0, 10).await.unwrap().is_empty(),
        "held: not listed"
    );
    let summary = store.review_summary(bakery.id).await.unwrap();
    assert_eq!((summary.count, summary.distribution), (2, [0, 1, 0, 0, 1]));
    assert_eq!(summary.average(), Some(3.5));
    assert_eq!(store.review_summary(cafe.id).await.unwrap().count, 0);
    assert_eq!(store.user_reviews(town.id, paul.id).await.unwrap().len(), 2);
    assert_eq!(
        store
            .user_review(cafe.id, paul.id)
            .await
            .unwrap()
            .map(|r| r.status),
        Some(ReviewStatus::Held)
    );
    let prints = store
        .user_review_fingerprints(paul.id, bakery.id)
        .await
        .unwrap();
    assert_eq!(prints, vec!["attend la moderation".to_owned()]);

    // --- Replies: one per review, editable, deletable; the inbox and the stats follow.
    assert_eq!(
        store.review_inbox(bakery.id, true, 10).await.unwrap().len(),
        2
    );
    let reply_at = t1 + TimeDelta::hours(5);
    let reply = store
        .save_reply(first.id, "Merci !", paul.id, reply_at)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (reply.body.as_str(), reply.created_at, reply.edited_at),
        ("Merci !", reply_at, None)
    );
    let edited_reply = store
        .save_reply(
            first.id,
            "Merci, à bientôt !",
            paul.id,
            reply_at + TimeDelta::hours(1),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(edited_reply.created_at, reply_at);
    assert_eq!(edited_reply.edited_at, Some(reply_at + TimeDelta::hours(1)));
    assert!(store
        .save_reply(999_999, "x", paul.id, t1)
        .await
        .unwrap()
        .is_none());
    let unanswered = store.review_inbox(bakery.id, true, 10).await.unwrap();
    assert_eq!(
        unanswered.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![pauls.id]
    );
    let with_reply = store
        .review_by_id(town.id, first.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        with_reply.reply.map(|r| r.body),
        Some("Merci, à bientôt !".into())
    );
    let stats = store.review_stats(bakery.id, t1).await.unwrap();
    assert_eq!(
        (stats.summary.count, stats.this_month, stats.replied),
        (2, 1, 1)
    );
    // The review was last written at t1... but counted from its creation (t0): 7 hours.
    assert_eq!(stats.median_reply, Some(TimeDelta::hours(7)));
    assert_eq!(stats.reply_rate(), Some(50));
    assert_eq!(
        store
            .review_stats(bakery.id, t1 + TimeDelta::days(1))
            .await
            .unwrap()
            .this_month,
        0
    );

    // --- "Useful", once per device.
    let phone = store.create_device_profile("hash-phone", t0).await.unwrap();
    assert!(store.mark_useful(first.id, phone, t0).await.unwrap());
    assert!(!store.mark_useful(first.id, phone, t0).await.unwrap());
    assert!(!store.mark_useful(999_999, phone, t0).await.unwrap());
    assert_eq!(
        store
            .review_by_id(town.id, first.id)
            .await
            .unwrap()
            .unwrap()
            .useful,
        1
    );
    assert_eq!(
        store
            .useful_marks(phone, &[first.id, pauls.id])
            .await
            .unwrap(),
        vec![first.id]
    );
    assert!(store.useful_marks(phone, &[]).await.unwrap().is_empty());

    // --- Reports, once per device and part; the queue lists held and reported reviews.
    assert!(store
        .report_review(
            first.id,
            ReviewPart::Review,
            ReportReason::Insult,
            "",
            phone,
            t1
        )
        .await
        .unwrap());
    assert!(
        !store
            .report_review(
                first.id,
                ReviewPart::Review,
                ReportReason::Spam,
                "again",
                phone,
                t1
            )
            .await
            .unwrap(),
        "reporting twice"
    );
    assert!(store
        .report_review(
            first.id,
            ReviewPart::Reply,
            ReportReason::Other,
            "hors sujet",
            phone,
            t1
        )
        .await
        .unwrap());
    let queue = store.moderation_queue(town.id, None).await.unwrap();
    assert_eq!(
        queue.iter().map(|i| i.review.id).collect::<Vec<_>>(),
        vec![first.id, held.id]
    );
    assert_eq!(queue[0].reports.len(), 2);
    assert_eq!(queue[0].reports[1].details, "hors sujet");
    assert_eq!(
        store
            .moderation_queue(town.id, Some(&[cafe.id]))
            .await
            .unwrap()
            .len(),
        1,
        "a steward's shops only"
    );
    assert!(store
        .moderation_queue(town.id, Some(&[]))
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .moderation_queue(other_town.id, None)
        .await
        .unwrap()
        .is_empty());

    // --- Decisions: hide (off the list and the figures at once), restore, dismiss; logged.
    let admin = store
        .grant_admin(town.id, "admin@habay.be", t0)
        .await
        .unwrap();
    assert!(store
        .moderate(
            town.id,
            first.id,
            &decision(
                ReviewPart::Review,
                ModerationAction::Hide,
                "Insulte",
                admin.id
            ),
            t1
        )
        .await
        .unwrap());
    let hidden = store
        .review_by_id(town.id, first.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (hidden.status, hidden.status_reason.as_deref()),
        (ReviewStatus::Hidden, Some("Insulte"))
    );
    assert_eq!(store.review_summary(bakery.id).await.unwrap().count, 1);
    assert_eq!(store.shop_reviews(bakery.id, 0, 10).await.unwrap().len(), 1);
    let queue = store.moderation_queue(town.id, None).await.unwrap();
    assert_eq!(
        queue[0].reports.len(),
        1,
        "the review's report closed, the reply's still open"
    );
    assert!(store
        .moderate(
            town.id,
            first.id,
            &decision(
                ReviewPart::Reply,
                ModerationAction::Hide,
                "Hors sujet",
                admin.id
            ),
            t1
        )
        .await
        .unwrap());
    let reply = store
        .review_by_id(town.id, first.id)
        .await
        .unwrap()
        .unwrap()
        .reply
        .unwrap();
    assert_eq!(reply.hidden_reason.as_deref(), Some("Hors sujet"));
    assert_eq!(store.review_stats(bakery.id, t1).await.unwrap().replied, 0);
    assert!(store
        .moderate(
            town.id,
            first.id,
            &decision(ReviewPart::Review, ModerationAction::Restore, "", admin.id),
            t1
        )
        .await
        .unwrap());
    assert_eq!(store.review_summary(bakery.id).await.unwrap().count, 2);
    assert!(store
        .moderate(
            town.id,
            held.id,
            &decision(ReviewPart::Review, ModerationAction::Publish, "", admin.id),
            t1
        )
        .await
        .unwrap());
    assert_eq!(store.review_summary(cafe.id).await.unwrap().count, 1);
    assert!(
        !store
            .moderate(
                other_town.id,
                first.id,
                &decision(ReviewPart::Review, ModerationAction::Hide, "x", admin.id),
                t1
            )
            .await
            .unwrap(),
        "another town's review"
    );
    assert!(
        !store
            .moderate(
                town.id,
                pauls.id,
                &decision(ReviewPart::Reply, ModerationAction::Hide, "x", admin.id),
                t1
            )
            .await
            .unwrap(),
        "a reply that does not exist"
    );
    // Nothing left to decide; the hidden reply stays listed, to restore.
    let queue = store.moderation_queue(town.id, None).await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].review.id, first.id);
    assert!(queue[0].reports.is_empty());
    let log = store.moderation_log(town.id, 10).await.unwrap();
    assert_eq!(log.len(), 4);
    assert_eq!(log[3].action, ModerationAction::Hide);
    assert_eq!(log[3].reason, "Insulte");
    assert_eq!(log[3].actor_email.as_deref(), Some("admin@habay.be"));
    assert!(store
        .moderation_log(other_town.id, 10)
        .await
        .unwrap()
        .is_empty());
    assert!(store.hidden_before(bakery.id, marie.id).await.unwrap());
    assert!(!store.hidden_before(bakery.id, paul.id).await.unwrap());
    assert!(!store.hidden_before(cafe.id, marie.id).await.unwrap());

    // --- A hidden reply stays until restored; an edit of a hidden review goes back to them.
    assert!(!store.delete_reply(first.id).await.unwrap(), "hidden: kept");
    store
        .save_reply(first.id, "Merci (corrigé)", paul.id, t1)
        .await
        .unwrap();
    let reply = store
        .review_by_id(town.id, first.id)
        .await
        .unwrap()
        .unwrap()
        .reply
        .unwrap();
    assert_eq!(
        reply.hidden_reason.as_deref(),
        Some("Hors sujet"),
        "an edit keeps it hidden"
    );
    assert!(store
        .moderate(
            town.id,
            first.id,
            &decision(ReviewPart::Reply, ModerationAction::Restore, "", admin.id),
            t1
        )
        .await
        .unwrap());
    assert!(store
        .moderation_queue(town.id, None)
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .moderate(
            town.id,
            first.id,
            &decision(
                ReviewPart::Review,
                ModerationAction::Hide,
                "Encore",
                admin.id
            ),
            t1
        )
        .await
        .unwrap());
    let (rewritten, _) = store
        .save_review(
            town.id,
            bakery.id,
            marie.id,
            &review(3, "Réécrit"),
            ReviewStatus::Published,
            t1,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (rewritten.status, rewritten.status_reason),
        (ReviewStatus::Held, None)
    );

    // --- Deleting: only the author's own; the log stays.
    assert!(!store.delete_reply(pauls.id).await.unwrap());
    assert!(store.delete_reply(first.id).await.unwrap());
    assert!(
        !store.delete_review(paul.id, first.id).await.unwrap(),
        "someone else's"
    );
    assert!(store.delete_review(marie.id, first.id).await.unwrap());
    assert!(store
        .review_by_id(town.id, first.id)
        .await
        .unwrap()
        .is_none());
    assert!(store.review_versions(first.id).await.unwrap().is_empty());
    assert_eq!(store.moderation_log(town.id, 10).await.unwrap().len(), 6);
    assert!(
        store.hidden_before(bakery.id, marie.id).await.unwrap(),
        "kept after deletion"
    );

    // --- Display names back to the default; the town's settings.
    store.set_display_name(paul.id, None).await.unwrap();
    assert_eq!(store.display_name(paul.id).await.unwrap(), None);
    assert_eq!(
        store
            .review_by_id(town.id, pauls.id)
            .await
            .unwrap()
            .unwrap()
            .author_name,
        "paul"
    );
    assert_eq!(
        store.review_settings(town.id).await.unwrap(),
        ReviewSettings::default()
    );
    let strict = ReviewSettings {
        hold_first: true,
        min_account_minutes: 30,
    };
    store.set_review_settings(town.id, strict).await.unwrap();
    assert_eq!(store.review_settings(town.id).await.unwrap(), strict);
    assert_eq!(
        store.review_settings(other_town.id).await.unwrap(),
        ReviewSettings::default()
    );
}

#[tokio::test]
async fn reviews_on_sqlite() {
    let (store, _dir) = crate::common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn reviews_on_postgres() {
    let db = crate::common::postgres_store().await;
    contract(&db.store).await;
}
