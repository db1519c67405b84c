//! `DashboardStore`: followers now (each resident once), the period's posts per shop and kind
//! with their pushes, the period's published reviews; a district's share and another town's
//! rows kept apart.

use std::collections::BTreeMap;

use crate::common::fixtures::{habay, habay_posts, now, Habay};
use app::domain::activity::{Hit, Metric, Tally};
use app::domain::reviews::NewReview;
use app::server::{Post, PostAuthor, ReviewStatus, Store};
use chrono::TimeDelta;

async fn contract(store: &dyn Store) {
    let t0 = now();
    let h = habay(store).await;
    let posts = habay_posts(store, &h).await;
    let Habay {
        town,
        other_town,
        centre,
        marbehan,
        cafe,
        bakery,
        florist,
        arlon_cafe,
        ..
    } = &h;

    // Followers: one phone follows the café, the bakery and the centre (one resident of the
    // centre), another the florist, a third the café of another town.
    let mut phones = Vec::new();
    for token in ["a", "b", "c"] {
        phones.push(store.create_device_profile(token, t0).await.unwrap());
    }
    for shop in [cafe.id, bakery.id] {
        store
            .set_shop_follow(phones[0], shop, true, t0)
            .await
            .unwrap();
    }
    store
        .set_district_follow(phones[0], centre.id, true, t0)
        .await
        .unwrap();
    store
        .set_shop_follow(phones[1], florist.id, true, t0)
        .await
        .unwrap();
    store
        .set_shop_follow(phones[2], arlon_cafe.id, true, t0)
        .await
        .unwrap();
    assert_eq!(store.distinct_followers(town.id, None).await.unwrap(), 2);
    assert_eq!(
        store
            .distinct_followers(town.id, Some(centre.id))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .distinct_followers(town.id, Some(marbehan.id))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store.distinct_followers(other_town.id, None).await.unwrap(),
        1
    );
    let counts = store.follower_counts(town.id).await.unwrap();
    let mut expected = vec![(cafe.id, 1), (bakery.id, 1), (florist.id, 1)];
    expected.sort();
    assert_eq!(counts.shops, expected);
    assert_eq!(counts.districts, vec![(centre.id, 1)]);

    // Posts of the last ten days (the scheduled one is not out yet at t0), two taps on the
    // bakery's offer from two phones: each is also the post's own figure, written with its
    // daily mark (a phone's second tap the same day adds nothing to either).
    let tap = |mark: &str| Hit {
        tally: Tally::post_metric(
            Metric::PushOpen,
            posts.offer.id,
            Some(bakery.id),
            Some(centre.id),
        ),
        mark: Some(mark.into()),
    };
    let day = t0.date_naive();
    assert_eq!(
        store
            .count_hits(town.id, day, &[tap("phone-a"), tap("phone-b")])
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .count_hits(town.id, day, &[tap("phone-a")])
            .await
            .unwrap(),
        0
    );
    let all: [&Post; 6] = [
        &posts.offer,
        &posts.expired,
        &posts.scheduled,
        &posts.event,
        &posts.started,
        &posts.past_event,
    ];
    let (from, to) = (t0 - TimeDelta::days(10), t0);
    let expect = |district: Option<i64>| {
        let mut expected: BTreeMap<(Option<i64>, &'static str), i64> = BTreeMap::new();
        for post in all {
            let published = post.content.published_at;
            let (shop, post_district) = match post.content.author {
                // The fixture puts the café and the bakery in the centre, the florist in Marbehan.
                PostAuthor::Shop(id) => (
                    Some(id),
                    if id == florist.id {
                        Some(marbehan.id)
                    } else if id == cafe.id || id == bakery.id {
                        Some(centre.id)
                    } else {
                        None
                    },
                ),
                PostAuthor::District(id) => (None, Some(id)),
            };
            if published >= from
                && published < to
                && district.is_none_or(|d| post_district == Some(d))
            {
                *expected
                    .entry((shop, post.content.kind.as_str()))
                    .or_default() += 1;
            }
        }
        expected
    };
    let found = |rows: Vec<app::domain::dashboard::PostFigures>| {
        rows.into_iter()
            .map(|r| ((r.shop_id, r.kind.as_str()), r.posts))
            .collect::<BTreeMap<_, _>>()
    };
    let town_rows = store.post_figures(town.id, None, from, to).await.unwrap();
    let offer_row = town_rows
        .iter()
        .find(|r| r.shop_id == Some(bakery.id) && r.kind.as_str() == "offer")
        .unwrap();
    assert_eq!(offer_row.opened, 2);
    assert_eq!((offer_row.targeted, offer_row.delivered), (0, 0));
    assert!(town_rows
        .iter()
        .filter(|r| r.shop_id.is_none())
        .all(|r| r.district_id == Some(centre.id)));
    assert_eq!(found(town_rows), expect(None));
    assert!(!expect(None).is_empty());
    assert_eq!(
        found(
            store
                .post_figures(town.id, Some(centre.id), from, to)
                .await
                .unwrap()
        ),
        expect(Some(centre.id))
    );
    assert_eq!(
        found(
            store
                .post_figures(town.id, Some(marbehan.id), from, to)
                .await
                .unwrap()
        ),
        expect(Some(marbehan.id))
    );
    // Once the scheduled post is out, it counts.
    let later = posts.scheduled.content.published_at + TimeDelta::minutes(1);
    let with_scheduled = found(
        store
            .post_figures(town.id, None, from, later)
            .await
            .unwrap(),
    );
    assert_eq!(
        with_scheduled.values().sum::<i64>(),
        expect(None).values().sum::<i64>() + 1
    );
    assert!(store
        .post_figures(other_town.id, None, from, later)
        .await
        .unwrap()
        .is_empty());

    // Reviews: two published in the period (one answered), one held, one before the period.
    let marie = store.ensure_user("marie@habay.be", t0).await.unwrap();
    let paul = store.ensure_user("paul@habay.be", t0).await.unwrap();
    let luc = store.ensure_user("luc@habay.be", t0).await.unwrap();
    let anne = store.ensure_user("anne@habay.be", t0).await.unwrap();
    let review = |rating: u8| NewReview {
        rating,
        body: "Très bien".into(),
        visited_on: None,
    };
    let write = |shop: i64, user: i64, rating: u8, status: ReviewStatus, at| async move {
        store
            .save_review(town.id, shop, user, &review(rating), status, at)
            .await
            .unwrap()
            .unwrap()
            .0
    };
    let answered = write(
        bakery.id,
        marie.id,
        5,
        ReviewStatus::Published,
        t0 - TimeDelta::days(2),
    )
    .await;
    store
        .save_reply(answered.id, "Merci !", paul.id, t0)
        .await
        .unwrap()
        .unwrap();
    write(
        bakery.id,
        paul.id,
        2,
        ReviewStatus::Published,
        t0 - TimeDelta::days(1),
    )
    .await;
    write(
        bakery.id,
        luc.id,
        1,
        ReviewStatus::Held,
        t0 - TimeDelta::days(1),
    )
    .await;
    write(
        florist.id,
        anne.id,
        4,
        ReviewStatus::Published,
        t0 - TimeDelta::days(30),
    )
    .await;
    let reviews = store.review_figures(town.id, None, from, to).await.unwrap();
    assert_eq!(reviews.len(), 1);
    let r = reviews[0];
    assert_eq!(
        (r.shop_id, r.reviews, r.rating_sum, r.answered),
        (bakery.id, 2, 7, 1)
    );
    assert!(store
        .review_figures(town.id, Some(marbehan.id), from, to)
        .await
        .unwrap()
        .is_empty());
    let month = store
        .review_figures(town.id, Some(marbehan.id), t0 - TimeDelta::days(31), to)
        .await
        .unwrap();
    assert_eq!(month.len(), 1);
    assert_eq!((month[0].shop_id, month[0].rating_sum), (florist.id, 4));

    // What the stewards did: invitations made in the period (an admin's left out), those
    // accepted; district posts and posts on a shop's behalf.
    use app::server::{InvitedRole, NewInvitation};
    let invite = |token: &'static str,
                  role: InvitedRole,
                  shop: Option<i64>,
                  district: Option<i64>| async move {
        store
            .create_invitation(
                town.id,
                &NewInvitation {
                    token_hash: token.into(),
                    role,
                    shop_id: shop,
                    district_id: district,
                    created_by: None,
                    expires_at: t0 + TimeDelta::days(14),
                },
                t0 - TimeDelta::days(1),
            )
            .await
            .unwrap()
    };
    invite("owner-cafe", InvitedRole::Owner, Some(cafe.id), None).await;
    invite("owner-florist", InvitedRole::Owner, Some(florist.id), None).await;
    invite(
        "steward-centre",
        InvitedRole::Steward,
        None,
        Some(centre.id),
    )
    .await;
    invite("admin", InvitedRole::Admin, None, None).await;
    store
        .accept_invitation(town.id, "owner-cafe", marie.id, t0)
        .await
        .unwrap()
        .unwrap();
    let district_posts = all
        .iter()
        .filter(|p| matches!(p.content.author, PostAuthor::District(_)))
        .filter(|p| p.content.published_at >= from && p.content.published_at < to)
        .count() as i64;
    let town_activity = store
        .steward_activity(town.id, None, from, to)
        .await
        .unwrap();
    assert_eq!((town_activity.invitations, town_activity.accepted), (3, 1));
    assert_eq!(town_activity.district_posts, district_posts);
    assert_eq!(town_activity.posts_on_behalf, 0);
    let centre_activity = store
        .steward_activity(town.id, Some(centre.id), from, to)
        .await
        .unwrap();
    assert_eq!(
        (centre_activity.invitations, centre_activity.accepted),
        (2, 1)
    );
    let marbehan_activity = store
        .steward_activity(town.id, Some(marbehan.id), from, to)
        .await
        .unwrap();
    assert_eq!(
        (
            marbehan_activity.invitations,
            marbehan_activity.accepted,
            marbehan_activity.district_posts
        ),
        (1, 0, 0)
    );
    assert_eq!(
        store
            .steward_activity(
                town.id,
                None,
                t0 - TimeDelta::days(400),
                t0 - TimeDelta::days(390)
            )
            .await
            .unwrap(),
        Default::default()
    );
}

#[tokio::test]
async fn dashboard_on_sqlite() {
    let (store, _dir) = crate::common::sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn dashboard_on_postgres() {
    let db = crate::common::postgres_store().await;
    contract(&db.store).await;
}
