//! What a page shows instead of its content when loading it failed.

use crate::error::AppError;
use crate::locales::{t, use_locale, Key};
use leptos::prelude::*;

/// The fallback of a page's `ErrorBoundary`: each error's headline in the admin's language, and
/// for internal errors the reference that finds it in the log.
#[component]
pub fn ErrorPanel(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let locale = use_locale();
    let lines = move || {
        errors
            .get()
            .into_iter()
            .map(|(_, error)| {
                let app_error = error.downcast_ref::<AppError>().cloned();
                let headline = app_error
                    .as_ref()
                    .map_or(Key::ErrorInternal, AppError::headline);
                let reference = match app_error {
                    Some(AppError::Internal { request_id }) => {
                        Some(locale.format(Key::ErrorReference, &[("id", &request_id)]))
                    }
                    _ => None,
                };
                view! {
                    <p>{locale.text(headline)}</p>
                    {reference.map(|r| view! { <p class="reference">{r}</p> })}
                }
            })
            .collect_view()
    };
    view! {
        <section class="error-panel" role="alert">
            {lines}
            <a href="" class="button">{t(Key::TryAgain)}</a>
        </section>
    }
}
