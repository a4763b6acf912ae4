//! Unlicensed users: people who signed up on their own with an address in a verified domain,
//! ticked one by one or all at once and added to the organisation with the services chosen.

use crate::api::unlicensed::{list_unlicensed, AddUnlicensed, UnlicensedList, UnlicensedPerson};
use crate::components::error_panel::ErrorPanel;
use crate::components::form::FormError;
use crate::error::AppError;
use crate::locales::{t, use_locale, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::collections::HashSet;

#[component]
pub fn UnlicensedPage() -> impl IntoView {
    let action = ServerAction::<AddUnlicensed>::new();
    let list = Resource::new(move || action.version().get(), |_| list_unlicensed());
    view! {
        <Title text=t(Key::UnlicensedTitle)/>
        <p class="actions"><a href="/users">{t(Key::NavUsers)}</a></p>
        <h1>{t(Key::UnlicensedTitle)}</h1>
        <p class="hint unlicensed-intro">{t(Key::UnlicensedIntro)}</p>
        <AddedResult action/>
        <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
            <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    list.await.map(|list| view! { <People list action/> })
                })}
            </Transition>
        </ErrorBoundary>
    }
    .into_any()
}

/// Who was added (from the answer, or from the address without scripting), or why not.
#[component]
fn AddedResult(action: ServerAction<AddUnlicensed>) -> impl IntoView {
    let locale = use_locale();
    let answer = action.value();
    let query = use_query_map();
    let added = move || match answer.get() {
        Some(Ok(outcome)) => Some(outcome.added.len().to_string()),
        Some(Err(_)) => None,
        None => query.read().get("added"),
    };
    let refused = move || {
        answer.with(|a| match a {
            Some(Err(AppError::Invalid(errors))) => {
                errors.iter().map(|e| e.message(locale)).collect::<Vec<_>>()
            }
            _ => Vec::new(),
        })
    };
    view! {
        <FormError answer/>
        <ul class="form-error" role="alert" data-test="unlicensed-refused" hidden=move || refused().is_empty()>
            {move || refused().into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
        </ul>
        {move || added().map(|count| view! {
            <p class="notice" role="status" data-test="unlicensed-added">
                {locale.format(Key::UnlicensedAdded, &[("count", &count)])}
            </p>
        })}
    }
}

#[component]
fn People(list: UnlicensedList, action: ServerAction<AddUnlicensed>) -> impl IntoView {
    if list.people.is_empty() {
        return view! { <p class="empty" data-test="no-unlicensed">{t(Key::UnlicensedNone)}</p> }
            .into_any();
    }
    let can_add = list.can_add;
    let addable: Vec<i64> = list
        .people
        .iter()
        .filter(|p| !p.taken)
        .map(|p| p.id)
        .collect();
    let selected = RwSignal::new(HashSet::<i64>::new());
    let everyone = addable.len();
    let addable = StoredValue::new(addable);
    let all_ticked = move || everyone > 0 && selected.with(|s| s.len() == everyone);
    let select_all = move |ev| {
        let tick = event_target_checked(&ev);
        selected.set(if tick {
            addable.with_value(|ids| ids.iter().copied().collect())
        } else {
            HashSet::new()
        });
    };
    // Select-all needs scripting: without it the header stays empty rather than hold a box that
    // does nothing ("Add everyone listed" is the way then).
    let scripted = RwSignal::new(false);
    Effect::new(move |_| scripted.set(true));
    let services = list
        .licences
        .into_iter()
        .map(|licence| view! { <crate::components::settings::ServiceTick licence/> })
        .collect_view();
    view! {
        <ActionForm action attr:id="add-unlicensed" attr:class="card unlicensed">
            {can_add.then(|| view! {
                <fieldset class="services">
                    <legend>{t(Key::ServicesLegend)}</legend>
                    {services}
                </fieldset>
            })}
            <table class="users" data-test="unlicensed-table">
                <thead>
                    <tr>
                        {can_add.then(|| view! {
                            <th scope="col">
                                <span class="visually-hidden">{t(Key::SelectColumn)}</span>
                                {move || scripted.get().then(|| view! {
                                    <input
                                        type="checkbox"
                                        id="select-all"
                                        aria-label=t(Key::UnlicensedSelectAll)
                                        prop:checked=all_ticked
                                        on:change=select_all
                                    />
                                })}
                            </th>
                        })}
                        <th scope="col">{t(Key::ColumnName)}</th>
                        <th scope="col">{t(Key::FieldEmail)}</th>
                        <th scope="col">{t(Key::UnlicensedColumnSignedUp)}</th>
                        {can_add.then(|| view! {
                            <th scope="col"><span class="visually-hidden">{t(Key::ColumnActions)}</span></th>
                        })}
                    </tr>
                </thead>
                <tbody>
                    {list
                        .people
                        .into_iter()
                        .enumerate()
                        .map(|(index, person)| view! { <Person person index can_add selected/> })
                        .collect_view()}
                </tbody>
            </table>
            {can_add.then(|| view! {
                <div class="buttons">
                    <button type="submit" class="primary" data-test="add-selected" disabled=action.pending()>
                        {t(Key::UnlicensedAddSelected)}
                    </button>
                    <button type="submit" class="secondary" name="scope" value="all" data-test="add-all" disabled=action.pending()>
                        {t(Key::UnlicensedAddAll)}
                    </button>
                </div>
            })}
        </ActionForm>
    }
    .into_any()
}

#[component]
fn Person(
    person: UnlicensedPerson,
    index: usize,
    can_add: bool,
    selected: RwSignal<HashSet<i64>>,
) -> impl IntoView {
    let locale = use_locale();
    let id = person.id;
    let select_label = locale.format(Key::SelectRow, &[("email", &person.email)]);
    let taken = person.taken;
    let email = person.email.clone();
    view! {
        <tr data-test="unlicensed-row" data-email=email>
            {can_add.then(|| view! {
                <td>
                    <input
                        type="checkbox"
                        name=format!("ids[{index}]")
                        value=id.to_string()
                        aria-label=select_label
                        disabled=taken
                        prop:checked=move || selected.with(|s| s.contains(&id))
                        on:change=move |ev| {
                            let ticked = event_target_checked(&ev);
                            selected.update(|s| {
                                if ticked { s.insert(id); } else { s.remove(&id); }
                            });
                        }
                    />
                </td>
            })}
            <td class="who">{person.name}</td>
            <td>{person.email}</td>
            <td>{person.signed_up_on}</td>
            {can_add.then(|| view! {
                <td class="row-actions">
                    {if taken {
                        view! { <span class="muted">{t(Key::UnlicensedTaken)}</span> }.into_any()
                    } else {
                        view! {
                            <button type="submit" name="row" value=id.to_string() class="link" data-test="add-one">
                                {t(Key::UnlicensedAddOne)}
                            </button>
                        }
                        .into_any()
                    }}
                </td>
            })}
        </tr>
    }
}
