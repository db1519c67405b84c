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

/// The most bytes of an outline's GeoJSON text, and the most points it may have.
pub const OUTLINE_MAX_BYTES: usize = 1024 * 1024;
pub const OUTLINE_MAX_POINTS: usize = 10_000;

/// Why an outline cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutlineError {
    /// No text, or no polygon in it.
    Empty,
    /// Over [`OUTLINE_MAX_BYTES`] or [`OUTLINE_MAX_POINTS`].
    TooLarge,
    /// Not GeoJSON at all.
    NotGeoJson,
    /// GeoJSON, but points or lines rather than an area.
    NotPolygon,
    /// A coordinate outside longitude -180…180 / latitude -90…90 (or swapped beyond them).
    OutOfRange,
    /// A ring of fewer than three distinct points.
    TooFewPoints,
    /// An edge crosses another one.
    SelfIntersecting,
    /// Anything else geometry forbids (holes outside the outline, overlapping parts).
    Invalid,
}

impl OutlineError {
    /// The translation key of its message.
    pub fn key(self) -> &'static str {
        match self {
            OutlineError::Empty => "districts_admin.outline.error.empty",
            OutlineError::TooLarge => "districts_admin.outline.error.too_large",
            OutlineError::NotGeoJson => "districts_admin.outline.error.not_geojson",
            OutlineError::NotPolygon => "districts_admin.outline.error.not_polygon",
            OutlineError::OutOfRange => "districts_admin.outline.error.out_of_range",
            OutlineError::TooFewPoints => "districts_admin.outline.error.too_few_points",
            OutlineError::SelfIntersecting => "districts_admin.outline.error.self_intersecting",
            OutlineError::Invalid => "districts_admin.outline.error.invalid",
        }
    }
}

/// Reads a district's outline from GeoJSON (RFC 7946, WGS 84 longitude/latitude): a geometry, a
/// Feature or a FeatureCollection (as geojson.io, uMap or QGIS export them) whose geometries are
/// Polygons or MultiPolygons, joined into one shape. Returns the shape and the GeoJSON geometry
/// to store.
pub fn read_outline(text: &str) -> Result<(Geometry<f64>, String), OutlineError> {
    use geo::{MultiPolygon, Polygon, Validation};
    let text = text.trim();
    if text.is_empty() {
        return Err(OutlineError::Empty);
    }
    if text.len() > OUTLINE_MAX_BYTES {
        return Err(OutlineError::TooLarge);
    }
    let parsed: geojson::GeoJson = text.parse().map_err(|_| OutlineError::NotGeoJson)?;
    let geometries: Vec<geojson::Geometry> = match parsed {
        geojson::GeoJson::Geometry(g) => vec![g],
        geojson::GeoJson::Feature(f) => f.geometry.into_iter().collect(),
        geojson::GeoJson::FeatureCollection(c) => {
            c.features.into_iter().filter_map(|f| f.geometry).collect()
        }
    };
    let mut polygons: Vec<Polygon<f64>> = Vec::new();
    for geometry in geometries {
        // Areas only; and every position a longitude and a latitude (the parser takes `[5]`
        // for a position, which the conversion would not survive).
        let rings: Vec<&Vec<geojson::Position>> = match &geometry.value {
            geojson::GeometryValue::Polygon { coordinates } => coordinates.iter().collect(),
            geojson::GeometryValue::MultiPolygon { coordinates } => {
                coordinates.iter().flatten().collect()
            }
            _ => return Err(OutlineError::NotPolygon),
        };
        if rings.iter().any(|ring| ring.iter().any(|p| p.len() < 2)) {
            return Err(OutlineError::NotGeoJson);
        }
        match Geometry::<f64>::try_from(geometry).map_err(|_| OutlineError::NotPolygon)? {
            Geometry::Polygon(p) => polygons.push(p),
            Geometry::MultiPolygon(m) => polygons.extend(m.0),
            _ => return Err(OutlineError::NotPolygon),
        }
    }
    if polygons.is_empty() {
        return Err(OutlineError::Empty);
    }
    let rings = || {
        polygons
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
    };
    if rings().map(|r| r.0.len()).sum::<usize>() > OUTLINE_MAX_POINTS {
        return Err(OutlineError::TooLarge);
    }
    let in_range = |c: &geo::Coord<f64>| {
        c.x.is_finite()
            && c.y.is_finite()
            && (-180.0..=180.0).contains(&c.x)
            && (-90.0..=90.0).contains(&c.y)
    };
    if !rings().all(|r| r.0.iter().all(in_range)) {
        return Err(OutlineError::OutOfRange);
    }
    for polygon in &polygons {
        if let Err(problem) = polygon.check_validation() {
            use geo::algorithm::validation::InvalidPolygon;
            return Err(match problem {
                InvalidPolygon::TooFewPointsInRing(_) => OutlineError::TooFewPoints,
                InvalidPolygon::SelfIntersection(_) => OutlineError::SelfIntersecting,
                InvalidPolygon::NonFiniteCoord(..) => OutlineError::OutOfRange,
                _ => OutlineError::Invalid,
            });
        }
    }
    let shape = if polygons.len() == 1 {
        Geometry::Polygon(polygons.remove(0))
    } else {
        let multi = MultiPolygon(polygons);
        if !multi.is_valid() {
            return Err(OutlineError::Invalid);
        }
        Geometry::MultiPolygon(multi)
    };
    let stored = geojson::Geometry::from(&shape).to_string();
    Ok((shape, stored))
}

/// The district of a shop at `point`: the one it is in while that one's outline still holds it
/// (so an admin's choice between two overlapping districts stays), else the first (in the
/// given order) whose outline holds it, else none.
pub fn district_for(
    districts: &[(i64, &Geometry<f64>)],
    current: Option<i64>,
    lat: f64,
    lon: f64,
) -> Option<i64> {
    let point = Point::new(lon, lat);
    let holding = || {
        districts
            .iter()
            .filter(move |(_, shape)| shape.contains(&point))
            .map(|(id, _)| *id)
    };
    holding()
        .find(|id| Some(*id) == current)
        .or_else(|| holding().next())
}

/// Where each shop (`(id, lat, lon, current district)`) goes with `outlines` (in the town's
/// order): `(shop id, its district now, its district then)`, for every shop.
pub fn assignments(
    outlines: &[(i64, &Geometry<f64>)],
    shops: &[(i64, f64, f64, Option<i64>)],
) -> Vec<(i64, Option<i64>, Option<i64>)> {
    shops
        .iter()
        .map(|&(id, lat, lon, current)| (id, current, district_for(outlines, current, lat, lon)))
        .collect()
}

/// Every district whose outline holds the point (in the given order).
pub fn districts_holding(districts: &[(i64, &Geometry<f64>)], lat: f64, lon: f64) -> Vec<i64> {
    let point = Point::new(lon, lat);
    districts
        .iter()
        .filter(|(_, shape)| shape.contains(&point))
        .map(|(id, _)| *id)
        .collect()
}

#[cfg(test)]
mod outline_tests {
    use super::*;

    const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[5.0,49.0],[6.0,49.0],[6.0,50.0],[5.0,50.0],[5.0,49.0]]]}"#;

    #[test]
    fn a_polygon_a_feature_or_a_collection_is_read() {
        let (shape, stored) = read_outline(SQUARE).unwrap();
        assert!(matches!(shape, Geometry::Polygon(_)));
        assert!(parse_boundary(&stored).is_ok());
        let feature =
            format!(r#"{{"type":"Feature","properties":{{"name":"Centre"}},"geometry":{SQUARE}}}"#);
        assert!(matches!(
            read_outline(&feature).unwrap().0,
            Geometry::Polygon(_)
        ));
        let other = SQUARE.replace("5.0", "7.0").replace("6.0", "8.0");
        let collection = format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{SQUARE}}},{{"type":"Feature","properties":{{}},"geometry":{other}}}]}}"#
        );
        assert!(matches!(
            read_outline(&collection).unwrap().0,
            Geometry::MultiPolygon(_)
        ));
    }

    #[test]
    fn bad_outlines_say_why() {
        let bowtie = r#"{"type":"Polygon","coordinates":[[[5.0,49.0],[6.0,50.0],[6.0,49.0],[5.0,50.0],[5.0,49.0]]]}"#;
        assert_eq!(
            read_outline(bowtie).unwrap_err(),
            OutlineError::SelfIntersecting
        );
        assert_eq!(read_outline("  ").unwrap_err(), OutlineError::Empty);
        assert_eq!(
            read_outline(r#"{"type":"FeatureCollection","features":[]}"#).unwrap_err(),
            OutlineError::Empty
        );
        assert_eq!(
            read_outline("<kml/>").unwrap_err(),
            OutlineError::NotGeoJson
        );
        for short in [
            r#"{"type":"Polygon","coordinates":[[[5]]]}"#,
            r#"{"type":"Polygon","coordinates":[[[5,49],[]]]}"#,
            r#"{"type":"MultiPolygon","coordinates":[[[[5.0,49.0],[6.0,49.0],[6]]]]}"#,
        ] {
            assert_eq!(
                read_outline(short).unwrap_err(),
                OutlineError::NotGeoJson,
                "{short}"
            );
        }
        assert_eq!(
            read_outline(r#"{"type":"LineString","coordinates":[[5],[6]]}"#).unwrap_err(),
            OutlineError::NotPolygon
        );
        assert_eq!(
            read_outline(r#"{"type":"Point","coordinates":[5.6,49.7]}"#).unwrap_err(),
            OutlineError::NotPolygon
        );
        let swapped =
            r#"{"type":"Polygon","coordinates":[[[49.0,5.0],[49.0,600.0],[50.0,6.0],[49.0,5.0]]]}"#;
        assert_eq!(read_outline(swapped).unwrap_err(), OutlineError::OutOfRange);
        let line = r#"{"type":"Polygon","coordinates":[[[5.0,49.0],[6.0,49.0],[5.0,49.0]]]}"#;
        assert_eq!(read_outline(line).unwrap_err(), OutlineError::TooFewPoints);
        let long = SQUARE.replace(',', &format!(",{}", " ".repeat(OUTLINE_MAX_BYTES / 8)));
        assert_eq!(read_outline(&long).unwrap_err(), OutlineError::TooLarge);
    }

    #[test]
    fn a_shop_stays_in_its_district_while_it_holds_it() {
        let (a, _) = read_outline(SQUARE).unwrap();
        let (b, _) = read_outline(SQUARE).unwrap();
        let both = [(1, &a), (2, &b)];
        assert_eq!(district_for(&both, None, 49.5, 5.5), Some(1));
        assert_eq!(
            district_for(&both, Some(2), 49.5, 5.5),
            Some(2),
            "an admin's choice stays"
        );
        assert_eq!(district_for(&both, Some(3), 49.5, 5.5), Some(1));
        assert_eq!(district_for(&both, Some(1), 10.0, 10.0), None);
        assert_eq!(districts_holding(&both, 49.5, 5.5), vec![1, 2]);
    }
}
