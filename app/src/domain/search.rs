//! Search text: what is indexed and how a typed query becomes index terms.
//!
//! Both databases index the same app-normalised text (lower case, accents and ligatures folded,
//! punctuation as spaces), so "cafe" finds "Café" and "oeuf" finds "Œuf" on SQLite and on
//! PostgreSQL alike. Every query term is a prefix: results follow the user as they type.

use crate::domain::categories;
use crate::i18n::Locale;

/// At most this many terms of a query are used (the rest is ignored).
pub const MAX_TERMS: usize = 8;
/// Queries longer than this are cut (in characters).
pub const MAX_QUERY_CHARS: usize = 100;

/// Lower case, accents folded to ASCII, everything but letters and digits as single spaces.
pub fn normalise(text: &str) -> String {
    let folded = deunicode::deunicode(text).to_lowercase();
    let mut out = String::with_capacity(folded.len());
    for word in folded.split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The indexed text of a shop: its name, its description and its category's label in every
/// language (so that "boulangerie", "bakkerij" and "bakery" all find a bakery).
pub fn shop_text(name: &str, description: Option<&str>, category: &str) -> String {
    let mut text = String::from(name);
    if let Some(description) = description {
        text.push(' ');
        text.push_str(description);
    }
    if categories::by_key(category).is_some() {
        for locale in Locale::all() {
            text.push(' ');
            text.push_str(&locale.t(&format!("category.{category}")));
        }
    }
    normalise(&text)
}

/// The indexed text of a post.
pub fn post_text(title: &str, body: &str, place: Option<&str>) -> String {
    let mut text = format!("{title} {body}");
    if let Some(place) = place {
        text.push(' ');
        text.push_str(place);
    }
    normalise(&text)
}

/// The terms of a typed query, each to be matched as a word prefix; `None` when nothing
/// searchable is left (empty, or only single letters and punctuation).
pub fn terms(query: &str) -> Option<Vec<String>> {
    let cut: String = query.chars().take(MAX_QUERY_CHARS).collect();
    let normalised = normalise(&cut);
    let mut terms: Vec<String> = Vec::new();
    for word in normalised.split(' ') {
        let long_enough = word.len() >= 2 || word.chars().all(|c| c.is_ascii_digit());
        if !word.is_empty() && long_enough && !terms.iter().any(|t| t == word) {
            terms.push(word.to_owned());
        }
        if terms.len() == MAX_TERMS {
            break;
        }
    }
    (!terms.is_empty()).then_some(terms)
}

/// An FTS5 query: every term as a quoted prefix, all required.
pub fn fts5_query(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{t}\"*"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A PostgreSQL `to_tsquery('simple', …)` query: every term as a prefix, all required.
pub fn tsquery(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("{t}:*"))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// How well `name` matches the terms, for ranking: 2 when the name starts with the first term,
/// 1 when every term starts a word of the name, 0 otherwise (matched by description, category
/// or posts).
pub fn name_score(name: &str, terms: &[String]) -> u8 {
    let name = normalise(name);
    let words: Vec<&str> = name.split(' ').collect();
    if terms.first().is_some_and(|t| name.starts_with(t.as_str()))
        && terms
            .iter()
            .all(|t| words.iter().any(|w| w.starts_with(t.as_str())))
    {
        2
    } else if terms
        .iter()
        .all(|t| words.iter().any(|w| w.starts_with(t.as_str())))
    {
        1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(
            normalise("Café-Brasserie L'Étoile"),
            "cafe brasserie l etoile"
        );
        assert_eq!(normalise("Œufs & Bœuf"), "oeufs boeuf");
        assert_eq!(normalise("  Straße  "), "strasse");
    }

    #[test]
    fn query_terms() {
        assert_eq!(terms("Café d"), Some(vec!["cafe".to_string()]));
        assert_eq!(terms("  "), None);
        assert_eq!(terms("a"), None);
        assert_eq!(
            terms("6720 rue rue"),
            Some(vec!["6720".into(), "rue".into()])
        );
        assert_eq!(
            fts5_query(&terms("pain choc").unwrap()),
            "\"pain\"* \"choc\"*"
        );
        assert_eq!(tsquery(&terms("pain choc").unwrap()), "pain:* & choc:*");
    }

    #[test]
    fn shop_text_has_category_labels_in_every_language() {
        let text = shop_text("Chez Paul", None, "bakery");
        for word in ["chez paul", "boulangerie", "bakkerij", "backerei", "bakery"] {
            assert!(text.contains(word), "{word} missing from {text}");
        }
    }
}
