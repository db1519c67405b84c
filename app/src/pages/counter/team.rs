//! The shop's team on the counter: members, removing one, inviting staff.

use leptos::prelude::*;

use crate::api::invitations::RemoveTeamMember;
use crate::i18n::use_locale;
use crate::islands::account::{error_text, InviteButton};
use crate::model::TeamMember;

/// The members of the shop's team; owners may remove staff and invite more.
#[component]
pub(super) fn Team(slug: String, members: Vec<TeamMember>, can_invite: bool) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="team" aria-labelledby="team-title">
            <h2 id="team-title">{locale.t("team.title")}</h2>
            <ul class="team-list" role="list">
                {members.into_iter().map(|m| {
                    let remove = ServerAction::<RemoveTeamMember>::new();
                    let removed = move || matches!(remove.value().get(), Some(Ok(())));
                    let failed = move || match remove.value().get() {
                        Some(Err(e)) => Some(error_text(locale, &e)),
                        _ => None,
                    };
                    let slug = slug.clone();
                    view! {
                        <li hidden=removed>
                            <span class="member-email">{m.email.clone()}</span>
                            " "
                            <span class="hint">{locale.t(&format!("role.{}", m.role))}</span>
                            {(can_invite && !m.is_me).then(|| view! {
                                <ActionForm action=remove attr:class="inline-form">
                                    <input type="hidden" name="shop" value=slug.clone()/>
                                    <input type="hidden" name="user_id" value=m.user_id.to_string()/>
                                    <input type="hidden" name="return_to" value=format!("/counter/{slug}")/>
                                    <button type="submit" class="button secondary small">{locale.t("team.remove")}</button>
                                </ActionForm>
                            })}
                            <p class="error" role="alert">{failed}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {can_invite.then(|| view! {
                <InviteButton role="staff" target=slug.clone() label=locale.t("team.invite_staff") return_to=format!("/counter/{slug}")/>
                <crate::islands::account::ReturnedInvitation/>
            })}
        </section>
    }
}
