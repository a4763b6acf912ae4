//! Where the first-time setup wizard will live; its own issue builds it. Until then the page says
//! plainly that the account is ready and what comes here.

use crate::locales::{t, Key};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SetupPage() -> impl IntoView {
    view! {
        <Title text=t(Key::SetupTitle)/>
        <h1>{t(Key::SetupTitle)}</h1>
        <p data-test="setup-placeholder">{t(Key::SetupPlaceholder)}</p>
    }
}
