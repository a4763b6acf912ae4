//! The Settings tab: the organisation's enterprise settings and its email domains. Full
//! administrators change them; read-only administrators see them.

use super::services::SaveButton;
use crate::api::settings::{load_settings, SaveEnterprise, SettingsView};
use crate::components::domains::{DomainList, Domains};
use crate::components::error_panel::ErrorPanel;
use crate::components::form::FormError;
use crate::components::provisioning::ProvisioningCard;
use crate::components::settings::EnterpriseFields;
use crate::locales::{t, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let query = use_query_map();
    let settings = Resource::new(
        move || query.read().get("saved").is_some(),
        |_| load_settings(),
    );
    let domains = DomainList::new();
    let full_admin = use_context::<crate::api::account::Me>()
        .is_some_and(|me| me.role == crate::domain::Role::FullAdmin);
    view! {
        <Title text=t(Key::SettingsTitle)/>
        <h1>{t(Key::SettingsTitle)}</h1>
        <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
            <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    settings.await.map(|settings| view! { <Enterprise settings domains/> })
                })}
            </Transition>
        </ErrorBoundary>
        <ProvisioningCard can_edit=full_admin/>
    }
    .into_any()
}

#[component]
fn Enterprise(settings: SettingsView, domains: DomainList) -> impl IntoView {
    let query = use_query_map();
    let saved = move || query.read().get("saved").is_some();
    let can_edit = settings.can_edit;
    let action = ServerAction::<SaveEnterprise>::new();
    crate::components::layout::follow_renames(move || action.value().get().and_then(Result::ok));
    let answer = action.value();
    view! {
        <section class="card" aria-labelledby="enterprise-heading">
            <h2 id="enterprise-heading">{t(Key::SetupStepEnterprise)}</h2>
            <p class="notice" role="status" data-test="saved" hidden=move || !saved()>{t(Key::SettingsSaved)}</p>
            {(!can_edit).then(|| view! { <p class="hint" data-test="read-only">{t(Key::SettingsReadOnly)}</p> })}
            <ActionForm action attr:class="settings-form">
                <FormError answer/>
                <fieldset disabled=!can_edit>
                    <EnterpriseFields form=settings.enterprise answer/>
                </fieldset>
                <SaveButton can_edit pending=action.pending()/>
            </ActionForm>
        </section>
        <section class="card">
            <Domains domains can_edit/>
        </section>
    }
    .into_any()
}
