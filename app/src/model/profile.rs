//! What the shop profile editor shows and sends.

use serde::{Deserialize, Serialize};

use super::ShopSummary;

/// Blank closure rows offered below the existing ones (a plain form cannot add rows).
pub const BLANK_CLOSURE_ROWS: usize = 3;
/// Most closure rows read from a form.
pub const MAX_CLOSURE_ROWS: usize = 40;

/// One day of the weekly editor: closed, or one or two periods.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayForm {
    pub closed: bool,
    pub from1: String,
    pub to1: String,
    pub from2: String,
    pub to2: String,
}

/// An exceptional closure: a date, or the same day every year.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosureForm {
    pub date: String,
    pub yearly: bool,
}

/// The profile form, as typed (strings, so that a refused value comes back unchanged).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileForm {
    pub category: String,
    pub description: String,
    pub phone: String,
    pub website: String,
    pub email: String,
    /// The hours are typed in OSM syntax rather than with the weekly editor.
    pub advanced_hours: bool,
    /// Monday first.
    pub days: Vec<DayForm>,
    pub holidays_closed: bool,
    pub closures: Vec<ClosureForm>,
    /// The OSM `opening_hours` value of the advanced field.
    pub hours: String,
    /// The Google Maps place: a Place ID, or an address carrying one.
    pub google_place: String,
    /// Other listings, one web address per line.
    pub listings: String,
}

impl ProfileForm {
    /// The form from its fields (a submitted form, or the query of a refused one).
    pub fn from_fields(get: impl Fn(&str) -> Option<String>) -> ProfileForm {
        let text = |name: &str| get(name).unwrap_or_default();
        let checked = |name: &str| get(name).is_some_and(|v| !v.is_empty());
        ProfileForm {
            category: text("category"),
            description: text("description"),
            phone: text("phone"),
            website: text("website"),
            email: text("email"),
            advanced_hours: get("hours_mode").as_deref() == Some("advanced"),
            days: (0..7)
                .map(|d| DayForm {
                    closed: checked(&format!("d{d}_closed")),
                    from1: text(&format!("d{d}_from1")),
                    to1: text(&format!("d{d}_to1")),
                    from2: text(&format!("d{d}_from2")),
                    to2: text(&format!("d{d}_to2")),
                })
                .collect(),
            holidays_closed: checked("holidays_closed"),
            closures: (0..MAX_CLOSURE_ROWS)
                .filter_map(|i| {
                    let date = get(&format!("closure{i}_date"))?;
                    Some(ClosureForm {
                        date,
                        yearly: checked(&format!("closure{i}_yearly")),
                    })
                })
                .filter(|c| !c.date.trim().is_empty())
                .collect(),
            hours: text("hours"),
            google_place: text("google_place"),
            listings: text("listings"),
        }
    }

    /// The non-empty fields, as [`ProfileForm::from_fields`] reads them.
    pub fn to_fields(&self) -> Vec<(String, String)> {
        let mut fields: Vec<(String, String)> = vec![
            ("category".into(), self.category.clone()),
            ("description".into(), self.description.clone()),
            ("phone".into(), self.phone.clone()),
            ("website".into(), self.website.clone()),
            ("email".into(), self.email.clone()),
            ("hours".into(), self.hours.clone()),
            ("google_place".into(), self.google_place.clone()),
            ("listings".into(), self.listings.clone()),
        ];
        if self.advanced_hours {
            fields.push(("hours_mode".into(), "advanced".into()));
        }
        if self.holidays_closed {
            fields.push(("holidays_closed".into(), "on".into()));
        }
        for (d, day) in self.days.iter().enumerate() {
            if day.closed {
                fields.push((format!("d{d}_closed"), "on".into()));
            }
            for (name, value) in [
                ("from1", &day.from1),
                ("to1", &day.to1),
                ("from2", &day.from2),
                ("to2", &day.to2),
            ] {
                fields.push((format!("d{d}_{name}"), value.clone()));
            }
        }
        for (i, closure) in self.closures.iter().enumerate() {
            fields.push((format!("closure{i}_date"), closure.date.clone()));
            if closure.yearly {
                fields.push((format!("closure{i}_yearly"), "on".into()));
            }
        }
        fields.retain(|(_, v)| !v.is_empty());
        fields
    }
}

/// A photo of the shop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopPhoto {
    /// The stored name (what a form sends to remove it).
    pub name: String,
    pub thumb_url: String,
    pub large_url: String,
}

/// The profile editor of a shop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileView {
    pub shop: ShopSummary,
    pub form: ProfileForm,
    pub photos: Vec<ShopPhoto>,
    /// Category keys, in the curated order.
    pub categories: Vec<String>,
    /// The current hours, as stored.
    pub current_hours: Option<String>,
    /// The current hours are richer than the weekly editor: it starts in the advanced field.
    pub hours_beyond_week: bool,
    /// The shop came from OpenStreetMap (edited fields are then kept on re-import).
    pub from_osm: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip() {
        let form = ProfileForm {
            category: "bakery".into(),
            description: "Pain & co".into(),
            phone: "063 42 22 33".into(),
            website: String::new(),
            email: "a@b.be".into(),
            advanced_hours: false,
            days: (0..7)
                .map(|d| DayForm {
                    closed: d == 6,
                    from1: if d < 6 { "09:00".into() } else { String::new() },
                    to1: if d < 6 { "12:00".into() } else { String::new() },
                    from2: String::new(),
                    to2: String::new(),
                })
                .collect(),
            holidays_closed: true,
            closures: vec![ClosureForm {
                date: "2026-12-24".into(),
                yearly: true,
            }],
            hours: String::new(),
            google_place: "ChIJN1t_tDeuEmsRUsoyG83frY4".into(),
            listings: "www.facebook.com/a\nhttps://b.be".into(),
        };
        let fields = form.to_fields();
        let back = ProfileForm::from_fields(|name| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        });
        assert_eq!(back, form);
    }
}
