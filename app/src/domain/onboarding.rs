//! Where each shop stands on the way online (issue 17), for the stewards' list: imported →
//! invited → signed in → profile completed → first post → first reply to a review.

/// One step of the way, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// Listed (from OpenStreetMap or by hand), nobody invited.
    Imported,
    /// Its owner has an invitation, not used yet.
    Invited,
    /// Someone of the shop signed in (the shop has a merchant).
    SignedIn,
    /// Its profile has hours, a photo, a description and a way to get in touch.
    ProfileCompleted,
    /// It has published a post.
    FirstPost,
    /// It has answered a review.
    FirstReply,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Imported,
        Step::Invited,
        Step::SignedIn,
        Step::ProfileCompleted,
        Step::FirstPost,
        Step::FirstReply,
    ];

    /// Its name in addresses (`?step=invited`) and texts (`manage.step.invited`).
    pub fn key(self) -> &'static str {
        match self {
            Step::Imported => "imported",
            Step::Invited => "invited",
            Step::SignedIn => "signed_in",
            Step::ProfileCompleted => "profile_completed",
            Step::FirstPost => "first_post",
            Step::FirstReply => "first_reply",
        }
    }

    pub fn parse(value: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.key() == value)
    }
}

/// What decides a shop's step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    pub invited: bool,
    pub has_merchant: bool,
    pub profile_completed: bool,
    pub posted: bool,
    pub replied: bool,
}

/// The furthest step reached without a gap: a shop that posts before completing its profile is
/// still at "signed in", for the profile is what the steward helps with next.
pub fn step(facts: Facts) -> Step {
    if !facts.has_merchant {
        return if facts.invited {
            Step::Invited
        } else {
            Step::Imported
        };
    }
    if !facts.profile_completed {
        Step::SignedIn
    } else if !facts.posted {
        Step::ProfileCompleted
    } else if !facts.replied {
        Step::FirstPost
    } else {
        Step::FirstReply
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_in_order() {
        for (i, s) in Step::ALL.into_iter().enumerate() {
            assert_eq!(Step::parse(s.key()), Some(s));
            if i > 0 {
                assert!(Step::ALL[i - 1] < s);
            }
        }
        assert_eq!(Step::parse("done"), None);
    }

    #[test]
    fn the_furthest_step_without_a_gap() {
        let base = Facts::default();
        assert_eq!(step(base), Step::Imported);
        // Posts from the import do not make a merchant.
        assert_eq!(
            step(Facts {
                posted: true,
                ..base
            }),
            Step::Imported
        );
        assert_eq!(
            step(Facts {
                invited: true,
                ..base
            }),
            Step::Invited
        );
        let merchant = Facts {
            invited: true,
            has_merchant: true,
            ..base
        };
        assert_eq!(step(merchant), Step::SignedIn);
        assert_eq!(
            step(Facts {
                posted: true,
                replied: true,
                ..merchant
            }),
            Step::SignedIn
        );
        let profile = Facts {
            profile_completed: true,
            ..merchant
        };
        assert_eq!(step(profile), Step::ProfileCompleted);
        assert_eq!(
            step(Facts {
                replied: true,
                ..profile
            }),
            Step::ProfileCompleted
        );
        assert_eq!(
            step(Facts {
                posted: true,
                ..profile
            }),
            Step::FirstPost
        );
        assert_eq!(
            step(Facts {
                posted: true,
                replied: true,
                ..profile
            }),
            Step::FirstReply
        );
    }
}

pub use crate::model::NOTE_MAX_CHARS;

/// A steward's note about a shop they onboard ("passed by on 3/12, owner away").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShopNote {
    pub shop_id: i64,
    pub note: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A note as typed: trimmed and NFC, control characters other than line breaks dropped; `None`
/// when nothing is left (the note is deleted); `Err` past [`NOTE_MAX_CHARS`].
pub fn note_text(input: &str) -> Result<Option<String>, usize> {
    use unicode_normalization::UnicodeNormalization;
    let text: String = input
        .nfc()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect();
    let text = text.trim();
    let length = text.chars().count();
    if length > NOTE_MAX_CHARS {
        return Err(length);
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

#[cfg(test)]
mod note_tests {
    use super::*;

    #[test]
    fn notes_are_trimmed_cleaned_and_limited() {
        assert_eq!(note_text("  \n "), Ok(None));
        assert_eq!(
            note_text(" Passé le 3/12,\r\npropriétaire absent \u{7} "),
            Ok(Some("Passé le 3/12,\npropriétaire absent".into()))
        );
        assert_eq!(
            note_text(&"é".repeat(500)).map(|n| n.map(|t| t.chars().count())),
            Ok(Some(500))
        );
        assert_eq!(note_text(&"e".repeat(501)), Err(501));
    }
}
