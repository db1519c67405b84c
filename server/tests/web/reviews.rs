//! Reviews over HTTP on the demo town: the shop page's figures, list and structured data; the
//! plain forms (no JavaScript) and their redirects; bad input refused with translated
//! messages and nothing saved; replies; reports; moderation changing the page and the JSON-LD.

use crate::common;

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

fn rating(page: &str) -> (f64, i64) {
    let data = json_ld(page);
    let business = data
        .get("@graph")
        .and_then(|g| g.as_array())
        .and_then(|g| g.iter().find(|n| n.get("aggregateRating").is_some()))
        .unwrap_or(&data);
    let aggregate = &business["aggregateRating"];
    (
        aggregate["ratingValue"].as_f64().expect("a rating value"),
        aggregate["reviewCount"].as_i64().expect("a review count"),
    )
}

#[tokio::test]
async fn a_resident_reviews_the_merchant_replies_a_moderator_hides() {
    let app = app().await;
    let town = app.store.first_town().await.unwrap().unwrap();
    let shop = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();

    // The demo's two reviews and the shop's reply.
    let (status, _, page) = get(&app, SHOP).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rating(&page), (4.5, 2));
    assert!(
        page.contains("Merci beaucoup Claire"),
        "the shop's reply is shown"
    );
    assert!(page.contains("<meter"), "the distribution's bars");
    assert!(
        !page.contains("claire.demo@example.org"),
        "never an e-mail address"
    );

    // Signed out, the form leads to the sign-in and comes back with what was typed.
    let (status, headers, _) = post_plain_form(
        &app,
        "/api/reviews/save",
        "slug=boulangerie-jacob&rating=5&body=Super+pain",
        None,
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    let to = location(&headers);
    assert!(
        to.starts_with("/sign-in?return_to=%2Fshops%2Fboulangerie-jacob%3Fdraft%3D"),
        "{to}"
    );
    // Back from the sign-in, the form is as it was typed (the draft survives any decoding of
    // the return path: base64url).
    let draft = to
        .split("draft%3D")
        .nth(1)
        .and_then(|rest| rest.split("%23").next())
        .expect("a draft in the return path");
    let back = format!("{SHOP}?draft={draft}");
    let (_, _, page) = get(&app, &back).await;
    assert!(page.contains(">Super pain</textarea>"), "{back}");

    let resident = sign_in(&app, "lea@habay.test").await;
    // Bad input: translated messages, nothing saved.
    for (body, field, message) in [
        (
            "rating=abc",
            "rating",
            "Choisissez une note de 1 à 5 étoiles.",
        ),
        (
            "rating=0",
            "rating",
            "Choisissez une note de 1 à 5 étoiles.",
        ),
        (
            "rating=6",
            "rating",
            "Choisissez une note de 1 à 5 étoiles.",
        ),
        (
            "rating=4&visited_on=2030-01-01",
            "visited_on",
            "La date de visite",
        ),
    ] {
        let (status, _, answer) = call(
            &app,
            "/api/reviews/save",
            &format!("slug=boulangerie-jacob&body=&{body}"),
            Some(&resident),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert!(
            answer.contains(field) && answer.contains(message),
            "{body}: {answer}"
        );
    }
    let too_long = "é".repeat(1001);
    let request = axum::http::Request::post("/api/reviews/save")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::ACCEPT_LANGUAGE, "nl-BE")
        .header(header::COOKIE, &resident)
        .body(axum::body::Body::from(format!(
            "slug=boulangerie-jacob&rating=4&body={}",
            enc(&too_long)
        )))
        .unwrap();
    let (status, _, answer) = send(&app, request).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.contains("De tekst is te lang"), "{answer}");
    // Without JavaScript: back to the form, with the error and the text kept.
    let (_, headers, _) = post_plain_form(
        &app,
        "/api/reviews/save",
        "slug=boulangerie-jacob&rating=9&body=Mon+texte",
        Some(&resident),
    )
    .await;
    let to = location(&headers);
    assert!(
        to.contains("review_error=invalid-rating") && to.contains("draft="),
        "{to}"
    );
    let (_, _, page) = get_with_cookie(&app, &to, &resident).await;
    assert!(page.contains("Choisissez une note de 1 à 5 étoiles."));
    assert!(page.contains(">Mon texte</textarea>"), "the text is kept");
    // An unknown shop.
    let (status, _, _) = call(
        &app,
        "/api/reviews/save",
        "slug=nulle-part&rating=4&body=",
        Some(&resident),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        rating(&get(&app, SHOP).await.2),
        (4.5, 2),
        "nothing was saved"
    );

    // A review with markup: stored as typed, shown as text.
    let (status, headers, _) = post_plain_form(
        &app,
        "/api/reviews/save",
        &format!(
            "slug=boulangerie-jacob&rating=3&body={}",
            enc("<script>alert(1)</script> Correct\u{200B}")
        ),
        Some(&resident),
    )
    .await;
    assert!(status.is_redirection());
    assert!(location(&headers).starts_with("/shops/boulangerie-jacob?review=published"));
    let (_, _, page) = get(&app, SHOP).await;
    assert_eq!(rating(&page), (4.0, 3));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; Correct"));
    assert!(!page.contains("<script>alert(1)"));
    assert!(
        page.contains("lea"),
        "the default name: the e-mail's first part"
    );

    // The shop's team cannot review it; the owner replies.
    let owner = owner_session(&app, "boulangerie-jacob", "owner@habay.test").await;
    let (status, _, _) = call(
        &app,
        "/api/reviews/save",
        "slug=boulangerie-jacob&rating=5&body=",
        Some(&owner),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mine = app
        .store
        .user_reviews(
            town.id,
            app.store
                .user_by_email("lea@habay.test")
                .await
                .unwrap()
                .unwrap()
                .id,
        )
        .await
        .unwrap();
    let review_id = mine[0].id;
    let (status, _, answer) = call(
        &app,
        "/api/reviews/reply",
        &format!("slug=boulangerie-jacob&review_id={review_id}&body=+%E2%80%8B+"),
        Some(&owner),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an empty reply: {answer}"
    );
    let (status, headers, _) = post_plain_form(
        &app,
        "/api/reviews/reply",
        &format!("slug=boulangerie-jacob&review_id={review_id}&body=Merci+L%C3%A9a"),
        Some(&owner),
    )
    .await;
    assert!(status.is_redirection());
    assert!(location(&headers).starts_with("/counter/boulangerie-jacob/reviews?replied="));
    let (_, _, inbox) = call(
        &app,
        "/api/counter/reviews",
        "slug=boulangerie-jacob&unanswered=true",
        Some(&owner),
    )
    .await;
    assert!(
        !inbox.contains("Merci Léa"),
        "answered: not in the unanswered list"
    );
    assert!(get(&app, SHOP).await.2.contains("Merci Léa"));
    // Replying to another shop's review (through this shop) is "not found".
    let pharmacy = app
        .store
        .shop_by_slug(town.id, "pharmacie-berg")
        .await
        .unwrap()
        .unwrap();
    let other = app.store.shop_reviews(pharmacy.id, 0, 1).await.unwrap();
    let (status, _, _) = call(
        &app,
        "/api/reviews/reply",
        &format!("slug=boulangerie-jacob&review_id={}&body=Hop", other[0].id),
        Some(&owner),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(app
        .store
        .review_by_id(town.id, other[0].id)
        .await
        .unwrap()
        .unwrap()
        .reply
        .is_none());

    // Reported (once per device), then hidden by an admin: gone from the page and the JSON-LD.
    let report = format!("review_id={review_id}&part=review&reason=insult");
    let (status, _, _) = call(&app, "/api/reviews/report", &report, Some(&owner)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, answer) = call(&app, "/api/reviews/report", &report, Some(&owner)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.contains("déjà signalé"), "{answer}");
    let (status, _, _) = call(
        &app,
        "/api/reviews/report",
        &format!("review_id={review_id}&part=review&reason=other"),
        Some(&resident),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "'other' needs a text"
    );
    app.store
        .grant_admin(town.id, "admin@habay.test", NOW.parse().unwrap())
        .await
        .unwrap();
    let admin = sign_in(&app, "admin@habay.test").await;
    let (_, _, queue) = call(&app, "/api/moderation", "", Some(&admin)).await;
    assert!(
        queue.contains("Correct") && queue.contains("insult"),
        "{queue}"
    );
    let (status, _, _) = call(
        &app,
        "/api/moderation/decide",
        &format!("review_id={review_id}&part=review&action=hide&reason="),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "hiding says why");
    let (status, _, _) = call(
        &app,
        "/api/moderation/decide",
        &format!("review_id={review_id}&part=review&action=hide&reason=Propos+hors+charte"),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, page) = get(&app, SHOP).await;
    assert_eq!(rating(&page), (4.5, 2));
    assert!(!page.contains("alert(1)"));
    // The author sees why, on the shop page and in their account.
    let (_, _, mine) = call(&app, "/api/account/reviews", "", Some(&resident)).await;
    assert!(
        mine.contains("Propos hors charte") && mine.contains("hidden"),
        "{mine}"
    );
    let (_, _, log) = call(&app, "/api/moderation", "", Some(&admin)).await;
    assert!(
        log.contains("admin@habay.test") && log.contains("Propos hors charte"),
        "{log}"
    );
    // Deleted and written again, a hidden review waits for a moderator; with a link too.
    let (status, _, _) = call(
        &app,
        "/api/reviews/delete",
        &format!("review_id={review_id}"),
        Some(&resident),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, answer) = call(
        &app,
        "/api/reviews/save",
        "slug=boulangerie-jacob&rating=5&body=Revoil%C3%A0",
        Some(&resident),
    )
    .await;
    assert_eq!((status, answer.as_str()), (StatusCode::OK, "\"held\""));
    let (status, _, answer) = call(
        &app,
        "/api/reviews/save",
        "slug=pharmacie-berg&rating=5&body=Voir+https%3A%2F%2Fpromo.example",
        Some(&resident),
    )
    .await;
    assert_eq!((status, answer.as_str()), (StatusCode::OK, "\"held\""));
    assert_eq!(rating(&get(&app, SHOP).await.2), (4.5, 2));
    // A reply a moderator hid is served to nobody but the team and the moderators.
    let claire = app
        .store
        .shop_reviews(shop.id, 0, 10)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.reply.is_some())
        .unwrap();
    let (status, _, _) = call(
        &app,
        "/api/moderation/decide",
        &format!(
            "review_id={}&part=reply&action=hide&reason=Hors+sujet",
            claire.id
        ),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, data) = call(&app, "/api/shop", "slug=boulangerie-jacob", None).await;
    assert!(!data.contains("Merci beaucoup Claire"), "{data}");
    let (_, _, inbox) = call(
        &app,
        "/api/counter/reviews",
        "slug=boulangerie-jacob&unanswered=true",
        Some(&owner),
    )
    .await;
    assert!(
        inbox.contains("Merci beaucoup Claire") && inbox.contains("Hors sujet"),
        "the team sees it, and why"
    );
    let (status, _, _) = call(
        &app,
        "/api/reviews/reply/delete",
        &format!("slug=boulangerie-jacob&review_id={}", claire.id),
        Some(&owner),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a hidden reply stays until restored"
    );
    assert_eq!(shop.slug, "boulangerie-jacob");
}

#[tokio::test]
async fn display_names_are_chosen_and_checked() {
    let app = app().await;
    let resident = sign_in(&app, "jean.dupont@habay.test").await;
    let (_, _, mine) = call(&app, "/api/account/reviews", "", Some(&resident)).await;
    assert!(mine.contains("\"display_name\":\"jean.dupont\""), "{mine}");
    for bad in ["x", "jean%40habay.test"] {
        let (status, _, _) = call(
            &app,
            "/api/account/name",
            &format!("display_name={bad}"),
            Some(&resident),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let (status, headers, _) = post_plain_form(
        &app,
        "/api/account/name",
        "display_name=Jean+D.",
        Some(&resident),
    )
    .await;
    assert!(status.is_redirection());
    assert_eq!(location(&headers), "/account?name=saved#my-reviews");
    let (_, _, mine) = call(&app, "/api/account/reviews", "", Some(&resident)).await;
    assert!(mine.contains("\"display_name\":\"Jean D.\""), "{mine}");
    let (status, _, _) = call(&app, "/api/account/name", "display_name=Jean", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_town_sets_its_rules_for_new_reviews() {
    let app = app().await;
    let town = app.store.first_town().await.unwrap().unwrap();
    let now: chrono::DateTime<chrono::Utc> = NOW.parse().unwrap();
    let admin = sign_in(&app, "admin@habay.test").await;
    app.store
        .grant_admin(town.id, "admin@habay.test", now)
        .await
        .unwrap();
    let resident = sign_in(&app, "lea@habay.test").await;
    let owner = owner_session(&app, "boulangerie-jacob", "baker@habay.test").await;
    for cookie in [&resident, &owner] {
        let (status, _, _) = call(
            &app,
            "/api/manage/reviews",
            "hold_first=on&min_account_minutes=0",
            Some(cookie),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    // Bad input: a translated message, nothing changed.
    for bad in ["abc", "-1", "10081", "1.5", "1e3"] {
        let (status, _, answer) = call(
            &app,
            "/api/manage/reviews",
            &format!("hold_first=on&min_account_minutes={bad}"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(
            answer.contains("Indiquez un nombre de minutes entre 0 et 10 080."),
            "{answer}"
        );
    }
    assert_eq!(
        app.store.review_settings(town.id).await.unwrap(),
        app::server::ReviewSettings::default()
    );
    let (_, headers, _) = post_plain_form(
        &app,
        "/api/manage/reviews",
        "min_account_minutes=x",
        Some(&admin),
    )
    .await;
    assert_eq!(
        location(&headers),
        "/manage?review_error=invalid-min_account_minutes#review-rules"
    );

    // Held first reviews: saved from the plain form, shown back on /manage.
    let (_, headers, _) = post_plain_form(
        &app,
        "/api/manage/reviews",
        "hold_first=on&min_account_minutes=",
        Some(&admin),
    )
    .await;
    assert_eq!(location(&headers), "/manage?saved=reviews#review-rules");
    assert_eq!(
        app.store.review_settings(town.id).await.unwrap(),
        app::server::ReviewSettings {
            hold_first: true,
            min_account_minutes: 0
        }
    );
    let (_, _, page) = get_with_cookie(&app, "/manage?saved=reviews", &admin).await;
    assert!(page.contains("Règles des avis enregistrées."));
    let checkbox = page
        .split("<input ")
        .find(|tag| tag.contains("id=\"review-hold-first\""))
        .map(|tag| &tag[..tag.find('>').unwrap_or(tag.len())])
        .expect("the checkbox");
    assert!(checkbox.contains("checked"), "{checkbox}");
    let newcomer = sign_in(&app, "newcomer@habay.test").await;
    let (status, _, answer) = call(
        &app,
        "/api/reviews/save",
        "slug=boulangerie-jacob&rating=5&body=Premier+avis",
        Some(&newcomer),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer, "\"held\"", "the first review waits for a moderator");

    // A minimum age: an account made a moment ago may not review yet.
    let (status, _, _) = call(
        &app,
        "/api/manage/reviews",
        "min_account_minutes=60",
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let fresh = sign_in(&app, "fresh@habay.test").await;
    let (status, _, answer) = call(
        &app,
        "/api/reviews/save",
        "slug=boulangerie-jacob&rating=4&body=Trop+t%C3%B4t",
        Some(&fresh),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.contains("Votre compte est tout récent"), "{answer}");
}
