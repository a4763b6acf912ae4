//! The dry run: the directory read now and compared with the organisation, shown as counts,
//! warnings (administrators kept, duplicates, entries without an address, licences short) and
//! the people of each change; then the button that applies it. It is a link (`?preview=N`), so it
//! works without JavaScript and each click reads the directory again.

use crate::api::directory::{directory_dry_run, DryRun, StartDirectorySync};
use crate::error::AppError;
use crate::locales::{t, use_locale, Key, Locale};
use crate::pages::imports::count_list;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DryRunCard(can_edit: bool, start: ServerAction<StartDirectorySync>) -> impl IntoView {
    let query = use_query_map();
    let asked = move || query.read().get("preview");
    let run = Resource::new(asked, |asked| async move {
        match asked {
            Some(_) => Some(directory_dry_run().await),
            None => None,
        }
    });
    let next = move || asked().and_then(|n| n.parse::<u32>().ok()).unwrap_or(0) + 1;
    view! {
        <section class="card directory-dry-run" id="dry-run" aria-labelledby="dry-run-title">
            <h2 id="dry-run-title">{t(Key::DirectoryDryRunTitle)}</h2>
            <p class="hint">{t(Key::DirectoryDryRunHint)}</p>
            {can_edit.then(|| view! {
                <p class="actions">
                    <a class="button" href=move || format!("/users/directory?preview={}#dry-run", next()) data-test="dry-run">
                        {t(Key::DirectoryDryRunButton)}
                    </a>
                </p>
            })}
            <Transition fallback=|| view! { <p class="loading">{t(Key::DirectoryReading)}</p> }>
                {move || Suspend::new(async move {
                    match run.await {
                        None => ().into_any(),
                        Some(Err(error)) => view! { <Refused error/> }.into_any(),
                        Some(Ok(dry_run)) => view! { <Outcome dry_run start can_edit/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn Refused(error: AppError) -> impl IntoView {
    let locale = use_locale();
    let lines = error.messages(locale);
    view! {
        <div class="error-panel" role="alert" data-test="dry-run-error">
            {lines.into_iter().map(|line| view! { <p>{line}</p> }).collect_view()}
        </div>
    }
}

fn field_name(locale: Locale, field: &str) -> String {
    let key = match field {
        "first_name" => Key::CsvFieldFirstName,
        "last_name" => Key::CsvFieldLastName,
        "display_name" => Key::CsvFieldDisplayName,
        "phone" => Key::CsvFieldPhone,
        _ => Key::ServicesTitle,
    };
    locale.text(key).to_owned()
}

/// `shown` of `total`, when the list is cut short.
fn more(locale: Locale, shown: usize, total: usize) -> Option<String> {
    (total > shown).then(|| {
        locale.format(
            Key::DirectoryShownOf,
            &[("shown", &shown.to_string()), ("total", &total.to_string())],
        )
    })
}

#[component]
fn Outcome(
    dry_run: DryRun,
    start: ServerAction<StartDirectorySync>,
    can_edit: bool,
) -> impl IntoView {
    let locale = use_locale();
    let d = dry_run;
    let blocked = d.looks_wrong || !d.shortfalls.is_empty();
    let nothing = d.changes() == 0;
    let shortfalls: Vec<String> = d
        .shortfalls
        .iter()
        .map(|s| {
            locale.format(
                Key::DirectoryOverLicences,
                &[
                    ("needed", &s.needed.to_string()),
                    ("service", locale.text(s.service.label())),
                    ("seats", &s.seats.to_string()),
                ],
            )
        })
        .collect();
    let list = |items: &[String]| {
        items
            .iter()
            .map(|e| view! { <li>{e.clone()}</li> })
            .collect_view()
    };
    let add_rows = d
        .add
        .iter()
        .map(|p| {
            let services: Vec<&str> = p.services.iter().map(|s| locale.text(s.label())).collect();
            view! {
                <tr>
                    <td>{p.email.clone()}</td>
                    <td>{p.name.clone().unwrap_or_default()}</td>
                    <td>{services.join(", ")}</td>
                </tr>
            }
        })
        .collect_view();
    let update_rows = d
        .update
        .iter()
        .map(|u| {
            let fields: Vec<String> = u.fields.iter().map(|f| field_name(locale, f)).collect();
            view! { <tr><td>{u.email.clone()}</td><td>{fields.join(", ")}</td></tr> }
        })
        .collect_view();
    view! {
        <div class="dry-run-outcome" data-test="dry-run-outcome" aria-live="polite">
            <p>{locale.format(Key::DirectoryReadCount, &[("count", &d.read.to_string())])}</p>
            {count_list(
                locale,
                [
                    (d.added, Key::DirectoryCountAdd, "count-add"),
                    (d.updated, Key::DirectoryCountUpdate, "count-update"),
                    (d.reactivated, Key::DirectoryCountReactivate, "count-reactivate"),
                    (d.deactivated, Key::DirectoryCountDeactivate, "count-deactivate"),
                    (d.unchanged, Key::DirectoryCountUnchanged, "count-unchanged"),
                ],
            )}
            {d.looks_wrong.then(|| view! {
                <p class="notice warning" role="alert" data-test="looks-wrong">{t(Key::DirectoryReturnedNobody)}</p>
            })}
            {shortfalls.into_iter().map(|line| view! {
                <p class="notice warning" role="alert" data-test="shortfall">{line}</p>
            }).collect_view()}
            {(!d.kept_admins.is_empty()).then(|| view! {
                <div class="notice" data-test="kept-admins">
                    <p>{t(Key::DirectoryKeptAdmins)}</p>
                    <ul>{list(&d.kept_admins)}</ul>
                </div>
            })}
            {(!d.duplicates.is_empty()).then(|| view! {
                <div class="notice warning" data-test="duplicates">
                    <p>{t(Key::DirectoryDuplicates)}</p>
                    <ul>{list(&d.duplicates)}</ul>
                </div>
            })}
            {(d.without_address_count > 0).then(|| view! {
                <details class="notice warning" data-test="without-address">
                    <summary>{locale.format(Key::DirectoryWithoutAddress, &[("count", &d.without_address_count.to_string())])}</summary>
                    <ul>{list(&d.without_address)}</ul>
                </details>
            })}
            {(d.added > 0).then(|| view! {
                <details class="dry-run-list" data-test="to-add" open>
                    <summary>{locale.format(Key::DirectoryToAdd, &[("count", &d.added.to_string())])}</summary>
                    <table>
                        <thead><tr>
                            <th scope="col">{t(Key::CsvFieldEmail)}</th>
                            <th scope="col">{t(Key::CsvFieldDisplayName)}</th>
                            <th scope="col">{t(Key::ServicesTitle)}</th>
                        </tr></thead>
                        <tbody>{add_rows}</tbody>
                    </table>
                    {more(locale, d.add.len(), d.added).map(|m| view! { <p class="hint">{m}</p> })}
                </details>
            })}
            {(d.updated > 0).then(|| view! {
                <details class="dry-run-list" data-test="to-update">
                    <summary>{locale.format(Key::DirectoryToUpdate, &[("count", &d.updated.to_string())])}</summary>
                    <table>
                        <thead><tr>
                            <th scope="col">{t(Key::CsvFieldEmail)}</th>
                            <th scope="col">{t(Key::DirectoryChanges)}</th>
                        </tr></thead>
                        <tbody>{update_rows}</tbody>
                    </table>
                    {more(locale, d.update.len(), d.updated).map(|m| view! { <p class="hint">{m}</p> })}
                </details>
            })}
            {(d.reactivated > 0).then(|| view! {
                <details class="dry-run-list" data-test="to-reactivate">
                    <summary>{locale.format(Key::DirectoryToReactivate, &[("count", &d.reactivated.to_string())])}</summary>
                    <ul>{list(&d.reactivate)}</ul>
                    {more(locale, d.reactivate.len(), d.reactivated).map(|m| view! { <p class="hint">{m}</p> })}
                </details>
            })}
            {(d.deactivated > 0).then(|| view! {
                <details class="dry-run-list" data-test="to-deactivate" open>
                    <summary>{locale.format(Key::DirectoryToDeactivate, &[("count", &d.deactivated.to_string())])}</summary>
                    <ul>{list(&d.deactivate)}</ul>
                    {more(locale, d.deactivate.len(), d.deactivated).map(|m| view! { <p class="hint">{m}</p> })}
                </details>
            })}
            {nothing.then(|| view! { <p class="muted" data-test="in-step">{t(Key::DirectoryInStep)}</p> })}
            {(can_edit && !blocked && !nothing).then(|| view! {
                <ActionForm action=start attr:class="apply-sync">
                    <button type="submit" class="primary" data-test="apply-sync">{t(Key::DirectoryApply)}</button>
                    <span class="hint">{t(Key::DirectoryApplyHint)}</span>
                </ActionForm>
            })}
        </div>
    }
    .into_any()
}
