//! `/privacy` (what Quartier keeps, why and for how long: written from
//! `model::privacy`, so that it says what the software does) and `/my-data` (what it keeps
//! about this phone and the account, to download or erase). Plain pages and forms: no script.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};

use crate::api::privacy::{get_personal_data, get_privacy_facts, ForgetDevice, PrivacyFacts};
use crate::i18n::{use_locale, Locale};
use crate::model::privacy::{
    AccountData, DeviceData, Keep, PersonalData, Record, COOKIES, RECORDS,
};
use crate::pages::Loaded;

/// Belgium's data protection authority, in the page's language.
fn authority_url(locale: Locale) -> &'static str {
    match locale.code() {
        "nl" => "https://www.gegevensbeschermingsautoriteit.be/",
        "de" => "https://www.datenschutzbehorde.be/",
        "en" => "https://www.dataprotectionauthority.be/",
        _ => "https://www.autoriteprotectiondonnees.be/",
    }
}

fn keep_text(locale: Locale, keep: &Keep) -> String {
    if keep.n == 0 {
        locale.t(&format!("privacy.keep.{}", keep.key))
    } else {
        locale.tf(
            &format!("privacy.keep.{}", keep.key),
            &[("n", &keep.n.to_string())],
        )
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let facts = Resource::new(|| (), |_| get_privacy_facts());
    view! {
        <Loaded resource=facts let:facts>
            <PrivacyContent facts/>
        </Loaded>
    }
}

#[component]
fn PrivacyContent(facts: PrivacyFacts) -> impl IntoView {
    let locale = use_locale();
    let (personal, other): (Vec<&Record>, Vec<&Record>) = RECORDS.iter().partition(|r| r.personal);
    let record = move |r: &Record| {
        let id = format!("privacy-{}", r.key);
        view! {
            <section class="privacy-record" aria-labelledby=id.clone()>
                <h3 id=id.clone()>{locale.t(&format!("privacy.record.{}.what", r.key))}</h3>
                <p>{locale.t(&format!("privacy.record.{}.why", r.key))}</p>
                <ul>
                    {r.keep.iter().map(|k| view! { <li>{keep_text(locale, k)}</li> }).collect_view()}
                </ul>
            </section>
        }
    };
    view! {
        <Title text=locale.t("privacy.title")/>
        <section class="page privacy narrow">
            <h1>{locale.t("privacy.title")}</h1>
            <p class="lead">{locale.tf("privacy.lead", &[("town", &facts.town)])}</p>
            <ul class="privacy-principles">
                <li>{locale.t("privacy.principle.no_tracking")}</li>
                <li>{locale.t("privacy.principle.no_account")}</li>
                <li>{locale.t("privacy.principle.location")}</li>
                <li>{locale.t("privacy.principle.counts")}</li>
            </ul>
            <p><a class="button primary" href="/my-data">{locale.t("privacy.see_mine")}</a></p>
            <h2>{locale.t("privacy.personal_title")}</h2>
            {personal.into_iter().map(record).collect_view()}
            <h2>{locale.t("privacy.other_title")}</h2>
            {other.into_iter().map(record).collect_view()}
            <h2 id="privacy-cookies">{locale.t("privacy.cookies_title")}</h2>
            <p>{locale.t("privacy.cookies_lead")}</p>
            <p>{locale.t("privacy.local_storage")}</p>
            <table class="privacy-cookies" aria-labelledby="privacy-cookies">
                <thead>
                    <tr>
                        <th scope="col">{locale.t("privacy.cookie_name")}</th>
                        <th scope="col">{locale.t("privacy.cookie_purpose")}</th>
                        <th scope="col">{locale.t("privacy.cookie_lifetime")}</th>
                    </tr>
                </thead>
                <tbody>
                    {COOKIES.iter().map(|(name, key, keep)| view! {
                        <tr>
                            <th scope="row"><code>{*name}</code></th>
                            <td>{locale.t(&format!("privacy.cookie.{key}"))}</td>
                            <td>{keep_text(locale, keep)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <h2>{locale.t("privacy.others_title")}</h2>
            <ul>
                <li>{locale.t("privacy.others.push")}</li>
                {facts.tiles.map(|origin| view! {
                    <li>{locale.tf("privacy.others.tiles", &[("origin", &origin)])}</li>
                })}
                <li>{locale.t("privacy.others.mail")}</li>
            </ul>
            <h2>{locale.t("privacy.rights_title")}</h2>
            <p>{locale.t("privacy.rights_text")}</p>
            <ul>
                <li><a href="/my-data">{locale.t("privacy.rights_my_data")}</a></li>
                <li><a href="/account#delete-account">{locale.t("privacy.rights_account")}</a></li>
            </ul>
            <p>
                {locale.tf("privacy.controller", &[("town", &facts.town)])} " "
                <a href=authority_url(locale) rel="external">{locale.t("privacy.authority")}</a>
            </p>
        </section>
    }
}

#[component]
pub fn MyDataPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_personal_data());
    view! {
        <Loaded resource=data let:data>
            <MyDataContent data/>
        </Loaded>
    }
}

#[component]
fn MyDataContent(data: PersonalData) -> impl IntoView {
    let locale = use_locale();
    let (forgotten, error) = leptos_router::hooks::use_query_map().with_untracked(|q| {
        (
            q.get("forgotten").is_some(),
            q.get("error").map(|code| match code.as_str() {
                "invalid-confirm" => locale.t("my_data.error.confirm"),
                other => crate::islands::account::error_code_text(locale, other),
            }),
        )
    });
    let nothing = data.device.is_none() && data.account.is_none();
    let signed_in = data.account.is_some();
    view! {
        <Title text=locale.t("my_data.title")/>
        <Meta name="robots" content="noindex"/>
        <section class="page my-data narrow">
            <h1>{locale.t("my_data.title")}</h1>
            {forgotten.then(|| view! {
                <p class="notice success" role="status">{locale.t("my_data.forgotten")}</p>
            })}
            {error.map(|message| view! { <p class="notice error" role="alert">{message}</p> })}
            {data.account_profile_hidden.then(|| view! {
                <p class="notice warning">
                    {locale.t("my_data.account_hidden")} " "
                    <a href="/sign-in?return_to=%2Fmy-data">{locale.t("sign_in.title")}</a>
                </p>
            })}
            <p class="lead">{locale.t("my_data.lead")} " "
                <a href="/privacy">{locale.t("my_data.privacy_link")}</a>
            </p>
            {if nothing {
                view! { <p>{locale.t("my_data.nothing")}</p> }.into_any()
            } else {
                view! {
                    <p>
                        <a class="button primary" href="/my-data/export.json" download="quartier-mes-donnees.json">
                            {locale.t("my_data.download")}
                        </a>
                    </p>
                    <p class="hint">{locale.t("my_data.download_hint")}</p>
                }.into_any()
            }}
            {data.account.map(|account| view! { <AccountSummary account/> })}
            {data.device.map(|device| view! { <DeviceSummary device signed_in/> })}
        </section>
    }
}

/// One line of a summary: a label and a figure.
fn figure(locale: Locale, key: &str, count: usize) -> impl IntoView {
    view! {
        <div class="figure">
            <dt>{locale.t(&format!("my_data.figure.{key}"))}</dt>
            <dd>{count}</dd>
        </div>
    }
}

#[component]
fn DeviceSummary(device: DeviceData, signed_in: bool) -> impl IntoView {
    let locale = use_locale();
    let since = crate::i18n::format::long_date(locale, device.created_at.get(..10).unwrap_or(""));
    view! {
        <section class="my-data-device" aria-labelledby="my-data-device-title">
            <h2 id="my-data-device-title">{locale.t("my_data.device_title")}</h2>
            <p>{locale.tf("my_data.device_since", &[("date", &since)])}</p>
            <dl class="figures">
                {figure(locale, "shops", device.followed_shops.len())}
                {figure(locale, "districts", device.followed_districts.len())}
                {figure(locale, "subscriptions", device.push_subscriptions.len())}
                {figure(locale, "notifications", device.notifications.len())}
                {figure(locale, "messages", device.messages.len())}
                {figure(locale, "useful", device.reviews_found_useful.len())}
                {figure(locale, "reports", device.reports.len())}
            </dl>
            <h3 id="forget">{locale.t("my_data.forget_title")}</h3>
            <p>{locale.t(if signed_in { "my_data.forget_what_account" } else { "my_data.forget_what" })}</p>
            <p>{locale.t("my_data.forget_kept")}</p>
            <form method="post" action=ForgetDevice::url() class="delete-account-form">
                <p class="choice">
                    <input type="checkbox" id="forget-confirm" name="confirm" value="yes" required/>
                    <label for="forget-confirm">{locale.t("my_data.forget_confirm")}</label>
                </p>
                <button type="submit" class="button danger">{locale.t("my_data.forget_button")}</button>
            </form>
        </section>
    }
}

#[component]
fn AccountSummary(account: AccountData) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="my-data-account" aria-labelledby="my-data-account-title">
            <h2 id="my-data-account-title">{locale.t("my_data.account_title")}</h2>
            <p>{locale.tf("account.signed_in_as", &[("email", &account.email)])}</p>
            <dl class="figures">
                {figure(locale, "reviews", account.reviews.len())}
                {figure(locale, "roles", account.shops.len() + account.districts.len() + usize::from(account.administrator))}
                {figure(locale, "passkeys", account.passkeys.len())}
                {figure(locale, "sessions", account.sessions.len())}
            </dl>
            <p>{locale.t("my_data.account_delete")} " "
                <a href="/account#delete-account">{locale.t("account.delete_title")}</a>
            </p>
        </section>
    }
}
