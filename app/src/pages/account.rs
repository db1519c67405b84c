//! `/account`: who I am, my shops and districts, signing out.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};

use crate::api::accounts::{get_me, SignOut, SignOutEverywhere};
use crate::i18n::use_locale;
use crate::islands::account::SignInForm;
use crate::model::Me;
use crate::pages::Loaded;

#[component]
pub fn AccountPage() -> impl IntoView {
    // One resource for the whole page (the account and its passkeys): a resource created
    // inside another's Suspense was seen to hydrate against the wrong markup now and then.
    let page = Resource::new(
        || (),
        |_| async {
            let Some(me) = get_me().await? else {
                return Ok(None);
            };
            let keys = crate::api::passkeys::get_passkeys().await?;
            let reviews = crate::api::reviews::get_my_reviews().await?;
            Ok::<_, crate::error::AppError>(Some((me, keys, reviews)))
        },
    );
    view! {
        <Loaded resource=page let:account>
            {match account {
                Some((me, keys, reviews)) => view! {
                    <AccountContent me keys strings=crate::i18n::Strings::all()/>
                    <div class="page">
                        <crate::pages::reviews::MyReviewsSection reviews/>
                        <MyMessagesLink/>
                        <DeleteAccountSection/>
                    </div>
                }.into_any(),
                None => view! { <AccountDeleted/> <SignInNeeded return_to="/account".into()/> }.into_any(),
            }}
        </Loaded>
    }
}

/// Where the account's private messages (sent from its devices) are.
#[component]
fn MyMessagesLink() -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="account-messages" aria-labelledby="my-messages-title">
            <h2 id="my-messages-title">{locale.t("message.mine_title")}</h2>
            <p>{locale.t("message.account_lead")} " " <a href="/messages">{locale.t("message.see_mine")}</a></p>
        </section>
    }
}

/// "Supprimer mon compte": what goes and what stays, a checkbox, a plain form.
#[component]
fn DeleteAccountSection() -> impl IntoView {
    let locale = use_locale();
    let error = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("delete_error"));
    view! {
        <section class="delete-account" id="delete-account" aria-labelledby="delete-account-title">
            <h2 id="delete-account-title">{locale.t("account.delete_title")}</h2>
            <p>{locale.t("account.delete_what")}</p>
            <p>{locale.t("account.delete_kept")}</p>
            {error.map(|code| {
                let key = match code.as_str() {
                    "invalid-confirm" => "account.error.confirm_delete",
                    "invalid-last_owner" => "account.error.last_owner",
                    "invalid-last_admin" => "account.error.last_admin",
                    "rate-limited" => "error.rate_limited",
                    "unauthorized" => "error.unauthorized",
                    _ => "error.internal",
                };
                view! { <p class="notice error" role="alert">{locale.t(key)}</p> }
            })}
            <form method="post" action=crate::api::accounts::DeleteAccount::url() class="delete-account-form">
                <p class="choice">
                    <input type="checkbox" id="delete-confirm" name="confirm" value="yes" required/>
                    <label for="delete-confirm">{locale.t("account.delete_confirm")}</label>
                </p>
                <button type="submit" class="button danger">{locale.t("account.delete_button")}</button>
            </form>
        </section>
    }
}

/// After an account was deleted: says so.
#[component]
fn AccountDeleted() -> impl IntoView {
    let locale = use_locale();
    let deleted =
        leptos_router::hooks::use_query_map().with_untracked(|q| q.get("deleted").is_some());
    deleted.then(|| {
        view! {
            <p class="page notice success" role="status">{locale.t("account.deleted")}</p>
        }
    })
}

/// For pages that need an account: the sign-in form in place.
#[component]
pub fn SignInNeeded(return_to: String) -> impl IntoView {
    let locale = use_locale();
    view! {
        <Title text=locale.t("sign_in.title")/>
        <Meta name="robots" content="noindex"/>
        <section class="page sign-in narrow">
            <h1>{locale.t("sign_in.title")}</h1>
            <p>{locale.t("sign_in.intro")}</p>
            <crate::components::passkeys::PasskeySignIn return_to=return_to.clone()/>
            <SignInForm return_to sent=false strings=crate::i18n::Strings::all()/>
        </section>
    }
}

/// The account: passkeys and signing out, one island.
#[island(lazy)]
fn AccountContent(
    me: Me,
    keys: Vec<crate::model::PasskeyView>,
    strings: crate::i18n::Strings,
) -> impl IntoView {
    crate::hydration::island_hydrated();
    strings.install();
    let locale = use_locale();
    let sign_out = ServerAction::<SignOut>::new();
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    // Signed out: the home page is loaded afresh, as a new page (the app's own navigation
    // would tear this page down while its requests still answer; a full load also leaves
    // nothing of the account in memory).
    Effect::new(move |_| {
        let done = matches!(sign_out.value().get(), Some(Ok(())))
            || matches!(everywhere.value().get(), Some(Ok(())));
        if done {
            let _ = window().location().replace("/");
        }
    });
    let closed_invitation = crate::components::query::use_page_query()
        .with_untracked(|q| q.get("invitation").is_some_and(|v| v == "closed"));
    let has_duties = me.has_duties();
    let Me {
        email,
        admin,
        shops,
        districts,
    } = me;
    view! {
        <Title text=locale.t("account.title")/>
        <Meta name="robots" content="noindex"/>
        <section class="page account narrow">
            <h1>{locale.t("account.title")}</h1>
            {closed_invitation.then(|| view! { <p class="notice warning" role="alert">{locale.t("invite.error.closed")}</p> })}
            <p>{locale.tf("account.signed_in_as", &[("email", &email)])}</p>
            {(!shops.is_empty()).then(|| view! {
                <h2>{locale.t("account.my_shops")}</h2>
                <ul class="link-list" role="list">
                    {shops.into_iter().map(|s| view! {
                        <li>
                            <a class="button primary big" href=format!("/counter/{}", s.slug)>
                                {locale.tf("account.open_counter", &[("shop", &s.name)])}
                            </a>
                            <span class="hint">{locale.t(&format!("role.{}", s.role))}</span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(admin || !districts.is_empty()).then(|| view! {
                <h2>{locale.t("account.managing")}</h2>
                <p>
                    {if admin { locale.t("role.admin") } else {
                        districts.iter().map(|d| d.name.clone()).collect::<Vec<_>>().join(", ")
                    }}
                </p>
                <p><a class="button secondary" href="/manage">{locale.t("manage.title")}</a></p>
            })}
            {(!has_duties).then(|| view! {
                <p class="hint">{locale.t("account.resident")}</p>
                <p><a class="button secondary" href="/following">{locale.t("nav.following")}</a></p>
            })}
            <h2>{locale.t("account.security")}</h2>
            <Passkeys keys/>
            <ActionForm action=sign_out attr:class="inline-form">
                <button type="submit" class="button secondary">{locale.t("account.sign_out")}</button>
            </ActionForm>
            <ActionForm action=everywhere attr:class="inline-form">
                <button type="submit" class="button secondary">{locale.t("account.sign_out_everywhere")}</button>
            </ActionForm>
            <p class="hint">{locale.t("account.sign_out_everywhere_help")}</p>
        </section>
    }
}

/// The account's passkeys: the list, "remove", and "create one on this device".
#[component]
fn Passkeys(keys: Vec<crate::model::PasskeyView>) -> impl IntoView {
    let locale = use_locale();
    let flash = crate::components::query::use_page_query().with_untracked(|q| {
        match q.get("passkey").as_deref() {
            Some("added") => Some(locale.t("passkey.created")),
            Some("removed") => Some(locale.t("passkey.removed")),
            _ => None,
        }
    });
    let remove = ServerAction::<crate::api::passkeys::DeletePasskey>::new();
    // Removed: the page is loaded again, as without JavaScript.
    Effect::new(move |_| {
        if matches!(remove.value().get(), Some(Ok(()))) {
            let _ = window().location().replace("/account?passkey=removed");
        }
    });
    let list = if keys.is_empty() {
        view! { <p class="hint">{locale.t("passkey.none")}</p> }.into_any()
    } else {
        view! {
                        <ul class="passkey-list" role="list">
                            {keys.into_iter().map(|key| {
                                // One text (two adjacent texts would be one node once parsed).
                                let mut dates = locale.tf("passkey.created_on", &[("date", &day_text(&key.created_on))]);
                                if let Some(used) = &key.last_used_on {
                                    dates.push_str(" · ");
                                    dates.push_str(&locale.tf("passkey.last_used_on", &[("date", &day_text(used))]));
                                }
                                view! {
                                    <li>
                                        <span class="passkey-name">{key.name.clone()}</span>
                                        " "
                                        <span class="hint">{dates}</span>
                                        <ActionForm action=remove attr:class="inline-form">
                                            <input type="hidden" name="id" value=key.id.to_string()/>
                                            <button type="submit" class="button secondary small"
                                                aria-label=locale.tf("passkey.remove_named", &[("name", &key.name)])>
                                                {locale.t("passkey.remove")}
                                            </button>
                                        </ActionForm>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
        }
        .into_any()
    };
    view! {
        <section class="passkeys" aria-labelledby="passkeys-title">
            <h3 id="passkeys-title">{locale.t("passkey.title")}</h3>
            {flash.map(|f| view! { <p class="notice success" role="status">{f}</p> })}
            {list}
            <crate::components::passkeys::PasskeyCreate/>
        </section>
    }
}

/// `26/11/2026` from `2026-11-26`.
fn day_text(iso: &str) -> String {
    let mut parts = iso.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}
