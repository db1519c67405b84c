//! What the town's districts pages show its administrators (`/manage/districts`).

use serde::{Deserialize, Serialize};

use super::NamedLink;

/// `/manage/districts`: the districts, their shops and stewards, the shops outside any.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DistrictsAdminView {
    pub districts: Vec<AdminDistrict>,
    /// Shops no district holds (their pages).
    pub outside: Vec<NamedLink>,
    /// The map to draw a new district on.
    pub map: OutlineMap,
}

/// What the outline editor's map shows: the town's shops and the other districts' outlines.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutlineMap {
    pub tile_url: Option<String>,
    pub attribution: String,
    pub shops: Vec<OutlineShop>,
    /// The other districts' outlines (GeoJSON geometries, simplified for display).
    pub others: Vec<String>,
    /// The largest outline file accepted, in bytes.
    pub max_bytes: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutlineShop {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    /// In the district being edited.
    pub here: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminDistrict {
    pub slug: String,
    pub name: String,
    pub shops: usize,
    pub stewards: Vec<StewardView>,
    /// An outline waits to be saved.
    pub draft: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StewardView {
    pub user_id: i64,
    pub email: String,
}

/// `/manage/districts/{slug}`: one district, its outline (and the one waiting, with what it
/// changes), its stewards, the shops it shares with another district.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DistrictEditView {
    pub slug: String,
    pub name: String,
    /// Its outline as GeoJSON (empty: none yet), and how many points it has.
    pub outline: String,
    pub points: usize,
    pub shops: usize,
    pub stewards: Vec<StewardView>,
    pub draft: Option<OutlineDraftView>,
    /// Shops inside this district's outline and another's.
    pub shared: Vec<SharedShop>,
    pub map: OutlineMap,
}

/// An outline waiting to be saved: what saving it would change, or why it cannot be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlineDraftView {
    pub text: String,
    /// What saving it sends back: its hash, so that only the previewed outline is saved.
    pub hash: String,
    /// Why it cannot be saved (translated).
    pub error: Option<String>,
    pub inside: usize,
    pub joining: Vec<MovedShop>,
    pub leaving: Vec<MovedShop>,
    /// Shops the new outline shares with another district (they stay where they are).
    pub overlaps: Vec<MovedShop>,
}

/// A shop, and the other district concerned (where it comes from or goes; `None`: no district).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedShop {
    pub shop: NamedLink,
    pub other: Option<String>,
}

/// A shop inside several districts' outlines: where it is, and where else it could be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedShop {
    pub slug: String,
    pub name: String,
    pub current: Option<String>,
    /// The other districts holding it: `(slug, name)`.
    pub others: Vec<(String, String)>,
}
