//! The settings forms' fields, shared by the setup wizard and the Services and Settings tabs:
//! labelled inputs that show every reason the server gave, the plan's seats, and each service's
//! and the organisation's fields.

use crate::api::settings::{CallingView, PlanLine};
use crate::domain::settings::{EnterpriseForm, MeetingsSettings, MessagingForm};
use crate::domain::time_zones::TIME_ZONES;
use crate::error::AppError;
use crate::locales::{t, use_locale, Key, Locale};
use leptos::prelude::*;

/// Every reason the last answer gave for refusing `field`, in the reader's language.
pub fn reasons<T, A>(answer: A, field: &'static str) -> Signal<Vec<String>>
where
    T: 'static,
    A: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    let locale = use_locale();
    Signal::derive(move || {
        answer.with(|answer| match answer {
            Some(Err(AppError::Invalid(errors))) => errors
                .iter()
                .filter(|e| e.field == field)
                .map(|e| e.message(locale))
                .collect(),
            _ => Vec::new(),
        })
    })
}

/// The control's hint and refusals, tied to it for screen readers (`id` is the control's).
fn described_by(id: &str, hint: bool, refused: Signal<Vec<String>>) -> impl Fn() -> Option<String> {
    let (hint_id, error_id) = (format!("{id}-hint"), format!("{id}-error"));
    move || {
        let mut ids = Vec::new();
        if hint {
            ids.push(hint_id.clone());
        }
        if !refused.read().is_empty() {
            ids.push(error_id.clone());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

#[component]
fn Reasons(name: &'static str, id: String, refused: Signal<Vec<String>>) -> impl IntoView {
    view! {
        <ul class="field-error" id=format!("{id}-error") data-test=format!("error-{name}")>
            {move || refused.get().into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Hint(id: String, hint: Option<Key>) -> impl IntoView {
    let locale = use_locale();
    hint.map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{locale.text(hint)}</p> })
}

/// A text or number input. Its id is `field-{name}` unless the page has several (list rows).
#[component]
pub fn Input(
    name: &'static str,
    label: Key,
    value: String,
    refused: Signal<Vec<String>>,
    #[prop(optional)] hint: Option<Key>,
    #[prop(default = "text")] inputmode: &'static str,
    #[prop(default = false)] required: bool,
    #[prop(optional)] list: Option<&'static str>,
    #[prop(optional, into)] id: Option<String>,
    #[prop(default = "text")] kind: &'static str,
) -> impl IntoView {
    let locale = use_locale();
    let id = id.unwrap_or_else(|| format!("field-{name}"));
    view! {
        <div class="field">
            <label for=id.clone()>{locale.text(label)}</label>
            <input
                id=id.clone()
                name=name
                type=kind
                inputmode=inputmode
                value=value
                required=required
                list=list
                autocomplete="off"
                aria-invalid=move || (!refused.read().is_empty()).then_some("true")
                aria-describedby=described_by(&id, hint.is_some(), refused)
            />
            <Hint id=id.clone() hint/>
            <Reasons name id refused/>
        </div>
    }
    .into_any()
}

#[component]
pub fn TextArea(
    name: &'static str,
    label: Key,
    value: String,
    refused: Signal<Vec<String>>,
    #[prop(optional)] hint: Option<Key>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="field">
            <label for=format!("field-{name}")>{locale.text(label)}</label>
            <textarea
                id=format!("field-{name}")
                name=name
                rows="4"
                spellcheck="false"
                aria-invalid=move || (!refused.read().is_empty()).then_some("true")
                aria-describedby=described_by(&format!("field-{name}"), hint.is_some(), refused)
            >{value}</textarea>
            <Hint id=format!("field-{name}") hint/>
            <Reasons name id=format!("field-{name}") refused/>
        </div>
    }
    .into_any()
}

#[component]
pub fn Choice(
    name: &'static str,
    label: Key,
    options: Vec<(String, String)>,
    selected: String,
    refused: Signal<Vec<String>>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="field">
            <label for=format!("field-{name}")>{locale.text(label)}</label>
            <select
                id=format!("field-{name}")
                name=name
                aria-invalid=move || (!refused.read().is_empty()).then_some("true")
                aria-describedby=described_by(&format!("field-{name}"), false, refused)
            >
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let chosen = value == selected;
                        view! { <option value=value selected=chosen>{text}</option> }
                    })
                    .collect_view()}
            </select>
            <Reasons name id=format!("field-{name}") refused/>
        </div>
    }
    .into_any()
}

#[component]
pub fn Tick(
    name: &'static str,
    label: Key,
    checked: bool,
    #[prop(optional)] hint: Option<Key>,
    #[prop(optional, into)] id: Option<String>,
) -> impl IntoView {
    let locale = use_locale();
    let id = id.unwrap_or_else(|| format!("field-{name}"));
    view! {
        <div class="field tick">
            <label>
                <input
                    type="checkbox"
                    name=name
                    id=id.clone()
                    checked=checked
                    aria-describedby=hint.map(|_| format!("{id}-hint"))
                />
                {locale.text(label)}
            </label>
            <Hint id=id.clone() hint/>
        </div>
    }
    .into_any()
}

/// A service's box with the licences it has left, as the forms that give people services offer it.
#[component]
pub fn ServiceTick(
    licence: crate::api::users::LicenceUse,
    #[prop(optional)] checked: bool,
) -> impl IntoView {
    let locale = use_locale();
    let name = licence.service.as_str();
    let left = licence.left().to_string();
    let seats = licence.seats.to_string();
    view! {
        <label class="service">
            <input type="checkbox" name=name checked=checked data-test=format!("service-{name}")/>
            <span>{locale.text(licence.service.label())}</span>
            <span class="muted">
                {locale.format(Key::LicencesLeft, &[("left", &left), ("seats", &seats)])}
            </span>
        </label>
    }
}

/// Seats used of seats bought, per service, as bars.
#[component]
pub fn PlanBars(plan: Vec<PlanLine>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <ul class="plan-bars" data-test="plan">
            {plan
                .into_iter()
                .map(|line| {
                    let used = line.used.to_string();
                    let seats = line.seats.to_string();
                    let words =
                        locale.format(Key::PlanSeatsUsed, &[("used", &used), ("seats", &seats)]);
                    // Past nine in ten seats used, the bar changes colour.
                    let high = (u64::from(line.seats) * 9 / 10).to_string();
                    view! {
                        <li data-test=format!("plan-{}", line.service.as_str())>
                            <span class="plan-service">{locale.text(line.service.label())}</span>
                            <span class="plan-words">{words.clone()}</span>
                            <meter
                                class="bar"
                                high=high
                                aria-label=words
                                min="0"
                                max=seats
                                value=used
                            >
                                {words.clone()}
                            </meter>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn MessagingFields<A, T>(form: MessagingForm, answer: A) -> impl IntoView
where
    T: 'static,
    A: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    view! {
        <Tick name="file_sharing" label=Key::MessagingFileSharing checked=form.file_sharing.is_some()/>
        <Tick
            name="external_messaging"
            label=Key::MessagingExternal
            checked=form.external_messaging.is_some()
            hint=Key::MessagingExternalHint
        />
        <Input
            name="retention_days"
            label=Key::MessagingRetention
            value=form.retention_days
            inputmode="numeric"
            hint=Key::MessagingRetentionHint
            refused=reasons(answer, "retention_days")
        />
    }
    .into_any()
}

#[component]
pub fn MeetingsFields(settings: MeetingsSettings) -> impl IntoView {
    view! {
        <Tick name="guests_allowed" label=Key::MeetingsGuests checked=settings.guests_allowed hint=Key::MeetingsGuestsHint/>
        <Tick name="recording_allowed" label=Key::MeetingsRecording checked=settings.recording_allowed/>
    }
    .into_any()
}

#[component]
pub fn CallingFields<A, T>(calling: CallingView, answer: A) -> impl IntoView
where
    T: 'static,
    A: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    let locale = use_locale();
    let form = calling.form.clone();
    let zones: Vec<(String, String)> = TIME_ZONES
        .iter()
        .map(|z| ((*z).to_owned(), z.replace('_', " ")))
        .collect();
    let size = calling.pool_size().to_string();
    let pool_words = locale.format(Key::PoolSize, &[("count", &size)]);
    let numbers: Vec<String> = calling
        .pool
        .iter()
        .filter(|run| run.count <= 50)
        .flat_map(|run| [run.first.clone(), run.last.clone()])
        .collect();
    view! {
        <fieldset>
            <legend>{t(Key::CallingLocation)}</legend>
            <Input name="location" label=Key::CallingLocationName value=form.location required=true refused=reasons(answer, "location")/>
            <Choice name="time_zone" label=Key::CallingTimeZone options=zones selected=form.time_zone refused=reasons(answer, "time_zone")/>
        </fieldset>
        <fieldset>
            <legend>{t(Key::CallingExtensions)}</legend>
            <div class="field-row">
                <Input
                    name="extension_length"
                    label=Key::CallingExtensionLength
                    value=form.extension_length
                    inputmode="numeric"
                    hint=Key::CallingExtensionLengthHint
                    refused=reasons(answer, "extension_length")
                />
                <Input name="extension_first" label=Key::CallingExtensionFirst value=form.extension_first inputmode="numeric" refused=reasons(answer, "extension_first")/>
                <Input name="extension_last" label=Key::CallingExtensionLast value=form.extension_last inputmode="numeric" refused=reasons(answer, "extension_last")/>
            </div>
        </fieldset>
        <fieldset>
            <legend>{t(Key::CallingNumbers)}</legend>
            <p class="pool-size" data-test="pool-size">{pool_words}</p>
            <TextArea name="numbers" label=Key::CallingAddNumbers value=form.numbers hint=Key::CallingAddNumbersHint refused=reasons(answer, "numbers")/>
            <crate::components::pool_file::PoolFile target="field-numbers"/>
            <Input
                name="caller_id"
                label=Key::CallingCallerId
                value=form.caller_id
                inputmode="tel"
                hint=Key::CallingCallerIdHint
                list="pool-numbers"
                refused=reasons(answer, "caller_id")
            />
            <datalist id="pool-numbers">
                {numbers.into_iter().map(|n| view! { <option value=n.clone()></option> }).collect_view()}
            </datalist>
            <Tick name="voicemail_default" label=Key::CallingVoicemail checked=form.voicemail_default.is_some()/>
        </fieldset>
    }
    .into_any()
}

#[component]
pub fn EnterpriseFields<A, T>(form: EnterpriseForm, answer: A) -> impl IntoView
where
    T: 'static,
    A: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    let languages: Vec<(String, String)> = Locale::ALL
        .into_iter()
        .map(|l| (l.tag().to_owned(), l.native_name().to_owned()))
        .collect();
    view! {
        <Input
            name="display_name"
            label=Key::EnterpriseDisplayName
            value=form.display_name
            required=true
            hint=Key::EnterpriseDisplayNameHint
            refused=reasons(answer, "display_name")
        />
        <Choice
            name="default_language"
            label=Key::EnterpriseLanguage
            options=languages
            selected=form.default_language
            refused=reasons(answer, "default_language")
        />
        <Input
            name="invitation_days"
            label=Key::EnterpriseInvitationDays
            value=form.invitation_days
            inputmode="numeric"
            hint=Key::EnterpriseInvitationDaysHint
            refused=reasons(answer, "invitation_days")
        />
    }
    .into_any()
}
