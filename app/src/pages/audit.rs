//! The audit log: who did what and when, newest first; filtered by person, action and days (a
//! plain GET form, so links to a filtered log can be shared), a page at a time, and downloaded as
//! CSV with the same filter.

use crate::api::audit::{audit_log, AuditPage, AuditRow, EXPORT_PATH};
use crate::components::error_panel::ErrorPanel;
use crate::domain::audit::{action_label, ACTIONS};
use crate::error::AppError;
use crate::locales::{t, use_locale, Key};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

const FILTERS: [&str; 4] = ["actor", "action", "from", "to"];

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let get = move |name: &str| query.read().get(name).unwrap_or_default();
    let events = Resource::new(
        move || {
            let before = query
                .read()
                .get("before")
                .and_then(|b| b.parse::<i64>().ok());
            (get("actor"), get("action"), get("from"), get("to"), before)
        },
        |(actor, action, from, to, before)| audit_log(actor, action, from, to, before),
    );
    // The filter as a query string, optionally with another page's start.
    let with = move |before: Option<i64>| {
        let query = query.read();
        let mut kept = ParamsMap::new();
        for name in FILTERS {
            if let Some(value) = query.get(name).filter(|v| !v.is_empty()) {
                kept.replace(name, value);
            }
        }
        if let Some(before) = before {
            kept.replace("before", before.to_string());
        }
        kept.to_query_string()
    };
    let chosen = get("action");
    let options = ACTIONS
        .iter()
        .map(|(stored, key)| {
            let selected = *stored == chosen;
            view! { <option value=*stored selected=selected>{locale.text(*key)}</option> }
        })
        .collect_view();
    view! {
        <Title text=t(Key::AuditTitle)/>
        <h1>{t(Key::AuditTitle)}</h1>
        <form class="filters audit-filters" method="get" action="/audit" role="search">
            <div class="field">
                <label for="audit-actor">{t(Key::AuditWho)}</label>
                <input id="audit-actor" name="actor" type="search" value=get("actor")/>
            </div>
            <div class="field">
                <label for="audit-action">{t(Key::AuditWhat)}</label>
                <select id="audit-action" name="action">
                    <option value="">{t(Key::AuditAnyAction)}</option>
                    {options}
                </select>
            </div>
            <div class="field">
                <label for="audit-from">{t(Key::AuditFrom)}</label>
                <input id="audit-from" name="from" type="date" value=get("from")/>
            </div>
            <div class="field">
                <label for="audit-to">{t(Key::AuditTo)}</label>
                <input id="audit-to" name="to" type="date" value=get("to")/>
            </div>
            <button type="submit" data-test="audit-filter">{t(Key::NumbersSearchButton)}</button>
        </form>
        <p class="actions file-actions">
            <a class="button" href=move || format!("{EXPORT_PATH}{}", with(None)) download="audit-log.csv" data-test="audit-export">
                {t(Key::AuditDownload)}
            </a>
        </p>
        <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match events.await {
                    Ok(page) => {
                        let older = page.older.map(|before| format!("/audit{}", with(Some(before))));
                        view! { <Events page older/> }.into_any()
                    }
                    Err(AppError::Invalid(errors)) => view! {
                        <ul class="field-error" role="alert" data-test="audit-filter-error">
                            {errors.iter().map(|e| view! { <li>{e.message(locale)}</li> }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => {
                        let errors = ArcRwSignal::new(Errors::default());
                        errors.update(|e| e.insert_with_default_key(error));
                        view! { <ErrorPanel errors/> }.into_any()
                    }
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn Events(page: AuditPage, older: Option<String>) -> impl IntoView {
    if page.rows.is_empty() {
        return view! { <p class="muted" data-test="audit-none">{t(Key::AuditNone)}</p> }
            .into_any();
    }
    view! {
        <table class="users audit" data-test="audit">
            <thead>
                <tr>
                    <th scope="col">{t(Key::AuditWhen)}</th>
                    <th scope="col">{t(Key::AuditWho)}</th>
                    <th scope="col">{t(Key::AuditWhat)}</th>
                    <th scope="col">{t(Key::AuditDetail)}</th>
                    <th scope="col">{t(Key::AuditClient)}</th>
                </tr>
            </thead>
            <tbody>
                {page.rows.into_iter().map(|row| view! { <EventRow row/> }).collect_view()}
            </tbody>
        </table>
        {older.map(|href| view! {
            <p><a href=href data-test="audit-older">{t(Key::AuditOlder)}</a></p>
        })}
    }
    .into_any()
}

#[component]
fn EventRow(row: AuditRow) -> impl IntoView {
    let locale = use_locale();
    let what = action_label(&row.action)
        .map(|key| locale.text(key).to_owned())
        .unwrap_or_else(|| row.action.clone());
    let who = match row.actor {
        Some((id, name)) => view! { <a href=format!("/users/{id}")>{name}</a> }.into_any(),
        None => view! { <span class="muted">{t(Key::AuditNoActor)}</span> }.into_any(),
    };
    view! {
        <tr data-test="audit-row">
            <td class="when">{row.at}</td>
            <td>{who}</td>
            <td data-action=row.action>{what}</td>
            <td class="detail">{row.detail}</td>
            <td class="muted">{row.client.unwrap_or_default()}</td>
        </tr>
    }
    .into_any()
}
