use leptos::prelude::*;

use crate::error::AppError;
use crate::model::DistrictView;

/// A district's page: its shops, optionally one category.
#[server(prefix = "/api", endpoint = "district")]
pub async fn get_district(
    slug: String,
    category: Option<String>,
    before: Option<String>,
) -> Result<DistrictView, AppError> {
    super::with_status(district_view(slug, category, before).await)
}

#[cfg(feature = "ssr")]
async fn district_view(
    slug: String,
    category: Option<String>,
    before: Option<String>,
) -> Result<DistrictView, AppError> {
    use crate::model::records::*;
    use crate::server::access::*;
    use crate::server::{AppState, ShopFilter};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let district = crate::server::access::district_or_404(&state, &town, &slug).await?;
    crate::server::activity::count_once(
        &state,
        &town,
        Some(&format!("/districts/{}", district.slug)),
        vec![crate::domain::activity::Tally::district(
            crate::domain::activity::Metric::DistrictView,
            district.id,
        )],
    )
    .await;
    let selected_category = known_category(category);
    let filter = ShopFilter {
        category: selected_category.clone(),
        district_id: Some(district.id),
    };
    let shops = state
        .store
        .shops(town.id, &filter)
        .await
        .map_err(store_error("listing shops"))?;
    let categories = category_counts(
        state
            .store
            .category_counts(town.id, Some(district.id))
            .await
            .map_err(store_error("counting categories"))?,
    );
    let summaries = shop_summaries(
        &shops,
        std::slice::from_ref(&district),
        town_tz(&town),
        state.clock.now(),
    );
    let follow = super::follows::follow_state(&state, None, Some(district.id)).await?;
    let scope = crate::server::FeedScope::District(district.id);
    let (events, page) = super::feeds::scoped_feed(
        &state,
        &town,
        scope,
        super::feeds::parse_cursor(before.as_deref())?,
        Some(&format!("/districts/{}", district.slug)),
    )
    .await?;
    let page_url = format!(
        "{}/districts/{}",
        state.settings.base_url_of(&town),
        district.slug
    );
    let json_ld = crate::domain::structured_data::district_events(
        &page_url,
        &district.name,
        &town.name,
        &events,
    )
    .map(|graph| crate::domain::structured_data::script_json(&graph));
    Ok(DistrictView {
        json_ld,
        follow,
        events,
        posts: page.posts,
        next_cursor: page.next_cursor,
        slug: district.slug,
        name: district.name,
        town: town_summary(&town),
        categories,
        selected_category,
        shops: summaries,
    })
}

/// `/manage/districts`: the town's districts for its administrators.
#[server(prefix = "/api", endpoint = "districts/admin")]
pub async fn get_districts_admin() -> Result<crate::model::DistrictsAdminView, AppError> {
    super::with_status(admin::list().await)
}

/// `/manage/districts/{slug}`: one district, its outline and the one waiting to be saved.
#[server(prefix = "/api", endpoint = "districts/admin/one")]
pub async fn get_district_edit(slug: String) -> Result<crate::model::DistrictEditView, AppError> {
    super::with_status(admin::one(&slug).await)
}

/// Creates a district named `name` with the GeoJSON `outline` waiting to be saved (its preview
/// is shown first). Without JavaScript: to its page.
#[server(prefix = "/api", endpoint = "districts/create")]
pub async fn create_district(name: String, outline: String) -> Result<String, AppError> {
    let result = super::with_status(admin::create(&name, &outline).await);
    match &result {
        Ok(slug) => super::redirect_plain_form(Some(&format!(
            "/manage/districts/{slug}?done=created#outline"
        ))),
        Err(e) => super::redirect_plain_form(Some(&format!(
            "/manage/districts?error={}#new",
            super::error_code(e)
        ))),
    }
    result
}

/// Renames district `slug`.
#[server(prefix = "/api", endpoint = "districts/rename")]
pub async fn rename_district(slug: String, name: String) -> Result<(), AppError> {
    let result = super::with_status(admin::rename(&slug, &name).await);
    admin::back(&slug, "renamed", &result);
    result
}

/// Keeps `outline` (GeoJSON) as district `slug`'s outline waiting to be saved, even when it
/// cannot be used (its page says why, with the text to correct).
#[server(prefix = "/api", endpoint = "districts/outline")]
pub async fn propose_outline(slug: String, outline: String) -> Result<(), AppError> {
    let result = super::with_status(admin::propose(&slug, &outline).await);
    admin::back(&slug, "preview", &result);
    result
}

/// Saves district `slug`'s waiting outline (the one previewed: `draft` is its hash), and moves
/// the shops it decides.
#[server(prefix = "/api", endpoint = "districts/outline/save")]
pub async fn save_outline(slug: String, draft: String) -> Result<(), AppError> {
    let result = super::with_status(admin::save(&slug, &draft).await);
    admin::back(&slug, "saved", &result);
    result
}

/// Forgets district `slug`'s waiting outline.
#[server(prefix = "/api", endpoint = "districts/outline/discard")]
pub async fn discard_outline(slug: String) -> Result<(), AppError> {
    let result = super::with_status(admin::discard(&slug).await);
    admin::back(&slug, "discarded", &result);
    result
}

/// Places shop `shop` in district `slug`, whose outline must hold it (a shop inside two).
/// Without JavaScript: back to district `from`'s page (the one the button was on), else `slug`'s.
#[server(prefix = "/api", endpoint = "districts/place")]
pub async fn place_shop(slug: String, shop: String, from: Option<String>) -> Result<(), AppError> {
    let result = super::with_status(admin::place(&slug, &shop).await);
    let page = from
        .as_deref()
        .filter(|from| crate::domain::slugs::is_valid(from))
        .unwrap_or(&slug);
    admin::back(page, "placed", &result);
    result
}

/// Removes steward `user_id` from district `slug`.
#[server(prefix = "/api", endpoint = "districts/stewards/remove")]
pub async fn remove_steward(slug: String, user_id: i64) -> Result<(), AppError> {
    let result = super::with_status(admin::remove_steward(&slug, user_id).await);
    admin::back(&slug, "steward_removed", &result);
    result
}

/// Deletes district `slug` (its shops are left outside any district).
#[server(prefix = "/api", endpoint = "districts/delete")]
pub async fn delete_district(slug: String) -> Result<(), AppError> {
    let result = super::with_status(admin::delete(&slug).await);
    match &result {
        Ok(()) => super::redirect_plain_form(Some("/manage/districts?done=deleted")),
        Err(_) => admin::back(&slug, "", &result),
    }
    result
}

#[cfg(feature = "ssr")]
mod admin {
    use crate::domain::authz::Action;
    use crate::domain::districts::{assignments, districts_holding, read_outline, OutlineError};
    use crate::error::AppError;
    use crate::model::*;
    use crate::server::access::*;
    use crate::server::{AppState, District, ShopFilter, Town};

    /// An empty outline: a district not drawn yet holds no shop.
    pub const NO_OUTLINE: &str = r#"{"type":"MultiPolygon","coordinates":[]}"#;

    /// Names are 2 to 80 characters (trimmed).
    fn clean_name(name: &str) -> Result<String, AppError> {
        let name = name.trim();
        let count = name.chars().count();
        if !(2..=80).contains(&count) || name.chars().any(char::is_control) {
            return Err(invalid("name", "districts_admin.error.name"));
        }
        Ok(name.to_owned())
    }

    fn invalid(field: &str, key: &str) -> AppError {
        AppError::Validation {
            field: field.into(),
            message: super::super::request_locale().t(key),
        }
    }

    /// Back to the district's page after a plain form: with what was done, or the error.
    pub fn back(slug: &str, done: &str, result: &Result<(), AppError>) {
        let to = match result {
            Ok(()) => format!("/manage/districts/{slug}?done={done}"),
            Err(e) => format!(
                "/manage/districts/{slug}?error={}",
                super::super::error_code(e)
            ),
        };
        super::super::redirect_plain_form(Some(&to));
    }

    async fn admin_town(state: &AppState) -> Result<Town, AppError> {
        let town = state.town().await?;
        state.authorize(&town, Action::ManageDistricts).await?;
        Ok(town)
    }

    async fn district(slug: &str) -> Result<(AppState, Town, District), AppError> {
        let state = AppState::from_context()?;
        let town = admin_town(&state).await?;
        let district = district_or_404(&state, &town, slug).await?;
        Ok((state, town, district))
    }

    fn stewards_of(all: &[(i64, i64, String)], district_id: i64) -> Vec<StewardView> {
        all.iter()
            .filter(|(d, _, _)| *d == district_id)
            .map(|(_, user_id, email)| StewardView {
                user_id: *user_id,
                email: email.clone(),
            })
            .collect()
    }

    /// What both pages read: the town's districts, its shops and the districts' stewards.
    struct TownDistricts {
        districts: Vec<District>,
        shops: Vec<crate::server::Shop>,
        stewards: Vec<(i64, i64, String)>,
    }

    async fn town_districts(state: &AppState, town: &Town) -> Result<TownDistricts, AppError> {
        Ok(TownDistricts {
            districts: state
                .store
                .districts(town.id)
                .await
                .map_err(store_error("listing districts"))?,
            shops: state
                .store
                .shops(town.id, &ShopFilter::default())
                .await
                .map_err(store_error("listing shops"))?,
            stewards: state
                .store
                .district_stewards(town.id)
                .await
                .map_err(store_error("listing stewards"))?,
        })
    }

    pub async fn list() -> Result<DistrictsAdminView, AppError> {
        let state = AppState::from_context()?;
        let town = admin_town(&state).await?;
        let TownDistricts {
            districts,
            shops,
            stewards,
        } = town_districts(&state, &town).await?;
        let drafts = state
            .store
            .district_draft_ids(town.id)
            .await
            .map_err(store_error("listing outlines"))?;
        Ok(DistrictsAdminView {
            districts: districts
                .iter()
                .map(|d| AdminDistrict {
                    slug: d.slug.clone(),
                    name: d.name.clone(),
                    shops: shops.iter().filter(|s| s.district_id == Some(d.id)).count(),
                    stewards: stewards_of(&stewards, d.id),
                    draft: drafts.contains(&d.id),
                })
                .collect(),
            outside: shops
                .iter()
                .filter(|s| s.district_id.is_none())
                .map(|s| NamedLink {
                    name: s.fields.name.clone(),
                    url: format!("/shops/{}", s.slug),
                })
                .collect(),
            map: outline_map(&state, &town, &districts, &shops, None),
        })
    }

    pub async fn one(slug: &str) -> Result<DistrictEditView, AppError> {
        let (state, town, district) = district(slug).await?;
        let locale = super::super::request_locale();
        let TownDistricts {
            districts,
            shops,
            stewards,
        } = town_districts(&state, &town).await?;
        let draft_text = state
            .store
            .district_draft(town.id, district.id)
            .await
            .map_err(store_error("loading the outline"))?;
        let shapes = shapes_of(&districts);
        let name_of = |id: Option<i64>| {
            id.and_then(|id| districts.iter().find(|d| d.id == id))
                .map(|d| d.name.clone())
        };
        let link = |s: &crate::server::Shop| NamedLink {
            name: s.fields.name.clone(),
            url: format!("/shops/{}", s.slug),
        };
        let draft = draft_text.map(|text| match read_outline(&text) {
            Err(error) => OutlineDraftView {
                hash: String::new(),
                text,
                error: Some(locale.t(error.key())),
                inside: 0,
                joining: Vec::new(),
                leaving: Vec::new(),
                overlaps: Vec::new(),
            },
            Ok((shape, _)) => {
                let outlines = outlines_with(&shapes, district.id, &shape);
                let points: Vec<(i64, f64, f64, Option<i64>)> = shops
                    .iter()
                    .map(|s| (s.id, s.fields.lat, s.fields.lon, s.district_id))
                    .collect();
                let moves = assignments(&outlines, &points);
                let mut view = OutlineDraftView {
                    hash: crate::server::auth::secret_hash(&text),
                    text,
                    error: None,
                    inside: 0,
                    joining: Vec::new(),
                    leaving: Vec::new(),
                    overlaps: Vec::new(),
                };
                for (shop, (_, before, after)) in shops.iter().zip(moves) {
                    let holding = districts_holding(&outlines, shop.fields.lat, shop.fields.lon);
                    if holding.contains(&district.id) {
                        view.inside += 1;
                        if holding.len() > 1 {
                            view.overlaps.push(MovedShop {
                                shop: link(shop),
                                other: name_of(after),
                            });
                        }
                    }
                    if after == Some(district.id) && before != Some(district.id) {
                        view.joining.push(MovedShop {
                            shop: link(shop),
                            other: name_of(before),
                        });
                    } else if before == Some(district.id) && after != Some(district.id) {
                        view.leaving.push(MovedShop {
                            shop: link(shop),
                            other: name_of(after),
                        });
                    }
                }
                view
            }
        });
        let own: Vec<(i64, &geo::Geometry<f64>)> = shapes.iter().map(|(id, s)| (*id, s)).collect();
        let shared = shops
            .iter()
            .filter_map(|shop| {
                let holding = districts_holding(&own, shop.fields.lat, shop.fields.lon);
                if holding.len() < 2 || !holding.contains(&district.id) {
                    return None;
                }
                Some(SharedShop {
                    slug: shop.slug.clone(),
                    name: shop.fields.name.clone(),
                    current: name_of(shop.district_id),
                    others: holding
                        .iter()
                        .filter(|id| Some(**id) != shop.district_id)
                        .filter_map(|id| districts.iter().find(|d| d.id == *id))
                        .map(|d| (d.slug.clone(), d.name.clone()))
                        .collect(),
                })
            })
            .collect();
        let (outline, points) = match crate::domain::districts::parse_boundary(&district.boundary) {
            Ok(shape) if district.boundary != NO_OUTLINE => {
                use geo::CoordsIter;
                (pretty(&district.boundary), shape.coords_count())
            }
            _ => (String::new(), 0),
        };
        Ok(DistrictEditView {
            map: outline_map(&state, &town, &districts, &shops, Some(district.id)),
            shops: shops
                .iter()
                .filter(|s| s.district_id == Some(district.id))
                .count(),
            stewards: stewards_of(&stewards, district.id),
            slug: district.slug,
            name: district.name,
            outline,
            points,
            draft,
            shared,
        })
    }

    /// What the outline editor's map shows around district `editing` (`None`: a new one).
    fn outline_map(
        state: &AppState,
        town: &crate::server::Town,
        districts: &[District],
        shops: &[crate::server::Shop],
        editing: Option<i64>,
    ) -> OutlineMap {
        OutlineMap {
            tile_url: state.settings.tile_url_of(town),
            attribution: state.settings.tile_attribution_of(town),
            shops: shops
                .iter()
                .map(|s| OutlineShop {
                    name: s.fields.name.clone(),
                    lat: s.fields.lat,
                    lon: s.fields.lon,
                    here: editing.is_some() && s.district_id == editing,
                })
                .collect(),
            others: districts
                .iter()
                .filter(|d| Some(d.id) != editing && d.boundary != NO_OUTLINE)
                .filter_map(|d| shown_outline(&d.boundary))
                .collect(),
            max_bytes: crate::domain::districts::OUTLINE_MAX_BYTES,
        }
    }

    /// A district's outline as the editor's map shows it beside the one edited: simplified to
    /// about a metre (an outline of 10 000 points would weigh on the page for nothing).
    fn shown_outline(boundary: &str) -> Option<String> {
        use geo::Simplify;
        const METRE: f64 = 0.00001;
        let shape = match crate::domain::districts::parse_boundary(boundary).ok()? {
            geo::Geometry::Polygon(p) => geo::Geometry::Polygon(p.simplify(METRE)),
            geo::Geometry::MultiPolygon(m) => geo::Geometry::MultiPolygon(m.simplify(METRE)),
            other => other,
        };
        Some(geojson::Geometry::from(&shape).to_string())
    }

    /// An outline's text as typed (trimmed), refused when empty or too large to be read.
    fn outline_text(outline: &str) -> Result<&str, AppError> {
        let outline = outline.trim();
        if outline.is_empty() {
            return Err(invalid("outline", OutlineError::Empty.key()));
        }
        if outline.len() > crate::domain::districts::OUTLINE_MAX_BYTES {
            return Err(invalid("outline", OutlineError::TooLarge.key()));
        }
        Ok(outline)
    }

    /// The districts' outlines that can be read, in the town's order.
    fn shapes_of(districts: &[District]) -> Vec<(i64, geo::Geometry<f64>)> {
        districts
            .iter()
            .filter_map(|d| {
                Some((
                    d.id,
                    crate::domain::districts::parse_boundary(&d.boundary).ok()?,
                ))
            })
            .collect()
    }

    /// The outlines with district `id`'s replaced by `shape` (in its place, or last if it had
    /// none that could be read).
    fn outlines_with<'a>(
        shapes: &'a [(i64, geo::Geometry<f64>)],
        id: i64,
        shape: &'a geo::Geometry<f64>,
    ) -> Vec<(i64, &'a geo::Geometry<f64>)> {
        let mut outlines: Vec<(i64, &geo::Geometry<f64>)> = shapes
            .iter()
            .map(|(d, s)| (*d, if *d == id { shape } else { s }))
            .collect();
        if !shapes.iter().any(|(d, _)| *d == id) {
            outlines.push((id, shape));
        }
        outlines
    }

    /// A GeoJSON text indented for reading and editing.
    fn pretty(text: &str) -> String {
        serde_json::from_str::<serde_json::Value>(text)
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or_else(|_| text.to_owned())
    }

    pub async fn create(name: &str, outline: &str) -> Result<String, AppError> {
        let state = AppState::from_context()?;
        let town = admin_town(&state).await?;
        let name = clean_name(name)?;
        let outline = outline_text(outline)?;
        // Like shops' slugs: the name's, else numbered (`centre-2`), at most a few tries.
        let mut created = None;
        for slug in crate::domain::slugs::candidates(&name, None, "quartier").take(20) {
            created = state
                .store
                .create_district(
                    town.id,
                    &crate::server::NewDistrict {
                        slug,
                        name: name.clone(),
                        boundary: NO_OUTLINE.into(),
                    },
                    Some(outline),
                    state.clock.now(),
                )
                .await
                .map_err(store_error("creating a district"))?;
            if created.is_some() {
                break;
            }
        }
        let created = created.ok_or_else(|| invalid("name", "districts_admin.error.taken"))?;
        tracing::info!(district = %created.slug, "district created");
        Ok(created.slug)
    }

    pub async fn rename(slug: &str, name: &str) -> Result<(), AppError> {
        let (state, town, district) = district(slug).await?;
        let name = clean_name(name)?;
        state
            .store
            .rename_district(town.id, district.id, &name)
            .await
            .map_err(store_error("renaming a district"))?;
        Ok(())
    }

    pub async fn propose(slug: &str, outline: &str) -> Result<(), AppError> {
        let (state, town, district) = district(slug).await?;
        let outline = outline_text(outline)?;
        state
            .store
            .set_district_draft(town.id, district.id, Some(outline))
            .await
            .map_err(store_error("keeping an outline"))?;
        Ok(())
    }

    pub async fn discard(slug: &str) -> Result<(), AppError> {
        let (state, town, district) = district(slug).await?;
        state
            .store
            .set_district_draft(town.id, district.id, None)
            .await
            .map_err(store_error("discarding an outline"))?;
        Ok(())
    }

    pub async fn save(slug: &str, previewed: &str) -> Result<(), AppError> {
        let (state, town, district) = district(slug).await?;
        let text = state
            .store
            .district_draft(town.id, district.id)
            .await
            .map_err(store_error("loading the outline"))?
            .ok_or_else(|| invalid("outline", "districts_admin.error.draft"))?;
        // Another administrator changed it since this one's preview: they see the new one first.
        if crate::server::auth::secret_hash(&text) != previewed {
            return Err(invalid("outline", "districts_admin.error.changed"));
        }
        let (shape, stored) = read_outline(&text).map_err(|e| invalid("outline", e.key()))?;
        let districts = state
            .store
            .districts(town.id)
            .await
            .map_err(store_error("listing districts"))?;
        let shapes = shapes_of(&districts);
        let outlines = outlines_with(&shapes, district.id, &shape);
        let shops = state
            .store
            .shops(town.id, &ShopFilter::default())
            .await
            .map_err(store_error("listing shops"))?;
        let points: Vec<(i64, f64, f64, Option<i64>)> = shops
            .iter()
            .map(|s| (s.id, s.fields.lat, s.fields.lon, s.district_id))
            .collect();
        let changes: Vec<(i64, Option<i64>)> = assignments(&outlines, &points)
            .into_iter()
            .filter(|(_, before, after)| before != after)
            .map(|(id, _, after)| (id, after))
            .collect();
        state
            .store
            .save_district_outline(town.id, district.id, &stored, &changes)
            .await
            .map_err(store_error("saving an outline"))?;
        tracing::info!(district = %district.slug, moved = changes.len(), "district outline saved");
        Ok(())
    }

    pub async fn place(slug: &str, shop_slug: &str) -> Result<(), AppError> {
        let (state, town, district) = district(slug).await?;
        let shop = shop_or_404(&state, &town, shop_slug).await?;
        let shape = crate::domain::districts::parse_boundary(&district.boundary)
            .map_err(|_| invalid("shop", "districts_admin.error.outside"))?;
        let holds = !districts_holding(&[(district.id, &shape)], shop.fields.lat, shop.fields.lon)
            .is_empty();
        if !holds {
            return Err(invalid("shop", "districts_admin.error.outside"));
        }
        state
            .store
            .set_shop_districts(town.id, &[(shop.id, Some(district.id))])
            .await
            .map_err(store_error("placing a shop"))?;
        Ok(())
    }

    pub async fn remove_steward(slug: &str, user_id: i64) -> Result<(), AppError> {
        let (state, town, district) = district(slug).await?;
        let removed = state
            .store
            .remove_steward(town.id, district.id, user_id)
            .await
            .map_err(store_error("removing a steward"))?;
        if !removed {
            return Err(AppError::NotFound);
        }
        Ok(())
    }

    pub async fn delete(slug: &str) -> Result<(), AppError> {
        let (state, town, district) = district(slug).await?;
        state
            .store
            .delete_district(town.id, district.id)
            .await
            .map_err(store_error("deleting a district"))?;
        // Its shops that another outline holds go there.
        crate::server::districts::assign_shops(state.store.as_ref(), &town)
            .await
            .map_err(store_error("placing the shops"))?;
        tracing::info!(district = %district.slug, "district deleted");
        Ok(())
    }
}
