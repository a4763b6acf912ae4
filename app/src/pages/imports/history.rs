//! The organisation's past imports: who, when, which file, how it ended, with what counts.

use super::progress::state_label;
use crate::api::imports::list;
use crate::components::error_panel::ErrorPanel;
use crate::locales::{t, use_locale, Key};
use leptos::prelude::*;

#[component]
pub fn ImportHistoryList() -> impl IntoView {
    let locale = use_locale();
    let history = Resource::new(|| (), |_| list());
    view! {
        <section class="card import-history" aria-labelledby="history-title">
            <h2 id="history-title">{t(Key::ImportHistoryTitle)}</h2>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                <Suspense fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                    {move || Suspend::new(async move {
                        history.await.map(|history| {
                            if history.imports.is_empty() {
                                return view! { <p class="empty">{t(Key::ImportHistoryEmpty)}</p> }.into_any();
                            }
                            let now = history.now;
                            view! {
                                <table>
                                    <thead>
                                        <tr>
                                            <th scope="col">{t(Key::ImportFile)}</th>
                                            <th scope="col">{t(Key::ImportStartedBy)}</th>
                                            <th scope="col">{t(Key::ImportWhen)}</th>
                                            <th scope="col">{t(Key::ImportOutcome)}</th>
                                            <th scope="col">{t(Key::ImportCountCreated)}</th>
                                            <th scope="col">{t(Key::ImportCountUpdated)}</th>
                                            <th scope="col">{t(Key::ImportCountUnchanged)}</th>
                                            <th scope="col">{t(Key::ImportCountFailed)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {history.imports.into_iter().map(|import| view! {
                                            <tr>
                                                <td><a href=format!("/users/imports/{}", import.id)>{import.file_name}</a></td>
                                                <td>{import.started_by}</td>
                                                <td>{locale.format(Key::ImportAgo, &[("ago", &locale.duration(now - import.created_at))])}</td>
                                                <td>{locale.text(state_label(import.state))}</td>
                                                <td>{import.created.to_string()}</td>
                                                <td>{import.updated.to_string()}</td>
                                                <td>{import.unchanged.to_string()}</td>
                                                <td>{import.failed.to_string()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }
                            .into_any()
                        })
                    })}
                </Suspense>
            </ErrorBoundary>
        </section>
    }
    .into_any()
}
