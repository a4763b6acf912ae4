//! The preview of a chosen file, before anything is written: encoding and column mapping the admin
//! can correct, the counts, the licence check, the first rows as they will be imported, every
//! invalid row with why, and the button that starts the import.

use super::{count_list, Import, Stage};
use crate::api::users::{AddPeopleSetup, LicenceUse};
use crate::domain::Service;
use crate::error::AppError;
use crate::import::csv::{Change, Encoding, Field, Mapping, Person};
use crate::import::preview::{self, Preview};
use crate::locales::{t, Key, Locale};
use leptos::prelude::*;

/// Invalid rows listed on the page; the result file has them all.
const SHOWN_PROBLEMS: usize = 200;

#[component]
pub fn PreviewCard(
    import: Import,
    licences: Resource<Result<AddPeopleSetup, AppError>>,
) -> impl IntoView {
    let locale = import.locale;
    let preview = Memo::new(move |_| {
        import.validated.get().map(|validated| {
            preview::preview(
                &validated,
                &import.known.get(),
                import.update_existing.get(),
                &import.defaults.get(),
            )
        })
    });
    let rows = move || {
        import
            .loaded
            .with(|l| l.as_ref().map_or(0, |l| l.records.len()))
    };
    view! {
        <section class="card import-preview" aria-labelledby="preview-title">
            <h2 id="preview-title">
                {move || locale.format(Key::ImportPreviewTitle, &[
                    ("file", &import.name.get()),
                    ("rows", &rows().to_string()),
                ])}
            </h2>
            <p class="hint">{t(Key::ImportNothingWrittenYet)}</p>
            <EncodingChoice import/>
            <MappingTable import/>
            {move || import.mapping_problem.get().map(|problem| view! {
                <p class="field-error mapping-problem" role="alert">{problem}</p>
            })}
            {move || preview.get().map(|preview| view! {
                <Counts preview=preview.clone() locale/>
                <Options import/>
                <LicenceCheck preview=preview.clone() licences locale/>
                <Sample preview=preview.clone() locale/>
            })}
            <Problems import/>
            <StartButton import preview/>
        </section>
    }
    .into_any()
}

#[component]
fn EncodingChoice(import: Import) -> impl IntoView {
    let current = move || import.loaded.with(|l| l.as_ref().map(|l| l.encoding));
    view! {
        <div class="field encoding">
            <label for="encoding">{t(Key::ImportEncoding)}</label>
            <select
                id="encoding"
                on:change=move |event| {
                    if let Some(encoding) = Encoding::parse(&event_target_value(&event)) {
                        import.reread(encoding);
                    }
                }
            >
                {Encoding::ALL
                    .into_iter()
                    .map(|encoding| view! {
                        <option value=encoding.as_str() selected=move || current() == Some(encoding)>
                            {encoding.label()}
                        </option>
                    })
                    .collect_view()}
            </select>
            <p class="hint">{t(Key::ImportEncodingHint)}</p>
        </div>
    }
    .into_any()
}

/// Each column of the file, what it is read as (changeable), and its first value.
#[component]
fn MappingTable(import: Import) -> impl IntoView {
    let set = move |column: usize, value: String| {
        let mut mapping: Mapping = import.mapping.get_untracked();
        if let Some(slot) = mapping.columns.get_mut(column) {
            *slot = value
                .parse::<usize>()
                .ok()
                .and_then(|i| Field::ALL.get(i).copied());
        }
        import.remap(mapping);
    };
    view! {
        <table class="mapping">
            <caption>{t(Key::ImportMappingTitle)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t(Key::ImportColumnInFile)}</th>
                    <th scope="col">{t(Key::ImportReadAs)}</th>
                    <th scope="col">{t(Key::ImportFirstValue)}</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    let Some(loaded) = import.loaded.get() else {
                        return Vec::new();
                    };
                    let mapping = import.mapping.get();
                    loaded
                        .headers
                        .iter()
                        .enumerate()
                        .map(|(column, header)| {
                            let chosen = mapping.columns.get(column).copied().flatten();
                            let first = loaded
                                .records
                                .first()
                                .and_then(|r| r.cells.get(column).cloned())
                                .unwrap_or_default();
                            let id = format!("map-{column}");
                            view! {
                                <tr class:ignored=chosen.is_none()>
                                    <th scope="row"><label for=id.clone()>{header.clone()}</label></th>
                                    <td>
                                        <select id=id on:change=move |event| set(column, event_target_value(&event))>
                                            <option value="" selected=chosen.is_none()>{t(Key::ImportIgnored)}</option>
                                            {Field::ALL
                                                .into_iter()
                                                .enumerate()
                                                .map(|(i, field)| view! {
                                                    <option value=i.to_string() selected=chosen == Some(field)>
                                                        {t(field.label())}
                                                    </option>
                                                })
                                                .collect_view()}
                                        </select>
                                    </td>
                                    <td class="muted">{first}</td>
                                </tr>
                            }
                        })
                        .collect::<Vec<_>>()
                }}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn Counts(preview: Preview, locale: Locale) -> impl IntoView {
    count_list(
        locale,
        [
            (preview.new, Key::ImportCountNew, "count-new"),
            (preview.updated, Key::ImportCountUpdated, "count-updated"),
            (
                preview.unchanged,
                Key::ImportCountUnchanged,
                "count-unchanged",
            ),
            (
                preview.invalid_rows,
                Key::ImportCountInvalid,
                "count-invalid",
            ),
            (
                preview.duplicates,
                Key::ImportCountDuplicates,
                "count-duplicates",
            ),
        ],
    )
}

#[component]
fn Options(import: Import) -> impl IntoView {
    let toggle = move |service: Service| {
        import.defaults.update(|defaults| {
            if let Some(at) = defaults.iter().position(|s| *s == service) {
                defaults.remove(at);
            } else {
                defaults.push(service);
            }
        });
    };
    view! {
        <fieldset class="import-options">
            <legend>{t(Key::ImportOptions)}</legend>
            <label class="check">
                <input
                    type="checkbox"
                    id="update-existing"
                    prop:checked=move || import.update_existing.get()
                    on:change=move |event| import.update_existing.set(event_target_checked(&event))
                />
                {t(Key::ImportUpdateExisting)}
            </label>
            <p class="hint">{t(Key::ImportDefaultServicesHint)}</p>
            {Service::ALL
                .into_iter()
                .map(|service| view! {
                    <label class="check">
                        <input
                            type="checkbox"
                            id=format!("default-{}", service.as_str())
                            prop:checked=move || import.defaults.with(|d| d.contains(&service))
                            on:change=move |_| toggle(service)
                        />
                        {t(service.label())}
                    </label>
                })
                .collect_view()}
        </fieldset>
    }
    .into_any()
}

/// Seats the import takes against the seats left, per service.
#[component]
fn LicenceCheck(
    preview: Preview,
    licences: Resource<Result<AddPeopleSetup, AppError>>,
    locale: Locale,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new({
                let preview = preview.clone();
                async move {
                    let uses: Vec<LicenceUse> = licences.await.map(|l| l.licences).unwrap_or_default();
                    preview
                        .seats
                        .iter()
                        .map(|(service, needed)| {
                            let label = locale.text(service.label());
                            let left = uses.iter().find(|u| u.service == *service).map(LicenceUse::left);
                            let (class, text) = match left {
                                None => ("licence short", locale.format(Key::ServiceNotInPlan, &[("service", label)])),
                                Some(left) if *needed > left => ("licence short", locale.format(Key::LicenceShort, &[
                                    ("service", label),
                                    ("left", &left.to_string()),
                                    ("needed", &needed.to_string()),
                                    ("short", &(needed - left).to_string()),
                                ])),
                                Some(left) => ("licence enough", locale.format(Key::ImportSeatsEnough, &[
                                    ("service", label),
                                    ("left", &left.to_string()),
                                    ("needed", &needed.to_string()),
                                ])),
                            };
                            view! { <p class=class>{text}</p> }
                        })
                        .collect_view()
                }
            })}
        </Suspense>
    }
}

fn services_text(person: &Person, locale: Locale) -> String {
    person
        .services
        .iter()
        .map(|(service, on)| {
            let label = locale.text(service.label());
            if *on {
                label.to_owned()
            } else {
                format!("−{label}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first rows as they will be imported.
#[component]
fn Sample(preview: Preview, locale: Locale) -> impl IntoView {
    let change_label = |change: Change| match change {
        Change::New => (Key::ImportCountNew, "badge badge-new"),
        Change::Update => (Key::ImportCountUpdated, "badge badge-updated"),
        Change::Unchanged => (Key::ImportCountUnchanged, "badge badge-unchanged"),
    };
    view! {
        <table class="sample">
            <caption>{locale.text(Key::ImportSampleTitle)}</caption>
            <thead>
                <tr>
                    <th scope="col">{locale.text(Key::ImportRow)}</th>
                    <th scope="col">{locale.text(Key::ImportEmail)}</th>
                    <th scope="col">{locale.text(Key::ColumnName)}</th>
                    <th scope="col">{locale.text(Key::ColumnServices)}</th>
                    <th scope="col">{locale.text(Key::ImportPhone)}</th>
                    <th scope="col">{locale.text(Key::ImportExtension)}</th>
                    <th scope="col">{locale.text(Key::ImportOutcome)}</th>
                </tr>
            </thead>
            <tbody>
                {preview
                    .sample
                    .into_iter()
                    .map(|(person, change)| {
                        let (key, class) = change_label(change);
                        view! {
                            <tr>
                                <td>{person.row.to_string()}</td>
                                <td>{person.email.as_str().to_owned()}</td>
                                <td>{person.name().map(|n| n.as_str().to_owned()).unwrap_or_default()}</td>
                                <td>{services_text(&person, locale)}</td>
                                <td>{person.phone.clone().unwrap_or_default()}</td>
                                <td>{person.extension.clone().unwrap_or_default()}</td>
                                <td><span class=class>{locale.text(key)}</span></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Every invalid row (the first few hundred on the page) and every duplicate.
#[component]
fn Problems(import: Import) -> impl IntoView {
    let locale = import.locale;
    move || {
        let validated = import.validated.get()?;
        if validated.errors.is_empty() && validated.duplicates.is_empty() {
            return None;
        }
        let more = validated.errors.len().saturating_sub(SHOWN_PROBLEMS);
        Some(view! {
            <table class="problems">
                <caption>{locale.text(Key::ImportProblemsTitle)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{locale.text(Key::ImportRow)}</th>
                        <th scope="col">{locale.text(Key::ImportColumn)}</th>
                        <th scope="col">{locale.text(Key::ImportValue)}</th>
                        <th scope="col">{locale.text(Key::ImportReason)}</th>
                    </tr>
                </thead>
                <tbody>
                    {validated
                        .errors
                        .iter()
                        .take(SHOWN_PROBLEMS)
                        .map(|error| view! {
                            <tr>
                                <td>{error.row.to_string()}</td>
                                <td>{error.column.clone()}</td>
                                <td><code>{error.value.clone()}</code></td>
                                <td>{locale.text(error.reason)}</td>
                            </tr>
                        })
                        .collect_view()}
                    {validated
                        .duplicates
                        .iter()
                        .take(SHOWN_PROBLEMS)
                        .map(|duplicate| view! {
                            <tr>
                                <td>{duplicate.row.to_string()}</td>
                                <td></td>
                                <td><code>{duplicate.email.as_str().to_owned()}</code></td>
                                <td>{locale.format(Key::ImportDuplicateOf, &[("row", &duplicate.first_row.to_string())])}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
            {(more > 0).then(|| view! {
                <p class="hint">{locale.format(Key::ImportMoreProblems, &[("count", &more.to_string())])}</p>
            })}
        })
    }
}

#[component]
fn StartButton(import: Import, preview: Memo<Option<Preview>>) -> impl IntoView {
    let locale = import.locale;
    let actionable = move || preview.with(|p| p.as_ref().map_or(0, |p| p.new + p.updated));
    let disabled =
        move || actionable() == 0 || import.uploading.get() || import.stage.get() != Stage::Ready;
    view! {
        {move || import.upload_error.get().map(|error| {
            let messages = error.messages(locale);
            view! {
                <div class="error-panel upload-refused" role="alert">
                    {messages.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
                </div>
            }
        })}
        <p class="actions">
            <button type="button" class="button primary" id="start-import" disabled=disabled on:click=move |_| import.start()>
                {move || if import.uploading.get() {
                    locale.text(Key::ImportStarting).to_owned()
                } else {
                    locale.format(Key::ImportStart, &[("count", &actionable().to_string())])
                }}
            </button>
            {move || (actionable() == 0 && preview.get().is_some()).then(|| view! {
                <span class="hint">{locale.text(Key::ImportNothingToDo)}</span>
            })}
        </p>
    }
    .into_any()
}
