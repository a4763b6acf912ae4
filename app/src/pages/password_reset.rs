//! A forgotten password: ask for a link by address, then choose a new password behind the link.

use crate::api::account::{reset_link, ForgotPassword, LinkStatus, ResetPassword};
use crate::components::auth_frame::{AuthFrame, LinkProblem, LinkUsed};
use crate::components::form::{refusal, Field, FormError, NewPasswordFields};
use crate::locales::{t, use_locale, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let answer = action.value();
    // The answer comes back as `?sent`, so the page says the same with JavaScript on or off.
    let query = use_query_map();
    let sent = move || query.read().get("sent").is_some();
    view! {
        <Title text=t(Key::ForgotTitle)/>
        <AuthFrame>
            <h1>{t(Key::ForgotTitle)}</h1>
            <p>{t(Key::ForgotIntro)}</p>
            <p class="notice" role="status" data-test="reset-sent" hidden=move || !sent()>
                {t(Key::ForgotSent)}
            </p>
            <ActionForm action>
                <FormError answer/>
                <Field
                    name="email"
                    label=Key::FieldEmail
                    kind="email"
                    autocomplete="username"
                    refused=refusal(answer, "email")
                />
                <button type="submit" class="primary" disabled=action.pending()>
                    {t(Key::SendLink)}
                </button>
            </ActionForm>
            <p class="actions"><a href="/sign-in">{t(Key::BackToSignIn)}</a></p>
        </AuthFrame>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let status = Resource::new(token, reset_link);
    view! {
        <Title text=t(Key::ResetTitle)/>
        <AuthFrame>
            <Suspense fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(LinkStatus::Valid { email, .. }) => {
                            view! { <ResetForm token=token() email/> }.into_any()
                        }
                        Ok(LinkStatus::Used) => view! { <LinkUsed/> }.into_any(),
                        Ok(LinkStatus::Expired) => view! {
                            <LinkProblem title=Key::LinkExpiredTitle body=Key::ResetExpiredBody>
                                <a class="button" href="/forgot-password">{t(Key::ForgotTitle)}</a>
                            </LinkProblem>
                        }
                        .into_any(),
                        Ok(LinkStatus::Unknown | LinkStatus::Revoked) | Err(_) => view! {
                            <LinkProblem title=Key::LinkUnknownTitle body=Key::LinkUnknownBody>
                                <a class="button" href="/forgot-password">{t(Key::ForgotTitle)}</a>
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
fn ResetForm(token: String, email: String) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<ResetPassword>::new();
    let answer = action.value();
    view! {
        <h1>{t(Key::ResetTitle)}</h1>
        <p>{locale.format(Key::ResetIntro, &[("email", &email)])}</p>
        <ActionForm action>
            <FormError answer/>
            <input type="hidden" name="token" value=token/>
            <input type="hidden" name="username" autocomplete="username" value=email/>
            <NewPasswordFields answer label=Key::NewPassword/>
            <button type="submit" class="primary" disabled=action.pending()>
                {t(Key::SavePassword)}
            </button>
        </ActionForm>
    }
}
