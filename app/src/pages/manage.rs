//! `/manage`: stewards (their districts) and admins (the town) onboard shops: which have a
//! merchant, which are waiting for one; invitations by link or QR code.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::api::invitations::RevokeInvitation;
use crate::api::manage::get_manage;
use crate::i18n::use_locale;
use crate::islands::account::{error_text, InviteButton};
use crate::model::{ManageView, ManagedDistrict, OpenInvitation};
use crate::pages::Loaded;

#[component]
pub fn ManagePage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let manage = Resource::new(
        move || query.with(|q| (q.get("step"), q.get("todo"))),
        |(step, todo)| get_manage(step, todo),
    );
    view! {
        <Meta name="robots" content="noindex"/>
        <Loaded resource=manage sign_in_to="/manage".to_string() let:view>
            <ManageContent view strings=crate::i18n::Strings::all()/>
        </Loaded>
    }
}

/// Managing the town or districts: invitations and settings, one island.
#[island(lazy)]
fn ManageContent(view: ManageView, strings: crate::i18n::Strings) -> impl IntoView {
    crate::hydration::island_hydrated();
    strings.install();
    let locale = use_locale();
    let ManageView {
        admin,
        districts,
        invitations,
        claimed,
        total,
        town_push,
        review_rules,
        steps,
        todos,
        filter,
    } = view;
    view! {
        <Title text=locale.t("manage.title")/>
        <section class="page manage">
            <h1>{locale.t("manage.title")}</h1>
            <crate::islands::account::ReturnedInvitation/>
            <p class="summary">
                {locale.tf("manage.summary", &[("claimed", &claimed.to_string()), ("total", &total.to_string())])}
            </p>
            <p class="shop-actions">
                <a class="button secondary" href="/dashboard">{locale.t("manage.dashboard")}</a>
                <a class="button secondary" href="/moderation">{locale.t("manage.moderation")}</a>
                {admin.then(|| view! { <a class="button secondary" href="/manage/districts">{locale.t("manage.districts")}</a> })}
            </p>
            <Onboarding steps todos filter=filter.clone()/>
            {(filter.is_some() && districts.is_empty()).then(|| view! { <p>{locale.t("manage.no_shops_here")}</p> })}
            {districts.into_iter().map(|d| view! { <DistrictShops district=d admin/> }).collect_view()}
            {admin.then(|| view! {
                <form method="post" action="/manage/invitations/sheet">
                    <button type="submit" class="button secondary">{locale.t("manage.print_invitations_all")}</button>
                </form>
            })}
            <Invitations invitations/>
            {town_push.map(|values| view! { <TownNotifications values/> })}
            {review_rules.map(|rules| view! { <ReviewRules rules/> })}
            {admin.then(|| view! {
                <section aria-labelledby="admins-title">
                    <h2 id="admins-title">{locale.t("manage.admins")}</h2>
                    <p class="hint">{locale.t("manage.admins_help")}</p>
                    <InviteButton role="admin" label=locale.t("manage.invite_admin") return_to="/manage".into()/>
                </section>
            })}
        </section>
    }
}

#[component]
fn DistrictShops(district: ManagedDistrict, admin: bool) -> impl IntoView {
    let locale = use_locale();
    let ManagedDistrict {
        slug,
        name,
        shops,
        average_visibility,
        waiting,
    } = district;
    let (note_shop, note_feedback) =
        crate::components::query::use_page_query().with_untracked(|q| {
            (
                q.get("note_shop"),
                (
                    q.get("saved").as_deref() == Some("note"),
                    q.get("note_error"),
                ),
            )
        });
    view! {
        <section class="managed-district">
            <h2>{name.clone()}</h2>
            <p class="hint">{locale.plural("manage.unclaimed", waiting as i64)}</p>
            {average_visibility.map(|v| view! {
                <p class="hint">{locale.tf("manage.average_visibility", &[("score", &v.to_string())])}</p>
            })}
            {slug.clone().map(|slug| view! {
                <p><a class="button primary small" href=format!("/districts/{slug}/counter")>{locale.t("manage.district_counter")}</a></p>
                <p><a href=format!("/districts/{slug}/messages")>{locale.t("manage.district_messages")}</a></p>
            })}
            {(slug.is_some() && waiting > 0).then(|| view! {
                <form method="post" action="/manage/invitations/sheet" class="inline-form">
                    <input type="hidden" name="district" value=slug.clone().unwrap_or_default()/>
                    <button type="submit" class="button secondary small">
                        {locale.tf("manage.print_invitations", &[("count", &waiting.to_string())])}
                    </button>
                </form>
                <p class="hint">{locale.tf("manage.print_help", &[("days", &crate::model::INVITATION_DAYS.to_string())])}</p>
            })}
            {(admin && slug.is_some()).then(|| view! {
                <InviteButton role="steward" target=slug.clone().unwrap_or_default() label=locale.tf("manage.invite_steward", &[("district", &name)]) return_to="/manage".into()/>
            })}
            <ul class="managed-shops" role="list">
                {shops.into_iter().map(|shop| {
                    let status = if shop.has_merchant {
                        ("badge live", "manage.status.claimed")
                    } else if shop.invitation_pending {
                        ("badge scheduled", "manage.status.invited")
                    } else {
                        ("badge ended", "manage.status.unclaimed")
                    };
                    let (saved, error) = note_feedback.clone();
                    let here = note_shop.as_deref() == Some(shop.slug.as_str());
                    view! {
                        <li class="managed-shop" id=format!("shop-{}", shop.slug)>
                            <div>
                                <a href=format!("/shops/{}", shop.slug)><strong>{shop.name.clone()}</strong></a>
                                {shop.address_line.clone().map(|a| view! { <span class="hint">" · " {a}</span> })}
                                " " <span class=status.0>{locale.t(status.1)}</span>
                                " " <span class="hint managed-step">{locale.t(&format!("manage.step_label.{}", shop.step))}</span>
                                " " <span class="hint managed-visibility">{locale.tf("manage.visibility", &[("score", &shop.visibility.to_string())])}</span>
                            </div>
                            {shop.note.clone().map(|note| view! {
                                <p class="shop-note">{note} " "
                                    <span class="hint">{locale.tf("manage.note.on", &[("date", &crate::i18n::format::long_date(locale, shop.note_on.as_deref().unwrap_or_default()))])}</span>
                                </p>
                            })}
                            {(here && saved).then(|| view! { <p class="notice success" role="status">{locale.t("manage.note.saved")}</p> })}
                            {here.then_some(error.clone()).flatten().map(|code| view! {
                                <p class="notice error" role="alert" id=format!("note-{}-error", shop.slug)>{locale.tf(
                                    match code.as_str() {
                                        "invalid-note" => "manage.note.too_long",
                                        "forbidden" => "error.forbidden",
                                        "unauthorized" => "error.unauthorized",
                                        "not-found" => "error.not_found",
                                        _ => "error.internal",
                                    },
                                    &[("max", &crate::model::NOTE_MAX_CHARS.to_string())],
                                )}</p>
                            })}
                            <details class="shop-note-form" open=here>
                                <summary>{locale.t(if shop.note.is_some() { "manage.note.edit" } else { "manage.note.add" })}</summary>
                                <form method="post" action="/api/manage/note" class="stacked-form">
                                    <input type="hidden" name="slug" value=shop.slug.clone()/>
                                    <label for=format!("note-{}", shop.slug)>{locale.tf("manage.note.label", &[("shop", &shop.name)])}</label>
                                    <textarea id=format!("note-{}", shop.slug) name="note" rows="3"
                                        maxlength=crate::model::NOTE_MAX_CHARS.to_string()
                                        aria-describedby=if here && error.is_some() {
                                            format!("note-{0}-hint note-{0}-error", shop.slug)
                                        } else {
                                            format!("note-{}-hint", shop.slug)
                                        }
                                        aria-invalid=(here && error.is_some()).then_some("true")
                                    >{crate::components::textarea_text(&shop.note.clone().unwrap_or_default())}</textarea>
                                    <p class="hint" id=format!("note-{}-hint", shop.slug)>{locale.t("manage.note.hint")}</p>
                                    <button type="submit" class="button secondary small">{locale.t("manage.note.save")}</button>
                                </form>
                            </details>
                            <div class="shop-actions">
                                <a class="button secondary small" href=format!("/counter/{}", shop.slug)>{locale.t("manage.post_for")}</a>
                                {(!shop.has_merchant).then(|| view! {
                                    <InviteButton role="owner" target=shop.slug.clone() label=locale.t("manage.invite_owner") return_to="/manage".into()/>
                                })}
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Invitations(invitations: Vec<OpenInvitation>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section aria-labelledby="invitations-title">
            <h2 id="invitations-title">{locale.t("manage.invitations")}</h2>
            {invitations.is_empty().then(|| view! { <p class="hint">{locale.t("manage.no_invitations")}</p> })}
            <ul class="invitation-list" role="list">
                {invitations.into_iter().map(|i| {
                    let revoke = ServerAction::<RevokeInvitation>::new();
                    let gone = move || matches!(revoke.value().get(), Some(Ok(())));
                    let failed = move || match revoke.value().get() {
                        Some(Err(e)) => Some(error_text(locale, &e)),
                        _ => None,
                    };
                    view! {
                        <li hidden=gone>
                            <strong>{i.target_name.clone()}</strong>
                            " · " {locale.t(&format!("role.{}", i.role))}
                            " · " {locale.tf("manage.expires", &[("date", &i.expires_on)])}
                            <ActionForm action=revoke attr:class="inline-form">
                                <input type="hidden" name="id" value=i.id.to_string()/>
                                <input type="hidden" name="return_to" value="/manage"/>
                                <button type="submit" class="button secondary small">{locale.t("manage.revoke")}</button>
                            </ActionForm>
                            <p class="error" role="alert">{failed}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The town's rules for new reviews: hold a new account's first one, a minimum account age.
#[component]
fn ReviewRules(rules: crate::model::ReviewRulesView) -> impl IntoView {
    let locale = use_locale();
    let (saved, error) = crate::components::query::use_page_query().with_untracked(|q| {
        (
            q.get("saved").as_deref() == Some("reviews"),
            q.get("review_error"),
        )
    });
    view! {
        <section id="review-rules" aria-labelledby="review-rules-title">
            <h2 id="review-rules-title">{locale.t("manage.review_rules.title")}</h2>
            <p class="hint">{locale.t("manage.review_rules.help")}</p>
            {saved.then(|| view! {
                <p class="notice success" role="status">{locale.t("manage.review_rules.saved")}</p>
            })}
            {error.clone().map(|code| view! {
                <p class="notice error" id="review-rules-error" role="alert">
                    {locale.t(match code.as_str() {
                        "invalid-min_account_minutes" => "manage.review_rules.error_minutes",
                        "forbidden" => "error.forbidden",
                        "unauthorized" => "error.unauthorized",
                        "rate-limited" => "error.rate_limited",
                        _ => "error.internal",
                    })}
                </p>
            })}
            <form method="post" action="/api/manage/reviews" class="stacked-form">
                <p class="choice">
                    <input type="checkbox" id="review-hold-first" name="hold_first" value="on" checked=rules.hold_first/>
                    <label for="review-hold-first">{locale.t("manage.review_rules.hold_first")}</label>
                </p>
                <label for="review-min-minutes">{locale.t("manage.review_rules.min_minutes")}</label>
                <input type="number" id="review-min-minutes" name="min_account_minutes" min="0" max="10080" step="1"
                    inputmode="numeric" value=rules.min_account_minutes.to_string()
                    aria-describedby=if error.is_some() { "review-min-minutes-hint review-rules-error" } else { "review-min-minutes-hint" }
                    aria-invalid=error.as_deref().filter(|c| *c == "invalid-min_account_minutes").map(|_| "true")/>
                <p class="hint" id="review-min-minutes-hint">{locale.t("manage.review_rules.min_minutes_hint")}</p>
                <button type="submit" class="button">{locale.t("manage.review_rules.save")}</button>
            </form>
        </section>
    }
}

/// The town's push defaults: quiet hours and limits residents get unless they choose their own.
#[component]
fn TownNotifications(values: crate::model::TownPushView) -> impl IntoView {
    let locale = use_locale();
    let (saved, error) = crate::components::query::use_page_query().with_untracked(|q| {
        (
            q.get("saved").as_deref() == Some("notifications"),
            q.get("error"),
        )
    });
    let message = error
        .as_deref()
        .map(|code| crate::pages::notifications::refusal(locale, code));
    view! {
        <section id="town-notifications" aria-labelledby="town-notifications-title">
            <h2 id="town-notifications-title">{locale.t("manage.notifications")}</h2>
            <p class="hint">{locale.t("manage.notifications_help")}</p>
            {saved.then(|| view! {
                <p class="notice success" role="status">{locale.t("notifications.saved")}</p>
            })}
            {message.map(|message| view! { <p class="notice error" role="alert">{message}</p> })}
            <form method="post" action="/api/notifications/town" class="stacked-form">
                <crate::components::push_settings::QuietAndLimitsFields
                    values
                    quiet_hint=locale.t("notifications.quiet_hint_none")
                    limits_hint=locale.t("manage.notifications_limits")
                    error_code=error
                    id_prefix="town"
                />
                <button type="submit" class="button">{locale.t("notifications.save")}</button>
            </form>
        </section>
    }
}

/// The steward's to-do list (what has shops) and where the shops stand on the way online, each a
/// link that lists those shops (`?todo=…`, `?step=…`); the current one is marked.
#[component]
fn Onboarding(
    steps: Vec<crate::model::ManageCount>,
    todos: Vec<crate::model::ManageCount>,
    filter: Option<String>,
) -> impl IntoView {
    let locale = use_locale();
    let link = {
        let filter = filter.clone();
        move |count: crate::model::ManageCount| {
            let current = filter.as_deref() == Some(count.filter.as_str());
            let text = locale.plural(&count.key, count.count as i64);
            view! {
                <li>
                    {if count.count == 0 {
                        view! { <span>{text}</span> }.into_any()
                    } else {
                        view! {
                            <a href=format!("/manage?{}#shops", count.filter) aria-current=current.then_some("true")>{text}</a>
                        }.into_any()
                    }}
                </li>
            }
        }
    };
    let link_todo = link.clone();
    view! {
        {(!todos.is_empty()).then(|| view! {
            <section class="manage-todo" aria-labelledby="todo-title">
                <h2 id="todo-title">{locale.t("manage.todo.title")}</h2>
                <ul class="link-list filter-links" role="list">
                    {todos.into_iter().map(link_todo.clone()).collect_view()}
                </ul>
            </section>
        })}
        <section class="manage-steps" aria-labelledby="steps-title">
            <h2 id="steps-title">{locale.t("manage.steps_title")}</h2>
            <ol class="filter-links onboarding-steps">
                {steps.into_iter().map(link).collect_view()}
            </ol>
            {filter.is_some().then(|| view! {
                <p><a href="/manage#shops">{locale.t("manage.all_shops")}</a></p>
            })}
        </section>
        // Where the counts' links lead: the lists below, named (focusable, so that the jump is
        // announced).
        <h2 id="shops" tabindex="-1">{if filter.is_some() { locale.t("manage.listed_filtered") } else { locale.t("manage.listed_all") }}</h2>
    }
}
