//! The Numbers page (plans with calling): the pool of direct numbers, each free or whose, with
//! its extension, and the extension plan; searched by number, extension or person. Numbers are
//! added and mapped to extensions on Services › Calling, and given to people on their pages.

use crate::api::account::Me;
use crate::api::numbers::{list_numbers, AddNumbers, NumbersView};
use crate::components::error_panel::ErrorPanel;
use crate::components::form::FormError;
use crate::components::pool_file::{set_box_text, PoolFile};
use crate::components::settings::{reasons, TextArea};
use crate::domain::Role;
use crate::locales::{t, use_locale, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NumbersPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let add = ServerAction::<AddNumbers>::new();
    let numbers = Resource::new(
        move || (search(), add.version().get()),
        |(q, _)| list_numbers(q),
    );
    let full_admin = use_context::<Me>().is_some_and(|me| me.role.at_least(Role::FullAdmin));
    view! {
        <Title text=t(Key::NumbersTitle)/>
        <h1>{t(Key::NumbersTitle)}</h1>
        <form class="filters" method="get" action="/numbers" role="search">
            <div class="field">
                <label for="numbers-q">{t(Key::NumbersSearch)}</label>
                <input id="numbers-q" name="q" type="search" value=search/>
            </div>
            <button type="submit">{t(Key::NumbersSearchButton)}</button>
        </form>
        {full_admin.then(|| view! { <AddForm add/> })}
        <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
            <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    numbers.await.map(|view| view! { <Pool view/> })
                })}
            </Transition>
        </ErrorBoundary>
    }
    .into_any()
}

#[component]
fn Pool(view: NumbersView) -> impl IntoView {
    let locale = use_locale();
    let (total, free) = (view.total.to_string(), view.free.to_string());
    let length = view.extension_length.to_string();
    view! {
        <p data-test="numbers-summary">
            {locale.format(Key::NumbersSummary, &[("total", &total), ("free", &free)])}
            " "
            {locale.format(
                Key::NumbersPlan,
                &[("length", &length), ("first", &view.extension_first), ("last", &view.extension_last)],
            )}
            " "
            <a href="/services/calling">{t(Key::NumbersManage)}</a>
        </p>
        {view.rows.is_empty().then(|| view! { <p class="muted">{t(Key::NumbersNone)}</p> })}
        <table class="numbers" data-test="numbers">
            <thead><tr>
                <th scope="col">{t(Key::MappingNumber)}</th>
                <th scope="col">{t(Key::MappingExtension)}</th>
                <th scope="col">{t(Key::NumbersHolder)}</th>
            </tr></thead>
            <tbody>
                {view
                    .rows
                    .into_iter()
                    .map(|row| {
                        let holder = match row.holder {
                            Some((id, name)) => view! { <a href=format!("/users/{id}")>{name}</a> }.into_any(),
                            None => view! { <span class="muted">{t(Key::NumbersFree)}</span> }.into_any(),
                        };
                        view! {
                            <tr data-test="number-row">
                                <td>{row.number}</td>
                                <td>{row.extension.unwrap_or_default()}</td>
                                <td>{holder}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        {view.more.then(|| view! { <p class="hint">{t(Key::NumbersMore)}</p> })}
    }
    .into_any()
}

/// Numbers and ranges typed or pasted, or read from a CSV file into the box, added to the pool.
#[component]
fn AddForm(add: ServerAction<AddNumbers>) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let answer = add.value();
    // Added numbers leave the box, ready for more.
    Effect::new(move |_| {
        if matches!(answer.get(), Some(Ok(_))) {
            set_box_text("field-numbers", "");
        }
    });
    // With JavaScript the answer says how many; without, the page the post came back to does.
    let added = move || match answer.get() {
        Some(Ok(count)) => Some(count.to_string()),
        _ => query.read().get("added"),
    };
    view! {
        <details class="card add-numbers" open=move || answer.with(|a| matches!(a, Some(Err(_))))>
            <summary data-test="add-numbers">{t(Key::NumbersAddTitle)}</summary>
            <ActionForm action=add>
                <FormError answer/>
                <TextArea
                    name="numbers"
                    label=Key::CallingAddNumbers
                    value=String::new()
                    hint=Key::CallingAddNumbersHint
                    refused=reasons(answer, "numbers")
                />
                <PoolFile target="field-numbers"/>
                <button type="submit" class="primary" data-test="add-numbers-button">{t(Key::NumbersAddButton)}</button>
            </ActionForm>
        </details>
        <p class="notice" role="status" data-test="numbers-added" hidden=move || added().is_none()>
            {move || added().map(|count| locale.format(Key::NumbersAdded, &[("count", &count)]))}
        </p>
    }
    .into_any()
}
