//! Adding an administrator by address: someone already in the organisation gets the role, someone
//! new is invited with it.

use crate::api::user_actions::AddAdmin;
use crate::components::form::{refusal, Field, FormError};
use crate::domain::Role;
use crate::locales::{t, use_locale, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn AddAdministrator() -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<AddAdmin>::new();
    let answer = action.value();
    view! {
        <section class="card narrow" aria-labelledby="add-admin-title">
            <h2 id="add-admin-title">{t(Key::AddAdminTitle)}</h2>
            <p class="hint">{t(Key::AddAdminHint)}</p>
            <ActionForm action>
                <FormError answer/>
                <Field
                    name="email"
                    label=Key::FieldEmail
                    kind="email"
                    refused=refusal(answer, "email")
                />
                <div class="field">
                    <label for="add-admin-role">{t(Key::RoleLabel)}</label>
                    <select id="add-admin-role" name="role">
                        {[Role::FullAdmin, Role::UserAdmin, Role::ReadOnlyAdmin]
                            .into_iter()
                            .map(|role| view! { <option value=role.as_str()>{locale.text(role.label())}</option> })
                            .collect_view()}
                    </select>
                </div>
                <button type="submit" class="primary" disabled=action.pending()>{t(Key::AddAdminSubmit)}</button>
            </ActionForm>
        </section>
    }
}
