//! Importing shops from an overpass-turbo GeoJSON export.
//!
//! Each feature is imported as far as it can be or skipped with a reason; one bad feature
//! never fails the file. Re-importing is idempotent: shops are matched by OSM id.

use std::collections::BTreeMap;

use app::domain::{categories, contact, hours, slugs};
use app::server::{ShopFields, Store, Town, UpsertOutcome};
use geo::Centroid;

use crate::config::Config;
use serde_json::{Map, Value};

/// The whole file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is not valid JSON: {0}")]
    NotJson(String),
    #[error("the file is not a GeoJSON FeatureCollection (expected \"type\": \"FeatureCollection\" with \"features\")")]
    NotFeatureCollection,
    #[error("storage failed during the import: {0}")]
    Store(String),
}

/// A feature that was not imported, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub osm_id: Option<String>,
    pub name: Option<String>,
    pub reason: String,
}

/// Something imported with a caveat (an unknown tag, unreadable hours, a dropped field).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub osm_id: String,
    pub name: String,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Features describing an OSM object already seen in the file (e.g. overpass "center" points).
    pub merged_duplicates: usize,
    pub skipped: Vec<Skipped>,
    pub warnings: Vec<Warning>,
}

impl ImportReport {
    /// The summary printed by `quartier import-osm`.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "imported: {} new, {} updated, {} unchanged; skipped: {}; duplicates merged: {}\n",
            self.inserted,
            self.updated,
            self.unchanged,
            self.skipped.len(),
            self.merged_duplicates
        );
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        for skipped in &self.skipped {
            *reasons.entry(skipped.reason.as_str()).or_default() += 1;
        }
        if !reasons.is_empty() {
            out.push_str("skipped features by reason:\n");
            for (reason, count) in reasons {
                out.push_str(&format!("  {count:>4} × {reason}\n"));
            }
        }
        if !self.warnings.is_empty() {
            out.push_str("imported with warnings:\n");
            for w in &self.warnings {
                out.push_str(&format!("  {} ({}): {}\n", w.name, w.osm_id, w.message));
            }
        }
        out
    }
}

const MAX_NAME: usize = 200;
const MAX_FIELD: usize = 500;
/// Longest description kept.
const MAX_DESCRIPTION: usize = 1000;

/// One shop ready to be stored.
struct Candidate {
    osm_id: String,
    fields: ShopFields,
    warnings: Vec<String>,
}

/// Reads the GeoJSON text and upserts its shops into `town`.
pub async fn import_geojson(
    store: &dyn Store,
    town: &Town,
    text: &str,
) -> Result<ImportReport, ImportError> {
    let root: Value =
        serde_json::from_str(text).map_err(|e| ImportError::NotJson(e.to_string()))?;
    let features = match (&root.get("type"), root.get("features")) {
        (Some(Value::String(t)), Some(Value::Array(features))) if t == "FeatureCollection" => {
            features
        }
        _ => return Err(ImportError::NotFeatureCollection),
    };

    let mut report = ImportReport::default();
    // One feature per OSM object, in file order: overpass exports a polygon and its "center"
    // point under the same id, and the polygon (whose centroid we compute) wins.
    let mut unique: Vec<(Option<String>, &Value)> = Vec::new();
    for feature in features {
        let id = feature_osm_id(feature);
        match id.as_ref().and_then(|id| {
            unique
                .iter_mut()
                .find(|(seen, _)| seen.as_ref() == Some(id))
        }) {
            Some(seen) => {
                report.merged_duplicates += 1;
                if is_point(seen.1) && !is_point(feature) {
                    seen.1 = feature;
                }
            }
            None => unique.push((id, feature)),
        }
    }
    let mut candidates: Vec<Candidate> = Vec::new();
    for (_, feature) in unique {
        match candidate(feature) {
            Ok(c) => candidates.push(c),
            Err(skipped) => report.skipped.push(skipped),
        }
    }

    for c in candidates {
        let mut slug_candidates =
            slugs::candidates(&c.fields.name, c.fields.city.as_deref(), "commerce");
        let (_, outcome) = store
            .upsert_osm_shop(town.id, &c.osm_id, &c.fields, &mut slug_candidates)
            .await
            .map_err(|e| ImportError::Store(e.to_string()))?;
        match outcome {
            UpsertOutcome::Inserted => report.inserted += 1,
            UpsertOutcome::Updated => report.updated += 1,
            UpsertOutcome::Unchanged => report.unchanged += 1,
        }
        for message in c.warnings {
            report.warnings.push(Warning {
                osm_id: c.osm_id.clone(),
                name: c.fields.name.clone(),
                message,
            });
        }
    }
    Ok(report)
}

fn candidate(feature: &Value) -> Result<Candidate, Skipped> {
    let empty = Map::new();
    let properties = feature
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let tag = |key: &str| -> Option<String> {
        let text = match properties.get(key)? {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        (!text.is_empty()).then_some(text)
    };
    let name = tag("name");
    let osm_id = feature_osm_id(feature);
    let skip = |reason: String| Skipped {
        osm_id: osm_id.clone(),
        name: name.clone(),
        reason,
    };

    let Some(osm_id) = osm_id.clone() else {
        return Err(skip("no OSM id (@id such as node/123)".into()));
    };
    let tags: BTreeMap<String, String> = properties
        .keys()
        .filter_map(|k| tag(k).map(|v| (k.clone(), v)))
        .collect();
    let mut warnings = Vec::new();
    let (category, source_tag) = match categories::classify(|k| tags.get(k).map(String::as_str)) {
        categories::Classification::Known { category, tag } => (category.key.to_owned(), Some(tag)),
        categories::Classification::UnknownShop { tag } => {
            warnings.push(format!(
                "unknown tag {tag}: listed under \"{}\"",
                categories::OTHER
            ));
            (categories::OTHER.to_owned(), Some(tag))
        }
        categories::Classification::NotABusiness { tag } => {
            return Err(skip(match tag {
                Some(tag) => format!("not a shop ({tag})"),
                None => "not a shop (no shop/amenity tag)".into(),
            }))
        }
    };
    let Some(name) = name.clone() else {
        return Err(skip(format!(
            "no name ({})",
            source_tag.unwrap_or_default()
        )));
    };
    if name.chars().count() > MAX_NAME {
        return Err(skip(format!("name longer than {MAX_NAME} characters")));
    }
    let (lat, lon) = position(feature).map_err(skip)?;

    let Details {
        street,
        housenumber,
        postcode,
        city,
        phone,
        website,
        email,
        opening_hours,
        description,
    } = details(&tag, &mut warnings);
    Ok(Candidate {
        osm_id,
        fields: ShopFields {
            name,
            category,
            source_tag,
            street,
            housenumber,
            postcode,
            city,
            lat,
            lon,
            phone,
            website,
            email,
            opening_hours,
            description,
        },
        warnings,
    })
}

/// A shop's address, contact details, hours and description, as its tags give them.
struct Details {
    street: Option<String>,
    housenumber: Option<String>,
    postcode: Option<String>,
    city: Option<String>,
    phone: Option<String>,
    website: Option<String>,
    email: Option<String>,
    opening_hours: Option<String>,
    description: Option<String>,
}

/// A shop's address, contact details, hours and description from its tags: each kept when it
/// is usable, else dropped (or kept with a warning of what it will lack).
fn details(tag: &dyn Fn(&str) -> Option<String>, warnings: &mut Vec<String>) -> Details {
    let mut bounded = |key: &str| -> Option<String> {
        let value = tag(key).or_else(|| tag(&format!("contact:{key}")))?;
        if value.chars().count() > MAX_FIELD {
            warnings.push(format!("{key} dropped: longer than {MAX_FIELD} characters"));
            return None;
        }
        Some(value)
    };
    let phone = bounded("phone");
    let website = bounded("website");
    let email = bounded("email");
    let opening_hours = bounded("opening_hours");
    let street = bounded("addr:street");
    let housenumber = bounded("addr:housenumber");
    let postcode = bounded("addr:postcode");
    let city = bounded("addr:city").or_else(|| bounded("addr:place"));
    let description = tag("description:fr").or_else(|| tag("description"));
    let description = match description {
        Some(d) if d.chars().count() > MAX_DESCRIPTION => {
            warnings.push(format!(
                "description dropped: longer than {MAX_DESCRIPTION} characters"
            ));
            None
        }
        other => other,
    };

    let website = match website {
        Some(w) if contact::website_url(&w).is_none() => {
            warnings.push(format!("website dropped: '{w}' is not a web address"));
            None
        }
        other => other,
    };
    let email = match email {
        Some(e) if contact::email(&e).is_none() => {
            warnings.push(format!("email dropped: '{e}' is not an e-mail address"));
            None
        }
        other => other,
    };
    if let Some(raw) = &opening_hours {
        if !hours::is_valid(raw) {
            warnings.push(format!(
                "opening_hours '{raw}' could not be read: kept as text, no open/closed status"
            ));
        }
    }
    if let Some(p) = &phone {
        if contact::phone_uri(p).is_none() {
            warnings.push(format!(
                "phone '{p}' is not a callable number: shown without a call link"
            ));
        }
    }

    Details {
        street,
        housenumber,
        postcode,
        city,
        phone,
        website,
        email,
        opening_hours,
        description,
    }
}

/// `node/123`, `way/456` or `relation/789`, from the `@id` property or the feature's `id`.
fn feature_osm_id(feature: &Value) -> Option<String> {
    let from_properties = feature
        .get("properties")
        .and_then(|p| p.get("@id"))
        .and_then(Value::as_str);
    from_properties
        .or_else(|| feature.get("id").and_then(Value::as_str))
        .map(str::trim)
        .filter(|id| is_osm_id(id))
        .map(str::to_owned)
}

fn is_point(feature: &Value) -> bool {
    feature
        .get("geometry")
        .and_then(|g| g.get("type"))
        .and_then(Value::as_str)
        == Some("Point")
}

fn is_osm_id(id: &str) -> bool {
    match id.split_once('/') {
        Some(("node" | "way" | "relation", number)) => {
            !number.is_empty() && number.len() <= 20 && number.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

/// The feature's position: the point itself, or the centroid of a polygon or line.
fn position(feature: &Value) -> Result<(f64, f64), String> {
    let geometry = feature
        .get("geometry")
        .filter(|g| !g.is_null())
        .ok_or("no geometry")?;
    let geometry: geojson::Geometry = serde_json::from_value(geometry.clone())
        .map_err(|e| format!("unreadable geometry: {e}"))?;
    let shape: geo::Geometry<f64> =
        geo::Geometry::try_from(geometry).map_err(|e| format!("unusable geometry: {e}"))?;
    let centre = shape.centroid().ok_or("empty geometry")?;
    let (lon, lat) = (centre.x(), centre.y());
    if !(lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon))
    {
        return Err(format!("coordinates out of range ({lat}, {lon})"));
    }
    Ok((lat, lon))
}

/// `quartier import-osm FILE --town NAME`: imports the file into the town (created if missing),
/// then puts each shop in its district.
///
/// An existing town is found by its slug (`arlon`) or by a name giving that slug (`Arlon`) and
/// keeps its name, time zone and settings (`quartier town set` changes them); a new one is named
/// NAME, in the instance's time zone.
pub async fn run(config: &Config, file: &std::path::Path, town: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let slug = slugs::slugify(town).ok_or_else(|| format!("'{town}' is not a usable town name"))?;
    let store = super::open_store(config).await?;
    let existing = app::server::TownStore::town_by_slug(&store, &slug)
        .await
        .map_err(|e| e.to_string())?;
    let town = match existing {
        Some(town) => town,
        None => app::server::TownStore::upsert_town(
            &store,
            &app::server::NewTown {
                slug,
                name: town.trim().to_owned(),
                timezone: config.timezone.name().to_owned(),
            },
        )
        .await
        .map_err(|e| e.to_string())?,
    };
    let report = import_geojson(&store, &town, &text)
        .await
        .map_err(|e| format!("{}: {e}", file.display()))?;
    app::server::districts::assign_shops(&store, &town)
        .await
        .map_err(|e| e.to_string())?;
    print!("{}", report.summary());
    Ok(())
}
