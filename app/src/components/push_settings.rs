//! The fields of quiet hours and limits, shared by a resident's notification settings and the
//! town's defaults on `/manage`.

use leptos::prelude::*;

use crate::api::push::{MAX_DISTRICT_PUSHES_PER_WEEK, MAX_SHOP_PUSHES_PER_DAY};
use crate::i18n::use_locale;
use crate::model::TownPushView;

#[component]
pub fn QuietAndLimitsFields(
    values: TownPushView,
    /// Under the quiet hours and under the limits.
    quiet_hint: String,
    limits_hint: String,
    /// The refused field of a form that came back (`invalid-<field>`).
    error_code: Option<String>,
    /// Distinguishes the ids when two forms could share a page.
    id_prefix: &'static str,
) -> impl IntoView {
    let locale = use_locale();
    let invalid = move |field: &str| {
        (error_code.as_deref() == Some(&format!("invalid-{field}"))).then_some("true")
    };
    let id = move |name: &str| format!("{id_prefix}-{name}");
    view! {
        <fieldset>
            <legend>{locale.t("notifications.quiet")}</legend>
            <label class="choice" for=id("quiet-enabled")>
                <input type="checkbox" id=id("quiet-enabled") name="quiet" value="on" checked=values.quiet_enabled/>
                " " {locale.t("notifications.quiet_enable")}
            </label>
            <div class="time-range">
                <label for=id("quiet-start")>{locale.t("notifications.quiet_from")}</label>
                <input type="time" id=id("quiet-start") name="quiet_start" value=values.quiet_start
                    aria-invalid=invalid("quiet_start") aria-describedby=id("quiet-hint")/>
                <label for=id("quiet-end")>{locale.t("notifications.quiet_to")}</label>
                <input type="time" id=id("quiet-end") name="quiet_end" value=values.quiet_end
                    aria-invalid=invalid("quiet_end") aria-describedby=id("quiet-hint")/>
            </div>
            <p id=id("quiet-hint") class="hint">{quiet_hint}</p>
        </fieldset>
        <fieldset>
            <legend>{locale.t("notifications.limits")}</legend>
            <label for=id("shop-per-day")>{locale.t("notifications.shop_per_day")}</label>
            <input type="number" id=id("shop-per-day") name="shop_pushes_per_day" min="0"
                max=MAX_SHOP_PUSHES_PER_DAY.to_string() inputmode="numeric"
                value=values.shop_pushes_per_day.to_string() aria-invalid=invalid("shop_pushes_per_day")
                aria-describedby=id("limits-hint")/>
            <label for=id("district-per-week")>{locale.t("notifications.district_per_week")}</label>
            <input type="number" id=id("district-per-week") name="district_pushes_per_week" min="0"
                max=MAX_DISTRICT_PUSHES_PER_WEEK.to_string() inputmode="numeric"
                value=values.district_pushes_per_week.to_string()
                aria-invalid=invalid("district_pushes_per_week") aria-describedby=id("limits-hint")/>
            <p id=id("limits-hint") class="hint">{limits_hint}</p>
        </fieldset>
    }
}
