//! Reviews: a resident's rating (1–5) and text about a shop, the shop's public reply, reports
//! and moderation; the checks on what residents and merchants type.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use unicode_normalization::UnicodeNormalization;

pub use super::posting::FieldError;

/// Characters of a review's or a reply's text (after NFC normalisation).
pub const TEXT_MAX: usize = 1000;
/// Characters of a report's free text.
pub const REPORT_DETAILS_MAX: usize = 500;
/// Characters of a moderator's reason.
pub const REASON_MAX: usize = 300;
/// Characters of the name shown on reviews.
pub const NAME_MAX: usize = 40;
/// A visit date may be this far back.
pub const VISIT_MAX_AGE: TimeDelta = TimeDelta::days(3 * 366);
/// Reviews on the shop page's first screen, and per "voir plus".
pub const PAGE_SIZE: i64 = 5;

/// Where a review stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReviewStatus {
    /// On the shop page, in its average and its structured data.
    Published,
    /// Waiting for a moderator: a new account's first review when the town asks for it, a text
    /// with a link, a text the account already wrote about another shop, a review rewritten
    /// after a moderator hid it (or written again after the hidden one was deleted).
    Held,
    /// Hidden by a moderator, with a reason the author sees.
    Hidden,
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Published => "published",
            ReviewStatus::Held => "held",
            ReviewStatus::Hidden => "hidden",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewStatus> {
        [
            ReviewStatus::Published,
            ReviewStatus::Held,
            ReviewStatus::Hidden,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A review as its author writes it (checked: see [`check_review`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReview {
    /// 1 to 5.
    pub rating: u8,
    /// NFC, trimmed; may be empty (a rating alone).
    pub body: String,
    pub visited_on: Option<NaiveDate>,
}

/// The shop's public reply to a review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub body: String,
    pub author_user_id: Option<i64>,
    /// Set when a moderator hid the reply.
    pub hidden_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
}

/// A stored review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    pub id: i64,
    pub town_id: i64,
    pub shop_id: i64,
    pub user_id: i64,
    /// The name the author chose, or the part of their e-mail before `@`.
    pub author_name: String,
    pub content: NewReview,
    pub status: ReviewStatus,
    /// Why a moderator hid it (shown to the author).
    pub status_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When the author last changed it.
    pub edited_at: Option<DateTime<Utc>>,
    pub reply: Option<Reply>,
    /// Devices that found it useful.
    pub useful: i64,
}

/// A shop's published reviews in figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReviewSummary {
    pub count: i64,
    /// Reviews with 1, 2, 3, 4 and 5 stars.
    pub distribution: [i64; 5],
}

impl ReviewSummary {
    /// The mean rating, `None` without reviews.
    pub fn average(&self) -> Option<f64> {
        let total: i64 = self
            .distribution
            .iter()
            .enumerate()
            .map(|(i, n)| (i as i64 + 1) * n)
            .sum();
        (self.count > 0).then(|| total as f64 / self.count as f64)
    }
}

/// What the counter and the dashboard show of a shop's reviews.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReviewStats {
    pub summary: ReviewSummary,
    /// Published since the start of the month asked for.
    pub this_month: i64,
    /// Published reviews with a (visible) reply.
    pub replied: i64,
    /// The median time from a review to its reply.
    pub median_reply: Option<TimeDelta>,
}

impl ReviewStats {
    /// Replied reviews out of the published ones, in percent.
    pub fn reply_rate(&self) -> Option<i64> {
        (self.summary.count > 0)
            .then(|| (self.replied * 100 + self.summary.count / 2) / self.summary.count)
    }
}

/// Why someone reports a review or a reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReportReason {
    Insult,
    PersonalData,
    Spam,
    ConflictOfInterest,
    OffTopic,
    Other,
}

impl ReportReason {
    pub const ALL: [ReportReason; 6] = [
        ReportReason::Insult,
        ReportReason::PersonalData,
        ReportReason::Spam,
        ReportReason::ConflictOfInterest,
        ReportReason::OffTopic,
        ReportReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Insult => "insult",
            ReportReason::PersonalData => "personal_data",
            ReportReason::Spam => "spam",
            ReportReason::ConflictOfInterest => "conflict_of_interest",
            ReportReason::OffTopic => "off_topic",
            ReportReason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<ReportReason> {
        ReportReason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// What is reported or moderated: the review itself or the shop's reply to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReviewPart {
    Review,
    Reply,
}

impl ReviewPart {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewPart::Review => "review",
            ReviewPart::Reply => "reply",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewPart> {
        match s {
            "review" => Some(ReviewPart::Review),
            "reply" => Some(ReviewPart::Reply),
            _ => None,
        }
    }
}

/// A moderator's decision on a review or its reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ModerationAction {
    /// Off the page, with a reason shown to the author.
    Hide,
    /// Back on the page after it was hidden.
    Restore,
    /// A held review goes on the page.
    Publish,
    /// The reports were unfounded: they are closed and nothing changes.
    Dismiss,
}

impl ModerationAction {
    pub const ALL: [ModerationAction; 4] = [
        ModerationAction::Hide,
        ModerationAction::Restore,
        ModerationAction::Publish,
        ModerationAction::Dismiss,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ModerationAction::Hide => "hide",
            ModerationAction::Restore => "restore",
            ModerationAction::Publish => "publish",
            ModerationAction::Dismiss => "dismiss",
        }
    }

    pub fn parse(s: &str) -> Option<ModerationAction> {
        ModerationAction::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

fn fail<T>(field: &'static str, key: &'static str) -> Result<T, FieldError> {
    Err(FieldError { field, key })
}

/// Characters that show nothing on their own (zero-width spaces and joiners, the byte-order
/// mark, direction marks): a text of only these (and spaces) is empty.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{034F}'
    )
}

/// Direction overrides and isolates (U+202A–U+202E, U+2066–U+2069): they can make a name or a
/// text read otherwise than it is written, and are removed (right-to-left text needs none).
fn is_direction_override(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A text as stored: NFC, line ends as `\n`, control characters other than line ends removed,
/// at most two line breaks in a row, trimmed. `Err` with `too_long` past `max` characters.
pub fn clean_text(text: &str, max: usize) -> Result<String, &'static str> {
    let normalised: String = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .nfc()
        .collect();
    let mut out = String::with_capacity(normalised.len());
    let mut breaks = 0;
    for c in normalised.chars() {
        if c == '\n' {
            breaks += 1;
            if breaks <= 2 {
                out.push('\n');
            }
            continue;
        }
        if c.is_control() || is_direction_override(c) {
            continue;
        }
        breaks = 0;
        out.push(c);
    }
    let trimmed = out.trim().to_owned();
    if trimmed.chars().count() > max {
        return Err("too_long");
    }
    if trimmed
        .chars()
        .all(|c| c.is_whitespace() || is_invisible(c))
    {
        return Ok(String::new());
    }
    Ok(trimmed)
}

/// A rating as typed: `1` to `5`.
pub fn parse_rating(text: &str) -> Result<u8, FieldError> {
    match text.trim().parse::<u8>() {
        Ok(n @ 1..=5) => Ok(n),
        _ => fail("rating", "review.error.rating"),
    }
}

/// Checks a review form: rating, text, visit date (`YYYY-MM-DD`, not in the future, not more
/// than three years ago in `today`'s calendar).
pub fn check_review(
    rating: &str,
    body: &str,
    visited_on: Option<&str>,
    today: NaiveDate,
) -> Result<NewReview, FieldError> {
    let rating = parse_rating(rating)?;
    let body = clean_text(body, TEXT_MAX).or_else(|_| fail("body", "review.error.too_long"))?;
    let visited_on = match visited_on.map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(text) => {
            let day = NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .or_else(|_| fail("visited_on", "review.error.visit_date"))?;
            if day > today || today - day > VISIT_MAX_AGE {
                return fail("visited_on", "review.error.visit_date");
            }
            Some(day)
        }
    };
    Ok(NewReview {
        rating,
        body,
        visited_on,
    })
}

/// Checks a reply or a message: not empty, not too long.
pub fn check_reply(body: &str) -> Result<String, FieldError> {
    match clean_text(body, TEXT_MAX) {
        Err(_) => fail("body", "review.error.too_long"),
        Ok(text) if text.is_empty() => fail("reply", "review.error.reply_empty"),
        Ok(text) => Ok(text),
    }
}

/// Checks a moderator's reason (required, shown to the author).
pub fn check_reason(reason: &str) -> Result<String, FieldError> {
    match clean_text(reason, REASON_MAX) {
        Err(_) => fail("reason_long", "moderation.error.reason_long"),
        Ok(text) if text.is_empty() => fail("reason", "moderation.error.reason_empty"),
        Ok(text) => Ok(text),
    }
}

/// Checks a report: a known reason, and a text (required for "other").
pub fn check_report(reason: &str, details: &str) -> Result<(ReportReason, String), FieldError> {
    let reason =
        ReportReason::parse(reason).map_or_else(|| fail("reason", "report.error.reason"), Ok)?;
    let details = clean_text(details, REPORT_DETAILS_MAX)
        .or_else(|_| fail("details_long", "report.error.too_long"))?;
    if reason == ReportReason::Other && details.is_empty() {
        return fail("details", "report.error.details");
    }
    Ok((reason, details))
}

/// The name shown on an account's reviews when it chose none: the part of its e-mail before
/// `@` (never the whole address), at most [`NAME_MAX`] characters.
pub fn default_display_name(email: &str) -> String {
    let local = email.split('@').next().unwrap_or_default();
    let name: String = local.chars().take(NAME_MAX).collect();
    if name.is_empty() {
        "?".into()
    } else {
        name
    }
}

/// Checks a chosen display name: 2 to 40 characters, no e-mail address (no `@`); empty means
/// "back to the default".
pub fn check_display_name(name: &str) -> Result<Option<String>, FieldError> {
    let name = clean_text(name, NAME_MAX)
        .or_else(|_| fail("display_name", "account.error.name_length"))?
        .replace('\n', " ");
    if name.is_empty() {
        return Ok(None);
    }
    if name.chars().count() < 2 {
        return fail("display_name", "account.error.name_length");
    }
    if name.contains('@') {
        return fail("display_name", "account.error.name_email");
    }
    Ok(Some(name))
}

/// A text folded for comparison: lower case, accents removed, words of letters and digits.
pub fn fingerprint(text: &str) -> String {
    deunicode::deunicode(text)
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether two fingerprints are (nearly) the same text: at least six words each and four
/// fifths of their distinct words in common. Short texts ("Très bon accueil") are common and
/// never held for this.
pub fn near_duplicate(a: &str, b: &str) -> bool {
    use std::collections::HashSet;
    let words_a: HashSet<&str> = a.split(' ').filter(|w| !w.is_empty()).collect();
    let words_b: HashSet<&str> = b.split(' ').filter(|w| !w.is_empty()).collect();
    if words_a.len() < 6 || words_b.len() < 6 {
        return false;
    }
    let common = words_a.intersection(&words_b).count();
    let all = words_a.union(&words_b).count();
    common * 5 >= all * 4
}

/// Whether `text` links elsewhere (reviews are shown as plain text in any case; a link makes a
/// review of a new account wait for a moderator).
pub fn has_link(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("http://") || lower.contains("https://") || lower.contains("www.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn ratings_are_one_to_five() {
        for ok in ["1", "5", " 3 "] {
            assert!(parse_rating(ok).is_ok(), "{ok}");
        }
        for bad in ["0", "6", "abc", "", "-1", "3.5", "256"] {
            assert_eq!(
                parse_rating(bad).unwrap_err().key,
                "review.error.rating",
                "{bad}"
            );
        }
    }

    #[test]
    fn texts_are_normalised_and_counted_in_characters() {
        // "é" as e + combining acute becomes one character.
        assert_eq!(clean_text("Cafe\u{301} ", 10).unwrap(), "Café");
        assert_eq!(clean_text("  \u{200B}\u{FEFF} \n ", 10).unwrap(), "");
        assert_eq!(clean_text("a\r\n\r\n\r\n\r\nb", 10).unwrap(), "a\n\nb");
        assert_eq!(clean_text("a\u{0007}b", 10).unwrap(), "ab");
        // 1 000 emoji are 1 000 characters, 1 001 are too many.
        assert!(clean_text(&"😀".repeat(1000), TEXT_MAX).is_ok());
        assert_eq!(clean_text(&"😀".repeat(1001), TEXT_MAX), Err("too_long"));
        // Right-to-left text and a family emoji (zero-width joiners inside) are kept as typed.
        assert_eq!(clean_text("مرحبا 👨‍👩‍👧", 20).unwrap(), "مرحبا 👨‍👩‍👧");
        assert_eq!(
            clean_text("<script>alert(1)</script>", 100).unwrap(),
            "<script>alert(1)</script>"
        );
        // A right-to-left override cannot make "Anne" read as something else.
        assert_eq!(clean_text("\u{202E}ennA\u{2066}", 20).unwrap(), "ennA");
    }

    #[test]
    fn review_forms_are_checked() {
        let today = day("2026-12-03");
        let review = check_review("4", " Très bon pain ", Some("2026-12-01"), today).unwrap();
        assert_eq!(review.rating, 4);
        assert_eq!(review.body, "Très bon pain");
        assert_eq!(review.visited_on, Some(day("2026-12-01")));
        assert!(check_review("5", "", None, today).unwrap().body.is_empty());
        assert_eq!(
            check_review("5", "x", Some("2026-12-04"), today)
                .unwrap_err()
                .field,
            "visited_on"
        );
        assert_eq!(
            check_review("5", "x", Some("2020-01-01"), today)
                .unwrap_err()
                .field,
            "visited_on"
        );
        assert_eq!(
            check_review("5", "x", Some("demain"), today)
                .unwrap_err()
                .field,
            "visited_on"
        );
        assert_eq!(
            check_review("5", &"a".repeat(1001), None, today)
                .unwrap_err()
                .field,
            "body"
        );
        assert_eq!(
            check_review("0", "x", None, today).unwrap_err().field,
            "rating"
        );
    }

    #[test]
    fn replies_reasons_and_reports_need_a_text() {
        assert_eq!(
            check_reply(" \u{200B} ").unwrap_err().key,
            "review.error.reply_empty"
        );
        assert_eq!(check_reply("Merci !").unwrap(), "Merci !");
        assert!(check_reason("").is_err());
        assert!(check_report("spam", "").is_ok());
        assert_eq!(check_report("other", " ").unwrap_err().field, "details");
        assert_eq!(check_report("rude", "x").unwrap_err().field, "reason");
    }

    #[test]
    fn display_names_never_show_an_address() {
        assert_eq!(
            default_display_name("marie.dupont@example.be"),
            "marie.dupont"
        );
        assert_eq!(check_display_name("  ").unwrap(), None);
        assert_eq!(
            check_display_name("Marie D.").unwrap().as_deref(),
            Some("Marie D.")
        );
        assert_eq!(
            check_display_name("m@x.be").unwrap_err().key,
            "account.error.name_email"
        );
        assert_eq!(
            check_display_name("M").unwrap_err().key,
            "account.error.name_length"
        );
        assert!(check_display_name(&"n".repeat(41)).is_err());
    }

    #[test]
    fn near_duplicates_are_found_across_wording() {
        let a =
            fingerprint("Super boulangerie, le pain est excellent et l'accueil très chaleureux !");
        let b =
            fingerprint("Super boulangerie : le pain est excellent et l’accueil tres chaleureux");
        let c = fingerprint("Le boucher a toujours de la bonne viande et de bons conseils");
        assert!(near_duplicate(&a, &b));
        assert!(!near_duplicate(&a, &c));
        assert!(!near_duplicate(
            &fingerprint("Très bon"),
            &fingerprint("Très bon")
        ));
    }

    #[test]
    fn summaries_average_the_distribution() {
        let summary = ReviewSummary {
            count: 4,
            distribution: [0, 0, 1, 1, 2],
        };
        assert_eq!(summary.average(), Some(4.25));
        assert_eq!(ReviewSummary::default().average(), None);
        let stats = ReviewStats {
            summary,
            replied: 1,
            ..ReviewStats::default()
        };
        assert_eq!(stats.reply_rate(), Some(25));
        assert!(has_link("voir WWW.exemple.be"));
    }
}
