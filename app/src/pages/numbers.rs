//! The Numbers page (plans with calling): the pool of direct numbers, each free or whose, with
//! its extension, and the extension plan; searched by number, extension or person. Numbers are
//! added and mapped to extensions on Services › Calling, and given to people on their pages.

use crate::api::numbers::{list_numbers, NumbersView};
use crate::components::error_panel::ErrorPanel;
use crate::locales::{t, use_locale, Key};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NumbersPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let numbers = Resource::new(search, list_numbers);
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
