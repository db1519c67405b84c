//! Readable, stable URL slugs: `Boulangerie Rigaux` → `boulangerie-rigaux`.

/// Longest slug we generate (the rest of the name is cut at a word boundary).
const MAX_LEN: usize = 60;

/// Lowercase ASCII words joined by `-`; accents are transliterated (é → e, œ → oe).
/// Returns `None` when nothing usable is left (e.g. a name made of symbols only).
pub fn slugify(text: &str) -> Option<String> {
    let mut slug = slug::slugify(text);
    if slug.len() > MAX_LEN {
        let cut = slug[..MAX_LEN].rfind('-').unwrap_or(MAX_LEN);
        slug.truncate(cut);
    }
    (!slug.is_empty()).then_some(slug)
}

/// The slugs to try in order for a new record: `name`, `name-locality`, then `name-2`, `name-3`…
/// The caller picks the first one that is not taken, so existing slugs never change.
pub fn candidates(
    name: &str,
    locality: Option<&str>,
    fallback: &str,
) -> impl Iterator<Item = String> {
    let base = slugify(name).unwrap_or_else(|| fallback.to_owned());
    let with_locality = locality
        .and_then(slugify)
        .filter(|l| !base.ends_with(l.as_str()))
        .map(|l| format!("{base}-{l}"));
    let numbered_base = base.clone();
    std::iter::once(base)
        .chain(with_locality)
        .chain((2..).map(move |n| format!("{numbered_base}-{n}")))
}

/// Whether `text` is a well-formed slug (what route parameters must look like).
pub fn is_valid(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 100
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-')
}
