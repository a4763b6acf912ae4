//! The frame around every signed-in page: header with the organisation, the person and their role,
//! language and sign-out; left navigation. Nobody signed in is sent to the sign-in page; a person
//! without an administrator role is told the portal is not for them.

use crate::api::account::{signed_in, Me, SignOut};
use crate::components::error_panel::ErrorPanel;
use crate::domain::Role;
use crate::error::AppError;
use crate::locales::{t, use_locale, Key, Locale};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::use_location;

#[component]
pub fn Layout() -> impl IntoView {
    let me = Resource::new(|| (), |_| signed_in());
    // Everyone signed in may see their own settings; the rest is for administrators.
    let location = use_location();
    let own_page = move || location.pathname.get_untracked() == "/me";
    view! {
        <a class="skip-link" href="#main">{t(Key::SkipToContent)}</a>
        <Suspense fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(me) if me.role.at_least(Role::ReadOnlyAdmin) || own_page() => {
                        view! { <Frame me/> }.into_any()
                    }
                    Ok(me) => view! { <AdminsOnly me/> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <Redirect path="/sign-in"/> }.into_any(),
                    Err(error) => {
                        let errors = ArcRwSignal::new(Errors::default());
                        errors.update(|e| e.insert_with_default_key(error));
                        view! { <ErrorPanel errors/> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The organisation's name once renamed on this page, until the next full load: the header shows
/// it without asking the server again.
#[derive(Clone, Copy)]
pub struct OrgRenamed(pub RwSignal<Option<String>>);

/// Keeps the header's organisation name in step with what an enterprise-settings form saved.
pub fn follow_renames(saved: impl Fn() -> Option<String> + Send + Sync + 'static) {
    if let Some(OrgRenamed(renamed)) = use_context::<OrgRenamed>() {
        Effect::new(move |_| {
            if let Some(name) = saved() {
                renamed.set(Some(name));
            }
        });
    }
}

#[component]
fn Header(me: Me) -> impl IntoView {
    let locale = use_locale();
    let renamed = use_context::<OrgRenamed>().map(|r| r.0);
    let org_name = me.org_name.clone();
    let org_name = move || {
        renamed
            .and_then(|r| r.get())
            .unwrap_or_else(|| org_name.clone())
    };
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <header class="topbar">
            <a class="brand" href="/">{t(Key::ProductName)}</a>
            <span class="org-name" data-test="org-name">{org_name}</span>
            <LanguageSwitcher/>
            <span class="person">
                <a href="/account" data-test="person">{me.name}</a>
                <span class="role" data-test="role">{locale.text(me.role.label())}</span>
            </span>
            <ActionForm action=sign_out attr:class="sign-out">
                <button type="submit" data-test="sign-out">{t(Key::SignOut)}</button>
            </ActionForm>
        </header>
    }
}

#[component]
fn Frame(me: Me) -> impl IntoView {
    // Pages show only what the role may do; the server checks again on every call.
    provide_context(me.clone());
    provide_context(OrgRenamed(RwSignal::new(None)));
    let has_calling = me.has_calling;
    let admin = me.role.at_least(Role::ReadOnlyAdmin);
    view! {
        <Header me/>
        <div class="frame">
            <nav class="sidebar" aria-label=t(Key::MainNavigation)>
                <ul>
                    {admin.then(|| view! {
                        <li><A href="/" exact=true>{t(Key::NavOverview)}</A></li>
                        <li><A href="/users">{t(Key::NavUsers)}</A></li>
                        <li><A href="/services">{t(Key::NavServices)}</A></li>
                        {has_calling.then(|| view! { <li><A href="/numbers">{t(Key::NavNumbers)}</A></li> })}
                        <li><A href="/settings">{t(Key::NavSettings)}</A></li>
                        <li><A href="/audit">{t(Key::NavAudit)}</A></li>
                    }.into_any())}
                    {has_calling.then(|| view! { <li><A href="/me">{t(Key::NavMe)}</A></li> })}
                </ul>
            </nav>
            <main id="main" tabindex="-1">
                <Outlet/>
            </main>
        </div>
    }
    .into_any()
}

#[component]
fn AdminsOnly(me: Me) -> impl IntoView {
    view! {
        <Header me/>
        <main id="main" class="auth">
            <div class="card" data-test="admins-only">
                <h1>{t(Key::AdminsOnlyTitle)}</h1>
                <p>{t(Key::AdminsOnlyBody)}</p>
                <p><a href="/me" data-test="own-settings">{t(Key::MeTitle)}</a></p>
            </div>
        </main>
    }
}

/// A plain form post, so it works with JavaScript off; the server sets the cookie and sends the
/// admin back to the page they were on, now in the chosen language.
#[component]
pub fn LanguageSwitcher() -> impl IntoView {
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

/// While an identity provider provisions the organisation: people added here must be in the
/// directory too (or, if the organisation chose so, they cannot be added here at all).
#[component]
pub fn DirectoryNotice() -> impl IntoView {
    let me = use_context::<Me>();
    me.filter(|me| me.provisioned).map(|me| {
        let key = if me.hand_adds_refused {
            Key::DirectoryRefusesHandAdds
        } else {
            Key::DirectoryWarn
        };
        view! { <p class="notice warning" role="note" data-test="directory-notice">{t(key)}</p> }
    })
}
