//! Self-signup: the public form (name and address), the page behind the mailed link where the
//! password is chosen, and the page that says the account waits for an organisation.

use crate::api::signup::{signup_link, ConfirmSignup, SignUp, SignupLinkStatus};
use crate::components::auth_frame::{AuthFrame, LinkProblem, LinkUsed};
use crate::components::form::{refusal, Field, FormError, NewPasswordFields};
use crate::locales::{t, use_locale, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn SignupPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let answer = action.value();
    // The answer comes back as `?sent`, so the page says the same with JavaScript on or off, and
    // the same whether or not the address had an account.
    let query = use_query_map();
    let sent = move || query.read().get("sent").is_some();
    view! {
        <Title text=t(Key::SignupTitle)/>
        <AuthFrame>
            <h1>{t(Key::SignupTitle)}</h1>
            <p>{t(Key::SignupIntro)}</p>
            <p class="notice" role="status" data-test="signup-sent" hidden=move || !sent()>
                {t(Key::SignupSent)}
            </p>
            <ActionForm action>
                <FormError answer/>
                <Field
                    name="name"
                    label=Key::FieldName
                    autocomplete="name"
                    refused=refusal(answer, "name")
                />
                <Field
                    name="email"
                    label=Key::FieldEmail
                    kind="email"
                    autocomplete="email"
                    refused=refusal(answer, "email")
                />
                <button type="submit" class="primary" disabled=action.pending()>
                    {t(Key::SignupSubmit)}
                </button>
            </ActionForm>
            <p class="actions"><a href="/sign-in">{t(Key::BackToSignIn)}</a></p>
        </AuthFrame>
    }
}

#[component]
pub fn SignupConfirmPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let status = Resource::new(token, signup_link);
    view! {
        <Title text=t(Key::SignupConfirmTitle)/>
        <AuthFrame>
            <Suspense fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(SignupLinkStatus::Valid { email }) => {
                            view! { <ConfirmForm token=token() email/> }.into_any()
                        }
                        Ok(SignupLinkStatus::Used) => view! { <LinkUsed/> }.into_any(),
                        Ok(SignupLinkStatus::Expired) => view! {
                            <LinkProblem title=Key::LinkExpiredTitle body=Key::SignupExpiredBody>
                                <a class="button" href="/signup">{t(Key::SignupTitle)}</a>
                            </LinkProblem>
                        }
                        .into_any(),
                        Ok(SignupLinkStatus::Unknown) | Err(_) => view! {
                            <LinkProblem title=Key::LinkUnknownTitle body=Key::LinkUnknownBody>
                                <a class="button" href="/signup">{t(Key::SignupTitle)}</a>
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
fn ConfirmForm(token: String, email: String) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<ConfirmSignup>::new();
    let answer = action.value();
    view! {
        <h1>{t(Key::SignupConfirmTitle)}</h1>
        <p>{locale.format(Key::SignupConfirmIntro, &[("email", &email)])}</p>
        <ActionForm action>
            <FormError answer/>
            <input type="hidden" name="token" value=token/>
            <input type="hidden" name="username" autocomplete="username" value=email/>
            <NewPasswordFields answer label=Key::FieldPassword/>
            <button type="submit" class="primary" disabled=action.pending()>
                {t(Key::SavePassword)}
            </button>
        </ActionForm>
    }
}

#[component]
pub fn SignupReadyPage() -> impl IntoView {
    view! {
        <Title text=t(Key::SignupReadyTitle)/>
        <AuthFrame>
            <h1 data-test="signup-ready">{t(Key::SignupReadyTitle)}</h1>
            <p>{t(Key::SignupReadyBody)}</p>
            <p class="actions"><a href="/sign-in">{t(Key::BackToSignIn)}</a></p>
        </AuthFrame>
    }
}
