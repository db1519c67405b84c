//! The printed sheet of invitations (`POST /manage/invitations/sheet`): one new owner
//! invitation per shop without a merchant in the steward's district, each card's link and QR
//! code working; refused for another district, a resident, a visitor; limited per hour.

use app::server::auth::secret_hash;
use app::server::sign_in::escape_html;
use app::server::store::prelude::*;
use app::server::InvitedRole;
use axum::http::{header, StatusCode};
use chrono::{DateTime, Utc};

use crate::common;
use common::web::*;

const SHEET: &str = "/manage/invitations/sheet";

/// The `/invite/{token}` tokens on the page, in order.
fn tokens_of(page: &str) -> Vec<String> {
    page.split("/invite/")
        .skip(1)
        .map(|rest| rest.chars().take_while(|c| c.is_ascii_hexdigit()).collect())
        .filter(|t: &String| t.len() == 64)
        .collect()
}

#[tokio::test]
async fn a_steward_prints_one_invitation_card_per_shop_without_a_merchant() {
    let app = app().await;
    let now: DateTime<Utc> = NOW.parse().unwrap();
    let (town, bakery) = town_and_shop(&app, "boulangerie-jacob").await;
    let districts = app.store.districts(town.id).await.unwrap();
    let theirs = districts
        .iter()
        .find(|d| Some(d.id) == bakery.district_id)
        .unwrap();
    let other = districts.iter().find(|d| d.id != theirs.id).unwrap();
    // The bakery already has its merchant: no card for it.
    owner_session(&app, "boulangerie-jacob", "boulanger@habay.test").await;
    let (cookie, steward) = steward_session(&app, theirs.id, "asbl@habay.test").await;
    let claimed = app.store.claimed_shop_ids(town.id).await.unwrap();
    let waiting: Vec<_> = app
        .store
        .shops(town.id, &Default::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.district_id == Some(theirs.id) && !claimed.contains(&s.id))
        .collect();
    assert!(!waiting.is_empty());

    // /manage offers the sheet for the district.
    let (_, _, manage) = get_with_cookie(&app, "/manage", &cookie).await;
    assert!(has_tag(
        &manage,
        "form",
        &[("action", SHEET), ("method", "post")]
    ));

    let body = format!("district={}", theirs.slug);
    let (status, headers, page) = post_plain_form(&app, SHEET, &body, Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(content_type(&headers).starts_with("text/html"));
    let csp = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(csp.contains("default-src 'none'") && !csp.contains("script-src"));
    assert!(!page.contains("<script"));
    assert_eq!(
        page.matches("<li class=\"sheet-card\">").count(),
        waiting.len()
    );
    assert_eq!(page.matches("<svg").count(), waiting.len());
    for shop in &waiting {
        assert!(page.contains(&format!("<h2>{}</h2>", escape_html(&shop.fields.name))));
    }
    assert!(!page.contains(&format!("<h2>{}</h2>", bakery.fields.name)));
    assert!(page.contains("Valable jusqu’au 10 décembre 2026"));
    // Each card is its own owner invitation for its shop, open.
    let tokens = tokens_of(&page);
    assert_eq!(tokens.len(), waiting.len());
    for (token, shop) in tokens.iter().zip(&waiting) {
        let invitation = app
            .store
            .invitation_by_token(&secret_hash(token))
            .await
            .unwrap()
            .expect("a stored invitation");
        assert_eq!(invitation.role, InvitedRole::Owner);
        assert_eq!(invitation.shop_id, Some(shop.id));
        assert_eq!(invitation.created_by, Some(steward.id));
        assert!(invitation.is_open(now));
        let (status, _, invite) = get(&app, &format!("/invite/{token}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(invite.contains(&shop.fields.name));
    }

    // Not for another district, a resident or a visitor; not by GET.
    let other_body = format!("district={}", other.slug);
    let (status, _, _) = post_plain_form(&app, SHEET, &other_body, Some(&cookie)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let resident = sign_in(&app, "habitant@habay.test").await;
    let (status, _, _) = post_plain_form(&app, SHEET, "", Some(&resident)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = post_plain_form(&app, SHEET, &body, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = get_with_cookie(&app, SHEET, &cookie).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    // A form on another site cannot make the steward's browser print (and make) invitations.
    let cross_site = axum::http::Request::post(SHEET)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, "https://evil.example")
        .body(axum::body::Body::from(body.clone()))
        .unwrap();
    let before = app.store.owner_invitations(town.id).await.unwrap().len();
    let (status, _, _) = send(&app, cross_site).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.store.owner_invitations(town.id).await.unwrap().len(),
        before
    );

    // Without a district: every district the steward looks after (theirs only).
    let (status, _, all) = post_plain_form(&app, SHEET, "district=", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        all.matches("<li class=\"sheet-card\">").count(),
        waiting.len()
    );
    assert!(all.contains(&format!("<title>{} : ", escape_html(&theirs.name))));
    // The new cards replace the first sheet's: its links no longer work.
    for token in &tokens {
        assert!(app
            .store
            .invitation_by_token(&secret_hash(token))
            .await
            .unwrap()
            .is_none());
    }
    assert!(tokens_of(&all).iter().all(|t| !tokens.contains(t)));

    // Ten sheets an hour.
    for _ in 2..app::api::invitations::SHEETS_PER_HOUR {
        let (status, _, _) = post_plain_form(&app, SHEET, &body, Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _, _) = post_plain_form(&app, SHEET, &body, Some(&cookie)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}
