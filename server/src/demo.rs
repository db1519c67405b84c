//! `quartier demo`: Habay's real shops (OpenStreetMap, 2020) as a demo town with two districts.

use app::server::{NewDistrict, NewTown, Store, Town};

use crate::osm_import::{import_geojson, ImportError, ImportReport};

/// The Habay extract shipped with the binary (© OpenStreetMap contributors, ODbL).
pub const HABAY_GEOJSON: &str = include_str!("../data/habay-2020.geojson");

/// Two plausible shopping districts, drawn by hand around the shops of each village centre.
pub const DEMO_DISTRICTS: [(&str, &str, &str); 2] = [
    (
        "habay-la-neuve-centre",
        "Habay-la-Neuve centre",
        r#"{"type":"Polygon","coordinates":[[[5.6385,49.7248],[5.6440,49.7252],[5.6500,49.7240],[5.6528,49.7262],[5.6562,49.7292],[5.6560,49.7332],[5.6505,49.7336],[5.6420,49.7310],[5.6385,49.7290],[5.6385,49.7248]]]}"#,
    ),
    (
        "marbehan",
        "Marbehan",
        r#"{"type":"Polygon","coordinates":[[[5.5290,49.7195],[5.5370,49.7190],[5.5425,49.7215],[5.5430,49.7262],[5.5400,49.7282],[5.5290,49.7282],[5.5290,49.7195]]]}"#,
    ),
];

#[derive(Debug)]
pub struct DemoReport {
    pub town: Town,
    pub import: ImportReport,
}

/// Loads (or refreshes) the demo town. Idempotent.
pub async fn load_demo(store: &dyn Store, timezone: &str) -> Result<DemoReport, ImportError> {
    let store_err = |e: app::server::StoreError| ImportError::Store(e.to_string());
    let town = store
        .upsert_town(&NewTown {
            slug: "habay".into(),
            name: "Habay".into(),
            timezone: timezone.into(),
        })
        .await
        .map_err(store_err)?;
    for (slug, name, boundary) in DEMO_DISTRICTS {
        store
            .upsert_district(
                town.id,
                &NewDistrict {
                    slug: slug.into(),
                    name: name.into(),
                    boundary: boundary.into(),
                },
            )
            .await
            .map_err(store_err)?;
    }
    let import = import_geojson(store, &town, HABAY_GEOJSON).await?;
    crate::districts::assign_shops(store, &town)
        .await
        .map_err(store_err)?;
    Ok(DemoReport { town, import })
}
