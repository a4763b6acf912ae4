//! Activating a desk phone, without signing in: the code from the calling welcome mail, with the
//! phone's model and MAC address. A phone can post the same fields itself.

use crate::api::phones::{ActivatePhone, Activated};
use crate::components::auth_frame::AuthFrame;
use crate::components::form::{refusal, Field, FormError};
use crate::error::AppError;
use crate::locales::{t, use_locale, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ActivatePage() -> impl IntoView {
    let action = ServerAction::<ActivatePhone>::new();
    let answer = action.value();
    let query = use_query_map();
    // Without JavaScript the server answers a success with a redirect here, naming no one.
    let done_without_script = move || query.read().get("activated").is_some();
    let activated = move || match answer.get() {
        Some(Ok(activated)) => Some(Some(activated)),
        _ => done_without_script().then_some(None),
    };
    view! {
        <Title text=t(Key::ActivateTitle)/>
        <AuthFrame>
            {move || match activated() {
                Some(activated) => view! { <Done activated/> }.into_any(),
                None => view! { <ActivateForm action/> }.into_any(),
            }}
        </AuthFrame>
    }
    .into_any()
}

#[component]
fn ActivateForm(action: ServerAction<ActivatePhone>) -> impl IntoView {
    let answer = action.value();
    let throttled = move || matches!(answer.get(), Some(Err(AppError::TooManyAttempts)));
    view! {
        <h1>{t(Key::ActivateTitle)}</h1>
        <p>{t(Key::ActivateIntro)}</p>
        <ActionForm action>
            {move || if throttled() {
                view! {
                    <p class="form-error" role="alert" data-test="form-error">{t(Key::ActivationThrottled)}</p>
                }.into_any()
            } else {
                view! { <FormError answer/> }.into_any()
            }}
            <Field
                name="code"
                label=Key::FieldActivationCode
                hint=Key::FieldActivationCodeHint
                refused=refusal(answer, "code")
            />
            <Field name="model" label=Key::FieldDeviceModel refused=refusal(answer, "model")/>
            <Field
                name="mac"
                label=Key::FieldDeviceMac
                hint=Key::FieldDeviceMacHint
                refused=refusal(answer, "mac")
            />
            <button type="submit" class="primary" disabled=action.pending() data-test="activate">
                {t(Key::ActivateButton)}
            </button>
        </ActionForm>
    }
    .into_any()
}

#[component]
fn Done(activated: Option<Activated>) -> impl IntoView {
    let locale = use_locale();
    let body = match &activated {
        Some(a) => locale.format(
            Key::ActivatedBody,
            &[("model", &a.model), ("name", &a.name)],
        ),
        None => locale.text(Key::ActivatedBodyPlain).to_owned(),
    };
    view! {
        <h1 data-test="activated">{t(Key::ActivatedTitle)}</h1>
        <p role="status" data-test="activated-body">{body}</p>
        <p class="actions"><a href="/activate">{t(Key::ActivateAnother)}</a></p>
    }
    .into_any()
}
