//! One import: its progress while it runs (rows done of total, rate, time left), cancel, and when
//! it is over the counts, the result file, and undo (what it will do is shown before it is done).

use super::count_list;
use crate::api::imports::{
    cancel, get, plan_undo, result_path, undo, ImportProgress, ImportState, ImportSummary, UndoPlan,
};
use crate::components::error_panel::ErrorPanel;
use crate::error::AppError;
use crate::locales::{t, use_locale, Key, Locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::time::Duration;

/// How often a running import's page asks how far it is.
const POLL: Duration = Duration::from_millis(800);

pub fn state_label(state: ImportState) -> Key {
    match state {
        ImportState::Running => Key::ImportStateRunning,
        ImportState::Cancelling => Key::ImportStateCancelling,
        ImportState::Cancelled => Key::ImportStateCancelled,
        ImportState::Done => Key::ImportStateDone,
        ImportState::Undone => Key::ImportStateUndone,
    }
}

#[component]
pub fn ImportProgressPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let progress = Resource::new(id, get);
    view! {
        <Title text=t(Key::ImportProgressTitle)/>
        <nav class="breadcrumb" aria-label=t(Key::ImportBreadcrumb)>
            <a href="/users">{t(Key::UsersTitle)}</a>
            " › "
            <a href="/users/import">{t(Key::ImportTitle)}</a>
        </nav>
        <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
            <Suspense fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    progress.await.map(|first| view! { <Progress id=id() first/> })
                })}
            </Suspense>
        </ErrorBoundary>
    }
    .into_any()
}

#[component]
fn Progress(id: i64, first: ImportProgress) -> impl IntoView {
    let locale = use_locale();
    let can_change = first.can_change;
    let summary = RwSignal::new(first.summary);
    // While it runs, ask again; stop once it is over.
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || {
                if summary.with_untracked(|s| s.state.is_finished()) {
                    return;
                }
                leptos::task::spawn_local(async move {
                    if let Ok(fresh) = get(id).await {
                        if summary.with_untracked(|s| *s != fresh.summary) {
                            summary.set(fresh.summary);
                        }
                    }
                });
            },
            POLL,
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    });
    let cancelling = Action::new(move |_: &()| async move {
        if let Ok(fresh) = cancel(id).await {
            summary.set(fresh);
        }
    });
    view! {
        <h1>{move || summary.with(|s| s.file_name.clone())}</h1>
        <section class="card import-progress" aria-labelledby="progress-title">
            <h2 id="progress-title">
                <span class=move || format!("import-state state-{}", summary.with(|s| s.state.as_str()))>
                    {move || locale.text(state_label(summary.with(|s| s.state)))}
                </span>
            </h2>
            <Bar summary locale/>
            <Counts summary locale/>
            // What shows depends on how far the import is, which can change between the server
            // rendering the page and the browser taking it over: the parts are always there and
            // hidden, so taking over never meets a page of another shape.
            <p class="actions" hidden=move || !(can_change && summary.with(|s| s.state == ImportState::Running))>
                <button type="button" class="button" id="cancel-import" on:click=move |_| { cancelling.dispatch(()); }>
                    {t(Key::ImportCancel)}
                </button>
                <span class="hint">{t(Key::ImportCancelHint)}</span>
            </p>
            <p class="hint" hidden=move || !summary.with(|s| s.state.is_finished() && s.failed > 0)>
                {t(Key::ImportFailedHint)}
            </p>
            <p class="actions" hidden=move || !summary.with(|s| s.state.is_finished())>
                <a class="button primary" id="result-file" href=result_path(id) download>
                    {t(Key::ImportResultFile)}
                </a>
                <a class="button" href="/users">{t(Key::ImportSeeUsers)}</a>
            </p>
        </section>
        {can_change.then(|| view! {
            <div hidden=move || {
                !matches!(summary.with(|s| s.state), ImportState::Done | ImportState::Cancelled | ImportState::Undone)
            }>
                <Undo id summary/>
            </div>
        })}
    }
}

#[component]
fn Bar(summary: RwSignal<ImportSummary>, locale: Locale) -> impl IntoView {
    move || {
        let s = summary.get();
        let percent = if s.total > 0 {
            (s.done * 100 / s.total).clamp(0, 100)
        } else {
            100
        };
        let mut line = locale.format(
            Key::ImportRowsDone,
            &[
                ("done", &s.done.to_string()),
                ("total", &s.total.to_string()),
            ],
        );
        if let Some(rate) = s.rate {
            line.push_str(" · ");
            line.push_str(&locale.format(Key::ImportRate, &[("rate", &format!("{:.0}", rate))]));
        }
        if let Some(left) = s.seconds_left {
            line.push_str(" · ");
            line.push_str(&locale.format(Key::ImportTimeLeft, &[("left", &locale.duration(left))]));
        }
        view! {
            <div class="progress" aria-live="polite">
                <progress
                    id="import-progress"
                    max="100"
                    value=percent
                    aria-label=locale.text(Key::ImportProgressTitle)
                >
                    {format!("{percent}%")}
                </progress>
                <p class="progress-line">{line}</p>
            </div>
        }
    }
}

#[component]
fn Counts(summary: RwSignal<ImportSummary>, locale: Locale) -> impl IntoView {
    move || {
        let s = summary.get();
        count_list(
            locale,
            [
                (s.created, Key::ImportCountCreated, "count-created"),
                (s.updated, Key::ImportCountUpdated, "count-updated"),
                (s.unchanged, Key::ImportCountUnchanged, "count-unchanged"),
                (s.failed, Key::ImportCountFailed, "count-failed"),
            ],
        )
    }
}

/// Undo, behind a fold that first says what it will do.
#[component]
fn Undo(id: i64, summary: RwSignal<ImportSummary>) -> impl IntoView {
    let locale = use_locale();
    let plan = RwSignal::new(None::<Result<UndoPlan, AppError>>);
    let done = RwSignal::new(None::<Result<UndoPlan, AppError>>);
    let ask = move |_| {
        leptos::task::spawn_local(async move {
            plan.set(Some(plan_undo(id).await));
        });
    };
    let confirm = move |_| {
        leptos::task::spawn_local(async move {
            let answer = undo(id).await;
            if answer.is_ok() {
                if let Ok(fresh) = get(id).await {
                    summary.set(fresh.summary);
                }
            }
            done.set(Some(answer));
        });
    };
    let describe = move |plan: &UndoPlan| {
        [
            (plan.remove, Key::UndoRemove),
            (plan.mails, Key::UndoMails),
            (plan.restore, Key::UndoRestore),
            (plan.keep, Key::UndoKeep),
        ]
        .into_iter()
        .map(|(n, key)| view! { <li>{locale.format(key, &[("count", &n.to_string())])}</li> })
        .collect_view()
    };
    view! {
        <section class="card danger-zone undo" aria-labelledby="undo-title">
            <h2 id="undo-title">{t(Key::UndoTitle)}</h2>
            {move || match (plan.get(), done.get()) {
                _ if summary.with(|s| s.state == ImportState::Undone) => view! {
                    <p class="notice" role="status">{t(Key::UndoDone)}</p>
                }.into_any(),
                (_, Some(Ok(_))) => view! { <p class="notice" role="status">{t(Key::UndoDone)}</p> }.into_any(),
                (_, Some(Err(error))) | (Some(Err(error)), None) => view! {
                    <p class="field-error" role="alert">{locale.text(error.headline())}</p>
                }.into_any(),
                (Some(Ok(plan)), None) => view! {
                    <p>{t(Key::UndoWillDo)}</p>
                    <ul class="undo-plan">{describe(&plan)}</ul>
                    <button type="button" class="button danger" id="confirm-undo" on:click=confirm>
                        {t(Key::UndoConfirm)}
                    </button>
                }.into_any(),
                (None, None) => view! {
                    <p class="hint">{t(Key::UndoHint)}</p>
                    <button type="button" class="button" id="undo-import" on:click=ask>
                        {t(Key::UndoAsk)}
                    </button>
                }.into_any(),
            }}
        </section>
    }
    .into_any()
}
