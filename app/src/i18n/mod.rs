//! Translation layer. Every user-facing string goes through [`Locale::t`].
//!
//! Catalogues are the JSON files in `app/locales/` (nested objects, flattened to dotted keys);
//! `build.rs` embeds whatever files are there, so a new language is one new file.
//! French is the default and the fallback for any missing key.
//!
//! The browser gets no catalogue: each island receives the texts it needs from the server, in
//! its props ([`Strings`]), which keeps the WebAssembly small.

pub mod format;

#[cfg(not(feature = "hydrate"))]
use std::{collections::HashMap, sync::OnceLock};

use serde::{Deserialize, Serialize};

include!(concat!(env!("OUT_DIR"), "/locale_files.rs"));

/// The language used when nothing else is known, and the fallback for missing keys.
pub const DEFAULT_LOCALE_CODE: &str = "fr";
/// Name of the cookie that remembers the visitor's choice of language.
pub const LOCALE_COOKIE: &str = "quartier_lang";

#[cfg(not(feature = "hydrate"))]
type Catalogue = HashMap<String, String>;

#[cfg(not(feature = "hydrate"))]
fn catalogues() -> &'static Vec<(&'static str, Catalogue)> {
    static CATALOGUES: OnceLock<Vec<(&'static str, Catalogue)>> = OnceLock::new();
    CATALOGUES.get_or_init(|| {
        LOCALE_FILES
            .iter()
            .map(|(code, text)| {
                let value: serde_json::Value = serde_json::from_str(text)
                    .unwrap_or_else(|e| panic!("locales/{code}.json is not valid JSON: {e}"));
                let mut flat = Catalogue::new();
                flatten("", &value, &mut flat);
                (*code, flat)
            })
            .collect()
    })
}

#[cfg(not(feature = "hydrate"))]
fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Catalogue) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&path, child, out);
            }
        }
        serde_json::Value::String(text) => {
            out.insert(prefix.to_owned(), text.clone());
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

/// A language the interface is available in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Locale(&'static str);

impl Default for Locale {
    fn default() -> Self {
        Locale::parse(DEFAULT_LOCALE_CODE).expect("the default locale has a catalogue")
    }
}

impl Locale {
    /// Every available locale: French first, then Dutch, German, English, then any other.
    pub fn all() -> impl Iterator<Item = Locale> {
        LOCALE_CODES.iter().map(|code| Locale(code))
    }

    /// Finds the locale for a language tag such as `fr`, `nl-BE` or `EN`.
    pub fn parse(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        LOCALE_CODES
            .iter()
            .find(|code| **code == primary)
            .map(|code| Locale(code))
    }

    /// Picks the best available locale from an `Accept-Language` header (RFC 9110 §12.5.4).
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut ranked: Vec<(f32, usize, Locale)> = header
            .split(',')
            .enumerate()
            .filter_map(|(position, item)| {
                let mut parts = item.split(';');
                let tag = parts.next()?.trim();
                let quality = parts
                    .find_map(|p| {
                        p.trim()
                            .strip_prefix("q=")
                            .map(|q| q.trim().parse::<f32>().ok())
                    })
                    .unwrap_or(Some(1.0))?;
                if quality <= 0.0 {
                    return None;
                }
                Some((quality, position, Locale::parse(tag)?))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|(_, _, locale)| *locale)
    }

    /// The BCP 47 code, e.g. `fr`.
    pub fn code(self) -> &'static str {
        self.0
    }

    #[cfg(not(feature = "hydrate"))]
    fn catalogue(self) -> &'static Catalogue {
        &catalogues()
            .iter()
            .find(|(code, _)| *code == self.0)
            .expect("known locale")
            .1
    }

    /// Whether this locale has its own translation for `key` (tests use it to find gaps).
    #[cfg(not(feature = "hydrate"))]
    pub fn has(self, key: &str) -> bool {
        self.catalogue().contains_key(key)
    }

    /// The keys of this locale's catalogue.
    #[cfg(not(feature = "hydrate"))]
    pub fn keys(self) -> impl Iterator<Item = &'static str> {
        self.catalogue().keys().map(String::as_str)
    }

    /// The translation of `key`, falling back to French, then to the key itself.
    #[cfg(not(feature = "hydrate"))]
    pub fn t(self, key: &str) -> String {
        self.catalogue()
            .get(key)
            .or_else(|| Locale::default().catalogue().get(key))
            .cloned()
            .unwrap_or_else(|| key.to_owned())
    }

    /// The translation of `key` among the texts the page's islands received.
    #[cfg(feature = "hydrate")]
    pub fn t(self, key: &str) -> String {
        BROWSER_STRINGS
            .with(|strings| strings.borrow().get(key).cloned())
            .unwrap_or_else(|| key.to_owned())
    }

    /// The translation of `key` with `{name}` placeholders replaced.
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key);
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// The plural form `key.one` or `key.other` for `count`, with `{count}` filled in.
    pub fn plural(self, key: &str, count: i64) -> String {
        // French counts 0 and 1 as singular; the other supported languages only 1.
        let one = if self.0 == "fr" {
            count.abs() <= 1
        } else {
            count.abs() == 1
        };
        let form = if one { "one" } else { "other" };
        self.tf(&format!("{key}.{form}"), &[("count", &count.to_string())])
    }

    /// The language's own name, for the language switch.
    pub fn native_name(self) -> String {
        self.t("language.native_name")
    }
}

/// The locale of the current page: provided by the app root on the server; in the browser,
/// where each island runs on its own, read back from `<html lang>` (which the server set).
pub fn use_locale() -> Locale {
    leptos::prelude::use_context::<Locale>().unwrap_or_else(document_locale)
}

fn document_locale() -> Locale {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|lang| Locale::parse(&lang))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    Locale::default()
}

#[cfg(feature = "hydrate")]
thread_local! {
    static BROWSER_STRINGS: std::cell::RefCell<std::collections::HashMap<String, String>> =
        Default::default();
}

/// Texts of the page's language for an island, chosen on the server by key prefix and carried
/// in the island's props.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Strings(Vec<(String, String)>);

impl Strings {
    /// The texts whose keys start with one of `prefixes`, in the current page's language
    /// (French where a translation is missing). Empty in the browser, which never needs it.
    pub fn of(prefixes: &[&str]) -> Strings {
        #[cfg(not(feature = "hydrate"))]
        {
            let locale = use_locale();
            let mut keys: Vec<&str> = Locale::default()
                .keys()
                .chain(locale.keys())
                .filter(|key| prefixes.iter().any(|p| key.starts_with(p)))
                .collect();
            keys.sort_unstable();
            keys.dedup();
            Strings(
                keys.into_iter()
                    .map(|key| (key.to_owned(), locale.t(key)))
                    .collect(),
            )
        }
        #[cfg(feature = "hydrate")]
        {
            let _ = prefixes;
            Strings::default()
        }
    }

    /// Every text of the current page's language (the merchants' and accounts' screens).
    pub fn all() -> Strings {
        Strings::of(&[""])
    }

    /// Makes these texts available to [`Locale::t`] in the browser (nothing on the server).
    pub fn install(self) {
        #[cfg(feature = "hydrate")]
        BROWSER_STRINGS.with(|strings| strings.borrow_mut().extend(self.0));
        #[cfg(not(feature = "hydrate"))]
        let _ = self;
    }
}
