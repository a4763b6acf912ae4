//! One person's page: their status in full, the actions that apply to them, their services, and
//! (for full administrators) their administrator role.

use super::badge::StatusBadge;
use super::bulk::ActResult;
use crate::api::user_actions::{ActOnUsers, Action, SetRole, SetServices};
use crate::api::user_table::{get_user, UserDetail};
use crate::components::error_panel::ErrorPanel;
use crate::components::form::FormError;
use crate::domain::Role;
use crate::error::AppError;
use crate::locales::{t, use_locale, Key, Locale};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

#[component]
pub fn PersonPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let act = ServerAction::<ActOnUsers>::new();
    let services = ServerAction::<SetServices>::new();
    let role = ServerAction::<SetRole>::new();
    let detail = Resource::new(
        move || {
            (
                id(),
                act.version().get(),
                services.version().get(),
                role.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_user(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    // Someone deleted is gone: back to the table, which says so.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = act.value().get() {
            if outcome.action == Action::Delete && outcome.done > 0 {
                navigate(
                    &format!(
                        "/users?acted=delete&done={}&skipped=0&refused=0",
                        outcome.done
                    ),
                    Default::default(),
                );
            }
        }
    });
    view! {
        <Title text=t(Key::UsersTitle)/>
        <p class="breadcrumb"><a href="/users">{t(Key::PersonBack)}</a></p>
        <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
            <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    detail.await.map(|detail| view! { <Person detail act services role/> })
                })}
            </Transition>
        </ErrorBoundary>
        <super::calling_line::CallingLineSection/>
    }
}

#[component]
fn Person(
    detail: UserDetail,
    act: ServerAction<ActOnUsers>,
    services: ServerAction<SetServices>,
    role: ServerAction<SetRole>,
) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let saved = move || match query.read().get("saved").as_deref() {
        Some("services") => Some(t(Key::SavedServices)),
        Some("role") => Some(t(Key::SavedRole)),
        Some("calling") => Some(t(Key::SavedCalling)),
        Some("code") => Some(t(Key::SavedCode)),
        _ => None,
    };
    let user = detail.user.clone();
    let id = user.id;
    let is_viewer = id == detail.viewer;
    // A user administrator manages people, but not other administrators.
    let may_manage = detail.viewer_role.at_least(Role::UserAdmin)
        && (user.role == Role::User || detail.viewer_role == Role::FullAdmin);
    let actions: Vec<Action> = [
        Action::Resend,
        Action::Revoke,
        Action::Deactivate,
        Action::Reactivate,
    ]
    .into_iter()
    .filter(|a| a.applies_to(user.status))
    .filter(|a| !is_viewer || matches!(a, Action::Resend))
    .collect();
    let name = user.name.clone().unwrap_or_else(|| user.email.clone());
    view! {
        <h1>{name}</h1>
        <p class="muted" data-test="person-email">{user.email.clone()}</p>
        <p><StatusBadge row=user.clone() now=detail.now locale/></p>
        <p class="notice" role="status" data-test="saved" hidden=move || saved().is_none()>{saved}</p>
        {may_manage.then(|| view! {
            <section class="card" aria-labelledby="person-actions">
                <h2 id="person-actions">{t(Key::PersonActionsTitle)}</h2>
                <ActResult action=act/>
                <ActionForm action=act attr:class="person-actions">
                    {actions.into_iter().map(|a| view! {
                        <button type="submit" name="row" value=format!("{}:{id}", a.as_str())>{t(a.label())}</button>
                    }).collect_view()}
                    {(!is_viewer).then(|| view! {
                        <details class="danger-zone">
                            <summary>{t(Key::DeleteSummary)}</summary>
                            <p>{t(Key::DeleteWarningOne)}</p>
                            <input type="hidden" name="confirm" value="yes"/>
                            <button type="submit" class="danger" name="row" value=format!("delete:{id}")>
                                {t(Key::DeleteConfirm)}
                            </button>
                        </details>
                    })}
                </ActionForm>
            </section>
        })}
        <ServicesForm detail=detail.clone() action=services may_manage locale/>
        {(detail.viewer_role == Role::FullAdmin).then(|| view! { <RoleForm detail action=role/> })}
    }
}

#[component]
fn ServicesForm(
    detail: UserDetail,
    action: ServerAction<SetServices>,
    may_manage: bool,
    locale: Locale,
) -> impl IntoView {
    let answer = action.value();
    let refused = move || match answer.get() {
        Some(Err(AppError::Invalid(errors))) => {
            errors.iter().map(|e| e.message(locale)).collect::<Vec<_>>()
        }
        _ => Vec::new(),
    };
    let id = detail.user.id;
    view! {
        <section class="card" aria-labelledby="person-services">
            <h2 id="person-services">{t(Key::PersonServicesTitle)}</h2>
            <ActionForm action>
                <FormError answer/>
                <input type="hidden" name="id" value=id.to_string()/>
                <fieldset class="services" disabled=!may_manage>
                    <legend class="visually-hidden">{t(Key::PersonServicesTitle)}</legend>
                    {detail.licences.into_iter().map(|licence| {
                        let checked = detail.user.services.contains(&licence.service);
                        view! { <crate::components::settings::ServiceTick licence checked/> }
                    }).collect_view()}
                </fieldset>
                <ul class="field-error" data-test="services-errors">
                    {move || refused().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                </ul>
                {may_manage.then(|| view! {
                    <button type="submit" class="primary">{t(Key::SaveServices)}</button>
                })}
            </ActionForm>
        </section>
    }
}

#[component]
fn RoleForm(detail: UserDetail, action: ServerAction<SetRole>) -> impl IntoView {
    let locale = use_locale();
    let answer = action.value();
    let current = detail.user.role;
    view! {
        <section class="card" aria-labelledby="person-role">
            <h2 id="person-role">{t(Key::PersonRoleTitle)}</h2>
            <p class="hint">{t(Key::RoleHint)}</p>
            <ActionForm action>
                <FormError answer/>
                <input type="hidden" name="id" value=detail.user.id.to_string()/>
                <div class="field">
                    <label for="person-role-select">{t(Key::RoleLabel)}</label>
                    <select id="person-role-select" name="role">
                        {[Role::User, Role::ReadOnlyAdmin, Role::UserAdmin, Role::FullAdmin]
                            .into_iter()
                            .map(|role| {
                                let label = if role == Role::User { Key::RoleNone } else { role.label() };
                                view! {
                                    <option value=role.as_str() selected=role == current>{locale.text(label)}</option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <button type="submit" class="primary">{t(Key::SaveRole)}</button>
            </ActionForm>
        </section>
    }
}
