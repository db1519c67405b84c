//! `/dashboard`: what the town's shops and districts brought over a period, for the town's
//! administrators (the whole town, or one district) and the stewards (their districts).

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::DashboardView;

/// The dashboard of the town (`district` empty: administrators) or of one district, from `from`
/// to `to` (`YYYY-MM-DD`, by default the last 30 days), its shops sorted by `sort`.
#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn get_dashboard(
    district: Option<String>,
    from: Option<String>,
    to: Option<String>,
    sort: Option<String>,
) -> Result<DashboardView, AppError> {
    super::with_status(dashboard_view(district, from, to, sort).await)
}

/// The columns the shops' table sorts by (numbers from the largest, the name from A).
pub const SHOP_SORTS: [&str; 8] = [
    "views",
    "followers",
    "poster_scans",
    "shares",
    "posts",
    "reviews",
    "visibility",
    "name",
];

/// Builds the dashboard (also for its CSV export): the viewer must be an administrator, or a
/// steward of the district asked for (a steward asking for nothing gets their first district).
/// A period that cannot be read shows the last 30 days with `period_error` said.
#[cfg(feature = "ssr")]
pub async fn dashboard_view(
    district: Option<String>,
    from: Option<String>,
    to: Option<String>,
    sort: Option<String>,
) -> Result<DashboardView, AppError> {
    use std::collections::HashMap;

    use crate::domain::activity::Metric;
    use crate::domain::authz::{allows, Action};
    use crate::domain::dashboard::{percent, tenths, Period, Shown};
    use crate::domain::onboarding::Step;
    use crate::model::records::town_tz;
    use crate::model::{
        DashboardDistrict, DashboardFigure, DashboardLink, DashboardShop, KindCount, ManageCount,
        TrendDay,
    };
    use crate::server::access::store_error;
    use crate::server::{AppState, ShopFilter};

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let actor = state.actor(&town).await?;
    let locale = super::request_locale();
    let admin = allows(&actor, Action::ViewDashboard(None));
    let all_districts = state
        .store
        .districts(town.id)
        .await
        .map_err(store_error("loading districts"))?;
    let mine: Vec<_> = all_districts
        .iter()
        .filter(|d| allows(&actor, Action::ViewDashboard(Some(d.id))))
        .collect();
    let refused = || crate::server::auth::refusal(&actor);
    let district = match district.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => {
            let found = all_districts
                .iter()
                .find(|d| d.slug == slug)
                .ok_or(AppError::NotFound)?;
            if !allows(&actor, Action::ViewDashboard(Some(found.id))) {
                return Err(refused());
            }
            Some(found)
        }
        None if admin => None,
        None => Some(*mine.first().ok_or_else(refused)?),
    };
    let district_id = district.map(|d| d.id);

    let tz = town_tz(&town);
    let now = state.clock.now();
    let today = now.with_timezone(&tz).date_naive();
    let (period, period_error) = match Period::parse(from.as_deref(), to.as_deref(), today) {
        Ok(period) => (period, None),
        Err(error) => (
            Period::parse(None, None, today).unwrap_or(Period {
                from: today,
                to: today,
            }),
            Some(locale.t(error.key())),
        ),
    };
    let previous = period.previous();
    let store = &state.store;
    let totals = |p: Period| store.metric_totals(town.id, district_id, p.from, p.to);
    let (current, before) = (
        totals(period)
            .await
            .map_err(store_error("loading figures"))?,
        totals(previous)
            .await
            .map_err(store_error("loading figures"))?,
    );
    let sum = |rows: &[(Metric, i64)], metric: Metric| {
        rows.iter()
            .filter(|(m, _)| *m == metric)
            .map(|(_, n)| n)
            .sum::<i64>()
    };
    let (from_at, to_at) = period.instants(tz, now);
    let (previous_from_at, previous_to_at) = previous.instants(tz, now);
    let posts = store
        .post_figures(town.id, district_id, from_at, to_at)
        .await
        .map_err(store_error("loading posts"))?;
    let previous_posts = store
        .post_figures(town.id, district_id, previous_from_at, previous_to_at)
        .await
        .map_err(store_error("loading posts"))?;
    let reviews = store
        .review_figures(town.id, district_id, from_at, to_at)
        .await
        .map_err(store_error("loading reviews"))?;
    let previous_reviews = store
        .review_figures(town.id, district_id, previous_from_at, previous_to_at)
        .await
        .map_err(store_error("loading reviews"))?;
    let followers = store
        .distinct_followers(town.id, district_id)
        .await
        .map_err(store_error("loading followers"))?;

    let pushes = |rows: &[crate::domain::dashboard::PostFigures]| {
        rows.iter().fold((0, 0, 0, 0), |(n, t, d, o), r| {
            (n + r.posts, t + r.targeted, d + r.delivered, o + r.opened)
        })
    };
    let (post_count, targeted, delivered, opened) = pushes(&posts);
    let (previous_post_count, previous_targeted, previous_delivered, previous_opened) =
        pushes(&previous_posts);
    let review_sums = |rows: &[crate::domain::dashboard::ReviewFigures]| {
        rows.iter().fold((0, 0, 0), |(n, s, a), r| {
            (n + r.reviews, s + r.rating_sum, a + r.answered)
        })
    };
    let (review_count, rating_sum, answered) = review_sums(&reviews);
    let (previous_review_count, _, _) = review_sums(&previous_reviews);

    let people = |key: &str, value: i64, previous: i64| DashboardFigure {
        key: key.into(),
        value: Shown::people(value),
        previous: Some(Shown::people(previous)),
    };
    let metric =
        |key: &str, metric: Metric| people(key, sum(&current, metric), sum(&before, metric));
    let figures = vec![
        DashboardFigure {
            key: "followers".into(),
            value: Shown::people(followers),
            previous: None,
        },
        metric("new_follows", Metric::Follow),
        metric("lost_follows", Metric::Unfollow),
        metric("shop_views", Metric::ShopView),
        metric("district_views", Metric::DistrictView),
        metric("post_views", Metric::PostView),
        metric("poster_scans", Metric::PosterScan),
        metric("poster_follows", Metric::PosterFollow),
        metric("shares", Metric::Share),
        DashboardFigure {
            key: "posts".into(),
            value: Shown::Count(post_count),
            previous: Some(Shown::Count(previous_post_count)),
        },
        people("push_targeted", targeted, previous_targeted),
        people("push_delivered", delivered, previous_delivered),
        people("push_opened", opened, previous_opened),
        DashboardFigure {
            key: "reviews".into(),
            value: Shown::Count(review_count),
            previous: Some(Shown::Count(previous_review_count)),
        },
    ];
    let kinds = crate::domain::posts::PostKind::ALL
        .iter()
        .map(|kind| {
            let count = |rows: &[crate::domain::dashboard::PostFigures]| {
                rows.iter()
                    .filter(|r| r.kind == *kind)
                    .map(|r| r.posts)
                    .sum()
            };
            KindCount {
                kind: kind.as_str().into(),
                count: count(&posts),
                previous: count(&previous_posts),
            }
        })
        .collect();

    // The trend: each day's views, follows, notification taps and shares.
    let daily = store
        .daily_totals(town.id, district_id, period.from, period.to)
        .await
        .map_err(store_error("loading daily figures"))?;
    let mut by_day: HashMap<chrono::NaiveDate, [i64; 4]> = HashMap::new();
    for (day, metric, n) in daily {
        let entry = by_day.entry(day).or_default();
        match metric {
            Metric::ShopView | Metric::DistrictView | Metric::PostView => entry[0] += n,
            Metric::Follow => entry[1] += n,
            Metric::PushOpen => entry[2] += n,
            Metric::Share => entry[3] += n,
            _ => {}
        }
    }
    let trend = period
        .each_day()
        .map(|day| {
            let [views, follows, opened, shares] = by_day.get(&day).copied().unwrap_or_default();
            TrendDay {
                day: day.format("%Y-%m-%d").to_string(),
                views: Shown::people(views),
                follows: Shown::people(follows),
                opened: Shown::people(opened),
                shares: Shown::people(shares),
            }
        })
        .collect();

    // The shops in view, with their visibility and onboarding step.
    let shops: Vec<_> = store
        .shops(town.id, &ShopFilter::default())
        .await
        .map_err(store_error("loading shops"))?
        .into_iter()
        .filter(|s| district_id.is_none() || s.district_id == district_id)
        .collect();
    let invitations = store
        .open_invitations(town.id, now)
        .await
        .map_err(store_error("loading invitations"))?;
    let managed: HashMap<i64, crate::model::ManagedShop> =
        super::manage::managed_shops(&state, &town, &shops, &invitations, now)
            .await?
            .into_iter()
            .collect();
    let scores: Vec<u8> = managed.values().map(|m| m.visibility).collect();
    let claimed = managed.values().filter(|m| m.has_merchant).count();
    let average = |scores: &[u8]| crate::domain::visibility::average(scores.iter().copied());
    let mut visibility_bands = [0usize; 4];
    for score in &scores {
        visibility_bands[usize::from((*score).min(99) / 25)] += 1;
    }
    let funnel = Step::ALL
        .iter()
        .map(|step| ManageCount {
            filter: format!("step={}", step.key()),
            key: format!("manage.step.{}", step.key()),
            count: managed.values().filter(|m| m.step == step.key()).count(),
        })
        .collect();

    // The shops' table.
    let shop_rows = store
        .shop_totals(town.id, district_id, period.from, period.to)
        .await
        .map_err(store_error("loading the shops' figures"))?;
    let follower_counts = store
        .follower_counts(town.id)
        .await
        .map_err(store_error("loading followers"))?;
    let shop_followers: HashMap<i64, i64> = follower_counts.shops.iter().copied().collect();
    let district_names: HashMap<i64, &str> = all_districts
        .iter()
        .map(|d| (d.id, d.name.as_str()))
        .collect();
    let mut posts_by_shop: HashMap<i64, i64> = HashMap::new();
    for row in &posts {
        if let Some(shop) = row.shop_id {
            *posts_by_shop.entry(shop).or_default() += row.posts;
        }
    }
    let reviews_by_shop: HashMap<i64, &crate::domain::dashboard::ReviewFigures> =
        reviews.iter().map(|r| (r.shop_id, r)).collect();
    let mut metrics_by_shop: HashMap<(i64, Metric), i64> = HashMap::new();
    for (shop, metric, n) in &shop_rows {
        *metrics_by_shop.entry((*shop, *metric)).or_default() += n;
    }
    let shop_metric = |shop_id: i64, metric: Metric| {
        metrics_by_shop
            .get(&(shop_id, metric))
            .copied()
            .unwrap_or(0)
    };
    let mut shop_table: Vec<DashboardShop> = shops
        .iter()
        .filter_map(|shop| {
            let managed = managed.get(&shop.id)?;
            let shop_posts = posts_by_shop.get(&shop.id).copied().unwrap_or(0);
            let shop_reviews = reviews_by_shop.get(&shop.id).copied();
            Some(DashboardShop {
                slug: shop.slug.clone(),
                name: shop.fields.name.clone(),
                district: shop
                    .district_id
                    .and_then(|d| district_names.get(&d))
                    .map(|n| n.to_string()),
                followers: Shown::people(shop_followers.get(&shop.id).copied().unwrap_or(0)),
                new_follows: Shown::people(shop_metric(shop.id, Metric::Follow)),
                views: Shown::people(shop_metric(shop.id, Metric::ShopView)),
                poster_scans: Shown::people(shop_metric(shop.id, Metric::PosterScan)),
                poster_follows: Shown::people(shop_metric(shop.id, Metric::PosterFollow)),
                shares: Shown::people(shop_metric(shop.id, Metric::Share)),
                posts: shop_posts,
                reviews: shop_reviews.map_or(0, |r| r.reviews),
                rating_tenths: shop_reviews.and_then(|r| tenths(r.rating_sum, r.reviews)),
                visibility: managed.visibility,
                step: managed.step.clone(),
            })
        })
        .collect();
    let sort = sort
        .filter(|s| SHOP_SORTS.contains(&s.as_str()))
        .unwrap_or_else(|| "views".into());
    sort_shops(&mut shop_table, &sort);

    // The districts' table (the whole town only).
    let district_of: HashMap<i64, Option<i64>> =
        shops.iter().map(|s| (s.id, s.district_id)).collect();
    let mut district_table = Vec::new();
    if district.is_none() {
        for d in &all_districts {
            let in_district: Vec<u8> = shops
                .iter()
                .filter(|s| s.district_id == Some(d.id))
                .filter_map(|s| managed.get(&s.id).map(|m| m.visibility))
                .collect();
            let totals = store
                .metric_totals(town.id, Some(d.id), period.from, period.to)
                .await
                .map_err(store_error("loading a district's figures"))?;
            let followers = store
                .distinct_followers(town.id, Some(d.id))
                .await
                .map_err(store_error("loading followers"))?;
            // Pages, as in the shops' table (posts seen are a figure of their own).
            let views = sum(&totals, Metric::ShopView) + sum(&totals, Metric::DistrictView);
            let district_posts = posts
                .iter()
                .filter(|p| match p.shop_id {
                    Some(shop) => district_of.get(&shop) == Some(&Some(d.id)),
                    None => p.district_id == Some(d.id),
                })
                .map(|p| p.posts)
                .sum();
            district_table.push(DashboardDistrict {
                slug: d.slug.clone(),
                name: d.name.clone(),
                shops: in_district.len(),
                followers: Shown::people(followers),
                views: Shown::people(views),
                posts: district_posts,
                average_visibility: average(&in_district),
            });
        }
    }

    // Links: the scopes the viewer may see, the period presets.
    let iso = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let period_query = format!("from={}&to={}", iso(period.from), iso(period.to));
    let mut scopes = Vec::new();
    if admin {
        scopes.push(DashboardLink {
            label: town.name.clone(),
            query: period_query.clone(),
            current: district.is_none(),
        });
    }
    let viewable: Vec<_> = if admin {
        all_districts.iter().collect()
    } else {
        mine.clone()
    };
    for d in viewable {
        scopes.push(DashboardLink {
            label: d.name.clone(),
            query: format!("{}{period_query}", district_query(Some(&d.slug))),
            current: district_id == Some(d.id),
        });
    }
    let here = district_query(district.map(|d| d.slug.as_str()));
    let periods = Period::presets(today)
        .into_iter()
        .map(|(key, p)| DashboardLink {
            label: format!("dashboard.period.{key}"),
            query: format!("{here}from={}&to={}", iso(p.from), iso(p.to)),
            current: p == period,
        })
        .collect();

    // A rate only from figures shown as they are: a rate of "< 5" would give the number away.
    let open_rate_percent = match (Shown::people(opened), Shown::people(delivered)) {
        (Shown::Count(opened), Shown::Count(delivered)) => percent(opened, delivered),
        _ => None,
    };
    Ok(DashboardView {
        scope_name: district.map_or_else(|| town.name.clone(), |d| d.name.clone()),
        district: district.map(|d| d.slug.clone()),
        scopes: if scopes.len() > 1 { scopes } else { Vec::new() },
        from: iso(period.from),
        to: iso(period.to),
        previous_from: iso(previous.from),
        previous_to: iso(previous.to),
        period_error,
        periods,
        figures,
        posts: kinds,
        rating_tenths: tenths(rating_sum, review_count),
        answered_percent: percent(answered, review_count),
        open_rate_percent,
        trend,
        average_visibility: average(&scores),
        visibility_bands,
        funnel,
        shop_count: managed.len(),
        claimed,
        districts: district_table,
        shops: shop_table,
        sort,
    })
}

/// The monthly report of the town (administrators) or of a district, for `month`
/// (`YYYY-MM`, by default the last whole month).
#[server(prefix = "/api", endpoint = "dashboard/report")]
pub async fn get_report(
    district: Option<String>,
    month: Option<String>,
) -> Result<crate::model::MonthlyReportView, AppError> {
    super::with_status(report_view(district, month).await)
}

#[cfg(feature = "ssr")]
async fn report_view(
    district: Option<String>,
    month: Option<String>,
) -> Result<crate::model::MonthlyReportView, AppError> {
    use crate::domain::activity::Metric;
    use crate::domain::dashboard::{parse_month, Period, Shown};
    use crate::model::records::town_tz;
    use crate::model::{DashboardLink, MonthlyReportView};
    use crate::server::access::store_error;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let tz = town_tz(&town);
    let now = state.clock.now();
    let today = now.with_timezone(&tz).date_naive();
    let last_month = Period::month(Period::month(today).from - chrono::TimeDelta::days(1));
    let asked = month.as_deref().map(str::trim).filter(|m| !m.is_empty());
    let (period, month_error) = match asked.map(parse_month) {
        None => (last_month, None),
        Some(Some(first)) => (Period::month(first), None),
        Some(None) => (
            last_month,
            Some(super::request_locale().t("dashboard.report.error_month")),
        ),
    };
    let iso = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let dashboard = dashboard_view(
        district,
        Some(iso(period.from)),
        Some(iso(period.to)),
        Some("views".into()),
    )
    .await?;
    let district_id = match &dashboard.district {
        Some(slug) => state
            .store
            .district_by_slug(town.id, slug)
            .await
            .map_err(store_error("loading the district"))?
            .map(|d| d.id),
        None => None,
    };
    let (from_at, to_at) = period.instants(tz, now);
    let activity = state
        .store
        .steward_activity(town.id, district_id, from_at, to_at)
        .await
        .map_err(store_error("loading the stewards' activity"))?;
    // The pages seen (shops' and districts'), this month and the month before.
    let mut page_views = [0i64; 2];
    for (i, p) in [period, period.previous()].into_iter().enumerate() {
        page_views[i] = state
            .store
            .metric_totals(town.id, district_id, p.from, p.to)
            .await
            .map_err(store_error("loading figures"))?
            .into_iter()
            .filter(|(m, _)| matches!(m, Metric::ShopView | Metric::DistrictView))
            .map(|(_, n)| n)
            .sum();
    }
    let here = district_query(dashboard.district.as_deref());
    let month_text = |first: chrono::NaiveDate| first.format("%Y-%m").to_string();
    let mut months = Vec::new();
    let mut first = Period::month(today).from;
    for _ in 0..13 {
        months.push(DashboardLink {
            label: month_text(first),
            query: format!("{here}month={}", month_text(first)),
            current: first == period.from,
        });
        first = Period::month(first - chrono::TimeDelta::days(1)).from;
    }
    Ok(MonthlyReportView {
        month: month_text(period.from),
        previous_month: month_text(period.previous().from),
        month_error,
        months,
        made_on: iso(today),
        page_views: Shown::people(page_views[0]),
        previous_page_views: Shown::people(page_views[1]),
        invitations: activity.invitations,
        accepted: activity.accepted,
        district_posts: activity.district_posts,
        posts_on_behalf: activity.posts_on_behalf,
        dashboard,
    })
}

/// `district=…&` for a district's links (nothing for the whole town).
#[cfg(feature = "ssr")]
fn district_query(slug: Option<&str>) -> String {
    slug.map(|s| {
        let encoded: String = form_urlencoded::byte_serialize(s.as_bytes()).collect();
        format!("district={encoded}&")
    })
    .unwrap_or_default()
}

/// Sorts the shops' table by `column`: numbers from the largest ("< 5" between 0 and 5), the
/// name from A; ties by name.
#[cfg(feature = "ssr")]
fn sort_shops(shops: &mut [crate::model::DashboardShop], column: &str) {
    use crate::model::Shown;
    let rank = |shown: Shown| match shown {
        Shown::Count(n) => n.saturating_mul(2),
        Shown::FewerThanFive => 5,
    };
    let key = |s: &crate::model::DashboardShop| -> i64 {
        match column {
            "followers" => rank(s.followers),
            "poster_scans" => rank(s.poster_scans),
            "shares" => rank(s.shares),
            "posts" => s.posts,
            "reviews" => s.reviews,
            "visibility" => i64::from(s.visibility),
            "name" => 0,
            _ => rank(s.views),
        }
    };
    shops.sort_by(|a, b| {
        key(b)
            .cmp(&key(a))
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
}
