//! Which district each shop is in: the town's shops against its districts' outlines.

use super::{District, Store, StoreError, Town};
use crate::domain::districts::{district_for, parse_boundary};
use geo::Geometry;

/// Recomputes the district of every shop of the town (a shop stays in its district while that
/// one's outline holds it); returns how many changed.
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
    let shapes: Vec<(i64, &Geometry<f64>)> = districts.iter().map(|(d, s)| (d.id, s)).collect();
    let shops = store.shops(town.id, &Default::default()).await?;
    let changes: Vec<(i64, Option<i64>)> = shops
        .iter()
        .filter_map(|shop| {
            let district =
                district_for(&shapes, shop.district_id, shop.fields.lat, shop.fields.lon);
            (district != shop.district_id).then_some((shop.id, district))
        })
        .collect();
    store.set_shop_districts(town.id, &changes).await?;
    Ok(changes.len())
}
