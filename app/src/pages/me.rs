//! `/me`: a calling user's own settings. Voicemail (and its PIN), call forwarding, speed dials
//! and single number reach, each a form of its own that works without JavaScript; and the
//! person's phones. A refused form keeps what was typed; a saved one shows what the server kept.

use crate::api::me::{
    my_calling, AddReachNumber, AddSpeedDial, ChangePin, ChangeReachNumber, ChangeSpeedDial,
    OwnCalling, SaveForwarding, SaveReach, SaveVoicemail,
};
use crate::components::error_panel::ErrorPanel;
use crate::components::form::FormError;
use crate::components::settings::{reasons, Input, Tick};
use crate::domain::self_service::{Reach, SpeedDial, REACH_DELAY, RINGS};
use crate::locales::{t, use_locale, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Reads the settings again after any of `actions` succeeds; a refusal leaves the page as typed.
macro_rules! refresh_on_success {
    ($version:expr, $($action:expr),+) => {
        $(
            let action = $action;
            Effect::new(move |_| {
                if matches!(action.value().get(), Some(Ok(_))) {
                    $version.update(|v| *v += 1);
                }
            });
        )+
    };
}

/// The page's forms, made once so their answers outlive the sections they are shown in.
#[derive(Clone, Copy)]
struct Forms {
    voicemail: ServerAction<SaveVoicemail>,
    pin: ServerAction<ChangePin>,
    forwarding: ServerAction<SaveForwarding>,
    add_dial: ServerAction<AddSpeedDial>,
    reach: ServerAction<SaveReach>,
    add_reach: ServerAction<AddReachNumber>,
    version: RwSignal<u32>,
}

#[component]
pub fn MePage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    // The answer carries the version it was read for, shown on the page: a sign, for people and
    // tests alike, that what is shown is what the server kept after the last save.
    let mine = Resource::new(
        move || version.get(),
        |version| async move { my_calling().await.map(|mine| (version, mine)) },
    );
    let forms = Forms {
        voicemail: ServerAction::new(),
        pin: ServerAction::new(),
        forwarding: ServerAction::new(),
        add_dial: ServerAction::new(),
        reach: ServerAction::new(),
        add_reach: ServerAction::new(),
        version,
    };
    refresh_on_success!(
        version,
        forms.voicemail,
        forms.pin,
        forms.forwarding,
        forms.add_dial,
        forms.reach,
        forms.add_reach
    );
    view! {
        <Title text=t(Key::MeTitle)/>
        <h1>{t(Key::MeTitle)}</h1>
        <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
            <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    mine.await.map(|(version, mine)| {
                        if mine.has_calling {
                            view! {
                                <div data-test="my-settings" data-version=version.to_string()>
                                    <Sections mine forms/>
                                </div>
                            }
                            .into_any()
                        } else {
                            view! {
                                <p class="notice" data-test="no-calling">{t(Key::MeNoCalling)}</p>
                            }
                                .into_any()
                        }
                    })
                })}
            </Transition>
        </ErrorBoundary>
    }
    .into_any()
}

/// "Saved." under a section's heading: after its form saved, or (without JavaScript) when the
/// server sent the page back to it.
#[component]
fn Saved(section: &'static str, ok: Signal<bool>) -> impl IntoView {
    let query = use_query_map();
    let shown = move || ok.get() || query.read().get("saved").as_deref() == Some(section);
    view! {
        <p class="notice" role="status" data-test=format!("saved-{section}") hidden=move || !shown()>
            {t(Key::SettingsSaved)}
        </p>
    }
    .into_any()
}

fn succeeded<T, A>(answer: A) -> Signal<bool>
where
    T: 'static,
    A: With<Value = Option<Result<T, crate::error::AppError>>> + Copy + Send + Sync + 'static,
{
    Signal::derive(move || answer.with(|v| matches!(v, Some(Ok(_)))))
}

#[component]
fn Sections(mine: OwnCalling, forms: Forms) -> impl IntoView {
    let locale = use_locale();
    let line = match (&mine.number, &mine.extension) {
        (None, None) => locale.text(Key::MeNoNumber).to_owned(),
        (number, extension) => [
            number
                .as_ref()
                .map(|n| locale.format(Key::MeNumber, &[("number", n)])),
            extension
                .as_ref()
                .map(|e| locale.format(Key::MeExtension, &[("extension", e)])),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · "),
    };
    let prefs = mine.preferences;
    view! {
        <p class="lead" data-test="my-line">{line}</p>
        <Voicemail voicemail=prefs.voicemail.clone() pin_set=mine.pin_set forms/>
        <Forwarding forwarding=prefs.forwarding.clone() forms/>
        <SpeedDials dials=prefs.speed_dials.clone() forms/>
        <SingleNumberReach reach=prefs.reach.clone() forms/>
        <section class="card" id="phones" aria-labelledby="phones-title">
            <h2 id="phones-title">{t(Key::PhonesTitle)}</h2>
            <crate::pages::users::calling_line::DeviceList devices=mine.devices/>
            <p><a href="/activate" data-test="activate-link">{t(Key::PhonesActivate)}</a></p>
        </section>
    }
    .into_any()
}

#[component]
fn Voicemail(
    voicemail: crate::domain::self_service::Voicemail,
    pin_set: bool,
    forms: Forms,
) -> impl IntoView {
    let locale = use_locale();
    let answer = forms.voicemail.value();
    let pin_answer = forms.pin.value();
    let rings_hint = locale.format(
        Key::SettingsNumberBetween,
        &[
            ("low", &RINGS.0.to_string()),
            ("high", &RINGS.1.to_string()),
        ],
    );
    view! {
        <section class="card" id="voicemail" aria-labelledby="voicemail-title">
            <h2 id="voicemail-title">{t(Key::VoicemailTitle)}</h2>
            <Saved section="voicemail" ok=succeeded(answer)/>
            <ActionForm action=forms.voicemail>
                <FormError answer/>
                <Tick name="enabled" label=Key::VoicemailOn checked=voicemail.enabled/>
                <Input
                    name="rings"
                    label=Key::VoicemailRings
                    value=voicemail.rings.to_string()
                    inputmode="numeric"
                    refused=reasons(answer, "rings")
                />
                <p class="hint">{rings_hint}</p>
                <Tick name="email_copy" label=Key::VoicemailCopy checked=voicemail.email_copy/>
                <button type="submit" class="primary" data-test="save-voicemail">{t(Key::SettingsSave)}</button>
            </ActionForm>
            <h3 id="pin">{t(Key::PinTitle)}</h3>
            <Saved section="pin" ok=succeeded(pin_answer)/>
            <p data-test="pin-state">{t(if pin_set { Key::PinSet } else { Key::PinNotSet })}</p>
            <ActionForm action=forms.pin>
                <FormError answer=pin_answer/>
                <div class="field-row">
                    <Input
                        name="pin"
                        label=Key::FieldPin
                        value=String::new()
                        kind="password"
                        inputmode="numeric"
                        hint=Key::PinHint
                        refused=reasons(pin_answer, "pin")
                    />
                    <Input
                        name="pin_again"
                        label=Key::FieldPinAgain
                        value=String::new()
                        kind="password"
                        inputmode="numeric"
                        refused=reasons(pin_answer, "pin_again")
                    />
                </div>
                <button type="submit" class="secondary" data-test="save-pin">{t(Key::PinSave)}</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
fn Forwarding(forwarding: crate::domain::self_service::Forwarding, forms: Forms) -> impl IntoView {
    let answer = forms.forwarding.value();
    let rules = forwarding
        .rules()
        .map(|(name, label, rule)| (name, label, rule.clone()));
    view! {
        <section class="card" id="forwarding" aria-labelledby="forwarding-title">
            <h2 id="forwarding-title">{t(Key::ForwardingTitle)}</h2>
            <p class="hint">{t(Key::ForwardHint)}</p>
            <Saved section="forwarding" ok=succeeded(answer)/>
            <ActionForm action=forms.forwarding attr:class="forwarding">
                <FormError answer/>
                {rules
                    .into_iter()
                    .map(|(name, label, rule)| {
                        let on: &'static str = match name {
                            "always" => "always_on",
                            "busy" => "busy_on",
                            "no_answer" => "no_answer_on",
                            _ => "unreachable_on",
                        };
                        view! {
                            <fieldset class="field-row rule">
                                <legend class="visually-hidden">{t(label)}</legend>
                                <Tick name=on label checked=rule.enabled/>
                                <Input
                                    name
                                    label=Key::ForwardTo
                                    value=rule.to
                                    inputmode="tel"
                                    refused=reasons(answer, name)
                                />
                            </fieldset>
                        }
                    })
                    .collect_view()}
                <Input
                    name="no_answer_rings"
                    label=Key::ForwardNoAnswerRings
                    value=forwarding.no_answer_rings.to_string()
                    inputmode="numeric"
                    refused=reasons(answer, "no_answer_rings")
                />
                <button type="submit" class="primary" data-test="save-forwarding">{t(Key::SettingsSave)}</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
fn SpeedDials(dials: Vec<SpeedDial>, forms: Forms) -> impl IntoView {
    let answer = forms.add_dial.value();
    let count = dials.len();
    view! {
        <section class="card" id="speed-dials" aria-labelledby="speed-dials-title">
            <h2 id="speed-dials-title">{t(Key::SpeedDialsTitle)}</h2>
            <Saved section="speed-dials" ok=succeeded(answer)/>
            {(count == 0).then(|| view! { <p class="muted" data-test="no-speed-dials">{t(Key::SpeedDialsNone)}</p> })}
            <ol class="rows" data-test="speed-dials">
                {dials
                    .into_iter()
                    .enumerate()
                    .map(|(at, dial)| view! { <SpeedDialRow at dial last=at + 1 == count version=forms.version/> })
                    .collect_view()}
            </ol>
            <ActionForm action=forms.add_dial attr:class="add-row">
                <FormError answer/>
                <div class="field-row">
                    <Input name="name" id="new-dial-name" label=Key::SpeedDialName value=String::new() refused=reasons(answer, "name")/>
                    <Input
                        name="number"
                        id="new-dial-number"
                        label=Key::SpeedDialNumber
                        value=String::new()
                        inputmode="tel"
                        refused=reasons(answer, "number")
                    />
                </div>
                <button type="submit" class="secondary" data-test="add-speed-dial">{t(Key::SpeedDialAdd)}</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
fn SpeedDialRow(at: usize, dial: SpeedDial, last: bool, version: RwSignal<u32>) -> impl IntoView {
    let action = ServerAction::<ChangeSpeedDial>::new();
    refresh_on_success!(version, action);
    let answer = action.value();
    view! {
        <li data-test="speed-dial">
            <ActionForm action attr:class="row">
                <FormError answer/>
                <input type="hidden" name="at" value=at.to_string()/>
                <div class="field-row">
                    <Input
                        name="name"
                        id=format!("dial-{at}-name")
                        label=Key::SpeedDialName
                        value=dial.name
                        refused=reasons(answer, "name")
                    />
                    <Input
                        name="number"
                        id=format!("dial-{at}-number")
                        label=Key::SpeedDialNumber
                        value=dial.number
                        inputmode="tel"
                        refused=reasons(answer, "number")
                    />
                </div>
                <RowButtons first=at == 0 last/>
            </ActionForm>
        </li>
    }
    .into_any()
}

/// Save, move up, move down and remove: submit buttons named `op`.
#[component]
fn RowButtons(first: bool, last: bool) -> impl IntoView {
    view! {
        <div class="row-buttons">
            <button type="submit" name="op" value="save" data-test="row-save">{t(Key::SettingsSave)}</button>
            <button type="submit" name="op" value="up" formnovalidate=true disabled=first data-test="row-up">{t(Key::MoveUp)}</button>
            <button type="submit" name="op" value="down" formnovalidate=true disabled=last data-test="row-down">{t(Key::MoveDown)}</button>
            <button type="submit" name="op" value="remove" formnovalidate=true class="danger" data-test="row-remove">{t(Key::PoolRemove)}</button>
        </div>
    }
    .into_any()
}

#[component]
fn SingleNumberReach(reach: Reach, forms: Forms) -> impl IntoView {
    let locale = use_locale();
    let answer = forms.reach.value();
    let added = forms.add_reach.value();
    let delay_hint = locale.format(
        Key::SettingsNumberBetween,
        &[
            ("low", &REACH_DELAY.0.to_string()),
            ("high", &REACH_DELAY.1.to_string()),
        ],
    );
    let none = reach.numbers.is_empty();
    view! {
        <section class="card" id="reach" aria-labelledby="reach-title">
            <h2 id="reach-title">{t(Key::ReachTitle)}</h2>
            <p class="hint">{t(Key::ReachIntro)}</p>
            <Saved section="reach" ok=Signal::derive(move || succeeded(answer).get() || succeeded(added).get())/>
            {none.then(|| view! { <p class="muted" data-test="no-reach-numbers">{t(Key::ReachNone)}</p> })}
            <ul class="rows" data-test="reach-numbers">
                {reach
                    .numbers
                    .into_iter()
                    .enumerate()
                    .map(|(at, number)| view! { <ReachRow at number version=forms.version/> })
                    .collect_view()}
            </ul>
            <ActionForm action=forms.add_reach attr:class="add-row">
                <FormError answer=added/>
                <Input
                    name="number"
                    id="new-reach-number"
                    label=Key::ReachNumber
                    value=String::new()
                    inputmode="tel"
                    refused=reasons(added, "number")
                />
                <button type="submit" class="secondary" data-test="add-reach-number">{t(Key::ReachAdd)}</button>
            </ActionForm>
            <h3>{t(Key::ReachRingTitle)}</h3>
            <ActionForm action=forms.reach>
                <FormError answer/>
                <Tick name="answer_confirmation" label=Key::ReachConfirm checked=reach.answer_confirmation/>
                <Input
                    name="delay_seconds"
                    label=Key::ReachDelay
                    value=reach.delay_seconds.to_string()
                    inputmode="numeric"
                    refused=reasons(answer, "delay_seconds")
                />
                <p class="hint">{delay_hint}</p>
                <button type="submit" class="primary" data-test="save-reach">{t(Key::SettingsSave)}</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
fn ReachRow(
    at: usize,
    number: crate::domain::self_service::ReachNumber,
    version: RwSignal<u32>,
) -> impl IntoView {
    let action = ServerAction::<ChangeReachNumber>::new();
    refresh_on_success!(version, action);
    let answer = action.value();
    view! {
        <li data-test="reach-number">
            <ActionForm action attr:class="row">
                <FormError answer/>
                <input type="hidden" name="at" value=at.to_string()/>
                <span class="number">{number.number}</span>
                <Tick name="enabled" id=format!("reach-{at}-enabled") label=Key::ReachEnabled checked=number.enabled/>
                <div class="row-buttons">
                    <button type="submit" name="op" value="save" data-test="row-save">{t(Key::SettingsSave)}</button>
                    <button type="submit" name="op" value="remove" class="danger" data-test="row-remove">{t(Key::PoolRemove)}</button>
                </div>
            </ActionForm>
        </li>
    }
    .into_any()
}
