//! Switchboard's portal: the HTML shell, the routes, and the modules behind them.

pub mod api;
pub mod components;
pub mod domain;
pub mod error;
pub mod import;
pub mod locales;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use components::layout::Layout;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};
use locales::{t, use_locale, Key};
use pages::{
    account::AccountPage,
    activate::ActivatePage,
    audit::AuditLogPage,
    directory::DirectorySyncPage,
    imports::{ImportPage, ImportProgressPage},
    me::MePage,
    not_found::NotFoundPage,
    numbers::NumbersPage,
    overview::OverviewPage,
    password_reset::{ForgotPasswordPage, ResetPasswordPage},
    services::ServicesPage,
    settings::SettingsPage,
    setup::{SetupDonePage, SetupPage, SetupStepPage},
    sign_in::SignInPage,
    signup::{SignupConfirmPage, SignupPage, SignupReadyPage},
    users::{PersonPage, UnlicensedPage, UsersPage},
    welcome::WelcomePage,
};

/// The whole HTML document, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang=use_locale().tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let product = t(Key::ProductName);
    // Pages render completely on the server before they are sent, so they work without JavaScript.
    let ssr = SsrMode::Async;
    view! {
        <Stylesheet id="leptos" href="/pkg/switchboard.css"/>
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Title formatter=move |page: String| format!("{page} · {product}")/>
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("sign-in") view=SignInPage ssr=ssr.clone()/>
                <Route path=path!("welcome/:token") view=WelcomePage ssr=ssr.clone()/>
                <Route path=path!("forgot-password") view=ForgotPasswordPage ssr=ssr.clone()/>
                <Route path=path!("reset-password/:token") view=ResetPasswordPage ssr=ssr.clone()/>
                <Route path=path!("activate") view=ActivatePage ssr=ssr.clone()/>
                <Route path=path!("signup") view=SignupPage ssr=ssr.clone()/>
                <Route path=path!("signup/confirm/:token") view=SignupConfirmPage ssr=ssr.clone()/>
                <Route path=path!("signup/ready") view=SignupReadyPage ssr=ssr.clone()/>
                <ParentRoute path=path!("") view=Layout ssr=ssr.clone()>
                    <Route path=path!("") view=OverviewPage ssr=ssr.clone()/>
                    <Route path=path!("users") view=UsersPage ssr=ssr.clone()/>
                    <Route path=path!("users/import") view=ImportPage ssr=ssr.clone()/>
                    <Route path=path!("users/imports/:id") view=ImportProgressPage ssr=ssr.clone()/>
                    <Route path=path!("users/directory") view=DirectorySyncPage ssr=ssr.clone()/>
                    <Route path=path!("users/unlicensed") view=UnlicensedPage ssr=ssr.clone()/>
                    <Route path=path!("users/:id") view=PersonPage ssr=ssr.clone()/>
                    <Route path=path!("numbers") view=NumbersPage ssr=ssr.clone()/>
                    <Route path=path!("services") view=ServicesPage ssr=ssr.clone()/>
                    <Route path=path!("services/:service") view=ServicesPage ssr=ssr.clone()/>
                    <Route path=path!("settings") view=SettingsPage ssr=ssr.clone()/>
                    <Route path=path!("setup") view=SetupPage ssr=ssr.clone()/>
                    <Route path=path!("setup/done") view=SetupDonePage ssr=ssr.clone()/>
                    <Route path=path!("setup/:step") view=SetupStepPage ssr=ssr.clone()/>
                    <Route path=path!("me") view=MePage ssr=ssr.clone()/>
                    <Route path=path!("audit") view=AuditLogPage ssr=ssr.clone()/>
                    <Route path=path!("account") view=AccountPage ssr/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
