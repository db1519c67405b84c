//! The notification settings over HTTP, as a phone without JavaScript sends them: what each
//! follow notifies, quiet hours and limits saved for this device, refusals that explain and
//! save nothing, and the way back to the town's settings.

use crate::common;

use app::domain::follows::Notify as Stored;
use app::domain::push::QuietHours;
use app::model::{NotificationsView, Notify};
use app::server::store::prelude::*;
use app::server::{FollowTarget, PushSettings};
use axum::http::{header, StatusCode};
use common::web::*;

async fn settings(app: &TestApp, cookie: Option<&str>) -> NotificationsView {
    let (status, _, body) = call(app, "/api/notifications", "", cookie).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn profile_of(app: &TestApp, cookie: &str) -> i64 {
    let token = cookie.trim_start_matches("quartier_device=");
    app.store
        .device_profile(
            &app::server::device::token_hash(token),
            NOW.parse().unwrap(),
        )
        .await
        .unwrap()
        .expect("the device profile")
}

#[tokio::test]
async fn a_resident_chooses_what_and_when() {
    let app = app().await;
    // A newcomer sees the town's settings.
    let fresh = settings(&app, None).await;
    assert!(fresh.follows.is_empty());
    assert!(fresh.quiet_enabled);
    assert_eq!(
        (fresh.quiet_start.as_str(), fresh.quiet_end.as_str()),
        ("21:00", "08:00")
    );
    assert_eq!(
        (fresh.shop_pushes_per_day, fresh.district_pushes_per_week),
        (1, 3)
    );
    assert!(!fresh.own);
    let (_, _, page) = get(&app, "/notifications").await;
    assert!(page.contains("Vous ne suivez encore aucun commerce ni quartier."));
    assert!(page.contains("La commune propose de 21:00 à 08:00."));

    // A phone follows the bakery and a district.
    let cookie = follow_bakery_without_js(&app).await;
    let town = app.store.first_town().await.unwrap().unwrap();
    let district = app.store.districts(town.id).await.unwrap().remove(0);
    post_plain_form(
        &app,
        "/api/follow",
        &format!(
            "target=district&slug={}&follow=true&return_to=%2F",
            district.slug
        ),
        Some(&cookie),
    )
    .await;
    let view = settings(&app, Some(&cookie)).await;
    let follows: Vec<(String, String, Notify)> = view
        .follows
        .iter()
        .map(|f| (f.target.clone(), f.slug.clone(), f.notify))
        .collect();
    assert_eq!(
        follows,
        vec![
            ("district".into(), district.slug.clone(), Notify::All),
            ("shop".into(), "boulangerie-jacob".into(), Notify::All),
        ]
    );
    let (_, _, page) = get_with_cookie(&app, "/notifications", &cookie).await;
    assert!(page.contains(r#"name="notify[1]" value="shop:boulangerie-jacob:all" checked>"#));
    assert!(page.contains(r#"value="shop:boulangerie-jacob:events">"#));

    // Saved without JavaScript: events only from the bakery, nothing from the district, quiet
    // from 20:00 to 07:00, two pushes a shop a day, five district posts a week.
    let form = format!(
        "notify%5B0%5D=district%3A{}%3Anone&notify%5B1%5D=shop%3Aboulangerie-jacob%3Aevents\
         &quiet=on&quiet_start=20%3A00&quiet_end=07%3A00&shop_pushes_per_day=2\
         &district_pushes_per_week=5",
        district.slug
    );
    let (status, headers, _) =
        post_plain_form(&app, "/api/notifications/save", &form, Some(&cookie)).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(
        headers.get(header::LOCATION).unwrap(),
        "/notifications?saved=1"
    );
    let profile = profile_of(&app, &cookie).await;
    let mut chosen = app.store.follow_notifications(profile).await.unwrap();
    chosen.sort_by_key(|(t, _)| matches!(t, FollowTarget::Shop(_)));
    assert_eq!(
        chosen.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
        vec![Stored::None, Stored::Events]
    );
    let own = PushSettings {
        quiet: Some(QuietHours {
            start: 20 * 60,
            end: 7 * 60,
        }),
        shop_pushes_per_day: Some(2),
        district_pushes_per_week: Some(5),
    };
    assert_eq!(app.store.push_settings(profile).await.unwrap(), own);
    let (_, _, page) = get_with_cookie(&app, "/notifications?saved=1", &cookie).await;
    assert!(page.contains("Réglages enregistrés."));
    assert!(page.contains("Revenir aux réglages de la commune"));

    // Refusals: a time that is not one, a limit out of range; nothing saved, the reason shown.
    for (form, field, message) in [
        (
            "quiet=on&quiet_start=25%3A00&quiet_end=07%3A00&shop_pushes_per_day=1&district_pushes_per_week=3",
            "quiet_start",
            "Indiquez une heure au format HH:MM, par exemple 21:00.",
        ),
        (
            "quiet_start=&quiet_end=&shop_pushes_per_day=11&district_pushes_per_week=3",
            "shop_pushes_per_day",
            "Indiquez un nombre entre 0 et 10.",
        ),
        (
            "notify%5B0%5D=shop%3Aboulangerie-jacob%3Aloud&shop_pushes_per_day=1&district_pushes_per_week=3",
            "notify",
            "Ce choix n'est pas valable.",
        ),
    ] {
        let (status, headers, _) =
            post_plain_form(&app, "/api/notifications/save", form, Some(&cookie)).await;
        assert!(status.is_redirection(), "{status}");
        let location = headers.get(header::LOCATION).unwrap().to_str().unwrap();
        assert_eq!(location, format!("/notifications?error=invalid-{field}"));
        let (_, _, page) = get_with_cookie(&app, location, &cookie).await;
        assert!(page.contains(message), "{message}");
        let (status, _, body) = call(&app, "/api/notifications/save", form, Some(&cookie)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains(message), "{body}");
        assert_eq!(app.store.push_settings(profile).await.unwrap(), own);
    }

    // No quiet hours at all.
    post_plain_form(
        &app,
        "/api/notifications/save",
        "quiet_start=20%3A00&quiet_end=07%3A00&shop_pushes_per_day=0&district_pushes_per_week=0",
        Some(&cookie),
    )
    .await;
    let view = settings(&app, Some(&cookie)).await;
    assert!(!view.quiet_enabled);
    assert_eq!(view.shop_pushes_per_day, 0);

    // Back to the town's settings.
    let (status, _, _) =
        post_plain_form(&app, "/api/notifications/save", "reset=1", Some(&cookie)).await;
    assert!(status.is_redirection());
    assert_eq!(
        app.store.push_settings(profile).await.unwrap(),
        PushSettings::default()
    );
    let view = settings(&app, Some(&cookie)).await;
    assert!(!view.own);
    assert_eq!(
        (view.quiet_start.as_str(), view.quiet_end.as_str()),
        ("21:00", "08:00")
    );
}

#[tokio::test]
async fn the_town_sets_the_defaults() {
    let app = app().await;
    let now = NOW.parse().unwrap();
    let town = app.store.first_town().await.unwrap().unwrap();
    app.store
        .grant_admin(town.id, "mairie@habay.be", now)
        .await
        .unwrap();
    let admin = sign_in(&app, "mairie@habay.be").await;
    let (_, _, page) = get_with_cookie(&app, "/manage", &admin).await;
    assert!(page.contains("Notifications des habitants"));
    assert!(
        page.contains(r#"name="quiet_start" value="21:00""#),
        "the current default"
    );

    // Quiet from 22:00 to 07:30, two pushes per shop a day, one district post a week.
    let form = "quiet=on&quiet_start=22%3A00&quiet_end=07%3A30&shop_pushes_per_day=2\
                &district_pushes_per_week=1";
    let (status, headers, _) =
        post_plain_form(&app, "/api/notifications/town", form, Some(&admin)).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(
        headers.get(header::LOCATION).unwrap(),
        "/manage?saved=notifications#town-notifications"
    );
    assert_eq!(
        app.store.town_push_defaults(town.id).await.unwrap(),
        PushSettings {
            quiet: Some(QuietHours {
                start: 22 * 60,
                end: 7 * 60 + 30
            }),
            shop_pushes_per_day: Some(2),
            district_pushes_per_week: Some(1),
        }
    );
    // Residents without their own settings now get these.
    let view = settings(&app, None).await;
    assert_eq!(
        (view.quiet_start.as_str(), view.quiet_end.as_str()),
        ("22:00", "07:30")
    );
    assert_eq!(
        (view.shop_pushes_per_day, view.district_pushes_per_week),
        (2, 1)
    );
    assert_eq!(view.town_quiet, Some(("22:00".into(), "07:30".into())));

    // A refusal comes back to the form with its reason; the defaults stay.
    let (_, headers, _) = post_plain_form(
        &app,
        "/api/notifications/town",
        "quiet=on&quiet_start=22%3A00&quiet_end=7h&shop_pushes_per_day=2&district_pushes_per_week=1",
        Some(&admin),
    )
    .await;
    let location = headers.get(header::LOCATION).unwrap().to_str().unwrap();
    assert_eq!(
        location,
        "/manage?error=invalid-quiet_end#town-notifications"
    );
    let (_, _, page) = get_with_cookie(&app, location, &admin).await;
    assert!(page.contains("Indiquez une heure au format HH:MM, par exemple 21:00."));
    assert_eq!(
        app.store
            .town_push_defaults(town.id)
            .await
            .unwrap()
            .shop_pushes_per_day,
        Some(2)
    );

    // A merchant is not the town.
    let owner = owner_session(&app, "boulangerie-jacob", "jacob@example.be").await;
    let (status, _, _) = call(&app, "/api/notifications/town", form, Some(&owner)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = call(&app, "/api/notifications/town", form, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
