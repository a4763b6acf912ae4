//! The welcome link's page: the first administrator chooses a name and a password, and is signed
//! in. A used, expired or unknown link gets a page that says so and what to do.

use crate::api::account::{welcome_link, CreateAccount, LinkStatus};
use crate::components::auth_frame::{AuthFrame, LinkProblem};
use crate::components::form::{refusal, Field, FormError};
use crate::domain::Role;
use crate::locales::{t, use_locale, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn WelcomePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let status = Resource::new(token, welcome_link);
    view! {
        <Title text=t(Key::WelcomeTitle)/>
        <AuthFrame>
            <Suspense fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(LinkStatus::Valid { email, org_name, role }) => {
                            view! { <CreateAccountForm token=token() email org_name role/> }
                                .into_any()
                        }
                        Ok(LinkStatus::Used) => view! {
                            <LinkProblem title=Key::LinkUsedTitle body=Key::LinkUsedBody>
                                <a class="button" href="/sign-in">{t(Key::SignIn)}</a>
                                <a href="/forgot-password">{t(Key::ForgotPassword)}</a>
                            </LinkProblem>
                        }
                        .into_any(),
                        Ok(LinkStatus::Expired) => view! {
                            <LinkProblem title=Key::LinkExpiredTitle body=Key::WelcomeExpiredBody>
                                <a href="/sign-in">{t(Key::BackToSignIn)}</a>
                            </LinkProblem>
                        }
                        .into_any(),
                        Ok(LinkStatus::Unknown) | Err(_) => view! {
                            <LinkProblem title=Key::LinkUnknownTitle body=Key::LinkUnknownBody>
                                <a href="/sign-in">{t(Key::BackToSignIn)}</a>
                            </LinkProblem>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </AuthFrame>
    }
}

#[component]
fn CreateAccountForm(token: String, email: String, org_name: String, role: Role) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<CreateAccount>::new();
    let answer = action.value();
    // The first administrator was invited by the provider; everyone else by an administrator.
    let (title, intro) = if role == Role::FullAdmin {
        (Key::WelcomeTitle, Key::WelcomeIntro)
    } else {
        (Key::InviteTitle, Key::InviteIntro)
    };
    view! {
        <h1>{t(title)}</h1>
        <p>{locale.format(intro, &[("org", &org_name), ("email", &email)])}</p>
        <ActionForm action>
            <FormError answer/>
            <input type="hidden" name="token" value=token/>
            // Lets password managers file the new password under the right address.
            <input type="hidden" name="username" autocomplete="username" value=email/>
            <Field name="name" label=Key::FieldName autocomplete="name" refused=refusal(answer, "name")/>
            <Field
                name="password"
                label=Key::FieldPassword
                kind="password"
                autocomplete="new-password"
                hint=Key::PasswordHint
                refused=refusal(answer, "password")
            />
            <Field
                name="password_again"
                label=Key::FieldPasswordAgain
                kind="password"
                autocomplete="new-password"
                refused=refusal(answer, "password_again")
            />
            <button type="submit" class="primary" disabled=action.pending()>
                {t(Key::CreateAccount)}
            </button>
        </ActionForm>
    }
}
