//! `/manage/districts`: the town's administrators create, rename and delete districts, import
//! each one's outline as GeoJSON with a preview of the shops that move before it is saved, place
//! the shops two outlines share, see the shops outside any district and each district's
//! stewards. Plain forms; with JavaScript, a map to draw the outline on (`outline-editor.js`,
//! with the vendored Leaflet) that writes the same text field, and a `.geojson` file reader.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::districts::{get_district_edit, get_districts_admin};
use crate::i18n::{use_locale, Locale};
use crate::islands::account::error_code_text;
use crate::model::{DistrictEditView, DistrictsAdminView, MovedShop, OutlineMap, StewardView};
use crate::pages::Loaded;

/// What a plain form's redirect says (`?done=…`), or its error (`?error=…`).
fn outcome(locale: Locale, done: Option<String>, error: Option<String>) -> impl IntoView {
    let done = done.and_then(|d| match d.as_str() {
        "created" | "renamed" | "saved" | "deleted" | "discarded" | "placed"
        | "steward_removed" => Some(locale.t(&format!("districts_admin.{d}"))),
        _ => None,
    });
    view! {
        {done.map(|text| view! { <p class="notice success" role="status">{text}</p> })}
        {error.map(|code| view! { <p class="notice warning" role="alert">{error_code_text(locale, &code)}</p> })}
    }
}

/// `/manage/districts`.
#[component]
pub fn DistrictsAdminPage() -> impl IntoView {
    let query = use_query_map();
    let districts = Resource::new(
        move || query.with(|q| q.get("done")),
        |_| get_districts_admin(),
    );
    view! {
        <Meta name="robots" content="noindex"/>
        <Loaded resource=districts sign_in_to="/manage/districts".to_string() let:view>
            <DistrictsList view/>
        </Loaded>
    }
}

#[component]
fn DistrictsList(view: DistrictsAdminView) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let (done, error) = query.with_untracked(|q| (q.get("done"), q.get("error")));
    view! {
        <Title text=locale.t("districts_admin.title")/>
        <section class="page districts-admin">
            <nav class="breadcrumb" aria-label=locale.t("nav.breadcrumb")>
                <a href="/manage">{locale.t("manage.title")}</a>
            </nav>
            <h1>{locale.t("districts_admin.title")}</h1>
            <p class="hint">{locale.t("districts_admin.intro")} " " <a href="/map">{locale.t("districts_admin.on_map")}</a></p>
            {outcome(locale, done, error)}
            <ul class="link-list districts-admin-list" role="list">
                {view.districts.into_iter().map(|d| view! {
                    <li class="card">
                        <h2><a href=format!("/manage/districts/{}", d.slug) aria-label=locale.tf("districts_admin.edit", &[("name", &d.name)])>{d.name.clone()}</a></h2>
                        <p>{locale.plural("districts_admin.count", d.shops as i64)}</p>
                        <Stewards stewards=d.stewards.clone() slug=None/>
                        {d.draft.then(|| view! { <p class="badge scheduled">{locale.t("districts_admin.outline.preview_title")}</p> })}
                    </li>
                }).collect_view()}
            </ul>

            <section aria-labelledby="outside-title">
                <h2 id="outside-title">{locale.t("districts_admin.outside")} " (" {view.outside.len()} ")"</h2>
                {if view.outside.is_empty() {
                    view! { <p>{locale.t("districts_admin.outside_none")}</p> }.into_any()
                } else {
                    view! {
                        <details>
                            <summary>{locale.plural("districts_admin.count", view.outside.len() as i64)}</summary>
                            <ul class="outside-shops">
                                {view.outside.into_iter().map(|s| view! { <li><a href=s.url>{s.name}</a></li> }).collect_view()}
                            </ul>
                        </details>
                    }.into_any()
                }}
            </section>

            <section id="new" aria-labelledby="new-title" class="card">
                <h2 id="new-title">{locale.t("districts_admin.new")}</h2>
                <form method="post" action="/api/districts/create" class="stacked-form">
                    <label for="new-name">{locale.t("districts_admin.name")}</label>
                    <input id="new-name" name="name" required minlength="2" maxlength="80" autocomplete="off"/>
                    <OutlineEditor field="new-outline" map=view.map/>
                    <OutlineField id="new-outline" text=String::new() invalid=false/>
                    <button type="submit" class="button primary">{locale.t("districts_admin.create")}</button>
                </form>
            </section>
        </section>
    }
}

/// The GeoJSON text of an outline, with its help.
#[component]
fn OutlineField(
    id: &'static str,
    text: String,
    /// The preview above says why it cannot be used (`#outline-error`).
    invalid: bool,
) -> impl IntoView {
    let locale = use_locale();
    let help = format!("{id}-help");
    let described = if invalid {
        format!("outline-error {help}")
    } else {
        help.clone()
    };
    view! {
        <label for=id>{locale.t("districts_admin.outline.label")}</label>
        <textarea id=id name="outline" rows="8" required spellcheck="false" class="code" aria-describedby=described aria-invalid=invalid.then_some("true")>
            {crate::components::textarea_text(&text)}
        </textarea>
        <p id=help class="hint">{locale.t("districts_admin.outline.help")}</p>
    }
}

/// The map to draw the outline of text field `field` on, for `outline-editor.js` (hidden
/// without JavaScript: the text field is the way then, and always the accessible one).
#[component]
fn OutlineEditor(field: &'static str, map: OutlineMap) -> impl IntoView {
    let locale = use_locale();
    let label = |key: &str| locale.t(&format!("districts_admin.editor.{key}"));
    let labels: serde_json::Map<String, serde_json::Value> = [
        "new",
        "undo",
        "remove",
        "file",
        "status",
        "point",
        "add",
        "not_editable",
        "too_many",
        "unreadable",
        "file_too_large",
        "file_unreadable",
        "file_read",
    ]
    .into_iter()
    .map(|key| (key.to_owned(), label(key).into()))
    .collect();
    let data = serde_json::json!({
        "field": field,
        "max_bytes": map.max_bytes,
        "tile_url": map.tile_url,
        "attribution": map.attribution,
        "shops": map.shops,
        "others": map.others,
        "labels": labels,
    })
    .to_string()
    .replace('<', "\\u003c");
    view! {
        <Link rel="stylesheet" href="/leaflet/leaflet.css"/>
        <div id="outline-editor" class="outline-editor" hidden>
            <p id="outline-map-help" class="hint">{label("help")}</p>
            <div id="outline-map" class="map outline-map" role="region" aria-label=label("label") aria-describedby="outline-map-help"></div>
        </div>
        <script type="application/json" id="outline-map-data" inner_html=data></script>
        <script src="/leaflet/leaflet.js" defer></script>
        <script src="/outline-editor.js" defer></script>
    }
}

/// A district's stewards (with `slug`: each with a button to remove them).
#[component]
fn Stewards(stewards: Vec<StewardView>, slug: Option<String>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <p class="stewards">
            <strong>{locale.t("districts_admin.stewards")}</strong>
            " " {stewards.is_empty().then(|| locale.t("districts_admin.no_stewards"))}
        </p>
        {(!stewards.is_empty()).then(|| view! {
            <ul class="steward-list">
                {stewards.into_iter().map(|s| view! {
                    <li>
                        {s.email.clone()}
                        {slug.clone().map(|slug| view! {
                            " "
                            <form method="post" action="/api/districts/stewards/remove" class="inline-form">
                                <input type="hidden" name="slug" value=slug/>
                                <input type="hidden" name="user_id" value=s.user_id.to_string()/>
                                <button type="submit" class="button secondary small" aria-label=locale.tf("districts_admin.remove_named", &[("email", &s.email)])>{locale.t("districts_admin.remove_steward")}</button>
                            </form>
                        })}
                    </li>
                }).collect_view()}
            </ul>
        })}
    }
}

/// `/manage/districts/:slug`.
#[component]
pub fn DistrictEditPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let district = Resource::new(
        move || {
            (
                params.with(|p| p.get("slug").unwrap_or_default()),
                query.with(|q| q.get("done")),
            )
        },
        |(slug, _)| get_district_edit(slug),
    );
    let sign_in_to = Signal::derive(move || {
        format!(
            "/manage/districts/{}",
            params.with_untracked(|p| p.get("slug").unwrap_or_default())
        )
    });
    view! {
        <Meta name="robots" content="noindex"/>
        <Loaded resource=district sign_in_to let:view>
            <DistrictEdit view/>
        </Loaded>
    }
}

#[component]
fn DistrictEdit(view: DistrictEditView) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let (done, error) = query.with_untracked(|q| (q.get("done"), q.get("error")));
    let DistrictEditView {
        slug,
        name,
        outline,
        points,
        shops,
        stewards,
        draft,
        shared,
        map,
    } = view;
    // The outline to edit: the one waiting (to correct it), else the saved one.
    let editable = draft.as_ref().map_or(outline, |d| d.text.clone());
    let draft_invalid = draft.as_ref().is_some_and(|d| d.error.is_some());
    // Each shop with the other district concerned (`key`), or `none` when it is no district.
    let moved = |list: Vec<MovedShop>, key: &'static str, none: &'static str| {
        list.into_iter()
            .map(|m| {
                let other = match m.other {
                    Some(district) => locale.tf(key, &[("district", &district)]),
                    None => locale.t(none),
                };
                view! { <li><a href=m.shop.url>{m.shop.name}</a> " " <span class="hint">{other}</span></li> }
            })
            .collect_view()
    };
    view! {
        <Title text=name.clone()/>
        <section class="page districts-admin">
            <nav class="breadcrumb" aria-label=locale.t("nav.breadcrumb")>
                <a href="/manage">{locale.t("manage.title")}</a>
                " › "
                <a href="/manage/districts">{locale.t("districts_admin.back")}</a>
            </nav>
            <h1>{name.clone()}</h1>
            <p>
                {locale.plural("districts_admin.count", shops as i64)} " · "
                <a href=format!("/districts/{slug}")>{locale.t("district_counter.see_page")}</a> " · "
                <a href="/map">{locale.t("districts_admin.on_map")}</a>
            </p>
            {outcome(locale, done, error)}

            {draft.map(|draft| view! {
                <section id="preview" class="card preview" aria-labelledby="preview-title">
                    <h2 id="preview-title">{locale.t("districts_admin.outline.preview_title")}</h2>
                    {match draft.error.clone() {
                        Some(error) => view! { <p id="outline-error" class="error" role="alert">{error}</p> }.into_any(),
                        None => view! {
                            <p>{locale.plural("districts_admin.outline.inside", draft.inside as i64)}</p>
                            {(draft.inside == 0).then(|| view! { <p class="notice warning">{locale.t("districts_admin.outline.empty")}</p> })}
                            {(draft.joining.is_empty() && draft.leaving.is_empty()).then(|| view! { <p>{locale.t("districts_admin.outline.unchanged")}</p> })}
                            {(!draft.joining.is_empty()).then(|| view! {
                                <h3>{locale.t("districts_admin.outline.joining")} " (" {draft.joining.len()} ")"</h3>
                                <ul class="moved joining">{moved(draft.joining.clone(), "districts_admin.outline.from", "districts_admin.outline.from_none")}</ul>
                            })}
                            {(!draft.leaving.is_empty()).then(|| view! {
                                <h3>{locale.t("districts_admin.outline.leaving")} " (" {draft.leaving.len()} ")"</h3>
                                <ul class="moved leaving">{moved(draft.leaving.clone(), "districts_admin.outline.to", "districts_admin.outline.to_none")}</ul>
                            })}
                            {(!draft.overlaps.is_empty()).then(|| view! {
                                <h3>{locale.t("districts_admin.outline.overlaps")} " (" {draft.overlaps.len()} ")"</h3>
                                <p class="hint">{locale.t("districts_admin.outline.overlaps_help")}</p>
                                <ul class="moved overlaps">{moved(draft.overlaps.clone(), "districts_admin.placement.in", "districts_admin.outline.nowhere")}</ul>
                            })}
                            <form method="post" action="/api/districts/outline/save" class="inline-form">
                                <input type="hidden" name="slug" value=slug.clone()/>
                                <input type="hidden" name="draft" value=draft.hash.clone()/>
                                <button type="submit" class="button primary">{locale.t("districts_admin.outline.save")}</button>
                            </form>
                        }.into_any(),
                    }}
                    " "
                    <form method="post" action="/api/districts/outline/discard" class="inline-form">
                        <input type="hidden" name="slug" value=slug.clone()/>
                        <button type="submit" class="button secondary">{locale.t("districts_admin.outline.discard")}</button>
                    </form>
                </section>
            })}

            <section id="outline" class="card" aria-labelledby="outline-title">
                <h2 id="outline-title">{locale.t("districts_admin.outline.title")}</h2>
                <p class="hint">
                    {if points > 0 { locale.tf("districts_admin.outline.current", &[("count", &points.to_string())]) } else { locale.t("districts_admin.outline.none") }}
                </p>
                <form method="post" action="/api/districts/outline" class="stacked-form">
                    <input type="hidden" name="slug" value=slug.clone()/>
                    <OutlineEditor field="outline-text" map/>
                    <OutlineField id="outline-text" text=editable invalid=draft_invalid/>
                    <button type="submit" class="button primary">{locale.t("districts_admin.outline.preview")}</button>
                </form>
            </section>

            {(!shared.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="shared-title">
                    <h2 id="shared-title">{locale.t("districts_admin.placement.title")}</h2>
                    <p class="hint">{locale.t("districts_admin.placement.help")}</p>
                    <ul class="moved shared">
                        {shared.into_iter().map(|s| view! {
                            <li>
                                <a href=format!("/shops/{}", s.slug)>{s.name.clone()}</a> " "
                                <span class="hint">{locale.tf("districts_admin.placement.in", &[("district", &s.current.clone().unwrap_or_else(|| locale.t("districts_admin.outline.nowhere")))])}</span>
                                {s.others.into_iter().map(|(other_slug, other_name)| view! {
                                    " "
                                    <form method="post" action="/api/districts/place" class="inline-form">
                                        <input type="hidden" name="slug" value=other_slug/>
                                        <input type="hidden" name="shop" value=s.slug.clone()/>
                                        <input type="hidden" name="from" value=slug.clone()/>
                                        <button type="submit" class="button secondary small">{locale.tf("districts_admin.placement.move", &[("district", &other_name)])}</button>
                                    </form>
                                }).collect_view()}
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}

            <section class="card" aria-labelledby="name-title">
                <h2 id="name-title">{locale.t("districts_admin.rename")}</h2>
                <form method="post" action="/api/districts/rename" class="stacked-form">
                    <input type="hidden" name="slug" value=slug.clone()/>
                    <label for="district-name">{locale.t("districts_admin.name")}</label>
                    <input id="district-name" name="name" required minlength="2" maxlength="80" value=name.clone()/>
                    <button type="submit" class="button secondary">{locale.t("districts_admin.rename")}</button>
                </form>
            </section>

            <section class="card" aria-labelledby="stewards-title">
                <h2 id="stewards-title">{locale.t("districts_admin.stewards")}</h2>
                <Stewards stewards slug=Some(slug.clone())/>
                <p><a href="/manage">{locale.tf("manage.invite_steward", &[("district", &name)])}</a></p>
            </section>

            <section class="card danger-zone" aria-labelledby="delete-title">
                <h2 id="delete-title">{locale.t("districts_admin.delete.title")}</h2>
                <p class="hint">{locale.t("districts_admin.delete.help")}</p>
                <details class="confirm">
                    <summary class="button secondary">{locale.t("districts_admin.delete.title")}</summary>
                    <form method="post" action="/api/districts/delete" class="inline-form">
                        <input type="hidden" name="slug" value=slug.clone()/>
                        <button type="submit" class="button danger">{locale.tf("districts_admin.delete.confirm", &[("name", &name)])}</button>
                    </form>
                </details>
            </section>
        </section>
    }
}
