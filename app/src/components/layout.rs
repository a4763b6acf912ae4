//! The frame around every page: header with the organisation's name and language, left navigation.

use crate::api::overview::get_overview;
use crate::locales::{t, use_locale, Key, Locale};
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_location;

#[component]
pub fn Layout() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_overview());
    let org_name = move || {
        Suspend::new(async move {
            overview
                .await
                .ok()
                .flatten()
                .map(|o| o.org_name)
                .unwrap_or_default()
        })
    };
    view! {
        <a class="skip-link" href="#main">{t(Key::SkipToContent)}</a>
        <header class="topbar">
            <a class="brand" href="/">{t(Key::ProductName)}</a>
            <span class="org-name" data-test="org-name">
                <Suspense fallback=|| ()>{org_name}</Suspense>
            </span>
            <LanguageSwitcher/>
        </header>
        <div class="frame">
            <nav class="sidebar" aria-label=t(Key::MainNavigation)>
                <ul>
                    <li><A href="/" exact=true>{t(Key::NavOverview)}</A></li>
                    <li><A href="/users">{t(Key::NavUsers)}</A></li>
                    <li><A href="/services">{t(Key::NavServices)}</A></li>
                    <li><A href="/settings">{t(Key::NavSettings)}</A></li>
                </ul>
            </nav>
            <main id="main" tabindex="-1">
                <Outlet/>
            </main>
        </div>
    }
}

/// A plain form post, so it works with JavaScript off; the server sets the cookie and sends the
/// admin back to the page they were on, now in the chosen language.
#[component]
fn LanguageSwitcher() -> impl IntoView {
    let current = use_locale();
    let location = use_location();
    view! {
        <form class="language" method="post" action="/language">
            <label for="language-select">{t(Key::Language)}</label>
            <select id="language-select" name="lang">
                {Locale::ALL
                    .into_iter()
                    .map(|locale| {
                        view! {
                            <option value=locale.tag() selected=locale == current lang=locale.tag()>
                                {locale.native_name()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <input type="hidden" name="return_to" value=move || location.pathname.get()/>
            <button type="submit">{t(Key::ChangeLanguage)}</button>
        </form>
    }
}
