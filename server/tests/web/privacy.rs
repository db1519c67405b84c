//! The privacy page (written from what the software stores, in four languages) and "Mes
//! données" over HTTP on the demo town: a phone without an account sees, downloads and erases
//! what it follows; an account's download holds the account; nothing without a confirmation.

use crate::common;

use app::domain::privacy::{PersonalData, COOKIES, RECORDS};
use app::i18n::Locale;
use app::server::store::prelude::*;
use axum::http::{header, StatusCode};
use common::web::*;

fn location(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

async fn export(app: &TestApp, cookie: &str) -> PersonalData {
    let (status, headers, body) = get_with_cookie(app, "/my-data/export.json", cookie).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(content_type(&headers), "application/json");
    let disposition = headers
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert_eq!(
        headers.get(header::CACHE_CONTROL).unwrap(),
        "private, no-store"
    );
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test]
async fn the_privacy_page_lists_everything_stored_in_four_languages() {
    let app = app().await;
    for locale in Locale::all() {
        let cookie = format!("quartier_lang={}", locale.code());
        let (status, _, page) = get_with_cookie(&app, "/privacy", &cookie).await;
        assert_eq!(status, StatusCode::OK);
        let page = page.replace("<!>", "");
        let has = |text: &str| page.contains(&escaped(text));
        assert!(
            has(&locale.tf("privacy.lead", &[("town", "Habay")])),
            "{}: the lead names the town",
            locale.code()
        );
        for record in RECORDS {
            let what = locale.t(&format!("privacy.record.{}.what", record.key));
            assert!(has(&what), "{}: {what}", locale.code());
            for keep in record.keep {
                let text = locale.tf(
                    &format!("privacy.keep.{}", keep.key),
                    &[("n", &keep.n.to_string())],
                );
                assert!(has(&text), "{}: {text}", locale.code());
            }
        }
        for (name, _, _) in COOKIES {
            assert!(page.contains(&format!("<code>{name}</code>")), "{name}");
        }
        assert!(page.contains("href=\"/my-data\""));
    }
    // The durations are the purge's: 90 days for an idle phone, 30 for deliveries.
    let (_, _, page) = get(&app, "/privacy").await;
    assert!(page.contains("oublié 90 jours après sa dernière visite"));
    assert!(page.contains("Le détail de chaque envoi : 30 jours"));
    // Every page links to it and to "Mes données".
    let (_, _, home) = get(&app, "/").await;
    assert!(home.contains("href=\"/privacy\"") && home.contains("href=\"/my-data\""));
}

#[tokio::test]
async fn a_phone_sees_downloads_and_erases_its_data() {
    let app = app().await;
    // A phone that never followed anything: nothing is kept, nothing to download.
    let (status, _, page) = get(&app, "/my-data").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Quartier ne garde rien sur ce téléphone"));
    assert!(!page.contains("/my-data/export.json"));
    assert!(page.contains("<meta name=\"robots\" content=\"noindex\""));
    let nothing = export(&app, "quartier_device=0123456789abcdef0123456789abcdef").await;
    assert_eq!((nothing.device, nothing.account), (None, None));
    assert_eq!(nothing.town, "Habay");

    // It follows the bakery: the page counts it, the download holds it.
    let cookie = follow_bakery_without_js(&app).await;
    let (_, _, page) = get_with_cookie(&app, "/my-data", &cookie).await;
    let page = page.replace("<!>", "");
    assert!(page.contains("href=\"/my-data/export.json\""));
    assert!(
        page.contains("<dt>Commerces suivis</dt><dd>1</dd>"),
        "{page}"
    );
    let data = export(&app, &cookie).await;
    let device = data.device.expect("the phone's data");
    assert_eq!(device.followed_shops.len(), 1);
    assert_eq!(device.followed_shops[0].slug, "boulangerie-jacob");
    assert!(data.account.is_none());

    // Erasing needs the box ticked: refused, explained, nothing lost.
    let (status, headers, _) =
        post_plain_form(&app, "/api/my-data/forget", "", Some(&cookie)).await;
    assert!(status.is_redirection(), "{status}");
    let back = location(&headers);
    assert_eq!(back, "/my-data?error=invalid-confirm#forget");
    let (_, _, page) = get_with_cookie(&app, &back, &cookie).await;
    assert!(page.contains("Cochez la case pour confirmer l’effacement."));
    assert_eq!(
        export(&app, &cookie)
            .await
            .device
            .unwrap()
            .followed_shops
            .len(),
        1
    );

    // Confirmed: the follow goes, the cookie and the offline copies too.
    let (status, headers, _) =
        post_plain_form(&app, "/api/my-data/forget", "confirm=yes", Some(&cookie)).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(location(&headers), "/my-data?forgotten=1");
    let expired = raw_set_cookie(&headers, "quartier_device").expect("the cookie expired");
    assert!(expired.contains("Max-Age=0"), "{expired}");
    assert_eq!(
        headers.get("clear-site-data").unwrap(),
        "\"cache\", \"storage\""
    );
    assert_eq!(export(&app, &cookie).await.device, None);
    let (_, _, page) = get_with_cookie(&app, "/my-data?forgotten=1", &cookie).await;
    assert!(page.contains("Les données de ce téléphone sont effacées."));
    let (_, _, following) = get_with_cookie(&app, "/following", &cookie).await;
    assert!(!following.contains("Boulangerie Jacob"));
}

#[tokio::test]
async fn an_account_downloads_its_data_and_stays_signed_in_after_erasing_its_phone() {
    let app = app().await;
    let session = sign_in(&app, "anne@habay.test").await;
    // The account follows the bakery (its phone's profile is the account's).
    let (status, _, _) = post_plain_form(
        &app,
        "/api/follow",
        "target=shop&slug=boulangerie-jacob&follow=true&return_to=%2F",
        Some(&session),
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    let data = export(&app, &session).await;
    let account = data.account.expect("the account");
    assert_eq!(account.email, "anne@habay.test");
    assert!(!account.sessions.is_empty(), "its sessions");
    assert!(!account.administrator);
    assert_eq!(data.device.unwrap().followed_shops.len(), 1);
    let (_, _, page) = get_with_cookie(&app, "/my-data", &session).await;
    assert!(page.contains("anne@habay.test"));
    assert!(page.contains("href=\"/account#delete-account\""));

    let other = follow_bakery_without_js(&app).await;

    // Erasing the phone's data keeps the account and its session.
    let (status, headers, _) =
        post_plain_form(&app, "/api/my-data/forget", "confirm=yes", Some(&session)).await;
    assert!(status.is_redirection(), "{status}");
    assert!(raw_set_cookie(&headers, "quartier_session").is_none());
    let data = export(&app, &session).await;
    assert_eq!(data.account.unwrap().email, "anne@habay.test");
    assert_eq!(data.device, None);
    // The other phone still follows the bakery.
    assert_eq!(
        export(&app, &other)
            .await
            .device
            .unwrap()
            .followed_shops
            .len(),
        1
    );
}

/// On a shared phone: one who followed shops, then signed in (the account adopted the phone's
/// follows) and signed out; the next person, signed out, neither reads nor erases the
/// account's data.
#[tokio::test]
async fn signed_out_the_next_person_on_a_phone_sees_nothing_of_the_account() {
    use app::server::auth::{new_secret, secret_hash, SIGN_IN_LINK_LIFETIME};
    use app::server::NewSignInLink;
    let app = app().await;
    let device = follow_bakery_without_js(&app).await;
    let now: chrono::DateTime<chrono::Utc> = NOW.parse().unwrap();
    let token = new_secret().unwrap();
    app.store
        .create_sign_in_link(
            &NewSignInLink {
                token_hash: secret_hash(&token),
                email: "anne@habay.test".into(),
                invitation_id: None,
                return_to: None,
                expires_at: now + SIGN_IN_LINK_LIFETIME,
            },
            now,
        )
        .await
        .unwrap();
    let (status, headers, _) = post_plain_form(
        &app,
        "/api/auth/complete",
        &format!("token={token}&merge=true"),
        Some(&device),
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    let session = set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_session="))
        .expect("session cookie");
    let both = format!("{device}; {session}");
    let data = export(&app, &both).await;
    assert_eq!(data.device.unwrap().followed_shops.len(), 1, "adopted");
    // Signed out (the device cookie stays): nothing of the account is shown or erased.
    let data = export(&app, &device).await;
    assert_eq!((data.device, data.account), (None, None));
    assert!(data.account_profile_hidden);
    let (_, _, page) = get_with_cookie(&app, "/my-data", &device).await;
    assert!(page.contains("appartiennent à un compte"), "{page}");
    let (status, headers, _) =
        post_plain_form(&app, "/api/my-data/forget", "confirm=yes", Some(&device)).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(location(&headers), "/my-data?error=unauthorized#forget");
    let data = export(&app, &both).await;
    assert_eq!(
        data.device.unwrap().followed_shops.len(),
        1,
        "the account's follows are still there"
    );
}
