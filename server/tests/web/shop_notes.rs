//! A steward's note about a shop on `/manage`: kept, shown escaped to the district's stewards
//! and the admins only, cleaned and limited, deleted when emptied; works without JavaScript.

use app::server::store::prelude::*;
use axum::http::{header, StatusCode};

use crate::common;
use common::web::*;

#[tokio::test]
async fn a_steward_keeps_a_note_about_a_shop() {
    let app = app().await;
    let (town, bakery) = town_and_shop(&app, "boulangerie-jacob").await;
    let districts = app.store.districts(town.id).await.unwrap();
    let theirs = districts
        .iter()
        .find(|d| Some(d.id) == bakery.district_id)
        .unwrap();
    let other = districts.iter().find(|d| d.id != theirs.id).unwrap();
    let cookies = [
        steward_session(&app, theirs.id, "asbl@habay.test").await.0,
        steward_session(&app, other.id, "autre@habay.test").await.0,
    ];
    let (steward, other_steward) = (&cookies[0], &cookies[1]);

    // Saved from a plain form: back to the shop on /manage, which shows it (escaped).
    let note = "Passé le 3/12, <b>propriétaire</b> absent</textarea><script>alert(1)</script>\r\nRepasser jeudi";
    let body = format!("slug=boulangerie-jacob&note={}", enc(note));
    let (status, headers, _) =
        post_plain_form(&app, "/api/manage/note", &body, Some(steward)).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(
        headers.get(header::LOCATION).unwrap(),
        "/manage?saved=note&note_shop=boulangerie-jacob#shop-boulangerie-jacob"
    );
    let notes = app.store.shop_notes(town.id).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].shop_id, bakery.id);
    assert_eq!(
        notes[0].note,
        "Passé le 3/12, <b>propriétaire</b> absent</textarea><script>alert(1)</script>\nRepasser jeudi"
    );
    let (_, _, page) = get_with_cookie(
        &app,
        "/manage?saved=note&note_shop=boulangerie-jacob",
        steward,
    )
    .await;
    let page = shown(&page);
    assert!(page.contains("id=\"shop-boulangerie-jacob\""));
    assert!(page.contains("Passé le 3/12, &lt;b&gt;propriétaire&lt;/b&gt; absent&lt;/textarea&gt;"));
    // Nowhere as markup, the note's form included (Leptos writes a textarea's text as it is).
    assert!(!page.contains("<b>propriétaire</b>"));
    assert!(!page.contains("<script>alert(1)"));
    assert!(page.contains(
        "\">Passé le 3/12, &lt;b>propriétaire&lt;/b> absent&lt;/textarea>&lt;script>alert(1)"
    ));
    assert!(page.contains("(noté le 26 novembre 2026)"));
    assert!(page.contains("Note enregistrée."));

    // Another district's steward neither sees nor changes it; a merchant neither.
    let (_, _, theirs_page) = get_with_cookie(&app, "/manage", other_steward).await;
    assert!(!theirs_page.contains("Repasser jeudi"));
    let (status, _, _) = call(&app, "/api/manage/note", &body, Some(other_steward)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let owner = owner_session(&app, "boulangerie-jacob", "boulanger@habay.test").await;
    let (status, _, _) = call(&app, "/api/manage/note", &body, Some(&owner)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Too long: said, and the note is kept as it was.
    let long = format!("slug=boulangerie-jacob&note={}", "a".repeat(501));
    let (status, headers, _) =
        post_plain_form(&app, "/api/manage/note", &long, Some(steward)).await;
    assert!(status.is_redirection());
    assert_eq!(
        headers.get(header::LOCATION).unwrap(),
        "/manage?note_error=invalid-note&note_shop=boulangerie-jacob#shop-boulangerie-jacob"
    );
    let (status, _, _) = call(&app, "/api/manage/note", &long, Some(steward)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.store.shop_notes(town.id).await.unwrap().len(), 1);
    let (_, _, page) = get_with_cookie(
        &app,
        "/manage?note_error=invalid-note&note_shop=boulangerie-jacob",
        steward,
    )
    .await;
    assert!(shown(&page).contains("Une note compte au plus 500 caractères : raccourcissez-la."));

    // Emptied: deleted.
    let (status, _, _) = call(
        &app,
        "/api/manage/note",
        "slug=boulangerie-jacob&note=%20%0A",
        Some(steward),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(app.store.shop_notes(town.id).await.unwrap().is_empty());
}
