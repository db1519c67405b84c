//! The curated list of shop categories and how OpenStreetMap tags map onto it.
//!
//! Labels live in the locale files under `category.<key>`; `schema_type` is the schema.org
//! `LocalBusiness` subtype used for structured data.

/// One category of the curated list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Category {
    /// Stable identifier, used in URLs and the database.
    pub key: &'static str,
    /// The schema.org type for structured data.
    pub schema_type: &'static str,
    /// `(osm_key, osm_value)` pairs that map to this category.
    pub osm_tags: &'static [(&'static str, &'static str)],
}

/// Key of the category for shops whose `shop=*` value is not in the list.
pub const OTHER: &str = "other";

macro_rules! categories {
    ($( $key:literal => $schema:literal : [ $( $k:literal = $v:literal ),* $(,)? ] ),* $(,)?) => {
        pub const CATEGORIES: &[Category] = &[
            $( Category { key: $key, schema_type: $schema, osm_tags: &[ $( ($k, $v) ),* ] } ),*
        ];
    };
}

categories! {
    "bakery" => "Bakery": ["shop" = "bakery", "shop" = "pastry"],
    "butcher" => "Store": ["shop" = "butcher"],
    "fishmonger" => "Store": ["shop" = "seafood"],
    "supermarket" => "GroceryStore": ["shop" = "supermarket"],
    "grocery" => "GroceryStore": ["shop" = "convenience", "shop" = "deli", "shop" = "greengrocer",
        "shop" = "general", "shop" = "farm", "shop" = "cheese", "shop" = "health_food",
        "shop" = "organic", "shop" = "frozen_food", "shop" = "spices", "shop" = "tea", "shop" = "coffee"],
    "sweets" => "Store": ["shop" = "chocolate", "shop" = "confectionery", "shop" = "ice_cream",
        "amenity" = "ice_cream"],
    "drinks" => "LiquorStore": ["shop" = "alcohol", "shop" = "beverages", "shop" = "wine"],
    "restaurant" => "Restaurant": ["amenity" = "restaurant"],
    "fast_food" => "FastFoodRestaurant": ["amenity" = "fast_food", "amenity" = "food_court"],
    "cafe" => "CafeOrCoffeeShop": ["amenity" = "cafe"],
    "bar" => "BarOrPub": ["amenity" = "bar", "amenity" = "pub", "amenity" = "biergarten"],
    "clothes" => "ClothingStore": ["shop" = "clothes", "shop" = "fashion", "shop" = "boutique",
        "shop" = "fabric", "shop" = "tailor", "shop" = "fashion_accessories", "shop" = "bag"],
    "shoes" => "ShoeStore": ["shop" = "shoes"],
    "jewellery" => "JewelryStore": ["shop" = "jewelry", "shop" = "watches"],
    "second_hand" => "Store": ["shop" = "second_hand", "shop" = "charity", "shop" = "antiques"],
    "pharmacy" => "Pharmacy": ["amenity" = "pharmacy", "shop" = "medical_supply", "shop" = "chemist"],
    "optician" => "Optician": ["shop" = "optician", "shop" = "hearing_aids"],
    "hairdresser" => "HairSalon": ["shop" = "hairdresser", "shop" = "barber"],
    "beauty" => "HealthAndBeautyBusiness": ["shop" = "beauty", "shop" = "cosmetics",
        "shop" = "perfumery", "shop" = "massage", "shop" = "tattoo", "shop" = "nail_salon"],
    "florist" => "Florist": ["shop" = "florist", "shop" = "garden_centre"],
    "diy" => "HardwareStore": ["shop" = "doityourself", "shop" = "hardware", "shop" = "paint",
        "shop" = "trade", "shop" = "building_materials", "shop" = "bathroom_furnishing",
        "shop" = "tiles", "shop" = "flooring", "shop" = "electrical"],
    "home" => "HomeGoodsStore": ["shop" = "furniture", "shop" = "interior_decoration",
        "shop" = "kitchen", "shop" = "bed", "shop" = "houseware", "shop" = "lighting",
        "shop" = "curtain", "shop" = "carpet", "shop" = "appliance"],
    "electronics" => "ElectronicsStore": ["shop" = "electronics", "shop" = "computer",
        "shop" = "mobile_phone", "shop" = "hifi", "shop" = "telecommunication", "shop" = "camera"],
    "books" => "BookStore": ["shop" = "books", "shop" = "newsagent", "shop" = "stationery",
        "shop" = "kiosk", "shop" = "tobacco", "shop" = "e-cigarette", "shop" = "lottery"],
    "toys" => "ToyStore": ["shop" = "toys", "shop" = "games", "shop" = "baby_goods",
        "shop" = "model", "shop" = "video_games"],
    "sports" => "SportingGoodsStore": ["shop" = "sports", "shop" = "outdoor", "shop" = "bicycle",
        "shop" = "fishing", "shop" = "hunting", "shop" = "equestrian"],
    "gifts" => "Store": ["shop" = "gift", "shop" = "art", "shop" = "craft", "shop" = "photo",
        "shop" = "music", "shop" = "musical_instrument", "shop" = "frame", "shop" = "party",
        "shop" = "variety_store", "shop" = "department_store"],
    "pets" => "PetStore": ["shop" = "pet", "shop" = "pet_grooming", "shop" = "agrarian"],
    "bank" => "BankOrCreditUnion": ["amenity" = "bank", "amenity" = "bureau_de_change"],
    "services" => "LocalBusiness": ["shop" = "laundry", "shop" = "dry_cleaning",
        "shop" = "travel_agency", "shop" = "copyshop", "shop" = "funeral_directors",
        "shop" = "insurance", "shop" = "estate_agent", "shop" = "rental", "amenity" = "post_office"],
    "car" => "AutomotiveBusiness": ["shop" = "car", "shop" = "car_repair", "shop" = "car_parts",
        "shop" = "tyres", "shop" = "motorcycle", "amenity" = "fuel", "amenity" = "car_wash"],
    "leisure" => "EntertainmentBusiness": ["amenity" = "cinema", "amenity" = "theatre",
        "amenity" = "marketplace"],
    "lodging" => "LodgingBusiness": ["tourism" = "hotel", "tourism" = "guest_house",
        "tourism" = "hostel", "tourism" = "apartment", "tourism" = "chalet"],
    "other" => "Store": [],
}

/// Looks a category up by its key.
pub fn by_key(key: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.key == key)
}

/// How a feature's tags were classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Classification {
    /// A business of a known category; `tag` is the OSM tag that decided it (e.g. `shop=bakery`).
    Known {
        category: &'static Category,
        tag: String,
    },
    /// A `shop=*` whose value is not in the list: kept, as "other".
    UnknownShop { tag: String },
    /// Not something a shopping district lists (school, town hall, bench…).
    NotABusiness { tag: Option<String> },
}

/// Classifies a feature by its tags. `shop=*` wins over `amenity=*`, which wins over `tourism=*`
/// (a restaurant that is also a hotel is listed as a restaurant).
pub fn classify<'a>(tag: impl Fn(&str) -> Option<&'a str>) -> Classification {
    for osm_key in ["shop", "amenity", "tourism"] {
        let Some(raw) = tag(osm_key) else { continue };
        // OSM allows several values separated by ';' — the first known one decides.
        for value in raw.split(';').map(str::trim).filter(|v| !v.is_empty()) {
            if let Some(category) = CATEGORIES
                .iter()
                .find(|c| c.osm_tags.iter().any(|(k, v)| *k == osm_key && *v == value))
            {
                return Classification::Known {
                    category,
                    tag: format!("{osm_key}={value}"),
                };
            }
        }
        if osm_key == "shop" && !matches!(raw.trim(), "" | "no" | "vacant" | "yes") {
            return Classification::UnknownShop {
                tag: format!("shop={}", raw.trim()),
            };
        }
        if osm_key == "shop" && raw.trim() == "yes" {
            return Classification::UnknownShop {
                tag: "shop=yes".into(),
            };
        }
    }
    let tag = ["shop", "amenity", "tourism", "office", "craft", "leisure"]
        .iter()
        .find_map(|k| tag(k).map(|v| format!("{k}={v}")));
    Classification::NotABusiness { tag }
}
