//! `POST` / `DELETE /api/push/subscriptions` over HTTP: the browser's `PushSubscription.toJSON()`
//! as it is, endpoints that would turn the server towards its own network refused (SSRF), the
//! development switch for a local push service, and the device profile or account it joins.

use crate::common;

use app::server::store::prelude::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::web::*;

const P256DH: &str =
    "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";
const AUTH: &str = "tBHItJI5svbpez7KI4CCXg";

/// `PushSubscription.toJSON()` as Chromium gives it.
fn browser_json(endpoint: &str, p256dh: &str, auth: &str) -> String {
    serde_json::json!({
        "endpoint": endpoint,
        "expirationTime": null,
        "keys": { "p256dh": p256dh, "auth": auth },
    })
    .to_string()
}

async fn subscribe(
    app: &TestApp,
    json: &str,
    cookie: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut request = Request::post("/api/push/subscriptions")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(app, request.body(Body::from(json.to_owned())).unwrap()).await
}

async fn unsubscribe(app: &TestApp, endpoint: &str, cookie: Option<&str>) -> StatusCode {
    let mut request = Request::delete(format!(
        "/api/push/subscriptions?endpoint={}",
        enc(endpoint)
    ))
    .header(header::ACCEPT, "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(app, request.body(Body::empty()).unwrap()).await.0
}

/// The device cookie the response set, as a `Cookie` header.
fn device_cookie(headers: &axum::http::HeaderMap) -> String {
    set_cookies(headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_device="))
        .expect("a device cookie")
}

#[tokio::test]
async fn a_browser_subscription_joins_the_device_and_can_be_removed() {
    let app = app().await;
    // A public IP literal needs no DNS (the tests have no internet).
    let endpoint = "https://8.8.8.8/push/v1/abc";
    let (status, headers, body) =
        subscribe(&app, &browser_json(endpoint, P256DH, AUTH), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let cookie = device_cookie(&headers);
    let token = cookie.trim_start_matches("quartier_device=");
    let profile = app
        .store
        .device_profile(
            &app::server::device::token_hash(token),
            NOW.parse().unwrap(),
        )
        .await
        .unwrap()
        .expect("the device profile");
    let subscriptions = app.store.push_subscriptions(profile).await.unwrap();
    assert_eq!(subscriptions.len(), 1);
    assert_eq!(subscriptions[0].subscription.endpoint, endpoint);
    assert_eq!(subscriptions[0].subscription.auth, AUTH);

    // Another browser cannot remove it; this one can, once.
    assert_eq!(
        unsubscribe(&app, endpoint, None).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        unsubscribe(&app, endpoint, Some(&cookie)).await,
        StatusCode::OK
    );
    assert_eq!(
        unsubscribe(&app, endpoint, Some(&cookie)).await,
        StatusCode::NOT_FOUND
    );
    assert!(app
        .store
        .push_subscriptions(profile)
        .await
        .unwrap()
        .is_empty());

    // Signed in, it goes to the account's profile.
    let session = sign_in(&app, "resident@example.be").await;
    let (status, _, body) =
        subscribe(&app, &browser_json(endpoint, P256DH, AUTH), Some(&session)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let user = app
        .store
        .user_by_email("resident@example.be")
        .await
        .unwrap()
        .unwrap();
    let account_profile = app
        .store
        .ensure_user_profile(user.id, NOW.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(
        app.store
            .push_subscriptions(account_profile)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn endpoints_towards_private_networks_and_bad_keys_are_refused() {
    let app = app().await;
    for endpoint in [
        "http://8.8.8.8/push",
        "https://8.8.8.8:8443/push",
        "https://127.0.0.1/push",
        "https://localhost/push",
        "https://10.0.0.7/push",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/push",
        "https://[fd00::1]/push",
        "https://no-such-host.invalid/push",
        "file:///etc/passwd",
    ] {
        let (status, headers, body) =
            subscribe(&app, &browser_json(endpoint, P256DH, AUTH), None).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{endpoint}: {body}"
        );
        assert!(
            body.contains("adresse de notifications"),
            "{endpoint}: {body}"
        );
        assert!(
            set_cookies(&headers).is_empty(),
            "nothing kept for {endpoint}"
        );
    }
    for (p256dh, auth) in [(P256DH, "AAAA"), ("BAAA", AUTH), ("", "")] {
        let (status, _, body) = subscribe(
            &app,
            &browser_json("https://8.8.8.8/push", p256dh, auth),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains("clés de notification"), "{body}");
    }
    // Not JSON at all, or a field missing.
    let (status, _, _) = subscribe(&app, "endpoint=https://8.8.8.8/push", None).await;
    assert!(status.is_client_error() || status.is_server_error());
    assert_ne!(status, StatusCode::OK);
    let (status, _, _) = subscribe(&app, r#"{"endpoint":"https://8.8.8.8/push"}"#, None).await;
    assert_ne!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_local_push_service_is_allowed_only_with_the_development_switch() {
    let app = app_with(&[("QUARTIER_PUSH_ALLOW_LOOPBACK", "true")]).await;
    let (status, _, body) = subscribe(
        &app,
        &browser_json("http://127.0.0.1:9123/push/1", P256DH, AUTH),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Still no private network, and no plain http elsewhere.
    for endpoint in ["https://10.0.0.7/push", "http://8.8.8.8/push"] {
        let (status, _, _) = subscribe(&app, &browser_json(endpoint, P256DH, AUTH), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{endpoint}");
    }
}

#[tokio::test]
async fn the_site_key_is_served_for_subscribing() {
    let app = app().await;
    let (status, headers, body) = get(&app, "/api/push/key").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(content_type(&headers), "application/json");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    let key = answer["publicKey"].as_str().expect("publicKey");
    // An uncompressed P-256 point, base64url without padding: 65 bytes, 87 characters.
    assert_eq!(key.len(), 87);
    assert!(key.starts_with('B'), "{key}");
    // The same key every time: the town's, stored for every instance.
    let town = app.store.first_town().await.unwrap().unwrap();
    let stored = server::push::vapid_keys(&app.store, town.id).await.unwrap();
    assert_eq!(key, stored.public_key);
    let (_, _, again) = get(&app, "/api/push/key").await;
    assert_eq!(again, body);
}

#[tokio::test]
async fn merchants_see_how_their_notifications_went() {
    use app::server::{NewPost, PostAuthor, PostKind, PostOrigin};
    // Behind a proxy that names each client (the taps come from several addresses).
    let app = app_with(&[("QUARTIER_CLIENT_IP_HEADER", "X-Forwarded-For")]).await;
    let now: chrono::DateTime<chrono::Utc> = NOW.parse().unwrap();
    let town = app.store.first_town().await.unwrap().unwrap();
    let shop = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    let (post, _) = app
        .store
        .publish_post(
            town.id,
            &NewPost {
                author: PostAuthor::Shop(shop.id),
                kind: PostKind::Offer,
                title: "Cougnous".into(),
                body: String::new(),
                photo: None,
                valid_from: None,
                valid_until: Some(now + chrono::TimeDelta::days(3)),
                starts_at: None,
                ends_at: None,
                place: None,
                published_at: now,
                broadcast: Default::default(),
            },
            &PostOrigin::default(),
            now,
        )
        .await
        .unwrap();
    // Two phones follow the bakery and allowed notifications; the job is queued for them.
    let mut second_profile = 0;
    for (name, endpoint) in [
        ("a", "https://8.8.8.8/push/a"),
        ("b", "https://8.8.4.4/push/b"),
    ] {
        let profile = app.store.create_device_profile(name, now).await.unwrap();
        second_profile = profile;
        app.store
            .set_shop_follow(profile, shop.id, true, now)
            .await
            .unwrap();
        let subscription =
            app::domain::push::parse_subscription(endpoint, P256DH, AUTH, false).unwrap();
        app.store
            .save_push_subscription(profile, None, &subscription, now)
            .await
            .unwrap();
    }
    // (The demo's own posts have their jobs too: expand them all. The demo's earlier offer of
    // the bakery today used the phones' one push of this shop for the day: this one is capped
    // for the first phone; the second phone asked for three a day.)
    app.store
        .save_push_settings(
            second_profile,
            &app::server::PushSettings {
                shop_pushes_per_day: Some(3),
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
    assert!(
        app.store
            .expand_push_jobs(now, 1000, chrono::Duration::hours(48))
            .await
            .unwrap()
            >= 2
    );

    // The service worker reports taps: counted for a known post only, once per phone (here,
    // per client address) a day; robots' are not counted.
    let click = |post: i64, from: &'static str, agent: &'static str| {
        let json = format!(r#"{{"post":{post}}}"#);
        let request = Request::post("/api/push/clicks")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .header("x-forwarded-for", from)
            .header(header::USER_AGENT, agent)
            .body(Body::from(json))
            .unwrap();
        send(&app, request)
    };
    for _ in 0..3 {
        assert_eq!(
            click(post.id, "198.51.100.7", PHONE).await.0,
            StatusCode::OK
        );
    }
    assert_eq!(
        click(post.id, "198.51.100.8", PHONE).await.0,
        StatusCode::OK
    );
    assert_eq!(
        click(post.id, "198.51.100.9", "curl/8.5.0").await.0,
        StatusCode::OK
    );
    assert_eq!(
        click(987_654, "198.51.100.7", PHONE).await.0,
        StatusCode::NOT_FOUND
    );
    // The taps are daily counters too, about the post.
    let taps = app
        .store
        .total(
            town.id,
            app::domain::activity::Subject::Post(post.id),
            app::domain::activity::Metric::PushOpen,
            "2000-01-01".parse().unwrap(),
            "2100-01-01".parse().unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(taps, 2);

    let cookie = owner_session(&app, "boulangerie-jacob", "jacob@example.be").await;
    let (status, _, body) = call(
        &app,
        "/api/counter",
        "slug=boulangerie-jacob",
        Some(&cookie),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let view: app::model::CounterView = serde_json::from_str(&body).unwrap();
    let shown = view
        .posts
        .iter()
        .find(|p| p.post.id == post.id)
        .expect("the post on the counter");
    assert_eq!(
        shown.push,
        Some(app::model::PushSummary {
            targeted: 2,
            delivered: 0,
            pending: 1,
            capped: 1,
            failed: 0,
            pruned: 0,
            clicks: 2
        })
    );
    assert_eq!(view.push_reach, 2, "two phones get the bakery's offers");
    let (_, _, page) = get_with_cookie(&app, "/counter/boulangerie-jacob", &cookie).await;
    // Without the hydration markers between the parts.
    let page = page.replace("<!>", "");
    assert!(
        page.contains("Notifiée à 2 téléphones · 0 reçue · 1 en attente · 1 non envoyée (limite atteinte, reste dans le fil) · 2 ouvertures"),
        "{}",
        &page[page.find("post-push").unwrap_or(0)..][..300.min(page.len())]
    );

    // The push service says the waiting phone's subscription is gone; the bakery's other posts
    // reach the phones.
    let claimed = app
        .store
        .claim_push_deliveries(now, chrono::Duration::seconds(30), 1000)
        .await
        .unwrap();
    let outcomes: Vec<_> = claimed
        .iter()
        .map(|d| {
            let outcome = if d.post_id == post.id {
                app::domain::outbox::Outcome::Gone {
                    status: Some(410),
                    subscription_id: d.target.as_ref().unwrap().subscription_id,
                }
            } else {
                app::domain::outbox::Outcome::Delivered { status: 201 }
            };
            (d.id, outcome)
        })
        .collect();
    // (The district's broadcasts reach the bakery's followers too: not the bakery's figures.)
    let ids: Vec<i64> = claimed.iter().map(|d| d.post_id).collect();
    let posts = app.store.push_posts(&ids).await.unwrap();
    let delivered_elsewhere = claimed
        .iter()
        .filter(|d| d.post_id != post.id)
        .filter(|d| posts[&d.post_id].author_path == "/shops/boulangerie-jacob")
        .count() as i64;
    assert!(
        delivered_elsewhere > 0,
        "the demo's other offers of the bakery"
    );
    app.store
        .record_push_outcomes(now, &outcomes)
        .await
        .unwrap();
    let (_, _, body) = call(
        &app,
        "/api/counter",
        "slug=boulangerie-jacob",
        Some(&cookie),
    )
    .await;
    let view: app::model::CounterView = serde_json::from_str(&body).unwrap();
    let shown = view.posts.iter().find(|p| p.post.id == post.id).unwrap();
    let push = shown.push.unwrap();
    assert_eq!(
        (push.pending, push.pruned, push.clicks),
        (0, 1, 2),
        "{push:?}"
    );
    assert_eq!(view.push_reach, 1, "the expired subscription is gone");
    // The shop's month: every post's deliveries and taps.
    assert_eq!(view.push_month.pruned, 1);
    assert_eq!(view.push_month.delivered, delivered_elsewhere);
    assert_eq!(view.push_month.clicks, 2);
    let (_, _, page) = get_with_cookie(&app, "/counter/boulangerie-jacob", &cookie).await;
    let page = page.replace("<!>", "");
    assert!(
        page.contains("1 non envoyée (limite atteinte, reste dans le fil) · 1 abonnement expiré retiré · 2 ouvertures"),
        "{}",
        &page[page.find("post-push").unwrap_or(0)..][..300.min(page.len())]
    );
    assert!(page.contains("<dt>Téléphones prévenus de vos offres</dt><dd>1</dd>"));
    assert!(page.contains(&format!(
        "<dt>Notifications reçues (30 jours)</dt><dd>{delivered_elsewhere}</dd>"
    )));
    assert!(page.contains("<dt>Notifications ouvertes (30 jours)</dt><dd>2</dd>"));

    // Past 120 taps an hour from one address, refused (three were made above).
    for _ in 3..120 {
        click(post.id, "198.51.100.7", PHONE).await;
    }
    assert_eq!(
        click(post.id, "198.51.100.7", PHONE).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
}
