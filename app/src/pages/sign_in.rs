//! Signing in. On a fresh install with no organisation yet, it also says how to create one.

use crate::api::account::{installed, SignIn};
use crate::components::auth_frame::AuthFrame;
use crate::components::form::{refusal, Field, FormError};
use crate::locales::{t, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let answer = action.value();
    let installed = Resource::new(|| (), |_| installed());
    view! {
        <Title text=t(Key::SignInTitle)/>
        <AuthFrame>
            <h1>{t(Key::SignInTitle)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    matches!(installed.await, Ok(false)).then(|| view! { <NoOrganisation/> })
                })}
            </Suspense>
            <ActionForm action>
                <FormError answer/>
                <Field
                    name="email"
                    label=Key::FieldEmail
                    kind="email"
                    autocomplete="username"
                    refused=refusal(answer, "email")
                />
                <Field
                    name="password"
                    label=Key::FieldPassword
                    kind="password"
                    autocomplete="current-password"
                    refused=refusal(answer, "password")
                />
                <button type="submit" class="primary" disabled=action.pending()>
                    {t(Key::SignIn)}
                </button>
            </ActionForm>
            <p class="actions">
                <a href="/forgot-password">{t(Key::ForgotPassword)}</a>
                <a href="/signup" data-test="signup-link">{t(Key::SignupFromSignIn)}</a>
            </p>
        </AuthFrame>
    }
}

#[component]
fn NoOrganisation() -> impl IntoView {
    view! {
        <section class="empty-state" data-test="no-organisation">
            <h2>{t(Key::NoOrganisationTitle)}</h2>
            <p><code>{t(Key::NoOrganisationBody)}</code></p>
        </section>
    }
}
