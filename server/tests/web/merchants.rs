//! Merchants over HTTP: e-mail sign-in through a real SMTP exchange, invitations, the counter
//! (publish once, edit, delete), sessions, rate limits and the device's follows joining the
//! account.

use crate::common;

use app::server::store::prelude::*;
use axum::http::{header, StatusCode};
use common::smtp::{subject_of, text_of, SmtpSink};
use common::web::*;

/// The sign-in link in an e-mail: `(its path, the token)`.
fn sign_in_link(text: &str) -> (String, String) {
    let start = text.find("/auth/").expect("a sign-in link in the e-mail");
    let token: String = text[start + 6..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    assert_eq!(token.len(), 64, "256-bit token: {text}");
    (format!("/auth/{token}"), token)
}

async fn test_app(smtp: &SmtpSink) -> TestApp {
    let settings = smtp.settings();
    let borrowed: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app_with(&borrowed).await
}

/// Signs in as `email` through the e-mail link (optionally with an invitation and a device
/// cookie); returns the session cookie and where the app went next.
async fn sign_in(
    app: &TestApp,
    smtp: &mut SmtpSink,
    email: &str,
    invitation: Option<&str>,
    device: Option<&str>,
) -> (String, String) {
    let mut body = format!("email={}", enc(email));
    if let Some(token) = invitation {
        body.push_str(&format!("&invitation={token}"));
    }
    let (status, headers, answer) = call(app, "/api/auth/request", &body, device).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    // The browser that asked for the link is marked as such.
    let asker = set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_sign_in="))
        .expect("the asking browser's mark");
    let cookies = match device {
        Some(device) => format!("{device}; {asker}"),
        None => asker,
    };
    let mail = smtp.next().await;
    assert_eq!(mail.to, vec![email.to_lowercase()]);
    let (path, token) = sign_in_link(&text_of(&mail));
    // Opening the link shows a button: a mail scanner opening it signs nobody in.
    let (status, _, page) = get_with_cookie(app, &path, &cookies).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Me connecter"), "confirm button");
    assert!(
        !shown(&page).contains("Les ajouter à mon compte"),
        "same browser: nothing asked"
    );
    let (status, headers, _) = post_plain_form(
        app,
        "/api/auth/complete",
        &format!("token={token}"),
        Some(&cookies),
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    let location = headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let raw = raw_set_cookie(&headers, "quartier_session").expect("a session cookie");
    assert!(
        raw.contains("HttpOnly") && raw.contains("SameSite=Lax") && raw.contains("Path=/"),
        "{raw}"
    );
    let cookie = raw.split(';').next().unwrap().to_owned();
    assert_eq!(cookie.len(), "quartier_session=".len() + 64);
    (cookie, location)
}

#[tokio::test]
async fn an_admin_invites_a_merchant_who_posts_at_the_counter() {
    let mut smtp = SmtpSink::start().await;
    let app = test_app(&smtp).await;
    let town = app.store.first_town().await.unwrap().unwrap();
    app.store
        .grant_admin(town.id, "mairie@habay.test", NOW.parse().unwrap())
        .await
        .unwrap();

    // The admin signs in from the e-mail and lands on the shops list.
    let (admin, location) = sign_in(&app, &mut smtp, "Mairie@Habay.test", None, None).await;
    assert_eq!(location, "/manage");
    let (status, _, manage) = get_with_cookie(&app, "/manage", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(manage.contains("Boulangerie Jacob"));
    assert!(manage.contains("0 commerces sur"), "nobody claimed yet");
    // Each shop's visibility, and each district's average, computed as the counter does.
    {
        let town = app.store.first_town().await.unwrap().unwrap();
        let now: chrono::DateTime<chrono::Utc> = common::web::NOW.parse().unwrap();
        let activity = app.store.shops_activity(town.id, now).await.unwrap();
        let district = app
            .store
            .district_by_slug(town.id, "habay-la-neuve-centre")
            .await
            .unwrap()
            .unwrap();
        let shops = app
            .store
            .shops(
                town.id,
                &app::server::ShopFilter {
                    category: None,
                    district_id: Some(district.id),
                },
            )
            .await
            .unwrap();
        let scores: Vec<u32> = shops
            .iter()
            .map(|shop| {
                let a = activity.iter().find(|a| a.shop_id == shop.id).unwrap();
                u32::from(
                    app::domain::visibility::visibility(
                        shop,
                        a.last_post,
                        a.unanswered_reviews,
                        now,
                    )
                    .score(),
                )
            })
            .collect();
        assert!(!scores.is_empty());
        let average = (scores.iter().sum::<u32>() + scores.len() as u32 / 2) / scores.len() as u32;
        let page = shown(&manage);
        assert!(
            page.contains(&format!(
                "Visibilité moyenne des commerces : {average} / 100"
            )),
            "average {average}"
        );
        assert!(page.contains(&format!("Visibilité {} / 100", scores[0])));
    }

    // The admin invites the baker: a link and its QR code.
    let (status, _, created) = call(
        &app,
        "/api/invitations/create",
        "role=owner&target=boulangerie-jacob",
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let created: serde_json::Value = serde_json::from_str(&created).unwrap();
    let url = created["url"].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:3000/invite/"), "{url}");
    assert!(created["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let invitation = url.rsplit('/').next().unwrap().to_owned();
    assert_eq!(invitation.len(), 64);

    // Without JavaScript: back to the page, which shows the new link and its QR code.
    let (status, headers, _) = post_plain_form(
        &app,
        "/api/invitations/create",
        "role=owner&target=boucherie-thomas&return_to=%2Fmanage",
        Some(&admin),
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    let back = headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(back.starts_with("/manage?invitation="), "{back}");
    let plain_token: String = back["/manage?invitation=".len()..]
        .chars()
        .take(64)
        .collect();
    let (_, _, manage) = get_with_cookie(&app, &back, &admin).await;
    assert!(
        manage.contains(&format!("/invite/{plain_token}")),
        "link shown"
    );
    assert!(manage.contains("class=\"qr\""), "QR code shown");
    let (_, _, page) = get(&app, &format!("/invite/{plain_token}")).await;
    assert!(page.contains("Boucherie Thomas"));

    // The baker opens it on the phone, gives an e-mail, signs in from the mail.
    let (status, _, page) = get(&app, &format!("/invite/{invitation}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Gérer « Boulangerie Jacob » sur Quartier"),
        "headline"
    );
    let (baker, location) = sign_in(
        &app,
        &mut smtp,
        "jacob@boulangerie.test",
        Some(&invitation),
        None,
    )
    .await;
    assert_eq!(location, "/counter/boulangerie-jacob?welcome=1");
    // Used: the link does not work twice.
    let (_, _, page) = get(&app, &format!("/invite/{invitation}")).await;
    assert!(page.contains("Cette invitation a expiré ou a déjà été utilisée"));

    // The counter: three big buttons and a form with its idempotency key.
    let (status, _, counter) =
        get_with_cookie(&app, "/counter/boulangerie-jacob?new=offer", &baker).await;
    assert_eq!(status, StatusCode::OK);
    for kind in ["offer", "event", "news"] {
        assert!(
            counter.contains(&format!("data-kind=\"{kind}\"")),
            "{kind} button"
        );
    }
    assert!(counter.contains("Aperçu de la notification"));
    let key_start = counter
        .find("name=\"idempotency_key\" value=\"")
        .expect("a key")
        + 30;
    let key: String = counter[key_start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    assert_eq!(key.len(), 32);

    // A resident follows the bakery.
    let resident = follow_bakery_without_js(&app).await;

    // The baker publishes an offer without JavaScript; the same form sent twice (a bad
    // connection) publishes once.
    let form = format!(
        "slug=boulangerie-jacob&kind=offer&title={}&body={}&valid_from=&valid_until=&publish_at=&idempotency_key={key}",
        enc("Cougnous -20 % ce week-end"),
        enc("Sur tous les cougnous, jusqu'à dimanche.")
    );
    let (status, headers, _) =
        post_plain_form(&app, "/api/counter/save", &form, Some(&baker)).await;
    assert!(status.is_redirection(), "{status}");
    let first = headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        first.starts_with("/counter/boulangerie-jacob?saved="),
        "{first}"
    );
    let (_, headers, _) = post_plain_form(&app, "/api/counter/save", &form, Some(&baker)).await;
    assert_eq!(
        headers.get(header::LOCATION).unwrap().to_str().unwrap(),
        first
    );
    let post_id: i64 = first.rsplit('=').next().unwrap().parse().unwrap();
    let posts = app
        .store
        .shop_posts(
            town.id,
            app.store
                .shop_by_slug(town.id, "boulangerie-jacob")
                .await
                .unwrap()
                .unwrap()
                .id,
            50,
        )
        .await
        .unwrap();
    assert_eq!(
        posts
            .iter()
            .filter(|p| p.content.title == "Cougnous -20 % ce week-end")
            .count(),
        1,
        "published exactly once"
    );

    // At once on the shop page and in the follower's feed.
    let (_, _, shop) = get(&app, "/shops/boulangerie-jacob").await;
    assert!(shop.contains("Cougnous -20 % ce week-end"));
    let (_, _, feed) = get_with_cookie(&app, "/feed", &resident).await;
    assert!(feed.contains("Cougnous -20 % ce week-end"));
    // Offers default to a week: valid through Thursday 3 December.
    let post = app
        .store
        .post_by_id(town.id, post_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        post.content.valid_until.unwrap().to_rfc3339(),
        "2026-12-03T23:00:00+00:00"
    );
    assert!(post.author_user_id.is_some());
    assert!(!post.by_steward);

    // The counter shows it, with its views (the page and the feed above; robots do not count).
    let robot = axum::http::Request::get("/shops/boulangerie-jacob")
        .header(
            header::USER_AGENT,
            "Mozilla/5.0 (compatible; Googlebot/2.1)",
        )
        .body(axum::body::Body::empty())
        .unwrap();
    send(&app, robot).await;
    assert_eq!(
        app.store
            .post_counts(app::domain::activity::Metric::PostView, &[post_id])
            .await
            .unwrap(),
        vec![(post_id, 2)]
    );
    let (_, _, counter) = get_with_cookie(&app, "/counter/boulangerie-jacob", &baker).await;
    assert!(counter.contains("Cougnous -20 % ce week-end"));
    assert!(counter.contains("2 vues"), "views on the counter");

    // "Visibilité": the score of the shop as it is (the offer just posted counts), what is
    // missing as links to their fix with the points they bring, what is done folded away.
    let shop = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    let now: chrono::DateTime<chrono::Utc> = common::web::NOW.parse().unwrap();
    let reviews = app.store.review_stats(shop.id, now).await.unwrap();
    let expected = app::domain::visibility::visibility(
        &shop,
        Some(post.content.published_at),
        reviews.summary.count - reviews.replied,
        now,
    );
    assert!(expected
        .done
        .contains(&app::domain::visibility::Item::RecentPost));
    let shown_page = shown(&counter);
    assert!(
        shown_page.contains(&format!("{} / 100", expected.score())),
        "score {} shown",
        expected.score()
    );
    for item in &expected.missing {
        assert!(
            shown_page.contains(&format!("data-item=\"{}\"", item.key())),
            "{item:?} offered"
        );
    }
    assert!(!shown_page.contains("data-item=\"recent_post\""));
    assert!(
        expected
            .missing
            .contains(&app::domain::visibility::Item::ReviewsAnswered),
        "the demo's review waits for a reply"
    );
    assert!(shown_page.contains(&format!("Déjà fait ({})", expected.done.len())));
    assert!(counter.contains(&format!("data-post-id=\"{post_id}\"")));

    // Bad input: a clear message, and the form comes back filled in.
    let long = "x".repeat(81);
    let bad = format!(
        "slug=boulangerie-jacob&kind=offer&title={long}&body={}&idempotency_key=k2",
        enc("Mon texte à garder")
    );
    let (status, headers, _) = post_plain_form(&app, "/api/counter/save", &bad, Some(&baker)).await;
    assert!(status.is_redirection());
    let back = headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(back.contains("error=invalid-title"), "{back}");
    let (_, _, page) = get_with_cookie(&app, &back, &baker).await;
    assert!(
        page.contains("Mon texte à garder"),
        "what was typed is kept"
    );
    let (status, _, answer) = call(&app, "/api/counter/save", &bad, Some(&baker)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer.contains("Le titre fait au plus 80 caractères."),
        "{answer}"
    );

    // Edit, then delete.
    let edit = format!(
        "slug=boulangerie-jacob&post_id={post_id}&kind=offer&title={}&body=&valid_from=2026-11-26&valid_until=2026-11-29",
        enc("Cougnous -30 %")
    );
    let (status, _, _) = call(&app, "/api/counter/save", &edit, Some(&baker)).await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, shop) = get(&app, "/shops/boulangerie-jacob").await;
    assert!(shop.contains("Cougnous -30 %") && !shop.contains("-20 %"));
    let (status, _, _) = call(
        &app,
        "/api/counter/delete",
        &format!("slug=boulangerie-jacob&post_id={post_id}"),
        Some(&baker),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, shop) = get(&app, "/shops/boulangerie-jacob").await;
    assert!(!shop.contains("Cougnous -30 %"));

    // The baker cannot post for another shop, nor edit another shop's post.
    let other = "slug=boucherie-thomas&kind=news&title=Pirate";
    let (status, _, _) = call(&app, "/api/counter/save", other, Some(&baker)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Staff: the owner invites a colleague, then removes them.
    let (status, _, created) = call(
        &app,
        "/api/invitations/create",
        "role=staff&target=boulangerie-jacob",
        Some(&baker),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let created: serde_json::Value = serde_json::from_str(&created).unwrap();
    let staff_invite = created["url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let (helper, location) = sign_in(
        &app,
        &mut smtp,
        "vendeuse@boulangerie.test",
        Some(&staff_invite),
        None,
    )
    .await;
    assert_eq!(location, "/counter/boulangerie-jacob?welcome=1");
    let (status, _, _) = call(
        &app,
        "/api/counter",
        "slug=boulangerie-jacob",
        Some(&helper),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // Staff may post but not manage the team.
    let (status, _, _) = call(
        &app,
        "/api/invitations/create",
        "role=staff&target=boulangerie-jacob",
        Some(&helper),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let helper_id = app
        .store
        .user_by_email("vendeuse@boulangerie.test")
        .await
        .unwrap()
        .unwrap()
        .id;
    let (status, _, _) = call(
        &app,
        "/api/team/remove",
        &format!("shop=boulangerie-jacob&user_id={helper_id}"),
        Some(&baker),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = call(
        &app,
        "/api/counter",
        "slug=boulangerie-jacob",
        Some(&helper),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "removed from the team");

    // Sign out everywhere: the session no longer works.
    let (status, _, me) = call(&app, "/api/me", "", Some(&baker)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(me.contains("jacob@boulangerie.test"));
    let (status, headers, _) = call(&app, "/api/auth/sign-out-everywhere", "", Some(&baker)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(raw_set_cookie(&headers, "quartier_session")
        .unwrap()
        .contains("Max-Age=0"));
    let (_, _, me) = call(&app, "/api/me", "", Some(&baker)).await;
    assert_eq!(me, "null");
    let (status, _, _) = call(&app, "/api/counter", "slug=boulangerie-jacob", Some(&baker)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(!smtp.has_more(), "no stray e-mails");
}

#[tokio::test]
async fn signing_in_keeps_the_devices_follows_and_links_are_single_use() {
    let mut smtp = SmtpSink::start().await;
    let app = test_app(&smtp).await;

    // Follows without an account.
    let device = follow_bakery_without_js(&app).await;

    // Sign in on that device: the follow is now the account's, the device cookie is cleared.
    let mut body = format!("email={}", enc("marie@habay.test"));
    body.push_str("&return_to=%2Ffollowing");
    let (status, headers, _) = call(&app, "/api/auth/request", &body, Some(&device)).await;
    assert_eq!(status, StatusCode::OK);
    let asker = set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_sign_in="))
        .expect("the asking browser's mark");
    let mail = smtp.next().await;
    assert!(
        subject_of(&mail).contains("Quartier Habay"),
        "{}",
        subject_of(&mail)
    );
    let text = text_of(&mail);
    assert!(text.contains("15 minutes"), "{text}");
    let (_, token) = sign_in_link(&text);
    let (status, headers, _) = post_plain_form(
        &app,
        "/api/auth/complete",
        &format!("token={token}"),
        Some(&format!("{device}; {asker}")),
    )
    .await;
    assert!(status.is_redirection());
    assert_eq!(headers.get(header::LOCATION).unwrap(), "/following");
    assert!(raw_set_cookie(&headers, "quartier_device")
        .unwrap()
        .contains("Max-Age=0"));
    let session = set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_session="))
        .unwrap();
    let (_, _, following) = get_with_cookie(&app, "/following", &session).await;
    assert!(
        following.contains("Boulangerie Jacob"),
        "the device's follow came along"
    );
    // Following more while signed in goes to the account.
    let (status, _, _) = call(
        &app,
        "/api/follow",
        "target=shop&slug=boucherie-thomas&follow=true",
        Some(&session),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, following) = get_with_cookie(&app, "/following", &session).await;
    assert!(following.contains("Boucherie Thomas") && following.contains("Boulangerie Jacob"));

    // The link is single use.
    let (status, headers, _) =
        post_plain_form(&app, "/api/auth/complete", &format!("token={token}"), None).await;
    assert!(status.is_redirection());
    assert_eq!(
        headers.get(header::LOCATION).unwrap(),
        "/sign-in?error=invalid-token"
    );
    let (status, _, answer) =
        call(&app, "/api/auth/complete", &format!("token={token}"), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.contains("a expiré ou a déjà servi"), "{answer}");
    let (_, _, page) = get(&app, "/sign-in?error=invalid-token").await;
    assert!(
        page.contains("a expiré ou a déjà servi"),
        "message without JavaScript"
    );

    // Bad addresses get a clear message; nothing is sent.
    let (status, _, answer) = call(&app, "/api/auth/request", "email=marie%40habay", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.contains("Cette adresse e-mail n"), "{answer}");

    // Rate limit per address: 5 links an hour, then a clear refusal.
    for _ in 0..4 {
        let (status, _, _) =
            call(&app, "/api/auth/request", "email=marie%40habay.test", None).await;
        assert_eq!(status, StatusCode::OK);
        smtp.next().await;
    }
    let (status, _, answer) =
        call(&app, "/api/auth/request", "email=marie%40habay.test", None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{answer}");
    assert!(answer.contains("RateLimited"), "{answer}");
    let (_, _, page) = get(&app, "/sign-in?error=rate-limited").await;
    assert!(page.contains("Trop de demandes"));
    // Another address is not affected.
    let (status, _, _) = call(&app, "/api/auth/request", "email=paul%40habay.test", None).await;
    assert_eq!(status, StatusCode::OK);
    smtp.next().await;
    assert!(!smtp.has_more());
}

/// A sign-in link opened in another browser than the one that asked for it asks before that
/// browser's follows join the account: a borrowed phone's follows are not taken silently.
#[tokio::test]
async fn a_link_opened_in_another_browser_asks_before_taking_its_follows() {
    let mut smtp = SmtpSink::start().await;
    let app = test_app(&smtp).await;
    let borrowed = follow_bakery_without_js(&app).await;
    let link = |mail: common::smtp::Received| sign_in_link(&text_of(&mail)).1;

    // Marie asks for a link on her laptop, then opens it on a borrowed phone that follows the
    // bakery: the page asks.
    let (status, _, _) = call(&app, "/api/auth/request", "email=marie%40habay.test", None).await;
    assert_eq!(status, StatusCode::OK);
    let token = link(smtp.next().await);
    let (status, _, page) = get_with_cookie(&app, &format!("/auth/{token}"), &borrowed).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Ce lien a été demandé depuis un autre navigateur"),
        "{page}"
    );
    assert!(page.contains("Les ajouter à mon compte"));
    assert!(page.contains(r#"name="merge""#));
    // Left unticked: signed in, but the account takes nothing; the phone keeps its follows.
    let (status, headers, _) = post_plain_form(
        &app,
        "/api/auth/complete",
        &format!("token={token}"),
        Some(&borrowed),
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    assert!(
        raw_set_cookie(&headers, "quartier_device").is_none(),
        "the phone's own cookie stays"
    );
    let session = set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_session="))
        .expect("signed in");
    let (_, _, following) = get_with_cookie(&app, "/following", &session).await;
    assert!(!following.contains("Boulangerie Jacob"), "nothing taken");
    let (_, _, following) = get_with_cookie(&app, "/following", &borrowed).await;
    assert!(
        following.contains("Boulangerie Jacob"),
        "the phone still follows it"
    );

    // Another link opened there, ticked this time: the follows join the account.
    let (status, _, _) = call(&app, "/api/auth/request", "email=marie%40habay.test", None).await;
    assert_eq!(status, StatusCode::OK);
    let token = link(smtp.next().await);
    let (status, headers, _) = post_plain_form(
        &app,
        "/api/auth/complete",
        &format!("token={token}&merge=true"),
        Some(&borrowed),
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    let session = set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_session="))
        .expect("signed in");
    let (_, _, following) = get_with_cookie(&app, "/following", &session).await;
    assert!(
        following.contains("Boulangerie Jacob"),
        "taken when asked to"
    );
}

/// Asked twice (the first mail was slow), the first link opened in the same browser is still
/// recognised as this browser's: nothing is asked, the follows come along.
#[tokio::test]
async fn the_first_of_two_links_asked_for_here_is_still_this_browser_s() {
    let mut smtp = SmtpSink::start().await;
    let app = test_app(&smtp).await;
    let device = follow_bakery_without_js(&app).await;
    let ask = |cookies: String| {
        let app = &app;
        async move {
            let (status, headers, _) = call(
                app,
                "/api/auth/request",
                "email=marie%40habay.test",
                Some(&cookies),
            )
            .await;
            assert_eq!(status, StatusCode::OK);
            set_cookies(&headers)
                .into_iter()
                .find(|c| c.starts_with("quartier_sign_in="))
                .expect("the asking browser's mark")
        }
    };
    let first_mark = ask(device.clone()).await;
    let first = sign_in_link(&text_of(&smtp.next().await)).1;
    let both_marks = ask(format!("{device}; {first_mark}")).await;
    smtp.next().await;
    let cookies = format!("{device}; {both_marks}");
    let (_, _, page) = get_with_cookie(&app, &format!("/auth/{first}"), &cookies).await;
    assert!(page.contains("Me connecter"));
    assert!(
        !shown(&page).contains("Les ajouter à mon compte"),
        "not asked"
    );
    let (status, headers, _) = post_plain_form(
        &app,
        "/api/auth/complete",
        &format!("token={first}"),
        Some(&cookies),
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    assert!(raw_set_cookie(&headers, "quartier_sign_in")
        .unwrap()
        .contains("Max-Age=0"));
    let session = set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_session="))
        .expect("signed in");
    let (_, _, following) = get_with_cookie(&app, "/following", &session).await;
    assert!(
        following.contains("Boulangerie Jacob"),
        "the follows came along"
    );
    // The link pages tell other sites only the origin, from their first request on.
    let (_, headers, _) = get(&app, &format!("/auth/{first}")).await;
    assert_eq!(
        headers.get(header::REFERRER_POLICY).unwrap(),
        "strict-origin"
    );
    let (_, headers, _) = get(&app, "/shops/boulangerie-jacob").await;
    assert_eq!(
        headers.get(header::REFERRER_POLICY).unwrap(),
        "strict-origin-when-cross-origin"
    );
}

/// `quartier admin create` sends the sign-in form's e-mail, in the default language of the
/// deployment, with a link that signs the new administrator in once, back to `/manage`.
#[tokio::test]
async fn the_admin_command_mails_a_working_link_in_the_default_language() {
    use server::cli::{admin::AdminCommand, Command};

    let mut smtp = SmtpSink::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut settings: Vec<(String, String)> = smtp
        .settings()
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
    settings.extend([
        (
            "DATABASE_URL".to_owned(),
            format!("sqlite://{}/quartier.db", dir.path().display()),
        ),
        ("QUARTIER_DEFAULT_LOCALE".to_owned(), "nl".to_owned()),
        (
            "QUARTIER_BASE_URL".to_owned(),
            "http://habay.test".to_owned(),
        ),
    ]);
    let config = server::config::Config::from_lookup(|name| {
        settings
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    })
    .unwrap();
    let store = server::cli::open_store(&config).await.unwrap();
    let town = common::fixtures::town(&store, "habay", "Habay").await;

    let create = AdminCommand::Create {
        email: " Maire@Habay.test ".into(),
        town: None,
    };
    server::cli::run(Some(Command::Admin { command: create }), config)
        .await
        .unwrap();

    let mail = smtp.next().await;
    assert_eq!(mail.to, vec!["maire@habay.test".to_owned()]);
    let dutch = app::i18n::Locale::parse("nl").unwrap();
    let args = [("town", "Habay"), ("minutes", "15")];
    assert_eq!(subject_of(&mail), dutch.tf("sign_in.mail.subject", &args));
    let text = text_of(&mail);
    assert!(
        text.contains(&dutch.tf("sign_in.mail.intro", &args)),
        "{text}"
    );
    assert!(
        text.contains(&dutch.tf("sign_in.mail.validity", &args)),
        "{text}"
    );
    let (path, token) = sign_in_link(&text);
    assert!(text.contains(&format!("http://habay.test{path}")), "{text}");

    let hash = app::server::auth::secret_hash(&token);
    let now = chrono::Utc::now();
    let signed = store
        .complete_sign_in(town.id, &hash, &common::fixtures::session("a"), None, now)
        .await
        .unwrap()
        .expect("the mailed link signs in");
    assert_eq!(signed.user.email, "maire@habay.test");
    assert_eq!(signed.return_to.as_deref(), Some("/manage"));
    assert!(store.roles(town.id, signed.user.id).await.unwrap().admin);
    let again = store
        .complete_sign_in(town.id, &hash, &common::fixtures::session("b"), None, now)
        .await
        .unwrap();
    assert!(again.is_none(), "a sign-in link works once");
}

/// `/manage`: each shop's onboarding step, the funnel's counts and the to-do list, each a link
/// that lists those shops; a stale invitation is on the to-do list.
#[tokio::test]
async fn the_manage_page_says_where_each_shop_stands() {
    use app::domain::invitations::NewInvitation;
    use app::server::InvitedRole;

    let app = app().await;
    let now: chrono::DateTime<chrono::Utc> = NOW.parse().unwrap();
    let (town, bakery) = town_and_shop(&app, "boulangerie-jacob").await;
    let (_, butcher) = town_and_shop(&app, "boucherie-thomas").await;
    app.store
        .grant_admin(town.id, "mairie@habay.test", now)
        .await
        .unwrap();
    let admin = common::web::sign_in(&app, "mairie@habay.test").await;

    // The bakery's owner was invited 20 days ago (the link has expired: still invited, and
    // stale), the butcher's today.
    for (shop, days) in [(&bakery, 20), (&butcher, 0)] {
        app.store
            .create_invitation(
                town.id,
                &NewInvitation {
                    token_hash: format!("{:064x}", shop.id),
                    role: InvitedRole::Owner,
                    shop_id: Some(shop.id),
                    district_id: None,
                    created_by: None,
                    expires_at: now + chrono::TimeDelta::days(14 - days),
                },
                now - chrono::TimeDelta::days(days),
            )
            .await
            .unwrap();
    }
    let (status, _, page) = get_with_cookie(&app, "/manage", &admin).await;
    assert_eq!(status, StatusCode::OK);
    let page = shown(&page);
    assert!(page.contains("Où en sont les commerces"));
    assert!(
        page.contains("2 invités"),
        "the funnel counts both invitations"
    );
    assert!(page.contains("href=\"/manage?step=invited#shops\""));
    assert!(page.contains("1 commerce invité il y a plus de 7 jours, pas encore connecté"));
    assert!(page.contains("Étape : invité"));

    // Each link lists those shops only.
    let (_, _, stale) = get_with_cookie(&app, "/manage?todo=stale_invitations", &admin).await;
    let stale = shown(&stale);
    // (The open invitations below the lists name both shops: the lists link to them.)
    let listed = |page: &str, slug: &str| page.contains(&format!("href=\"/shops/{slug}\""));
    assert!(listed(&stale, "boulangerie-jacob") && !listed(&stale, "boucherie-thomas"));
    assert!(stale.contains("aria-current=\"true\""));
    assert!(stale.contains("Voir tous les commerces"));
    let (_, _, invited) = get_with_cookie(&app, "/manage?step=invited", &admin).await;
    let invited = shown(&invited);
    assert!(listed(&invited, "boulangerie-jacob") && listed(&invited, "boucherie-thomas"));
    let others: Vec<_> = app
        .store
        .shops(town.id, &Default::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.id != bakery.id && s.id != butcher.id)
        .collect();
    assert!(!others.is_empty());
    assert!(
        others.iter().all(|s| !listed(&invited, &s.slug)),
        "only the invited"
    );
    // A step and a to-do item at once: the step.
    let (_, _, both) =
        get_with_cookie(&app, "/manage?step=invited&todo=stale_invitations", &admin).await;
    assert!(listed(&shown(&both), "boucherie-thomas"));
    // A step nobody is at: said, and its count is not a link.
    let (_, _, none) = get_with_cookie(&app, "/manage?step=first_reply", &admin).await;
    let none = shown(&none);
    assert!(none.contains("Aucun commerce ici."));
    assert!(!none.contains("href=\"/manage?step=first_reply#shops\""));

    // A steward of the other district sees only its shops, in the lists and the counts.
    let districts = app.store.districts(town.id).await.unwrap();
    let other_district = districts
        .iter()
        .find(|d| Some(d.id) != bakery.district_id)
        .unwrap();
    let steward = common::web::sign_in(&app, "asbl@habay.test").await;
    let steward_user = app
        .store
        .user_by_email("asbl@habay.test")
        .await
        .unwrap()
        .unwrap();
    app.store
        .create_invitation(
            town.id,
            &NewInvitation {
                token_hash: "steward-other".into(),
                role: InvitedRole::Steward,
                shop_id: None,
                district_id: Some(other_district.id),
                created_by: None,
                expires_at: now + chrono::TimeDelta::days(14),
            },
            now,
        )
        .await
        .unwrap();
    app.store
        .accept_invitation(town.id, "steward-other", steward_user.id, now)
        .await
        .unwrap()
        .unwrap();
    let (status, _, theirs) = get_with_cookie(&app, "/manage?step=invited", &steward).await;
    assert_eq!(status, StatusCode::OK);
    let theirs = shown(&theirs);
    assert!(!listed(&theirs, "boulangerie-jacob"));
    let (_, _, theirs_all) = get_with_cookie(&app, "/manage", &steward).await;
    assert!(
        !shown(&theirs_all).contains("commerce invité il y a plus de 7 jours"),
        "the bakery's stale invitation is not theirs"
    );
    let shops = app.store.shops(town.id, &Default::default()).await.unwrap();
    let (without, with): (Vec<_>, Vec<_>) = shops.iter().partition(|s| {
        s.fields
            .opening_hours
            .as_deref()
            .is_none_or(|h| h.trim().is_empty())
    });
    assert!(!with.is_empty());
    let (_, _, no_hours) = get_with_cookie(&app, "/manage?todo=no_hours", &admin).await;
    let no_hours = shown(&no_hours);
    for shop in &with {
        assert!(!listed(&no_hours, &shop.slug), "{} has hours", shop.slug);
    }
    for shop in &without {
        assert!(listed(&no_hours, &shop.slug), "{} has none", shop.slug);
    }
    // An unknown filter lists every shop.
    let (status, _, all) =
        get_with_cookie(&app, "/manage?step=done&todo=%3Cscript%3E", &admin).await;
    assert_eq!(status, StatusCode::OK);
    let all = shown(&all);
    assert!(shops.iter().all(|shop| listed(&all, &shop.slug)));
}
