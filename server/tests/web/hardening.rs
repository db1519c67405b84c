//! Regression tests of the defects a security review found (issue 13), over HTTP against the
//! whole app: request bodies, multipart forms, rate-limit keys behind a proxy, sign-in limits,
//! posting limits, traces.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::web::*;

/// A POST to `uri` with this content type and body, from `client` behind the proxy (when
/// given), with an optional cookie.
async fn post_raw(
    app: &TestApp,
    uri: &str,
    content_type: &str,
    body: Vec<u8>,
    cookie: Option<&str>,
) -> (StatusCode, String) {
    let mut request = Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ACCEPT, "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let (status, _, answer) = send(app, request.body(Body::from(body)).unwrap()).await;
    (status, answer)
}

/// A form posted to a multipart endpoint without a boundary is refused with 400 and a message,
/// signed in or not, before the server function's codec (which panicked on it).
#[tokio::test]
async fn multipart_endpoints_refuse_forms_without_a_boundary() {
    let app = app().await;
    let owner = owner_session(&app, "boulangerie-jacob", "jacob@boulangerie.test").await;
    for uri in ["/api/counter/publish", "/api/profile/save"] {
        for cookie in [None, Some(owner.as_str())] {
            for content_type in [
                "multipart/form-data",
                "multipart/form-data; boundary=",
                "application/x-www-form-urlencoded",
                "text/plain",
            ] {
                let (status, answer) =
                    post_raw(&app, uri, content_type, b"title=x".to_vec(), cookie).await;
                assert_eq!(status, StatusCode::BAD_REQUEST, "{uri} {content_type}");
                assert!(
                    answer.contains("Le formulaire reçu est illisible"),
                    "{uri} {content_type}: {answer}"
                );
            }
        }
    }
    // The server still answers (no connection dropped by a panic).
    let (status, _, _) = get(&app, "/healthz").await;
    assert_eq!(status, StatusCode::OK);
}

/// Bodies larger than the limits are refused before being read when they say so, and cut where
/// the limit is reached when they do not; a photo up to 10 MB still goes through the limit.
#[tokio::test]
async fn request_bodies_are_bounded() {
    let app = app().await;
    // Declared too large: 413 at once, with a message.
    let request = Request::post("/api/counter/publish")
        .header(
            header::CONTENT_TYPE,
            "multipart/form-data; boundary=----quartier-test-boundary",
        )
        .header(header::CONTENT_LENGTH, (40 * 1024 * 1024).to_string())
        .body(Body::empty())
        .unwrap();
    let (status, _, answer) = send(&app, request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.contains("Envoi trop volumineux"), "{answer}");
    // Any other endpoint: 256 KB.
    let request = Request::post("/api/follow")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, (300 * 1024).to_string())
        .body(Body::empty())
        .unwrap();
    let (status, _, _) = send(&app, request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    // Not declared (chunked) and too large: cut at the limit, refused, not buffered.
    let owner = owner_session(&app, "boulangerie-jacob", "jacob@boulangerie.test").await;
    let filler = "x".repeat(16 * 1024 - 100);
    let many: Vec<(&str, &str)> = std::iter::once(("slug", "boulangerie-jacob"))
        .chain(std::iter::repeat_n(("body", filler.as_str()), 2200))
        .collect();
    let (content_type, body) = multipart(&many, None);
    assert!(body.len() > 33 * 1024 * 1024);
    let (status, answer) = post_raw(
        &app,
        "/api/counter/publish",
        &content_type,
        body,
        Some(&owner),
    )
    .await;
    assert!(status.is_client_error(), "{status}: {answer}");
    assert!(
        answer.contains("Le formulaire reçu est illisible"),
        "{answer}"
    );
}

/// The text of a multipart form is bounded in count, total size and names: a form with too
/// many fields, too much text, or fields the form does not have is refused as a whole.
#[tokio::test]
async fn multipart_text_is_bounded_and_named() {
    let app = app().await;
    let owner = owner_session(&app, "boulangerie-jacob", "jacob@boulangerie.test").await;
    let base = [
        ("slug", "boulangerie-jacob"),
        ("kind", "offer"),
        ("title", "Galettes"),
    ];
    let refused = |answer: &str| answer.contains("Le formulaire reçu est illisible");

    // Too many fields (each small).
    let mut fields = base.to_vec();
    fields.extend(std::iter::repeat_n(("place", "x"), 200));
    let (status, _, answer) = call_multipart(
        &app,
        "/api/counter/publish",
        &fields,
        None,
        Some(&owner),
        false,
    )
    .await;
    assert!(
        status.is_client_error() && refused(&answer),
        "{status} {answer}"
    );

    // Too much text in all (five fields of 15 KB).
    let long = "y".repeat(15 * 1024);
    let mut fields = base.to_vec();
    fields.extend(std::iter::repeat_n(("place", long.as_str()), 5));
    let (status, _, answer) = call_multipart(
        &app,
        "/api/counter/publish",
        &fields,
        None,
        Some(&owner),
        false,
    )
    .await;
    assert!(
        status.is_client_error() && refused(&answer),
        "{status} {answer}"
    );

    // A field the form does not have.
    let mut fields = base.to_vec();
    fields.push(("is_admin", "1"));
    let (status, _, answer) = call_multipart(
        &app,
        "/api/counter/publish",
        &fields,
        None,
        Some(&owner),
        false,
    )
    .await;
    assert!(
        status.is_client_error() && refused(&answer),
        "{status} {answer}"
    );
    let (status, _, answer) = call_multipart(
        &app,
        "/api/profile/save",
        &[("slug", "boulangerie-jacob"), ("d7_closed", "on")],
        None,
        Some(&owner),
        false,
    )
    .await;
    assert!(
        status.is_client_error() && refused(&answer),
        "{status} {answer}"
    );

    // The real forms still go through.
    let (status, _, answer) = call_multipart(
        &app,
        "/api/counter/publish",
        &base,
        None,
        Some(&owner),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

/// A sign-in request as the client at `client` behind one proxy: the client may write any
/// `X-Forwarded-For` it likes (`forged`); the proxy appends the address it saw.
async fn sign_in_from(app: &TestApp, email: &str, forged: &str, client: &str) -> StatusCode {
    let request = Request::post("/api/auth/request")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header("x-forwarded-for", format!("{forged}, {client}"))
        .body(Body::from(format!("email={}", enc(email))))
        .unwrap();
    send(app, request).await.0
}

/// Behind a proxy, the limits key on the address the proxy added, not on what the client wrote
/// first (30 of 30 requests went through when that changed each time); IPv6 clients by /64.
#[tokio::test]
async fn rate_limits_key_on_the_proxy_s_address() {
    let app = app_with(&[("QUARTIER_CLIENT_IP_HEADER", "X-Forwarded-For")]).await;
    let mut accepted = 0;
    for i in 0..30 {
        let status = sign_in_from(
            &app,
            &format!("person{i}@habay.test"),
            &format!("10.9.{}.{}", i / 250, i % 250 + 1),
            "198.51.100.7",
        )
        .await;
        if status == StatusCode::OK {
            accepted += 1;
        } else {
            assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        }
    }
    assert_eq!(accepted, 20, "the per-client limit holds");
    // Another client is not affected.
    let status = sign_in_from(&app, "someone@habay.test", "1.1.1.1", "198.51.100.8").await;
    assert_eq!(status, StatusCode::OK);
    // An IPv6 client changing its address within its /64 is one client.
    let mut accepted = 0;
    for i in 0..25 {
        let status = sign_in_from(
            &app,
            &format!("six{i}@habay.test"),
            "1.1.1.1",
            &format!("2001:db8:aa:bb::{:x}", i + 1),
        )
        .await;
        if status == StatusCode::OK {
            accepted += 1;
        }
    }
    assert_eq!(accepted, 20);
}

/// Five sign-in requests for someone else's address lock out the one who sent them, for a
/// short while, not the owner of the address.
#[tokio::test]
async fn sign_in_requests_for_someone_else_do_not_lock_them_out() {
    let app = app_with(&[("QUARTIER_CLIENT_IP_HEADER", "X-Forwarded-For")]).await;
    let victim = "marie@habay.test";
    for _ in 0..5 {
        let status = sign_in_from(&app, victim, "", "203.0.113.66").await;
        assert_eq!(status, StatusCode::OK);
    }
    let status = sign_in_from(&app, victim, "", "203.0.113.66").await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the asker is stopped"
    );
    // Marie, from her own connection, still gets her link.
    let status = sign_in_from(&app, victim, "", "198.51.100.20").await;
    assert_eq!(status, StatusCode::OK);
}

/// The posting limit is counted before a photo is decoded: past it, an upload is refused
/// without being looked at (it used to be decoded first, then refused). Deleting posts is
/// limited as well.
#[tokio::test]
async fn posting_limits_come_before_photos_and_cover_deletions() {
    let app = app().await;
    let owner = owner_session(&app, "boulangerie-jacob", "jacob@boulangerie.test").await;
    for i in 0..app::api::posts::POSTS_PER_HOUR {
        let title = format!("Offre {i}");
        let (status, _, answer) = call_multipart(
            &app,
            "/api/counter/publish",
            &[
                ("slug", "boulangerie-jacob"),
                ("kind", "news"),
                ("title", &title),
            ],
            None,
            Some(&owner),
            false,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
    // Not a picture: had it been decoded, the answer would be the photo's error.
    let (status, _, answer) = call_multipart(
        &app,
        "/api/counter/publish",
        &[
            ("slug", "boulangerie-jacob"),
            ("kind", "news"),
            ("title", "Encore"),
        ],
        Some(("photo.jpg", b"not a picture at all")),
        Some(&owner),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{answer}");

    // Deletions: the limit, then refused (the post need not even exist).
    let mut refused = None;
    for i in 0..=app::api::posts::POST_CHANGES_PER_HOUR {
        let (status, _, _) = call(
            &app,
            "/api/counter/delete",
            "slug=boulangerie-jacob&post_id=999999",
            Some(&owner),
        )
        .await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(i);
            break;
        }
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    assert_eq!(refused, Some(app::api::posts::POST_CHANGES_PER_HOUR));
}

/// Following and unfollowing is limited per client (each cookie-less request made a device
/// profile and moved the figures).
#[tokio::test]
async fn follows_are_limited_per_client() {
    let app = app().await;
    let mut refused = None;
    for i in 0..=app::api::follows::FOLLOWS_PER_HOUR {
        let (status, _, _) = call(
            &app,
            "/api/follow",
            &format!("target=shop&slug=boulangerie-jacob&follow={}", i % 2 == 0),
            None,
        )
        .await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(i);
            break;
        }
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(refused, Some(app::api::follows::FOLLOWS_PER_HOUR));
}

/// Sign-in and invitation links never reach the request traces.
#[test]
fn traces_leave_secret_paths_out() {
    let token = "a".repeat(64);
    assert_eq!(server::traced_path(&format!("/auth/{token}")), "/auth/…");
    assert_eq!(
        server::traced_path(&format!("/invite/{token}")),
        "/invite/…"
    );
    assert_eq!(
        server::traced_path("/shops/boulangerie-jacob"),
        "/shops/boulangerie-jacob"
    );
    assert_eq!(server::traced_path("/auth/"), "/auth/");
}

/// A mail server that cannot be set up stops the start, naming the setting, instead of writing
/// sign-in links to the log; so does a photo directory that cannot be made.
#[tokio::test]
async fn an_unusable_mail_server_or_photo_directory_stops_the_start() {
    for host in ["not a host name", "smtp.habay.test/x", "smtp@habay"] {
        let error = server::config::Config::from_lookup(|name| match name {
            "QUARTIER_SMTP_HOST" => Some(host.to_owned()),
            "QUARTIER_SMTP_FROM" => Some("Quartier <quartier@habay.test>".to_owned()),
            _ => None,
        })
        .expect_err("refused");
        assert_eq!(error.name, "QUARTIER_SMTP_HOST", "{host}");
    }
    // RFC 7239's header has another syntax: refused rather than read as one unknown client.
    let error = server::config::Config::from_lookup(|name| {
        (name == "QUARTIER_CLIENT_IP_HEADER").then(|| "Forwarded".to_owned())
    })
    .expect_err("refused");
    assert_eq!(error.name, "QUARTIER_CLIENT_IP_HEADER");
    let (store, dir) = common::sqlite_store().await;
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let blocked = file.join("media").to_string_lossy().into_owned();
    let config = server::config::Config::from_lookup(|name| {
        (name == "QUARTIER_MEDIA_DIR").then(|| blocked.clone())
    })
    .unwrap();
    let error = server::app_state(std::sync::Arc::new(store), &config)
        .err()
        .expect("refused");
    assert!(error.contains("QUARTIER_MEDIA_DIR"), "{error}");
}

/// A state-changing request whose `Origin` is another site's is refused, whatever
/// `Sec-Fetch-Site` says (or when the browser sends none).
#[tokio::test]
async fn writes_from_another_origin_are_refused() {
    let app = app().await;
    let follow = |origin: Option<&'static str>| {
        let mut request = Request::post("/api/follow")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        request
            .body(Body::from("target=shop&slug=boulangerie-jacob&follow=true"))
            .unwrap()
    };
    for origin in [
        "https://evil.example",
        "http://127.0.0.1:3001",
        "https://127.0.0.1:3000",
        "null",
    ] {
        let (status, _, _) = send(&app, follow(Some(origin))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{origin}");
    }
    // `null` from a page of this site whose referrer policy hides everything: the browser
    // says it is same-origin.
    let mut same_origin_null = follow(Some("null"));
    same_origin_null
        .headers_mut()
        .insert("sec-fetch-site", "same-origin".parse().unwrap());
    let (status, _, answer) = send(&app, same_origin_null).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    // This site (the default base URL, or another loopback name of it in development), or
    // no Origin at all (not a browser).
    for origin in [
        Some("http://127.0.0.1:3000"),
        Some("http://localhost:3000"),
        None,
    ] {
        let (status, _, answer) = send(&app, follow(origin)).await;
        assert_eq!(status, StatusCode::OK, "{origin:?}: {answer}");
    }
    // Behind https, only the site's own origin.
    assert!(server::web::routes::same_site_origin(
        "https://habay.quartier.be",
        "https://habay.quartier.be"
    ));
    assert!(!server::web::routes::same_site_origin(
        "https://localhost",
        "https://habay.quartier.be"
    ));
}
