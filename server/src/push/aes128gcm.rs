//! Message encryption for Web Push (RFC 8291): the `aes128gcm` content coding of RFC 8188 in one
//! record, keyed by an ECDH agreement between a fresh P-256 key pair and the browser's key, mixed
//! with the browser's auth secret.
//!
//! The primitives are ring's (constant-time, assembly P-256, AES-GCM; already built for rustls).
//! `web-push` encrypts through `ece` on OpenSSL 3, whose key import and ECDH took three times as
//! long per message (the benchmark prints both): at a fan-out of thousands of messages that was
//! most of the server's CPU. `web-push` still signs the VAPID JWTs.

use ring::rand::{SecureRandom, SystemRandom};
use ring::{aead, agreement, hkdf};

/// An uncompressed P-256 point.
const KEY_LEN: usize = 65;
/// The record size announced in the header: the whole message is one record.
const RECORD_SIZE: u32 = 4096;
/// Header (salt 16, rs 4, idlen 1, key 65), padding delimiter and tag.
const OVERHEAD: usize = 16 + 4 + 1 + KEY_LEN + 1 + 16;
/// The longest plaintext one 4 096-byte record holds.
pub const MAX_PLAINTEXT: usize = RECORD_SIZE as usize - OVERHEAD;

/// Why a message could not be encrypted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncryptError {
    /// The browser's key is not a P-256 point, or its auth secret not 16 bytes.
    BadKeys,
    TooLong,
    /// No randomness from the operating system.
    Random,
}

impl std::fmt::Display for EncryptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EncryptError::BadKeys => "the subscription's keys are not usable",
            EncryptError::TooLong => "the message is longer than one record",
            EncryptError::Random => "no randomness for the message's key",
        })
    }
}

impl std::error::Error for EncryptError {}

struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// Encrypts `plaintext` for the browser whose key is `ua_public` (`p256dh`) and auth secret
/// `auth`: the body of a push message with `Content-Encoding: aes128gcm`.
pub fn encrypt(ua_public: &[u8], auth: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, EncryptError> {
    if ua_public.len() != KEY_LEN || ua_public[0] != 0x04 || auth.len() != 16 {
        return Err(EncryptError::BadKeys);
    }
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(EncryptError::TooLong);
    }
    let random = SystemRandom::new();
    let mut salt = [0u8; 16];
    random.fill(&mut salt).map_err(|_| EncryptError::Random)?;
    let private = agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &random)
        .map_err(|_| EncryptError::Random)?;
    let as_public = private
        .compute_public_key()
        .map_err(|_| EncryptError::Random)?;
    let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, ua_public);
    // ring checks that the browser's point is on the curve.
    agreement::agree_ephemeral(private, &peer, |secret| {
        seal(
            secret,
            as_public.as_ref(),
            ua_public,
            auth,
            &salt,
            plaintext,
        )
    })
    .map_err(|_| EncryptError::BadKeys)?
}

/// RFC 8291 §3.3–3.4 and RFC 8188 §2 from the ECDH secret on: the keys, then the header and the
/// one (last) record.
pub fn seal(
    ecdh_secret: &[u8],
    as_public: &[u8],
    ua_public: &[u8],
    auth: &[u8],
    salt: &[u8; 16],
    plaintext: &[u8],
) -> Result<Vec<u8>, EncryptError> {
    if as_public.len() != KEY_LEN {
        return Err(EncryptError::BadKeys);
    }
    // IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" || 0 || ua_public || as_public, 32)
    let mut ikm = [0u8; 32];
    hkdf::Salt::new(hkdf::HKDF_SHA256, auth)
        .extract(ecdh_secret)
        .expand(&[b"WebPush: info\0", ua_public, as_public], Len(32))
        .and_then(|okm| okm.fill(&mut ikm))
        .map_err(|_| EncryptError::BadKeys)?;
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(&ikm);
    let mut cek = [0u8; 16];
    let mut nonce = [0u8; 12];
    prk.expand(&[b"Content-Encoding: aes128gcm\0"], Len(16))
        .and_then(|okm| okm.fill(&mut cek))
        .map_err(|_| EncryptError::BadKeys)?;
    prk.expand(&[b"Content-Encoding: nonce\0"], Len(12))
        .and_then(|okm| okm.fill(&mut nonce))
        .map_err(|_| EncryptError::BadKeys)?;
    let key = aead::UnboundKey::new(&aead::AES_128_GCM, &cek)
        .map(aead::LessSafeKey::new)
        .map_err(|_| EncryptError::BadKeys)?;

    let mut body = Vec::with_capacity(OVERHEAD + plaintext.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(KEY_LEN as u8);
    body.extend_from_slice(as_public);
    let header = body.len();
    body.extend_from_slice(plaintext);
    // The last record's padding delimiter; no padding after it.
    body.push(2);
    let tag = key
        .seal_in_place_separate_tag(
            aead::Nonce::assume_unique_for_key(nonce),
            aead::Aad::empty(),
            &mut body[header..],
        )
        .map_err(|_| EncryptError::TooLong)?;
    body.extend_from_slice(tag.as_ref());
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    fn b64(text: &str) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(text).unwrap()
    }

    /// RFC 8291, Appendix A: the same keys, salt and text give the RFC's message byte for byte
    /// (the ECDH secret computed from the RFC's keys by another implementation, RustCrypto's).
    #[test]
    fn the_rfc_8291_example() {
        let as_private = b64("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw");
        let as_public = b64(
            "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
        );
        let ua_public = b64(
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
        );
        let auth = b64("BTBZMqHH6r4Tts7J_aSIgg");
        let salt: [u8; 16] = b64("DGv6ra1nlYgDCS1FRnbzlw").try_into().unwrap();
        let secret = p256::SecretKey::from_slice(&as_private).unwrap();
        assert_eq!(
            secret.public_key().to_sec1_bytes().as_ref(),
            as_public.as_slice()
        );
        let peer = p256::PublicKey::from_sec1_bytes(&ua_public).unwrap();
        let shared = p256::ecdh::diffie_hellman(secret.to_nonzero_scalar(), peer.as_affine());
        let ecdh_secret = shared.raw_secret_bytes().to_vec();
        assert_eq!(
            ecdh_secret,
            b64("kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs")
        );

        let body = seal(
            &ecdh_secret,
            &as_public,
            &ua_public,
            &auth,
            &salt,
            b"When I grow up, I want to be a watermelon",
        )
        .unwrap();
        assert_eq!(
            URL_SAFE_NO_PAD.encode(body),
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYW\
             AmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSx\
             sj_Qulcy4a-fN"
        );
    }

    /// Each message has its own key and salt; bad keys and oversized texts are refused, not
    /// panicked on.
    #[test]
    fn fresh_keys_and_refusals() {
        let browser = p256::SecretKey::from_slice(&[7u8; 32]).unwrap();
        let ua_public = browser.public_key().to_sec1_bytes();
        let auth = [9u8; 16];
        let one = encrypt(&ua_public, &auth, b"hello").unwrap();
        let two = encrypt(&ua_public, &auth, b"hello").unwrap();
        assert_eq!(one.len(), OVERHEAD + 5);
        assert_ne!(one[..16], two[..16], "salt");
        assert_ne!(one[21..86], two[21..86], "key");
        assert_eq!(one[16..21], [0, 0, 16, 0, 65]);
        assert_eq!(
            encrypt(&ua_public, &auth, &[b'a'; MAX_PLAINTEXT])
                .unwrap()
                .len(),
            4096
        );
        assert_eq!(
            encrypt(&ua_public, &auth, &[b'a'; MAX_PLAINTEXT + 1]),
            Err(EncryptError::TooLong)
        );
        assert_eq!(
            encrypt(&ua_public, &auth[..15], b"x"),
            Err(EncryptError::BadKeys)
        );
        // Not a point of the curve.
        let mut off_curve = ua_public.to_vec();
        off_curve[64] ^= 1;
        assert_eq!(encrypt(&off_curve, &auth, b"x"), Err(EncryptError::BadKeys));
        assert_eq!(
            encrypt(&ua_public[..64], &auth, b"x"),
            Err(EncryptError::BadKeys)
        );
    }
}
