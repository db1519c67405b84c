//! Passkeys over HTTP, the parts that need no authenticator: who may start what, the options
//! sent to the browser, single-use ceremonies, forged or unknown credentials, and a public URL
//! that cannot have passkeys. (The whole ceremony with Chromium's virtual authenticator is in
//! `end2end/tests/merchants.spec.ts`.)

use crate::common;

use axum::http::StatusCode;
use common::web::*;
use serde_json::Value;

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// The WebAuthn options inside a `PasskeyChallenge`.
fn options(challenge: &Value) -> Value {
    json(challenge["options"].as_str().unwrap())
}

fn b64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[tokio::test]
async fn registration_needs_an_account_and_asks_for_a_discoverable_verified_passkey() {
    let app = app().await;
    let (status, _, _) = call(&app, "/api/passkeys/register/start", "", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = call(&app, "/api/passkeys", "", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let cookie = sign_in(&app, "jacob@example.be").await;
    let (status, _, body) = call(&app, "/api/passkeys/register/start", "", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let challenge = json(&body);
    let public_key = &options(&challenge)["publicKey"];
    // A server on a loopback address takes passkeys at http://localhost:PORT.
    assert_eq!(public_key["rp"]["id"], "localhost");
    assert_eq!(public_key["user"]["name"], "jacob@example.be");
    assert!(
        public_key["challenge"].as_str().unwrap().len() >= 43,
        "a 256-bit challenge"
    );
    let selection = &public_key["authenticatorSelection"];
    assert_eq!(selection["residentKey"], "required");
    assert_eq!(selection["requireResidentKey"], true);
    assert_eq!(selection["userVerification"], "required");
    // The user handle is the account's, the same every time.
    let (_, _, again) = call(&app, "/api/passkeys/register/start", "", Some(&cookie)).await;
    assert_eq!(
        options(&json(&again))["publicKey"]["user"]["id"],
        public_key["user"]["id"]
    );

    // A forged answer is refused, and the ceremony is used up.
    let ceremony = challenge["ceremony"].as_str().unwrap();
    let forged = r#"{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"attestationObject":"o2NmbXRkbm9uZQ","clientDataJSON":"e30"},"extensions":{}}"#;
    let body = format!(
        "ceremony={ceremony}&credential={}&name=Android",
        enc(forged)
    );
    let (status, _, answer) =
        call(&app, "/api/passkeys/register/finish", &body, Some(&cookie)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(answer.contains("n’a pas pu être vérifiée"), "{answer}");
    let (status, _, answer) =
        call(&app, "/api/passkeys/register/finish", &body, Some(&cookie)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.contains("Le délai est dépassé"), "{answer}");
    // Someone else cannot finish this account's ceremony.
    let (_, _, other) = call(&app, "/api/passkeys/register/start", "", Some(&cookie)).await;
    let other_ceremony = json(&other)["ceremony"].as_str().unwrap().to_owned();
    let intruder = sign_in(&app, "intruder@example.be").await;
    let (status, _, answer) = call(
        &app,
        "/api/passkeys/register/finish",
        &format!("ceremony={other_ceremony}&credential={}", enc(forged)),
        Some(&intruder),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");

    let (status, _, list) = call(&app, "/api/passkeys", "", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list, "[]");
    let (status, _, _) = call(&app, "/api/passkeys/delete", "id=1", Some(&cookie)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_sign_in_with_an_unknown_passkey_opens_nothing() {
    let app = app().await;
    let (status, _, body) = call(&app, "/api/passkeys/sign-in/start", "", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let challenge = json(&body);
    let opts = options(&challenge);
    assert!(
        opts.get("mediation").is_none_or(Value::is_null),
        "asked by a tap, not autofill"
    );
    assert_eq!(opts["publicKey"]["rpId"], "localhost");
    assert_eq!(opts["publicKey"]["userVerification"], "required");
    assert!(opts["publicKey"]["allowCredentials"]
        .as_array()
        .is_none_or(Vec::is_empty));

    let ceremony = challenge["ceremony"].as_str().unwrap();
    let handle = b64url(&[7u8; 16]);
    let forged = format!(
        r#"{{"id":"AQID","rawId":"AQID","type":"public-key","response":{{"authenticatorData":"AAAA","clientDataJSON":"e30","signature":"AAAA","userHandle":"{handle}"}},"extensions":{{}}}}"#
    );
    let (status, headers, answer) = call(
        &app,
        "/api/passkeys/sign-in/finish",
        &format!("ceremony={ceremony}&credential={}", enc(&forged)),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(answer.contains("n’est liée à aucun compte"), "{answer}");
    assert!(raw_set_cookie(&headers, "quartier_session").is_none());
    // Not a ceremony at all.
    let (status, _, _) = call(
        &app,
        "/api/passkeys/sign-in/finish",
        &format!("ceremony=nope&credential={}", enc(&forged)),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_site_on_an_ip_address_cannot_have_passkeys() {
    let app = app_with(&[("QUARTIER_BASE_URL", "http://192.0.2.10:8080")]).await;
    let (status, _, body) = call(&app, "/api/passkeys/sign-in/start", "", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("ne sont pas disponibles"), "{body}");
}

#[tokio::test]
async fn passkey_sign_in_attempts_are_limited_per_client() {
    let app = app().await;
    for _ in 0..app::api::passkeys::PASSKEY_ATTEMPTS_PER_HOUR {
        let (status, _, _) = call(&app, "/api/passkeys/sign-in/start", "", None).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _, body) = call(&app, "/api/passkeys/sign-in/start", "", None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
}
