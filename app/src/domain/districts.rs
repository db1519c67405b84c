//! Districts: the shopping areas of a town, and their outlines (point in polygon with `geo`).

use geo::{Contains, Geometry, Point};

#[derive(Clone, Debug, PartialEq)]
pub struct District {
    pub id: i64,
    pub town_id: i64,
    pub slug: String,
    pub name: String,
    /// GeoJSON geometry (Polygon or MultiPolygon), WGS 84.
    pub boundary: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewDistrict {
    pub slug: String,
    pub name: String,
    pub boundary: String,
}

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
