//! The page for an address that leads nowhere (served with status 404).

use crate::locales::{t, Key};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <Title text=t(Key::NotFoundTitle)/>
        <main id="main" class="not-found">
            <h1>{t(Key::NotFoundTitle)}</h1>
            <p>{t(Key::NotFoundBody)}</p>
            <a class="button" href="/">{t(Key::BackToOverview)}</a>
        </main>
    }
}
