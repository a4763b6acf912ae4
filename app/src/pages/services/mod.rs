//! The Services tab: a page per service of the plan (Messaging, Meetings, Calling) with its seats
//! and settings. Full administrators change them; read-only administrators see them.

mod mapping;

use crate::api::settings::{
    load_settings, plan_mapping, CallingView, MappingPlan, RemoveNumbers, SaveCalling,
    SaveMeetings, SaveMessaging, SettingsView,
};
use crate::components::error_panel::ErrorPanel;
use crate::components::form::FormError;
use crate::components::settings::{CallingFields, MeetingsFields, MessagingFields, PlanBars};
use crate::domain::Service;
use crate::error::AppError;
use crate::locales::{t, use_locale, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ServicesPage() -> impl IntoView {
    let params = use_params_map();
    let service = move || {
        params
            .read()
            .get("service")
            .and_then(|s| Service::parse(&s))
    };
    let remove = ServerAction::<RemoveNumbers>::new();
    let settings = Resource::new(
        move || (service(), remove.version().get()),
        |_| load_settings(),
    );
    // What mapping direct lines to extensions would do, when asked (`?mapping`). Made here, not
    // inside the page's suspense, so the browser numbers it as the server did.
    let query = use_query_map();
    let mapping = Resource::new(
        move || {
            let query = query.read();
            let asked = service() == Some(Service::Calling) && query.get("mapping").is_some();
            (asked, query.get("mapped"))
        },
        |(asked, _)| async move {
            if asked {
                plan_mapping().await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    view! {
        <Title text=t(Key::ServicesTitle)/>
        <h1>{t(Key::ServicesTitle)}</h1>
        <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
            <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || {
                    let chosen = service();
                    Suspend::new(async move {
                        settings.await.map(|settings| {
                            let plan = settings.services();
                            match chosen {
                                Some(service) if plan.contains(&service) => {
                                    view! { <ServiceTabs plan current=service/> <ServiceView settings service remove mapping/> }.into_any()
                                }
                                _ => {
                                    let first = plan.first().map_or("messaging", |s| s.as_str());
                                    view! { <Redirect path=format!("/services/{first}")/> }.into_any()
                                }
                            }
                        })
                    })
                }}
            </Transition>
        </ErrorBoundary>
    }
    .into_any()
}

#[component]
fn ServiceTabs(plan: Vec<Service>, current: Service) -> impl IntoView {
    let locale = use_locale();
    view! {
        <nav class="tabs" aria-label=t(Key::ServicesTitle)>
            {plan
                .into_iter()
                .map(|service| view! {
                    <a
                        href=format!("/services/{}", service.as_str())
                        aria-current=(service == current).then_some("page")
                    >
                        {locale.text(service.label())}
                    </a>
                })
                .collect_view()}
        </nav>
    }
    .into_any()
}

#[component]
fn ServiceView(
    settings: SettingsView,
    service: Service,
    remove: ServerAction<RemoveNumbers>,
    mapping: Resource<Result<Option<MappingPlan>, AppError>>,
) -> impl IntoView {
    let query = use_query_map();
    let saved = move || query.read().get("saved").is_some();
    let can_edit = settings.can_edit;
    let plan = settings
        .plan
        .iter()
        .filter(|l| l.service == service)
        .cloned()
        .collect::<Vec<_>>();
    let form = match service {
        Service::Messaging => settings.messaging.map(|form| {
            let action = ServerAction::<SaveMessaging>::new();
            let answer = action.value();
            view! {
                <ActionForm action attr:class="settings-form">
                    <FormError answer/>
                    <fieldset disabled=!can_edit><MessagingFields form answer/></fieldset>
                    <SaveButton can_edit pending=action.pending()/>
                </ActionForm>
            }
            .into_any()
        }),
        Service::Meetings => settings.meetings.map(|meetings| {
            let action = ServerAction::<SaveMeetings>::new();
            let answer = action.value();
            view! {
                <ActionForm action attr:class="settings-form">
                    <FormError answer/>
                    <fieldset disabled=!can_edit><MeetingsFields settings=meetings/></fieldset>
                    <SaveButton can_edit pending=action.pending()/>
                </ActionForm>
            }
            .into_any()
        }),
        Service::Calling => settings.calling.map(|calling| {
            let action = ServerAction::<SaveCalling>::new();
            let answer = action.value();
            let pool = calling.clone();
            view! {
                <ActionForm action attr:class="settings-form">
                    <FormError answer/>
                    <fieldset disabled=!can_edit><CallingFields calling answer/></fieldset>
                    <SaveButton can_edit pending=action.pending()/>
                </ActionForm>
                <Pool calling=pool can_edit remove/>
                {can_edit.then(|| view! { <mapping::ExtensionMapping plan=mapping/> })}
            }
            .into_any()
        }),
    };
    view! {
        <section class="card" aria-labelledby="service-heading" data-test=format!("service-{}", service.as_str())>
            <h2 id="service-heading">{t(service.label())}</h2>
            <PlanBars plan/>
            <p class="notice" role="status" data-test="saved" hidden=move || !saved()>{t(Key::SettingsSaved)}</p>
            {(!can_edit).then(|| view! { <p class="hint" data-test="read-only">{t(Key::SettingsReadOnly)}</p> })}
            {form}
        </section>
    }
    .into_any()
}

#[component]
pub fn SaveButton(can_edit: bool, #[prop(into)] pending: Signal<bool>) -> impl IntoView {
    can_edit.then(|| view! {
        <div class="step-buttons">
            <button type="submit" class="primary" disabled=pending data-test="save">{t(Key::SettingsSave)}</button>
        </div>
    })
}

/// The number pool as runs of consecutive numbers, each removable.
#[component]
fn Pool(
    calling: CallingView,
    can_edit: bool,
    remove: ServerAction<RemoveNumbers>,
) -> impl IntoView {
    let locale = use_locale();
    let answer = remove.value();
    view! {
        <section class="pool" aria-labelledby="pool-heading">
            <h3 id="pool-heading">{t(Key::PoolTitle)}</h3>
            <FormError answer/>
            {calling.pool.is_empty().then(|| view! { <p class="muted">{t(Key::PoolEmpty)}</p> })}
            <ul class="pool-runs" data-test="pool">
                {calling
                    .pool
                    .into_iter()
                    .map(|run| {
                        let count = run.count.to_string();
                        let words = if run.count == 1 {
                            run.first.clone()
                        } else {
                            locale.format(Key::PoolRun, &[("first", &run.first), ("last", &run.last), ("count", &count)])
                        };
                        view! {
                            <li>
                                <span>{words}</span>
                                {can_edit.then(|| view! {
                                    <ActionForm action=remove>
                                        <input type="hidden" name="first" value=run.first.clone()/>
                                        <input type="hidden" name="last" value=run.last.clone()/>
                                        <button type="submit" class="secondary">{t(Key::PoolRemove)}</button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
    .into_any()
}
