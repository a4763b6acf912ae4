//! Form pieces every page shares: a labelled field that shows why the server refused it, and the
//! message for a refusal that belongs to no one field.

use crate::error::AppError;
use crate::locales::{use_locale, Key};
use leptos::prelude::*;

/// Why the last answer refused `field`, if it did.
pub fn refusal<T, A>(answer: A, field: &'static str) -> Signal<Option<Key>>
where
    T: 'static,
    A: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    Signal::derive(move || {
        answer.with(|answer| match answer {
            Some(Err(error)) => error.field(field),
            _ => None,
        })
    })
}

/// A labelled input; its hint and the server's reason for refusing it are tied to it for screen
/// readers.
#[component]
pub fn Field(
    name: &'static str,
    label: Key,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<Key>,
    #[prop(into)] refused: Signal<Option<Key>>,
    #[prop(optional, into)] value: Option<String>,
) -> impl IntoView {
    let locale = use_locale();
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if refused.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field">
            <label for=id.clone()>{locale.text(label)}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                required=true
                value=value
                aria-invalid=move || refused.get().map(|_| "true")
                aria-describedby=described_by
            />
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{locale.text(hint)}</p> })}
            <p class="field-error" id=error_id data-test=format!("error-{name}")>
                {move || refused.get().map(|reason| locale.text(reason))}
            </p>
        </div>
    }
}

/// A new password typed twice, with the hint on choosing one; each field shows its own refusal.
#[component]
pub fn NewPasswordFields<T, A>(answer: A, label: Key) -> impl IntoView
where
    T: 'static,
    A: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    view! {
        <Field
            name="password"
            label=label
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
    }
}

/// The headline of a refusal that is not about one field (a used link, too many attempts, a
/// failure on our side with its reference).
#[component]
pub fn FormError<T, A>(answer: A) -> impl IntoView
where
    T: 'static,
    A: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    let locale = use_locale();
    let message = move || {
        answer.with(|answer| match answer {
            Some(Err(AppError::Invalid(_))) | Some(Ok(_)) | None => None,
            Some(Err(error)) => {
                let mut text = locale.text(error.headline()).to_owned();
                if let AppError::Internal { request_id } = error {
                    text.push(' ');
                    text.push_str(&locale.format(Key::ErrorReference, &[("id", request_id)]));
                }
                Some(text)
            }
        })
    };
    view! {
        <p class="form-error" role="alert" data-test="form-error" hidden=move || message().is_none()>
            {message}
        </p>
    }
}
