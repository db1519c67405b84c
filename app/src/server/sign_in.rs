//! Sign-in links, made, stored and worded the same way for the web's sign-in form and for the
//! `quartier admin create` command.

use chrono::{DateTime, Utc};

use super::auth::{new_secret, secret_hash, SIGN_IN_LINK_LIFETIME};
use super::{Email, NewSignInLink, Store};
use crate::domain::links::is_local_path;
use crate::error::AppError;
use crate::i18n::Locale;

/// A sign-in link just stored: its secret (kept only hashed in the database) and its address.
pub struct SignInLink {
    pub token: String,
    pub url: String,
}

/// Stores a new single-use sign-in link for `email` (already normalised), valid
/// [`SIGN_IN_LINK_LIFETIME`]. `invitation_id` is accepted on sign-in; `return_to` is where
/// the sign-in leads, kept only when it is a path of this site.
pub async fn issue_link(
    store: &dyn Store,
    base_url: &str,
    email: &str,
    invitation_id: Option<i64>,
    return_to: Option<String>,
    now: DateTime<Utc>,
) -> Result<SignInLink, AppError> {
    let token = new_secret()?;
    store
        .create_sign_in_link(
            &NewSignInLink {
                token_hash: secret_hash(&token),
                email: email.to_owned(),
                invitation_id,
                return_to: return_to.filter(|p| is_local_path(p)),
                expires_at: now + SIGN_IN_LINK_LIFETIME,
            },
            now,
        )
        .await
        .map_err(|e| AppError::internal("saving a sign-in link", e))?;
    let url = format!("{base_url}/auth/{token}");
    Ok(SignInLink { token, url })
}

/// The e-mail carrying a sign-in link, in `locale`, as plain text and HTML.
pub fn link_email(locale: Locale, town: &str, to: &str, url: &str) -> Email {
    let minutes = SIGN_IN_LINK_LIFETIME.num_minutes().to_string();
    let args = [("minutes", minutes.as_str()), ("town", town)];
    let text = format!(
        "{}\n\n{url}\n\n{}\n\n{}\n",
        locale.tf("sign_in.mail.intro", &args),
        locale.tf("sign_in.mail.validity", &args),
        locale.t("sign_in.mail.ignore"),
    );
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><body style=\"font-family:sans-serif;line-height:1.5\">\
         <p>{intro}</p><p><a href=\"{href}\" style=\"display:inline-block;padding:12px 20px;\
         background:#0b5d4b;color:#fff;border-radius:8px;text-decoration:none\">{button}</a></p>\
         <p>{validity}</p><p style=\"color:#555\">{ignore}</p></body></html>",
        lang = locale.code(),
        href = escape_html(url),
        intro = escape_html(&locale.tf("sign_in.mail.intro", &args)),
        button = escape_html(&locale.t("sign_in.mail.button")),
        validity = escape_html(&locale.tf("sign_in.mail.validity", &args)),
        ignore = escape_html(&locale.t("sign_in.mail.ignore")),
    );
    Email {
        to: to.to_owned(),
        subject: locale.tf("sign_in.mail.subject", &args),
        text,
        html: Some(html),
        from: None,
    }
}

/// Text made safe for an HTML e-mail (element content and quoted attributes).
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mail_is_in_the_asked_language_and_carries_the_link_once_escaped() {
        let url = "https://habay.example.be/auth/abc&def";
        let french = link_email(Locale::default(), "Habay", "a@b.be", url);
        let english = link_email(Locale::parse("en").unwrap(), "Habay", "a@b.be", url);
        assert_ne!(french.subject, english.subject);
        assert!(french.text.contains(url));
        let html = french.html.unwrap();
        assert!(html.contains("href=\"https://habay.example.be/auth/abc&amp;def\""));
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"fr\">"));
        assert!(english.text.contains("15"));
    }
}
