//! Bulk actions on the ticked rows or on everyone the filter matches, resending to the long
//! pending, and what the last action did (from the answer, or from the address without scripting).

use crate::api::user_actions::{ActOnUsers, ActOutcome, Action};
use crate::components::form::FormError;
use crate::error::AppError;
use crate::locales::{t, use_locale, Key, Locale};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn BulkActions(action: ServerAction<ActOnUsers>, back: String) -> impl IntoView {
    let button = |action: Action| {
        view! {
            <button type="submit" name="action" value=action.as_str()>{t(action.label())}</button>
        }
    };
    let back_too = back.clone();
    view! {
        <ActionForm action attr:id="bulk-actions" attr:class="bulk-actions">
            <input type="hidden" name="back" value=back_too/>
            <fieldset>
                <legend>{t(Key::BulkLegend)}</legend>
                <div class="scope">
                    <label>
                        <input type="radio" name="scope" value="selected" checked=true/>
                        {t(Key::BulkScopeSelected)}
                    </label>
                    <label>
                        <input type="radio" name="scope" value="filtered"/>
                        {t(Key::BulkScopeFiltered)}
                    </label>
                </div>
                <div class="buttons">
                    {button(Action::Resend)}
                    {button(Action::Revoke)}
                    {button(Action::Deactivate)}
                    {button(Action::Reactivate)}
                    <details class="danger-zone">
                        <summary>{t(Key::DeleteSummary)}</summary>
                        <p>{t(Key::DeleteWarning)}</p>
                        <input type="hidden" name="confirm" value="yes"/>
                        <button type="submit" class="danger" name="action" value=Action::Delete.as_str()>
                            {t(Key::DeleteConfirm)}
                        </button>
                    </details>
                </div>
            </fieldset>
        </ActionForm>
        <ActionForm action attr:class="resend-older">
            <input type="hidden" name="back" value=back/>
            <input type="hidden" name="action" value=Action::ResendOlder.as_str()/>
            <label for="resend-days">{t(Key::ResendOlderLabel)}</label>
            <input id="resend-days" name="days" type="number" min="1" max="3650" value="7" required=true/>
            <span>{t(Key::DaysUnit)}</span>
            <button type="submit">{t(Key::ActionResend)}</button>
        </ActionForm>
    }
}

/// What the last action did, or why it was refused.
#[component]
pub fn ActResult(action: ServerAction<ActOnUsers>) -> impl IntoView {
    let locale = use_locale();
    let answer = action.value();
    let query = use_query_map();
    let from_address = move || {
        let query = query.read();
        let action = Action::parse(&query.get("acted")?)?;
        let number = |key: &str| query.get(key).and_then(|n| n.parse().ok()).unwrap_or(0);
        Some((action, number("done"), number("skipped"), number("refused")))
    };
    let days_refused = move || {
        answer.with(|a| match a {
            Some(Err(AppError::Invalid(errors))) => errors
                .iter()
                .map(|e| e.message(locale))
                .collect::<Vec<_>>()
                .join(" "),
            _ => String::new(),
        })
    };
    view! {
        <FormError answer/>
        <p class="form-error" role="alert" hidden=move || days_refused().is_empty()>{days_refused}</p>
        {move || match answer.get() {
            Some(Ok(outcome)) => Some(summary(&outcome, outcome.refused.len(), locale)),
            Some(Err(_)) => None,
            None => from_address().map(|(action, done, skipped, refused)| {
                let outcome = ActOutcome { action, done, skipped, refused: Vec::new() };
                summary(&outcome, refused, locale)
            }),
        }}
    }
}

/// What was done; `refused` counts the refusals even when only their number is known.
fn summary(outcome: &ActOutcome, refused: usize, locale: Locale) -> impl IntoView {
    let done = locale.format(
        outcome.action.done_message(),
        &[("done", &outcome.done.to_string())],
    );
    let skipped = (outcome.skipped > 0).then(|| {
        locale.format(
            Key::ActedSkipped,
            &[("skipped", &outcome.skipped.to_string())],
        )
    });
    let refused_count =
        (refused > 0).then(|| locale.format(Key::ActedRefused, &[("count", &refused.to_string())]));
    let refused: Vec<String> = outcome
        .refused
        .iter()
        .map(|(email, reason)| format!("{email}: {}", locale.text(*reason)))
        .collect();
    view! {
        <div class="notice" role="status" data-test="act-result">
            <p>{done}</p>
            {skipped.map(|s| view! { <p>{s}</p> })}
            {refused_count.map(|s| view! { <p>{s}</p> })}
            {(!refused.is_empty()).then(|| view! {
                <ul>{refused.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
            })}
        </div>
    }
}
