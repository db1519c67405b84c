//! "Near me": positions, rectangles around them and walking-scale distances.
//!
//! The browser sends its position rounded to three decimals (about 110 m by 70 m here), and the
//! server rounds again: nothing more precise is ever needed, logged or stored.

use geo::{Distance, Haversine, Point};

use super::shops::{BoundingBox, Shop};

/// Decimal places kept of a visitor's latitude and longitude.
pub const POSITION_DECIMALS: i32 = 3;
/// Search radii tried in turn until enough shops are found (metres).
pub const RADII_M: [f64; 6] = [500.0, 1_000.0, 2_000.0, 5_000.0, 10_000.0, 25_000.0];
/// Enough shops to stop widening the search.
pub const ENOUGH: usize = 10;
/// At most this many shops are listed.
pub const MAX_RESULTS: usize = 30;

/// The position rounded to `POSITION_DECIMALS`, or `None` if it is not a position on Earth.
pub fn coarse_position(lat: f64, lon: f64) -> Option<(f64, f64)> {
    let valid = lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon);
    if !valid {
        return None;
    }
    let factor = 10f64.powi(POSITION_DECIMALS);
    Some((
        (lat * factor).round() / factor,
        (lon * factor).round() / factor,
    ))
}

/// The rectangle that contains the circle of `radius_m` around the position.
pub fn bounding_box(lat: f64, lon: f64, radius_m: f64) -> BoundingBox {
    const METRES_PER_DEGREE: f64 = 111_320.0;
    let dlat = radius_m / METRES_PER_DEGREE;
    let cos = lat.to_radians().cos().max(0.01);
    let dlon = (radius_m / (METRES_PER_DEGREE * cos)).min(180.0);
    BoundingBox {
        min_lat: (lat - dlat).max(-90.0),
        max_lat: (lat + dlat).min(90.0),
        min_lon: (lon - dlon).max(-180.0),
        max_lon: (lon + dlon).min(180.0),
    }
}

/// Great-circle distance in metres.
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    Haversine.distance(Point::new(lon1, lat1), Point::new(lon2, lat2))
}

/// The shops within `radius_m`, nearest first (ties by name), with their distance.
pub fn nearest(shops: Vec<Shop>, lat: f64, lon: f64, radius_m: f64) -> Vec<(Shop, f64)> {
    let mut within: Vec<(Shop, f64)> = shops
        .into_iter()
        .map(|s| {
            let d = distance_m(lat, lon, s.fields.lat, s.fields.lon);
            (s, d)
        })
        .filter(|(_, d)| *d <= radius_m)
        .collect();
    within.sort_by(|a, b| {
        a.1.total_cmp(&b.1)
            .then_with(|| a.0.fields.name.cmp(&b.0.fields.name))
    });
    within.truncate(MAX_RESULTS);
    within
}

/// A distance as shown: to 10 m under 100 m, to 50 m under 1 km, to 100 m above.
pub fn shown_distance_m(metres: f64) -> i64 {
    let step = if metres < 100.0 {
        10.0
    } else if metres < 1_000.0 {
        50.0
    } else {
        100.0
    };
    ((metres / step).round() * step) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coarse_positions() {
        assert_eq!(coarse_position(49.72456, 5.64789), Some((49.725, 5.648)));
        assert_eq!(coarse_position(91.0, 5.0), None);
        assert_eq!(coarse_position(f64::NAN, 5.0), None);
        assert_eq!(coarse_position(49.0, f64::INFINITY), None);
    }

    #[test]
    fn distances_and_boxes() {
        // Habay-la-Neuve church to Marbehan station: about 7.9 km.
        let d = distance_m(49.7253, 5.6475, 49.7246, 5.5375);
        assert!((7_800.0..8_000.0).contains(&d), "{d}");
        // A degree of latitude is about 111 km.
        let d = distance_m(49.0, 5.0, 50.0, 5.0);
        assert!((111_000.0..111_400.0).contains(&d), "{d}");
        let b = bounding_box(49.7253, 5.6475, 1_000.0);
        // Every point at 1 km lies inside the box.
        for (lat, lon) in [(b.min_lat, 5.6475), (49.7253, b.max_lon)] {
            let d = distance_m(49.7253, 5.6475, lat, lon);
            assert!((990.0..1_010.0).contains(&d), "{d}");
        }
        assert_eq!(shown_distance_m(347.0), 350);
        assert_eq!(shown_distance_m(1_234.0), 1_200);
        assert_eq!(shown_distance_m(44.0), 40);
    }
}
