//! The "open now" badge of a shop.

use leptos::prelude::*;

use crate::i18n::format::status_texts;
use crate::i18n::use_locale;
use crate::model::{OpenState, OpenStatus};

pub fn state_class(state: OpenState) -> &'static str {
    match state {
        OpenState::Open => "badge badge-open",
        OpenState::ClosingSoon => "badge badge-soon",
        OpenState::Closed => "badge badge-closed",
        OpenState::Unknown => "badge badge-unknown",
    }
}

/// "Ouvert · ferme à 19 h".
#[component]
pub fn StatusBadge(status: OpenStatus) -> impl IntoView {
    let locale = use_locale();
    let (label, detail) = status_texts(locale, &status);
    view! {
        <span class="status">
            <span class=state_class(status.state) data-state=format!("{:?}", status.state)>{label}</span>
            {detail.map(|d| view! { <span class="status-detail">{d}</span> })}
        </span>
    }
}
