//! The organisation's latest syncs: who or what started them, when, how far a running one is, and
//! what each did or why it stopped. While one runs the list asks again every second.

use crate::api::directory::{directory_syncs, StartDirectorySync, SyncView};
use crate::locales::{t, use_locale, Key, Locale};
use leptos::prelude::*;
use std::time::Duration;

const POLL: Duration = Duration::from_millis(1000);

#[component]
pub fn SyncList(
    first: Vec<SyncView>,
    now: i64,
    start: ServerAction<StartDirectorySync>,
) -> impl IntoView {
    let locale = use_locale();
    let syncs = RwSignal::new((first, now));
    let refresh = move || {
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = directory_syncs().await {
                if syncs.with_untracked(|s| *s != fresh) {
                    syncs.set(fresh);
                }
            }
        });
    };
    // A sync just started shows at once; then it is followed until it ends.
    Effect::new(move |_| {
        if matches!(start.value().get(), Some(Ok(_))) {
            refresh();
        }
    });
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || {
                if syncs.with_untracked(|(list, _)| list.iter().any(|s| s.state == "running")) {
                    refresh();
                }
            },
            POLL,
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    });
    let refused = move || match start.value().get() {
        Some(Err(error)) => Some(error.messages(locale).join(" ")),
        _ => None,
    };
    view! {
        <section class="card directory-syncs" id="syncs" aria-labelledby="syncs-title">
            <h2 id="syncs-title">{t(Key::DirectorySyncsTitle)}</h2>
            {move || refused().map(|line| view! { <p class="error-panel" role="alert" data-test="sync-refused">{line}</p> })}
            {move || {
                let (list, now) = syncs.get();
                if list.is_empty() {
                    return view! { <p class="muted" data-test="no-syncs">{t(Key::DirectoryNoSyncs)}</p> }.into_any();
                }
                view! {
                    <ul class="rows sync-list" data-test="syncs">
                        {list.into_iter().map(|sync| view! { <Sync sync now locale/> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn Sync(sync: SyncView, now: i64, locale: Locale) -> impl IntoView {
    let who = if sync.scheduled {
        locale.text(Key::DirectoryBySchedule).to_owned()
    } else {
        sync.by.clone().unwrap_or_default()
    };
    let when = locale.format(
        Key::ImportAgo,
        &[("ago", &locale.duration(now - sync.started_at))],
    );
    let (state_key, class) = match sync.state.as_str() {
        "running" => (Key::DirectorySyncRunningState, "import-state state-running"),
        "done" => (Key::DirectorySyncDone, "import-state state-done"),
        _ => (Key::DirectorySyncFailed, "import-state state-failed"),
    };
    let running = sync.state == "running";
    let percent = if sync.total > 0 {
        (sync.done * 100 / sync.total).clamp(0, 100)
    } else {
        0
    };
    let counts = locale.format(
        Key::DirectorySyncCounts,
        &[
            ("added", &sync.added.to_string()),
            ("updated", &sync.updated.to_string()),
            ("reactivated", &sync.reactivated.to_string()),
            ("deactivated", &sync.deactivated.to_string()),
        ],
    );
    view! {
        <li data-test="sync" data-state=sync.state.clone()>
            <p class="sync-head">
                <span class=class>{locale.text(state_key)}</span>
                " "
                <span class="muted">{format!("{who} · {when}")}</span>
            </p>
            // Always there, hidden when not wanted: the sync may end between the server rendering
            // the page and the browser taking it over, and the page must keep its shape.
            <div class="progress" aria-live="polite" hidden=!running>
                <progress max="100" value=percent aria-label=locale.text(Key::DirectorySyncsTitle)>{format!("{percent}%")}</progress>
                <p class="progress-line">{locale.format(Key::ImportRowsDone, &[("done", &sync.done.to_string()), ("total", &sync.total.to_string())])}</p>
            </div>
            <p data-test="sync-counts" hidden=sync.state == "failed" && sync.done == 0>{counts}</p>
            <p class="field-error" data-test="sync-error" hidden=sync.error.is_none()>{sync.error.clone().unwrap_or_default()}</p>
        </li>
    }
    .into_any()
}
