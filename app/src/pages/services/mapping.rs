//! On the Calling page: mapping every direct line to the extension of its last digits. The admin
//! first sees what would be created and what conflicts (`?mapping`, a plain link), then applies.

use crate::api::settings::{MapExtensions, MappingPlan};
use crate::components::form::FormError;
use crate::domain::extension_map::{Conflict, Mapping, Outcome};
use crate::error::AppError;
use crate::locales::{t, use_locale, Key, Locale};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn reason(locale: Locale, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Conflict(Conflict::MappedOtherwise { extension }) => {
            locale.format(Key::ConflictMappedOtherwise, &[("extension", extension)])
        }
        Outcome::Conflict(Conflict::PersonHasIt { person }) => {
            locale.format(Key::ConflictPersonHasIt, &[("person", person)])
        }
        Outcome::Conflict(Conflict::NumberHasIt { number }) => {
            locale.format(Key::ConflictNumberHasIt, &[("number", number)])
        }
        Outcome::Conflict(Conflict::SameDigits { numbers }) => {
            locale.format(Key::ConflictSameDigits, &[("numbers", &numbers.join(", "))])
        }
        Outcome::Create | Outcome::AlreadyMapped => String::new(),
    }
}

#[component]
pub fn ExtensionMapping(plan: Resource<Result<Option<MappingPlan>, AppError>>) -> impl IntoView {
    let query = use_query_map();
    let locale = use_locale();
    let done = move || {
        query
            .read()
            .get("mapped")
            .map(|count| locale.format(Key::MappingDone, &[("count", &count)]))
    };
    view! {
        <section class="mapping" id="mapping" aria-labelledby="mapping-heading">
            <h3 id="mapping-heading">{t(Key::MappingTitle)}</h3>
            <p class="hint">{t(Key::MappingHint)}</p>
            <p class="notice" role="status" data-test="mapped" hidden=move || done().is_none()>{done}</p>
            <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    plan.await.map(|plan| match plan {
                        Some(plan) => view! { <Plan plan/> }.into_any(),
                        None => view! {
                            <a class="button" href="/services/calling?mapping#mapping" data-test="show-mapping">
                                {t(Key::MappingShow)}
                            </a>
                        }
                        .into_any(),
                    })
                })}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn Plan(plan: MappingPlan) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<MapExtensions>::new();
    let answer = action.value();
    let (create, length) = (plan.create.to_string(), plan.length.to_string());
    let summary = locale.format(
        Key::MappingWillCreate,
        &[("count", &create), ("length", &length)],
    );
    let already = locale.format(Key::MappingAlready, &[("count", &plan.already.to_string())]);
    let conflicts = locale.format(
        Key::MappingConflicts,
        &[("count", &plan.conflicts.to_string())],
    );
    let rows = |mappings: Vec<Mapping>, with_reason: bool| {
        mappings
            .into_iter()
            .map(|m| {
                let why = with_reason.then(|| view! { <td>{reason(locale, &m.outcome)}</td> });
                view! { <tr><td>{m.number}</td><td>{m.extension}</td>{why}</tr> }
            })
            .collect_view()
    };
    view! {
        <div class="mapping-plan" data-test="mapping-plan">
            <p data-test="mapping-summary">{summary}</p>
            <p class="muted">{already}</p>
            {(!plan.sample.is_empty()).then(|| view! {
                <table class="sample">
                    <thead><tr><th>{t(Key::MappingNumber)}</th><th>{t(Key::MappingExtension)}</th></tr></thead>
                    <tbody>{rows(plan.sample, false)}</tbody>
                </table>
            })}
            {(plan.conflicts > 0).then(|| view! {
                <p data-test="mapping-conflicts">{conflicts}</p>
                <table class="conflicts">
                    <thead><tr>
                        <th>{t(Key::MappingNumber)}</th>
                        <th>{t(Key::MappingExtension)}</th>
                        <th>{t(Key::MappingReason)}</th>
                    </tr></thead>
                    <tbody>{rows(plan.conflicting, true)}</tbody>
                </table>
            })}
            {if plan.create > 0 {
                view! {
                    <ActionForm action>
                        <FormError answer/>
                        <button type="submit" class="primary" data-test="apply-mapping" disabled=action.pending()>
                            {locale.format(Key::MappingApply, &[("count", &create)])}
                        </button>
                    </ActionForm>
                }
                .into_any()
            } else {
                view! { <p class="notice" data-test="mapping-nothing">{t(Key::MappingNothing)}</p> }.into_any()
            }}
        </div>
    }
    .into_any()
}
