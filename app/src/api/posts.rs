//! Posts from the counter: a merchant (or the shop's steward) writes, edits and deletes the
//! shop's posts, and sees its numbers and team; a district's stewards do the same as the
//! district (its counter: whom a post reaches, the shops co-organising it).

// The post form's fields are the server function's arguments.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::CounterView;

/// Posts per merchant per hour (a stolen phone cannot flood the feeds).
pub const POSTS_PER_HOUR: i64 = 30;
/// Edits and deletions of posts per merchant per hour.
pub const POST_CHANGES_PER_HOUR: i64 = 60;

/// Whose counter a form posts from: a shop's (`slug`) or a district's (`district`, its slug).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CounterOf {
    Shop(String),
    District(String),
}

impl CounterOf {
    /// From a form's `slug` and `district` fields (a district's wins).
    pub fn from_fields(slug: Option<String>, district: Option<String>) -> CounterOf {
        match district.filter(|d| !d.is_empty()) {
            Some(district) => CounterOf::District(district),
            None => CounterOf::Shop(slug.unwrap_or_default()),
        }
    }

    /// The counter's page.
    pub fn path(&self) -> String {
        match self {
            CounterOf::Shop(slug) => format!("/counter/{slug}"),
            CounterOf::District(slug) => format!("/districts/{slug}/counter"),
        }
    }

    /// The key of its posts in the offline queue (`public/pending-posts.js`).
    pub fn queue_key(&self) -> String {
        match self {
            CounterOf::Shop(slug) => slug.clone(),
            CounterOf::District(slug) => format!("district:{slug}"),
        }
    }

    /// The hidden field that names it in a form, and its value.
    pub fn field(&self) -> (&'static str, String) {
        match self {
            CounterOf::Shop(slug) => ("slug", slug.clone()),
            CounterOf::District(slug) => ("district", slug.clone()),
        }
    }
}

/// The rate-limit key of a merchant's edits and deletions.
#[cfg(feature = "ssr")]
fn post_change_key(user_id: i64) -> String {
    format!("post-change:user:{user_id}")
}

/// Everything the counter of shop `slug` shows.
#[server(prefix = "/api", endpoint = "counter")]
pub async fn get_counter(slug: String) -> Result<CounterView, AppError> {
    super::with_status(counter_inner(slug).await)
}

#[cfg(feature = "ssr")]
async fn counter_inner(slug: String) -> Result<CounterView, AppError> {
    use crate::domain::authz::{allows, Action};
    use crate::domain::posting::default_offer_dates;
    use crate::model::records::*;
    use crate::model::PostForm;
    use crate::server::access::*;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let (town, shop, actor) = crate::server::access::authorized_shop(
        &state,
        &slug,
        crate::domain::authz::Action::PostForShop,
    )
    .await?;
    let tz = town_tz(&town);
    let now = state.clock.now();
    let districts = state
        .store
        .districts(town.id)
        .await
        .map_err(store_error("loading districts"))?;
    let posts = state
        .store
        .shop_posts(town.id, shop.id, 50)
        .await
        .map_err(store_error("loading posts"))?;
    let counter_posts = counter_posts(&state, &town, &posts, tz, now).await?;
    let stats = state
        .store
        .shop_follower_stats(shop.id, now - chrono::TimeDelta::days(7))
        .await
        .map_err(store_error("counting followers"))?;
    let team = if allows(&actor, Action::ViewShopTeam(shop_ref(&shop))) {
        Some(team_members(&state, &shop, &actor).await?)
    } else {
        None
    };
    let push_month = state
        .store
        .shop_push_summary(
            shop.id,
            now - chrono::TimeDelta::days(crate::domain::privacy::DELIVERY_ROWS_DAYS),
        )
        .await
        .map_err(store_error("counting notifications"))?
        .into();
    let push_reach = state
        .store
        .shop_push_reach(shop.id)
        .await
        .map_err(store_error("counting notifications"))?;
    let reviews = state
        .store
        .review_stats(shop.id, now)
        .await
        .map_err(store_error("counting reviews"))?;
    let reviews_to_answer = (reviews.summary.count - reviews.replied).max(0);
    let messages = state
        .store
        .message_stats(
            crate::domain::messages::Recipient::Shop(shop.id),
            crate::model::records::month_start(now, tz),
        )
        .await
        .map_err(store_error("counting messages"))?;
    let last_post = posts
        .iter()
        .map(|p| p.content.published_at)
        .filter(|t| *t <= now)
        .max();
    let visibility = visibility_view(
        &shop.slug,
        &crate::domain::visibility::visibility(&shop, last_post, reviews_to_answer, now),
    );
    let (valid_from, valid_until) = default_offer_dates(now, tz);
    let summary = shop_summaries(std::slice::from_ref(&shop), &districts, tz, now)
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok(CounterView {
        shop: summary,
        on_behalf: actor.acts_on_behalf(shop_ref(&shop)),
        posts: counter_posts,
        followers: stats.total,
        new_followers_week: stats.new_since,
        push_reach,
        push_month,
        blank: PostForm {
            kind: "offer".into(),
            valid_from: Some(valid_from),
            valid_until: Some(valid_until),
            idempotency_key: Some(crate::server::device::new_token()?),
            ..PostForm::default()
        },
        team,
        can_invite_staff: allows(&actor, Action::ManageShopStaff(shop_ref(&shop))),
        reviews_to_answer,
        messages_to_answer: messages.open,
        visibility,
    })
}

/// Everything the counter of district `slug` shows its stewards (and the town's admins).
#[server(prefix = "/api", endpoint = "counter/district")]
pub async fn get_district_counter(
    slug: String,
) -> Result<crate::model::DistrictCounterView, AppError> {
    super::with_status(district_counter_inner(slug).await)
}

#[cfg(feature = "ssr")]
async fn district_counter_inner(
    slug: String,
) -> Result<crate::model::DistrictCounterView, AppError> {
    use crate::domain::posting::default_offer_dates;
    use crate::model::records::*;
    use crate::model::{DistrictCounterView, DistrictLink, PostForm, ShopChoice};
    use crate::server::access::*;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let town = state.town().await?;
    let district = district_or_404(&state, &town, &slug).await?;
    state
        .authorize(
            &town,
            crate::domain::authz::Action::PostForDistrict(district.id),
        )
        .await?;
    let tz = town_tz(&town);
    let now = state.clock.now();
    let posts = state
        .store
        .district_posts(town.id, district.id, 50)
        .await
        .map_err(store_error("loading posts"))?;
    let counter_posts = counter_posts(&state, &town, &posts, tz, now).await?;
    let followers = state
        .store
        .follower_counts(town.id)
        .await
        .map_err(store_error("counting followers"))?
        .districts
        .into_iter()
        .find(|(id, _)| *id == district.id)
        .map_or(0, |(_, n)| n);
    let with_shop_followers = state
        .store
        .distinct_followers(town.id, Some(district.id))
        .await
        .map_err(store_error("counting followers"))?;
    let (push_reach, push_reach_with_shops) = state
        .store
        .district_push_reach(district.id)
        .await
        .map_err(store_error("counting notifications"))?;
    let shops = state
        .store
        .shops(
            town.id,
            &crate::server::ShopFilter {
                category: None,
                district_id: Some(district.id),
            },
        )
        .await
        .map_err(store_error("listing shops"))?
        .into_iter()
        .map(|s| ShopChoice {
            id: s.id,
            name: s.fields.name,
        })
        .collect();
    let messages = state
        .store
        .message_stats(
            crate::domain::messages::Recipient::District(district.id),
            month_start(now, tz),
        )
        .await
        .map_err(store_error("counting messages"))?;
    let (valid_from, valid_until) = default_offer_dates(now, tz);
    Ok(DistrictCounterView {
        district: DistrictLink {
            slug: district.slug,
            name: district.name,
        },
        posts: counter_posts,
        followers,
        with_shop_followers,
        push_reach,
        push_reach_with_shops,
        blank: PostForm {
            kind: "event".into(),
            valid_from: Some(valid_from),
            valid_until: Some(valid_until),
            idempotency_key: Some(crate::server::device::new_token()?),
            ..PostForm::default()
        },
        shops,
        messages_to_answer: messages.open,
    })
}

/// The checklist of a shop's visibility: missing items first, each with the address of its fix.
#[cfg(feature = "ssr")]
pub(crate) fn visibility_view(
    slug: &str,
    visibility: &crate::domain::visibility::Visibility,
) -> crate::model::VisibilityView {
    use crate::domain::visibility::Item;
    let href = |item: Item| match item {
        Item::Hours => format!("/counter/{slug}/profile#hours"),
        Item::Photo => format!("/counter/{slug}/profile#photos"),
        Item::Description => format!("/counter/{slug}/profile#profile-description"),
        Item::Contact => format!("/counter/{slug}/profile#profile-phone"),
        Item::Web => format!("/counter/{slug}/profile#profile-website"),
        Item::Category => format!("/counter/{slug}/profile#profile-category"),
        Item::RecentPost => format!("/counter/{slug}?new=offer#composer"),
        Item::ReviewsAnswered => format!("/counter/{slug}/reviews?filter=unanswered"),
    };
    let item = |item: Item, done: bool| crate::model::VisibilityItem {
        key: item.key().into(),
        done,
        points: item.weight(),
        href: href(item),
    };
    crate::model::VisibilityView {
        score: visibility.score(),
        items: visibility
            .missing
            .iter()
            .map(|&i| item(i, false))
            .chain(visibility.done.iter().map(|&i| item(i, true)))
            .collect(),
    }
}

/// A counter's posts as it lists them, with their views and notifications.
#[cfg(feature = "ssr")]
async fn counter_posts(
    state: &crate::server::AppState,
    town: &crate::server::Town,
    posts: &[crate::server::Post],
    tz: chrono_tz::Tz,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<crate::model::CounterPost>, AppError> {
    use crate::model::records::post_view;
    use crate::server::access::store_error;
    let authors = super::feeds::authors_of(state, town, posts.iter()).await?;
    let ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
    let views: std::collections::HashMap<i64, i64> = state
        .store
        .post_counts(crate::domain::activity::Metric::PostView, &ids)
        .await
        .map_err(store_error("counting views"))?
        .into_iter()
        .collect();
    let pushes: std::collections::HashMap<i64, crate::model::PushSummary> = state
        .store
        .post_push_summaries(&ids)
        .await
        .map_err(store_error("counting notifications"))?
        .into_iter()
        .map(|(id, summary)| (id, summary.into()))
        .collect();
    Ok(posts
        .iter()
        .filter_map(|post| {
            let view = post_view(post, &authors, tz, now)?;
            let seen = views.get(&post.id).copied().unwrap_or(0);
            Some(counter_post(
                post,
                view,
                seen,
                pushes.get(&post.id).copied(),
                tz,
                now,
            ))
        })
        .collect())
}

/// One of the counter's posts as it lists it: its state, figures and edit form.
#[cfg(feature = "ssr")]
fn counter_post(
    post: &crate::server::Post,
    view: crate::model::PostView,
    view_count: i64,
    push: Option<crate::model::PushSummary>,
    tz: chrono_tz::Tz,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::model::CounterPost {
    use crate::domain::posting::{form_date, form_date_time};
    use crate::model::{CounterPost, PostForm, PostStatus};
    use crate::server::PostKind;

    let c = &post.content;
    let ended = match c.kind {
        PostKind::Offer => c.valid_until.is_some_and(|t| t <= now),
        PostKind::Event => c
            .ends_at
            .or(c.starts_at.map(|s| s + crate::server::EVENT_WITHOUT_END))
            .is_some_and(|t| t <= now),
        PostKind::News => false,
    };
    let status = if c.published_at > now {
        PostStatus::Scheduled
    } else if ended {
        PostStatus::Ended
    } else {
        PostStatus::Live
    };
    // Offers are valid through their last day: the form shows that day.
    let last_day = c
        .valid_until
        .map(|t| form_date(t - chrono::TimeDelta::seconds(1), tz));
    CounterPost {
        views: view_count,
        push,
        post: view,
        status,
        form: PostForm {
            kind: c.kind.as_str().into(),
            title: c.title.clone(),
            body: c.body.clone(),
            valid_from: c.valid_from.map(|t| form_date(t, tz)),
            valid_until: last_day,
            starts_at: c.starts_at.map(|t| form_date_time(t, tz)),
            ends_at: c.ends_at.map(|t| form_date_time(t, tz)),
            place: c.place.clone(),
            publish_at: (c.published_at > now).then(|| form_date_time(c.published_at, tz)),
            idempotency_key: None,
            notify_shop_followers: c.broadcast.notify_shop_followers,
            co_organisers: c.broadcast.co_organisers.clone(),
        },
    }
}

/// The shop's team as its members see it (the signed-in one marked).
#[cfg(feature = "ssr")]
async fn team_members(
    state: &crate::server::AppState,
    shop: &crate::server::Shop,
    actor: &crate::domain::authz::Actor,
) -> Result<Vec<crate::model::TeamMember>, AppError> {
    let members = state
        .store
        .shop_members(shop.id)
        .await
        .map_err(crate::server::access::store_error("loading the team"))?;
    Ok(members
        .into_iter()
        .map(|m| crate::model::TeamMember {
            is_me: Some(m.user_id) == actor.user_id(),
            user_id: m.user_id,
            email: m.email,
            role: m.role.as_str().into(),
        })
        .collect())
}

/// Publishes a new post of shop `slug`, or of `district` (its slug) as its stewards (or, with
/// `post_id`, saves the edited post). A form sent twice with the same `idempotency_key`
/// publishes once. Returns the post's id.
#[server(prefix = "/api", endpoint = "counter/save")]
pub async fn save_post(
    slug: Option<String>,
    district: Option<String>,
    post_id: Option<i64>,
    kind: String,
    title: String,
    body: Option<String>,
    valid_from: Option<String>,
    valid_until: Option<String>,
    starts_at: Option<String>,
    ends_at: Option<String>,
    place: Option<String>,
    publish_at: Option<String>,
    idempotency_key: Option<String>,
    notify_shop_followers: Option<String>,
) -> Result<i64, AppError> {
    let counter = CounterOf::from_fields(slug, district);
    let form = crate::model::PostForm {
        kind,
        title,
        body: body.unwrap_or_default(),
        valid_from,
        valid_until,
        starts_at,
        ends_at,
        place,
        publish_at,
        idempotency_key,
        notify_shop_followers: notify_shop_followers.is_some(),
        // Chosen in the counter's multipart form (`publish_post`): a field sent once per shop.
        co_organisers: Vec::new(),
    };
    let result = super::with_status(
        save_inner(
            &counter,
            post_id,
            form.clone(),
            PhotoChange::Keep,
            CoOrganisers::Keep,
        )
        .await,
    );
    redirect_after_save(&counter, post_id, &form, &result);
    result
}

/// Whether a form chose a district post's co-organisers (the counter's), or leaves an edited
/// post's as they are (a form without the field).
#[cfg(feature = "ssr")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoOrganisers {
    Chosen,
    Keep,
}

/// What a save does to the post's photo.
#[cfg(feature = "ssr")]
pub enum PhotoChange {
    Keep,
    Replace(Vec<u8>),
    Remove,
}

/// After a plain form post (no JavaScript): back to the counter, with the new post, or with
/// the error and everything that was typed (so nothing is lost).
#[cfg(feature = "ssr")]
fn redirect_after_save(
    counter: &CounterOf,
    post_id: Option<i64>,
    form: &crate::model::PostForm,
    result: &Result<i64, AppError>,
) {
    let path = counter.path();
    match result {
        Ok(id) => super::redirect_plain_form(Some(&format!("{path}?saved={id}"))),
        Err(error) => {
            let mut query = form_urlencoded::Serializer::new(String::new());
            query.append_pair("error", &super::error_code(error));
            if let Some(id) = post_id {
                query.append_pair("edit", &id.to_string());
            }
            let fields = [
                ("kind", Some(&form.kind)),
                ("title", Some(&form.title)),
                ("body", Some(&form.body)),
                ("valid_from", form.valid_from.as_ref()),
                ("valid_until", form.valid_until.as_ref()),
                ("starts_at", form.starts_at.as_ref()),
                ("ends_at", form.ends_at.as_ref()),
                ("place", form.place.as_ref()),
                ("publish_at", form.publish_at.as_ref()),
                ("idempotency_key", form.idempotency_key.as_ref()),
            ];
            for (name, value) in fields {
                if let Some(value) = value.filter(|v| !v.is_empty()) {
                    query.append_pair(name, value);
                }
            }
            if form.notify_shop_followers {
                query.append_pair("notify_shop_followers", "on");
            }
            for id in &form.co_organisers {
                query.append_pair("co_organisers", &id.to_string());
            }
            super::redirect_plain_form(Some(&format!("{path}?{}#composer", query.finish())))
        }
    }
}

/// The counter's form, photo included (`multipart/form-data`): fields as in [`save_post`],
/// plus `photo` (a JPEG, PNG or WebP file up to 10 MB) and `remove_photo`.
#[server(
    prefix = "/api",
    endpoint = "counter/publish",
    input = leptos::server_fn::codec::MultipartFormData
)]
pub async fn publish_post(data: leptos::server_fn::codec::MultipartData) -> Result<i64, AppError> {
    // Nobody signed in: refused before reading (and buffering) a photo.
    let state = crate::server::AppState::from_context()?;
    if state.session().await?.is_none() {
        return super::with_status(Err(AppError::Unauthorized));
    }
    let (fields, photo) = match super::multipart::read_multipart(data, is_post_field).await {
        Ok(read) => read,
        Err(error) => return super::with_status(Err(error)),
    };
    let get = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let counter = CounterOf::from_fields(get("slug"), get("district"));
    let post_id = get("post_id").and_then(|id| id.parse::<i64>().ok());
    let form = crate::model::PostForm {
        kind: get("kind").unwrap_or_default(),
        title: get("title").unwrap_or_default(),
        body: get("body").unwrap_or_default(),
        valid_from: get("valid_from"),
        valid_until: get("valid_until"),
        starts_at: get("starts_at"),
        ends_at: get("ends_at"),
        place: get("place"),
        publish_at: get("publish_at"),
        idempotency_key: get("idempotency_key"),
        notify_shop_followers: get("notify_shop_followers").is_some(),
        co_organisers: fields
            .iter()
            .filter(|(n, _)| n == "co_organisers")
            .map(|(_, v)| v.parse::<i64>().unwrap_or(0))
            .collect(),
    };
    let change = match photo {
        Err(error) => Err(error),
        Ok(Some(bytes)) => Ok(PhotoChange::Replace(bytes)),
        Ok(None) if get("remove_photo").is_some() => Ok(PhotoChange::Remove),
        Ok(None) => Ok(PhotoChange::Keep),
    };
    let result = match change {
        Ok(change) => {
            save_inner(
                &counter,
                post_id,
                form.clone(),
                change,
                CoOrganisers::Chosen,
            )
            .await
        }
        Err(error) => Err(error),
    };
    let result = super::with_status(result);
    redirect_after_save(&counter, post_id, &form, &result);
    result
}

/// The fields the counter's form may send.
#[cfg(feature = "ssr")]
fn is_post_field(name: &str) -> bool {
    matches!(
        name,
        "slug"
            | "district"
            | "notify_shop_followers"
            | "co_organisers"
            | "post_id"
            | "kind"
            | "title"
            | "body"
            | "valid_from"
            | "valid_until"
            | "starts_at"
            | "ends_at"
            | "place"
            | "publish_at"
            | "idempotency_key"
            | "photo"
            | "remove_photo"
    )
}

#[cfg(feature = "ssr")]
async fn save_inner(
    counter: &CounterOf,
    post_id: Option<i64>,
    form: crate::model::PostForm,
    photo: PhotoChange,
    co_organisers: CoOrganisers,
) -> Result<i64, AppError> {
    use crate::domain::posting::{idempotency_key, post_from_form};
    use crate::model::records::*;
    use crate::server::access::*;
    use crate::server::{AppState, PostAuthor, PostOrigin};

    let state = AppState::from_context()?;
    let (town, author, by_steward, actor) = authorized_author(&state, counter).await?;
    let user_id = actor.user_id().ok_or(AppError::Unauthorized)?;
    let locale = super::request_locale();
    let max = crate::server::MAX_CO_ORGANISERS.to_string();
    let invalid = |e: crate::domain::posting::FieldError| AppError::Validation {
        field: e.field.into(),
        message: locale.tf(e.key, &[("max", &max)]),
    };
    let now = state.clock.now();
    let mut post = post_from_form(&form, author, now, town_tz(&town)).map_err(invalid)?;
    // Counted before the photo is decoded (the costly part): a flood of uploads is refused
    // without touching one.
    match post_id {
        None => {
            state
                .rate_limit(
                    &format!("post:user:{user_id}"),
                    POSTS_PER_HOUR,
                    chrono::TimeDelta::hours(1),
                )
                .await?
        }
        Some(_) => {
            state
                .rate_limit(
                    &post_change_key(user_id),
                    POST_CHANGES_PER_HOUR,
                    chrono::TimeDelta::hours(1),
                )
                .await?
        }
    }
    if let PostAuthor::District(district_id) = author {
        post.broadcast = broadcast_from_form(&state, &town, district_id, &form)
            .await?
            .map_err(invalid)?;
    }
    // An edit: of a post of this counter (checked before its photo is processed and stored).
    let existing = match post_id {
        None => None,
        Some(id) => Some(
            state
                .store
                .post_by_id(town.id, id)
                .await
                .map_err(store_error("loading a post"))?
                .filter(|p| p.content.author == author)
                .ok_or(AppError::NotFound)?,
        ),
    };
    // The text is valid: now the photo (the slow part).
    let new_photo = match photo {
        PhotoChange::Keep => None,
        PhotoChange::Remove => Some(None),
        PhotoChange::Replace(bytes) => Some(Some(
            state
                .photos
                .save(bytes)
                .await
                .map_err(|e| super::multipart::photo_error(&e))?,
        )),
    };
    match (post_id, existing) {
        (Some(id), Some(existing)) => {
            if co_organisers == CoOrganisers::Keep {
                post.broadcast.co_organisers = existing.content.broadcast.co_organisers.clone();
            }
            let previous_photo = existing.content.photo.clone();
            post.photo = match new_photo {
                Some(change) => change,
                None => existing.content.photo,
            };
            // An edit of a published post does not move it up the feeds.
            if existing.content.published_at <= now && post.published_at == now {
                post.published_at = existing.content.published_at;
            }
            state
                .store
                .update_post(town.id, id, &post, now)
                .await
                .map_err(store_error("saving a post"))?
                .ok_or(AppError::NotFound)?;
            tracing::info!(post = id, user = user_id, "post edited");
            state
                .release_photos(previous_photo.filter(|p| post.photo.as_ref() != Some(p)))
                .await;
            Ok(id)
        }
        _ => {
            post.photo = new_photo.flatten();
            let key = idempotency_key(form.idempotency_key.as_deref()).map_err(invalid)?;
            let origin = PostOrigin {
                user_id: Some(user_id),
                by_steward,
                idempotency_key: key,
            };
            let (saved, created) = state
                .store
                .publish_post(town.id, &post, &origin, now)
                .await
                .map_err(store_error("publishing a post"))?;
            // A key already used, by another counter: not this form's post.
            if saved.content.author != author {
                return Err(invalid(crate::domain::posting::FieldError {
                    field: "form",
                    key: "post.error.key",
                }));
            }
            tracing::info!(post = saved.id, user = user_id, created, "post published");
            if created {
                metrics::counter!("quartier_posts_published_total").increment(1);
            }
            Ok(saved.id)
        }
    }
}

/// Deletes a post of shop `slug` (or of `district`, its slug).
#[server(prefix = "/api", endpoint = "counter/delete")]
pub async fn delete_post(
    slug: Option<String>,
    district: Option<String>,
    post_id: i64,
) -> Result<(), AppError> {
    let counter = CounterOf::from_fields(slug, district);
    let result = super::with_status(delete_inner(&counter, post_id).await);
    if result.is_ok() {
        super::redirect_plain_form(Some(&format!("{}?deleted=1", counter.path())));
    }
    result
}

#[cfg(feature = "ssr")]
async fn delete_inner(counter: &CounterOf, post_id: i64) -> Result<(), AppError> {
    use crate::server::access::*;
    use crate::server::AppState;

    let state = AppState::from_context()?;
    let (town, author, _, actor) = authorized_author(&state, counter).await?;
    let user_id = actor.user_id().ok_or(AppError::Unauthorized)?;
    state
        .rate_limit(
            &post_change_key(user_id),
            POST_CHANGES_PER_HOUR,
            chrono::TimeDelta::hours(1),
        )
        .await?;
    let post = state
        .store
        .post_by_id(town.id, post_id)
        .await
        .map_err(store_error("loading a post"))?
        .filter(|p| p.content.author == author)
        .ok_or(AppError::NotFound)?;
    state
        .store
        .delete_post(town.id, post_id, state.clock.now())
        .await
        .map_err(store_error("deleting a post"))?;
    tracing::info!(post = post_id, user = actor.user_id(), "post deleted");
    state.release_photos(post.content.photo).await;
    Ok(())
}

/// The town, the author a counter posts as, whether it is a steward's post on a shop's behalf,
/// and the signed-in actor, if the actor may post there; 404, 401 or 403 otherwise.
#[cfg(feature = "ssr")]
async fn authorized_author(
    state: &crate::server::AppState,
    counter: &CounterOf,
) -> Result<
    (
        crate::server::Town,
        crate::server::PostAuthor,
        bool,
        crate::domain::authz::Actor,
    ),
    AppError,
> {
    use crate::domain::authz::Action;
    use crate::server::access::*;
    use crate::server::PostAuthor;

    match counter {
        CounterOf::Shop(slug) => {
            let (town, shop, actor) = authorized_shop(state, slug, Action::PostForShop).await?;
            let on_behalf = actor.acts_on_behalf(shop_ref(&shop));
            Ok((town, PostAuthor::Shop(shop.id), on_behalf, actor))
        }
        CounterOf::District(slug) => {
            let town = state.town().await?;
            let district = district_or_404(state, &town, slug).await?;
            let actor = state
                .authorize(&town, Action::PostForDistrict(district.id))
                .await?;
            Ok((town, PostAuthor::District(district.id), false, actor))
        }
    }
}

/// Whom a district's post reaches beyond its followers, from the form: its co-organisers must be
/// shops of the district (at most [`crate::server::MAX_CO_ORGANISERS`]).
#[cfg(feature = "ssr")]
async fn broadcast_from_form(
    state: &crate::server::AppState,
    town: &crate::server::Town,
    district_id: i64,
    form: &crate::model::PostForm,
) -> Result<Result<crate::server::Broadcast, crate::domain::posting::FieldError>, AppError> {
    use crate::domain::posting::FieldError;
    use crate::server::access::store_error;

    let mut co_organisers = form.co_organisers.clone();
    co_organisers.sort_unstable();
    co_organisers.dedup();
    if co_organisers.len() > crate::server::MAX_CO_ORGANISERS {
        return Ok(Err(FieldError {
            field: "co_organisers",
            key: "post.error.co_organisers_many",
        }));
    }
    let shops = state
        .store
        .shops_by_ids(town.id, &co_organisers)
        .await
        .map_err(store_error("loading co-organisers"))?;
    let all_in_district = co_organisers.iter().all(|id| {
        shops
            .iter()
            .any(|s| s.id == *id && s.district_id == Some(district_id))
    });
    if !all_in_district {
        return Ok(Err(FieldError {
            field: "co_organisers",
            key: "post.error.co_organiser",
        }));
    }
    Ok(Ok(crate::server::Broadcast {
        co_organisers,
        notify_shop_followers: form.notify_shop_followers,
    }))
}
