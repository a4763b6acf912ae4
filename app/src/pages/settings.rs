//! The Settings screen. Its content arrives with its own issue; until then it says so plainly.

use crate::locales::{t, Key};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <Title text=t(Key::SettingsTitle)/>
        <h1>{t(Key::SettingsTitle)}</h1>
        <p class="muted">{t(Key::NotBuiltYet)}</p>
    }
}
