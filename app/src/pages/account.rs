//! The signed-in person's own account: changing the password (which signs out everywhere else).

use crate::api::account::ChangePassword;
use crate::components::form::{refusal, Field, FormError, NewPasswordFields};
use crate::locales::{t, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AccountPage() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let answer = action.value();
    // Success comes back as `?password-changed`, with JavaScript on or off.
    let query = use_query_map();
    let changed = move || query.read().get("password-changed").is_some();
    view! {
        <Title text=t(Key::AccountTitle)/>
        <h1>{t(Key::AccountTitle)}</h1>
        <section class="card narrow" aria-labelledby="change-password">
            <h2 id="change-password">{t(Key::ChangePassword)}</h2>
            <p class="notice" role="status" data-test="password-changed" hidden=move || !changed()>
                {t(Key::PasswordChanged)}
            </p>
            <ActionForm action>
                <FormError answer/>
                <Field
                    name="current"
                    label=Key::CurrentPassword
                    kind="password"
                    autocomplete="current-password"
                    refused=refusal(answer, "current")
                />
                <NewPasswordFields answer label=Key::NewPassword/>
                <button type="submit" class="primary" disabled=action.pending()>
                    {t(Key::ChangePassword)}
                </button>
            </ActionForm>
        </section>
    }
}
