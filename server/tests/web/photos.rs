//! Photos of posts: real pictures through the real pipeline, and through the counter's form.

use crate::common;

use app::server::store::prelude::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::web::*;
use image::{ImageDecoder, ImageEncoder, Rgb, RgbImage};
use server::photos::{process, LARGE_SIDE, THUMB_SIDE};

/// A JPEG `width` × `height`: left half red, right half blue.
fn two_colour_jpeg(width: u32, height: u32) -> Vec<u8> {
    let picture = RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            Rgb([220, 20, 20])
        } else {
            Rgb([20, 20, 220])
        }
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(
            picture.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

/// An EXIF block (APP1) with an orientation and a GPS position (49°43'20" N), as phones write.
fn exif_app1(orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0");
    tiff.extend_from_slice(&8u32.to_le_bytes());
    // IFD0: orientation, pointer to the GPS IFD.
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&0x0112u16.to_le_bytes());
    tiff.extend_from_slice(&3u16.to_le_bytes());
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&orientation.to_le_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0x8825u16.to_le_bytes());
    tiff.extend_from_slice(&4u16.to_le_bytes());
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&38u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    // GPS IFD at 38: latitude reference and latitude.
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&0x0001u16.to_le_bytes());
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&2u32.to_le_bytes());
    tiff.extend_from_slice(b"N\0\0\0");
    tiff.extend_from_slice(&0x0002u16.to_le_bytes());
    tiff.extend_from_slice(&5u16.to_le_bytes());
    tiff.extend_from_slice(&3u32.to_le_bytes());
    tiff.extend_from_slice(&68u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    for (num, den) in [(49u32, 1u32), (43, 1), (2000, 100)] {
        tiff.extend_from_slice(&num.to_le_bytes());
        tiff.extend_from_slice(&den.to_le_bytes());
    }
    assert_eq!(tiff.len(), 92);
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    segment.extend_from_slice(b"Exif\0\0");
    segment.extend_from_slice(&tiff);
    segment
}

/// A JPEG as a phone camera writes it: EXIF with orientation and GPS right after SOI.
fn phone_jpeg(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let plain = two_colour_jpeg(width, height);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&exif_app1(orientation));
    out.extend_from_slice(&plain[2..]);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn decode(bytes: &[u8]) -> image::DynamicImage {
    image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg).unwrap()
}

#[test]
fn gps_metadata_is_gone_and_rotated_photos_stand_upright() {
    let original = phone_jpeg(400, 200, 6);
    // The test picture really carries what a phone writes.
    let mut decoder =
        image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(&original)).unwrap();
    assert_eq!(
        decoder.orientation().unwrap(),
        image::metadata::Orientation::Rotate90
    );
    assert!(contains(&original, b"Exif\0\0"));

    let processed = process(&original).unwrap();
    for output in [&processed.large, &processed.thumb] {
        assert!(!contains(output, b"Exif"), "no EXIF left");
        assert!(!contains(output, &49u32.to_le_bytes()[..4]) || !contains(output, b"N\0\0\0"));
        let mut decoder =
            image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(output)).unwrap();
        assert_eq!(
            decoder.orientation().unwrap(),
            image::metadata::Orientation::NoTransforms
        );
    }
    // Turned a quarter clockwise: 200 × 400, red on top, blue below.
    let large = decode(&processed.large).to_rgb8();
    assert_eq!(large.dimensions(), (200, 400));
    let top = large.get_pixel(100, 50).0;
    let bottom = large.get_pixel(100, 350).0;
    assert!(top[0] > 150 && top[2] < 100, "top is red: {top:?}");
    assert!(
        bottom[2] > 150 && bottom[0] < 100,
        "bottom is blue: {bottom:?}"
    );
    assert_eq!(processed.name.len(), 32);
    assert_eq!(
        process(&original).unwrap().name,
        processed.name,
        "content-hashed"
    );
}

#[test]
fn big_photos_are_resized_and_bad_files_refused() {
    let big = two_colour_jpeg(4000, 3000);
    let processed = process(&big).unwrap();
    assert_eq!(decode(&processed.large).width(), LARGE_SIDE);
    assert_eq!(decode(&processed.thumb).width(), THUMB_SIDE);
    assert!(processed.thumb.len() < processed.large.len());

    use app::server::PhotoError;
    // Truncated (the upload was cut).
    assert_eq!(
        process(&big[..big.len() / 2]).err(),
        Some(PhotoError::Unreadable)
    );
    // A text file named .jpg.
    assert_eq!(
        process(b"hello, this is not a picture").err(),
        Some(PhotoError::NotAnImage)
    );
    // Over 10 MB.
    assert_eq!(
        process(&vec![0u8; 20 * 1024 * 1024]).err(),
        Some(PhotoError::TooLarge)
    );
    // HEIC from an iPhone: recognised, explained.
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    assert_eq!(process(&heic).err(), Some(PhotoError::Unsupported("HEIC")));
    // A PNG with transparency lands on white.
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&[0u8; 4 * 16 * 16], 16, 16, image::ExtendedColorType::Rgba8)
        .unwrap();
    let flat = decode(&process(&png).unwrap().large).to_rgb8();
    assert!(
        flat.get_pixel(8, 8).0.iter().all(|c| *c > 240),
        "white background"
    );
}

/// The start of a PNG file of `width` × `height` RGB pixels: enough for a decoder to read its
/// size, not to decode it.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
        out
    };
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    png.extend(chunk(b"IEND", &[]));
    png
}

/// Over 40 megapixels (each side under 12 000) is refused from the header, before anything is
/// decoded: the picture alone would take 144 MB, and its copies more.
#[test]
fn photos_over_forty_megapixels_are_refused_before_decoding() {
    use app::server::PhotoError;
    assert_eq!(
        process(&png_header(8000, 6000)).err(),
        Some(PhotoError::TooManyPixels)
    );
    assert_eq!(
        process(&png_header(11_000, 11_000)).err(),
        Some(PhotoError::TooManyPixels)
    );
    // Under the limit, the same header is read as a (damaged) picture.
    assert_eq!(
        process(&png_header(4000, 3000)).err(),
        Some(PhotoError::Unreadable)
    );
}

async fn publish(
    app: &TestApp,
    cookie: &str,
    title: &str,
    photo: Option<(&str, &[u8])>,
) -> (StatusCode, String) {
    let (content_type, body) = multipart(
        &[
            ("slug", "boulangerie-jacob"),
            ("kind", "offer"),
            ("title", title),
            ("body", ""),
        ],
        photo,
    );
    let request = Request::post("/api/counter/publish")
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap();
    let (status, _, answer) = send(app, request).await;
    (status, answer)
}

#[tokio::test]
async fn a_post_with_a_photo_from_the_counter() {
    use app::server::auth::{secret_hash, SIGN_IN_LINK_LIFETIME};
    use app::server::{InvitedRole, NewInvitation, NewSignInLink};
    let app = app().await;
    let now = NOW.parse().unwrap();
    let town = app.store.first_town().await.unwrap().unwrap();
    let shop = app
        .store
        .shop_by_slug(town.id, "boulangerie-jacob")
        .await
        .unwrap()
        .unwrap();
    let token = "c".repeat(64);
    app.store
        .create_invitation(
            town.id,
            &NewInvitation {
                token_hash: "photo-invite".into(),
                role: InvitedRole::Owner,
                shop_id: Some(shop.id),
                district_id: None,
                created_by: None,
                expires_at: now + chrono::TimeDelta::days(1),
            },
            now,
        )
        .await
        .unwrap();
    let invitation = app
        .store
        .invitation_by_token("photo-invite")
        .await
        .unwrap()
        .unwrap();
    app.store
        .create_sign_in_link(
            &NewSignInLink {
                token_hash: secret_hash(&token),
                email: "jacob@boulangerie.test".into(),
                invitation_id: Some(invitation.id),
                return_to: None,
                expires_at: now + SIGN_IN_LINK_LIFETIME,
            },
            now,
        )
        .await
        .unwrap();
    let (_, headers, _) =
        post_plain_form(&app, "/api/auth/complete", &format!("token={token}"), None).await;
    let cookie = set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("quartier_session="))
        .unwrap();

    let photo = phone_jpeg(1200, 800, 6);
    // Nobody signed in: refused.
    let (status, _) = publish(&app, "quartier_lang=fr", "Pirate", Some(("x.jpg", &photo))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, answer) = publish(
        &app,
        &cookie,
        "Pains spéciaux",
        Some(("IMG_0042.jpg", &photo)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let id: i64 = answer.parse().unwrap();
    let post = app.store.post_by_id(town.id, id).await.unwrap().unwrap();
    let name = post.content.photo.expect("a photo");

    // Shown on the shop page, served for a year, without GPS.
    let (_, _, page) = get(&app, "/shops/boulangerie-jacob").await;
    assert!(
        page.contains(&format!("/media/{name}-t.jpg")),
        "thumbnail on the page"
    );
    let (status, headers, _) = get(&app, &format!("/media/{name}-l.jpg")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type(&headers), "image/jpeg");
    assert!(headers
        .get(header::CACHE_CONTROL)
        .unwrap()
        .to_str()
        .unwrap()
        .contains("immutable"));
    let stored = std::fs::read(app.store_media_dir().join(format!("{name}-l.jpg"))).unwrap();
    assert!(!contains(&stored, b"Exif"));
    assert_eq!(decode(&stored).height(), 1200, "upright: portrait");
    let (status, _, _) = get(&app, "/media/../../etc/passwd").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get(&app, &format!("/media/{}-l.jpg", "0".repeat(32))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Refusals, with a clear message each; nothing is published.
    let before = app
        .store
        .shop_posts(town.id, shop.id, 100)
        .await
        .unwrap()
        .len();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("cut.jpg", photo[..photo.len() / 2].to_vec(), "illisible"),
        (
            "notes.jpg",
            b"Liste de courses: farine, sel".to_vec(),
            "n\u{2019}est pas une photo",
        ),
        ("huge.jpg", vec![0xFF; 20 * 1024 * 1024], "10 Mo"),
        (
            "IMG_1.heic",
            {
                let mut heic = vec![0, 0, 0, 24];
                heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
                heic
            },
            "HEIC",
        ),
    ];
    for (file, bytes, message) in cases {
        let (status, answer) = publish(&app, &cookie, "Refusée", Some((file, &bytes))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{file}: {answer}");
        assert!(answer.contains(message), "{file}: {answer}");
        assert!(answer.contains("\"photo\""), "names the field: {answer}");
    }
    assert_eq!(
        app.store
            .shop_posts(town.id, shop.id, 100)
            .await
            .unwrap()
            .len(),
        before
    );

    // Two posts show the same picture (one file, named by its content). Deleting one keeps
    // it; deleting the other removes it, once older than the grace given to uploads.
    let (status, answer) = publish(&app, &cookie, "Encore", Some(("IMG_0042.jpg", &photo))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let second: i64 = answer.parse().unwrap();
    let media = app.store_media_dir();
    let files = [
        media.join(format!("{name}-l.jpg")),
        media.join(format!("{name}-t.jpg")),
    ];
    let age = |files: &[std::path::PathBuf]| {
        let old = std::time::SystemTime::now() - 2 * app::server::PHOTO_GRACE;
        for file in files {
            std::fs::File::options()
                .write(true)
                .open(file)
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
    };
    age(&files);
    let delete = |post: i64| format!("slug=boulangerie-jacob&post_id={post}");
    let (status, _, body) = call(&app, "/api/counter/delete", &delete(id), Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(files.iter().all(|f| f.exists()), "the other post shows it");
    let (status, _, body) = call(&app, "/api/counter/delete", &delete(second), Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        files.iter().all(|f| !f.exists()),
        "nothing shows it: deleted"
    );
    let (status, _, _) = get(&app, &format!("/media/{name}-l.jpg")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Older photos nothing shows (from before, or whose post was never saved) are collected;
    // recent ones wait, shown ones stay.
    let orphan = |hex: char| {
        let base = hex.to_string().repeat(32);
        let files = [
            media.join(format!("{base}-l.jpg")),
            media.join(format!("{base}-t.jpg")),
        ];
        for file in &files {
            std::fs::write(file, b"jpeg").unwrap();
        }
        files
    };
    let old = orphan('a');
    age(&old);
    let recent = orphan('b');
    // Nothing shown at all but photos stored: the wrong database, more likely. Refused.
    let photos = server::photos::DiskPhotos::new(&media).unwrap();
    let refused = server::media::collect_garbage(
        &app.store,
        &photos,
        std::time::SystemTime::now(),
        false,
        false,
    )
    .await
    .unwrap_err();
    assert_eq!(refused, server::media::Refused::NothingShown { stored: 2 });
    assert!(old.iter().all(|f| f.exists()));
    let (status, answer) = publish(&app, &cookie, "Vitrine", Some(("IMG_0043.jpg", &photo))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let shown = media.join(format!("{name}-l.jpg"));
    age(std::slice::from_ref(&shown));
    let dry = server::media::collect_garbage(
        &app.store,
        &photos,
        std::time::SystemTime::now(),
        true,
        false,
    )
    .await
    .unwrap();
    assert_eq!((dry.in_use, dry.recent, dry.removed), (1, 1, 1));
    assert!(old.iter().all(|f| f.exists()), "a dry run removes nothing");
    let done = server::media::collect_garbage(
        &app.store,
        &photos,
        std::time::SystemTime::now(),
        false,
        false,
    )
    .await
    .unwrap();
    assert_eq!(done, dry);
    assert!(old.iter().all(|f| !f.exists()));
    assert!(recent.iter().all(|f| f.exists()));
    assert!(shown.exists());
}
