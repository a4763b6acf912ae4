//! The users table: counts per status, search and filters in the address (so a reload, the back
//! button and a shared link keep them), keyset pages, row and bulk actions, and a quiet poll so
//! an accepted invitation shows as Active without a reload.

use super::badge::StatusBadge;
use super::bulk::{ActResult, BulkActions};
use crate::api::user_actions::{ActOnUsers, Action};
use crate::api::user_table::{list_users, Sort, UserPage, UserRow};
use crate::components::error_panel::ErrorPanel;
use crate::domain::{Role, Service, UserStatus};
use crate::locales::{t, use_locale, Key, Locale};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};
use leptos_router::params::ParamsMap;
use std::collections::HashSet;
use std::time::Duration;

/// How often the open table asks whether anything changed.
const POLL: Duration = Duration::from_secs(4);

fn fetch(
    query: &ParamsMap,
) -> impl std::future::Future<Output = Result<UserPage, crate::error::AppError>> {
    list_users(
        query.get("q"),
        query.get("status"),
        query.get("service"),
        query.get("sort"),
        query.get("after"),
        query.get("before"),
    )
}

/// Whether two answers show the same table (the server's clock aside).
fn same_table(a: &UserPage, b: &UserPage) -> bool {
    a.rows == b.rows && a.counts == b.counts && a.next == b.next && a.previous == b.previous
}

#[component]
pub fn UserTable() -> impl IntoView {
    let query = use_query_map();
    let action = ServerAction::<ActOnUsers>::new();
    let page = Resource::new(
        move || (query.get(), action.version().get()),
        |(query, _)| fetch(&query),
    );
    // Polling replaces the page only when something changed, so ticks and focus stay put.
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || {
                let asked = query.get_untracked();
                leptos::task::spawn_local(async move {
                    let Ok(fresh) = fetch(&asked).await else {
                        return;
                    };
                    let changed = page.with_untracked(|current| match current {
                        Some(Ok(current)) => !same_table(current, &fresh),
                        _ => true,
                    });
                    // The admin may have moved on to another page while this was asked.
                    if changed && query.get_untracked() == asked {
                        page.set(Some(Ok(fresh)));
                    }
                });
            },
            POLL,
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    });
    let selected = RwSignal::new(HashSet::<i64>::new());
    // Once an action has run, its ticks have done their job.
    Effect::new(move |_| {
        action.version().track();
        selected.set(HashSet::new());
    });
    view! {
        <section class="card user-table" aria-labelledby="people-title">
            <h2 id="people-title">{t(Key::PeopleTitle)}</h2>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                    {move || Suspend::new(async move {
                        page.await.map(|page| view! { <Table page action selected/> })
                    })}
                </Transition>
            </ErrorBoundary>
        </section>
    }
}

#[component]
fn Table(
    page: UserPage,
    action: ServerAction<ActOnUsers>,
    selected: RwSignal<HashSet<i64>>,
) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map().get_untracked();
    let location = use_location();
    let back = location.search.get_untracked();
    let can_act = page.viewer_role.at_least(Role::UserAdmin);
    let UserPage {
        rows,
        next,
        previous,
        now,
        viewer,
        ..
    } = page.clone();
    view! {
        <Counts page=page.clone() query=query.clone()/>
        <Filters query=query.clone()/>
        <ActResult action/>
        {can_act.then(|| view! { <BulkActions action back=back.clone()/> })}
        {if rows.is_empty() {
            view! { <p class="empty" data-test="no-users">{t(Key::NoUsersMatch)}</p> }.into_any()
        } else {
            view! {
                <table class="users" data-test="users-table">
                    <thead>
                        <tr>
                            {can_act.then(|| view! { <th scope="col"><span class="visually-hidden">{t(Key::SelectColumn)}</span></th> })}
                            <th scope="col">{t(Key::ColumnName)}</th>
                            <th scope="col">{t(Key::ColumnStatus)}</th>
                            <th scope="col">{t(Key::ColumnServices)}</th>
                            <th scope="col">{t(Key::ColumnRole)}</th>
                            <th scope="col"><span class="visually-hidden">{t(Key::ColumnActions)}</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .enumerate()
                            .map(|(index, row)| {
                                view! { <Row row index now viewer can_act selected locale/> }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }}
        <Pager query previous next/>
    }
}

#[component]
fn Row(
    row: UserRow,
    index: usize,
    now: i64,
    viewer: i64,
    can_act: bool,
    selected: RwSignal<HashSet<i64>>,
    locale: Locale,
) -> impl IntoView {
    let id = row.id;
    let select_label = locale.format(Key::SelectRow, &[("email", &row.email)]);
    let resendable = can_act && Action::Resend.applies_to(row.status);
    let services = if row.services.is_empty() {
        locale.text(Key::NoServices).to_owned()
    } else {
        row.services
            .iter()
            .map(|s| locale.text(s.label()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let role = (row.role != Role::User).then(|| locale.text(row.role.label()));
    let you = (row.id == viewer).then(|| view! { <span class="you">{t(Key::You)}</span> });
    view! {
        <tr data-test="user-row" data-email=row.email.clone() data-status=row.status.as_str()>
            {can_act.then(|| view! {
                <td>
                    <input
                        type="checkbox"
                        form="bulk-actions"
                        name=format!("ids[{index}]")
                        value=id.to_string()
                        aria-label=select_label
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
            <td class="who">
                <a href=format!("/users/{id}") class="name">{row.name.clone().unwrap_or_else(|| row.email.clone())}</a>
                {you}
                {row.name.is_some().then(|| view! { <span class="email muted">{row.email.clone()}</span> })}
            </td>
            <td><StatusBadge row=row.clone() now locale/></td>
            <td>{services}</td>
            <td>{role}</td>
            <td class="row-actions">
                {resendable.then(|| view! {
                    <button type="submit" form="bulk-actions" name="row" value=format!("resend:{id}") class="link">
                        {t(Key::ActionResend)}
                    </button>
                })}
                <a href=format!("/users/{id}")>{t(Key::ManageLink)}</a>
            </td>
        </tr>
    }
}

/// Everyone per status; each count filters the table to that status.
#[component]
fn Counts(page: UserPage, query: ParamsMap) -> impl IntoView {
    let locale = use_locale();
    let total: i64 = page.counts.iter().map(|(_, n)| n).sum();
    let current = query.get("status");
    let link = move |status: Option<UserStatus>| {
        let mut query = query.clone();
        query.remove("after");
        query.remove("before");
        match status {
            Some(status) => query.replace("status", status.as_str().to_owned()),
            None => {
                query.remove("status");
            }
        }
        format!("/users{}", query.to_query_string())
    };
    let item = move |status: Option<UserStatus>, label: &'static str, n: i64| {
        let here = current.as_deref() == status.map(UserStatus::as_str);
        view! {
            <li data-status=status.map_or("all", UserStatus::as_str)>
                <a href=link(status) aria-current=here.then_some("page")>
                    <span class="n">{n}</span>" "{label}
                </a>
            </li>
        }
    };
    view! {
        <ul class="status-counts" data-test="status-counts">
            {item(None, locale.text(Key::CountAll), total)}
            {UserStatus::ALL
                .into_iter()
                .map(|status| item(Some(status), locale.text(status.label()), page.count(status)))
                .collect_view()}
        </ul>
    }
}

/// Search, filters and sort: a GET form, so the address holds them with or without scripting.
#[component]
fn Filters(query: ParamsMap) -> impl IntoView {
    let locale = use_locale();
    let status = query.get("status").unwrap_or_default();
    let service = query.get("service").unwrap_or_default();
    let sort = query.get("sort").unwrap_or_default();
    let option = |value: &'static str, label: &'static str, current: &str| {
        view! { <option value=value selected=current == value>{label}</option> }
    };
    view! {
        <form class="filters" method="get" action="/users" role="search">
            <div class="field search">
                <label for="users-search">{t(Key::SearchLabel)}</label>
                <input id="users-search" type="search" name="q" value=query.get("q").unwrap_or_default()/>
            </div>
            <div class="field">
                <label for="users-status">{t(Key::FilterStatus)}</label>
                <select id="users-status" name="status">
                    {option("", locale.text(Key::FilterAny), &status)}
                    {UserStatus::ALL.into_iter().map(|s| option(s.as_str(), locale.text(s.label()), &status)).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="users-service">{t(Key::FilterService)}</label>
                <select id="users-service" name="service">
                    {option("", locale.text(Key::FilterAny), &service)}
                    {Service::ALL.into_iter().map(|s| option(s.as_str(), locale.text(s.label()), &service)).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="users-sort">{t(Key::SortLabel)}</label>
                <select id="users-sort" name="sort">
                    {Sort::ALL.into_iter().map(|s| option(s.as_str(), locale.text(s.label()), &sort)).collect_view()}
                </select>
            </div>
            <button type="submit">{t(Key::FilterApply)}</button>
        </form>
    }
}

/// Previous and next pages: the same filters, from the first or last row shown.
#[component]
fn Pager(query: ParamsMap, previous: Option<String>, next: Option<String>) -> impl IntoView {
    let link = move |key: &'static str, cursor: String| {
        let mut query = query.clone();
        query.remove("after");
        query.remove("before");
        query.replace(key, cursor);
        format!("/users{}", query.to_query_string())
    };
    let previous = previous.map(|c| link("before", c));
    let next = next.map(|c| link("after", c));
    (previous.is_some() || next.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label=t(Key::PagesLabel)>
                {previous.map(|href| view! { <a href=href rel="prev" data-test="previous-page">{t(Key::PagePrevious)}</a> })}
                {next.map(|href| view! { <a href=href rel="next" data-test="next-page">{t(Key::PageNext)}</a> })}
            </nav>
        }
    })
}
