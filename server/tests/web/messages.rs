//! Private messages over HTTP on the demo town: the "Une suggestion ?" form of shop and
//! district pages without JavaScript (no account: the device's profile), bad input refused
//! with translated messages and nothing saved, the team's inbox and answer, the notices queued
//! for the team's and the resident's phones, "Mes messages", who may read what, rate limits.

use crate::common;

use app::domain::push::Subscription;
use app::server::store::prelude::*;
use axum::http::{header, StatusCode};
use common::web::*;

const SHOP: &str = "/shops/boulangerie-jacob";

fn location(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn browser(name: &str) -> Subscription {
    Subscription {
        endpoint: format!("https://push.example.net/{name}"),
        p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
            .into(),
        auth: "tBHItJI5svbpez7KI4CCXg".into(),
    }
}

/// The device profile behind a `quartier_device=…` cookie.
async fn device_profile(app: &TestApp, cookie: &str) -> i64 {
    let token = cookie.trim_start_matches("quartier_device=");
    app.store
        .device_profile(&app::server::device::token_hash(token), chrono::Utc::now())
        .await
        .unwrap()
        .expect("a device profile")
}

/// A user's device profile (the account's).
async fn user_profile(app: &TestApp, email: &str) -> i64 {
    let user = app.store.user_by_email(email).await.unwrap().unwrap();
    app.store
        .ensure_user_profile(user.id, chrono::Utc::now())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_resident_writes_without_an_account_and_the_team_answers() {
    let app = app().await;
    let town = app.store.first_town().await.unwrap().unwrap();
    let shop = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    // The baker, with a phone subscribed to pushes.
    let owner = owner_session(&app, "boulangerie-jacob", "baker@habay.test").await;
    let owner_profile = user_profile(&app, "baker@habay.test").await;
    app.store
        .save_push_subscription(owner_profile, None, &browser("baker"), chrono::Utc::now())
        .await
        .unwrap();

    // The form is on the shop page, for everyone.
    let (status, _, page) = get(&app, SHOP).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"suggestion\""), "the suggestion section");
    assert!(page.contains("action=\"/api/messages/send\""));

    // Bad input: translated messages, nothing saved.
    let too_long = "é".repeat(1001);
    for (body, lang, message) in [
        (
            "to=shop&slug=boulangerie-jacob&body=",
            "fr",
            "Écrivez votre message",
        ),
        (
            "to=shop&slug=boulangerie-jacob&body=%E2%80%8B%20%EF%BB%BF",
            "fr",
            "Écrivez votre message",
        ),
        (
            &format!("to=shop&slug=boulangerie-jacob&body={}", enc(&too_long)) as &str,
            "nl-BE",
            "Deze tekst is te lang",
        ),
        (
            "to=shop&slug=boulangerie-jacob&body=Bonjour&email=pas+une+adresse",
            "de",
            "Diese E-Mail-Adresse ist ungültig",
        ),
    ] {
        let request = axum::http::Request::post("/api/messages/send")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::ACCEPT_LANGUAGE, lang)
            .body(axum::body::Body::from(body.to_owned()))
            .unwrap();
        let (status, _, answer) = send(&app, request).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert!(answer.contains(message), "{lang}: {answer}");
    }
    for (body, expected) in [
        (
            "to=shop&slug=nulle-part&body=Bonjour",
            StatusCode::NOT_FOUND,
        ),
        (
            "to=town&slug=boulangerie-jacob&body=Bonjour",
            StatusCode::NOT_FOUND,
        ),
        ("to=shop&slug=..%2F..&body=Bonjour", StatusCode::NOT_FOUND),
    ] {
        let (status, _, _) = call(&app, "/api/messages/send", body, None).await;
        assert_eq!(status, expected, "{body}");
    }
    assert!(app
        .store
        .message_inbox(app::domain::messages::Recipient::Shop(shop.id), false, 10)
        .await
        .unwrap()
        .is_empty());

    // Without JavaScript, a refused form comes back with its error and what was typed.
    let (status, headers, _) = post_plain_form(
        &app,
        "/api/messages/send",
        "to=shop&slug=boulangerie-jacob&body=Mon+id%C3%A9e+%C3%A0+moi&email=a%40b",
        None,
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    let back = location(&headers);
    assert!(
        back.starts_with("/shops/boulangerie-jacob?message_error=invalid-email&message_draft="),
        "{back}"
    );
    let (_, _, page) = get(&app, &back).await;
    assert!(page.contains(">Mon idée à moi</textarea>"), "the text kept");
    assert!(page.contains("value=\"a@b\""), "the address kept");
    assert!(page.contains("Cette adresse e-mail n’est pas valable"));

    // Sent: the device gets its profile (a cookie), the page says so.
    let (status, headers, _) = post_plain_form(
        &app,
        "/api/messages/send",
        "to=shop&slug=boulangerie-jacob&body=Du+pain+%3Cscript%3Ealert(1)%3C%2Fscript%3E+le+lundi+%3F&email=Anne%40Example.be",
        None,
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(
        location(&headers),
        "/shops/boulangerie-jacob?message=sent#suggestion"
    );
    let device = set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_device="))
        .expect("a device cookie");
    let resident_profile = device_profile(&app, &device).await;
    app.store
        .save_push_subscription(
            resident_profile,
            None,
            &browser("resident"),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let (_, _, page) = get(&app, "/shops/boulangerie-jacob?message=sent").await;
    assert!(page.contains("Message envoyé."));

    // The baker's phone hears of it; the counter counts it.
    let notices = app.store.profile_notices(owner_profile).await.unwrap();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].1, "Nouveau message pour Boulangerie Jacob");
    assert_eq!(
        notices[0].2,
        "/counter/boulangerie-jacob/messages?filter=open"
    );
    let (_, _, page) = get_with_cookie(&app, "/counter/boulangerie-jacob", &owner).await;
    assert!(page.contains("1 message à traiter"), "the counter's home");

    // "Mes messages" of that device.
    let (_, _, mine) = get_with_cookie(&app, "/messages", &device).await;
    assert!(mine.contains("En attente"));
    assert!(
        mine.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "shown as text"
    );
    let (_, _, nobody) = get(&app, "/messages").await;
    assert!(nobody.contains("Aucun message envoyé depuis cet appareil."));

    // The team's inbox: the text as text, the address never shown.
    let (status, _, inbox) =
        get_with_cookie(&app, "/counter/boulangerie-jacob/messages", &owner).await;
    assert_eq!(status, StatusCode::OK);
    assert!(inbox.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!inbox.contains("<script>alert(1)"));
    assert!(
        !inbox.contains("anne@example.be"),
        "the address stays private"
    );
    assert!(inbox.contains("réponse aussi par e-mail"));
    let id = app
        .store
        .message_inbox(app::domain::messages::Recipient::Shop(shop.id), false, 10)
        .await
        .unwrap()[0]
        .id;

    // Who may answer: the team (and stewards, admins), nobody else.
    let resident = sign_in(&app, "lea@habay.test").await;
    let other_owner = owner_session(&app, "boucherie-thomas", "butcher@habay.test").await;
    for (cookie, expected) in [
        (None, StatusCode::UNAUTHORIZED),
        (Some(resident.as_str()), StatusCode::FORBIDDEN),
        (Some(other_owner.as_str()), StatusCode::FORBIDDEN),
    ] {
        let (status, _, _) = call(
            &app,
            "/api/messages/answer",
            &format!("id={id}&body=Oui"),
            cookie,
        )
        .await;
        assert_eq!(status, expected);
        let (status, _, _) = call(
            &app,
            "/api/messages/inbox",
            "kind=shop&slug=boulangerie-jacob&open_only=false",
            cookie,
        )
        .await;
        assert_eq!(status, expected);
    }
    let (status, _, _) = call(
        &app,
        "/api/messages/answer",
        &format!("id={}&body=Oui", id + 1000),
        Some(&owner),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, answer) = call(
        &app,
        "/api/messages/answer",
        &format!("id={id}&body=+%0A+"),
        Some(&owner),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.contains("Écrivez votre réponse"), "{answer}");

    // The answer, from a plain form: back to the inbox; the resident's phone hears of it.
    let (status, headers, _) = post_plain_form(
        &app,
        "/api/messages/answer",
        &format!("id={id}&body=Oui%2C+d%C3%A8s+lundi+prochain+!"),
        Some(&owner),
    )
    .await;
    assert!(status.is_redirection());
    assert_eq!(
        location(&headers),
        format!("/counter/boulangerie-jacob/messages?answered={id}#message-{id}")
    );
    let notices = app.store.profile_notices(resident_profile).await.unwrap();
    assert_eq!(
        notices.iter().map(|n| n.1.as_str()).collect::<Vec<_>>(),
        ["Boulangerie Jacob vous a répondu"]
    );
    assert_eq!(notices[0].2, format!("/messages#message-{id}"));
    let (_, _, mine) = get_with_cookie(&app, "/messages", &device).await;
    assert!(mine.contains("Oui, dès lundi prochain !"));
    assert!(mine.contains("Réponse de Boulangerie Jacob"));
    let (status, _, answer) = call(
        &app,
        "/api/messages/answer",
        &format!("id={id}&body=Encore"),
        Some(&owner),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.contains("déjà reçu une réponse"), "{answer}");

    // Changing it: no longer once answered.
    let (status, _, answer) = call(
        &app,
        "/api/messages/edit",
        &format!("id={id}&body=Autre+chose"),
        Some(&device),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.contains("ne peut plus être modifié"), "{answer}");

    // Deleting: only from the device that wrote it.
    let other_device = follow_bakery_without_js(&app).await;
    let (status, _, _) = call(
        &app,
        "/api/messages/delete",
        &format!("id={id}"),
        Some(&other_device),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, headers, _) = post_plain_form(
        &app,
        "/api/messages/delete",
        &format!("id={id}"),
        Some(&device),
    )
    .await;
    assert!(status.is_redirection());
    assert_eq!(location(&headers), "/messages?deleted=1");
    let (_, _, mine) = get_with_cookie(&app, "/messages?deleted=1", &device).await;
    assert!(mine.contains("Message supprimé."));
    assert!(!mine.contains("Oui, dès lundi prochain !"));
}

#[tokio::test]
async fn district_messages_reach_its_stewards_and_sending_is_rate_limited() {
    let app = app().await;
    let town = app.store.first_town().await.unwrap().unwrap();
    let district = app
        .store
        .district_by_slug(town.id, "habay-la-neuve-centre")
        .await
        .unwrap()
        .unwrap();
    let (_, _, page) = get(&app, "/districts/habay-la-neuve-centre").await;
    assert!(page.contains("id=\"suggestion\""));
    assert!(page.contains("name=\"to\" value=\"district\""));

    let device = follow_bakery_without_js(&app).await;
    for n in 0..5 {
        let (status, _, answer) = call(
            &app,
            "/api/messages/send",
            &format!("to=district&slug=habay-la-neuve-centre&body=Id%C3%A9e+{n}"),
            Some(&device),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
    let (status, _, _) = call(
        &app,
        "/api/messages/send",
        "to=district&slug=habay-la-neuve-centre&body=Encore",
        Some(&device),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "five per device per hour"
    );
    let (_, headers, _) = post_plain_form(
        &app,
        "/api/messages/send",
        "to=district&slug=habay-la-neuve-centre&body=Encore",
        Some(&device),
    )
    .await;
    assert!(location(&headers)
        .starts_with("/districts/habay-la-neuve-centre?message_error=rate-limited"));
    let messages = app
        .store
        .message_inbox(
            app::domain::messages::Recipient::District(district.id),
            false,
            50,
        )
        .await
        .unwrap();
    assert_eq!(messages.len(), 5);

    // The district's inbox: its stewards and the admins; not a merchant, not a resident.
    let admin = sign_in(&app, "admin@habay.test").await;
    app.store
        .grant_admin(town.id, "admin@habay.test", chrono::Utc::now())
        .await
        .unwrap();
    let owner = owner_session(&app, "boulangerie-jacob", "baker@habay.test").await;
    let resident = sign_in(&app, "lea@habay.test").await;
    let (status, _, page) =
        get_with_cookie(&app, "/districts/habay-la-neuve-centre/messages", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Idée 4") && page.contains("Idée 0"));
    assert!(page.contains("Messages privés · Habay-la-Neuve centre"));
    for cookie in [&owner, &resident] {
        let (status, _, _) = call(
            &app,
            "/api/messages/inbox",
            "kind=district&slug=habay-la-neuve-centre&open_only=false",
            Some(cookie),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = call(
            &app,
            "/api/messages/answer",
            &format!("id={}&body=Merci", messages[0].id),
            Some(cookie),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    // Closing without an answer, then the "à traiter" filter.
    let (status, _, _) = call(
        &app,
        "/api/messages/close",
        &format!("id={}&close=true", messages[0].id),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, page) = get_with_cookie(
        &app,
        "/districts/habay-la-neuve-centre/messages?filter=open",
        &admin,
    )
    .await;
    assert!(!page.contains("Idée 4"), "closed");
    assert!(page.contains("Idée 3"));

    // Many devices behind one address: twenty messages an hour from it, whatever the cookies
    // (five so far: what the device sent past its own limit did not use up its address's).
    for n in 0..15 {
        let (status, _, _) = call(
            &app,
            "/api/messages/send",
            &format!("to=shop&slug=boulangerie-jacob&body=Appareil+{n}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "message {n}");
    }
    let (status, _, _) = call(
        &app,
        "/api/messages/send",
        "to=shop&slug=boulangerie-jacob&body=Trop",
        None,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "twenty per address per hour"
    );
}

#[tokio::test]
async fn a_resident_deletes_their_account_with_their_reviews_and_messages() {
    let app = app().await;
    let resident = sign_in(&app, "lea@habay.test").await;
    let (status, _, answer) = call(
        &app,
        "/api/reviews/save",
        "slug=boulangerie-jacob&rating=5&body=Le+meilleur+cramique+du+pays",
        Some(&resident),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, _, _) = call(
        &app,
        "/api/messages/send",
        "to=shop&slug=boulangerie-jacob&body=Un+message+de+L%C3%A9a",
        Some(&resident),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, mine) = get_with_cookie(&app, "/messages", &resident).await;
    assert!(mine.contains("Un message de Léa"), "the account's messages");
    let (_, _, page) = get_with_cookie(&app, "/account", &resident).await;
    assert!(page.contains("Supprimer mon compte"));

    // Not without ticking the box.
    let (_, headers, _) = post_plain_form(&app, "/api/account/delete", "", Some(&resident)).await;
    assert_eq!(
        location(&headers),
        "/account?delete_error=invalid-confirm#delete-account"
    );
    let (status, _, _) = call(&app, "/api/account/delete", "confirm=yes", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, headers, _) =
        post_plain_form(&app, "/api/account/delete", "confirm=yes", Some(&resident)).await;
    assert!(status.is_redirection());
    assert_eq!(location(&headers), "/account?deleted=1");
    assert!(
        set_cookies(&headers)
            .iter()
            .any(|c| c.starts_with("quartier_session=") && c.len() <= "quartier_session=".len() + 1),
        "the session cookie cleared: {:?}",
        set_cookies(&headers)
    );
    assert!(app
        .store
        .user_by_email("lea@habay.test")
        .await
        .unwrap()
        .is_none());
    let (_, _, page) = get(&app, SHOP).await;
    assert!(
        !page.contains("Le meilleur cramique du pays"),
        "the review is gone"
    );
    let (_, _, me) = call(&app, "/api/me", "", Some(&resident)).await;
    assert_eq!(me, "null", "the old session is no more");
    let (_, _, page) = get(&app, "/account?deleted=1").await;
    assert!(page.contains("Votre compte a été supprimé."));
    let town = app.store.first_town().await.unwrap().unwrap();
    let shop = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    assert!(app
        .store
        .message_inbox(app::domain::messages::Recipient::Shop(shop.id), false, 10)
        .await
        .unwrap()
        .iter()
        .all(|m| m.content.body != "Un message de Léa"));
}

#[tokio::test]
async fn the_team_hears_of_new_reviews_and_the_reviewer_of_the_first_reply() {
    let app = app().await;
    let town = app.store.first_town().await.unwrap().unwrap();
    let owner = owner_session(&app, "boulangerie-jacob", "baker@habay.test").await;
    let owner_profile = user_profile(&app, "baker@habay.test").await;
    app.store
        .save_push_subscription(owner_profile, None, &browser("baker"), chrono::Utc::now())
        .await
        .unwrap();
    let titles = |profile: i64| {
        let store = app.store.clone();
        async move {
            store
                .profile_notices(profile)
                .await
                .unwrap()
                .into_iter()
                .map(|(_, title, _)| title)
                .collect::<Vec<_>>()
        }
    };

    // A review held for the moderators is not announced.
    let lea = sign_in(&app, "lea@habay.test").await;
    let (_, _, answer) = call(
        &app,
        "/api/reviews/save",
        "slug=boulangerie-jacob&rating=5&body=Voir+https%3A%2F%2Fpromo.example",
        Some(&lea),
    )
    .await;
    assert_eq!(answer, "\"held\"");
    assert!(titles(owner_profile).await.is_empty());

    // A published one is; editing it rings no more.
    let tom = sign_in(&app, "tom@habay.test").await;
    let tom_profile = user_profile(&app, "tom@habay.test").await;
    app.store
        .save_push_subscription(tom_profile, None, &browser("tom"), chrono::Utc::now())
        .await
        .unwrap();
    for body in ["Tr%C3%A8s+bon+pain", "Tr%C3%A8s+bon+pain+et+accueil"] {
        let (_, _, answer) = call(
            &app,
            "/api/reviews/save",
            &format!("slug=boulangerie-jacob&rating=4&body={body}"),
            Some(&tom),
        )
        .await;
        assert_eq!(answer, "\"published\"");
    }
    assert_eq!(
        titles(owner_profile).await,
        ["Nouvel avis ★★★★ pour Boulangerie Jacob"]
    );

    // The first reply reaches the reviewer's phone; an edit does not.
    let shop = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    let user = app
        .store
        .user_by_email("tom@habay.test")
        .await
        .unwrap()
        .unwrap();
    let review = app
        .store
        .user_review(shop.id, user.id)
        .await
        .unwrap()
        .unwrap();
    for body in ["Merci+Tom+!", "Merci+Tom,+%C3%A0+bient%C3%B4t+!"] {
        let (status, _, _) = call(
            &app,
            "/api/reviews/reply",
            &format!("slug=boulangerie-jacob&review_id={}&body={body}", review.id),
            Some(&owner),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    let notices = app.store.profile_notices(tom_profile).await.unwrap();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].1, "Boulangerie Jacob a répondu à votre avis");
    assert_eq!(
        notices[0].2,
        format!("/shops/boulangerie-jacob#review-{}", review.id)
    );
}

#[tokio::test]
async fn a_resident_changes_a_message_while_it_waits() {
    let app = app().await;
    let (_, headers, _) = post_plain_form(
        &app,
        "/api/messages/send",
        "to=shop&slug=boulangerie-jacob&body=Ouvert+le+lundi+%3F",
        None,
    )
    .await;
    let device = set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_device="))
        .expect("a device cookie");
    let profile = device_profile(&app, &device).await;
    let town = app.store.first_town().await.unwrap().unwrap();
    let id = app.store.profile_messages(town.id, profile).await.unwrap()[0].id;
    let (_, _, mine) = get_with_cookie(&app, "/messages", &device).await;
    assert!(
        mine.contains("action=\"/api/messages/edit\""),
        "an open message can be changed"
    );

    // Bad input comes back with the text, nothing changed.
    let too_long = "é".repeat(1001);
    let (_, headers, _) = post_plain_form(
        &app,
        "/api/messages/edit",
        &format!("id={id}&body={}", enc(&too_long)),
        Some(&device),
    )
    .await;
    let back = location(&headers);
    assert!(
        back.starts_with(&format!(
            "/messages?edit_error=invalid-body_long&message={id}"
        )),
        "{back}"
    );
    let (_, _, page) = get_with_cookie(&app, &back, &device).await;
    assert!(page.contains("1 000 caractères au plus"));
    assert_eq!(
        app.store
            .message_by_id(town.id, id)
            .await
            .unwrap()
            .unwrap()
            .content
            .body,
        "Ouvert le lundi ?"
    );
    // Another device: not found.
    let other = follow_bakery_without_js(&app).await;
    let (status, _, _) = call(
        &app,
        "/api/messages/edit",
        &format!("id={id}&body=Pirate"),
        Some(&other),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Changed.
    let (_, headers, _) = post_plain_form(
        &app,
        "/api/messages/edit",
        &format!("id={id}&body=Ouvert+le+lundi+matin+%3F"),
        Some(&device),
    )
    .await;
    assert_eq!(
        location(&headers),
        format!("/messages?edited={id}#message-{id}")
    );
    let (_, _, page) = get_with_cookie(&app, "/messages?edited=1", &device).await;
    assert!(page.contains("Message modifié."));
    assert!(page.contains("Ouvert le lundi matin ?"));
    assert!(page.contains("modifié le 26 novembre 2026"));
}
