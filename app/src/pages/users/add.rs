//! Adding people by typing or pasting: a live preview from the same parser the server uses, the
//! services with the licences left, and the answer, with the lines to fix put back in the box.

use crate::api::user_actions::known_addresses;
use crate::api::users::{add_form, AddOutcome, AddPeopleSetup, AddUsers};
use crate::components::error_panel::ErrorPanel;
use crate::components::form::FormError;
use crate::error::AppError;
use crate::import::paste;
use crate::locales::{t, use_locale, Key, Locale};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A fold above the table: open when the organisation is new (only its administrator) or when it
/// holds the answer of a submit made without scripting.
#[component]
pub fn AddPeople() -> impl IntoView {
    let form = Resource::new(|| (), |_| add_form());
    let query = use_query_map();
    view! {
        <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
            <Suspense fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    form.await.map(|form| {
                        let open = form.people <= 1
                            || query.read_untracked().get("added").is_some()
                            || query.read_untracked().get("add").is_some();
                        view! {
                            <details class="card add-people" id="add-people" open=open>
                                <summary>
                                    <h2 id="add-people-title">{t(Key::AddPeopleTitle)}</h2>
                                </summary>
                                <crate::components::layout::DirectoryNotice/>
                                <AddPeopleForm form/>
                            </details>
                        }
                    })
                })}
            </Suspense>
        </ErrorBoundary>
    }
}

#[component]
fn AddPeopleForm(form: AddPeopleSetup) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<AddUsers>::new();
    let answer = action.value();
    let text = RwSignal::new(String::new());
    let submission = RwSignal::new(form.submission);
    // After a submit the box holds only the lines to fix, and the next submit gets a new key.
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = answer.get() {
            text.set(outcome.lines_to_fix.clone());
            submission.set(outcome.next_submission.clone());
        }
    });
    let text_refused = move || match answer.get() {
        Some(Err(AppError::Invalid(errors))) => errors
            .iter()
            .filter(|e| e.field == "text" || e.field == "services")
            .map(|e| e.message(locale))
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    view! {
        <PlainPostResult/>
        <ActionForm action>
            <FormError answer/>
            <input type="hidden" name="submission" value=move || submission.get()/>
            <div class="field">
                <label for="paste-text">{t(Key::AddressesLabel)}</label>
                <p class="hint" id="paste-hint">{t(Key::AddressesHint)}</p>
                <textarea
                    id="paste-text"
                    name="text"
                    rows="8"
                    spellcheck="false"
                    aria-describedby="paste-hint paste-preview"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
                <ul class="field-error" data-test="add-errors">
                    {move || text_refused().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                </ul>
            </div>
            <Preview text/>
            <fieldset class="services">
                <legend>{t(Key::ServicesLegend)}</legend>
                {form
                    .licences
                    .into_iter()
                    .map(|licence| view! { <crate::components::settings::ServiceTick licence/> })
                    .collect_view()}
            </fieldset>
            <button type="submit" class="primary" disabled=action.pending()>
                {t(Key::AddPeopleSubmit)}
            </button>
        </ActionForm>
        {move || answer.get().and_then(Result::ok).map(|outcome| view! { <Outcome outcome locale/> })}
    }
}

/// What the parser makes of the box as the admin types (scripting only; the server decides).
#[component]
fn Preview(text: RwSignal<String>) -> impl IntoView {
    let locale = use_locale();
    let parsed = Memo::new(move |_| paste::parse(&text.get()));
    // Which addresses already belong to people here is the server's to say: asked once the admin
    // pauses typing, not on every key. A plain signal, not a resource, so the answer never puts
    // the form back into its loading state.
    let known = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| {
        let typed = text.get();
        set_timeout(
            move || {
                if text.get_untracked() != typed {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let found = if typed.trim().is_empty() {
                        Vec::new()
                    } else {
                        known_addresses(typed.clone()).await.unwrap_or_default()
                    };
                    if text.get_untracked() == typed {
                        known.set(found);
                    }
                });
            },
            std::time::Duration::from_millis(400),
        );
    });
    let view = move || {
        if text.with(|t| t.trim().is_empty()) {
            return None;
        }
        Some(match parsed.get() {
            Err(too_many) => view! {
                <p class="form-error">
                    {locale.format(Key::PasteTooMany, &[
                        ("given", &too_many.given.to_string()),
                        ("limit", &paste::MAX_ENTRIES.to_string()),
                    ])}
                </p>
            }
            .into_any(),
            Ok(parsed) => {
                let known = known.get();
                let already: Vec<String> = parsed
                    .valid
                    .iter()
                    .map(|e| e.email.as_str().to_owned())
                    .filter(|e| known.contains(e))
                    .collect();
                let count = (parsed.valid.len() - already.len()).to_string();
                view! {
                    <p class="ready" data-test="preview-ready">
                        {locale.format(Key::PreviewReady, &[("count", &count)])}
                    </p>
                    {(!already.is_empty()).then(|| {
                        let list = already.join(", ");
                        view! {
                            <p class="already" data-test="preview-already">
                                {locale.format(Key::PreviewAlreadyUsers, &[("list", &list)])}
                            </p>
                        }
                    })}
                    <ul class="preview-problems" data-test="preview-problems">
                        {parsed
                            .invalid
                            .into_iter()
                            .map(|invalid| {
                                let line = invalid.line.to_string();
                                let reason = locale.text(invalid.reason);
                                view! {
                                    <li class="invalid">
                                        {locale.format(Key::PreviewInvalid, &[
                                            ("line", &line),
                                            ("text", &invalid.text),
                                            ("reason", reason),
                                        ])}
                                    </li>
                                }
                            })
                            .collect_view()}
                        {parsed
                            .duplicates
                            .into_iter()
                            .map(|duplicate| {
                                view! {
                                    <li class="duplicate">
                                        {locale.format(Key::PreviewDuplicate, &[
                                            ("line", &duplicate.line.to_string()),
                                            ("email", duplicate.email.as_str()),
                                            ("first", &duplicate.first_line.to_string()),
                                        ])}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }
        })
    };
    view! { <div id="paste-preview" class="preview" aria-live="polite">{view}</div> }
}

#[component]
fn Outcome(outcome: AddOutcome, locale: Locale) -> impl IntoView {
    let added = outcome.added.to_string();
    let invalid = outcome.invalid.len().to_string();
    view! {
        <div class="notice" role="status" data-test="add-result">
            <p>{locale.format(Key::AddedResult, &[("added", &added)])}</p>
            {(!outcome.already_users.is_empty()).then(|| {
                let list = outcome.already_users.join(", ");
                view! { <p>{locale.format(Key::AlreadyUsersResult, &[("list", &list)])}</p> }
            })}
            {(!outcome.invalid.is_empty()).then(|| {
                view! { <p>{locale.format(Key::InvalidResult, &[("count", &invalid)])}</p> }
            })}
        </div>
    }
}

/// Without JavaScript the answer comes back as counts in the address.
#[component]
fn PlainPostResult() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    move || {
        let query = query.read();
        let added = query.get("added")?;
        let invalid = query.get("invalid").unwrap_or_default();
        Some(view! {
            <div class="notice" role="status" data-test="add-result">
                <p>{locale.format(Key::AddedResult, &[("added", &added)])}</p>
                {(invalid != "0" && !invalid.is_empty()).then(|| {
                    view! { <p>{locale.format(Key::InvalidResult, &[("count", &invalid)])}</p> }
                })}
            </div>
        })
    }
}
