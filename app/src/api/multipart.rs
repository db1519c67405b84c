//! Forms with a photo (`multipart/form-data`): the post form of the counter and the shop
//! profile form read the same way, within the same limits.

use crate::error::AppError;

/// The most parts a multipart form may carry (the profile form, with every closure row
/// filled and every photo removed, has under 150).
pub const MULTIPART_MAX_FIELDS: usize = 160;
/// The most bytes of text (all fields together) a multipart form may carry.
pub const MULTIPART_MAX_TEXT: usize = 64 * 1024;

/// The text fields (each at most 16 KB, at most [`MULTIPART_MAX_FIELDS`] of them and
/// [`MULTIPART_MAX_TEXT`] bytes in all, each named as `known` accepts) and the photo of a
/// multipart form. A photo over the limit is reported as the photo's validation error, after
/// the text fields were read; anything else out of bounds refuses the whole form.
pub async fn read_multipart(
    data: leptos::server_fn::codec::MultipartData,
    known: fn(&str) -> bool,
) -> Result<(Vec<(String, String)>, Result<Option<Vec<u8>>, AppError>), AppError> {
    use crate::server::{PhotoError, PHOTO_MAX_BYTES};
    const FIELD_MAX: usize = 16 * 1024;
    let bad_form = |e: &dyn std::fmt::Display| {
        tracing::warn!(error = %e, "unreadable multipart form");
        AppError::Validation {
            field: "form".into(),
            message: super::request_locale().t("error.form"),
        }
    };
    let mut multipart = data.into_inner().ok_or_else(|| bad_form(&"no form data"))?;
    let mut fields = Vec::new();
    let mut text_bytes = 0usize;
    let mut parts = 0usize;
    let mut photo: Result<Option<Vec<u8>>, AppError> = Ok(None);
    while let Some(mut field) = multipart.next_field().await.map_err(|e| bad_form(&e))? {
        parts += 1;
        if parts > MULTIPART_MAX_FIELDS {
            return Err(bad_form(&"too many fields"));
        }
        let name = field.name().unwrap_or_default().to_owned();
        if !known(&name) {
            return Err(bad_form(&format!("unknown field {name:?}")));
        }
        let limit = if name == "photo" {
            PHOTO_MAX_BYTES
        } else {
            FIELD_MAX.min(MULTIPART_MAX_TEXT - text_bytes)
        };
        // Two file inputs share the name (camera, gallery): the first that holds a file
        // counts; another is read past, not kept.
        let ignored = name == "photo" && !matches!(photo, Ok(None));
        let mut bytes = Vec::new();
        let mut too_large = false;
        while let Some(chunk) = field.chunk().await.map_err(|e| bad_form(&e))? {
            if ignored {
                continue;
            }
            if too_large || bytes.len() + chunk.len() > limit {
                too_large = true;
                if name != "photo" {
                    return Err(bad_form(&format!("field {name} too long")));
                }
                // Keep reading to the end of the photo, without keeping it (the request's
                // body limit bounds how much that is).
                bytes = Vec::new();
                continue;
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == "photo" {
            if ignored {
                continue;
            }
            if too_large {
                photo = Err(photo_error(&PhotoError::TooLarge));
            } else if !bytes.is_empty() {
                photo = Ok(Some(bytes));
            }
        } else {
            text_bytes += bytes.len();
            let text = String::from_utf8(bytes).map_err(|e| bad_form(&e))?;
            fields.push((name, text));
        }
    }
    Ok((fields, photo))
}

pub fn photo_error(error: &crate::server::PhotoError) -> AppError {
    if let crate::server::PhotoError::Storage(detail) = error {
        return AppError::internal("storing a photo", detail);
    }
    AppError::Validation {
        field: "photo".into(),
        message: super::request_locale().t(error.message_key()),
    }
}
