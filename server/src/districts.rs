//! Which district each shop is in (point in polygon with `geo`).

use app::server::{District, Store, StoreError, Town};
use geo::{Contains, Geometry, Point};

/// A district boundary that is not a usable GeoJSON (Multi)Polygon.
#[derive(Debug, thiserror::Error)]
#[error("district boundary is not a GeoJSON Polygon or MultiPolygon: {0}")]
pub struct BoundaryError(pub String);

/// Parses a boundary stored as GeoJSON.
pub fn parse_boundary(geojson_text: &str) -> Result<Geometry<f64>, BoundaryError> {
    let geometry: geojson::Geometry = geojson_text
        .parse()
        .map_err(|e: geojson::Error| BoundaryError(e.to_string()))?;
    let shape = Geometry::<f64>::try_from(geometry).map_err(|e| BoundaryError(e.to_string()))?;
    match shape {
        Geometry::Polygon(_) | Geometry::MultiPolygon(_) => Ok(shape),
        _ => Err(BoundaryError("not a polygon".into())),
    }
}

/// The first district (by slug) whose boundary contains the point.
pub fn district_of(
    districts: &[(District, Geometry<f64>)],
    lat: f64,
    lon: f64,
) -> Option<&District> {
    let point = Point::new(lon, lat);
    districts
        .iter()
        .find(|(_, shape)| shape.contains(&point))
        .map(|(d, _)| d)
}

/// Recomputes the district of every shop of the town; returns how many changed.
pub async fn assign_shops(store: &dyn Store, town: &Town) -> Result<usize, StoreError> {
    let districts: Vec<(District, Geometry<f64>)> = store
        .districts(town.id)
        .await?
        .into_iter()
        .filter_map(|d| match parse_boundary(&d.boundary) {
            Ok(shape) => Some((d, shape)),
            Err(error) => {
                tracing::warn!(district = %d.slug, %error, "ignoring a district with an unusable boundary");
                None
            }
        })
        .collect();
    let shops = store.shops(town.id, &Default::default()).await?;
    let changes: Vec<(i64, Option<i64>)> = shops
        .iter()
        .filter_map(|shop| {
            let district = district_of(&districts, shop.fields.lat, shop.fields.lon).map(|d| d.id);
            (district != shop.district_id).then_some((shop.id, district))
        })
        .collect();
    store.set_shop_districts(town.id, &changes).await?;
    Ok(changes.len())
}
