//! The frame of the pages a person sees before signing in: the product name, the language, and
//! one card in the middle.

use super::layout::LanguageSwitcher;
use crate::locales::{t, Key};
use leptos::prelude::*;

#[component]
pub fn AuthFrame(children: Children) -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/">{t(Key::ProductName)}</a>
            <span class="org-name"></span>
            <LanguageSwitcher/>
        </header>
        <main id="main" class="auth">
            <div class="card">{children()}</div>
        </main>
    }
}

/// A one-time link that has been used: sign in, or set a new password.
#[component]
pub fn LinkUsed() -> impl IntoView {
    view! {
        <LinkProblem title=Key::LinkUsedTitle body=Key::LinkUsedBody>
            <a class="button" href="/sign-in">{t(Key::SignIn)}</a>
            <a href="/forgot-password">{t(Key::ForgotPassword)}</a>
        </LinkProblem>
    }
}

/// What a page behind a one-time link shows when the link cannot be used, and where to go.
#[component]
pub fn LinkProblem(title: Key, body: Key, children: Children) -> impl IntoView {
    view! {
        <h1 data-test="link-problem">{t(title)}</h1>
        <p>{t(body)}</p>
        <div class="actions">{children()}</div>
    }
}
